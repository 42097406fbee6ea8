//! `kubectl sts rollout history|diff|undo` against the simulated cluster.

use kubectl_sts::sim::store::Kind;
use serde_json::Value;

use super::live::{scenario, serve};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_lists_revisions_with_their_ordinals() {
    let live = serve(scenario("stuck", &[])).await;
    let (code, out, err) = live.run(&["rollout", "history", "web", "-o", "json"]).await;
    assert_eq!(code, 0, "{err}");
    let h: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(h[0]["number"], 1);
    assert_eq!(h[0]["ordinals"], serde_json::json!([0, 1, 2, 3]));
    assert_eq!(h[0]["current"], true);
    assert_eq!(h[1]["ordinals"], serde_json::json!([4]));
    assert_eq!(h[1]["update"], true);
    let (code, out, _) = live.run(&["rollout", "history", "web"]).await;
    assert_eq!(code, 0);
    assert!(out.starts_with("REVISION  NAME"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diff_shows_the_template_change() {
    let live = serve(scenario("stuck", &[])).await;
    let (code, out, err) = live.run(&["rollout", "diff", "web"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with('-') && l.contains("nginx:1.25")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with('+') && l.contains("nginx:broken")),
        "{out}"
    );
    let (code, _, err) = live.run(&["rollout", "diff", "web", "--from", "7"]).await;
    assert_eq!(code, 2, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_reverts_the_template_with_a_precondition_and_warns_about_stuck_pods() {
    let live = serve(scenario("stuck", &[])).await;
    let image = |live: &super::live::Live| {
        live.server.shared.read(|c| c.store.get(Kind::StatefulSet, "default", "web").unwrap()["spec"]["template"]["spec"]["containers"][0]["image"].clone())
    };

    let (code, out, err) = live
        .run(&["rollout", "undo", "web", "--dry-run=client"])
        .await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("dry run"));
    let (code, _, err) = live
        .run(&["rollout", "undo", "web", "--dry-run=server"])
        .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(image(&live), "nginx:broken", "dry runs change nothing");
    assert!(
        live.server
            .shared
            .requests()
            .iter()
            .any(|r| r.method == "PATCH" && r.param("dryRun") == Some("All"))
    );

    live.server.shared.clear_requests();
    let (code, out, err) = live.run(&["rollout", "undo", "web", "--yes"]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(image(&live), "nginx:1.25");
    let patch = live
        .server
        .shared
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .unwrap();
    assert!(
        patch.body.as_ref().unwrap()["metadata"]["resourceVersion"].is_string(),
        "the patch carries its precondition"
    );
    assert!(
        out.contains("warning:") && out.contains("kubectl sts force-rollback web"),
        "reverting alone leaves web-4 stuck: {out}"
    );
    let (_, out, _) = live.run(&["rollout", "history", "web", "-o", "json"]).await;
    let h: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        h[1]["number"], 3,
        "the reverted-to revision is renumbered: {h}"
    );

    let (code, out, _) = live
        .run(&["rollout", "undo", "web", "--to-revision", "3", "--yes"])
        .await;
    assert_eq!(code, 0);
    assert!(out.contains("skipped rollback"), "{out}");
    let (code, _, err) = live
        .run(&["rollout", "undo", "web", "--to-revision", "9", "--yes"])
        .await;
    // A revision that does not exist is bad input (kubectl's words, CONTRACT's code).
    assert_eq!(code, 2);
    assert!(err.contains("unable to find specified revision 9"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_exits_0_when_complete_or_partition_complete() {
    let live = serve(scenario("default", &[])).await;
    let (code, out, err) = live
        .run(&["rollout", "status", "web", "--timeout", "5s"])
        .await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("rollout complete"), "{out}");
    let live = serve(scenario("partitioned", &[])).await;
    let (code, out, err) = live
        .run(&["rollout", "status", "web", "--timeout", "5s"])
        .await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("partitioned rollout complete: ordinals 3..4"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_exits_1_with_the_diagnosis_when_stuck() {
    let live = serve(scenario("stuck", &[])).await;
    let (code, _, err) = live
        .run(&["rollout", "status", "web", "--timeout", "5s"])
        .await;
    assert_eq!(code, 1);
    assert!(
        err.contains("stuck") && err.contains("web-4") && err.contains("force-rollback"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_follows_a_rollout_to_completion_and_times_out_otherwise() {
    use kubectl_sts::sim::scenario::{Step, apply};
    let live = serve(scenario("default", &[])).await;
    live.server.shared.with(|c| {
        apply(
            c,
            &Step::SetImage {
                set: "web".into(),
                container: None,
                image: "nginx:1.26".into(),
            },
        )
        .unwrap();
    });
    let (code, out, _) = live
        .run(&["rollout", "status", "web", "--timeout", "1s"])
        .await;
    assert_eq!(code, 1, "still rolling: {out}");
    let child = live.spawn(&["rollout", "status", "web", "--timeout", "20s"]);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    live.server.advance(jiff::SignedDuration::from_secs(60));
    let out = tokio::time::timeout(std::time::Duration::from_secs(15), child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("Waiting:") && stdout.contains("rollout complete"),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_of_on_delete_lists_the_pods_to_delete() {
    use kubectl_sts::sim::scenario::Step;
    let step = Step::SetImage {
        set: "queue".into(),
        container: None,
        image: "rabbitmq:3.13".into(),
    };
    let live = serve(scenario("ondelete", &[step])).await;
    let (code, out, _) = live
        .run(&["rollout", "status", "queue", "--timeout", "1s"])
        .await;
    assert_eq!(code, 1);
    assert!(
        out.contains("delete these to replace them: queue-2, queue-1, queue-0"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_pins_the_frontier_and_resume_restores_the_partition() {
    use kubectl_sts::sim::scenario::{Step, apply};
    let live = serve(scenario("default", &[])).await;
    let partition = |live: &super::live::Live| {
        live.server.shared.read(|c| c.store.get(Kind::StatefulSet, "default", "web").unwrap()["spec"]["updateStrategy"]["rollingUpdate"]["partition"].clone())
    };
    // Two ordinals into a rollout (web-4 and web-3 replaced, web-2 being deleted next).
    live.server.shared.with(|c| {
        apply(
            c,
            &Step::SetImage {
                set: "web".into(),
                container: None,
                image: "nginx:1.26".into(),
            },
        )
        .unwrap();
    });
    live.server.run_until(jiff::SignedDuration::from_secs(60), |c| {
        c.store.get(Kind::Pod, "default", "web-3").is_some_and(|p| {
            p["metadata"]["labels"]["controller-revision-hash"] == c.store.get(Kind::StatefulSet, "default", "web").unwrap()["status"]["updateRevision"]
                && p["status"]["conditions"][3]["status"] == "True"
        })
    });
    let (code, out, err) = live.run(&["rollout", "pause", "web", "--yes"]).await;
    assert_eq!(code, 0, "{err}");
    let pinned = partition(&live).as_i64().unwrap();
    assert!(
        (2..=3).contains(&pinned),
        "pinned at the frontier, not at replicas: {pinned} ({out})"
    );
    live.server.advance(jiff::SignedDuration::from_secs(120));
    let (_, h, _) = live.run(&["rollout", "history", "web", "-o", "json"]).await;
    let h: serde_json::Value = serde_json::from_str(&h).unwrap();
    let updated = h
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["update"] == true)
        .unwrap()["ordinals"]
        .as_array()
        .unwrap()
        .len() as i64;
    assert_eq!(updated, 5 - pinned, "nothing more rolled while paused");
    let (code, out, _) = live.run(&["rollout", "pause", "web", "--yes"]).await;
    assert_eq!(code, 0);
    assert!(out.contains("already paused"), "{out}");

    let (code, out, err) = live.run(&["rollout", "resume", "web", "--yes"]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(partition(&live), 0, "{out}");
    let annotated = live.server.shared.read(|c| {
        c.store.get(Kind::StatefulSet, "default", "web").unwrap()["metadata"]["annotations"]
            .get(kubectl_sts::model::progress::PAUSED_ANNOTATION)
            .is_some()
    });
    assert!(!annotated);
    live.server.advance(jiff::SignedDuration::from_secs(120));
    let (code, out, _) = live
        .run(&["rollout", "status", "web", "--timeout", "5s"])
        .await;
    assert_eq!(code, 0, "{out}");
    let (_, out, _) = live.run(&["rollout", "resume", "web", "--yes"]).await;
    assert!(out.contains("not paused"), "{out}");
}

/// Found on the real control plane: a pause with no rollout pending pinned partition 0
/// (every pod is "updated"), so a template changed while paused rolled every pod. It pins
/// at replicas then, and resume lets the change roll.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pause_before_a_change_holds_the_change_until_resume() {
    use kubectl_sts::sim::scenario::{Step, apply};
    let live = serve(scenario("default", &[])).await;
    let (code, out, err) = live.run(&["rollout", "pause", "web", "--yes"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("partition 0 → 5"), "{out}");
    let uids = |live: &super::live::Live| {
        live.server.shared.read(|c| {
            (0..5)
                .map(|i| {
                    c.store
                        .get(Kind::Pod, "default", &format!("web-{i}"))
                        .map(|p| p["metadata"]["uid"].clone())
                })
                .collect::<Vec<_>>()
        })
    };
    let before = uids(&live);
    live.server.shared.with(|c| {
        apply(
            c,
            &Step::SetImage {
                set: "web".into(),
                container: None,
                image: "nginx:1.26".into(),
            },
        )
        .unwrap();
    });
    live.server.advance(jiff::SignedDuration::from_secs(120));
    assert_eq!(uids(&live), before, "nothing rolled while paused");
    let (code, _, err) = live.run(&["rollout", "resume", "web", "--yes"]).await;
    assert_eq!(code, 0, "{err}");
    live.server.advance(jiff::SignedDuration::from_secs(120));
    assert_ne!(uids(&live)[4], before[4], "resumed, the change rolls");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_does_not_hang_when_the_partition_covers_everything_or_nothing_changed() {
    use kubectl_sts::sim::scenario::Step;
    // partition 7 > 5 replicas with a new template: nothing will roll, and that is done.
    let steps = [
        Step::SetPartition {
            set: "web".into(),
            partition: 7,
        },
        Step::SetImage {
            set: "web".into(),
            container: None,
            image: "nginx:1.26".into(),
        },
    ];
    let live = serve(scenario("default", &steps)).await;
    let (code, out, err) = live
        .run(&["rollout", "status", "web", "--timeout", "5s"])
        .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("nothing to roll out: partition 7"), "{out}");
    // A template "change" to the same image: no new revision, complete at once.
    let same = [Step::SetImage {
        set: "web".into(),
        container: None,
        image: "nginx:1.25".into(),
    }];
    let live = serve(scenario("default", &same)).await;
    let (code, out, err) = live
        .run(&["rollout", "status", "web", "--timeout", "5s"])
        .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("rollout complete"), "{out}");
}

/// Defect 6: `--request-timeout` was applied as the read timeout of watches, so a
/// `rollout status` that waits reconnected its watches over and over. The watches are
/// not cut by it; the wait still ends at `--timeout`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_timeout_does_not_cut_the_watches_of_a_wait() {
    let mut c = kubectl_sts::sim::Cluster::new(kubectl_sts::sim::Config::default());
    // Pods take an hour to become Ready and the clock does not move: the rollout waits.
    c.config.kubelet.ready_after = jiff::SignedDuration::from_secs(3600);
    c.seed(vec![
        serde_json::json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": 2, "serviceName": "web", "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}}),
    ])
    .unwrap();
    c.settle();
    let live = super::live::serve(c).await;
    live.server.shared.clear_requests();
    let started = std::time::Instant::now();
    let (code, out, err) = live
        .run(&[
            "rollout",
            "status",
            "web",
            "--request-timeout",
            "1s",
            "--timeout",
            "4s",
        ])
        .await;
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("timed out waiting for the rollout of web"),
        "{err}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let watches = live
        .server
        .shared
        .requests()
        .iter()
        .filter(|r| r.query.iter().any(|(k, v)| k == "watch" && v == "true"))
        .count();
    assert!(
        watches <= 6,
        "{watches} watch requests in 4 s: the watches were cut and reopened"
    );
}
