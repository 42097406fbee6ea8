//! Property tests of the model over random snapshots: ownership, OrderedReady pacing,
//! the partition, determinism.

use std::collections::HashSet;

use jiff::Timestamp;
use kubectl_sts::model::plan::{Action, DeleteReason};
use kubectl_sts::model::profile::{Profile, Version};
use kubectl_sts::model::scenario::{PodState, Scenario, Strategy as Update};
use kubectl_sts::model::{Snapshot, plan};
use proptest::prelude::*;
use serde_json::json;

const IMAGES: [&str; 3] = ["nginx:1.24", "nginx:1.25", "nginx:broken"];

#[derive(Debug, Clone)]
struct Case {
    sc: Scenario,
    version: &'static str,
    gate: bool,
    /// Ordinals of pods that belong to another controller (same names, foreign uid).
    foreign: Vec<i32>,
}

fn state() -> impl Strategy<Value = PodState> {
    prop_oneof![
        6 => Just(PodState::RunningReady),
        2 => Just(PodState::RunningNotReady),
        1 => Just(PodState::CrashLoop),
        1 => Just(PodState::Pending),
        1 => Just(PodState::Failed),
        1 => Just(PodState::Succeeded),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        0i32..7,
        proptest::collection::vec(
            (0i32..9, 0usize..3, state(), any::<bool>(), 0u64..120),
            0..10,
        ),
        (
            any::<bool>(),
            0u8..3,
            0i32..8,
            proptest::option::of(1i32..4),
        ),
        (
            0usize..3,
            0usize..3,
            0i32..40,
            proptest::option::of(0i32..3),
            any::<bool>(),
        ),
        proptest::sample::select(vec!["1.28", "1.30", "1.33", "1.35", "1.36", "1.37"]),
        proptest::collection::vec(0i32..9, 0..3),
    )
        .prop_map(
            |(
                replicas,
                pods,
                (parallel, strat, partition, max_u),
                (tmpl, cur, min_ready, start, gate),
                version,
                foreign,
            )| {
                let mut sc = Scenario::new("web", replicas);
                for img in IMAGES {
                    sc.revision(img);
                }
                sc.template = IMAGES[tmpl].into();
                sc.status_current = Some(cur);
                sc.status_update = Some(tmpl);
                sc.parallel = parallel;
                sc.min_ready_seconds = min_ready;
                sc.start = start;
                sc.strategy = match strat {
                    0 => Update::RollingUpdate {
                        partition,
                        max_unavailable: max_u.map(|m| json!(m)),
                    },
                    1 => Update::RollingUpdateNil,
                    _ => Update::OnDelete,
                };
                let mut seen = HashSet::new();
                for (ordinal, rev, state, terminating, ready_secs) in pods {
                    if seen.insert(ordinal) {
                        let p = sc.pod(ordinal, rev, state);
                        p.terminating = terminating;
                        p.ready_for = jiff::SignedDuration::from_secs(ready_secs as i64);
                    }
                }
                let foreign = foreign.into_iter().filter(|o| !seen.contains(o)).collect();
                Case {
                    sc,
                    version,
                    gate,
                    foreign,
                }
            },
        )
}

fn now() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn build(c: &Case) -> (Snapshot, Profile, HashSet<String>) {
    let mut profile = Profile::for_version(Version::parse(c.version).unwrap()).unwrap();
    profile.gates.max_unavailable_stateful_set = c.gate;
    let mut objects = c.sc.objects(&profile, now());
    let template = objects.iter().find(|o| o["kind"] == "Pod").cloned();
    let mut foreign_uids = HashSet::new();
    if let Some(t) = template {
        for o in &c.foreign {
            let mut p = t.clone();
            let uid = format!("foreign-{o}");
            p["metadata"]["name"] = json!(format!("web-{o}"));
            p["metadata"]["uid"] = json!(uid);
            p["metadata"]["ownerReferences"][0]["uid"] = json!("another-controller");
            foreign_uids.insert(uid);
            objects.push(p);
        }
    }
    (
        Snapshot::from_objects(objects, Some("web")).unwrap(),
        profile,
        foreign_uids,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn never_acts_on_pods_the_set_does_not_own(c in case()) {
        let (snap, profile, foreign) = build(&c);
        let p = plan(&snap, now(), &profile);
        for a in &p.actions {
            if let Action::DeletePod { uid, .. } | Action::UpdatePod { uid, .. } = a {
                prop_assert!(!foreign.contains(uid), "{a:?} targets a foreign pod");
            }
        }
    }

    #[test]
    fn ordered_ready_creates_or_deletes_at_most_one_pod(mut c in case(), version in proptest::sample::select(vec!["1.30", "1.33", "1.34", "1.36"])) {
        // OrderedReady with MaxUnavailableStatefulSet off (on, it may delete up to
        // maxUnavailable pods per pass; before 1.30 a failed pod is deleted and recreated
        // in one pass).
        c.sc.parallel = false;
        c.gate = false;
        c.version = version;
        let (snap, profile, _) = build(&c);
        let p = plan(&snap, now(), &profile);
        let n = p.actions.iter().filter(|a| matches!(a, Action::CreatePod { .. } | Action::DeletePod { .. })).count();
        prop_assert!(n <= 1, "{:?}", p.actions);
    }

    #[test]
    fn never_updates_a_pod_below_the_partition(c in case()) {
        let (snap, profile, _) = build(&c);
        let p = plan(&snap, now(), &profile);
        let (partition, start) = match &c.sc.strategy {
            Update::RollingUpdate { partition, .. } => (*partition, c.sc.start.unwrap_or(0)),
            _ => (0, 0),
        };
        for a in &p.actions {
            if let Action::DeletePod { ordinal, reason: DeleteReason::Update, .. } = a {
                prop_assert!(ordinal - start >= partition, "{a:?} with partition {partition}");
                prop_assert!(!matches!(c.sc.strategy, Update::OnDelete), "OnDelete never rolls: {a:?}");
            }
        }
    }

    #[test]
    fn the_plan_is_deterministic(c in case()) {
        let (snap, profile, _) = build(&c);
        let a = serde_json::to_string(&plan(&snap, now(), &profile)).unwrap();
        let b = serde_json::to_string(&plan(&snap.clone(), now(), &profile)).unwrap();
        prop_assert_eq!(a, b);
    }
}
