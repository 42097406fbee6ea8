//! The tool under hostile input, through the binary against the simulated cluster: a
//! StatefulSet's author choosing `spec.serviceName` to run code on the operator's machine
//! or to send a check elsewhere; gate files that would check nothing; a write with no one
//! to consent; `-o json` when the server cannot be reached.

use std::convert::Infallible;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kubectl_sts::sim::{Cluster, Config};
use serde_json::{Value, json};

use super::gates::gate_file;
use super::live::{Live, scenario, serve};
use super::stepping::held;

/// The held `default` scenario, its set's serviceName set to `service` (a 1.28 API server
/// does not check that it is a DNS label).
async fn served_with_service(service: &str) -> Live {
    let mut set = super::safety::web_in("default", 5, 5);
    set["spec"]["serviceName"] = json!(service);
    let mut c = Cluster::new(Config::default());
    c.seed(vec![set]).unwrap();
    c.advance(jiff::SignedDuration::from_secs(60));
    super::safety::set_image(&mut c, "default", "nginx:1.26");
    serve(c).await
}

/// The binary with `args` against `live`, standard input a pipe that stays open (a gate
/// command that read it would block), output captured.
async fn run_with_open_stdin(live: &Live, args: &[&str]) -> (i32, String, String, Duration) {
    let started = Instant::now();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .args(args)
        .args(["--kubeconfig", &live.kubeconfig()])
        .env("HOME", live.dir.path())
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdin = child.stdin.take();
    // The cluster's clock moves while the command runs (pods are replaced after their
    // grace period, on the cluster's clock).
    let wait = child.wait_with_output();
    tokio::pin!(wait);
    let mut out = None;
    for _ in 0..1200 {
        tokio::select! {
            o = &mut wait => {
                out = Some(o.unwrap());
                break;
            }
            _ = tokio::time::sleep(Duration::from_millis(100)) => live.server.advance(jiff::SignedDuration::from_secs(1)),
        }
    }
    let out = out.expect("the command ends within 2 minutes");
    drop(stdin);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        started.elapsed(),
    )
}

