//! PersistentVolumeClaims of a StatefulSet's pods: names, creation, staleness and the
//! owner references the retention policy wants (SPEC §2.5, §2.6). Pure.

use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

use super::plan::{Action, PvcReason};
use super::pod::{PodRecord, is_indexed_name, parent_and_ordinal};
use super::profile::Profile;

/// `<template>-<set>-<ordinal>`.
pub fn claim_name(template: &str, set_name: &str, ordinal: i32) -> String {
    format!("{template}-{set_name}-{ordinal}")
}

/// `<template>-<set>-<ordinal>` → (index of the template, ordinal), for one of
/// `templates`; `None` for any other name (a claim of `web-x` is not one of `web`'s).
pub fn parse_claim_name<S: AsRef<str>>(
    name: &str,
    templates: &[S],
    set_name: &str,
) -> Option<(usize, i32)> {
    templates.iter().enumerate().find_map(|(ti, t)| {
        let pod_name = name.strip_prefix(t.as_ref())?.strip_prefix('-')?;
        let (parent, ordinal) = parent_and_ordinal(pod_name)?;
        (parent == set_name && is_indexed_name(pod_name, set_name, ordinal))
            .then_some((ti, ordinal))
    })
}

/// Claims by (template index, ordinal). Looked up for every pod in every pass: the
/// ordinals of a template's row (from 0, grown as claims come, while they come no more
/// than [`DENSE_ORDINALS`] beyond its end: nearly every set's, a million from nothing
/// too) index a table, others a map with a cheap hash (the keys are integers, not
/// attacker-chosen text).
#[derive(Clone, Debug, Default)]
pub struct ClaimIndex {
    /// `dense[template][ordinal]`.
    dense: Vec<Vec<Option<ClaimEntry>>>,
    sparse: rustc_hash::FxHashMap<(usize, i32), ClaimEntry>,
}

/// How far beyond the end of its row a claim may be and still grow the row.
pub const DENSE_ORDINALS: i32 = 1 << 16;

impl ClaimIndex {
    pub fn get(&self, (template, ordinal): (usize, i32)) -> Option<&ClaimEntry> {
        let row = self.dense.get(template).map_or(&[][..], |r| &r[..]);
        match usize::try_from(ordinal) {
            Ok(o) if o < row.len() => row[o].as_ref(),
            _ => self.sparse.get(&(template, ordinal)),
        }
    }

    pub fn insert(&mut self, (template, ordinal): (usize, i32), entry: ClaimEntry) {
        if self.dense.len() <= template {
            self.dense.resize_with(template + 1, Vec::new);
        }
        let row = &mut self.dense[template];
        let Ok(o) = usize::try_from(ordinal) else {
            self.sparse.insert((template, ordinal), entry);
            return;
        };
        if o >= row.len() + DENSE_ORDINALS as usize {
            self.sparse.insert((template, ordinal), entry);
            return;
        }
        if o >= row.len() {
            // The row grows over these ordinals: their claims move in from the map.
            let from = row.len();
            row.resize(o + 1, None);
            if !self.sparse.is_empty() {
                for (at, slot) in row.iter_mut().enumerate().skip(from) {
                    if let Some(e) = self.sparse.remove(&(template, at as i32)) {
                        *slot = Some(e);
                    }
                }
            }
        }
        row[o] = Some(entry);
    }
}

/// Where a claim is in the PVC list, and whether it has owner references at all: most
/// have none, and then a pass knows their owners without reading the claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClaimEntry {
    pub at: usize,
    pub owned: bool,
}

impl ClaimEntry {
    pub fn of(at: usize, pvc: &PersistentVolumeClaim) -> ClaimEntry {
        ClaimEntry {
            at,
            owned: !refs_of(pvc).is_empty(),
        }
    }
}

/// The set's claims among `pvcs` by (template index, ordinal) → position; a later claim
/// of the same key wins, as in the informer cache's map.
pub fn index_claims(
    names: &[String],
    pvcs: &[std::sync::Arc<PersistentVolumeClaim>],
    templates: &[&str],
    set_name: &str,
) -> ClaimIndex {
    let mut index = ClaimIndex::default();
    for (i, (name, pvc)) in names.iter().zip(pvcs).enumerate() {
        if let Some(key) = parse_claim_name(name, templates, set_name) {
            index.insert(key, ClaimEntry::of(i, pvc));
        }
    }
    index
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retention {
    Retain,
    Delete,
}

/// `persistentVolumeClaimRetentionPolicy` (Retain/Retain when unset; an unknown value is
/// treated as Retain, as the controller does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub when_scaled: Retention,
    pub when_deleted: Retention,
}

