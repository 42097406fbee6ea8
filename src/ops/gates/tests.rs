//! The gates' tests: measurement, failure policy, the flags' shorthands, the bake.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;

use super::condition::Value;
use super::run::{Subject, bake, prometheus_values, run};
use super::*;
use crate::event::{Event, Sink, Verdict};
use crate::model::Snapshot;
use crate::ops::checks::{Exit, Runner};

#[test]
fn prometheus_answers_give_their_values_and_errors() {
    let vector = r#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"pod":"web-1"},"value":[1.0,"0.5"]},{"metric":{"pod":"web-2"},"value":[1.0,"3"]}]}}"#;
    assert_eq!(
        prometheus_values(vector).unwrap(),
        [Value::Number(0.5), Value::Number(3.0)]
    );
    let scalar = r#"{"status":"success","data":{"resultType":"scalar","result":[1.0,"7"]}}"#;
    assert_eq!(prometheus_values(scalar).unwrap(), [Value::Number(7.0)]);
    let empty = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
    assert!(prometheus_values(empty).unwrap().is_empty());
    let error = r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#;
    assert!(
        prometheus_values(error)
            .unwrap_err()
            .contains("parse error")
    );
}

/// A runner that must not be reached.
struct Untouchable;

impl Runner for Untouchable {
    fn command<'a>(
        &'a self,
        _: &'a str,
        _: &'a [(String, String)],
        _: Duration,
    ) -> futures::future::BoxFuture<'a, std::result::Result<Exit, String>> {
        panic!("a command ran against a pod the set does not control")
    }
    fn http_get<'a>(
        &'a self,
        _: &'a str,
        _: Duration,
    ) -> futures::future::BoxFuture<'a, std::result::Result<(u16, String), String>> {
        panic!("a query ran against a pod the set does not control")
    }
}

#[tokio::test]
async fn a_gate_never_runs_against_a_pod_the_set_does_not_control() {
    let (_, gates) = parse(
            "g",
            "gates:\n- name: smoke\n  command: {run: 'check {{pod}}'}\n- name: errors\n  prometheus:\n    address: http://p:9090\n    query: up{pod=\"{{pod}}\"}\n    successCondition: result == 1\n",
        )
        .unwrap();
    let client = no_api();
    let mut events: Vec<Event> = Vec::new();
    let subject = Subject {
        namespace: "prod".into(),
        set: "web".into(),
        revision: "web-2a".into(),
        // web-3 has the set's name but not its owner reference.
        controlled: ["web-0", "web-1", "web-2"].map(String::from).into(),
        ..Subject::default()
    };
    let err = run(&gates, &Untouchable, &client, &mut events, &subject, &[3])
        .await
        .unwrap_err();
    assert!(
        err.message
            .contains("pod/web-3 is not controlled by statefulset/web"),
        "{}",
        err.message
    );
}

#[test]
fn every_preset_parses() {
    for (name, text) in PRESETS {
        let (description, gates) = parse(name, text).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            description.is_some_and(|d| !d.is_empty()),
            "{name} is documented"
        );
        assert!(!gates.is_empty(), "{name}");
    }
}

#[test]
fn unknown_placeholders_and_malformed_files_name_the_line() {
    let text = "gates:\n- name: errors\n  prometheus:\n    address: http://p:9090\n    query: up{pod=\"{{podname}}\"}\n    successCondition: result < 1\n";
    let e = parse("g.yaml", text).unwrap_err();
    assert!(
        e.starts_with("g.yaml:5: gate \"errors\": unknown placeholder {{podname}}"),
        "{e}"
    );
    let e = parse("g.yaml", "gates:\n- name: x\n  prometheus: [\n").unwrap_err();
    assert!(e.starts_with("g.yaml:") && e.contains("line"), "{e}");
    let e = parse(
        "g.yaml",
        "gates:\n- name: x\n  promethus:\n    address: a\n",
    )
    .unwrap_err();
    assert!(e.contains("promethus"), "{e}");
    let e = parse(
        "g.yaml",
        "gates:\n- name: both\n  command: {run: 'true'}\n  http: {url: 'http://x'}\n",
    )
    .unwrap_err();
    assert!(
        e.starts_with("g.yaml:2: gate \"both\": needs exactly one"),
        "{e}"
    );
    let e = parse("g.yaml", "gates:\n- name: c\n  prometheus:\n    address: http://a\n    query: q\n    successCondition: value < 1\n").unwrap_err();
    assert!(e.starts_with("g.yaml:6:"), "{e}");
}

