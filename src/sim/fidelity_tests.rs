//! The simulated API server answers as kube-apiserver does where a client could tell the
//! difference: through `api::handle`, the same handler the HTTP server uses.

use jiff::SignedDuration;
use serde_json::{Value, json};

use super::api::{self, Request, Response};
use super::store::Kind;
use super::{Cluster, Config};

fn call(c: &mut Cluster, method: &str, path: &str, body: Value) -> (u16, Value) {
    let req = Request {
        method: method.into(),
        path: path.into(),
        query: Vec::new(),
        content_type: "application/json".into(),
        accept: String::new(),
        user_agent: "test/1".into(),
        user: String::new(),
        body: if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        },
    };
    let answer = api::handle(c, &req);
    c.settle();
    match answer {
        Response::Json(code, v) | Response::Warned(code, v, _) => (code, v),
        Response::Raw(code, bytes) => (code, serde_json::from_slice(&bytes).unwrap_or_default()),
        Response::Watch(_) => (0, Value::Null),
    }
}

const SETS: &str = "/apis/apps/v1/namespaces/default/statefulsets";
const PODS: &str = "/api/v1/namespaces/default/pods";

fn set(name: &str, claims: bool) -> Value {
    let mut s = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name},
        "spec": {"replicas": 1, "serviceName": name, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}},
                              "spec": {"containers": [{"name": "c", "image": "nginx:1"}]}}}});
    if claims {
        s["spec"]["volumeClaimTemplates"] = json!([{"metadata": {"name": "data"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]);
    }
    s
}

#[test]
fn a_create_that_names_another_namespace_or_a_resource_version_is_refused_and_status_is_the_server_s()
 {
    let mut c = Cluster::new(Config::default());
    let mut other = set("web", false);
    other["metadata"]["namespace"] = json!("prod");
    let (code, status) = call(&mut c, "POST", SETS, other);
    assert_eq!(code, 400, "{status}");
    assert!(
        status["message"]
            .as_str()
            .unwrap()
            .contains("does not match the namespace")
    );
    let mut with_rv = set("web", false);
    with_rv["metadata"]["resourceVersion"] = json!("7");
    assert_eq!(call(&mut c, "POST", SETS, with_rv).0, 400);
    let mut with_status = set("web", false);
    with_status["status"] = json!({"replicas": 9, "readyReplicas": 9});
    let (code, created) = call(&mut c, "POST", SETS, with_status);
    assert_eq!(code, 201, "{created}");
    assert_eq!(created["status"]["replicas"], 0, "{created}");
    // A PUT whose body names another object is refused.
    let mut renamed = created.clone();
    renamed["metadata"]["name"] = json!("db");
    let (code, status) = call(&mut c, "PUT", &format!("{SETS}/web"), renamed);
    assert_eq!(code, 400, "{status}");
    assert!(
        status["message"]
            .as_str()
            .unwrap()
            .contains("does not match the name on the URL")
    );
}

#[test]
fn statefulset_fields_are_validated_as_apps_v1_does() {
    // 1.37: MaxUnavailableStatefulSet is on, so `maxUnavailable` is kept and validated
    // (with the gate off the server drops the field before validating).
    let mut c = Cluster::new(Config {
        profile: crate::model::profile::Profile::new(crate::model::profile::Version {
            minor: 37,
            patch: None,
        }),
        ..Config::default()
    });
    let cases = [
        (
            "/spec/updateStrategy",
            json!({"type": "Rolling"}),
            // As kube-apiserver words it (1.28.15 and 1.37.2 alike): the whole strategy.
            "spec.updateStrategy: Invalid value: {\"Type\":\"Rolling\",\"RollingUpdate\":null}: must be 'RollingUpdate' or 'OnDelete'",
        ),
        (
            "/spec/podManagementPolicy",
            json!("Serial"),
            "spec.podManagementPolicy: Invalid value: \"Serial\": must be 'OrderedReady' or 'Parallel'",
        ),
        (
            "/spec/minReadySeconds",
            json!(-1),
            "spec.minReadySeconds: Invalid value: -1",
        ),
        (
            "/spec/ordinals",
            json!({"start": -2}),
            "spec.ordinals.start: Invalid value: -2",
        ),
        (
            "/spec/updateStrategy",
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0}}),
            "maxUnavailable: Invalid value: 0",
        ),
        (
            "/spec/template/spec/containers",
            json!([{"name": "c"}]),
            "spec.template.spec.containers[0].image: Required value",
        ),
    ];
    for (field, value, message) in cases {
        let mut s = set("web", false);
        let (parent, key) = field.rsplit_once('/').unwrap();
        s.pointer_mut(parent).unwrap()[key] = value;
        let (code, status) = call(&mut c, "POST", SETS, s);
        assert_eq!(code, 422, "{field}: {status}");
        let got = status["message"].as_str().unwrap();
        assert!(got.contains(message), "{field}: {got}");
        assert!(
            status["details"]["causes"][0]["field"].is_string(),
            "{status}"
        );
    }
    // matchExpressions alone is a selector.
    let mut s = set("web", false);
    s["spec"]["selector"] =
        json!({"matchExpressions": [{"key": "app", "operator": "In", "values": ["web"]}]});
    assert_eq!(call(&mut c, "POST", SETS, s).0, 201);
}

