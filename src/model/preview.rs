//! The rollout preview: the controller model run pass after pass over a simulated pod
//! lifecycle, so a user sees a rollout's whole timeline before it happens. Pure: time is
//! virtual and starts at the snapshot's `now`; the lifecycle is a set of assumptions.
//!
//! The loop mirrors the simulated cluster (`sim::Cluster::settle`/`advance`) exactly — at
//! each instant the "kubelet" moves pods on, then the controller passes run until quiet,
//! then time jumps to the next instant at which something changes — which is why a test
//! can demand that both produce the same actions at the same times.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateWaiting, ContainerStatus, Pod, PodCondition, PodStatus,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde::Serialize;
use serde_json::{Value, json};

use super::plan::{Action, Plan};
use super::profile::Profile;
use super::progress::{Outcome, judge};
use super::set::SetView;
use super::{Snapshot, objects, report, revision};

/// What the preview assumes about pods.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assumptions {
    /// From creation to Ready (Running at half of it), as the simulated kubelet does.
    #[serde(serialize_with = "seconds")]
    pub ready_after: SignedDuration,
    /// From deletion to gone.
    #[serde(serialize_with = "seconds")]
    pub terminate_after: SignedDuration,
    /// Pods (re)created at these ordinals never become Ready.
    pub fail_ordinals: BTreeSet<i32>,
    /// Pods of the update revision never become Ready.
    pub fail_update_revision: bool,
}

impl Default for Assumptions {
    fn default() -> Self {
        Assumptions {
            ready_after: SignedDuration::from_secs(10),
            terminate_after: SignedDuration::from_secs(1),
            fail_ordinals: BTreeSet::new(),
            fail_update_revision: false,
        }
    }
}

fn seconds<S: serde::Serializer>(d: &SignedDuration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// One thing that happens in the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Seconds from the start of the preview.
    pub at_seconds: i64,
    /// `create`, `delete`, `ready`, `gone`, or another controller action's kind.
    pub what: String,
    pub pod: String,
    pub ordinal: Option<i32>,
    /// The revision a created pod gets, or the revision a deleted/ready pod runs.
    pub revision: String,
    /// Why the controller acted (`update`, `missing`, ...), for controller actions.
    pub reason: Option<String>,
    /// Ordinals unavailable right after this instant.
    pub unavailable: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum End {
    /// Every targeted ordinal runs the update revision and is available.
    Complete,
    /// The template change is a no-op, or the partition covers every ordinal.
    NothingToDo,
    /// OnDelete: the controller does nothing until pods are deleted.
    WaitsForDeletion,
    /// Nothing more will happen by itself and the rollout is not done.
    Wedged,
    /// The step bound was reached (a livelock in the assumptions).
    Limit,
}

/// The whole predicted rollout.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    pub stateful_set: String,
    pub namespace: String,
    pub strategy: String,
    pub pod_management_policy: String,
    pub replicas: i32,
    pub partition: Option<i32>,
    pub max_unavailable: Option<String>,
    pub min_ready_seconds: i32,
    pub current_revision: String,
    pub update_revision: String,
    pub assumptions: Assumptions,
    pub events: Vec<Event>,
    pub end: End,
    /// Why it ended there, in words (the diagnosis when wedged).
    pub message: String,
    /// The pod the rollout wedges on.
    pub wedged_on: Option<String>,
    pub duration_seconds: i64,
    /// Most ordinals unavailable at one moment.
    pub peak_unavailable: usize,
    /// Pods deleted and recreated for the update.
    pub restarts: usize,
    /// Controller passes run.
    pub passes: usize,
}

