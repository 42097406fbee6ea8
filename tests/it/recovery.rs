//! `kubectl sts force-rollback` against the simulated cluster (virtual clock, advanced
//! while the command waits): recovery, the order and preconditions of its API calls, dry
//! runs, refusal, and a second run after an interruption.

use kubectl_sts::sim::scenario::Step;
use kubectl_sts::sim::server::Logged;
use kubectl_sts::sim::store::Kind;
use serde_json::Value;

use super::live::{Live, scenario, serve};

/// Runs the binary while stepping the virtual clock, until it exits.
pub async fn run_advancing(live: &Live, args: &[&str]) -> (i32, String, String) {
    // The clock starts once the command has read the cluster: a slow start (a loaded CI
    // machine) must not let the scenario run ahead of the state the test sets up.
    let before = live.server.shared.requests().len();
    let mut started = false;
    let child = live.spawn(args);
    let wait = child.wait_with_output();
    tokio::pin!(wait);
    for _ in 0..200 {
        tokio::select! {
            out = &mut wait => {
                let out = out.unwrap();
                return (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
            }
            _ = tokio::time::sleep(std::time::Duration::from_millis(100)) => {
                started = started || live.server.shared.requests().len() > before;
                if started {
                    live.server.advance(jiff::SignedDuration::from_secs(1));
                }
            }
        }
    }
    panic!("force-rollback did not finish");
}

fn writes(reqs: &[Logged]) -> Vec<&Logged> {
    reqs.iter()
        .filter(|r| matches!(r.method.as_str(), "PATCH" | "PUT" | "POST" | "DELETE"))
        .collect()
}

fn all_on(live: &Live, image: &str) -> bool {
    live.server.shared.read(|c| {
        let pods: Vec<&Value> = c.store.all(Kind::Pod).collect();
        pods.len() == 5
            && pods.iter().all(|p| {
                p["spec"]["containers"][0]["image"] == image
                    && p["status"]["conditions"][3]["status"] == "True"
            })
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovers_a_stuck_rollout_in_the_safe_order() {
    let live = serve(scenario("stuck", &[])).await;
    live.server.shared.clear_requests();
    let (code, out, err) = run_advancing(
        &live,
        &["force-rollback", "web", "--yes", "--timeout", "2m"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("recovered:"), "{out}");
    assert!(
        all_on(&live, "nginx:1.25"),
        "every pod on the good revision and Ready"
    );
    let reqs = live.server.shared.requests();
    let w = writes(&reqs);
    assert_eq!(
        w[0].method,
        "PATCH",
        "the template is reverted first: {:?}",
        w.iter().map(|r| &r.path).collect::<Vec<_>>()
    );
    assert!(w[0].path.ends_with("/statefulsets/web"));
    assert!(w[0].body.as_ref().unwrap()["metadata"]["resourceVersion"].is_string());
    // One delete takes effect; a delete refused with 409 (the pod's resourceVersion moved
    // between the read and the delete, as it does on a busy machine) is re-decided and
    // may be sent again — always for the stuck pod, at its uid.
    let deletes: Vec<&&Logged> = w.iter().filter(|r| r.method == "DELETE").collect();
    let done: Vec<&&&Logged> = deletes.iter().filter(|r| r.status < 300).collect();
    assert_eq!(
        done.len(),
        1,
        "{:?}",
        deletes
            .iter()
            .map(|r| (&r.path, r.status))
            .collect::<Vec<_>>()
    );
    assert!(
        deletes.iter().all(|r| r.status < 300 || r.status == 409),
        "a refused delete is a conflict, nothing else"
    );
    let uid = &done[0].body.as_ref().unwrap()["preconditions"]["uid"];
    assert!(uid.is_string(), "deleted with a uid precondition");
    for d in &deletes {
        assert!(d.path.ends_with("/pods/web-4"), "only the stuck pod");
        assert_eq!(
            &d.body.as_ref().unwrap()["preconditions"]["uid"],
            uid,
            "every try names the stuck pod's uid"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_runs_change_nothing() {
    let live = serve(scenario("stuck", &[])).await;
    let rv = live.server.shared.read(|c| c.store.resource_version());
    let (code, out, err) = live
        .run(&["force-rollback", "web", "--dry-run=client"])
        .await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("web-4")
            && out.contains("kubectl delete pod web-4")
            && out.contains("dry run"),
        "{out}"
    );
    live.server.shared.clear_requests();
    let (code, out, err) = live
        .run(&["force-rollback", "web", "--dry-run=server"])
        .await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("dry run"), "{out}");
    let reqs = live.server.shared.requests();
    assert!(
        writes(&reqs)
            .iter()
            .all(|r| r.param("dryRun") == Some("All")),
        "only dry-run writes"
    );
    assert!(!reqs.iter().any(|r| r.method == "DELETE"));
    assert_eq!(live.server.shared.read(|c| c.store.resource_version()), rv);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_when_nothing_is_stuck() {
    let live = serve(scenario("default", &[])).await;
    live.server.shared.clear_requests();
    let (code, _, err) = live.run(&["force-rollback", "web", "--yes"]).await;
    assert_eq!(code, 1);
    assert!(
        err.contains("nothing is stuck") && err.contains("--force"),
        "{err}"
    );
    assert!(writes(&live.server.shared.requests()).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_after_the_template_was_reverted_finishes_the_job() {
    // As if interrupted between the template patch and the deletions.
    let live = serve(scenario("stuck", &[Step::Undo("web".into())])).await;
    let (code, out, err) = run_advancing(
        &live,
        &["force-rollback", "web", "--yes", "--timeout", "2m"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Template: already at that revision"), "{out}");
    assert!(all_on(&live, "nginx:1.25"));
}

/// Killed right after it deleted the stuck pod, a re-run sees the recovery under way (the
/// pod gone or re-created on the good revision, not Ready yet) and waits for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_after_the_stuck_pod_was_deleted_waits_for_the_recovery() {
    let live = serve(scenario(
        "stuck",
        &[Step::Undo("web".into()), Step::DeletePod("web-4".into())],
    ))
    .await;
    let (code, out, err) = run_advancing(
        &live,
        &["force-rollback", "web", "--yes", "--timeout", "2m"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("recovered:"), "{out}");
    assert!(all_on(&live, "nginx:1.25"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn to_revision_picks_an_older_good_revision() {
    let steps = [
        Step::SetImage {
            set: "web".into(),
            container: None,
            image: "nginx:1.26".into(),
        },
        Step::Wait("2m".into()),
        Step::SetImage {
            set: "web".into(),
            container: None,
            image: "nginx:broken".into(),
        },
        Step::Wait("15m".into()),
    ];
    let live = serve(scenario("default", &steps)).await;
    let (code, out, err) = run_advancing(
        &live,
        &[
            "force-rollback",
            "web",
            "--to-revision",
            "1",
            "--yes",
            "--timeout",
            "5m",
        ],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        all_on(&live, "nginx:1.25"),
        "back on revision 1, not the last good (1.26): {out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pod_changed_or_recreated_since_the_plan_is_not_deleted() {
    // Every pod deletion carries the uid and resourceVersion the decision was made on.
    let live = serve(scenario("stuck", &[])).await;
    let conn = super::safety::connection(&live).await;
    let target = kubectl_sts::ops::Target::new("default", "web");
    let mut recorded = kubectl_sts::ops::Recorded::new(kubectl_sts::event::Given::Flag);
    let snap = kubectl_sts::cluster::load::snapshot(&conn.client, "default", "web")
        .await
        .unwrap();
    // It changes after the decision (it became Ready, say): refused with 409.
    live.server.shared.with(|c| {
        let mut pod = c.store.get(Kind::Pod, "default", "web-4").unwrap().clone();
        pod["metadata"]["labels"]["touched"] = "yes".into();
        c.store
            .update(Kind::Pod, "default", "web-4", pod, false, false)
            .unwrap();
    });
    let err =
        kubectl_sts::ops::delete_controlled_pod(&conn, &mut recorded.io(), &target, &snap, "web-4")
            .await
            .unwrap_err();
    assert!(
        matches!(&err, kubectl_sts::ops::PodDeleteError::Api(e) if e.is_conflict()),
        "{err:?}"
    );
    assert!(live.server.shared.read(|c| {
        c.store
            .get(Kind::Pod, "default", "web-4")
            .is_some_and(|p| p["metadata"].get("deletionTimestamp").is_none())
    }));
    // A pod the set does not control is never deleted, whatever its name. It has another
    // controller, one that exists (an orphan would be adopted back by the set's
    // controller, and the dependent of a missing owner collected).
    live.server.shared.with(|c| {
        let node = c.store.get(Kind::Node, "", "sim-node-0").unwrap();
        let uid = node["metadata"]["uid"].clone();
        let mut pod = c.store.get(Kind::Pod, "default", "web-3").unwrap().clone();
        pod["metadata"]["ownerReferences"] = serde_json::json!([{
            "apiVersion": "v1", "kind": "Node", "name": "sim-node-0",
            "uid": uid, "controller": true
        }]);
        c.store
            .update(Kind::Pod, "default", "web-3", pod, false, false)
            .unwrap();
    });
    let snap = kubectl_sts::cluster::load::snapshot(&conn.client, "default", "web")
        .await
        .unwrap();
    let err =
        kubectl_sts::ops::delete_controlled_pod(&conn, &mut recorded.io(), &target, &snap, "web-3")
            .await
            .unwrap_err();
    assert!(
        matches!(&err, kubectl_sts::ops::PodDeleteError::Refused(m) if m.contains("not controlled by statefulset/web")),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_faults_it_recovers_or_stops_clearly_and_never_deletes_outside_the_plan() {
    for seed in [3, 11, 42] {
        let mut c = scenario("stuck", &[]);
        c.config.faults.error_rate = 0.2;
        c.config.faults.codes = vec![500, 409];
        c.config.faults.drop_watch_after = Some(20);
        c.config.faults.seed = seed;
        let live = serve(c).await;
        live.server.shared.clear_requests();
        let (code, out, err) = run_advancing(
            &live,
            &["force-rollback", "web", "--yes", "--timeout", "1m"],
        )
        .await;
        assert!(!err.contains("panicked"), "{err}");
        match code {
            0 => assert!(all_on(&live, "nginx:1.25"), "seed {seed}: {out}"),
            1 => {
                assert!(
                    err.starts_with("error: ") && err.lines().count() <= 3,
                    "seed {seed}: one clear line: {err}"
                );
                // A failure is only acceptable if the same command, run again once the
                // faults are gone, finishes the job.
                live.server
                    .shared
                    .with(|c| c.config.faults = Default::default());
                let (code, out, err) = run_advancing(
                    &live,
                    &["force-rollback", "web", "--yes", "--timeout", "1m"],
                )
                .await;
                assert!(
                    code == 0 && all_on(&live, "nginx:1.25"),
                    "seed {seed}: the re-run did not recover: {out}{err}"
                );
            }
            other => panic!("seed {seed}: exit {other}: {err}"),
        }
        let reqs = live.server.shared.requests();
        for d in reqs.iter().filter(|r| r.method == "DELETE") {
            assert!(
                d.path.ends_with("/pods/web-4"),
                "seed {seed}: deleted outside the plan: {}",
                d.path
            );
        }
    }
}
