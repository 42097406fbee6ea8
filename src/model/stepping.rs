//! Partition stepping, decided from a report: what the next step is (lower the partition,
//! finish an interrupted step, delete the next outdated pod under OnDelete, or refuse),
//! and whether the ordinals a step included pass its structural gate. Stability over time
//! and the user's checks are judged by the caller (they need a clock and I/O). Pure.

use serde::Serialize;

use super::diagnose::RolloutState;
use super::report::{Report, Role, Row};

/// Annotation holding the partition the set had before the first step, so a failed
/// rollout can put it back and a re-run knows where it started.
pub const ORIGIN_ANNOTATION: &str = "kubectl-sts.io/step-origin-partition";

/// Annotation holding the lowest partition whose step passed every gate (health,
/// stability and the user's checks). A step the partition shows but this does not is
/// re-gated, checks included, before any new step: an interrupted or failed step is never
/// skipped by running the command again.
pub const VERIFIED_ANNOTATION: &str = "kubectl-sts.io/step-verified-partition";

/// Annotation holding the names of the gates the current step was started with
/// (comma-separated): a re-run of a step that has not passed them stops unless it runs
/// them too, or is told `--skip-gates`.
pub const GATES_ANNOTATION: &str = "kubectl-sts.io/step-gates";

/// What the cluster records of a stepped rollout (the two annotations).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// The partition before the first step.
    pub origin: Option<i32>,
    /// The lowest partition whose step passed its gates.
    pub verified: Option<i32>,
}

impl Record {
    /// The record on `set`; a malformed value reads as absent (the step is re-gated).
    pub fn of(set: &k8s_openapi::api::apps::v1::StatefulSet) -> Record {
        let get = |k: &str| {
            set.metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(k))
                .and_then(|v| v.parse::<i32>().ok())
        };
        Record {
            origin: get(ORIGIN_ANNOTATION),
            verified: get(VERIFIED_ANNOTATION),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "next", rename_all = "kebab-case")]
pub enum Next {
    /// Refuse, saying why (nothing is changed).
    Refuse { reason: String },
    /// Everything the strategy can roll out is rolled out.
    Complete { message: String },
    /// An earlier step lowered the partition to `partition` and has not passed its gates
    /// (its ordinals are not all healthy yet, or it was interrupted or failed before its
    /// checks passed): wait for `ordinals` and run the checks on `checks` before going
    /// lower.
    Regate {
        partition: i32,
        ordinals: Vec<i32>,
        checks: Vec<i32>,
    },
    /// Lower the partition from `from` to `to`, including `ordinals`.
    Lower {
        from: i32,
        to: i32,
        ordinals: Vec<i32>,
    },
    /// OnDelete: delete `pod` (it runs an old revision), then wait for its replacement.
    Delete { pod: String, ordinal: i32 },
    /// OnDelete: `ordinal`'s replacement is on its way; wait for it.
    Replacing { ordinal: i32 },
}

/// Whether `row` is done: on the update revision, Running, Ready and available, and not
/// being deleted.
pub fn row_done(row: &Row) -> bool {
    row.role == Role::Update
        && row.phase == "Running"
        && row.ready
        && row.available
        && !row.terminating
}

/// Every ordinal runs the update revision, healthy, and the controller agrees (current =
/// update): there is nothing left to roll out.
pub fn rolled_out(r: &Report) -> bool {
    r.current_revision == r.update_revision
        && r.rows.iter().filter(|row| !row.condemned).all(row_done)
}

/// The next step of the set in `r`: `by` more ordinals, or down to partition `to`.
/// `deleting`: the set has a deletionTimestamp; `paused`: `rollout pause` holds it.
pub fn next(r: &Report, by: u32, to: Option<i32>, deleting: bool, paused: bool) -> Next {
    next_recorded(r, by, to, deleting, paused, Record::default())
}

