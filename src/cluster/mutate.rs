//! Writes, each with a precondition: patches carry the resourceVersion they were planned
//! from (a concurrent change answers 409 and nothing is overwritten).

use serde_json::Value;

use super::error::ClusterError;

/// Strategic-merge-patches StatefulSet `ns/name` with `patch`, only if it is still at
/// `resource_version`. `server_dry_run` sends `dryRun=All`.
pub async fn patch_set(
    client: &kube::Client,
    ns: &str,
    name: &str,
    patch: &Value,
    resource_version: &str,
    server_dry_run: bool,
) -> Result<Value, ClusterError> {
    let call = format!("patch statefulsets.apps {name:?} in namespace {ns:?}");
    let mut body = patch.clone();
    body["metadata"]["resourceVersion"] = Value::from(resource_version);
    let bytes = serde_json::to_vec(&body).map_err(|e| ClusterError::other(&call, e.to_string()))?;
    let dry = if server_dry_run { "?dryRun=All" } else { "" };
    let req = http::Request::patch(format!(
        "/apis/apps/v1/namespaces/{ns}/statefulsets/{name}{dry}"
    ))
    .header("content-type", "application/strategic-merge-patch+json")
    .body(bytes)
    .map_err(|e| ClusterError::other(&call, e.to_string()))?;
    let text = client
        .request_text(req)
        .await
        .map_err(|e| ClusterError::from_kube(&call, e))?;
    serde_json::from_str(&text).map_err(|e| ClusterError::other(call, format!("invalid JSON: {e}")))
}

/// Scales StatefulSet `ns/name` through the scale subresource, only if the set is still
/// at `resource_version`.
pub async fn scale_set(
    client: &kube::Client,
    ns: &str,
    name: &str,
    replicas: i32,
    resource_version: &str,
    server_dry_run: bool,
) -> Result<(), ClusterError> {
    let call = format!("patch statefulsets.apps/scale {name:?} in namespace {ns:?}");
    let body = serde_json::json!({"metadata": {"resourceVersion": resource_version}, "spec": {"replicas": replicas}});
    let dry = if server_dry_run { "?dryRun=All" } else { "" };
    let req = http::Request::patch(format!(
        "/apis/apps/v1/namespaces/{ns}/statefulsets/{name}/scale{dry}"
    ))
    .header("content-type", "application/merge-patch+json")
    .body(serde_json::to_vec(&body).map_err(|e| ClusterError::other(&call, e.to_string()))?)
    .map_err(|e| ClusterError::other(&call, e.to_string()))?;
    client
        .request_text(req)
        .await
        .map(drop)
        .map_err(|e| ClusterError::from_kube(call, e))
}

/// JSON-merge-patches the object at `path` only if it is still at `resource_version`
/// (the patch carries it: a concurrent change answers 409). `dry_run` sends `dryRun=All`.
pub async fn merge_patch(
    client: &kube::Client,
    path: &str,
    what: &str,
    patch: &Value,
    resource_version: &str,
    dry_run: bool,
) -> Result<Value, ClusterError> {
    let call = format!("patch {what}");
    let mut body = patch.clone();
    body["metadata"]["resourceVersion"] = Value::from(resource_version);
    let bytes = serde_json::to_vec(&body).map_err(|e| ClusterError::other(&call, e.to_string()))?;
    let dry = if dry_run { "?dryRun=All" } else { "" };
    let req = http::Request::patch(format!("{path}{dry}"))
        .header("content-type", "application/merge-patch+json")
        .body(bytes)
        .map_err(|e| ClusterError::other(&call, e.to_string()))?;
    let text = client
        .request_text(req)
        .await
        .map_err(|e| ClusterError::from_kube(&call, e))?;
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
    let req = http::Request::delete(format!("{path}{dry}"))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&body).map_err(|e| ClusterError::other(&call, e.to_string()))?)
        .map_err(|e| ClusterError::other(&call, e.to_string()))?;
    match client.request_text(req).await {
        Ok(_) => Ok(true),
        Err(e) => {
            let err = ClusterError::from_kube(call, e);
            if err.is_not_found() {
                Ok(false)
            } else {
                Err(err)
            }
        }
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
