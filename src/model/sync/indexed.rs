//! What a pass through the snapshot's slot index reads instead of walking every slot
//! (see [`SlotIndex`]): the clock-dependent part (Ready pods not yet available) worked
//! out once per pass, and the slots the pass changed. Pure.

use std::cell::RefCell;

use jiff::Timestamp;
use rustc_hash::FxHashMap;

use super::super::claims::{Policy, Retention};
use super::super::pod::PodRecord;
use super::super::profile::Profile;
use super::super::set::SetView;
use super::super::slots::{SlotIndex, Union};
use super::super::snapshot::Snapshot;

/// What a pass through the slot index reads instead of walking every slot.
pub(super) struct Indexed<'a> {
    pub(super) index: &'a SlotIndex,
    /// Slots (and, for the counts, all ordinals) of Ready pods not yet available by the
    /// clock (minReadySeconds), ascending.
    pub(super) ripening: Vec<usize>,
    pub(super) ripening_ordinals: Vec<i32>,
    /// Slots whose pod the pass replaced with a placeholder (≤1.29 failed pods).
    pub(super) replaced: FxHashMap<usize, &'a PodRecord>,
    /// Placeholders made for vacant slots, once each.
    pub(super) vacant_placeholders: RefCell<FxHashMap<usize, &'a PodRecord>>,
}

impl<'a> Indexed<'a> {
    /// The index when it covers the set as this pass sees it: same range, no two pods on
    /// one ordinal, not being deleted, and no claim retention a pass must check on
    /// every pod (whenDeleted=Delete wants a set reference on every claim).
    pub(super) fn of(
        snap: &'a Snapshot,
        view: &SetView,
        profile: &Profile,
        policy: Policy,
        now: Timestamp,
    ) -> Option<Indexed<'a>> {
        let index = snap.slot_index();
        let covers = !view.deleting
            && view.start >= 0
            && index.start == view.start
            && index.len == view.replicas.max(0) as usize
            && index.unambiguous()
            && (!profile.auto_delete_pvc() || policy.when_deleted == Retention::Retain);
        if !covers {
            return None;
        }
        let ripening_ordinals: Vec<i32> = index
            .ripening_at(now, profile.available_boundary_inclusive())
            .collect();
        let mut ripening: Vec<usize> = ripening_ordinals
            .iter()
            .filter_map(|&o| index.slot_of(o))
            .collect();
        ripening.sort_unstable();
        Some(Indexed {
            index,
            ripening,
            ripening_ordinals,
            replaced: FxHashMap::default(),
            vacant_placeholders: RefCell::default(),
        })
    }

    /// Slots whose pod may be unavailable: from the index (placeholders included), and
    /// the slots replaced so far in this pass (a caller checks each).
    pub(super) fn unavailable_slots(&self, profile: &Profile) -> Union<'a> {
        let replaced = self.replaced.keys().copied();
        if profile.unavailable_respects_min_ready() {
            Union::of(&[&self.index.vacant, &self.index.unready])
                .with(self.ripening.iter().copied().chain(replaced))
        } else {
            Union::of(&[&self.index.vacant, &self.index.not_running_ready]).with(replaced)
        }
    }
}
