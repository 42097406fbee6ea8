//! Waits against a server that stalls: a TCP proxy in front of the simulated cluster that
//! holds every byte (of open connections and new ones) while it is stalled. A wait must
//! end by its deadline, every read carries the request timeout, a silent watch is not
//! observed time, and `--step-timeout` bounds every phase of a step, gates included.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use kubectl_sts::sim::scenario::{Step, apply};
use kubectl_sts::sim::store::Kind;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::live::{Live, scenario, serve};
use super::stepping::held;

/// A proxy to the simulated API server that can stall.
pub struct Proxy {
    pub kubeconfig: String,
    stalled: Arc<AtomicBool>,
    _task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    pub async fn start(live: &Live) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let upstream = live.server.addr;
        let stalled = Arc::new(AtomicBool::new(false));
        let held = stalled.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let held = held.clone();
                tokio::spawn(async move {
                    let Ok(server) = tokio::net::TcpStream::connect(upstream).await else {
                        return;
                    };
                    let (cr, cw) = client.into_split();
                    let (sr, sw) = server.into_split();
                    tokio::spawn(pump(cr, sw, held.clone()));
                    pump(sr, cw, held).await;
                });
            }
        });
        let text = std::fs::read_to_string(live.kubeconfig()).unwrap();
        let text = text.replace(
            &format!("127.0.0.1:{}", upstream.port()),
            &format!("127.0.0.1:{port}"),
        );
        let kubeconfig = live.dir.path().join("kubeconfig-proxied");
        std::fs::write(&kubeconfig, text).unwrap();
        Proxy {
            kubeconfig: kubeconfig.to_string_lossy().into_owned(),
            stalled,
            _task: task,
        }
    }

    pub fn stall(&self, on: bool) {
        self.stalled.store(on, Ordering::SeqCst);
    }
}

/// Copies `from` to `to`, holding each chunk while stalled.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    stalled: Arc<AtomicBool>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        while stalled.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

/// Runs the binary through `proxy` while the cluster's clock moves; `during` is called
/// every 100 ms with the time since the start. Returns the exit code, stdout, stderr and
/// how long it took.
async fn run_through(
    live: &Live,
    proxy: &Proxy,
    args: &[&str],
    mut during: impl FnMut(Duration),
) -> (i32, String, String, Duration) {
    let started = Instant::now();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .args(args)
        .args(["--kubeconfig", &proxy.kubeconfig])
        .env("HOME", live.dir.path())
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let wait = child.wait_with_output();
    tokio::pin!(wait);
    for _ in 0..900 {
        tokio::select! {
            out = &mut wait => {
                let out = out.unwrap();
                return (
                    out.status.code().unwrap_or(-1),
                    String::from_utf8_lossy(&out.stdout).into_owned(),
                    String::from_utf8_lossy(&out.stderr).into_owned(),
                    started.elapsed(),
                );
            }
            _ = tokio::time::sleep(Duration::from_millis(100)) => {
                live.server.advance(jiff::SignedDuration::from_secs(1));
                during(started.elapsed());
            }
        }
    }
    proxy.stall(false);
    panic!("{args:?} did not end within 90 s");
}

fn partition_patched(live: &Live) -> bool {
    live.server.shared.requests().iter().any(|r| {
        r.method == "PATCH"
            && r.status == 200
            && r.body
                .as_ref()
                .and_then(|b| b.pointer("/spec/updateStrategy/rollingUpdate/partition"))
                .is_some()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_stalls_after_the_first_write_ends_every_wait_by_its_deadline() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    let proxy = Proxy::start(&live).await;
    live.server.shared.clear_requests();
    let (code, _, stderr, took) = run_through(
        &live,
        &proxy,
        &[
            "rollout",
            "web",
            "--step",
            "--yes",
            "--stable-for",
            "0s",
            "--step-timeout",
            "6s",
            "--request-timeout",
            "2s",
        ],
        |_| {
            if partition_patched(&live) {
                proxy.stall(true);
            }
        },
    )
    .await;
    assert_eq!(code, 1, "{stderr}");
    assert!(took < Duration::from_secs(20), "{took:?}: {stderr}");
    assert!(
        !stderr.contains("force-rollback"),
        "an API outage is not a stuck revision: {stderr}"
    );
    proxy.stall(true);
    for args in [
        vec![
            "rollout",
            "status",
            "web",
            "--timeout",
            "4s",
            "--request-timeout",
            "2s",
        ],
        vec![
            "delete",
            "web",
            "--yes",
            "--timeout",
            "4s",
            "--request-timeout",
            "2s",
        ],
    ] {
        let (code, _, stderr, took) = run_through(&live, &proxy, &args, |_| {}).await;
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(
            took < Duration::from_secs(12),
            "{args:?} took {took:?}: {stderr}"
        );
    }
}

fn ready_on(live: &Live, pod: &str, image: &str) -> Option<String> {
    live.server.shared.read(|c| {
        let p = c.store.get(Kind::Pod, "default", pod)?;
        (p["spec"]["containers"][0]["image"] == image
            && p["status"]["conditions"][3]["status"] == "True")
            .then(|| p["metadata"]["uid"].as_str().unwrap_or("").to_string())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stall_is_not_stability() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    let proxy = Proxy::start(&live).await;
    let mut ready_at: Option<Duration> = None;
    let mut stalled_at: Option<Duration> = None;
    let mut unstalled: Option<SystemTime> = None;
    let (code, stdout, stderr, _) = run_through(
        &live,
        &proxy,
        &[
            "rollout",
            "web",
            "--step",
            "--yes",
            "--stable-for",
            "4s",
            "--step-timeout",
            "60s",
            "--request-timeout",
            "2s",
            "-o",
            "json",
        ],
        |t| match stalled_at {
            None if ready_at.is_none() && ready_on(&live, "web-4", "nginx:1.26").is_some() => {
                ready_at = Some(t);
            }
            // A second after the new web-4 is Ready the tool watches it for stability:
            // stall, and have it deleted and re-created meanwhile.
            None if ready_at.is_some_and(|r| t > r + Duration::from_secs(1)) => {
                proxy.stall(true);
                stalled_at = Some(t);
                live.server.shared.with(|c| {
                    apply(c, &Step::DeletePod("web-4".into())).unwrap();
                });
            }
            Some(at) if unstalled.is_none() && t > at + Duration::from_secs(8) => {
                unstalled = Some(SystemTime::now());
                proxy.stall(false);
            }
            _ => {}
        },
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let unstalled = unstalled.expect("the stall ended before the step passed");
    let passed = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|e| e["type"] == "gate" && e["name"] == "ready" && e["result"] == "passed")
        .expect("the step passed");
    let at: jiff::Timestamp = passed["time"].as_str().unwrap().parse().unwrap();
    let unstalled = jiff::Timestamp::try_from(unstalled).unwrap();
    assert!(
        at > unstalled,
        "the step passed at {at}, during the stall (ended {unstalled}): blind time was counted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_step_timeout_bounds_the_gates_too() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    let gates = super::gates::gate_file(
        &live,
        "gates:\n- name: slow\n  count: 1000\n  interval: 1s\n  command: {run: 'true'}\n",
    );
    let started = Instant::now();
    let (code, _, stderr) = super::recovery::run_advancing(
        &live,
        &[
            "rollout",
            "web",
            "--step",
            "--yes",
            "--stable-for",
            "0s",
            "--step-timeout",
            "5s",
            "--gates",
            &gates,
        ],
    )
    .await;
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("did not finish within --step-timeout 5s"),
        "{stderr}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}