#[test]
fn a_pod_no_node_has_taken_is_deleted_at_once_and_a_running_one_gracefully() {
    let mut c = Cluster::new(Config::default());
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "i"}], "terminationGracePeriodSeconds": 30}});
    // Created and deleted before the kubelet reacts (no settle in between).
    let req = |method: &str, path: &str, body: &Value| Request {
        method: method.into(),
        path: path.into(),
        query: Vec::new(),
        content_type: "application/json".into(),
        accept: String::new(),
        user_agent: String::new(),
        user: String::new(),
        body: body.to_string().into_bytes(),
    };
    api::handle(&mut c, &req("POST", PODS, &pod));
    api::handle(&mut c, &req("DELETE", &format!("{PODS}/p"), &json!({})));
    assert!(
        c.store.get(Kind::Pod, "default", "p").is_none(),
        "unscheduled: gone at once"
    );
    call(&mut c, "POST", PODS, pod);
    assert!(c.store.get(Kind::Pod, "default", "p").unwrap()["spec"]["nodeName"].is_string());
    call(&mut c, "DELETE", &format!("{PODS}/p"), json!({}));
    let p = c.store.get(Kind::Pod, "default", "p").expect("terminating");
    assert!(p["metadata"]["deletionTimestamp"].is_string());
}

#[test]
fn a_claim_in_use_outlives_its_deletion_until_no_pod_uses_it() {
    let mut c = Cluster::new(Config::default());
    call(&mut c, "POST", SETS, set("web", true));
    c.advance(SignedDuration::from_secs(10));
    let claim = c
        .store
        .get(Kind::PersistentVolumeClaim, "default", "data-web-0")
        .expect("created by the controller");
    assert_eq!(
        claim["metadata"]["finalizers"],
        json!(["kubernetes.io/pvc-protection"])
    );
    let (code, _) = call(
        &mut c,
        "DELETE",
        "/api/v1/namespaces/default/persistentvolumeclaims/data-web-0",
        json!({}),
    );
    assert_eq!(code, 200);
    c.advance(SignedDuration::from_secs(10));
    let claim = c
        .store
        .get(Kind::PersistentVolumeClaim, "default", "data-web-0")
        .expect("web-0 still uses it");
    assert!(claim["metadata"]["deletionTimestamp"].is_string());
    c.store
        .write_system(Kind::StatefulSet, "default", "web", |s| {
            s["spec"]["replicas"] = json!(0)
        })
        .unwrap();
    c.advance(SignedDuration::from_secs(10));
    assert!(c.store.get(Kind::Pod, "default", "web-0").is_none());
    assert!(
        c.store
            .get(Kind::PersistentVolumeClaim, "default", "data-web-0")
            .is_none(),
        "released once no pod uses it"
    );
}

const CLAIM: &str = "/api/v1/namespaces/default/persistentvolumeclaims/data-web-0";

