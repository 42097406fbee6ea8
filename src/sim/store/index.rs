//! The store's indexes, kept with every write: objects by uid, dependents by owner, and
//! the pods and revisions no controller owns — so the controller, the kubelet and the
//! garbage collector cost per change, not per cluster.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::{Key, Kind, Store, delete, meta_str, refs};

/// What the store knows about its objects beyond their keys.
#[derive(Debug, Default)]
pub(super) struct Index {
    /// Live objects by uid.
    pub(super) uids: HashMap<String, Key>,
    /// The objects naming each uid in their ownerReferences (the owner may be gone).
    pub(super) dependents: HashMap<String, BTreeSet<Key>>,
    /// Pods and ControllerRevisions with no controller, which a controller may adopt.
    pub(super) uncontrolled: BTreeSet<Key>,
    /// Work for the garbage collector, from the writes since it last ran.
    pub(super) gc: Vec<Gc>,
}

/// Why the garbage collector looks at something.
#[derive(Debug)]
pub(super) enum Gc {
    /// This owner is gone: its dependents may be orphans now.
    OwnerGone(String),
    /// This object was written with owners: they may all be gone already.
    Object(Key),
    /// This owner may be held by the foregroundDeletion finalizer.
    Foreground(String),
}

impl Store {
    /// Stores `obj` under `key`, keeping the indexes; returns what was there.
    pub(super) fn put(&mut self, key: Key, obj: Value) -> Option<Value> {
        let prev = self.objects.insert(key.clone(), obj);
        if let Some(p) = &prev {
            self.unindex(&key, p);
        }
        if let Some(v) = self.objects.get(&key) {
            let uid = meta_str(v, "uid").to_string();
            let owners = refs(v);
            let controlled = owners.iter().any(|r| r["controller"] == true);
            let foreground = v.pointer("/metadata/deletionTimestamp").is_some()
                && v.pointer("/metadata/finalizers")
                    .and_then(Value::as_array)
                    .is_some_and(|f| f.iter().any(|x| x == delete::FOREGROUND));
            let mut gc = Vec::new();
            if !owners.is_empty() {
                gc.push(Gc::Object(key.clone()));
            }
            if foreground {
                gc.push(Gc::Foreground(uid.clone()));
            }
            for o in &owners {
                if let Some(owner) = o.get("uid").and_then(Value::as_str) {
                    self.index
                        .dependents
                        .entry(owner.to_string())
                        .or_default()
                        .insert(key.clone());
                }
            }
            if !controlled && matches!(key.0, Kind::Pod | Kind::ControllerRevision) {
                self.index.uncontrolled.insert(key.clone());
            }
            if !uid.is_empty() {
                self.index.uids.insert(uid, key);
            }
            self.index.gc.extend(gc);
        }
        prev
    }

    /// Removes the object under `key`, keeping the indexes.
    pub(super) fn take(&mut self, key: &Key) -> Option<Value> {
        let obj = self.objects.remove(key)?;
        self.unindex(key, &obj);
        self.index
            .gc
            .push(Gc::OwnerGone(meta_str(&obj, "uid").to_string()));
        for o in refs(&obj) {
            if let Some(owner) = o.get("uid").and_then(Value::as_str) {
                self.index.gc.push(Gc::Foreground(owner.to_string()));
            }
        }
        Some(obj)
    }

    fn unindex(&mut self, key: &Key, obj: &Value) {
        let uid = meta_str(obj, "uid");
        if self.index.uids.get(uid) == Some(key) {
            self.index.uids.remove(uid);
        }
        for o in refs(obj) {
            if let Some(owner) = o.get("uid").and_then(Value::as_str)
                && let Some(keys) = self.index.dependents.get_mut(owner)
            {
                keys.remove(key);
                if keys.is_empty() {
                    self.index.dependents.remove(owner);
                }
            }
        }
        self.index.uncontrolled.remove(key);
    }

    /// Whether an object with this uid exists.
    pub fn is_live(&self, uid: &str) -> bool {
        self.index.uids.contains_key(uid)
    }

    /// The objects that name `uid` as an owner, in key order.
    pub fn dependents(&self, uid: &str) -> impl Iterator<Item = (&Key, &Value)> {
        self.index
            .dependents
            .get(uid)
            .into_iter()
            .flatten()
            .filter_map(|k| self.objects.get_key_value(k))
    }

    /// Objects of `kind` in `ns` with no controller (pods and ControllerRevisions only).
    pub fn uncontrolled(&self, kind: Kind, ns: &str) -> impl Iterator<Item = &Value> {
        let from = (kind, ns.to_string(), String::new());
        self.index
            .uncontrolled
            .range(from..)
            .take_while(move |(k, n, _)| *k == kind && n == ns)
            .filter_map(|k| self.objects.get(k))
    }

    /// Objects of `kind` in `ns` whose names start with `prefix`, in name order.
    pub fn named_from<'s>(
        &'s self,
        kind: Kind,
        ns: &'s str,
        prefix: &'s str,
    ) -> impl Iterator<Item = &'s Value> + 's {
        self.objects
            .range((kind, ns.to_string(), prefix.to_string())..)
            .take_while(move |((k, n, name), _)| *k == kind && n == ns && name.starts_with(prefix))
            .map(|(_, v)| v)
    }
}
