//! The slot index: the snapshot's claimed pods by ordinal, with the few facts a sync pass
//! scans every slot for kept as bit sets and counts, updated as pods change one at a time.
//! It lets a pass visit only the slots that can make it act (SPEC §2.3 walks all of them,
//! and a quiet slot — a Running, Ready, intact pod — does nothing there); the full walk
//! stays the reference (see `sync`). Pure.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};
use rustc_hash::FxHashMap;

use super::pod::{Owner, PodRecord};

pub use super::bits::{Bits, Union};

/// What one claimed pod adds to the status counts (`computeReplicaStatus`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub created: i32,
    pub running_ready: i32,
}

/// The claimed pods of a snapshot whose ordinal is not negative, by ordinal: the set's
/// slots `[start, start + len)` and the condemned ordinals beyond them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotIndex {
    /// The range it slots (the spec's `ordinals.start` and replicas).
    pub start: i32,
    pub len: usize,
    /// The set is being deleted (which changes what is claimed, SPEC §2.1).
    deleting: bool,
    min_ready_seconds: i32,
    /// Position in the snapshot's records of each slot's pod (`VACANT`: none).
    at: Vec<u32>,
    pub vacant: Bits,
    /// Occupied slots whose pod is not Running, Ready, intact (identity and storage) and
    /// alive: the ones processReplica may act or stop on, whatever the clock says.
    pub unsettled: Bits,
    /// Occupied slots: not Ready or terminating / not Running-and-Ready or terminating
    /// (unavailable before the clock is asked, by either release's rule).
    pub unready: Bits,
    pub not_running_ready: Bits,
    /// Occupied slots by the number of the revision their pod runs (with how many).
    by_revision: FxHashMap<u32, (usize, Bits)>,
    /// Slots with a claim that has owner references (retention may want a change).
    pub owned_claims: Bits,
    /// Condemned ordinal → position.
    condemned: BTreeMap<i32, u32>,
    /// Pods that share an ordinal with the indexed one (position → ordinal): a pass slots
    /// by list order then, and walks every slot.
    crowded: FxHashMap<u32, i32>,
    /// Status counts over every indexed pod, and created, alive pods per revision number
    /// (no entry for none, so that equal indexes compare equal).
    pub tally: Tally,
    live: FxHashMap<u32, i32>,
    /// Ready pods by the instant they become available (minReadySeconds > 0 only;
    /// `Timestamp::MAX` for never), with their ordinal.
    ripening: BTreeSet<(Timestamp, i32)>,
}

const VACANT: u32 = u32::MAX;

/// Whether the pass claims `r` (SPEC §2.1: its controller is the set, or an orphan it
/// adopts while the set is not being deleted).
pub fn claimed(r: &PodRecord, deleting: bool) -> bool {
    r.member
        && r.selected
        && match r.owner {
            Owner::ThisSet => true,
            Owner::None => !deleting && !r.terminating,
            Owner::Other => false,
        }
}

impl SlotIndex {
    pub fn new(
        (start, len): (i32, usize),
        deleting: bool,
        min_ready_seconds: i32,
        records: &[PodRecord],
    ) -> SlotIndex {
        let mut index = SlotIndex {
            start,
            len,
            deleting,
            min_ready_seconds,
            at: vec![VACANT; len],
            vacant: Bits::new(len),
            unsettled: Bits::new(len),
            unready: Bits::new(len),
            not_running_ready: Bits::new(len),
            by_revision: FxHashMap::default(),
            owned_claims: Bits::new(len),
            condemned: BTreeMap::new(),
            crowded: FxHashMap::default(),
            tally: Tally::default(),
            live: FxHashMap::default(),
            ripening: BTreeSet::new(),
        };
        for i in 0..len {
            index.vacant.set(i, true);
        }
        for (at, r) in records.iter().enumerate() {
            index.add(at as u32, r);
        }
        index
    }

