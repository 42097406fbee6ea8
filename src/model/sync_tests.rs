//! SPEC §7's worked scenarios, one pass each, asserting the exact ordered actions and the
//! status written. Revisions are named by letter: A = nginx:1.24, B = nginx:1.25,
//! C = nginx:broken.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use super::plan::{Action, Plan, WaitFor};
use super::profile::{Profile, Version};
use super::scenario::{PodState::*, PvcSpec, SET_UID, Scenario, Strategy};

const A: &str = "nginx:1.24";
const B: &str = "nginx:1.25";
const C: &str = "nginx:broken";

fn now() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn profile(v: &str) -> Profile {
    Profile::for_version(Version::parse(v).unwrap()).unwrap()
}

fn gate_on(v: &str) -> Profile {
    let mut p = profile(v);
    p.gates.max_unavailable_stateful_set = true;
    p
}

fn letter(sc: &Scenario, p: &Profile, name: &str) -> String {
    for (img, l) in [(A, "A"), (B, "B"), (C, "C")] {
        if sc.revision_name(img, p) == name {
            return l.into();
        }
    }
    name.into()
}

/// Compact action: `CreatePod web-1@A`, `DeletePod web-2`, `CreateControllerRevision B#2`.
fn show(sc: &Scenario, p: &Profile, a: &Action) -> String {
    match a {
        Action::CreateControllerRevision {
            name,
            revision_number,
        }
        | Action::UpdateControllerRevision {
            name,
            revision_number,
        }
        | Action::DeleteControllerRevision {
            name,
            revision_number,
        } => {
            format!("{} {}#{revision_number}", a.kind(), letter(sc, p, name))
        }
        Action::CreatePod { name, revision, .. } => {
            format!("CreatePod {name}@{}", letter(sc, p, revision))
        }
        other => format!("{} {}", other.kind(), other.name()),
    }
}

struct Run {
    plan: Plan,
    actions: Vec<String>,
    status: (i32, i32, i32, i32, i32, String, String),
}

fn run_with(sc: &Scenario, p: &Profile) -> Run {
    let snap = sc.snapshot(p, now()).unwrap();
    let plan = super::plan(&snap, now(), p);
    let actions = plan.actions.iter().map(|a| show(sc, p, a)).collect();
    let s = &plan.status;
    let status = (
        s.replicas,
        s.ready_replicas,
        s.available_replicas,
        s.current_replicas,
        s.updated_replicas,
        letter(sc, p, &s.current_revision),
        letter(sc, p, &s.update_revision),
    );
    Run {
        plan,
        actions,
        status,
    }
}

fn run(sc: &Scenario) -> Run {
    run_with(sc, &profile("1.36"))
}

fn st(
    r: i32,
    ready: i32,
    avail: i32,
    cur: i32,
    upd: i32,
    c: &str,
    u: &str,
) -> (i32, i32, i32, i32, i32, String, String) {
    (r, ready, avail, cur, upd, c.into(), u.into())
}

/// A set with revision A stored and current; template A.
fn base(replicas: i32) -> Scenario {
    let mut sc = Scenario::new("web", replicas);
    sc.revision(A);
    sc.template = A.into();
    sc.status_current = Some(0);
    sc.status_update = Some(0);
    sc
}

/// A set mid-update: revisions A (current) and B (template).
fn updating(replicas: i32) -> Scenario {
    let mut sc = base(replicas);
    sc.revision(B);
    sc.template = B.into();
    sc.status_update = Some(1);
    sc
}

// ---- Creation / scale-up ------------------------------------------------------------

#[test]
fn s01_fresh_set_creates_revision_and_first_pod() {
    let mut sc = Scenario::new("web", 3);
    sc.template = A.into();
    let r = run(&sc);
    assert_eq!(
        r.actions,
        ["CreateControllerRevision A#1", "CreatePod web-0@A"]
    );
    assert_eq!(r.status, st(0, 0, 0, 0, 0, "A", "A"));
    assert_eq!(r.plan.status.collision_count, 0);
    assert!(r.plan.waiting_on.is_none());
}

#[test]
fn s02_pending_pod_blocks() {
    let mut sc = base(3);
    sc.pod(0, 0, Pending);
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(
        r.plan.waiting_on.as_ref().unwrap().for_,
        WaitFor::RunningAndReady
    );
    assert_eq!(r.status, st(1, 0, 0, 1, 1, "A", "A"));
}

#[test]
fn s03_next_ordinal_after_ready() {
    let mut sc = base(3);
    sc.pod(0, 0, RunningReady);
    let r = run(&sc);
    assert_eq!(r.actions, ["CreatePod web-1@A"]);
    assert_eq!(r.status, st(1, 1, 1, 1, 1, "A", "A"));
}

