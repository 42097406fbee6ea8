//! Writes, each with a precondition: patches carry the uid and the resourceVersion they
//! were planned from (in the body's metadata: another object by that name, or a change
//! since, answers 409 and nothing is overwritten); deletes carry them as
//! `preconditions`.
//!
//! Because of the precondition a write is safe to send again after a transient failure
//! (429, 5xx, a refused connection): had the first one been applied, the second answers
//! 409 (or 404 for a delete) and the caller reads again and decides again. So each is
//! tried up to [`WRITE_ATTEMPTS`] times, with backoff; a 409 is never retried here.

use serde_json::Value;

use super::error::ClusterError;

/// How many times a preconditioned write is tried after transient failures.
pub const WRITE_ATTEMPTS: u32 = 6;

/// Sends the preconditioned write `f` until it is answered for good.
async fn write<T, F, Fut>(mut f: F) -> Result<T, ClusterError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ClusterError>>,
{
    let mut delay = std::time::Duration::from_millis(100);
    let mut attempt = 1;
    loop {
        match f().await {
            Err(e) if e.is_transient() && !e.is_conflict() && attempt < WRITE_ATTEMPTS => {
                tokio::time::sleep(e.wait_before_retry(delay)).await;
                delay *= 2;
                attempt += 1;
            }
            r => return r,
        }
    }
}

/// Strategic-merge-patches StatefulSet `ns/name` with `patch`, only if it is still at
/// `resource_version`. `server_dry_run` sends `dryRun=All`.
pub async fn patch_set(
    client: &kube::Client,
    ns: &str,
    name: &str,
    patch: &Value,
    (uid, resource_version): (&str, &str),
    server_dry_run: bool,
) -> Result<Value, ClusterError> {
    let call = format!("patch statefulsets.apps {name:?} in namespace {ns:?}");
    let body = preconditioned(patch, uid, resource_version);
    let bytes = serde_json::to_vec(&body).map_err(|e| ClusterError::other(&call, e.to_string()))?;
    let dry = if server_dry_run { "?dryRun=All" } else { "" };
    let path = format!("/apis/apps/v1/namespaces/{ns}/statefulsets/{name}{dry}");
    let text = send(
        client,
        http::Method::PATCH,
        &path,
        "application/strategic-merge-patch+json",
        &bytes,
        &call,
    )
    .await?;
    serde_json::from_str(&text).map_err(|e| ClusterError::other(call, format!("invalid JSON: {e}")))
}

/// `patch` with the preconditions in its metadata: the API server refuses (409) a patch
/// whose uid is not the object's ("Precondition failed: UID in precondition") or whose
/// resourceVersion is not the current one. An empty uid is not sent.
fn preconditioned(patch: &Value, uid: &str, resource_version: &str) -> Value {
    let mut body = patch.clone();
    body["metadata"]["resourceVersion"] = Value::from(resource_version);
    if !uid.is_empty() {
        body["metadata"]["uid"] = Value::from(uid);
    }
    body
}

/// Sends one preconditioned write, again after transient failures ([`write`]).
async fn send(
    client: &kube::Client,
    method: http::Method,
    path: &str,
    content_type: &str,
    bytes: &[u8],
    call: &str,
) -> Result<String, ClusterError> {
    write(|| async {
        let req = http::Request::builder()
            .method(method.clone())
            .uri(path)
            .header("content-type", content_type)
            .body(bytes.to_vec())
            .map_err(|e| ClusterError::other(call, e.to_string()))?;
        client
            .request_text(req)
            .await
            .map_err(|e| ClusterError::from_kube(call, e))
    })
    .await
}

/// JSON-merge-patches the object at `path` only if it is still at `resource_version`
/// (the patch carries it: a concurrent change answers 409). `dry_run` sends `dryRun=All`.
pub async fn merge_patch(
    client: &kube::Client,
    path: &str,
    what: &str,
    patch: &Value,
    (uid, resource_version): (&str, &str),
    dry_run: bool,
) -> Result<Value, ClusterError> {
    let call = format!("patch {what}");
    let body = preconditioned(patch, uid, resource_version);
    let bytes = serde_json::to_vec(&body).map_err(|e| ClusterError::other(&call, e.to_string()))?;
    let dry = if dry_run { "?dryRun=All" } else { "" };
    let text = send(
        client,
        http::Method::PATCH,
        &format!("{path}{dry}"),
        "application/merge-patch+json",
        &bytes,
        &call,
    )
    .await?;
    serde_json::from_str(&text).map_err(|e| ClusterError::other(call, format!("invalid JSON: {e}")))
}

