//! The core kinds around a workload that kubectl and the tour touch: Namespaces (with the
//! namespace and service-account controllers' part), ServiceAccounts, Services, the
//! Node the kubelet stand-in is, and the PersistentVolumes bound claims name. Their
//! defaulting is kube-apiserver's; their lifecycle is the controllers' in
//! kube-controller-manager, reduced to what a client sees.

use serde_json::{Value, json};

use super::error::ApiError;
use super::store::{Kind, Store};

/// The namespaces every cluster has from the start.
pub const SYSTEM_NAMESPACES: [&str; 4] =
    ["default", "kube-node-lease", "kube-public", "kube-system"];

/// The nodes the simulated kubelet spreads pods over (`sim-node-{ordinal % 3}`), all in
/// one zone, as the real-cluster suite's node agent's one node.
pub const NODES: [&str; 3] = ["sim-node-0", "sim-node-1", "sim-node-2"];
pub const ZONE: &str = "zone-a";

fn set_default(obj: &mut Value, key: &str, value: Value) {
    if obj.get(key).is_none_or(Value::is_null) {
        obj[key] = value;
    }
}

/// kube-apiserver's defaulting of the kinds of this module.
pub fn defaults(kind: Kind, obj: &mut Value) {
    match kind {
        Kind::Namespace => {
            let name = obj
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            // The NamespaceDefaultLabelName feature (GA in 1.22): the name as a label.
            obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = json!(name);
            obj["spec"] = json!({"finalizers": ["kubernetes"]});
            set_default(obj, "status", json!({"phase": "Active"}));
        }
        Kind::Service => {
            if !obj["spec"].is_object() {
                obj["spec"] = json!({});
            }
            let spec = &mut obj["spec"];
            set_default(spec, "type", json!("ClusterIP"));
            set_default(spec, "sessionAffinity", json!("None"));
            set_default(spec, "internalTrafficPolicy", json!("Cluster"));
            set_default(spec, "ipFamilyPolicy", json!("SingleStack"));
            set_default(spec, "ipFamilies", json!(["IPv4"]));
            if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
                for p in ports {
                    set_default(p, "protocol", json!("TCP"));
                    let port = p.get("port").cloned().unwrap_or(Value::Null);
                    set_default(p, "targetPort", port);
                }
            }
            set_default(obj, "status", json!({"loadBalancer": {}}));
        }
        Kind::PersistentVolume => {
            if let Some(spec) = obj.get_mut("spec").filter(|s| s.is_object()) {
                set_default(spec, "persistentVolumeReclaimPolicy", json!("Retain"));
                set_default(spec, "volumeMode", json!("Filesystem"));
            }
            set_default(obj, "status", json!({"phase": "Pending"}));
        }
        _ => {}
    }
}

/// A Service's cluster IP, allocated at its creation as the service IP allocator does
/// (`None` — headless — keeps none); the `n`th object of the store.
pub fn allocate_cluster_ip(obj: &mut Value, n: u64) {
    let spec = &mut obj["spec"];
    let given = spec.get("clusterIP").and_then(Value::as_str).unwrap_or("");
    let ip = if given.is_empty() {
        format!("10.96.{}.{}", (n / 250) % 250, n % 250 + 2)
    } else {
        given.to_string()
    };
    spec["clusterIP"] = json!(ip);
    spec["clusterIPs"] = json!([ip]);
}

/// What exists in a new cluster: the system namespaces (with their `default`
/// ServiceAccounts) and the node.
pub fn seed(store: &mut Store) {
    for ns in SYSTEM_NAMESPACES {
        ensure_namespace(store, ns);
    }
    for node in NODES {
        let node = json!({"metadata": {"name": node, "labels": {
            "kubernetes.io/hostname": node, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
            "topology.kubernetes.io/zone": ZONE}},
        "spec": {},
        "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                                   "message": "kubelet is posting ready status"}],
                   "addresses": [{"type": "InternalIP", "address": "127.0.0.1"},
                                 {"type": "Hostname", "address": node}],
                   "nodeInfo": {"kubeletVersion": "kubectl-sts-node-agent", "containerRuntimeVersion": "none://0",
                                "osImage": "<unknown>", "kernelVersion": "<unknown>",
                                "architecture": "amd64", "operatingSystem": "linux"}}});
        let _ = store.create(Kind::Node, "", node, false);
    }
}

