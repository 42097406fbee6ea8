//! The simulated API server's object store: namespaced objects with uid, generation,
//! one monotonic resourceVersion, creation and graceful deletion, owner-reference
//! garbage collection, and a bounded change history that watches resume from. The store
//! is synchronous; the HTTP layer serialises access to it. Time is an argument.

use std::collections::{BTreeMap, VecDeque};

use jiff::Timestamp;
use serde_json::{Value, json};

use super::error::ApiError;
use super::query::{FieldSelector, LabelSelector};

mod delete;
mod history;
mod index;
pub use history::{Change, Frozen};

use index::{Gc, Index};

/// The kinds the simulated cluster serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    StatefulSet,
    ControllerRevision,
    Pod,
    PersistentVolumeClaim,
    Event,
    /// Cluster-scoped (stored under the namespace "").
    StorageClass,
    PodDisruptionBudget,
    /// Cluster-scoped; the namespace controller of `sim::namespaces` gives each its
    /// `default` ServiceAccount and empties it when it is deleted.
    Namespace,
    ServiceAccount,
    Service,
    /// Cluster-scoped: the one node the kubelet stand-in is.
    Node,
    /// Cluster-scoped: the volume a bound claim names.
    PersistentVolume,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::StatefulSet,
        Kind::ControllerRevision,
        Kind::Pod,
        Kind::PersistentVolumeClaim,
        Kind::Event,
        Kind::StorageClass,
        Kind::PodDisruptionBudget,
        Kind::Namespace,
        Kind::ServiceAccount,
        Kind::Service,
        Kind::Node,
        Kind::PersistentVolume,
    ];

    /// Served without a namespace.
    pub fn cluster_scoped(self) -> bool {
        matches!(
            self,
            Kind::StorageClass | Kind::Namespace | Kind::Node | Kind::PersistentVolume
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::StatefulSet => "StatefulSet",
            Kind::ControllerRevision => "ControllerRevision",
            Kind::Pod => "Pod",
            Kind::PersistentVolumeClaim => "PersistentVolumeClaim",
            Kind::Event => "Event",
            Kind::StorageClass => "StorageClass",
            Kind::PodDisruptionBudget => "PodDisruptionBudget",
            Kind::Namespace => "Namespace",
            Kind::ServiceAccount => "ServiceAccount",
            Kind::Service => "Service",
            Kind::Node => "Node",
            Kind::PersistentVolume => "PersistentVolume",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Kind::StatefulSet => "statefulsets",
            Kind::ControllerRevision => "controllerrevisions",
            Kind::Pod => "pods",
            Kind::PersistentVolumeClaim => "persistentvolumeclaims",
            Kind::Event => "events",
            Kind::StorageClass => "storageclasses",
            Kind::PodDisruptionBudget => "poddisruptionbudgets",
            Kind::Namespace => "namespaces",
            Kind::ServiceAccount => "serviceaccounts",
            Kind::Service => "services",
            Kind::Node => "nodes",
            Kind::PersistentVolume => "persistentvolumes",
        }
    }

    pub fn api_version(self) -> &'static str {
        match self {
            Kind::StatefulSet | Kind::ControllerRevision => "apps/v1",
            Kind::StorageClass => "storage.k8s.io/v1",
            Kind::PodDisruptionBudget => "policy/v1",
            _ => "v1",
        }
    }

    pub fn from_plural(group: &str, plural: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.plural() == plural && k.api_version() == group)
    }
}

/// What happened to an object, as a watch reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// An object's kind, namespace and name.
pub type Key = (Kind, String, String);

/// How many changes the store keeps for watches to resume from; older resourceVersions
/// answer 410 Gone.
pub const HISTORY: usize = 20_000;

/// Options of a DELETE.
#[derive(Clone, Debug, Default)]
pub struct DeleteOptions {
    pub grace_period_seconds: Option<i64>,
    pub propagation: Option<String>,
    pub precondition_uid: Option<String>,
    pub precondition_rv: Option<String>,
    pub dry_run: bool,
}