fn claim(c: &Cluster) -> Value {
    c.store
        .get(Kind::PersistentVolumeClaim, "default", "data-web-0")
        .cloned()
        .expect("the controller's claim")
}

fn grow(c: &mut Cluster, size: &str) -> (u16, Value) {
    let (code, v) = api_patch(
        c,
        CLAIM,
        json!({"spec": {"resources": {"requests": {"storage": size}}}}),
    );
    (code, v)
}

fn api_patch(c: &mut Cluster, path: &str, body: Value) -> (u16, Value) {
    let req = Request {
        method: "PATCH".into(),
        path: path.into(),
        query: Vec::new(),
        content_type: "application/merge-patch+json".into(),
        accept: String::new(),
        user_agent: "test/1".into(),
        user: String::new(),
        body: body.to_string().into_bytes(),
    };
    let answer = api::handle(c, &req);
    c.settle();
    match answer {
        Response::Json(code, v) | Response::Warned(code, v, _) => (code, v),
        _ => (0, Value::Null),
    }
}

#[test]
fn storage_classes_are_served_and_a_claim_is_bound_with_the_default_class() {
    let mut c = Cluster::new(Config::default());
    let (code, list) = call(
        &mut c,
        "GET",
        "/apis/storage.k8s.io/v1/storageclasses",
        Value::Null,
    );
    assert_eq!(code, 200, "{list}");
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["fixed", "offline", "standard"]);
    assert!(
        list["items"][0]["metadata"].get("namespace").is_none(),
        "cluster-scoped"
    );
    call(&mut c, "POST", SETS, set("web", true));
    c.advance(SignedDuration::from_secs(10));
    let claim = claim(&c);
    assert_eq!(
        claim["spec"]["storageClassName"], "standard",
        "DefaultStorageClass"
    );
    assert_eq!(claim["status"]["phase"], "Bound");
    assert_eq!(claim["status"]["capacity"]["storage"], "1Gi");
    assert!(
        claim["spec"]["volumeName"]
            .as_str()
            .unwrap()
            .starts_with("pvc-")
    );
}

#[test]
fn a_claim_grows_through_resizing_and_refuses_a_shrink_or_a_fixed_class() {
    let mut c = Cluster::new(Config::default());
    call(&mut c, "POST", SETS, set("web", true));
    c.advance(SignedDuration::from_secs(10));
    let (code, v) = grow(&mut c, "2Gi");
    assert_eq!(code, 200, "{v}");
    let resizing = claim(&c);
    assert_eq!(resizing["status"]["conditions"][0]["type"], "Resizing");
    assert_eq!(resizing["status"]["capacity"]["storage"], "1Gi", "not yet");
    c.advance(SignedDuration::from_secs(3));
    let grown = claim(&c);
    assert_eq!(grown["status"]["capacity"]["storage"], "2Gi");
    assert!(grown["status"]["conditions"].is_null(), "{grown}");

    let (code, v) = grow(&mut c, "1Gi");
    assert_eq!(code, 422, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("can not be less than previous value"),
        "{v}"
    );
    let (code, v) = grow(&mut c, "lots");
    assert_eq!(code, 422, "{v}");
    let (code, v) = api_patch(
        &mut c,
        CLAIM,
        json!({"spec": {"accessModes": ["ReadWriteMany"]}}),
    );
    assert_eq!(code, 422, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("spec is immutable after creation"),
        "{v}"
    );

    // The same set on a class that cannot expand.
    let mut c = Cluster::new(Config::default());
    let mut fixed = set("web", true);
    fixed["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"] = json!("fixed");
    call(&mut c, "POST", SETS, fixed);
    c.advance(SignedDuration::from_secs(10));
    let before = claim(&c);
    let (code, v) = grow(&mut c, "2Gi");
    assert_eq!(code, 403, "{v}");
    assert_eq!(
        v["message"],
        "persistentvolumeclaims \"data-web-0\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"
    );
    assert_eq!(claim(&c), before, "nothing changed");
}

