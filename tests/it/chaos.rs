//! Chaos: every mutating workflow against the simulated cluster with injected faults —
//! 10–30% of requests answered 500/503/429/409, latency, watches cut every few events
//! (and 410 Gone on resume, the store's history being short),
//! another writer racing the set (real 409s), pods deleted behind the tool's back — on
//! many seeds. After every run the invariants hold:
//!
//! - it ends in the intended state, or fails with an error; then the same command, run
//!   again without faults, converges to the intended state;
//! - nothing outside the plan is touched: no decoy (a pod of another app, a set and
//!   claims of another set) is ever written; pods are deleted only by the workflows that
//!   delete pods, claims only with `--delete-pvcs`;
//! - every delete carries uid and resourceVersion preconditions, and every write to the
//!   set carries the resourceVersion it was planned from.
//!
//! The runs are in-process (the operations' own functions over the same kube-rs client
//! a user's cluster sees, on loopback HTTP) on the sim's virtual clock.

use std::time::Duration;

use kubectl_sts::cluster::client::Connection;
use kubectl_sts::cluster::load;
use kubectl_sts::cmd::ModelSetup;
use kubectl_sts::model::profile::{Profile, Version};
use kubectl_sts::ops::{self, Target};
use kubectl_sts::sim::scenario::{Scenario, Step, apply};
use kubectl_sts::sim::server::Logged;
use kubectl_sts::sim::store::Kind;
use kubectl_sts::sim::{Cluster, Config, Faults};
use serde_json::{Value, json};

use super::live::{Live, serve};
use super::safety::connection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    StepOne,
    StepTwo,
    StepTo,
    StepAll,
    AutoRollback,
    PauseResume,
    Undo,
    ForceRollback,
    Delete,
    DeletePvcs,
}

const SEEDS: u64 = 20;

