//! Names held by pods the set does not claim, over random snapshots: pods owned by
//! another controller, released (relabelled) pods, terminating and unmatched orphans,
//! adoptable orphans, non-canonical names (`web-01`), pods without a phase, revisions owned
//! by others, sets being deleted, claim templates with retention policies, releases and
//! the MaxUnavailableStatefulSet gate.
//!
//! What the real controller does (the `0400`–`0427` vectors): a create whose name is held
//! fails with AlreadyExists and ends the pass — OrderedReady at that pod, Parallel after
//! the slow-start batch it is in; the status and history clean-up still happen. The
//! properties below pin that rule without the vectors: no create reuses an existing name,
//! nothing unclaimed is touched, and taking the squatters away gives back exactly the
//! pass the failure cut short.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use kubectl_sts::model::fixture::{Fixture, PodState, Strategy as Update};
use kubectl_sts::model::plan::{Action, DeleteReason, Plan};
use kubectl_sts::model::profile::{Profile, Version};
use kubectl_sts::model::set::SetView;
use kubectl_sts::model::squat::{Holder, squatters};
use kubectl_sts::model::sync::actions_walking_every_slot;
use kubectl_sts::model::{Snapshot, plan};
use proptest::prelude::*;
use serde_json::{Value, json};

const IMAGES: [&str; 3] = ["nginx:1.24", "nginx:1.25", "nginx:broken"];

/// What a generated pod is to the set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Controlled by the set, matching: claimed.
    Ours,
    /// Controlled by a ReplicaSet: ignored.
    Foreign,
    /// Controlled by an older StatefulSet of the same name (another uid): ignored.
    OldSet,
    /// Controlled by the set, labels no longer match: released.
    Released,
    /// No controller, being deleted: never adopted.
    TerminatingOrphan,
    /// No controller, labels do not match: never adopted.
    UnmatchedOrphan,
    /// No controller, matching: adopted (claimed) unless the set is being deleted.
    Orphan,
    /// Ours, named `web-0N`: claimed, slotted at N.
    NonCanonical,
    /// Ours, without `status.phase`: taken for not created.
    NoPhase,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        8 => Just(Kind::Ours),
        2 => Just(Kind::Foreign),
        1 => Just(Kind::OldSet),
        2 => Just(Kind::Released),
        2 => Just(Kind::TerminatingOrphan),
        1 => Just(Kind::UnmatchedOrphan),
        1 => Just(Kind::Orphan),
        1 => Just(Kind::NonCanonical),
        1 => Just(Kind::NoPhase),
    ]
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

#[derive(Debug, Clone)]
struct Case {
    sc: Fixture,
    version: &'static str,
    gate: bool,
    /// Per generated pod (in `sc.pods` order): what it is to the set.
    kinds: Vec<Kind>,
    foreign_revision: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (
        (0i32..8, proptest::option::of(0i32..3), any::<bool>()),
        proptest::collection::vec(
            (
                0i32..11,
                0usize..3,
                state(),
                kind(),
                any::<bool>(),
                0u64..60,
            ),
            0..12,
        ),
        (0u8..3, 0i32..9, proptest::option::of(1i32..4), 0usize..3),
        (
            0usize..3,
            0usize..3,
            prop_oneof![3 => Just(0), 1 => Just(30)],
        ),
        (0usize..3, proptest::option::of((0usize..2, 0usize..2))),
        proptest::sample::select(vec!["1.28", "1.30", "1.33", "1.35", "1.37"]),
        (
            any::<bool>(),
            prop_oneof![9 => Just(false), 1 => Just(true)],
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (replicas, start, parallel),
                pods,
                (strat, partition, max_u, _),
                (tmpl, cur, min_ready),
                (vcts, retention),
                version,
                (gate, deleting, foreign_revision),
            )| {
                let mut sc = Fixture::new("web", replicas);
                for img in IMAGES {
                    sc.revision(img);
                }
                sc.template = IMAGES[tmpl].into();
                sc.status_current = Some(cur);
                sc.status_update = Some(tmpl);
                sc.parallel = parallel;
                sc.min_ready_seconds = min_ready;
                sc.start = start;
                sc.deleting = deleting;
                sc.strategy = match strat {
                    0 => Update::RollingUpdate {
                        partition,
                        max_unavailable: max_u.map(|m| json!(m)),
                    },
                    1 => Update::RollingUpdateNil,
                    _ => Update::OnDelete,
                };
                sc.volume_claim_templates = ["data", "www"][..vcts]
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                let policy = ["Retain", "Delete"];
                sc.retention =
                    retention.map(|(s, d)| (policy[s].to_string(), policy[d].to_string()));
                let mut kinds = Vec::new();
                for (ordinal, rev, state, kind, terminating, ready_secs) in pods {
                    let p = sc.pod(ordinal, rev, state);
                    p.terminating = terminating || kind == Kind::TerminatingOrphan;
                    p.ready_for = jiff::SignedDuration::from_secs(ready_secs as i64);
                    kinds.push(kind);
                }
                Case {
                    sc,
                    version,
                    gate,
                    kinds,
                    foreign_revision,
                }
            },
        )
}

