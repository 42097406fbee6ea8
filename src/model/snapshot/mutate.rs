//! Changing a snapshot in place (the preview's world, what-if planning): pods, revisions
//! and claims put and removed with the indexes kept current, and the derived revision
//! data cached per release.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use k8s_openapi::api::apps::v1::ControllerRevision;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use serde_json::Value;

use super::{Snapshot, SnapshotError, claim_templates, name_index, number_revision, owns_claims};
use crate::model::pod::PodRecord;
use crate::model::profile::Profile;
use crate::model::revision::{self, Candidate, RevisionData};
use crate::model::slots::SlotIndex;

impl Snapshot {
    /// The same objects around another version of the set (what-if planning).
    pub fn with_set(&self, set_json: Value) -> Result<Snapshot, SnapshotError> {
        let mut names = vec![String::new(); self.pvcs.len()];
        for (name, &i) in &self.pvc_by_name {
            names[i] = name.clone();
        }
        Snapshot::of_named_claims(
            set_json,
            self.pods.clone(),
            self.revisions.clone(),
            names.into_iter().zip(self.pvcs.iter().cloned()).collect(),
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
    pub fn record_of(&mut self, pod: &Pod) -> PodRecord {
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
        self.put_record(pod, record);
    }

    /// Sets one pod given as its record and an object that stands for it (replacing the
    /// pod of the record's name). For simulations of sets too large to hold an object per
    /// pod (the rollout preview of a million pods): `object` may be shared by many records
    /// and carry another pod's name. The model decides from records; of the object it reads
    /// only what [`crate::model::pod::deleted_at_once`] reads, which the caller keeps true
    /// of the pod. `record` must be what [`Snapshot::record_of`] gives for the pod it
    /// stands for (its revision numbered by this snapshot).
    pub fn put_record(&mut self, object: Arc<Pod>, record: PodRecord) {
        match self.by_name.get(&record.name) {
            Some(&i) => {
                self.pods[i] = object;
                self.replace_record(i, record);
            }
            None => {
                let at = self.index.len();
                self.by_name.insert(record.name.clone(), at);
                self.slots.add(at as u32, &record);
                self.pods.push(object);
                self.index.push(record);
            }
        }
    }

    /// Changes the record of the pod named `name` and not its object (see
    /// [`Snapshot::put_record`]); `f` must not rename it or change its revision. False
    /// when there is none.
    pub fn update_record(&mut self, name: &str, f: impl FnOnce(&mut PodRecord)) -> bool {
        let Some(&i) = self.by_name.get(name) else {
            return false;
        };
        // In place (a clone would copy its three strings, twice a pod in a preview):
        // out of the slot index as it was, changed, back in as it is.
        let index = &self.index;
        self.slots
            .remove(i as u32, &index[i], |at| &index[at as usize]);
        f(&mut self.index[i]);
        self.slots.add(i as u32, &self.index[i]);
        true
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

    /// Room for `pods` more pods and `claims` more claims (a simulation that knows how
    /// many it will create: growing a table of a million copies it, and the old and the
    /// new are held at once).
    pub fn reserve(&mut self, pods: usize, claims: usize) {
        self.pods.reserve(pods);
        self.index.reserve(pods);
        self.by_name.reserve(pods);
        self.pvcs.reserve(claims);
        self.pvc_by_name.reserve(claims);
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
        let name = pvc.metadata.name.clone().unwrap_or_default();
        self.put_claim(name, Arc::new(pvc));
    }

    /// The claim named `name`, if present.
    pub fn pvc(&self, name: &str) -> Option<&PersistentVolumeClaim> {
        self.pvc_by_name.get(name).map(|&i| &*self.pvcs[i])
    }

    /// Sets claim `name` to `pvc`, an object that may stand for several claims and carry
    /// another claim's name (the preview's claims: one object per template while they
    /// are alike; the model reads a claim's deletion and owner references, never its
    /// name).
    pub fn put_claim(&mut self, name: String, pvc: Arc<PersistentVolumeClaim>) {
        let templates = claim_templates(&self.set);
        let key = crate::model::claims::parse_claim_name(
            &name,
            &templates,
            self.set.metadata.name.as_deref().unwrap_or(""),
        );
        let templates = templates.len();
        let entry = crate::model::claims::ClaimEntry::of;
        match self.pvc_by_name.get(&name).copied() {
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
                self.pvc_by_name.insert(name, self.pvcs.len());
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
    pub fn claim_index(&self) -> &crate::model::claims::ClaimIndex {
        &self.claim_index
    }

    /// Replaces the set's `.status` with what a pass writes (as [`Snapshot::set_status`]
    /// of `objects::status_value(status)`, without decoding it again).
    pub fn put_status(&mut self, status: &crate::model::plan::Status) {
        self.set.status = Some(k8s_openapi::api::apps::v1::StatefulSetStatus {
            observed_generation: Some(status.observed_generation),
            replicas: status.replicas,
            ready_replicas: Some(status.ready_replicas),
            current_replicas: Some(status.current_replicas),
            updated_replicas: Some(status.updated_replicas),
            available_replicas: Some(status.available_replicas),
            current_revision: Some(status.current_revision.clone()),
            update_revision: Some(status.update_revision.clone()),
            collision_count: Some(status.collision_count),
            ..Default::default()
        });
        self.set_json["status"] = crate::model::objects::status_value(status);
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
}