#[derive(Debug)]
pub struct Store {
    /// The cluster's clock as of the current operation (virtual or wall).
    pub now: Timestamp,
    /// The release's minor version (validation differs by release).
    pub minor: u32,
    /// Serve in-place updates of a set's `volumeClaimTemplates`, as a release with
    /// KEP-4650 would (no release up to 1.37 does; off by default).
    pub claim_template_updates: bool,
    /// The MaxUnavailableStatefulSet gate of the release served: on, the server
    /// defaults `rollingUpdate.maxUnavailable` to 1; off, it drops the field.
    pub max_unavailable_gate: bool,
    objects: BTreeMap<Key, Value>,
    rv: u64,
    uid_counter: u64,
    history: VecDeque<Change>,
    /// Every resourceVersion ≤ this one has been dropped from the history.
    compacted: u64,
    history_limit: usize,
    /// Indexes kept with every write, so that the controller, the kubelet and the garbage
    /// collector cost per change, not per cluster.
    index: Index,
    /// The volumes of claims deleted since the last settle (`sim::kinds::reclaim`).
    pub released: Vec<String>,
}

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

pub fn format_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn parse_time(v: &Value) -> Option<Timestamp> {
    v.as_str().and_then(|s| s.parse().ok())
}

fn meta_str<'v>(obj: &'v Value, field: &str) -> &'v str {
    obj.get("metadata")
        .and_then(|m| m.get(field))
        .and_then(Value::as_str)
        .unwrap_or("")
}

impl Store {
    pub fn new() -> Store {
        Store::with_history(HISTORY)
    }

    /// A store that keeps `limit` changes for watches.
    pub fn with_history(limit: usize) -> Store {
        Store {
            history_limit: limit.max(1),
            now: Timestamp::UNIX_EPOCH,
            minor: crate::model::profile::Profile::default().version.minor,
            claim_template_updates: false,
            max_unavailable_gate: false,
            objects: BTreeMap::new(),
            rv: 1000,
            uid_counter: 0,
            history: VecDeque::new(),
            compacted: 1000,
            index: Index::default(),
            released: Vec::new(),
        }
    }

    pub fn resource_version(&self) -> u64 {
        self.rv
    }

    /// The oldest resourceVersion a watch may resume from.
    pub fn compacted(&self) -> u64 {
        self.compacted
    }

    fn next_uid(&mut self) -> String {
        self.uid_counter += 1;
        format!("5e1d0000-0000-4000-8000-{:012x}", self.uid_counter)
    }

    fn record(&mut self, kind: Kind, event: EventType, object: &Value, prev: Option<&Value>) {
        // A change that keeps the labels and the owners keeps no copy of the object
        // before it: nothing a reader of the history needs it for (selectors match the
        // same; the controlling set is the same). Half the history's memory.
        let prev = prev.filter(|p| {
            event != EventType::Modified
                || p.pointer("/metadata/labels") != object.pointer("/metadata/labels")
                || p.pointer("/metadata/ownerReferences")
                    != object.pointer("/metadata/ownerReferences")
        });
        if kind == Kind::PersistentVolumeClaim
            && event == EventType::Deleted
            && let Some(v) = object.pointer("/spec/volumeName").and_then(Value::as_str)
        {
            self.released.push(v.to_string());
        }
        let frozen = Frozen::of(object);
        self.history.push_back(Change {
            rv: self.rv,
            kind,
            event,
            namespace: meta_str(object, "namespace").to_string(),
            name: meta_str(object, "name").to_string(),
            object: frozen.clone(),
            // A deletion's object is its object before: one copy.
            prev: prev.map(|p| {
                if std::ptr::eq(p, object) {
                    frozen
                } else {
                    Frozen::of(p)
                }
            }),
        });
        while self.history.len() > self.history_limit {
            if let Some(c) = self.history.pop_front() {
                self.compacted = c.rv;
            }
        }
    }

    /// Changes after `rv` of `kind`, oldest first; `Err` when `rv` is older than the
    /// history (410 Gone).
    pub fn changes_since(&self, kind: Kind, rv: u64) -> Result<Vec<Change>, ApiError> {
        if rv < self.compacted {
            return Err(ApiError::gone(rv));
        }
        let start = self.history.partition_point(|c| c.rv <= rv);
        Ok(self
            .history
            .iter()
            .skip(start)
            .filter(|c| c.kind == kind)
            .cloned()
            .collect())
    }

    /// Every change after `rv`, of any kind, oldest first; `None` when `rv` is older than
    /// the history (a reader must then look at everything again).
    pub fn all_changes_after(&self, rv: u64) -> Option<impl Iterator<Item = &Change>> {
        if rv < self.compacted {
            return None;
        }
        let start = self.history.partition_point(|c| c.rv <= rv);
        Some(self.history.iter().skip(start))
    }

    pub fn get(&self, kind: Kind, ns: &str, name: &str) -> Option<&Value> {
        self.objects.get(&(kind, ns.to_string(), name.to_string()))
    }

