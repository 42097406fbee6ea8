//! Claims: a static provisioner for the agent's StorageClasses (`standard`, the default,
//! expandable; `fixed`, not expandable), the deletion of released volumes, and expansion
//! (the external resizer's part and the node's file-system part).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::Api;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;

pub const PROVISIONER: &str = "kubectl-sts.io/hostpath";

pub struct Volumes {
    client: kube::Client,
    resize_after: Duration,
    classes_made: bool,
    /// Claim uid → when its expansion was first seen, and to what size.
    resizing: HashMap<String, (Instant, String)>,
}

impl Volumes {
    pub fn new(client: kube::Client, resize_after: Duration) -> Volumes {
        Volumes {
            client,
            resize_after,
            classes_made: false,
            resizing: HashMap::new(),
        }
    }

    async fn classes(&mut self) -> kube::Result<()> {
        if self.classes_made {
            return Ok(());
        }
        let api: Api<StorageClass> = Api::all(self.client.clone());
        for (name, default, expand) in [("standard", true, true), ("fixed", false, false)] {
            let class = json!({
                "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                "metadata": {"name": name, "annotations": {
                    "storageclass.kubernetes.io/is-default-class": default.to_string()}},
                "provisioner": PROVISIONER, "reclaimPolicy": "Delete",
                "volumeBindingMode": "Immediate", "allowVolumeExpansion": expand,
            });
            api.patch(
                name,
                &PatchParams::apply("kubectl-sts-node-agent").force(),
                &Patch::Apply(&class),
            )
            .await?;
        }
        self.classes_made = true;
        Ok(())
    }

    pub async fn tick(&mut self) -> kube::Result<()> {
        self.classes().await?;
        let classes: Api<StorageClass> = Api::all(self.client.clone());
        let ours: Vec<String> = classes
            .list(&ListParams::default())
            .await?
            .items
            .into_iter()
            .filter(|c| c.provisioner == PROVISIONER)
            .filter_map(|c| c.metadata.name)
            .collect();
        let pvs: Api<PersistentVolume> = Api::all(self.client.clone());
        let claims: Api<PersistentVolumeClaim> = Api::all(self.client.clone());
        for claim in claims.list(&ListParams::default()).await?.items {
            let spec = claim.spec.clone().unwrap_or_default();
            let class = spec.storage_class_name.clone().unwrap_or_default();
            if !ours.contains(&class) || claim.metadata.deletion_timestamp.is_some() {
                continue;
            }
            let (Some(name), Some(ns), Some(uid)) = (
                claim.metadata.name.clone(),
                claim.metadata.namespace.clone(),
                claim.metadata.uid.clone(),
            ) else {
                continue;
            };
            let requested = spec
                .resources
                .as_ref()
                .and_then(|r| r.requests.as_ref())
                .and_then(|r| r.get("storage"))
                .map(|q| q.0.clone())
                .unwrap_or_else(|| "1Gi".into());
            let status = claim.status.clone().unwrap_or_default();
            if spec.volume_name.is_none() {
                self.provision(&pvs, &name, &ns, &uid, &class, &requested, &spec)
                    .await?;
                continue;
            }
            let capacity = status
                .capacity
                .as_ref()
                .and_then(|c| c.get("storage"))
                .map(|q| q.0.clone());
            if status.phase.as_deref() == Some("Bound")
                && capacity
                    .as_deref()
                    .is_some_and(|c| bytes(&requested) > bytes(c))
            {
                let api: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), &ns);
                let volume = spec.volume_name.clone().unwrap_or_default();
                self.expand(&api, &pvs, &name, &uid, &volume, &requested)
                    .await?;
            } else {
                self.resizing.remove(&uid);
            }
        }
        // Released volumes of the agent's classes go, as their reclaim policy says.
        for pv in pvs.list(&ListParams::default()).await?.items {
            let released = pv.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Released");
            let delete = pv
                .spec
                .as_ref()
                .and_then(|s| s.persistent_volume_reclaim_policy.as_deref())
                == Some("Delete");
            let ours = pv
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("pv.kubernetes.io/provisioned-by"))
                .is_some_and(|p| p == PROVISIONER);
            if let Some(name) = pv
                .metadata
                .name
                .as_ref()
                .filter(|_| released && delete && ours)
            {
                let _ = pvs.delete(name, &DeleteParams::default()).await;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn provision(
        &self,
        pvs: &Api<PersistentVolume>,
        name: &str,
        ns: &str,
        uid: &str,
        class: &str,
        size: &str,
        spec: &k8s_openapi::api::core::v1::PersistentVolumeClaimSpec,
    ) -> kube::Result<()> {
        let pv_name = format!("pvc-{uid}");
        if pvs.get_opt(&pv_name).await?.is_some() {
            return Ok(());
        }
        let pv: PersistentVolume = serde_json::from_value(json!({
            "metadata": {"name": pv_name, "annotations": {"pv.kubernetes.io/provisioned-by": PROVISIONER}},
            "spec": {
                "capacity": {"storage": size},
                "accessModes": spec.access_modes.clone().unwrap_or_else(|| vec!["ReadWriteOnce".into()]),
                "persistentVolumeReclaimPolicy": "Delete",
                "storageClassName": class,
                "volumeMode": spec.volume_mode.clone().unwrap_or_else(|| "Filesystem".into()),
                "hostPath": {"path": format!("/tmp/kubectl-sts-pv/{pv_name}"), "type": "DirectoryOrCreate"},
                "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                             "namespace": ns, "name": name, "uid": uid},
            },
        }))
        .expect("a PersistentVolume");
        match pvs.create(&PostParams::default(), &pv).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(e)) if e.code == 409 => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The external resizer's part: `Resizing` at once, then after `resize_after` the
    /// volume's and the claim's capacity (the file system grows online).
    async fn expand(
        &mut self,
        claims: &Api<PersistentVolumeClaim>,
        pvs: &Api<PersistentVolume>,
        name: &str,
        uid: &str,
        volume: &str,
        size: &str,
    ) -> kube::Result<()> {
        let now = jiff::Timestamp::now()
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        let (since, to) = self
            .resizing
            .entry(uid.to_string())
            .or_insert_with(|| (Instant::now(), String::new()));
        if to != size {
            *to = size.to_string();
            let status = json!({"status": {"conditions": [{"type": "Resizing", "status": "True",
                "lastProbeTime": null, "lastTransitionTime": now}]}});
            claims
                .patch_status(name, &PatchParams::default(), &Patch::Merge(&status))
                .await?;
            return Ok(());
        }
        if since.elapsed() < self.resize_after {
            return Ok(());
        }
        pvs.patch(
            volume,
            &PatchParams::default(),
            &Patch::Merge(&json!({"spec": {"capacity": {"storage": size}}})),
        )
        .await?;
        let status = json!({"status": {"capacity": {"storage": size}, "conditions": null}});
        claims
            .patch_status(name, &PatchParams::default(), &Patch::Merge(&status))
            .await?;
        self.resizing.remove(uid);
        Ok(())
    }
}

/// A storage quantity in bytes (`1Gi`, `500Mi`, `2G`, `1073741824`).
pub fn bytes(q: &str) -> f64 {
    let i = q
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(q.len());
    let (n, unit) = q.split_at(i);
    let n: f64 = n.parse().unwrap_or(0.0);
    let k: f64 = match unit {
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        _ => 1.0,
    };
    n * k
}