/// What a delete must still find for it to go ahead.
#[derive(Clone, Debug, Default)]
pub struct Preconditions<'a> {
    pub uid: &'a str,
    /// The resourceVersion the decision was made on: any change since answers 409.
    pub resource_version: Option<&'a str>,
    pub propagation: Option<&'a str>,
    pub grace_seconds: Option<u32>,
    pub dry_run: bool,
}

/// Deletes the object at `path` only if it is still the object with `uid` (and, when
/// given, still at `resource_version`). `Ok(false)` when it was already gone.
pub async fn delete_preconditioned(
    client: &kube::Client,
    path: &str,
    what: &str,
    pre: &Preconditions<'_>,
) -> Result<bool, ClusterError> {
    let call = format!(
        "delete {what} (uid {}{})",
        pre.uid,
        pre.resource_version
            .map(|rv| format!(", resourceVersion {rv}"))
            .unwrap_or_default()
    );
    let mut preconditions = serde_json::json!({"uid": pre.uid});
    if let Some(rv) = pre.resource_version {
        preconditions["resourceVersion"] = Value::from(rv);
    }
    let mut body = serde_json::json!({"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": preconditions});
    if let Some(p) = pre.propagation {
        body["propagationPolicy"] = Value::from(p);
    }
    if let Some(g) = pre.grace_seconds {
        body["gracePeriodSeconds"] = Value::from(g);
    }
    if pre.dry_run {
        body["dryRun"] = serde_json::json!(["All"]);
    }
    let dry = if pre.dry_run { "?dryRun=All" } else { "" };
    let bytes = serde_json::to_vec(&body).map_err(|e| ClusterError::other(&call, e.to_string()))?;
    let path = format!("{path}{dry}");
    match send(
        client,
        http::Method::DELETE,
        &path,
        "application/json",
        &bytes,
        &call,
    )
    .await
    {
        Ok(_) => Ok(true),
        Err(err) if err.is_not_found() => Ok(false),
        Err(err) => Err(err),
    }
}

/// The API path of a pod.
pub fn pod_path(ns: &str, name: &str) -> String {
    format!("/api/v1/namespaces/{ns}/pods/{name}")
}

/// The API path of a claim.
pub fn claim_path(ns: &str, name: &str) -> String {
    format!("/api/v1/namespaces/{ns}/persistentvolumeclaims/{name}")
}

/// The API path of a StatefulSet.
pub fn set_path(ns: &str, name: &str) -> String {
    format!("/apis/apps/v1/namespaces/{ns}/statefulsets/{name}")
}

/// Creates `body` in the collection at `path` (`dry_run`: `dryRun=All`, nothing stored).
/// A create is sent again after a transient failure: had the first been stored, the
/// second answers 409 AlreadyExists, which the caller reads as such
/// ([`is_already_exists`]).
pub async fn create(
    client: &kube::Client,
    path: &str,
    what: &str,
    body: &Value,
    dry_run: bool,
) -> Result<Value, ClusterError> {
    let call = format!("create {what}{}", if dry_run { " (dry run)" } else { "" });
    let bytes = serde_json::to_vec(body).map_err(|e| ClusterError::other(&call, e.to_string()))?;
    let dry = if dry_run { "?dryRun=All" } else { "" };
    let text = send(
        client,
        http::Method::POST,
        &format!("{path}{dry}"),
        "application/json",
        &bytes,
        &call,
    )
    .await?;
    serde_json::from_str(&text).map_err(|e| ClusterError::other(call, format!("invalid JSON: {e}")))
}

/// A 409 that says the name is taken (AlreadyExists), not that a precondition failed.
pub fn is_already_exists(e: &ClusterError) -> bool {
    matches!(&e.cause, super::error::Cause::Conflict(m) if m.contains("already exists"))
}

/// The API path of the StatefulSets of `ns`.
pub fn sets_path(ns: &str) -> String {
    format!("/apis/apps/v1/namespaces/{ns}/statefulsets")
}
