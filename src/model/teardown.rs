//! The ordered teardown's plan: which claims are this StatefulSet's, and what becomes of
//! each when the set is scaled to zero and then deleted — as the controller's retention
//! rules and the garbage collector decide (SPEC §2.6), not as a label query guesses.
//! Pure.

use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use serde::Serialize;

use super::claims::parse_claim_name;
use super::pod::controller_of;
use super::profile::Profile;
use super::snapshot::{Snapshot, claim_templates};

/// The annotation a teardown with `--delete-pvcs` puts on each claim it will delete,
/// before it changes anything: `<namespace>/<set>/<set uid>`. A second run after the set
/// is gone deletes exactly the claims so marked, and nothing it would have to guess.
pub const CLAIM_MARK: &str = "kubectl-sts.io/delete-with-statefulset";

/// The annotation recording the replicas a teardown scaled down from, so an aborted
/// teardown can be undone (`delete NAME --abort`).
pub const FROM_REPLICAS: &str = "kubectl-sts.io/teardown-from-replicas";

/// What becomes of one claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Fate {
    /// Nothing deletes it.
    Kept,
    /// `whenScaled: Delete`: scaling to zero makes its pod own it; the garbage collector
    /// deletes it when the pod goes.
    DeletedWithItsPod,
    /// `whenDeleted: Delete`: the set owns it; the garbage collector deletes it with the
    /// set.
    DeletedWithTheSet,
    /// `--delete-pvcs`: the tool deletes it after the set is gone.
    DeletedOnRequest,
}

impl Fate {
    pub fn deleted(self) -> bool {
        self != Fate::Kept
    }