/// Phase, readiness and since when, as the kubelet reports them.
type Reported = (&'static str, bool, Timestamp);

/// A pod's simulated life.
#[derive(Clone, Debug)]
struct Life {
    running_at: Timestamp,
    ready_at: Option<Timestamp>,
    gone_at: Option<Timestamp>,
    /// Phase and readiness last reported for the pod.
    reported: Option<(&'static str, bool)>,
    /// Failed or Succeeded: the kubelet leaves it as it is.
    frozen: bool,
    /// There before the preview started.
    adopted: bool,
    /// Counted as an available ordinal (see [`World::refresh`]).
    counted: bool,
}

impl Life {
    /// The instants at which the pod changes by itself (or becomes available).
    fn instants(&self, min_ready: SignedDuration) -> impl Iterator<Item = Timestamp> {
        let alive = self.gone_at.is_none();
        let warm = self.ready_at.filter(|_| min_ready.is_positive());
        self.gone_at.into_iter().chain(
            [
                Some(self.running_at),
                self.ready_at,
                warm.map(|r| add(r, min_ready)),
            ]
            .into_iter()
            .flatten()
            .filter(move |_| alive),
        )
    }
}

struct World<'p> {
    snap: Snapshot,
    /// The set as served, for the objects the controller creates from it (the preview
    /// changes only its status, which they do not read).
    set: Arc<Value>,
    profile: &'p Profile,
    start: Timestamp,
    now: Timestamp,
    lives: rustc_hash::FxHashMap<String, Life>,
    assume: Assumptions,
    update_revision: String,
    events: Vec<Event>,
    passes: usize,
    uid: u64,
    /// The instant at which a pass was a no-op and nothing changed since: another pass
    /// would see the same snapshot at the same time, and the model is a pure function.
    quiet_at: Option<Timestamp>,
    /// When pods change by themselves, earliest first: (instant, pod). An entry that is
    /// no longer one of its pod's instants (the pod was deleted since) is passed over.
    due: BinaryHeap<Reverse<(Timestamp, String)>>,
    /// The set's ordinal range `[start, start + replicas)` and minReadySeconds (the
    /// preview never changes the spec).
    first_ordinal: i32,
    replicas: i32,
    min_ready: i32,
    /// Ordinals in range that are available now, kept as pods change.
    available: usize,
    /// Pods in range that are Running and Ready but not yet available (minReadySeconds):
    /// looked at again at every instant.
    warming: BTreeSet<String>,
}

/// Simulates the rollout of `snap` (whose template is the one to roll out) from `now`.
/// `max_instants` bounds the loop.
pub fn preview(
    snap: &Snapshot,
    now: Timestamp,
    profile: &Profile,
    assume: Assumptions,
    max_instants: usize,
) -> Timeline {
    let view = SetView::of(snap, profile);
    let (first_ordinal, replicas, min_ready) =
        (view.start, view.replicas.max(0), view.min_ready_seconds);
    let mut w = World {
        snap: snap.clone(),
        set: Arc::new(snap.set_json().clone()),
        profile,
        start: now,
        now,
        lives: rustc_hash::FxHashMap::default(),
        assume,
        update_revision: String::new(),
        events: Vec::new(),
        passes: 0,
        uid: 0,
        quiet_at: None,
        due: BinaryHeap::new(),
        first_ordinal,
        replicas,
        min_ready,
        available: 0,
        warming: BTreeSet::new(),
    };
    let first = super::plan(&w.snap, now, profile);
    w.update_revision = first.update_revision.clone();
    w.adopt_existing_pods();
    let mut peak = 0;
    let mut instants = 0;
    let mut limit = false;
    loop {
        w.settle();
        let unavailable = w.unavailable();
        peak = peak.max(unavailable);
        // The instant's resulting unavailability, on each of its events.
        let offset = w.offset();
        for e in w
            .events
            .iter_mut()
            .rev()
            .take_while(|e| e.at_seconds == offset)
        {
            e.unavailable = unavailable;
        }
        instants += 1;
        if instants >= max_instants {
            limit = true;
            break;
        }
        match w.next_change() {
            Some(t) => w.now = t,
            None => break,
        }
    }
    w.finish(first, peak, limit)
}

/// The object of `items` called `name`.
fn named<'a, T>(items: &'a [T], name: &str) -> Option<&'a T>
where
    T: k8s_openapi::Metadata<Ty = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta>,
{
    items
        .iter()
        .find(|o| o.metadata().name.as_deref() == Some(name))
}

