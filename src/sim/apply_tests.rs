//! Tests of server-side apply (`sim::apply`).

use super::*;

fn set(replicas: i64, image: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web", "labels": {"app": "web"}},
           "spec": {"replicas": replicas, "serviceName": "web", "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                                 "spec": {"containers": [{"name": "web", "image": image}]}}}})
}

fn now() -> jiff::Timestamp {
    jiff::Timestamp::UNIX_EPOCH
}

#[test]
fn an_apply_owns_what_it_sets_and_a_list_item_by_its_key() {
    let next = apply(
        Kind::StatefulSet,
        None,
        &set(3, "nginx:1"),
        "me",
        false,
        now(),
    )
    .unwrap();
    let owned = &managers(&next)[&applier("me")];
    assert!(owned.contains(&vec!["f:spec".to_string(), "f:replicas".into()]));
    assert!(
        owned
            .iter()
            .any(|p| p.iter().any(|s| s == r#"k:{"name":"web"}"#))
    );
    assert_eq!(next["metadata"]["managedFields"][0]["operation"], "Apply");
}

#[test]
fn a_field_another_manager_changed_conflicts_unless_forced() {
    let live = apply(
        Kind::StatefulSet,
        None,
        &set(3, "nginx:1"),
        "me",
        false,
        now(),
    )
    .unwrap();
    let mut scaled = live.clone();
    scaled["spec"]["replicas"] = json!(5);
    record_update(
        Kind::StatefulSet,
        Some(&live),
        &mut scaled,
        "kubectl-scale",
        "",
        now(),
    );
    let e = apply(
        Kind::StatefulSet,
        Some(&scaled),
        &set(3, "nginx:2"),
        "me",
        false,
        now(),
    )
    .unwrap_err();
    assert_eq!(e.code, 409);
    assert!(
        e.message.contains("conflict with \"kubectl-scale\""),
        "{}",
        e.message
    );
    assert!(e.message.contains(".spec.replicas"), "{}", e.message);
    let forced = apply(
        Kind::StatefulSet,
        Some(&scaled),
        &set(3, "nginx:2"),
        "me",
        true,
        now(),
    )
    .unwrap();
    assert_eq!(forced["spec"]["replicas"], 3);
    assert_eq!(
        forced["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:2"
    );
    assert!(!managers(&forced).contains_key(&updater("kubectl-scale", "")));
}

#[test]
fn a_field_no_longer_applied_is_removed_and_others_are_kept() {
    let mut first = set(3, "nginx:1");
    first["metadata"]["labels"]["tier"] = json!("db");
    let live = apply(Kind::StatefulSet, None, &first, "me", false, now()).unwrap();
    let mut labelled = live.clone();
    labelled["metadata"]["labels"]["team"] = json!("x");
    record_update(
        Kind::StatefulSet,
        Some(&live),
        &mut labelled,
        "kubectl-label",
        "",
        now(),
    );
    let next = apply(
        Kind::StatefulSet,
        Some(&labelled),
        &set(3, "nginx:1"),
        "me",
        false,
        now(),
    )
    .unwrap();
    assert_eq!(
        next["metadata"]["labels"],
        json!({"app": "web", "team": "x"})
    );
}
