//! Gates under hostile input: values the set's author chose (its name, namespace,
//! serviceName, revision) reach a command only as data and never move a request to
//! another host; a command cannot read the operator's terminal nor outlive its timeout;
//! a gate that could only fail once run, or pass having checked nothing, is refused when
//! parsed.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;

use super::run::{Subject, run};
use super::*;
use crate::event::{Event, Verdict};
use crate::ops::checks::{Exit, Runner, System};

/// Runs commands for real (the machine's shell) and records every URL asked, answering
/// 200 without sending anything.
struct RealShell {
    asked: Arc<Mutex<Vec<String>>>,
}

impl Runner for RealShell {
    fn command<'a>(
        &'a self,
        command: &'a str,
        env: &'a [(String, String)],
        timeout: Duration,
    ) -> BoxFuture<'a, std::result::Result<Exit, String>> {
        System.command(command, env, timeout)
    }
    fn http_get<'a>(
        &'a self,
        url: &'a str,
        _: Duration,
    ) -> BoxFuture<'a, std::result::Result<(u16, String), String>> {
        self.asked.lock().unwrap().push(url.to_string());
        Box::pin(async {
            Ok((
                200,
                r#"{"status":"success","data":{"resultType":"scalar","result":[1,"0"]}}"#.into(),
            ))
        })
    }
}

/// A client that answers every request 200 and records its path (the pod proxy).
fn recording_api(paths: Arc<Mutex<Vec<String>>>) -> kube::Client {
    kube::Client::new(
        tower::service_fn(move |req: http::Request<kube::client::Body>| {
            paths.lock().unwrap().push(req.uri().to_string());
            async {
                Ok::<_, std::convert::Infallible>(http::Response::new(kube::client::Body::from(
                    b"ok".to_vec(),
                )))
            }
        }),
        "default",
    )
}

/// Every field a set's author controls, each one a command that creates `marker`.
fn hostile(marker: &std::path::Path) -> Subject {
    let evil = |tag: &str| format!("x;touch${{IFS}}{}-{tag};#", marker.display());
    let set = evil("set");
    Subject {
        namespace: evil("ns"),
        service: format!("{}@127.0.0.1:1/hijack?", evil("svc")),
        revision: format!("$(touch {}-rev)", marker.display()),
        controlled: [format!("{set}-2")].into(),
        set,
    }
}

#[tokio::test]
async fn no_value_from_the_cluster_runs_as_shell_code_in_any_gate() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("owned");
    let subject = hostile(&marker);
    let asked = Arc::new(Mutex::new(Vec::new()));
    let paths = Arc::new(Mutex::new(Vec::new()));
    let runner = RealShell {
        asked: asked.clone(),
    };
    let client = recording_api(paths.clone());
    for p in PLACEHOLDERS {
        // Each placeholder, in every spelling and place a gate takes it.
        let file = format!(
            "gates:\n\
             - name: cmd-{p}\n  command: {{run: 'echo {{{{{p}}}}} && test -n {{{{ {p} }}}}', env: {{V: '{{{{{p}}}}}'}}}}\n\
             - name: env-{p}\n  command: {{run: 'echo \"$V\"', env: {{V: '{{{{{p}}}}}'}}}}\n\
             - name: url-{p}\n  http: {{url: 'http://checker.local:8080/h/{{{{{p}}}}}'}}\n\
             - name: proxy-{p}\n  http: {{podProxy: {{port: 8080, path: '/h/{{{{{p}}}}}'}}}}\n\
             - name: prom-{p}\n  prometheus: {{address: 'http://prom.local:9090', query: 'up{{x=\"{{{{{p}}}}}\"}}', successCondition: result < 1}}\n"
        );
        let (_, gates) = parse("hostile.yaml", &file).unwrap();
        let flag_gates = from_flags(
            Some(&format!("echo {{{{{p}}}}}")),
            Some(&format!("http://checker.local:8080/{{{p}}}")),
            Duration::from_secs(5),
        )
        .unwrap();
        let mut events: Vec<Event> = Vec::new();
        for g in gates.iter().chain(&flag_gates) {
            let _ = run(
                std::slice::from_ref(g),
                &runner,
                &client,
                &mut events,
                &subject,
                &[2],
            )
            .await;
        }
        let passed = events
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Event::Gate {
                        result: Verdict::Passed,
                        ..
                    }
                )
            })
            .count();
        assert!(passed >= 5, "{p}: the gates ran ({events:?})");
    }
    let made: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(made.is_empty(), "a value ran as code: {made:?}");
    for url in asked.lock().unwrap().iter() {
        let uri: http::Uri = url.parse().unwrap();
        assert!(
            matches!(uri.host(), Some("checker.local" | "prom.local")),
            "a request went elsewhere: {url}"
        );
    }
    for path in paths.lock().unwrap().iter() {
        assert!(
            path.starts_with("/api/v1/namespaces/x%3Btouch"),
            "a proxied request left its pod: {path}"
        );
        assert_eq!(path.matches('/').count(), 9, "{path}");
    }
}

