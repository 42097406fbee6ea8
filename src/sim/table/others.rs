//! The tables of the kinds beside the workload's: PodDisruptionBudgets and
//! StorageClasses, with kubectl's columns.

use serde_json::{Value, json};

use super::{AGE, Column, NAME, str_at};
use crate::sim::store::Kind;

pub(super) fn columns(kind: Kind, minor: u32) -> Vec<Column> {
    match kind {
        Kind::PodDisruptionBudget => vec![
            NAME,
            (
                "Min Available",
                "string",
                0,
                "The minimum number of pods that must be available simultaneously.  This can be either an integer or a string specifying a percentage, e.g. \"28%\".",
            ),
            (
                "Max Unavailable",
                "string",
                0,
                "The maximum number of pods that may be unavailable simultaneously.  This can be either an integer or a string specifying a percentage, e.g. \"28%\".",
            ),
            (
                "Allowed Disruptions",
                "integer",
                0,
                "Calculated number of pods that may be disrupted at this time.",
            ),
            AGE,
        ],
        Kind::StorageClass => vec![
            NAME,
            (
                "Provisioner",
                "string",
                0,
                "Indicates the type of the provisioner.",
            ),
            (
                "ReclaimPolicy",
                "string",
                0,
                "Indicates the type of the reclaim policy.",
            ),
            (
                "VolumeBindingMode",
                "string",
                0,
                "Indicates the mode of the volume binding.",
            ),
            (
                "AllowVolumeExpansion",
                "string",
                0,
                "Indicates whether the storage class allow volume expand.",
            ),
            AGE,
        ],
        Kind::Namespace => vec![
            NAME,
            ("Status", "string", 0, "The status of the namespace"),
            AGE,
        ],
        Kind::Service => super::core::service_columns(),
        Kind::Node => super::core::node_columns(),
        Kind::PersistentVolume => super::core::volume_columns(minor),
        _ => vec![NAME, AGE],
    }
}

pub(super) fn cells(kind: Kind, o: &Value, age: String, minor: u32) -> Vec<Value> {
    let name = str_at(o, "/metadata/name");
    match kind {
        Kind::PodDisruptionBudget => {
            let either = |p: &str| match o.pointer(p) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => "N/A".into(),
            };
            vec![
                json!(name),
                json!(either("/spec/minAvailable")),
                json!(either("/spec/maxUnavailable")),
                json!(
                    o.pointer("/status/disruptionsAllowed")
                        .and_then(Value::as_i64)
                        .unwrap_or(0)
                ),
                json!(age),
            ]
        }
        Kind::StorageClass => {
            let default = o
                .pointer("/metadata/annotations/storageclass.kubernetes.io~1is-default-class")
                == Some(&json!("true"));
            vec![
                json!(if default {
                    format!("{name} (default)")
                } else {
                    name.to_string()
                }),
                json!(str_at(o, "/provisioner")),
                json!(str_at(o, "/reclaimPolicy")),
                json!(str_at(o, "/volumeBindingMode")),
                json!(
                    o.get("allowVolumeExpansion")
                        .and_then(Value::as_bool)
                        .unwrap_or(false)
                        .to_string()
                ),
                json!(age),
            ]
        }
        Kind::Namespace => vec![json!(name), json!(str_at(o, "/status/phase")), json!(age)],
        Kind::Service => super::core::service_cells(o, age),
        Kind::Node => super::core::node_cells(o, age),
        Kind::PersistentVolume => super::core::volume_cells(o, age, minor),
        _ => vec![json!(name), json!(age)],
    }
}
