//! The Kubernetes REST API over the store: discovery, get/list, create, update, patch,
//! delete, the status and scale subresources, dry-run, and what a watch should stream.
//! Synchronous: one request against the cluster; the server does the I/O.

use std::time::Duration;

use serde_json::{Value, json};

use super::cluster::Cluster;

pub mod auth;
mod write;
use super::error::ApiError;
use super::query::{FieldSelector, LabelSelector};
use super::store::Kind;

#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub content_type: String,
    /// The `Accept` header: `as=PartialObjectMetadataList` asks for metadata only.
    pub accept: String,
    /// The `User-Agent` header: a write without `fieldManager` is managed under its first
    /// part (`kubectl`, `kube-rs`), as kube-apiserver names it.
    pub user_agent: String,
    /// Who the request acts as (`sim::api::auth::user`).
    pub user: String,
    pub body: Vec<u8>,
}

impl Request {
    fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn dry_run(&self) -> bool {
        self.param("dryRun") == Some("All")
    }

    /// Who manages the fields this write sets.
    fn manager(&self) -> String {
        match self.param("fieldManager").filter(|m| !m.is_empty()) {
            Some(m) => m.to_string(),
            None => self
                .user_agent
                .split('/')
                .next()
                .filter(|m| !m.is_empty())
                .unwrap_or("unknown")
                .to_string(),
        }
    }

    /// `fieldValidation=Strict`: unknown fields are refused, as kube-apiserver's strict
    /// decoding refuses them (Ignore and Warn, the default, let them through).
    fn strict(&self, kind: Kind, obj: &Value) -> Result<(), ApiError> {
        if self.param("fieldValidation") != Some("Strict") {
            return Ok(());
        }
        known_fields_only(kind, obj)
    }

    /// Unknown fields are dropped (decoding has nowhere to put them); with Warn, the
    /// default, each is a warning: `unknown field "spec.colour"`.
    fn drop_unknown(&self, kind: Kind, obj: &mut Value) -> Vec<String> {
        let unknown = super::openapi::unknown_fields(kind, obj);
        if unknown.is_empty() {
            return Vec::new();
        }
        super::decode::remove_paths(obj, &unknown);
        if self.param("fieldValidation") == Some("Ignore") {
            return Vec::new();
        }
        unknown
            .iter()
            .map(|f| format!("unknown field \"{f}\""))
            .collect()
    }
}

/// Refuses an object with fields its schema does not declare, as strict decoding does.
fn known_fields_only(kind: Kind, obj: &Value) -> Result<(), ApiError> {
    let unknown = super::openapi::unknown_fields(kind, obj);
    if unknown.is_empty() {
        return Ok(());
    }
    let fields: Vec<String> = unknown
        .iter()
        .map(|f| format!("unknown field \"{f}\""))
        .collect();
    let (_, version) = kind
        .api_version()
        .split_once('/')
        .unwrap_or(("", kind.api_version()));
    Err(ApiError::bad_request(&format!(
        "{k} in version \"{version}\" cannot be handled as a {k}: strict decoding error: {}",
        fields.join(", "),
        k = kind.name()
    )))
}

/// Where a watch starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WatchStart {
    /// Current objects as ADDED, then changes.
    Initial,
    /// Changes after this resourceVersion.
    After(u64),
}

#[derive(Clone, Debug)]
pub struct Watch {
    pub kind: Kind,
    pub namespace: Option<String>,
    pub labels: LabelSelector,
    pub fields: FieldSelector,
    pub start: WatchStart,
    pub bookmarks: bool,
    pub timeout: Duration,
    /// `Accept: …;as=PartialObjectMetadata`: events carry metadata only.
    pub metadata_only: bool,
    /// `Accept: …;as=Table`: each event carries a Table of its one object (`kubectl get -w`).
    pub table: bool,
}

/// Whether the request asks for metadata-only objects (`as=PartialObjectMetadata…`).
fn metadata_only(req: &Request) -> bool {
    req.accept.contains("as=PartialObjectMetadata")
}

/// An object as a metadata-only request receives it.
pub fn partial(o: &Value) -> Value {
    json!({"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadata", "metadata": o["metadata"]})
}

#[derive(Debug)]
pub enum Response {
    Json(u16, Value),
    /// JSON with `Warning` headers (kubectl prints each as `Warning: …`).
    Warned(u16, Value, Vec<String>),
    /// Already serialised JSON (large lists are written straight from the store).
    Raw(u16, Vec<u8>),
    Watch(Watch),
}

