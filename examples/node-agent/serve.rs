//! What the pods "serve", for the suite's gates: one HTTP listener on the pods' IP.
//!
//! - `GET /health/NAMESPACE/POD` → `{"state": …}`, the pod's `e2e.kubectl-sts.io/state`
//!   annotation (default `serving`); reached through the API server's pod proxy
//!   (`podProxy: {port, path: /health/{{namespace}}/{{pod}}}`).
//! - `GET /api/v1/query?query=…` → a Prometheus instant vector: for the `pod="…"` (and
//!   `namespace="…"`) of the query, the pod's `e2e.kubectl-sts.io/metric` annotation
//!   (default `0`); no such pod, no series.

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, Response};
use serde_json::json;

pub const STATE_ANNOTATION: &str = "e2e.kubectl-sts.io/state";
pub const METRIC_ANNOTATION: &str = "e2e.kubectl-sts.io/metric";

/// (namespace, pod) → annotations, as of the agent's last look.
pub type Pods = Arc<Mutex<HashMap<(String, String), BTreeMap<String, String>>>>;

pub async fn serve(addr: std::net::SocketAddr, pods: Pods) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        let pods = pods.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req| {
                let pods = pods.clone();
                async move { Ok::<_, Infallible>(answer(&req, &pods)) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                .await;
        });
    }
}

fn annotation(pods: &Pods, ns: &str, pod: &str, key: &str) -> Option<Option<String>> {
    let pods = pods.lock().unwrap();
    pods.get(&(ns.to_string(), pod.to_string()))
        .map(|a| a.get(key).cloned())
}

fn answer<B>(req: &Request<B>, pods: &Pods) -> Response<Full<Bytes>> {
    let path = req.uri().path();
    let reply = |code: u16, body: serde_json::Value| {
        Response::builder()
            .status(code)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.to_string())))
            .unwrap()
    };
    if let Some(rest) = path.strip_prefix("/health/") {
        let mut parts = rest.splitn(2, '/');
        let (ns, pod) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        return match annotation(pods, ns, pod, STATE_ANNOTATION) {
            Some(state) => reply(
                200,
                json!({"state": state.unwrap_or_else(|| "serving".into())}),
            ),
            None => reply(404, json!({"error": format!("no pod {ns}/{pod}")})),
        };
    }
    if path == "/api/v1/query" {
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
        let label = |name: &str| {
            let at = query.find(&format!("{name}=\""))? + name.len() + 2;
            let end = query[at..].find('"')? + at;
            Some(query[at..end].to_string())
        };
        let pod = label("pod").unwrap_or_default();
        let namespace = label("namespace");
        let found: Vec<(String, String)> = {
            let all = pods.lock().unwrap();
            all.iter()
                .filter(|((ns, p), _)| *p == pod && namespace.as_ref().is_none_or(|n| n == ns))
                .map(|((ns, _), a)| {
                    let v = a.get(METRIC_ANNOTATION).cloned();
                    (ns.clone(), v.unwrap_or_else(|| "0".into()))
                })
                .collect()
        };
        let now = jiff::Timestamp::now().as_millisecond() as f64 / 1000.0;
        let result: Vec<_> = found
            .iter()
            .map(|(ns, v)| json!({"metric": {"pod": pod, "namespace": ns}, "value": [now, v]}))
            .collect();
        return reply(
            200,
            json!({"status": "success", "data": {"resultType": "vector", "result": result}}),
        );
    }
    reply(404, json!({"error": "not found"}))
}
