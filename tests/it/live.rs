//! `kubectl sts status` and `plan NAME` against the simulated cluster over loopback HTTP,
//! through the binary as a user runs it: every rollout state, golden output, kubeconfig
//! handling, impersonation, and how many requests a status costs.

use jiff::SignedDuration;
use kubectl_sts::sim::scenario::{Scenario, Step, apply};
use kubectl_sts::sim::server::Server;
use kubectl_sts::sim::store::Kind;
use kubectl_sts::sim::{Cluster, Config};
use serde_json::{Value, json};

use super::support::golden;

pub struct Live {
    pub server: Server,
    pub dir: tempfile::TempDir,
    now: String,
}

impl Live {
    /// The binary against this cluster, running in the background (stdout and stderr
    /// piped; killed when dropped).
    pub fn spawn(&self, args: &[&str]) -> tokio::process::Child {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
            .args(args)
            .args(["--kubeconfig", &self.kubeconfig()])
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap()
    }

    pub fn kubeconfig(&self) -> String {
        self.dir
            .path()
            .join("kubeconfig")
            .to_string_lossy()
            .into_owned()
    }

    pub async fn run(&self, args: &[&str]) -> (i32, String, String) {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sts"));
        cmd.args(args).args(["--now", &self.now]);
        if !args.contains(&"--kubeconfig") {
            cmd.args(["--kubeconfig", &self.kubeconfig()]);
        }
        let out = cmd
            .env("NO_COLOR", "1")
            .env("HOME", self.dir.path())
            .env_remove("KUBECONFIG")
            .output()
            .await
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

/// The test suite's clusters lag as real ones do: the controller and the kubelet react
/// some time after each write (`KUBECTL_STS_SIM_CONTROLLER_DELAY`, default 10 ms,
/// jittered ±50%), so a test passes only if the tool waits for what it needs.
pub fn lagging(mut cluster: Cluster) -> Cluster {
    if cluster.config.controller_delay.is_zero() {
        cluster.config.controller_delay = std::env::var(kubectl_sts::sim::server::DELAY_ENV)
            .ok()
            .and_then(|v| kubectl_sts::duration::parse_std(&v).ok())
            .unwrap_or(std::time::Duration::from_millis(10));
    }
    cluster
}

pub async fn serve(cluster: Cluster) -> Live {
    let now = kubectl_sts::sim::store::format_time(cluster.now());
    let server = Server::start(lagging(cluster), 0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    server
        .write_kubeconfig(&dir.path().join("kubeconfig"))
        .unwrap();
    Live { server, dir, now }
}

pub fn scenario(name: &str, extra: &[Step]) -> Cluster {
    let mut c = Cluster::new(Config::default());
    Scenario::load(name).unwrap().start(&mut c).unwrap();
    for step in extra {
        apply(&mut c, step).unwrap();
    }
    c
}

fn web(replicas: i32, extra: Value) -> Value {
    let mut s = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": replicas, "serviceName": "web", "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}});
    kubectl_sts::sim::patch::merge(&mut s, &extra);
    s
}

