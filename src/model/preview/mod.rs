//! The rollout preview: the controller model run pass after pass over a simulated pod
//! lifecycle, so a user sees a rollout's whole timeline before it happens. Pure: time is
//! virtual and starts at the snapshot's `now`; the lifecycle is a set of assumptions.
//!
//! The loop mirrors the simulated cluster (`sim::Cluster::settle`/`advance`) exactly — at
//! each instant the "kubelet" moves pods on, then the controller passes run until quiet,
//! then time jumps to the next instant at which something changes — which is why a test
//! can demand that both produce the same actions at the same times.

use std::collections::{BTreeSet, BinaryHeap};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use serde_json::{Value, json};

use super::Snapshot;
use super::profile::Profile;
use super::set::SetView;

mod lives;
mod made;
mod timeline;
mod world;
pub use timeline::{HEAD_ROWS, TAIL_ROWS};
use world::World;

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

/// The rows a long timeline leaves out: how many, from when to when, and of what kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Omitted {
    pub events: usize,
    pub from_seconds: i64,
    pub to_seconds: i64,
    /// Rows by `what` (`create`, `ready`, ...).
    pub by_what: std::collections::BTreeMap<String, usize>,
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
    /// Every row, or, of a long timeline, the first [`HEAD_ROWS`] and the last
    /// [`TAIL_ROWS`] (the rows between are counted in `omitted`).
    pub events: Vec<Event>,
    /// The rows left out of a long timeline, between the first and the last kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub omitted: Option<Omitted>,
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

/// Simulates the rollout of `snap` (whose template is the one to roll out) from `now`.
/// `max_instants` bounds the loop.
pub fn preview(
    snap: &Snapshot,
    now: Timestamp,
    profile: &Profile,
    assume: Assumptions,
    max_instants: usize,
) -> Timeline {
    preview_keeping(
        snap,
        now,
        profile,
        assume,
        max_instants,
        (HEAD_ROWS, TAIL_ROWS),
    )
}

/// [`preview`], keeping (the first, the last) that many rows of a longer timeline.
pub fn preview_keeping(
    snap: &Snapshot,
    now: Timestamp,
    profile: &Profile,
    assume: Assumptions,
    max_instants: usize,
    keep: (usize, usize),
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
        lives: lives::Lives::new(snap.name(), first_ordinal, replicas),
        assume,
        update_revision: String::new(),
        rows: timeline::Rows::new(keep),
        passes: 0,
        uid: 0,
        quiet_at: None,
        due: BinaryHeap::new(),
        first_ordinal,
        replicas,
        min_ready,
        available: 0,
        warming: BTreeSet::new(),
        prototypes: Default::default(),
        claim_prototypes: Default::default(),
        written: None,
        per_pod_selector: made::selector_is_per_pod(snap),
    };
    // The pods and claims the rollout will create, made room for at once.
    let missing = (replicas.max(0) as usize).saturating_sub(snap.pods().len());
    let templates = super::snapshot::claim_templates(snap.set()).len();
    w.snap.reserve(
        missing,
        (replicas.max(0) as usize * templates).saturating_sub(snap.pvcs().len()),
    );
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
        for e in w.rows.at(offset) {
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
mod tests;
