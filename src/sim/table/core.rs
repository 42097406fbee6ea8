//! The tables of Services, Nodes and PersistentVolumes, with the columns kube-apiserver
//! prints for them (`pkg/printers/internalversion` of the release).

use serde_json::{Value, json};

use super::{AGE, Column, NAME, str_at};

const NONE: &str = "<none>";

pub(super) fn service_columns() -> Vec<Column> {
    vec![
        NAME,
        (
            "Type",
            "string",
            0,
            "type determines how the Service is exposed.",
        ),
        (
            "Cluster-IP",
            "string",
            0,
            "clusterIP is the IP address of the service.",
        ),
        (
            "External-IP",
            "string",
            0,
            "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.",
        ),
        (
            "Port(s)",
            "string",
            0,
            "The list of ports that are exposed by this service.",
        ),
        AGE,
        (
            "Selector",
            "string",
            1,
            "Route service traffic to pods with label keys and values matching this selector.",
        ),
    ]
}

fn or_none(s: String) -> String {
    if s.is_empty() { NONE.to_string() } else { s }
}

pub(super) fn service_cells(o: &Value, age: String) -> Vec<Value> {
    let ty = str_at(o, "/spec/type");
    let ports: Vec<String> = o
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| {
            let port = p["port"].as_i64().unwrap_or(0);
            let proto = p["protocol"].as_str().unwrap_or("TCP");
            match p.get("nodePort").and_then(Value::as_i64) {
                Some(n) => format!("{port}:{n}/{proto}"),
                None => format!("{port}/{proto}"),
            }
        })
        .collect();
    let external: Vec<String> = o
        .pointer("/spec/externalIPs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| i.as_str().map(str::to_string))
        .collect();
    let external = match ty {
        "ExternalName" => str_at(o, "/spec/externalName").to_string(),
        "LoadBalancer" if external.is_empty() => "<pending>".to_string(),
        _ => or_none(external.join(",")),
    };
    let selector: Vec<String> = o
        .pointer("/spec/selector")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
        .collect();
    vec![
        json!(str_at(o, "/metadata/name")),
        json!(ty),
        json!(or_none(str_at(o, "/spec/clusterIP").to_string())),
        json!(external),
        json!(or_none(ports.join(","))),
        json!(age),
        json!(or_none(selector.join(","))),
    ]
}

pub(super) fn node_columns() -> Vec<Column> {
    vec![
        NAME,
        ("Status", "string", 0, "The status of the node"),
        ("Roles", "string", 0, "The roles of the node"),
        AGE,
        (
            "Version",
            "string",
            0,
            "Kubelet Version reported by the node.",
        ),
        (
            "Internal-IP",
            "string",
            1,
            "List of addresses reachable to the node.",
        ),
        (
            "External-IP",
            "string",
            1,
            "List of addresses reachable to the node.",
        ),
        (
            "OS-Image",
            "string",
            1,
            "OS Image reported by the node from /etc/os-release.",
        ),
        (
            "Kernel-Version",
            "string",
            1,
            "Kernel Version reported by the node from 'uname -r'.",
        ),
        (
            "Container-Runtime",
            "string",
            1,
            "ContainerRuntime Version reported by the node through runtime remote API.",
        ),
    ]
}

pub(super) fn node_cells(o: &Value, age: String) -> Vec<Value> {
    let ready = o
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["type"] == "Ready"))
        .map(|c| {
            if c["status"] == "True" {
                "Ready"
            } else {
                "NotReady"
            }
        })
        .unwrap_or("Unknown");
    let address = |ty: &str| {
        o.pointer("/status/addresses")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().find(|x| x["type"] == ty))
            .and_then(|x| x["address"].as_str())
            .unwrap_or(NONE)
            .to_string()
    };
    let info = |k: &str| str_at(o, &format!("/status/nodeInfo/{k}")).to_string();
    let unknown = |s: String| {
        if s.is_empty() {
            "<unknown>".to_string()
        } else {
            s
        }
    };
    vec![
        json!(str_at(o, "/metadata/name")),
        json!(ready),
        json!(NONE),
        json!(age),
        json!(info("kubeletVersion")),
        json!(address("InternalIP")),
        json!(address("ExternalIP")),
        json!(unknown(info("osImage"))),
        json!(format!(
            "{} ({})",
            unknown(info("kernelVersion")),
            info("architecture")
        )),
        json!(info("containerRuntimeVersion")),
    ]
}

/// The VolumeAttributesClass column came with that API (1.29).
pub(super) fn volume_columns(minor: u32) -> Vec<Column> {
    let mut c = vec![
        NAME,
        (
            "Capacity",
            "string",
            0,
            "capacity is the description of the persistent volume's resources and capacity.",
        ),
        (
            "Access Modes",
            "string",
            0,
            "accessModes contains all ways the volume can be mounted.",
        ),
        (
            "Reclaim Policy",
            "string",
            0,
            "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.",
        ),
        (
            "Status",
            "string",
            0,
            "phase indicates if a volume is available, bound to a claim, or released by a claim.",
        ),
        (
            "Claim",
            "string",
            0,
            "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.",
        ),
        ("StorageClass", "string", 0, "StorageClass of the pv"),
    ];
    if minor >= 29 {
        c.push((
            "VolumeAttributesClass",
            "string",
            0,
            "VolumeAttributesClass of the pv",
        ));
    }
    c.extend([
        ("Reason", "string", 0, "reason is a brief CamelCase string that describes any failure."),
        AGE,
        ("VolumeMode", "string", 1, "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state."),
    ]);
    c
}

pub(super) fn volume_cells(o: &Value, age: String, minor: u32) -> Vec<Value> {
    let modes: Vec<&str> = o
        .pointer("/spec/accessModes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|m| match m {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            other => other,
        })
        .collect();
    let claim = match (
        str_at(o, "/spec/claimRef/namespace"),
        str_at(o, "/spec/claimRef/name"),
    ) {
        (_, "") => String::new(),
        (ns, name) => format!("{ns}/{name}"),
    };
    let mut cells = vec![
        json!(str_at(o, "/metadata/name")),
        json!(str_at(o, "/spec/capacity/storage")),
        json!(modes.join(",")),
        json!(str_at(o, "/spec/persistentVolumeReclaimPolicy")),
        json!(str_at(o, "/status/phase")),
        json!(claim),
        json!(str_at(o, "/spec/storageClassName")),
    ];
    if minor >= 29 {
        let vac = str_at(o, "/spec/volumeAttributesClassName");
        cells.push(json!(if vac.is_empty() { "<unset>" } else { vac }));
    }
    cells.extend([
        json!(str_at(o, "/status/reason")),
        json!(age),
        json!(str_at(o, "/spec/volumeMode")),
    ]);
    cells
}
