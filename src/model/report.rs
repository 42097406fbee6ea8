//! The per-ordinal view of a StatefulSet: which revision each ordinal runs (by label, not
//! by status counters), its phase and health, where the partition falls, and what the
//! controller does next. Pure: `now` is an argument; renderers format it.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::diagnose::{Diagnosis, PodHealth};
use super::plan::Plan;
use super::profile::Profile;
use super::set::SetView;
use super::snapshot::Snapshot;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Runs the update revision (which is also the current one once complete).
    Update,
    /// Runs the current (old) revision.
    Current,
    /// Runs neither.
    Other,
    /// No pod at this ordinal.
    Missing,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub ordinal: i32,
    pub pod: Option<String>,
    pub revision: Option<String>,
    pub revision_number: Option<i64>,
    pub role: Role,
    pub phase: String,
    pub reason: Option<String>,
    pub ready: bool,
    pub available: bool,
    pub restarts: i32,
    pub age_seconds: Option<i64>,
    pub node: Option<String>,
    pub claims: Vec<String>,
    pub terminating: bool,
    /// Out of the ordinal range: the controller deletes it (scale-down).
    pub condemned: bool,
    /// Below the partition: keeps the current revision.
    pub protected: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub namespace: String,
    pub name: String,
    pub replicas: i32,
    pub pod_management_policy: String,
    pub strategy: String,
    pub partition: Option<i32>,
    pub max_unavailable: Option<i32>,
    pub min_ready_seconds: i32,
    pub start_ordinal: i32,
    pub current_revision: String,
    pub current_revision_number: i64,
    pub update_revision: String,
    pub update_revision_number: i64,
    pub updated: i32,
    pub ready: i32,
    pub rows: Vec<Row>,
    /// Ordinals the controller cannot create: a pod it does not claim holds the name.
    pub squatters: Vec<super::squat::NameTaken>,
    /// The controller's next step, in words.
    pub next_action: String,
    pub diagnosis: Diagnosis,
    /// The time left, from how long the ordinals done so far took (mid-rollout only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eta: Option<String>,
}

/// Builds the report of `snap` with its planned pass `plan`.
pub fn report(snap: &Snapshot, plan: &Plan, now: Timestamp, profile: &Profile) -> Report {
    let view = SetView::of(snap, profile);
    let claimed = super::sync::claim_pods(snap, &view);
    let number_of = |name: &str| {
        snap.revisions()
            .iter()
            .find(|r| r.metadata.name.as_deref() == Some(name))
            .map(|r| r.revision)
    };
    let templates = super::snapshot::claim_templates(snap.set());
    let mut rows: Vec<Row> = (view.start..=view.end())
        .map(|ordinal| Row {
            ordinal,
            pod: None,
            revision: None,
            revision_number: None,
            role: Role::Missing,
            phase: "Missing".into(),
            reason: None,
            ready: false,
            available: false,
            restarts: 0,
            age_seconds: None,
            node: None,
            claims: Vec::new(),
            terminating: false,
            condemned: false,
            protected: view.rolling.is_some() && ordinal - view.start < view.partition(),
        })
        .collect();
    let mut condemned = Vec::new();
    // One lookup table, not a scan of every pod per row (the dashboard reports a
    // 1,000-pod set on every watch event).
    let by_name: std::collections::HashMap<&str, &k8s_openapi::api::core::v1::Pod> = snap
        .records()
        .iter()
        .zip(snap.pods())
        .map(|(r, p)| (r.name.as_str(), &**p))
        .collect();
    for f in &claimed {
        let Some(pod) = by_name.get(f.name.as_str()).copied() else {
            continue;
        };
        let health = PodHealth::of(pod, now);
        let role = if f.revision == plan.update_revision.as_str() {
            Role::Update
        } else if f.revision == plan.current_revision.as_str() {
            Role::Current
        } else {
            Role::Other
        };
        let row = Row {
            ordinal: f.ordinal,
            pod: Some(f.name.to_string()),
            revision: Some(f.revision.to_string()),
            revision_number: number_of(&f.revision),
            role,
            phase: if f.phase.is_empty() {
                "Unknown".into()
            } else {
                f.phase.to_string()
            },
            reason: health.reason.clone(),
            ready: f.is_running_and_ready(),
            available: f.is_available(view.min_ready_seconds, now, profile),
            restarts: health.restarts,
            age_seconds: pod
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| now.duration_since(t.0).as_secs()),
            node: pod.spec.as_ref().and_then(|s| s.node_name.clone()),
            claims: templates
                .iter()
                .map(|t| super::claims::claim_name(t, view.name, f.ordinal))
                .collect(),
            terminating: f.terminating,
            condemned: f.ordinal < view.start || f.ordinal > view.end(),
            protected: view.rolling.is_some()
                && f.ordinal - view.start < view.partition()
                && f.ordinal >= view.start,
        };
        if row.condemned {
            condemned.push(row);
        } else if let Some(slot) = rows.get_mut((f.ordinal - view.start) as usize) {
            *slot = row;
        }
    }
    condemned.sort_by_key(|r| r.ordinal);
    let squatters = super::squat::squatters(snap, &view);
    for taken in &squatters {
        if let Some(row) = rows.get_mut((taken.ordinal - view.start) as usize) {
            row.reason = Some(format!("name held: {}", taken.holder.short()));
        }
    }
    rows.extend(condemned);
    let s = &plan.status;
    let mut r = Report {
        namespace: view.namespace.to_string(),
        name: view.name.to_string(),
        replicas: view.replicas,
        pod_management_policy: if view.monotonic {
            "OrderedReady".into()
        } else {
            "Parallel".into()
        },
        strategy: view.strategy.to_string(),
        partition: view.rolling.map(|(p, _)| p),
        max_unavailable: (profile.gates.max_unavailable_stateful_set && view.rolling.is_some())
            .then(|| view.max_unavailable()),
        min_ready_seconds: view.min_ready_seconds,
        start_ordinal: view.start,
        current_revision: plan.current_revision.clone(),
        current_revision_number: plan.current_revision_number,
        update_revision: plan.update_revision.clone(),
        update_revision_number: plan.update_revision_number,
        updated: s.updated_replicas,
        ready: s.ready_replicas,
        rows,
        squatters,
        next_action: next_action(plan),
        diagnosis: plan.diagnosis.clone(),
        eta: None,
    };
    let stepping = snap
        .set()
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(super::stepping::ORIGIN_ANNOTATION));
    // Only while it moves: a stuck or paused rollout has no time left to tell.
    if r.diagnosis.state == super::diagnose::RolloutState::Progressing {
        r.eta = super::eta::of_report(&r, stepping).map(|e| e.to_string());
    }
    r
}

fn next_action(plan: &Plan) -> String {
    if let Some(a) = plan
        .actions
        .iter()
        .find(|a| a.ordinal().is_some())
        .or(plan.actions.first())
    {
        let more = plan.actions.len() - 1;
        let tail = if more > 0 {
            format!(" (+{more} more)")
        } else {
            String::new()
        };
        return format!("{} {}{tail}", a.kind(), a.name());
    }
    match &plan.waiting_on {
        Some(w) => format!("wait for {} ({:?})", w.pod, w.for_),
        None => "nothing".into(),
    }
}

/// `5s`, `3m`, … for an age in seconds.
pub fn age(seconds: Option<i64>) -> String {
    seconds.map_or_else(
        || "-".into(),
        |s| super::diagnose::human_duration(SignedDuration::from_secs(s)),
    )
}
