//! kube-apiserver's validation of what a user writes, as an error list: every cause, not
//! only the first (`* field: Reason: detail` lines in kubectl), with the release's own
//! rules where they differ. The subset that manifests trip over: object names, label
//! keys and values, StatefulSet counts, retention policy, ports, container names, the
//! selector and the fields an update may not change.

use serde_json::{Value, json};

use super::error::ApiError;
use super::store::Kind;

const LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns_label)
}

/// A label value (or a qualified name's name part): alphanumerics, `-`, `_`, `.`,
/// starting and ending alphanumeric, at most 63.
fn is_label_text(s: &str) -> bool {
    s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric())
}

fn label_error(msg: &str) -> String {
    format!(
        "a lowercase RFC 1123 {msg} must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '{LABEL_FMT}')"
    )
}

fn subdomain_error() -> String {
    format!(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{LABEL_FMT}(\\.{LABEL_FMT})*')"
    )
}

fn labels(obj: &Value, path: &str, errs: &mut Vec<String>) {
    let Some(labels) = obj.as_object() else {
        return;
    };
    for (k, v) in labels {
        let (prefix, name) = k.rsplit_once('/').unwrap_or(("", k));
        if !prefix.is_empty() && !is_dns_subdomain(prefix) {
            errs.push(format!(
                "{path}: Invalid value: {}: prefix part {}",
                json!(k),
                subdomain_error()
            ));
        } else if !is_label_text(name) {
            errs.push(format!(
                "{path}: Invalid value: {}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                json!(k)
            ));
        }
        let v = v.as_str().unwrap_or("");
        if !v.is_empty() && !is_label_text(v) {
            errs.push(format!(
                "{path}: Invalid value: {}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
                json!(v)
            ));
        }
    }
}

/// The containers of a pod spec under `path`: names are labels, ports in range.
fn containers(spec: &Value, path: &str, errs: &mut Vec<String>) {
    for list in ["initContainers", "containers"] {
        for (i, c) in spec
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let name = c.get("name").and_then(Value::as_str).unwrap_or("");
            if !name.is_empty() && !is_dns_label(name) {
                errs.push(format!(
                    "{path}.{list}[{i}].name: Invalid value: {}: {}",
                    json!(name),
                    label_error("label")
                ));
            }
            for (j, p) in c
                .get("ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                for field in ["containerPort", "hostPort"] {
                    if let Some(n) = p.get(field).and_then(Value::as_i64)
                        && !(1..=65535).contains(&n)
                        && !(field == "hostPort" && n == 0)
                    {
                        errs.push(format!(
                            "{path}.{list}[{i}].ports[{j}].{field}: Invalid value: {n}: must be between 1 and 65535, inclusive"
                        ));
                    }
                }
            }
        }
    }
}

/// How an error shows a value: JSON from 1.34 (`field.Invalid` marshals it), Go's `%#v`
/// before — `map[string]string{"app":"web"}` for a label map.
fn label_map_value(labels: &Value, minor: u32) -> String {
    if minor >= 34 {
        return labels.to_string();
    }
    let pairs: Vec<String> = labels
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{}:{}", json!(k), json!(v.as_str().unwrap_or(""))))
        .collect();
    format!("map[string]string{{{}}}", pairs.join(", "))
}

/// The internal StatefulSetUpdateStrategy in an error: JSON from 1.34; before, Go's
/// `%#v`, its pointer an address (which differs on every call of a real server too).
fn strategy_value(s: &Value, minor: u32) -> String {
    if minor < 34 {
        let ru = if s.get("rollingUpdate").is_some_and(Value::is_object) {
            "(*apps.RollingUpdateStatefulSetStrategy)(0xc000a1b2c0)"
        } else {
            "(*apps.RollingUpdateStatefulSetStrategy)(nil)"
        };
        return format!(
            "apps.StatefulSetUpdateStrategy{{Type:{}, RollingUpdate:{ru}}}",
            json!(s.get("type").and_then(Value::as_str).unwrap_or(""))
        );
    }
    let ru = match s.get("rollingUpdate") {
        Some(r) if r.is_object() => format!(
            "{{\"Partition\":{},\"MaxUnavailable\":{}}}",
            r.get("partition").cloned().unwrap_or(json!(0)),
            r.get("maxUnavailable").cloned().unwrap_or(Value::Null)
        ),
        _ => "null".into(),
    };
    format!(
        "{{\"Type\":{},\"RollingUpdate\":{ru}}}",
        s.get("type").cloned().unwrap_or(json!(""))
    )
}

