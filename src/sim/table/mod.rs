//! Server-side printing: the `Table` kube-apiserver answers `Accept: …;as=Table;
//! g=meta.k8s.io;v=v1` with, so `kubectl get` prints the columns a real server's printers
//! give (pkg/printers/internalversion of the release): pods' READY, STATUS, RESTARTS and
//! AGE, sets' READY, claims' STATUS and CAPACITY, revisions' CONTROLLER and REVISION.
//! Rows carry the object's metadata (`includeObject=Metadata`, the default).

use jiff::Timestamp;
use serde_json::{Value, json};

use super::store::Kind;

/// Whether the request asks for a Table.
pub fn wanted(accept: &str) -> bool {
    accept.contains("as=Table")
}

/// One column: name, type, priority (1: only with `-o wide`), description.
type Column = (&'static str, &'static str, u8, &'static str);

const NAME: Column = (
    "Name",
    "string",
    0,
    "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
);
const AGE: Column = (
    "Age",
    "string",
    0,
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
);

fn columns(kind: Kind, minor: u32) -> Vec<Column> {
    match kind {
        Kind::Pod => vec![
            NAME,
            (
                "Ready",
                "string",
                0,
                "The aggregate readiness state of this pod for accepting traffic.",
            ),
            (
                "Status",
                "string",
                0,
                "The aggregate status of the containers in this pod.",
            ),
            (
                "Restarts",
                "string",
                0,
                "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
            ),
            AGE,
            (
                "IP",
                "string",
                1,
                "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
            ),
            (
                "Node",
                "string",
                1,
                "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename",
            ),
            (
                "Nominated Node",
                "string",
                1,
                "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.",
            ),
            (
                "Readiness Gates",
                "string",
                1,
                "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates",
            ),
        ],
        Kind::StatefulSet => vec![
            NAME,
            ("Ready", "string", 0, "Number of the pod with ready state"),
            AGE,
            (
                "Containers",
                "string",
                1,
                "Names of each container in the template.",
            ),
            (
                "Images",
                "string",
                1,
                "Images referenced by each container in the template.",
            ),
        ],
        Kind::PersistentVolumeClaim => {
            let mut c = vec![
                NAME,
                (
                    "Status",
                    "string",
                    0,
                    "Status of the claim, one of Pending, Bound or Lost.",
                ),
                (
                    "Volume",
                    "string",
                    0,
                    "volumeName is the binding reference to the PersistentVolume backing this claim.",
                ),
                (
                    "Capacity",
                    "string",
                    0,
                    "capacity represents the actual resources of the underlying volume.",
                ),
                (
                    "Access Modes",
                    "string",
                    0,
                    "accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1",
                ),
                (
                    "StorageClass",
                    "string",
                    0,
                    "storageClassName is the name of the StorageClass required by the claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#class-1",
                ),
            ];
            // VolumeAttributesClass, from 1.29 (KEP-3751).
            if minor >= 29 {
                c.push(("VolumeAttributesClass", "string", 0, "volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim."));
            }
            c.push(AGE);
            c.push(("VolumeMode", "string", 1, "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec."));
            c
        }
        Kind::ControllerRevision => vec![
            NAME,
            ("Controller", "string", 0, "Controller of the object"),
            (
                "Revision",
                "string",
                0,
                "Revision of the ControllerRevision",
            ),
            AGE,
        ],
        Kind::PodDisruptionBudget
        | Kind::StorageClass
        | Kind::Namespace
        | Kind::ServiceAccount
        | Kind::Service
        | Kind::Node
        | Kind::PersistentVolume => others::columns(kind, minor),
        Kind::Event => vec![
            ("Last Seen", "string", 0, "The last time the event was seen"),
            (
                "Type",
                "string",
                0,
                "Type of this event (Normal, Warning), new types could be added in the future",
            ),
            (
                "Reason",
                "string",
                0,
                "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
            ),
            (
                "Object",
                "string",
                0,
                "The object that this event is about.",
            ),
            (
                "Message",
                "string",
                0,
                "A human-readable description of the status of this operation.",
            ),
        ],
    }
}

/// The Table of `items` of `kind`, as a list (`metadata`: the list's) or one object.
pub fn table(kind: Kind, items: &[&Value], metadata: Value, now: Timestamp, minor: u32) -> Value {
    let defs: Vec<Value> = columns(kind, minor)
        .iter()
        .map(|(name, ty, priority, description)| {
            let mut d = json!({"name": name, "type": ty, "format": "", "description": description, "priority": priority});
            if *name == "Name" {
                d["format"] = json!("name");
            }
            d
        })
        .collect();
    let rows: Vec<Value> = items
        .iter()
        .map(|o| json!({"cells": cells(kind, o, now, minor), "object": super::api::partial(o)}))
        .collect();
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata,
           "columnDefinitions": defs, "rows": rows})
}