#[test]
fn s04_waits_on_not_ready() {
    let mut sc = base(3);
    sc.pod(0, 0, RunningReady);
    sc.pod(1, 0, RunningNotReady);
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(r.plan.waiting_on.as_ref().unwrap().pod, "web-1");
    assert_eq!(r.status, st(2, 1, 1, 2, 2, "A", "A"));
}

#[test]
fn s05_parallel_fresh_creates_in_slow_start_batches() {
    let mut sc = Scenario::new("web", 5);
    sc.template = A.into();
    sc.parallel = true;
    let r = run(&sc);
    assert_eq!(
        r.actions,
        [
            "CreateControllerRevision A#1",
            "CreatePod web-0@A",
            "CreatePod web-1@A",
            "CreatePod web-2@A",
            "CreatePod web-3@A",
            "CreatePod web-4@A"
        ]
    );
    // The rolling phase waits on the placeholder at the top index.
    assert_eq!(r.plan.waiting_on.as_ref().unwrap().pod, "web-4");
    assert_eq!(r.status, st(0, 0, 0, 0, 0, "A", "A"));
}

#[test]
fn s06_parallel_creates_only_missing() {
    let mut sc = base(3);
    sc.parallel = true;
    sc.pod(0, 0, Pending);
    sc.pod(2, 0, RunningReady);
    let r = run(&sc);
    assert_eq!(r.actions, ["CreatePod web-1@A"]);
    assert_eq!(r.status, st(2, 1, 1, 2, 2, "A", "A"));
}

#[test]
fn s07_repair_precedes_scale_down() {
    let mut sc = base(2);
    sc.pod(0, 0, RunningReady);
    sc.pod(2, 0, RunningReady);
    let r = run(&sc);
    assert_eq!(r.actions, ["CreatePod web-1@A"]);
    assert_eq!(r.status, st(2, 2, 2, 2, 2, "A", "A"));
}

#[test]
fn s08_min_ready_seconds_not_yet_available() {
    let mut sc = base(2);
    sc.min_ready_seconds = 30;
    sc.pod(0, 0, RunningReady).ready_for = SignedDuration::from_secs(10);
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(r.plan.waiting_on.as_ref().unwrap().for_, WaitFor::Available);
    assert_eq!(r.plan.requeue_after_seconds, Some(30));
    assert_eq!(r.status, st(1, 1, 0, 1, 1, "A", "A"));
}

#[test]
fn s09_min_ready_boundary_is_inclusive_from_1_34() {
    let mut sc = base(2);
    sc.min_ready_seconds = 30;
    sc.pod(0, 0, RunningReady).ready_for = SignedDuration::from_secs(30);
    let r = run(&sc);
    assert_eq!(r.actions, ["CreatePod web-1@A"]);
    assert_eq!(r.status, st(1, 1, 1, 1, 1, "A", "A"));
    let r = run_with(&sc, &profile("1.33"));
    assert!(r.actions.is_empty(), "strictly before now up to 1.33");
}

// ---- Scale-down ---------------------------------------------------------------------

#[test]
fn s10_scale_down_deletes_highest() {
    let mut sc = base(1);
    sc.pods(0..3, 0, RunningReady);
    let r = run(&sc);
    assert_eq!(r.actions, ["DeletePod web-2"]);
    assert_eq!(r.status, st(3, 3, 3, 3, 3, "A", "A"));
}

#[test]
fn s11_scale_down_waits_for_terminating() {
    let mut sc = base(1);
    sc.pods(0..2, 0, RunningReady);
    sc.pod(2, 0, RunningReady).terminating = true;
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(
        r.plan.waiting_on.as_ref().unwrap().for_,
        WaitFor::Termination
    );
    assert_eq!(r.status, st(3, 3, 3, 2, 2, "A", "A"));
}

#[test]
fn s12_first_unavailable_condemned_may_be_deleted() {
    let mut sc = base(1);
    sc.pods(0..2, 0, RunningReady);
    sc.pod(2, 0, RunningNotReady);
    let r = run(&sc);
    assert_eq!(r.actions, ["DeletePod web-2"]);
    assert_eq!(r.status, st(3, 2, 2, 3, 3, "A", "A"));
}

#[test]
fn s13_unavailable_condemned_behind_another_blocks() {
    let mut sc = base(1);
    sc.pod(0, 0, RunningReady);
    sc.pod(1, 0, RunningNotReady);
    sc.pod(2, 0, RunningNotReady);
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(r.status, st(3, 1, 1, 3, 3, "A", "A"));
}

#[test]
fn s14_healthy_top_condemned_goes_first() {
    let mut sc = base(1);
    sc.pod(0, 0, RunningReady);
    sc.pod(1, 0, RunningNotReady);
    sc.pod(2, 0, RunningReady);
    let r = run(&sc);
    assert_eq!(r.actions, ["DeletePod web-2"]);
    assert_eq!(r.status, st(3, 2, 2, 3, 3, "A", "A"));
}

