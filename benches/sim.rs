//! Simulated-cluster performance: LIST of a 1,000-pod StatefulSet over loopback HTTP
//! through kube-rs, and a 100-replica rollout on the virtual clock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::SignedDuration;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use kubectl_sts::sim::store::Kind;
use kubectl_sts::sim::{Cluster, Config};
use serde_json::json;

fn set(replicas: i32, image: &str) -> serde_json::Value {
    json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
           "metadata": {"name": "web", "namespace": "default"},
           "spec": {"replicas": replicas, "serviceName": "web", "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                                 "spec": {"containers": [{"name": "web", "image": image}]}}}})
}

fn ready_cluster(replicas: i32) -> Cluster {
    let mut c = Cluster::new(Config::default());
    c.seed(vec![set(replicas, "nginx:1.25")]).unwrap();
    c.run_until(SignedDuration::from_secs(24 * 3600), |c| {
        c.next_change().is_none()
    });
    c
}

fn rollout(c: &mut Cluster) {
    let mut s = c
        .store
        .get(Kind::StatefulSet, "default", "web")
        .unwrap()
        .clone();
    s["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.26");
    c.store
        .update(Kind::StatefulSet, "default", "web", s, false, false)
        .unwrap();
    let done = c.run_until(SignedDuration::from_secs(24 * 3600), |c| {
        let s = c.store.get(Kind::StatefulSet, "default", "web").unwrap();
        s["status"]["currentRevision"] == s["status"]["updateRevision"]
            && s["status"]["updatedReplicas"] == s["spec"]["replicas"]
    });
    assert!(done);
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime
        .block_on(kubectl_sts::sim::server::Server::start(
            ready_cluster(1000),
            0,
        ))
        .unwrap();
    let client = {
        let _guard = runtime.enter();
        kube::Client::try_from(kube::Config::new(server.url().parse().unwrap())).unwrap()
    };
    let pods: Api<Pod> = Api::namespaced(client, "default");
    let mut g = c.benchmark_group("sim");
    g.sample_size(20);
    g.bench_function("list-1000-pods-kube-rs", |b| {
        b.iter(|| {
            runtime
                .block_on(pods.list(&ListParams::default().labels("app=web")))
                .unwrap()
        })
    });
    let url = format!(
        "{}/api/v1/namespaces/default/pods?labelSelector=app%3Dweb",
        server.url()
    );
    g.bench_function("list-1000-pods-http-bytes", |b| {
        b.iter(|| {
            let out = std::process::Command::new("curl")
                .args(["-s", "-o", "/dev/null", "-w", "%{size_download}", &url])
                .output()
                .unwrap();
            assert!(String::from_utf8_lossy(&out.stdout).parse::<u64>().unwrap() > 1_000_000);
        })
    });
    g.sample_size(10);
    g.bench_function("virtual-rollout-100-replicas", |b| {
        b.iter_batched(
            || ready_cluster(100),
            |mut c| rollout(&mut c),
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(sim, benches);
criterion_main!(sim);
