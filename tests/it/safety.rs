//! Safety (issue: never touch the wrong object): each defect found by review and
//! adversarial runs, with a test that failed before its fix.

use std::time::Duration;

use kubectl_sts::cluster::client::{ClientOptions, Connection, connect};
use kubectl_sts::cluster::load;
use kubectl_sts::cmd::ModelSetup;
use kubectl_sts::model::profile::{Profile, Version};
use kubectl_sts::ops::Target;
use kubectl_sts::sim::store::Kind;
use kubectl_sts::sim::{Cluster, Config};
use kubectl_sts::tui::app::{App, Command, Msg, Op, update};
use serde_json::{Value, json};

use super::live::{Live, serve};

/// A set `web` in `ns`: `replicas` pods, held at `partition`.
pub fn web_in(ns: &str, replicas: i32, partition: i32) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": ns},
        "spec": {"replicas": replicas, "serviceName": "web", "selector": {"matchLabels": {"app": "web"}},
                 "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": partition}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}})
}

pub async fn connection(live: &Live) -> Connection {
    connect(&ClientOptions {
        kubeconfig: Some(live.kubeconfig().into()),
        context: None,
        cluster: None,
        user: None,
        namespace: None,
        impersonate: None,
        impersonate_groups: Vec::new(),
        request_timeout: Some(Duration::from_secs(10)),
    })
    .await
    .unwrap()
}

