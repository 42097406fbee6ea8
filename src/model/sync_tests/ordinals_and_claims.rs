//! SPEC §7 scenarios: A start ordinal, PVCs and their retention.

use super::*;

// ---- Start ordinal ------------------------------------------------------------------

#[test]
fn s51_to_s54_start_ordinal() {
    let mut sc = Fixture::new("web", 2);
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

fn with_claims(replicas: i32) -> Fixture {
    let mut sc = base(replicas);
    sc.volume_claim_templates = vec!["data".into()];
    sc
}

fn pvc(name: &str, owners: &[(&str, &str, &str, bool)]) -> PvcFixture {
    PvcFixture {
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
    let mut sc = Fixture::new("web", 1);
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
    assert_eq!(
        r.plan.diagnosis.state,
        crate::model::diagnose::RolloutState::Stuck
    );
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