#[test]
fn s15_unready_replica_blocks_condemned_work() {
    let mut sc = base(1);
    sc.pod(0, 0, RunningNotReady);
    sc.pod(1, 0, RunningReady);
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(r.status, st(2, 1, 1, 2, 2, "A", "A"));
}

#[test]
fn s16_parallel_scale_down_deletes_in_batches() {
    let mut sc = base(1);
    sc.parallel = true;
    sc.pods(0..4, 0, RunningReady);
    let r = run(&sc);
    assert_eq!(
        r.actions,
        ["DeletePod web-3", "DeletePod web-2", "DeletePod web-1"]
    );
    assert_eq!(r.status, st(4, 4, 4, 4, 4, "A", "A"));
}

#[test]
fn s17_parallel_skips_terminating_condemned() {
    let mut sc = base(1);
    sc.parallel = true;
    sc.pods(0..2, 0, RunningReady);
    sc.pod(2, 0, RunningReady).terminating = true;
    let r = run(&sc);
    assert_eq!(r.actions, ["DeletePod web-1"]);
    assert_eq!(r.status, st(3, 3, 3, 2, 2, "A", "A"));
}

// ---- Failed / succeeded / terminating -----------------------------------------------

#[test]
fn s18_failed_pod_is_deleted_not_recreated_in_the_same_pass() {
    let mut sc = base(3);
    sc.pod(0, 0, RunningReady);
    sc.pod(1, 0, Failed);
    sc.pod(2, 0, RunningReady);
    let r = run(&sc);
    assert_eq!(r.actions, ["DeletePod web-1"]);
    assert_eq!(r.status, st(3, 2, 2, 3, 3, "A", "A"));
    // v1.28.0: delete and recreate in one pass; the slot then counts as not created.
    let r = run_with(&sc, &profile("1.28"));
    assert_eq!(r.actions, ["DeletePod web-1", "CreatePod web-1@A"]);
    assert_eq!(r.status, st(2, 2, 2, 2, 2, "A", "A"));
}

#[test]
fn s19_terminating_failed_pod_waits() {
    let mut sc = base(3);
    sc.pod(0, 0, RunningReady);
    sc.pod(1, 0, Failed).terminating = true;
    sc.pod(2, 0, RunningReady);
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(r.status, st(3, 2, 2, 2, 2, "A", "A"));
}

#[test]
fn s20_succeeded_pod_like_failed_from_1_29() {
    let mut sc = base(3);
    sc.pod(0, 0, RunningReady);
    sc.pod(1, 0, Succeeded);
    sc.pod(2, 0, RunningReady);
    assert_eq!(run(&sc).actions, ["DeletePod web-1"]);
    // v1.28.0 leaves it alone and OrderedReady waits on it.
    let r = run_with(&sc, &profile("1.28"));
    assert!(r.actions.is_empty());
    assert_eq!(r.plan.waiting_on.unwrap().pod, "web-1");
}

#[test]
fn s21_parallel_failed_and_missing() {
    let mut sc = base(3);
    sc.parallel = true;
    sc.pod(0, 0, Failed);
    sc.pod(1, 0, RunningReady);
    let r = run(&sc);
    assert_eq!(r.actions, ["DeletePod web-0", "CreatePod web-2@A"]);
    assert_eq!(r.status, st(2, 1, 1, 2, 2, "A", "A"));
}

#[test]
fn s22_terminating_replica_blocks_ordered() {
    let mut sc = base(3);
    sc.pod(0, 0, RunningReady);
    sc.pod(1, 0, RunningReady).terminating = true;
    sc.pod(2, 0, RunningReady);
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(
        r.plan.waiting_on.as_ref().unwrap().for_,
        WaitFor::Termination
    );
    assert_eq!(r.status, st(3, 3, 3, 2, 2, "A", "A"));
}

#[test]
fn s23_parallel_terminating_replica_waits_in_rolling_phase() {
    let mut sc = base(3);
    sc.parallel = true;
    sc.pod(0, 0, RunningReady);
    sc.pod(1, 0, RunningReady).terminating = true;
    sc.pod(2, 0, RunningReady);
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(r.plan.waiting_on.as_ref().unwrap().pod, "web-1");
    assert_eq!(r.status, st(3, 3, 3, 2, 2, "A", "A"));
}

// ---- Rolling update, gate off -------------------------------------------------------

#[test]
fn s24_template_change_creates_revision_and_deletes_top() {
    let mut sc = base(3);
    sc.pods(0..3, 0, RunningReady);
    sc.template = B.into();
    let r = run(&sc);
    assert_eq!(
        r.actions,
        ["CreateControllerRevision B#2", "DeletePod web-2"]
    );
    assert_eq!(r.status, st(3, 3, 3, 2, 0, "A", "B"));
}

#[test]
fn s25_recreates_at_update_revision() {
    let mut sc = updating(3);
    sc.pods(0..2, 0, RunningReady);
    let r = run(&sc);
    assert_eq!(r.actions, ["CreatePod web-2@B"]);
    assert_eq!(r.status, st(2, 2, 2, 2, 0, "A", "B"));
}

