//! The preview against hand-built rollouts.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::model::fixture::{Fixture, PodState, Strategy};
use crate::model::profile::Version;

fn now() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn profile() -> Profile {
    Profile::for_version(Version::parse("1.34").unwrap()).unwrap()
}

/// A settled set of `replicas` on nginx:1.24, with its template moved to nginx:1.25.
fn rollout(replicas: i32, edit: impl FnOnce(&mut Fixture)) -> Snapshot {
    let mut sc = Fixture::new("web", replicas);
    let a = sc.revision("nginx:1.24");
    sc.status_current = Some(a);
    sc.status_update = Some(a);
    sc.status_current_replicas = replicas;
    sc.pods(0..replicas, a, PodState::RunningReady);
    edit(&mut sc);
    let snap = sc.snapshot(&profile(), now()).unwrap();
    let set = with_image(snap.set_json(), "app", "nginx:1.25").unwrap();
    snap.with_set(set).unwrap()
}

fn run(snap: &Snapshot, assume: Assumptions) -> Timeline {
    preview(snap, now(), &profile(), assume, 100_000)
}

/// `what pod @ seconds` lines of the controller's actions.
fn actions(t: &Timeline) -> Vec<String> {
    t.events
        .iter()
        .filter(|e| e.what == "create" || e.what == "delete")
        .map(|e| format!("{} {} @{}", e.what, e.pod, e.at_seconds))
        .collect()
}

#[test]
fn ordered_ready_rolls_one_ordinal_at_a_time_from_the_top() {
    let t = run(&rollout(3, |_| {}), Assumptions::default());
    assert_eq!(
        actions(&t),
        [
            "delete web-2 @0",
            "create web-2 @1",
            "delete web-1 @11",
            "create web-1 @12",
            "delete web-0 @22",
            "create web-0 @23"
        ]
    );
    assert_eq!(t.end, End::Complete, "{}", t.message);
    assert_eq!(t.restarts, 3);
    assert_eq!(t.peak_unavailable, 1);
    assert_eq!(
        t.duration_seconds, 33,
        "the last pod is Ready 10s after its creation"
    );
    assert_ne!(t.current_revision, t.update_revision);
    let created: Vec<&Event> = t.events.iter().filter(|e| e.what == "create").collect();
    assert!(created.iter().all(|e| e.revision == t.update_revision));
}

#[test]
fn parallel_with_max_unavailable_two_replaces_two_at_once() {
    let mut p = profile();
    p.gates
        .apply(&[("MaxUnavailableStatefulSet".to_string(), true)].into())
        .unwrap();
    let snap = rollout(4, |sc| {
        sc.parallel = true;
        sc.strategy = Strategy::RollingUpdate {
            partition: 0,
            max_unavailable: Some(json!(2)),
        };
    });
    let t = preview(&snap, now(), &p, Assumptions::default(), 100_000);
    assert_eq!(
        actions(&t),
        [
            "delete web-3 @0",
            "delete web-2 @0",
            "create web-2 @1",
            "create web-3 @1",
            "delete web-1 @11",
            "delete web-0 @11",
            "create web-0 @12",
            "create web-1 @12"
        ]
    );
    assert_eq!(t.peak_unavailable, 2);
    assert_eq!(t.end, End::Complete);
}

#[test]
fn a_partition_stops_the_rollout_above_it() {
    let snap = rollout(5, |sc| {
        sc.strategy = Strategy::RollingUpdate {
            partition: 3,
            max_unavailable: None,
        }
    });
    let t = run(&snap, Assumptions::default());
    assert_eq!(
        actions(&t),
        [
            "delete web-4 @0",
            "create web-4 @1",
            "delete web-3 @11",
            "create web-3 @12"
        ]
    );
    assert_eq!(t.end, End::Complete);
    assert!(
        t.message.contains("partitioned rollout complete"),
        "{}",
        t.message
    );
    assert_eq!(t.partition, Some(3));
}

#[test]
fn on_delete_does_nothing_and_says_so() {
    let t = run(
        &rollout(3, |sc| sc.strategy = Strategy::OnDelete),
        Assumptions::default(),
    );
    assert!(actions(&t).is_empty());
    assert_eq!(t.end, End::WaitsForDeletion);
    assert!(t.message.contains("web-2, web-1, web-0"), "{}", t.message);
}

#[test]
fn an_ordinal_that_never_becomes_ready_wedges_the_rollout_there() {
    let assume = Assumptions {
        fail_ordinals: [3].into(),
        ..Assumptions::default()
    };
    let t = run(&rollout(5, |_| {}), assume);
    assert_eq!(t.end, End::Wedged);
    assert_eq!(t.wedged_on.as_deref(), Some("web-3"));
    assert_eq!(
        actions(&t),
        [
            "delete web-4 @0",
            "create web-4 @1",
            "delete web-3 @11",
            "create web-3 @12"
        ]
    );
    assert!(
        t.message.contains("web-3 never becomes Ready (as assumed)"),
        "{}",
        t.message
    );
}

#[test]
fn a_failing_update_revision_wedges_on_the_first_new_pod() {
    let assume = Assumptions {
        fail_update_revision: true,
        ..Assumptions::default()
    };
    let t = run(&rollout(3, |_| {}), assume);
    assert_eq!(t.end, End::Wedged);
    assert_eq!(t.wedged_on.as_deref(), Some("web-2"));
    assert_eq!(t.restarts, 1);
}

