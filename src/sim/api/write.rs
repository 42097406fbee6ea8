//! The writes of the REST API: create, update, patch (JSON, merge, strategic, and
//! server-side apply), delete; the status and scale subresources; dry-run; field
//! validation and the managed fields of each write.

use serde_json::{Value, json};

use super::{Request, Response, Route, err, ok};
use crate::sim::cluster::Cluster;
use crate::sim::error::ApiError;
use crate::sim::patch;
use crate::sim::store::{DeleteOptions, Kind};

/// The body of a create or an update: JSON (YAML is JSON's superset here), or the
/// protobuf of the kinds `sim::protobuf` reads.
fn body_of(req: &Request, kind: Kind) -> Result<Value, ApiError> {
    let ct = req.content_type.split(';').next().unwrap_or("").trim();
    if ct == crate::sim::protobuf::CONTENT_TYPE {
        return crate::sim::protobuf::decode(kind, &req.body);
    }
    body_json(req)
}

fn body_json(req: &Request) -> Result<Value, ApiError> {
    // Protobuf (what client-go sends built-in kinds in when it may) is not spoken here:
    // 415, and client-go falls back to JSON, as it does against a server without it.
    let ct = req.content_type.split(';').next().unwrap_or("").trim();
    if !matches!(ct, "" | "application/json" | "application/yaml" | "*/*")
        && !ct.ends_with("+json")
        && !ct.ends_with("+yaml")
    {
        return Err(ApiError::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got {ct:?})"
            ),
        ));
    }
    serde_json::from_slice(&req.body)
        .map_err(|e| ApiError::bad_request(&format!("the request body is not valid JSON: {e}")))
}

pub(super) fn namespace_of(r: &Route) -> Result<&str, ApiError> {
    if r.kind.cluster_scoped() {
        return Ok("");
    }
    r.namespace
        .as_deref()
        .ok_or_else(|| ApiError::bad_request("a namespace is required"))
}

