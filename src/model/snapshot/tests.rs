//! Building snapshots: choosing the set, refusing what the API server refuses, the indexes.

use super::*;
use crate::model::revision;
use serde_json::json;

fn set(name: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
           "metadata": {"name": name, "namespace": "ns"},
           "spec": {"selector": {"matchLabels": {"app": name}},
                    "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": []}}}})
}

/// What the API server refuses is refused here too (exit 2 upstream), and numbers the
/// model would wrap or allocate for are bounded.
#[test]
fn spec_values_the_api_server_refuses_are_refused() {
    let with = |path: &str, value: Value| {
        let mut s = set("web");
        let (parent, key) = path.rsplit_once('/').unwrap();
        let mut at = &mut s;
        for part in parent.split('/').filter(|p| !p.is_empty()) {
            at = at
                .as_object_mut()
                .unwrap()
                .entry(part)
                .or_insert_with(|| json!({}));
        }
        at[key] = value;
        decode_set(&s).map(|_| ()).map_err(|e| e.to_string())
    };
    for (path, value, says) in [
        (
            "/spec/replicas",
            json!(-1),
            "must be greater than or equal to 0",
        ),
        (
            "/spec/replicas",
            json!(2147483647),
            "more than this tool models",
        ),
        (
            "/spec/ordinals/start",
            json!(-1),
            "must be greater than or equal to 0",
        ),
        (
            "/spec/ordinals/start",
            json!(2147483647),
            "ordinals would overflow",
        ),
        (
            "/spec/updateStrategy/rollingUpdate/partition",
            json!(-2),
            "partition",
        ),
        (
            "/spec/updateStrategy/rollingUpdate/maxUnavailable",
            json!(0),
            "cannot be 0",
        ),
        (
            "/spec/updateStrategy/rollingUpdate/maxUnavailable",
            json!("0%"),
            "cannot be 0",
        ),
        (
            "/spec/updateStrategy/rollingUpdate/maxUnavailable",
            json!("150%"),
            "greater than 100%",
        ),
        (
            "/spec/updateStrategy/rollingUpdate/maxUnavailable",
            json!("x%"),
            "valid percent",
        ),
        (
            "/spec/updateStrategy/rollingUpdate/maxUnavailable",
            json!(-3),
            "greater than or equal",
        ),
        ("/spec/selector", json!({}), "empty selector"),
        ("/metadata/name", json!("Web"), "RFC 1123 subdomain"),
        (
            "/metadata/name",
            json!("web\u{1b}]0;x\u{7}"),
            "RFC 1123 subdomain",
        ),
        ("/metadata/name", json!("web-"), "RFC 1123 subdomain"),
        ("/metadata/namespace", json!("a.b"), "RFC 1123 label"),
        (
            "/spec/selector",
            json!({"matchLabels": {"app": "db"}}),
            "does not match template",
        ),
    ] {
        let err = with(path, value.clone()).unwrap_err();
        assert!(err.contains(says), "{path}={value}: {err}");
    }
    for (path, value) in [
        ("/spec/replicas", json!(MAX_REPLICAS)),
        ("/spec/ordinals/start", json!(2147483647 - 3)),
        ("/spec/updateStrategy/rollingUpdate/partition", json!(99)),
        (
            "/spec/updateStrategy/rollingUpdate/maxUnavailable",
            json!("100%"),
        ),
        (
            "/spec/updateStrategy/rollingUpdate/maxUnavailable",
            json!(7),
        ),
    ] {
        assert_eq!(with(path, value.clone()), Ok(()), "{path}={value}");
    }
}

#[test]
fn picks_the_only_set_or_the_named_one() {
    let s = Snapshot::from_objects(vec![set("web")], None).unwrap();
    assert_eq!(s.name(), "web");
    assert_eq!(s.namespace(), "ns");
    let err = Snapshot::from_objects(vec![set("a"), set("b")], None).unwrap_err();
    assert_eq!(err, SnapshotError::Ambiguous(2, "a, b".into()));
    assert_eq!(
        Snapshot::from_objects(vec![set("a"), set("b")], Some("b"))
            .unwrap()
            .name(),
        "b"
    );
    assert!(matches!(
        Snapshot::from_objects(vec![set("a")], Some("zz")),
        Err(SnapshotError::NotFound(..))
    ));
    assert_eq!(
        Snapshot::from_objects(vec![], None).unwrap_err(),
        SnapshotError::NoStatefulSet
    );
}

#[test]
fn missing_required_fields_are_named() {
    let mut s = set("web");
    s["spec"].as_object_mut().unwrap().remove("selector");
    let err = Snapshot::from_objects(vec![s], None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("StatefulSet web") && err.contains("selector"),
        "{err}"
    );
    let mut s = set("web");
    s["spec"].as_object_mut().unwrap().remove("template");
    let err = Snapshot::from_objects(vec![s], None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("template"), "{err}");
    let mut s = set("web");
    s["spec"]["updateStrategy"] =
        json!({"type": "RollingUpdate", "rollingUpdate": {"partition": -1}});
    let err = Snapshot::from_objects(vec![s], None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("partition"), "{err}");
}

#[test]
fn lists_inside_lists_are_flattened() {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-0", "namespace": "ns"}});
    let inner = json!({"apiVersion": "v1", "kind": "PodList", "items": [pod]});
    let s = Snapshot::from_objects(vec![set("web"), inner], None).unwrap();
    assert_eq!(s.pods().len(), 1);
    assert_eq!(s.records()[0].name, "web-0");
}