    pub fn get_or_404(&self, kind: Kind, ns: &str, name: &str) -> Result<&Value, ApiError> {
        self.get(kind, ns, name)
            .ok_or_else(|| ApiError::not_found(kind, name))
    }

    /// Objects of `kind` in `ns` (all namespaces when `None`), in key order.
    pub fn list(
        &self,
        kind: Kind,
        ns: Option<&str>,
        labels: &LabelSelector,
        fields: &FieldSelector,
    ) -> Vec<&Value> {
        self.objects
            .range((kind, String::new(), String::new())..)
            .take_while(|((k, _, _), _)| *k == kind)
            .filter(|((_, n, _), _)| ns.is_none_or(|ns| ns == n))
            .map(|(_, v)| v)
            .filter(|v| labels.matches(v.pointer("/metadata/labels")) && fields.matches(v))
            .collect()
    }

    /// Creates `obj` (defaulted and validated) in `ns`.
    pub fn create(
        &mut self,
        kind: Kind,
        ns: &str,
        mut obj: Value,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        if !obj.is_object() {
            return Err(ApiError::bad_request("the body must be a JSON object"));
        }
        if !obj["metadata"].is_object() {
            obj["metadata"] = json!({});
        }
        let mut name = meta_str(&obj, "name").to_string();
        if name.is_empty() {
            let prefix = meta_str(&obj, "generateName").to_string();
            if prefix.is_empty() {
                return Err(ApiError::invalid(kind, "", "metadata.name: Required value"));
            }
            name = format!("{prefix}{}", short_suffix(self.uid_counter + 1));
        }
        let m = &mut obj["metadata"];
        m["name"] = json!(name);
        m["namespace"] = json!(ns);
        if let Some(o) = m.as_object_mut() {
            if kind.cluster_scoped() {
                o.remove("namespace");
            }
            o.remove("resourceVersion");
            o.remove("deletionTimestamp");
        }
        obj["apiVersion"] = json!(kind.api_version());
        obj["kind"] = json!(kind.name());
        super::defaults::apply(kind, &mut obj);
        super::defaults::gated(kind, &mut obj, None, self.max_unavailable_gate, self.minor);
        if kind == Kind::Pod {
            super::kinds::admit_pod(&mut obj, &short_suffix(self.uid_counter + 7));
        }
        if kind == Kind::PersistentVolumeClaim {
            // The PVC protection admission plugin: a claim in use outlives its deletion.
            add_finalizer(&mut obj, PVC_PROTECTION);
            super::volumes::on_create(self, &mut obj);
        }
        super::defaults::validate(kind, &obj, None, self.minor)?;
        // As kube-apiserver: the object is validated (BeforeCreate) before storage finds
        // the name taken, so a dry-run create of an invalid object under a taken name is
        // 422, not 409 — what a client validating a replacement relies on.
        if self.get(kind, ns, &name).is_some() {
            return Err(ApiError::already_exists(kind, &name));
        }
        if dry_run {
            return Ok(obj);
        }
        let uid = self.next_uid();
        self.rv += 1;
        let m = &mut obj["metadata"];
        m["uid"] = json!(uid);
        m["creationTimestamp"] = json!(format_time(self.now));
        m["resourceVersion"] = json!(self.rv.to_string());
        if matches!(kind, Kind::StatefulSet | Kind::PodDisruptionBudget) {
            m["generation"] = json!(1);
        }
        if kind == Kind::PersistentVolumeClaim {
            super::volumes::bind(&mut obj);
        }
        if kind == Kind::Service {
            super::kinds::allocate_cluster_ip(&mut obj, self.rv);
        }
        let prev = self.put((kind, ns.to_string(), name.clone()), obj.clone());
        self.record(kind, EventType::Added, &obj, prev.as_ref());
        super::kinds::created(self, kind, &obj);
        Ok(obj)
    }

