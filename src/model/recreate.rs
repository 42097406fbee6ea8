//! Changing what a StatefulSet does not let change in place (`volumeClaimTemplates`,
//! `serviceName`, `podManagementPolicy`, the selector…): the set is deleted with
//! `propagationPolicy: Orphan` — its pods, revisions and claims stay — and created again
//! with the new spec, and the controller adopts what it left behind. A revision's hash
//! covers the pod template only, so a set whose template did not change restarts no pod.
//!
//! What is decided here, from a snapshot and without I/O: the set to create, the fields
//! that change, the claims a resize patches, the pods the new set would not match, and
//! which pods its controller would roll ([`prediction`]).

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::profile::Profile;
use super::quantity;
use super::snapshot::claim_templates;
use super::teardown::own_claims;
use super::{Snapshot, selector};

/// The annotation each orphaned pod carries while a re-creation is under way: the set to
/// create, as JSON, so that a run on another machine (no journal file) can finish it.
pub const POD_ANNOTATION: &str = "sts.kubectl-sts.io/recreate";

/// `TEMPLATE=SIZE`, as `resize` takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resize {
    pub template: String,
    pub size: String,
    pub bytes: u128,
}

/// Parses `data=20Gi` arguments; an error names the bad one.
pub fn parse_resizes(args: &[String]) -> Result<Vec<Resize>, String> {
    let mut out: Vec<Resize> = Vec::new();
    for a in args {
        let Some((t, s)) = a.split_once('=') else {
            return Err(format!("{a:?} is not CLAIM=SIZE (e.g. data=20Gi)"));
        };
        if t.is_empty() {
            return Err(format!("{a:?} names no claim template"));
        }
        if out.iter().any(|r| r.template == t) {
            return Err(format!("claim template {t:?} is given twice"));
        }
        let bytes = quantity::bytes(s)?;
        if bytes == 0 {
            return Err(format!("{a:?}: a volume cannot be 0 bytes"));
        }
        out.push(Resize {
            template: t.to_string(),
            size: s.to_string(),
            bytes,
        });
    }
    if out.is_empty() {
        return Err("name at least one CLAIM=SIZE (e.g. data=20Gi)".into());
    }
    Ok(out)
}

fn requested(v: &Value) -> Option<&str> {
    v.pointer("/spec/resources/requests/storage")
        .and_then(Value::as_str)
}

/// The set's spec with each named claim template asking for its new size. Refused: a
/// template the set does not have, and a size below what the template or any of its
/// claims asks for now (a volume never shrinks).
pub fn resized(snap: &Snapshot, resizes: &[Resize]) -> Result<Value, String> {
    let mut set = snap.set_json().clone();
    let name = snap.name().to_string();
    let templates: Vec<String> = claim_templates(snap.set())
        .into_iter()
        .map(str::to_string)
        .collect();
    for r in resizes {
        let Some(vct) = set
            .pointer_mut("/spec/volumeClaimTemplates")
            .and_then(Value::as_array_mut)
            .and_then(|a| {
                a.iter_mut()
                    .find(|t| t.pointer("/metadata/name") == Some(&json!(r.template)))
            })
        else {
            return Err(format!(
                "statefulset/{name} has no volumeClaimTemplate {:?} (it has: {})",
                r.template,
                if templates.is_empty() {
                    "none".to_string()
                } else {
                    templates.join(", ")
                }
            ));
        };
        let was = requested(vct).unwrap_or("0");
        if quantity::bytes(was).is_ok_and(|w| r.bytes < w) {
            return Err(format!(
                "{}={} would shrink volumeClaimTemplate {:?} of statefulset/{name} (it asks for {was}); volumes cannot shrink",
                r.template, r.size, r.template
            ));
        }
        vct["spec"]["resources"]["requests"]["storage"] = json!(r.size);
    }
    for (claim, _) in own_claims(snap) {
        let cname = claim.metadata.name.as_deref().unwrap_or("");
        let asks = claim
            .spec
            .as_ref()
            .and_then(|s| s.resources.as_ref())
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage"))
            .map(|q| q.0.as_str())
            .unwrap_or("0");
        if let Some(r) = resizes
            .iter()
            .find(|r| cname.starts_with(&format!("{}-{name}-", r.template)))
            && quantity::bytes(asks).is_ok_and(|a| r.bytes < a)
        {
            return Err(format!(
                "{}={} would shrink pvc/{cname} (it asks for {asks}); volumes cannot shrink",
                r.template, r.size
            ));
        }
    }
    Ok(set)
}

/// A claim a resize patches: from what it asks for now to the new size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimResize {
    pub name: String,
    pub uid: String,
    pub resource_version: String,
    pub class: String,
    pub from: String,
    pub to: String,
    /// Already asking for at least the new size (an earlier run patched it).
    pub done: bool,
    pub bound: bool,
}

