//! `resize` on the real control plane: the claims grow (the node agent is the external
//! resizer), the set is deleted orphaning its pods and created again, and the real
//! StatefulSet controller and garbage collector adopt and orphan as the tool predicted —
//! no pod restarted, none missing, also when the run is killed and run again.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use serde_json::Value;

use super::support::*;

/// `db`, 3 replicas, its claims owned by the set (`whenDeleted: Delete`), on `class`.
fn owned_set(n: &str, class: Option<&str>) {
    let mut yaml = set_yaml("db", 3, "nginx:1.25", None, "OrderedReady").replace(
        "  selector: {matchLabels: {app: db}}\n",
        "  selector: {matchLabels: {app: db}}\n  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Retain}\n",
    );
    if let Some(class) = class {
        yaml = yaml.replace(
            "      accessModes: [ReadWriteOnce]\n",
            &format!("      accessModes: [ReadWriteOnce]\n      storageClassName: {class}\n"),
        );
    }
    apply(n, &yaml);
    settled(n, "db", 3);
    wait_for("the claims bound", 60, || {
        let bound = items(n, "pvc")
            .iter()
            .filter(|c| {
                c["status"]["phase"] == "Bound" && c["status"]["capacity"]["storage"] == "1Gi"
            })
            .count();
        (bound == 3).then_some(()).ok_or(format!("{bound} bound"))
    });
}

