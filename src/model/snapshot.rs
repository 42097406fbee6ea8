//! The Snapshot: one StatefulSet and the objects around it (pods, ControllerRevisions,
//! PVCs), built from already-parsed JSON values. Pure: reading files or talking to a
//! cluster happens elsewhere; this only sorts and validates objects.

use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use serde_json::Value;
use serde_json::value::RawValue;

use super::pod::PodRecord;
use super::profile::Profile;
use super::revision::{self, Candidate, RevisionData};
use super::slots::SlotIndex;

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
    pvcs: Vec<PersistentVolumeClaim>,
    /// One record per pod, in the order of `pods`.
    index: Vec<PodRecord>,
    /// The set's claims by (template index, ordinal) → position in `pvcs`.
    claim_index: super::claims::ClaimIndex,
    /// Pod name → position in `pods` (the first pod of a name, as a linear search finds).
    by_name: rustc_hash::FxHashMap<String, usize>,
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

/// A cluster holds one object of a kind per namespace and name; a file that lists one
/// twice was not printed by kubectl (two pods named `web-0` would both claim ordinal 0).
fn twice<'n>(kind: &str, ns: &str, names: impl Iterator<Item = &'n str>) -> SnapshotError {
    let mut seen = rustc_hash::FxHashSet::default();
    let name = names.into_iter().find(|n| !seen.insert(*n)).unwrap_or("");
    SnapshotError::Invalid {
        what: format!("{kind} {name}"),
        reason: format!(
            "listed twice in namespace {ns:?}; a cluster holds one object per name (was the file put together from two snapshots?)"
        ),
    }
}

fn unique(kind: &str, ns: &str, names: &[String]) -> Result<(), SnapshotError> {
    let distinct: rustc_hash::FxHashSet<&str> = names.iter().map(String::as_str).collect();
    if distinct.len() == names.len() {
        Ok(())
    } else {
        Err(twice(kind, ns, names.iter().map(String::as_str)))
    }
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

/// One object of the input: an already-parsed value (YAML, tests) or a slice of JSON
/// text that is decoded straight into its typed form (fast path for large lists).
pub enum Source<'t> {
    Value(Value),
    Raw(&'t RawValue),
}

impl Source<'_> {
    /// The object's `kind` (empty when absent).
    pub fn kind(&self) -> String {
        #[derive(serde::Deserialize)]
        struct Kind {
            kind: Option<String>,
        }
        match self {
            Source::Value(v) => v
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            Source::Raw(r) => serde_json::from_str::<Kind>(r.get())
                .ok()
                .and_then(|k| k.kind)
                .unwrap_or_default(),
        }
    }

    /// Decodes into `T`; errors name the object (`what`).
    pub fn decode<T: serde::de::DeserializeOwned>(
        &self,
        what: impl Fn() -> String,
    ) -> Result<T, SnapshotError> {
        let res = match self {
            Source::Value(v) => T::deserialize(v).map_err(|e| e.to_string()),
            Source::Raw(r) => serde_json::from_str(r.get()).map_err(|e| e.to_string()),
        };
        res.map_err(|reason| SnapshotError::Invalid {
            what: what(),
            reason,
        })
    }

    fn into_value(self) -> Result<Value, SnapshotError> {
        match self {
            Source::Value(v) => Ok(v),
            Source::Raw(r) => serde_json::from_str(r.get()).map_err(|e| SnapshotError::Invalid {
                what: "object".into(),
                reason: e.to_string(),
            }),
        }
    }

    /// `Kind name`, or `Kind (item N)` without a name.
    pub fn describe(&self, kind: &str, index: usize) -> String {
        #[derive(serde::Deserialize)]
        struct Meta {
            metadata: Option<Named>,
        }
        #[derive(serde::Deserialize)]
        struct Named {
            name: Option<String>,
        }
        let name = match self {
            Source::Value(v) => v
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .map(str::to_string),
            Source::Raw(r) => serde_json::from_str::<Meta>(r.get())
                .ok()
                .and_then(|m| m.metadata)
                .and_then(|m| m.name),
        };
        match name {
            Some(name) => format!("{kind} {name}"),
            None => format!("{kind} (item {})", index + 1),
        }
    }
}