fn now() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn profile_of(c: &Case) -> Profile {
    let mut profile = Profile::for_version(Version::parse(c.version).unwrap()).unwrap();
    profile.gates.max_unavailable_stateful_set = c.gate;
    profile
}

/// The objects of the case, each pod made what its kind says, names unique (the first of
/// two pods with one name stays, as the API server would have refused the second).
/// Returns them with the names of the pods the controller claims.
fn objects(c: &Case, profile: &Profile) -> (Vec<Value>, HashSet<String>) {
    let mut out = Vec::new();
    let mut names = HashSet::new();
    let mut claimed = HashSet::new();
    let mut kinds = c.kinds.iter();
    for mut o in c.sc.objects(profile, now()) {
        if o["kind"] == "ControllerRevision" && c.foreign_revision {
            let mut f = o.clone();
            f["metadata"]["name"] = json!(format!(
                "{}-foreign",
                o["metadata"]["name"].as_str().unwrap()
            ));
            f["metadata"]["uid"] = json!(format!(
                "{}-foreign",
                o["metadata"]["uid"].as_str().unwrap()
            ));
            f["metadata"]["ownerReferences"][0]["uid"] = json!("another-set");
            f["revision"] = json!(o["revision"].as_i64().unwrap() + 10);
            out.push(f);
        }
        if o["kind"] != "Pod" {
            out.push(o);
            continue;
        }
        let i = out.len();
        let kind = *kinds.next().unwrap();
        let meta = &mut o["metadata"];
        meta["uid"] = json!(format!("pod-{i}-{kind:?}"));
        match kind {
            Kind::Ours | Kind::NoPhase => {}
            Kind::Foreign => {
                meta["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                    "name": "old-web", "uid": "rs-uid", "controller": true}]);
            }
            Kind::OldSet => meta["ownerReferences"][0]["uid"] = json!("older-web-uid"),
            Kind::Released => meta["labels"]["app"] = json!("moved"),
            Kind::TerminatingOrphan | Kind::Orphan => {
                meta.as_object_mut().unwrap().remove("ownerReferences");
            }
            Kind::UnmatchedOrphan => {
                meta.as_object_mut().unwrap().remove("ownerReferences");
                meta["labels"]["app"] = json!("moved");
            }
            Kind::NonCanonical => {
                let name = meta["name"].as_str().unwrap().replace("web-", "web-0");
                meta["name"] = json!(name);
            }
        }
        if kind == Kind::NoPhase {
            o["status"].as_object_mut().unwrap().remove("phase");
        }
        let name = o["metadata"]["name"].as_str().unwrap().to_string();
        if !names.insert(name.clone()) {
            continue;
        }
        let is_claimed = match kind {
            Kind::Ours | Kind::NonCanonical | Kind::NoPhase => true,
            Kind::Orphan => !c.sc.deleting && o["metadata"]["deletionTimestamp"].is_null(),
            _ => false,
        };
        if is_claimed {
            claimed.insert(name);
        }
        out.push(o);
    }
    (out, claimed)
}

fn snapshot(objects: Vec<Value>) -> Snapshot {
    Snapshot::from_objects(objects, Some("web")).unwrap()
}

fn pod_actions(p: &Plan) -> Vec<&Action> {
    p.actions
        .iter()
        .filter(|a| !matches!(a, Action::DeleteControllerRevision { .. }))
        .collect()
}

/// The slot index of `ordinal`'s slow-start batch end (exclusive) for `n` slots: batches
/// of 1, 2, 4, … capped at 500.
fn batch_end(n: usize, slot: usize) -> usize {
    let (mut done, mut batch) = (0, 1.min(n));
    while slot >= done + batch && batch > 0 {
        done += batch;
        batch = (2 * batch).min(n - done).min(500);
    }
    done + batch
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, .. ProptestConfig::default() })]

    /// A create never names a pod that exists, unless this pass deleted it first; every
    /// name the pass could not have is reported, and the pass ends with AlreadyExists.
    #[test]
    fn a_create_never_reuses_an_existing_name(c in case()) {
        let profile = profile_of(&c);
        let (objs, _) = objects(&c, &profile);
        let snap = snapshot(objs);
        let p = plan(&snap, now(), &profile);
        let mut deleted = HashSet::new();
        for a in &p.actions {
            match a {
                Action::DeletePod { name, .. } => { deleted.insert(name.clone()); }
                Action::CreatePod { name, .. } => prop_assert!(
                    snap.record(name).is_none() || deleted.contains(name),
                    "{name} exists and is created again: {:?}", p.actions),
                _ => {}
            }
        }
        for taken in &p.name_taken {
            prop_assert!(snap.record(&taken.pod).is_some());
            let created = p.actions.iter().any(|a| matches!(a, Action::CreatePod { name, .. } if *name == taken.pod));
            prop_assert!(!created, "{} is reported taken and created", taken.pod);
        }
        if !p.name_taken.is_empty() {
            prop_assert!(p.error.as_deref().is_some_and(|e| e.contains("already exists")), "{:?}", p.error);
        }
        // The walk through the slot index agrees with the full walk.
        prop_assert_eq!(&actions_walking_every_slot(&snap, now(), &profile).actions, &p.actions);
    }

    /// Only pods the controller claims are ever deleted or updated; the status counts no
    /// other pod.
    #[test]
    fn nothing_unclaimed_is_touched_or_counted(c in case()) {
        let profile = profile_of(&c);
        let (objs, claimed) = objects(&c, &profile);
        let snap = snapshot(objs);
        let p = plan(&snap, now(), &profile);
        for a in &p.actions {
            if let Action::DeletePod { name, .. } | Action::UpdatePod { name, .. } = a {
                prop_assert!(claimed.contains(name), "{name} is not claimed: {:?}", p.actions);
            }
        }
        prop_assert!(p.status.replicas as usize <= claimed.len());
    }

    /// What `status` flags is what the pass runs into: every name the pass cannot have is
    /// among the squatters the report lists, each of them unclaimed, a duplicate, or a pod
    /// without a phase.
    #[test]
    fn status_flags_every_name_the_pass_runs_into(c in case()) {
        let profile = profile_of(&c);
        let (objs, claimed) = objects(&c, &profile);
        let snap = snapshot(objs);
        let p = plan(&snap, now(), &profile);
        let flagged = squatters(&snap, &SetView::of(&snap, &profile));
        for taken in &p.name_taken {
            prop_assert!(flagged.contains(taken), "{taken:?} not in {flagged:?}");
        }
        for t in &flagged {
            let own = matches!(t.holder, Holder::Duplicate | Holder::NoPhase);
            prop_assert_eq!(claimed.contains(&t.pod), own, "{:?}", t);
        }
    }

}

