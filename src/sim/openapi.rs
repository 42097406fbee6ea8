//! The OpenAPI v3 documents kube-apiserver publishes (`/openapi/v3` and one document per
//! group-version), for the kinds the simulated cluster serves: what `kubectl explain`
//! reads, what `kubectl apply`/`diff` look up to learn that the server validates fields
//! itself (`fieldValidation` on each resource's PATCH), and the strategic-merge patch
//! metadata (`x-kubernetes-patch-merge-key`/`-strategy`) of the lists that have it.
//!
//! The schemas come from k8s-openapi's (generated from the Kubernetes release's own
//! OpenAPI document); the patch metadata, which k8s-openapi keeps in code rather than in
//! its schemas, is restated here for the lists of the kinds served. The same schemas
//! answer `fieldValidation=Strict`: [`unknown_fields`].

use std::sync::OnceLock;

use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::autoscaling::v1::Scale;
use k8s_openapi::api::core::v1::{
    Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, Service, ServiceAccount,
};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{DeleteOptions, Status};
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::store::Kind;

pub(super) const PREFIX: &str = "#/components/schemas/";

/// (definition, list property, merge key, patch strategy, list-map keys)
const PATCH_META: &[(&str, &str, &str, &str, &[&str])] = &[
    (
        "io.k8s.api.core.v1.PodSpec",
        "containers",
        "name",
        "merge",
        &["name"],
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        "initContainers",
        "name",
        "merge",
        &["name"],
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        "ephemeralContainers",
        "name",
        "merge",
        &["name"],
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        "volumes",
        "name",
        "merge,retainKeys",
        &["name"],
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        "imagePullSecrets",
        "name",
        "merge",
        &["name"],
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        "hostAliases",
        "ip",
        "merge",
        &["ip"],
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        "resourceClaims",
        "name",
        "merge,retainKeys",
        &["name"],
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        "schedulingGates",
        "name",
        "merge",
        &["name"],
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        "topologySpreadConstraints",
        "topologyKey",
        "merge",
        &["topologyKey", "whenUnsatisfiable"],
    ),
    (
        "io.k8s.api.core.v1.Container",
        "env",
        "name",
        "merge",
        &["name"],
    ),
    (
        "io.k8s.api.core.v1.Container",
        "ports",
        "containerPort",
        "merge",
        &["containerPort", "protocol"],
    ),
    (
        "io.k8s.api.core.v1.ServiceSpec",
        "ports",
        "port",
        "merge",
        &["port", "protocol"],
    ),
    (
        "io.k8s.api.core.v1.Container",
        "volumeMounts",
        "mountPath",
        "merge",
        &["mountPath"],
    ),
    (
        "io.k8s.api.core.v1.Container",
        "volumeDevices",
        "devicePath",
        "merge",
        &["devicePath"],
    ),
    (
        "io.k8s.api.core.v1.EphemeralContainer",
        "env",
        "name",
        "merge",
        &["name"],
    ),
    (
        "io.k8s.api.core.v1.EphemeralContainer",
        "volumeMounts",
        "mountPath",
        "merge",
        &["mountPath"],
    ),
    (
        "io.k8s.api.core.v1.PodStatus",
        "conditions",
        "type",
        "merge",
        &["type"],
    ),
    (
        "io.k8s.api.apps.v1.StatefulSetStatus",
        "conditions",
        "type",
        "merge",
        &["type"],
    ),
    (
        "io.k8s.api.core.v1.PersistentVolumeClaimStatus",
        "conditions",
        "type",
        "merge",
        &["type"],
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        "ownerReferences",
        "uid",
        "merge",
        &["uid"],
    ),
];

