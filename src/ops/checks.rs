//! The user's checks on a step (`--check-cmd`, `--check-http`): what they are given, how
//! they are judged, and the runners that execute them — behind [`Runner`], so tests can
//! fake the outside world and the step never spawns or connects by itself.

use std::time::Duration;

use futures::future::BoxFuture;

use super::{Io, Target};
use crate::error::{Error, Result};
use crate::event::{Event, Verdict};
use crate::model::Snapshot;

/// How a command ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Exited; `success` with status 0; `status` in words ("exit status: 3").
    Exited { success: bool, status: String },
    /// Did not finish in time and was killed.
    TimedOut,
}

/// Executes checks: a shell command with an environment, an HTTP GET.
pub trait Runner: Send + Sync {
    /// Runs `sh -c command` with `env`; killed when `timeout` passes.
    fn command<'a>(
        &'a self,
        command: &'a str,
        env: &'a [(String, String)],
        timeout: Duration,
    ) -> BoxFuture<'a, std::result::Result<Exit, String>>;

    /// GETs `url` (http only); the status code and the body.
    fn http_get<'a>(
        &'a self,
        url: &'a str,
        timeout: Duration,
    ) -> BoxFuture<'a, std::result::Result<(u16, String), String>>;
}

/// The user's checks for a step.
pub struct Checks {
    pub command: Option<String>,
    pub http: Option<String>,
    /// A check that has not answered by then fails (a command is killed).
    pub timeout: Duration,
    /// The gates of `--gates` files and presets.
    pub gates: Vec<super::gates::Gate>,
    pub runner: Box<dyn Runner>,
}

impl Checks {
    /// No checks.
    pub fn none() -> Checks {
        Checks {
            command: None,
            http: None,
            timeout: Duration::from_secs(60),
            gates: Vec::new(),
            runner: Box::new(System),
        }
    }
}

/// What a check is told about the pod: `STS_*` variables for a command, `{…}`
/// placeholders in a URL.
fn facts(target: &Target, snap: &Snapshot, ordinal: i32) -> Vec<(String, String)> {
    let name = target.name.as_str();
    let service = snap
        .set()
        .spec
        .as_ref()
        .and_then(|s| s.service_name.clone())
        .unwrap_or_default();
    let ns = target.namespace.as_str();
    let pod = format!("{name}-{ordinal}");
    let dns = format!("{pod}.{service}.{ns}.svc");
    [
        ("POD", pod),
        ("ORDINAL", ordinal.to_string()),
        ("NAMESPACE", ns.to_string()),
        ("STATEFULSET", name.to_string()),
        ("SERVICE", service),
        ("DNS", dns),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Runs the checks for each ordinal (highest first); a `gate` event for each verdict.
/// The first failure stops with a "step failed" error.
pub async fn run(
    checks: &Checks,
    io: &mut Io<'_>,
    target: &Target,
    snap: &Snapshot,
    ordinals: &[i32],
) -> Result<()> {
    for &o in ordinals.iter().rev() {
        let facts = facts(target, snap, o);
        let pod = facts[0].1.clone();
        if let Some(cmd) = &checks.command {
            let env: Vec<(String, String)> = facts
                .iter()
                .map(|(k, v)| (format!("STS_{k}"), v.clone()))
                .collect();
            let (verdict, evidence) = match checks.runner.command(cmd, &env, checks.timeout).await {
                Ok(Exit::Exited {
                    success: true,
                    status,
                }) => (Verdict::Passed, status),
                Ok(Exit::Exited { status, .. }) => {
                    (Verdict::Failed, format!("exited with {status}"))
                }
                Ok(Exit::TimedOut) => (
                    Verdict::Failed,
                    format!(
                        "did not finish within --check-timeout {}; it was killed",
                        crate::duration::human(checks.timeout)
                    ),
                ),
                Err(e) => (Verdict::Inconclusive, format!("cannot run sh: {e}")),
            };
            verdict_of(
                io,
                "check-cmd",
                &pod,
                verdict,
                &evidence,
                format!("--check-cmd for {pod}"),
            )?;
        }
        if let Some(url) = &checks.http {
            let url = facts.iter().fold(url.clone(), |u, (k, v)| {
                u.replace(&format!("{{{}}}", k.to_lowercase()), v)
            });
            let (verdict, evidence) = match checks.runner.http_get(&url, checks.timeout).await {
                Ok((code, _)) if (200..300).contains(&code) => {
                    (Verdict::Passed, format!("answered {code}"))
                }
                Ok((code, _)) => (Verdict::Failed, format!("answered {code}")),
                Err(e) => (Verdict::Failed, e),
            };
            verdict_of(
                io,
                "check-http",
                &pod,
                verdict,
                &evidence,
                format!("--check-http {url} for {pod}"),
            )?;
        }
    }
    Ok(())
}

/// The `gate` event; an error unless it passed.
fn verdict_of(
    io: &mut Io<'_>,
    name: &str,
    pod: &str,
    result: Verdict,
    evidence: &str,
    what: String,
) -> Result<()> {
    let passed = result == Verdict::Passed;
    io.emit(Event::Gate {
        name: name.into(),
        pod: Some(pod.into()),
        result,
        evidence: evidence.into(),
        message: if passed {
            format!("✓ {what} passed ({evidence})")
        } else {
            format!("✗ {what}: {evidence}")
        },
    });
    if passed {
        Ok(())
    } else {
        Err(Error::failed(format!("step failed: {what}: {evidence}")))
    }
}

/// The machine's shell and network.
#[derive(Clone, Copy, Debug, Default)]
pub struct System;

impl Runner for System {
    fn command<'a>(
        &'a self,
        command: &'a str,
        env: &'a [(String, String)],
        timeout: Duration,
    ) -> BoxFuture<'a, std::result::Result<Exit, String>> {
        Box::pin(async move {
            let mut child = tokio::process::Command::new("sh")
                .arg("-c")
                .arg(command)
                .envs(env.iter().map(|(k, v)| (k, v)))
                // Killed when the step stops waiting.
                .kill_on_drop(true)
                .spawn()
                .map_err(|e| e.to_string())?;
            match tokio::time::timeout(timeout, child.wait()).await {
                Ok(status) => {
                    let status = status.map_err(|e| format!("waiting for it: {e}"))?;
                    Ok(Exit::Exited {
                        success: status.success(),
                        status: status.to_string(),
                    })
                }
                Err(_) => {
                    let _ = child.kill().await;
                    Ok(Exit::TimedOut)
                }
            }
        })
    }

    fn http_get<'a>(
        &'a self,
        url: &'a str,
        timeout: Duration,
    ) -> BoxFuture<'a, std::result::Result<(u16, String), String>> {
        Box::pin(http_get(url, timeout))
    }
}

