//! The Snapshot: one StatefulSet and the objects around it (pods, ControllerRevisions,
//! PVCs), built from already-parsed JSON values. Pure: reading files or talking to a
//! cluster happens elsewhere; this only sorts and validates objects.

use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use super::pod::PodRecord;
use super::profile::Profile;
use super::revision::{Candidate, RevisionData};
use super::slots::SlotIndex;

mod decode;
mod mutate;

pub use decode::{MAX_REPLICAS, Objects, SnapshotError, Source, decode_set};
use decode::{twice, unique};

/// One StatefulSet and everything in its namespace that the controller would look at.
///
/// Pods and revisions are kept whole, unfiltered by ownership: the sync pass applies the
/// controller's own claim rules (SPEC §2.1) so that the filter lives in one place.
///
/// The fields are read through accessors: the pod index is built on construction and
/// must not go stale.
#[derive(Clone, Debug)]
pub struct Snapshot {
    set: StatefulSet,
    /// The set exactly as served, kept for the revision bytes (SPEC §1.3: the template
    /// must not be re-derived from typed structs) and for fields newer than k8s-openapi.
    set_json: Value,
    /// Shared, so snapshots taken over and over (the simulated cluster, watches) do not
    /// copy every pod.
    pods: Vec<Arc<Pod>>,
    revisions: Vec<ControllerRevision>,
    /// Shared, as the pods are (the preview's claims share one object per template).
    pvcs: Vec<Arc<PersistentVolumeClaim>>,
    /// One record per pod, in the order of `pods`.
    index: Vec<PodRecord>,
    /// The set's claims by (template index, ordinal) → position in `pvcs`.
    claim_index: super::claims::ClaimIndex,
    /// Pod name → position in `pods` (the first pod of a name, as a linear search finds).
    by_name: rustc_hash::FxHashMap<String, usize>,
    /// Claim name → position in `pvcs` (names are unique: [`Snapshot::new`] checks).
    pvc_by_name: rustc_hash::FxHashMap<String, usize>,
    /// The revision bytes of the live template and of each revision (in the order of
    /// `revisions`), computed once per snapshot for the release asked: a simulation runs
    /// many passes over one template.
    candidate: OnceLock<(Profile, Candidate)>,
    /// Its hash with the collision count it was asked with.
    candidate_hash: OnceLock<(Profile, i32, String)>,
    revision_data: Vec<OnceLock<(Profile, RevisionData)>>,
    /// Every revision name a pod record has carried → its number (`PodRecord::revision_id`).
    revision_ids: rustc_hash::FxHashMap<String, u32>,
    /// The claimed pods by ordinal, kept with `index`.
    slots: SlotIndex,
}

/// Numbers `record`'s revision in `table` (a new name gets the next number).
fn number_revision(table: &mut rustc_hash::FxHashMap<String, u32>, record: &mut PodRecord) {
    let next = table.len() as u32;
    record.revision_id = match table.get(&record.revision) {
        Some(&id) => id,
        None => {
            table.insert(record.revision.clone(), next);
            next
        }
    };
}

/// Pod name → position of the first pod of that name.
fn name_index(index: &[PodRecord]) -> rustc_hash::FxHashMap<String, usize> {
    let mut by_name = rustc_hash::FxHashMap::default();
    by_name.reserve(index.len());
    for (i, r) in index.iter().enumerate() {
        by_name.entry(r.name.clone()).or_insert(i);
    }
    by_name
}

impl Snapshot {
    /// Picks the StatefulSet (by `name` when given, else the only one) and keeps the pods,
    /// revisions and PVCs of its namespace. Objects of other kinds are ignored.
    pub fn from_objects(
        objects: Vec<Value>,
        name: Option<&str>,
    ) -> Result<Snapshot, SnapshotError> {
        Snapshot::from_sources(objects.into_iter().map(Source::Value).collect(), name)
    }

