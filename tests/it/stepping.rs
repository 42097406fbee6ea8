//! `kubectl sts rollout NAME --step` against the simulated cluster (virtual clock advanced
//! while the command runs): the partition moves one step at a time and only after the
//! previous step is healthy; --to, --all, OnDelete, a broken image with and without
//! --auto-rollback, a 409 on the partition patch, an interrupted step, and the checks.

use jiff::SignedDuration;
use kubectl_sts::sim::scenario::Step;
use kubectl_sts::sim::server::Logged;
use kubectl_sts::sim::store::Kind;
use serde_json::Value;

use super::live::{Live, scenario, serve};
use super::recovery::run_advancing;

/// `default` (5 replicas on nginx:1.25, settled) held at partition 5 with the template
/// moved to `image`: nothing rolls until someone lowers the partition.
pub fn held(image: &str) -> Vec<Step> {
    vec![
        Step::SetPartition {
            set: "web".into(),
            partition: 5,
        },
        Step::SetImage {
            set: "web".into(),
            container: None,
            image: image.into(),
        },
        Step::Wait("30s".into()),
    ]
}

/// The partitions the command patched, with the cluster time of each patch.
fn partition_patches(reqs: &[Logged]) -> Vec<(i64, jiff::Timestamp)> {
    reqs.iter()
        .filter(|r| r.method == "PATCH" && r.path.ends_with("/statefulsets/web") && r.status == 200)
        .filter_map(|r| {
            let p = r
                .body
                .as_ref()?
                .pointer("/spec/updateStrategy/rollingUpdate/partition")?;
            Some((p.as_i64()?, r.at))
        })
        .collect()
}

fn set(live: &Live) -> Value {
    live.server.shared.read(|c| {
        c.store
            .get(Kind::StatefulSet, "default", "web")
            .unwrap()
            .clone()
    })
}

