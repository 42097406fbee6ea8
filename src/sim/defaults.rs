//! What the API server does to objects on write: defaulting (so stored objects look like
//! a real cluster's, which matters for revision hashes) and the validation that tools
//! trip over (422 Invalid).

use serde_json::{Value, json};

use super::error::ApiError;
use super::store::Kind;

fn set_default(obj: &mut Value, key: &str, value: Value) {
    if obj.get(key).is_none_or(Value::is_null) {
        obj[key] = value;
    }
}

/// Pod spec defaults that a 1.3x API server applies.
fn pod_spec(spec: &mut Value) {
    if !spec.is_object() {
        return;
    }
    set_default(spec, "restartPolicy", json!("Always"));
    set_default(spec, "terminationGracePeriodSeconds", json!(30));
    set_default(spec, "dnsPolicy", json!("ClusterFirst"));
    set_default(spec, "securityContext", json!({}));
    set_default(spec, "schedulerName", json!("default-scheduler"));
    for list in ["initContainers", "containers"] {
        if let Some(cs) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for c in cs {
                let image = c
                    .get("image")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let tag = image
                    .rsplit('/')
                    .next()
                    .and_then(|last| last.split_once(':'))
                    .map(|(_, t)| t);
                let policy = if tag.is_none_or(|t| t == "latest") {
                    "Always"
                } else {
                    "IfNotPresent"
                };
                set_default(c, "imagePullPolicy", json!(policy));
                set_default(c, "terminationMessagePath", json!("/dev/termination-log"));
                set_default(c, "terminationMessagePolicy", json!("File"));
                set_default(c, "resources", json!({}));
                if let Some(ports) = c.get_mut("ports").and_then(Value::as_array_mut) {
                    for p in ports {
                        set_default(p, "protocol", json!("TCP"));
                    }
                }
            }
        }
    }
}

pub fn apply(kind: Kind, obj: &mut Value) {
    match kind {
        Kind::StatefulSet => {
            let Some(spec) = obj.get_mut("spec").filter(|s| s.is_object()) else {
                return;
            };
            set_default(spec, "replicas", json!(1));
            set_default(spec, "podManagementPolicy", json!("OrderedReady"));
            set_default(spec, "revisionHistoryLimit", json!(10));
            set_default(
                spec,
                "persistentVolumeClaimRetentionPolicy",
                json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
            );
            let strategy = spec.get("updateStrategy").cloned().unwrap_or(Value::Null);
            let ty = strategy.get("type").and_then(Value::as_str).unwrap_or("");
            if ty.is_empty() {
                spec["updateStrategy"] =
                    json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}});
            } else if let Some(ru) = spec
                .pointer_mut("/updateStrategy/rollingUpdate")
                .filter(|r| r.is_object())
            {
                set_default(ru, "partition", json!(0));
            }
            if let Some(t) = spec.get_mut("template")
                && let Some(s) = t.get_mut("spec")
            {
                pod_spec(s);
            }
            if let Some(vcts) = spec
                .get_mut("volumeClaimTemplates")
                .and_then(Value::as_array_mut)
            {
                for v in vcts {
                    set_default(v, "apiVersion", json!("v1"));
                    set_default(v, "kind", json!("PersistentVolumeClaim"));
                    if let Some(s) = v.get_mut("spec") {
                        set_default(s, "volumeMode", json!("Filesystem"));
                    }
                    set_default(v, "status", json!({"phase": "Pending"}));
                }
            }
        }
        Kind::Pod => {
            if let Some(s) = obj.get_mut("spec") {
                pod_spec(s);
            }
            if obj.get("status").and_then(|s| s.get("phase")).is_none() {
                obj["status"] = json!({"phase": "Pending", "qosClass": "BestEffort"});
            }
        }
        // Bound at its creation by `sim::volumes::on_create` when a served class
        // provisions it.
        Kind::PersistentVolumeClaim => {}
        Kind::PodDisruptionBudget => {}
        Kind::StorageClass => {
            set_default(obj, "reclaimPolicy", json!("Delete"));
            set_default(obj, "volumeBindingMode", json!("Immediate"));
        }
        Kind::ControllerRevision | Kind::Event => {}
        Kind::Namespace
        | Kind::ServiceAccount
        | Kind::Service
        | Kind::Node
        | Kind::PersistentVolume => super::kinds::defaults(kind, obj),
    }
}

/// What the release's feature gates change in a written object: with
/// MaxUnavailableStatefulSet on, `rollingUpdate.maxUnavailable` defaults to 1 (apps/v1
/// defaults); off, the field is dropped unless the object already used it
/// (`dropStatefulSetDisabledFields`).
pub fn gated(kind: Kind, obj: &mut Value, old: Option<&Value>, max_unavailable: bool, minor: u32) {
    if kind != Kind::StatefulSet {
        return;
    }
    // Up to 1.33 ObjectMeta's creationTimestamp has no `omitzero`: a pod template's and a
    // claim template's metadata carry `creationTimestamp: null`.
    if minor < 34 {
        if let Some(m) = obj
            .pointer_mut("/spec/template/metadata")
            .and_then(Value::as_object_mut)
        {
            m.entry("creationTimestamp").or_insert(Value::Null);
        }
        for t in obj
            .pointer_mut("/spec/volumeClaimTemplates")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(m) = t.get_mut("metadata").and_then(Value::as_object_mut) {
                m.entry("creationTimestamp").or_insert(Value::Null);
            }
        }
    }
    let Some(ru) = obj
        .pointer_mut("/spec/updateStrategy/rollingUpdate")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    if max_unavailable {
        ru.entry("maxUnavailable").or_insert(json!(1));
    } else {
        let in_use = old
            .and_then(|o| o.pointer("/spec/updateStrategy/rollingUpdate/maxUnavailable"))
            .is_some_and(|m| !m.is_null());
        if !in_use {
            ru.remove("maxUnavailable");
        }
    }
}