/// Creates the namespace `ns` when it does not exist (a scenario's objects name theirs).
pub fn ensure_namespace(store: &mut Store, ns: &str) {
    if ns.is_empty() || store.get(Kind::Namespace, "", ns).is_some() {
        return;
    }
    let _ = store.create(
        Kind::Namespace,
        "",
        json!({"metadata": {"name": ns}}),
        false,
    );
    on_namespace_created(store, ns);
}

/// What the controllers do on a creation: a namespace gets its ServiceAccount, a bound
/// claim its volume.
pub fn created(store: &mut Store, kind: Kind, obj: &Value) {
    match kind {
        Kind::Namespace => {
            let name = obj
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            on_namespace_created(store, name);
        }
        Kind::PersistentVolumeClaim => provision(store, obj),
        _ => {}
    }
}

/// The service account controller: every namespace gets its `default` ServiceAccount.
pub fn on_namespace_created(store: &mut Store, ns: &str) {
    if store.get(Kind::ServiceAccount, ns, "default").is_none() {
        let _ = store.create(
            Kind::ServiceAccount,
            ns,
            json!({"metadata": {"name": "default"}}),
            false,
        );
    }
}

/// DELETE of a namespace: it is marked (deletionTimestamp, phase Terminating) and goes
/// when the namespace controller has emptied it.
pub fn delete_namespace(store: &mut Store, name: &str, dry_run: bool) -> Result<Value, ApiError> {
    let current = store.get_or_404(Kind::Namespace, "", name)?.clone();
    if dry_run || current.pointer("/metadata/deletionTimestamp").is_some() {
        return Ok(current);
    }
    let now = super::store::format_time(store.now);
    store.write_system(Kind::Namespace, "", name, |n| {
        n["metadata"]["deletionTimestamp"] = json!(now);
        n["metadata"]["deletionGracePeriodSeconds"] = json!(0);
        n["status"]["phase"] = json!("Terminating");
    })?;
    reconcile_namespaces(store);
    Ok(store
        .get(Kind::Namespace, "", name)
        .cloned()
        .unwrap_or(current))
}

/// A create in a namespace that does not exist is 404; in one being deleted, 403 — as
/// the NamespaceLifecycle admission plugin answers.
pub fn admit_create(store: &Store, kind: Kind, ns: &str) -> Result<(), ApiError> {
    if kind.cluster_scoped() {
        return Ok(());
    }
    match store.get(Kind::Namespace, "", ns) {
        None => Err(ApiError::not_found(Kind::Namespace, ns)),
        Some(n) if n.pointer("/metadata/deletionTimestamp").is_some() => {
            Err(ApiError::forbidden_because(
                kind,
                "",
                &format!(
                    "unable to create new content in namespace {ns} because it is being terminated"
                ),
            ))
        }
        Some(_) => Ok(()),
    }
}

/// The namespace controller's part, run after every change: a namespace being deleted
/// has its objects deleted, and goes once it is empty (its `kubernetes` finalizer done).
pub fn reconcile_namespaces(store: &mut Store) {
    let terminating: Vec<String> = store
        .all(Kind::Namespace)
        .filter(|n| n.pointer("/metadata/deletionTimestamp").is_some())
        .filter_map(|n| n.pointer("/metadata/name")?.as_str().map(str::to_string))
        .collect();
    for ns in terminating {
        let mut left = false;
        for kind in Kind::ALL.into_iter().filter(|k| !k.cluster_scoped()) {
            let names: Vec<(String, bool)> = store
                .all(kind)
                .filter(|o| o.pointer("/metadata/namespace").and_then(Value::as_str) == Some(&ns))
                .map(|o| {
                    (
                        o.pointer("/metadata/name")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                        o.pointer("/metadata/deletionTimestamp").is_some(),
                    )
                })
                .collect();
            for (name, deleting) in names {
                left = true;
                if !deleting {
                    let opts = super::store::DeleteOptions {
                        propagation: Some("Background".into()),
                        ..Default::default()
                    };
                    let _ = store.delete(kind, &ns, &name, &opts);
                }
            }
        }
        if !left {
            store.remove(Kind::Namespace, "", &ns);
        }
    }
}

