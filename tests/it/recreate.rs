//! `kubectl sts resize` and `kubectl sts recreate` against the simulated cluster: claims
//! grown, the set deleted orphaning its pods and created again, every pod adopted with
//! none restarted — also when the run is killed after any write and run again.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use jiff::SignedDuration;
use kubectl_sts::sim::server::Logged;
use kubectl_sts::sim::store::Kind;
use kubectl_sts::sim::{Cluster, Config};
use serde_json::{Value, json};

use super::live::{Live, serve};
use super::recovery::run_advancing;

/// A 3-replica set `web` whose claims (`data`, 1Gi, class `class`) the set owns
/// (`whenDeleted: Delete`), every pod Ready.
pub fn web(class: Option<&str>) -> Cluster {
    web_on(class, Config::default())
}

fn web_on(class: Option<&str>, config: Config) -> Cluster {
    let mut c = Cluster::new(config);
    let mut vct = json!({"metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}});
    if let Some(class) = class {
        vct["spec"]["storageClassName"] = json!(class);
    }
    c.seed(vec![json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": 3, "serviceName": "web", "selector": {"matchLabels": {"app": "web"}},
                 "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Delete", "whenScaled": "Retain"},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]}},
                 "volumeClaimTemplates": [vct]}})])
        .unwrap();
    c.advance(SignedDuration::from_secs(60));
    c
}

