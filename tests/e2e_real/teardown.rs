//! The ordered delete, with and without its claims, among another set's.

use super::support::*;

#[test]
fn delete_tears_down_highest_ordinal_first_and_takes_only_its_claims() {
    let _shared = shared();
    let ns = Ns::new("delete");
    let n = ns.0.as_str();
    apply(n, &set_yaml("db", 3, "nginx:1.25", None, "OrderedReady"));
    apply(n, &set_yaml("other", 1, "nginx:1.25", None, "OrderedReady"));
    settled(n, "db", 3);
    settled(n, "other", 1);
    let other_claim = get(n, "pvc/data-other-0")["metadata"]["uid"].clone();
    // The teardown scales to 0: the controller then deletes db-2 first, and only it.
    let predicted = predict(n, "db", |set| {
        set["spec"]["replicas"] = serde_json::json!(0)
    });
    assert_eq!(predicted, vec![("DeletePod".into(), "db-2".into())]);
    let watch = PodWatch::start(n);
    let out = sts_json(n, &["delete", "db", "--delete-pvcs"]);
    events(&out, 0);
    let seen = watch.seen();
    let deletes: Vec<&str> = seen
        .iter()
        .filter(|(kind, _)| kind == "DeletePod")
        .map(|(_, p)| p.as_str())
        .collect();
    assert_eq!(deletes, ["db-2", "db-1", "db-0"], "{seen:?}");
    assert_eq!(
        seen[0], predicted[0],
        "the controller's first move, as predicted"
    );
    assert!(
        !kubectl(&["get", "-n", n, "statefulset/db"])
            .status
            .success(),
        "the set is gone"
    );
    wait_for("db's claims gone", 30, || {
        let left: Vec<String> = get(n, "pvc")["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["metadata"]["name"].as_str().unwrap().to_string())
            .collect();
        (left == ["data-other-0"])
            .then_some(())
            .ok_or(format!("{left:?}"))
    });
    assert_eq!(get(n, "pvc/data-other-0")["metadata"]["uid"], other_claim);
    assert!(pods(n).contains_key("other-0"));
}

#[test]
fn delete_without_claims_keeps_them_for_a_set_that_comes_back() {
    let _shared = shared();
    let ns = with_set("keep", "db", 2, None, "OrderedReady");
    let n = ns.0.as_str();
    let claims = |n: &str| -> Vec<String> {
        get(n, "pvc")["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["metadata"]["uid"].as_str().unwrap().to_string())
            .collect()
    };
    let before = claims(n);
    let out = sts_json(n, &["delete", "db"]);
    events(&out, 0);
    assert!(pods(n).is_empty());
    assert_eq!(claims(n), before, "the claims are kept");
}

#[test]
fn delete_of_a_set_that_owns_its_claims_with_a_match_expressions_selector() {
    let _shared = shared();
    let ns = Ns::new("owned");
    let n = ns.0.as_str();
    let yaml = set_yaml("db", 2, "nginx:1.25", None, "OrderedReady")
        .replace(
            "  selector: {matchLabels: {app: db}}\n",
            "  selector: {matchExpressions: [{key: app, operator: In, values: [db]}]}\n  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Retain}\n",
        );
    assert!(yaml.contains("matchExpressions"), "{yaml}");
    apply(n, &yaml);
    settled(n, "db", 2);
    // The controller made the claims the set's (whenDeleted: Delete).
    let owned = get(n, "pvc/data-db-0")["metadata"]["ownerReferences"][0]["kind"].clone();
    assert_eq!(owned, "StatefulSet");
    // The policy would delete the claims: refused without --delete-pvcs, nothing changed.
    let rv = get(n, "statefulset/db")["metadata"]["resourceVersion"].clone();
    let out = sts_json(n, &["delete", "db"]);
    let refused = events(&out, 2);
    let end = refused.last().unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        end.contains("data-db-0, data-db-1") && end.contains("nothing changed"),
        "{end}"
    );
    assert_eq!(get(n, "statefulset/db")["metadata"]["resourceVersion"], rv);
    let watch = PodWatch::start(n);
    let out = sts_json(n, &["delete", "db", "--delete-pvcs"]);
    events(&out, 0);
    let deletes: Vec<String> = watch
        .seen()
        .into_iter()
        .filter(|(k, _)| k == "DeletePod")
        .map(|(_, p)| p)
        .collect();
    assert_eq!(deletes, ["db-1", "db-0"]);
    // The garbage collector takes the claims the set owned.
    wait_for("the owned claims collected", 60, || {
        let left = get(n, "pvc")["items"].as_array().unwrap().len();
        (left == 0).then_some(()).ok_or(format!("{left} claims"))
    });
}

#[test]
fn a_finalizer_holding_a_pod_stops_the_delete_by_name_and_a_rerun_finishes_it() {
    let _shared = shared();
    let ns = with_set("held", "db", 2, None, "OrderedReady");
    let n = ns.0.as_str();
    kubectl_ok(&[
        "patch",
        "-n",
        n,
        "pod/db-1",
        "--type",
        "merge",
        "-p",
        r#"{"metadata":{"finalizers":["e2e.kubectl-sts.io/hold"]}}"#,
    ]);
    let out = sts_json(n, &["delete", "db", "--timeout", "10s"]);
    let stream = events(&out, 1);
    let end = stream.last().unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        end.contains("db-1 is held by finalizers e2e.kubectl-sts.io/hold"),
        "{end}"
    );
    assert!(
        kubectl(&["get", "-n", n, "statefulset/db"])
            .status
            .success(),
        "the set stays"
    );
    assert!(
        pods(n).contains_key("db-0"),
        "db-0 waits for db-1 (ordered)"
    );
    kubectl_ok(&[
        "patch",
        "-n",
        n,
        "pod/db-1",
        "--type",
        "json",
        "-p",
        r#"[{"op":"remove","path":"/metadata/finalizers"}]"#,
    ]);
    let out = sts_json(n, &["delete", "db"]);
    events(&out, 0);
    assert!(
        !kubectl(&["get", "-n", n, "statefulset/db"])
            .status
            .success()
    );
    assert!(pods(n).is_empty());
}
