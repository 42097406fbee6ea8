//! The StatefulSet as the controller reads it: spec with API defaults applied and the
//! stored status. Pure.

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::profile::Profile;
use super::snapshot::Snapshot;

/// The set's spec as the controller reads it, API defaults applied.
pub struct SetView<'a> {
    pub name: &'a str,
    pub namespace: &'a str,
    pub uid: &'a str,
    pub generation: i64,
    pub deleting: bool,
    pub replicas: i32,
    pub start: i32,
    pub monotonic: bool,
    pub strategy: &'a str,
    /// `rollingUpdate` when present: (partition, maxUnavailable).
    pub rolling: Option<(i32, Option<&'a IntOrString>)>,
    pub min_ready_seconds: i32,
    pub history_limit: i32,
    pub stored: StoredStatus<'a>,
}

/// The status as stored on the set.
#[derive(Default)]
pub struct StoredStatus<'a> {
    pub observed_generation: i64,
    pub replicas: i32,
    pub ready_replicas: i32,
    pub current_replicas: i32,
    pub updated_replicas: i32,
    pub available_replicas: i32,
    pub current_revision: &'a str,
    pub update_revision: &'a str,
    pub collision_count: i32,
}

/// `spec.replicas`, defaulted to 1.
pub fn replicas(set: &StatefulSet) -> i32 {
    set.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

/// `spec.ordinals.start` as written, defaulted to 0 (a release without start ordinals
/// reads 0 whatever it says; see [`SetView::start`]).
pub fn start_ordinal(set: &StatefulSet) -> i32 {
    set.spec
        .as_ref()
        .and_then(|s| s.ordinals.as_ref())
        .and_then(|o| o.start)
        .unwrap_or(0)
}

/// `spec.minReadySeconds`, defaulted to 0.
pub fn min_ready_seconds(set: &StatefulSet) -> i32 {
    set.spec
        .as_ref()
        .and_then(|s| s.min_ready_seconds)
        .unwrap_or(0)
}

impl<'a> SetView<'a> {
    pub fn of(snap: &'a Snapshot, profile: &Profile) -> SetView<'a> {
        let set = snap.set();
        let spec = set.spec.as_ref();
        let strategy = spec.and_then(|s| s.update_strategy.as_ref());
        let strategy_type = strategy
            .and_then(|s| s.type_.as_deref())
            .filter(|t| !t.is_empty());
        // API defaulting: an empty type becomes RollingUpdate with {partition: 0}; an
        // explicit RollingUpdate without rollingUpdate keeps it nil (SPEC §4 notes).
        let rolling = match (
            strategy_type,
            strategy.and_then(|s| s.rolling_update.as_ref()),
        ) {
            (None, None) => Some((0, None)),
            (_, Some(r)) => Some((r.partition.unwrap_or(0), r.max_unavailable.as_ref())),
            (Some(_), None) => None,
        };
        let st = set.status.as_ref();
        SetView {
            name: snap.name(),
            namespace: snap.namespace(),
            uid: set.metadata.uid.as_deref().unwrap_or(""),
            generation: set.metadata.generation.unwrap_or(0),
            deleting: set.metadata.deletion_timestamp.is_some(),
            replicas: replicas(set),
            start: if profile.start_ordinal() {
                start_ordinal(set)
            } else {
                0
            },
            monotonic: spec.and_then(|s| s.pod_management_policy.as_deref()) != Some("Parallel"),
            strategy: strategy_type.unwrap_or("RollingUpdate"),
            rolling,
            min_ready_seconds: min_ready_seconds(set),
            history_limit: spec.and_then(|s| s.revision_history_limit).unwrap_or(10),
            stored: StoredStatus {
                observed_generation: st.and_then(|s| s.observed_generation).unwrap_or(0),
                replicas: st.map_or(0, |s| s.replicas),
                ready_replicas: st.and_then(|s| s.ready_replicas).unwrap_or(0),
                current_replicas: st.and_then(|s| s.current_replicas).unwrap_or(0),
                updated_replicas: st.and_then(|s| s.updated_replicas).unwrap_or(0),
                available_replicas: st.and_then(|s| s.available_replicas).unwrap_or(0),
                current_revision: st.and_then(|s| s.current_revision.as_deref()).unwrap_or(""),
                update_revision: st.and_then(|s| s.update_revision.as_deref()).unwrap_or(""),
                collision_count: st.and_then(|s| s.collision_count).unwrap_or(0),
            },
        }
    }

    pub fn on_delete(&self) -> bool {
        self.strategy == "OnDelete"
    }

    pub fn end(&self) -> i32 {
        self.start + self.replicas - 1
    }

    /// maxUnavailable as the controller scales it: percentages of spec.replicas rounded
    /// down, at least 1; 1 without rollingUpdate.
    pub fn max_unavailable(&self) -> i32 {
        let value = match self.rolling.and_then(|(_, m)| m) {
            None => 1,
            Some(IntOrString::Int(i)) => *i,
            Some(IntOrString::String(s)) => match s.strip_suffix('%').map(str::parse::<i64>) {
                Some(Ok(p)) => (p * i64::from(self.replicas) / 100) as i32,
                _ => 1,
            },
        };
        value.max(1)
    }

    /// The partition as the rolling loop uses it (0 without rollingUpdate).
    pub fn partition(&self) -> i32 {
        self.rolling.map_or(0, |(p, _)| p)
    }
}