/// The causes of the StatefulSet's checks of this module.
fn statefulset(obj: &Value, old: Option<&Value>, minor: u32, errs: &mut Vec<String>) {
    let spec = &obj["spec"];
    if let Some(n) = spec
        .get("replicas")
        .and_then(Value::as_i64)
        .filter(|n| *n < 0)
    {
        errs.push(format!(
            "spec.replicas: Invalid value: {n}: must be greater than or equal to 0"
        ));
    }
    if let Some(t) = spec.pointer("/updateStrategy/type").and_then(Value::as_str)
        && !matches!(t, "RollingUpdate" | "OnDelete")
    {
        errs.push(format!(
            "spec.updateStrategy: Invalid value: {}: must be 'RollingUpdate' or 'OnDelete'",
            strategy_value(&spec["updateStrategy"], minor)
        ));
    }
    if let Some(p) = spec.get("podManagementPolicy").and_then(Value::as_str)
        && !matches!(p, "OrderedReady" | "Parallel")
    {
        errs.push(format!(
            "spec.podManagementPolicy: Invalid value: {}: must be 'OrderedReady' or 'Parallel'",
            json!(p)
        ));
    }
    for when in ["whenDeleted", "whenScaled"] {
        if let Some(v) = spec
            .pointer(&format!("/persistentVolumeClaimRetentionPolicy/{when}"))
            .and_then(Value::as_str)
            && !matches!(v, "Retain" | "Delete")
        {
            errs.push(format!(
                "spec.persistentVolumeClaimRetentionPolicy.{when}: Unsupported value: \"{v}\": supported values: \"Retain\", \"Delete\""
            ));
        }
    }
    labels(
        &spec["template"]["metadata"]["labels"],
        "spec.template.labels",
        errs,
    );
    // The pod template is validated as a pod's from 1.29 (1.28 checks its labels and
    // annotations only; ValidatePodTemplateSpecForStatefulSet calls ValidatePodTemplateSpec
    // from 1.29).
    if minor >= 29 {
        containers(&spec["template"]["spec"], "spec.template.spec", errs);
    }
    // The selector must match the template's labels.
    let selector: Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector> = spec
        .get("selector")
        .and_then(|s| serde_json::from_value(s.clone()).ok());
    let template_labels: Option<std::collections::BTreeMap<String, String>> = spec
        .pointer("/template/metadata/labels")
        .and_then(|l| serde_json::from_value(l.clone()).ok());
    if let Some(selector) = selector.filter(|s| {
        s.match_labels.as_ref().is_some_and(|m| !m.is_empty())
            || s.match_expressions.as_ref().is_some_and(|e| !e.is_empty())
    }) && !crate::model::selector::matches(&selector, template_labels.as_ref())
    {
        errs.push(format!(
            "spec.template.metadata.labels: Invalid value: {}: `selector` does not match template `labels`",
            label_map_value(
                spec.pointer("/template/metadata/labels")
                    .unwrap_or(&json!({})),
                minor
            )
        ));
    }
    if let Some(old) = old {
        immutable(spec, &old["spec"], minor, errs);
    }
}