    /// As [`Snapshot::from_objects`], from values or raw JSON slices.
    pub fn from_sources(
        objects: Vec<Source<'_>>,
        name: Option<&str>,
    ) -> Result<Snapshot, SnapshotError> {
        Snapshot::from_decoded(Objects::decode(objects)?, name)
    }

    /// Picks the StatefulSet from decoded objects (by `name`, else the only one).
    pub fn from_decoded(objects: Objects, name: Option<&str>) -> Result<Snapshot, SnapshotError> {
        let Objects {
            mut sets,
            pods,
            revisions,
            pvcs,
        } = objects;
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
        Snapshot::new(
            set_json,
            pods.into_iter().map(Arc::new).collect(),
            revisions,
            pvcs,
        )
    }

    /// A snapshot of the set `set_json` (as served) and the objects around it; objects of
    /// other namespaces are dropped and the pods are indexed.
    pub fn new(
        set_json: Value,
        pods: Vec<Arc<Pod>>,
        revisions: Vec<ControllerRevision>,
        pvcs: Vec<PersistentVolumeClaim>,
    ) -> Result<Snapshot, SnapshotError> {
        let pvcs = pvcs
            .into_iter()
            .map(|c| (c.metadata.name.clone().unwrap_or_default(), Arc::new(c)))
            .collect();
        Snapshot::of_named_claims(set_json, pods, revisions, pvcs)
    }

    /// [`Snapshot::new`] with each claim given with its name (a shared claim object may
    /// stand for several claims, see [`Snapshot::put_claim`]).
    fn of_named_claims(
        set_json: Value,
        mut pods: Vec<Arc<Pod>>,
        mut revisions: Vec<ControllerRevision>,
        mut named_pvcs: Vec<(String, Arc<PersistentVolumeClaim>)>,
    ) -> Result<Snapshot, SnapshotError> {
        let set = decode_set(&set_json)?;
        let ns = namespace_of(&set.metadata).to_string();
        let in_ns = |m: &ObjectMeta| namespace_of(m) == ns;
        pods.retain(|p| in_ns(&p.metadata));
        revisions.retain(|r| in_ns(&r.metadata));
        named_pvcs.retain(|(_, c)| in_ns(&c.metadata));
        let (claim_names, pvcs): (Vec<String>, Vec<Arc<PersistentVolumeClaim>>) =
            named_pvcs.into_iter().unzip();
        let mut index: Vec<PodRecord> = {
            let name = set.metadata.name.as_deref().unwrap_or("");
            let uid = set.metadata.uid.as_deref().unwrap_or("");
            let spec = set.spec.as_ref();
            let selector = spec.map(|s| s.selector.clone()).unwrap_or_default();
            let templates = claim_templates(&set);
            pods.iter()
                .map(|p| PodRecord::of(p, name, uid, &selector, &templates))
                .collect()
        };
        let claim_index = super::claims::index_claims(
            &claim_names,
            &pvcs,
            &claim_templates(&set),
            set.metadata.name.as_deref().unwrap_or(""),
        );
        let by_name = name_index(&index);
        if by_name.len() != index.len() {
            return Err(twice("Pod", &ns, index.iter().map(|r| r.name.as_str())));
        }
        let named = |m: &'_ ObjectMeta| m.name.clone().unwrap_or_default();
        let revision_names: Vec<String> = revisions.iter().map(|r| named(&r.metadata)).collect();
        unique("ControllerRevision", &ns, &revision_names)?;
        unique("PersistentVolumeClaim", &ns, &claim_names)?;
        let pvc_by_name = claim_names
            .into_iter()
            .enumerate()
            .map(|(i, n)| (n, i))
            .collect();
        let mut revision_ids = rustc_hash::FxHashMap::default();
        for record in &mut index {
            number_revision(&mut revision_ids, record);
        }
        let revision_data = revisions.iter().map(|_| OnceLock::new()).collect();
        let slots = slot_index(&set, &index, &claim_index);
        Ok(Snapshot {
            set,
            set_json,
            pods,
            revisions,
            pvcs,
            index,
            claim_index,
            by_name,
            pvc_by_name,
            candidate: OnceLock::new(),
            candidate_hash: OnceLock::new(),
            revision_data,
            revision_ids,
            slots,
        })
    }

