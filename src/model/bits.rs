//! Sets of slot positions for the slot index (see `slots`), and unions of them read
//! without being built. A pass asks "the first unavailable slot", "the slots to visit",
//! "the rolling update's candidates from the top": with a million slots a set is 15,625
//! words, and building each union a pass asks for cost more than the rest of the pass.
//! So each set keeps two summaries, a bit per word: the word is not empty, the word is
//! full; a [`Union`] reads its parts word by word, skipping 64 words at a time where the
//! summaries say nothing is there. Pure.

/// A set of positions `0..len`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bits {
    words: Vec<u64>,
    /// Bit `w`: `words[w] != 0`.
    any: Vec<u64>,
    /// Bit `w`: every position of `words[w]` that is below `len` is in the set.
    full: Vec<u64>,
    len: usize,
}

/// The positions below `len` that word `w` can hold.
fn word_mask(len: usize, w: usize) -> u64 {
    let end = len.saturating_sub(w * 64);
    if end >= 64 {
        u64::MAX
    } else {
        (1u64 << end) - 1
    }
}

fn put(summary: &mut [u64], w: usize, on: bool) {
    let (s, b) = (w / 64, 1u64 << (w % 64));
    if on {
        summary[s] |= b;
    } else {
        summary[s] &= !b;
    }
}

impl Bits {
    pub fn new(len: usize) -> Bits {
        let words = len.div_ceil(64);
        Bits {
            words: vec![0; words],
            any: vec![0; words.div_ceil(64)],
            full: vec![0; words.div_ceil(64)],
            len,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.any.iter().all(|s| *s == 0)
    }

    fn summarize(&mut self, w: usize) {
        let word = self.words[w];
        put(&mut self.any, w, word != 0);
        let mask = word_mask(self.len, w);
        put(&mut self.full, w, word & mask == mask);
    }

    pub fn set(&mut self, i: usize, on: bool) {
        let (w, b) = (i / 64, 1u64 << (i % 64));
        if on {
            self.words[w] |= b;
        } else {
            self.words[w] &= !b;
        }
        self.summarize(w);
    }

    pub fn get(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// The positions in the set, ascending.
    pub fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        Union::of(&[self]).ones()
    }

    /// The first position in the set.
    pub fn first(&self) -> Option<usize> {
        self.ones().next()
    }
}

/// The union of some sets, some positions, and the complement of a set, read in place.
#[derive(Clone, Debug)]
pub struct Union<'a> {
    parts: Vec<&'a Bits>,
    /// Positions, ascending (few: the pass's own).
    extra: Vec<usize>,
    not: Option<&'a Bits>,
    /// Every position below the length.
    all: bool,
    len: usize,
}

impl<'a> Union<'a> {
    pub fn of(parts: &[&'a Bits]) -> Union<'a> {
        Union {
            len: parts.first().map_or(0, |p| p.len),
            parts: parts.to_vec(),
            extra: Vec::new(),
            not: None,
            all: false,
        }
    }

    /// With these positions too.
    pub fn with(mut self, positions: impl IntoIterator<Item = usize>) -> Union<'a> {
        self.extra.extend(positions);
        self.extra.sort_unstable();
        self.extra.dedup();
        self
    }

    /// With every position below the length that `set` does not hold.
    pub fn or_not(mut self, set: &'a Bits) -> Union<'a> {
        self.len = self.len.max(set.len);
        self.not = Some(set);
        self
    }

    /// With every position below the length (the complement of the empty set).
    pub fn or_everything(mut self) -> Union<'a> {
        self.all = true;
        self
    }

    fn words(&self) -> usize {
        self.len.div_ceil(64)
    }

    /// Word `w` of the union.
    fn word(&self, w: usize) -> u64 {
        if self.all {
            return word_mask(self.len, w);
        }
        let mut word = 0;
        for p in &self.parts {
            word |= p.words.get(w).copied().unwrap_or(0);
        }
        if let Some(n) = self.not {
            word |= !n.words.get(w).copied().unwrap_or(0) & word_mask(self.len, w);
        }
        let from = self.extra.partition_point(|&i| i < w * 64);
        for &i in self.extra[from..].iter().take_while(|&&i| i < (w + 1) * 64) {
            word |= 1 << (i % 64);
        }
        word & word_mask(self.len, w)
    }

    /// Summary word `s`: bit `b` set where word `64 s + b` may be non-empty.
    fn summary(&self, s: usize) -> u64 {
        if self.all {
            return word_mask(self.words(), s);
        }
        let mut bits = 0;
        for p in &self.parts {
            bits |= p.any.get(s).copied().unwrap_or(0);
        }
        if let Some(n) = self.not {
            bits |= !n.full.get(s).copied().unwrap_or(0);
        }
        let from = self.extra.partition_point(|&i| i < s * 4096);
        for &i in self.extra[from..]
            .iter()
            .take_while(|&&i| i < (s + 1) * 4096)
        {
            bits |= 1 << ((i / 64) % 64);
        }
        bits & word_mask(self.words(), s)
    }

    /// The positions, ascending.
    pub fn ones(self) -> impl Iterator<Item = usize> + 'a {
        let summaries = self.words().div_ceil(64);
        let (mut s, mut pending, mut w, mut word) = (0, 0u64, 0, 0u64);
        let mut started = false;
        std::iter::from_fn(move || {
            loop {
                if word != 0 {
                    let b = word.trailing_zeros() as usize;
                    word &= word - 1;
                    return Some(w * 64 + b);
                }
                if pending != 0 {
                    let b = pending.trailing_zeros() as usize;
                    pending &= pending - 1;
                    w = s * 64 + b;
                    word = self.word(w);
                    continue;
                }
                if started {
                    s += 1;
                }
                started = true;
                if s >= summaries {
                    return None;
                }
                pending = self.summary(s);
            }
        })
    }

