//! Gates as data (`--gates`): a Prometheus query against an in-test Prometheus (real
//! HTTP, scripted answers), an HTTP gate through the simulated API server's pod proxy,
//! the failure policy with `--auto-rollback`, and bad gate files.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use http_body_util::Full;
use hyper::body::Bytes;
use kubectl_sts::sim::store::Kind;
use serde_json::{Value, json};

use super::live::{Live, images, scenario, serve};
use super::recovery::run_advancing;
use super::stepping::held;

/// A Prometheus `/api/v1/query` endpoint: the value of a query naming `pod="NAME"` is
/// `values[NAME]` (no data when absent); every query is remembered.
struct Prometheus {
    url: String,
    queries: Arc<Mutex<Vec<String>>>,
    _task: tokio::task::JoinHandle<()>,
}

async fn prometheus(values: BTreeMap<String, f64>) -> Prometheus {
    prometheus_turning(values, usize::MAX, BTreeMap::new()).await
}

/// A Prometheus answering from `values` for its first `after` queries, from `then` after.
async fn prometheus_turning(
    values: BTreeMap<String, f64>,
    after: usize,
    then: BTreeMap<String, f64>,
) -> Prometheus {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let queries: Arc<Mutex<Vec<String>>> = Arc::default();
    let (seen, values) = (queries.clone(), Arc::new((values, after, then)));
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let (seen, values) = (seen.clone(), values.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    move |req: hyper::Request<hyper::body::Incoming>| {
                        let (seen, values) = (seen.clone(), values.clone());
                        async move {
                            let query: String = req
                                .uri()
                                .query()
                                .map(|q| {
                                    form_urlencoded::parse(q.as_bytes())
                                        .find(|(k, _)| k == "query")
                                        .map(|(_, v)| v.into_owned())
                                        .unwrap_or_default()
                                })
                                .unwrap_or_default();
                            let asked = {
                                let mut seen = seen.lock().unwrap();
                                seen.push(query.clone());
                                seen.len()
                            };
                            let (before, after, then) = &*values;
                            let values = if asked > *after { then } else { before };
                            let result: Vec<Value> = values
                            .iter()
                            .filter(|(pod, _)| query.contains(&format!("pod=\"{pod}\"")))
                            .map(|(pod, v)| json!({"metric": {"pod": pod}, "value": [1.0, v.to_string()]}))
                            .collect();
                            let body = json!({"status": "success", "data": {"resultType": "vector", "result": result}});
                            Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::from(
                                body.to_string(),
                            ))))
                        }
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Prometheus {
        url,
        queries,
        _task: task,
    }
}

