//! The simulated cluster on loopback HTTP: serves the API to kube-rs and kubectl, runs the
//! controller and kubelet after every change (and on the wall clock, at every moment a
//! pod changes by itself), streams watches, injects faults, and records every request.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper::{Request as HttpRequest, Response as HttpResponse, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use super::api::{self, Request, Response, Watch, WatchStart};
use super::cluster::{Clock, Cluster};
use super::store;

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Logged {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub content_type: String,
    pub body: Option<Value>,
    pub status: u16,
    /// `Impersonate-User` / `Impersonate-Group` headers, as sent.
    pub impersonation: Vec<(String, String)>,
    /// The cluster's clock when the request was served.
    pub at: jiff::Timestamp,
}

impl Logged {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn is_watch(&self) -> bool {
        matches!(self.param("watch"), Some("1" | "true"))
    }
}

/// State shared by the connection tasks and the driver.
pub struct Shared {
    cluster: Mutex<Cluster>,
    /// The store's resourceVersion after the last change: wakes watches and the driver.
    changed: watch::Sender<u64>,
    log: Mutex<Vec<Logged>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves the data as it was; keep serving.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    /// Runs `f` on the cluster, lets the controller and kubelet react, wakes watchers.
    pub fn with<R>(&self, f: impl FnOnce(&mut Cluster) -> R) -> R {
        let (result, rv) = {
            let mut c = lock(&self.cluster);
            let before = c.store.resource_version();
            let r = f(&mut c);
            // With a controller delay the reaction comes later, from the driver.
            let lag = !c.config.controller_delay.is_zero();
            if c.store.resource_version() != before && !lag {
                c.settle();
            }
            (r, c.store.resource_version())
        };
        // Only a real change wakes watchers and the driver (which itself calls this).
        self.changed.send_if_modified(|last| {
            let changed = *last != rv;
            *last = rv;
            changed
        });
        result
    }

    /// Runs `f` on the cluster without a reaction or a wake-up (`f` changes no object).
    fn with_quietly<R>(&self, f: impl FnOnce(&mut Cluster) -> R) -> R {
        f(&mut lock(&self.cluster))
    }

    /// Reads the cluster without changing it.
    pub fn read<R>(&self, f: impl FnOnce(&Cluster) -> R) -> R {
        f(&lock(&self.cluster))
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Logged> {
        lock(&self.log).clone()
    }

    pub fn clear_requests(&self) {
        lock(&self.log).clear();
    }
}

/// A running simulated cluster.
pub struct Server {
    pub addr: SocketAddr,
    pub shared: Arc<Shared>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl Server {
    /// Binds 127.0.0.1:`port` (0: any free port) and serves `cluster`.
    pub async fn start(cluster: Cluster, port: u16) -> std::io::Result<Server> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let rv = cluster.store.resource_version();
        let (changed, _) = watch::channel(rv);
        let shared = Arc::new(Shared {
            cluster: Mutex::new(cluster),
            changed,
            log: Mutex::new(Vec::new()),
        });
        let accept = tokio::spawn(accept_loop(listener, shared.clone()));
        let driver = tokio::spawn(drive(shared.clone()));
        Ok(Server {
            addr,
            shared,
            tasks: vec![accept, driver],
        })
    }

    /// Serves `cluster` to in-process clients only ([`Server::client`]; no socket). The
    /// headless demo runs the tool's commands against it on a paused clock, where time
    /// jumps whenever every task waits: an in-memory connection wakes its reader at
    /// once, a socket's readiness could lose that race.
    pub fn in_process(cluster: Cluster) -> Server {
        let rv = cluster.store.resource_version();
        let (changed, _) = watch::channel(rv);
        let shared = Arc::new(Shared {
            cluster: Mutex::new(cluster),
            changed,
            log: Mutex::new(Vec::new()),
        });
        let driver = tokio::spawn(drive(shared.clone()));
        Server {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            shared,
            tasks: vec![driver],
        }
    }

