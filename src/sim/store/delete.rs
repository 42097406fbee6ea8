//! Deletion as the API server does it: preconditions, graceful pod deletion, finalizers,
//! propagation policies, and owner-reference garbage collection.

use jiff::SignedDuration;
use serde_json::{Value, json};

use super::{DeleteOptions, EventType, Gc, Key, Kind, Store, format_time, meta_str, refs};
use crate::sim::error::ApiError;

impl Store {
    /// DELETE: preconditions, graceful pod deletion, finalizers, propagation.
    pub fn delete(
        &mut self,
        kind: Kind,
        ns: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Value, ApiError> {
        let current = self.get_or_404(kind, ns, name)?.clone();
        if let Some(uid) = &opts.precondition_uid
            && uid != meta_str(&current, "uid")
        {
            return Err(ApiError::conflict(
                kind,
                name,
                &format!(
                    "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                    meta_str(&current, "uid")
                ),
            ));
        }
        if let Some(rv) = &opts.precondition_rv
            && rv != meta_str(&current, "resourceVersion")
        {
            return Err(ApiError::conflict(
                kind,
                name,
                &format!(
                    "Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {}",
                    meta_str(&current, "resourceVersion")
                ),
            ));
        }
        if opts.dry_run {
            return Ok(current);
        }
        if opts.propagation.as_deref() == Some("Orphan") {
            self.orphan_dependents(meta_str(&current, "uid"));
        }
        // Foreground: the owner stays, marked (deletionTimestamp, the foregroundDeletion
        // finalizer, its generation bumped), until the garbage collector has deleted its
        // dependents; then the finalizer goes, and the owner with it.
        if opts.propagation.as_deref() == Some("Foreground")
            && kind != Kind::Pod
            && current.pointer("/metadata/deletionTimestamp").is_none()
        {
            let mut next = current;
            next["metadata"]["deletionTimestamp"] = json!(format_time(self.now));
            next["metadata"]["deletionGracePeriodSeconds"] = json!(0);
            let mut finalizers = next
                .pointer("/metadata/finalizers")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            finalizers.push(json!(FOREGROUND));
            next["metadata"]["finalizers"] = Value::Array(finalizers);
            if let Some(g) = next.pointer("/metadata/generation").and_then(Value::as_i64) {
                next["metadata"]["generation"] = json!(g + 1);
            }
            self.rv += 1;
            next["metadata"]["resourceVersion"] = json!(self.rv.to_string());
            let prev = self.put((kind, ns.to_string(), name.to_string()), next.clone());
            self.record(kind, EventType::Modified, &next, prev.as_ref());
            self.collect_garbage();
            return Ok(next);
        }
        let has_finalizers = current
            .pointer("/metadata/finalizers")
            .and_then(Value::as_array)
            .is_some_and(|f| !f.is_empty());
        // A pod no node has taken goes at once: no kubelet has anything to stop.
        let unscheduled = kind == Kind::Pod
            && current
                .pointer("/spec/nodeName")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty);
        let grace = if unscheduled {
            0
        } else if kind == Kind::Pod {
            opts.grace_period_seconds
                .or_else(|| {
                    current
                        .pointer("/spec/terminationGracePeriodSeconds")
                        .and_then(Value::as_i64)
                })
                .unwrap_or(30)
        } else {
            0
        };
        let terminating = current.pointer("/metadata/deletionTimestamp").is_some();
        if kind == Kind::Pod
            && terminating
            && opts.grace_period_seconds == Some(0)
            && !has_finalizers
        {
            let gone = self.remove(kind, ns, name).unwrap_or(current);
            self.collect_garbage();
            return Ok(gone);
        }
        if grace > 0 || has_finalizers {
            if current.pointer("/metadata/deletionTimestamp").is_some() {
                return Ok(current); // already terminating
            }
            let mut next = current;
            let at = self
                .now
                .checked_add(SignedDuration::from_secs(grace))
                .unwrap_or(self.now);
            next["metadata"]["deletionTimestamp"] = json!(format_time(at));
            next["metadata"]["deletionGracePeriodSeconds"] = json!(grace);
            self.rv += 1;
            next["metadata"]["resourceVersion"] = json!(self.rv.to_string());
            let prev = self.put((kind, ns.to_string(), name.to_string()), next.clone());
            self.record(kind, EventType::Modified, &next, prev.as_ref());
            return Ok(next);
        }
        let gone = self.remove(kind, ns, name).unwrap_or(current);
        self.collect_garbage();
        Ok(gone)
    }