impl Policy {
    pub fn parse(when_scaled: Option<&str>, when_deleted: Option<&str>) -> Policy {
        let one = |v: Option<&str>| {
            if v == Some("Delete") {
                Retention::Delete
            } else {
                Retention::Retain
            }
        };
        let (s, d) = (one(when_scaled), one(when_deleted));
        // An unknown value in either field makes the controller fall back to Retain/Retain.
        let known = |v: Option<&str>| matches!(v, None | Some("Retain") | Some("Delete"));
        if known(when_scaled) && known(when_deleted) {
            Policy {
                when_scaled: s,
                when_deleted: d,
            }
        } else {
            Policy {
                when_scaled: Retention::Retain,
                when_deleted: Retention::Retain,
            }
        }
    }

    fn is_retain_retain(&self) -> bool {
        self.when_scaled == Retention::Retain && self.when_deleted == Retention::Retain
    }
}

/// The claim context of one pass: the set, its templates, and the PVC cache as the pass
/// read it (the pass never sees its own writes, like the informer cache).
pub struct Claims<'a> {
    pub set_name: &'a str,
    pub set_uid: &'a str,
    pub templates: Vec<&'a str>,
    pub policy: Policy,
    pub start: i32,
    pub end: i32,
    pub profile: Profile,
    /// The PVC cache, and its index by (template index, ordinal) (built with the
    /// snapshot, see [`index_claims`]).
    pvcs: &'a [std::sync::Arc<PersistentVolumeClaim>],
    index: &'a ClaimIndex,
}

const POD_KIND: (&str, &str) = ("v1", "Pod");
const SET_KIND: (&str, &str) = ("apps/v1", "StatefulSet");