    /// Replaces an object. `subresource` "status" replaces only the status; otherwise the
    /// status is kept. A resourceVersion in the body must match (409 otherwise).
    pub fn update(
        &mut self,
        kind: Kind,
        ns: &str,
        name: &str,
        mut obj: Value,
        status_only: bool,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        let current = self.get_or_404(kind, ns, name)?.clone();
        let sent_rv = meta_str(&obj, "resourceVersion");
        if !sent_rv.is_empty() && sent_rv != meta_str(&current, "resourceVersion") {
            return Err(ApiError::conflict(
                kind,
                name,
                "the object has been modified; please apply your changes to the latest version and try again",
            ));
        }
        // A uid in the body is a precondition, as in kube-apiserver's update.
        let sent_uid = meta_str(&obj, "uid");
        if !sent_uid.is_empty() && sent_uid != meta_str(&current, "uid") {
            return Err(ApiError::conflict(
                kind,
                name,
                &format!(
                    "Precondition failed: UID in precondition: {sent_uid}, UID in object meta: {}",
                    meta_str(&current, "uid")
                ),
            ));
        }
        if !obj.is_object() {
            return Err(ApiError::bad_request("the body must be a JSON object"));
        }
        let mut next = if status_only {
            let mut n = current.clone();
            n["status"] = obj.get("status").cloned().unwrap_or_else(|| json!({}));
            n
        } else {
            // Identity and system fields come from the stored object.
            for key in [
                "uid",
                "creationTimestamp",
                "generation",
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
            ] {
                match current["metadata"].get(key) {
                    Some(v) => obj["metadata"][key] = v.clone(),
                    None => {
                        if let Some(m) = obj["metadata"].as_object_mut() {
                            m.remove(key);
                        }
                    }
                }
            }
            obj["metadata"]["name"] = json!(name);
            if !kind.cluster_scoped() {
                obj["metadata"]["namespace"] = json!(ns);
            }
            obj["apiVersion"] = json!(kind.api_version());
            obj["kind"] = json!(kind.name());
            if kind != Kind::Event {
                match current.get("status") {
                    Some(s) => obj["status"] = s.clone(),
                    None => {
                        if let Some(o) = obj.as_object_mut() {
                            o.remove("status");
                        }
                    }
                }
            }
            super::defaults::apply(kind, &mut obj);
            super::defaults::gated(
                kind,
                &mut obj,
                Some(&current),
                self.max_unavailable_gate,
                self.minor,
            );
            obj
        };
        if kind == Kind::StatefulSet && self.claim_template_updates {
            // A release serving KEP-4650: the claim templates may change in place.
            let mut old = current.clone();
            old["spec"]["volumeClaimTemplates"] = next["spec"]["volumeClaimTemplates"].clone();
            super::defaults::validate(kind, &next, Some(&old), self.minor)?;
        } else {
            super::defaults::validate(kind, &next, Some(&current), self.minor)?;
        }
        if kind == Kind::PersistentVolumeClaim && !status_only {
            super::volumes::admit_update(self, &next, &current, self.minor)?;
        }
        if matches!(kind, Kind::StatefulSet | Kind::PodDisruptionBudget)
            && !status_only
            && next.get("spec") != current.get("spec")
        {
            let g = current
                .pointer("/metadata/generation")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            next["metadata"]["generation"] = json!(g + 1);
        }
        if dry_run {
            return Ok(next);
        }
        if strip_rv(&next) == strip_rv(&current) {
            return Ok(current); // no-op writes do not bump the resourceVersion
        }
        self.rv += 1;
        next["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        let finalized = next.pointer("/metadata/deletionTimestamp").is_some()
            && next
                .pointer("/metadata/finalizers")
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty)
            && kind != Kind::Pod;
        let prev = self.put((kind, ns.to_string(), name.to_string()), next.clone());
        self.record(kind, EventType::Modified, &next, prev.as_ref());
        if finalized {
            self.remove(kind, ns, name);
            self.collect_garbage();
        }
        Ok(next)
    }

    /// Every object of `kind`, for the controller and the kubelet.
    pub fn all(&self, kind: Kind) -> impl Iterator<Item = &Value> {
        self.objects
            .range((kind, String::new(), String::new())..)
            .take_while(move |((k, _, _), _)| *k == kind)
            .map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

fn refs(v: &Value) -> Vec<Value> {
    v.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The finalizer kube-apiserver puts on every claim: the claim stays, terminating, while
/// a pod uses it (the pvc-protection controller removes it when none does).
pub const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";

fn add_finalizer(obj: &mut Value, finalizer: &str) {
    let list = &mut obj["metadata"]["finalizers"];
    if !list.is_array() {
        *list = json!([]);
    }
    if let Some(a) = list.as_array_mut()
        && !a.iter().any(|f| f == finalizer)
    {
        a.push(json!(finalizer));
    }
}

fn strip_rv(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("resourceVersion");
    }
    v
}

/// Five lower-case alphanumerics from a counter, like the API server's generateName.
fn short_suffix(n: u64) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..5)
        .map(|_| {
            let c = ALPHABET[(x % ALPHABET.len() as u64) as usize] as char;
            x /= ALPHABET.len() as u64;
            c
        })
        .collect()
}
