//! The pods the preview creates, held as records. An object per pod would take ~7 KB (a
//! k8s-openapi `Pod` is 2.4 KB before any field is set): a million of them, gigabytes.
//! The model decides from records ([`PodRecord`]); every pod the preview creates from
//! one revision is the same object but for its name, ordinal and uid, so one object per
//! revision (its prototype) stands for all of them in the snapshot, and each pod's record
//! is the prototype's with its own name, ordinal and uid — exactly what
//! [`Snapshot::record_of`] would make of the pod's own object (`made::tests`). The
//! kubelet's changes go to the record. A pod whose object matters beyond the model (the
//! one a rollout wedges on: its diagnosis reads the container statuses) is built in full
//! at the end ([`World::materialize`]).

use std::sync::Arc;

use jiff::Timestamp;

use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateWaiting, ContainerStatus, PersistentVolumeClaim, Pod,
    PodCondition, PodStatus,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::json;

use super::super::pod::{POD_INDEX_LABEL, POD_NAME_LABEL, PodRecord};
use super::super::{Snapshot, objects, revision};
use super::world::{World, add};

/// A revision's prototype: its object and the record of the pod it was built for.
pub(super) struct Prototype {
    pub(super) object: Arc<Pod>,
    pub(super) record: PodRecord,
}

/// The record of pod `ordinal` of set `set_name`, made from another pod's record of the
/// same revision.
pub(super) fn record_for(
    proto: &PodRecord,
    set_name: &str,
    ordinal: i32,
    uid: String,
) -> PodRecord {
    let mut record = proto.clone();
    record.name = format!("{set_name}-{ordinal}");
    record.ordinal = ordinal;
    record.uid = uid;
    record
}

/// Whether the set's selector reads a label that differs from pod to pod (its name or
/// index): then whether a pod is selected is not the prototype's to say, and every pod
/// is built in full.
pub(super) fn selector_is_per_pod(snap: &Snapshot) -> bool {
    let Some(selector) = snap.set().spec.as_ref().map(|s| &s.selector) else {
        return false;
    };
    let per_pod = |k: &str| k == POD_NAME_LABEL || k == POD_INDEX_LABEL;
    selector
        .match_labels
        .iter()
        .flatten()
        .any(|(k, _)| per_pod(k))
        || selector
            .match_expressions
            .iter()
            .flatten()
            .any(|e| per_pod(&e.key))
}

impl World<'_> {
    /// The pod the controller creates at `ordinal` from revision `rev`, in full, as the
    /// API server stores it: Pending, created now.
    pub(super) fn new_object(&mut self, ordinal: i32, rev: &str) -> Option<Pod> {
        let template = self
            .snap
            .revisions()
            .iter()
            .find(|r| r.metadata.name.as_deref() == Some(rev))
            .map(revision::stored_template)
            .unwrap_or_else(|| {
                self.set
                    .pointer("/spec/template")
                    .cloned()
                    .unwrap_or_default()
            });
        let mut v = objects::new_pod(&self.set, &template, rev, ordinal, self.profile);
        self.uid += 1;
        v["metadata"]["uid"] = json!(format!("preview-{}", self.uid));
        v["metadata"]["namespace"] = json!(self.snap.namespace());
        v["metadata"]["creationTimestamp"] = json!(self.now.to_string());
        let mut pod: Pod = serde_json::from_value(v).ok()?;
        pod.status = Some(pod_status(&pod, "Pending", false, self.now, false));
        Some(pod)
    }

    /// Creates pod `ordinal` of revision `rev`: from the revision's prototype, or in full
    /// (the first of a revision, and every pod when the selector reads per-pod labels).
    /// Whether it was made from the prototype; `None` when it could not be built.
    pub(super) fn create(&mut self, ordinal: i32, rev: &str) -> Option<bool> {
        if !self.per_pod_selector
            && let Some(proto) = self.prototypes.get(rev)
        {
            self.uid += 1;
            let mut record = record_for(
                &proto.record,
                self.snap.name(),
                ordinal,
                format!("preview-{}", self.uid),
            );
            record.ready_since = Some(self.now);
            let object = Arc::clone(&proto.object);
            self.snap.put_record(object, record);
            return Some(true);
        }
        let pod = self.new_object(ordinal, rev)?;
        let pod = Arc::new(pod);
        if !self.per_pod_selector {
            let record = self.snap.record_of(&pod);
            self.prototypes.insert(
                rev.to_string(),
                Prototype {
                    object: Arc::clone(&pod),
                    record,
                },
            );
        }
        self.snap.put_pod(pod);
        Some(false)
    }

    /// Creates claim `name` for `ordinal`: its template's prototype when there is one
    /// (claims of a template differ only in their names), else built in full.
    pub(super) fn create_claim(&mut self, name: &str, ordinal: i32) {
        let templates = crate::model::snapshot::claim_templates(self.snap.set());
        let template = crate::model::claims::parse_claim_name(name, &templates, self.snap.name())
            .map(|(t, _)| t);
        if let Some(proto) = template.and_then(|t| self.claim_prototypes.get(&t)) {
            let proto = Arc::clone(proto);
            self.snap.put_claim(name.to_string(), proto);
            return;
        }
        let Some(mut claim) = objects::claim_for_name(&self.set, name, ordinal) else {
            return;
        };
        claim["metadata"]["namespace"] = json!(self.snap.namespace());
        let Ok(claim) = serde_json::from_value::<PersistentVolumeClaim>(claim) else {
            return;
        };
        let claim = Arc::new(claim);
        if let Some(t) = template {
            self.claim_prototypes.insert(t, Arc::clone(&claim));
        }
        self.snap.put_claim(name.to_string(), claim);
    }

    /// Builds in full the object of the pod named `name`, if the preview made it from a
    /// prototype: status, deletion and creation time as its life and record say.
    pub(super) fn materialize(&mut self, name: &str) {
        let Some(life) = self.lives.get(name).filter(|l| l.made) else {
            return;
        };
        let (created, gone_at) = (self.at(life.created_at), life.gone_at);
        let broken = life.ready_at == super::world::NEVER;
        let Some(rec) = self.snap.record(name).cloned() else {
            return;
        };
        let (now, uid) = (self.now, self.uid);
        self.now = created;
        let built = self.new_object(rec.ordinal, &rec.revision);
        (self.now, self.uid) = (now, uid);
        let Some(mut pod) = built else {
            return;
        };
        pod.metadata.uid = Some(rec.uid.clone());
        let since = rec.ready_since.unwrap_or(created);
        let broken = broken && !rec.ready && rec.phase == "Running";
        pod.status = Some(pod_status(&pod, rec.phase, rec.ready, since, broken));
        if rec.terminating {
            let deleted = self.at(gone_at);
            let deleted = add(deleted, -self.assume.terminate_after);
            pod.metadata.deletion_timestamp = Some(Time(deleted));
            pod.metadata.deletion_grace_period_seconds = Some(30);
        }
        if let Some(l) = self.lives.get_mut(name) {
            l.made = false;
        }
        self.snap.put_pod(Arc::new(pod));
    }
}