impl<'a> Claims<'a> {
    /// The claim context over the snapshot's PVCs and their index.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        set_name: &'a str,
        set_uid: &'a str,
        templates: Vec<&'a str>,
        policy: Policy,
        (start, end): (i32, i32),
        profile: Profile,
        pvcs: &'a [std::sync::Arc<PersistentVolumeClaim>],
        index: &'a ClaimIndex,
    ) -> Claims<'a> {
        Claims {
            set_name,
            set_uid,
            templates,
            policy,
            start,
            end,
            profile,
            pvcs,
            index,
        }
    }

    /// Each template's claim for `ordinal`: (template index, the claim if it exists).
    fn claims_of(
        &self,
        ordinal: i32,
    ) -> impl Iterator<Item = (usize, Option<&'a PersistentVolumeClaim>)> + '_ {
        (0..self.templates.len())
            .map(move |ti| (ti, self.index.get((ti, ordinal)).map(|e| &*self.pvcs[e.at])))
    }

    fn name(&self, template: usize, ordinal: i32) -> String {
        claim_name(self.templates[template], self.set_name, ordinal)
    }

    fn scaled_down(&self, pod: &PodRecord) -> bool {
        pod.ordinal < self.start || pod.ordinal > self.end
    }

    /// `createPersistentVolumeClaims`: CreatePVC for each missing claim; an error for each
    /// claim that is being deleted. Every claim is attempted.
    pub fn create_missing(&self, pod: &PodRecord) -> (Vec<Action>, Option<String>) {
        let mut actions = Vec::new();
        let mut errors = Vec::new();
        for (ti, claim) in self.claims_of(pod.ordinal) {
            match claim {
                None => actions.push(Action::CreatePvc {
                    name: self.name(ti, pod.ordinal),
                    ordinal: pod.ordinal,
                }),
                Some(c) if c.metadata.deletion_timestamp.is_some() => {
                    errors.push(format!(
                        "pvc {} is being deleted",
                        self.name(ti, pod.ordinal)
                    ));
                }
                Some(_) => {}
            }
        }
        let error = (!errors.is_empty()).then(|| errors.join("; "));
        (actions, error)
    }

    /// `PodClaimIsStale`: with whenScaled=Delete, a claim with a ref to a pod of this
    /// name but another uid belongs to a deleted pod and must be collected first.
    pub fn is_stale(&self, pod: &PodRecord) -> bool {
        if self.policy.when_scaled == Retention::Retain {
            return false;
        }
        self.claims_of(pod.ordinal).any(|(_, claim)| {
            claim.is_some_and(|c| has_stale_ref(c, &pod.name, &pod.uid, POD_KIND, &self.profile))
        })
    }

    /// `ClaimsMatchRetentionPolicy`: every existing claim's owner refs are as wanted.
    pub fn match_policy(&self, pod: &PodRecord) -> bool {
        (0..self.templates.len()).all(|ti| match self.index.get((ti, pod.ordinal)) {
            None => true,
            // No refs: none is stale, foreign or a non-controller ref of ours, so it is up
            // to date exactly when the policy wants neither ref (`up_to_date`).
            Some(e) if !e.owned => self.wants(pod) == (false, false),
            Some(e) => self.up_to_date(&self.pvcs[e.at], pod),
        })
    }

    /// `UpdatePodClaimForRetentionPolicy`: UpdatePVC for each existing claim whose refs
    /// are not as wanted, with the refs it gets.
    pub fn retention_updates(&self, pod: &PodRecord) -> Vec<Action> {
        let mut out = Vec::new();
        for (ti, claim) in self.claims_of(pod.ordinal) {
            let Some(claim) = claim else { continue };
            let refs = if self.profile.pvc_controller_refs() {
                if self.up_to_date(claim, pod) {
                    continue;
                }
                self.wanted_refs(claim, pod)
            } else {
                match self.legacy_update(claim, pod) {
                    Some(refs) => refs,
                    None => continue,
                }
            };
            out.push(Action::UpdatePvc {
                name: self.name(ti, pod.ordinal),
                ordinal: pod.ordinal,
                reason: PvcReason::Retention,
                owner_references: refs,
            });
        }
        out
    }

    /// Which of (set ref, pod ref) the table of SPEC §2.6 wants.
    fn wants(&self, pod: &PodRecord) -> (bool, bool) {
        let down = self.scaled_down(pod);
        match (self.policy.when_scaled, self.policy.when_deleted) {
            (Retention::Retain, Retention::Retain) => (false, false),
            (Retention::Retain, Retention::Delete) => (true, false),
            (Retention::Delete, Retention::Retain) => (false, down),
            (Retention::Delete, Retention::Delete) => (!down, down),
        }
    }

    fn up_to_date(&self, claim: &PersistentVolumeClaim, pod: &PodRecord) -> bool {
        let refs = refs_of(claim);
        let has_set = refs.iter().any(|r| r.uid == self.set_uid);
        let has_pod = refs.iter().any(|r| r.uid == pod.uid);
        if self.profile.pvc_controller_refs() {
            // `isClaimOwnerUpToDate`: claims managed by a deleted owner are left alone; a
            // foreign controller only makes us remove our own refs.
            if has_stale_ref(claim, self.set_name, self.set_uid, SET_KIND, &self.profile)
                || has_stale_ref(claim, &pod.name, &pod.uid, POD_KIND, &self.profile)
            {
                return true;
            }
            if self.unexpected_controller(claim, pod) {
                return !(has_set || has_pod);
            }
            let ours_non_controller = refs
                .iter()
                .any(|r| (r.uid == self.set_uid || r.uid == pod.uid) && r.controller != Some(true));
            if ours_non_controller {
                return false;
            }
        }
        (has_set, has_pod) == self.wants(pod)
    }

    /// `hasUnexpectedController`: under a non-Retain policy, a ref that names our set or
    /// pod with another uid, or any other controller.
    fn unexpected_controller(&self, claim: &PersistentVolumeClaim, pod: &PodRecord) -> bool {
        if self.policy.is_retain_retain() {
            return false;
        }
        refs_of(claim).iter().any(|r| {
            if is_kind(r, SET_KIND) && r.name == self.set_name {
                r.uid != self.set_uid
            } else if is_kind(r, POD_KIND) && r.name == pod.name {
                r.uid != pod.uid
            } else {
                r.controller == Some(true)
            }
        })
    }

    /// 1.31+ `updateClaimOwnerRefForSetAndPod`: scrub refs to our set and pod (by kind and
    /// name), then add controller refs as wanted unless a foreign controller owns it.
    fn wanted_refs(&self, claim: &PersistentVolumeClaim, pod: &PodRecord) -> Vec<OwnerReference> {
        let foreign = self.unexpected_controller(claim, pod);
        let mut refs: Vec<OwnerReference> = refs_of(claim)
            .iter()
            .filter(|r| {
                !((is_kind(r, SET_KIND) && r.name == self.set_name)
                    || (is_kind(r, POD_KIND) && r.name == pod.name))
            })
            .cloned()
            .collect();
        if foreign {
            return refs;
        }
        let (set, pod_ref) = self.wants(pod);
        for (want, kind, name, uid) in [
            (pod_ref, POD_KIND, pod.name.as_str(), pod.uid.as_str()),
            (set, SET_KIND, self.set_name, self.set_uid),
        ] {
            if want && !refs.iter().any(|r| r.uid == uid) {
                refs.push(owner_ref(kind, name, uid, true));
            }
        }
        refs
    }

    /// ≤1.30: add missing (non-controller) refs and remove unwanted ones by uid; `None`
    /// when nothing changes.
    fn legacy_update(
        &self,
        claim: &PersistentVolumeClaim,
        pod: &PodRecord,
    ) -> Option<Vec<OwnerReference>> {
        let (want_set, want_pod) = self.wants(pod);
        let mut refs = refs_of(claim).to_vec();
        let before = refs.len();
        let mut added = false;
        for (want, kind, name, uid) in [
            (want_set, SET_KIND, self.set_name, self.set_uid),
            (want_pod, POD_KIND, pod.name.as_str(), pod.uid.as_str()),
        ] {
            let has = refs.iter().any(|r| r.uid == uid);
            if want && !has {
                refs.push(owner_ref(kind, name, uid, false));
                added = true;
            } else if !want && has {
                refs.retain(|r| r.uid != uid);
            }
        }
        (added || refs.len() != before).then_some(refs)
    }
}