fn ok(v: Value) -> Response {
    Response::Json(200, v)
}

fn err(e: ApiError) -> Response {
    Response::Json(e.code, e.to_status())
}

#[derive(Debug)]
struct Route {
    kind: Kind,
    namespace: Option<String>,
    name: Option<String>,
    sub: Option<String>,
}

fn route(group: &str, rest: &[&str]) -> Option<Route> {
    let (namespace, rest) = match rest {
        ["namespaces", ns, tail @ ..] if !tail.is_empty() => (Some(ns.to_string()), tail),
        _ => (None, rest),
    };
    let (plural, name, sub) = match rest {
        [p] => (*p, None, None),
        [p, n] => (*p, Some(n.to_string()), None),
        [p, n, s] => (*p, Some(n.to_string()), Some(s.to_string())),
        _ => return None,
    };
    let kind = Kind::from_plural(group, plural)?;
    Some(Route {
        kind,
        namespace,
        name,
        sub,
    })
}

/// Handles one request.
pub fn handle(cluster: &mut Cluster, req: &Request) -> Response {
    let segments: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    cluster.store.now = cluster.now();
    match segments.as_slice() {
        ["version"] => ok(version(cluster)),
        ["healthz"] | ["readyz"] | ["livez"] => Response::Raw(200, b"ok".to_vec()),
        ["api"] => ok(json!({"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]})),
        ["apis"] => ok(
            json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": [group("apps"), group("policy"), group("storage.k8s.io"),
                group("authentication.k8s.io"), group("authorization.k8s.io")]}),
        ),
        [
            "apis",
            g @ ("apps"
            | "policy"
            | "storage.k8s.io"
            | "authentication.k8s.io"
            | "authorization.k8s.io"),
        ] => ok(group(g)),
        [
            "apis",
            g @ ("authentication.k8s.io" | "authorization.k8s.io"),
            "v1",
        ] => auth::resources(&format!("{g}/v1"))
            .unwrap_or_else(|| err(ApiError::path_not_found(&req.path))),
        [
            "apis",
            "authorization.k8s.io",
            "v1",
            "selfsubjectaccessreviews",
        ] if req.method == "POST" => auth::access_review(req, &cluster.config.faults.forbidden),
        ["apis", "authentication.k8s.io", "v1", "selfsubjectreviews"] if req.method == "POST" => {
            auth::self_review(&req.user)
        }
        ["api", "v1"] => ok(resources("v1")),
        ["apis", "apps", "v1"] => ok(resources("apps/v1")),
        ["apis", "storage.k8s.io", "v1"] => ok(resources("storage.k8s.io/v1")),
        ["apis", "policy", "v1"] => ok(resources("policy/v1")),
        ["apis", "policy", "v1", rest @ ..] => resource(cluster, req, "policy/v1", rest),
        ["api", "v1", rest @ ..] => resource(cluster, req, "v1", rest),
        ["apis", "apps", "v1", rest @ ..] => resource(cluster, req, "apps/v1", rest),
        ["apis", "storage.k8s.io", "v1", rest @ ..] => {
            resource(cluster, req, "storage.k8s.io/v1", rest)
        }
        ["openapi", "v2"] => Response::Raw(200, super::openapi_v2::document().to_vec()),
        ["openapi", "v3"] => ok(super::openapi::root()),
        ["openapi", "v3", rest @ ..] => match super::openapi::document(&rest.join("/")) {
            Some(doc) => Response::Raw(200, doc.to_vec()),
            None => err(ApiError::path_not_found(&req.path)),
        },
        _ => err(ApiError::path_not_found(&req.path)),
    }
}

/// Annotations that script a pod's answer through the pod proxy: the status (default
/// 200) and the body (default `{"status":"ok"}`), for any port and path.
pub const PROXY_STATUS: &str = "sim.kubectl-sts.io/proxy-status";
pub const PROXY_BODY: &str = "sim.kubectl-sts.io/proxy-body";

