//! SPEC §7 scenarios: Rolling updates (maxUnavailable gate off and on) and OnDelete.

use super::*;

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
        crate::model::diagnose::RolloutState::Paused
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
        crate::model::diagnose::RolloutState::Paused
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
