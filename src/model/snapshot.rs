//! The Snapshot: one StatefulSet and the objects around it (pods, ControllerRevisions,
//! PVCs), built from already-parsed JSON values. Pure: reading files or talking to a
//! cluster happens elsewhere; this only sorts and validates objects.

use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use serde_json::Value;

/// One StatefulSet and everything in its namespace that the controller would look at.
///
/// Pods and revisions are kept whole, unfiltered by ownership: the sync pass applies the
/// controller's own claim rules (SPEC §2.1) so that the filter lives in one place.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub set: StatefulSet,
    /// The set exactly as served, kept for the revision bytes (SPEC §1.3: the template
    /// must not be re-derived from typed structs) and for fields newer than k8s-openapi.
    pub set_json: Value,
    pub pods: Vec<Pod>,
    pub revisions: Vec<ControllerRevision>,
    pub pvcs: Vec<PersistentVolumeClaim>,
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

impl Snapshot {
    /// Picks the StatefulSet (by `name` when given, else the only one) and keeps the pods,
    /// revisions and PVCs of its namespace. Objects of other kinds are ignored.
    pub fn from_objects(
        objects: Vec<Value>,
        name: Option<&str>,
    ) -> Result<Snapshot, SnapshotError> {
        let mut sets = Vec::new();
        let mut pods = Vec::new();
        let mut revisions = Vec::new();
        let mut pvcs = Vec::new();
        for (index, object) in objects.into_iter().enumerate() {
            let kind = object
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let what = || describe(&object, &kind, index);
            match kind.as_str() {
                "StatefulSet" => sets.push(object),
                "Pod" => pods.push(decode::<Pod>(&object, what)?),
                "ControllerRevision" => {
                    revisions.push(decode::<ControllerRevision>(&object, what)?)
                }
                "PersistentVolumeClaim" => {
                    pvcs.push(decode::<PersistentVolumeClaim>(&object, what)?)
                }
                _ => {}
            }
        }
        let names = || {
            sets.iter()
                .map(|s| {
                    s.pointer("/metadata/name")
                        .and_then(Value::as_str)
                        .unwrap_or("?")
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let set_json = match name {
            Some(n) => {
                let pos = sets
                    .iter()
                    .position(|s| s.pointer("/metadata/name").and_then(Value::as_str) == Some(n))
                    .ok_or_else(|| SnapshotError::NotFound(n.to_string(), names()))?;
                sets.swap_remove(pos)
            }
            None => match sets.len() {
                0 => return Err(SnapshotError::NoStatefulSet),
                1 => sets.remove(0),
                n => return Err(SnapshotError::Ambiguous(n, names())),
            },
        };
        let set = decode_set(&set_json)?;
        let ns = namespace_of(&set.metadata);
        let in_ns =
            |m: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta| namespace_of(m) == ns;
        pods.retain(|p| in_ns(&p.metadata));
        revisions.retain(|r| in_ns(&r.metadata));
        pvcs.retain(|c| in_ns(&c.metadata));
        Ok(Snapshot {
            set,
            set_json,
            pods,
            revisions,
            pvcs,
        })
    }

    pub fn name(&self) -> &str {
        self.set.metadata.name.as_deref().unwrap_or("")
    }

    pub fn namespace(&self) -> &str {
        namespace_of(&self.set.metadata)
    }
}

/// An object's namespace; unset means `default`, as for a manifest without one.
pub fn namespace_of(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> &str {
    meta.namespace
        .as_deref()
        .filter(|s| !s.is_empty())
        .unwrap_or("default")
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
    if spec.replicas.is_some_and(|r| r < 0) {
        return Err(invalid("spec.replicas must not be negative"));
    }
    let partition = spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.rolling_update.as_ref())
        .and_then(|r| r.partition);
    if partition.is_some_and(|p| p < 0) {
        return Err(invalid(
            "spec.updateStrategy.rollingUpdate.partition must not be negative",
        ));
    }
    Ok(set)
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

fn describe(object: &Value, kind: &str, index: usize) -> String {
    match object.pointer("/metadata/name").and_then(Value::as_str) {
        Some(name) => format!("{kind} {name}"),
        None => format!("{kind} (item {})", index + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(name: &str) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
               "metadata": {"name": name, "namespace": "ns"},
               "spec": {"selector": {"matchLabels": {"app": name}},
                        "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": []}}}})
    }

    #[test]
    fn picks_the_only_set_or_the_named_one() {
        let s = Snapshot::from_objects(vec![set("web")], None).unwrap();
        assert_eq!(s.name(), "web");
        assert_eq!(s.namespace(), "ns");
        let err = Snapshot::from_objects(vec![set("a"), set("b")], None).unwrap_err();
        assert_eq!(err, SnapshotError::Ambiguous(2, "a, b".into()));
        assert_eq!(
            Snapshot::from_objects(vec![set("a"), set("b")], Some("b"))
                .unwrap()
                .name(),
            "b"
        );
        assert!(matches!(
            Snapshot::from_objects(vec![set("a")], Some("zz")),
            Err(SnapshotError::NotFound(..))
        ));
        assert_eq!(
            Snapshot::from_objects(vec![], None).unwrap_err(),
            SnapshotError::NoStatefulSet
        );
    }

    #[test]
    fn missing_required_fields_are_named() {
        let mut s = set("web");
        s["spec"].as_object_mut().unwrap().remove("selector");
        let err = Snapshot::from_objects(vec![s], None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("StatefulSet web") && err.contains("selector"),
            "{err}"
        );
        let mut s = set("web");
        s["spec"].as_object_mut().unwrap().remove("template");
        let err = Snapshot::from_objects(vec![s], None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("template"), "{err}");
        let mut s = set("web");
        s["spec"]["updateStrategy"] =
            json!({"type": "RollingUpdate", "rollingUpdate": {"partition": -1}});
        let err = Snapshot::from_objects(vec![s], None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("partition"), "{err}");
    }

    #[test]
    fn objects_of_other_namespaces_are_dropped() {
        let pod = |ns: &str| json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-0", "namespace": ns}});
        let s = Snapshot::from_objects(vec![set("web"), pod("ns"), pod("other")], None).unwrap();
        assert_eq!(s.pods.len(), 1);
    }
}