/// `GET /api/v1/namespaces/NS/pods/NAME[:PORT]/proxy/PATH`: the pod's scripted answer,
/// when it is Running (the API server reaches it at its IP); 503 otherwise, as there.
fn pod_proxy(cluster: &Cluster, ns: &str, name_port: &str, path: &[&str]) -> Response {
    let name = name_port.split(':').next().unwrap_or(name_port);
    let Some(pod) = cluster.store.get(Kind::Pod, ns, name) else {
        return err(ApiError::not_found(Kind::Pod, name));
    };
    let running = pod.pointer("/status/phase").and_then(Value::as_str) == Some("Running")
        && pod.pointer("/metadata/deletionTimestamp").is_none();
    if !running {
        return err(ApiError::unavailable(&format!(
            "error trying to reach service: pod {name} is not running (/{})",
            path.join("/")
        )));
    }
    let note = |key: &str| {
        pod.pointer(&format!("/metadata/annotations/{}", key.replace('/', "~1")))
            .and_then(Value::as_str)
    };
    let code = note(PROXY_STATUS)
        .and_then(|c| c.parse::<u16>().ok())
        .unwrap_or(200);
    let body = note(PROXY_BODY).unwrap_or(r#"{"status":"ok"}"#);
    Response::Raw(code, body.as_bytes().to_vec())
}

fn resource(cluster: &mut Cluster, req: &Request, group: &str, rest: &[&str]) -> Response {
    if let ("v1", "GET", ["namespaces", ns, "pods", pod, "proxy", path @ ..]) =
        (group, req.method.as_str(), rest)
    {
        return pod_proxy(cluster, ns, pod, path);
    }
    let Some(r) = route(group, rest) else {
        return err(ApiError::path_not_found(&req.path));
    };
    match (req.method.as_str(), &r.name) {
        ("GET", None) if matches!(req.param("watch"), Some("1" | "true")) => {
            watch(cluster, req, &r)
        }
        ("GET", None) => list(cluster, req, &r),
        ("POST", None) => write::create(cluster, req, &r),
        ("GET", Some(name)) => get(cluster, req, &r, name),
        ("PUT", Some(name)) => write::put(cluster, req, &r, name),
        ("PATCH", Some(name)) => write::patch_object(cluster, req, &r, name),
        ("DELETE", Some(name)) => write::delete(cluster, req, &r, name),
        (m, _) => err(ApiError::method_not_allowed(m)),
    }
}

fn version(cluster: &Cluster) -> Value {
    let v = cluster.config.profile.version;
    json!({"major": "1", "minor": v.minor.to_string(), "gitVersion": format!("v1.{}.{}-sim", v.minor, v.patch.unwrap_or(0)),
           "gitCommit": "kubectl-sts-sim", "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z",
           "goVersion": "go1.25", "compiler": "gc", "platform": "linux/amd64"})
}

fn group(name: &str) -> Value {
    let gv = format!("{name}/v1");
    json!({"kind": "APIGroup", "apiVersion": "v1", "name": name,
           "versions": [{"groupVersion": gv, "version": "v1"}],
           "preferredVersion": {"groupVersion": gv, "version": "v1"}})
}

fn resources(group_version: &str) -> Value {
    let verbs = json!([
        "create", "delete", "get", "list", "patch", "update", "watch"
    ]);
    let sub = json!(["get", "patch", "update"]);
    // Only pods, services and the workloads are in the `all` category (`kubectl get all`).
    let res = |name: &str, kind: &str, short: &[&str], namespaced: bool| {
        let all = matches!(kind, "Pod" | "Service" | "StatefulSet");
        let categories: &[&str] = if all { &["all"] } else { &[] };
        json!({"name": name, "singularName": kind.to_lowercase(), "namespaced": namespaced, "kind": kind,
               "verbs": verbs, "shortNames": short, "categories": categories})
    };
    let resources = if group_version == "v1" {
        json!([
            res("pods", "Pod", &["po"], true),
            {"name": "pods/status", "singularName": "", "namespaced": true, "kind": "Pod", "verbs": sub},
            res("persistentvolumeclaims", "PersistentVolumeClaim", &["pvc"], true),
            res("events", "Event", &["ev"], true),
            {"name": "namespaces", "singularName": "namespace", "namespaced": false, "kind": "Namespace", "verbs": verbs, "shortNames": ["ns"]},
            {"name": "namespaces/status", "singularName": "", "namespaced": false, "kind": "Namespace", "verbs": sub},
            res("services", "Service", &["svc"], true),
            {"name": "services/status", "singularName": "", "namespaced": true, "kind": "Service", "verbs": sub},
            {"name": "serviceaccounts", "singularName": "serviceaccount", "namespaced": true, "kind": "ServiceAccount", "verbs": verbs, "shortNames": ["sa"]},
            {"name": "nodes", "singularName": "node", "namespaced": false, "kind": "Node", "verbs": verbs, "shortNames": ["no"]},
            {"name": "nodes/status", "singularName": "", "namespaced": false, "kind": "Node", "verbs": sub},
            {"name": "persistentvolumes", "singularName": "persistentvolume", "namespaced": false, "kind": "PersistentVolume", "verbs": verbs, "shortNames": ["pv"]},
            {"name": "persistentvolumes/status", "singularName": "", "namespaced": false, "kind": "PersistentVolume", "verbs": sub},
        ])
    } else if group_version == "policy/v1" {
        json!([
            {"name": "poddisruptionbudgets", "singularName": "poddisruptionbudget", "namespaced": true,
             "kind": "PodDisruptionBudget", "verbs": verbs, "shortNames": ["pdb"]},
            {"name": "poddisruptionbudgets/status", "singularName": "", "namespaced": true, "kind": "PodDisruptionBudget", "verbs": sub},
        ])
    } else if group_version == "storage.k8s.io/v1" {
        // Not in the `all` category, as there.
        json!([{"name": "storageclasses", "singularName": "storageclass", "namespaced": false,
                "kind": "StorageClass", "verbs": verbs, "shortNames": ["sc"]}])
    } else {
        json!([
            res("statefulsets", "StatefulSet", &["sts"], true),
            {"name": "statefulsets/status", "singularName": "", "namespaced": true, "kind": "StatefulSet", "verbs": sub},
            {"name": "statefulsets/scale", "singularName": "", "namespaced": true, "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": sub},
            res("controllerrevisions", "ControllerRevision", &[], true),
        ])
    };
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources})
}