fn refs_of(claim: &PersistentVolumeClaim) -> &[OwnerReference] {
    claim.metadata.owner_references.as_deref().unwrap_or(&[])
}

fn is_kind(r: &OwnerReference, (api_version, kind): (&str, &str)) -> bool {
    r.api_version == api_version && r.kind == kind
}

/// A ref to an owner of this name but another uid (the owner was deleted and recreated).
/// 1.31+ looks at the first ref of that kind and name only; before, any ref of that name.
fn has_stale_ref(
    claim: &PersistentVolumeClaim,
    name: &str,
    uid: &str,
    kind: (&str, &str),
    profile: &Profile,
) -> bool {
    let refs = refs_of(claim).iter();
    if profile.pvc_controller_refs() {
        refs.clone()
            .find(|r| is_kind(r, kind) && r.name == name)
            .is_some_and(|r| r.uid != uid)
    } else {
        refs.clone().any(|r| r.name == name && r.uid != uid)
    }
}

fn owner_ref(
    (api_version, kind): (&str, &str),
    name: &str,
    uid: &str,
    controller: bool,
) -> OwnerReference {
    OwnerReference {
        api_version: api_version.into(),
        kind: kind.into(),
        name: name.into(),
        uid: uid.into(),
        controller: controller.then_some(true),
        block_owner_deletion: controller.then_some(true),
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;

    #[test]
    fn the_claim_index_finds_small_and_large_ordinals_and_the_later_claim_wins() {
        let entry = |at| ClaimEntry { at, owned: false };
        let mut index = ClaimIndex::default();
        index.insert((1, 3), entry(0));
        index.insert((0, DENSE_ORDINALS + 7), entry(1));
        index.insert((0, -1), entry(2));
        index.insert((1, 3), entry(3));
        assert_eq!(index.get((1, 3)), Some(&entry(3)));
        assert_eq!(index.get((0, DENSE_ORDINALS + 7)), Some(&entry(1)));
        assert_eq!(index.get((0, -1)), Some(&entry(2)));
        assert_eq!(index.get((0, 3)), None);
        assert_eq!(index.get((1, 2)), None);
        assert_eq!(index.get((2, 3)), None);
        assert_eq!(index.get((1, 4)), None);
        // A claim put again (its owners changed) replaces its entry in place.
        index.insert((0, DENSE_ORDINALS + 7), ClaimEntry { at: 1, owned: true });
        assert!(index.get((0, DENSE_ORDINALS + 7)).is_some_and(|e| e.owned));
    }

    /// Against a plain map: ordinals far beyond a row (the map), then the row growing
    /// over them (they move in), negative ones, overwrites, a million in order.
    #[test]
    fn the_claim_index_is_a_map_whatever_the_order() {
        let mut rng = crate::model::random::Rng(11);
        let mut next = move || rng.next();
        let mut index = ClaimIndex::default();
        let mut model = std::collections::BTreeMap::new();
        for at in 0..20_000usize {
            let template = (next() % 3) as usize;
            let ordinal = match next() % 4 {
                0 => (next() % 300_000) as i32,
                1 => -((next() % 5) as i32),
                _ => (at as i32) * 7,
            };
            let e = ClaimEntry {
                at,
                owned: next() % 2 == 0,
            };
            index.insert((template, ordinal), e);
            model.insert((template, ordinal), e);
        }
        for t in 0..4 {
            for o in -6..300_000 {
                assert_eq!(index.get((t, o)), model.get(&(t, o)), "({t}, {o})");
            }
        }
        let mut big = ClaimIndex::default();
        for o in 0..1_000_000 {
            big.insert(
                (0, o),
                ClaimEntry {
                    at: o as usize,
                    owned: false,
                },
            );
        }
        assert!(
            big.sparse.is_empty(),
            "a million in order stay in the table"
        );
        assert_eq!(big.get((0, 999_999)).map(|e| e.at), Some(999_999));
    }
}