    /// A kube-rs client of this server over in-memory HTTP/1.1 connections (one per
    /// request), served by the same handler as the socket.
    pub fn client(&self, namespace: &str) -> kube::Client {
        let shared = self.shared.clone();
        let service = tower::service_fn(move |req: http::Request<kube::client::Body>| {
            let shared = shared.clone();
            async move {
                let (client_io, server_io) = tokio::io::duplex(1 << 16);
                tokio::spawn(async move {
                    let service = service_fn(move |req| serve(shared.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(server_io), service)
                        .await;
                });
                let (mut sender, connection) =
                    hyper::client::conn::http1::handshake(TokioIo::new(client_io)).await?;
                tokio::spawn(connection);
                sender.send_request(req).await
            }
        });
        kube::Client::new(service, namespace)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Writes a kubeconfig whose current context points at this server (namespace
    /// `default`).
    pub fn write_kubeconfig(&self, path: &Path) -> std::io::Result<()> {
        let text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: kubectl-sts-sim\n  cluster:\n    server: {}\ncontexts:\n- name: kubectl-sts-sim\n  context:\n    cluster: kubectl-sts-sim\n    user: kubectl-sts-sim\n    namespace: default\ncurrent-context: kubectl-sts-sim\nusers:\n- name: kubectl-sts-sim\n  user: {{}}\n",
            self.url()
        );
        std::fs::write(path, text)
    }

    /// Virtual clock: moves time forward (the controller and kubelet act along the way).
    pub fn advance(&self, d: jiff::SignedDuration) {
        self.shared.with(|c| {
            c.advance(d);
        });
    }

    /// Virtual clock: advances until `done` holds or `limit` passes.
    pub fn run_until(
        &self,
        limit: jiff::SignedDuration,
        done: impl FnMut(&Cluster) -> bool,
    ) -> bool {
        self.shared.with(|c| c.run_until(limit, done))
    }
}

/// The test suite's clusters react this long after a write (e.g. `20ms`; default 10 ms),
/// jittered: it runs against a control plane that lags as a real one does.
pub const DELAY_ENV: &str = "KUBECTL_STS_SIM_CONTROLLER_DELAY";

/// A default place for the kubeconfig: the system temp directory.
pub fn default_kubeconfig_path(port: u16) -> PathBuf {
    std::env::temp_dir().join(format!("kubectl-sts-sim-{port}.kubeconfig"))
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| serve(shared.clone(), req));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Wall clock: acts whenever a pod changes by itself. Both clocks: reacts to writes —
/// after `controller_delay`, when one is set.
async fn drive(shared: Arc<Shared>) {
    let mut rx = shared.changed.subscribe();
    loop {
        let delay = shared.with_quietly(Cluster::reaction_delay);
        let (wall, next, now) =
            shared.read(|c| (c.config.clock != Clock::Virtual, c.next_change(), c.now()));
        let sleep = match (wall, next) {
            (true, Some(t)) => Duration::try_from(t.duration_since(now))
                .unwrap_or(Duration::ZERO)
                .max(Duration::from_millis(5)),
            _ => Duration::from_secs(3600),
        };
        tokio::select! {
            r = rx.changed() => {
                if r.is_err() {
                    return;
                }
                // The controller's informers see the change, its work queue runs it.
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
            }
            _ = tokio::time::sleep(sleep) => {}
        }
        shared.with(|c| {
            c.settle();
        });
    }
}

type Body = BoxBody<Bytes, Infallible>;

/// An idle watch that asked for bookmarks gets one this often.
const BOOKMARK_EVERY: Duration = Duration::from_secs(2);

fn json_response(code: u16, v: &Value) -> HttpResponse<Body> {
    let mut resp = bytes_response(code, serde_json::to_vec(v).unwrap_or_default());
    // As kube-apiserver: a Status that says when to come back says it in the header too.
    if let Some(secs) = v
        .pointer("/details/retryAfterSeconds")
        .and_then(Value::as_u64)
        .filter(|s| *s > 0)
        && let Ok(h) = http::HeaderValue::from_str(&secs.to_string())
    {
        resp.headers_mut().insert("retry-after", h);
    }
    resp
}

fn bytes_response(code: u16, body: Vec<u8>) -> HttpResponse<Body> {
    let mut resp = HttpResponse::new(Full::new(Bytes::from(body)).boxed());
    *resp.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        "content-type",
        http::HeaderValue::from_static("application/json"),
    );
    resp
}

async fn serve(
    shared: Arc<Shared>,
    req: HttpRequest<Incoming>,
) -> Result<HttpResponse<Body>, Infallible> {
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let query: Vec<(String, String)> = req
        .uri()
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let accept = req
        .headers()
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let user_agent = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let impersonation: Vec<(String, String)> = req
        .headers()
        .iter()
        .filter(|(k, _)| k.as_str().starts_with("impersonate-"))
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes().to_vec(),
        Err(_) => Vec::new(),
    };
    let request = Request {
        method,
        path,
        query,
        content_type,
        accept,
        user_agent,
        user: api::auth::user(&impersonation),
        body,
    };
    let (latency, fault) = shared.with(|c| {
        let api_call = request.path.starts_with("/api/") || request.path.starts_with("/apis/");
        let watching = matches!(
            request
                .query
                .iter()
                .find(|(k, _)| k == "watch")
                .map(|(_, v)| v.as_str()),
            Some("1" | "true")
        );
        let fault = if api_call && c.config.faults.unreachable {
            Some(super::error::ApiError::injected(503))
        } else if let Some(denied) = api::auth::anonymous_denied(&request.user, &request, watching)
        {
            Some(denied)
        } else if let Some(denied) = api_call
            .then(|| api::forbidden(&c.config.faults.forbidden, &request, watching))
            .flatten()
        {
            Some(denied)
        } else if api_call && !watching {
            c.injected_fault()
        } else {
            None
        };
        if c.config.faults.conflicts > 0 && matches!(request.method.as_str(), "PATCH" | "PUT") {
            race_another_writer(c, &request.path);
        }
        (c.config.faults.latency, fault)
    });
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let (response, at) = match fault {
        Some(e) => (
            Response::Json(e.code, e.to_status()),
            shared.read(Cluster::now),
        ),
        None => shared.with(|c| (api::handle(c, &request), c.now())),
    };
    let status = match &response {
        Response::Json(code, _) | Response::Raw(code, _) | Response::Warned(code, _, _) => *code,
        Response::Watch(_) => 200,
    };
    lock(&shared.log).push(Logged {
        method: request.method.clone(),
        path: request.path.clone(),
        query: request.query.clone(),
        content_type: request.content_type.clone(),
        body: serde_json::from_slice(&request.body).ok(),
        status,
        impersonation,
        at,
    });
    Ok(match response {
        Response::Json(code, v) => json_response(code, &v),
        Response::Warned(code, v, warnings) => {
            let mut resp = json_response(code, &v);
            for w in warnings {
                let text = format!("299 - \"{}\"", w.replace('"', "\\\""));
                if let Ok(h) = http::HeaderValue::from_str(&text) {
                    resp.headers_mut().append("warning", h);
                }
            }
            resp
        }
        Response::Raw(code, bytes) => bytes_response(code, bytes),
        Response::Watch(w) => stream_watch(shared, w),
    })
}

fn event_line(kind: &str, object: &Value) -> Bytes {
    let mut line = serde_json::to_vec(&json!({"type": kind, "object": object})).unwrap_or_default();
    line.push(b'\n');
    Bytes::from(line)
}

/// A watch event's object as the request asked for it: whole, metadata only, or a Table
/// of its one row.
fn shape(shared: &Shared, w: &Watch, object: Value) -> Value {
    if w.table {
        let (now, minor) = shared.read(|c| (c.now(), c.config.profile.version.minor));
        let rv = json!({"resourceVersion": object.pointer("/metadata/resourceVersion").cloned().unwrap_or_default()});
        return super::table::table(w.kind, &[&object], rv, now, minor);
    }
    if w.metadata_only {
        return api::partial(&object);
    }
    object
}

fn matches(w: &Watch, obj: &Value) -> bool {
    w.namespace
        .as_deref()
        .is_none_or(|ns| obj.pointer("/metadata/namespace").and_then(Value::as_str) == Some(ns))
        && w.labels.matches(obj.pointer("/metadata/labels"))
        && w.fields.matches(obj)
}

fn stream_watch(shared: Arc<Shared>, w: Watch) -> HttpResponse<Body> {
    let (tx, rx) = mpsc::channel::<Result<Frame<Bytes>, Infallible>>(256);
    tokio::spawn(async move {
        let drop_after = shared.read(|c| c.config.faults.drop_watch_after);
        let mut sent = 0usize;
        let send = |bytes: Bytes| {
            let tx = tx.clone();
            async move { tx.send(Ok(Frame::data(bytes))).await.is_ok() }
        };
        let mut rx_changed = shared.changed.subscribe();
        let deadline = tokio::time::Instant::now() + w.timeout;
        let mut last = match w.start {
            WatchStart::After(rv) => rv,
            WatchStart::Initial => {
                let (objects, rv) = shared.read(|c| {
                    let objs: Vec<Value> = c
                        .store
                        .all(w.kind)
                        .filter(|o| matches(&w, o))
                        .cloned()
                        .collect();
                    (objs, c.store.resource_version())
                });
                for o in objects {
                    let o = shape(&shared, &w, o);
                    if !send(event_line("ADDED", &o)).await {
                        return;
                    }
                }
                rv
            }
        };
        let mut next_bookmark = tokio::time::Instant::now() + BOOKMARK_EVERY;
        loop {
            if shared.read(|c| c.config.faults.unreachable) {
                return; // an outage ends open watches
            }
            let changes = shared.read(|c| {
                c.store
                    .changes_since(w.kind, last)
                    .map(|ch| (ch, c.store.resource_version()))
            });
            match changes {
                Err(e) => {
                    let _ = send(event_line("ERROR", &e.to_status())).await;
                    return;
                }
                Ok((changes, rv)) => {
                    for ch in changes {
                        // As the API server's watch cache: an object that starts
                        // matching is ADDED, one that stops matching is DELETED (its
                        // previous content at the change's resourceVersion).
                        let current = ch.object.value();
                        let before = ch.prev.as_ref().map(store::Frozen::value);
                        let now_in = ch.event != store::EventType::Deleted && matches(&w, &current);
                        let was_in = match &before {
                            Some(p) => matches(&w, p),
                            // Modified with its labels kept: it matched as it matches now.
                            None => ch.event == store::EventType::Modified && now_in,
                        };
                        let (event, object) = match (now_in, was_in) {
                            (true, false) => ("ADDED", current),
                            (true, true) => ("MODIFIED", current),
                            (false, true) => {
                                let mut prev = before.unwrap_or(Value::Null);
                                prev["metadata"]["resourceVersion"] = json!(ch.rv.to_string());
                                ("DELETED", prev)
                            }
                            (false, false) => continue,
                        };
                        let object = shape(&shared, &w, object);
                        if !send(event_line(event, &object)).await {
                            return;
                        }
                        sent += 1;
                        if drop_after.is_some_and(|n| sent >= n) {
                            return; // injected: the watch is cut
                        }
                    }
                    last = rv;
                }
            }
            tokio::select! {
                r = rx_changed.changed() => if r.is_err() { return },
                // An outage (faults.unreachable) ends open watches too.
                _ = tokio::time::sleep(Duration::from_millis(100)) => {
                    if shared.read(|c| c.config.faults.unreachable) { return }
                }
                _ = tokio::time::sleep_until(next_bookmark), if w.bookmarks => {
                    next_bookmark = tokio::time::Instant::now() + BOOKMARK_EVERY;
                    let bookmark = json!({"kind": w.kind.name(), "apiVersion": w.kind.api_version(),
                                          "metadata": {"resourceVersion": last.to_string()}});
                    if !send(event_line("BOOKMARK", &bookmark)).await {
                        return;
                    }
                }
                _ = tokio::time::sleep_until(deadline) => return,
                _ = tx.closed() => return,
            }
        }
    });
    let stream = tokio_stream_from(rx);
    let mut resp = HttpResponse::new(StreamBody::new(stream).boxed());
    resp.headers_mut().insert(
        "content-type",
        http::HeaderValue::from_static("application/json"),
    );
    resp
}

fn tokio_stream_from(
    mut rx: mpsc::Receiver<Result<Frame<Bytes>, Infallible>>,
) -> impl futures::Stream<Item = Result<Frame<Bytes>, Infallible>> {
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// Faults::conflicts: another writer touches the StatefulSet at `path` first.
fn race_another_writer(c: &mut Cluster, path: &str) {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    if let ["apis", "apps", "v1", "namespaces", ns, "statefulsets", name] = parts.as_slice() {
        c.config.faults.conflicts -= 1;
        let _ = c
            .store
            .write_system(super::store::Kind::StatefulSet, ns, name, |s| {
                let n = s
                    .pointer("/metadata/annotations/sim.kubectl-sts.io~1touched")
                    .and_then(Value::as_str)
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0);
                s["metadata"]["annotations"]["sim.kubectl-sts.io/touched"] =
                    Value::from((n + 1).to_string());
            });
    }
}