/// Another client changes the image of `ns/web` (an update through the API).
pub fn set_image(c: &mut Cluster, ns: &str, image: &str) {
    let mut set = c.store.get(Kind::StatefulSet, ns, "web").unwrap().clone();
    set["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image);
    c.store
        .update(Kind::StatefulSet, ns, "web", set, false, false)
        .unwrap();
    c.settle();
}

fn partition(live: &Live, ns: &str) -> i64 {
    live.server.shared.read(|c| {
        c.store
            .get(Kind::StatefulSet, ns, "web")
            .unwrap()
            .pointer("/spec/updateStrategy/rollingUpdate/partition")
            .and_then(Value::as_i64)
            .unwrap()
    })
}

/// Defect 1: under `dashboard -A`, confirming a step on `db/web` stepped `default/web`
/// (the namespace of the command was dropped and the connection's default used).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_acts_on_the_namespace_of_the_set_it_shows() {
    let mut c = Cluster::new(Config::default());
    c.seed(vec![web_in("default", 3, 3), web_in("db", 3, 3)])
        .unwrap();
    c.advance(jiff::SignedDuration::from_secs(60));
    for ns in ["default", "db"] {
        set_image(&mut c, ns, "nginx:1.26");
    }
    let live = serve(c).await;
    let conn = connection(&live).await;
    assert_eq!(conn.namespace, "default", "the connection's own namespace");
    let profile = Profile::for_version(Version::parse("1.36").unwrap()).unwrap();
    let now = jiff::Timestamp::now();
    // The dashboard over all namespaces shows db/web; the user steps it.
    let snap = load::snapshot(&conn.client, "db", "web").await.unwrap();
    let mut app = App::new("", now, profile, false);
    update(&mut app, Msg::Snapshot(Box::new(snap)));
    let key = |c| {
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        ))
    };
    update(&mut app, key('s'));
    let (_, cmds) = update(&mut app, key('y'));
    let [
        Command::Run {
            namespace,
            name,
            op,
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    assert_eq!((namespace.as_str(), name.as_str()), ("db", "web"));
    assert_eq!(*op, Op::Step { by: 1 });
    // What the event loop runs for it.
    let setup = ModelSetup { now, profile };
    let target = Target::new(namespace.clone(), name.clone());
    let mut recorded = kubectl_sts::ops::Recorded::new(kubectl_sts::event::Given::Dialog);
    // Run it until db/web's partition moves (the step then waits out --stable-for).
    let moved = async {
        for _ in 0..400 {
            tokio::time::sleep(Duration::from_millis(25)).await;
            live.server.advance(jiff::SignedDuration::from_secs(1));
            if partition(&live, "db") != 3 {
                // The op records its write once the server has answered: let it.
                tokio::time::sleep(Duration::from_millis(500)).await;
                return;
            }
        }
        panic!("db/web's partition never moved");
    };
    {
        let mut io = recorded.io();
        let steps = kubectl_sts::tui::Steps::default();
        tokio::select! {
            r = kubectl_sts::tui::run_op(&conn, (&setup, &steps), &target, op, &mut io) => r.unwrap(),
            _ = moved => {}
        }
    }
    assert_eq!(partition(&live, "db"), 2, "{:?}", recorded.events);
    // What it wrote, it said: one patch of db/web's partition, nothing elsewhere.
    let writes: Vec<_> = recorded
        .events
        .iter()
        .filter_map(|e| match e {
            kubectl_sts::event::Event::Write { object, verb, .. } => {
                Some((verb.clone(), object.clone()))
            }
            _ => None,
        })
        .collect();
    assert!(!writes.is_empty());
    assert!(
        writes
            .iter()
            .all(|(_, o)| o.namespace == "db" && o.name == "web"),
        "{writes:?}"
    );
    assert_eq!(
        partition(&live, "default"),
        3,
        "the other namespace's set is untouched"
    );
}

pub fn set_with_claims(name: &str, replicas: i32, extra: Value) -> Value {
    let mut s = json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"replicas": replicas, "serviceName": name, "podManagementPolicy": "Parallel",
                 "selector": {"matchLabels": {"app": name}},
                 "volumeClaimTemplates": [{"metadata": {"name": "data"},
                     "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}],
                 "template": {"metadata": {"labels": {"app": name}},
                              "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]}}}});
    kubectl_sts::sim::patch::merge(&mut s, &extra);
    s
}

fn claims(live: &Live) -> Vec<String> {
    let mut names: Vec<String> = live.server.shared.read(|c| {
        c.store
            .all(Kind::PersistentVolumeClaim)
            .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
            .collect()
    });
    names.sort();
    names
}

async fn settled(objects: Vec<Value>) -> Live {
    let mut c = Cluster::new(Config::default());
    c.seed(objects).unwrap();
    c.advance(jiff::SignedDuration::from_secs(60));
    serve(c).await
}

/// Defect 2: `delete web --delete-pvcs` guessed claims by a name suffix and deleted the
/// claims of a live set `green-web`; a second run after the set was gone deleted them
/// with no plan shown. Now: exact names, what is listed is what is deleted, and a set
/// that is gone has no claims to guess.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_pvcs_deletes_exactly_the_claims_it_lists_and_no_other_sets() {
    let live = settled(vec![
        set_with_claims("web", 2, json!({})),
        set_with_claims("green-web", 2, json!({})),
    ])
    .await;
    assert_eq!(
        claims(&live),
        [
            "data-green-web-0",
            "data-green-web-1",
            "data-web-0",
            "data-web-1"
        ]
    );
    // A plain delete first keeps every claim; a second run with --delete-pvcs after the
    // set is gone has nothing recorded, guesses nothing and deletes nothing.
    let (code, out, err) = super::recovery::run_advancing(&live, &["delete", "web", "--yes"]).await;
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) =
        super::recovery::run_advancing(&live, &["delete", "web", "--yes", "--delete-pvcs"]).await;
    assert_eq!(code, 1, "{err}");
    assert_eq!(claims(&live).len(), 4, "nothing deleted: {err}");

    // With --delete-pvcs from the start: the plan names data-web-0/1, and exactly those go.
    let live = settled(vec![
        set_with_claims("web", 2, json!({})),
        set_with_claims("green-web", 2, json!({})),
    ])
    .await;
    let (code, out, err) =
        super::recovery::run_advancing(&live, &["delete", "web", "--yes", "--delete-pvcs"]).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("data-web-0: deleted by this command")
            && out.contains("data-web-1: deleted by this command")
            && !out.contains("green"),
        "{out}"
    );
    assert_eq!(claims(&live), ["data-green-web-0", "data-green-web-1"]);
    let deletes: Vec<String> = live
        .server
        .shared
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE" && r.path.contains("persistentvolumeclaims"))
        .map(|r| {
            let pre = &r.body.as_ref().unwrap()["preconditions"];
            assert!(
                pre["uid"].is_string() && pre["resourceVersion"].is_string(),
                "{pre}"
            );
            r.path
        })
        .collect();
    assert_eq!(deletes.len(), 2, "{deletes:?}");
}

/// Defect 10: with whenScaled=Delete the scale to zero makes the controller hand the
/// claims to the garbage collector, while the plan said "kept". Now the plan says what
/// the controller does, and without --delete-pvcs nothing starts. A matchExpressions
/// selector (no labels copied onto claims) still lists the claims by their exact names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_shows_what_the_retention_policy_deletes() {
    let policy = json!({"spec": {"persistentVolumeClaimRetentionPolicy": {"whenScaled": "Delete", "whenDeleted": "Retain"}}});
    let live = settled(vec![set_with_claims("web", 2, policy.clone())]).await;
    let rv = live.server.shared.read(|c| c.store.resource_version());
    let (code, out, err) = super::recovery::run_advancing(&live, &["delete", "web", "--yes"]).await;
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        out.contains("data-web-0: deleted by the garbage collector with its pod (retention whenScaled=Delete)"),
        "{out}"
    );
    assert!(err.contains("--delete-pvcs"), "{err}");
    assert_eq!(
        live.server.shared.read(|c| c.store.resource_version()),
        rv,
        "nothing changed"
    );
    let (code, out, err) =
        super::recovery::run_advancing(&live, &["delete", "web", "--yes", "--delete-pvcs"]).await;
    assert_eq!(code, 0, "{out}{err}");
    // The garbage collector removes them as the pods go.
    for _ in 0..50 {
        if claims(&live).is_empty() {
            break;
        }
        live.server.advance(jiff::SignedDuration::from_secs(1));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(claims(&live).is_empty(), "{:?}", claims(&live));

    let expressions = json!({"spec": {"selector": {"matchLabels": null,
        "matchExpressions": [{"key": "app", "operator": "In", "values": ["web"]}]}}});
    let live = settled(vec![set_with_claims("web", 2, expressions)]).await;
    assert_eq!(claims(&live), ["data-web-0", "data-web-1"]);
    let (code, out, _) =
        super::recovery::run_advancing(&live, &["delete", "web", "--dry-run=client"]).await;
    assert_eq!(code, 0);
    assert!(
        out.contains("claims (2)") && out.contains("data-web-1: kept"),
        "{out}"
    );
}