/// [`next`] with what the cluster records of earlier steps.
pub fn next_recorded(
    r: &Report,
    by: u32,
    to: Option<i32>,
    deleting: bool,
    paused: bool,
    record: Record,
) -> Next {
    let refuse = |reason: String| Next::Refuse { reason };
    if deleting {
        return refuse(format!("{} is being deleted", r.name));
    }
    if paused {
        return refuse(format!(
            "{} is paused (`kubectl sts rollout pause`); run `kubectl sts rollout resume {}` first",
            r.name, r.name
        ));
    }
    let rows: Vec<&Row> = r.rows.iter().filter(|row| !row.condemned).collect();
    let nothing = rolled_out(r);
    if r.strategy == "OnDelete" {
        // A replacement in flight first (missing, terminating or not yet healthy on the
        // update revision), then the highest outdated pod.
        if let Some(row) = rows.iter().rev().find(|row| {
            row.role == Role::Missing
                || row.terminating
                || (row.role == Role::Update && !row_done(row))
        }) {
            return Next::Replacing {
                ordinal: row.ordinal,
            };
        }
        return match rows.iter().rev().find(|row| row.role != Role::Update) {
            Some(row) => Next::Delete {
                pod: row.pod.clone().unwrap_or_default(),
                ordinal: row.ordinal,
            },
            None if nothing => refuse(format!(
                "nothing to roll out: every pod of {} runs {}",
                r.name, r.update_revision
            )),
            None => Next::Complete {
                message: format!("every pod of {} runs {}", r.name, r.update_revision),
            },
        };
    }
    if r.strategy != "RollingUpdate" {
        return refuse(format!(
            "{} has update strategy {:?}: there is no partition to lower",
            r.name, r.strategy
        ));
    }
    // A rollout this tool started (its origin recorded) that the controller finished is
    // judged by its record below (re-gated if its last step was never verified, else
    // complete): a run interrupted after its last partition write converges when run again.
    if nothing && record.origin.is_none() {
        return refuse(format!(
            "nothing to roll out: every pod of {} runs {} (the template has not changed)",
            r.name, r.update_revision
        ));
    }
    let partition = r.partition.unwrap_or(0).clamp(0, r.replicas);
    let included: Vec<i32> = rows
        .iter()
        .filter(|row| row.ordinal - r.start_ordinal >= partition)
        .map(|row| row.ordinal)
        .collect();
    let pending: Vec<i32> = rows
        .iter()
        .filter(|row| row.ordinal - r.start_ordinal >= partition && !row_done(row))
        .map(|row| row.ordinal)
        .collect();
    // The step to `partition` passed its gates only if the record says so; a step this
    // tool did not start (no origin) is checked whole.
    let unverified = match record.origin {
        Some(origin) => partition < origin && record.verified != Some(partition),
        None => false,
    };
    if !pending.is_empty() || unverified {
        let upper = record
            .verified
            .or(record.origin)
            .filter(|u| *u > partition)
            .unwrap_or(r.replicas)
            .min(r.replicas);
        let checks = (partition..upper).map(|i| i + r.start_ordinal).collect();
        return Next::Regate {
            partition,
            ordinals: included,
            checks,
        };
    }
    if partition == 0 {
        return Next::Complete {
            message: format!(
                "rollout complete: every pod of {} runs {}",
                r.name, r.update_revision
            ),
        };
    }
    let target = match to {
        Some(t) if t < 0 => return refuse(format!("--to {t}: a partition cannot be negative")),
        Some(t) if t >= partition => {
            return refuse(format!(
                "the partition of {} is already {partition}; --to must be lower",
                r.name
            ));
        }
        Some(t) => t,
        None => (partition - by.max(1) as i32).max(0),
    };
    Next::Lower {
        from: partition,
        to: target,
        ordinals: (target..partition).map(|i| i + r.start_ordinal).collect(),
    }
}

/// [`next`] for the set of `snap` (its report `r`): deleting and paused as the set says.
pub fn next_of(snap: &super::Snapshot, r: &Report, by: u32, to: Option<i32>) -> Next {
    let set = snap.set();
    next_recorded(
        r,
        by,
        to,
        set.metadata.deletion_timestamp.is_some(),
        super::progress::is_paused(set),
        Record::of(set),
    )
}

/// The structural gate over `ordinals` in `r`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Every ordinal is done (stability is for the caller to time).
    Passed,
    /// Still moving; what is awaited.
    Pending(String),
    /// It will not pass: the pod and why.
    Failed(String),
}