    /// The set's resourceVersion, for a write's precondition ("" when unknown).
    pub fn resource_version(&self) -> String {
        self.set
            .metadata
            .resource_version
            .clone()
            .unwrap_or_default()
    }

    pub fn set(&self) -> &StatefulSet {
        &self.set
    }

    pub fn set_json(&self) -> &Value {
        &self.set_json
    }

    pub fn pods(&self) -> &[Arc<Pod>] {
        &self.pods
    }

    /// The pods' records, in the order of [`Snapshot::pods`].
    pub fn records(&self) -> &[PodRecord] {
        &self.index
    }

    pub fn revisions(&self) -> &[ControllerRevision] {
        &self.revisions
    }

    pub fn pvcs(&self) -> &[Arc<PersistentVolumeClaim>] {
        &self.pvcs
    }

    /// The pod named `name`, if present.
    pub fn pod(&self, name: &str) -> Option<&Pod> {
        self.by_name.get(name).map(|&i| &*self.pods[i])
    }

    /// The number of a revision name among the pods' (`None`: no pod has carried it).
    /// Equal numbers mean equal names.
    pub fn revision_id(&self, name: &str) -> Option<u32> {
        self.revision_ids.get(name).copied()
    }

    /// The record of the pod named `name`, if present.
    pub fn record(&self, name: &str) -> Option<&PodRecord> {
        self.by_name.get(name).map(|&i| &self.index[i])
    }

    pub fn name(&self) -> &str {
        self.set.metadata.name.as_deref().unwrap_or("")
    }

    pub fn namespace(&self) -> &str {
        namespace_of(&self.set.metadata)
    }
}

/// Slots beyond this many are not indexed (a pass walks them all, as it would anyway).
const MAX_INDEXED_SLOTS: i32 = 1 << 22;

/// The slot index of `set`'s claimed pods among `records`.
fn slot_index(
    set: &StatefulSet,
    records: &[PodRecord],
    claims: &super::claims::ClaimIndex,
) -> SlotIndex {
    let (replicas, start) = (super::set::replicas(set), super::set::start_ordinal(set));
    let len = if replicas > MAX_INDEXED_SLOTS {
        0
    } else {
        replicas.max(0) as usize
    };
    let mut slots = SlotIndex::new(
        (start, len),
        set.metadata.deletion_timestamp.is_some(),
        super::set::min_ready_seconds(set),
        records,
    );
    let templates = claim_templates(set).len();
    for i in 0..len as i32 {
        let ordinal = start.saturating_add(i);
        slots.set_owned_claims(ordinal, owns_claims(claims, templates, ordinal));
    }
    slots
}

/// Whether one of the set's claims for `ordinal` has owner references.
fn owns_claims(claims: &super::claims::ClaimIndex, templates: usize, ordinal: i32) -> bool {
    (0..templates).any(|t| claims.get((t, ordinal)).is_some_and(|e| e.owned))
}

/// Names of the set's volumeClaimTemplates, in order.
pub fn claim_templates(set: &StatefulSet) -> Vec<&str> {
    set.spec
        .as_ref()
        .and_then(|s| s.volume_claim_templates.as_deref())
        .unwrap_or(&[])
        .iter()
        .map(|t| t.metadata.name.as_deref().unwrap_or(""))
        .collect()
}

/// An object's namespace; unset means `default`, as for a manifest without one.
pub fn namespace_of(meta: &ObjectMeta) -> &str {
    meta.namespace
        .as_deref()
        .filter(|s| !s.is_empty())
        .unwrap_or("default")
}

#[cfg(test)]
mod tests;