/// (kind, the schema's name) of the kinds served.
pub(super) fn kinds() -> [(Kind, &'static str); 12] {
    [
        (Kind::StatefulSet, "io.k8s.api.apps.v1.StatefulSet"),
        (
            Kind::ControllerRevision,
            "io.k8s.api.apps.v1.ControllerRevision",
        ),
        (Kind::Pod, "io.k8s.api.core.v1.Pod"),
        (
            Kind::PersistentVolumeClaim,
            "io.k8s.api.core.v1.PersistentVolumeClaim",
        ),
        (Kind::Event, "io.k8s.api.core.v1.Event"),
        (Kind::StorageClass, "io.k8s.api.storage.v1.StorageClass"),
        (
            Kind::PodDisruptionBudget,
            "io.k8s.api.policy.v1.PodDisruptionBudget",
        ),
        (Kind::Namespace, "io.k8s.api.core.v1.Namespace"),
        (Kind::ServiceAccount, "io.k8s.api.core.v1.ServiceAccount"),
        (Kind::Service, "io.k8s.api.core.v1.Service"),
        (Kind::Node, "io.k8s.api.core.v1.Node"),
        (
            Kind::PersistentVolume,
            "io.k8s.api.core.v1.PersistentVolume",
        ),
    ]
}

fn gvk(kind: Kind) -> Value {
    let (group, version) = match kind.api_version().split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", kind.api_version()),
    };
    json!({"group": group, "version": version, "kind": kind.name()})
}

/// Every schema the served kinds reach, with the extensions kube-apiserver adds.
fn schemas() -> Map<String, Value> {
    let mut generator = SchemaSettings::openapi3().into_generator();
    generator.subschema_for::<StatefulSet>();
    generator.subschema_for::<ControllerRevision>();
    generator.subschema_for::<Pod>();
    generator.subschema_for::<PersistentVolumeClaim>();
    generator.subschema_for::<Event>();
    generator.subschema_for::<StorageClass>();
    generator.subschema_for::<PodDisruptionBudget>();
    generator.subschema_for::<Namespace>();
    generator.subschema_for::<ServiceAccount>();
    generator.subschema_for::<Service>();
    generator.subschema_for::<Node>();
    generator.subschema_for::<PersistentVolume>();
    generator.subschema_for::<Scale>();
    generator.subschema_for::<Status>();
    generator.subschema_for::<DeleteOptions>();
    let mut defs = generator.take_definitions(true);
    for (kind, name) in kinds() {
        if let Some(s) = defs.get_mut(name) {
            s["x-kubernetes-group-version-kind"] = json!([gvk(kind)]);
        }
    }
    if let Some(s) = defs.get_mut("io.k8s.api.autoscaling.v1.Scale") {
        s["x-kubernetes-group-version-kind"] =
            json!([{"group": "autoscaling", "version": "v1", "kind": "Scale"}]);
    }
    for (def, prop, key, strategy, keys) in PATCH_META {
        if let Some(p) = defs
            .get_mut(*def)
            .and_then(|d| d.pointer_mut(&format!("/properties/{prop}")))
        {
            p["x-kubernetes-patch-merge-key"] = json!(key);
            p["x-kubernetes-patch-strategy"] = json!(strategy);
            p["x-kubernetes-list-type"] = json!("map");
            p["x-kubernetes-list-map-keys"] = json!(keys);
        }
    }
    if let Some(p) = defs
        .get_mut("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
        .and_then(|d| d.pointer_mut("/properties/finalizers"))
    {
        p["x-kubernetes-patch-strategy"] = json!("merge");
        p["x-kubernetes-list-type"] = json!("set");
    }
    for schema in defs.values_mut() {
        wrap_refs(schema);
    }
    defs
}

/// `{"$ref": R, "description": D}` → `{"allOf": [{"$ref": R}], "description": D}`: in
/// OpenAPI 3.0 a `$ref`'s siblings are ignored, so kube-apiserver's documents wrap it.
fn wrap_refs(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.len() > 1
                && let Some(r) = m.remove("$ref")
            {
                m.insert("allOf".into(), json!([{"$ref": r}]));
            }
            m.values_mut().for_each(wrap_refs);
        }
        Value::Array(a) => a.iter_mut().for_each(wrap_refs),
        _ => {}
    }
}

fn param(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "query", "description": description, "schema": {"type": "string", "uniqueItems": true}})
}

fn operation(kind: Kind, action: &str, schema: &str, params: &[Value], body: &[&str]) -> Value {
    let reference = json!({"$ref": format!("{PREFIX}{schema}")});
    let mut op = json!({
        "operationId": format!("{action}{}", kind.name()),
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": gvk(kind),
        "parameters": params,
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": reference}}}},
    });
    if !body.is_empty() {
        let content: Map<String, Value> = body
            .iter()
            .map(|t| ((*t).to_string(), json!({"schema": reference})))
            .collect();
        op["requestBody"] = json!({"content": content, "required": true});
    }
    op
}

