//! The real kubectl binary against `kubectl-sts sim serve`: the commands operators use
//! succeed and the cluster changes as a real one would.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub struct Sim {
    child: Child,
    /// Kept open: the server's stdout stays a live pipe.
    _stdout: BufReader<std::process::ChildStdout>,
    pub kubeconfig: String,
    _dir: tempfile::TempDir,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve() -> Sim {
    serve_scenario("default")
}

/// `kubectl-sts sim serve --scenario NAME` (wall clock, pods Ready after 300 ms).
pub fn serve_scenario(scenario: &str) -> Sim {
    serve_with(scenario, &[])
}

/// `sim serve` with more flags.
pub fn serve_with(scenario: &str, extra: &[&str]) -> Sim {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    let mut child = super::support::bin()
        .args([
            "sim",
            "serve",
            "--scenario",
            scenario,
            "--ready-after",
            "300ms",
        ])
        // The default grace cap, unless the test sets its own.
        .args(if extra.contains(&"--max-grace") {
            &[][..]
        } else {
            &["--max-grace", "300ms"][..]
        })
        .args(extra)
        .arg("--write-kubeconfig")
        .arg(&path)
        .stdout(Stdio::piped())
        // "serving scenario … (Ctrl-C to stop)", once per cluster: not the test's output.
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    let kubeconfig = line
        .trim()
        .strip_prefix("kubeconfig: ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    assert_eq!(kubeconfig, path.to_str().unwrap());
    Sim {
        child,
        _stdout: stdout,
        kubeconfig,
        _dir: dir,
    }
}

pub fn kubectl(sim: &Sim, args: &[&str]) -> (i32, String, String) {
    // Bounded: a request that never answers fails the test instead of hanging it.
    let out = Command::new("kubectl")
        .args(args)
        .arg("--request-timeout=30s")
        .env("KUBECONFIG", &sim.kubeconfig)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn json(sim: &Sim, args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["-o", "json"]);
    let (code, out, err) = kubectl(sim, &a);
    assert_eq!(code, 0, "kubectl {args:?}: {err}");
    serde_json::from_str(&out).unwrap()
}

pub fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn ready_since(pod: &Value) -> Option<String> {
    pod["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == "Ready" && c["status"] == "True")?["lastTransitionTime"]
        .as_str()
        .map(str::to_string)
}

#[test]
fn kubectl_works_against_sim_serve() {
    // A prerequisite, not an option: `.ci/run` installs kubectl where it is missing.
    let client = Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output();
    assert!(
        client.is_ok_and(|o| o.status.success()),
        "kubectl is not installed: this test needs it (.ci/run installs it)"
    );
    let sim = serve();

    let (code, out, err) = kubectl(&sim, &["get", "statefulsets,pods"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("statefulset.apps/web") && out.contains("pod/web-4"),
        "{out}"
    );

    // Scale up: under OrderedReady web-6 is created only once web-5 is Ready.
    let (code, _, err) = kubectl(&sim, &["scale", "statefulset", "web", "--replicas=7"]);
    assert_eq!(code, 0, "{err}");
    wait_for("web-6 Ready", || {
        let pods = json(&sim, &["get", "pods"]);
        pods["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["metadata"]["name"] == "web-6" && ready_since(p).is_some())
    });
    let web5 = json(&sim, &["get", "pod", "web-5"]);
    let web6 = json(&sim, &["get", "pod", "web-6"]);
    let created6 = web6["metadata"]["creationTimestamp"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        created6 >= ready_since(&web5).unwrap(),
        "web-6 created {created6} before web-5 was Ready"
    );

    // A rollout, its history, and an undo.
    let (code, _, err) = kubectl(&sim, &["set", "image", "statefulset/web", "web=nginx:1.26"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = kubectl(
        &sim,
        &["rollout", "status", "statefulset/web", "--timeout=60s"],
    );
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = kubectl(&sim, &["rollout", "history", "statefulset", "web"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("REVISION") && out.lines().filter(|l| l.starts_with(['1', '2'])).count() == 2,
        "{out}"
    );
    let (code, out, err) = kubectl(&sim, &["rollout", "undo", "statefulset", "web"]);
    assert_eq!(code, 0, "{out}{err}");
    let set = json(&sim, &["get", "statefulset", "web"]);
    assert_eq!(
        set["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.25"
    );
    wait_for("the undo to roll out", || {
        let s = json(&sim, &["get", "statefulset", "web"]);
        s["status"]["currentRevision"] == s["status"]["updateRevision"]
            && s["status"]["readyReplicas"] == 7
    });

    // Deleting a pod: it goes, and the controller recreates it.
    let before = json(&sim, &["get", "pod", "web-0"])["metadata"]["uid"].clone();
    let (code, out, err) = kubectl(&sim, &["delete", "pod", "web-0", "--timeout=30s"]);
    assert_eq!(code, 0, "{out}{err}");
    wait_for("web-0 recreated", || {
        let (code, out, _) = kubectl(&sim, &["get", "pod", "web-0", "-o", "json"]);
        code == 0
            && serde_json::from_str::<Value>(&out).is_ok_and(|p| p["metadata"]["uid"] != before)
    });
}

/// `kubectl get --chunk-size` pages (one request per page), and `kubectl get -w` sees a
/// pod relabelled out of its selector as DELETED.
#[test]
fn kubectl_pages_lists_and_sees_pods_leave_a_selector() {
    let sim = serve();
    let (code, out, err) = kubectl(
        &sim,
        &["get", "pods", "--chunk-size=2", "-o", "name", "-v=6"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 5, "{out}");
    let pages = err
        .lines()
        .filter(|l| l.contains("GET") && l.contains("limit=2"))
        .count();
    assert_eq!(pages, 3, "{err}");
    // Watch the selector, then move web-1 out of it.
    let mut watch = Command::new("kubectl")
        .args([
            "get",
            "pods",
            "-l",
            "app=web",
            "-w",
            "--output-watch-events",
            "-o",
            "json",
        ])
        .env("KUBECONFIG", &sim.kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = watch.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            text.push_str(&line);
            text.push('\n');
            let _ = tx.send(text.clone());
        }
    });
    // The initial state first (five ADDED), then the change.
    let start = Instant::now();
    let mut text = String::new();
    while text.matches("\"type\":\"ADDED\"").count() < 5 {
        assert!(start.elapsed() < Duration::from_secs(20), "{text}");
        if let Ok(t) = rx.recv_timeout(Duration::from_millis(200)) {
            text = t;
        }
    }
    let (code, _, err) = kubectl(&sim, &["label", "pod", "web-1", "app=other", "--overwrite"]);
    assert_eq!(code, 0, "{err}");
    // One event per line (-o json with --output-watch-events prints them compact).
    let deleted = |t: &str| {
        t.lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .any(|ev| ev["type"] == "DELETED" && ev["object"]["metadata"]["name"] == "web-1")
    };
    while !deleted(&text) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no DELETED web-1 in:\n{text}"
        );
        if let Ok(t) = rx.recv_timeout(Duration::from_millis(200)) {
            text = t;
        }
    }
    let _ = watch.kill();
    let _ = watch.wait();
}

/// A real cluster lags: right after a template change the StatefulSet's status still
/// shows the generation before it (`observedGeneration < generation`) until the
/// controller has reacted. `sim serve --controller-delay` does the same; the tool's
/// commands wait it out.
#[test]
fn the_controller_lags_behind_writes_as_a_real_one_does() {
    let sim = serve_with("default", &["--controller-delay", "1500ms"]);
    let generation = |s: &Value| {
        (
            s["metadata"]["generation"].as_i64().unwrap(),
            s["status"]["observedGeneration"].as_i64().unwrap_or(0),
        )
    };
    let before = json(&sim, &["get", "sts", "web"]);
    let (g0, o0) = generation(&before);
    assert_eq!(g0, o0, "settled at the start");
    let (code, _, err) = kubectl(&sim, &["set", "image", "sts/web", "web=nginx:1.26"]);
    assert_eq!(code, 0, "{err}");
    let right_after = json(&sim, &["get", "sts", "web"]);
    let (g1, o1) = generation(&right_after);
    assert_eq!(g1, g0 + 1);
    assert!(
        o1 < g1,
        "the status lags: observedGeneration {o1} < generation {g1}"
    );
    wait_for("the controller to observe the change", || {
        let (g, o) = generation(&json(&sim, &["get", "sts", "web"]));
        o == g
    });
    // The tool waits it out: rollout status follows the rollout to the end.
    let (code, out, err) = {
        let out = super::support::bin()
            .args(["rollout", "status", "web", "--timeout", "60s"])
            .env("KUBECONFIG", &sim.kubeconfig)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("rollout complete"), "{out}");
}

/// `kubectl delete sts --cascade=foreground`: the set stays, marked with the
/// foregroundDeletion finalizer, until the garbage collector has deleted its pods; then it
/// goes too. (Background deletion removes the set at once and the pods after.)
#[test]
fn foreground_deletion_keeps_the_set_until_its_pods_are_gone() {
    let sim = serve_with("default", &["--max-grace", "2s"]);
    let (code, _, err) = kubectl(
        &sim,
        &[
            "delete",
            "sts",
            "web",
            "--cascade=foreground",
            "--wait=false",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let set = json(&sim, &["get", "sts", "web"]);
    assert!(set["metadata"]["deletionTimestamp"].is_string(), "{set}");
    assert!(
        set["metadata"]["finalizers"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x == "foregroundDeletion")),
        "{set}"
    );
    let pods = json(&sim, &["get", "pods"]);
    let items = pods["items"].as_array().unwrap();
    assert_eq!(items.len(), 5, "the pods are still there, terminating");
    assert!(
        items
            .iter()
            .all(|p| p["metadata"]["deletionTimestamp"].is_string())
    );
    wait_for("the set and its pods to go", || {
        let (code, _, _) = kubectl(&sim, &["get", "sts", "web"]);
        let pods = json(&sim, &["get", "pods"]);
        code != 0 && pods["items"].as_array().is_some_and(Vec::is_empty)
    });
}

/// An invalid object is 422 with its causes, field by field, as kube-apiserver answers;
/// kubectl shows them.
#[test]
fn an_invalid_pod_is_refused_with_its_causes() {
    let sim = serve();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.yaml");
    std::fs::write(
        &path,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers: [{name: app}]\n",
    )
    .unwrap();
    // Validation on (the default): kubectl leaves it to the server (fieldValidation).
    let (code, _, err) = kubectl(&sim, &["create", "-f", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("Pod \"bad\" is invalid: spec.containers[0].image: Required value"),
        "{err}"
    );
    let (code, out, err) = kubectl(&sim, &["create", "-f", path.to_str().unwrap(), "-v=8"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        // The response body as kubectl logs it (quotes escaped).
        err.contains(r#"\"causes\":[{\"field\":\"spec.containers[0].image\",\"message\":\"Required value\",\"reason\":\"FieldValueRequired\"}]"#),
        "{err}"
    );
    let (code, _, _) = kubectl(&sim, &["get", "pod", "bad"]);
    assert_ne!(code, 0, "nothing was created");
}

/// Server-side printing: `kubectl get` prints the columns kube-apiserver's printers give
/// (it asks for `as=Table`), in list, single-object and `-o wide` form.
#[test]
fn kubectl_get_prints_the_columns_a_real_server_prints() {
    let sim = serve();
    wait_for("the pods Ready", || {
        let (_, out, _) = kubectl(&sim, &["get", "sts", "web", "--no-headers"]);
        out.split_whitespace().nth(1) == Some("5/5")
    });
    let header = |args: &[&str]| {
        let (code, out, err) = kubectl(&sim, args);
        assert_eq!(code, 0, "{err}");
        (
            out.lines()
                .next()
                .unwrap_or("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            out,
        )
    };
    let (h, out) = header(&["get", "pods"]);
    assert_eq!(h, "NAME READY STATUS RESTARTS AGE", "{out}");
    let row = out.lines().find(|l| l.starts_with("web-0 ")).unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&cells[..4], ["web-0", "1/1", "Running", "0"], "{out}");
    let (h, out) = header(&["get", "pods", "-o", "wide"]);
    assert_eq!(
        h, "NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES",
        "{out}"
    );
    let (h, out) = header(&["get", "statefulsets"]);
    assert_eq!(h, "NAME READY AGE", "{out}");
    let web: Vec<&str> = out
        .lines()
        .nth(1)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    assert_eq!(&web[..2], ["web", "5/5"], "{out}");
    let (h, _) = header(&["get", "statefulset", "web", "-o", "wide"]);
    assert_eq!(h, "NAME READY AGE CONTAINERS IMAGES");
    let (h, out) = header(&["get", "controllerrevisions"]);
    assert_eq!(h, "NAME CONTROLLER REVISION AGE", "{out}");
    assert!(out.contains("statefulset.apps/web"), "{out}");
    // (Claims: this scenario has none; sim::table::tests::claim_columns_follow_the_release.)
    // -A adds the namespace column from each row's metadata.
    let (h, out) = header(&["get", "pods", "-A"]);
    assert_eq!(h, "NAMESPACE NAME READY STATUS RESTARTS AGE", "{out}");
}