/// The set once the controller has seen its latest generation (a lagging control plane
/// reacts some time after a write, as a real one does).
pub async fn observed(live: &Live, name: &str) -> Value {
    for _ in 0..500 {
        let set = live.server.shared.read(|c| {
            c.store
                .get(Kind::StatefulSet, "default", name)
                .cloned()
                .unwrap_or(Value::Null)
        });
        if set["status"]["observedGeneration"] == set["metadata"]["generation"] {
            return set;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the controller never observed {name}'s latest generation");
}

async fn status_json(live: &Live, name: &str) -> Value {
    let (code, out, err) = live.run(&["status", name, "-o", "json"]).await;
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fresh_create_in_progress() {
    let mut c = Cluster::new(Config::default());
    c.seed(vec![web(3, json!({}))]).unwrap();
    c.settle();
    let live = serve(c).await;
    let s = status_json(&live, "web").await;
    assert_eq!(s["rows"][0]["phase"], "Pending");
    assert_eq!(s["rows"][1]["role"], "missing");
    assert_eq!(s["diagnosis"]["state"], "progressing");
    assert!(s["nextAction"].as_str().unwrap().contains("web-0"), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mid_rollout_with_a_partition_golden() {
    let live = serve(scenario("partitioned", &[])).await;
    let (code, out, err) = live.run(&["status", "web"]).await;
    assert_eq!(code, 0, "{err}");
    golden("status-partitioned.txt", &out);
    assert!(out.contains("---- partition 3"));
    let (code, json_out, _) = live.run(&["status", "web", "-o", "json"]).await;
    assert_eq!(code, 0);
    golden("status-partitioned.json", &json_out);
    let s: Value = serde_json::from_str(&json_out).unwrap();
    assert_eq!(s["diagnosis"]["state"], "paused");
    assert_eq!(s["rows"][2]["protected"], true);
    assert_eq!(s["rows"][3]["role"], "update");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn complete_rollout() {
    let live = serve(scenario("default", &[])).await;
    let s = status_json(&live, "web").await;
    assert_eq!(s["diagnosis"]["state"], "complete");
    assert!(
        s["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["ready"] == true && r["role"] == "update")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stuck_on_a_broken_image_names_pod_revision_and_remedy() {
    let live = serve(scenario("stuck", &[])).await;
    let (code, out, err) = live.run(&["status", "web"]).await;
    assert_eq!(code, 0, "{err}");
    golden("status-stuck.txt", &out);
    let s = status_json(&live, "web").await;
    let summary = s["diagnosis"]["summary"].as_str().unwrap();
    let rev = s["updateRevision"].as_str().unwrap();
    assert!(
        summary.contains("web-4")
            && summary.contains(rev)
            && summary.contains("kubectl sts force-rollback web"),
        "{summary}"
    );
    assert_eq!(
        s["diagnosis"]["remedy"]["command"],
        "kubectl sts force-rollback web"
    );
    assert_eq!(s["rows"][4]["reason"], "CrashLoopBackOff");
    // The overview says the same, one line.
    let (code, out, _) = live.run(&["status"]).await;
    assert_eq!(code, 0);
    assert!(out.lines().nth(1).unwrap().contains("STUCK"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scaled_down_with_condemned_pods() {
    let mut c = scenario("default", &[]);
    c.config.kubelet.max_grace = SignedDuration::from_secs(3600);
    apply(
        &mut c,
        &Step::Scale {
            set: "web".into(),
            replicas: 2,
        },
    )
    .unwrap();
    let live = serve(c).await;
    let s = status_json(&live, "web").await;
    let rows = s["rows"].as_array().unwrap();
    let condemned: Vec<&Value> = rows.iter().filter(|r| r["condemned"] == true).collect();
    assert_eq!(condemned.len(), 3, "{s}");
    assert_eq!(
        condemned
            .iter()
            .filter(|r| r["terminating"] == true)
            .count(),
        1,
        "one at a time, from the top"
    );
    assert_eq!(s["nextAction"], "wait for web-4 (Termination)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_delete_with_outdated_pods() {
    let step = Step::SetImage {
        set: "queue".into(),
        container: None,
        image: "rabbitmq:3.13".into(),
    };
    let live = serve(scenario("ondelete", &[step])).await;
    let s = status_json(&live, "queue").await;
    assert_eq!(s["diagnosis"]["state"], "paused");
    assert!(
        s["diagnosis"]["summary"]
            .as_str()
            .unwrap()
            .contains("queue-2, queue-1, queue-0"),
        "{s}"
    );
    assert!(
        s["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["role"] == "current")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_set() {
    let live = serve(scenario("parallel", &[])).await;
    let s = status_json(&live, "db").await;
    assert_eq!(s["podManagementPolicy"], "Parallel");
    assert_eq!(s["rows"][0]["claims"][0], "data-db-0");
    assert_eq!(s["diagnosis"]["state"], "complete");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_ordinal_three() {
    let mut c = Cluster::new(Config::default());
    c.seed(vec![web(3, json!({"spec": {"ordinals": {"start": 3}}}))])
        .unwrap();
    c.run_until(SignedDuration::from_secs(600), |c| {
        c.next_change().is_none()
    });
    let live = serve(c).await;
    let s = status_json(&live, "web").await;
    let ordinals: Vec<i64> = s["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ordinal"].as_i64().unwrap())
        .collect();
    assert_eq!(ordinals, [3, 4, 5]);
    assert_eq!(s["rows"][0]["pod"], "web-3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_name_is_the_live_plan() {
    let live = serve(scenario("stuck", &[])).await;
    let (code, out, err) = live.run(&["plan", "web", "-o", "json"]).await;
    assert_eq!(code, 0, "{err}");
    let p: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(p["waitingOn"]["pod"], "web-4");
    assert_eq!(p["actions"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_costs_at_most_five_requests() {
    let live = serve(scenario("default", &[])).await;
    let (code, _, err) = live.run(&["status", "web"]).await; // also caches /version
    assert_eq!(code, 0, "{err}");
    live.server.shared.clear_requests();
    let (code, _, _) = live.run(&["status", "web"]).await;
    assert_eq!(code, 0);
    let requests = live.server.shared.requests();
    // The set, its pods, the names of every pod (a pod the selector misses can hold a
    // name the set needs), its revisions and claims.
    assert!(
        requests.len() <= 5,
        "{:?}",
        requests
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect::<Vec<_>>()
    );
    assert!(
        requests.iter().all(|r| r.method == "GET"),
        "status only reads"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubeconfig_context_namespace_and_impersonation() {
    let live = serve(scenario("default", &[])).await;
    // A kubeconfig with a dead context (current) and a live one whose namespace is "other".
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: dead\n  cluster: {{server: \"http://127.0.0.1:1\"}}\n- name: sim\n  cluster: {{server: \"{}\"}}\ncontexts:\n- name: dead\n  context: {{cluster: dead, user: u}}\n- name: sim-other\n  context: {{cluster: sim, user: u, namespace: other}}\n- name: sim\n  context: {{cluster: sim, user: u}}\ncurrent-context: dead\nusers:\n- name: u\n  user: {{}}\n",
        live.server.url()
    );
    std::fs::write(live.kubeconfig(), text).unwrap();
    let (code, _, err) = live
        .run(&["status", "web", "--request-timeout", "2s"])
        .await;
    assert_eq!(code, 1, "the dead current context fails: {err}");
    assert!(
        err.contains("cannot reach the API server") || err.contains("timed out"),
        "{err}"
    );
    let (code, out, err) = live.run(&["status", "--context", "sim-other"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("No StatefulSets found in namespace other"),
        "the context's namespace is the default: {out}"
    );
    let (code, out, _) = live
        .run(&["status", "--context", "sim-other", "-n", "default"])
        .await;
    assert_eq!(code, 0);
    assert!(out.contains("web"), "{out}");
    live.server.shared.clear_requests();
    let (code, _, err) = live
        .run(&[
            "status",
            "web",
            "--context",
            "sim",
            "--as",
            "jane",
            "--as-group",
            "ops",
        ])
        .await;
    assert_eq!(code, 0, "{err}");
    let requests = live.server.shared.requests();
    assert!(!requests.is_empty());
    for r in &requests {
        assert!(
            r.impersonation
                .contains(&("impersonate-user".into(), "jane".into())),
            "{:?}",
            r.impersonation
        );
        assert!(
            r.impersonation
                .contains(&("impersonate-group".into(), "ops".into())),
            "{:?}",
            r.impersonation
        );
    }
    let (code, _, err) = live
        .run(&["status", "web", "--kubeconfig", "/nonexistent/kubeconfig"])
        .await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("/nonexistent/kubeconfig"), "{err}");
    let (code, _, err) = live.run(&["status", "nope", "--context", "sim"]).await;
    assert_eq!(code, 1);
    assert!(
        err.contains("statefulsets.apps \"nope\"") && err.contains("not found"),
        "{err}"
    );
    let kept = live
        .server
        .shared
        .read(|c| c.store.get(Kind::StatefulSet, "default", "web").is_some());
    assert!(kept, "status changed nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_watch_is_event_driven() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let mut c = Cluster::new(Config::default());
    c.seed(vec![web(2, json!({}))]).unwrap();
    c.settle(); // web-0 created, Pending
    let live = serve(c).await;
    let mut child = live.spawn(&["status", "web", "--watch", "-o", "json"]);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first: Value = serde_json::from_str(&lines.next_line().await.unwrap().unwrap()).unwrap();
    assert_eq!(first["rows"][0]["ready"], false);
    // Let the watchers sync, then count LISTs while nothing happens.
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let lists = |reqs: &[kubectl_sts::sim::server::Logged]| {
        reqs.iter()
            .filter(|r| r.method == "GET" && !r.is_watch() && !r.path.contains("/version"))
            .count()
    };
    let before = lists(&live.server.shared.requests());
    // web-0 becomes Ready on the (virtual) clock: a frame must follow within a second.
    live.server.advance(SignedDuration::from_secs(2));
    let started = std::time::Instant::now();
    loop {
        let line = tokio::time::timeout(std::time::Duration::from_secs(1), lines.next_line())
            .await
            .expect("a new frame within 1 s")
            .unwrap()
            .unwrap();
        let frame: Value = serde_json::from_str(&line).unwrap();
        if frame["rows"][0]["ready"] == true {
            break;
        }
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(
        lists(&live.server.shared.requests()),
        before,
        "no periodic LIST while watching"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_with_a_template_names_the_exact_new_revision() {
    let live = serve(scenario("default", &[])).await;
    let mut manifest = live.server.shared.read(|c| {
        c.store
            .get(Kind::StatefulSet, "default", "web")
            .unwrap()
            .clone()
    });
    manifest["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.27");
    let path = live.dir.path().join("web-v2.json");
    std::fs::write(&path, serde_json::to_string(&manifest).unwrap()).unwrap();
    let rv = live.server.shared.read(|c| c.store.resource_version());
    let (code, out, err) = live
        .run(&[
            "plan",
            "web",
            "--template",
            path.to_str().unwrap(),
            "-o",
            "json",
        ])
        .await;
    assert_eq!(code, 0, "{err}");
    let p: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(p["actions"][0]["type"], "CreateControllerRevision");
    let predicted = p["actions"][0]["name"].as_str().unwrap().to_string();
    assert!(
        p["templateDiff"]
            .as_str()
            .unwrap()
            .contains("+  - image: nginx:1.27")
            || p["templateDiff"].as_str().unwrap().contains("nginx:1.27")
    );
    assert_eq!(
        live.server.shared.read(|c| c.store.resource_version()),
        rv,
        "the dry run changed nothing"
    );
    // Now really apply it: the controller creates exactly the predicted revision.
    live.server.shared.with(|c| {
        c.store
            .update(
                Kind::StatefulSet,
                "default",
                "web",
                manifest.clone(),
                false,
                false,
            )
            .unwrap();
    });
    let set = observed(&live, "web").await;
    assert_eq!(set["status"]["updateRevision"], json!(predicted));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_server_times_out_with_one_clear_line() {
    let mut c = scenario("default", &[]);
    c.config.faults.latency = std::time::Duration::from_secs(3);
    let live = serve(c).await;
    let started = std::time::Instant::now();
    let (code, _, err) = live
        .run(&[
            "status",
            "web",
            "--request-timeout",
            "500ms",
            "--kubernetes-version",
            "1.36",
        ])
        .await;
    assert_eq!(code, 1, "{err}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "gave up at the timeout"
    );
    assert!(
        err.contains("timed out") || err.contains("cannot reach"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
    let (_, _, verbose) = live
        .run(&[
            "status",
            "web",
            "--request-timeout",
            "500ms",
            "--kubernetes-version",
            "1.36",
            "-v",
        ])
        .await;
    assert!(verbose.contains("detail:"), "{verbose}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overview_of_all_namespaces() {
    let mut c = scenario("default", &[]);
    let mut other = web(1, json!({}));
    other["metadata"]["namespace"] = json!("team-b");
    other["metadata"]["name"] = json!("cache");
    c.seed(vec![other]).unwrap();
    c.run_until(SignedDuration::from_secs(60), |c| c.next_change().is_none());
    let live = serve(c).await;
    let (code, out, err) = live.run(&["status", "-A"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("NAMESPACE"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("default") && l.contains("web")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("team-b") && l.contains("cache")),
        "{out}"
    );
    let (code, _, err) = live.run(&["status", "web", "-A"]).await;
    assert_eq!(code, 2, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubeconfig_paths_merge_and_the_server_release_picks_the_model() {
    let mut c = scenario("default", &[]);
    c.config.profile = kubectl_sts::model::Profile::for_version(
        kubectl_sts::model::Version::parse("1.35").unwrap(),
    )
    .unwrap();
    let live = serve(c).await;
    // Cluster and user in one file, the context in another: KUBECONFIG=a:b merges them.
    let a = live.dir.path().join("a");
    let b = live.dir.path().join("b");
    std::fs::write(&a, format!("apiVersion: v1\nkind: Config\nclusters:\n- name: sim\n  cluster: {{server: \"{}\"}}\nusers:\n- name: u\n  user: {{}}\n", live.server.url())).unwrap();
    std::fs::write(&b, "apiVersion: v1\nkind: Config\ncontexts:\n- name: merged\n  context: {cluster: sim, user: u, namespace: default}\ncurrent-context: merged\n").unwrap();
    let joined = std::env::join_paths([&a, &b]).unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .args(["plan", "web", "-o", "json"])
        .env("KUBECONFIG", joined)
        .env("HOME", live.dir.path())
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        p["kubernetesVersion"], "1.35.0",
        "the model follows the server's /version"
    );
    let (code, out, _) = live
        .run(&["plan", "web", "-o", "json", "--kubernetes-version", "1.28"])
        .await;
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["kubernetesVersion"],
        "1.28",
        "unless the flag says otherwise"
    );
}

/// A leftover pod holding `web-1` (no owner, labels of another app — the garbage
/// collector would remove it if it had an owner that is gone): the controller's create
/// fails with AlreadyExists, so `plan` says the pass fails and why, and `status` flags
/// the ordinal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_held_by_a_leftover_pod_is_flagged() {
    let squatter = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-1", "namespace": "default", "labels": {"app": "web-old"}},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.24"}]}});
    let mut c = Cluster::new(Config::default());
    c.seed(vec![squatter, web(3, json!({}))]).unwrap();
    c.advance(SignedDuration::from_secs(60));
    let live = serve(c).await;

    let (code, out, err) = live.run(&["plan", "web", "-o", "json"]).await;
    assert_eq!(code, 0, "{err}");
    let p: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(p["error"], r#"pods "web-1" already exists"#, "{p}");
    assert_eq!(p["nameTaken"][0]["pod"], "web-1");
    assert_eq!(p["nameTaken"][0]["heldBy"], "unmatchedOrphan");
    assert_eq!(p["diagnosis"]["state"], "stuck");
    assert!(
        p["diagnosis"]["summary"].as_str().unwrap().contains(
            "pod web-1 exists and is not this StatefulSet's (an orphan whose labels do not match"
        ),
        "{p}"
    );
    assert_eq!(
        p["diagnosis"]["remedy"]["command"],
        "kubectl get pod web-1 -o yaml"
    );
    // web-0 was created; nothing at web-1 or web-2.
    assert!(
        p["actions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["type"] != "CreatePod"),
        "{p}"
    );

    let (code, text, err) = live.run(&["plan", "web"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("the pass will fail: pod web-1 exists and is not this StatefulSet's (an orphan whose labels do not match"),
        "{text}"
    );
    assert!(text.contains("[STUCK]"), "{text}");

    let (code, text, err) = live.run(&["status", "web"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("Blocked:   pod web-1 exists and is not this StatefulSet's"),
        "{text}"
    );
    assert!(
        text.contains("Missing: name held: unmatched orphan"),
        "{text}"
    );
    let s = status_json(&live, "web").await;
    assert_eq!(s["squatters"][0]["pod"], "web-1", "{s}");
    assert_eq!(s["rows"][0]["pod"], "web-0");
    assert_eq!(s["rows"][1]["reason"], "name held: unmatched orphan", "{s}");
    assert_eq!(s["diagnosis"]["state"], "stuck");
}

/// Strings from the cluster never reach the terminal raw: an escape sequence in a
/// change-cause or a container's waiting reason is shown escaped (it would retitle or
/// clear the screen); JSON keeps the value as it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_sequences_from_the_cluster_are_shown_escaped() {
    let evil = "\u{1b}]0;pwned\u{7}\u{1b}[2J";
    let live = serve(scenario("stuck", &[])).await;
    live.server.shared.with(|c| {
        for kind in [Kind::ControllerRevision] {
            let names: Vec<String> = c
                .store
                .all(kind)
                .map(|r| r["metadata"]["name"].as_str().unwrap().to_string())
                .collect();
            for n in names {
                let mut r = c.store.get(kind, "default", &n).unwrap().clone();
                r["metadata"]["annotations"]["kubernetes.io/change-cause"] = json!(evil);
                c.store
                    .update(kind, "default", &n, r, false, false)
                    .unwrap();
            }
        }
        let mut pod = c.store.get(Kind::Pod, "default", "web-4").unwrap().clone();
        pod["status"]["containerStatuses"][0]["state"] =
            json!({"waiting": {"reason": format!("CrashLoopBackOff{evil}")}});
        c.store
            .update(Kind::Pod, "default", "web-4", pod, true, false)
            .unwrap();
    });
    for args in [
        &["rollout", "history", "web"][..],
        &["status", "web"],
        &["plan", "web"],
    ] {
        let (code, out, err) = live.run(args).await;
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{args:?}: {out:?}"
        );
    }
    let (_, out, _) = live.run(&["rollout", "history", "web"]).await;
    assert!(out.contains("\\x1b]0;pwned\\x07"), "{out}");
    let (_, out, _) = live.run(&["rollout", "history", "web", "-o", "json"]).await;
    assert!(
        out.contains("\\u001b]0;pwned\\u0007"),
        "JSON keeps the value: {out}"
    );

    // A waiting reason, offline: the diagnosis quotes it.
    let file = live.dir.path().join("evil.yaml");
    let text = std::fs::read_to_string(super::support::fixture("examples/stuck-rollout.yaml"))
        .unwrap()
        .replace(
            "reason: CrashLoopBackOff",
            "reason: \"CrashLoopBackOff\\e]0;pwned\\a\"",
        );
    assert!(text.contains("pwned"));
    std::fs::write(&file, text).unwrap();
    let (code, out, err) = live.run(&["plan", "-f", file.to_str().unwrap()]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\\x1b]0;pwned\\x07") && !out.contains('\u{1b}'),
        "{out:?}"
    );
}

/// A blank KUBECTL_EXTERNAL_DIFF panicked; it counts as unset, as in kubectl.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blank_external_diff_is_the_builtin_diff() {
    let live = serve(scenario("stuck", &[])).await;
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .args(["rollout", "diff", "web", "--kubeconfig", &live.kubeconfig()])
        .env("KUBECTL_EXTERNAL_DIFF", " ")
        .env("NO_COLOR", "1")
        .output()
        .await
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stdout.contains("image: nginx:broken") || stdout.contains("nginx:broken"),
        "{stdout}"
    );
}

/// A typo is bad input (exit 2), never success or a connection without credentials: an
/// unknown --context/--cluster/--user, an unknown revision to go back to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_names_and_revisions_are_bad_input() {
    let live = serve(scenario("stuck", &[])).await;
    for (args, says) in [
        (
            &["status", "web", "--user", "nosuch"][..],
            r#"auth info "nosuch" does not exist"#,
        ),
        (
            &["status", "web", "--context", "nosuch"],
            r#"context "nosuch" does not exist"#,
        ),
        (
            &["status", "web", "--cluster", "nosuch"],
            r#"no server found for cluster "nosuch""#,
        ),
        (
            &["rollout", "undo", "web", "--to-revision", "999", "--yes"],
            "unable to find specified revision 999 in the history of statefulset/web",
        ),
        (
            &["force-rollback", "web", "--to-revision", "999", "--yes"],
            "unable to find specified revision 999 in the history of statefulset/web",
        ),
    ] {
        let (code, _, err) = live.run(args).await;
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.lines().next().unwrap_or("").contains(says),
            "{args:?}: {err}"
        );
    }
}

/// Nothing printed may hold a credential, with -v or without: kube's messages for a failed
/// or unparsable exec plugin quote what the plugin printed (its token), and -v printed
/// the debug form of the error, which holds it too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_plugin_s_output_is_never_printed() {
    let live = serve(scenario("default", &[])).await;
    let plain = std::fs::read_to_string(live.kubeconfig()).unwrap();
    const SECRET: &str = "sk-live-7f3a9c1e5b2d";
    // The plugin reads the token from a file, so the command line does not hold it.
    let token = live.dir.path().join("token");
    std::fs::write(&token, SECRET).unwrap();
    let token = token.to_str().unwrap();
    for (name, script) in [
        // Fails, printing its token (AuthExecRun).
        (
            "fails",
            format!("printf '{{\"token\": \"%s\"}}' $(cat {token}); cat {token} >&2; exit 1"),
        ),
        // Succeeds with something that is not an ExecCredential (AuthExecParse).
        ("garbled", format!("printf '%s: [unclosed' $(cat {token})")),
    ] {
        let kubeconfig = live.dir.path().join(format!("kubeconfig-{name}"));
        let user = format!(
            "user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: sh\n      args: [\"-c\", {:?}]\n      interactiveMode: Never",
            script
        );
        std::fs::write(&kubeconfig, plain.replace("user: {}", &user)).unwrap();
        let kubeconfig = kubeconfig.to_str().unwrap();
        for verbose in [false, true] {
            let mut args = vec!["status", "web", "--kubeconfig", kubeconfig];
            if verbose {
                args.push("-v");
            }
            let (code, out, err) = live.run(&args).await;
            assert_eq!(code, 1, "{name} -v={verbose}: {err}");
            assert!(
                !out.contains(SECRET) && !err.contains(SECRET),
                "{name} -v={verbose} printed the credential: {out}{err}"
            );
            assert!(
                err.starts_with("error: ") && err.contains("credential plugin"),
                "{name}: says what failed: {err}"
            );
        }
    }
}

/// A user allowed to read sets, pods and revisions (what `kubectl get sts,pods` needs)
/// but not claims sees the rollout, told what could not be read and which permission
/// would show it; what acts on the set still needs the claims and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_views_degrade_when_claims_are_forbidden() {
    let mut c = scenario("stuck", &[]);
    c.config.faults.forbidden = vec!["persistentvolumeclaims".into()];
    let live = serve(c).await;
    let warning = "warning: cannot list persistentvolumeclaims in namespace \"default\": forbidden";
    for args in [
        &["status", "web"][..],
        &["status"],
        &["plan", "web"],
        &["status", "web", "-o", "json"],
    ] {
        let (code, out, err) = live.run(args).await;
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(err.starts_with(warning), "{args:?}: {err}");
        assert!(
            err.contains("PVC column is empty")
                && err.contains("`list` and `watch` on persistentvolumeclaims"),
            "{args:?}: says what is missing and which permission shows it: {err}"
        );
        assert!(out.contains("web"), "{args:?}: the view is shown: {out}");
    }
    let (code, out, _) = live.run(&["status", "web", "-o", "json"]).await;
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report["rows"].as_array().unwrap().len(),
        5,
        "every pod shown"
    );
    // Deleting needs to know the claims: refused, with the permission named.
    let (code, _, err) = live.run(&["delete", "web", "--yes"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("persistentvolumeclaims") && err.contains("forbidden"),
        "{err}"
    );
    let gone = live.server.shared.read(|c| {
        c.store
            .get(kubectl_sts::sim::store::Kind::StatefulSet, "default", "web")
            .is_none()
    });
    assert!(!gone, "nothing was deleted");
}

/// Each pod's first container image, as the simulated cluster holds it.
pub fn images(live: &Live) -> Vec<String> {
    live.server.shared.read(|c| {
        c.store
            .all(kubectl_sts::sim::store::Kind::Pod)
            .map(|p| {
                p["spec"]["containers"][0]["image"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    })
}
