//! What runs a step's checks (the gates of `--gates`, `--gate`, `--check-cmd` and
//! `--check-http`; judged in `ops::gates`): the runners behind [`Runner`], so tests can
//! fake the outside world and the step never spawns or connects by itself.

use std::time::Duration;

use futures::future::BoxFuture;

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

/// The gates of a step — `--check-cmd` and `--check-http` among them, as the gates
/// they are shorthands for — and what runs them.
pub struct Checks {
    pub gates: Vec<super::gates::Gate>,
    pub runner: Box<dyn Runner>,
}

impl Checks {
    /// No checks.
    pub fn none() -> Checks {
        Checks {
            gates: Vec::new(),
            runner: Box::new(System),
        }
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
