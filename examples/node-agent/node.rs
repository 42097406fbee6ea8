//! The Node and its Lease, kept as a kubelet keeps them.

use std::time::{Duration, Instant};

use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::Node as NodeObject;
use kube::Api;
use kube::api::{Patch, PatchParams, PostParams};
use serde_json::json;

use crate::Args;

pub struct Node {
    nodes: Api<NodeObject>,
    leases: Api<Lease>,
    name: String,
    last: Option<Instant>,
}

const RENEW: Duration = Duration::from_secs(10);

impl Node {
    pub fn new(client: kube::Client, name: &str) -> Node {
        Node {
            nodes: Api::all(client.clone()),
            leases: Api::namespaced(client, "kube-node-lease"),
            name: name.to_string(),
            last: None,
        }
    }

    pub async fn keep(&mut self, _args: &Args) -> kube::Result<()> {
        if self.last.is_some_and(|t| t.elapsed() < RENEW) {
            return Ok(());
        }
        let now = jiff::Timestamp::now().to_string();
        if self.nodes.get_opt(&self.name).await?.is_none() {
            let node: NodeObject = serde_json::from_value(json!({
                "metadata": {"name": self.name, "labels": {
                    "kubernetes.io/hostname": self.name, "kubernetes.io/os": "linux",
                    "kubernetes.io/arch": "amd64", "topology.kubernetes.io/zone": "zone-a"}},
            }))
            .expect("a Node");
            self.nodes.create(&PostParams::default(), &node).await?;
        }
        let ready = json!({"type": "Ready", "status": "True", "reason": "KubeletReady",
            "message": "the kubectl-sts node agent is posting ready status",
            "lastHeartbeatTime": now, "lastTransitionTime": now});
        let status = json!({"status": {
            "conditions": [ready],
            "addresses": [{"type": "InternalIP", "address": "127.0.0.1"},
                          {"type": "Hostname", "address": self.name}],
            "capacity": {"cpu": "64", "memory": "256Gi", "pods": "1000"},
            "allocatable": {"cpu": "64", "memory": "256Gi", "pods": "1000"},
            "nodeInfo": {"kubeletVersion": "kubectl-sts-node-agent", "containerRuntimeVersion": "none://0",
                "operatingSystem": "linux", "architecture": "amd64", "machineID": "", "systemUUID": "",
                "bootID": "", "kernelVersion": "", "osImage": "", "kubeProxyVersion": ""},
        }});
        self.nodes
            .patch_status(&self.name, &PatchParams::default(), &Patch::Merge(&status))
            .await?;
        let lease = json!({
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": self.name, "namespace": "kube-node-lease"},
            "spec": {"holderIdentity": self.name, "leaseDurationSeconds": 40,
                     "renewTime": jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()},
        });
        self.leases
            .patch(
                &self.name,
                &PatchParams::apply("kubectl-sts-node-agent").force(),
                &Patch::Apply(&lease),
            )
            .await?;
        self.last = Some(Instant::now());
        Ok(())
    }
}
