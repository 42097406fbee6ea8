//! `kubectl sts delete`: ordered teardown against the simulated cluster.

use kubectl_sts::model::plan::{Action, DeleteReason};
use kubectl_sts::sim::scenario::Step;
use kubectl_sts::sim::store::Kind;
use serde_json::json;

use super::live::{scenario, serve};
use super::recovery::run_advancing;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ordered_ready_goes_from_the_highest_ordinal_down_then_deletes_the_set() {
    let live = serve(scenario("default", &[])).await;
    let seeded = live.server.shared.read(|c| c.log.len());
    let (code, out, err) =
        run_advancing(&live, &["delete", "web", "--yes", "--timeout", "2m"]).await;
    assert_eq!(code, 0, "{out}{err}");
    let order: Vec<i32> = live.server.shared.read(|c| {
        c.log[seeded..]
            .iter()
            .filter_map(|r| match &r.action {
                Action::DeletePod {
                    ordinal,
                    reason: DeleteReason::Condemned,
                    ..
                } => Some(*ordinal),
                _ => None,
            })
            .collect()
    });
    assert_eq!(
        order,
        [4, 3, 2, 1, 0],
        "strictly from the highest ordinal down"
    );
    let gone = out.find("web-0 gone").unwrap();
    let deleted = out.find("deleted statefulset/web").unwrap();
    assert!(
        gone < deleted,
        "the set goes only after its last pod: {out}"
    );
    assert!(
        live.server
            .shared
            .read(|c| c.store.get(Kind::StatefulSet, "default", "web").is_none())
    );
    let sts_delete = live
        .server
        .shared
        .requests()
        .into_iter()
        .find(|r| r.method == "DELETE" && r.path.ends_with("/statefulsets/web"))
        .unwrap();
    assert!(sts_delete.body.unwrap()["preconditions"]["uid"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_stay_unless_asked_and_then_only_this_sets() {
    let mut c = scenario("parallel", &[]);
    c.seed(vec![json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data-db-x-0", "namespace": "default", "labels": {"app": "db"}},
                       "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}})]).unwrap();
    let live = serve(c).await;
    let (code, out, err) = run_advancing(
        &live,
        &["delete", "db", "--yes", "--delete-pvcs", "--timeout", "2m"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Parallel — all pods terminate at once"),
        "{out}"
    );
    let left: Vec<String> = live.server.shared.read(|c| {
        c.store
            .all(Kind::PersistentVolumeClaim)
            .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
            .collect()
    });
    assert_eq!(left, ["data-db-x-0"], "the decoy of another set survives");

    let live = serve(scenario("parallel", &[])).await;
    let (code, out, _) = run_advancing(&live, &["delete", "db", "--yes", "--timeout", "2m"]).await;
    assert_eq!(code, 0);
    assert!(
        out.contains("retained claims: data-db-0, data-db-1, data-db-2, data-db-3")
            && out.contains("kubectl delete pvc"),
        "{out}"
    );
    assert_eq!(
        live.server
            .shared
            .read(|c| c.store.all(Kind::PersistentVolumeClaim).count()),
        4
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pod_held_by_a_finalizer_is_named_and_the_set_is_kept() {
    let mut c = kubectl_sts::sim::Cluster::new(kubectl_sts::sim::Config::default());
    c.seed(vec![json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": 2, "serviceName": "web", "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}, "finalizers": ["example.com/hold"]},
                              "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}})]).unwrap();
    c.run_until(jiff::SignedDuration::from_secs(60), |c| {
        c.next_change().is_none()
    });
    let live = serve(c).await;
    let (code, _, err) = run_advancing(&live, &["delete", "web", "--yes", "--timeout", "2s"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("web-1 is held by finalizers example.com/hold")
            && err.contains("was not deleted"),
        "{err}"
    );
    assert!(
        live.server
            .shared
            .read(|c| c.store.get(Kind::StatefulSet, "default", "web").is_some())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_continues_from_zero_replicas_or_a_deleted_set() {
    let live = serve(scenario(
        "default",
        &[Step::Scale {
            set: "web".into(),
            replicas: 0,
        }],
    ))
    .await;
    let (code, out, err) =
        run_advancing(&live, &["delete", "web", "--yes", "--timeout", "2m"]).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        !out.contains("scaled statefulset/web to 0"),
        "already at zero: {out}"
    );
    assert!(out.contains("deleted statefulset/web"));
    // Gone: a second run cannot tell a finished teardown from a typo, and says so
    // rather than pass as success.
    let (code, _, err) = run_advancing(&live, &["delete", "web", "--yes"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(r#"statefulsets.apps "web" not found in namespace "default""#),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_runs_change_nothing() {
    let live = serve(scenario("default", &[])).await;
    let rv = live.server.shared.read(|c| c.store.resource_version());
    let (code, out, _) = run_advancing(&live, &["delete", "web", "--dry-run=client"]).await;
    assert_eq!(code, 0);
    assert!(
        out.contains("web-4, web-3, web-2, web-1, web-0") && out.contains("dry run"),
        "{out}"
    );
    let (code, _, err) = run_advancing(&live, &["delete", "web", "--dry-run=server"]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(live.server.shared.read(|c| c.store.resource_version()), rv);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_faults_teardown_finishes_or_stops_clearly() {
    for seed in [5, 17] {
        let mut c = scenario("parallel", &[]);
        c.config.faults.error_rate = 0.2;
        c.config.faults.codes = vec![500, 409];
        c.config.faults.drop_watch_after = Some(20);
        c.config.faults.seed = seed;
        let live = serve(c).await;
        let (code, out, err) =
            run_advancing(&live, &["delete", "db", "--yes", "--timeout", "1m"]).await;
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            code == 0 || (code == 1 && err.starts_with("error: ")),
            "seed {seed}: exit {code}: {out}{err}"
        );
        if code == 1 {
            // The same command again, once the faults are gone, finishes the teardown.
            live.server
                .shared
                .with(|c| c.config.faults = Default::default());
            let (code, out, err) =
                run_advancing(&live, &["delete", "db", "--yes", "--timeout", "1m"]).await;
            let gone = live
                .server
                .shared
                .read(|c| c.store.get(Kind::StatefulSet, "default", "db").is_none());
            assert!(
                gone && (code == 0 || err.contains("not found")),
                "seed {seed}: the re-run did not finish: {out}{err}"
            );
        }
        let reqs = live.server.shared.requests();
        for d in reqs.iter().filter(|r| r.method == "DELETE") {
            assert!(
                d.path.ends_with("/statefulsets/db"),
                "seed {seed}: deleted outside the plan: {}",
                d.path
            );
        }
        assert_eq!(
            live.server
                .shared
                .read(|c| c.store.all(Kind::PersistentVolumeClaim).count()),
            4,
            "claims untouched"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn force_removes_pods_that_never_finish_terminating() {
    let mut c = scenario("default", &[]);
    c.config.kubelet.max_grace = jiff::SignedDuration::from_secs(24 * 3600); // an unreachable node
    c.seed(vec![]).unwrap();
    let live = serve(c).await;
    live.server.shared.with(|c| {
        let mut s = c
            .store
            .get(Kind::StatefulSet, "default", "web")
            .unwrap()
            .clone();
        s["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = json!(86_400);
        c.store
            .update(Kind::StatefulSet, "default", "web", s, false, false)
            .unwrap();
    });
    live.server
        .run_until(jiff::SignedDuration::from_secs(3600), |c| {
            c.next_change().is_none_or(|_| {
                c.store.all(Kind::Pod).all(|p| {
                    p["spec"]["terminationGracePeriodSeconds"] == 86_400
                        && p["status"]["conditions"][3]["status"] == "True"
                })
            })
        });
    let (code, _, err) = run_advancing(&live, &["delete", "web", "--yes", "--timeout", "2s"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("still terminating"), "{err}");
    let (code, out, err) = run_advancing(
        &live,
        &["delete", "web", "--yes", "--timeout", "2s", "--force"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("force-deleted (grace period 0)") && out.contains("deleted statefulset/web"),
        "{out}"
    );
}
