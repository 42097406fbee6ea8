//! SPEC §7 scenarios: Identity, revisions, history and the rest.

use super::*;

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
    assert_eq!(*reason, crate::model::plan::UpdateReason::Identity);
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
    let snap = crate::model::Snapshot::from_objects(objects, Some("web")).unwrap();
    let plan = crate::model::plan(&snap, now(), &p);
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
        crate::model::diagnose::RolloutState::Deleting
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
    let snap = crate::model::Snapshot::from_objects(objects, None).unwrap();
    let plan = crate::model::plan(&snap, now(), &p);
    assert!(plan.is_noop(), "{:?}", plan.actions);
    assert_eq!(
        plan.diagnosis.state,
        crate::model::diagnose::RolloutState::Complete
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
    let snap = crate::model::Snapshot::from_objects(objects, None).unwrap();
    let plan = crate::model::plan(&snap, now(), &profile("1.35"));
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    let plan = crate::model::plan(&snap, now(), &profile("1.34.0"));
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
    let snap = crate::model::Snapshot::from_objects(objects, None).unwrap();
    let plan = crate::model::plan(&snap, now(), &p);
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
    let snap = crate::model::Snapshot::from_objects(objects, None).unwrap();
    let plan = crate::model::plan(&snap, now(), &p);
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