fn image_of(live: &Live, pod: &str) -> Option<String> {
    live.server.shared.read(|c| {
        c.store.get(Kind::Pod, "default", pod).map(|p| {
            p["spec"]["containers"][0]["image"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
    })
}

fn ready(live: &Live, pod: &str) -> bool {
    live.server.shared.read(|c| {
        c.store
            .get(Kind::Pod, "default", pod)
            .is_some_and(|p| p["status"]["conditions"][3]["status"] == "True")
    })
}

/// When each ordinal's pod (by name) last became Ready, from the controller's log of
/// creations (the sim's kubelet makes a pod Ready 1s after creation).
fn ready_at(live: &Live, ordinal: i32) -> Option<jiff::Timestamp> {
    live.server.shared.read(|c| {
        c.log
            .iter()
            .rev()
            .find(|r| {
                matches!(&r.action, kubectl_sts::model::Action::CreatePod { ordinal: o, .. } if *o == ordinal)
            })
            .map(|r| r.at + SignedDuration::from_secs(1))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steps_one_ordinal_at_a_time_and_only_after_the_previous_step_is_healthy() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    live.server.shared.clear_requests();
    for expected in [4, 3, 2, 1, 0] {
        let (code, out, err) = run_advancing(
            &live,
            &["rollout", "web", "--step", "--stable-for", "0s", "--yes"],
        )
        .await;
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains(&format!("→ {expected}")), "{out}");
        assert!(out.contains(&format!("✓ web-{expected}")), "{out}");
        assert!(
            out.contains("updated, Ready, available and stable"),
            "{out}"
        );
        assert_eq!(
            image_of(&live, &format!("web-{expected}")).as_deref(),
            Some("nginx:1.26")
        );
        assert!(ready(&live, &format!("web-{expected}")));
        if expected > 0 {
            assert_eq!(
                image_of(&live, &format!("web-{}", expected - 1)).as_deref(),
                Some("nginx:1.25"),
                "the ordinal below the partition is untouched"
            );
        }
    }
    let patches = partition_patches(&live.server.shared.requests());
    assert_eq!(
        patches.iter().map(|p| p.0).collect::<Vec<_>>(),
        [4, 3, 2, 1, 0]
    );
    // Never lowered before the previous step's pod was Ready.
    for w in patches.windows(2) {
        let previous = w[0].0 as i32;
        let at = ready_at(&live, previous).unwrap();
        assert!(
            at <= w[1].1,
            "partition {} patched at {} before web-{previous} was Ready at {at}",
            w[1].0,
            w[1].1
        );
    }
    let s = set(&live);
    assert!(
        s["metadata"]["annotations"]["kubectl-sts.io/step-origin-partition"].is_null(),
        "the origin note is removed once every ordinal is updated"
    );
    let (code, out, err) = live.run(&["rollout", "web", "--step", "--yes"]).await;
    assert_eq!(code, 1, "nothing left to roll out: {out}");
    assert!(err.contains("nothing to roll out"), "{err}");
    // `--all` asks for the set rolled out, and it is: a success that writes nothing (a run
    // killed after its last write converges when run again; tests/e2e_real).
    live.server.shared.clear_requests();
    let (code, out, err) = live.run(&["rollout", "web", "--all", "--yes"]).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("the rollout is complete"), "{out}");
    assert!(partition_patches(&live.server.shared.requests()).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step_two_and_to_zero() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    live.server.shared.clear_requests();
    let (code, out, err) = run_advancing(
        &live,
        &[
            "rollout",
            "step",
            "web",
            "--by",
            "2",
            "--stable-for",
            "0s",
            "--yes",
        ],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("partition 5 → 3: ordinals 3,4"), "{out}");
    assert_eq!(image_of(&live, "web-3").as_deref(), Some("nginx:1.26"));
    assert_eq!(image_of(&live, "web-2").as_deref(), Some("nginx:1.25"));
    assert_eq!(
        set(&live)["metadata"]["annotations"]["kubectl-sts.io/step-origin-partition"],
        "5",
        "the partition before the first step is recorded"
    );
    let (code, out, err) = run_advancing(
        &live,
        &["rollout", "web", "--to", "0", "--stable-for", "0s", "--yes"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("partition 3 → 0"), "{out}");
    for o in 0..5 {
        assert_eq!(
            image_of(&live, &format!("web-{o}")).as_deref(),
            Some("nginx:1.26")
        );
        assert!(ready(&live, &format!("web-{o}")));
    }
    assert_eq!(
        partition_patches(&live.server.shared.requests())
            .iter()
            .map(|p| p.0)
            .collect::<Vec<_>>(),
        [3, 0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_with_a_pause_between_steps() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    live.server.shared.clear_requests();
    let started = std::time::Instant::now();
    let (code, out, err) = run_advancing(
        &live,
        &[
            "rollout",
            "web",
            "--all",
            "--step",
            "2",
            "--pause-between",
            "300ms",
            "--stable-for",
            "0s",
            "--yes",
        ],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        partition_patches(&live.server.shared.requests())
            .iter()
            .map(|p| p.0)
            .collect::<Vec<_>>(),
        [3, 1, 0]
    );
    assert_eq!(
        out.matches("Pausing 0.3s before the next step").count(),
        2,
        "{out}"
    );
    assert!(started.elapsed() >= std::time::Duration::from_millis(600));
    assert!(
        out.contains("every ordinal is on the update revision"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_into_a_broken_image_fails_with_the_diagnosis() {
    let live = serve(scenario("default", &held("nginx:broken"))).await;
    let (code, out, err) = run_advancing(
        &live,
        &[
            "rollout",
            "web",
            "--step",
            "--stable-for",
            "0s",
            "--step-timeout",
            "5m",
            "--yes",
        ],
    )
    .await;
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("step failed") && err.contains("web-4"),
        "{err}"
    );
    assert!(err.contains("CrashLoopBackOff"), "{err}");
    assert!(
        err.contains("force-rollback"),
        "points to the recovery: {err}"
    );
    assert_eq!(
        set(&live)["spec"]["updateStrategy"]["rollingUpdate"]["partition"],
        4
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_rollback_puts_every_pod_back_on_the_old_revision() {
    let live = serve(scenario("default", &held("nginx:broken"))).await;
    let (code, out, err) = run_advancing(
        &live,
        &[
            "rollout",
            "web",
            "--all",
            "--stable-for",
            "0s",
            "--auto-rollback",
            "--step-timeout",
            "5m",
            "--yes",
        ],
    )
    .await;
    assert_eq!(code, 1, "the rollout failed: {out}{err}");
    assert!(out.contains("Auto-rollback"), "{out}");
    assert!(err.contains("rolled back"), "{err}");
    live.server.advance(SignedDuration::from_secs(30));
    for o in 0..5 {
        assert_eq!(
            image_of(&live, &format!("web-{o}")).as_deref(),
            Some("nginx:1.25"),
            "web-{o}"
        );
        assert!(ready(&live, &format!("web-{o}")), "web-{o} Ready");
    }
    let s = set(&live);
    assert_eq!(
        s["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.25"
    );
    assert_eq!(
        s["spec"]["updateStrategy"]["rollingUpdate"]["partition"], 5,
        "original partition restored"
    );
    assert!(s["metadata"]["annotations"]["kubectl-sts.io/step-origin-partition"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_delete_steps_delete_the_highest_outdated_pod_with_a_uid_precondition() {
    let step = Step::SetImage {
        set: "queue".into(),
        container: None,
        image: "rabbitmq:3.13".into(),
    };
    let live = serve(scenario("ondelete", &[step])).await;
    live.server.shared.clear_requests();
    let (code, out, err) = run_advancing(
        &live,
        &["rollout", "queue", "--step", "--stable-for", "0s", "--yes"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    let reqs = live.server.shared.requests();
    let deletes: Vec<&Logged> = reqs.iter().filter(|r| r.method == "DELETE").collect();
    assert_eq!(deletes.len(), 1);
    assert!(
        deletes[0].path.ends_with("/pods/queue-2"),
        "highest ordinal first"
    );
    assert!(deletes[0].body.as_ref().unwrap()["preconditions"]["uid"].is_string());
    let img = |p: &str| {
        live.server.shared.read(|c| {
            c.store.get(Kind::Pod, "default", p).unwrap()["spec"]["containers"][0]["image"].clone()
        })
    };
    assert_eq!(img("queue-2"), "rabbitmq:3.13");
    // One pod replaced is not the whole rollout.
    assert!(
        out.contains("step done; 2 pod(s) still on the old revision")
            && !out.contains("every ordinal is on the update revision"),
        "{out}"
    );
    assert_eq!(img("queue-1"), img("queue-0"));
    assert_ne!(img("queue-1"), "rabbitmq:3.13");
    let (code, out, err) = run_advancing(
        &live,
        &[
            "rollout",
            "queue",
            "--step",
            "2",
            "--stable-for",
            "0s",
            "--yes",
        ],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(img("queue-0"), "rabbitmq:3.13");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conflict_on_the_partition_patch_is_retried_from_a_fresh_read() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    // Someone else writes the set just before our first patch arrives: its
    // resourceVersion precondition fails with a real 409.
    live.server.shared.with(|c| c.config.faults.conflicts = 1);
    live.server.shared.clear_requests();
    let (code, out, err) = run_advancing(
        &live,
        &["rollout", "web", "--step", "--stable-for", "0s", "--yes"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("reading it again"), "{out}");
    let reqs = live.server.shared.requests();
    let patches: Vec<&Logged> = reqs
        .iter()
        .filter(|r| r.method == "PATCH" && r.path.ends_with("/statefulsets/web"))
        .collect();
    assert_eq!(
        patches.iter().map(|r| r.status).collect::<Vec<_>>()[..2],
        [409, 200]
    );
    let rv = |r: &Logged| r.body.as_ref().unwrap()["metadata"]["resourceVersion"].clone();
    assert_ne!(
        rv(patches[0]),
        rv(patches[1]),
        "the retry carries the fresh resourceVersion"
    );
    assert_eq!(
        set(&live)["spec"]["updateStrategy"]["rollingUpdate"]["partition"],
        4
    );
    assert_eq!(
        set(&live)["metadata"]["annotations"]["sim.kubectl-sts.io/touched"],
        "1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_step_is_finished_by_the_next_run() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    // Killed right after lowering the partition: the virtual clock does not move, so web-4
    // cannot be Ready yet.
    let mut child = live.spawn(&["rollout", "web", "--step", "--stable-for", "0s", "--yes"]);
    for _ in 0..100 {
        if set(&live)["spec"]["updateStrategy"]["rollingUpdate"]["partition"] == 4 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    child.kill().await.unwrap();
    assert_eq!(
        set(&live)["spec"]["updateStrategy"]["rollingUpdate"]["partition"],
        4
    );
    live.server.shared.clear_requests();
    let (code, out, err) = run_advancing(
        &live,
        &["rollout", "web", "--step", "--stable-for", "0s", "--yes"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("has not passed its gates"), "{out}");
    assert!(
        partition_patches(&live.server.shared.requests()).is_empty(),
        "no new step taken"
    );
    assert_eq!(image_of(&live, "web-4").as_deref(), Some("nginx:1.26"));
    assert!(ready(&live, "web-4"));
    // The run after that takes the next step.
    let (code, out, err) = run_advancing(
        &live,
        &["rollout", "web", "--step", "--stable-for", "0s", "--yes"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("partition 4 → 3"), "{out}");
}

/// Found on the real control plane (tests/e2e_real, killed after each write): a rollout
/// killed after it recorded its last step, before it removed its bookkeeping, said
/// "nothing to roll out" and exited 1 when run again. It finishes instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollout_killed_after_recording_its_last_step_finishes_when_run_again() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    let all = ["rollout", "web", "--all", "--stable-for", "0s", "--yes"];
    let (code, out, err) = run_advancing(&live, &all).await;
    assert_eq!(code, 0, "{out}{err}");
    // Where the kill left it: partition 0, every pod updated, the record still there.
    let o = std::process::Command::new("kubectl")
        .args([
            "--kubeconfig",
            &live.kubeconfig(),
            "annotate",
            "statefulset/web",
        ])
        .args([
            "kubectl-sts.io/step-origin-partition=5",
            "kubectl-sts.io/step-verified-partition=0",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    live.server.shared.clear_requests();
    let (code, out, err) = run_advancing(&live, &all).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        partition_patches(&live.server.shared.requests()).is_empty(),
        "no step taken"
    );
    let notes = set(&live)["metadata"]["annotations"].clone();
    assert!(
        notes.get("kubectl-sts.io/step-origin-partition").is_none()
            && notes
                .get("kubectl-sts.io/step-verified-partition")
                .is_none(),
        "the bookkeeping is removed: {notes}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checks_gate_each_new_pod_and_a_failing_check_fails_the_step() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("checked");
    let cmd = format!(
        "echo \"$STS_POD $STS_ORDINAL $STS_NAMESPACE\" >> {}",
        log.display()
    );
    let (code, out, err) = run_advancing(
        &live,
        &[
            "rollout",
            "web",
            "--step",
            "2",
            "--stable-for",
            "0s",
            "--check-cmd",
            &cmd,
            "--yes",
        ],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    let checked = std::fs::read_to_string(&log).unwrap();
    assert_eq!(checked, "web-4 4 default\nweb-3 3 default\n");

    // An HTTP check against a local server that answers 503.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).await;
            let _ = s
                .write_all(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    let url = format!("http://127.0.0.1:{port}/healthz/{{pod}}");
    let (code, out, err) = run_advancing(
        &live,
        &[
            "rollout",
            "web",
            "--step",
            "--stable-for",
            "0s",
            "--check-http",
            &url,
            "--yes",
        ],
    )
    .await;
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("/healthz/web-2") && err.contains("503"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stability_is_waited_for_and_bad_usage_is_refused() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    let started = std::time::Instant::now();
    let (code, out, err) = run_advancing(
        &live,
        &["rollout", "web", "--step", "--stable-for", "2s", "--yes"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(2),
        "waited --stable-for"
    );
    assert!(
        out.contains("watching that it stays Ready for 2s"),
        "progress says what it waits for: {out}"
    );
    for args in [
        vec!["rollout", "web"],
        vec!["rollout", "web", "--step", "0", "--yes"],
        vec!["rollout", "web", "--all", "--to", "1", "--yes"],
        vec!["rollout", "web", "--step", "--pause-between", "1s", "--yes"],
    ] {
        let (code, _, err) = live.run(&args).await;
        assert_eq!(code, 2, "{args:?}: {err}");
    }
    let (code, _, err) = live.run(&["rollout", "web", "--to", "4", "--yes"]).await;
    assert_eq!(code, 1);
    assert!(err.contains("already 4"), "{err}");
}

/// On the wall clock, the next partition patch follows the last gate passing (the pod
/// turning Ready, seen on the watch) quickly: event-driven, not polled. The figure is
/// printed; the bound here is loose for busy CI machines (goal: under 200 ms).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_wall_clock_the_next_patch_follows_the_gate_at_once() {
    use kubectl_sts::sim::scenario::{Scenario, apply};
    use kubectl_sts::sim::{Clock, Cluster, Config};
    let mut c = Cluster::new(Config::default());
    c.start_at(jiff::Timestamp::now() - SignedDuration::from_secs(600));
    Scenario::load("default").unwrap().start(&mut c).unwrap();
    for s in held("nginx:1.26") {
        apply(&mut c, &s).unwrap();
    }
    c.set_clock(Clock::Wall);
    let live = serve(c).await;
    live.server.shared.clear_requests();
    let child = live.spawn(&["rollout", "web", "--all", "--stable-for", "0s", "--yes"]);
    let out = tokio::time::timeout(std::time::Duration::from_secs(60), child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let patches = partition_patches(&live.server.shared.requests());
    assert_eq!(
        patches.iter().map(|p| p.0).collect::<Vec<_>>(),
        [4, 3, 2, 1, 0]
    );
    let mut lags = Vec::new();
    for w in patches.windows(2) {
        let ready = ready_at(&live, w[0].0 as i32).unwrap();
        lags.push(w[1].1.duration_since(ready).as_millis());
    }
    eprintln!("gate passed → next partition patch (ms): {lags:?}");
    assert!(lags.iter().all(|l| (0..1000).contains(l)), "{lags:?}");
}

/// Defect 8: a step whose check failed left partition 2; running the same command again
/// lowered to 1 and checked only web-1 — web-2's failed check was never re-run. The step
/// the partition shows must pass all its gates, checks included, before any new step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_check_is_run_again_before_any_new_step() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("checked");
    let verdict = dir.path().join("verdict");
    std::fs::write(&verdict, "1").unwrap();
    // The check logs the pod and fails while the verdict file says 1.
    let cmd = format!(
        "echo $STS_POD >> {log}; exit $(cat {verdict})",
        log = log.display(),
        verdict = verdict.display()
    );
    let args = [
        "rollout",
        "web",
        "--step",
        "--stable-for",
        "0s",
        "--yes",
        "--check-cmd",
        &cmd,
    ];
    let (code, out, err) = run_advancing(&live, &args).await;
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(partition(&live), 4);
    // Run again, still failing: web-4 is checked again, and nothing goes lower.
    let (code, out, err) = run_advancing(&live, &args).await;
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        partition(&live),
        4,
        "no new step after a failed gate: {out}"
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "web-4\nweb-4\n");
    // Fixed: the re-run passes web-4's gate (that is its step); the next run goes lower.
    std::fs::write(&verdict, "0").unwrap();
    let (code, out, err) = run_advancing(&live, &args).await;
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "web-4\nweb-4\nweb-4\n"
    );
    assert_eq!(partition(&live), 4, "one gated step per run: {out}");
    let (code, out, err) = run_advancing(&live, &args).await;
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(partition(&live), 3);
    assert!(std::fs::read_to_string(&log).unwrap().ends_with("web-3\n"));
}

/// Defect 9: `--step 4294967295` wrapped to −1 and raised the partition; counts and
/// partitions out of range are refused as bad usage.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step_counts_and_partitions_are_validated() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    for args in [
        &["rollout", "web", "--step", "4294967295", "--yes"][..],
        &["rollout", "web", "--step", "0", "--yes"],
        &["rollout", "web", "--step", "--to=-1", "--yes"],
        &["rollout", "step", "web", "--by", "0", "--yes"],
    ] {
        let (code, _, err) = live.run(args).await;
        assert_eq!(code, 2, "{args:?}: {err}");
    }
    assert_eq!(partition(&live), 5);
}

fn partition(live: &super::live::Live) -> i64 {
    live.server.shared.read(|c| {
        c.store
            .get(kubectl_sts::sim::store::Kind::StatefulSet, "default", "web")
            .unwrap()
            .pointer("/spec/updateStrategy/rollingUpdate/partition")
            .and_then(serde_json::Value::as_i64)
            .unwrap()
    })
}

/// Runs `rollout web --step --all --pause-between 2s` and, once web-4 is updated and
/// Ready, lets another client `change` the set. The command's output.
async fn all_while_another_client(
    live: &super::live::Live,
    change: impl Fn(&mut serde_json::Value),
) -> std::process::Output {
    let child = live.spawn(&[
        "rollout",
        "web",
        "--step",
        "--all",
        "--yes",
        "--stable-for",
        "0s",
        "--pause-between",
        "2s",
    ]);
    let wait = child.wait_with_output();
    tokio::pin!(wait);
    let mut changed = false;
    loop {
        tokio::select! {
            out = &mut wait => {
                assert!(changed, "the other client never acted");
                return out.unwrap();
            }
            _ = tokio::time::sleep(std::time::Duration::from_millis(100)) => {
                live.server.advance(jiff::SignedDuration::from_secs(1));
                if !changed && partition(live) == 4 && ready(live, "web-4") {
                    live.server.shared.with(|c| {
                        let kind = kubectl_sts::sim::store::Kind::StatefulSet;
                        let mut s = c.store.get(kind, "default", "web").unwrap().clone();
                        change(&mut s);
                        c.store.update(kind, "default", "web", s, false, false).unwrap();
                    });
                    changed = true;
                }
            }
        }
    }
}

/// Defect 9: during `--all --pause-between`, another client raised the partition to halt
/// the rollout, and the next step lowered it again. Any change the tool did not make
/// stops the run with an explanation; the other client's partition stands.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partition_raised_by_another_client_stops_the_rollout() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    let out = all_while_another_client(&live, |s| {
        s["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = serde_json::json!(5);
    })
    .await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("its partition was changed from 4 to 5"),
        "{err}"
    );
    assert_eq!(partition(&live), 5, "the other client's partition stands");
}

/// Defect 7: `rollout resume` started a full rollout with no way to see it first, `rollout
/// step` had no dry run, and a malformed pause annotation silently became partition 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_and_step_show_their_change_and_dry_runs_change_nothing() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    let rv = || live.server.shared.read(|c| c.store.resource_version());
    let before = rv();
    for args in [
        &["rollout", "web", "--step", "--dry-run"][..],
        &["rollout", "web", "--step", "--dry-run=server"],
        &["rollout", "step", "web", "--by", "2", "--dry-run=client"],
    ] {
        let (code, out, err) = live.run(args).await;
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(
            out.contains("next: lower the partition of web from 5 to"),
            "{out}"
        );
        assert!(out.contains("dry run"), "{out}");
    }
    assert_eq!(rv(), before, "nothing changed");
    assert_eq!(partition(&live), 5);

    let (code, _, err) = live.run(&["rollout", "pause", "web", "--yes"]).await;
    assert_eq!(code, 0, "{err}");
    let paused = rv();
    let (code, out, err) = live.run(&["rollout", "resume", "web", "--dry-run"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Resume statefulset/web in namespace default: partition 5 → 5")
            && out.contains("dry run"),
        "{out}"
    );
    let (code, _, err) = live
        .run(&["rollout", "resume", "web", "--dry-run=server"])
        .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(rv(), paused, "nothing changed");

    // A malformed record is refused, not read as partition 0.
    live.server.shared.with(|c| {
        let mut s = c
            .store
            .get(kubectl_sts::sim::store::Kind::StatefulSet, "default", "web")
            .unwrap()
            .clone();
        s["metadata"]["annotations"]["kubectl-sts.io/paused-partition"] = serde_json::json!("five");
        c.store
            .update(
                kubectl_sts::sim::store::Kind::StatefulSet,
                "default",
                "web",
                s,
                false,
                false,
            )
            .unwrap();
    });
    let (code, _, err) = live.run(&["rollout", "resume", "web", "--yes"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(r#"kubectl-sts.io/paused-partition="five" is not a partition"#),
        "{err}"
    );
    assert_eq!(partition(&live), 5);
}

/// Defect 6: a --check-cmd that never ends hung the step forever and outlived it. It is
/// bounded by --check-timeout and killed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_that_hangs_is_killed_at_its_timeout() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let cmd = format!("echo $$ > {}; exec sleep 300", pid_file.display());
    let started = std::time::Instant::now();
    let (code, out, err) = run_advancing(
        &live,
        &[
            "rollout",
            "web",
            "--step",
            "--stable-for",
            "0s",
            "--check-cmd",
            &cmd,
            "--check-timeout",
            "1s",
            "--yes",
        ],
    )
    .await;
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("did not finish within --check-timeout 1s; it was killed"),
        "{err}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
    let pid = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .to_string();
    // The process is gone (or a zombie already reaped by init).
    let alive = std::path::Path::new(&format!("/proc/{pid}/status")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/status"))
            .unwrap_or_default()
            .contains("State:\tZ");
    assert!(!alive, "the check's process outlived the step");
}

/// Defect 11: with the API server unreachable during --stable-for, the step declared the
/// pod stable (time kept counting with nothing observed). Stability counts only observed
/// time: after the outage the window starts again, and the step goes on rather than
/// failing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stability_is_not_counted_while_the_server_cannot_be_seen() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    let child = live.spawn(&["rollout", "web", "--step", "--stable-for", "2s", "--yes"]);
    let wait = child.wait_with_output();
    tokio::pin!(wait);
    let mut outage: Option<std::time::Instant> = None;
    let mut restored: Option<std::time::Instant> = None;
    let out = loop {
        tokio::select! {
            out = &mut wait => break out.unwrap(),
            _ = tokio::time::sleep(std::time::Duration::from_millis(50)) => {
                live.server.advance(jiff::SignedDuration::from_secs(1));
                if outage.is_none() && ready(&live, "web-4") && image_of(&live, "web-4").as_deref() == Some("nginx:1.26") {
                    // web-4 is Ready: the stability window starts. Cut every watch and
                    // fail every read for 3 s.
                    live.server.shared.with(|c| c.config.faults.unreachable = true);
                    outage = Some(std::time::Instant::now());
                }
                if let Some(t) = outage && restored.is_none() && t.elapsed() > std::time::Duration::from_secs(3) {
                    live.server.shared.with(|c| c.config.faults = Default::default());
                    restored = Some(std::time::Instant::now());
                }
            }
        }
    };
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "it goes on after the outage: {stdout}{stderr}"
    );
    let restored = restored.expect("the step waited through the outage");
    assert!(
        restored.elapsed() >= std::time::Duration::from_millis(1500),
        "stable only after observing 2 s past the outage: {stdout}{stderr}"
    );
    assert!(
        stdout.contains("stability is timed again"),
        "{stdout}{stderr} restored {:?} ago",
        restored.elapsed()
    );
}

/// A template changed by another client during `--all --pause-between` stops the
/// rollout: the next step would roll out a revision nobody asked this run for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_changed_by_another_client_stops_the_rollout() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    let out = all_while_another_client(&live, |s| {
        s["spec"]["template"]["spec"]["containers"][0]["image"] = serde_json::json!("nginx:1.27");
    })
    .await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("its template was changed"), "{err}");
    assert_eq!(partition(&live), 4, "nothing lowered after the change");
}
