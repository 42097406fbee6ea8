//! The objects the controller writes, built from the set and a revision: new pods
//! (SPEC §2.4), claims (§2.5), ControllerRevisions (§1.4) and identity repairs (§2.7).
//! Used by the simulated cluster to carry out a plan exactly as the controller would.
//! Pure: objects are JSON values; timestamps, uids and resourceVersions are the
//! store's business.

use serde_json::{Map, Value, json};

use super::claims::claim_name;
use super::plan::{NewRevision, Status};
use super::pod::{POD_INDEX_LABEL, POD_NAME_LABEL};
use super::profile::Profile;
use super::revision::{HASH_LABEL, POD_REVISION_LABEL};

fn str_at<'v>(v: &'v Value, pointer: &str) -> &'v str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// The controller reference to the set.
pub fn set_owner_ref(set: &Value) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "name": str_at(set, "/metadata/name"),
        "uid": str_at(set, "/metadata/uid"),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

fn vct_names(set: &Value) -> Vec<String> {
    set.pointer("/spec/volumeClaimTemplates")
        .and_then(Value::as_array)
        .map(|ts| {
            ts.iter()
                .map(|t| str_at(t, "/metadata/name").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// `newStatefulSetPod` + `setPodRevision`: pod `ordinal` from `template` (a revision's
/// template), labelled with `revision`.
pub fn new_pod(
    set: &Value,
    template: &Value,
    revision: &str,
    ordinal: i32,
    profile: &Profile,
) -> Value {
    let set_name = str_at(set, "/metadata/name");
    let name = format!("{set_name}-{ordinal}");
    let mut labels = template
        .pointer("/metadata/labels")
        .cloned()
        .unwrap_or_else(|| json!({}));
    if let Some(l) = labels.as_object_mut() {
        l.insert(POD_NAME_LABEL.into(), json!(name));
        if profile.pod_index_label() {
            l.insert(POD_INDEX_LABEL.into(), json!(ordinal.to_string()));
        }
        l.insert(POD_REVISION_LABEL.into(), json!(revision));
    }
    let mut meta = json!({
        "name": name,
        "generateName": format!("{set_name}-"),
        "namespace": str_at(set, "/metadata/namespace"),
        "labels": labels,
        "ownerReferences": [set_owner_ref(set)],
    });
    for key in ["annotations", "finalizers"] {
        if let Some(v) = template.pointer(&format!("/metadata/{key}")) {
            meta[key] = v.clone();
        }
    }
    let mut spec = template.get("spec").cloned().unwrap_or_else(|| json!({}));
    spec["hostname"] = json!(name);
    if let Some(service) = set
        .pointer("/spec/serviceName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        spec["subdomain"] = json!(service);
    }
    let templates = vct_names(set);
    if !templates.is_empty() {
        let mut volumes: Vec<Value> = templates
            .iter()
            .map(|t| json!({"name": t, "persistentVolumeClaim": {"claimName": claim_name(t, set_name, ordinal)}}))
            .collect();
        let others = spec
            .get("volumes")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        volumes.extend(
            others
                .into_iter()
                .filter(|v| !templates.iter().any(|t| t == str_at(v, "/name"))),
        );
        spec["volumes"] = Value::Array(volumes);
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": {}})
}

/// The claim of template `template_name` for `ordinal` (`getPersistentVolumeClaims`):
/// the template copied, named `<template>-<set>-<ordinal>`, labelled with the template's
/// labels and the selector's matchLabels over them.
pub fn new_claim(set: &Value, template_name: &str, ordinal: i32) -> Option<Value> {
    let set_name = str_at(set, "/metadata/name");
    let vct = set
        .pointer("/spec/volumeClaimTemplates")?
        .as_array()?
        .iter()
        .find(|t| str_at(t, "/metadata/name") == template_name)?;
    let mut claim = vct.clone();
    let mut labels = vct
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(ml) = set
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
    {
        for (k, v) in ml {
            labels.insert(k.clone(), v.clone());
        }
    }
    let mut meta = Map::new();
    meta.insert(
        "name".into(),
        json!(claim_name(template_name, set_name, ordinal)),
    );
    meta.insert(
        "namespace".into(),
        json!(str_at(set, "/metadata/namespace")),
    );
    meta.insert("labels".into(), Value::Object(labels));
    if let Some(a) = vct.pointer("/metadata/annotations") {
        meta.insert("annotations".into(), a.clone());
    }
    claim["metadata"] = Value::Object(meta);
    claim["apiVersion"] = json!("v1");
    claim["kind"] = json!("PersistentVolumeClaim");
    if let Some(o) = claim.as_object_mut() {
        o.remove("status");
    }
    Some(claim)
}

/// Claims created for a `CreatePVC` action named `name`, whichever template it is of.
pub fn claim_for_name(set: &Value, name: &str, ordinal: i32) -> Option<Value> {
    let set_name = str_at(set, "/metadata/name");
    vct_names(set)
        .into_iter()
        .find(|t| claim_name(t, set_name, ordinal) == name)
        .and_then(|t| new_claim(set, &t, ordinal))
}

/// The ControllerRevision the controller posts for a new revision.
pub fn new_revision(set: &Value, rev: &NewRevision) -> Value {
    let mut labels = set
        .pointer("/spec/template/metadata/labels")
        .cloned()
        .unwrap_or_else(|| json!({}));
    if let Some(l) = labels.as_object_mut() {
        l.insert(HASH_LABEL.into(), json!(rev.hash));
    }
    let mut meta = json!({
        "name": rev.name,
        "namespace": str_at(set, "/metadata/namespace"),
        "labels": labels,
        "ownerReferences": [set_owner_ref(set)],
    });
    if let Some(a) = set.pointer("/metadata/annotations") {
        meta["annotations"] = a.clone();
    }
    json!({"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": meta, "data": rev.data, "revision": rev.number})
}

/// `updateIdentity`: the labels a pod with a broken identity gets.
pub fn repair_identity(pod: &mut Value, ordinal: i32, profile: &Profile) {
    let name = str_at(pod, "/metadata/name").to_string();
    if !pod["metadata"]["labels"].is_object() {
        pod["metadata"]["labels"] = json!({});
    }
    pod["metadata"]["labels"][POD_NAME_LABEL] = json!(name);
    if profile.pod_index_label() {
        pod["metadata"]["labels"][POD_INDEX_LABEL] = json!(ordinal.to_string());
    }
}

/// The `.status` the controller writes (`updateStatefulSetStatus`).
pub fn status_value(s: &Status) -> Value {
    json!({
        "observedGeneration": s.observed_generation,
        "replicas": s.replicas,
        "readyReplicas": s.ready_replicas,
        "currentReplicas": s.current_replicas,
        "updatedReplicas": s.updated_replicas,
        "availableReplicas": s.available_replicas,
        "currentRevision": s.current_revision,
        "updateRevision": s.update_revision,
        "collisionCount": s.collision_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> Value {
        json!({"metadata": {"name": "web", "namespace": "ns", "uid": "u1", "annotations": {"kubernetes.io/change-cause": "x"}},
               "spec": {"serviceName": "svc", "selector": {"matchLabels": {"app": "web"}},
                        "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}},
                        "volumeClaimTemplates": [{"metadata": {"name": "data", "labels": {"tier": "db", "app": "x"}},
                                                  "spec": {"accessModes": ["ReadWriteOnce"]}}]}})
    }

    #[test]
    fn pods_get_identity_revision_owner_and_claims() {
        let s = set();
        let pod = new_pod(
            &s,
            &s["spec"]["template"],
            "web-abc",
            2,
            &Profile::default(),
        );
        assert_eq!(pod["metadata"]["name"], "web-2");
        assert_eq!(pod["metadata"]["labels"][POD_REVISION_LABEL], "web-abc");
        assert_eq!(pod["metadata"]["labels"][POD_INDEX_LABEL], "2");
        assert_eq!(pod["metadata"]["ownerReferences"][0]["uid"], "u1");
        assert_eq!(pod["spec"]["hostname"], "web-2");
        assert_eq!(pod["spec"]["subdomain"], "svc");
        assert_eq!(
            pod["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"],
            "data-web-2"
        );
    }

    #[test]
    fn claims_take_selector_labels_over_template_labels() {
        let c = claim_for_name(&set(), "data-web-1", 1).unwrap();
        assert_eq!(c["metadata"]["name"], "data-web-1");
        assert_eq!(c["metadata"]["labels"], json!({"tier": "db", "app": "web"}));
        assert!(claim_for_name(&set(), "other-web-1", 1).is_none());
    }

    #[test]
    fn revisions_copy_set_annotations_and_template_labels() {
        let rev = NewRevision {
            name: "web-h".into(),
            hash: "h".into(),
            number: 3,
            data: json!({"spec": {}}),
            collision_count: 0,
        };
        let r = new_revision(&set(), &rev);
        assert_eq!(r["metadata"]["labels"][HASH_LABEL], "h");
        assert_eq!(r["metadata"]["labels"]["app"], "web");
        assert_eq!(
            r["metadata"]["annotations"]["kubernetes.io/change-cause"],
            "x"
        );
        assert_eq!(r["revision"], 3);
    }
}