#[test]
fn objects_of_other_namespaces_are_dropped() {
    let pod = |ns: &str| json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-0", "namespace": ns}});
    let s = Snapshot::from_objects(vec![set("web"), pod("ns"), pod("other")], None).unwrap();
    assert_eq!(s.pods().len(), 1);
}

#[test]
fn pods_are_found_by_name_through_puts_and_removes() {
    let pod = |name: &str, phase: &str| {
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": name, "namespace": "ns"}, "status": {"phase": phase}})
    };
    let typed = |v: Value| Arc::new(serde_json::from_value::<Pod>(v).unwrap());
    let objects = vec![set("web"), pod("web-0", "Running"), pod("web-1", "Running")];
    let mut s = Snapshot::from_objects(objects, None).unwrap();
    s.put_pod(typed(pod("web-2", "Pending")));
    s.put_pod(typed(pod("web-1", "Failed")));
    assert_eq!(s.pods().len(), 3);
    assert_eq!(s.record("web-1").unwrap().phase, "Failed");
    // Removing the first moves the last into its place; every name still resolves.
    assert!(s.remove_pod("web-0").is_some());
    assert!(s.remove_pod("web-0").is_none());
    assert_eq!(s.record("web-2").unwrap().phase, "Pending");
    assert_eq!(
        s.pod("web-1").unwrap().metadata.name.as_deref(),
        Some("web-1")
    );
    for (i, r) in s.records().iter().enumerate() {
        assert_eq!(s.record(&r.name).unwrap().name, r.name);
        assert_eq!(s.pods()[i].metadata.name.as_deref(), Some(r.name.as_str()));
    }
    // A repeated name (only a hand-made file has one) is refused: no cluster has it.
    let objects = vec![set("web"), pod("web-0", "Running"), pod("web-0", "Failed")];
    let err = Snapshot::from_objects(objects, None)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("Pod web-0: listed twice"), "{err}");
}

#[test]
fn revision_bytes_are_remembered_per_release_and_follow_revision_changes() {
    use crate::model::profile::Version;
    let old = Profile::for_version(Version::parse("1.33").unwrap()).unwrap();
    let new = Profile::for_version(Version::parse("1.34").unwrap()).unwrap();
    let s = Snapshot::from_objects(vec![set("web")], None).unwrap();
    for p in [old, new, old] {
        // Asked again, or for another release: always what a fresh computation gives.
        assert_eq!(
            s.candidate(&p).data,
            revision::candidate(s.set_json(), &p).data
        );
    }
    assert_ne!(s.candidate(&old).data, s.candidate(&new).data);
    let rev = |image: &str| -> ControllerRevision {
        serde_json::from_value(json!({"metadata": {"name": "web-1", "namespace": "ns"},
            "revision": 1, "data": {"spec": {"template": {"spec": {"containers": [{"image": image}]}}}}}))
        .unwrap()
    };
    let mut s = s;
    s.put_revision(rev("a"));
    let first = s.revision_data(&s.revisions()[0], &new).into_owned();
    assert_eq!(first, revision::stored_data(&s.revisions()[0], &new));
    s.put_revision(rev("b"));
    let second = s.revision_data(&s.revisions()[0], &new).into_owned();
    assert_ne!(first, second);
    assert_eq!(second, revision::stored_data(&s.revisions()[0], &new));
    s.remove_revision("web-1");
    assert!(s.revisions().is_empty());
}

#[test]
fn equal_revision_names_get_equal_numbers() {
    let pod = |name: &str, rev: &str| {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name,
               "namespace": "ns", "labels": {"controller-revision-hash": rev}}})
    };
    let objects = vec![
        set("web"),
        pod("web-0", "web-a"),
        pod("web-1", "web-b"),
        pod("web-2", "web-a"),
    ];
    let mut s = Snapshot::from_objects(objects, None).unwrap();
    let id = |s: &Snapshot, n: &str| s.record(n).unwrap().revision_id;
    assert_eq!(id(&s, "web-0"), id(&s, "web-2"));
    assert_ne!(id(&s, "web-0"), id(&s, "web-1"));
    assert_eq!(s.revision_id("web-a"), Some(id(&s, "web-0")));
    assert_eq!(s.revision_id("web-c"), None);
    s.put_pod(Arc::new(
        serde_json::from_value(pod("web-1", "web-c")).unwrap(),
    ));
    assert_eq!(s.revision_id("web-c"), Some(id(&s, "web-1")));
    assert!([id(&s, "web-0")].iter().all(|&a| a != id(&s, "web-1")));
}

/// A status put from a pass is the status written as its JSON and decoded.
#[test]
fn a_status_put_is_the_status_written_as_json() {
    let snap = Snapshot::new(set("web"), vec![], vec![], vec![]).unwrap();
    let status = crate::model::plan::Status {
        observed_generation: 3,
        replicas: 5,
        ready_replicas: 4,
        current_replicas: 2,
        updated_replicas: 3,
        available_replicas: 1,
        current_revision: "web-a".into(),
        update_revision: "web-b".into(),
        collision_count: 0,
    };
    let (mut put, mut written) = (snap.clone(), snap);
    put.put_status(&status);
    written
        .set_status(crate::model::objects::status_value(&status))
        .unwrap();
    assert_eq!(put.set(), written.set());
    assert_eq!(put.set_json(), written.set_json());
}