/// The set's own claims for the resized templates, each with its patch.
pub fn claim_resizes(snap: &Snapshot, resizes: &[Resize]) -> Vec<ClaimResize> {
    let name = snap.name();
    own_claims(snap)
        .into_iter()
        .filter_map(|(c, _)| {
            let cname = c.metadata.name.clone().unwrap_or_default();
            let r = resizes
                .iter()
                .find(|r| cname.starts_with(&format!("{}-{name}-", r.template)))?;
            let spec = c.spec.as_ref();
            let from = spec
                .and_then(|s| s.resources.as_ref())
                .and_then(|r| r.requests.as_ref())
                .and_then(|r| r.get("storage"))
                .map(|q| q.0.clone())
                .unwrap_or_default();
            Some(ClaimResize {
                done: quantity::bytes(&from).is_ok_and(|f| f >= r.bytes),
                name: cname,
                uid: c.metadata.uid.clone().unwrap_or_default(),
                resource_version: c.metadata.resource_version.clone().unwrap_or_default(),
                class: spec
                    .and_then(|s| s.storage_class_name.clone())
                    .unwrap_or_default(),
                from,
                to: r.size.clone(),
                bound: c.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound"),
            })
        })
        .collect()
}

/// The object to POST: `desired`'s name, namespace, labels, annotations, owner
/// references and spec; nothing the server sets (uid, resourceVersion, generation,
/// timestamps, managed fields, finalizers, status).
pub fn to_create(desired: &Value) -> Value {
    let mut meta = Map::new();
    for key in [
        "name",
        "namespace",
        "labels",
        "annotations",
        "ownerReferences",
    ] {
        if let Some(v) = desired
            .pointer(&format!("/metadata/{key}"))
            .filter(|v| !v.is_null())
        {
            meta.insert(key.into(), v.clone());
        }
    }
    if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
        a.remove("kubectl.kubernetes.io/last-applied-configuration");
    }
    json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta,
           "spec": desired.get("spec").cloned().unwrap_or(Value::Null)})
}

/// One spec field that differs: its path (`spec.volumeClaimTemplates[0].spec…`) and
/// both values as JSON text (`<none>` when absent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub path: String,
    pub from: String,
    pub to: String,
}

/// The leaves of `spec` that differ between `live` and `new`.
pub fn changes(live: &Value, new: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    diff(
        "spec",
        live.get("spec").unwrap_or(&Value::Null),
        new.get("spec").unwrap_or(&Value::Null),
        &mut out,
    );
    out
}

fn diff(path: &str, a: &Value, b: &Value, out: &mut Vec<FieldChange>) {
    if a == b {
        return;
    }
    let text = |v: &Value| {
        if v.is_null() {
            "<none>".to_string()
        } else {
            v.to_string()
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                diff(
                    &format!("{path}.{k}"),
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                diff(&format!("{path}[{i}]"), p, q, out);
            }
        }
        _ => out.push(FieldChange {
            path: path.to_string(),
            from: text(a),
            to: text(b),
        }),
    }
}

/// What the controller does with the re-created set's pods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prediction {
    /// The revision the new set's template maps to, and whether it exists already.
    pub update_revision: String,
    pub reused: bool,
    /// Pods the controller would replace (ordinal order), each with why.
    pub restarts: Vec<(String, String)>,
    /// Pods it would leave on another revision (a partition or OnDelete holds them).
    pub held: Vec<String>,
    /// Pods the set controls now that the new selector does not match: left orphaned.
    pub unmatched: Vec<String>,
}

