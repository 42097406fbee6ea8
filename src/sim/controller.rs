//! The simulated cluster's StatefulSet controller: the project's controller model plans a
//! sync pass from the store's objects, and this carries the actions out against the
//! store exactly in order, then writes the status — as kube-controller-manager would.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::ControllerRevision;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use serde_json::{Value, json};

use crate::model::plan::{Action, Plan, UpdateReason};
use crate::model::pod::Owner;
use crate::model::profile::Profile;
use crate::model::{Snapshot, objects, revision};

use super::error::ApiError;
use super::store::{DeleteOptions, Kind, Store, format_time};

/// One action the controller carried out, for the story and for tests.
#[derive(Clone, Debug)]
pub struct Record {
    pub at: Timestamp,
    pub set: String,
    pub action: Action,
}

/// Typed copies of stored objects, re-decoded only when their resourceVersion changes.
#[derive(Default)]
pub struct DecodeCache {
    pods: HashMap<(String, String), (String, Arc<Pod>)>,
}

impl DecodeCache {
    fn pod(&mut self, v: &Value) -> Option<Arc<Pod>> {
        let ns = v.pointer("/metadata/namespace")?.as_str()?.to_string();
        let name = v.pointer("/metadata/name")?.as_str()?.to_string();
        let rv = v
            .pointer("/metadata/resourceVersion")?
            .as_str()?
            .to_string();
        if let Some((cached_rv, pod)) = self.pods.get(&(ns.clone(), name.clone()))
            && *cached_rv == rv
        {
            return Some(pod.clone());
        }
        let pod: Arc<Pod> = Arc::new(serde_json::from_value(v.clone()).ok()?);
        self.pods.insert((ns, name), (rv, pod.clone()));
        Some(pod)
    }
}

/// The snapshot of the set `ns/name` as the controller's informers would see it: the
/// pods and revisions it controls, those with no controller (it may adopt them), and
/// those named like its own (a squatter on an ordinal's name); its claims by name.
pub fn snapshot(store: &Store, ns: &str, name: &str, cache: &mut DecodeCache) -> Option<Snapshot> {
    let set = store.get(Kind::StatefulSet, ns, name)?.clone();
    let uid = set
        .pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let prefix = format!("{name}-");
    let related = |kind: Kind| -> Vec<&Value> {
        let mut found: BTreeMap<&str, &Value> = BTreeMap::new();
        let named = store.named_from(kind, ns, &prefix);
        let owned = store
            .dependents(&uid)
            .filter(|((k, n, _), _)| *k == kind && n == ns)
            .map(|(_, v)| v);
        for v in named.chain(owned).chain(store.uncontrolled(kind, ns)) {
            if let Some(n) = v.pointer("/metadata/name").and_then(Value::as_str) {
                found.insert(n, v);
            }
        }
        found.into_values().collect()
    };
    let pods: Vec<Arc<Pod>> = related(Kind::Pod)
        .into_iter()
        .filter_map(|v| cache.pod(v))
        .collect();
    let revisions: Vec<ControllerRevision> = related(Kind::ControllerRevision)
        .into_iter()
        .filter_map(|v| serde_json::from_value(v.clone()).ok())
        .collect();
    let templates: Vec<String> = set
        .pointer("/spec/volumeClaimTemplates")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.pointer("/metadata/name").and_then(Value::as_str))
        .map(|t| format!("{t}-{name}-"))
        .collect();
    let pvcs: Vec<PersistentVolumeClaim> = templates
        .iter()
        .flat_map(|p| store.named_from(Kind::PersistentVolumeClaim, ns, p))
        .filter_map(|v| serde_json::from_value(v.clone()).ok())
        .collect();
    Snapshot::new(set, pods, revisions, pvcs).ok()
}

/// What one sync of a set did.
#[derive(Debug, Default)]
pub struct Synced {
    pub records: Vec<Record>,
    /// A pass stopped at a failed action (the controller requeues the set with a
    /// back-off).
    pub failed: bool,
}