fn paths(api_version: &str) -> Map<String, Value> {
    let base = if api_version == "v1" {
        "/api/v1".to_string()
    } else {
        format!("/apis/{api_version}")
    };
    let dry_run = param(
        "dryRun",
        "When present, indicates that modifications should not be persisted.",
    );
    let manager = param(
        "fieldManager",
        "A name associated with the actor or entity that is making these changes.",
    );
    let validation = param(
        "fieldValidation",
        "How the server should respond to unknown or duplicate fields in the object: Ignore, Warn or Strict.",
    );
    let force = param("force", "Force is going to \"force\" Apply requests.");
    let writes = [dry_run.clone(), manager.clone(), validation.clone()];
    let patches = [dry_run.clone(), manager, validation, force];
    let mut out = Map::new();
    for (kind, schema) in kinds() {
        if kind.api_version() != api_version {
            continue;
        }
        let collection = if kind.cluster_scoped() {
            format!("{base}/{}", kind.plural())
        } else {
            format!("{base}/namespaces/{{namespace}}/{}", kind.plural())
        };
        out.insert(
            collection.clone(),
            json!({
                "get": operation(kind, "list", schema, &[], &[]),
                "post": operation(kind, "post", schema, &writes, &["application/json", "application/yaml"]),
            }),
        );
        out.insert(
            format!("{collection}/{{name}}"),
            json!({
                "get": operation(kind, "get", schema, &[], &[]),
                "put": operation(kind, "put", schema, &writes, &["application/json", "application/yaml"]),
                "patch": operation(kind, "patch", schema, &patches, &[
                    "application/apply-patch+yaml", "application/json-patch+json",
                    "application/merge-patch+json", "application/strategic-merge-patch+json"]),
                "delete": operation(kind, "delete", "io.k8s.apimachinery.pkg.apis.meta.v1.Status", std::slice::from_ref(&dry_run), &[]),
            }),
        );
    }
    out
}

/// The schemas, built once (field validation and server-side apply read them).
pub(super) fn schema_map() -> &'static Map<String, Value> {
    static SCHEMAS: OnceLock<Map<String, Value>> = OnceLock::new();
    SCHEMAS.get_or_init(schemas)
}

/// The two group-version documents, serialised, with their hashes: built on the first
/// request for them, kept as bytes (a tree of values would take several times the room).
struct Documents {
    core: (Vec<u8>, String),
    apps: (Vec<u8>, String),
    storage: (Vec<u8>, String),
    policy: (Vec<u8>, String),
}

fn documents() -> &'static Documents {
    static DOCS: OnceLock<Documents> = OnceLock::new();
    DOCS.get_or_init(|| {
        let doc = |api_version: &str| {
            let bytes = serde_json::to_vec(&json!({
                "openapi": "3.0.0",
                "info": {"title": "Kubernetes", "version": "unversioned"},
                "paths": paths(api_version),
                "components": {"schemas": schema_map()},
            }))
            .unwrap_or_default();
            let hash = hash(&bytes);
            (bytes, hash)
        };
        Documents {
            core: doc("v1"),
            apps: doc("apps/v1"),
            storage: doc("storage.k8s.io/v1"),
            policy: doc("policy/v1"),
        }
    })
}

/// A stable tag for a document's content, as the `hash` of its URL.
fn hash(doc: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    doc.hash(&mut h);
    format!("{:016X}", h.finish())
}

/// `GET /openapi/v3`: where each group-version's document is.
pub fn root() -> Value {
    let docs = documents();
    json!({"paths": {
        "api/v1": {"serverRelativeURL": format!("/openapi/v3/api/v1?hash={}", docs.core.1)},
        "apis/apps/v1": {"serverRelativeURL": format!("/openapi/v3/apis/apps/v1?hash={}", docs.apps.1)},
        "apis/storage.k8s.io/v1": {"serverRelativeURL": format!("/openapi/v3/apis/storage.k8s.io/v1?hash={}", docs.storage.1)},
        "apis/policy/v1": {"serverRelativeURL": format!("/openapi/v3/apis/policy/v1?hash={}", docs.policy.1)},
    }})
}