fn uids(live: &Live, kind: Kind) -> BTreeMap<String, String> {
    live.server.shared.read(|c| {
        c.store
            .all(kind)
            .map(|o| {
                (
                    o["metadata"]["name"].as_str().unwrap().to_string(),
                    o["metadata"]["uid"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    })
}

fn versions(live: &Live) -> Vec<String> {
    live.server.shared.read(|c| {
        [Kind::StatefulSet, Kind::Pod, Kind::PersistentVolumeClaim]
            .into_iter()
            .flat_map(|k| c.store.all(k))
            .map(|o| {
                o["metadata"]["resourceVersion"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    })
}

fn writes(reqs: &[Logged]) -> Vec<&Logged> {
    reqs.iter()
        .filter(|r| matches!(r.method.as_str(), "PATCH" | "PUT" | "POST" | "DELETE"))
        .filter(|r| !r.query.iter().any(|(k, _)| k == "dryRun"))
        .filter(|r| r.status < 300)
        .collect()
}

/// Samples pod availability every 100 ms until asked: the fewest Ready pods seen.
/// Pods not being deleted and Ready, in the whole cluster.
pub fn ready_in(c: &kubectl_sts::sim::Cluster) -> usize {
    c.store
        .all(Kind::Pod)
        .filter(|p| {
            p["metadata"]["deletionTimestamp"].is_null()
                && p["status"]["conditions"].as_array().is_some_and(|cs| {
                    cs.iter()
                        .any(|c| c["type"] == "Ready" && c["status"] == "True")
                })
        })
        .count()
}

pub struct Availability {
    fewest: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Availability {
    pub fn sample(live: &Live) -> Availability {
        let fewest = Arc::new(AtomicUsize::new(usize::MAX));
        let stop = Arc::new(AtomicBool::new(false));
        let shared = live.server.shared.clone();
        let (f, s) = (fewest.clone(), stop.clone());
        tokio::spawn(async move {
            while !s.load(Ordering::SeqCst) {
                let ready = shared.read(ready_in);
                f.fetch_min(ready, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        });
        Availability { fewest, stop }
    }

    pub fn fewest(&self) -> usize {
        self.stop.store(true, Ordering::SeqCst);
        self.fewest.load(Ordering::SeqCst)
    }
}

/// The end state of `resize web data=2Gi`: every claim at 2Gi (asked and served), the
/// template at 2Gi, the same pods and claims, owned by the new set.
fn assert_resized(live: &Live, pods: &BTreeMap<String, String>, claims: &BTreeMap<String, String>) {
    assert_eq!(
        &uids(live, Kind::Pod),
        pods,
        "the same pods: none restarted"
    );
    assert_eq!(
        &uids(live, Kind::PersistentVolumeClaim),
        claims,
        "the same claims"
    );
    live.server.shared.read(|c| {
        let set = c
            .store
            .get(Kind::StatefulSet, "default", "web")
            .expect("the set exists");
        assert_eq!(
            set["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"],
            "2Gi"
        );
        let uid = &set["metadata"]["uid"];
        for claim in c.store.all(Kind::PersistentVolumeClaim) {
            assert_eq!(
                claim["spec"]["resources"]["requests"]["storage"], "2Gi",
                "{claim}"
            );
            assert_eq!(claim["status"]["capacity"]["storage"], "2Gi", "{claim}");
            assert_eq!(
                &claim["metadata"]["ownerReferences"][0]["uid"], uid,
                "{claim}"
            );
        }
        for pod in c.store.all(Kind::Pod) {
            assert_eq!(&pod["metadata"]["ownerReferences"][0]["uid"], uid, "{pod}");
            assert!(
                pod["metadata"]["annotations"]["sts.kubectl-sts.io/recreate"].is_null(),
                "the journal annotation is removed: {pod}"
            );
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resize_grows_every_claim_and_recreates_the_set_with_no_pod_missing() {
    let live = serve(web(None)).await;
    let (pods, claims) = (
        uids(&live, Kind::Pod),
        uids(&live, Kind::PersistentVolumeClaim),
    );
    let old_uid = uids(&live, Kind::StatefulSet)["web"].clone();
    let sample = Availability::sample(&live);
    let (code, out, err) = run_advancing(
        &live,
        &["resize", "web", "data=2Gi", "--yes", "--timeout", "2m"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        sample.fewest(),
        3,
        "a pod was missing or unready during the run"
    );
    assert_resized(&live, &pods, &claims);
    assert_ne!(uids(&live, Kind::StatefulSet)["web"], old_uid, "a new set");
    for line in [
        "pvc/data-web-0: 1Gi → 2Gi (storageclass standard)",
        "spec.volumeClaimTemplates[0].spec.resources.requests.storage: \"1Gi\" → \"2Gi\"",
        "prediction: no pod restarts",
        "deleted statefulset/web with propagationPolicy Orphan",
        "3 pod(s) adopted, none restarted",
    ] {
        assert!(out.contains(line), "{line:?} in:\n{out}");
    }
    let reqs = live.server.shared.requests();
    let delete = writes(&reqs)
        .into_iter()
        .find(|r| r.method == "DELETE" && r.path.ends_with("/statefulsets/web"))
        .expect("the set's delete");
    let body = delete.body.as_ref().unwrap();
    assert_eq!(body["propagationPolicy"], "Orphan");
    assert_eq!(body["preconditions"]["uid"], json!(old_uid));
    assert!(body["preconditions"]["resourceVersion"].is_string());
    assert!(
        !writes(&reqs)
            .iter()
            .any(|r| r.method == "DELETE" && !r.path.ends_with("/statefulsets/web")),
        "nothing else deleted"
    );
    let journal = live.dir.path().join(".local/state/kubectl-sts/recreate");
    let files: Vec<_> = walk(&journal);
    assert!(
        files.is_empty(),
        "the journal is removed at the end: {files:?}"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            let p = e.path();
            if p.is_dir() { walk(&p) } else { vec![p] }
        })
        .collect()
}

/// Killed (SIGKILL) after each write in turn, then run again: the same end state every
/// time, and no pod or claim deleted in any run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_after_any_write_a_second_run_converges() {
    // A first, whole run counts the writes.
    let whole = serve(web(None)).await;
    let (code, out, err) = run_advancing(
        &whole,
        &["resize", "web", "data=2Gi", "--yes", "--timeout", "2m"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    let total = writes(&whole.server.shared.requests()).len();
    assert!(total >= 8, "annotations, claims, delete, create: {total}");
    for n in 1..=total {
        let live = serve(web(None)).await;
        let (pods, claims) = (
            uids(&live, Kind::Pod),
            uids(&live, Kind::PersistentVolumeClaim),
        );
        let mut child = live.spawn(&["resize", "web", "data=2Gi", "--yes", "--timeout", "2m"]);
        let mut killed = false;
        for _ in 0..400 {
            if writes(&live.server.shared.requests()).len() >= n {
                child.kill().await.unwrap();
                killed = true;
                break;
            }
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            live.server.advance(SignedDuration::from_millis(500));
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(killed, "write {n} was never sent");
        let (code, out, err) = run_advancing(
            &live,
            &["resize", "web", "data=2Gi", "--yes", "--timeout", "2m"],
        )
        .await;
        assert_eq!(code, 0, "killed after write {n}: {out}{err}");
        assert_resized(&live, &pods, &claims);
        let reqs = live.server.shared.requests();
        let deleted: Vec<&str> = writes(&reqs)
            .into_iter()
            .filter(|r| r.method == "DELETE" && !r.path.ends_with("/statefulsets/web"))
            .map(|r| r.path.as_str())
            .collect();
        assert!(
            deleted.is_empty(),
            "killed after write {n}: deleted {deleted:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shrink_or_a_class_that_cannot_grow_is_refused_with_nothing_changed() {
    let live = serve(web(None)).await;
    let before = versions(&live);
    let (code, _, err) = live.run(&["resize", "web", "data=500Mi", "--yes"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("volumes cannot shrink"), "{err}");
    let (code, _, err) = live.run(&["resize", "web", "data=lots", "--yes"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("\"lots\" is not a quantity"), "{err}");
    let (code, _, err) = live.run(&["resize", "web", "logs=5Gi", "--yes"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no volumeClaimTemplate \"logs\""), "{err}");
    assert_eq!(versions(&live), before, "nothing changed");
    assert!(writes(&live.server.shared.requests()).is_empty());

    let live = serve(web(Some("fixed"))).await;
    let before = versions(&live);
    let (code, _, err) = live.run(&["resize", "web", "data=2Gi", "--yes"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("storageclass \"fixed\" of pvc/data-web-0 does not allow volume expansion"),
        "{err}"
    );
    assert_eq!(versions(&live), before, "nothing changed");
    assert!(writes(&live.server.shared.requests()).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recreate_changes_an_immutable_field_and_refuses_a_selector_that_misses_the_pods() {
    let live = serve(web(None)).await;
    let pods = uids(&live, Kind::Pod);
    let set: Value = live.server.shared.read(|c| {
        c.store
            .get(Kind::StatefulSet, "default", "web")
            .cloned()
            .unwrap()
    });
    // A selector that would not match the running pods: refused, nothing changed.
    let mut other = set.clone();
    other["spec"]["selector"] = json!({"matchLabels": {"app": "web2"}});
    other["spec"]["template"]["metadata"]["labels"] = json!({"app": "web2"});
    let file = live.dir.path().join("other.json");
    std::fs::write(&file, other.to_string()).unwrap();
    let before = versions(&live);
    let (code, _, err) = live
        .run(&["recreate", "web", "-f", file.to_str().unwrap(), "--yes"])
        .await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("would not match its pods web-0, web-1, web-2"),
        "{err}"
    );
    assert_eq!(versions(&live), before);
    assert!(writes(&live.server.shared.requests()).is_empty());

    // serviceName changes: the dry run shows it and that no pod rolls; then it is done.
    let mut renamed = set.clone();
    renamed["spec"]["serviceName"] = json!("web-headless");
    let file = live.dir.path().join("renamed.json");
    std::fs::write(&file, renamed.to_string()).unwrap();
    let (code, out, err) = live
        .run(&[
            "recreate",
            "web",
            "-f",
            file.to_str().unwrap(),
            "--dry-run=client",
        ])
        .await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("spec.serviceName: \"web\" → \"web-headless\""),
        "{out}"
    );
    assert!(out.contains("prediction: no pod restarts"), "{out}");
    assert_eq!(versions(&live), before, "a dry run changes nothing");
    let (code, out, err) = run_advancing(
        &live,
        &[
            "recreate",
            "web",
            "-f",
            file.to_str().unwrap(),
            "--yes",
            "--timeout",
            "2m",
        ],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(uids(&live, Kind::Pod), pods, "no pod restarted");
    live.server.shared.read(|c| {
        let set = c.store.get(Kind::StatefulSet, "default", "web").unwrap();
        assert_eq!(set["spec"]["serviceName"], "web-headless");
    });

    // A new image is predicted to roll every pod, before consent.
    let mut image = set.clone();
    image["spec"]["serviceName"] = json!("web-headless");
    image["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.26");
    std::fs::write(&file, image.to_string()).unwrap();
    let (code, out, err) = live
        .run(&[
            "recreate",
            "web",
            "-f",
            file.to_str().unwrap(),
            "--dry-run=client",
        ])
        .await;
    assert_eq!(code, 0, "{err}");
    for pod in ["web-0", "web-1", "web-2"] {
        assert!(
            out.contains(&format!("    {pod}: on revision web-")),
            "{pod} in {out}"
        );
    }
}

/// Killed right after the orphaning delete, on a machine whose journal file is then lost:
/// `status` names the interrupted re-creation, and `recreate --resume` finishes it from
/// the pods' annotation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_delete_the_pods_annotation_is_enough_to_finish() {
    let live = serve(web(None)).await;
    let (pods, claims) = (
        uids(&live, Kind::Pod),
        uids(&live, Kind::PersistentVolumeClaim),
    );
    let mut child = live.spawn(&["resize", "web", "data=2Gi", "--yes", "--timeout", "2m"]);
    // The orphaning delete was served (the set may already be back: see below).
    let deleted = |live: &Live| {
        writes(&live.server.shared.requests())
            .iter()
            .any(|r| r.method == "DELETE" && r.path.ends_with("/statefulsets/web"))
    };
    for _ in 0..400 {
        if deleted(&live) {
            break;
        }
        live.server.advance(SignedDuration::from_millis(500));
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    child.kill().await.unwrap();
    if !deleted(&live) {
        panic!("the set was never deleted");
    }
    // The create may have gone out before the kill: take the set away again, as it was.
    live.server.shared.with(|c| {
        if c.store.get(Kind::StatefulSet, "default", "web").is_some() {
            c.store
                .delete(
                    Kind::StatefulSet,
                    "default",
                    "web",
                    &kubectl_sts::sim::store::DeleteOptions {
                        propagation: Some("Orphan".into()),
                        ..Default::default()
                    },
                )
                .unwrap();
        }
    });
    std::fs::remove_dir_all(live.dir.path().join(".local/state")).unwrap();
    let (code, _, err) = live.run(&["status", "web"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("statefulset/web is gone but its 3 pod(s) still run: recreate interrupted: run `kubectl sts recreate web -n default --resume`"),
        "{err}"
    );
    let (code, out, err) = run_advancing(
        &live,
        &["recreate", "web", "--resume", "--yes", "--timeout", "2m"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("is gone and its re-creation is unfinished"),
        "{out}"
    );
    assert_resized(&live, &pods, &claims);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_runs_send_nothing_or_only_dry_run_writes_and_change_nothing() {
    let live = serve(web(None)).await;
    let before = versions(&live);
    let (code, out, err) = live
        .run(&["resize", "web", "data=2Gi", "--dry-run=client"])
        .await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("pvc/data-web-2: 1Gi → 2Gi"), "{out}");
    assert!(writes(&live.server.shared.requests()).is_empty());
    let (code, out, err) = live
        .run(&["resize", "web", "data=2Gi", "--dry-run=server", "--yes"])
        .await;
    assert_eq!(code, 0, "{out}{err}");
    let reqs = live.server.shared.requests();
    let dry: Vec<&Logged> = reqs.iter().filter(|r| r.method != "GET").collect();
    assert!(!dry.is_empty(), "the server dry run sends its writes");
    assert!(
        dry.iter()
            .all(|r| r.query.iter().any(|(k, v)| k == "dryRun" && v == "All")),
        "every write with dryRun=All: {:?}",
        dry.iter().map(|r| (&r.method, &r.path)).collect::<Vec<_>>()
    );
    assert_eq!(versions(&live), before, "nothing changed");
    assert!(
        !live.dir.path().join(".local/state").exists(),
        "no journal for a dry run"
    );
}

/// A release that updates claim templates in place (KEP-4650, which the simulated
/// cluster can serve; no release up to 1.37 does) is detected by a dry run and used: the
/// claims grow and the set is patched, not re-created.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_release_serving_in_place_claim_template_updates_is_detected_and_used() {
    let config = Config {
        claim_template_updates: true,
        ..Config::default()
    };
    let live = serve(web_on(None, config)).await;
    let (pods, claims) = (
        uids(&live, Kind::Pod),
        uids(&live, Kind::PersistentVolumeClaim),
    );
    let set_uid = uids(&live, Kind::StatefulSet)["web"].clone();
    let (code, out, err) = run_advancing(
        &live,
        &["resize", "web", "data=2Gi", "--yes", "--timeout", "2m"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("updates claim templates in place (KEP-4650)"),
        "{out}"
    );
    assert_eq!(
        uids(&live, Kind::StatefulSet)["web"],
        set_uid,
        "the same set"
    );
    assert_eq!(uids(&live, Kind::Pod), pods);
    assert_eq!(uids(&live, Kind::PersistentVolumeClaim), claims);
    live.server.shared.read(|c| {
        let set = c.store.get(Kind::StatefulSet, "default", "web").unwrap();
        assert_eq!(
            set["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"],
            "2Gi"
        );
        for claim in c.store.all(Kind::PersistentVolumeClaim) {
            assert_eq!(claim["status"]["capacity"]["storage"], "2Gi", "{claim}");
        }
    });
    let reqs = live.server.shared.requests();
    assert!(
        !writes(&reqs)
            .iter()
            .any(|r| matches!(r.method.as_str(), "DELETE" | "POST")),
        "no delete, no create"
    );
}

/// Offline expansion: without --restart-pods the run goes on and says the file systems
/// grow at the pods' next start; with it, the pods restart one at a time, highest
/// ordinal first, and the claims reach their size.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_expansion_restarts_the_pods_one_at_a_time_only_when_asked() {
    let live = serve(web(Some("offline"))).await;
    let pods = uids(&live, Kind::Pod);
    let (code, out, err) = run_advancing(
        &live,
        &["resize", "web", "data=2Gi", "--yes", "--timeout", "2m"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("grow when their pods next start"), "{out}");
    assert_eq!(
        uids(&live, Kind::Pod),
        pods,
        "no pod restarted without --restart-pods"
    );
    live.server.shared.read(|c| {
        for claim in c.store.all(Kind::PersistentVolumeClaim) {
            assert_eq!(
                claim["status"]["conditions"][0]["type"], "FileSystemResizePending",
                "{claim}"
            );
        }
    });

    let live = serve(web(Some("offline"))).await;
    let pods = uids(&live, Kind::Pod);
    let (code, out, err) = run_advancing(
        &live,
        &[
            "resize",
            "web",
            "data=2Gi",
            "--restart-pods",
            "--yes",
            "--timeout",
            "2m",
        ],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    let restarted: Vec<usize> = ["web-2", "web-1", "web-0"]
        .iter()
        .map(|p| {
            out.find(&format!("pod/{p} restarted and Ready"))
                .unwrap_or_else(|| panic!("{p}: {out}"))
        })
        .collect();
    assert!(
        restarted.windows(2).all(|w| w[0] < w[1]),
        "highest ordinal first: {out}"
    );
    let now = uids(&live, Kind::Pod);
    assert!(pods.iter().all(|(p, u)| now[p] != *u), "each pod restarted");
    live.server.shared.read(|c| {
        for claim in c.store.all(Kind::PersistentVolumeClaim) {
            assert_eq!(claim["status"]["capacity"]["storage"], "2Gi", "{claim}");
        }
    });
}

/// A run never deletes a set it cannot re-create: a new set the server would refuse
/// stops the run before any write; and only a bound claim can grow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_set_the_server_would_refuse_or_an_unbound_claim_stops_the_run_before_any_write() {
    let live = serve(web(None)).await;
    let mut bad: Value = live.server.shared.read(|c| {
        c.store
            .get(Kind::StatefulSet, "default", "web")
            .cloned()
            .unwrap()
    });
    bad["spec"]["serviceName"] = json!("web-2");
    bad["spec"]["template"]["spec"]["containers"][0]["image"] = json!("");
    let file = live.dir.path().join("bad.json");
    std::fs::write(&file, bad.to_string()).unwrap();
    let before = versions(&live);
    let (code, _, err) = live
        .run(&["recreate", "web", "-f", file.to_str().unwrap(), "--yes"])
        .await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("the server would not accept the new statefulset/web"),
        "{err}"
    );
    assert!(err.contains("nothing changed"), "{err}");
    assert_eq!(versions(&live), before);
    assert!(writes(&live.server.shared.requests()).is_empty());
    assert!(
        !live.dir.path().join(".local/state").exists(),
        "no journal either"
    );

    // A class no provisioner serves: the claims stay Pending, unbound.
    let live = serve(web(Some("nowhere"))).await;
    let before = versions(&live);
    let (code, _, err) = live.run(&["resize", "web", "data=2Gi", "--yes"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("pvc/data-web-0 is not bound to a volume"),
        "{err}"
    );
    assert_eq!(versions(&live), before);
}