    /// A write by the cluster itself (kubelet status, scheduler binding, controller
    /// status): `change` edits the stored object; one resourceVersion bump when anything
    /// changed.
    pub fn write_system(
        &mut self,
        kind: Kind,
        ns: &str,
        name: &str,
        change: impl FnOnce(&mut Value),
    ) -> Result<Value, ApiError> {
        let current = self.get_or_404(kind, ns, name)?.clone();
        let mut next = current.clone();
        change(&mut next);
        if next == current {
            return Ok(current);
        }
        self.rv += 1;
        next["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        let prev = self.put((kind, ns.to_string(), name.to_string()), next.clone());
        self.record(kind, EventType::Modified, &next, prev.as_ref());
        Ok(next)
    }

    /// Removes an object for good (a pod whose grace period ended, say).
    pub fn remove(&mut self, kind: Kind, ns: &str, name: &str) -> Option<Value> {
        let mut obj = self.take(&(kind, ns.to_string(), name.to_string()))?;
        self.rv += 1;
        obj["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        self.record(kind, EventType::Deleted, &obj, Some(&obj));
        Some(obj)
    }

    fn orphan_dependents(&mut self, owner_uid: &str) {
        let keys: Vec<Key> = self.dependents(owner_uid).map(|(k, _)| k.clone()).collect();
        for (kind, ns, name) in keys {
            if let Some(mut v) = self.get(kind, &ns, &name).cloned() {
                let kept: Vec<Value> = refs(&v)
                    .into_iter()
                    .filter(|r| r.get("uid").and_then(Value::as_str) != Some(owner_uid))
                    .collect();
                // No owner left: the field goes (the garbage collector's orphaning
                // patch removes the reference; an empty list is not kept).
                if kept.is_empty() {
                    if let Some(m) = v["metadata"].as_object_mut() {
                        m.remove("ownerReferences");
                    }
                } else {
                    v["metadata"]["ownerReferences"] = Value::Array(kept);
                }
                let _ = self.update(kind, &ns, &name, v, false, false);
            }
        }
    }

    /// Garbage collection, from what the writes since the last run left for it: objects
    /// all of whose owners are gone are deleted (pods gracefully), and owners held by the
    /// foregroundDeletion finalizer have their dependents deleted, then lose the
    /// finalizer. Costs what changed, not the size of the store.
    pub fn collect_garbage(&mut self) {
        while let Some(work) = self.index.gc.pop() {
            match work {
                Gc::OwnerGone(uid) => {
                    let keys: Vec<Key> = self.dependents(&uid).map(|(k, _)| k.clone()).collect();
                    for key in keys {
                        self.collect_if_orphaned(&key);
                    }
                }
                Gc::Object(key) => self.collect_if_orphaned(&key),
                Gc::Foreground(uid) => self.finish_foreground(&uid),
            }
        }
    }

    /// Deletes `key` when it has owners and every one of them is gone.
    fn collect_if_orphaned(&mut self, key: &Key) {
        let Some(v) = self.objects.get(key) else {
            return;
        };
        let owners = refs(v);
        if owners.is_empty()
            || v.pointer("/metadata/deletionTimestamp").is_some()
            || owners
                .iter()
                .any(|o| self.is_live(o.get("uid").and_then(Value::as_str).unwrap_or("")))
        {
            return;
        }
        let (kind, ns, name) = key.clone();
        if kind == Kind::Pod {
            let mut v = v.clone();
            // Terminating now; the kubelet finishes it.
            v["metadata"]["deletionGracePeriodSeconds"] = json!(0);
            v["metadata"]["deletionTimestamp"] = json!(format_time(self.now));
            self.rv += 1;
            v["metadata"]["resourceVersion"] = json!(self.rv.to_string());
            let prev = self.put(key.clone(), v.clone());
            self.record(kind, EventType::Modified, &v, prev.as_ref());
        } else if kind == Kind::PersistentVolumeClaim {
            // Through the API, as the collector deletes: the claim's finalizer holds it.
            let _ = self.delete(kind, &ns, &name, &DeleteOptions::default());
        } else {
            self.remove(kind, &ns, &name);
        }
    }

    /// Foreground deletion of the owner `uid`, if it is held by the finalizer: its
    /// dependents are deleted (pods gracefully); with none left, the finalizer goes (and
    /// the owner with it when it was the last).
    fn finish_foreground(&mut self, uid: &str) {
        let Some((kind, ns, name)) = self.index.uids.get(uid).cloned() else {
            return;
        };
        let Some(owner) = self.get(kind, &ns, &name).cloned() else {
            return;
        };
        let held = owner.pointer("/metadata/deletionTimestamp").is_some()
            && owner
                .pointer("/metadata/finalizers")
                .and_then(Value::as_array)
                .is_some_and(|f| f.iter().any(|x| x == FOREGROUND));
        if !held {
            return;
        }
        let dependents: Vec<(Key, bool)> = self
            .dependents(uid)
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.pointer("/metadata/deletionTimestamp").is_some(),
                )
            })
            .collect();
        if dependents.is_empty() {
            let kept: Vec<Value> = owner
                .pointer("/metadata/finalizers")
                .and_then(Value::as_array)
                .map(|f| f.iter().filter(|x| *x != FOREGROUND).cloned().collect())
                .unwrap_or_default();
            if kept.is_empty() {
                self.remove(kind, &ns, &name);
            } else {
                let _ = self.write_system(kind, &ns, &name, |o| {
                    o["metadata"]["finalizers"] = Value::Array(kept)
                });
            }
            return;
        }
        for ((dk, dns, dname), terminating) in dependents {
            if terminating {
                continue;
            }
            if matches!(dk, Kind::Pod | Kind::PersistentVolumeClaim) {
                let _ = self.delete(dk, &dns, &dname, &DeleteOptions::default());
            } else {
                self.remove(dk, &dns, &dname);
            }
        }
    }
}

/// The finalizer that holds an owner deleted with `propagationPolicy: Foreground`.
pub(super) const FOREGROUND: &str = "foregroundDeletion";