/// `GET /openapi/v3/{group-version path}` (`api/v1`, `apis/apps/v1`), as JSON.
pub fn document(path: &str) -> Option<&'static [u8]> {
    let docs = documents();
    match path {
        "api/v1" => Some(&docs.core.0),
        "apis/apps/v1" => Some(&docs.apps.0),
        "apis/storage.k8s.io/v1" => Some(&docs.storage.0),
        "apis/policy/v1" => Some(&docs.policy.0),
        _ => None,
    }
}

/// The fields of `obj` (an object of `kind`) its schema does not declare, as dotted paths
/// (`spec.template.spec.containers[0].imagePullPolcy`), as `fieldValidation=Strict`
/// refuses them.
pub fn unknown_fields(kind: Kind, obj: &Value) -> Vec<String> {
    let schemas = schema_map();
    let Some((_, name)) = kinds().into_iter().find(|(k, _)| *k == kind) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(schema) = schemas.get(name) {
        walk(schemas, schema, obj, "", &mut out);
    }
    out
}

/// The schema of `kind`.
pub fn schema(kind: Kind) -> Option<&'static Value> {
    let (_, name) = kinds().into_iter().find(|(k, _)| *k == kind)?;
    schema_map().get(name)
}

/// The schema of the field `path` of `kind` (`["spec", "template"]`).
pub fn property(kind: Kind, path: &[&str]) -> Option<&'static Value> {
    let mut s = schema(kind)?;
    for step in path {
        s = resolved(s).get("properties")?.get(*step)?;
    }
    Some(s)
}

/// The schema `s` stands for, its references followed.
pub fn resolved(s: &Value) -> &Value {
    resolve(schema_map(), s)
}

/// The schema `s` stands for, following `$ref` and a one-element `allOf`.
pub(super) fn resolve<'a>(defs: &'a Map<String, Value>, s: &'a Value) -> &'a Value {
    let mut s = s;
    for _ in 0..16 {
        let r = s
            .get("$ref")
            .or_else(|| s.pointer("/allOf/0/$ref"))
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(PREFIX))
            .and_then(|r| defs.get(r));
        match r {
            Some(next) => s = next,
            None => return s,
        }
    }
    s
}

fn walk(defs: &Map<String, Value>, schema: &Value, v: &Value, path: &str, out: &mut Vec<String>) {
    let schema = resolve(defs, schema);
    if schema.get("x-kubernetes-preserve-unknown-fields") == Some(&json!(true)) {
        return;
    }
    match v {
        Value::Object(m) => {
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (k, x) in m {
                    let here = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    match props.get(k) {
                        Some(s) => walk(defs, s, x, &here, out),
                        None => out.push(here),
                    }
                }
            } else if let Some(ap) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                for (k, x) in m {
                    walk(defs, ap, x, &format!("{path}.{k}"), out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.get("items") {
                for (i, x) in items.iter().enumerate() {
                    walk(defs, s, x, &format!("{path}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documents_describe_the_served_kinds_with_their_patch_metadata() {
        let apps: Value = serde_json::from_slice(document("apis/apps/v1").unwrap()).unwrap();
        let sts = &apps["components"]["schemas"]["io.k8s.api.apps.v1.StatefulSet"];
        assert_eq!(
            sts["x-kubernetes-group-version-kind"][0]["kind"],
            "StatefulSet"
        );
        let containers = &apps["components"]["schemas"]["io.k8s.api.core.v1.PodSpec"]["properties"]
            ["containers"];
        assert_eq!(containers["x-kubernetes-patch-merge-key"], "name");
        let patch =
            &apps["paths"]["/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}"]["patch"];
        assert!(
            patch["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "fieldValidation")
        );
        assert!(
            root()["paths"]["api/v1"]["serverRelativeURL"]
                .as_str()
                .unwrap()
                .starts_with("/openapi/v3/api/v1?hash=")
        );
    }

    #[test]
    fn unknown_fields_are_found_at_any_depth_and_maps_are_open() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "labels": {"anything": "goes"}},
            "spec": {"containers": [{"name": "c", "image": "i", "imagePullPolcy": "Always"}], "nodeNmae": "x"}});
        assert_eq!(
            unknown_fields(Kind::Pod, &pod),
            ["spec.containers[0].imagePullPolcy", "spec.nodeNmae"]
        );
        let ok = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "i", "resources": {"limits": {"cpu": "1"}}}]}});
        assert!(unknown_fields(Kind::Pod, &ok).is_empty());
    }
}
