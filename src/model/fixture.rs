//! Fixtures: snapshots built from a compact description: a StatefulSet, numbered revisions of
//! its template (told apart by image), and pods in named states. The objects are shaped
//! as an API server serves them (defaulted templates, owner references, conditions), so
//! unit tests, property tests, benchmarks and simulated-cluster scenarios share one
//! source of realistic objects. Pure: the clock is an argument.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::profile::Profile;
use super::revision;
use super::snapshot::{Snapshot, SnapshotError};

/// A pod's state in a fixture (SPEC §7 notation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodState {
    /// Running and Ready (ready since `ready_for` before now).
    RunningReady,
    /// Running, not Ready.
    RunningNotReady,
    /// Running, not Ready, crash-looping.
    CrashLoop,
    Pending,
    Failed,
    Succeeded,
}

#[derive(Clone, Debug)]
pub struct PodFixture {
    pub ordinal: i32,
    /// Index into the fixture's revisions.
    pub revision: usize,
    pub state: PodState,
    pub terminating: bool,
    /// How long the pod has been Ready (RunningReady only).
    pub ready_for: SignedDuration,
    /// Drop the `statefulset.kubernetes.io/pod-name` label (identity repair).
    pub without_name_label: bool,
}

#[derive(Clone, Debug)]
pub struct PvcFixture {
    pub name: String,
    pub terminating: bool,
    /// (kind, name, uid, controller)
    pub owners: Vec<(String, String, String, bool)>,
}

/// A StatefulSet fixture. Revisions are numbered 1, 2, … in the order added; the set's
/// template is the image of `template`.
#[derive(Clone, Debug)]
pub struct Fixture {
    pub name: String,
    pub namespace: String,
    pub replicas: i32,
    pub parallel: bool,
    /// None: RollingUpdate with rollingUpdate {partition: 0}.
    pub strategy: Strategy,
    pub min_ready_seconds: i32,
    pub start: Option<i32>,
    pub history_limit: i32,
    pub volume_claim_templates: Vec<String>,
    pub retention: Option<(String, String)>,
    /// Images of revisions 1..=n.
    pub revisions: Vec<String>,
    /// The set's current template image.
    pub template: String,
    /// status.currentRevision / updateRevision (indexes into `revisions`).
    pub status_current: Option<usize>,
    pub status_update: Option<usize>,
    pub status_current_replicas: i32,
    pub deleting: bool,
    pub pods: Vec<PodFixture>,
    pub pvcs: Vec<PvcFixture>,
    pub generation: i64,
    pub observed_generation: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Strategy {
    RollingUpdate {
        partition: i32,
        max_unavailable: Option<Value>,
    },
    /// `type: RollingUpdate` with no `rollingUpdate` (SPEC §2.3 P5's other clause).
    RollingUpdateNil,
    OnDelete,
}

pub const SET_UID: &str = "5f0c3c2e-0d4a-4b8e-9a51-2a1d6f0c7e11";

impl Fixture {
    /// A set `name` in `ns` with `replicas`, one revision of image `nginx:1.24`, no pods.
    pub fn new(name: &str, replicas: i32) -> Fixture {
        Fixture {
            name: name.into(),
            namespace: "default".into(),
            replicas,
            parallel: false,
            strategy: Strategy::RollingUpdate {
                partition: 0,
                max_unavailable: None,
            },
            min_ready_seconds: 0,
            start: None,
            history_limit: 10,
            volume_claim_templates: Vec::new(),
            retention: None,
            revisions: Vec::new(),
            template: "nginx:1.24".into(),
            status_current: None,
            status_update: None,
            status_current_replicas: 0,
            deleting: false,
            pods: Vec::new(),
            pvcs: Vec::new(),
            generation: 1,
            observed_generation: 1,
        }
    }

    /// Adds a revision of `image`; returns its index.
    pub fn revision(&mut self, image: &str) -> usize {
        self.revisions.push(image.into());
        self.revisions.len() - 1
    }

    pub fn pod(&mut self, ordinal: i32, revision: usize, state: PodState) -> &mut PodFixture {
        self.pods.push(PodFixture {
            ordinal,
            revision,
            state,
            terminating: false,
            ready_for: SignedDuration::from_secs(3600),
            without_name_label: false,
        });
        let last = self.pods.len() - 1;
        &mut self.pods[last]
    }

    /// All of `0..n` (from the start ordinal) at `revision`, `state`.
    pub fn pods(&mut self, ordinals: std::ops::Range<i32>, revision: usize, state: PodState) {
        for o in ordinals {
            self.pod(o, revision, state);
        }
    }

    pub fn uid_of_pod(&self, ordinal: i32) -> String {
        format!("00000000-0000-4000-8000-{ordinal:012}")
    }

