#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `rollout preview` performance: the whole predicted rollout (OrderedReady, every
//! ordinal replaced) of a settled set of 1,000 and 10,000 ordinals.
//! Goals: 1,000 ordinals under 100 ms, 10,000 under 3 s.

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use kubectl_sts::model::Snapshot;
use kubectl_sts::model::fixture::{Fixture, PodState, Strategy};
use kubectl_sts::model::preview::{Assumptions, End, preview, with_image};
use kubectl_sts::model::profile::{Profile, Version};

fn settled(replicas: i32, profile: &Profile, now: Timestamp) -> Snapshot {
    settled_as(Fixture::new("web", replicas), profile, now)
}

/// `sc`'s pods all Running and Ready on the old image, the template on the new one.
fn settled_as(mut sc: Fixture, profile: &Profile, now: Timestamp) -> Snapshot {
    let replicas = sc.replicas;
    let a = sc.revision("nginx:1.24");
    sc.status_current = Some(a);
    sc.status_update = Some(a);
    sc.status_current_replicas = replicas;
    sc.volume_claim_templates = vec!["data".into()];
    sc.pods(0..replicas, a, PodState::RunningReady);
    let snap = sc.snapshot(profile, now).unwrap();
    let set = with_image(snap.set_json(), "app", "nginx:1.25").unwrap();
    snap.with_set(set).unwrap()
}

fn benches(c: &mut Criterion) {
    let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let profile = Profile::for_version(Version::parse("1.36").unwrap()).unwrap();
    let mut g = c.benchmark_group("preview");
    for n in [1_000, 10_000] {
        g.sample_size(10);
        // Set up inside: a filter (`cargo bench --bench preview 1000`) skips the others.
        let mut snap = None;
        g.bench_function(format!("{n}-ordinals"), |b| {
            let snap = snap.get_or_insert_with(|| {
                let snap = settled(n, &profile, now);
                let t = preview(&snap, now, &profile, Assumptions::default(), usize::MAX);
                assert_eq!(t.end, End::Complete, "{}", t.message);
                assert_eq!(t.restarts, n as usize);
                eprintln!("{n} ordinals: {} controller passes", t.passes);
                snap
            });
            b.iter(|| preview(snap, now, &profile, Assumptions::default(), usize::MAX))
        });
    }
    // Parallel, maxUnavailable 10% (its feature gate on), minReadySeconds 5: batches of
    // pods replaced and ripening together.
    let mut gated = profile;
    gated.gates.max_unavailable_stateful_set = true;
    let profile = gated;
    let mut snap = None;
    g.bench_function("1000-ordinals-parallel-max-unavailable-min-ready", |b| {
        let snap = snap.get_or_insert_with(|| {
            let mut sc = Fixture::new("web", 1_000);
            sc.parallel = true;
            sc.min_ready_seconds = 5;
            sc.strategy = Strategy::RollingUpdate {
                partition: 0,
                max_unavailable: Some(serde_json::json!("10%")),
            };
            let snap = settled_as(sc, &profile, now);
            let t = preview(&snap, now, &profile, Assumptions::default(), usize::MAX);
            assert_eq!(t.end, End::Complete, "{}", t.message);
            eprintln!(
                "parallel: {} controller passes, peak unavailable {}",
                t.passes, t.peak_unavailable
            );
            snap
        });
        b.iter(|| preview(snap, now, &profile, Assumptions::default(), usize::MAX))
    });
    g.finish();
}

criterion_group!(model, benches);
criterion_main!(model);
