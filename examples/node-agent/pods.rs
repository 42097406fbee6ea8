//! Pods: bound to the node, brought to Running and Ready, crash-looped, terminated.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams, Preconditions};
use serde_json::{Value, json};

use crate::Args;

/// The scripted readiness: `"false"` keeps a running pod's containers unready.
pub const READY_ANNOTATION: &str = "e2e.kubectl-sts.io/ready";

pub struct State {
    /// Per pod uid: when the agent first saw it bound (its start) and what it last reported.
    seen: HashMap<String, Seen>,
    pod_ip: String,
    served: crate::serve::Pods,
    /// The server's minor release, read once: a kubelet reports the
    /// PodReadyToStartContainers condition from 1.29 (its gate's beta, on by default).
    minor: Option<u32>,
}

struct Seen {
    started: Instant,
    started_at: String,
    reported: Option<Reported>,
    ready_since: String,
    deleting_since: Option<Instant>,
    finished: bool,
}

#[derive(Clone, PartialEq, Eq)]
struct Reported {
    phase: &'static str,
    ready: bool,
    restarts: u64,
    crashing: bool,
}

fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

impl State {
    pub fn new(pod_ip: String, served: crate::serve::Pods) -> State {
        State {
            seen: HashMap::new(),
            pod_ip,
            served,
            minor: None,
        }
    }

    pub async fn tick(&mut self, client: &kube::Client, args: &Args) -> kube::Result<()> {
        if self.minor.is_none() {
            let v = client.apiserver_version().await?;
            self.minor = Some(v.minor.trim_end_matches('+').parse().unwrap_or(u32::MAX));
        }
        let ready_to_start = self.minor.is_some_and(|m| m >= 29);
        let all: Api<Pod> = Api::all(client.clone());
        let pods = all.list(&ListParams::default()).await?;
        let mut live = std::collections::HashSet::new();
        *self.served.lock().unwrap() = pods
            .items
            .iter()
            .map(|p| {
                let key = (
                    p.metadata.namespace.clone().unwrap_or_default(),
                    p.metadata.name.clone().unwrap_or_default(),
                );
                (key, p.metadata.annotations.clone().unwrap_or_default())
            })
            .collect();
        for pod in pods.items {
            let (Some(name), Some(ns), Some(uid)) = (
                pod.metadata.name.clone(),
                pod.metadata.namespace.clone(),
                pod.metadata.uid.clone(),
            ) else {
                continue;
            };
            live.insert(uid.clone());
            let api: Api<Pod> = Api::namespaced(client.clone(), &ns);
            let spec = pod.spec.clone().unwrap_or_default();
            let node = spec.node_name.clone();
            if node.is_none() {
                if pod.metadata.deletion_timestamp.is_none() {
                    bind(&api, &name, &args.node).await?;
                }
                continue;
            }
            if node.as_deref() != Some(args.node.as_str()) {
                continue;
            }
            let seen = self.seen.entry(uid.clone()).or_insert_with(|| {
                // A pod the agent reported before it restarted keeps its start.
                let started_at = pod
                    .status
                    .as_ref()
                    .and_then(|s| s.start_time.as_ref())
                    .map(|t| t.0.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
                let started = match &started_at {
                    Some(_) => Instant::now()
                        .checked_sub(args.ready_after)
                        .unwrap_or_else(Instant::now),
                    None => Instant::now(),
                };
                Seen {
                    started,
                    started_at: started_at.unwrap_or_else(now),
                    reported: None,
                    ready_since: now(),
                    deleting_since: None,
                    finished: false,
                }
            });
            if pod.metadata.deletion_timestamp.is_some() {
                let since = *seen.deleting_since.get_or_insert_with(Instant::now);
                let grace = pod
                    .metadata
                    .deletion_grace_period_seconds
                    .unwrap_or(30)
                    .max(0) as u64;
                let after = args.terminate_after.min(Duration::from_secs(grace));
                if !seen.finished && since.elapsed() >= after {
                    terminate(&api, &pod, &name, &uid).await?;
                    seen.finished = true;
                }
                continue;
            }
            let elapsed = seen.started.elapsed();
            let broken = spec
                .containers
                .iter()
                .any(|c| c.image.as_deref().is_some_and(|i| i.ends_with(":broken")));
            let scripted_unready = pod
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(READY_ANNOTATION))
                .is_some_and(|v| v == "false");
            let running = elapsed >= args.ready_after / 2;
            let crashing = broken && running;
            let restarts = if crashing {
                1 + ((elapsed - args.ready_after / 2).as_millis()
                    / args.crash_every.as_millis().max(1)) as u64
            } else {
                0
            };
            let ready = running && !broken && !scripted_unready && elapsed >= args.ready_after;
            let now_reported = Reported {
                phase: if running { "Running" } else { "Pending" },
                ready,
                restarts,
                crashing,
            };
            if seen.reported.as_ref() == Some(&now_reported) {
                continue;
            }
            if seen.reported.as_ref().is_none_or(|r| r.ready != ready) {
                seen.ready_since = now();
            }
            let status = status_of(
                &pod,
                &uid,
                &now_reported,
                seen,
                &self.pod_ip,
                ready_to_start,
            );
            match api
                .patch_status(&name, &PatchParams::default(), &Patch::Merge(&status))
                .await
            {
                Ok(_) => seen.reported = Some(now_reported),
                Err(kube::Error::Api(e)) if e.code == 404 || e.code == 409 => {}
                Err(e) => return Err(e),
            }
        }
        self.seen.retain(|uid, _| live.contains(uid));
        Ok(())
    }
}