#[test]
fn s26_waits_on_updated_pod() {
    let mut sc = updating(3);
    sc.pods(0..2, 0, RunningReady);
    sc.pod(2, 1, RunningNotReady);
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(r.status, st(3, 2, 2, 2, 1, "A", "B"));
}

#[test]
fn s27_next_pod_down() {
    let mut sc = updating(3);
    sc.pods(0..2, 0, RunningReady);
    sc.pod(2, 1, RunningReady);
    let r = run(&sc);
    assert_eq!(r.actions, ["DeletePod web-1"]);
    assert_eq!(r.status, st(3, 3, 3, 1, 1, "A", "B"));
}

#[test]
fn s28_completion_advances_current_revision() {
    let mut sc = updating(3);
    sc.pods(0..3, 1, RunningReady);
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(r.status, st(3, 3, 3, 3, 3, "B", "B"));
    assert!(r.plan.status_written);
}

#[test]
fn s29_s30_unhealthy_low_pod_blocks_ordered_not_parallel() {
    let mut sc = updating(3);
    sc.pod(0, 0, RunningNotReady);
    sc.pods(1..3, 0, RunningReady);
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(r.status, st(3, 2, 2, 3, 0, "A", "B"));
    sc.parallel = true;
    let r = run(&sc);
    assert_eq!(r.actions, ["DeletePod web-2"]);
    assert_eq!(r.status, st(3, 2, 2, 2, 0, "A", "B"));
}

#[test]
fn s31_parallel_waits_on_unavailable_updated_top() {
    let mut sc = updating(3);
    sc.parallel = true;
    sc.pods(0..2, 0, RunningReady);
    sc.pod(2, 1, RunningNotReady);
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(r.status, st(3, 2, 2, 2, 1, "A", "B"));
}

#[test]
fn s32_terminating_top_blocks() {
    let mut sc = updating(3);
    sc.pods(0..2, 0, RunningReady);
    sc.pod(2, 0, RunningReady).terminating = true;
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(r.status, st(3, 3, 3, 2, 0, "A", "B"));
}

#[test]
fn s33_to_s36_partition() {
    let mut sc = updating(3);
    sc.strategy = Strategy::RollingUpdate {
        partition: 2,
        max_unavailable: None,
    };
    sc.pods(0..3, 0, RunningReady);
    let r = run(&sc);
    assert_eq!(r.actions, ["DeletePod web-2"]);
    assert_eq!(r.status, st(3, 3, 3, 2, 0, "A", "B"));

    sc.pods.pop();
    sc.pod(2, 1, RunningReady);
    let r = run(&sc);
    assert!(r.actions.is_empty(), "{:?}", r.actions);
    assert_eq!(r.status, st(3, 3, 3, 2, 1, "A", "B"));
    assert_eq!(
        r.plan.diagnosis.state,
        super::diagnose::RolloutState::Paused
    );

    sc.pods.remove(1);
    let r = run(&sc);
    assert_eq!(
        r.actions,
        ["CreatePod web-1@A"],
        "below the partition: current revision"
    );
    assert_eq!(r.status, st(2, 2, 2, 1, 1, "A", "B"));

    let mut sc = updating(3);
    sc.strategy = Strategy::RollingUpdate {
        partition: 5,
        max_unavailable: None,
    };
    sc.pods(0..3, 0, RunningReady);
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(r.status, st(3, 3, 3, 3, 0, "A", "B"));
}

#[test]
fn s37_nil_rolling_update_uses_stored_current_replicas() {
    let mut sc = updating(3);
    sc.strategy = Strategy::RollingUpdateNil;
    sc.status_current_replicas = 3;
    sc.pod(0, 0, RunningReady);
    sc.pod(2, 0, RunningReady);
    let r = run(&sc);
    assert_eq!(r.actions, ["CreatePod web-1@A"]);
    assert_eq!(r.status, st(2, 2, 2, 2, 0, "A", "B"));
}

#[test]
fn s38_revert_renumbers_old_revision_and_deletes() {
    let mut sc = updating(3);
    sc.template = A.into();
    sc.pods(0..2, 0, RunningReady);
    sc.pod(2, 1, RunningReady);
    let r = run(&sc);
    assert_eq!(
        r.actions,
        ["UpdateControllerRevision A#3", "DeletePod web-2"]
    );
    assert_eq!(r.status, st(3, 3, 3, 1, 2, "A", "A"));
    assert_eq!(r.plan.update_revision_number, 3);
}

// ---- Rolling update, gate on --------------------------------------------------------