/// The provisioner's volume for a claim bound at its creation: a PersistentVolume named
/// as the claim's `volumeName`, bound back to it (`claimRef`), with the class's reclaim
/// policy.
pub fn provision(store: &mut Store, claim: &Value) {
    let at = |p: &str| claim.pointer(p).cloned().unwrap_or(Value::Null);
    let Some(volume) = claim.pointer("/spec/volumeName").and_then(Value::as_str) else {
        return;
    };
    if store.get(Kind::PersistentVolume, "", volume).is_some() {
        return;
    }
    let class = claim
        .pointer("/spec/storageClassName")
        .and_then(Value::as_str)
        .unwrap_or("");
    let reclaim = store
        .get(Kind::StorageClass, "", class)
        .and_then(|c| c.get("reclaimPolicy").cloned())
        .unwrap_or(json!("Delete"));
    let capacity = match at("/status/capacity") {
        Value::Null => at("/spec/resources/requests"),
        c => c,
    };
    let pv = json!({"metadata": {"name": volume,
            "annotations": {"pv.kubernetes.io/provisioned-by": super::volumes::PROVISIONER},
            "finalizers": ["kubernetes.io/pv-protection"]},
        "spec": {"capacity": capacity, "accessModes": at("/spec/accessModes"),
                 "persistentVolumeReclaimPolicy": reclaim, "storageClassName": class,
                 "volumeMode": at("/spec/volumeMode"),
                 "hostPath": {"path": format!("/var/lib/kubectl-sts-sim/{volume}"), "type": ""},
                 "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                              "namespace": at("/metadata/namespace"), "name": at("/metadata/name"),
                              "uid": at("/metadata/uid"), "resourceVersion": at("/metadata/resourceVersion")}},
        "status": {"phase": "Bound"}});
    let _ = store.create(Kind::PersistentVolume, "", pv, false);
}

/// The volumes of deleted claims: deleted with a `Delete` policy, `Released` otherwise.
pub fn reclaim(store: &mut Store) {
    for volume in std::mem::take(&mut store.released) {
        let Some(pv) = store.get(Kind::PersistentVolume, "", &volume) else {
            continue;
        };
        if pv.pointer("/spec/persistentVolumeReclaimPolicy") == Some(&json!("Delete")) {
            store.remove(Kind::PersistentVolume, "", &volume);
        } else {
            let _ = store.write_system(Kind::PersistentVolume, "", &volume, |v| {
                v["status"]["phase"] = json!("Released")
            });
        }
    }
}

/// The admission plugins a pod passes on its creation, as a real API server runs them:
/// ServiceAccount (the `default` account and its token volume, mounted in every
/// container, `suffix` naming it), Priority (priority 0 without a class) and
/// DefaultTolerationSeconds (5 minutes on a not-ready or unreachable node).
pub fn admit_pod(pod: &mut Value, suffix: &str) {
    let Some(spec) = pod.get_mut("spec").filter(|s| s.is_object()) else {
        return;
    };
    set_default(spec, "enableServiceLinks", json!(true));
    if spec.get("priorityClassName").is_none_or(Value::is_null) {
        set_default(spec, "priority", json!(0));
    }
    set_default(spec, "preemptionPolicy", json!("PreemptLowerPriority"));
    let account = spec
        .get("serviceAccountName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("default")
        .to_string();
    spec["serviceAccountName"] = json!(account);
    spec["serviceAccount"] = json!(account);
    let automount = spec
        .get("automountServiceAccountToken")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    const MOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
    let mounted = ["initContainers", "containers"].iter().any(|list| {
        spec.get(*list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(|c| {
                c.get("volumeMounts")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
            })
            .any(|m| m["mountPath"] == MOUNT)
    });
    if automount && !mounted {
        let volume = format!("kube-api-access-{suffix}");
        let projected = json!({"name": volume, "projected": {"defaultMode": 420, "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}]}});
        match spec.get_mut("volumes").and_then(Value::as_array_mut) {
            Some(v) => v.push(projected),
            None => spec["volumes"] = json!([projected]),
        }
        for list in ["initContainers", "containers"] {
            for c in spec
                .get_mut(list)
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                let mount = json!({"name": volume, "readOnly": true, "mountPath": MOUNT});
                match c.get_mut("volumeMounts").and_then(Value::as_array_mut) {
                    Some(m) => m.push(mount),
                    None => c["volumeMounts"] = json!([mount]),
                }
            }
        }
    }
    let tolerations = spec
        .get("tolerations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut next = tolerations.clone();
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let has = tolerations
            .iter()
            .any(|t| t["key"] == key && (t["effect"] == "NoExecute" || t.get("effect").is_none()));
        if !has {
            next.push(json!({"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}));
        }
    }
    spec["tolerations"] = json!(next);
}
