//! The machine's shell and network, for the checks of a step (`ops::checks::Runner`):
//! a gate's command in a process group of its own with no terminal, a plain HTTP GET.
//! An edge like the cluster layer: operations get it from the command line or the
//! dashboard, never by themselves.

use std::time::Duration;

use futures::future::BoxFuture;

use crate::ops::checks::{Exit, Runner};

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
        Box::pin(run_command(command, env, timeout))
    }

    fn http_get<'a>(
        &'a self,
        url: &'a str,
        timeout: Duration,
    ) -> BoxFuture<'a, std::result::Result<(u16, String), String>> {
        Box::pin(http_get(url, timeout))
    }
}

/// The most of a command's output kept as evidence (its end).
const OUTPUT_KEPT: usize = 2048;

/// Runs `sh -c command` as a check: standard input `/dev/null` (never the operator's
/// terminal), standard output and error captured (never the tool's own: under `-o json`
/// that is the event stream), in a process group of its own that is killed whole when
/// the command ends, times out or the step stops waiting — so nothing it started lives
/// on holding the tool's pipes.
async fn run_command(
    command: &str,
    env: &[(String, String)],
    timeout: Duration,
) -> std::result::Result<Exit, String> {
    use tokio::io::AsyncReadExt;
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| e.to_string())?;
    let group = Group(child.id());
    let collect = |pipe: Option<Box<dyn tokio::io::AsyncRead + Send + Unpin>>| async move {
        let mut kept = Vec::new();
        if let Some(mut pipe) = pipe {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                kept.extend_from_slice(&buf[..n]);
                if kept.len() > 4 * OUTPUT_KEPT {
                    kept.drain(..kept.len() - OUTPUT_KEPT);
                }
            }
        }
        kept
    };
    let out = tokio::spawn(collect(child.stdout.take().map(|p| Box::new(p) as _)));
    let err = tokio::spawn(collect(child.stderr.take().map(|p| Box::new(p) as _)));
    let ended = tokio::time::timeout(timeout, child.wait()).await;
    // Whatever it left behind goes with it; then its pipes close.
    drop(group);
    let output = async {
        let mut all = out.await.unwrap_or_default();
        all.extend(err.await.unwrap_or_default());
        all
    };
    let output = tokio::time::timeout(Duration::from_secs(1), output)
        .await
        .unwrap_or_default();
    match ended {
        Ok(status) => {
            let status = status.map_err(|e| format!("waiting for it: {e}"))?;
            Ok(Exit::Exited {
                success: status.success(),
                status: status.to_string(),
                output: tail(&String::from_utf8_lossy(&output)),
            })
        }
        Err(_) => Ok(Exit::TimedOut),
    }
}

/// The last lines of `s` within [`OUTPUT_KEPT`] bytes, trimmed.
fn tail(s: &str) -> String {
    let s = s.trim();
    if s.len() <= OUTPUT_KEPT {
        return s.to_string();
    }
    let mut start = s.len() - OUTPUT_KEPT;
    while !s.is_char_boundary(start) {
        start += 1;
    }
    format!("…{}", &s[start..])
}

/// A check's process group: killed whole when dropped.
struct Group(Option<u32>);

impl Drop for Group {
    fn drop(&mut self) {
        if let Some(pid) = self.0.and_then(|p| i32::try_from(p).ok()) {
            // The group may be gone already; nothing to do then.
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
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
mod tests;