fn events(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not an event ({e}): {l:?}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_name_never_runs_as_code_on_the_operator_s_machine() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("owned");
    let service = format!("x;touch${{IFS}}{};#", marker.display());
    let live = served_with_service(&service).await;
    let gates = gate_file(
        &live,
        "gates:\n- name: svc\n  command: {run: 'test -n {{service}} && echo checked {{ dns }}'}\n",
    );
    let (code, stdout, stderr, took) = run_with_open_stdin(
        &live,
        &[
            "rollout",
            "web",
            "--step",
            "--yes",
            "--stable-for",
            "0s",
            "-o",
            "json",
            "--check-timeout",
            "30s",
            // `cat` reads standard input: /dev/null ends it at once.
            "--check-cmd",
            "cat; echo {{dns}} {{service}} {{ordinal}}",
            "--gates",
            &gates,
        ],
    )
    .await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(!marker.exists(), "the set's serviceName ran as code");
    assert!(
        took < Duration::from_secs(25),
        "a gate read the tool's stdin: {took:?}"
    );
    // What the commands printed is evidence, never a line of the event stream.
    let events = events(&stdout);
    let gate = events
        .iter()
        .find(|e| e["type"] == "gate" && e["name"] == "check-cmd")
        .unwrap();
    assert!(
        gate["evidence"].as_str().unwrap().contains("web-4.x;touch"),
        "{gate}"
    );
    assert_eq!(events.last().unwrap()["type"], "end");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_url_is_never_sent_to_a_host_the_set_s_author_chose() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let service = hyper::service::service_fn(|_req| async {
                Ok::<_, Infallible>(hyper::Response::new(http_body_util::Full::new(
                    hyper::body::Bytes::from("ok"),
                )))
            });
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service),
            );
        }
    });
    let live = served_with_service(&format!("x@127.0.0.1:{port}/hijack?")).await;
    let (code, stdout, stderr) = super::recovery::run_advancing(
        &live,
        &[
            "rollout",
            "web",
            "--step",
            "--yes",
            "--stable-for",
            "0s",
            "--check-http",
            "http://{pod}.{service}.svc:8080/healthz",
        ],
    )
    .await;
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stderr.contains("cannot be part of a host name"), "{stderr}");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the check went to the author's host"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gate_that_could_only_fail_once_run_is_refused_before_the_cluster_is_read() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    live.server.shared.clear_requests();
    for (file, want) in [
        (
            "gates:\n- name: p\n  prometheus:\n    address: https://prom:9090\n    query: up\n    successCondition: result < 1\n",
            "gates.yaml:4: gate \"p\": address:",
        ),
        (
            "gates:\n- name: c\n  command:\n    run: ''\n",
            "gates.yaml:4: gate \"c\": command.run is empty",
        ),
        (
            "gates:\n- name: i\n  interval: 0s\n  command: {run: 'true'}\n",
            "gates.yaml:3: gate \"i\": interval: 0s is zero",
        ),
    ] {
        let path = gate_file(&live, file);
        let (code, _, stderr) = live
            .run(&["rollout", "web", "--step", "--yes", "--gates", &path])
            .await;
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(want), "{stderr}");
    }
    let (code, _, stderr) = live
        .run(&[
            "rollout",
            "web",
            "--step",
            "--yes",
            "--check-http",
            "https://{pod}/",
        ])
        .await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--check-http: "), "{stderr}");
    assert!(
        live.server.shared.requests().is_empty(),
        "the cluster was read before the gates were checked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_write_without_consent_when_no_one_can_be_asked() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    live.server.shared.clear_requests();
    // Standard input is a pipe: no terminal, and no --yes.
    let (code, stdout, stderr, _) =
        run_with_open_stdin(&live, &["rollout", "web", "--step", "-o", "json"]).await;
    assert_eq!(code, 1, "{stderr}");
    let stream = events(&stdout);
    let error = stream.iter().find(|e| e["type"] == "error").unwrap();
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("no terminal to ask"),
        "{error}"
    );
    assert!(error["hint"].as_str().unwrap().contains("--yes"), "{error}");
    let wrote = live
        .server
        .shared
        .requests()
        .iter()
        .filter(|r| !matches!(r.method.as_str(), "GET"))
        .count();
    assert_eq!(wrote, 0, "a write went out without consent");
    for args in [
        vec!["delete", "web"],
        vec!["force-rollback", "web", "--force"],
        vec!["rollout", "pause", "web"],
    ] {
        let (code, _, stderr, _) = run_with_open_stdin(&live, &args).await;
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(stderr.contains("--yes"), "{args:?}: {stderr}");
    }
    // A dry run needs no one: its plan, then its consent, then nothing.
    let (code, stdout, stderr, _) = run_with_open_stdin(
        &live,
        &["rollout", "web", "--step", "--dry-run", "-o", "json"],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let types: Vec<String> = events(&stdout)
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect();
    let plan = types.iter().position(|t| t == "plan").expect("a plan");
    let consent = types
        .iter()
        .position(|t| t == "consent")
        .expect("a consent");
    assert!(plan < consent, "{types:?}");
    assert_eq!(
        live.server
            .shared
            .requests()
            .iter()
            .filter(|r| !matches!(r.method.as_str(), "GET"))
            .count(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_still_a_whole_event_stream() {
    let dir = tempfile::tempdir().unwrap();
    // A port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:{port}\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\n    namespace: default\ncurrent-context: c\nusers:\n- name: u\n  user: {{}}\n"
        ),
    )
    .unwrap();
    for args in [
        vec!["rollout", "web", "--step", "--yes"],
        vec!["delete", "web", "--yes"],
        vec!["force-rollback", "web", "--yes"],
        vec!["rollout", "undo", "web", "--yes"],
    ] {
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
            .args(&args)
            .args(["-o", "json", "--kubeconfig", kubeconfig.to_str().unwrap()])
            .args(["--request-timeout", "2s"])
            .stdin(Stdio::null())
            .output()
            .await
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let types: Vec<String> = events(&stdout)
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(types, ["start", "error", "end"], "{args:?}: {stdout}");
    }
}

/// A set Argo CD manages: every dry run shows the warning the real run shows, a delete
/// warns that self-heal re-creates the set, and the snippet in text output is indented
/// lines (not one line with escaped newlines).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gitops_warnings_show_in_dry_runs_and_before_a_delete() {
    let mut c = scenario("default", &held("nginx:1.26"));
    c.store
        .write_system(
            kubectl_sts::sim::store::Kind::StatefulSet,
            "default",
            "web",
            |s| s["metadata"]["labels"]["argocd.argoproj.io/instance"] = json!("shop"),
        )
        .unwrap();
    let live = serve(c).await;
    for args in [
        vec!["rollout", "web", "--step", "--dry-run"],
        vec!["rollout", "pause", "web", "--dry-run"],
        vec!["rollout", "undo", "web", "--dry-run"],
        vec!["force-rollback", "web", "--force", "--dry-run"],
        vec!["delete", "web", "--dry-run"],
    ] {
        let (code, out, err) = live.run(&args).await;
        assert_eq!(code, 0, "{args:?}: {out}{err}");
        let text = format!("{out}{err}");
        assert!(text.contains("managed by Argo CD"), "{args:?}: {text}");
        assert!(!text.contains("\\x0a"), "{args:?}: {text}");
        if args[0] == "delete" {
            assert!(text.contains("re-created from Git"), "{text}");
        }
        if args[1] == "web" && args[0] == "rollout" {
            assert!(
                text.lines()
                    .any(|l| l.trim() == "- /spec/updateStrategy/rollingUpdate/partition"),
                "the snippet is lines: {text}"
            );
        }
    }
}

fn annotation(live: &Live, key: &str) -> Option<String> {
    live.server.shared.read(|c| {
        c.store
            .get(kubectl_sts::sim::store::Kind::StatefulSet, "default", "web")
            .and_then(|s| {
                s["metadata"]["annotations"][key]
                    .as_str()
                    .map(str::to_string)
            })
    })
}

/// A step that failed its gate is never recorded as passed by a re-run that simply
/// leaves the gate out: the step records its gates, and only `--skip-gates` (with a
/// warning) judges it without them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_re_run_without_the_step_s_gates_stops_unless_told_to_skip_them() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    let gates = gate_file(
        &live,
        "gates:\n- name: must-pass\n  command: {run: 'exit 1'}\n",
    );
    let step = ["rollout", "web", "--step", "--yes", "--stable-for", "0s"];
    let with_gates = [&step[..], &["--gates", gates.as_str()]].concat();
    let (code, _, err) = super::recovery::run_advancing(&live, &with_gates).await;
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        annotation(&live, "kubectl-sts.io/step-gates").as_deref(),
        Some("must-pass")
    );
    let (code, _, err) = super::recovery::run_advancing(&live, &step).await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("must-pass") && err.contains("--skip-gates"),
        "{err}"
    );
    assert_eq!(
        annotation(&live, "kubectl-sts.io/step-verified-partition"),
        None,
        "the failed step was recorded as passed"
    );
    let skip = [&step[..], &["--skip-gates"]].concat();
    let (code, out, err) = super::recovery::run_advancing(&live, &skip).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("--skip-gates: the step to partition 4"),
        "{out}"
    );
    assert_eq!(
        annotation(&live, "kubectl-sts.io/step-verified-partition").as_deref(),
        Some("4")
    );
}