async fn bind(api: &Api<Pod>, name: &str, node: &str) -> kube::Result<()> {
    let binding = json!({
        "apiVersion": "v1", "kind": "Binding",
        "metadata": {"name": name},
        "target": {"apiVersion": "v1", "kind": "Node", "name": node},
    });
    match api
        .create_subresource::<_, Value>("binding", name, &PostParams::default(), &binding)
        .await
    {
        Ok(_) => Ok(()),
        // Bound or gone meanwhile.
        Err(kube::Error::Api(e)) if matches!(e.code, 404 | 409) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The containers stopped, then the pod deleted at once, as a kubelet finishes a
/// graceful deletion (uid precondition: never a new pod of the same name).
async fn terminate(api: &Api<Pod>, pod: &Pod, name: &str, uid: &str) -> kube::Result<()> {
    let stopped: Vec<Value> = containers(pod)
        .map(|(c, image)| {
            json!({"name": c, "image": image, "imageID": image_id(&image), "ready": false,
                   "started": false, "restartCount": 0,
                   "state": {"terminated": {"exitCode": 0, "reason": "Completed",
                             "startedAt": now(), "finishedAt": now()}}})
        })
        .collect();
    let status = json!({"status": {"containerStatuses": stopped}});
    match api
        .patch_status(name, &PatchParams::default(), &Patch::Merge(&status))
        .await
    {
        Ok(_) => {}
        Err(kube::Error::Api(e)) if e.code == 404 => return Ok(()),
        Err(e) => return Err(e),
    }
    let dp = DeleteParams {
        grace_period_seconds: Some(0),
        preconditions: Some(Preconditions {
            uid: Some(uid.to_string()),
            resource_version: None,
        }),
        ..DeleteParams::default()
    };
    match api.delete(name, &dp).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(e)) if matches!(e.code, 404 | 409) => Ok(()),
        Err(e) => Err(e),
    }
}

fn containers(pod: &Pod) -> impl Iterator<Item = (String, String)> + '_ {
    pod.spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .map(|c| (c.name.clone(), c.image.clone().unwrap_or_default()))
}

fn image_id(image: &str) -> String {
    let digest = format!("{:016x}", fnv(image));
    format!("docker.io/library/{image}@sha256:{digest}{digest}{digest}{digest}")
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

fn status_of(
    pod: &Pod,
    uid: &str,
    r: &Reported,
    seen: &Seen,
    ip: &str,
    ready_to_start: bool,
) -> Value {
    let h = fnv(uid);
    let statuses: Vec<Value> = containers(pod)
        .map(|(c, image)| {
            let id = format!(
                "containerd://{:016x}{:016x}",
                fnv(&c),
                h.wrapping_add(r.restarts)
            );
            let state = if r.crashing {
                json!({"waiting": {"reason": "CrashLoopBackOff",
                    "message": format!("back-off 10s restarting failed container={c} pod={}_{}",
                        pod.metadata.name.as_deref().unwrap_or(""),
                        pod.metadata.namespace.as_deref().unwrap_or(""))}})
            } else if r.phase == "Running" {
                json!({"running": {"startedAt": seen.started_at}})
            } else {
                json!({"waiting": {"reason": "ContainerCreating"}})
            };
            let last = if r.crashing {
                json!({"terminated": {"exitCode": 1, "reason": "Error",
                    "startedAt": seen.started_at, "finishedAt": now(), "containerID": id}})
            } else {
                json!({})
            };
            json!({"name": c, "image": image, "imageID": image_id(&image), "containerID": id,
                   "ready": r.ready, "started": r.phase == "Running" && !r.crashing,
                   "restartCount": r.restarts, "state": state, "lastState": last})
        })
        .collect();
    let cond = |t: &str, ok: bool, since: &str| {
        let mut c = json!({"type": t, "status": if ok { "True" } else { "False" },
                           "lastProbeTime": null, "lastTransitionTime": since});
        if !ok && (t == "Ready" || t == "ContainersReady") {
            c["reason"] = json!("ContainersNotReady");
            c["message"] = json!("containers with unready status");
        }
        c
    };
    let running = r.phase == "Running";
    let mut conditions = vec![
        cond("PodReadyToStartContainers", running, &seen.started_at),
        cond("Initialized", true, &seen.started_at),
        cond("Ready", r.ready, &seen.ready_since),
        cond("ContainersReady", r.ready, &seen.ready_since),
        cond("PodScheduled", true, &seen.started_at),
    ];
    if !ready_to_start {
        conditions.remove(0);
    }
    json!({"status": {
        "phase": r.phase,
        "hostIP": "127.0.0.1", "hostIPs": [{"ip": "127.0.0.1"}],
        "podIP": if running { json!(ip) } else { Value::Null },
        "podIPs": if running { json!([{"ip": ip}]) } else { Value::Null },
        "startTime": seen.started_at,
        "conditions": conditions,
        "containerStatuses": statuses,
    }})
}
