//! The simulated cluster's storage, as kube-apiserver's admission plugins and the volume
//! controllers treat claims:
//! - the StorageClasses it serves from the start: `standard` (the default; expandable
//!   online), `offline` (expandable; the file system grows only when a pod mounts the
//!   volume afresh: `FileSystemResizePending` until then) and `fixed` (not expandable);
//! - `DefaultStorageClass`: a claim created without a class gets the default one;
//! - a provisioner that binds a claim of a served class at its creation (a volume named
//!   `pvc-UID` with the requested capacity);
//! - claim update validation: a bound claim's spec is immutable but for
//!   `resources.requests` (and `volumeAttributesClassName` from 1.29), and a request may
//!   not go below what it was; an unbound claim's spec is immutable;
//! - `PersistentVolumeClaimResize`: a larger request is 403 unless the claim's class
//!   allows volume expansion;
//! - the resizer (external-resizer and kubelet): a claim asking for more than its
//!   capacity gets `Resizing` at once, and after `resize_after` its capacity (online),
//!   or `FileSystemResizePending` (offline) until a pod started after it mounts it.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::error::ApiError;
use super::store::{Kind, Store, format_time, parse_time};
use crate::model::quantity;

pub const DEFAULT_CLASS_ANNOTATION: &str = "storageclass.kubernetes.io/is-default-class";

/// The StorageClasses every simulated cluster starts with.
/// The provisioner of the served classes (the real-cluster suite's node agent names its
/// own the same).
pub const PROVISIONER: &str = "kubectl-sts.io/hostpath";

pub fn classes() -> Vec<Value> {
    [
        ("standard", true, true, "online"),
        ("offline", false, true, "offline"),
        ("fixed", false, false, "none"),
    ]
    .into_iter()
    .map(|(name, default, expand, resize)| {
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
               "metadata": {"name": name, "annotations": {
                   DEFAULT_CLASS_ANNOTATION: default.to_string(),
                   "sim.kubectl-sts.io/resize": resize}},
               "provisioner": PROVISIONER, "reclaimPolicy": "Delete",
               "volumeBindingMode": "Immediate", "allowVolumeExpansion": expand})
    })
    .collect()
}

fn str_at<'a>(v: &'a Value, p: &str) -> &'a str {
    v.pointer(p).and_then(Value::as_str).unwrap_or("")
}

fn requested(claim: &Value) -> &str {
    str_at(claim, "/spec/resources/requests/storage")
}

fn capacity(claim: &Value) -> &str {
    str_at(claim, "/status/capacity/storage")
}

fn bytes(q: &str) -> Option<u128> {
    quantity::bytes(q).ok()
}

/// A new claim: the default class when it names none, then bound at once when a served
/// class provisions it.
pub fn on_create(store: &Store, claim: &mut Value) {
    if claim.pointer("/spec/storageClassName").is_none()
        && let Some(default) = store.named_from(Kind::StorageClass, "", "").find(|c| {
            str_at(
                c,
                &format!("/metadata/annotations/{}", escape(DEFAULT_CLASS_ANNOTATION)),
            ) == "true"
        })
        && let Some(spec) = claim.get_mut("spec").filter(|s| s.is_object())
    {
        spec["storageClassName"] = json!(str_at(default, "/metadata/name"));
    }
    let class = str_at(claim, "/spec/storageClassName").to_string();
    let Some(provisioner) = store
        .get(Kind::StorageClass, "", &class)
        .map(|c| str_at(c, "/provisioner").to_string())
    else {
        return; // no provisioner: Pending
    };
    // What the PV controller writes on a claim it has had provisioned and bound.
    for (key, value) in [
        ("pv.kubernetes.io/bind-completed", "yes"),
        ("pv.kubernetes.io/bound-by-controller", "yes"),
        (
            "volume.beta.kubernetes.io/storage-provisioner",
            provisioner.as_str(),
        ),
        (
            "volume.kubernetes.io/storage-provisioner",
            provisioner.as_str(),
        ),
    ] {
        claim["metadata"]["annotations"][key] = json!(value);
    }
    let size = requested(claim).to_string();
    let modes = claim
        .pointer("/spec/accessModes")
        .cloned()
        .unwrap_or_else(|| json!(["ReadWriteOnce"]));
    claim["status"] =
        json!({"phase": "Bound", "accessModes": modes, "capacity": {"storage": size}});
}

