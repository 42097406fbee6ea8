//! Names held by pods the set does not claim (SPEC §2.1 claim step, §2.3 P9 step 2b).
//!
//! The controller names the pod it creates `<set>-<ordinal>`. When a pod of that name
//! already exists but the claim step did not give it to this set (another controller
//! owns it; the set released it because its labels no longer match; an orphan that is
//! terminating or does not match), the API server answers AlreadyExists and the pass
//! ends with an error there. The controller retries with backoff until the name is free,
//! so a leftover pod from an older set, or a relabelled pod, silently blocks the set.
//! Pure.

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::pod::{Owner, PodRecord, controller_of, is_indexed_name};
use super::set::SetView;
use super::slots::claimed;
use super::snapshot::Snapshot;

/// Why the pod holding a name is not this set's pod in that slot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "heldBy", rename_all = "camelCase")]
pub enum Holder {
    /// Controlled by another object (an older set of the same name has another uid).
    #[serde(rename_all = "camelCase")]
    OtherController {
        owner_kind: String,
        owner_name: String,
        owner_uid: String,
    },
    /// Controlled by this set, but its labels no longer match the selector: the claim
    /// step releases it.
    Released,
    /// No controller and being deleted: terminating orphans are never adopted.
    TerminatingOrphan,
    /// No controller and its labels do not match the selector: never adopted.
    UnmatchedOrphan,
    /// This set's pod, but without a phase: the controller takes it for not created yet
    /// and tries to create it again.
    NoPhase,
    /// This set's pod, but another pod with the same ordinal took its slot
    /// (`web-01` and `web-1`).
    Duplicate,
}

impl Holder {
    /// One phrase for a person: "owned by ReplicaSet/old-web", "released: its labels no
    /// longer match the selector", ...
    pub fn describe(&self) -> String {
        match self {
            Holder::OtherController {
                owner_kind,
                owner_name,
                owner_uid,
            } => format!("owned by {owner_kind}/{owner_name} uid {owner_uid}"),
            Holder::Released => {
                "released: its labels no longer match the StatefulSet's selector".into()
            }
            Holder::TerminatingOrphan => "an orphan that is terminating".into(),
            Holder::UnmatchedOrphan => {
                "an orphan whose labels do not match the StatefulSet's selector".into()
            }
            Holder::NoPhase => "this StatefulSet's pod, but it has no status.phase".into(),
            Holder::Duplicate => "a duplicate of another pod with the same ordinal".into(),
        }
    }

    /// A few words for a table cell.
    pub fn short(&self) -> String {
        match self {
            Holder::OtherController {
                owner_kind,
                owner_name,
                ..
            } => format!("owned by {owner_kind}/{owner_name}"),
            Holder::Released => "released".into(),
            Holder::TerminatingOrphan => "terminating orphan".into(),
            Holder::UnmatchedOrphan => "unmatched orphan".into(),
            Holder::NoPhase => "no phase".into(),
            Holder::Duplicate => "duplicate".into(),
        }
    }

    /// What frees the name.
    pub fn remedy(&self) -> &'static str {
        match self {
            Holder::TerminatingOrphan => "wait for it to be gone (or see what holds it)",
            Holder::Released => "restore its labels so the set claims it again, or delete it",
            Holder::NoPhase => "see why the pod has no phase",
            _ => "delete or rename that pod once it is safe to",
        }
    }
}

/// A name the pass wants and cannot have.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NameTaken {
    /// The pod the controller wants to create.
    pub pod: String,
    pub ordinal: i32,
    /// The uid of the pod that holds the name.
    pub holder_uid: String,
    #[serde(flatten)]
    pub holder: Holder,
}

impl NameTaken {
    /// The API server's answer to the create.
    pub fn api_error(&self) -> String {
        format!("pods \"{}\" already exists", self.pod)
    }

    /// "pod web-0 exists and is not ours (owned by ReplicaSet/old)".
    pub fn describe(&self) -> String {
        format!(
            "pod {} exists and is not this StatefulSet's ({})",
            self.pod,
            self.holder.describe()
        )
    }
}

/// Whether a pod the set's selector does not match could still hold one of the set's
/// pod names (`<set>-<digits>`): the pods a client that lists by selector must also know
/// of (by name, owner and deletion mark) to see what the controller sees.
pub fn may_hold_a_name(
    set: &k8s_openapi::api::apps::v1::StatefulSet,
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
) -> bool {
    let Some(selector) = set.spec.as_ref().map(|s| &s.selector) else {
        return false;
    };
    let set_name = set.metadata.name.as_deref().unwrap_or("");
    !super::selector::matches(selector, meta.labels.as_ref())
        && super::pod::parent_and_ordinal(meta.name.as_deref().unwrap_or(""))
            .is_some_and(|(parent, _)| parent == set_name)
}

/// Why `record`, which holds a name the pass wants to create, is not in that slot.
pub fn holder(snap: &Snapshot, record: &PodRecord, deleting: bool) -> Holder {
    match record.owner {
        Owner::Other => {
            let owner = snap
                .pod(&record.name)
                .and_then(|p| controller_of(p.metadata.owner_references.as_deref()));
            Holder::OtherController {
                owner_kind: owner.map(|o| o.kind.clone()).unwrap_or_default(),
                owner_name: owner.map(|o| o.name.clone()).unwrap_or_default(),
                owner_uid: owner.map(|o| o.uid.clone()).unwrap_or_default(),
            }
        }
        Owner::ThisSet if !(record.member && record.selected) => Holder::Released,
        Owner::None if record.terminating => Holder::TerminatingOrphan,
        Owner::None if !(record.member && record.selected) || deleting => Holder::UnmatchedOrphan,
        _ if !record.is_created() => Holder::NoPhase,
        _ => Holder::Duplicate,
    }
}

/// The in-range ordinals whose pod the controller cannot create because a pod it does not
/// have in that slot holds the name, in ordinal order. Costs one look at each pod.
pub fn squatters(snap: &Snapshot, view: &SetView) -> Vec<NameTaken> {
    if view.deleting {
        // A set being deleted creates nothing (P8).
        return Vec::new();
    }
    let records = snap.records();
    // The claimed pod that ends up in each ordinal's slot: the last one (P4).
    let mut slotted: FxHashMap<i32, usize> = FxHashMap::default();
    for (at, r) in records.iter().enumerate() {
        if claimed(r, view.deleting) && r.ordinal >= view.start && r.ordinal <= view.end() {
            slotted.insert(r.ordinal, at);
        }
    }
    let mut found: Vec<NameTaken> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.ordinal >= view.start && r.ordinal <= view.end())
        .filter(|(_, r)| is_indexed_name(&r.name, view.name, r.ordinal))
        .filter_map(|(at, r)| {
            let occupant = slotted.get(&r.ordinal).map(|&o| &records[o]);
            let wanted = match occupant {
                // A vacant slot: the controller creates this name.
                None => true,
                // Its own pod without a phase is created again under its own name.
                Some(o) if o.name == r.name => !o.is_created(),
                // The occupant has another name: the name is wanted again only when the
                // occupant is replaced (Failed or Succeeded).
                Some(o) => o.is_failed() || o.is_succeeded(),
            };
            wanted.then(|| NameTaken {
                pod: r.name.clone(),
                ordinal: r.ordinal,
                holder_uid: r.uid.clone(),
                holder: holder(snap, &records[at], view.deleting),
            })
        })
        .collect();
    found.sort_by_key(|t| t.ordinal);
    found
}