    fn template_json(&self, image: &str) -> Value {
        json!({
            "metadata": {"labels": {"app": self.name}},
            "spec": {
                "containers": [{
                    "name": "app",
                    "image": image,
                    "imagePullPolicy": "IfNotPresent",
                    "ports": [{"containerPort": 80, "name": "web", "protocol": "TCP"}],
                    "resources": {},
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File"
                }],
                "dnsPolicy": "ClusterFirst",
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "terminationGracePeriodSeconds": 30
            }
        })
    }

    /// The revision name of `image` under `profile` (collision count 0).
    pub fn revision_name(&self, image: &str, profile: &Profile) -> String {
        let set = json!({"spec": {"template": self.template_json(image)}});
        let cand = revision::candidate(&set, profile);
        revision::revision_name(&self.name, &revision::hash(&cand.data, Some(0)))
    }

    /// Name of revision `index` under `profile`.
    pub fn rev(&self, index: usize, profile: &Profile) -> String {
        self.revision_name(&self.revisions[index], profile)
    }

    fn owner_ref(&self) -> Value {
        json!([{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": self.name, "uid": SET_UID,
                "controller": true, "blockOwnerDeletion": true}])
    }

    /// The objects as `kubectl get -o json` would list them.
    pub fn objects(&self, profile: &Profile, now: Timestamp) -> Vec<Value> {
        let ts = |d: SignedDuration| now.checked_sub(d).unwrap_or(now).to_string();
        let hour = SignedDuration::from_secs(3600);
        let mut out = Vec::new();
        let strategy = match &self.strategy {
            Strategy::RollingUpdate {
                partition,
                max_unavailable,
            } => {
                let mut ru = json!({"partition": partition});
                if let Some(m) = max_unavailable {
                    ru["maxUnavailable"] = m.clone();
                }
                json!({"type": "RollingUpdate", "rollingUpdate": ru})
            }
            Strategy::RollingUpdateNil => json!({"type": "RollingUpdate"}),
            Strategy::OnDelete => json!({"type": "OnDelete"}),
        };
        let mut template = self.template_json(&self.template);
        if profile.revision_has_null_creation_timestamp() {
            template["metadata"]["creationTimestamp"] = Value::Null;
        }
        let mut spec = json!({
            "replicas": self.replicas,
            "selector": {"matchLabels": {"app": self.name}},
            "template": template,
            "serviceName": self.name,
            "podManagementPolicy": if self.parallel { "Parallel" } else { "OrderedReady" },
            "updateStrategy": strategy,
            "revisionHistoryLimit": self.history_limit,
            "minReadySeconds": self.min_ready_seconds,
        });
        if let Some(start) = self.start {
            spec["ordinals"] = json!({"start": start});
        }
        if let Some((scaled, deleted)) = &self.retention {
            spec["persistentVolumeClaimRetentionPolicy"] =
                json!({"whenScaled": scaled, "whenDeleted": deleted});
        }
        if !self.volume_claim_templates.is_empty() {
            spec["volumeClaimTemplates"] = Value::Array(
                self.volume_claim_templates
                    .iter()
                    .map(|t| {
                        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                                   "metadata": {"name": t},
                                   "spec": {"accessModes": ["ReadWriteOnce"],
                                            "resources": {"requests": {"storage": "1Gi"}},
                                            "volumeMode": "Filesystem"}})
                    })
                    .collect(),
            );
        }
        let mut status = json!({
            "observedGeneration": self.observed_generation,
            "replicas": self.pods.len(),
            "currentReplicas": self.status_current_replicas,
            "collisionCount": 0,
        });
        if let Some(c) = self.status_current {
            status["currentRevision"] = json!(self.rev(c, profile));
        }
        if let Some(u) = self.status_update {
            status["updateRevision"] = json!(self.rev(u, profile));
        }
        let mut meta = json!({"name": self.name, "namespace": self.namespace, "uid": SET_UID,
                              "generation": self.generation, "resourceVersion": "1000",
                              "creationTimestamp": ts(hour * 48), "labels": {"app": self.name}});
        if self.deleting {
            meta["deletionTimestamp"] = json!(ts(SignedDuration::from_secs(5)));
        }
        out.push(json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta, "spec": spec, "status": status}));

        for (i, image) in self.revisions.iter().enumerate() {
            let name = self.revision_name(image, profile);
            let set = json!({"spec": {"template": self.template_json(image)}});
            let data: Value = serde_json::from_slice(&revision::candidate(&set, profile).data.raw)
                .unwrap_or(Value::Null);
            out.push(json!({
                "apiVersion": "apps/v1", "kind": "ControllerRevision",
                "metadata": {"name": name, "namespace": self.namespace,
                             "uid": format!("7c240d49-d037-45b5-9a85-{:012}", i),
                             "creationTimestamp": ts(hour * (40 - i as i32)),
                             "labels": {"app": self.name, "controller.kubernetes.io/hash": name.rsplit('-').next()},
                             "ownerReferences": self.owner_ref()},
                "data": data,
                "revision": i + 1,
            }));
        }

        for p in &self.pods {
            out.push(self.pod_json(p, profile, now));
        }
        for c in &self.pvcs {
            let owners: Vec<Value> = c
                .owners
                .iter()
                .map(|(kind, name, uid, controller)| {
                    let api = if kind == "Pod" { "v1" } else { "apps/v1" };
                    let mut r = json!({"apiVersion": api, "kind": kind, "name": name, "uid": uid});
                    if *controller {
                        r["controller"] = json!(true);
                        r["blockOwnerDeletion"] = json!(true);
                    }
                    r
                })
                .collect();
            let mut meta = json!({"name": c.name, "namespace": self.namespace, "labels": {"app": self.name},
                                  "uid": format!("pvc-{}", c.name)});
            if !owners.is_empty() {
                meta["ownerReferences"] = Value::Array(owners);
            }
            if c.terminating {
                meta["deletionTimestamp"] = json!(ts(SignedDuration::from_secs(5)));
                meta["finalizers"] = json!(["kubernetes.io/pvc-protection"]);
            }
            out.push(json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta,
                            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
                            "status": {"phase": "Bound"}}));
        }
        out
    }

    fn pod_json(&self, p: &PodFixture, profile: &Profile, now: Timestamp) -> Value {
        let ts = |d: SignedDuration| now.checked_sub(d).unwrap_or(now).to_string();
        let name = format!("{}-{}", self.name, p.ordinal);
        let image = &self.revisions[p.revision];
        let mut labels = json!({"app": self.name, "controller-revision-hash": self.rev(p.revision, profile),
                                "apps.kubernetes.io/pod-index": p.ordinal.to_string()});
        if !p.without_name_label {
            labels["statefulset.kubernetes.io/pod-name"] = json!(name);
        }
        let mut template = self.template_json(image);
        let mut spec = template["spec"].take();
        spec["hostname"] = json!(name);
        spec["subdomain"] = json!(self.name);
        spec["nodeName"] = json!(format!("node-{}", p.ordinal % 3));
        if !self.volume_claim_templates.is_empty() {
            spec["volumes"] = Value::Array(
                self.volume_claim_templates
                    .iter()
                    .map(|t| json!({"name": t, "persistentVolumeClaim": {"claimName": format!("{t}-{}-{}", self.name, p.ordinal)}}))
                    .collect(),
            );
        }
        let (phase, ready, reason) = match p.state {
            PodState::RunningReady => ("Running", true, None),
            PodState::RunningNotReady => ("Running", false, None),
            PodState::CrashLoop => ("Running", false, Some("CrashLoopBackOff")),
            PodState::Pending => ("Pending", false, None),
            PodState::Failed => ("Failed", false, None),
            PodState::Succeeded => ("Succeeded", false, None),
        };
        let since = if ready {
            ts(p.ready_for)
        } else {
            ts(SignedDuration::from_secs(600))
        };
        let cond = |t: &str, ok: bool, at: &str| json!({"type": t, "status": if ok { "True" } else { "False" }, "lastProbeTime": null, "lastTransitionTime": at});
        let mut status = json!({
            "phase": phase,
            "conditions": [cond("PodScheduled", phase != "Pending", &since), cond("Initialized", true, &since),
                           cond("ContainersReady", ready, &since), cond("Ready", ready, &since)],
            "containerStatuses": [{
                "name": "app", "image": image, "imageID": "", "ready": ready,
                "restartCount": if reason.is_some() { 7 } else { 0 },
                "started": ready,
                "state": match reason {
                    Some(r) => json!({"waiting": {"reason": r}}),
                    None => json!({"running": {"startedAt": since}}),
                }
            }],
        });
        if phase == "Pending" {
            status["conditions"][0]["reason"] = json!("Unschedulable");
            status["containerStatuses"] = json!([]);
        }
        let mut meta = json!({"name": name, "namespace": self.namespace, "uid": self.uid_of_pod(p.ordinal),
                              "generateName": format!("{}-", self.name), "labels": labels,
                              "creationTimestamp": ts(SignedDuration::from_secs(7200)),
                              "ownerReferences": self.owner_ref()});
        if p.terminating {
            meta["deletionTimestamp"] = json!(ts(SignedDuration::from_secs(5)));
            meta["deletionGracePeriodSeconds"] = json!(30);
        }
        template["metadata"] = meta;
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": template["metadata"], "spec": spec, "status": status})
    }

    /// The snapshot under `profile` at `now`.
    pub fn snapshot(&self, profile: &Profile, now: Timestamp) -> Result<Snapshot, SnapshotError> {
        Snapshot::from_objects(self.objects(profile, now), Some(&self.name))
    }
}
