//! The pods' lives by name: the set's own pods (its name, an ordinal in its range) in a
//! table by ordinal, any other in a map. A million lives in a map keyed by name took
//! 150 MB (the table, with room to grow, and a copy of every name); by ordinal, 40 MB.

use std::sync::Arc;

use super::world::Life;

pub(super) struct Lives {
    set_name: String,
    first_ordinal: i32,
    /// The table's length: the set's replicas.
    len: usize,
    by_ordinal: Vec<Option<Life>>,
    other: rustc_hash::FxHashMap<Arc<str>, Life>,
}

impl Lives {
    pub(super) fn new(set_name: &str, first_ordinal: i32, replicas: i32) -> Lives {
        Lives {
            set_name: set_name.to_string(),
            first_ordinal,
            len: replicas.max(0) as usize,
            by_ordinal: Vec::new(),
            other: Default::default(),
        }
    }

    /// The table's place for pod `name`, when it is exactly one of the set's names in
    /// range (`web-03` is not `web-3`: it goes to the map).
    fn slot(&self, name: &str) -> Option<usize> {
        let (parent, ordinal) = crate::model::pod::parent_and_ordinal(name)?;
        if parent != self.set_name || !crate::model::pod::is_indexed_name(name, parent, ordinal) {
            return None;
        }
        let at = usize::try_from(i64::from(ordinal) - i64::from(self.first_ordinal)).ok()?;
        (at < self.len).then_some(at)
    }

    pub(super) fn get(&self, name: &str) -> Option<&Life> {
        match self.slot(name) {
            Some(at) => self.by_ordinal.get(at)?.as_ref(),
            None => self.other.get(name),
        }
    }

    pub(super) fn get_mut(&mut self, name: &str) -> Option<&mut Life> {
        match self.slot(name) {
            Some(at) => self.by_ordinal.get_mut(at)?.as_mut(),
            None => self.other.get_mut(name),
        }
    }

    pub(super) fn insert(&mut self, name: &str, life: Life) {
        match self.slot(name) {
            Some(at) => {
                if self.by_ordinal.len() <= at {
                    // The whole table at once: grown by doubling, a million lives were
                    // held twice while it moved.
                    self.by_ordinal.resize_with(self.len, || None);
                }
                self.by_ordinal[at] = Some(life);
            }
            None => {
                self.other.insert(Arc::from(name), life);
            }
        }
    }

    pub(super) fn remove(&mut self, name: &str) -> Option<Life> {
        match self.slot(name) {
            Some(at) => self.by_ordinal.get_mut(at)?.take(),
            None => self.other.remove(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn life(created_at: i64) -> Life {
        Life::new(created_at)
    }

    /// Pods of the set in range go to the table, the rest (another parent, out of range,
    /// not an ordinal) to the map; each is found, changed and removed by its name.
    #[test]
    fn a_life_is_found_by_its_name_wherever_it_is_kept() {
        let mut lives = Lives::new("web", 2, 3);
        let names = [
            "web-2", "web-4", "web-5", "web-1", "db-3", "web", "web-x", "web-03",
        ];
        for (i, n) in names.iter().enumerate() {
            lives.insert(n, life(i as i64));
        }
        assert_eq!(
            lives.other.len(),
            6,
            "web-5 and web-1 are out of range, web-03 not canonical"
        );
        for (i, n) in names.iter().enumerate() {
            assert_eq!(lives.get(n).map(|l| l.created_at), Some(i as i64), "{n}");
        }
        assert!(lives.get("web-3").is_none() && lives.get("web-6").is_none());
        if let Some(l) = lives.get_mut("web-4") {
            l.created_at = 40;
        }
        assert_eq!(lives.remove("web-4").map(|l| l.created_at), Some(40));
        assert!(lives.get("web-4").is_none());
        assert_eq!(lives.remove("db-3").map(|l| l.created_at), Some(4));
        assert!(lives.remove("db-3").is_none());
    }
}
