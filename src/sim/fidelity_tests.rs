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
        body: if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        },
    };
    let answer = api::handle(c, &req);
    c.settle();
    match answer {
        Response::Json(code, v) => (code, v),
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
    let mut c = Cluster::new(Config::default());
    let cases = [
        (
            "/spec/updateStrategy",
            json!({"type": "Rolling"}),
            "spec.updateStrategy.type: Unsupported value: \"Rolling\"",
        ),
        (
            "/spec/podManagementPolicy",
            json!("Serial"),
            "spec.podManagementPolicy: Unsupported value",
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