/// Defects 5 and 9 for the teardown: the scale to zero records the replicas it came
/// from and `--abort` puts them back; a scale by another client during the teardown
/// stops it without deleting the set (it used to delete the set anyway).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_teardown_can_be_aborted_and_another_clients_scale_stops_it() {
    let mut c = Cluster::new(Config::default());
    c.config.kubelet.max_grace = jiff::SignedDuration::from_secs(3600);
    // Pods take an hour to go (their grace period, capped at an hour): the teardown
    // times out, the set stays at zero. (With the default 30 s grace, a slow start of the
    // command let the virtual clock run past it and the pods went in time.)
    let hour = json!({"spec": {"template": {"spec": {"terminationGracePeriodSeconds": 3600}}}});
    c.seed(vec![set_with_claims("web", 3, hour)]).unwrap();
    c.advance(jiff::SignedDuration::from_secs(60));
    let live = serve(c).await;
    let (code, _, err) =
        super::recovery::run_advancing(&live, &["delete", "web", "--yes", "--timeout", "3s"]).await;
    assert_eq!(code, 1, "{err}");
    let replicas = |live: &Live| {
        live.server.shared.read(|c| {
            c.store.get(Kind::StatefulSet, "default", "web").unwrap()["spec"]["replicas"].as_i64()
        })
    };
    assert_eq!(replicas(&live), Some(0));
    let (code, out, err) =
        super::recovery::run_advancing(&live, &["delete", "web", "--abort", "--yes"]).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("scaled statefulset/web back to 3"), "{out}");
    assert_eq!(replicas(&live), Some(3));

    // Another client scales up while the teardown waits: it stops, the set stays.
    let child = live.spawn(&["delete", "web", "--yes", "--timeout", "1m"]);
    let wait = child.wait_with_output();
    tokio::pin!(wait);
    let mut scaled = false;
    let out = loop {
        tokio::select! {
            out = &mut wait => break out.unwrap(),
            _ = tokio::time::sleep(Duration::from_millis(100)) => {
                live.server.advance(jiff::SignedDuration::from_secs(1));
                if !scaled && replicas(&live) == Some(0) {
                    live.server.shared.with(|c| {
                        let mut s = c.store.get(Kind::StatefulSet, "default", "web").unwrap().clone();
                        s["spec"]["replicas"] = json!(4);
                        c.store.update(Kind::StatefulSet, "default", "web", s, false, false).unwrap();
                    });
                    scaled = true;
                }
            }
        }
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    // Noticed while waiting for the pods, or (when they were already gone) by the
    // precondition of the set's deletion: either way nothing is written over.
    assert!(
        err.contains("was scaled to 4 by another client")
            || err.contains("was changed by another client after its pods were gone"),
        "{err}"
    );
    assert_eq!(replicas(&live), Some(4), "the other client's change stands");
}