/// Input objects decoded by kind, in input order; other kinds are dropped.
#[derive(Debug, Default)]
pub struct Objects {
    /// StatefulSets stay JSON until one is picked: its served form is what gets hashed.
    pub sets: Vec<Value>,
    pub pods: Vec<Pod>,
    pub revisions: Vec<ControllerRevision>,
    pub pvcs: Vec<PersistentVolumeClaim>,
}

impl Objects {
    /// Decodes every source; a `List` inside the input contributes its items.
    pub fn decode(sources: Vec<Source<'_>>) -> Result<Objects, SnapshotError> {
        let mut out = Objects::default();
        let mut queue: std::collections::VecDeque<Source<'_>> = sources.into();
        let mut index = 0;
        while let Some(object) = queue.pop_front() {
            index += 1;
            let kind = object.kind();
            let what = || object.describe(&kind, index - 1);
            match kind.as_str() {
                k if k.ends_with("List") => {
                    let mut list = object.into_value()?;
                    if let Some(Value::Array(items)) = list.get_mut("items").map(Value::take) {
                        queue.extend(items.into_iter().map(Source::Value));
                    }
                }
                "StatefulSet" => out.sets.push(object.into_value()?),
                "Pod" => out.pods.push(object.decode::<Pod>(what)?),
                "ControllerRevision" => out
                    .revisions
                    .push(object.decode::<ControllerRevision>(what)?),
                "PersistentVolumeClaim" => {
                    out.pvcs.push(object.decode::<PersistentVolumeClaim>(what)?)
                }
                _ => {}
            }
        }
        Ok(out)
    }
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
        mut pods: Vec<Arc<Pod>>,
        mut revisions: Vec<ControllerRevision>,
        mut pvcs: Vec<PersistentVolumeClaim>,
    ) -> Result<Snapshot, SnapshotError> {
        let set = decode_set(&set_json)?;
        let ns = namespace_of(&set.metadata).to_string();
        let in_ns = |m: &ObjectMeta| namespace_of(m) == ns;
        pods.retain(|p| in_ns(&p.metadata));
        revisions.retain(|r| in_ns(&r.metadata));
        pvcs.retain(|c| in_ns(&c.metadata));
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
        let claim_names: Vec<String> = pvcs.iter().map(|c| named(&c.metadata)).collect();
        unique("PersistentVolumeClaim", &ns, &claim_names)?;
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
            candidate: OnceLock::new(),
            candidate_hash: OnceLock::new(),
            revision_data,
            revision_ids,
            slots,
        })
    }

    /// The same objects around another version of the set (what-if planning).
    pub fn with_set(&self, set_json: Value) -> Result<Snapshot, SnapshotError> {
        Snapshot::new(
            set_json,
            self.pods.clone(),
            self.revisions.clone(),
            self.pvcs.clone(),
        )
    }

    /// Changes the pod named `name` in place (copying it only when another snapshot
    /// shares it) and re-indexes it; `f` must not rename it. False when there is none.
    pub fn update_pod(&mut self, name: &str, f: impl FnOnce(&mut Pod)) -> bool {
        let Some(&i) = self.by_name.get(name) else {
            return false;
        };
        f(Arc::make_mut(&mut self.pods[i]));
        let pod = Arc::clone(&self.pods[i]);
        let record = self.record_of(&pod);
        self.replace_record(i, record);
        true
    }

    /// The record of `pod` for this snapshot's set, its revision numbered.
    fn record_of(&mut self, pod: &Pod) -> PodRecord {
        let set_name = self.set.metadata.name.as_deref().unwrap_or("");
        let uid = self.set.metadata.uid.as_deref().unwrap_or("");
        let no_selector = Default::default();
        let selector = self.set.spec.as_ref().map_or(&no_selector, |s| &s.selector);
        let templates = claim_templates(&self.set);
        let mut record = PodRecord::of(pod, set_name, uid, selector, &templates);
        number_revision(&mut self.revision_ids, &mut record);
        record
    }

    /// Sets one pod (replacing the pod of the same name), re-indexing only it. For
    /// simulations that change one object at a time (the rollout preview).
    pub fn put_pod(&mut self, pod: Arc<Pod>) {
        let record = self.record_of(&pod);
        match self.by_name.get(&record.name) {
            Some(&i) => {
                self.pods[i] = pod;
                self.replace_record(i, record);
            }
            None => {
                let at = self.index.len();
                self.by_name.insert(record.name.clone(), at);
                self.slots.add(at as u32, &record);
                self.pods.push(pod);
                self.index.push(record);
            }
        }
    }

    /// Puts `record` at position `i`, keeping the slot index.
    fn replace_record(&mut self, i: usize, record: PodRecord) {
        let index = &self.index;
        self.slots
            .remove(i as u32, &index[i], |at| &index[at as usize]);
        self.slots.add(i as u32, &record);
        self.index[i] = record;
    }

    /// Removes the pod named `name`; returns it. The last pod takes its place (the order
    /// of [`Snapshot::pods`] is the API's list order, which carries no meaning).
    pub fn remove_pod(&mut self, name: &str) -> Option<Arc<Pod>> {
        let i = self.by_name.remove(name)?;
        let last = self.index.len() - 1;
        let index = &self.index;
        self.slots
            .remove(i as u32, &index[i], |at| &index[at as usize]);
        self.index.swap_remove(i);
        let pod = self.pods.swap_remove(i);
        if i < last {
            self.slots.moved(last as u32, i as u32, &self.index[i]);
            let moved = &self.index[i].name;
            if self.by_name.get(moved) == Some(&last) {
                self.by_name.insert(moved.clone(), i);
            }
        }
        if self.by_name.len() != self.index.len() {
            // Names repeat (an input file can do that, the API cannot): index again.
            self.by_name = name_index(&self.index);
        }
        Some(pod)
    }

    /// Sets one ControllerRevision (replacing the one of the same name).
    pub fn put_revision(&mut self, rev: ControllerRevision) {
        match self
            .revisions
            .iter()
            .position(|r| r.metadata.name == rev.metadata.name)
        {
            Some(i) => {
                self.revisions[i] = rev;
                self.revision_data[i] = OnceLock::new();
            }
            None => {
                self.revisions.push(rev);
                self.revision_data.push(OnceLock::new());
            }
        }
    }

    /// Removes the ControllerRevision named `name`.
    pub fn remove_revision(&mut self, name: &str) {
        while let Some(i) = self
            .revisions
            .iter()
            .position(|r| r.metadata.name.as_deref() == Some(name))
        {
            self.revisions.remove(i);
            self.revision_data.remove(i);
        }
    }

    /// The revision bytes the live template makes under `profile` (SPEC §1.2).
    pub fn candidate(&self, profile: &Profile) -> Cow<'_, Candidate> {
        let fresh = || revision::candidate(&self.set_json, profile);
        match self.candidate.get() {
            Some((p, c)) if p == profile => Cow::Borrowed(c),
            Some(_) => Cow::Owned(fresh()),
            None => {
                let (_, c) = self.candidate.get_or_init(|| (*profile, fresh()));
                Cow::Borrowed(c)
            }
        }
    }

    /// The hash of [`Snapshot::candidate`] with `collision_count` (SPEC §1.3).
    pub fn candidate_hash(&self, profile: &Profile, collision_count: i32) -> Cow<'_, str> {
        let fresh = || revision::hash(&self.candidate(profile).data, Some(collision_count));
        match self.candidate_hash.get() {
            Some((p, c, h)) if p == profile && *c == collision_count => Cow::Borrowed(h),
            Some(_) => Cow::Owned(fresh()),
            None => {
                let (_, _, h) = self
                    .candidate_hash
                    .get_or_init(|| (*profile, collision_count, fresh()));
                Cow::Borrowed(h)
            }
        }
    }

    /// The stored bytes of `rev`, one of [`Snapshot::revisions`], under `profile`.
    pub fn revision_data(
        &self,
        rev: &ControllerRevision,
        profile: &Profile,
    ) -> Cow<'_, RevisionData> {
        let fresh = || revision::stored_data(rev, profile);
        let Some(i) = self.revisions.iter().position(|r| std::ptr::eq(r, rev)) else {
            return Cow::Owned(fresh());
        };
        match self.revision_data[i].get() {
            Some((p, d)) if p == profile => Cow::Borrowed(d),
            Some(_) => Cow::Owned(fresh()),
            None => {
                let (_, d) = self.revision_data[i].get_or_init(|| (*profile, fresh()));
                Cow::Borrowed(d)
            }
        }
    }

    /// Sets one PVC (replacing the one of the same name), keeping the claim index and
    /// the slots' owned claims.
    pub fn put_pvc(&mut self, pvc: PersistentVolumeClaim) {
        let templates = claim_templates(&self.set);
        let key = super::claims::parse_claim_name(
            pvc.metadata.name.as_deref().unwrap_or(""),
            &templates,
            self.set.metadata.name.as_deref().unwrap_or(""),
        );
        let templates = templates.len();
        let entry = super::claims::ClaimEntry::of;
        match self
            .pvcs
            .iter()
            .position(|c| c.metadata.name == pvc.metadata.name)
        {
            Some(i) => {
                // The index entry of its name, unless a later claim of the name holds it.
                if let Some(key) =
                    key.filter(|&k| self.claim_index.get(k).is_some_and(|e| e.at == i))
                {
                    self.claim_index.insert(key, entry(i, &pvc));
                }
                self.pvcs[i] = pvc;
            }
            None => {
                if let Some(key) = key {
                    self.claim_index.insert(key, entry(self.pvcs.len(), &pvc));
                }
                self.pvcs.push(pvc);
            }
        }
        if let Some((_, ordinal)) = key {
            let owned = owns_claims(&self.claim_index, templates, ordinal);
            self.slots.set_owned_claims(ordinal, owned);
        }
    }

    /// The claimed pods by ordinal (see [`SlotIndex`]).
    pub fn slot_index(&self) -> &SlotIndex {
        &self.slots
    }

    /// Whether `other`, a snapshot of the same objects, indexes its slots the same way
    /// (revision numbers compared by the names they stand for).
    pub fn same_slot_index(&self, other: &Snapshot) -> bool {
        let rename = |id: u32| {
            self.revision_ids
                .iter()
                .find(|(_, i)| **i == id)
                .and_then(|(name, _)| other.revision_id(name))
                .unwrap_or(u32::MAX)
        };
        self.slots.renumbered(rename) == other.slots
    }

    /// The set's claims by (template index, ordinal) → position in [`Snapshot::pvcs`].
    pub fn claim_index(&self) -> &super::claims::ClaimIndex {
        &self.claim_index
    }

    /// Replaces the set's `.status` (a status write), keeping the pod index.
    pub fn set_status(&mut self, status: Value) -> Result<(), SnapshotError> {
        let typed = serde_json::from_value(status.clone()).map_err(|e| SnapshotError::Invalid {
            what: format!("status of StatefulSet {}", self.name()),
            reason: e.to_string(),
        })?;
        self.set.status = Some(typed);
        self.set_json["status"] = status;
        Ok(())
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

    pub fn pvcs(&self) -> &[PersistentVolumeClaim] {
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
    if !is_dns_subdomain(name) {
        return Err(SnapshotError::Invalid {
            what: "StatefulSet".into(),
            reason: format!(
                "metadata.name: Invalid value: {name:?}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
            ),
        });
    }
    if let Some(ns) = set.metadata.namespace.as_deref()
        && !(is_dns_subdomain(ns) && ns.len() <= 63 && !ns.contains('.'))
    {
        return Err(invalid(&format!(
            "metadata.namespace: Invalid value: {ns:?}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'"
        )));
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
    validate_spec(spec).map_err(|reason| invalid(&reason))?;
    let selector = &spec.selector;
    if selector.match_labels.as_ref().is_none_or(|m| m.is_empty())
        && selector
            .match_expressions
            .as_ref()
            .is_none_or(|m| m.is_empty())
    {
        return Err(invalid(
            "spec.selector: Invalid value: empty selector is invalid for statefulset",
        ));
    }
    let labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.as_ref());
    if !super::selector::matches(selector, labels) {
        return Err(invalid(&format!(
            "spec.template.metadata.labels: Invalid value: {:?}: `selector` does not match template `labels` (selector {})",
            labels.cloned().unwrap_or_default(),
            super::selector::to_query(selector)
        )));
    }
    Ok(set)
}

/// A name the API server takes for a StatefulSet (`NameIsDNSSubdomain`): at most 253
/// characters of `a-z`, `0-9`, `-` and `.`, each dot-separated part starting and ending
/// with a letter or digit.
fn is_dns_subdomain(name: &str) -> bool {
    name.len() <= 253
        && name.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && b.len() <= 63
                && b.iter()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
        })
}

