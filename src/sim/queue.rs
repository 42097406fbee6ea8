//! The simulated control plane's informers and work queues: what the kubelet and the
//! StatefulSet controller must look at next, read from the store's change history, so a
//! change costs work for the objects it touches, not for the whole cluster.
//!
//! As in kube-controller-manager, a pod's change queues the set that controls it (an
//! orphan: every set in its namespace, one may adopt it), a set's change queues the set,
//! and revisions queue nothing; a deleted claim, or a gone pod's claims, queue the
//! pvc-protection controller. The controller also queues a set for later:
//! when a Ready pod becomes available (`minReadySeconds`), and after a failed pass (a
//! fixed back-off). The kubelet's timers say when each pod next changes by itself.

use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;
use serde_json::Value;

use super::store::{Change, Kind, Store};

/// A namespace and a name.
pub type Name = (String, String);

/// What to look at now.
#[derive(Debug, Default)]
pub struct Work {
    pub pods: BTreeSet<Name>,
    pub sets: BTreeSet<Name>,
    /// Claims the pvc-protection controller must look at: deleted ones, and those a
    /// pod that went away used.
    pub claims: BTreeSet<Name>,
    /// Namespaces whose disruption budgets must be computed again (a pod or a budget
    /// changed there).
    pub budgets: BTreeSet<String>,
}

impl Work {
    pub fn is_empty(&self) -> bool {
        self.pods.is_empty()
            && self.sets.is_empty()
            && self.claims.is_empty()
            && self.budgets.is_empty()
    }
}

/// The claims a pod's volumes name.
pub fn claims_of(pod: &Value) -> impl Iterator<Item = String> + '_ {
    pod.pointer("/spec/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.pointer("/persistentVolumeClaim/claimName")?.as_str())
        .map(str::to_string)
}

/// Timers keyed by object: one pending instant per object.
#[derive(Debug, Default)]
struct Timers {
    by_time: BTreeSet<(Timestamp, Name)>,
    by_name: HashMap<Name, Timestamp>,
}

impl Timers {
    fn set(&mut self, name: Name, at: Option<Timestamp>) {
        if let Some(old) = self.by_name.remove(&name) {
            self.by_time.remove(&(old, name.clone()));
        }
        if let Some(at) = at {
            self.by_time.insert((at, name.clone()));
            self.by_name.insert(name, at);
        }
    }

    /// Removes and returns the names due at `now`.
    fn due(&mut self, now: Timestamp) -> Vec<Name> {
        let mut out = Vec::new();
        while let Some((at, _)) = self.by_time.first()
            && *at <= now
        {
            if let Some((_, name)) = self.by_time.pop_first() {
                self.by_name.remove(&name);
                out.push(name);
            }
        }
        out
    }

    fn first(&self) -> Option<Timestamp> {
        self.by_time.first().map(|(t, _)| *t)
    }
}

#[derive(Debug, Default)]
pub struct Queues {
    /// The store's resourceVersion the informers have seen (0: nothing yet).
    seen: u64,
    kubelet: Timers,
    controller: Timers,
    volumes: Timers,
}

fn name_of(v: &Value) -> Name {
    let field = |f: &str| {
        v.pointer(f)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    (field("/metadata/namespace"), field("/metadata/name"))
}

/// The StatefulSet that controls `v`, if one does.
fn controlling_set(v: &Value) -> Option<String> {
    v.pointer("/metadata/ownerReferences")?
        .as_array()?
        .iter()
        .find(|r| r["controller"] == true && r["kind"] == "StatefulSet")?
        .get("name")?
        .as_str()
        .map(str::to_string)
}

impl Queues {
    /// Everything that changed since the last call, and every timer due at `now`.
    pub fn take(&mut self, store: &Store, now: Timestamp) -> Work {
        let mut work = Work::default();
        match store.all_changes_after(self.seen) {
            Some(changes) => {
                for change in changes {
                    queue_change(store, change, &mut work);
                }
            }
            // Too far behind (or the first look): everything.
            None => {
                work.pods.extend(store.all(Kind::Pod).map(name_of));
                work.sets.extend(store.all(Kind::StatefulSet).map(name_of));
                work.claims
                    .extend(store.all(Kind::PersistentVolumeClaim).map(name_of));
                work.budgets
                    .extend(store.all(Kind::PodDisruptionBudget).map(|b| name_of(b).0));
            }
        }
        self.seen = store.resource_version();
        work.pods.extend(self.kubelet.due(now));
        work.sets.extend(self.controller.due(now));
        work.claims.extend(self.volumes.due(now));
        work
    }

    /// When the resizer must look at `claim` again (None: only when it changes).
    pub fn claim_at(&mut self, claim: Name, at: Option<Timestamp>) {
        self.volumes.set(claim, at);
    }

    /// When the kubelet must look at `pod` again (None: only when it changes).
    pub fn pod_at(&mut self, pod: Name, at: Option<Timestamp>) {
        self.kubelet.set(pod, at);
    }

    /// When the controller must sync `set` again, whatever changes (None: only on a
    /// change).
    pub fn set_at(&mut self, set: Name, at: Option<Timestamp>) {
        self.controller.set(set, at);
    }

    /// The earliest timer.
    pub fn next(&self) -> Option<Timestamp> {
        [
            self.kubelet.first(),
            self.controller.first(),
            self.volumes.first(),
        ]
        .into_iter()
        .flatten()
        .min()
    }
}

fn queue_change(store: &Store, change: &Change, work: &mut Work) {
    let (ns, name) = (change.namespace.clone(), change.name.clone());
    match change.kind {
        Kind::StatefulSet => {
            // Its replicas are the budgets' expected pods.
            work.budgets.insert(ns.clone());
            work.sets.insert((ns, name));
        }
        Kind::Pod => {
            let object = change.object.value();
            let owners: BTreeSet<String> = controlling_set(&object)
                .into_iter()
                .chain(
                    change
                        .prev
                        .as_ref()
                        .and_then(|p| controlling_set(&p.value())),
                )
                .collect();
            if owners.is_empty() {
                work.sets
                    .extend(store.named_from(Kind::StatefulSet, &ns, "").map(name_of));
            }
            work.sets
                .extend(owners.into_iter().map(|set| (ns.clone(), set)));
            // A gone pod's claims (pvc-protection) and a started one's (the kubelet
            // finishes an offline file-system resize when a pod mounts the volume).
            work.claims
                .extend(claims_of(&object).map(|c| (ns.clone(), c)));
            work.budgets.insert(ns.clone());
            work.pods.insert((ns, name));
        }
        Kind::PodDisruptionBudget => {
            work.budgets.insert(ns);
        }
        Kind::PersistentVolumeClaim => {
            work.claims.insert((ns, name));
        }
        _ => {}
    }
}