/// Called once the uid is known: the volume's name.
pub fn bind(claim: &mut Value) {
    if str_at(claim, "/status/phase") == "Bound"
        && claim.pointer("/spec/volumeName").is_none()
        && let Some(uid) = claim.pointer("/metadata/uid").cloned()
    {
        claim["spec"]["volumeName"] = json!(format!("pvc-{}", uid.as_str().unwrap_or("")));
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Claim update validation and the resize admission plugin.
pub fn admit_update(store: &Store, next: &Value, old: &Value, minor: u32) -> Result<(), ApiError> {
    let name = str_at(next, "/metadata/name");
    let mutable: &[&str] = if minor >= 29 {
        &["resources", "volumeAttributesClassName"]
    } else {
        &["resources"]
    };
    let strip = |v: &Value| {
        let mut s = v.get("spec").cloned().unwrap_or(Value::Null);
        if let Some(o) = s.as_object_mut() {
            for k in mutable {
                o.remove(*k);
            }
            // Filled in by the binder, not by the client.
            o.remove("volumeName");
        }
        s
    };
    let bound = str_at(old, "/status/phase") == "Bound";
    let spec_changed = next.get("spec") != old.get("spec");
    if spec_changed && (!bound || strip(next) != strip(old)) {
        let except = if minor >= 29 {
            "resources.requests and volumeAttributesClassName"
        } else {
            "resources.requests"
        };
        return Err(ApiError::invalid(
            Kind::PersistentVolumeClaim,
            name,
            &format!(
                "spec: Forbidden: spec is immutable after creation except {except} for bound claims"
            ),
        ));
    }
    let (new, was) = (requested(next), requested(old));
    if new == was {
        return Ok(());
    }
    match (bytes(new), bytes(was)) {
        (Some(n), Some(w)) if n < w => Err(ApiError::invalid(
            Kind::PersistentVolumeClaim,
            name,
            "spec.resources.requests.storage: Forbidden: field can not be less than previous value",
        )),
        (None, _) => Err(ApiError::invalid(
            Kind::PersistentVolumeClaim,
            name,
            &format!(
                "spec.resources.requests.storage: Invalid value: \"{new}\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
            ),
        )),
        _ => {
            let class = store.get(
                Kind::StorageClass,
                "",
                str_at(old, "/spec/storageClassName"),
            );
            let expandable = class
                .and_then(|c| c.get("allowVolumeExpansion"))
                .and_then(Value::as_bool)
                == Some(true);
            if expandable {
                Ok(())
            } else {
                Err(ApiError::admission_forbidden(
                    Kind::PersistentVolumeClaim,
                    name,
                    "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize",
                ))
            }
        }
    }
}

fn condition(claim: &Value, ty: &str) -> Option<Value> {
    claim
        .pointer("/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c["type"] == ty)
        .cloned()
}

/// The resizer's look at one claim at `now`: returns when it must look again.
pub fn resize(
    store: &mut Store,
    ns: &str,
    name: &str,
    now: Timestamp,
    resize_after: SignedDuration,
) -> Option<Timestamp> {
    let claim = store.get(Kind::PersistentVolumeClaim, ns, name)?;
    let (want, have) = (bytes(requested(claim))?, bytes(capacity(claim))?);
    if want <= have
        || str_at(claim, "/status/phase") != "Bound"
        || claim.pointer("/metadata/deletionTimestamp").is_some()
    {
        return None;
    }
    let class = store.get(
        Kind::StorageClass,
        "",
        str_at(claim, "/spec/storageClassName"),
    )?;
    let offline = str_at(class, "/metadata/annotations/sim.kubectl-sts.io~1resize") == "offline";
    let size = requested(claim).to_string();
    let at = format_time(now);
    if let Some(pending) = condition(claim, "FileSystemResizePending") {
        // The kubelet grows the file system when a pod started since mounts the volume.
        let since = pending.get("lastTransitionTime").and_then(parse_time)?;
        let remounted = store.named_from(Kind::Pod, ns, "").any(|p| {
            super::queue::claims_of(p).any(|c| c == name)
                && str_at(p, "/status/phase") == "Running"
                && p.pointer("/metadata/creationTimestamp")
                    .and_then(parse_time)
                    .is_some_and(|t| t >= since)
        });
        if remounted {
            let _ = store.write_system(Kind::PersistentVolumeClaim, ns, name, |c| {
                c["status"]["capacity"] = json!({"storage": size});
                c["status"]["conditions"] = Value::Null;
                c["status"]["allocatedResources"] = json!({"storage": size});
            });
        }
        return None;
    }
    let Some(resizing) = condition(claim, "Resizing") else {
        let _ = store.write_system(Kind::PersistentVolumeClaim, ns, name, |c| {
            c["status"]["conditions"] = json!([{"type": "Resizing", "status": "True",
                "lastProbeTime": null, "lastTransitionTime": at}]);
            c["status"]["allocatedResources"] = json!({"storage": size});
        });
        return now.checked_add(resize_after).ok();
    };
    let since = resizing.get("lastTransitionTime").and_then(parse_time)?;
    let due = since.checked_add(resize_after).ok()?;
    if now < due {
        return Some(due);
    }
    let _ = store.write_system(Kind::PersistentVolumeClaim, ns, name, |c| {
        if offline {
            c["status"]["conditions"] = json!([{"type": "FileSystemResizePending", "status": "True",
                "lastProbeTime": null, "lastTransitionTime": at,
                "message": "Waiting for user to (re-)start a pod to finish file system resize of volume on node."}]);
        } else {
            c["status"]["capacity"] = json!({"storage": size});
            c["status"]["conditions"] = Value::Null;
        }
    });
    None
}
