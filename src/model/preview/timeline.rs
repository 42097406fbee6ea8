//! The preview's timeline: the events a pass produced, the pods unavailable at each
//! instant, when something next changes, and the summary at the end.

use std::cmp::Reverse;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::core::v1::Pod;

use super::super::plan::{Action, Plan};
use super::super::progress::{Outcome, judge};
use super::super::{report, revision};
use super::world::World;
use super::{End, Event, Timeline};

impl World<'_> {
    pub(super) fn action_event(&mut self, action: &Action, pod: &Pod) {
        let what = match action {
            Action::CreatePod { .. } => "create",
            _ => "delete",
        };
        self.event(what, pod, action_reason(action));
    }

    /// An event about the pod named `name`, as its record is now.
    pub(super) fn record_event(&mut self, what: &str, name: &str, reason: Option<String>) {
        let revision = self
            .snap
            .record(name)
            .map(|r| r.revision.clone())
            .unwrap_or_default();
        self.push_event(what, name.to_string(), revision, reason);
    }

    pub(super) fn event(&mut self, what: &str, pod: &Pod, reason: Option<String>) {
        let name = pod.metadata.name.clone().unwrap_or_default();
        let revision = pod
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(revision::POD_REVISION_LABEL))
            .cloned()
            .unwrap_or_default();
        self.push_event(what, name, revision, reason);
    }

    pub(super) fn push_event(
        &mut self,
        what: &str,
        name: String,
        revision: String,
        reason: Option<String>,
    ) {
        let ordinal = crate::model::pod::parent_and_ordinal(&name).map(|(_, o)| o);
        self.events.push(Event {
            at_seconds: self.offset(),
            what: what.to_string(),
            pod: name,
            ordinal,
            revision,
            reason,
            unavailable: 0,
        });
    }

    /// Ordinals in range that are missing, terminating, not Running and Ready, or not yet
    /// available (minReadySeconds).
    pub(super) fn unavailable(&mut self) -> usize {
        let warming: Vec<String> = self.warming.iter().cloned().collect();
        for name in warming {
            self.refresh(&name);
        }
        (self.replicas as usize).saturating_sub(self.available)
    }

    /// The next instant at which a pod changes by itself or becomes available.
    pub(super) fn next_change(&mut self) -> Option<Timestamp> {
        let min_ready = SignedDuration::from_secs(i64::from(self.min_ready));
        while let Some(Reverse((t, name))) = self.due.peek() {
            let current = *t > self.now
                && self
                    .lives
                    .get(name)
                    .is_some_and(|l| l.instants(min_ready).any(|i| i == *t));
            if current {
                return Some(*t);
            }
            self.due.pop();
        }
        None
    }

    pub(super) fn finish(self, first: Plan, peak: usize, limit: bool) -> Timeline {
        let plan = crate::model::plan(&self.snap, self.now, self.profile);
        let r = report::report(&self.snap, &plan, self.now, self.profile);
        let set = self.snap.set();
        let spec = set.spec.as_ref();
        let strategy = spec.and_then(|s| s.update_strategy.as_ref());
        let rolling = strategy.and_then(|s| s.rolling_update.as_ref());
        let restarts = self
            .events
            .iter()
            .filter(|e| e.what == "delete" && e.reason.as_deref() == Some("update"))
            .count();
        let changed = !self.events.is_empty();
        let (end, message, wedged_on) = match judge(&r) {
            _ if limit => (
                End::Limit,
                format!("stopped after {} instants without settling", self.passes),
                None,
            ),
            Outcome::Complete(msg)
                if !changed && first.current_revision == first.update_revision =>
            {
                (
                    End::NothingToDo,
                    format!("nothing to roll out: {msg}"),
                    None,
                )
            }
            Outcome::Complete(msg) => (End::Complete, msg, None),
            Outcome::Waiting(msg) if r.strategy == "OnDelete" => (
                End::WaitsForDeletion,
                format!("{msg} (OnDelete: the controller replaces a pod only after it is deleted)"),
                None,
            ),
            Outcome::Waiting(msg) | Outcome::Stuck(msg) => {
                let stuck = r
                    .rows
                    .iter()
                    .find(|row| row.pod.is_some() && !row.ready && !row.condemned)
                    .and_then(|row| row.pod.clone());
                let why = match &stuck {
                    Some(p) if self.lives.get(p).is_some_and(|l| l.ready_at.is_none()) => {
                        let why = if self.lives.get(p).is_some_and(|l| l.adopted) {
                            "it is failing now"
                        } else {
                            "as assumed"
                        };
                        format!(
                            "{p} never becomes Ready ({why}); {}",
                            plan.diagnosis.summary
                        )
                    }
                    _ => msg,
                };
                (End::Wedged, why, stuck)
            }
        };
        Timeline {
            stateful_set: self.snap.name().to_string(),
            namespace: self.snap.namespace().to_string(),
            strategy: r.strategy.clone(),
            pod_management_policy: spec
                .and_then(|s| s.pod_management_policy.clone())
                .unwrap_or_else(|| "OrderedReady".into()),
            replicas: r.replicas,
            partition: rolling.and_then(|r| r.partition),
            max_unavailable: rolling
                .and_then(|r| r.max_unavailable.as_ref())
                .map(|m| match m {
                    k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i) => {
                        i.to_string()
                    }
                    k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => {
                        s.clone()
                    }
                }),
            min_ready_seconds: spec.and_then(|s| s.min_ready_seconds).unwrap_or(0),
            current_revision: first.current_revision,
            update_revision: first.update_revision,
            assumptions: self.assume,
            duration_seconds: self.events.last().map_or(0, |e| e.at_seconds),
            events: self.events,
            end,
            message,
            wedged_on,
            peak_unavailable: peak,
            restarts,
            passes: self.passes,
        }
    }
}

/// Why the controller acted on a pod, in the timeline's words (`update`, `missing`, ...).
pub(super) fn action_reason(action: &Action) -> Option<String> {
    match action {
        Action::CreatePod { reason, .. } => Some(format!("{reason:?}").to_lowercase()),
        Action::DeletePod { reason, .. } => Some(format!("{reason:?}").to_lowercase()),
        _ => None,
    }
}