proptest! {
    // Most random cases have no squatter; this property looks only at those that do.
    #![proptest_config(ProptestConfig { cases: 300, max_global_rejects: 50_000, .. ProptestConfig::default() })]

    /// Taking away the pods that squat names gives back the pass the failure cut short:
    /// under OrderedReady the same actions and status but the failed create; under
    /// Parallel the clean pass's slot actions up to the end of the failing batch, without
    /// the failed creates, and nothing after (no condemned or rolling deletes).
    #[test]
    fn without_the_squatters_the_pass_is_the_one_the_failure_cut_short(c in case()) {
        let profile = profile_of(&c);
        let (objs, claimed) = objects(&c, &profile);
        let with = plan(&snapshot(objs.clone()), now(), &profile);
        let taken: HashSet<&str> = with.name_taken.iter().map(|t| t.pod.as_str()).collect();
        // Only unclaimed squatters can be taken away without changing the slots.
        prop_assume!(!taken.is_empty() && taken.iter().all(|t| !claimed.contains(*t)));
        let objs: Vec<Value> = objs
            .into_iter()
            .filter(|o| o["kind"] != "Pod" || !taken.contains(o["metadata"]["name"].as_str().unwrap()))
            .collect();
        let snap = snapshot(objs);
        let without = plan(&snap, now(), &profile);
        prop_assume!(without.error.is_none());
        let failed = |a: &Action| matches!(a, Action::CreatePod { name, .. } if taken.contains(name.as_str()));
        let view = SetView::of(&snap, &profile);
        let expected: Vec<&Action> = if view.monotonic {
            prop_assert_eq!(&with.status, &without.status);
            pod_actions(&without).into_iter().filter(|a| !failed(a)).collect()
        } else {
            let n = view.replicas.max(0) as usize;
            let slot = |a: &Action| a.ordinal().and_then(|o| usize::try_from(o - view.start).ok()).filter(|&s| s < n);
            let first = pod_actions(&without).into_iter().filter(|a| failed(a)).filter_map(slot).min().unwrap();
            let end = batch_end(n, first);
            pod_actions(&without)
                .into_iter()
                .filter(|a| !failed(a))
                .filter(|a| match a {
                    Action::CreateControllerRevision { .. } | Action::UpdateControllerRevision { .. } => true,
                    Action::DeletePod { reason: DeleteReason::Update, .. } => false,
                    _ => slot(a).is_some_and(|s| s < end),
                })
                .collect()
        };
        prop_assert_eq!(pod_actions(&with), expected);
        // History clean-up still happens.
        let truncations = |p: &Plan| p.actions.iter().filter(|a| matches!(a, Action::DeleteControllerRevision { .. })).count();
        prop_assert_eq!(truncations(&with), truncations(&without));
    }
}

/// The generator reaches every kind of holder and both policies often enough for the
/// properties above to mean something.
#[test]
fn the_generator_reaches_every_kind_of_holder() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut failed_passes = (0, 0);
    for _ in 0..3000 {
        let c = case().new_tree(&mut runner).unwrap().current();
        let profile = profile_of(&c);
        let (objs, _) = objects(&c, &profile);
        let snap = snapshot(objs);
        let p = plan(&snap, now(), &profile);
        for t in &p.name_taken {
            let key = serde_json::to_value(&t.holder).unwrap()["heldBy"]
                .as_str()
                .unwrap()
                .to_string();
            *seen.entry(key).or_default() += 1;
        }
        if !p.name_taken.is_empty() {
            if c.sc.parallel {
                failed_passes.1 += 1;
            } else {
                failed_passes.0 += 1;
            }
        }
    }
    for k in [
        "otherController",
        "released",
        "terminatingOrphan",
        "unmatchedOrphan",
        "noPhase",
    ] {
        assert!(seen.get(k).copied().unwrap_or(0) >= 5, "{k}: {seen:?}");
    }
    assert!(
        failed_passes.0 >= 50 && failed_passes.1 >= 50,
        "{failed_passes:?}"
    );
}