/// The fields an update may not change, in the release's wording: through 1.36 one
/// Forbidden on `spec` listing what may change (`revisionHistoryLimit` among them from
/// 1.33, kubernetes#131076); from 1.37 a `field is immutable` per field.
fn immutable(spec: &Value, old: &Value, minor: u32, errs: &mut Vec<String>) {
    if minor >= 37 {
        for field in [
            "selector",
            "volumeClaimTemplates",
            "serviceName",
            "podManagementPolicy",
        ] {
            let (now, was) = (
                spec.get(field).unwrap_or(&Value::Null),
                old.get(field).unwrap_or(&Value::Null),
            );
            if now != was {
                errs.push(format!(
                    "spec.{field}: Invalid value: {}: field is immutable",
                    if now.is_null() {
                        json!("")
                    } else {
                        now.clone()
                    }
                ));
            }
        }
        return;
    }
    let mut mutable = vec![
        "replicas",
        "ordinals",
        "template",
        "updateStrategy",
        "persistentVolumeClaimRetentionPolicy",
        "minReadySeconds",
    ];
    if minor >= 33 {
        mutable.push("revisionHistoryLimit");
    }
    let strip = |v: &Value| {
        let mut s = v.clone();
        if let Some(o) = s.as_object_mut() {
            for k in &mutable {
                o.remove(*k);
            }
        }
        s
    };
    if strip(spec) != strip(old) {
        let history = if minor >= 33 {
            "'revisionHistoryLimit', "
        } else {
            ""
        };
        errs.push(format!(
            "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', {history}'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
        ));
    }
}

/// A pod's spec may change only in its images, its deadline, its tolerations and its
/// grace period (`ValidatePodUpdate`). kube-apiserver appends a diff of its internal Go
/// structs to the message; the sim names the rule only.
fn pod_update(obj: &Value, old: &Value, errs: &mut Vec<String>) {
    let strip = |v: &Value| {
        let mut s = v.get("spec").cloned().unwrap_or(Value::Null);
        if let Some(o) = s.as_object_mut() {
            for k in [
                "activeDeadlineSeconds",
                "tolerations",
                "terminationGracePeriodSeconds",
                "nodeName",
            ] {
                o.remove(k);
            }
            for list in ["containers", "initContainers"] {
                for c in o
                    .get_mut(list)
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    if let Some(c) = c.as_object_mut() {
                        c.remove("image");
                    }
                }
            }
        }
        s
    };
    if strip(obj) != strip(old) {
        errs.push(
            "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)".to_string(),
        );
    }
}

/// Every cause this module finds in `obj` (`old`: the object an update replaces).
pub fn causes(kind: Kind, obj: &Value, old: Option<&Value>, minor: u32) -> Vec<String> {
    let mut errs = Vec::new();
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    // Names are checked at creation (an update cannot change them).
    if old.is_none() && !name.is_empty() {
        match kind {
            Kind::StatefulSet | Kind::Namespace | Kind::Service if !is_dns_label(name) => {
                errs.push(format!(
                    "metadata.name: Invalid value: {}: {}",
                    json!(name),
                    label_error("label")
                ));
            }
            Kind::Pod
            | Kind::PersistentVolumeClaim
            | Kind::PodDisruptionBudget
            | Kind::ServiceAccount
            | Kind::ControllerRevision
                if !is_dns_subdomain(name) =>
            {
                errs.push(format!(
                    "metadata.name: Invalid value: {}: {}",
                    json!(name),
                    subdomain_error()
                ));
            }
            _ => {}
        }
    }
    labels(&obj["metadata"]["labels"], "metadata.labels", &mut errs);
    match kind {
        Kind::StatefulSet => statefulset(obj, old, minor, &mut errs),
        Kind::Pod => {
            containers(&obj["spec"], "spec", &mut errs);
            if let Some(old) = old {
                pod_update(obj, old, &mut errs);
            }
        }
        _ => {}
    }
    errs
}

/// 422 with every cause, as kube-apiserver words it: one cause inline, several as
/// `[a, b]` (kubectl lists them as `* a` lines from `details.causes`).
pub fn invalid(kind: Kind, name: &str, causes: &[String]) -> ApiError {
    let first = ApiError::invalid(kind, name, causes.first().map_or("", String::as_str));
    if causes.len() < 2 {
        return first;
    }
    first.with_causes(causes)
}