#[test]
fn s39_max_unavailable_two_deletes_two() {
    let mut sc = updating(5);
    sc.strategy = Strategy::RollingUpdate {
        partition: 0,
        max_unavailable: Some(json!(2)),
    };
    sc.pods(0..5, 0, RunningReady);
    let r = run_with(&sc, &gate_on("1.36"));
    assert_eq!(r.actions, ["DeletePod web-4", "DeletePod web-3"]);
    assert_eq!(r.status, st(5, 5, 5, 3, 0, "A", "B"));
    // Gate off: the field is ignored.
    assert_eq!(run(&sc).actions, ["DeletePod web-4"]);
}

#[test]
fn s40_s41_creation_with_gate_on() {
    let mut sc = updating(5);
    sc.strategy = Strategy::RollingUpdate {
        partition: 0,
        max_unavailable: Some(json!(2)),
    };
    sc.pods(0..3, 0, RunningReady);
    let r = run_with(&sc, &gate_on("1.36"));
    assert_eq!(r.actions, ["CreatePod web-3@B"]);
    assert_eq!(r.status, st(3, 3, 3, 3, 0, "A", "B"));
    sc.parallel = true;
    let r = run_with(&sc, &gate_on("1.36"));
    assert_eq!(r.actions, ["CreatePod web-3@B", "CreatePod web-4@B"]);
    assert_eq!(r.status, st(3, 3, 3, 3, 0, "A", "B"));
    assert_eq!(
        r.plan.waiting_on.as_ref().unwrap().for_,
        WaitFor::MaxUnavailable
    );
}

#[test]
fn s42_unready_pod_stops_before_rolling() {
    let mut sc = updating(5);
    sc.strategy = Strategy::RollingUpdate {
        partition: 0,
        max_unavailable: Some(json!(2)),
    };
    sc.pods(0..4, 0, RunningReady);
    sc.pod(4, 0, RunningNotReady);
    let r = run_with(&sc, &gate_on("1.36"));
    assert!(r.actions.is_empty());
    assert_eq!(r.status, st(5, 4, 4, 5, 0, "A", "B"));
}

#[test]
fn s43_percentages_round_down_at_least_one() {
    for (pct, n) in [("50%", 2usize), ("10%", 1), ("100%", 5)] {
        let mut sc = updating(5);
        sc.parallel = true;
        sc.strategy = Strategy::RollingUpdate {
            partition: 0,
            max_unavailable: Some(json!(pct)),
        };
        sc.pods(0..5, 0, RunningReady);
        let r = run_with(&sc, &gate_on("1.36"));
        assert_eq!(r.actions.len(), n, "{pct}: {:?}", r.actions);
        assert_eq!(r.status.3, 5 - n as i32);
    }
}

#[test]
fn s44_parallel_single_broken_replica_by_release() {
    let mut sc = updating(1);
    sc.parallel = true;
    sc.pod(0, 0, RunningNotReady);
    // 1.35.0–1.35.3: gate on by default; 1 unavailable ≥ budget 1 (#137409).
    let r = run_with(&sc, &profile("1.35"));
    assert!(r.actions.is_empty());
    assert_eq!(r.status, st(1, 0, 0, 1, 0, "A", "B"));
    assert_eq!(
        run_with(&sc, &profile("1.35.4")).actions,
        ["DeletePod web-0"]
    );
    let r = run_with(&sc, &profile("1.37"));
    assert_eq!(r.actions, ["DeletePod web-0"]);
    assert_eq!(r.status, st(1, 0, 0, 0, 0, "A", "B"));
}

#[test]
fn s45_s46_two_phase_parallel_in_1_37() {
    let mut sc = updating(5);
    sc.parallel = true;
    sc.strategy = Strategy::RollingUpdate {
        partition: 0,
        max_unavailable: Some(json!(3)),
    };
    sc.pods(0..3, 0, RunningReady);
    sc.pod(3, 0, RunningNotReady);
    sc.pod(4, 0, RunningReady).terminating = true;
    assert_eq!(
        run_with(&sc, &profile("1.37")).actions,
        ["DeletePod web-3", "DeletePod web-2"]
    );

    let mut sc = updating(4);
    sc.parallel = true;
    sc.strategy = Strategy::RollingUpdate {
        partition: 0,
        max_unavailable: Some(json!(2)),
    };
    sc.pod(0, 0, RunningNotReady);
    sc.pod(1, 0, RunningNotReady);
    sc.pods(2..4, 0, RunningReady);
    assert_eq!(
        run_with(&sc, &profile("1.37")).actions,
        ["DeletePod web-1", "DeletePod web-0"]
    );
    assert!(run_with(&sc, &profile("1.35")).actions.is_empty());
}

// ---- OnDelete -----------------------------------------------------------------------

