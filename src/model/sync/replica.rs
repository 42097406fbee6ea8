//! The per-replica steps of a pass (SPEC §3.3–§3.5): create, repair or wait for each
//! slot in order, enforce the pod invariants (identity, claims), and delete condemned
//! pods.

use super::super::plan::{Action, CreateReason, DeleteReason, UpdateReason, WaitFor};
use super::super::pod::PodRecord;
use super::super::squat::{self, NameTaken};
use super::{Pass, Place, Step};

impl<'a> Pass<'a> {
    pub(super) fn process_replica(&mut self, i: usize) -> Step {
        let monotonic = self.view.monotonic;
        let pod = self.slot(i);
        let reason = if pod.is_failed() {
            Some(DeleteReason::Failed)
        } else if pod.is_succeeded() && self.profile.replaces_succeeded_pods() {
            Some(DeleteReason::Succeeded)
        } else {
            None
        };
        let mut create_reason = CreateReason::Missing;
        // The pod this pass deleted from the slot: its name is free for the replacement.
        let mut deleted_here = None;
        if let Some(reason) = reason {
            if self.profile.failed_pod_delete_only() {
                if pod.terminating {
                    self.wait(pod, WaitFor::Termination);
                } else {
                    self.delete(pod, reason);
                }
                return Step::Stop;
            }
            // ≤1.29: delete (even if already terminating) and create the replacement now.
            self.delete(pod, reason);
            deleted_here = Some(pod);
            self.replace_slot(i, self.placeholder(pod.ordinal));
            create_reason = CreateReason::Replacement;
        }
        let pod = self.slot(i);
        if !pod.is_created() {
            if self.profile.auto_delete_pvc() && self.claims.is_stale(pod) {
                self.wait(pod, WaitFor::StaleClaimCleanup);
                return Step::Stop;
            }
            let (creates, error) = self.claims.create_missing(pod);
            self.actions.extend(creates);
            if let Some(e) = error {
                return Step::Error(format!("create Pod {} failed: {e}", pod.name));
            }
            // A pod the set does not have in this slot holds the name: AlreadyExists.
            let holder = self
                .snap
                .record(&pod.name)
                .filter(|held| deleted_here.is_none_or(|d| d.name != held.name));
            if let Some(held) = holder {
                let taken = NameTaken {
                    pod: pod.name.clone(),
                    ordinal: pod.ordinal,
                    holder_uid: held.uid.clone(),
                    holder: squat::holder(self.snap, held, self.view.deleting),
                };
                let error = taken.api_error();
                self.name_taken.push(taken);
                return Step::Error(error);
            }
            self.actions.push(Action::CreatePod {
                name: pod.name.to_string(),
                ordinal: pod.ordinal,
                revision: pod.revision.to_string(),
                reason: create_reason,
            });
            if self.profile.auto_delete_pvc() {
                let updates = self.claims.retention_updates(pod);
                self.actions.extend(updates);
            }
            if monotonic {
                return Step::Stop;
            }
        }
        if pod.is_pending() {
            let (creates, error) = self.claims.create_missing(pod);
            self.actions.extend(creates);
            if let Some(e) = error {
                return Step::Error(e);
            }
            if self.profile.auto_delete_pvc() {
                let updates = self.claims.retention_updates(pod);
                self.actions.extend(updates);
            }
        }
        if monotonic {
            if pod.terminating {
                self.wait(pod, WaitFor::Termination);
                return Step::Stop;
            }
            if !pod.is_running_and_ready() {
                self.wait(pod, WaitFor::RunningAndReady);
                return Step::Stop;
            }
            if !self.available(pod) {
                self.wait(pod, WaitFor::Available);
                return Step::Stop;
            }
        }
        self.enforce_invariants(pod)
    }

    /// processReplica step 7 and `UpdateStatefulPod`.
    pub(super) fn enforce_invariants(&mut self, pod: &PodRecord) -> Step {
        let retention_ok = !self.profile.auto_delete_pvc() || self.claims.match_policy(pod);
        let identity_ok = pod.identity_ok;
        let storage_ok = pod.storage_ok;
        if identity_ok && storage_ok && retention_ok {
            return Step::Continue;
        }
        let mut reason = None;
        if !identity_ok {
            reason = Some(UpdateReason::Identity);
        }
        if !storage_ok {
            reason = reason.or(Some(UpdateReason::Storage));
            let (creates, error) = self.claims.create_missing(pod);
            self.actions.extend(creates);
            if let Some(e) = error {
                return Step::Error(format!("update Pod {} failed: {e}", pod.name));
            }
        }
        if !retention_ok {
            reason = reason.or(Some(UpdateReason::Retention));
            let updates = self.claims.retention_updates(pod);
            self.actions.extend(updates);
        }
        self.actions.push(Action::UpdatePod {
            name: pod.name.to_string(),
            ordinal: pod.ordinal,
            reason: reason.unwrap_or(UpdateReason::Retention),
            uid: pod.uid.to_string(),
        });
        Step::Continue
    }

    pub(super) fn fix_condemned_claims(&mut self, i: usize) -> Step {
        let pod = self.condemned[i];
        if !self.claims.match_policy(pod) {
            let updates = self.claims.retention_updates(pod);
            self.actions.extend(updates);
        }
        Step::Continue
    }

    pub(super) fn process_condemned(&mut self, i: usize) -> Step {
        let monotonic = self.view.monotonic;
        let pod = self.condemned[i];
        if pod.terminating {
            if monotonic {
                self.wait(pod, WaitFor::Termination);
                return Step::Stop;
            }
            return Step::Continue;
        }
        let first = self.first_unavailable == Some(Place::Condemned(i));
        if monotonic && !first && !pod.is_running_and_ready() {
            self.wait(pod, WaitFor::RunningAndReady);
            return Step::Stop;
        }
        if monotonic && !first && !self.available(pod) {
            self.wait(pod, WaitFor::Available);
            return Step::Stop;
        }
        self.delete(pod, DeleteReason::Condemned);
        Step::Stop
    }

    /// `DeleteStatefulPod`: a write, unless the pass already deleted the pod and the API
    /// server removed it at once — then the DELETE answers NotFound, which the rolling
    /// update ignores (since 1.30 a finished pod is deleted by processReplica and, still
    /// in the pass's list, by the rolling update again).
    ///
    /// Likewise a pod that neither exists nor was created by this pass (a placeholder
    /// whose creation was held back, by a stale claim say) is not there to delete: the 1.37 two-phase
    /// rolling update counts it as an unavailable old-revision pod, and its DELETE
    /// answers NotFound (the 1.37.2 oracle, `tests/parity/vectors/v1.37.2-min-seed2398`).
    pub(super) fn delete(&mut self, pod: &PodRecord, reason: DeleteReason) {
        let absent = !pod.is_created()
            && self.snap.pod(&pod.name).is_none()
            && !self
                .actions
                .iter()
                .any(|a| matches!(a, Action::CreatePod { name, .. } if *name == pod.name));
        if absent || self.gone.contains(&pod.uid) {
            return;
        }
        if self
            .snap
            .pod(&pod.name)
            .is_some_and(super::super::pod::deleted_at_once)
        {
            self.gone.push(pod.uid.clone());
        }
        self.actions.push(Action::DeletePod {
            name: pod.name.to_string(),
            ordinal: pod.ordinal,
            revision: pod.revision.to_string(),
            reason,
            uid: pod.uid.to_string(),
        });
    }
}
