#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Model performance: one plan over a 10,000-ordinal snapshot, and parsing that snapshot
//! as `kubectl get -o json` and `-o yaml` would print it.

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use kubectl_sts::manifest::snapshot_from_text;
use kubectl_sts::model::fixture::{Fixture, PodState};
use kubectl_sts::model::profile::{Profile, Version};
use kubectl_sts::model::{Snapshot, plan};
use serde_json::json;

#[path = "../tests/common/big.rs"]
#[allow(dead_code)]
mod big;

fn big_scenario(replicas: i32) -> Fixture {
    let (mut sc, a, b) = big::rolling(replicas);
    // Mid-rollout: the top tenth is updated, everything Ready.
    for o in 0..replicas {
        let rev = if o >= replicas - replicas / 10 { b } else { a };
        sc.pod(o, rev, PodState::RunningReady);
    }
    sc
}

fn benches(c: &mut Criterion) {
    let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let profile = Profile::for_version(Version::parse("1.36").unwrap()).unwrap();
    let sc = big_scenario(10_000);
    let objects = sc.objects(&profile, now);
    let list = json!({"apiVersion": "v1", "kind": "List", "items": objects});
    let json_text = serde_json::to_string_pretty(&list).unwrap();
    let yaml_text = serde_saphyr::to_string(&list).unwrap();
    let snap = Snapshot::from_objects(objects, Some("web")).unwrap();
    eprintln!(
        "snapshot: 10,000 pods, JSON {} MB, YAML {} MB",
        json_text.len() >> 20,
        yaml_text.len() >> 20
    );

    let mut g = c.benchmark_group("10k-ordinals");
    g.sample_size(20);
    g.bench_function("plan", |b| b.iter(|| plan(&snap, now, &profile)));
    g.bench_function("parse-json", |b| {
        b.iter_with_large_drop(|| snapshot_from_text(&json_text, Some("web")).unwrap())
    });
    g.bench_function("drop-snapshot", |b| {
        b.iter_batched(|| snap.clone(), drop, criterion::BatchSize::LargeInput)
    });
    g.sample_size(10);
    g.bench_function("parse-yaml", |b| {
        b.iter_with_large_drop(|| snapshot_from_text(&yaml_text, Some("web")).unwrap())
    });
    g.finish();
}

criterion_group!(model, benches);
criterion_main!(model);