#[test]
fn s47_to_s50_on_delete() {
    let mut sc = updating(3);
    sc.strategy = Strategy::OnDelete;
    sc.pods(0..3, 0, RunningReady);
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(r.status, st(3, 3, 3, 3, 0, "A", "B"));
    assert_eq!(
        r.plan.diagnosis.state,
        super::diagnose::RolloutState::Paused
    );

    sc.pods.remove(1);
    let r = run(&sc);
    assert_eq!(r.actions, ["CreatePod web-1@B"]);
    assert_eq!(r.status, st(2, 2, 2, 2, 0, "A", "B"));

    let mut sc = updating(4);
    sc.strategy = Strategy::OnDelete;
    sc.pods(0..3, 0, RunningReady);
    assert_eq!(run(&sc).actions, ["CreatePod web-3@B"]);

    let mut sc = updating(3);
    sc.strategy = Strategy::OnDelete;
    sc.pods(0..3, 1, RunningReady);
    assert_eq!(run(&sc).status, st(3, 3, 3, 0, 3, "A", "B"));
    assert_eq!(
        run_with(&sc, &profile("1.37")).status,
        st(3, 3, 3, 3, 3, "B", "B")
    );
}

// ---- Start ordinal ------------------------------------------------------------------

#[test]
fn s51_to_s54_start_ordinal() {
    let mut sc = Scenario::new("web", 2);
    sc.template = A.into();
    sc.start = Some(5);
    assert_eq!(
        run(&sc).actions,
        ["CreateControllerRevision A#1", "CreatePod web-5@A"]
    );

    let mut sc = base(3);
    sc.start = Some(3);
    sc.pods(0..3, 0, RunningReady);
    let r = run(&sc);
    assert_eq!(r.actions, ["CreatePod web-3@A"]);
    assert_eq!(r.status, st(3, 3, 3, 3, 3, "A", "A"));

    sc.pods(3..6, 0, RunningReady);
    assert_eq!(run(&sc).actions, ["DeletePod web-2"]);

    let mut sc = updating(4);
    sc.start = Some(2);
    sc.strategy = Strategy::RollingUpdate {
        partition: 1,
        max_unavailable: None,
    };
    sc.pods(2..6, 0, RunningReady);
    assert_eq!(run(&sc).actions, ["DeletePod web-5"]);
    sc.pods.remove(0);
    sc.pods.remove(0);
    assert_eq!(
        run(&sc).actions,
        ["CreatePod web-2@A"],
        "index 0 < partition 1: current revision"
    );
}

// ---- PVCs and retention -------------------------------------------------------------

fn with_claims(replicas: i32) -> Scenario {
    let mut sc = base(replicas);
    sc.volume_claim_templates = vec!["data".into()];
    sc
}

fn pvc(name: &str, owners: &[(&str, &str, &str, bool)]) -> PvcSpec {
    PvcSpec {
        name: name.into(),
        terminating: false,
        owners: owners
            .iter()
            .map(|(k, n, u, c)| (k.to_string(), n.to_string(), u.to_string(), *c))
            .collect(),
    }
}

#[test]
fn s55_claims_are_created_before_the_pod() {
    let mut sc = Scenario::new("web", 1);
    sc.template = A.into();
    sc.volume_claim_templates = vec!["data".into()];
    assert_eq!(
        run(&sc).actions,
        [
            "CreateControllerRevision A#1",
            "CreatePVC data-web-0",
            "CreatePod web-0@A"
        ]
    );
}

#[test]
fn s56_claim_being_deleted_fails_the_pass() {
    let mut sc = with_claims(1);
    let mut c = pvc("data-web-0", &[]);
    c.terminating = true;
    sc.pvcs.push(c);
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert!(
        r.plan
            .error
            .as_deref()
            .unwrap()
            .contains("pvc data-web-0 is being deleted")
    );
    assert_eq!(r.plan.diagnosis.state, super::diagnose::RolloutState::Stuck);
}

#[test]
fn s57_stale_claim_blocks_creation_under_when_scaled_delete() {
    let mut sc = with_claims(2);
    sc.retention = Some(("Delete".into(), "Retain".into()));
    sc.pod(0, 0, RunningReady);
    sc.pvcs.push(pvc("data-web-0", &[]));
    sc.pvcs
        .push(pvc("data-web-1", &[("Pod", "web-1", "old-uid", true)]));
    let r = run(&sc);
    assert!(r.actions.is_empty(), "{:?}", r.actions);
    assert_eq!(
        r.plan.waiting_on.as_ref().unwrap().for_,
        WaitFor::StaleClaimCleanup
    );
    sc.retention = Some(("Retain".into(), "Retain".into()));
    assert_eq!(run(&sc).actions, ["CreatePod web-1@A"]);
}

#[test]
fn s58_condemned_claim_gets_pod_ref_before_deletion() {
    let mut sc = with_claims(2);
    sc.retention = Some(("Delete".into(), "Retain".into()));
    sc.pods(0..3, 0, RunningReady);
    for o in 0..3 {
        sc.pvcs.push(pvc(&format!("data-web-{o}"), &[]));
    }
    let r = run(&sc);
    assert_eq!(r.actions, ["UpdatePVC data-web-2", "DeletePod web-2"]);
    let Action::UpdatePvc {
        owner_references, ..
    } = &r.plan.actions[0]
    else {
        panic!()
    };
    assert_eq!(owner_references.len(), 1);
    assert_eq!(owner_references[0].kind, "Pod");
    assert_eq!(owner_references[0].uid, sc.uid_of_pod(2));
    assert_eq!(owner_references[0].controller, Some(true));
}