/// Defect 3: the forced rollback deleted a stuck pod the set did not control. Only pods
/// whose controller reference is the set's uid are deleted; every delete carries uid and
/// resourceVersion. (An orphan with the set's labels is no longer a fixed case: the
/// controller adopts it within moments, in the simulated cluster as in
/// kube-controller-manager, and then it is the set's. A pod another controller owns
/// never is.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn force_rollback_never_deletes_a_pod_the_set_does_not_control() {
    let live = serve(super::live::scenario("stuck", &[])).await;
    live.server.shared.with(|c| {
        // Its controller: another set, being deleted (held by a finalizer), so it neither
        // releases the pod nor is gone (the garbage collector would take the pod).
        c.seed(vec![json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "other", "namespace": "default", "finalizers": ["e2e.kubectl-sts.io/hold"]},
            "spec": {"replicas": 0, "serviceName": "other", "selector": {"matchLabels": {"app": "other"}},
                     "template": {"metadata": {"labels": {"app": "other"}},
                                  "spec": {"containers": [{"name": "c", "image": "nginx:1"}]}}}})])
            .unwrap();
        c.store
            .delete(Kind::StatefulSet, "default", "other", &Default::default())
            .unwrap();
        let other = c.store.get(Kind::StatefulSet, "default", "other").unwrap().clone();
        assert!(other["metadata"]["deletionTimestamp"].is_string());
        let mut pod = c.store.get(Kind::Pod, "default", "web-4").unwrap().clone();
        pod["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "StatefulSet",
            "name": "other", "uid": other["metadata"]["uid"], "controller": true}]);
        c.store
            .update(Kind::Pod, "default", "web-4", pod, false, false)
            .unwrap();
    });
    live.server.shared.clear_requests();
    let (_, out, err) = super::recovery::run_advancing(
        &live,
        &[
            "force-rollback",
            "web",
            "--yes",
            "--no-wait",
            "--timeout",
            "30s",
        ],
    )
    .await;
    let deletes: Vec<_> = live
        .server
        .shared
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .collect();
    assert!(
        deletes.iter().all(|d| !d.path.ends_with("/pods/web-4")),
        "a pod another controller owns was deleted: {out}{err}"
    );
    for d in &deletes {
        let pre = &d.body.as_ref().unwrap()["preconditions"];
        assert!(
            pre["uid"].is_string() && pre["resourceVersion"].is_string(),
            "{pre}"
        );
    }
    assert!(
        live.server
            .shared
            .read(|c| c.store.get(Kind::Pod, "default", "web-4").is_some())
    );
}