fn selectors(req: &Request) -> Result<(LabelSelector, FieldSelector), ApiError> {
    let labels = LabelSelector::parse(req.param("labelSelector").unwrap_or(""))
        .map_err(|e| ApiError::bad_request(&e))?;
    let fields = FieldSelector::parse(req.param("fieldSelector").unwrap_or(""))
        .map_err(|e| ApiError::bad_request(&e))?;
    Ok((labels, fields))
}

fn list(cluster: &mut Cluster, req: &Request, r: &Route) -> Response {
    let (labels, fields) = match selectors(req) {
        Ok(s) => s,
        Err(e) => return err(e),
    };
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct List<'a> {
        // Go's order: kind first.
        kind: String,
        api_version: &'static str,
        metadata: Value,
        items: Vec<&'a Value>,
    }
    let current = cluster.store.resource_version();
    if let Err(e) = not_too_large(req.param("resourceVersion"), current) {
        return err(e);
    }
    // Paging (`limit`, `continue`): pages after the first are served from the objects
    // as they are now, after the last key of the page before (kube-apiserver serves
    // them at the first page's resourceVersion from etcd's history; the sim keeps no
    // snapshots). A token older than the kept history is 410 Expired, as there.
    let (list_rv, after) = match req.param("continue").filter(|c| !c.is_empty()) {
        None => (current, None),
        Some(token) => match decode_continue(token) {
            Some((rv, _)) if rv < cluster.store.compacted() => {
                return err(ApiError::expired_continue());
            }
            Some((rv, key)) => (rv, Some(key)),
            None => return err(ApiError::bad_request("invalid continue token")),
        },
    };
    let key_of = |o: &Value| {
        (
            o.pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            o.pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        )
    };
    let mut items: Vec<&Value> = cluster
        .store
        .list(r.kind, r.namespace.as_deref(), &labels, &fields)
        .into_iter()
        .filter(|o| after.as_ref().is_none_or(|a| key_of(o) > *a))
        .collect();
    let mut metadata = json!({"resourceVersion": list_rv.to_string()});
    let limit = req
        .param("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0);
    if let Some(limit) = limit
        && items.len() > limit
    {
        let remaining = items.len() - limit;
        items.truncate(limit);
        if let Some(last) = items.last() {
            metadata["continue"] = json!(encode_continue(list_rv, &key_of(last)));
            metadata["remainingItemCount"] = json!(remaining);
        }
    }
    if super::table::wanted(&req.accept) {
        let minor = cluster.config.profile.version.minor;
        return ok(super::table::table(
            r.kind,
            &items,
            metadata,
            cluster.now(),
            minor,
        ));
    }
    if metadata_only(req) {
        // What kube-apiserver answers a metadata-only list with: no spec, no status.
        let items: Vec<Value> = items.iter().map(|o| partial(o)).collect();
        return ok(
            json!({"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadataList",
                         "metadata": metadata, "items": items}),
        );
    }
    let list = List {
        api_version: r.kind.api_version(),
        kind: format!("{}List", r.kind.name()),
        metadata,
        items,
    };
    match serde_json::to_vec(&list) {
        Ok(bytes) => Response::Raw(200, bytes),
        Err(e) => err(ApiError::bad_request(&format!(
            "cannot encode the list: {e}"
        ))),
    }
}