impl World<'_> {
    fn offset(&self) -> i64 {
        self.now.duration_since(self.start).as_secs()
    }

    /// Lifecycles for the pods already there: Ready ones stay Ready, pending ones become
    /// Ready `ready_after` after creation (unless they crash-loop or are assumed to fail),
    /// terminating ones are gone after `terminate_after`.
    fn adopt_existing_pods(&mut self) {
        let now = self.now;
        let ready_after = self.assume.ready_after;
        let terminate_after = self.assume.terminate_after;
        let mut adopted = Vec::new();
        for (pod, rec) in self.snap.pods().iter().zip(self.snap.records()) {
            let created = pod
                .metadata
                .creation_timestamp
                .as_ref()
                .map_or(now, |t| t.0);
            let crash_looping = pod
                .status
                .as_ref()
                .and_then(|s| s.container_statuses.as_ref())
                .is_some_and(|cs| {
                    cs.iter().any(|c| {
                        c.state
                            .as_ref()
                            .and_then(|s| s.waiting.as_ref())
                            .and_then(|w| w.reason.as_deref())
                            .is_some_and(|r| r == "CrashLoopBackOff" || r.ends_with("Error"))
                    })
                });
            let running_at = if rec.phase == "Running" || rec.phase == "Succeeded" {
                now.min(created)
            } else {
                add(created, ready_after / 2).max(now)
            };
            let fails = crash_looping || self.fails(rec.ordinal, &rec.revision);
            let ready_at = if rec.ready {
                Some(rec.ready_since.unwrap_or(created).min(now))
            } else if fails || rec.phase == "Failed" || rec.phase == "Succeeded" {
                None
            } else {
                Some(add(created, ready_after).max(now))
            };
            let gone_at = rec.terminating.then(|| add(now, terminate_after));
            adopted.push((
                rec.name.clone(),
                Life {
                    running_at,
                    ready_at,
                    gone_at,
                    reported: Some((rec.phase, rec.ready)).filter(|(p, _)| !p.is_empty()),
                    frozen: matches!(rec.phase, "Failed" | "Succeeded" | "Unknown"),
                    adopted: true,
                    counted: false,
                },
            ));
        }
        for (name, life) in adopted {
            self.live(name, life);
        }
    }

    /// Starts following a pod: the kubelet looks at it now and at each of its instants.
    fn live(&mut self, name: String, life: Life) {
        let min_ready = SignedDuration::from_secs(i64::from(self.min_ready));
        for t in life.instants(min_ready).chain([self.now]) {
            self.due.push(Reverse((t, name.clone())));
        }
        self.lives.insert(name.clone(), life);
        self.refresh(&name);
    }

    /// Counts the pod named `name` as an available ordinal or not, as it is now (called
    /// whenever its record changes, and every instant while it waits out minReadySeconds).
    fn refresh(&mut self, name: &str) {
        let (start, end) = (
            self.first_ordinal,
            i64::from(self.first_ordinal) + i64::from(self.replicas),
        );
        let (ok, warming) = match self.snap.record(name) {
            Some(rec) if rec.member && rec.ordinal >= start && i64::from(rec.ordinal) < end => {
                let pod = rec;
                let up = pod.is_running_and_ready() && !pod.terminating;
                let available = pod.is_available(self.min_ready, self.now, self.profile);
                (up && available, up && !available)
            }
            _ => (false, false),
        };
        if let Some(life) = self.lives.get_mut(name) {
            match (life.counted, ok) {
                (false, true) => self.available += 1,
                (true, false) => self.available -= 1,
                _ => {}
            }
            life.counted = ok;
        }
        if warming {
            self.warming.insert(name.to_string());
        } else {
            self.warming.remove(name);
        }
    }

    /// Stops following a pod that is gone.
    fn forget(&mut self, name: &str) {
        if self.lives.remove(name).is_some_and(|l| l.counted) {
            self.available -= 1;
        }
        self.warming.remove(name);
    }

    fn fails(&self, ordinal: i32, revision: &str) -> bool {
        self.assume.fail_ordinals.contains(&ordinal)
            || (self.assume.fail_update_revision && revision == self.update_revision)
    }

    /// One instant: the kubelet and the controller act until neither has anything to do
    /// (as `sim::Cluster::settle`).
    fn settle(&mut self) {
        for _ in 0..100 {
            let changed = self.kubelet();
            let acted = self.reconcile();
            if changed == 0 && !acted {
                break;
            }
        }
    }

    /// Brings every pod due to change by `now` to its state at `now`; returns how many
    /// changed. Each life remembers the state last reported, so only real changes count.
    fn kubelet(&mut self) -> usize {
        let now = self.now;
        let mut due = Vec::new();
        while self.due.peek().is_some_and(|Reverse((t, _))| *t <= now) {
            if let Some(Reverse((_, name))) = self.due.pop() {
                due.push(name);
            }
        }
        due.sort();
        due.dedup();
        let mut changes: Vec<(String, Option<Reported>)> = Vec::new();
        for name in due {
            let Some(life) = self.lives.get_mut(&name) else {
                continue;
            };
            if let Some(gone) = life.gone_at {
                if now >= gone {
                    changes.push((name, None));
                }
                continue;
            }
            if life.frozen {
                continue;
            }
            let phase = if now >= life.running_at {
                "Running"
            } else {
                "Pending"
            };
            let ready = life.ready_at.is_some_and(|r| now >= r);
            if life.reported != Some((phase, ready)) {
                life.reported = Some((phase, ready));
                let since = if ready {
                    life.ready_at.unwrap_or(now)
                } else {
                    now
                };
                changes.push((name, Some((phase, ready, since))));
            }
        }
        let changed = changes.len();
        if changed > 0 {
            self.quiet_at = None;
        }
        for (name, change) in changes {
            match change {
                None => {
                    self.forget(&name);
                    if let Some(pod) = self.snap.remove_pod(&name) {
                        self.event("gone", &pod, None);
                    }
                }
                Some((phase, ready, since)) => {
                    let Some(rec) = self.snap.record(&name) else {
                        continue;
                    };
                    if rec.phase == phase && rec.ready == ready {
                        continue;
                    }
                    let broken = !ready
                        && phase == "Running"
                        && self.lives.get(&name).is_some_and(|l| l.ready_at.is_none());
                    self.snap.update_pod(&name, |pod| {
                        pod.status = Some(pod_status(pod, phase, ready, since, broken));
                    });
                    if ready {
                        self.record_event("ready", &name, None);
                    }
                    self.refresh(&name);
                }
            }
        }
        changed
    }

    /// Controller passes at this instant until one is a no-op (as `sim::controller::
    /// reconcile`). True when anything was done.
    fn reconcile(&mut self) -> bool {
        let mut acted = false;
        if self.quiet_at == Some(self.now) {
            return false;
        }
        for _ in 0..64 {
            let plan = super::sync::actions(&self.snap, self.now, self.profile);
            self.passes += 1;
            if plan.is_noop() {
                self.quiet_at = Some(self.now);
                break;
            }
            self.quiet_at = None;
            let done = self.apply(&plan);
            let wrote = plan.status_written && plan.status.current_replicas >= 0;
            if wrote {
                let _ = self.snap.set_status(objects::status_value(&plan.status));
            }
            acted |= done > 0 || wrote;
            // A pass that failed (a create refused, say) is requeued with backoff, not run
            // again at once: the next pass comes with the next change.
            if (done == 0 && !wrote) || plan.error.is_some() {
                break;
            }
        }
        acted
    }

    /// Carries the plan's actions out in order; returns how many were done.
    fn apply(&mut self, plan: &Plan) -> usize {
        let set = Arc::clone(&self.set);
        let mut done = 0;
        for action in &plan.actions {
            match action {
                Action::CreateControllerRevision { .. } => {
                    if let Some(rev) = &plan.new_revision {
                        let mut v = objects::new_revision(&set, rev);
                        v["metadata"]["namespace"] = json!(self.snap.namespace());
                        if let Ok(r) = serde_json::from_value(v) {
                            self.snap.put_revision(r);
                        }
                    }
                }
                Action::UpdateControllerRevision {
                    name,
                    revision_number,
                } => {
                    if let Some(mut r) = named(self.snap.revisions(), name).cloned() {
                        r.revision = *revision_number;
                        self.snap.put_revision(r);
                    }
                }
                Action::DeleteControllerRevision { name, .. } => self.snap.remove_revision(name),
                Action::CreatePvc { name, ordinal } => {
                    if let Some(mut claim) = objects::claim_for_name(&set, name, *ordinal) {
                        claim["metadata"]["namespace"] = json!(self.snap.namespace());
                        if let Ok(c) = serde_json::from_value(claim) {
                            self.snap.put_pvc(c);
                        }
                    }
                }
                // As the API server stores them (the simulated controller does the same):
                // left undone, the next pass plans them again and the instant never settles.
                Action::UpdatePvc {
                    name,
                    owner_references,
                    ..
                } => {
                    if let Some(mut claim) = named(self.snap.pvcs(), name).cloned() {
                        claim.metadata.owner_references = Some(owner_references.clone());
                        self.snap.put_pvc(claim);
                    }
                }
                Action::UpdatePod {
                    name,
                    ordinal,
                    reason,
                    ..
                } => {
                    if *reason == super::plan::UpdateReason::Identity {
                        let (ordinal, profile) = (*ordinal, self.profile);
                        self.snap.update_pod(name, |pod| {
                            if let Ok(mut v) = serde_json::to_value(&*pod) {
                                objects::repair_identity(&mut v, ordinal, profile);
                                if let Ok(repaired) = serde_json::from_value(v) {
                                    *pod = repaired;
                                }
                            }
                        });
                        self.refresh(name);
                    }
                }
                Action::CreatePod {
                    ordinal,
                    revision: rev,
                    ..
                } => {
                    // The API refuses a second pod of the same name (AlreadyExists).
                    let name = format!("{}-{ordinal}", self.snap.name());
                    if self.snap.record(&name).is_some() {
                        break;
                    }
                    let template = self
                        .snap
                        .revisions()
                        .iter()
                        .find(|r| r.metadata.name.as_deref() == Some(rev.as_str()))
                        .map(revision::stored_template)
                        .unwrap_or_else(|| {
                            set.pointer("/spec/template").cloned().unwrap_or_default()
                        });
                    let mut v = objects::new_pod(&set, &template, rev, *ordinal, self.profile);
                    self.uid += 1;
                    v["metadata"]["uid"] = json!(format!("preview-{}", self.uid));
                    v["metadata"]["namespace"] = json!(self.snap.namespace());
                    v["metadata"]["creationTimestamp"] = json!(self.now.to_string());
                    let Ok(mut pod) = serde_json::from_value::<Pod>(v) else {
                        break;
                    };
                    // The API server creates a pod Pending (a pass that follows sees it
                    // created, as the controller's next sync would).
                    pod.status = Some(pod_status(&pod, "Pending", false, self.now, false));
                    let ready_at = (!self.fails(*ordinal, rev))
                        .then(|| add(self.now, self.assume.ready_after));
                    let name = pod.metadata.name.clone().unwrap_or_default();
                    let pod = Arc::new(pod);
                    self.action_event(action, &pod);
                    self.snap.put_pod(pod);
                    let life = Life {
                        running_at: add(self.now, self.assume.ready_after / 2),
                        ready_at,
                        gone_at: None,
                        reported: Some(("Pending", false)),
                        frozen: false,
                        adopted: false,
                        counted: false,
                    };
                    self.live(name, life);
                }
                Action::DeletePod { name, .. } => {
                    let now = self.now;
                    let found = self.snap.update_pod(name, |pod| {
                        if pod.metadata.deletion_timestamp.is_none() {
                            pod.metadata.deletion_timestamp = Some(Time(now));
                            pod.metadata.deletion_grace_period_seconds = Some(30);
                        }
                    });
                    if !found {
                        break;
                    }
                    let gone_at = add(self.now, self.assume.terminate_after);
                    if let Some(life) = self.lives.get_mut(name) {
                        life.gone_at = Some(gone_at);
                        self.due.push(Reverse((gone_at, name.clone())));
                    }
                    self.record_event("delete", name, action_reason(action));
                    self.refresh(name);
                }
            }
            done += 1;
        }
        done
    }

    fn action_event(&mut self, action: &Action, pod: &Pod) {
        let what = match action {
            Action::CreatePod { .. } => "create",
            _ => "delete",
        };
        self.event(what, pod, action_reason(action));
    }

    /// An event about the pod named `name`, as its record is now.
    fn record_event(&mut self, what: &str, name: &str, reason: Option<String>) {
        let revision = self
            .snap
            .record(name)
            .map(|r| r.revision.clone())
            .unwrap_or_default();
        self.push_event(what, name.to_string(), revision, reason);
    }

    fn event(&mut self, what: &str, pod: &Pod, reason: Option<String>) {
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

    fn push_event(&mut self, what: &str, name: String, revision: String, reason: Option<String>) {
        let ordinal = super::pod::parent_and_ordinal(&name).map(|(_, o)| o);
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
    fn unavailable(&mut self) -> usize {
        let warming: Vec<String> = self.warming.iter().cloned().collect();
        for name in warming {
            self.refresh(&name);
        }
        (self.replicas as usize).saturating_sub(self.available)
    }

    /// The next instant at which a pod changes by itself or becomes available.
    fn next_change(&mut self) -> Option<Timestamp> {
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

    fn finish(self, first: Plan, peak: usize, limit: bool) -> Timeline {
        let plan = super::plan(&self.snap, self.now, self.profile);
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
fn action_reason(action: &Action) -> Option<String> {
    match action {
        Action::CreatePod { reason, .. } => Some(format!("{reason:?}").to_lowercase()),
        Action::DeletePod { reason, .. } => Some(format!("{reason:?}").to_lowercase()),
        _ => None,
    }
}

fn add(t: Timestamp, d: SignedDuration) -> Timestamp {
    t.checked_add(d).unwrap_or(t)
}

/// The status the simulated kubelet reports: phase, Ready (with its transition time) and,
/// for a pod that never becomes Ready, a crash-looping container.
fn pod_status(pod: &Pod, phase: &str, ready: bool, since: Timestamp, broken: bool) -> PodStatus {
    let containers = pod
        .spec
        .as_ref()
        .map(|s| s.containers.as_slice())
        .unwrap_or(&[]);
    let statuses = containers
        .iter()
        .map(|c| ContainerStatus {
            name: c.name.clone(),
            image: c.image.clone().unwrap_or_default(),
            ready,
            restart_count: i32::from(broken),
            state: broken.then(|| ContainerState {
                waiting: Some(ContainerStateWaiting {
                    reason: Some("CrashLoopBackOff".into()),
                    message: None,
                }),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    let cond = |t: &str| PodCondition {
        type_: t.into(),
        status: if ready { "True" } else { "False" }.into(),
        last_transition_time: Some(Time(since)),
        ..Default::default()
    };
    PodStatus {
        phase: Some(phase.into()),
        conditions: Some(vec![cond("ContainersReady"), cond("Ready")]),
        container_statuses: Some(statuses),
        ..Default::default()
    }
}

/// The set `set_json` with container `container`'s image set to `image` (`--image`).
pub fn with_image(set_json: &Value, container: &str, image: &str) -> Result<Value, String> {
    let mut template = set_json
        .pointer("/spec/template")
        .cloned()
        .unwrap_or_default();
    let containers = template
        .pointer_mut("/spec/containers")
        .and_then(Value::as_array_mut)
        .ok_or("the StatefulSet has no containers")?;
    let names: Vec<String> = containers
        .iter()
        .filter_map(|c| c.get("name").and_then(Value::as_str).map(str::to_string))
        .collect();
    let c = containers
        .iter_mut()
        .find(|c| c.get("name").and_then(Value::as_str) == Some(container))
        .ok_or_else(|| {
            format!(
                "no container {container:?} in the pod template (containers: {})",
                names.join(", ")
            )
        })?;
    c["image"] = json!(image);
    Ok(with_template(set_json, &template))
}

/// The set `set_json` with its pod template replaced (a new spec, as `kubectl apply`
/// would send): generation moves on when the template changes.
pub fn with_template(set_json: &Value, template: &Value) -> Value {
    let mut set = set_json.clone();
    if set.pointer("/spec/template") != Some(template) {
        set["spec"]["template"] = template.clone();
        let generation = set
            .pointer("/metadata/generation")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        set["metadata"]["generation"] = json!(generation + 1);
    }
    set
}

/// How long the set's Ready pods took from creation to Ready (the median), for the
/// preview's default assumption. None when no pod tells.
pub fn observed_ready_after(snap: &Snapshot) -> Option<SignedDuration> {
    let mut seen: Vec<i64> = snap
        .pods()
        .iter()
        .zip(snap.records())
        .filter(|(_, r)| r.member && r.ready && !r.revision.is_empty())
        .filter_map(|(p, r)| {
            let created = p.metadata.creation_timestamp.as_ref()?.0;
            let ready = r.ready_since?;
            let ms = ready.duration_since(created).as_millis();
            (ms > 0).then_some(ms as i64)
        })
        .collect();
    if seen.is_empty() {
        return None;
    }
    seen.sort_unstable();
    Some(SignedDuration::from_millis(seen[seen.len() / 2]))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::profile::Version;
    use crate::model::scenario::{PodState, Scenario, Strategy};

    fn now() -> Timestamp {
        "2026-01-01T00:00:00Z".parse().unwrap()
    }

    fn profile() -> Profile {
        Profile::for_version(Version::parse("1.34").unwrap()).unwrap()
    }

    /// A settled set of `replicas` on nginx:1.24, with its template moved to nginx:1.25.
    fn rollout(replicas: i32, edit: impl FnOnce(&mut Scenario)) -> Snapshot {
        let mut sc = Scenario::new("web", replicas);
        let a = sc.revision("nginx:1.24");
        sc.status_current = Some(a);
        sc.status_update = Some(a);
        sc.status_current_replicas = replicas;
        sc.pods(0..replicas, a, PodState::RunningReady);
        edit(&mut sc);
        let snap = sc.snapshot(&profile(), now()).unwrap();
        let set = with_image(snap.set_json(), "app", "nginx:1.25").unwrap();
        snap.with_set(set).unwrap()
    }

    fn run(snap: &Snapshot, assume: Assumptions) -> Timeline {
        preview(snap, now(), &profile(), assume, 100_000)
    }

    /// `what pod @ seconds` lines of the controller's actions.
    fn actions(t: &Timeline) -> Vec<String> {
        t.events
            .iter()
            .filter(|e| e.what == "create" || e.what == "delete")
            .map(|e| format!("{} {} @{}", e.what, e.pod, e.at_seconds))
            .collect()
    }

    #[test]
    fn ordered_ready_rolls_one_ordinal_at_a_time_from_the_top() {
        let t = run(&rollout(3, |_| {}), Assumptions::default());
        assert_eq!(
            actions(&t),
            [
                "delete web-2 @0",
                "create web-2 @1",
                "delete web-1 @11",
                "create web-1 @12",
                "delete web-0 @22",
                "create web-0 @23"
            ]
        );
        assert_eq!(t.end, End::Complete, "{}", t.message);
        assert_eq!(t.restarts, 3);
        assert_eq!(t.peak_unavailable, 1);
        assert_eq!(
            t.duration_seconds, 33,
            "the last pod is Ready 10s after its creation"
        );
        assert_ne!(t.current_revision, t.update_revision);
        let created: Vec<&Event> = t.events.iter().filter(|e| e.what == "create").collect();
        assert!(created.iter().all(|e| e.revision == t.update_revision));
    }

    #[test]
    fn parallel_with_max_unavailable_two_replaces_two_at_once() {
        let mut p = profile();
        p.gates
            .apply(&[("MaxUnavailableStatefulSet".to_string(), true)].into())
            .unwrap();
        let snap = rollout(4, |sc| {
            sc.parallel = true;
            sc.strategy = Strategy::RollingUpdate {
                partition: 0,
                max_unavailable: Some(json!(2)),
            };
        });
        let t = preview(&snap, now(), &p, Assumptions::default(), 100_000);
        assert_eq!(
            actions(&t),
            [
                "delete web-3 @0",
                "delete web-2 @0",
                "create web-2 @1",
                "create web-3 @1",
                "delete web-1 @11",
                "delete web-0 @11",
                "create web-0 @12",
                "create web-1 @12"
            ]
        );
        assert_eq!(t.peak_unavailable, 2);
        assert_eq!(t.end, End::Complete);
    }

    #[test]
    fn a_partition_stops_the_rollout_above_it() {
        let snap = rollout(5, |sc| {
            sc.strategy = Strategy::RollingUpdate {
                partition: 3,
                max_unavailable: None,
            }
        });
        let t = run(&snap, Assumptions::default());
        assert_eq!(
            actions(&t),
            [
                "delete web-4 @0",
                "create web-4 @1",
                "delete web-3 @11",
                "create web-3 @12"
            ]
        );
        assert_eq!(t.end, End::Complete);
        assert!(
            t.message.contains("partitioned rollout complete"),
            "{}",
            t.message
        );
        assert_eq!(t.partition, Some(3));
    }

    #[test]
    fn on_delete_does_nothing_and_says_so() {
        let t = run(
            &rollout(3, |sc| sc.strategy = Strategy::OnDelete),
            Assumptions::default(),
        );
        assert!(actions(&t).is_empty());
        assert_eq!(t.end, End::WaitsForDeletion);
        assert!(t.message.contains("web-2, web-1, web-0"), "{}", t.message);
    }

    #[test]
    fn an_ordinal_that_never_becomes_ready_wedges_the_rollout_there() {
        let assume = Assumptions {
            fail_ordinals: [3].into(),
            ..Assumptions::default()
        };
        let t = run(&rollout(5, |_| {}), assume);
        assert_eq!(t.end, End::Wedged);
        assert_eq!(t.wedged_on.as_deref(), Some("web-3"));
        assert_eq!(
            actions(&t),
            [
                "delete web-4 @0",
                "create web-4 @1",
                "delete web-3 @11",
                "create web-3 @12"
            ]
        );
        assert!(
            t.message.contains("web-3 never becomes Ready (as assumed)"),
            "{}",
            t.message
        );
    }

    #[test]
    fn a_failing_update_revision_wedges_on_the_first_new_pod() {
        let assume = Assumptions {
            fail_update_revision: true,
            ..Assumptions::default()
        };
        let t = run(&rollout(3, |_| {}), assume);
        assert_eq!(t.end, End::Wedged);
        assert_eq!(t.wedged_on.as_deref(), Some("web-2"));
        assert_eq!(t.restarts, 1);
    }

    #[test]
    fn min_ready_seconds_and_ordinals_start_are_honoured() {
        let snap = rollout(2, |sc| {
            sc.min_ready_seconds = 5;
            sc.start = Some(10);
            sc.pods.clear();
            sc.pods(10..12, 0, PodState::RunningReady);
        });
        let t = run(&snap, Assumptions::default());
        assert_eq!(
            actions(&t),
            [
                "delete web-11 @0",
                "create web-11 @1",
                "delete web-10 @16",
                "create web-10 @17"
            ]
        );
        assert_eq!(t.end, End::Complete, "{}", t.message);
        assert_eq!(t.duration_seconds, 27);
    }

    #[test]
    fn an_unchanged_template_has_nothing_to_roll_out() {
        let mut sc = Scenario::new("web", 2);
        let a = sc.revision("nginx:1.24");
        sc.status_current = Some(a);
        sc.status_update = Some(a);
        sc.status_current_replicas = 2;
        sc.pods(0..2, a, PodState::RunningReady);
        let snap = sc.snapshot(&profile(), now()).unwrap();
        let t = run(&snap, Assumptions::default());
        assert_eq!(t.end, End::NothingToDo, "{}", t.message);
        assert!(t.events.is_empty());
    }
}