#[test]
fn s59_delete_delete_moves_ref_from_set_to_pod() {
    let mut sc = with_claims(2);
    sc.retention = Some(("Delete".into(), "Delete".into()));
    sc.pods(0..3, 0, RunningReady);
    for o in 0..3 {
        sc.pvcs.push(pvc(
            &format!("data-web-{o}"),
            &[("StatefulSet", "web", SET_UID, true)],
        ));
    }
    let r = run(&sc);
    assert_eq!(r.actions, ["UpdatePVC data-web-2", "DeletePod web-2"]);
    let Action::UpdatePvc {
        owner_references, ..
    } = &r.plan.actions[0]
    else {
        panic!()
    };
    assert_eq!(
        owner_references
            .iter()
            .map(|r| r.kind.as_str())
            .collect::<Vec<_>>(),
        ["Pod"]
    );
}

#[test]
fn s60_retain_delete_adds_set_ref_and_touches_the_pod() {
    let mut sc = with_claims(1);
    sc.retention = Some(("Retain".into(), "Delete".into()));
    sc.pod(0, 0, RunningReady);
    sc.pvcs.push(pvc("data-web-0", &[]));
    let r = run(&sc);
    assert_eq!(r.actions, ["UpdatePVC data-web-0", "UpdatePod web-0"]);
}

#[test]
fn s61_foreign_controller_only_loses_our_ref() {
    let mut sc = with_claims(1);
    sc.retention = Some(("Retain".into(), "Delete".into()));
    sc.pod(0, 0, RunningReady);
    sc.pvcs.push(pvc(
        "data-web-0",
        &[
            ("Other", "x", "other-uid", true),
            ("StatefulSet", "web", SET_UID, false),
        ],
    ));
    let r = run(&sc);
    assert_eq!(r.actions, ["UpdatePVC data-web-0", "UpdatePod web-0"]);
    let Action::UpdatePvc {
        owner_references, ..
    } = &r.plan.actions[0]
    else {
        panic!()
    };
    assert_eq!(
        owner_references
            .iter()
            .map(|r| r.uid.as_str())
            .collect::<Vec<_>>(),
        ["other-uid"]
    );
    // Next pass: foreign controller, no refs of ours → up to date.
    sc.pvcs[0] = pvc("data-web-0", &[("Other", "x", "other-uid", true)]);
    assert!(run(&sc).actions.is_empty());
}

// ---- Identity, revisions, history, misc ---------------------------------------------

#[test]
fn s62_identity_repair_only_for_the_pod_name_label() {
    let mut sc = base(2);
    sc.pod(0, 0, RunningReady);
    sc.pod(1, 0, RunningReady).without_name_label = true;
    let r = run(&sc);
    assert_eq!(r.actions, ["UpdatePod web-1"]);
    let Action::UpdatePod { reason, .. } = &r.plan.actions[0] else {
        panic!()
    };
    assert_eq!(*reason, super::plan::UpdateReason::Identity);
}

#[test]
fn s63_name_collision_bumps_the_collision_count() {
    let p = profile("1.36");
    let mut sc = base(1);
    sc.pod(0, 0, RunningReady);
    sc.template = B.into();
    let mut objects = sc.objects(&p, now());
    // A revision named like B's hash with other bytes, owned by someone else.
    let b0 = sc.revision_name(B, &p);
    let mut squatter = objects[1].clone();
    squatter["metadata"]["name"] = json!(b0);
    squatter["metadata"]["labels"] = json!({"other": "x"});
    squatter["metadata"]["ownerReferences"] = json!([]);
    objects.push(squatter);
    let snap = super::Snapshot::from_objects(objects, Some("web")).unwrap();
    let plan = super::plan(&snap, now(), &p);
    let Action::CreateControllerRevision { name, .. } = &plan.actions[0] else {
        panic!("{:?}", plan.actions)
    };
    assert_ne!(name, &b0);
    assert_eq!(plan.status.collision_count, 1);
    let new = plan.new_revision.as_ref().unwrap();
    assert_eq!(new.collision_count, 1);
    assert_eq!(
        format!("web-{}", new.hash),
        b0,
        "the label keeps the first hash"
    );
}