    /// The slot position of `ordinal`, if in range.
    pub fn slot_of(&self, ordinal: i32) -> Option<usize> {
        let i = usize::try_from(i64::from(ordinal) - i64::from(self.start)).ok()?;
        (i < self.len).then_some(i)
    }

    /// The position of slot `i`'s pod among the snapshot's records.
    pub fn at(&self, i: usize) -> Option<usize> {
        self.at
            .get(i)
            .filter(|&&a| a != VACANT)
            .map(|&a| a as usize)
    }

    /// The position of the pod of `ordinal` (a slot's or a condemned one).
    pub fn position(&self, ordinal: i32) -> Option<usize> {
        match self.slot_of(ordinal) {
            Some(i) => self.at(i),
            None => self.condemned.get(&ordinal).map(|&a| a as usize),
        }
    }

    /// Condemned pods' positions, by ordinal descending (the order they are processed).
    pub fn condemned(&self) -> impl Iterator<Item = usize> + '_ {
        self.condemned.values().rev().map(|&a| a as usize)
    }

    /// No two claimed pods share an ordinal (else a pass walks every slot).
    pub fn unambiguous(&self) -> bool {
        self.crowded.is_empty()
    }

    /// Slots of pods running revision number `id`.
    pub fn on_revision(&self, id: u32) -> Option<&Bits> {
        self.by_revision.get(&id).map(|(_, bits)| bits)
    }

    /// Created, alive pods running revision number `id`.
    pub fn live_on(&self, id: u32) -> i32 {
        self.live.get(&id).copied().unwrap_or(0)
    }

    /// Ordinals of Ready pods not yet available at `now` (`inclusive`: available at the
    /// instant readiness plus minReadySeconds is reached).
    pub fn ripening_at(&self, now: Timestamp, inclusive: bool) -> impl Iterator<Item = i32> + '_ {
        self.ripening
            .range((now, i32::MIN)..)
            .filter(move |(until, _)| !inclusive || *until > now)
            .map(|&(_, ordinal)| ordinal)
    }

    /// This index with revision numbers renamed by `rename` (to compare it with another
    /// snapshot's, which numbers the same revisions in its own order).
    pub fn renumbered(&self, rename: impl Fn(u32) -> u32) -> SlotIndex {
        let mut out = self.clone();
        out.by_revision = self
            .by_revision
            .iter()
            .map(|(&id, v)| (rename(id), v.clone()))
            .collect();
        out.live = self.live.iter().map(|(&id, &n)| (rename(id), n)).collect();
        out
    }

    /// Whether this pod counts, and if so where it goes.
    fn indexed(&self, r: &PodRecord) -> bool {
        r.ordinal >= 0 && claimed(r, self.deleting)
    }

    /// Adds the record at position `at`.
    pub fn add(&mut self, at: u32, r: &PodRecord) {
        if !self.indexed(r) {
            return;
        }
        let holder = match self.slot_of(r.ordinal) {
            Some(i) => &mut self.at[i],
            None => self.condemned.entry(r.ordinal).or_insert(VACANT),
        };
        if *holder != VACANT {
            self.crowded.insert(at, r.ordinal);
            return;
        }
        *holder = at;
        self.count(r, 1);
    }

    /// Removes the record at position `at` (it must be the one added there); `records`
    /// gives the record at a position, to index another pod of the same ordinal instead.
    pub fn remove<'r>(&mut self, at: u32, r: &PodRecord, records: impl Fn(u32) -> &'r PodRecord) {
        if !self.indexed(r) || self.crowded.remove(&at).is_some() {
            return;
        }
        self.count(r, -1);
        match self.slot_of(r.ordinal) {
            Some(i) => self.at[i] = VACANT,
            None => {
                self.condemned.remove(&r.ordinal);
            }
        }
        let other = self
            .crowded
            .iter()
            .find(|(_, o)| **o == r.ordinal)
            .map(|(&a, _)| a);
        if let Some(other) = other {
            self.crowded.remove(&other);
            self.add(other, records(other));
        }
    }

    /// The record at position `from` moved to `to` (the snapshot's list shrank).
    pub fn moved(&mut self, from: u32, to: u32, r: &PodRecord) {
        if !self.indexed(r) {
            return;
        }
        if let Some(o) = self.crowded.remove(&from) {
            self.crowded.insert(to, o);
            return;
        }
        let holder = match self.slot_of(r.ordinal) {
            Some(i) => &mut self.at[i],
            None => match self.condemned.get_mut(&r.ordinal) {
                Some(h) => h,
                None => return,
            },
        };
        if *holder == from {
            *holder = to;
        }
    }

    /// Claims with owner references now exist (or not) for `ordinal`.
    pub fn set_owned_claims(&mut self, ordinal: i32, owned: bool) {
        if let Some(i) = self.slot_of(ordinal) {
            self.owned_claims.set(i, owned);
        }
    }

    /// Counts `r` in (`sign` 1) or out (−1) of the bit sets and tallies.
    fn count(&mut self, r: &PodRecord, sign: i32) {
        let on = sign > 0;
        if let Some(i) = self.slot_of(r.ordinal) {
            let settled =
                r.is_running_and_ready() && !r.terminating && r.identity_ok && r.storage_ok;
            self.vacant.set(i, !on);
            self.unsettled.set(i, on && !settled);
            self.unready.set(i, on && (!r.ready || r.terminating));
            self.not_running_ready
                .set(i, on && (!r.is_running_and_ready() || r.terminating));
            let len = self.len;
            let (n, bits) = self
                .by_revision
                .entry(r.revision_id)
                .or_insert_with(|| (0, Bits::new(len)));
            bits.set(i, on);
            *n = n.wrapping_add_signed(sign as isize);
            if *n == 0 {
                self.by_revision.remove(&r.revision_id);
            }
        }
        if r.is_created() {
            self.tally.created += sign;
            if !r.terminating {
                let n = self.live.entry(r.revision_id).or_default();
                *n += sign;
                if *n == 0 {
                    self.live.remove(&r.revision_id);
                }
            }
        }
        if r.is_running_and_ready() {
            self.tally.running_ready += sign;
        }
        if self.min_ready_seconds > 0 && r.ready {
            let until = r
                .ready_since
                .and_then(|s| {
                    s.checked_add(SignedDuration::from_secs(i64::from(self.min_ready_seconds)))
                        .ok()
                })
                .unwrap_or(Timestamp::MAX);
            if on {
                self.ripening.insert((until, r.ordinal));
            } else {
                self.ripening.remove(&(until, r.ordinal));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_are_found_both_ways_across_words() {
        let mut b = Bits::new(200);
        for i in [0, 63, 64, 130, 199] {
            b.set(i, true);
        }
        assert_eq!(b.ones().collect::<Vec<_>>(), [0, 63, 64, 130, 199]);
        let below = |b: &Bits, end| Union::of(&[b]).ones_below(end).collect::<Vec<_>>();
        assert_eq!(below(&b, 200), [199, 130, 64, 63, 0]);
        assert_eq!(below(&b, 130), [64, 63, 0]);
        assert!(below(&b, 0).is_empty());
        assert_eq!(b.first(), Some(0));
        b.set(0, false);
        assert_eq!(b.first(), Some(63));
        assert!(b.get(199) && !b.get(198) && !b.get(5000));
        // The complement stays within the length.
        let none = Bits::new(200);
        let c: Vec<usize> = Union::of(&[&none]).or_not(&b).ones().collect();
        assert_eq!(c.len(), 200 - 4);
        assert!(!c.contains(&63) && c.contains(&0) && c.contains(&198));
        assert_eq!(Union::of(&[&b]).or_not(&b).ones().count(), 200);
    }
}