/// Syncs the set `ns/name` (passes until it has nothing left to do at this instant), as
/// the controller's worker does for one key of its queue.
pub fn sync(
    store: &mut Store,
    profile: &Profile,
    now: Timestamp,
    cache: &mut DecodeCache,
    ns: &str,
    name: &str,
) -> Synced {
    let mut synced = Synced::default();
    // Bounded: a pass that keeps writing (a status the API refuses, say) must not spin
    // forever.
    for _ in 0..64 {
        let Some(snap) = snapshot(store, ns, name, cache) else {
            break;
        };
        if adopt(store, &snap) {
            continue; // the pass sees what it adopted
        }
        let plan = crate::model::sync::actions(&snap, now, profile);
        if plan.is_noop() {
            break;
        }
        let done = apply(store, &snap, &plan, profile);
        synced.failed = done < plan.actions.len();
        for action in &plan.actions[..done] {
            synced.records.push(Record {
                at: now,
                set: name.to_string(),
                action: action.clone(),
            });
        }
        let wrote_status = write_status(store, ns, name, &plan);
        if done == 0 && !wrote_status {
            break;
        }
    }
    synced
}

/// The outer sync's adoption (SPEC §1.12, §2.1): revisions with no controller whose
/// labels the selector matches, and pods with no controller that are members, match the
/// selector and are not terminating, get this set as their controller — unless the set
/// is being deleted. True when it adopted anything.
fn adopt(store: &mut Store, snap: &Snapshot) -> bool {
    let set = snap.set();
    if set.metadata.deletion_timestamp.is_some() {
        return false;
    }
    let Some(selector) = set.spec.as_ref().map(|s| &s.selector) else {
        return false;
    };
    let owner = json!([objects::set_owner_ref(snap.set_json())]);
    let ns = snap.namespace().to_string();
    let mut adopted = false;
    let orphans: Vec<String> = snap
        .records()
        .iter()
        .filter(|r| r.owner == Owner::None && r.member && r.selected && !r.terminating)
        .map(|r| r.name.clone())
        .collect();
    for pod in orphans {
        adopted |= store
            .write_system(Kind::Pod, &ns, &pod, |p| {
                p["metadata"]["ownerReferences"] = owner.clone()
            })
            .is_ok();
    }
    let revisions: Vec<String> = snap
        .revisions()
        .iter()
        .filter(|r| {
            r.metadata
                .owner_references
                .iter()
                .flatten()
                .all(|o| o.controller != Some(true))
                && crate::model::selector::matches(selector, r.metadata.labels.as_ref())
        })
        .filter_map(|r| r.metadata.name.clone())
        .collect();
    for rev in revisions {
        adopted |= store
            .write_system(Kind::ControllerRevision, &ns, &rev, |r| {
                r["metadata"]["ownerReferences"] = owner.clone()
            })
            .is_ok();
    }
    adopted
}