    /// The first position.
    pub fn first(self) -> Option<usize> {
        self.ones().next()
    }

    /// The positions below `end`, descending.
    pub fn ones_below(self, end: usize) -> impl Iterator<Item = usize> + 'a {
        let end = end.min(self.len);
        let last_word = end.div_ceil(64);
        let mut s = last_word.div_ceil(64);
        let (mut pending, mut w, mut word) = (0u64, 0, 0u64);
        std::iter::from_fn(move || {
            loop {
                if word != 0 {
                    let b = 63 - word.leading_zeros() as usize;
                    word &= !(1u64 << b);
                    let i = w * 64 + b;
                    if i < end {
                        return Some(i);
                    }
                    continue;
                }
                if pending != 0 {
                    let b = 63 - pending.leading_zeros() as usize;
                    pending &= !(1u64 << b);
                    w = s * 64 + b;
                    if w < last_word {
                        word = self.word(w);
                    }
                    continue;
                }
                if s == 0 {
                    return None;
                }
                s -= 1;
                pending = self.summary(s);
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sets of every size around the word and summary boundaries, unions of them with
    /// positions and a complement, against the same sets as `Vec<bool>`.
    #[test]
    fn unions_read_in_place_are_the_unions() {
        let mut rng = crate::model::random::Rng(7);
        let mut next = move || rng.next();
        for len in [0, 1, 63, 64, 65, 4095, 4096, 4097, 9000] {
            for density in [0u64, 1, 30, 64] {
                let mut sets = Vec::new();
                for _ in 0..3 {
                    let mut b = Bits::new(len);
                    // Runs of full words too: density 64 sets everything.
                    let v: Vec<bool> = (0..len).map(|_| next() % 64 < density).collect();
                    for (i, &on) in v.iter().enumerate() {
                        b.set(i, on);
                    }
                    // Set and cleared again: the summaries follow.
                    if len > 10 {
                        b.set(len - 1, true);
                        b.set(len - 1, v[len - 1]);
                    }
                    sets.push((b, v));
                }
                let extra: Vec<usize> = (0..3)
                    .map(|_| next() as usize % len.max(1))
                    .filter(|_| len > 0)
                    .collect();
                let all: Vec<usize> = Union::of(&[&sets[0].0]).or_everything().ones().collect();
                assert_eq!(all, (0..len).collect::<Vec<_>>());
                let union = Union::of(&[&sets[0].0, &sets[1].0])
                    .with(extra.iter().copied())
                    .or_not(&sets[2].0);
                let want: Vec<usize> = (0..len)
                    .filter(|&i| {
                        sets[0].1[i] || sets[1].1[i] || extra.contains(&i) || !sets[2].1[i]
                    })
                    .collect();
                assert_eq!(
                    union.clone().ones().collect::<Vec<_>>(),
                    want,
                    "{len} {density}"
                );
                assert_eq!(union.clone().first(), want.first().copied());
                for end in [0, len / 2, len, len + 5] {
                    let below: Vec<usize> =
                        want.iter().rev().copied().filter(|&i| i < end).collect();
                    assert_eq!(
                        union.clone().ones_below(end).collect::<Vec<_>>(),
                        below,
                        "{len} {density} {end}"
                    );
                }
                let plain: Vec<usize> = (0..len).filter(|&i| sets[0].1[i]).collect();
                assert_eq!(sets[0].0.ones().collect::<Vec<_>>(), plain);
                assert_eq!(sets[0].0.is_empty(), plain.is_empty());
            }
        }
    }
}