/// The most ordinals a set may span here. The API server allows up to 2^31-1 replicas,
/// but no cluster holds that many pods (Kubernetes is tested to 150,000 pods per
/// cluster); a bound keeps every per-ordinal cost (slots, rows, a Parallel pass's creates)
/// within memory, whatever a file says.
pub const MAX_REPLICAS: i32 = 1_000_000;

/// The API server's validation of the fields the model computes with (apps/v1
/// `ValidateStatefulSetSpec`), plus the bounds the model needs: the refusal a user would
/// get from `kubectl apply`, instead of a wrapped ordinal or an unbounded allocation.
fn validate_spec(spec: &k8s_openapi::api::apps::v1::StatefulSetSpec) -> Result<(), String> {
    let replicas = spec.replicas.unwrap_or(1);
    if replicas < 0 {
        return Err(format!(
            "spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0"
        ));
    }
    if replicas > MAX_REPLICAS {
        return Err(format!(
            "spec.replicas: {replicas} is more than this tool models ({MAX_REPLICAS}; \
             Kubernetes is tested to 150,000 pods per cluster)"
        ));
    }
    let start = spec.ordinals.as_ref().and_then(|o| o.start).unwrap_or(0);
    if start < 0 {
        return Err(format!(
            "spec.ordinals.start: Invalid value: {start}: must be greater than or equal to 0"
        ));
    }
    if start.checked_add(replicas).is_none() {
        return Err(format!(
            "spec.ordinals.start + spec.replicas ({start} + {replicas}) is beyond 2147483647: \
             ordinals would overflow"
        ));
    }
    let rolling = spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.rolling_update.as_ref());
    if let Some(p) = rolling.and_then(|r| r.partition)
        && p < 0
    {
        return Err(format!(
            "spec.updateStrategy.rollingUpdate.partition: Invalid value: {p}: must be greater than or equal to 0"
        ));
    }
    if let Some(m) = rolling.and_then(|r| r.max_unavailable.as_ref()) {
        validate_max_unavailable(m)?;
    }
    Ok(())
}