#[test]
fn an_offline_resize_waits_for_a_pod_to_mount_the_volume_afresh() {
    let mut c = Cluster::new(Config::default());
    let mut offline = set("web", true);
    offline["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"] = json!("offline");
    call(&mut c, "POST", SETS, offline);
    c.advance(SignedDuration::from_secs(10));
    assert_eq!(grow(&mut c, "3Gi").0, 200);
    c.advance(SignedDuration::from_secs(30));
    let pending = claim(&c);
    assert_eq!(
        pending["status"]["conditions"][0]["type"], "FileSystemResizePending",
        "{pending}"
    );
    assert_eq!(pending["status"]["capacity"]["storage"], "1Gi");
    call(&mut c, "DELETE", &format!("{PODS}/web-0"), json!({}));
    c.advance(SignedDuration::from_secs(30));
    let grown = claim(&c);
    assert_eq!(grown["status"]["capacity"]["storage"], "3Gi", "{grown}");
    assert!(grown["status"]["conditions"].is_null());
}

#[test]
fn an_orphaned_set_recreated_adopts_its_pods_revisions_and_claims_without_a_restart() {
    let mut c = Cluster::new(Config::default());
    let mut web = set("web", true);
    web["spec"]["replicas"] = json!(3);
    web["spec"]["persistentVolumeClaimRetentionPolicy"] =
        json!({"whenDeleted": "Delete", "whenScaled": "Retain"});
    call(&mut c, "POST", SETS, web.clone());
    c.advance(SignedDuration::from_secs(30));
    let uids = |c: &Cluster, kind: Kind| -> Vec<(String, Value)> {
        c.store
            .all(kind)
            .map(|o| {
                (
                    o["metadata"]["uid"].as_str().unwrap().to_string(),
                    o["metadata"]["ownerReferences"].clone(),
                )
            })
            .collect()
    };
    let pods = uids(&c, Kind::Pod);
    assert_eq!(pods.len(), 3);
    let claims = uids(&c, Kind::PersistentVolumeClaim);
    assert!(
        claims.iter().all(|(_, o)| o[0]["kind"] == "StatefulSet"),
        "{claims:?}"
    );
    let (code, v) = call(
        &mut c,
        "DELETE",
        &format!("{SETS}/web"),
        json!({"propagationPolicy": "Orphan"}),
    );
    assert_eq!(code, 200, "{v}");
    c.advance(SignedDuration::from_secs(30));
    let orphaned = uids(&c, Kind::Pod);
    assert_eq!(orphaned.len(), 3, "the pods stay");
    assert!(
        orphaned.iter().all(|(_, o)| o.is_null() || o == &json!([])),
        "{orphaned:?}"
    );
    assert!(
        uids(&c, Kind::PersistentVolumeClaim)
            .iter()
            .all(|(_, o)| o.is_null() || o == &json!([]))
    );
    assert!(
        uids(&c, Kind::ControllerRevision)
            .iter()
            .all(|(_, o)| o.is_null() || o == &json!([]))
    );

    let (code, created) = call(&mut c, "POST", SETS, web);
    assert_eq!(code, 201, "{created}");
    c.advance(SignedDuration::from_secs(30));
    let new_uid = created["metadata"]["uid"].as_str().unwrap();
    let adopted = uids(&c, Kind::Pod);
    assert_eq!(
        adopted.iter().map(|(u, _)| u).collect::<Vec<_>>(),
        pods.iter().map(|(u, _)| u).collect::<Vec<_>>(),
        "the same pods: none replaced"
    );
    for kind in [
        Kind::Pod,
        Kind::PersistentVolumeClaim,
        Kind::ControllerRevision,
    ] {
        for (_, owners) in uids(&c, kind) {
            assert_eq!(owners[0]["uid"], new_uid, "{kind:?} adopted: {owners}");
        }
    }
    assert_eq!(
        c.store.all(Kind::ControllerRevision).count(),
        1,
        "the revision is reused"
    );
    let set = c.store.get(Kind::StatefulSet, "default", "web").unwrap();
    assert_eq!(set["status"]["observedGeneration"], 1);
    assert_eq!(set["status"]["readyReplicas"], 3);
}