/// Rejects what the real API server rejects (the subset tools trip over), with every
/// cause `sim::validation` finds and the first of the checks here.
pub fn validate(kind: Kind, obj: &Value, old: Option<&Value>, minor: u32) -> Result<(), ApiError> {
    if let Some(why) = super::decode::type_error(kind, obj) {
        return Err(ApiError::bad_request(&why));
    }
    let mut causes = super::validation::causes(kind, obj, old, minor);
    if let Err(e) = first_error(kind, obj, minor) {
        if e.code != 422 {
            return Err(e);
        }
        for (_, message, field) in &e.causes {
            let why = if field.is_empty() {
                message.clone()
            } else {
                format!("{field}: {message}")
            };
            if !causes
                .iter()
                .any(|c| c.split(": ").next() == Some(field.as_str()))
            {
                causes.push(why);
            }
        }
    }
    if causes.is_empty() {
        return Ok(());
    }
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    Err(super::validation::invalid(kind, name, &causes))
}

/// The checks not yet in `sim::validation`: the first that fails.
fn first_error(kind: Kind, obj: &Value, minor: u32) -> Result<(), ApiError> {
    if kind == Kind::Pod {
        return validate_pod(obj);
    }
    if kind != Kind::StatefulSet {
        return Ok(());
    }
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let invalid = |why: &str| Err(ApiError::invalid(kind, name, why));
    let spec = &obj["spec"];
    if spec
        .pointer("/updateStrategy/rollingUpdate/partition")
        .and_then(Value::as_i64)
        .is_some_and(|p| p < 0)
    {
        return invalid(
            "spec.updateStrategy.rollingUpdate.partition: Invalid value: must be greater than or equal to 0",
        );
    }
    let unsupported = |field: &str, supported: &[&str]| -> Option<String> {
        let v = spec.pointer(field)?.as_str()?;
        (!supported.contains(&v)).then(|| {
            let list: Vec<String> = supported.iter().map(|s| format!("\"{s}\"")).collect();
            format!(
                "spec{}: Unsupported value: \"{v}\": supported values: {}",
                field.replace('/', "."),
                list.join(", ")
            )
        })
    };
    for (field, supported) in [("/template/spec/restartPolicy", &["Always"][..])] {
        if let Some(why) = unsupported(field, supported) {
            return invalid(&why);
        }
    }
    for field in [
        "/minReadySeconds",
        "/ordinals/start",
        "/revisionHistoryLimit",
    ] {
        if let Some(n) = spec
            .pointer(field)
            .and_then(Value::as_i64)
            .filter(|n| *n < 0)
        {
            return invalid(&format!(
                "spec{}: Invalid value: {n}: must be greater than or equal to 0",
                field.replace('/', ".")
            ));
        }
    }
    if let Some(mu) = spec.pointer("/updateStrategy/rollingUpdate/maxUnavailable") {
        let bad = match mu {
            Value::Number(n) => n.as_i64().is_none_or(|n| n < 1),
            Value::String(p) => p
                .strip_suffix('%')
                .and_then(|p| p.parse::<i64>().ok())
                .is_none_or(|p| !(1..=100).contains(&p)),
            _ => false,
        };
        if bad {
            return invalid(&format!(
                "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: {mu}: must be greater than 0, or a percentage between 1% and 100%"
            ));
        }
    }
    if minor >= 29 {
        // 1.28 does not validate a StatefulSet's pod spec (see sim::validation).
        containers(kind, name, &spec["template"], "spec.template.")?;
    }
    if spec.pointer("/updateStrategy/type").and_then(Value::as_str) == Some("OnDelete")
        && spec
            .pointer("/updateStrategy/rollingUpdate")
            .is_some_and(|r| !r.is_null())
    {
        return invalid(
            "spec.updateStrategy.rollingUpdate: Invalid value: only allowed for updateStrategy 'RollingUpdate'",
        );
    }
    // A selector of matchLabels, matchExpressions or both; empty is refused, and the
    // template's labels must match it (apps/v1 validation).
    let selector: Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector> = spec
        .get("selector")
        .and_then(|s| serde_json::from_value(s.clone()).ok());
    let Some(selector) = selector.filter(|s| {
        s.match_labels.as_ref().is_some_and(|m| !m.is_empty())
            || s.match_expressions.as_ref().is_some_and(|e| !e.is_empty())
    }) else {
        return invalid("spec.selector: Required value");
    };
    let _ = selector; // matched against the template's labels in sim::validation
    Ok(())
}

/// A pod needs containers, each with a name and an image (core/v1 validation, the
/// subset a hand-written manifest trips over).
fn validate_pod(obj: &Value) -> Result<(), ApiError> {
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    containers(Kind::Pod, name, obj, "")
}

/// The containers of the pod (or pod template) `obj`, whose fields are under `prefix`.
fn containers(kind: Kind, name: &str, obj: &Value, prefix: &str) -> Result<(), ApiError> {
    let invalid = |why: String| Err(ApiError::invalid(kind, name, &format!("{prefix}{why}")));
    let containers = obj
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty());
    let Some(containers) = containers else {
        return invalid("spec.containers: Required value".into());
    };
    for (i, c) in containers.iter().enumerate() {
        for field in ["name", "image"] {
            if c.get(field)
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                return invalid(format!("spec.containers[{i}].{field}: Required value"));
            }
        }
    }
    Ok(())
}