/// `maxUnavailable`: a positive integer or a percentage in 1%..=100% (the API server's
/// `ValidatePositiveIntOrPercent`, "cannot be 0" and `IsNotMoreThan100Percent`).
fn validate_max_unavailable(
    m: &k8s_openapi::apimachinery::pkg::util::intstr::IntOrString,
) -> Result<(), String> {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    const FIELD: &str = "spec.updateStrategy.rollingUpdate.maxUnavailable";
    match m {
        IntOrString::Int(i) if *i < 0 => Err(format!(
            "{FIELD}: Invalid value: {i}: must be greater than or equal to 0"
        )),
        IntOrString::Int(0) => Err(format!("{FIELD}: Invalid value: 0: cannot be 0")),
        IntOrString::Int(_) => Ok(()),
        IntOrString::String(s) => {
            let percent = s
                .strip_suffix('%')
                .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|digits| digits.parse::<u64>().ok());
            match percent {
                None => Err(format!(
                    "{FIELD}: Invalid value: {s:?}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%')"
                )),
                Some(0) => Err(format!("{FIELD}: Invalid value: {s:?}: cannot be 0")),
                Some(p) if p > 100 => Err(format!(
                    "{FIELD}: Invalid value: {s:?}: must not be greater than 100%"
                )),
                Some(_) => Ok(()),
            }
        }
    }
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

    /// What the API server refuses is refused here too (exit 2 upstream), and numbers the
    /// model would wrap or allocate for are bounded.
    #[test]
    fn spec_values_the_api_server_refuses_are_refused() {
        let with = |path: &str, value: Value| {
            let mut s = set("web");
            let (parent, key) = path.rsplit_once('/').unwrap();
            let mut at = &mut s;
            for part in parent.split('/').filter(|p| !p.is_empty()) {
                at = at
                    .as_object_mut()
                    .unwrap()
                    .entry(part)
                    .or_insert_with(|| json!({}));
            }
            at[key] = value;
            decode_set(&s).map(|_| ()).map_err(|e| e.to_string())
        };
        for (path, value, says) in [
            (
                "/spec/replicas",
                json!(-1),
                "must be greater than or equal to 0",
            ),
            (
                "/spec/replicas",
                json!(2147483647),
                "more than this tool models",
            ),
            (
                "/spec/ordinals/start",
                json!(-1),
                "must be greater than or equal to 0",
            ),
            (
                "/spec/ordinals/start",
                json!(2147483647),
                "ordinals would overflow",
            ),
            (
                "/spec/updateStrategy/rollingUpdate/partition",
                json!(-2),
                "partition",
            ),
            (
                "/spec/updateStrategy/rollingUpdate/maxUnavailable",
                json!(0),
                "cannot be 0",
            ),
            (
                "/spec/updateStrategy/rollingUpdate/maxUnavailable",
                json!("0%"),
                "cannot be 0",
            ),
            (
                "/spec/updateStrategy/rollingUpdate/maxUnavailable",
                json!("150%"),
                "greater than 100%",
            ),
            (
                "/spec/updateStrategy/rollingUpdate/maxUnavailable",
                json!("x%"),
                "valid percent",
            ),
            (
                "/spec/updateStrategy/rollingUpdate/maxUnavailable",
                json!(-3),
                "greater than or equal",
            ),
            ("/spec/selector", json!({}), "empty selector"),
            ("/metadata/name", json!("Web"), "RFC 1123 subdomain"),
            (
                "/metadata/name",
                json!("web\u{1b}]0;x\u{7}"),
                "RFC 1123 subdomain",
            ),
            ("/metadata/name", json!("web-"), "RFC 1123 subdomain"),
            ("/metadata/namespace", json!("a.b"), "RFC 1123 label"),
            (
                "/spec/selector",
                json!({"matchLabels": {"app": "db"}}),
                "does not match template",
            ),
        ] {
            let err = with(path, value.clone()).unwrap_err();
            assert!(err.contains(says), "{path}={value}: {err}");
        }
        for (path, value) in [
            ("/spec/replicas", json!(MAX_REPLICAS)),
            ("/spec/ordinals/start", json!(2147483647 - 3)),
            ("/spec/updateStrategy/rollingUpdate/partition", json!(99)),
            (
                "/spec/updateStrategy/rollingUpdate/maxUnavailable",
                json!("100%"),
            ),
            (
                "/spec/updateStrategy/rollingUpdate/maxUnavailable",
                json!(7),
            ),
        ] {
            assert_eq!(with(path, value.clone()), Ok(()), "{path}={value}");
        }
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
    fn lists_inside_lists_are_flattened() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-0", "namespace": "ns"}});
        let inner = json!({"apiVersion": "v1", "kind": "PodList", "items": [pod]});
        let s = Snapshot::from_objects(vec![set("web"), inner], None).unwrap();
        assert_eq!(s.pods().len(), 1);
        assert_eq!(s.records()[0].name, "web-0");
    }

    #[test]
    fn objects_of_other_namespaces_are_dropped() {
        let pod = |ns: &str| json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-0", "namespace": ns}});
        let s = Snapshot::from_objects(vec![set("web"), pod("ns"), pod("other")], None).unwrap();
        assert_eq!(s.pods().len(), 1);
    }

    #[test]
    fn pods_are_found_by_name_through_puts_and_removes() {
        let pod = |name: &str, phase: &str| {
            json!({"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": name, "namespace": "ns"}, "status": {"phase": phase}})
        };
        let typed = |v: Value| Arc::new(serde_json::from_value::<Pod>(v).unwrap());
        let objects = vec![set("web"), pod("web-0", "Running"), pod("web-1", "Running")];
        let mut s = Snapshot::from_objects(objects, None).unwrap();
        s.put_pod(typed(pod("web-2", "Pending")));
        s.put_pod(typed(pod("web-1", "Failed")));
        assert_eq!(s.pods().len(), 3);
        assert_eq!(s.record("web-1").unwrap().phase, "Failed");
        // Removing the first moves the last into its place; every name still resolves.
        assert!(s.remove_pod("web-0").is_some());
        assert!(s.remove_pod("web-0").is_none());
        assert_eq!(s.record("web-2").unwrap().phase, "Pending");
        assert_eq!(
            s.pod("web-1").unwrap().metadata.name.as_deref(),
            Some("web-1")
        );
        for (i, r) in s.records().iter().enumerate() {
            assert_eq!(s.record(&r.name).unwrap().name, r.name);
            assert_eq!(s.pods()[i].metadata.name.as_deref(), Some(r.name.as_str()));
        }
        // A repeated name (only a hand-made file has one) is refused: no cluster has it.
        let objects = vec![set("web"), pod("web-0", "Running"), pod("web-0", "Failed")];
        let err = Snapshot::from_objects(objects, None)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("Pod web-0: listed twice"), "{err}");
    }

    #[test]
    fn revision_bytes_are_remembered_per_release_and_follow_revision_changes() {
        use crate::model::profile::Version;
        let old = Profile::for_version(Version::parse("1.33").unwrap()).unwrap();
        let new = Profile::for_version(Version::parse("1.34").unwrap()).unwrap();
        let s = Snapshot::from_objects(vec![set("web")], None).unwrap();
        for p in [old, new, old] {
            // Asked again, or for another release: always what a fresh computation gives.
            assert_eq!(
                s.candidate(&p).data,
                revision::candidate(s.set_json(), &p).data
            );
        }
        assert_ne!(s.candidate(&old).data, s.candidate(&new).data);
        let rev = |image: &str| -> ControllerRevision {
            serde_json::from_value(json!({"metadata": {"name": "web-1", "namespace": "ns"},
                "revision": 1, "data": {"spec": {"template": {"spec": {"containers": [{"image": image}]}}}}}))
            .unwrap()
        };
        let mut s = s;
        s.put_revision(rev("a"));
        let first = s.revision_data(&s.revisions()[0], &new).into_owned();
        assert_eq!(first, revision::stored_data(&s.revisions()[0], &new));
        s.put_revision(rev("b"));
        let second = s.revision_data(&s.revisions()[0], &new).into_owned();
        assert_ne!(first, second);
        assert_eq!(second, revision::stored_data(&s.revisions()[0], &new));
        s.remove_revision("web-1");
        assert!(s.revisions().is_empty());
    }

    #[test]
    fn equal_revision_names_get_equal_numbers() {
        let pod = |name: &str, rev: &str| {
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name,
                   "namespace": "ns", "labels": {"controller-revision-hash": rev}}})
        };
        let objects = vec![
            set("web"),
            pod("web-0", "web-a"),
            pod("web-1", "web-b"),
            pod("web-2", "web-a"),
        ];
        let mut s = Snapshot::from_objects(objects, None).unwrap();
        let id = |s: &Snapshot, n: &str| s.record(n).unwrap().revision_id;
        assert_eq!(id(&s, "web-0"), id(&s, "web-2"));
        assert_ne!(id(&s, "web-0"), id(&s, "web-1"));
        assert_eq!(s.revision_id("web-a"), Some(id(&s, "web-0")));
        assert_eq!(s.revision_id("web-c"), None);
        s.put_pod(Arc::new(
            serde_json::from_value(pod("web-1", "web-c")).unwrap(),
        ));
        assert_eq!(s.revision_id("web-c"), Some(id(&s, "web-1")));
        assert!([id(&s, "web-0")].iter().all(|&a| a != id(&s, "web-1")));
    }
}