#[test]
fn a_disruption_budget_counts_the_healthy_pods_of_its_sets() {
    let mut c = Cluster::new(Config::default());
    for name in ["es-a", "es-b"] {
        let mut s = set(name, false);
        s["spec"]["replicas"] = json!(3);
        s["spec"]["template"]["metadata"]["labels"]["cluster"] = json!("es");
        call(&mut c, "POST", SETS, s);
    }
    let pdbs = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";
    let (code, created) = call(
        &mut c,
        "POST",
        pdbs,
        json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "es"},
               "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"cluster": "es"}}}}),
    );
    assert_eq!(code, 201, "{created}");
    c.advance(SignedDuration::from_secs(30));
    let status = |c: &Cluster| {
        c.store
            .get(Kind::PodDisruptionBudget, "default", "es")
            .unwrap()["status"]
            .clone()
    };
    let s = status(&c);
    assert_eq!(s["expectedPods"], 6, "{s}");
    assert_eq!(s["currentHealthy"], 6);
    assert_eq!(s["desiredHealthy"], 5);
    assert_eq!(s["disruptionsAllowed"], 1);
    assert_eq!(s["observedGeneration"], 1);
    assert_eq!(s["conditions"][0]["reason"], "SufficientPods");
    // A pod goes: none may be disrupted until it is back.
    call(&mut c, "DELETE", &format!("{PODS}/es-b-1"), json!({}));
    let s = status(&c);
    assert_eq!(s["disruptionsAllowed"], 0, "{s}");
    assert_eq!(s["conditions"][0]["reason"], "InsufficientPods");
    c.advance(SignedDuration::from_secs(30));
    assert_eq!(status(&c)["disruptionsAllowed"], 1);
    let (code, table) = {
        let req = Request {
            method: "GET".into(),
            path: pdbs.into(),
            query: Vec::new(),
            content_type: String::new(),
            accept: "application/json;as=Table;v=v1;g=meta.k8s.io".into(),
            user_agent: "test/1".into(),
            user: String::new(),
            body: Vec::new(),
        };
        match api::handle(&mut c, &req) {
            Response::Json(code, v) | Response::Warned(code, v, _) => (code, v),
            _ => (0, Value::Null),
        }
    };
    assert_eq!(code, 200);
    assert_eq!(
        table["rows"][0]["cells"],
        json!(["es", "N/A", "1", 1, "0s"])
            .as_array()
            .map(|a| {
                let mut a = a.clone();
                a[4] = table["rows"][0]["cells"][4].clone();
                Value::Array(a)
            })
            .unwrap()
    );
}

/// A number `minAvailable` counts every pod the selector matches, an unmanaged one too
/// (`getExpectedPodCount`: the pods matched), where a `maxUnavailable` counts the
/// controllers' scale.
#[test]
fn a_number_min_available_counts_unmanaged_pods_too() {
    let mut c = Cluster::new(Config::default());
    let mut s = set("es-a", false);
    s["spec"]["replicas"] = json!(3);
    s["spec"]["template"]["metadata"]["labels"]["cluster"] = json!("es");
    call(&mut c, "POST", SETS, s);
    let (code, pod) = call(
        &mut c,
        "POST",
        PODS,
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "loner", "labels": {"cluster": "es"}},
               "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}}),
    );
    assert_eq!(code, 201, "{pod}");
    let (code, created) = call(
        &mut c,
        "POST",
        "/apis/policy/v1/namespaces/default/poddisruptionbudgets",
        json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "es"},
               "spec": {"minAvailable": 3, "selector": {"matchLabels": {"cluster": "es"}}}}),
    );
    assert_eq!(code, 201, "{created}");
    c.advance(SignedDuration::from_secs(30));
    let s = c
        .store
        .get(Kind::PodDisruptionBudget, "default", "es")
        .unwrap()["status"]
        .clone();
    assert_eq!(s["expectedPods"], 4, "three of the set and the loner: {s}");
    assert_eq!(s["currentHealthy"], 4, "{s}");
    assert_eq!(s["desiredHealthy"], 3, "{s}");
    assert_eq!(s["disruptionsAllowed"], 1, "{s}");
}