fn str_at<'a>(o: &'a Value, path: &str) -> &'a str {
    o.pointer(path).and_then(Value::as_str).unwrap_or("")
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.into()
    }
}

fn cells(kind: Kind, o: &Value, now: Timestamp, minor: u32) -> Vec<Value> {
    let name = str_at(o, "/metadata/name");
    let age = since(o.pointer("/metadata/creationTimestamp"), now);
    match kind {
        Kind::Pod => pod_cells(o, now),
        Kind::StatefulSet => {
            let ready = o
                .pointer("/status/readyReplicas")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let want = o
                .pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            let containers = o
                .pointer("/spec/template/spec/containers")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let join = |key: &str| {
                containers
                    .iter()
                    .map(|c| c[key].as_str().unwrap_or("").to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            };
            vec![
                json!(name),
                json!(format!("{ready}/{want}")),
                json!(age),
                json!(join("name")),
                json!(join("image")),
            ]
        }
        Kind::PodDisruptionBudget
        | Kind::StorageClass
        | Kind::Namespace
        | Kind::ServiceAccount
        | Kind::Service
        | Kind::Node
        | Kind::PersistentVolume => others::cells(kind, o, age, minor),
        Kind::PersistentVolumeClaim => {
            let phase = if o.pointer("/metadata/deletionTimestamp").is_some() {
                "Terminating"
            } else {
                str_at(o, "/status/phase")
            };
            let bound = !str_at(o, "/spec/volumeName").is_empty();
            let capacity = if bound {
                str_at(o, "/status/capacity/storage")
            } else {
                ""
            };
            let modes = if bound {
                o.pointer("/status/accessModes")
                    .and_then(Value::as_array)
                    .map(|m| access_modes(m))
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let mut c = vec![
                json!(name),
                json!(phase),
                json!(str_at(o, "/spec/volumeName")),
                json!(capacity),
                json!(modes),
                json!(str_at(o, "/spec/storageClassName")),
            ];
            if minor >= 29 {
                let vac = str_at(o, "/spec/volumeAttributesClassName");
                c.push(json!(if vac.is_empty() { "<unset>" } else { vac }));
            }
            c.push(json!(age));
            c.push(json!(str_at(o, "/spec/volumeMode")));
            c
        }
        Kind::ControllerRevision => {
            let controller = o
                .pointer("/metadata/ownerReferences")
                .and_then(Value::as_array)
                .and_then(|refs| refs.iter().find(|r| r["controller"] == true))
                .map(|r| {
                    let group = r["apiVersion"]
                        .as_str()
                        .unwrap_or("")
                        .split('/')
                        .next()
                        .unwrap_or("");
                    let kind = r["kind"].as_str().unwrap_or("").to_lowercase();
                    let kind = if group.is_empty()
                        || !r["apiVersion"].as_str().unwrap_or("").contains('/')
                    {
                        kind
                    } else {
                        format!("{kind}.{group}")
                    };
                    format!("{kind}/{}", r["name"].as_str().unwrap_or(""))
                })
                .unwrap_or_else(|| "<none>".into());
            let revision = o.pointer("/revision").and_then(Value::as_i64).unwrap_or(0);
            vec![json!(name), json!(controller), json!(revision), json!(age)]
        }
        Kind::Event => {
            let last = o
                .pointer("/lastTimestamp")
                .filter(|v| !v.is_null())
                .or_else(|| o.pointer("/eventTime"));
            let object = format!(
                "{}/{}",
                str_at(o, "/involvedObject/kind").to_lowercase(),
                str_at(o, "/involvedObject/name")
            );
            vec![
                json!(since(last, now)),
                json!(str_at(o, "/type")),
                json!(str_at(o, "/reason")),
                json!(object),
                json!(str_at(o, "/message").trim()),
            ]
        }
    }
}

/// `GetAccessModesAsString`: RWO, ROX, RWX, RWOP, in that order, comma-joined.
fn access_modes(modes: &[Value]) -> String {
    let has = |m: &str| modes.iter().any(|v| v == m);
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(m, _)| has(m))
    .map(|(_, s)| *s)
    .collect::<Vec<_>>()
    .join(",")
}

/// printPod: READY counts containers ready and running; STATUS is the phase, or the
/// reason of the last waiting or terminated container, `Terminating` once deleted.
fn pod_cells(o: &Value, now: Timestamp) -> Vec<Value> {
    let statuses = o
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let total = o
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let mut reason = str_at(o, "/status/phase").to_string();
    if !str_at(o, "/status/reason").is_empty() {
        reason = str_at(o, "/status/reason").to_string();
    }
    let mut ready = 0;
    let mut restarts = 0;
    let mut last_restart: Option<Timestamp> = None;
    let mut has_running = false;
    for c in statuses.iter().rev() {
        restarts += c["restartCount"].as_i64().unwrap_or(0);
        if let Some(t) = c
            .pointer("/lastState/terminated/finishedAt")
            .and_then(Value::as_str)
            .and_then(|t| t.parse::<Timestamp>().ok())
        {
            last_restart = Some(last_restart.map_or(t, |l| l.max(t)));
        }
        let waiting = c
            .pointer("/state/waiting/reason")
            .and_then(Value::as_str)
            .unwrap_or("");
        let terminated = c.pointer("/state/terminated");
        if !waiting.is_empty() {
            reason = waiting.to_string();
        } else if let Some(t) = terminated {
            let r = t["reason"].as_str().unwrap_or("");
            reason = if !r.is_empty() {
                r.to_string()
            } else if let Some(sig) = t["signal"].as_i64().filter(|s| *s != 0) {
                format!("Signal:{sig}")
            } else {
                format!("ExitCode:{}", t["exitCode"].as_i64().unwrap_or(0))
            };
        } else if c["ready"] == true && c.pointer("/state/running").is_some() {
            has_running = true;
            ready += 1;
        }
    }
    if reason == "Completed" && has_running {
        let pod_ready = o
            .pointer("/status/conditions")
            .and_then(Value::as_array)
            .is_some_and(|cs| {
                cs.iter()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True")
            });
        reason = if pod_ready { "Running" } else { "NotReady" }.into();
    }
    if o.pointer("/metadata/deletionTimestamp").is_some() {
        reason = if str_at(o, "/status/reason") == "NodeLost" {
            "Unknown".into()
        } else {
            "Terminating".into()
        };
    }
    let restarts = match last_restart {
        Some(t) => format!("{restarts} ({} ago)", human(now.duration_since(t))),
        None => restarts.to_string(),
    };
    let gates = o
        .pointer("/spec/readinessGates")
        .and_then(Value::as_array)
        .filter(|g| !g.is_empty())
        .map(|g| {
            let met = g
                .iter()
                .filter(|gate| {
                    let t = &gate["conditionType"];
                    o.pointer("/status/conditions")
                        .and_then(Value::as_array)
                        .is_some_and(|cs| {
                            cs.iter().any(|c| c["type"] == *t && c["status"] == "True")
                        })
                })
                .count();
            format!("{met}/{}", g.len())
        })
        .unwrap_or_else(|| "<none>".into());
    vec![
        json!(str_at(o, "/metadata/name")),
        json!(format!("{ready}/{total}")),
        json!(reason),
        json!(restarts),
        json!(since(o.pointer("/metadata/creationTimestamp"), now)),
        json!(or_none(str_at(o, "/status/podIP"))),
        json!(or_none(str_at(o, "/spec/nodeName"))),
        json!(or_none(str_at(o, "/status/nominatedNodeName"))),
        json!(gates),
    ]
}

/// `translateTimestampSince`: `<unknown>` without a time, else its age in kubectl's words.
fn since(t: Option<&Value>, now: Timestamp) -> String {
    match t
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Timestamp>().ok())
    {
        Some(t) => human(now.duration_since(t)),
        None => "<unknown>".into(),
    }
}

/// apimachinery's `duration.HumanDuration`.
pub fn human(d: jiff::SignedDuration) -> String {
    let secs = d.as_secs();
    if secs < -1 {
        return "<invalid>".into();
    }
    if secs < 0 {
        return "0s".into();
    }
    if secs < 120 {
        return format!("{secs}s");
    }
    let minutes = secs / 60;
    if minutes < 10 {
        let s = secs % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = secs / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

mod core;
mod others;
#[cfg(test)]
mod tests;