#[test]
fn min_ready_seconds_and_ordinals_start_are_honoured() {
    let snap = rollout(2, |sc| {
        sc.min_ready_seconds = 5;
        sc.start = Some(10);
        sc.pods.clear();
        sc.pods(10..12, 0, PodState::RunningReady);
    });
    let t = run(&snap, Assumptions::default());
    assert_eq!(
        actions(&t),
        [
            "delete web-11 @0",
            "create web-11 @1",
            "delete web-10 @16",
            "create web-10 @17"
        ]
    );
    assert_eq!(t.end, End::Complete, "{}", t.message);
    assert_eq!(t.duration_seconds, 27);
}

#[test]
fn an_unchanged_template_has_nothing_to_roll_out() {
    let mut sc = Fixture::new("web", 2);
    let a = sc.revision("nginx:1.24");
    sc.status_current = Some(a);
    sc.status_update = Some(a);
    sc.status_current_replicas = 2;
    sc.pods(0..2, a, PodState::RunningReady);
    let snap = sc.snapshot(&profile(), now()).unwrap();
    let t = run(&snap, Assumptions::default());
    assert_eq!(t.end, End::NothingToDo, "{}", t.message);
    assert!(t.events.is_empty());
}

/// `snap` with a selector that selects the same pods but names a per-pod label: the
/// preview then builds every pod it creates in full instead of from its revision's
/// prototype (`made`), and must tell the same story.
fn built_in_full(snap: &Snapshot) -> Snapshot {
    let mut set = snap.set_json().clone();
    set["spec"]["selector"]["matchExpressions"] = json!([{
        "key": crate::model::pod::POD_NAME_LABEL, "operator": "NotIn", "values": ["nobody-0"]
    }]);
    snap.with_set(set).unwrap()
}

#[test]
fn pods_made_from_prototypes_tell_the_story_of_pods_built_in_full() {
    let mut p = profile();
    p.gates
        .apply(&[("MaxUnavailableStatefulSet".to_string(), true)].into())
        .unwrap();
    let from_nothing = |edit: &dyn Fn(&mut Fixture)| {
        let mut sc = Fixture::new("web", 7);
        sc.revision("nginx:1.24");
        edit(&mut sc);
        sc.snapshot(&p, now()).unwrap()
    };
    let cases: Vec<(&str, Snapshot, Assumptions)> = vec![
        ("ordered", rollout(6, |_| {}), Assumptions::default()),
        (
            "a failing ordinal",
            rollout(6, |sc| sc.volume_claim_templates = vec!["data".into()]),
            Assumptions {
                fail_ordinals: [2].into(),
                ..Assumptions::default()
            },
        ),
        (
            "a failing revision, parallel",
            rollout(5, |sc| sc.parallel = true),
            Assumptions {
                fail_update_revision: true,
                ..Assumptions::default()
            },
        ),
        (
            "parallel, maxUnavailable, minReadySeconds, start",
            rollout(6, |sc| {
                sc.parallel = true;
                sc.min_ready_seconds = 3;
                sc.strategy = Strategy::RollingUpdate {
                    partition: 1,
                    max_unavailable: Some(json!(2)),
                };
            }),
            Assumptions::default(),
        ),
        (
            "from nothing, claims deleted with the set",
            from_nothing(&|sc| {
                sc.volume_claim_templates = vec!["data".into()];
                sc.retention = Some(("Delete".into(), "Delete".into()));
            }),
            Assumptions::default(),
        ),
        (
            "from nothing, parallel",
            from_nothing(&|sc| sc.parallel = true),
            Assumptions {
                fail_ordinals: [4].into(),
                ..Assumptions::default()
            },
        ),
    ];
    for (case, snap, assume) in cases {
        let made = preview(&snap, now(), &p, assume.clone(), 100_000);
        let full = preview(&built_in_full(&snap), now(), &p, assume, 100_000);
        assert!(!made.events.is_empty(), "{case}");
        assert_eq!(made.events, full.events, "{case}");
        assert_eq!(
            (made.end, &made.message, &made.wedged_on, made.passes),
            (full.end, &full.message, &full.wedged_on, full.passes),
            "{case}"
        );
        assert_eq!(
            (made.restarts, made.peak_unavailable, made.duration_seconds),
            (full.restarts, full.peak_unavailable, full.duration_seconds),
            "{case}"
        );
    }
}

/// A timeline of more rows than are kept keeps the first and the last, in order, and
/// counts the ones between by kind; its summary still counts every restart.
#[test]
fn a_long_timeline_keeps_its_first_and_last_rows_and_counts_the_rest() {
    let (n, keep) = (30, (7, 9));
    let t = preview_keeping(
        &rollout(n, |_| {}),
        now(),
        &profile(),
        Assumptions::default(),
        100_000,
        keep,
    );
    let all = run(&rollout(n, |_| {}), Assumptions::default());
    assert_eq!(t.end, End::Complete, "{}", t.message);
    assert_eq!(t.restarts, n as usize);
    let total = 4 * n as usize; // delete, gone, create, ready
    assert_eq!(all.events.len(), total);
    assert!(all.omitted.is_none());
    let omitted = t.omitted.as_ref().expect("rows left out");
    assert_eq!(t.events[..7], all.events[..7]);
    assert_eq!(t.events[7..], all.events[total - 9..]);
    assert_eq!(omitted.events, total - 16);
    let mut by_what = std::collections::BTreeMap::new();
    for e in &all.events[7..total - 9] {
        *by_what.entry(e.what.clone()).or_insert(0) += 1;
    }
    assert_eq!(omitted.by_what, by_what);
    assert_eq!(omitted.from_seconds, all.events[7].at_seconds);
    assert_eq!(omitted.to_seconds, all.events[total - 10].at_seconds);
    assert_eq!(
        (t.duration_seconds, t.peak_unavailable, t.passes),
        (all.duration_seconds, all.peak_unavailable, all.passes)
    );
}
