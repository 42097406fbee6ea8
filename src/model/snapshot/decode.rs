//! Decoding the input into typed objects, and the checks the API server would make on a
//! StatefulSet before the controller ever saw it (so the model never plans for an object
//! a real cluster would have refused).

use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use serde_json::Value;
use serde_json::value::RawValue;

/// A cluster holds one object of a kind per namespace and name; a file that lists one
/// twice was not printed by kubectl (two pods named `web-0` would both claim ordinal 0).
pub(super) fn twice<'n>(
    kind: &str,
    ns: &str,
    names: impl Iterator<Item = &'n str>,
) -> SnapshotError {
    let mut seen = rustc_hash::FxHashSet::default();
    let name = names.into_iter().find(|n| !seen.insert(*n)).unwrap_or("");
    SnapshotError::Invalid {
        what: format!("{kind} {name}"),
        reason: format!(
            "listed twice in namespace {ns:?}; a cluster holds one object per name (was the file put together from two snapshots?)"
        ),
    }
}

pub(super) fn unique(kind: &str, ns: &str, names: &[String]) -> Result<(), SnapshotError> {
    let distinct: rustc_hash::FxHashSet<&str> = names.iter().map(String::as_str).collect();
    if distinct.len() == names.len() {
        Ok(())
    } else {
        Err(twice(kind, ns, names.iter().map(String::as_str)))
    }
}

/// Why a set of objects is not a usable snapshot.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SnapshotError {
    #[error("no StatefulSet found")]
    NoStatefulSet,
    #[error("no StatefulSet named {0:?} found (found: {1})")]
    NotFound(String, String),
    #[error("{0} StatefulSets found ({1}); name the one to plan")]
    Ambiguous(usize, String),
    #[error("{what}: {reason}")]
    Invalid { what: String, reason: String },
}

/// One object of the input: an already-parsed value (YAML, tests) or a slice of JSON
/// text that is decoded straight into its typed form (fast path for large lists).
pub enum Source<'t> {
    Value(Value),
    Raw(&'t RawValue),
}

impl Source<'_> {
    /// The object's `kind` (empty when absent).
    pub fn kind(&self) -> String {
        #[derive(serde::Deserialize)]
        struct Kind {
            kind: Option<String>,
        }
        match self {
            Source::Value(v) => v
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            Source::Raw(r) => serde_json::from_str::<Kind>(r.get())
                .ok()
                .and_then(|k| k.kind)
                .unwrap_or_default(),
        }
    }

    /// Decodes into `T`; errors name the object (`what`).
    pub fn decode<T: serde::de::DeserializeOwned>(
        &self,
        what: impl Fn() -> String,
    ) -> Result<T, SnapshotError> {
        let res = match self {
            Source::Value(v) => T::deserialize(v).map_err(|e| e.to_string()),
            Source::Raw(r) => serde_json::from_str(r.get()).map_err(|e| e.to_string()),
        };
        res.map_err(|reason| SnapshotError::Invalid {
            what: what(),
            reason,
        })
    }

    fn into_value(self) -> Result<Value, SnapshotError> {
        match self {
            Source::Value(v) => Ok(v),
            Source::Raw(r) => serde_json::from_str(r.get()).map_err(|e| SnapshotError::Invalid {
                what: "object".into(),
                reason: e.to_string(),
            }),
        }
    }

    /// `Kind name`, or `Kind (item N)` without a name.
    pub fn describe(&self, kind: &str, index: usize) -> String {
        #[derive(serde::Deserialize)]
        struct Meta {
            metadata: Option<Named>,
        }
        #[derive(serde::Deserialize)]
        struct Named {
            name: Option<String>,
        }
        let name = match self {
            Source::Value(v) => v
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .map(str::to_string),
            Source::Raw(r) => serde_json::from_str::<Meta>(r.get())
                .ok()
                .and_then(|m| m.metadata)
                .and_then(|m| m.name),
        };
        match name {
            Some(name) => format!("{kind} {name}"),
            None => format!("{kind} (item {})", index + 1),
        }
    }
}