pub fn gate(r: &Report, ordinals: &[i32]) -> Gate {
    let mut waiting = None;
    for &o in ordinals.iter().rev() {
        let Some(row) = r.rows.iter().find(|row| row.ordinal == o && !row.condemned) else {
            continue;
        };
        let pod = row.pod.clone().unwrap_or_else(|| format!("{}-{o}", r.name));
        if row.role == Role::Update
            && let Some(reason) = row
                .reason
                .as_deref()
                .filter(|x| super::diagnose::BROKEN_REASONS.contains(x))
        {
            return Gate::Failed(format!(
                "{pod} (revision {}) is in {reason} ({} restarts)",
                r.update_revision, row.restarts
            ));
        }
        if !row_done(row) && waiting.is_none() {
            let state = match row.role {
                Role::Missing => "to be created".to_string(),
                Role::Update if row.terminating => "to finish terminating".to_string(),
                Role::Update if !row.ready => format!(
                    "to become Ready ({}{})",
                    row.phase,
                    row.reason
                        .as_deref()
                        .map_or(String::new(), |x| format!(", {x}"))
                ),
                Role::Update => "to become available (minReadySeconds)".to_string(),
                _ => format!(
                    "to be replaced (still on {})",
                    row.revision.as_deref().unwrap_or("?")
                ),
            };
            waiting = Some(format!("waiting for {pod} {state}"));
        }
    }
    if r.diagnosis.state == RolloutState::Stuck {
        return Gate::Failed(r.diagnosis.summary.clone());
    }
    match waiting {
        Some(w) => Gate::Pending(w),
        None => Gate::Passed,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::fixture::{Fixture, PodState, Strategy};
    use crate::model::profile::{Profile, Version};
    use crate::model::{plan, report};
    use jiff::Timestamp;

    fn report_of(sc: &Fixture) -> Report {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let profile = Profile::for_version(Version::parse("1.34").unwrap()).unwrap();
        let snap = sc.snapshot(&profile, now).unwrap();
        let p = plan(&snap, now, &profile);
        report::report(&snap, &p, now, &profile)
    }

    /// 5 replicas, template on b; ordinals at or above `updated_from` run b.
    fn partitioned(partition: i32, updated_from: i32) -> Fixture {
        let mut sc = Fixture::new("web", 5);
        let a = sc.revision("nginx:1.24");
        let b = sc.revision("nginx:1.25");
        sc.template = "nginx:1.25".into();
        sc.status_current = Some(a);
        sc.status_update = Some(b);
        sc.strategy = Strategy::RollingUpdate {
            partition,
            max_unavailable: None,
        };
        for o in 0..5 {
            sc.pod(
                o,
                if o >= updated_from { b } else { a },
                PodState::RunningReady,
            );
        }
        sc
    }

    #[test]
    fn a_step_lowers_the_partition_by_n_or_to_p() {
        let r = report_of(&partitioned(5, 5));
        assert_eq!(
            next(&r, 1, None, false, false),
            Next::Lower {
                from: 5,
                to: 4,
                ordinals: vec![4]
            }
        );
        assert_eq!(
            next(&r, 2, None, false, false),
            Next::Lower {
                from: 5,
                to: 3,
                ordinals: vec![3, 4]
            }
        );
        assert_eq!(
            next(&r, 1, Some(0), false, false),
            Next::Lower {
                from: 5,
                to: 0,
                ordinals: vec![0, 1, 2, 3, 4]
            }
        );
        assert_eq!(
            next(&r, 9, None, false, false),
            Next::Lower {
                from: 5,
                to: 0,
                ordinals: vec![0, 1, 2, 3, 4]
            }
        );
        assert!(matches!(
            next(&r, 1, Some(5), false, false),
            Next::Refuse { .. }
        ));
    }

    #[test]
    fn an_unfinished_step_is_finished_before_going_lower() {
        let mut sc = partitioned(3, 4);
        // Ordinal 3 is included but still on the old revision.
        let r = report_of(&sc);
        assert_eq!(
            next(&r, 1, None, false, false),
            Next::Regate {
                partition: 3,
                ordinals: vec![3, 4],
                checks: vec![3, 4]
            }
        );
        sc.pods.retain(|p| p.ordinal != 3);
        let r = report_of(&sc);
        assert!(matches!(
            next(&r, 1, None, false, false),
            Next::Regate { .. }
        ));
        assert_eq!(
            gate(&r, &[3, 4]),
            Gate::Pending("waiting for web-3 to be created".into())
        );
    }

    #[test]
    fn a_step_that_did_not_pass_its_gates_is_gated_again_with_its_checks() {
        // Started at 5, lowered to 3; every pod healthy, but the step to 3 never passed
        // its checks (failed or interrupted): gated again, checks on 3 and 4.
        let r = report_of(&partitioned(3, 3));
        let record = |verified| Record {
            origin: Some(5),
            verified,
        };
        assert_eq!(
            next_recorded(&r, 1, None, false, false, record(None)),
            Next::Regate {
                partition: 3,
                ordinals: vec![3, 4],
                checks: vec![3, 4]
            }
        );
        // The step to 4 passed, the one to 3 did not: only ordinal 3 is checked again.
        assert_eq!(
            next_recorded(&r, 1, None, false, false, record(Some(4))),
            Next::Regate {
                partition: 3,
                ordinals: vec![3, 4],
                checks: vec![3]
            }
        );
        // Verified at 3: the next step goes lower.
        assert!(matches!(
            next_recorded(&r, 1, None, false, false, record(Some(3))),
            Next::Lower { from: 3, to: 2, .. }
        ));
        // Nothing recorded (the partition was lowered by hand): nothing to re-check.
        assert!(matches!(
            next_recorded(&r, 1, None, false, false, Record::default()),
            Next::Lower { .. }
        ));
    }

    #[test]
    fn a_rollout_this_tool_started_that_the_controller_finished_is_judged_by_its_record() {
        // Every pod on the one revision at partition 0, as after an interrupted last step.
        let mut sc = Fixture::new("web", 3);
        let a = sc.revision("nginx:1.24");
        sc.status_current = Some(a);
        sc.status_update = Some(a);
        sc.pods(0..3, a, PodState::RunningReady);
        let r = report_of(&sc);
        let record = |verified| Record {
            origin: Some(3),
            verified,
        };
        // Killed after the partition write to 0, before its gates passed: gated again.
        assert_eq!(
            next_recorded(&r, 1, None, false, false, record(Some(1))),
            Next::Regate {
                partition: 0,
                ordinals: vec![0, 1, 2],
                checks: vec![0]
            }
        );
        // Killed after the last step was recorded: complete, not "nothing to roll out".
        assert!(matches!(
            next_recorded(&r, 1, None, false, false, record(Some(0))),
            Next::Complete { .. }
        ));
    }

    #[test]
    fn refuses_when_there_is_nothing_to_do_deleting_or_paused() {
        let mut sc = Fixture::new("web", 3);
        let a = sc.revision("nginx:1.24");
        sc.status_current = Some(a);
        sc.status_update = Some(a);
        sc.pods(0..3, a, PodState::RunningReady);
        let r = report_of(&sc);
        let Next::Refuse { reason } = next(&r, 1, None, false, false) else {
            panic!("expected a refusal")
        };
        assert!(reason.contains("nothing to roll out"), "{reason}");
        let r = report_of(&partitioned(5, 5));
        assert!(
            matches!(next(&r, 1, None, true, false), Next::Refuse { reason } if reason.contains("being deleted"))
        );
        assert!(
            matches!(next(&r, 1, None, false, true), Next::Refuse { reason } if reason.contains("paused"))
        );
    }

    #[test]
    fn on_delete_deletes_the_highest_outdated_pod_then_waits_for_it() {
        let mut sc = partitioned(0, 4);
        sc.strategy = Strategy::OnDelete;
        let r = report_of(&sc);
        assert_eq!(
            next(&r, 1, None, false, false),
            Next::Delete {
                pod: "web-3".into(),
                ordinal: 3
            }
        );
        sc.pods.retain(|p| p.ordinal != 3);
        let r = report_of(&sc);
        assert_eq!(
            next(&r, 1, None, false, false),
            Next::Replacing { ordinal: 3 }
        );
    }

    #[test]
    fn a_crash_looping_update_pod_fails_the_gate() {
        let mut sc = partitioned(4, 5);
        sc.pods.retain(|p| p.ordinal != 4);
        sc.pod(4, 1, PodState::CrashLoop);
        let r = report_of(&sc);
        let Gate::Failed(why) = gate(&r, &[4]) else {
            panic!("expected a failure: {:?}", gate(&r, &[4]))
        };
        assert!(
            why.contains("web-4") && why.contains("CrashLoopBackOff"),
            "{why}"
        );
        let r = report_of(&partitioned(4, 4));
        assert_eq!(gate(&r, &[4]), Gate::Passed);
    }
}
