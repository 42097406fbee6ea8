//! SPEC §7 scenarios: Creation, scale-down, failed and terminating pods.

use super::*;

// ---- Creation / scale-up ------------------------------------------------------------

#[test]
fn s01_fresh_set_creates_revision_and_first_pod() {
    let mut sc = Fixture::new("web", 3);
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
    let mut sc = Fixture::new("web", 5);
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