#[test]
fn a_gate_that_names_a_pod_runs_per_pod() {
    let (_, gates) = parse("g", "gates:\n- name: a\n  command: {run: 'check {{pod}}'}\n- name: b\n  command: {run: 'check {{set}}'}\n- name: c\n  http: {podProxy: {port: 8080, path: /healthz}}\n").unwrap();
    assert_eq!(
        gates.iter().map(|g| g.per_pod).collect::<Vec<_>>(),
        [true, false, true]
    );
    assert_eq!(
        template::plain(
            "{{set}}-{{ordinal}}",
            &[("set", "web".into()), ("ordinal", "3".into())]
        ),
        "web-3"
    );
}

/// Answers from a script (HTTP codes in turn, the last one kept) and remembers what it
/// was asked.
struct Fake {
    exit: Exit,
    codes: Mutex<VecDeque<u16>>,
    asked: Arc<Mutex<Vec<String>>>,
}

impl Fake {
    fn new(exit: Exit, codes: &[u16]) -> Fake {
        Fake {
            exit,
            codes: Mutex::new(codes.iter().copied().collect()),
            asked: Arc::default(),
        }
    }
}

impl Runner for Fake {
    fn command<'a>(
        &'a self,
        command: &'a str,
        env: &'a [(String, String)],
        _: Duration,
    ) -> BoxFuture<'a, std::result::Result<Exit, String>> {
        let var = |k: &str| {
            env.iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        self.asked.lock().unwrap().push(format!(
            "{command} {} {} {} {}",
            var("STS_POD"),
            var("STS_ORDINAL"),
            var("STS_STATEFULSET"),
            var("STS_DNS")
        ));
        Box::pin(async move { Ok(self.exit.clone()) })
    }
    fn http_get<'a>(
        &'a self,
        url: &'a str,
        _: Duration,
    ) -> BoxFuture<'a, std::result::Result<(u16, String), String>> {
        self.asked.lock().unwrap().push(url.to_string());
        let mut codes = self.codes.lock().unwrap();
        let code = if codes.len() > 1 {
            codes.pop_front().unwrap()
        } else {
            codes.front().copied().unwrap_or(200)
        };
        Box::pin(async move { Ok((code, String::new())) })
    }
}

fn ok() -> Exit {
    Exit::Exited {
        success: true,
        status: "exit status: 0".into(),
        output: String::new(),
    }
}

/// A client whose API server must not be reached.
pub(super) fn no_api() -> kube::Client {
    kube::Client::new(
        tower::service_fn(|_: http::Request<kube::client::Body>| async {
            panic!("no request to the API server");
            #[allow(unreachable_code)]
            Ok::<http::Response<kube::client::Body>, std::convert::Infallible>(http::Response::new(
                kube::client::Body::empty(),
            ))
        }),
        "default",
    )
}

