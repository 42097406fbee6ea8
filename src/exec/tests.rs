//! Values from the cluster reach a gate's command only as data, through the machine's
//! real shell; a command cannot read the operator's terminal nor outlive its timeout.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;

use super::System;
use crate::event::{Event, Verdict};
use crate::ops::checks::{Exit, Runner};
use crate::ops::gates::{PLACEHOLDERS, Subject, from_flags, parse, run};

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
