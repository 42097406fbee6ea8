#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The simulated cluster at size (issue: the simulated cluster's fidelity, scale goals:
//! 100 sets × 20 pods created through the API in ≤ 10 s, one write on that store ≤ 20 ms
//! median, `sim serve` ≤ 150 MB). Runs the release binary's `sim serve` with an empty
//! scenario and drives it through kube-rs over loopback, as a client would:
//!
//!     cargo bench --bench sim_scale            # SIM_SCALE_SETS=100 SIM_SCALE_REPLICAS=20
//!
//! Prints: the time to create the sets and the time until every pod exists, the median
//! and p90 of a single write (a patch of one set's annotation) with the controller's
//! reaction inside the write (`--controller-delay 0s`) and after it (20 ms), and the
//! server's resident memory.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let sets = env("SIM_SCALE_SETS", 100);
    let replicas = env("SIM_SCALE_REPLICAS", 20);
    let bin = env!("CARGO_BIN_EXE_kubectl-sts");
    for delay in ["0s", "20ms"] {
        run(bin, sets, replicas, delay);
    }
}

fn run(bin: &str, sets: usize, replicas: usize, delay: &str) {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("empty.yaml");
    std::fs::write(
        &scenario,
        "apiVersion: sim.kubectl-sts.io/v1\nkind: Scenario\nmetadata: {name: empty}\nobjects: []\n",
    )
    .unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let mut child = Command::new(bin)
        .args([
            "sim",
            "serve",
            "--ready-after",
            "0s",
            "--controller-delay",
            delay,
            "--scenario",
        ])
        .arg(&scenario)
        .arg("--write-kubeconfig")
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let text = std::fs::read_to_string(&kubeconfig).unwrap();
    let url = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("server: "))
        .unwrap()
        .to_string();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut cfg = kube::Config::new(url.parse().unwrap());
        cfg.default_namespace = "default".into();
        cfg.read_timeout = Some(Duration::from_secs(120));
        let client = kube::Client::try_from(cfg).unwrap();
        let api: Api<StatefulSet> = Api::default_namespaced(client.clone());
        let pods: Api<Pod> = Api::default_namespaced(client);
        let started = Instant::now();
        for i in 0..sets {
            let name = format!("db{i}");
            let set: StatefulSet = serde_json::from_value(json!({
                "apiVersion": "apps/v1", "kind": "StatefulSet",
                "metadata": {"name": name},
                "spec": {"replicas": replicas, "serviceName": name, "podManagementPolicy": "Parallel",
                         "selector": {"matchLabels": {"app": name}},
                         "template": {"metadata": {"labels": {"app": name}},
                                      "spec": {"containers": [{"name": "db", "image": "postgres:16"}]}}}}))
            .unwrap();
            api.create(&PostParams::default(), &set).await.unwrap();
        }
        let created = started.elapsed();
        let want = sets * replicas;
        loop {
            let n = pods.list(&ListParams::default()).await.unwrap().items.len();
            if n >= want {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(1800), "{n} of {want} pods");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let all = started.elapsed();
        let mut writes = Vec::new();
        for i in 0..50 {
            let t = Instant::now();
            api.patch(
                &format!("db{}", sets / 2),
                &PatchParams::default(),
                &Patch::Merge(json!({"metadata": {"annotations": {"bench": i.to_string()}}})),
            )
            .await
            .unwrap();
            writes.push(t.elapsed());
        }
        writes.sort();
        let rss = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:").map(|v| v.trim().to_string()))
            .unwrap_or_else(|| "?".into());
        println!(
            "controller-delay {delay}: {sets} sets x {replicas} pods: created in {:.2} s, all {want} pods in {:.2} s; one write: median {:.1} ms, p90 {:.1} ms; sim serve RSS {rss}",
            created.as_secs_f64(),
            all.as_secs_f64(),
            writes[writes.len() / 2].as_secs_f64() * 1000.0,
            writes[writes.len() * 9 / 10].as_secs_f64() * 1000.0,
        );
    });
    let _ = child.kill();
    let _ = child.wait();
}