/// Defect 5: Ctrl-C during a teardown left nothing saying where it stopped or how to go
/// back. Interrupted, it says both; `--abort` restores the replicas; a re-run converges.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_teardown_says_where_it_stopped_and_how_to_go_back() {
    let mut c = Cluster::new(Config::default());
    c.config.kubelet.max_grace = jiff::SignedDuration::from_secs(3600);
    c.seed(vec![set_with_claims("web", 3, json!({}))]).unwrap();
    c.advance(jiff::SignedDuration::from_secs(60));
    let live = serve(c).await;
    let child = live.spawn(&["delete", "web", "--yes", "--timeout", "5m"]);
    let pid = child.id().unwrap();
    let replicas = |live: &Live| {
        live.server.shared.read(|c| {
            c.store.get(Kind::StatefulSet, "default", "web").unwrap()["spec"]["replicas"].as_i64()
        })
    };
    for _ in 0..100 {
        if replicas(&live) == Some(0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(replicas(&live), Some(0));
    tokio::time::sleep(Duration::from_millis(300)).await;
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let out = tokio::time::timeout(Duration::from_secs(10), child.wait_with_output())
        .await
        .expect("it stops at once")
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("interrupted (Ctrl-C); stopped after:"),
        "{err}"
    );
    assert!(err.contains("--abort` to scale it back"), "{err}");
    let (code, _, err) =
        super::recovery::run_advancing(&live, &["delete", "web", "--abort", "--yes"]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(replicas(&live), Some(3));
}

/// Defect 5 and 8 for stepping: SIGINT during --stable-for, then a re-run: the step the
/// partition shows is gated again (stability timed from scratch) before any new step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_step_is_gated_again_before_any_new_step() {
    let live = serve(super::live::scenario(
        "default",
        &[
            kubectl_sts::sim::scenario::Step::SetPartition {
                set: "web".into(),
                partition: 5,
            },
            kubectl_sts::sim::scenario::Step::SetImage {
                set: "web".into(),
                container: None,
                image: "nginx:1.26".into(),
            },
        ],
    ))
    .await;
    let child = live.spawn(&["rollout", "web", "--step", "--stable-for", "1h", "--yes"]);
    let pid = child.id().unwrap();
    for _ in 0..200 {
        live.server.advance(jiff::SignedDuration::from_secs(1));
        tokio::time::sleep(Duration::from_millis(25)).await;
        let ready = live.server.shared.read(|c| {
            c.store.get(Kind::Pod, "default", "web-4").is_some_and(|p| {
                p["spec"]["containers"][0]["image"] == "nginx:1.26"
                    && p["status"]["conditions"].as_array().is_some_and(|cs| {
                        cs.iter()
                            .any(|c| c["type"] == "Ready" && c["status"] == "True")
                    })
            })
        });
        if ready {
            break;
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let out = tokio::time::timeout(Duration::from_secs(10), child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("interrupted (Ctrl-C)") && err.contains("gates the step the partition shows"),
        "{err}"
    );
    assert_eq!(partition(&live, "default"), 4);
    // The re-run gates the step to 4 again (stable-for 0s now) and takes no new step.
    let (code, out, err) = super::recovery::run_advancing(
        &live,
        &["rollout", "web", "--step", "--stable-for", "0s", "--yes"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("has not passed its gates"), "{out}");
    assert_eq!(partition(&live, "default"), 4);
}