#[tokio::test]
async fn a_url_whose_host_comes_from_the_set_is_refused_when_the_value_is_not_a_host() {
    let subject = hostile(std::path::Path::new("/nonexistent"));
    let asked = Arc::new(Mutex::new(Vec::new()));
    let runner = RealShell {
        asked: asked.clone(),
    };
    let gates = from_flags(
        None,
        Some("http://{pod}.{service}.svc:8080/healthz"),
        Duration::from_secs(1),
    )
    .unwrap();
    let mut events: Vec<Event> = Vec::new();
    let err = run(
        &gates,
        &runner,
        &recording_api(Arc::default()),
        &mut events,
        &subject,
        &[2],
    )
    .await
    .unwrap_err();
    assert!(
        err.message.contains("cannot be part of a host name"),
        "{}",
        err.message
    );
    assert!(asked.lock().unwrap().is_empty(), "nothing is sent");
}

#[tokio::test]
async fn a_command_reads_no_terminal_and_dies_with_everything_it_started() {
    let dir = tempfile::tempdir().unwrap();
    // Standard input is /dev/null: `cat` ends at once.
    let exit = System
        .command("cat && echo said-this", &[], Duration::from_secs(5))
        .await
        .unwrap();
    assert!(
        matches!(&exit, Exit::Exited { success: true, output, .. } if output == "said-this"),
        "{exit:?}"
    );
    // A child that outlives the timeout is killed with it.
    let late = dir.path().join("late");
    let started = std::time::Instant::now();
    let exit = System
        .command(
            &format!("(sleep 1; touch {}) & sleep 30", late.display()),
            &[],
            Duration::from_millis(300),
        )
        .await
        .unwrap();
    assert_eq!(exit, Exit::TimedOut);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!late.exists(), "a child of the timed-out check lived on");
    // One that keeps the pipes open after `sh` exits does not hold the check either.
    let started = std::time::Instant::now();
    let exit = System
        .command("sleep 30 & echo bye", &[], Duration::from_secs(5))
        .await
        .unwrap();
    assert!(
        matches!(exit, Exit::Exited { success: true, .. }),
        "{exit:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn gates_that_would_fail_only_once_run_or_check_nothing_are_refused_naming_the_line() {
    let cases = [
        (
            "prometheus: {address: 'https://p:9090', query: up, successCondition: result < 1}",
            "only http://",
        ),
        (
            "prometheus: {address: 'p:9090', query: up, successCondition: result < 1}",
            "not a URL",
        ),
        (
            "prometheus: {address: 'http://p:9090', query: '  ', successCondition: result < 1}",
            "query is empty",
        ),
        (
            "prometheus: {address: 'http://p:9090', query: up, successCondition: result != NaN}",
            "not a finite number",
        ),
        (
            "prometheus: {address: 'http://p:9090', query: up, successCondition: result != \"x\"}",
            "compare it with one",
        ),
        ("command: {run: ''}", "command.run is empty"),
        (
            "command: {run: 'true'}\n  timeout: 0s",
            "timeout: 0s is zero",
        ),
        (
            "command: {run: 'true'}\n  interval: 0s",
            "interval: 0s is zero",
        ),
        (
            "http: {url: 'http://x/', expectStatus: 0}",
            "expectStatus 0",
        ),
        (
            "http: {podProxy: {port: 0, path: /h}}",
            "podProxy.port is 0",
        ),
        ("http: {url: 'not a url'}", "not a URL"),
    ];
    for (body, want) in cases {
        let text = format!("gates:\n- name: g\n  {body}\n");
        let e = parse("g.yaml", &text).unwrap_err();
        assert!(e.starts_with("g.yaml:") && e.contains(want), "{body}: {e}");
        assert!(
            e.split(':')
                .nth(1)
                .is_some_and(|n| n.parse::<usize>().is_ok()),
            "names the line: {e}"
        );
    }
    for (url, want) in [("https://x/", "only http://"), ("not a url", "not a URL")] {
        let e = from_flags(None, Some(url), Duration::from_secs(1)).unwrap_err();
        assert!(e.starts_with("--check-http: ") && e.contains(want), "{e}");
    }
    assert!(
        from_flags(Some("true"), None, Duration::ZERO)
            .unwrap_err()
            .contains("--check-timeout")
    );
}

#[test]
fn every_spelling_of_a_placeholder_is_filled() {
    let g = inline(
        "--gate #1",
        "{name: s, command: {run: 'x {{ pod }} {{ordinal}}'}}",
    )
    .unwrap();
    assert!(g.per_pod, "{{{{ pod }}}} names a pod");
    let facts = [("pod", "web-1".to_string()), ("ordinal", "1".to_string())];
    let Check::Command { run, .. } = &g.check else {
        panic!()
    };
    assert_eq!(template::shell(run, &facts), "x 'web-1' '1'");
    let gates = from_flags(
        None,
        Some("http://{pod}.web:80/{{ordinal}}"),
        Duration::from_secs(1),
    )
    .unwrap();
    let Check::Http {
        target: HttpTarget::Url(u),
        ..
    } = &gates[0].check
    else {
        panic!()
    };
    assert_eq!(template::url(u, &facts).unwrap(), "http://web-1.web:80/1");
}