/// A plain HTTP/1.1 GET; the status code and the body (up to 1 MiB). (https is for
/// --check-cmd with curl.)
async fn http_get(url: &str, timeout: Duration) -> std::result::Result<(u16, String), String> {
    let uri: http::Uri = url.parse().map_err(|e| format!("invalid URL: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("only http:// URLs are supported; use --check-cmd with curl for https".into());
    }
    let host = uri.host().ok_or("the URL has no host")?.to_string();
    let port = uri.port_u16().unwrap_or(80);
    let fut = async {
        let stream = tokio::net::TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .map_err(|e| e.to_string())?;
        tokio::spawn(connection);
        let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
        let req = http::Request::get(path)
            .header("host", &host)
            .header(
                "user-agent",
                concat!("kubectl-sts/", env!("CARGO_PKG_VERSION")),
            )
            .body(http_body_util::Empty::<bytes::Bytes>::new())
            .map_err(|e| e.to_string())?;
        let res = sender.send_request(req).await.map_err(|e| e.to_string())?;
        let code = res.status().as_u16();
        let body = http_body_util::Limited::new(res.into_body(), 1 << 20);
        let bytes = http_body_util::BodyExt::collect(body)
            .await
            .map_err(|e| format!("reading the answer: {e}"))?
            .to_bytes();
        Ok((code, String::from_utf8_lossy(&bytes).into_owned()))
    };
    tokio::time::timeout(timeout, fut)
        .await
        .map_err(|_| format!("no answer within {}s", timeout.as_secs()))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Answers from a script and remembers what it was asked.
    struct Fake {
        exit: Exit,
        code: u16,
        asked: Arc<Mutex<Vec<String>>>,
    }

    impl Runner for Fake {
        fn command<'a>(
            &'a self,
            command: &'a str,
            env: &'a [(String, String)],
            _: Duration,
        ) -> BoxFuture<'a, std::result::Result<Exit, String>> {
            let pod = env
                .iter()
                .find(|(k, _)| k == "STS_POD")
                .map(|(_, v)| v.clone());
            self.asked
                .lock()
                .unwrap()
                .push(format!("{command} {pod:?}"));
            Box::pin(async move { Ok(self.exit.clone()) })
        }
        fn http_get<'a>(
            &'a self,
            url: &'a str,
            _: Duration,
        ) -> BoxFuture<'a, std::result::Result<(u16, String), String>> {
            self.asked.lock().unwrap().push(url.to_string());
            Box::pin(async move { Ok((self.code, String::new())) })
        }
    }

    fn snap() -> Snapshot {
        let set = serde_json::json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "web", "namespace": "prod"},
            "spec": {"replicas": 3, "serviceName": "web-svc", "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": []}}}});
        Snapshot::from_objects(vec![set], Some("web")).unwrap()
    }

    #[tokio::test]
    async fn checks_run_per_ordinal_highest_first_and_report_gate_events() {
        let fake = Fake {
            exit: Exit::Exited {
                success: true,
                status: "exit status: 0".into(),
            },
            code: 204,
            asked: Arc::default(),
        };
        let asked = fake.asked.clone();
        let checks = Checks {
            command: Some("probe".into()),
            http: Some("http://{dns}:8080/ready?o={ordinal}".into()),
            timeout: Duration::from_secs(1),
            gates: Vec::new(),
            runner: Box::new(fake),
        };
        let mut events: Vec<Event> = Vec::new();
        let mut consent = crate::event::Given::Flag;
        let mut io = Io {
            events: &mut events,
            consent: &mut consent,
            clock: &crate::event::WallClock,
        };
        let target = Target::new("prod", "web");
        run(&checks, &mut io, &target, &snap(), &[1, 2])
            .await
            .unwrap();
        let gates: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                Event::Gate {
                    name, pod, result, ..
                } => Some((name.clone(), pod.clone(), *result)),
                _ => None,
            })
            .collect();
        assert_eq!(gates.len(), 4);
        assert_eq!(
            gates[0],
            ("check-cmd".into(), Some("web-2".into()), Verdict::Passed)
        );
        assert_eq!(gates[1].0, "check-http");
        assert_eq!(gates[2].1.as_deref(), Some("web-1"));
        // What the runner was asked: the pod's facts, in the command's environment and
        // the URL's placeholders.
        let asked = asked.lock().unwrap().clone();
        assert_eq!(
            asked,
            [
                "probe Some(\"web-2\")",
                "http://web-2.web-svc.prod.svc:8080/ready?o=2",
                "probe Some(\"web-1\")",
                "http://web-1.web-svc.prod.svc:8080/ready?o=1",
            ]
        );
    }

    #[tokio::test]
    async fn a_failing_or_slow_check_fails_the_step_with_its_evidence() {
        for (exit, code, want) in [
            (
                Exit::Exited {
                    success: false,
                    status: "exit status: 3".into(),
                },
                200,
                "exited with exit status: 3",
            ),
            (Exit::TimedOut, 200, "it was killed"),
            (
                Exit::Exited {
                    success: true,
                    status: "exit status: 0".into(),
                },
                503,
                "answered 503",
            ),
        ] {
            let checks = Checks {
                command: Some("probe".into()),
                http: Some("http://{pod}.{service}.{namespace}.svc/".into()),
                timeout: Duration::from_secs(1),
                gates: Vec::new(),
                runner: Box::new(Fake {
                    exit,
                    code,
                    asked: Arc::default(),
                }),
            };
            let mut events: Vec<Event> = Vec::new();
            let mut consent = crate::event::Given::Flag;
            let mut io = Io {
                events: &mut events,
                consent: &mut consent,
                clock: &crate::event::WallClock,
            };
            let err = run(&checks, &mut io, &Target::new("prod", "web"), &snap(), &[2])
                .await
                .unwrap_err();
            assert!(err.message.contains(want), "{}", err.message);
            assert!(err.message.starts_with("step failed"), "{}", err.message);
            let last = events.last().unwrap();
            assert!(
                matches!(
                    last,
                    Event::Gate {
                        result: Verdict::Failed,
                        ..
                    }
                ),
                "{last:?}"
            );
            if want.contains("503") {
                assert!(
                    err.message.contains("http://web-2.web-svc.prod.svc/"),
                    "{}",
                    err.message
                );
            }
        }
    }
}