fn decoys() -> Vec<Value> {
    vec![
        // A leftover pod of another app whose name looks like the set's.
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "web-9", "namespace": "default", "labels": {"app": "other"}},
               "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]}}),
        // A set whose name ends like ours, with its claims.
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
               "metadata": {"name": "green-web", "namespace": "default"},
               "spec": {"replicas": 1, "serviceName": "green-web", "selector": {"matchLabels": {"app": "green-web"}},
                        "volumeClaimTemplates": [{"metadata": {"name": "data"},
                            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}],
                        "template": {"metadata": {"labels": {"app": "green-web"}},
                                     "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]}}}}),
    ]
}

fn is_decoy(path: &str) -> bool {
    path.ends_with("/pods/web-9") || path.contains("green-web")
}

fn cluster(flow: Flow, seed: u64) -> Cluster {
    // A short history: a watch cut and resumed from an older resourceVersion meets 410
    // Gone and relists, as on a busy real cluster.
    let mut c = Cluster::new(Config {
        history: 40,
        ..Config::default()
    });
    match flow {
        Flow::ForceRollback => Scenario::load("stuck").unwrap().start(&mut c).unwrap(),
        Flow::Delete | Flow::DeletePvcs => {
            c.seed(vec![super::safety::set_with_claims(
                "web",
                3,
                json!({"spec": {"podManagementPolicy": "OrderedReady"}}),
            )])
            .unwrap();
        }
        _ => {
            Scenario::load("default").unwrap().start(&mut c).unwrap();
            let image = if flow == Flow::AutoRollback {
                "nginx:broken"
            } else {
                "nginx:1.26"
            };
            for step in [
                Step::SetPartition {
                    set: "web".into(),
                    partition: 5,
                },
                Step::SetImage {
                    set: "web".into(),
                    container: None,
                    image: image.into(),
                },
            ] {
                apply(&mut c, &step).unwrap();
            }
        }
    }
    c.seed(decoys()).unwrap();
    c.advance(jiff::SignedDuration::from_secs(60));
    // 10–30% of requests fail; watches are cut every few events; another writer races
    // the set's first writes; some latency.
    c.config.faults = Faults {
        error_rate: 0.1 + 0.1 * (seed % 3) as f64,
        codes: vec![500, 503, 429, 409],
        drop_watch_after: Some(3 + (seed % 5) as usize),
        latency: Duration::from_millis(seed % 3),
        conflicts: (seed % 3) as usize,
        seed: 1000 + seed,
        unreachable: false,
        forbidden: Vec::new(),
    };
    c
}

fn setup() -> ModelSetup {
    ModelSetup {
        now: jiff::Timestamp::now(),
        profile: Profile::for_version(Version::parse("1.36").unwrap()).unwrap(),
    }
}

fn step_options(flow: Flow) -> ops::step::Options {
    ops::step::Options {
        by: if flow == Flow::StepTwo { 2 } else { 1 },
        to: (flow == Flow::StepTo).then_some(1),
        all: matches!(flow, Flow::StepAll | Flow::AutoRollback),
        pause_between: None,
        stable_for: Duration::ZERO,
        checks: ops::checks::Checks::none(),
        step_timeout: Duration::from_secs(30),
        dry_run: None,
        auto_rollback: flow == Flow::AutoRollback,
        skip_gates: false,
    }
}

/// Runs `flow` once, in-process, as its command would.
async fn run(flow: Flow, conn: &Connection) -> Result<(), String> {
    let target = Target::new("default", "web");
    let setup = setup();
    let mut recorded = ops::Recorded::new(kubectl_sts::event::Given::Flag);
    let io = &mut recorded.io();
    let r = match flow {
        Flow::StepOne | Flow::StepTwo | Flow::StepTo | Flow::StepAll | Flow::AutoRollback => {
            ops::step::run(conn, &target, &setup, &step_options(flow), io).await
        }
        Flow::PauseResume => {
            let mut r = Ok(());
            for pause in [true, false] {
                let opts = ops::pause::Options { dry_run: None };
                r = ops::pause::run(conn, io, &target, &setup, pause, &opts).await;
                if r.is_err() {
                    break;
                }
            }
            r
        }
        Flow::Undo => {
            let go = async {
                let snap = load::snapshot(&conn.client, "default", "web").await?;
                let plan = kubectl_sts::model::plan(&snap, setup.now, &setup.profile);
                let entries = kubectl_sts::model::history::entries(
                    &snap,
                    &plan.current_revision,
                    &plan.update_revision,
                    &setup.profile,
                );
                let opts = ops::undo::Options {
                    to_revision: 1,
                    dry_run: None,
                };
                ops::undo::run(conn, io, &target, (&snap, &entries), &setup, &opts).await
            };
            go.await
        }
        Flow::ForceRollback => {
            let opts = ops::force_rollback::Options {
                to_revision: None,
                all_bad: false,
                force: false,
                dry_run: None,
                wait: true,
                timeout: Duration::from_secs(30),
            };
            ops::force_rollback::run(conn, io, &target, &setup, &opts).await
        }
        Flow::Delete | Flow::DeletePvcs => {
            let opts = ops::delete::Options {
                delete_pvcs: flow == Flow::DeletePvcs,
                dry_run: None,
                timeout: Duration::from_secs(30),
                cascade: "Background".into(),
                force: false,
                abort: false,
            };
            ops::delete::run(conn, io, &target, &setup.profile, &opts).await
        }
    };
    r.map_err(|e| e.to_string())
}

/// Runs `flow` while the virtual clock moves (1 s per 5 ms), a pod of the set being
/// deleted behind the tool's back once on some seeds.
async fn run_driven(
    flow: Flow,
    live: &Live,
    conn: &Connection,
    seed: u64,
    meddle: bool,
) -> Result<(), String> {
    let driver = async {
        let mut tick = 0u64;
        loop {
            tokio::time::sleep(Duration::from_millis(5)).await;
            live.server.advance(jiff::SignedDuration::from_secs(1));
            tick += 1;
            if meddle && tick == 3 + seed % 7 && !matches!(flow, Flow::Delete | Flow::DeletePvcs) {
                let pod = format!("web-{}", seed % 5);
                live.server.shared.with(|c| {
                    let _ = c
                        .store
                        .delete(Kind::Pod, "default", &pod, &Default::default());
                });
            }
        }
    };
    tokio::select! {
        r = tokio::time::timeout(Duration::from_secs(60), Box::pin(run(flow, conn))) => r.unwrap_or_else(|_| Err("no end within 60 s".into())),
        _ = driver => unreachable!(),
    }
}

fn image_of(p: &Value) -> &str {
    p["spec"]["containers"][0]["image"].as_str().unwrap_or("")
}

fn ready(p: &Value) -> bool {
    p["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}

/// Whether the cluster is where `flow` is meant to leave it.
fn intended(flow: Flow, c: &Cluster) -> Result<(), String> {
    let set = c.store.get(Kind::StatefulSet, "default", "web");
    let partition = set
        .and_then(|s| s.pointer("/spec/updateStrategy/rollingUpdate/partition"))
        .and_then(Value::as_i64);
    // The step's gates passed (the record a re-run goes by).
    let verified = set
        .and_then(|s| s.pointer("/metadata/annotations/kubectl-sts.io~1step-verified-partition"))
        .and_then(Value::as_str)
        .and_then(|v| v.parse::<i64>().ok());
    let pods: Vec<&Value> = c
        .store
        .all(Kind::Pod)
        .filter(|p| {
            p["metadata"]["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("web-") && n != "web-9")
        })
        .collect();
    let claims: Vec<String> = c
        .store
        .all(Kind::PersistentVolumeClaim)
        .map(|p| p["metadata"]["name"].as_str().unwrap_or("").to_string())
        .collect();
    let all_on =
        |image: &str| pods.len() == 5 && pods.iter().all(|p| image_of(p) == image && ready(p));
    let check = |ok: bool, what: &str| {
        if ok {
            Ok(())
        } else {
            Err(format!(
                "{what}: partition {partition:?}, pods {:?}",
                pods.iter()
                    .map(|p| (
                        p["metadata"]["name"].as_str().unwrap_or(""),
                        image_of(p),
                        ready(p)
                    ))
                    .collect::<Vec<_>>()
            ))
        }
    };
    match flow {
        Flow::StepOne => check(
            partition == Some(4) && verified == Some(4),
            "step to 4 passed",
        ),
        Flow::StepTwo => check(
            partition == Some(3) && verified == Some(3),
            "step to 3 passed",
        ),
        Flow::StepTo => check(
            partition == Some(1) && verified == Some(1),
            "step to 1 passed",
        ),
        Flow::StepAll => check(partition == Some(0) && all_on("nginx:1.26"), "all on 1.26"),
        Flow::AutoRollback | Flow::ForceRollback => check(all_on("nginx:1.25"), "all back on 1.25"),
        Flow::PauseResume => {
            let paused = set
                .and_then(|s| s.pointer("/metadata/annotations/kubectl-sts.io~1paused-partition"))
                .is_some();
            check(partition == Some(5) && !paused, "resumed at 5")
        }
        Flow::Undo => check(
            set.is_some_and(|s| {
                s.pointer("/spec/template/spec/containers/0/image") == Some(&json!("nginx:1.25"))
            }),
            "template back on 1.25",
        ),
        Flow::Delete => check(
            set.is_none()
                && ["data-web-0", "data-web-1", "data-web-2"]
                    .iter()
                    .all(|n| claims.iter().any(|c| c == n)),
            "set gone, claims kept",
        ),
        Flow::DeletePvcs => check(
            set.is_none() && !claims.iter().any(|c| c.starts_with("data-web-")),
            "set and its claims gone",
        ),
    }?;
    if !claims.iter().any(|c| c == "data-green-web-0")
        || c.store.get(Kind::Pod, "default", "web-9").is_none()
    {
        return Err("a decoy was deleted".into());
    }
    Ok(())
}

/// The invariants over every request a run made; each breach as a sentence.
fn violations(flow: Flow, reqs: &[Logged]) -> Vec<String> {
    let mut v = Vec::new();
    for r in reqs
        .iter()
        .filter(|r| matches!(r.method.as_str(), "PATCH" | "PUT" | "POST" | "DELETE"))
    {
        let at = format!("{} {}", r.method, r.path);
        if is_decoy(&r.path) {
            v.push(format!("{at}: wrote a decoy"));
        }
        let body = r.body.clone().unwrap_or(Value::Null);
        if r.method == "DELETE" {
            if !body["preconditions"]["uid"].is_string() {
                v.push(format!("{at}: delete without a uid precondition"));
            }
            if !body["preconditions"]["resourceVersion"].is_string() {
                v.push(format!(
                    "{at}: delete without a resourceVersion precondition"
                ));
            }
            if r.path.contains("/pods/")
                && !matches!(flow, Flow::ForceRollback | Flow::AutoRollback)
            {
                v.push(format!(
                    "{at}: a pod deleted by a workflow that deletes none"
                ));
            }
            if r.path.contains("/persistentvolumeclaims/") && flow != Flow::DeletePvcs {
                v.push(format!("{at}: a claim deleted without --delete-pvcs"));
            }
        }
        if matches!(r.method.as_str(), "PATCH" | "PUT")
            && r.path.contains("/statefulsets/web")
            && !body["metadata"]["resourceVersion"].is_string()
        {
            v.push(format!(
                "{at}: a write to the set without the resourceVersion it was planned from"
            ));
        }
    }
    v
}

#[derive(Default)]
struct Tally {
    runs: u64,
    clean: u64,
    converged: u64,
    faults: u64,
    violations: Vec<String>,
}

/// One seeded run of `flow` and, if it failed, the re-run; what it found.
async fn one(flow: Flow, seed: u64) -> Tally {
    let mut t = Tally {
        runs: 1,
        ..Tally::default()
    };
    let live = serve(cluster(flow, seed)).await;
    let conn = connection(&live).await;
    let first = run_driven(flow, &live, &conn, seed, seed.is_multiple_of(2)).await;
    let reqs = live.server.shared.requests();
    t.faults += reqs
        .iter()
        .filter(|r| matches!(r.status, 409 | 429 | 500 | 503))
        .count() as u64;
    t.violations.extend(
        violations(flow, &reqs)
            .into_iter()
            .map(|e| format!("{flow:?} seed {seed}: {e}")),
    );
    live.server
        .shared
        .with(|c| c.config.faults = Faults::default());
    let now_ok = live.server.shared.read(|c| intended(flow, c));
    if (first.is_ok() || flow == Flow::AutoRollback) && now_ok.is_ok() {
        // AutoRollback fails by design (the step into a broken image).
        t.clean += u64::from(first.is_ok());
        t.converged += 1;
        return t;
    }
    if let (Ok(()), Err(e)) = (&first, &now_ok) {
        t.violations.push(format!(
            "{flow:?} seed {seed}: succeeded but not in the intended state: {e}"
        ));
        return t;
    }
    // It failed: once the cluster has settled (pods deleted behind its back are back),
    // the same command again, without faults, converges.
    live.server.advance(jiff::SignedDuration::from_secs(60));
    live.server.shared.clear_requests();
    let second = run_driven(flow, &live, &conn, seed, false).await;
    t.violations.extend(
        violations(flow, &live.server.shared.requests())
            .into_iter()
            .map(|e| format!("{flow:?} seed {seed} (re-run): {e}")),
    );
    // Let the cluster settle (pods become Ready), then judge.
    for _ in 0..30 {
        if live.server.shared.read(|c| intended(flow, c)).is_ok() {
            break;
        }
        live.server.advance(jiff::SignedDuration::from_secs(2));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    match live.server.shared.read(|c| intended(flow, c)) {
        Ok(()) => t.converged += 1,
        Err(e) => t.violations.push(format!(
            "{flow:?} seed {seed}: did not converge: first {first:?}, re-run {second:?}: {e}"
        )),
    }
    t
}

async fn chaos(flows: &[Flow]) {
    let mut rows = Vec::new();
    for &flow in flows {
        // The runs wait on backoffs and the virtual clock, not the processor: all the
        // seeds of a workflow at once, each against a server of its own.
        let runs =
            futures::future::join_all((0..SEEDS).map(|seed| Box::pin(one(flow, seed)))).await;
        let mut t = Tally::default();
        for r in runs {
            t.runs += r.runs;
            t.clean += r.clean;
            t.converged += r.converged;
            t.faults += r.faults;
            t.violations.extend(r.violations);
        }
        rows.push((flow, t));
    }
    println!(
        "{:<14} {:>5} {:>14} {:>10} {:>8} {:>11}",
        "workflow", "runs", "clean 1st run", "converged", "faults", "violations"
    );
    for (flow, t) in &rows {
        println!(
            "{:<14} {:>5} {:>14} {:>10} {:>8} {:>11}",
            format!("{flow:?}"),
            t.runs,
            t.clean,
            t.converged,
            t.faults,
            t.violations.len()
        );
    }
    let all: Vec<&String> = rows.iter().flat_map(|(_, t)| &t.violations).collect();
    assert!(
        all.is_empty(),
        "{} violation(s):\n{}",
        all.len(),
        all.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    for (flow, t) in &rows {
        assert_eq!(t.converged, t.runs, "{flow:?}");
        assert!(t.faults > 0, "{flow:?}: no fault was injected");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_stepping() {
    chaos(&[Flow::StepOne, Flow::StepTwo, Flow::StepTo, Flow::StepAll]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_rollbacks_and_pauses() {
    chaos(&[
        Flow::AutoRollback,
        Flow::PauseResume,
        Flow::Undo,
        Flow::ForceRollback,
    ])
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_teardown() {
    chaos(&[Flow::Delete, Flow::DeletePvcs]).await;
}

/// Successful writes the cluster has answered so far.
fn writes_done(live: &Live) -> usize {
    live.server
        .shared
        .requests()
        .iter()
        .filter(|r| matches!(r.method.as_str(), "PATCH" | "PUT" | "POST" | "DELETE"))
        .filter(|r| r.status < 300 && !r.query.iter().any(|(k, _)| k == "dryRun"))
        .count()
}

/// Stops `flow` right after its `n`-th write (as a killed process would), then runs it
/// again to the end. `None` when the flow finished with fewer writes.
async fn interrupted_after(flow: Flow, n: usize) -> Option<Result<(), String>> {
    let mut c = cluster(flow, 0);
    c.config.faults = Faults::default();
    let live = serve(c).await;
    let conn = connection(&live).await;
    live.server.shared.clear_requests();
    let stopped = async {
        loop {
            tokio::time::sleep(Duration::from_millis(2)).await;
            live.server.advance(jiff::SignedDuration::from_secs(1));
            if writes_done(&live) >= n {
                return;
            }
        }
    };
    tokio::select! {
        // Finished before the n-th write was noticed: only interrupting it after its
        // last write is left to check (below); beyond that there is nothing to stop.
        _ = Box::pin(run(flow, &conn)) => if writes_done(&live) < n { return None },
        _ = stopped => {}
    }
    // Stopped after its last write, the command had done its work: only its report was
    // lost, and running it again would be a new command (another step).
    if live.server.shared.read(|c| intended(flow, c)).is_ok() {
        return Some(Ok(()));
    }
    let second = run_driven(flow, &live, &conn, 0, false).await;
    let violations = violations(flow, &live.server.shared.requests());
    if !violations.is_empty() {
        return Some(Err(violations.join("; ")));
    }
    for _ in 0..30 {
        if live.server.shared.read(|c| intended(flow, c)).is_ok() {
            break;
        }
        live.server.advance(jiff::SignedDuration::from_secs(2));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Some(
        live.server
            .shared
            .read(|c| intended(flow, c))
            .map_err(|e| format!("after write {n}: re-run {second:?}: {e}")),
    )
}

/// Interruption: every workflow stopped after each of its writes in turn, then run
/// again, ends where an uninterrupted run ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_workflow_interrupted_after_each_write_converges_when_run_again() {
    let flows = [
        Flow::StepOne,
        Flow::StepAll,
        Flow::AutoRollback,
        Flow::PauseResume,
        Flow::Undo,
        Flow::ForceRollback,
        Flow::Delete,
        Flow::DeletePvcs,
    ];
    let mut failures = Vec::new();
    println!("{:<14} {:>22}", "workflow", "interrupted after write");
    for flow in flows {
        let mut tried = 0;
        for n in 1..=40 {
            match interrupted_after(flow, n).await {
                None => break,
                Some(Ok(())) => tried += 1,
                Some(Err(e)) => failures.push(format!("{flow:?}: {e}")),
            }
        }
        println!("{:<14} {:>22}", format!("{flow:?}"), format!("1..={tried}"));
        assert!(tried >= 1, "{flow:?} made no write");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
