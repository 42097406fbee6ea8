//! The preview's timeline: the events a pass produced, the pods unavailable at each
//! instant, when something next changes, and the summary at the end.

use std::cmp::Reverse;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use jiff::Timestamp;

use super::super::plan::{Action, Plan};
use super::super::progress::{Outcome, judge};
use super::super::report;
use super::world::{NEVER, World};
use super::{End, Event, Omitted, Timeline};

/// The first rows kept of a long timeline, and the last.
pub const HEAD_ROWS: usize = 5_000;
pub const TAIL_ROWS: usize = 5_000;

/// The timeline's rows as they are made: every row up to `HEAD_ROWS + TAIL_ROWS`; beyond
/// that the first `HEAD_ROWS` and the last `TAIL_ROWS`, the ones between counted (a
/// million ordinals make millions of rows: the memory would grow with them).
pub(super) struct Rows {
    /// How many of the first and of the last rows are kept.
    keep: (usize, usize),
    head: Vec<Event>,
    tail: VecDeque<Event>,
    omitted: Option<Omitted>,
    /// Pods deleted and recreated for the update, counted as they go.
    restarts: usize,
}

impl Rows {
    pub(super) fn new(keep: (usize, usize)) -> Rows {
        Rows {
            keep,
            head: Vec::new(),
            tail: VecDeque::new(),
            omitted: None,
            restarts: 0,
        }
    }

    fn push(&mut self, e: Event) {
        if e.what == "delete" && e.reason.as_deref() == Some("update") {
            self.restarts += 1;
        }
        if self.head.len() < self.keep.0 {
            self.head.push(e);
            return;
        }
        self.tail.push_back(e);
        if self.tail.len() > self.keep.1
            && let Some(gone) = self.tail.pop_front()
        {
            let o = self.omitted.get_or_insert_with(|| Omitted {
                events: 0,
                from_seconds: gone.at_seconds,
                to_seconds: gone.at_seconds,
                by_what: BTreeMap::new(),
            });
            o.events += 1;
            o.to_seconds = gone.at_seconds;
            *o.by_what.entry(gone.what).or_default() += 1;
        }
    }

    /// The rows of the instant at `offset` (the last ones), to say how many ordinals
    /// were unavailable after it.
    pub(super) fn at(&mut self, offset: i64) -> impl Iterator<Item = &mut Event> {
        self.tail
            .iter_mut()
            .rev()
            .chain(self.head.iter_mut().rev())
            .take_while(move |e| e.at_seconds == offset)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.head.is_empty()
    }

    fn last(&self) -> Option<&Event> {
        self.tail.back().or(self.head.last())
    }
}

impl World<'_> {
    /// An event about the pod named `name`, as its record is now.
    pub(super) fn record_event(&mut self, what: &str, name: &str, reason: Option<String>) {
        let revision = self
            .snap
            .record(name)
            .map(|r| r.revision.clone())
            .unwrap_or_default();
        self.push_event(what, name.to_string(), revision, reason);
    }

    pub(super) fn push_event(
        &mut self,
        what: &str,
        name: String,
        revision: String,
        reason: Option<String>,
    ) {
        let ordinal = crate::model::pod::parent_and_ordinal(&name).map(|(_, o)| o);
        let at_seconds = self.offset();
        self.rows.push(Event {
            at_seconds,
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
        let warming: Vec<Arc<str>> = self.warming.iter().cloned().collect();
        for name in warming {
            self.refresh(&name);
        }
        (self.replicas as usize).saturating_sub(self.available)
    }

    /// The next instant at which a pod changes by itself or becomes available.
    pub(super) fn next_change(&mut self) -> Option<Timestamp> {
        let (now, min_ready) = (self.ns(self.now), self.min_ready_ns());
        while let Some(Reverse((t, name))) = self.due.peek() {
            let current = *t > now
                && self
                    .lives
                    .get(name)
                    .is_some_and(|l| l.instants(min_ready).any(|i| i == *t));
            if current {
                return Some(self.at(*t));
            }
            self.due.pop();
        }
        None
    }

    pub(super) fn finish(mut self, first: Plan, peak: usize, limit: bool) -> Timeline {
        // The pods the end is judged on in full: the diagnosis reads their containers.
        let unsettled: Vec<String> = self
            .snap
            .records()
            .iter()
            .filter(|r| !r.ready || r.terminating)
            .map(|r| r.name.clone())
            .collect();
        for name in unsettled {
            self.materialize(&name);
        }
        let plan = crate::model::plan(&self.snap, self.now, self.profile);
        let r = report::report(&self.snap, &plan, self.now, self.profile);
        let set = self.snap.set();
        let spec = set.spec.as_ref();
        let strategy = spec.and_then(|s| s.update_strategy.as_ref());
        let rolling = strategy.and_then(|s| s.rolling_update.as_ref());
        let restarts = self.rows.restarts;
        let changed = !self.rows.is_empty();
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
                    Some(p)
                        if self
                            .lives
                            .get(p.as_str())
                            .is_some_and(|l| l.ready_at == NEVER) =>
                    {
                        let why = if self.lives.get(p.as_str()).is_some_and(|l| l.adopted) {
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
            duration_seconds: self.rows.last().map_or(0, |e| e.at_seconds),
            omitted: self.rows.omitted.take(),
            events: self.rows.head.into_iter().chain(self.rows.tail).collect(),
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