pub fn gate_file(live: &Live, text: &str) -> String {
    let path = live.dir.path().join("gates.yaml");
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn error_rate(url: &str) -> String {
    format!(
        "gates:\n- name: error-rate\n  prometheus:\n    address: {url}\n    query: sum(rate(http_errors_total{{pod=\"{{{{pod}}}}\"}}[1m]))\n    successCondition: result < 1\n"
    )
}

/// `rollout web --all` of the held `default` scenario with the error-rate gate against
/// the Prometheus at `url`, and `extra` flags.
async fn roll_out_gated(url: &str, extra: &[&str]) -> (Live, i32, String, String) {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    let file = gate_file(&live, &error_rate(url));
    let mut args = vec![
        "rollout",
        "web",
        "--all",
        "--yes",
        "--stable-for",
        "0s",
        "--gates",
        &file,
    ];
    args.extend(extra);
    let (code, out, err) = run_advancing(&live, &args).await;
    (live, code, out, err)
}

fn events(out: &str) -> Vec<Value> {
    out.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollout_passes_its_prometheus_gate_while_the_metric_is_good() {
    let good: BTreeMap<String, f64> = (0..5).map(|o| (format!("web-{o}"), 0.2)).collect();
    let prom = prometheus(good).await;
    let (live, code, out, err) = roll_out_gated(&prom.url, &["-o", "json"]).await;
    assert_eq!(code, 0, "{out}{err}");
    let gates: Vec<Value> = events(&out)
        .into_iter()
        .filter(|e| e["type"] == "gate" && e["name"] == "error-rate")
        .collect();
    let pods: Vec<&str> = gates.iter().map(|g| g["pod"].as_str().unwrap()).collect();
    assert_eq!(
        pods,
        ["web-4", "web-3", "web-2", "web-1", "web-0"],
        "one gate per updated pod, in step order"
    );
    assert!(gates.iter().all(|g| g["result"] == "passed"));
    assert!(
        gates[0]["evidence"]
            .as_str()
            .unwrap()
            .contains("= [0.2]; result < 1"),
        "{}",
        gates[0]
    );
    assert!(
        prom.queries
            .lock()
            .unwrap()
            .iter()
            .any(|q| q == "sum(rate(http_errors_total{pod=\"web-4\"}[1m]))")
    );
    assert!(images(&live).iter().all(|i| i == "nginx:1.26"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metric_that_turns_bad_stops_the_rollout_with_its_evidence_and_auto_rollback_undoes_it() {
    // Good on the first two steps (web-4, web-3), bad on the third (web-2).
    let script: BTreeMap<String, f64> = [
        ("web-4", 0.0),
        ("web-3", 0.5),
        ("web-2", 4.0),
        ("web-1", 0.0),
        ("web-0", 0.0),
    ]
    .into_iter()
    .map(|(p, v)| (p.to_string(), v))
    .collect();
    let prom = prometheus(script.clone()).await;
    let (live, code, out, err) = roll_out_gated(&prom.url, &[]).await;
    assert_eq!(code, 1, "{out}{err}");
    let text = format!("{out}{err}");
    assert!(
        text.contains("gate \"error-rate\" on web-2") && text.contains("= [4]; result < 1"),
        "the evidence: query, value, threshold:\n{text}"
    );
    let partition = live.server.shared.read(|c| {
        c.store.get(Kind::StatefulSet, "default", "web").unwrap()["spec"]["updateStrategy"]["rollingUpdate"]["partition"].clone()
    });
    assert_eq!(partition, 2, "stopped at the failing step");

    let prom = prometheus(script).await;
    let (live, code, out, err) = roll_out_gated(&prom.url, &["--auto-rollback"]).await;
    assert_ne!(code, 0, "the rollout still failed: {out}{err}");
    let images = images(&live);
    assert_eq!(images.len(), 5);
    assert!(
        images.iter().all(|i| i == "nginx:1.25"),
        "every pod back on the old revision: {images:?}\n{out}{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http_gate_through_the_pod_proxy_passes_and_fails_as_scripted() {
    let file_text = "gates:\n- name: healthz\n  http:\n    podProxy: {port: 8080, path: /healthz}\n    jsonPath: state\n    successCondition: result == \"serving\"\n";
    for (body, ok) in [
        (r#"{"state":"serving"}"#, true),
        (r#"{"state":"catching-up"}"#, false),
    ] {
        let mut c = scenario("default", &held("nginx:1.26"));
        c.store
            .write_system(Kind::StatefulSet, "default", "web", |s| {
                s["spec"]["template"]["metadata"]["annotations"] =
                    json!({kubectl_sts::sim::api::PROXY_BODY: body});
            })
            .unwrap();
        let live = serve(c).await;
        let file = gate_file(&live, file_text);
        let (code, out, err) = run_advancing(
            &live,
            &[
                "rollout",
                "web",
                "--step",
                "--yes",
                "--stable-for",
                "0s",
                "--gates",
                &file,
                "-o",
                "json",
            ],
        )
        .await;
        let gate = events(&out)
            .into_iter()
            .find(|e| e["type"] == "gate" && e["name"] == "healthz")
            .unwrap_or_else(|| panic!("no healthz gate: {out}{err}"));
        assert_eq!(gate["pod"], "web-4");
        let evidence = gate["evidence"].as_str().unwrap();
        assert!(
            evidence.contains("/api/v1/namespaces/default/pods/web-4:8080/proxy/healthz"),
            "{evidence}"
        );
        if ok {
            assert_eq!(
                (code, gate["result"].as_str()),
                (0, Some("passed")),
                "{out}{err}"
            );
        } else {
            assert_eq!(
                (code, gate["result"].as_str()),
                (1, Some("failed")),
                "{out}{err}"
            );
            assert!(evidence.contains("state = \"catching-up\""), "{evidence}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_gate_files_are_refused_naming_the_line_and_presets_are_listed() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    let file = gate_file(
        &live,
        "gates:\n- name: e\n  prometheus:\n    address: http://p:9090\n    query: up{pod=\"{{podname}}\"}\n    successCondition: result < 1\n",
    );
    let (code, _, err) = live
        .run(&["rollout", "web", "--step", "--yes", "--gates", &file])
        .await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("gates.yaml:5: gate \"e\": unknown placeholder {{podname}}"),
        "{err}"
    );
    let file = gate_file(&live, "gates:\n- name: e\n  prometheus: [\n");
    let (code, _, err) = live
        .run(&["rollout", "web", "--step", "--yes", "--gates", &file])
        .await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("gates.yaml") && err.contains("line"), "{err}");
    let (code, _, err) = live
        .run(&[
            "rollout",
            "web",
            "--step",
            "--yes",
            "--gates",
            "preset:nope",
        ])
        .await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown preset \"nope\""), "{err}");
    assert_eq!(
        live.server.shared.read(|c| c.store.get(Kind::StatefulSet, "default", "web").unwrap()["spec"]["updateStrategy"]["rollingUpdate"]["partition"].clone()),
        5,
        "nothing changed"
    );
    let list = super::support::run(&["gates", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let out = list.stdout;
    for preset in ["etcd", "zookeeper", "elasticsearch", "kafka", "postgresql"] {
        assert!(
            out.contains(&format!("\n{preset}\n")),
            "{preset} listed:\n{out}"
        );
    }
    assert!(
        out.contains("under-replicated")
            && out.contains("replication lag")
            && out.contains("green"),
        "{out}"
    );
}

/// The `--all` progress line estimates the time left from the steps done so far: on the
/// wall clock, 10 replicas whose pods are Ready 2 s after creation, the ETA printed after
/// the third step is within 25% of the time the rollout actually still took.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_eta_after_three_steps_is_within_a_quarter_of_the_time_left() {
    use kubectl_sts::sim::scenario::{Scenario, Step, apply};
    use kubectl_sts::sim::{Clock, Cluster, Config};
    use tokio::io::AsyncBufReadExt;
    let mut config = Config::default();
    config.kubelet.ready_after = jiff::SignedDuration::from_secs(2);
    config.kubelet.max_grace = jiff::SignedDuration::from_millis(100);
    let mut c = Cluster::new(config);
    c.start_at(jiff::Timestamp::now() - jiff::SignedDuration::from_secs(600));
    Scenario::load("default").unwrap().start(&mut c).unwrap();
    for s in [
        Step::Scale {
            set: "web".into(),
            replicas: 10,
        },
        Step::Wait("60s".into()),
        Step::SetPartition {
            set: "web".into(),
            partition: 10,
        },
        Step::SetImage {
            set: "web".into(),
            container: None,
            image: "nginx:1.26".into(),
        },
        Step::Wait("10s".into()),
    ] {
        apply(&mut c, &s).unwrap();
    }
    c.set_clock(Clock::Wall);
    let live = serve(c).await;
    let mut child = live.spawn(&[
        "rollout",
        "web",
        "--all",
        "--stable-for",
        "0s",
        "--yes",
        "-o",
        "json",
    ]);
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut etas: Vec<(std::time::Instant, String)> = Vec::new();
    let mut ended = None;
    let mut status = String::new();
    let run = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let e: Value = serde_json::from_str(&line).unwrap();
            if e["type"] == "progress" && e["message"].as_str().unwrap_or("").contains("ETA") {
                etas.push((
                    std::time::Instant::now(),
                    e["message"].as_str().unwrap().to_string(),
                ));
                if etas.len() == 3 {
                    // status says it too, from the pods alone.
                    let out = live
                        .spawn(&["status", "web"])
                        .wait_with_output()
                        .await
                        .unwrap();
                    status = String::from_utf8_lossy(&out.stdout).into_owned();
                }
            }
            if e["type"] == "end" {
                assert_eq!(e["exitCode"], 0, "{e}");
                ended = Some(std::time::Instant::now());
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(120), run)
        .await
        .unwrap();
    let ended = ended.expect("the rollout ended");
    assert!(
        status.contains("Left:      ETA ~") && status.contains("of 10 ordinals, median"),
        "{status}"
    );
    assert_eq!(
        etas.len(),
        9,
        "one estimate after each step but the last: {etas:?}"
    );
    let (at, message) = &etas[2];
    assert!(message.contains("(3 of 10 ordinals, median"), "{message}");
    // "ETA ~14.7s (…)" or "ETA ~1m3s (…)"
    let text = message
        .split("ETA ~")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    let estimate = kubectl_sts::duration::parse_std(text)
        .unwrap()
        .as_secs_f64();
    let actual = ended.duration_since(*at).as_secs_f64();
    eprintln!("ETA after step 3: {estimate:.1}s; actually {actual:.1}s");
    assert!(
        (estimate - actual).abs() <= 0.25 * actual,
        "estimate {estimate:.1}s vs actual {actual:.1}s"
    );
}

/// The gate of `--gate` measured while the step bakes: with `whileBaking` the query runs
/// every interval during `--stable-for`, and a metric that turns bad then stops the step
/// at once with its evidence (not after the bake); a passing one is measured throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gate_measured_while_baking_stops_the_step_when_the_metric_turns_bad() {
    let good: BTreeMap<String, f64> = [("web-4".to_string(), 0.0)].into();
    let bad: BTreeMap<String, f64> = [("web-4".to_string(), 4.0)].into();
    let gate = |url: &str, baking: bool| {
        format!(
            "{{name: errors, whileBaking: {baking}, interval: 100ms, prometheus: {{address: '{url}', query: 'sum(rate(http_errors_total{{pod=\"{{{{pod}}}}\"}}[1m]))', successCondition: result < 1}}}}"
        )
    };
    let step = async |gate: &str, stable: &str| {
        let live = serve(scenario("default", &held("nginx:1.26"))).await;
        let started = std::time::Instant::now();
        let args = [
            "rollout",
            "web",
            "--step",
            "--yes",
            "--stable-for",
            stable,
            "--gate",
            gate,
            "-o",
            "json",
        ];
        let (code, out, err) = run_advancing(&live, &args).await;
        (live, code, out, err, started.elapsed())
    };

    // Turns bad on the fourth query: while baking, long before the 60 s bake ends.
    let prom = prometheus_turning(good.clone(), 3, bad).await;
    let (live, code, out, err, took) = step(&gate(&prom.url, true), "60s").await;
    assert_eq!(code, 1, "{out}{err}");
    assert!(took < std::time::Duration::from_secs(30), "{took:?}");
    let failed = events(&out)
        .into_iter()
        .find(|e| e["type"] == "gate" && e["name"] == "errors")
        .unwrap_or_else(|| panic!("no gate event: {out}{err}"));
    assert_eq!(
        (failed["pod"].as_str(), failed["result"].as_str()),
        (Some("web-4"), Some("failed"))
    );
    assert!(
        failed["message"]
            .as_str()
            .unwrap()
            .contains("failed while baking")
            && failed["evidence"]
                .as_str()
                .unwrap()
                .contains("= [4]; result < 1"),
        "{failed}"
    );
    assert_eq!(prom.queries.lock().unwrap().len(), 4);
    let partition = live.server.shared.read(|c| {
        c.store.get(Kind::StatefulSet, "default", "web").unwrap()["spec"]["updateStrategy"]["rollingUpdate"]["partition"].clone()
    });
    assert_eq!(partition, 4, "the step is not passed");

    // Good throughout: measured during the 2 s bake, then judged once more.
    let prom = prometheus(good.clone()).await;
    let (_, code, out, err, _) = step(&gate(&prom.url, true), "2s").await;
    assert_eq!(code, 0, "{out}{err}");
    let baked = prom.queries.lock().unwrap().len();
    assert!(baked >= 5, "measured while baking: {baked} queries");
    // Without whileBaking: judged once, after the bake.
    let prom = prometheus(good).await;
    let (_, code, out, err, _) = step(&gate(&prom.url, false), "2s").await;
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(prom.queries.lock().unwrap().len(), 1);
}