    pub fn describe(self) -> &'static str {
        match self {
            Fate::Kept => "kept",
            Fate::DeletedWithItsPod => {
                "deleted by the garbage collector with its pod (retention whenScaled=Delete)"
            }
            Fate::DeletedWithTheSet => {
                "deleted by the garbage collector with the set (retention whenDeleted=Delete)"
            }
            Fate::DeletedOnRequest => "deleted by this command after the set (--delete-pvcs)",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimPlan {
    pub name: String,
    pub uid: String,
    pub resource_version: String,
    pub ordinal: i32,
    pub fate: Fate,
}

/// Why a claim that looks like one of the set's is not treated as its own.
fn foreign(claim: &PersistentVolumeClaim, snap: &Snapshot, set_uid: &str) -> bool {
    let set = snap.set();
    // The controller copies the selector's matchLabels onto every claim it creates; a
    // claim without them was not made for this set. (A selector of matchExpressions only
    // copies nothing, and then the name and owners decide.)
    let wanted = set
        .spec
        .as_ref()
        .and_then(|s| s.selector.match_labels.as_ref());
    let labels = claim.metadata.labels.as_ref();
    let labelled = wanted.is_none_or(|want| {
        want.iter()
            .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
    });
    // A controller other than this set or one of its pods.
    let owner = controller_of(claim.metadata.owner_references.as_deref());
    let owned_elsewhere = owner.is_some_and(|o| match o.kind.as_str() {
        "StatefulSet" => o.uid != set_uid,
        "Pod" => !snap
            .record(&o.name)
            .is_some_and(|p| super::slots::claimed(p, false) && p.uid == o.uid),
        _ => true,
    });
    !labelled || owned_elsewhere
}

/// The set's own claims: named `<template>-<set>-<ordinal>` for one of its
/// volumeClaimTemplates exactly (never a suffix match: `data-green-web-0` is not
/// `web`'s), carrying the selector's labels when it has matchLabels, and owned by no one
/// else. With the ordinal each is for, in name order.
pub fn own_claims(snap: &Snapshot) -> Vec<(&PersistentVolumeClaim, i32)> {
    let templates = claim_templates(snap.set());
    let set_uid = snap.set().metadata.uid.as_deref().unwrap_or("");
    let mut out: Vec<(&PersistentVolumeClaim, i32)> = snap
        .pvcs()
        .iter()
        .filter_map(|c| {
            let (_, ordinal) = parse_claim_name(
                c.metadata.name.as_deref().unwrap_or(""),
                &templates,
                snap.name(),
            )?;
            (!foreign(c, snap, set_uid)).then_some((&**c, ordinal))
        })
        .collect();
    out.sort_by(|a, b| a.0.metadata.name.cmp(&b.0.metadata.name));
    out
}

/// What the teardown (scale to zero, wait, delete the set) does to each of the set's
/// claims under `profile`, with `delete_pvcs` as asked.
pub fn claim_plan(snap: &Snapshot, profile: &Profile, delete_pvcs: bool) -> Vec<ClaimPlan> {
    let spec = snap.set().spec.as_ref();
    let policy = spec.and_then(|s| s.persistent_volume_claim_retention_policy.as_ref());
    let gated = profile.auto_delete_pvc();
    let when = |v: Option<&String>| gated && v.map(String::as_str) == Some("Delete");
    let scaled = when(policy.and_then(|p| p.when_scaled.as_ref()));
    let deleted = when(policy.and_then(|p| p.when_deleted.as_ref()));
    let set_uid = snap.set().metadata.uid.as_deref().unwrap_or("");
    own_claims(snap)
        .into_iter()
        .map(|(c, ordinal)| {
            let has_pod = snap
                .records()
                .iter()
                .any(|r| r.ordinal == ordinal && super::slots::claimed(r, false));
            let set_owned = c
                .metadata
                .owner_references
                .iter()
                .flatten()
                .any(|o| o.kind == "StatefulSet" && o.uid == set_uid);
            let fate = if scaled && has_pod {
                Fate::DeletedWithItsPod
            } else if deleted || set_owned {
                Fate::DeletedWithTheSet
            } else if delete_pvcs {
                Fate::DeletedOnRequest
            } else {
                Fate::Kept
            };
            ClaimPlan {
                name: c.metadata.name.clone().unwrap_or_default(),
                uid: c.metadata.uid.clone().unwrap_or_default(),
                resource_version: c.metadata.resource_version.clone().unwrap_or_default(),
                ordinal,
                fate,
            }
        })
        .collect()
}

/// The mark a teardown of `snap`'s set puts on the claims it will delete.
pub fn mark_of(snap: &Snapshot) -> String {
    format!(
        "{}/{}/{}",
        snap.namespace(),
        snap.name(),
        snap.set().metadata.uid.as_deref().unwrap_or("")
    )
}

/// Whether `claim` carries a teardown mark of the set `ns/name` (any uid: the set it
/// named is gone, and the mark was consented to when it was put there).
pub fn marked_for(claim: &PersistentVolumeClaim, ns: &str, name: &str) -> bool {
    claim
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(CLAIM_MARK))
        .is_some_and(|m| m.starts_with(&format!("{ns}/{name}/")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::profile::Version;
    use serde_json::{Value, json};

    fn claim(name: &str, labels: Value, owners: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
               "metadata": {"name": name, "namespace": "default", "uid": format!("uid-{name}"),
                            "labels": labels, "ownerReferences": owners}})
    }

    fn snap(policy: Value, claims: Vec<Value>) -> Snapshot {
        let mut objects = vec![json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "web", "namespace": "default", "uid": "set-uid"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                     "persistentVolumeClaimRetentionPolicy": policy,
                     "volumeClaimTemplates": [{"metadata": {"name": "data"}}],
                     "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": []}}}})];
        for o in 0..2 {
            objects.push(json!({"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": format!("web-{o}"), "namespace": "default", "uid": format!("pod-{o}"),
                             "labels": {"app": "web"},
                             "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
                                                  "uid": "set-uid", "controller": true}]},
                "status": {"phase": "Running"}}));
        }
        objects.extend(claims);
        Snapshot::from_objects(objects, Some("web")).unwrap()
    }

    fn profile() -> Profile {
        Profile::for_version(Version::parse("1.36").unwrap()).unwrap()
    }

    #[test]
    fn only_exact_names_with_the_selector_labels_and_no_other_owner_are_the_sets() {
        let s = snap(
            json!(null),
            vec![
                claim("data-web-0", json!({"app": "web"}), json!([])),
                claim("data-web-7", json!({"app": "web"}), json!([])),
                // Another set whose name ends in "-web".
                claim("data-green-web-0", json!({"app": "web"}), json!([])),
                // No selector labels: not made for this set.
                claim("data-web-1", json!({"app": "other"}), json!([])),
                // Owned by another set of another uid.
                claim(
                    "data-web-2",
                    json!({"app": "web"}),
                    json!([{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "uid": "old", "controller": true}]),
                ),
                claim("data-web-01", json!({"app": "web"}), json!([])),
            ],
        );
        let names: Vec<&str> = own_claims(&s)
            .iter()
            .map(|(c, _)| c.metadata.name.as_deref().unwrap())
            .collect();
        assert_eq!(names, ["data-web-0", "data-web-7"]);
    }

    #[test]
    fn the_retention_policy_decides_what_the_controller_deletes() {
        let claims = || {
            vec![
                claim("data-web-0", json!({"app": "web"}), json!([])),
                claim("data-web-5", json!({"app": "web"}), json!([])),
            ]
        };
        let fates = |policy: Value, delete: bool| -> Vec<Fate> {
            claim_plan(&snap(policy, claims()), &profile(), delete)
                .iter()
                .map(|c| c.fate)
                .collect()
        };
        assert_eq!(fates(json!(null), false), [Fate::Kept, Fate::Kept]);
        assert_eq!(
            fates(json!(null), true),
            [Fate::DeletedOnRequest, Fate::DeletedOnRequest]
        );
        // whenScaled=Delete: the scale to zero condemns web-0, whose claim goes with it;
        // data-web-5 has no pod and stays.
        assert_eq!(
            fates(
                json!({"whenScaled": "Delete", "whenDeleted": "Retain"}),
                false
            ),
            [Fate::DeletedWithItsPod, Fate::Kept]
        );
        assert_eq!(
            fates(
                json!({"whenScaled": "Retain", "whenDeleted": "Delete"}),
                false
            ),
            [Fate::DeletedWithTheSet, Fate::DeletedWithTheSet]
        );
        // The gate off (it is on by default from 1.27 and ungated from 1.32), nothing is
        // deleted by the controller.
        let mut p = Profile::for_version(Version::parse("1.28").unwrap()).unwrap();
        p.gates.stateful_set_auto_delete_pvc = false;
        let plan = claim_plan(
            &snap(
                json!({"whenScaled": "Delete", "whenDeleted": "Delete"}),
                claims(),
            ),
            &p,
            false,
        );
        assert!(plan.iter().all(|c| c.fate == Fate::Kept));
    }
}
