//! The kubelet model: pods become Pending, then Running, then Ready after a delay; a pod
//! whose image tag is `broken` (or that carries the broken annotation) crash-loops and
//! never becomes Ready; deleted pods disappear when their (capped) grace period ends.
//! Everything is a function of the pod's timestamps and `now`, so it runs the same on a
//! virtual clock and on the wall clock.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::store::{Kind, Store, format_time, parse_time};

/// Annotation that makes a pod crash-loop whatever its image.
pub const BROKEN_ANNOTATION: &str = "sim.kubectl-sts.io/broken";

#[derive(Clone, Copy, Debug)]
pub struct KubeletConfig {
    /// From creation to Ready (Running at half of it).
    pub ready_after: SignedDuration,
    /// Grace periods are capped at this, for speed.
    pub max_grace: SignedDuration,
    /// A crash-looping container restarts this often.
    pub crash_every: SignedDuration,
    /// A claim's volume expansion takes this long (`sim::volumes::resize`).
    pub resize_after: SignedDuration,
}

impl Default for KubeletConfig {
    fn default() -> Self {
        KubeletConfig {
            ready_after: SignedDuration::from_secs(1),
            max_grace: SignedDuration::from_secs(1),
            crash_every: SignedDuration::from_secs(10),
            resize_after: SignedDuration::from_secs(2),
        }
    }
}

pub fn is_broken(pod: &Value) -> bool {
    let annotated = pod
        .pointer(&format!(
            "/metadata/annotations/{}",
            BROKEN_ANNOTATION.replace('/', "~1")
        ))
        .and_then(Value::as_str)
        == Some("true");
    let images = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    annotated
        || images.iter().any(|c| {
            c.get("image")
                .and_then(Value::as_str)
                .is_some_and(|i| i.rsplit('/').next().is_some_and(|l| l.ends_with(":broken")))
        })
}

fn add(t: Timestamp, d: SignedDuration) -> Timestamp {
    t.checked_add(d).unwrap_or(t)
}

/// When a terminating pod is gone.
fn removal_time(pod: &Value, cfg: &KubeletConfig) -> Option<Timestamp> {
    let at = parse_time(pod.pointer("/metadata/deletionTimestamp")?)?;
    let grace = SignedDuration::from_secs(
        pod.pointer("/metadata/deletionGracePeriodSeconds")
            .and_then(Value::as_i64)
            .unwrap_or(0),
    );
    let started = at.checked_sub(grace).unwrap_or(at);
    Some(add(started, grace.min(cfg.max_grace)))
}

/// The status (and node) the kubelet reports for `pod` at `now`.
fn desired(pod: &Value, now: Timestamp, cfg: &KubeletConfig) -> Option<(Value, String)> {
    let created = parse_time(pod.pointer("/metadata/creationTimestamp")?)?;
    let ordinal = pod
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .and_then(|n| n.rsplit('-').next())
        .and_then(|o| o.parse::<u64>().ok())
        .unwrap_or(0);
    let node = format!("sim-node-{}", ordinal % 3);
    let started = add(created, cfg.ready_after / 2);
    let ready_at = add(created, cfg.ready_after);
    let ts = format_time;
    let containers = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    // The kubelet's conditions, in its order; a container not ready says why.
    let cond = |t: &str, ok: bool, at: Timestamp| {
        let mut c = json!({"type": t, "status": if ok { "True" } else { "False" }, "lastProbeTime": null, "lastTransitionTime": ts(at)});
        if !ok && (t == "Ready" || t == "ContainersReady") {
            c["reason"] = json!("ContainersNotReady");
            c["message"] = json!("containers with unready status");
        }
        c
    };
    if now < started {
        let statuses: Vec<Value> = containers.iter().map(|c| json!({
            "name": c["name"], "image": c["image"], "imageID": "", "ready": false, "restartCount": 0, "started": false,
            "state": {"waiting": {"reason": "ContainerCreating"}}})).collect();
        let status = json!({"phase": "Pending", "qosClass": "BestEffort", "hostIP": "10.0.0.1",
            "conditions": [cond("PodReadyToStartContainers", false, created), cond("Initialized", true, created),
                           cond("Ready", false, created), cond("ContainersReady", false, created),
                           cond("PodScheduled", true, created)],
            "containerStatuses": statuses});
        return Some((status, node));
    }
    let broken = is_broken(pod);
    let ready = !broken && now >= ready_at;
    let since = if ready { ready_at } else { started };
    let restarts = if broken {
        let secs = cfg.crash_every.as_secs().max(1);
        (now.duration_since(started).as_secs() / secs) + 1
    } else {
        0
    };
    let statuses: Vec<Value> = containers.iter().map(|c| {
        let state = if broken {
            json!({"waiting": {"reason": "CrashLoopBackOff", "message": format!("back-off restarting failed container {}", c["name"].as_str().unwrap_or(""))}})
        } else {
            json!({"running": {"startedAt": ts(started)}})
        };
        let mut s = json!({"name": c["name"], "image": c["image"], "imageID": "", "ready": ready,
                           "restartCount": restarts, "started": !broken, "state": state});
        if broken {
            s["lastState"] = json!({"terminated": {"exitCode": 1, "reason": "Error", "startedAt": ts(started), "finishedAt": ts(started)}});
        }
        s
    }).collect();
    let status = json!({"phase": "Running", "qosClass": "BestEffort", "hostIP": "10.0.0.1",
        "podIP": format!("10.244.{}.{}", ordinal % 3, 10 + ordinal % 200), "startTime": ts(started),
        "conditions": [cond("PodReadyToStartContainers", true, started), cond("Initialized", true, started),
                       cond("Ready", ready, since), cond("ContainersReady", ready, since),
                       cond("PodScheduled", true, created)],
        "containerStatuses": statuses});
    Some((status, node))
}