/// The status the simulated kubelet reports: phase, Ready (with its transition time) and,
/// for a pod that never becomes Ready, a crash-looping container.
pub(super) fn pod_status(
    pod: &Pod,
    phase: &str,
    ready: bool,
    since: Timestamp,
    broken: bool,
) -> PodStatus {
    let containers = pod
        .spec
        .as_ref()
        .map(|s| s.containers.as_slice())
        .unwrap_or(&[]);
    let statuses = containers
        .iter()
        .map(|c| ContainerStatus {
            name: c.name.clone(),
            image: c.image.clone().unwrap_or_default(),
            ready,
            restart_count: i32::from(broken),
            state: broken.then(|| ContainerState {
                waiting: Some(ContainerStateWaiting {
                    reason: Some("CrashLoopBackOff".into()),
                    message: None,
                }),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    let cond = |t: &str| PodCondition {
        type_: t.into(),
        status: if ready { "True" } else { "False" }.into(),
        last_transition_time: Some(Time(since)),
        ..Default::default()
    };
    PodStatus {
        phase: Some(phase.into()),
        conditions: Some(vec![cond("ContainersReady"), cond("Ready")]),
        container_statuses: Some(statuses),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::fixture::Fixture;
    use crate::model::profile::{Profile, Version};

    /// The record made from a prototype is the record of the pod's own object, for every
    /// release (the pod-index label came in 1.28), with claims, and a start ordinal.
    #[test]
    fn a_record_made_from_the_prototype_is_the_record_of_the_pod_itself() {
        let now: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        for minor in 28..=37 {
            let profile =
                Profile::for_version(Version::parse(&format!("1.{minor}")).unwrap()).unwrap();
            let mut sc = Fixture::new("web", 1_000_000);
            sc.volume_claim_templates = vec!["data".into(), "logs".into()];
            sc.start = Some(3);
            let a = sc.revision("nginx:1.24");
            sc.status_current = Some(a);
            sc.status_update = Some(a);
            let mut snap = sc.snapshot(&profile, now).unwrap();
            let rev = snap.revisions()[0].metadata.name.clone().unwrap();
            let set = Arc::new(snap.set_json().clone());
            let template = revision::stored_template(&snap.revisions()[0]);
            let object = |ordinal: i32, uid: &str| {
                let mut v = objects::new_pod(&set, &template, &rev, ordinal, &profile);
                v["metadata"]["uid"] = json!(uid);
                serde_json::from_value::<Pod>(v).unwrap()
            };
            let proto = snap.record_of(&object(3, "u-3"));
            assert!(
                proto.identity_ok && proto.storage_ok && proto.selected,
                "{proto:?}"
            );
            for ordinal in [4, 57, 999_999, 1_000_002] {
                let uid = format!("u-{ordinal}");
                let own = snap.record_of(&object(ordinal, &uid));
                let made = record_for(&proto, "web", ordinal, uid);
                assert_eq!(format!("{made:?}"), format!("{own:?}"), "1.{minor}");
            }
        }
    }
}