/// Carries out the plan's actions in order; stops at the first failure, like the
/// controller. Returns how many were done.
fn apply(store: &mut Store, snap: &Snapshot, plan: &Plan, profile: &Profile) -> usize {
    let set = snap.set_json();
    let ns = snap.namespace().to_string();
    let mut done = 0;
    for action in &plan.actions {
        let result: Result<(), ApiError> = match action {
            Action::CreateControllerRevision { .. } => match &plan.new_revision {
                Some(rev) => store
                    .create(
                        Kind::ControllerRevision,
                        &ns,
                        objects::new_revision(set, rev),
                        false,
                    )
                    .map(drop),
                None => Ok(()),
            },
            Action::UpdateControllerRevision {
                name,
                revision_number,
            } => {
                let n = *revision_number;
                store
                    .write_system(Kind::ControllerRevision, &ns, name, |r| {
                        r["revision"] = json!(n)
                    })
                    .map(drop)
            }
            Action::DeleteControllerRevision { name, .. } => store
                .delete(
                    Kind::ControllerRevision,
                    &ns,
                    name,
                    &DeleteOptions::default(),
                )
                .map(drop),
            Action::CreatePvc { name, ordinal } => {
                match objects::claim_for_name(set, name, *ordinal) {
                    Some(claim) => store
                        .create(Kind::PersistentVolumeClaim, &ns, claim, false)
                        .map(|_| {
                            let message = format!(
                                "{} Claim {name} Pod {}-{ordinal} in StatefulSet {} success",
                                verb(store, "create"),
                                snap.name(),
                                snap.name()
                            );
                            record_event(store, snap, "SuccessfulCreate", &message);
                        }),
                    None => Ok(()),
                }
            }
            Action::UpdatePvc {
                name,
                owner_references,
                ..
            } => {
                let refs = serde_json::to_value(owner_references).unwrap_or(Value::Null);
                store
                    .write_system(Kind::PersistentVolumeClaim, &ns, name, |c| {
                        c["metadata"]["ownerReferences"] = refs
                    })
                    .map(drop)
            }
            Action::CreatePod {
                ordinal,
                revision: rev,
                ..
            } => {
                let template = store
                    .get(Kind::ControllerRevision, &ns, rev)
                    .and_then(|r| serde_json::from_value::<ControllerRevision>(r.clone()).ok())
                    .map(|r| revision::stored_template(&r))
                    .unwrap_or_else(|| {
                        set.pointer("/spec/template")
                            .cloned()
                            .unwrap_or(Value::Null)
                    });
                let pod = objects::new_pod(set, &template, rev, *ordinal, profile);
                store.create(Kind::Pod, &ns, pod, false).map(|created| {
                    record_event(
                        store,
                        snap,
                        "SuccessfulCreate",
                        &format!(
                            "{} Pod {} in StatefulSet {} successful",
                            verb(store, "create"),
                            created["metadata"]["name"].as_str().unwrap_or(""),
                            snap.name()
                        ),
                    );
                })
            }
            Action::DeletePod { name, .. } => store
                .delete(Kind::Pod, &ns, name, &DeleteOptions::default())
                .map(|_| {
                    record_event(
                        store,
                        snap,
                        "SuccessfulDelete",
                        &format!(
                            "{} Pod {name} in StatefulSet {} successful",
                            verb(store, "delete"),
                            snap.name()
                        ),
                    );
                }),
            Action::UpdatePod {
                name,
                ordinal,
                reason,
                ..
            } => {
                let o = *ordinal;
                let identity = *reason == UpdateReason::Identity;
                store
                    .write_system(Kind::Pod, &ns, name, |p| {
                        if identity {
                            objects::repair_identity(p, o, profile);
                        }
                    })
                    .map(drop)
            }
        };
        if result.is_err() {
            break;
        }
        done += 1;
    }
    done
}

/// The status write (`updateStatefulSetStatus`), when the status changed. The API refuses
/// negative counters (SPEC §3.1 quirk); so does this.
fn write_status(store: &mut Store, ns: &str, name: &str, plan: &Plan) -> bool {
    if !plan.status_written || plan.status.current_replicas < 0 {
        return false;
    }
    let status = objects::status_value(&plan.status);
    let now = store.now;
    // Written through the status subresource by kube-controller-manager, which then
    // manages those fields (its managedFields entry, as on a real server).
    store
        .write_system(Kind::StatefulSet, ns, name, |set| {
            let old = set.clone();
            set["status"] = status;
            if *set != old {
                super::apply::record_update(
                    Kind::StatefulSet,
                    Some(&old),
                    set,
                    "kube-controller-manager",
                    "status",
                    now,
                );
            }
        })
        .is_ok()
}

/// The verb of the controller's event messages: lower case through 1.34, title case from
/// 1.35 (`recordPodEvent`/`recordClaimEvent` switched from `strings.ToLower` to
/// `cases.Title`).
fn verb(store: &Store, verb: &str) -> String {
    if store.minor >= 35 {
        let mut c = verb.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    } else {
        verb.to_string()
    }
}

fn record_event(store: &mut Store, snap: &Snapshot, reason: &str, message: &str) {
    let now = format_time(store.now);
    let rv = store.resource_version();
    // A fixed-width suffix, as the recorder's (a hex Unix time in nanoseconds): names
    // sort in the order the events were made.
    let event = json!({
        "metadata": {"name": format!("{}.{rv:016x}", snap.name())},
        "involvedObject": {"kind": "StatefulSet", "apiVersion": "apps/v1", "name": snap.name(),
                           "namespace": snap.namespace(), "uid": snap.set().metadata.uid},
        "reason": reason, "message": message, "type": "Normal", "count": 1,
        "firstTimestamp": now, "lastTimestamp": now,
        "source": {"component": "statefulset-controller"},
    });
    let _ = store.create(Kind::Event, snap.namespace(), event, false);
}
