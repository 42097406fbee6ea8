//! Is a rollout done? Judged per ordinal from the report — revision by label, Ready and
//! available (minReadySeconds), nothing terminating or missing — and partition-aware:
//! with a partition the rollout is complete once every ordinal at or above it is. Pure.

use serde::Serialize;

use super::diagnose::RolloutState;
use super::report::{Report, Role};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "message", rename_all = "lowercase")]
pub enum Outcome {
    /// Every targeted ordinal runs the update revision and is available.
    Complete(String),
    /// Still moving (or waiting for OnDelete deletions).
    Waiting(String),
    /// It will not finish by itself; the diagnosis says why.
    Stuck(String),
}

/// The ordinals the rollout must reach: at or above the partition (RollingUpdate), all of
/// them otherwise.
pub fn judge(r: &Report) -> Outcome {
    let partition = if r.strategy == "RollingUpdate" {
        r.partition.unwrap_or(0)
    } else {
        0
    };
    let first = r.start_ordinal + partition;
    let targets: Vec<_> = r
        .rows
        .iter()
        .filter(|row| !row.condemned && row.ordinal >= first)
        .collect();
    let done = |row: &&super::report::Row| super::stepping::row_done(row);
    let updated = targets.iter().filter(|row| done(row)).count();
    let condemned = r.rows.iter().filter(|row| row.condemned).count();
    if r.diagnosis.state == RolloutState::Stuck {
        return Outcome::Stuck(r.diagnosis.summary.clone());
    }
    if updated == targets.len() && condemned == 0 {
        return Outcome::Complete(if partition > 0 && partition < r.replicas {
            format!(
                "partitioned rollout complete: ordinals {first}..{} run {}; {} below the partition stay on {}",
                r.start_ordinal + r.replicas - 1,
                r.update_revision,
                partition,
                r.current_revision
            )
        } else if partition >= r.replicas && r.replicas > 0 {
            format!(
                "nothing to roll out: partition {partition} ≥ replicas {}",
                r.replicas
            )
        } else {
            format!(
                "rollout complete: {} pod(s) run {} and are available",
                targets.len(),
                r.update_revision
            )
        });
    }
    if r.strategy == "OnDelete" {
        let mut outdated: Vec<_> = targets
            .iter()
            .filter(|row| row.role != Role::Update && row.pod.is_some())
            .map(|row| row.pod.clone().unwrap_or_default())
            .collect();
        outdated.reverse();
        if !outdated.is_empty() {
            return Outcome::Waiting(format!(
                "OnDelete: {updated}/{} updated; delete these to replace them: {}",
                targets.len(),
                outdated.join(", ")
            ));
        }
    }
    let scope = if partition > 0 {
        format!(" (ordinals ≥ {first})")
    } else {
        String::new()
    };
    let mut msg = format!("{updated}/{} updated and available{scope}", targets.len());
    if condemned > 0 {
        msg.push_str(&format!(", {condemned} condemned pod(s) still to remove"));
    }
    msg.push_str(&format!("; {}", r.next_action));
    Outcome::Waiting(msg)
}

/// Annotation where `rollout pause` keeps the partition to restore ("" when the set had
/// no rollingUpdate).
pub const PAUSED_ANNOTATION: &str = "kubectl-sts.io/paused-partition";

/// Whether `rollout pause` holds the set.
pub fn is_paused(set: &k8s_openapi::api::apps::v1::StatefulSet) -> bool {
    set.metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(PAUSED_ANNOTATION))
}

/// Where the rollout has got to: the lowest partition index such that every ordinal at or
/// above it already runs the update revision or is being replaced for it (missing, or
/// terminating). Pinning the partition there stops the rollout without sending any
/// updated pod back to the old revision when it is recreated.
pub fn frontier(r: &Report) -> i32 {
    let mut index = r.replicas;
    for row in r.rows.iter().filter(|row| !row.condemned).rev() {
        let in_flight = row.role == Role::Missing || row.terminating || row.role == Role::Update;
        if !in_flight {
            break;
        }
        index = row.ordinal - r.start_ordinal;
    }
    index
}

/// Where `rollout pause` pins the partition: the frontier of a rollout in progress; with
/// none pending (every pod on the one revision), `replicas`, so that a template changed
/// while paused rolls nothing until `resume` (at the frontier, 0 then, it would roll all).
pub fn pause_point(r: &Report) -> i32 {
    if r.current_revision == r.update_revision {
        r.replicas
    } else {
        frontier(r)
    }
}

/// A set's rollout state judged from its own `.status` alone (lists of many sets, where
/// reading every pod is not worth it): complete, held by a partition, or moving. Returns
/// the state, updatedReplicas and spec.replicas.
pub fn state_from_status(set: &serde_json::Value) -> (RolloutState, i32, i32) {
    let str_at = |p: &str| {
        set.pointer(p)
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
    };
    let int_at = |p: &str, default: i64| {
        set.pointer(p)
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(default) as i32
    };
    let replicas = int_at("/spec/replicas", 1);
    let updated = int_at("/status/updatedReplicas", 0);
    let ready = int_at("/status/readyReplicas", 0);
    let partition = int_at("/spec/updateStrategy/rollingUpdate/partition", 0);
    let same = str_at("/status/currentRevision") == str_at("/status/updateRevision");
    let state = if same && updated == replicas && ready == replicas {
        RolloutState::Complete
    } else if partition > 0 && updated >= (replicas - partition).max(0) && ready == replicas {
        RolloutState::Paused
    } else {
        RolloutState::Progressing
    };
    (state, updated, replicas)
}

#[cfg(test)]
mod status_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn state_from_status_reads_complete_partitioned_and_moving() {
        let set = |partition: i32, updated: i32, ready: i32, update: &str| {
            json!({"spec": {"replicas": 5, "updateStrategy": {"rollingUpdate": {"partition": partition}}},
                   "status": {"updatedReplicas": updated, "readyReplicas": ready,
                              "currentRevision": "a", "updateRevision": update}})
        };
        assert_eq!(
            state_from_status(&set(0, 5, 5, "a")).0,
            RolloutState::Complete
        );
        assert_eq!(
            state_from_status(&set(3, 2, 5, "b")),
            (RolloutState::Paused, 2, 5)
        );
        assert_eq!(
            state_from_status(&set(0, 2, 4, "b")).0,
            RolloutState::Progressing
        );
    }
}