fn items(n: &str, what: &str) -> Vec<Value> {
    get(n, what)["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn uids(n: &str, what: &str) -> BTreeMap<String, String> {
    items(n, what)
        .iter()
        .map(|o| {
            (
                o["metadata"]["name"].as_str().unwrap().to_string(),
                o["metadata"]["uid"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Samples the Ready pods every 100 ms (a kubectl call each) until dropped.
struct Availability {
    fewest: Arc<AtomicI64>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Availability {
    fn sample(n: &str) -> Availability {
        let fewest = Arc::new(AtomicI64::new(i64::MAX));
        let stop = Arc::new(AtomicBool::new(false));
        let (f, s, n) = (fewest.clone(), stop.clone(), n.to_string());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                if let Ok(list) = try_get(&n, "pods") {
                    let ready = list["items"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|p| {
                            p["metadata"]["deletionTimestamp"].is_null()
                                && p["status"]["conditions"].as_array().is_some_and(|cs| {
                                    cs.iter()
                                        .any(|c| c["type"] == "Ready" && c["status"] == "True")
                                })
                        })
                        .count();
                    f.fetch_min(ready as i64, Ordering::SeqCst);
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        });
        Availability {
            fewest,
            stop,
            thread: Some(thread),
        }
    }

    fn fewest(mut self) -> i64 {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
        self.fewest.load(Ordering::SeqCst)
    }
}

fn assert_resized(
    n: &str,
    size: &str,
    pods: &BTreeMap<String, String>,
    claims: &BTreeMap<String, String>,
) {
    assert_eq!(&uids(n, "pods"), pods, "the same pods: none restarted");
    assert_eq!(&uids(n, "pvc"), claims, "the same claims");
    let set = get(n, "statefulset/db");
    assert_eq!(
        set["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"],
        size
    );
    let uid = &set["metadata"]["uid"];
    for c in items(n, "pvc") {
        assert_eq!(c["spec"]["resources"]["requests"]["storage"], size, "{c}");
        assert_eq!(c["status"]["capacity"]["storage"], size, "{c}");
        assert_eq!(&c["metadata"]["ownerReferences"][0]["uid"], uid, "{c}");
    }
    for p in items(n, "pods") {
        assert_eq!(&p["metadata"]["ownerReferences"][0]["uid"], uid, "{p}");
        assert!(
            p["metadata"]["annotations"]["sts.kubectl-sts.io/recreate"].is_null(),
            "{p}"
        );
    }
    assert_eq!(
        set["status"]["observedGeneration"],
        set["metadata"]["generation"]
    );
}

#[test]
fn resize_grows_the_claims_and_the_new_set_adopts_the_running_pods() {
    let _shared = shared();
    let ns = Ns::new("resize");
    let n = ns.0.as_str();
    owned_set(n, None);
    let (pods, claims) = (uids(n, "pods"), uids(n, "pvc"));
    let old = get(n, "statefulset/db")["metadata"]["uid"].clone();
    let sample = Availability::sample(n);
    let out = sts_json(n, &["resize", "db", "data=2Gi", "--timeout", "3m"]);
    let stream = events(&out, 0);
    assert_eq!(
        sample.fewest(),
        3,
        "a pod went missing or unready: {}",
        text(&out)
    );
    let plan = stream.iter().find(|e| e["type"] == "plan").unwrap();
    assert!(
        plan["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().contains("prediction: no pod restarts")),
        "{plan}"
    );
    assert_resized(n, "2Gi", &pods, &claims);
    assert_ne!(
        get(n, "statefulset/db")["metadata"]["uid"],
        old,
        "a new set"
    );
}

#[test]
fn a_resize_killed_after_the_claims_or_after_the_delete_is_finished_by_a_rerun() {
    let _shared = shared();
    let ns = Ns::new("resize-kill");
    let n = ns.0.as_str();
    owned_set(n, None);
    let (pods, claims) = (uids(n, "pods"), uids(n, "pvc"));
    let old = get(n, "statefulset/db")["metadata"]["uid"].clone();
    // Killed once every claim asks for 2Gi (the set not deleted yet, or just).
    let killed = kill_when(n, &["resize", "db", "data=2Gi", "--timeout", "3m"], |n| {
        items(n, "pvc")
            .iter()
            .all(|c| c["spec"]["resources"]["requests"]["storage"] == "2Gi")
    });
    assert!(killed, "the claims were never patched");
    let out = sts_json(n, &["resize", "db", "data=2Gi", "--timeout", "3m"]);
    events(&out, 0);
    assert_resized(n, "2Gi", &pods, &claims);
    // Killed once the old set is gone or being deleted, then 3Gi again.
    let now = get(n, "statefulset/db")["metadata"]["uid"].clone();
    assert_ne!(now, old);
    let killed = kill_when(n, &["resize", "db", "data=3Gi", "--timeout", "3m"], |n| {
        try_get(n, "statefulset/db").map_or(true, |s| {
            s["metadata"]["uid"] != now || !s["metadata"]["deletionTimestamp"].is_null()
        })
    });
    assert!(killed, "the set was never deleted");
    let out = sts_json(n, &["resize", "db", "data=3Gi", "--timeout", "3m"]);
    events(&out, 0);
    assert_resized(n, "3Gi", &pods, &claims);
}

/// Runs `kubectl sts -n N ARGS --yes` and SIGKILLs it once `done(n)` holds. True if it
/// was killed that way (false: it ended first).
fn kill_when(n: &str, args: &[&str], done: impl Fn(&str) -> bool) -> bool {
    let mut all = vec!["-n", n];
    all.extend_from_slice(args);
    all.push("--yes");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .args(&all)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while std::time::Instant::now() < until {
        if done(n) {
            child.kill().unwrap();
            child.wait().unwrap();
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    false
}

#[test]
fn a_shrink_and_a_class_that_cannot_grow_are_refused_with_nothing_changed() {
    let _shared = shared();
    let ns = Ns::new("resize-refused");
    let n = ns.0.as_str();
    owned_set(n, Some("fixed"));
    let versions = |n: &str| -> Vec<Value> {
        items(n, "pvc")
            .into_iter()
            .chain(items(n, "pods"))
            .chain([get(n, "statefulset/db")])
            .map(|o| o["metadata"]["resourceVersion"].clone())
            .collect()
    };
    let before = versions(n);
    let out = sts_json(n, &["resize", "db", "data=2Gi"]);
    let stream = events(&out, 1);
    let end = stream.last().unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(end.contains("does not allow volume expansion"), "{end}");
    let out = sts_json(n, &["resize", "db", "data=500Mi"]);
    let stream = events(&out, 2);
    let end = stream.last().unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(end.contains("volumes cannot shrink"), "{end}");
    assert_eq!(versions(n), before, "nothing changed");
}

/// The real server validates a create before it finds the name taken: the dry-run
/// create `recreate` sends first refuses an invalid replacement (422), so the set is
/// never deleted for a replacement the server would not take.
#[test]
fn a_replacement_the_server_would_refuse_stops_recreate_before_any_write() {
    let _shared = shared();
    let ns = Ns::new("recreate-invalid");
    let n = ns.0.as_str();
    owned_set(n, None);
    let mut bad = get(n, "statefulset/db");
    // A set's pods must restart: refused by every release. (Not an empty image or a bad
    // container name: 1.28 does not validate a StatefulSet's pod spec and accepts both.)
    bad["spec"]["template"]["spec"]["restartPolicy"] = Value::from("Never");
    let file = std::env::temp_dir().join(format!("{n}-bad.json"));
    std::fs::write(&file, bad.to_string()).unwrap();
    let before = get(n, "statefulset/db")["metadata"]["resourceVersion"].clone();
    let out = sts_json(n, &["recreate", "db", "-f", file.to_str().unwrap()]);
    let stream = events(&out, 1);
    let end = stream.last().unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        end.contains("the server would not accept the new statefulset/db"),
        "{end}"
    );
    assert!(
        end.contains("Unsupported value: \"Never\""),
        "the server's own words: {end}"
    );
    assert_eq!(
        get(n, "statefulset/db")["metadata"]["resourceVersion"],
        before
    );
    let _ = std::fs::remove_file(file);
}
