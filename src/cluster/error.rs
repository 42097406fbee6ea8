//! API failures as a person should read them: which call on which object failed, and why
//! (not found, RBAC, credentials, unreachable, timeout).

use std::fmt;

/// One failed API call.
#[derive(Debug)]
pub struct ClusterError {
    /// What was being done, e.g. `get statefulsets.apps "web" in namespace "db"`.
    pub call: String,
    pub cause: Cause,
    /// The underlying error in full, for `-v`.
    pub detail: Option<String>,
    /// When the server asked to be asked again (`details.retryAfterSeconds` of its
    /// Status, the body's copy of `Retry-After`), on a 429 or a 5xx.
    pub retry_after: Option<std::time::Duration>,
}

#[derive(Debug)]
pub enum Cause {
    NotFound,
    Forbidden(String),
    Unauthorized,
    /// Getting credentials failed (an exec plugin, a token file); what it printed is
    /// never shown.
    Credentials(String),
    Conflict(String),
    Api(u16, String),
    Unreachable(String),
    Timeout,
    Other(String),
}

impl ClusterError {
    pub fn from_kube(call: impl Into<String>, e: kube::Error) -> ClusterError {
        if let Some(safe) = without_credentials(&e) {
            return ClusterError {
                call: call.into(),
                cause: Cause::Credentials(safe),
                detail: None,
                retry_after: None,
            };
        }
        let detail = Some(format!("{e:?}"));
        let retry_after = match &e {
            kube::Error::Api(s) if s.code == 429 || s.code >= 500 => s
                .details
                .as_ref()
                .map(|d| d.retry_after_seconds)
                .filter(|secs| *secs > 0)
                .map(|secs| std::time::Duration::from_secs(u64::from(secs))),
            _ => None,
        };
        let cause = match e {
            kube::Error::Api(s) => match s.code {
                404 => Cause::NotFound,
                403 => Cause::Forbidden(s.message),
                401 => Cause::Unauthorized,
                409 => Cause::Conflict(s.message),
                code => Cause::Api(code, s.message),
            },
            kube::Error::HyperError(e) => {
                let text = e.to_string();
                if text.contains("timed out") || text.contains("deadline") {
                    Cause::Timeout
                } else {
                    Cause::Unreachable(source_chain(&e))
                }
            }
            kube::Error::Service(e) => {
                let text = source_chain(e.as_ref());
                if text.to_lowercase().contains("timed out") || text.contains("elapsed") {
                    Cause::Timeout
                } else {
                    Cause::Unreachable(text)
                }
            }
            other => Cause::Other(source_chain(&other)),
        };
        ClusterError {
            call: call.into(),
            cause,
            detail,
            retry_after,
        }
    }

    /// A failure that is not an API answer (a malformed response, say).
    pub fn other(call: impl Into<String>, message: impl Into<String>) -> ClusterError {
        ClusterError {
            call: call.into(),
            cause: Cause::Other(message.into()),
            detail: None,
            retry_after: None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self.cause, Cause::NotFound)
    }

    pub fn is_conflict(&self) -> bool {
        matches!(self.cause, Cause::Conflict(_))
    }
}

/// Credentials never reach the terminal, whatever the verbosity: kube's messages for a
/// failed or unparsable exec plugin quote what the plugin printed (a token, say), and the
/// debug form holds it too. Such an error is told by its command and exit status only.
fn without_credentials(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    use kube::client::AuthError as A;
    let mut cur = Some(e);
    while let Some(err) = cur {
        let auth = err
            .downcast_ref::<A>()
            .or_else(|| match err.downcast_ref::<kube::Error>() {
                Some(kube::Error::Auth(a)) => Some(a),
                _ => None,
            });
        match auth {
            Some(A::AuthExecRun { out, .. }) => {
                // Not even the command line: it carries the plugin's environment.
                return Some(format!(
                    "the kubeconfig's credential plugin (users[].user.exec) failed ({}); what it printed is not shown, as it can hold credentials — run it yourself to see",
                    out.status
                ));
            }
            Some(A::AuthExecParse(_)) => {
                return Some(
                    "the kubeconfig's credential plugin (users[].user.exec) printed something that is not an ExecCredential (not shown, as it can hold credentials)".into(),
                );
            }
            Some(other) => return Some(format!("getting credentials failed: {other}")),
            None => cur = err.source(),
        }
    }
    None
}

/// An error's message, for a line the user reads; credentials left out (see
/// [`without_credentials`]).
pub fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    without_credentials(e).unwrap_or_else(|| e.to_string())
}

fn source_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let t = s.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        cur = s.source();
    }
    parts.join(": ")
}

impl fmt::Display for ClusterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            Cause::NotFound => write!(f, "{}: not found", self.call),
            Cause::Forbidden(m) => write!(f, "{}: forbidden by RBAC ({m})", self.call),
            Cause::Unauthorized => write!(
                f,
                "{}: unauthorized: the credentials were refused or have expired",
                self.call
            ),
            Cause::Credentials(m) => write!(f, "{}: {m}", self.call),
            Cause::Conflict(m) => write!(f, "{}: conflict: {m}", self.call),
            Cause::Api(code, m) => write!(f, "{}: the API server answered {code}: {m}", self.call),
            Cause::Unreachable(m) => write!(f, "{}: cannot reach the API server: {m}", self.call),
            Cause::Timeout => write!(f, "{}: timed out (see --request-timeout)", self.call),
            Cause::Other(m) => write!(f, "{}: {m}", self.call),
        }
    }
}

impl std::error::Error for ClusterError {}

impl From<ClusterError> for crate::error::Error {
    fn from(e: ClusterError) -> Self {
        let hint = match &e.cause {
            Cause::Forbidden(_) => Some(
                "ask for the RBAC permission named above, or run with another --context / --as",
            ),
            Cause::Unauthorized | Cause::Credentials(_) => {
                Some("log in again (your kubeconfig's credentials), or pick another --context")
            }
            Cause::Unreachable(_) => {
                Some("check the cluster is up and --context / --kubeconfig point at it")
            }
            Cause::Timeout => Some("the server is slow or unreachable; raise --request-timeout"),
            _ => None,
        };
        let mut err = crate::error::Error::failed(e.to_string());
        err.detail = e.detail.clone();
        match hint {
            Some(h) => err.with_hint(h),
            None => err,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16, reason: &str, message: &str) -> kube::Error {
        kube::Error::Api(Box::new(kube::core::Status {
            status: Some(kube::core::response::StatusSummary::Failure),
            code,
            message: message.into(),
            reason: reason.into(),
            details: None,
            metadata: None,
        }))
    }

    #[test]
    fn rbac_and_credentials_are_named() {
        let e = ClusterError::from_kube(
            "list pods -l app=web in namespace \"db\"",
            api(
                403,
                "Forbidden",
                "pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"db\"",
            ),
        );
        let text = e.to_string();
        assert!(
            text.starts_with("list pods -l app=web in namespace \"db\": forbidden by RBAC"),
            "{text}"
        );
        assert!(text.contains("cannot list resource \"pods\""), "{text}");
        let err: crate::error::Error = e.into();
        assert_eq!(err.code, crate::error::ExitCode::Failure);
        assert!(err.hint.is_some());
        let e = ClusterError::from_kube(
            "get statefulsets.apps \"web\"",
            api(401, "Unauthorized", "Unauthorized"),
        );
        assert!(
            e.to_string()
                .contains("credentials were refused or have expired")
        );
        assert!(ClusterError::from_kube("x", api(404, "NotFound", "")).is_not_found());
        assert!(ClusterError::from_kube("x", api(409, "Conflict", "")).is_conflict());
    }
}