/// Input objects decoded by kind, in input order; other kinds are dropped.
#[derive(Debug, Default)]
pub struct Objects {
    /// StatefulSets stay JSON until one is picked: its served form is what gets hashed.
    pub sets: Vec<Value>,
    pub pods: Vec<Pod>,
    pub revisions: Vec<ControllerRevision>,
    pub pvcs: Vec<PersistentVolumeClaim>,
}

impl Objects {
    /// Decodes every source; a `List` inside the input contributes its items.
    pub fn decode(sources: Vec<Source<'_>>) -> Result<Objects, SnapshotError> {
        let mut out = Objects::default();
        let mut queue: std::collections::VecDeque<Source<'_>> = sources.into();
        let mut index = 0;
        while let Some(object) = queue.pop_front() {
            index += 1;
            let kind = object.kind();
            let what = || object.describe(&kind, index - 1);
            match kind.as_str() {
                k if k.ends_with("List") => {
                    let mut list = object.into_value()?;
                    if let Some(Value::Array(items)) = list.get_mut("items").map(Value::take) {
                        queue.extend(items.into_iter().map(Source::Value));
                    }
                }
                "StatefulSet" => out.sets.push(object.into_value()?),
                "Pod" => out.pods.push(object.decode::<Pod>(what)?),
                "ControllerRevision" => out
                    .revisions
                    .push(object.decode::<ControllerRevision>(what)?),
                "PersistentVolumeClaim" => {
                    out.pvcs.push(object.decode::<PersistentVolumeClaim>(what)?)
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

/// Decodes and checks the fields the controller cannot do without.
pub fn decode_set(json: &Value) -> Result<StatefulSet, SnapshotError> {
    let name = json
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let what = || {
        if name.is_empty() {
            "StatefulSet".to_string()
        } else {
            format!("StatefulSet {name}")
        }
    };
    let set: StatefulSet = decode(json, what)?;
    let invalid = |reason: &str| SnapshotError::Invalid {
        what: what(),
        reason: reason.into(),
    };
    if name.is_empty() {
        return Err(invalid("missing required field metadata.name"));
    }
    if !is_dns_subdomain(name) {
        return Err(SnapshotError::Invalid {
            what: "StatefulSet".into(),
            reason: format!(
                "metadata.name: Invalid value: {name:?}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
            ),
        });
    }
    if let Some(ns) = set.metadata.namespace.as_deref()
        && !(is_dns_subdomain(ns) && ns.len() <= 63 && !ns.contains('.'))
    {
        return Err(invalid(&format!(
            "metadata.namespace: Invalid value: {ns:?}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'"
        )));
    }
    let spec = set
        .spec
        .as_ref()
        .ok_or_else(|| invalid("missing required field spec"))?;
    if json
        .pointer("/spec/selector")
        .is_none_or(|t| !t.is_object())
    {
        return Err(invalid("missing required field spec.selector"));
    }
    if json
        .pointer("/spec/template")
        .is_none_or(|t| !t.is_object())
    {
        return Err(invalid("missing required field spec.template"));
    }
    validate_spec(spec).map_err(|reason| invalid(&reason))?;
    let selector = &spec.selector;
    if selector.match_labels.as_ref().is_none_or(|m| m.is_empty())
        && selector
            .match_expressions
            .as_ref()
            .is_none_or(|m| m.is_empty())
    {
        return Err(invalid(
            "spec.selector: Invalid value: empty selector is invalid for statefulset",
        ));
    }
    let labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.as_ref());
    if !crate::model::selector::matches(selector, labels) {
        return Err(invalid(&format!(
            "spec.template.metadata.labels: Invalid value: {:?}: `selector` does not match template `labels` (selector {})",
            labels.cloned().unwrap_or_default(),
            crate::model::selector::to_query(selector)
        )));
    }
    Ok(set)
}

/// A name the API server takes for a StatefulSet (`NameIsDNSSubdomain`): at most 253
/// characters of `a-z`, `0-9`, `-` and `.`, each dot-separated part starting and ending
/// with a letter or digit.
fn is_dns_subdomain(name: &str) -> bool {
    name.len() <= 253
        && name.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && b.len() <= 63
                && b.iter()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
        })
}

/// The most ordinals a set may span here. The API server allows up to 2^31-1 replicas,
/// but no cluster holds that many pods (Kubernetes is tested to 150,000 pods per
/// cluster); a bound keeps every per-ordinal cost (slots, rows, a Parallel pass's creates)
/// within memory, whatever a file says.
pub const MAX_REPLICAS: i32 = 1_000_000;

/// The API server's validation of the fields the model computes with (apps/v1
/// `ValidateStatefulSetSpec`), plus the bounds the model needs: the refusal a user would
/// get from `kubectl apply`, instead of a wrapped ordinal or an unbounded allocation.
fn validate_spec(spec: &k8s_openapi::api::apps::v1::StatefulSetSpec) -> Result<(), String> {
    let replicas = spec.replicas.unwrap_or(1);
    if replicas < 0 {
        return Err(format!(
            "spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0"
        ));
    }
    if replicas > MAX_REPLICAS {
        return Err(format!(
            "spec.replicas: {replicas} is more than this tool models ({MAX_REPLICAS}; \
             Kubernetes is tested to 150,000 pods per cluster)"
        ));
    }
    let start = spec.ordinals.as_ref().and_then(|o| o.start).unwrap_or(0);
    if start < 0 {
        return Err(format!(
            "spec.ordinals.start: Invalid value: {start}: must be greater than or equal to 0"
        ));
    }
    if start.checked_add(replicas).is_none() {
        return Err(format!(
            "spec.ordinals.start + spec.replicas ({start} + {replicas}) is beyond 2147483647: \
             ordinals would overflow"
        ));
    }
    let rolling = spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.rolling_update.as_ref());
    if let Some(p) = rolling.and_then(|r| r.partition)
        && p < 0
    {
        return Err(format!(
            "spec.updateStrategy.rollingUpdate.partition: Invalid value: {p}: must be greater than or equal to 0"
        ));
    }
    if let Some(m) = rolling.and_then(|r| r.max_unavailable.as_ref()) {
        validate_max_unavailable(m)?;
    }
    Ok(())
}

/// `maxUnavailable`: a positive integer or a percentage in 1%..=100% (the API server's
/// `ValidatePositiveIntOrPercent`, "cannot be 0" and `IsNotMoreThan100Percent`).
fn validate_max_unavailable(
    m: &k8s_openapi::apimachinery::pkg::util::intstr::IntOrString,
) -> Result<(), String> {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    const FIELD: &str = "spec.updateStrategy.rollingUpdate.maxUnavailable";
    match m {
        IntOrString::Int(i) if *i < 0 => Err(format!(
            "{FIELD}: Invalid value: {i}: must be greater than or equal to 0"
        )),
        IntOrString::Int(0) => Err(format!("{FIELD}: Invalid value: 0: cannot be 0")),
        IntOrString::Int(_) => Ok(()),
        IntOrString::String(s) => {
            let percent = s
                .strip_suffix('%')
                .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|digits| digits.parse::<u64>().ok());
            match percent {
                None => Err(format!(
                    "{FIELD}: Invalid value: {s:?}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%')"
                )),
                Some(0) => Err(format!("{FIELD}: Invalid value: {s:?}: cannot be 0")),
                Some(p) if p > 100 => Err(format!(
                    "{FIELD}: Invalid value: {s:?}: must not be greater than 100%"
                )),
                Some(_) => Ok(()),
            }
        }
    }
}

fn decode<T: serde::de::DeserializeOwned>(
    object: &Value,
    what: impl Fn() -> String,
) -> Result<T, SnapshotError> {
    T::deserialize(object).map_err(|e| SnapshotError::Invalid {
        what: what(),
        reason: e.to_string(),
    })
}