pub(super) fn create(cluster: &mut Cluster, req: &Request, r: &Route) -> Response {
    let mut warnings = Vec::new();
    let result = namespace_of(r).and_then(|ns| {
        crate::sim::kinds::admit_create(&cluster.store, r.kind, ns)?;
        let mut body = body_of(req, r.kind)?;
        req.strict(r.kind, &body)?;
        warnings = req.drop_unknown(r.kind, &mut body);
        let sent_ns = body.pointer("/metadata/namespace").and_then(Value::as_str);
        if sent_ns.is_some_and(|n| !n.is_empty() && n != ns) {
            return Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        if body
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .is_some_and(|rv| !rv.is_empty())
        {
            return Err(ApiError::bad_request(
                "resourceVersion should not be set on objects to be created",
            ));
        }
        // The status is the server's: a create starts it afresh.
        let fresh = match r.kind {
            Kind::StatefulSet => Some(json!({"replicas": 0, "availableReplicas": 0})),
            Kind::Pod => Some(json!({"phase": "Pending", "qosClass": "BestEffort"})),
            Kind::PersistentVolumeClaim => Some(json!({"phase": "Pending"})),
            Kind::PodDisruptionBudget => Some(json!({"currentHealthy": 0, "desiredHealthy": 0,
                "disruptionsAllowed": 0, "expectedPods": 0})),
            _ => None,
        };
        if let (Some(status), Some(o)) = (fresh, body.as_object_mut()) {
            o.insert("status".into(), status);
        }
        let ns = ns.to_string();
        crate::sim::apply::record_update(
            r.kind,
            None,
            &mut body,
            &req.manager(),
            "",
            cluster.now(),
        );
        cluster.store.create(r.kind, &ns, body, req.dry_run())
    });
    match result {
        Ok(v) => Response::Warned(201, v, warnings),
        Err(e) => err(e),
    }
}

pub(super) fn scale_of(set: &Value) -> Value {
    let selector = set
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let m = &set["metadata"];
    json!({"kind": "Scale", "apiVersion": "autoscaling/v1",
           "metadata": {"name": m["name"], "namespace": m["namespace"], "uid": m["uid"], "resourceVersion": m["resourceVersion"], "creationTimestamp": m["creationTimestamp"]},
           "spec": {"replicas": set.pointer("/spec/replicas").cloned().unwrap_or(json!(1))},
           "status": {"replicas": set.pointer("/status/replicas").cloned().unwrap_or(json!(0)), "selector": selector}})
}

/// Server-side apply (`application/apply-patch+yaml`): creates the object when it does
/// not exist; otherwise merges the applied configuration, answering 409 on fields other
/// managers own unless `force=true`.
fn server_side_apply(
    cluster: &mut Cluster,
    req: &Request,
    r: &Route,
    name: &str,
) -> Result<Value, ApiError> {
    let ns = namespace_of(r)?.to_string();
    if r.sub.is_some() {
        return Err(ApiError::unsupported_media_type(&req.content_type));
    }
    let Some(manager) = req.param("fieldManager").filter(|m| !m.is_empty()) else {
        return Err(ApiError::invalid_options(
            "fieldManager: Required value: is required for apply patch",
        ));
    };
    let text = std::str::from_utf8(&req.body)
        .map_err(|_| ApiError::bad_request("the apply configuration is not UTF-8"))?;
    let config: Value = serde_saphyr::from_str(text)
        .map_err(|e| ApiError::bad_request(&format!("error decoding YAML: {e}")))?;
    if !config.is_object() {
        return Err(ApiError::bad_request(
            "the apply configuration must be an object",
        ));
    }
    // Strict field validation is the default for apply.
    if req.param("fieldValidation") != Some("Ignore") {
        super::known_fields_only(r.kind, &config)?;
    }
    let sent = |f: &str| config.pointer(f).and_then(Value::as_str).unwrap_or("");
    if !sent("/metadata/name").is_empty() && sent("/metadata/name") != name {
        return Err(ApiError::bad_request(&format!(
            "the name of the object ({}) does not match the name on the URL ({name})",
            sent("/metadata/name")
        )));
    }
    let force = req.param("force") == Some("true");
    let now = cluster.now();
    let live = cluster.store.get(r.kind, &ns, name).cloned();
    let mut next = crate::sim::apply::apply(r.kind, live.as_ref(), &config, manager, force, now)?;
    next["metadata"]["name"] = json!(name);
    match live {
        None => cluster.store.create(r.kind, &ns, next, req.dry_run()),
        Some(live) => {
            // Applied without a resourceVersion: no precondition; with one, it is.
            let rv = config
                .pointer("/metadata/resourceVersion")
                .cloned()
                .unwrap_or_else(|| live["metadata"]["resourceVersion"].clone());
            next["metadata"]["resourceVersion"] = rv;
            cluster
                .store
                .update(r.kind, &ns, name, next, false, req.dry_run())
        }
    }
}

/// Writes `next` (the desired object, or Scale for the scale subresource), recording
/// the fields the request's manager changed.
fn write(
    cluster: &mut Cluster,
    req: &Request,
    r: &Route,
    name: &str,
    mut next: Value,
) -> Result<Value, ApiError> {
    let dry_run = req.dry_run();
    let ns = namespace_of(r)?.to_string();
    match r.sub.as_deref() {
        None => {
            let current = cluster.store.get_or_404(r.kind, &ns, name)?.clone();
            crate::sim::apply::record_update(
                r.kind,
                Some(&current),
                &mut next,
                &req.manager(),
                "",
                cluster.now(),
            );
            cluster
                .store
                .update(r.kind, &ns, name, next, false, dry_run)
        }
        Some("status") => cluster.store.update(r.kind, &ns, name, next, true, dry_run),
        Some("scale") if r.kind == Kind::StatefulSet => {
            let mut set = cluster.store.get_or_404(r.kind, &ns, name)?.clone();
            let sent_rv = next.pointer("/metadata/resourceVersion").cloned();
            if let Some(rv) = sent_rv.filter(|v| !v.is_null()) {
                set["metadata"]["resourceVersion"] = rv;
            }
            let current = set.clone();
            set["spec"]["replicas"] = next.pointer("/spec/replicas").cloned().unwrap_or(json!(0));
            crate::sim::apply::record_update(
                r.kind,
                Some(&current),
                &mut set,
                &req.manager(),
                "scale",
                cluster.now(),
            );
            cluster
                .store
                .update(r.kind, &ns, name, set, false, dry_run)
                .map(|s| scale_of(&s))
        }
        Some(_) => Err(ApiError::path_not_found(name)),
    }
}

pub(super) fn put(cluster: &mut Cluster, req: &Request, r: &Route, name: &str) -> Response {
    let mut warnings = Vec::new();
    let result = body_of(req, r.kind).and_then(|mut body| {
        if r.sub.is_none() {
            req.strict(r.kind, &body)?;
            warnings = req.drop_unknown(r.kind, &mut body);
        }
        let sent = body.pointer("/metadata/name").and_then(Value::as_str);
        if let Some(sent) = sent.filter(|n| !n.is_empty() && *n != name) {
            return Err(ApiError::bad_request(&format!(
                "the name of the object ({sent}) does not match the name on the URL ({name})"
            )));
        }
        write(cluster, req, r, name, body)
    });
    match result {
        Ok(v) => Response::Warned(200, v, warnings),
        Err(e) => err(e),
    }
}

pub(super) fn patch_object(
    cluster: &mut Cluster,
    req: &Request,
    r: &Route,
    name: &str,
) -> Response {
    let mut warnings = Vec::new();
    let result = (|| {
        let ns = namespace_of(r)?.to_string();
        if req.content_type.starts_with("application/apply-patch") {
            return server_side_apply(cluster, req, r, name);
        }
        let body = body_json(req)?;
        let current = cluster.store.get_or_404(r.kind, &ns, name)?.clone();
        let mut doc = if r.sub.as_deref() == Some("scale") {
            scale_of(&current)
        } else {
            current.clone()
        };
        let sent_rv = body.pointer("/metadata/resourceVersion").cloned();
        let ct = req.content_type.split(';').next().unwrap_or("").trim();
        match ct {
            "application/merge-patch+json" => patch::merge(&mut doc, &body),
            "application/strategic-merge-patch+json" => patch::strategic(&mut doc, &body),
            "application/json-patch+json" => {
                // kube-apiserver answers a failed `test` (or any JSON patch that cannot
                // apply) with this generic Invalid, its details empty.
                patch::json_patch(&mut doc, &body).map_err(|_| ApiError {
                    code: 422,
                    reason: "Invalid",
                    message: "the server rejected our request due to an error in our request"
                        .to_string(),
                    kind: None,
                    name: None,
                    causes: Vec::new(),
                })?
            }
            other => return Err(ApiError::unsupported_media_type(other)),
        }
        // A patch only conflicts when it names a resourceVersion itself: a merge patch
        // in its body, a JSON patch by replacing it (then the patched object carries it).
        let sent_rv = if ct == "application/json-patch+json" {
            let patched = doc.pointer("/metadata/resourceVersion");
            patched
                .filter(|rv| Some(*rv) != current.pointer("/metadata/resourceVersion"))
                .cloned()
        } else {
            sent_rv
        };
        match sent_rv {
            Some(rv) if !rv.is_null() => doc["metadata"]["resourceVersion"] = rv,
            _ => {
                if let Some(m) = doc.get_mut("metadata").and_then(Value::as_object_mut) {
                    m.remove("resourceVersion");
                }
            }
        }
        if r.sub.is_none() {
            req.strict(r.kind, &doc)?;
            warnings = req.drop_unknown(r.kind, &mut doc);
        }
        write(cluster, req, r, name, doc)
    })();
    match result {
        Ok(v) => Response::Warned(200, v, warnings),
        Err(e) => err(e),
    }
}

pub(super) fn delete(cluster: &mut Cluster, req: &Request, r: &Route, name: &str) -> Response {
    let body: Value = if req.body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(&req.body).unwrap_or(json!({}))
    };
    let opts = DeleteOptions {
        grace_period_seconds: body
            .get("gracePeriodSeconds")
            .and_then(Value::as_i64)
            .or_else(|| req.param("gracePeriodSeconds").and_then(|g| g.parse().ok())),
        propagation: body
            .get("propagationPolicy")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| req.param("propagationPolicy").map(str::to_string)),
        precondition_uid: body
            .pointer("/preconditions/uid")
            .and_then(Value::as_str)
            .map(str::to_string),
        precondition_rv: body
            .pointer("/preconditions/resourceVersion")
            .and_then(Value::as_str)
            .map(str::to_string),
        dry_run: req.dry_run()
            || body
                .get("dryRun")
                .and_then(Value::as_array)
                .is_some_and(|d| d.iter().any(|x| x == "All")),
    };
    let result = namespace_of(r).map(str::to_string).and_then(|ns| {
        if r.kind == Kind::Namespace {
            crate::sim::kinds::delete_namespace(&mut cluster.store, name, opts.dry_run)
        } else {
            cluster.store.delete(r.kind, &ns, name, &opts)
        }
    });
    match result {
        Ok(v) => ok(v),
        Err(e) => err(e),
    }
}
