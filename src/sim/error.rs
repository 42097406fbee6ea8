//! Kubernetes-shaped API errors: a `Status` object with reason and code.

use serde_json::{Value, json};

use super::store::Kind;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    pub kind: Option<&'static str>,
    pub name: Option<String>,
    /// What was invalid, field by field (422 `details.causes`): reason, message, field.
    pub causes: Vec<(&'static str, String, String)>,
}

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: String) -> ApiError {
        ApiError {
            code,
            reason,
            message,
            kind: None,
            name: None,
            causes: Vec::new(),
        }
    }

    fn about(mut self, kind: Kind, name: &str) -> ApiError {
        self.kind = Some(kind.plural());
        self.name = Some(name.to_string());
        self
    }

    pub fn not_found(kind: Kind, name: &str) -> ApiError {
        ApiError::new(
            404,
            "NotFound",
            format!("{} \"{name}\" not found", qualified(kind)),
        )
        .about(kind, name)
    }

    /// 403 for a reason other than RBAC (an admission plugin's): `KIND "NAME" is
    /// forbidden: WHY`.
    pub fn forbidden_because(kind: Kind, name: &str, why: &str) -> ApiError {
        ApiError::new(
            403,
            "Forbidden",
            format!("{} \"{name}\" is forbidden: {why}", qualified(kind)),
        )
        .about(kind, name)
    }

    pub fn already_exists(kind: Kind, name: &str) -> ApiError {
        let group = if kind.api_version() == "apps/v1" {
            ".apps"
        } else {
            ""
        };
        ApiError::new(
            409,
            "AlreadyExists",
            format!("{}{group} \"{name}\" already exists", kind.plural()),
        )
        .about(kind, name)
    }

    /// An admission plugin said no (403 Forbidden, naming the object).
    pub fn admission_forbidden(kind: Kind, name: &str, why: &str) -> ApiError {
        ApiError::new(
            403,
            "Forbidden",
            format!("{} \"{name}\" is forbidden: {why}", kind.plural()),
        )
        .about(kind, name)
    }

    pub fn conflict(kind: Kind, name: &str, why: &str) -> ApiError {
        let group = if kind.api_version() == "apps/v1" {
            ".apps"
        } else {
            ""
        };
        ApiError::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {}{group} \"{name}\": {why}",
                kind.plural()
            ),
        )
        .about(kind, name)
    }

    /// 409 of a server-side apply that would change fields other managers own (manager,
    /// field), worded as kube-apiserver words it; one `FieldManagerConflict` cause each.
    pub fn apply_conflicts(
        kind: Kind,
        name: &str,
        group_version: &str,
        conflicts: &[(String, String)],
    ) -> ApiError {
        let n = conflicts.len();
        let mut by_manager: Vec<(&str, Vec<&str>)> = Vec::new();
        for (m, f) in conflicts {
            match by_manager.iter_mut().find(|(x, _)| x == m) {
                Some((_, fields)) => fields.push(f),
                None => by_manager.push((m, vec![f])),
            }
        }
        let text = match by_manager.as_slice() {
            [(m, fields)] if fields.len() == 1 => {
                format!("conflict with {m} using {group_version}: {}", fields[0])
            }
            _ => by_manager
                .iter()
                .map(|(m, fields)| {
                    let list: Vec<String> = fields.iter().map(|f| format!("- {f}")).collect();
                    format!(
                        "conflicts with {m} using {group_version}:\n{}",
                        list.join("\n")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
        };
        let mut e = ApiError::new(
            409,
            "Conflict",
            format!(
                "Apply failed with {n} conflict{}: {text}",
                if n == 1 { "" } else { "s" }
            ),
        );
        e.kind = Some(kind.plural());
        e.name = Some(name.to_string());
        e.causes = conflicts
            .iter()
            .map(|(m, f)| {
                (
                    "FieldManagerConflict",
                    format!("conflict with \"{m}\" using {group_version}"),
                    f.clone(),
                )
            })
            .collect();
        e
    }

    /// 422 on the request's options (`PatchOptions`), as kube-apiserver words it.
    pub fn invalid_options(why: &str) -> ApiError {
        ApiError::new(
            422,
            "Invalid",
            format!("PatchOptions.meta.k8s.io \"\" is invalid: {why}"),
        )
    }

    /// 422 Invalid; `why` is `field: Reason[: detail]`, as the API server words a cause
    /// (`spec.containers[0].image: Required value`), and becomes `details.causes` too.
    pub fn invalid(kind: Kind, name: &str, why: &str) -> ApiError {
        let group = if kind.api_version() == "apps/v1" {
            ".apps"
        } else {
            ""
        };
        let mut e = ApiError::new(
            422,
            "Invalid",
            format!("{}{group} \"{name}\" is invalid: {why}", kind.name()),
        )
        .about(kind, name);
        // An Invalid status names the kind, not the resource.
        e.kind = Some(kind.name());
        e.causes = vec![cause(why)];
        e
    }

    /// This Invalid error with `causes` (`field: Reason: detail` each) as its causes,
    /// its message listing them all as kube-apiserver's does: `… is invalid: [a, b]`.
    pub fn with_causes(mut self, causes: &[String]) -> ApiError {
        if let Some((head, _)) = self.message.split_once(" is invalid: ") {
            self.message = format!("{head} is invalid: [{}]", causes.join(", "));
        }
        self.causes = causes.iter().map(|why| cause(why)).collect();
        self
    }

    pub fn gone(rv: u64) -> ApiError {
        ApiError::new(410, "Expired", format!("too old resource version: {rv}"))
    }

    /// A resourceVersion the server has not reached (kube-apiserver waits up to 3 s
    /// for it, then answers this).
    pub fn too_large_resource_version(rv: u64, current: u64) -> ApiError {
        ApiError::new(
            504,
            "Timeout",
            format!("Too large resource version: {rv}, current: {current}"),
        )
    }

    /// A `continue` token from before the oldest change the server still keeps.
    pub fn expired_continue() -> ApiError {
        ApiError::new(
            410,
            "Expired",
            "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.".into(),
        )
    }

    pub fn bad_request(why: &str) -> ApiError {
        ApiError::new(400, "BadRequest", why.to_string())
    }

    pub fn method_not_allowed(method: &str) -> ApiError {
        ApiError::new(
            405,
            "MethodNotAllowed",
            format!("the server does not allow this method on the requested resource: {method}"),
        )
    }

    pub fn unsupported_media_type(ct: &str) -> ApiError {
        ApiError::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got {ct:?})"
            ),
        )
    }

    pub fn path_not_found(path: &str) -> ApiError {
        ApiError::new(
            404,
            "NotFound",
            format!("the server could not find the requested resource ({path})"),
        )
    }

    /// RBAC said no: `verb` on `resource` (a plural) in `namespace` (none: cluster-wide).
    /// RBAC's 403 for `user`: `statefulsets.apps is forbidden: User "…" cannot list
    /// resource "statefulsets" in API group "apps" in the namespace "ns"`.
    pub fn forbidden_user(
        user: &str,
        verb: &str,
        resource: &str,
        group: &str,
        namespace: Option<&str>,
    ) -> ApiError {
        let scope = namespace.map_or_else(
            || " at the cluster scope".to_string(),
            |ns| format!(" in the namespace \"{ns}\""),
        );
        let qualified = if group.is_empty() {
            resource.to_string()
        } else {
            format!("{resource}.{group}")
        };
        ApiError::new(
            403,
            "Forbidden",
            format!(
                "{qualified} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{group}\"{scope}"
            ),
        )
    }

    pub fn forbidden(verb: &str, resource: &str, group: &str, namespace: Option<&str>) -> ApiError {
        let scope = namespace.map_or_else(
            || " at the cluster scope".to_string(),
            |ns| format!(" in the namespace \"{ns}\""),
        );
        ApiError::new(
            403,
            "Forbidden",
            format!(
                "{resource} is forbidden: User \"system:serviceaccount:default:viewer\" cannot {verb} resource \"{resource}\" in API group \"{group}\"{scope}"
            ),
        )
    }

    /// An injected fault.
    /// 503 of a proxied request the API server cannot pass on.
    pub fn unavailable(why: &str) -> ApiError {
        ApiError::new(503, "ServiceUnavailable", why.to_string())
    }

    pub fn injected(code: u16) -> ApiError {
        let reason = match code {
            409 => "Conflict",
            429 => "TooManyRequests",
            503 => "ServiceUnavailable",
            _ => "InternalError",
        };
        ApiError::new(code, reason, format!("injected fault: {code} {reason}"))
    }

    /// The `Status` object.
    pub fn to_status(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let (Some(kind), Some(name)) = (self.kind, &self.name) {
            let group = if matches!(
                kind,
                "statefulsets" | "controllerrevisions" | "StatefulSet" | "ControllerRevision"
            ) {
                "apps"
            } else {
                ""
            };
            status["details"] = json!({"name": name, "group": group, "kind": kind});
            if !self.causes.is_empty() {
                status["details"]["causes"] = self
                    .causes
                    .iter()
                    .map(|(reason, message, field)| {
                        json!({"reason": reason, "message": message, "field": field})
                    })
                    .collect();
            }
        }
        // kube-apiserver asks a client to come back (Retry-After and
        // details.retryAfterSeconds) when it sheds load (429) or is not ready (503).
        if matches!(self.reason, "TooManyRequests" | "ServiceUnavailable") {
            status["details"] = json!({"retryAfterSeconds": 1});
        }
        if self.code == 504 && self.message.starts_with("Too large resource version") {
            status["details"] = json!({"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
                                       "retryAfterSeconds": 1});
        }
        status
    }
}

/// `statefulsets.apps`, `pods`, `poddisruptionbudgets.policy`: a resource as the API
/// server names it in messages (the group after the plural; none for the core group).
pub fn qualified(kind: Kind) -> String {
    match kind.api_version().split_once('/') {
        Some((group, _)) => format!("{}.{group}", kind.plural()),
        None => kind.plural().to_string(),
    }
}

/// A `details.causes` entry (reason, message, field) of `field: Reason[: detail]`, as
/// the API server words a cause (`spec.containers[0].image: Required value`).
fn cause(why: &str) -> (&'static str, String, String) {
    let (field, message) = why.split_once(": ").unwrap_or(("", why));
    let reason = match message.split(':').next().unwrap_or("") {
        "Required value" => "FieldValueRequired",
        "Forbidden" => "FieldValueForbidden",
        "Unsupported value" => "FieldValueNotSupported",
        "Duplicate value" => "FieldValueDuplicate",
        _ => "FieldValueInvalid",
    };
    (reason, message.to_string(), field.to_string())
}
