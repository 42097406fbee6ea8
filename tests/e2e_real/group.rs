//! Several sets rolled out as one within a PodDisruptionBudget, on the real control
//! plane: kube-controller-manager's disruption controller computes the budget the tool
//! reads.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use serde_json::Value;

use super::support::*;

const SETS: [&str; 3] = ["es-a", "es-b", "es-c"];

fn three_sets(n: &str) {
    for name in SETS {
        apply(
            n,
            &format!(
                "apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: {name}, labels: {{cluster: es}}}}
spec:
  replicas: 3
  serviceName: {name}
  updateStrategy: {{type: RollingUpdate, rollingUpdate: {{partition: 3}}}}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}, cluster: es}}}}
    spec:
      terminationGracePeriodSeconds: 5
      containers: [{{name: app, image: nginx:1.25}}]
"
            ),
        );
    }
    apply(
        n,
        "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: es}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {cluster: es}}
",
    );
    for name in SETS {
        settled(n, name, 3);
        set_image(n, name, "nginx:1.26");
    }
    wait_for("the budget allows one disruption", 60, || {
        let b = get(n, "pdb/es");
        (b["status"]["disruptionsAllowed"] == 1 && b["status"]["expectedPods"] == 9)
            .then_some(())
            .ok_or(b["status"].to_string())
    });
}

fn images(n: &str, set: &str) -> Vec<String> {
    (0..3)
        .map(|o| {
            get(n, &format!("pod/{set}-{o}"))["spec"]["containers"][0]["image"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

/// The most of the nine pods seen unavailable at once (kubectl every 100 ms).
fn sample(n: &str, stop: Arc<AtomicBool>) -> (Arc<AtomicI64>, std::thread::JoinHandle<()>) {
    let most = Arc::new(AtomicI64::new(0));
    let (m, n) = (most.clone(), n.to_string());
    let t = std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            if let Ok(list) = try_get(&n, "pods") {
                let ready = list["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p: &&Value| {
                        p["metadata"]["deletionTimestamp"].is_null()
                            && p["status"]["conditions"].as_array().is_some_and(|cs| {
                                cs.iter()
                                    .any(|c| c["type"] == "Ready" && c["status"] == "True")
                            })
                    })
                    .count() as i64;
                m.fetch_max(9 - ready, Ordering::SeqCst);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    });
    (most, t)
}

#[test]
fn three_sets_roll_out_within_their_budget_and_an_unready_pod_holds_the_next_step() {
    let _shared = shared();
    let ns = Ns::new("group");
    let n = ns.0.as_str();
    three_sets(n);
    // A pod of es-b made unready by hand: the first step waits, names it, and gives up.
    kubectl_ok(&[
        "annotate",
        "-n",
        n,
        "pod/es-b-1",
        "e2e.kubectl-sts.io/ready=false",
    ]);
    wait_for("es-b-1 unready", 60, || {
        let b = get(n, "pdb/es");
        (b["status"]["disruptionsAllowed"] == 0)
            .then_some(())
            .ok_or(b["status"].to_string())
    });
    let out = sts_json(
        n,
        &[
            "rollout",
            "es-a",
            "es-b",
            "es-c",
            "--all",
            "--pdb-timeout",
            "5s",
        ],
    );
    let stream = events(&out, 1);
    let end = stream.last().unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        end.contains("PodDisruptionBudget es allows 0 disruption(s) (unavailable: es-b-1)"),
        "{end}"
    );
    for set in SETS {
        assert_eq!(
            get(n, &format!("statefulset/{set}"))["spec"]["updateStrategy"]["rollingUpdate"]["partition"],
            3,
            "no partition changed"
        );
    }
    kubectl_ok(&[
        "annotate",
        "-n",
        n,
        "pod/es-b-1",
        "e2e.kubectl-sts.io/ready-",
    ]);
    wait_for("es-b-1 Ready again", 60, || {
        let b = get(n, "pdb/es");
        (b["status"]["disruptionsAllowed"] == 1)
            .then_some(())
            .ok_or(b["status"].to_string())
    });
    let stop = Arc::new(AtomicBool::new(false));
    let (most, sampler) = sample(n, stop.clone());
    let out = sts_json(
        n,
        &[
            "rollout",
            "-l",
            "cluster=es",
            "--all",
            "--stable-for",
            "1s",
            "--pdb-timeout",
            "2m",
            "--step-timeout",
            "3m",
        ],
    );
    stop.store(true, Ordering::SeqCst);
    sampler.join().unwrap();
    let stream = events(&out, 0);
    for w in stream.iter().filter(|e| e["type"] == "write") {
        assert_eq!(
            w["set"]["name"], w["object"]["name"],
            "each write names its set: {w}"
        );
    }
    for set in SETS {
        assert_eq!(images(n, set), vec!["nginx:1.26"; 3], "{set}");
    }
    assert!(
        most.load(Ordering::SeqCst) <= 1,
        "more than one pod unavailable at once"
    );
    // Several sets at once: status, pause, resume.
    let status = sts(&[
        "rollout",
        "status",
        "-n",
        n,
        "-l",
        "cluster=es",
        "--timeout",
        "1m",
    ]);
    let said = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&status.stderr)
    );
    for set in SETS {
        assert!(said.contains(&format!("{set}: ")), "{set}: {said}");
    }
    events(
        &sts_json(n, &["rollout", "pause", "es-a", "es-b", "es-c"]),
        0,
    );
    for set in SETS {
        let s = get(n, &format!("statefulset/{set}"));
        assert!(
            s["metadata"]["annotations"]["kubectl-sts.io/paused-partition"].is_string(),
            "{set} paused"
        );
    }
    events(&sts_json(n, &["rollout", "resume", "-l", "cluster=es"]), 0);
    for set in SETS {
        let s = get(n, &format!("statefulset/{set}"));
        assert!(
            s["metadata"]["annotations"]["kubectl-sts.io/paused-partition"].is_null(),
            "{set} resumed"
        );
        assert_eq!(s["spec"]["updateStrategy"]["rollingUpdate"]["partition"], 0);
    }
}

#[test]
fn a_gate_failing_on_the_second_set_rolls_back_the_first_two_and_leaves_the_third() {
    let _shared = shared();
    let ns = Ns::new("group-fail");
    let n = ns.0.as_str();
    three_sets(n);
    let c_before = get(n, "statefulset/es-c")["metadata"]["resourceVersion"].clone();
    let out = sts_json(
        n,
        &[
            "rollout",
            "es-a",
            "es-b",
            "es-c",
            "--all",
            "--stable-for",
            "1s",
            "--check-cmd",
            "test \"$STS_STATEFULSET\" != es-b",
            "--auto-rollback",
            "--step-timeout",
            "3m",
        ],
    );
    events(&out, 1);
    for set in ["es-a", "es-b"] {
        wait_for(&format!("{set} back on nginx:1.25"), 120, || {
            let i = images(n, set);
            (i == vec!["nginx:1.25"; 3])
                .then_some(())
                .ok_or(format!("{i:?}"))
        });
    }
    assert_eq!(images(n, "es-c"), vec!["nginx:1.25"; 3]);
    assert_eq!(
        get(n, "statefulset/es-c")["metadata"]["resourceVersion"],
        c_before,
        "es-c was never touched"
    );
}
