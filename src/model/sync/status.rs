//! The end of one pass: the status counts (`computeReplicaStatus`), completion, whether
//! the status is written, and history truncation (SPEC §2.3 P15–P16). Pure.

use std::collections::HashSet;

use k8s_openapi::api::apps::v1::ControllerRevision;

use super::super::diagnose;
use super::super::plan::{Action, ObjectRef, Plan};
use super::super::pod::PodRecord;
use super::indexed::Indexed;
use super::{Pass, claimed};

impl<'a> Pass<'a> {
    /// What `pod` adds to the status counts: replicas, ready, available, current,
    /// updated (`computeReplicaStatus`).
    fn tally(&self, pod: &PodRecord) -> [i32; 5] {
        let created = pod.is_created();
        let ready = pod.is_running_and_ready();
        let available =
            ready && pod.is_available(self.view.min_ready_seconds, self.now, &self.profile);
        let live = created && !pod.terminating;
        [
            created,
            ready,
            available,
            live && pod.revision_id == self.current_id,
            live && pod.revision_id == self.update_id,
        ]
        .map(i32::from)
    }

    /// Sets the status counts to the sum over `members`.
    pub(super) fn status_counts(&mut self, members: impl Iterator<Item = &'a PodRecord>) {
        let mut sum = [0; 5];
        for pod in members {
            for (s, t) in sum.iter_mut().zip(self.tally(pod)) {
                *s += t;
            }
        }
        self.set_counts(sum);
    }

    /// The status counts from the index's totals: a Ready pod not yet available by the
    /// clock is taken off, and so is a replaced pod (for its placeholder).
    pub(super) fn count_indexed(&mut self, ix: &Indexed<'a>) {
        let index = ix.index;
        let mut sum = [
            index.tally.created,
            index.tally.running_ready,
            index.tally.running_ready,
            index.live_on(self.current_id),
            index.live_on(self.update_id),
        ];
        let records = self.snap.records();
        for &ordinal in &ix.ripening_ordinals {
            let ripe = index.position(ordinal).map(|at| &records[at]);
            sum[2] -= i32::from(ripe.is_some_and(PodRecord::is_running_and_ready));
        }
        for (&i, &placeholder) in &ix.replaced {
            let replaced = index.at(i).map(|at| &records[at]);
            let (gone, new) = (replaced.map(|p| self.tally(p)), self.tally(placeholder));
            for (k, s) in sum.iter_mut().enumerate() {
                *s += new[k] - gone.map_or(0, |g| g[k]);
            }
        }
        self.set_counts(sum);
    }

    fn set_counts(&mut self, [replicas, ready, available, current, updated]: [i32; 5]) {
        let s = &mut self.status;
        s.replicas = replicas;
        s.ready_replicas = ready;
        s.available_replicas = available;
        s.current_replicas = current;
        s.updated_replicas = updated;
    }

    /// P15 completion, the write decision, P16 truncation.
    pub(super) fn finish(mut self) -> Plan {
        let v = &self.view;
        let s = &mut self.status;
        let strategy_ok = v.strategy == "RollingUpdate" || self.profile.completion_any_strategy();
        let complete = if self.profile.completion_checks_spec_replicas() {
            s.updated_replicas == v.replicas
                && s.ready_replicas == v.replicas
                && s.replicas == v.replicas
        } else {
            s.updated_replicas == s.replicas && s.ready_replicas == s.replicas
        };
        if strategy_ok && complete {
            s.current_replicas = s.updated_replicas;
            s.current_revision = s.update_revision.clone();
        }
        let st = &v.stored;
        let status_written = s.observed_generation > st.observed_generation
            || s.replicas != st.replicas
            || s.current_replicas != st.current_replicas
            || s.ready_replicas != st.ready_replicas
            || s.updated_replicas != st.updated_replicas
            || s.current_revision != st.current_revision
            || s.available_replicas != st.available_replicas
            || s.update_revision != st.update_revision;
        let truncations = self.truncate_history();
        self.actions.extend(truncations);
        let requeue_after_seconds = (self.error.is_none()
            && v.min_ready_seconds > 0
            && self.status.available_replicas != v.replicas)
            .then_some(i64::from(v.min_ready_seconds));
        Plan {
            stateful_set: ObjectRef {
                namespace: v.namespace.to_string(),
                name: v.name.to_string(),
            },
            kubernetes_version: self.profile.version.to_string(),
            current_revision: self.status.current_revision.clone(),
            update_revision: self.status.update_revision.clone(),
            current_revision_number: self.revs.current.number,
            update_revision_number: self.revs.update.number,
            actions: self.actions,
            waiting_on: self.waiting,
            status: self.status,
            status_written,
            error: self.error,
            name_taken: self.name_taken,
            requeue_after_seconds,
            diagnosis: diagnose::Diagnosis::default(),
            new_revision: self.revs.created,
        }
    }

    /// `truncateHistory`: delete the oldest non-live revisions beyond the limit, from the
    /// list as read at the start of the pass.
    fn truncate_history(&self) -> Vec<Action> {
        let limit = self.view.history_limit.max(0) as usize;
        if self.revs.listed.len() <= limit {
            // Fewer revisions than the limit: nothing to delete, whatever is live.
            return Vec::new();
        }
        let mut live: HashSet<&str> = HashSet::new();
        live.insert(&self.revs.current.name);
        live.insert(&self.revs.update.name);
        for p in claimed(self.snap, self.view.deleting) {
            live.insert(p.revision.as_str());
        }
        let history: Vec<&ControllerRevision> = self
            .revs
            .listed
            .iter()
            .copied()
            .filter(|r| !live.contains(r.metadata.name.as_deref().unwrap_or("")))
            .collect();
        if history.len() <= limit {
            return Vec::new();
        }
        history[..history.len() - limit]
            .iter()
            .map(|r| Action::DeleteControllerRevision {
                name: r.metadata.name.clone().unwrap_or_default(),
                revision_number: r.revision,
            })
            .collect()
    }
}
