//! Who is asking, and what they may do: the sim's one user (the admin of the
//! real-cluster suite's control plane, `kubectl-sts-admin`, in `system:masters`), the
//! anonymous user impersonation can name (allowed discovery, nothing else, as RBAC's
//! `system:public-info-viewer` and `system:discovery` roles allow), and the reviews
//! `kubectl auth can-i` and `kubectl auth whoami` ask for.

use serde_json::{Value, json};

use super::{Request, Response, err, ok};
use crate::sim::error::ApiError;

pub const USER: &str = "kubectl-sts-admin";
pub const ANONYMOUS: &str = "system:anonymous";

/// The user a request acts as: the impersonated one, or the sim's admin.
pub fn user(impersonation: &[(String, String)]) -> String {
    impersonation
        .iter()
        .find(|(k, _)| k == "impersonate-user")
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| USER.to_string())
}

fn groups(user: &str) -> Vec<&'static str> {
    if user == ANONYMOUS {
        vec!["system:unauthenticated"]
    } else {
        vec!["system:masters", "system:authenticated"]
    }
}

/// (group, resource, verb, namespace) of an API request, as RBAC sees it:
/// `/api/v1/[namespaces/NS/]PLURAL[/NAME]` or `/apis/GROUP/VERSION/[namespaces/NS/]PLURAL…`.
pub fn attributes(
    req: &Request,
    watching: bool,
) -> Option<(String, String, &'static str, Option<String>)> {
    let parts: Vec<&str> = req.path.trim_matches('/').split('/').collect();
    let (group, rest) = match parts.first() {
        Some(&"api") => (String::new(), parts.get(2..)?),
        Some(&"apis") => ((*parts.get(1)?).to_string(), parts.get(3..)?),
        _ => return None,
    };
    let (namespace, rest) = match rest {
        ["namespaces", ns, rest @ ..] if !rest.is_empty() => (Some((*ns).to_string()), rest),
        _ => (None, rest),
    };
    let resource = (*rest.first()?).to_string();
    let verb = match (req.method.as_str(), rest.len(), watching) {
        (_, _, true) => "watch",
        ("GET", 1, _) => "list",
        ("GET", _, _) => "get",
        ("POST", _, _) => "create",
        ("PUT", _, _) => "update",
        ("PATCH", _, _) => "patch",
        ("DELETE", _, _) => "delete",
        _ => "access",
    };
    Some((group, resource, verb, namespace))
}

/// The 403 the anonymous user gets for any resource request (discovery, `/version`
/// and the health checks stay open to it).
pub fn anonymous_denied(user: &str, req: &Request, watching: bool) -> Option<ApiError> {
    if user != ANONYMOUS {
        return None;
    }
    let (group, resource, verb, namespace) = attributes(req, watching)?;
    Some(ApiError::forbidden_user(
        ANONYMOUS,
        verb,
        &resource,
        &group,
        namespace.as_deref(),
    ))
}

/// `POST …/selfsubjectaccessreviews`: allowed unless the resource is one the sim's
/// RBAC denies (`denied`); the anonymous user never gets here.
pub fn access_review(req: &Request, denied: &[String]) -> Response {
    let ct = req.content_type.split(';').next().unwrap_or("").trim();
    let review = if ct == crate::sim::protobuf::CONTENT_TYPE {
        crate::sim::protobuf::decode_access_review(&req.body)
    } else {
        serde_json::from_slice::<Value>(&req.body)
            .map_err(|e| ApiError::bad_request(&format!("the request body is not valid JSON: {e}")))
    };
    let review = match review {
        Ok(r) => r,
        Err(e) => return err(e),
    };
    let spec = review.get("spec").cloned().unwrap_or(json!({}));
    let resource = spec
        .pointer("/resourceAttributes/resource")
        .and_then(Value::as_str)
        .unwrap_or("");
    let allowed = !denied.iter().any(|d| d == resource);
    let mut status = json!({"allowed": allowed});
    if !allowed {
        status["reason"] = json!("the simulated cluster's RBAC denies it (--forbid)");
    }
    Response::Json(
        201,
        json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
               "metadata": {"creationTimestamp": null}, "spec": spec, "status": status}),
    )
}

/// `POST …/selfsubjectreviews`: who the request is.
pub fn self_review(user: &str) -> Response {
    Response::Json(
        201,
        json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview",
               "metadata": {"creationTimestamp": null},
               "status": {"userInfo": {"username": user, "groups": groups(user)}}}),
    )
}

/// The discovery of the two review groups.
pub fn resources(group_version: &str) -> Option<Response> {
    let (name, kind) = match group_version {
        "authorization.k8s.io/v1" => ("selfsubjectaccessreviews", "SelfSubjectAccessReview"),
        "authentication.k8s.io/v1" => ("selfsubjectreviews", "SelfSubjectReview"),
        _ => return None,
    };
    Some(ok(
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
               "resources": [{"name": name, "singularName": kind.to_lowercase(), "namespaced": false,
                              "kind": kind, "verbs": ["create"]}]}),
    ))
}
