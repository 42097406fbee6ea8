//! The suite's harness: the cluster named by KUBECONFIG (required: a missing one fails
//! every test), a namespace per test (created, deleted at the end), kubectl and the
//! plugin run as a user runs them, the pod watch that records what the real controller
//! did, and the prediction `plan -f` made of the same objects before the write.

use std::io::{BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Tests run side by side (`shared`), except the one that restarts the API server
/// (`alone`), which runs by itself.
static SERVER: std::sync::RwLock<()> = std::sync::RwLock::new(());

pub fn shared() -> std::sync::RwLockReadGuard<'static, ()> {
    SERVER.read().unwrap_or_else(|e| e.into_inner())
}

pub fn alone() -> std::sync::RwLockWriteGuard<'static, ()> {
    SERVER.write().unwrap_or_else(|e| e.into_inner())
}

/// The cluster under test. Never skipped: without it the test fails, saying how to get one.
pub fn kubeconfig() -> String {
    match std::env::var("KUBECONFIG") {
        Ok(k) if !k.is_empty() => k,
        _ => panic!(
            "the real-cluster suite needs KUBECONFIG of a cluster: run `scripts/e2e-real newest` \
             (it starts one), or `scripts/real-cluster up 1.37` and export what it prints"
        ),
    }
}

fn run(program: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env("KUBECONFIG", kubeconfig())
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

pub fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn kubectl(args: &[&str]) -> Output {
    run("kubectl", args, None)
}

/// kubectl that must succeed; its stdout.
pub fn kubectl_ok(args: &[&str]) -> String {
    let o = kubectl(args);
    assert!(o.status.success(), "kubectl {args:?}: {}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn apply(ns: &str, yaml: &str) {
    let o = run("kubectl", &["apply", "-n", ns, "-f", "-"], Some(yaml));
    assert!(o.status.success(), "kubectl apply: {}", text(&o));
}

/// The plugin, as kubectl runs it.
pub fn sts(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_kubectl-sts"), args, None)
}

/// `get`, for polling: an object that is not there (yet, or any more) is an Err.
pub fn try_get(ns: &str, what: &str) -> Result<Value, String> {
    let o = kubectl(&["get", "-n", ns, what, "-o", "json"]);
    if !o.status.success() {
        return Err(String::from_utf8_lossy(&o.stderr).into_owned());
    }
    serde_json::from_slice(&o.stdout).map_err(|e| e.to_string())
}

/// `kubectl sts -n NS ARGS… --yes -o json`: a write, consented, as an event stream.
pub fn sts_json(ns: &str, args: &[&str]) -> Output {
    let mut all = vec!["-n", ns];
    all.extend_from_slice(args);
    all.extend(["--yes", "-o", "json"]);
    sts(&all)
}

pub fn get(ns: &str, what: &str) -> Value {
    serde_json::from_str(&kubectl_ok(&["get", "-n", ns, what, "-o", "json"])).unwrap()
}

/// Polls `f` every 200 ms until it is Some, failing after `secs` with `what` and the
/// last state it saw.
pub fn wait_for<T>(what: &str, secs: u64, mut f: impl FnMut() -> Result<T, String>) -> T {
    let until = Instant::now() + Duration::from_secs(secs);
    loop {
        match f() {
            Ok(t) => return t,
            Err(last) if Instant::now() >= until => panic!("{what}: not after {secs}s: {last}"),
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

/// The server's release, as `--kubernetes-version` takes it (`1.37.2`).
pub fn server_version() -> String {
    let v: Value = serde_json::from_str(&kubectl_ok(&["version", "-o", "json"])).unwrap();
    let git = v["serverVersion"]["gitVersion"]
        .as_str()
        .unwrap()
        .to_string();
    git.trim_start_matches('v').to_string()
}

/// A namespace of the test's own, deleted when it is dropped.
pub struct Ns(pub String);

impl Ns {
    pub fn new(test: &str) -> Ns {
        // The process and a counter: unique across this run's tests and others'.
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let seq = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let suffix = format!("{:x}{seq}", std::process::id() & 0xfff);
        let name = format!("e2e-{test}-{suffix}");
        kubectl_ok(&["create", "namespace", &name]);
        // The service account controller makes `default`: pods cannot be created before.
        wait_for("the default service account", 30, || {
            kubectl(&["get", "serviceaccount", "default", "-n", &name])
                .status
                .success()
                .then_some(())
                .ok_or_else(|| "not yet".to_string())
        });
        Ns(name)
    }
}

impl Drop for Ns {
    fn drop(&mut self) {
        let _ = kubectl(&["delete", "namespace", &self.0, "--wait=false"]);
    }
}

/// A StatefulSet manifest with a headless service: `replicas`, `image`, `partition`
/// (None: no rollingUpdate), `policy` (OrderedReady/Parallel), one claim template `data`.
pub fn set_yaml(
    name: &str,
    replicas: i32,
    image: &str,
    partition: Option<i32>,
    policy: &str,
) -> String {
    let strategy = match partition {
        Some(p) => format!("{{type: RollingUpdate, rollingUpdate: {{partition: {p}}}}}"),
        None => "{type: RollingUpdate}".to_string(),
    };
    format!(
        "apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  clusterIP: None
  selector: {{app: {name}}}
  ports: [{{port: 80, name: http}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  serviceName: {name}
  podManagementPolicy: {policy}
  updateStrategy: {strategy}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: app
        image: {image}
  volumeClaimTemplates:
  - metadata: {{name: data}}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {{requests: {{storage: 1Gi}}}}
"
    )
}

/// A namespace of the test's own (`test`) with the set `name` of [`set_yaml`], settled.
pub fn with_set(test: &str, name: &str, replicas: i32, partition: Option<i32>, policy: &str) -> Ns {
    let ns = Ns::new(test);
    apply(
        &ns.0,
        &set_yaml(name, replicas, "nginx:1.25", partition, policy),
    );
    settled(&ns.0, name, i64::from(replicas));
    ns
}

/// `kubectl set image statefulset/NAME app=IMAGE`: a new revision.
pub fn set_image(ns: &str, name: &str, image: &str) {
    kubectl_ok(&[
        "set",
        "image",
        "-n",
        ns,
        &format!("statefulset/{name}"),
        &format!("app={image}"),
    ]);
}

/// A new revision whose pods carry the annotation `key: value` (the node agent's scripts).
pub fn annotate_template(ns: &str, name: &str, key: &str, value: &str) {
    let patch =
        serde_json::json!({"spec": {"template": {"metadata": {"annotations": {key: value}}}}});
    kubectl_ok(&[
        "patch",
        "-n",
        ns,
        &format!("statefulset/{name}"),
        "--type",
        "merge",
        "-p",
        &patch.to_string(),
    ]);
}

/// Waits until `pod` crash-loops (a restart counted).
pub fn crash_looping(ns: &str, pod: &str) {
    wait_for(&format!("{pod} crash-looping"), 60, || {
        let p = try_get(ns, &format!("pod/{pod}"))?;
        let r = p["status"]["containerStatuses"][0]["restartCount"]
            .as_i64()
            .unwrap_or(0);
        (r > 0).then_some(()).ok_or(p["status"].to_string())
    });
}

/// Waits until the set's status says every replica is ready and on one revision.
pub fn settled(ns: &str, name: &str, replicas: i64) {
    wait_for(&format!("{ns}/{name} settled"), 90, || {
        let s = get(ns, &format!("statefulset/{name}"));
        let st = &s["status"];
        let ok = st["readyReplicas"].as_i64() == Some(replicas)
            && st["replicas"].as_i64() == Some(replicas)
            && st["observedGeneration"] == s["metadata"]["generation"];
        ok.then_some(()).ok_or_else(|| st.to_string())
    });
}

/// name → (uid, revision label, ready) of the namespace's pods.
pub fn pods(ns: &str) -> std::collections::BTreeMap<String, (String, String, bool)> {
    get(ns, "pods")["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let ready = p["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["type"] == "Ready" && c["status"] == "True");
            (
                p["metadata"]["name"].as_str().unwrap().to_string(),
                (
                    p["metadata"]["uid"].as_str().unwrap().to_string(),
                    p["metadata"]["labels"]["controller-revision-hash"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                    ready,
                ),
            )
        })
        .collect()
}

/// Every line of a `-o json` stream, validated against `docs/events.schema.json`; the
/// first is `start`, the last `end` with `code`.
pub fn events(out: &Output, code: i32) -> Vec<Value> {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/events.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.trim().is_empty(), "no events: {}", text(out));
    let events: Vec<Value> = stdout
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not one JSON object per line ({e}): {line}"));
            let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{line}\n{}", errors.join("\n"));
            v
        })
        .collect();
    assert_eq!(events[0]["type"], "start", "{}", text(out));
    let end = events.last().unwrap();
    assert_eq!(end["type"], "end", "{}", text(out));
    assert_eq!(end["exitCode"], code, "{}", text(out));
    assert_eq!(out.status.code(), Some(code), "{}", text(out));
    events
}

/// A pod mutation the real controller made: `CreatePod web-1` or `DeletePod web-2`.
pub type Mutation = (String, String);

/// Watches the namespace's pods (kubectl get -w) from before a write: what the
/// controller then did, in order.
pub struct PodWatch {
    child: Child,
    seen: Arc<Mutex<Vec<Mutation>>>,
    /// Every mutation, and each pod's first Ready, with when the watch saw it.
    timed: Arc<Mutex<Vec<(Instant, String, String)>>>,
}

impl PodWatch {
    pub fn start(ns: &str) -> PodWatch {
        let existing: std::collections::BTreeSet<String> =
            pods(ns).into_values().map(|(uid, _, _)| uid).collect();
        let mut child = Command::new("kubectl")
            .args([
                "get",
                "pods",
                "-n",
                ns,
                "-w",
                "--output-watch-events",
                "-o",
                "json",
            ])
            .env("KUBECONFIG", kubeconfig())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let timed = Arc::new(Mutex::new(Vec::new()));
        let listed = Arc::new(Mutex::new(0usize));
        let (seen2, listed2, timed2) = (seen.clone(), listed.clone(), timed.clone());
        std::thread::spawn(move || {
            let mut known = existing;
            let mut deleting = std::collections::BTreeSet::new();
            let mut ready = std::collections::BTreeSet::new();
            for ev in
                serde_json::Deserializer::from_reader(BufReader::new(stdout)).into_iter::<Value>()
            {
                let Ok(ev) = ev else { break };
                let o = &ev["object"];
                let name = o["metadata"]["name"].as_str().unwrap_or("").to_string();
                let uid = o["metadata"]["uid"].as_str().unwrap_or("").to_string();
                *listed2.lock().unwrap() += 1;
                let mut seen = seen2.lock().unwrap();
                let mut timed = timed2.lock().unwrap();
                let now = Instant::now();
                if known.insert(uid.clone()) {
                    seen.push(("CreatePod".to_string(), name.clone()));
                    timed.push((now, "CreatePod".to_string(), name.clone()));
                }
                let is_ready = o["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True");
                if is_ready && ready.insert(uid.clone()) {
                    timed.push((now, "Ready".to_string(), name.clone()));
                }
                let gone = ev["type"] == "DELETED" || !o["metadata"]["deletionTimestamp"].is_null();
                if gone && deleting.insert(uid) {
                    seen.push(("DeletePod".to_string(), name.clone()));
                    timed.push((now, "DeletePod".to_string(), name));
                }
            }
        });
        // The watch is open once its initial list has arrived.
        let n = pods(ns).len();
        wait_for("the pod watch", 30, || {
            (*listed.lock().unwrap() >= n)
                .then_some(())
                .ok_or_else(|| "listing".to_string())
        });
        PodWatch { child, seen, timed }
    }

    /// When the watch saw `what` (`CreatePod`, `DeletePod`, `Ready`) of `pod` last.
    pub fn when(&self, what: &str, pod: &str) -> Option<Instant> {
        self.timed
            .lock()
            .unwrap()
            .iter()
            .rev()
            .find(|(_, w, p)| w == what && p == pod)
            .map(|(t, _, _)| *t)
    }

    /// The mutations so far.
    pub fn seen(&self) -> Vec<Mutation> {
        self.seen.lock().unwrap().clone()
    }

    /// Waits until at least `n` mutations were seen; the first `n`.
    pub fn first(&self, n: usize, secs: u64) -> Vec<Mutation> {
        wait_for("the controller's pod mutations", secs, || {
            let s = self.seen();
            (s.len() >= n)
                .then(|| s[..n].to_vec())
                .ok_or_else(|| format!("{s:?}"))
        })
    }
}

impl Drop for PodWatch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What `plan -f` predicts the controller does next with the namespace's objects as they
/// are now, the set changed by `edit` (the write about to be made): its pod actions.
pub fn predict(ns: &str, name: &str, edit: impl FnOnce(&mut Value)) -> Vec<Mutation> {
    predict_objects(ns, name, |items| {
        let set = items
            .iter_mut()
            .find(|i| i["kind"] == "StatefulSet" && i["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("no StatefulSet {ns}/{name}"));
        edit(set);
    })
}

/// [`predict`], the write being any change to the objects (a pod deleted, say).
pub fn predict_objects(ns: &str, name: &str, edit: impl FnOnce(&mut Vec<Value>)) -> Vec<Mutation> {
    let list = kubectl_ok(&[
        "get",
        "-n",
        ns,
        "statefulsets,pods,controllerrevisions,persistentvolumeclaims",
        "-o",
        "json",
    ]);
    let mut list: Value = serde_json::from_str(&list).unwrap();
    edit(list["items"].as_array_mut().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("objects.json");
    std::fs::write(&file, list.to_string()).unwrap();
    let o = sts(&[
        "plan",
        name,
        "-f",
        file.to_str().unwrap(),
        "-o",
        "json",
        "--kubernetes-version",
        &server_version(),
    ]);
    assert!(o.status.success(), "plan -f: {}", text(&o));
    let plan: Value = serde_json::from_slice(&o.stdout).unwrap();
    plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["type"] == "CreatePod" || a["type"] == "DeletePod")
        .map(|a| {
            (
                a["type"].as_str().unwrap().to_string(),
                a["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Before the first step of a set held at partition `replicas`: plan's prediction of what
/// the controller does once the partition is one lower (the highest ordinal replaced,
/// nothing else), and a pod watch started now to check it against ([`as_predicted`]).
pub fn first_step_predicted(ns: &str, name: &str, replicas: i64) -> (Vec<Mutation>, PodWatch) {
    let predicted = predict(ns, name, with_partition(replicas - 1));
    let top = format!("{name}-{}", replicas - 1);
    assert_eq!(
        predicted,
        vec![("DeletePod".to_string(), top)],
        "plan's prediction"
    );
    (predicted, PodWatch::start(ns))
}

/// The real controller's first mutations after the write were the predicted ones.
pub fn as_predicted(watch: &PodWatch, predicted: &[Mutation]) {
    assert_eq!(
        watch.first(predicted.len(), 60),
        predicted,
        "the real controller did otherwise than plan predicted"
    );
}

/// Sets `spec.updateStrategy.rollingUpdate.partition` in a set's JSON (a prediction's edit).
pub fn with_partition(p: i64) -> impl FnOnce(&mut Value) {
    move |set: &mut Value| {
        set["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = serde_json::json!(p);
    }
}