/// The set `web` in `prod` (service `web-svc`, rolling to `web-2b`) controlling web-0..2,
/// read from objects as the API server returns them.
fn subject() -> Subject {
    let owner = serde_json::json!([{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
        "uid": "u-web", "controller": true}]);
    let mut objects = vec![
        serde_json::json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "prod", "uid": "u-web"},
        "spec": {"replicas": 4, "serviceName": "web-svc", "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": []}}},
        "status": {"replicas": 4, "updateRevision": "web-2b"}}),
    ];
    for o in 0..4 {
        // web-3 carries the labels but another owner.
        let refs = if o == 3 {
            serde_json::json!([{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
                "uid": "u-other", "controller": true}])
        } else {
            owner.clone()
        };
        objects.push(serde_json::json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("web-{o}"), "namespace": "prod", "labels": {"app": "web"},
                         "ownerReferences": refs}}));
    }
    Subject::of(&Snapshot::from_objects(objects, Some("web")).unwrap())
}

fn gate_events(events: &[Event]) -> Vec<(String, Option<String>, Verdict)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Gate {
                name, pod, result, ..
            } => Some((name.clone(), pod.clone(), *result)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_subject_is_the_set_as_read_with_only_the_pods_it_controls() {
    let s = subject();
    assert_eq!(
        (
            s.namespace.as_str(),
            s.set.as_str(),
            s.service.as_str(),
            s.revision.as_str()
        ),
        ("prod", "web", "web-svc", "web-2b")
    );
    assert_eq!(
        s.controlled.iter().map(String::as_str).collect::<Vec<_>>(),
        ["web-0", "web-1", "web-2"]
    );
}

/// `--check-cmd` and `--check-http` are a command gate and an http gate: per pod of the
/// step, highest first, with the pod's facts in the environment and the URL.
#[tokio::test]
async fn the_check_flags_are_gates_on_each_pod_highest_first() {
    let fake = Fake::new(ok(), &[204]);
    let asked = fake.asked.clone();
    let gates = from_flags(
        Some("probe"),
        Some("http://{dns}:8080/ready?o={ordinal}"),
        Duration::from_secs(1),
    )
    .unwrap();
    assert_eq!(
        gates
            .iter()
            .map(|g| (g.name.as_str(), g.per_pod))
            .collect::<Vec<_>>(),
        [("check-cmd", true), ("check-http", true)]
    );
    let mut events: Vec<Event> = Vec::new();
    run(&gates, &fake, &no_api(), &mut events, &subject(), &[1, 2])
        .await
        .unwrap();
    assert_eq!(
        gate_events(&events),
        [
            ("check-cmd".into(), Some("web-2".into()), Verdict::Passed),
            ("check-cmd".into(), Some("web-1".into()), Verdict::Passed),
            ("check-http".into(), Some("web-2".into()), Verdict::Passed),
            ("check-http".into(), Some("web-1".into()), Verdict::Passed),
        ]
    );
    assert_eq!(
        asked.lock().unwrap().clone(),
        [
            "probe web-2 2 web web-2.web-svc.prod.svc",
            "probe web-1 1 web web-1.web-svc.prod.svc",
            "http://web-2.web-svc.prod.svc:8080/ready?o=2",
            "http://web-1.web-svc.prod.svc:8080/ready?o=1",
        ]
    );
}

#[tokio::test]
async fn a_failing_or_slow_check_fails_the_step_with_its_evidence() {
    let failed = Exit::Exited {
        success: false,
        status: "exit status: 3".into(),
        output: String::new(),
    };
    for (cmd, exit, code, want) in [
        (true, failed, 200, "probe: exited with exit status: 3"),
        (
            true,
            Exit::TimedOut,
            200,
            "did not finish within --check-timeout 1s; it was killed",
        ),
        (
            false,
            ok(),
            503,
            "GET http://web-2.web-svc.prod.svc/ answered 503, expected 2xx",
        ),
    ] {
        let gates = from_flags(
            cmd.then_some("probe"),
            (!cmd).then_some("http://{pod}.{service}.{namespace}.svc/"),
            Duration::from_secs(1),
        )
        .unwrap();
        let mut events: Vec<Event> = Vec::new();
        let err = run(
            &gates,
            &Fake::new(exit, &[code]),
            &no_api(),
            &mut events,
            &subject(),
            &[2],
        )
        .await
        .unwrap_err();
        assert!(
            err.message.starts_with("step failed: gate"),
            "{}",
            err.message
        );
        assert!(err.message.contains(want), "{}", err.message);
        assert!(
            matches!(
                events.last(),
                Some(Event::Gate {
                    result: Verdict::Failed,
                    ..
                })
            ),
            "{events:?}"
        );
    }
}

#[test]
fn a_gate_on_the_command_line_is_one_entry_of_a_gate_file() {
    let g = inline(
        "--gate #1",
        "{name: health, http: {url: 'http://{{dns}}:8080/health'}, whileBaking: true, interval: 2s}",
    )
    .unwrap();
    assert_eq!(g.name, "health");
    assert!(g.per_pod && g.while_baking);
    assert_eq!(g.interval, Duration::from_secs(2));
    let e = inline("--gate #2", "{name: x, http: {url: 'http://{{host}}/'}}").unwrap_err();
    assert!(
        e.starts_with("--gate #2:1: gate \"x\": unknown placeholder {{host}}"),
        "{e}"
    );
    let e = inline("--gate #3", "{name: x, htp: {}}").unwrap_err();
    assert!(e.starts_with("--gate #3: ") && e.contains("htp"), "{e}");
}

/// While the step bakes, a `whileBaking` gate is measured every interval: nothing while
/// the pods are not baking, and a failure beyond its limit ends the bake with the
/// evidence at once.
#[tokio::test]
async fn a_gate_measured_while_baking_stops_the_step_when_it_turns_bad() {
    let g = inline(
        "--gate #1",
        "{name: health, http: {url: 'http://{{pod}}/health'}, whileBaking: true, interval: 20ms, failureLimit: 1}",
    )
    .unwrap();
    // Good for three rounds of both pods, then bad.
    let fake = Fake::new(ok(), &[200, 200, 200, 200, 200, 200, 500]);
    let asked = fake.asked.clone();
    let baking = RefCell::new(None);
    let mut events: Vec<Event> = Vec::new();
    let sink: RefCell<&mut dyn Sink> = RefCell::new(&mut events);
    let client = no_api();
    let gates = [g];
    let mut bake = Box::pin(bake(&gates, &fake, &client, &sink, &baking, &[1, 2]));
    // Not baking: nothing is measured.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut bake)
            .await
            .is_err()
    );
    assert!(asked.lock().unwrap().is_empty());
    *baking.borrow_mut() = Some(subject());
    let err = tokio::time::timeout(Duration::from_secs(5), &mut bake)
        .await
        .expect("the bake ends on the failure");
    assert!(
        err.message
            .starts_with("step failed: gate \"health\" on web-2 failed while baking: GET http://web-2/health answered 500"),
        "{}",
        err.message
    );
    drop(bake);
    let asked = asked.lock().unwrap().clone();
    // Both pods were measured each round until web-2 failed twice (failureLimit 1).
    assert_eq!(&asked[..2], ["http://web-2/health", "http://web-1/health"]);
    assert_eq!(asked.len(), 9, "{asked:?}");
    assert_eq!(
        gate_events(&events),
        [("health".into(), Some("web-2".into()), Verdict::Failed)]
    );
}

#[tokio::test]
async fn without_gates_to_bake_the_bake_never_ends() {
    let gates = from_flags(Some("probe"), None, Duration::from_secs(1)).unwrap();
    let fake = Fake::new(ok(), &[200]);
    let baking = RefCell::new(Some(subject()));
    let mut events: Vec<Event> = Vec::new();
    let sink: RefCell<&mut dyn Sink> = RefCell::new(&mut events);
    let client = no_api();
    let bake = bake(&gates, &fake, &client, &sink, &baking, &[2]);
    assert!(
        tokio::time::timeout(Duration::from_millis(200), bake)
            .await
            .is_err()
    );
    assert!(fake.asked.lock().unwrap().is_empty());
}