/// A `resourceVersion` the store has not reached is 504 (`ResourceVersionTooLarge`).
fn not_too_large(rv: Option<&str>, current: u64) -> Result<(), ApiError> {
    match rv
        .filter(|r| !r.is_empty() && *r != "0")
        .map(str::parse::<u64>)
    {
        None => Ok(()),
        Some(Ok(rv)) if rv > current => Err(ApiError::too_large_resource_version(rv, current)),
        Some(Ok(_)) => Ok(()),
        Some(Err(_)) => Err(ApiError::bad_request(&format!(
            "invalid resourceVersion {:?}",
            rv.unwrap_or("")
        ))),
    }
}

/// An opaque continue token: the list's resourceVersion and the last key served, as
/// hex of `rv/namespace/name`.
fn encode_continue(rv: u64, (ns, name): &(String, String)) -> String {
    format!("{rv}/{ns}/{name}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decode_continue(token: &str) -> Option<(u64, (String, String))> {
    if !token.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(token.get(i..i + 2)?, 16).ok())
        .collect();
    let text = String::from_utf8(bytes?).ok()?;
    let mut parts = text.splitn(3, '/');
    let rv = parts.next()?.parse().ok()?;
    Some((rv, (parts.next()?.to_string(), parts.next()?.to_string())))
}

fn watch(cluster: &Cluster, req: &Request, r: &Route) -> Response {
    let (labels, fields) = match selectors(req) {
        Ok(s) => s,
        Err(e) => return err(e),
    };
    let start = match req.param("resourceVersion") {
        None | Some("") | Some("0") => WatchStart::Initial,
        Some(rv) => match rv.parse::<u64>() {
            Ok(rv) if rv > cluster.store.resource_version() => {
                return err(ApiError::too_large_resource_version(
                    rv,
                    cluster.store.resource_version(),
                ));
            }
            Ok(rv) => WatchStart::After(rv),
            Err(_) => {
                return err(ApiError::bad_request(&format!(
                    "invalid resourceVersion {rv:?}"
                )));
            }
        },
    };
    let timeout = req
        .param("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .unwrap_or(1800);
    Response::Watch(Watch {
        kind: r.kind,
        namespace: r.namespace.clone(),
        labels,
        fields,
        start,
        bookmarks: matches!(req.param("allowWatchBookmarks"), Some("true" | "1")),
        timeout: Duration::from_secs(timeout),
        metadata_only: metadata_only(req),
        table: super::table::wanted(&req.accept),
    })
}

fn get(cluster: &mut Cluster, req: &Request, r: &Route, name: &str) -> Response {
    let ns = match write::namespace_of(r) {
        Ok(ns) => ns,
        Err(e) => return err(e),
    };
    let (now, minor) = (cluster.now(), cluster.config.profile.version.minor);
    match (cluster.store.get_or_404(r.kind, ns, name), r.sub.as_deref()) {
        (Ok(v), None) if super::table::wanted(&req.accept) => {
            let rv = json!({"resourceVersion": v.pointer("/metadata/resourceVersion").cloned().unwrap_or_default()});
            ok(super::table::table(r.kind, &[v], rv, now, minor))
        }
        (Ok(v), None | Some("status")) => ok(v.clone()),
        (Ok(v), Some("scale")) if r.kind == Kind::StatefulSet => ok(write::scale_of(v)),
        (Ok(_), Some(_)) => err(ApiError::path_not_found(name)),
        (Err(e), _) => err(e),
    }
}

/// The 403 RBAC would answer if the request's resource is one of `denied`.
pub fn forbidden(denied: &[String], request: &Request, watching: bool) -> Option<ApiError> {
    if denied.is_empty() {
        return None;
    }
    let (group, resource, verb, namespace) = auth::attributes(request, watching)?;
    if !denied.contains(&resource) {
        return None;
    }
    Some(ApiError::forbidden(
        verb,
        &resource,
        &group,
        namespace.as_deref(),
    ))
}
