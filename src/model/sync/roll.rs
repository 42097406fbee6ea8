//! P14, the rolling update of one pass: which outdated pod to delete next, or what it
//! waits for (SPEC §2.3). Pure.

use super::super::plan::{DeleteReason, WaitFor};
use super::super::pod::PodRecord;
use super::Pass;

impl<'a> Pass<'a> {
    /// The slots the rolling update may act or stop on, descending from `end`: every
    /// slot, or through the index those not running the update revision, unavailable
    /// or replaced in this pass (any other continues without acting).
    fn roll_candidates(&self, end: usize) -> Box<dyn Iterator<Item = usize> + 'a> {
        let Some(ix) = &self.indexed else {
            return Box::new((0..end).rev());
        };
        let candidates = ix.unavailable_slots(&self.profile);
        let candidates = match ix.index.on_revision(self.update_id) {
            Some(on_update) => candidates.or_not(on_update),
            None => candidates.or_everything(),
        };
        Box::new(candidates.ones_below(end))
    }

    /// The slots whose pod is unavailable, ascending.
    fn unavailable_slot_list(&self) -> Vec<usize> {
        let is = |i: &usize| self.unavailable(self.slot(*i));
        match &self.indexed {
            None => (0..self.slot_count()).filter(is).collect(),
            Some(ix) => ix
                .unavailable_slots(&self.profile)
                .ones()
                .filter(is)
                .collect(),
        }
    }

    /// P14: the rolling update.
    pub(super) fn roll(&mut self) {
        let update = self.update_id;
        let update_min = self.view.partition().max(0) as usize;
        let n = self.slot_count();
        let outdated = |p: &PodRecord| p.revision_id != update && !p.terminating;
        if !self.profile.gates.max_unavailable_stateful_set {
            for target in self.roll_candidates(n).take_while(|&t| t >= update_min) {
                let pod = self.slot(target);
                if outdated(pod) {
                    self.delete(pod, DeleteReason::Update);
                    self.status.current_replicas -= 1;
                    return;
                }
                if self.unavailable(pod) {
                    let why = self.why_unavailable(pod);
                    self.wait(pod, why);
                    return;
                }
            }
            return;
        }
        let max_unavailable = if self.view.rolling.is_some() {
            self.view.max_unavailable()
        } else {
            1
        };
        let unavailable = self.unavailable_slot_list();
        let count = unavailable.len() as i32;
        let two_phase = !self.view.monotonic && self.profile.parallel_two_phase_max_unavailable();
        let mut budget = max_unavailable - count;
        if two_phase {
            let stuck_old: Vec<usize> = unavailable
                .iter()
                .copied()
                .filter(|&i| i >= update_min && outdated(self.slot(i)))
                .collect();
            if budget <= 0 && stuck_old.is_empty() {
                self.wait_budget(&unavailable);
                return;
            }
            // Phase 1: old-revision pods that are unavailable anyway cost no budget.
            for &i in stuck_old.iter().rev() {
                let pod = self.slot(i);
                self.delete(pod, DeleteReason::Update);
                self.status.current_replicas -= 1;
            }
        } else if budget <= 0 {
            self.wait_budget(&unavailable);
            return;
        }
        for target in self.roll_candidates(n).take_while(|&t| t >= update_min) {
            if budget <= 0 {
                break;
            }
            let pod = self.slot(target);
            if outdated(pod) && !(two_phase && self.unavailable(pod)) {
                self.delete(pod, DeleteReason::Update);
                self.status.current_replicas -= 1;
                budget -= 1;
            }
        }
    }

    fn wait_budget(&mut self, unavailable: &[usize]) {
        if let Some(&i) = unavailable.last() {
            let pod = self.slot(i);
            self.wait(pod, WaitFor::MaxUnavailable);
        }
    }

    fn why_unavailable(&self, pod: &PodRecord) -> WaitFor {
        if pod.terminating {
            WaitFor::Termination
        } else if !pod.is_running_and_ready() {
            WaitFor::RunningAndReady
        } else {
            WaitFor::Available
        }
    }
}