/// The model's answer for `new` (the spec to create) in place of the set in `snap`: the
/// revision its template maps to among the set's revisions, and the pods it would roll.
pub fn prediction(
    snap: &Snapshot,
    new: &Value,
    now: Timestamp,
    profile: &Profile,
) -> Result<Prediction, String> {
    // The new set adopts what the old one had: model it as that set with the new spec.
    let mut hypo = snap.set_json().clone();
    hypo["spec"] = new.get("spec").cloned().unwrap_or(Value::Null);
    let after = snap.with_set(hypo).map_err(|e| e.to_string())?;
    let plan = super::plan(&after, now, profile);
    let reused = after
        .revisions()
        .iter()
        .any(|r| r.metadata.name.as_deref() == Some(plan.update_revision.as_str()));
    let spec = after.set().spec.as_ref();
    let on_delete = spec
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|u| u.type_.as_deref())
        == Some("OnDelete");
    let partition = spec
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|u| u.rolling_update.as_ref())
        .and_then(|r| r.partition)
        .unwrap_or(0);
    let new_selector = spec.map(|s| s.selector.clone()).unwrap_or_default();
    let mut restarts = Vec::new();
    let mut held = Vec::new();
    let mut unmatched = Vec::new();
    let mut records: Vec<_> = snap
        .records()
        .iter()
        .filter(|r| r.member && r.owner == super::pod::Owner::ThisSet)
        .collect();
    records.sort_by_key(|r| r.ordinal);
    for r in records {
        let labels = snap.pod(&r.name).and_then(|p| p.metadata.labels.as_ref());
        if !selector::matches(&new_selector, labels) {
            unmatched.push(r.name.clone());
        } else if r.revision != plan.update_revision {
            if on_delete || r.ordinal < partition {
                held.push(r.name.clone());
            } else {
                restarts.push((
                    r.name.clone(),
                    format!(
                        "on revision {}, the new template is {}{}",
                        r.revision,
                        plan.update_revision,
                        if reused { "" } else { " (a new revision)" }
                    ),
                ));
            }
        }
    }
    Ok(Prediction {
        update_revision: plan.update_revision,
        reused,
        restarts,
        held,
        unmatched,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixture::{Fixture, PodState, PvcFixture};

    fn now() -> Timestamp {
        "2026-01-01T00:00:00Z".parse().unwrap()
    }

    fn web() -> Fixture {
        let mut f = Fixture::new("web", 3);
        f.volume_claim_templates = vec!["data".into()];
        let r = f.revision("nginx:1.24");
        f.status_current = Some(r);
        f.status_update = Some(r);
        f.pods(0..3, r, PodState::RunningReady);
        for o in 0..3 {
            f.pvcs.push(PvcFixture {
                name: format!("data-web-{o}"),
                terminating: false,
                owners: vec![],
            });
        }
        f
    }

    #[test]
    fn resize_arguments_are_parsed_and_bad_ones_named() {
        let ok = parse_resizes(&["data=20Gi".into(), "logs=1.5Gi".into()]).unwrap();
        assert_eq!(ok[0].template, "data");
        assert_eq!(ok[1].bytes, 3 << 29);
        for bad in [
            &["data"][..],
            &["=1Gi"],
            &["data=lots"],
            &["data=1Gi", "data=2Gi"],
            &["data=0"],
            &[],
        ] {
            let args: Vec<String> = bad.iter().map(|s| s.to_string()).collect();
            assert!(parse_resizes(&args).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_resize_changes_only_the_template_size_and_restarts_no_pod() {
        let p = Profile::default();
        let snap = web().snapshot(&p, now()).unwrap();
        let r = parse_resizes(&["data=2Gi".into()]).unwrap();
        let new = resized(&snap, &r).unwrap();
        let changed = changes(snap.set_json(), &new);
        assert_eq!(
            changed,
            vec![FieldChange {
                path: "spec.volumeClaimTemplates[0].spec.resources.requests.storage".into(),
                from: "\"1Gi\"".into(),
                to: "\"2Gi\"".into(),
            }]
        );
        let predicted = prediction(&snap, &new, now(), &p).unwrap();
        assert!(predicted.reused, "{predicted:?}");
        assert!(
            predicted.restarts.is_empty() && predicted.unmatched.is_empty(),
            "{predicted:?}"
        );
        let create = to_create(&new);
        assert!(create["metadata"].get("uid").is_none() && create.get("status").is_none());
        assert_eq!(create["metadata"]["name"], "web");
    }

    #[test]
    fn a_shrink_or_an_unknown_template_is_refused() {
        let p = Profile::default();
        let snap = web().snapshot(&p, now()).unwrap();
        let shrink = resized(&snap, &parse_resizes(&["data=500Mi".into()]).unwrap()).unwrap_err();
        assert!(shrink.contains("volumes cannot shrink"), "{shrink}");
        let unknown = resized(&snap, &parse_resizes(&["logs=5Gi".into()]).unwrap()).unwrap_err();
        assert!(
            unknown.contains("no volumeClaimTemplate \"logs\" (it has: data)"),
            "{unknown}"
        );
    }

    #[test]
    fn a_new_template_rolls_the_pods_a_partition_does_not_hold_and_a_new_selector_orphans() {
        let p = Profile::default();
        let snap = web().snapshot(&p, now()).unwrap();
        let mut new = snap.set_json().clone();
        new["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.25");
        new["spec"]["updateStrategy"] =
            json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 1}});
        let predicted = prediction(&snap, &new, now(), &p).unwrap();
        assert!(!predicted.reused);
        let rolled: Vec<&str> = predicted.restarts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(rolled, ["web-1", "web-2"]);
        assert_eq!(predicted.held, ["web-0"]);

        let mut other = snap.set_json().clone();
        other["spec"]["selector"] = json!({"matchLabels": {"app": "db"}});
        other["spec"]["template"]["metadata"]["labels"] = json!({"app": "db"});
        let predicted = prediction(&snap, &other, now(), &p).unwrap();
        assert_eq!(predicted.unmatched, ["web-0", "web-1", "web-2"]);
    }
}
