//! A large snapshot as `kubectl get sts,pods,controllerrevisions,pvc -o yaml|json` prints
//! it: the set mid-rollout, each pod with the fields a real cluster fills in (a container
//! with ports, resources, env, probes and mounts; volumes; tolerations; conditions and a
//! container status), and a claim per pod.
//! Shared by the big-input tests and `benches/big_input.rs` (included with `#[path]`).

use jiff::Timestamp;
use kubectl_sts::model::fixture::{Fixture, PodState};
use kubectl_sts::model::profile::Profile;
use serde_json::{Value, json};

/// `web` rolling from nginx:1.24 (revision `a`) to nginx:1.25 (`b`), with a `data` claim
/// template and no pods yet: `(scenario, a, b)`.
pub fn rolling(replicas: i32) -> (Fixture, usize, usize) {
    let mut sc = Fixture::new("web", replicas);
    let a = sc.revision("nginx:1.24");
    let b = sc.revision("nginx:1.25");
    sc.template = "nginx:1.25".into();
    sc.status_current = Some(a);
    sc.status_update = Some(b);
    sc.volume_claim_templates = vec!["data".into()];
    (sc, a, b)
}

pub fn kubectl_list(pods: i32) -> Value {
    let now: Timestamp = "2026-01-01T00:00:00Z"
        .parse()
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let (mut sc, a, b) = rolling(pods);
    // Mid-rollout: the top tenth is updated. One pod of each revision is rendered; the
    // rest are copies renamed to their ordinal (rendering 20,000 takes seconds).
    let first_updated = pods - pods / 10;
    sc.pod(0, a, PodState::RunningReady);
    sc.pod(first_updated, b, PodState::RunningReady);
    let objects = sc.objects(&Profile::default(), now);
    let (mut templates, mut items): (Vec<Value>, Vec<Value>) =
        objects.into_iter().partition(|o| o["kind"] == "Pod");
    for t in &mut templates {
        fatten(t);
    }
    let (old_pod, new_pod) = (&templates[0], &templates[1]);
    for o in 0..pods {
        let mut pod = if o >= first_updated { new_pod } else { old_pod }.clone();
        let name = format!("web-{o}");
        let meta = &mut pod["metadata"];
        meta["name"] = json!(name);
        meta["uid"] = json!(format!("a8f3c1d2-0000-4000-8000-{o:012}"));
        meta["labels"]["statefulset.kubernetes.io/pod-name"] = json!(name);
        meta["labels"]["apps.kubernetes.io/pod-index"] = json!(o.to_string());
        pod["spec"]["hostname"] = json!(name);
        pod["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] =
            json!(format!("data-{name}"));
        items.push(pod);
    }
    for o in 0..pods {
        items.push(json!({
            "apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": format!("data-web-{o}"), "namespace": "default",
                         "uid": format!("c0ffee00-0000-4000-8000-{o:012}"),
                         "resourceVersion": "4242", "creationTimestamp": "2025-12-30T00:00:00Z",
                         "labels": {"app": "web"},
                         "annotations": {"pv.kubernetes.io/bind-completed": "yes",
                                         "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com"},
                         "finalizers": ["kubernetes.io/pvc-protection"]},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}},
                     "storageClassName": "gp3", "volumeMode": "Filesystem",
                     "volumeName": format!("pvc-c0ffee00-0000-4000-8000-{o:012}")},
            "status": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}, "phase": "Bound"}
        }));
    }
    json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items})
}

fn fatten(pod: &mut Value) {
    let meta = &mut pod["metadata"];
    meta["generateName"] = json!("web-");
    meta["resourceVersion"] = json!("123456789");
    meta["annotations"] = json!({
        "kubectl.kubernetes.io/restartedAt": "2025-12-31T12:00:00Z",
        "prometheus.io/scrape": "true",
        "prometheus.io/port": "9113"
    });
    let spec = &mut pod["spec"];
    if let Some(c) = spec["containers"][0].as_object_mut() {
        c.insert("ports".into(), json!([{"containerPort": 80, "name": "http", "protocol": "TCP"},
                                          {"containerPort": 9113, "name": "metrics", "protocol": "TCP"}]));
        c.insert(
            "resources".into(),
            json!({"limits": {"cpu": "500m", "memory": "256Mi"},
                                             "requests": {"cpu": "100m", "memory": "128Mi"}}),
        );
        c.insert("env".into(), json!([{"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                                       {"name": "LOG_LEVEL", "value": "info"}]));
        c.insert("readinessProbe".into(), json!({"httpGet": {"path": "/healthz", "port": 80, "scheme": "HTTP"},
            "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3}));
        c.insert("volumeMounts".into(), json!([{"mountPath": "/usr/share/nginx/html", "name": "data"},
            {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access-abcde", "readOnly": true}]));
        c.insert("imagePullPolicy".into(), json!("IfNotPresent"));
        c.insert(
            "terminationMessagePath".into(),
            json!("/dev/termination-log"),
        );
        c.insert("terminationMessagePolicy".into(), json!("File"));
    }
    spec["dnsPolicy"] = json!("ClusterFirst");
    spec["enableServiceLinks"] = json!(true);
    spec["nodeName"] = json!("node-7.example.internal");
    spec["preemptionPolicy"] = json!("PreemptLowerPriority");
    spec["priority"] = json!(0);
    spec["restartPolicy"] = json!("Always");
    spec["schedulerName"] = json!("default-scheduler");
    spec["securityContext"] = json!({});
    spec["serviceAccount"] = json!("default");
    spec["serviceAccountName"] = json!("default");
    spec["terminationGracePeriodSeconds"] = json!(30);
    spec["tolerations"] = json!([
        {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
        {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}]);
    spec["volumes"] = json!([
        {"name": "data", "persistentVolumeClaim": {"claimName": "data-web-0"}},
        {"name": "kube-api-access-abcde", "projected": {"defaultMode": 420, "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}}]}}]);
    let status = &mut pod["status"];
    status["hostIP"] = json!("10.0.7.12");
    status["podIP"] = json!("10.244.7.33");
    status["podIPs"] = json!([{"ip": "10.244.7.33"}]);
    status["qosClass"] = json!("Burstable");
    if let Some(cs) = status["containerStatuses"][0].as_object_mut() {
        cs.insert(
            "containerID".into(),
            json!("containerd://0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
        );
        cs.insert("imageID".into(), json!("docker.io/library/nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
        cs.insert("started".into(), json!(true));
    }
}