/// Brings the pods `keys` (namespace, name) to their state at `now`; returns how many
/// changed. A pod that is gone is skipped.
pub fn step<'k>(
    store: &mut Store,
    keys: impl IntoIterator<Item = &'k (String, String)>,
    now: Timestamp,
    cfg: &KubeletConfig,
) -> usize {
    let mut changed = 0;
    for (ns, name) in keys {
        let Some(pod) = store.get(Kind::Pod, ns, name) else {
            continue;
        };
        if let Some(at) = removal_time(pod, cfg) {
            // Finalizers hold a terminating pod until someone removes them.
            let held = pod
                .pointer("/metadata/finalizers")
                .and_then(Value::as_array)
                .is_some_and(|f| !f.is_empty());
            if now >= at && !held {
                store.remove(Kind::Pod, ns, name);
                changed += 1;
            }
            continue;
        }
        let Some((mut status, node)) = desired(pod, now, cfg) else {
            continue;
        };
        if store.minor < 29 {
            // PodReadyToStartContainersCondition: beta, on by default, from 1.29.
            if let Some(cs) = status["conditions"].as_array_mut() {
                cs.retain(|c| c["type"] != "PodReadyToStartContainers");
            }
        }
        if pod.get("status") != Some(&status)
            || pod.pointer("/spec/nodeName").and_then(Value::as_str) != Some(&node)
        {
            // PodTopologyLabelsAdmission (beta, on by default from 1.35): the binding
            // copies the node's zone and region labels to the pod.
            let topology = store.minor >= 35
                && pod.pointer("/spec/nodeName").is_none()
                && pod
                    .pointer("/metadata/labels/topology.kubernetes.io~1zone")
                    .is_none();
            let _ = store.write_system(Kind::Pod, ns, name, |p| {
                p["status"] = status;
                p["spec"]["nodeName"] = json!(node);
                if topology {
                    p["metadata"]["labels"]["topology.kubernetes.io/zone"] =
                        json!(super::kinds::ZONE);
                }
            });
            changed += 1;
        }
    }
    if changed > 0 {
        store.collect_garbage();
    }
    changed
}

/// The next instant after `now` at which `pod` changes by itself (starts, becomes Ready,
/// restarts, or finishes terminating).
pub fn next_change(pod: &Value, now: Timestamp, cfg: &KubeletConfig) -> Option<Timestamp> {
    let mut next: Option<Timestamp> = None;
    let mut consider = |t: Timestamp| {
        if t > now && next.is_none_or(|n| t < n) {
            next = Some(t);
        }
    };
    if let Some(at) = removal_time(pod, cfg) {
        consider(at);
        return next;
    }
    let created = pod
        .pointer("/metadata/creationTimestamp")
        .and_then(parse_time)?;
    let started = add(created, cfg.ready_after / 2);
    consider(started);
    if is_broken(pod) {
        if now >= started {
            let secs = cfg.crash_every.as_secs().max(1);
            let n = now.duration_since(started).as_secs() / secs + 1;
            consider(add(started, SignedDuration::from_secs(n * secs)));
        }
    } else {
        consider(add(created, cfg.ready_after));
    }
    next
}