#[test]
fn s64_history_truncation_keeps_the_limit() {
    let mut sc = base(2);
    for img in ["r2", "r3", "r4", "r5"] {
        sc.revision(img);
    }
    sc.template = "r5".into();
    sc.status_current = Some(3);
    sc.status_update = Some(4);
    sc.history_limit = 2;
    sc.pod(0, 3, RunningReady);
    sc.pod(1, 4, RunningReady);
    let p = profile("1.36");
    assert_eq!(deleted_revisions(&run(&sc).plan), [sc.rev(0, &p)]);
    sc.history_limit = 0;
    assert_eq!(
        deleted_revisions(&run(&sc).plan),
        [sc.rev(0, &p), sc.rev(1, &p), sc.rev(2, &p)]
    );
}

fn deleted_revisions(plan: &Plan) -> Vec<String> {
    plan.actions
        .iter()
        .filter(|a| matches!(a, Action::DeleteControllerRevision { .. }))
        .map(|a| a.name().to_string())
        .collect()
}

#[test]
fn s65_set_being_deleted_only_gets_status() {
    let mut sc = updating(1);
    sc.deleting = true;
    sc.pods(0..3, 0, RunningReady);
    let r = run(&sc);
    assert!(r.actions.is_empty());
    assert_eq!(r.status, st(3, 3, 3, 3, 0, "A", "B"));
    assert_eq!(
        r.plan.diagnosis.state,
        super::diagnose::RolloutState::Deleting
    );
}

#[test]
fn s66_steady_state_writes_nothing() {
    let p = profile("1.36");
    let mut sc = base(3);
    sc.pods(0..3, 0, RunningReady);
    let mut objects = sc.objects(&p, now());
    objects[0]["status"] = json!({"observedGeneration": 1, "replicas": 3, "readyReplicas": 3, "currentReplicas": 3,
        "updatedReplicas": 3, "availableReplicas": 3, "currentRevision": sc.rev(0, &p), "updateRevision": sc.rev(0, &p),
        "collisionCount": 0});
    let snap = super::Snapshot::from_objects(objects, None).unwrap();
    let plan = super::plan(&snap, now(), &p);
    assert!(plan.is_noop(), "{:?}", plan.actions);
    assert_eq!(
        plan.diagnosis.state,
        super::diagnose::RolloutState::Complete
    );
}

#[test]
fn s67_revisions_of_1_33_are_kept_by_1_35_but_not_1_34_0() {
    let old = profile("1.33");
    let mut sc = base(2);
    sc.pods(0..2, 0, RunningReady);
    let mut objects = sc.objects(&old, now());
    // A 1.35 server no longer serves `creationTimestamp: null` in the template.
    objects[0]["spec"]["template"]["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("creationTimestamp");
    let snap = super::Snapshot::from_objects(objects, None).unwrap();
    let plan = super::plan(&snap, now(), &profile("1.35"));
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    let plan = super::plan(&snap, now(), &profile("1.34.0"));
    assert_eq!(
        plan.actions.iter().map(Action::kind).collect::<Vec<_>>(),
        ["CreateControllerRevision", "DeletePod"]
    );
}

#[test]
fn s68_scaled_to_zero_mid_rollout_completes() {
    let mut sc = updating(0);
    sc.strategy = Strategy::RollingUpdate {
        partition: 2,
        max_unavailable: None,
    };
    let r = run(&sc);
    assert_eq!(r.status, st(0, 0, 0, 0, 0, "B", "B"));
}

#[test]
fn s69_non_members_and_overflowing_ordinals_are_ignored() {
    let p = profile("1.36");
    let mut sc = base(1);
    sc.pod(0, 0, RunningReady);
    let mut objects = sc.objects(&p, now());
    let mut stranger = objects.last().unwrap().clone();
    stranger["metadata"]["name"] = json!("web-x");
    stranger["metadata"]["ownerReferences"] = json!([]);
    let mut overflow = objects.last().unwrap().clone();
    overflow["metadata"]["name"] = json!("web-2147483648");
    objects.push(stranger);
    objects.push(overflow);
    let snap = super::Snapshot::from_objects(objects, None).unwrap();
    let plan = super::plan(&snap, now(), &p);
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    assert_eq!(plan.status.replicas, 1);
}

#[test]
fn pods_owned_by_another_controller_are_never_touched() {
    let p = profile("1.36");
    let mut sc = base(1);
    sc.pods(0..3, 0, RunningReady);
    let mut objects = sc.objects(&p, now());
    for o in objects.iter_mut().filter(|o| o["kind"] == "Pod") {
        o["metadata"]["ownerReferences"][0]["uid"] = json!("someone-else");
    }
    let snap = super::Snapshot::from_objects(objects, None).unwrap();
    let plan = super::plan(&snap, now(), &p);
    // The controller ignores them and tries to create web-0, whose name web-0 of the other
    // controller holds: AlreadyExists ends the pass (conformance vector 0404).
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    assert_eq!(
        plan.error.as_deref(),
        Some(r#"pods "web-0" already exists"#)
    );
    assert_eq!(plan.name_taken.len(), 1);
    assert_eq!(plan.status.replicas, 0);
}
