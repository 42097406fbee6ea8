//! The diagnosis of a rollout stuck on a broken revision is derived from the model's
//! what-if pass for the revert, per release family and pod management policy: a plain
//! `rollout undo` when the reverted pass replaces the stuck pod itself, the forced
//! rollback when it would wait for it (kubernetes#67250).

use jiff::Timestamp;
use kubectl_sts::model::fixture::{Fixture, PodState, Strategy};
use kubectl_sts::model::profile::{Profile, Version};
use kubectl_sts::model::{RolloutState, plan};
use serde_json::json;

fn now() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

/// Five pods; the top one was replaced by a broken revision and crash-loops.
fn stuck(parallel: bool, max_unavailable: Option<i32>) -> Fixture {
    let mut sc = Fixture::new("web", 5);
    let good = sc.revision("nginx:1.25");
    let bad = sc.revision("nginx:broken");
    sc.template = "nginx:broken".into();
    sc.status_current = Some(good);
    sc.status_update = Some(bad);
    sc.status_current_replicas = 4;
    sc.parallel = parallel;
    sc.strategy = Strategy::RollingUpdate {
        partition: 0,
        max_unavailable: max_unavailable.map(|m| json!(m)),
    };
    sc.pods(0..4, good, PodState::RunningReady);
    sc.pod(4, bad, PodState::CrashLoop);
    sc
}

/// The remedy command the diagnosis gives for `sc` under release `version`.
fn remedy(sc: &Fixture, version: &str, gate: bool) -> String {
    let mut profile = Profile::for_version(Version::parse(version).unwrap()).unwrap();
    profile.gates.max_unavailable_stateful_set = gate;
    let snap = sc.snapshot(&profile, now()).unwrap();
    let p = plan(&snap, now(), &profile);
    assert_eq!(
        p.diagnosis.state,
        RolloutState::Stuck,
        "{version}: {:?}",
        p.diagnosis
    );
    assert!(
        p.diagnosis.summary.contains("web-4"),
        "{}",
        p.diagnosis.summary
    );
    p.diagnosis.remedy.unwrap().command
}

const FAMILIES: [&str; 4] = ["1.28", "1.31", "1.34", "1.37"];
const UNDO: &str = "kubectl sts rollout undo web";
const FORCE: &str = "kubectl sts force-rollback web";

#[test]
fn ordered_ready_needs_the_forced_rollback_on_every_release() {
    for v in FAMILIES {
        assert_eq!(remedy(&stuck(false, None), v, false), FORCE, "{v}");
        assert_eq!(remedy(&stuck(false, Some(2)), v, true), FORCE, "{v}");
    }
}

#[test]
fn parallel_recovers_with_a_plain_undo_on_every_release() {
    // The legacy rolling loop deletes the highest pod off the update revision whatever
    // its health, so once the template is reverted the controller replaces web-4 itself.
    for v in FAMILIES {
        assert_eq!(remedy(&stuck(true, None), v, false), UNDO, "{v}");
    }
}

#[test]
fn parallel_with_max_unavailable_depends_on_the_budget_and_the_release() {
    // maxUnavailable is used up by the stuck pods: up to 1.36 the reverted pass stops
    // there too; 1.37 first deletes unavailable pods on an old revision (PR #137666).
    let mut two_stuck = stuck(true, Some(2));
    two_stuck.pods.retain(|p| p.ordinal != 3);
    two_stuck.pod(3, 1, PodState::CrashLoop);
    for sc in [stuck(true, Some(1)), two_stuck] {
        for v in ["1.28", "1.31", "1.34"] {
            assert_eq!(remedy(&sc, v, true), FORCE, "{v}");
        }
        assert_eq!(remedy(&sc, "1.37", true), UNDO);
    }
}

/// The summary says which and why, in words a person acts on.
#[test]
fn the_summary_names_the_remedy_it_derived() {
    let profile = Profile::for_version(Version::parse("1.28").unwrap()).unwrap();
    let snap = stuck(true, None).snapshot(&profile, now()).unwrap();
    let s = plan(&snap, now(), &profile).diagnosis.summary;
    assert!(s.contains("reverting the template is enough"), "{s}");
    let snap = stuck(false, None).snapshot(&profile, now()).unwrap();
    let s = plan(&snap, now(), &profile).diagnosis.summary;
    assert!(
        s.contains("reverting the template alone will not help"),
        "{s}"
    );
}
