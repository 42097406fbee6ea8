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
    let watch = PodWatch::start(n);
    let out = sts(&[
        "-n",
        n,
        "delete",
        "db",
        "--delete-pvcs",
        "--yes",
        "-o",
        "json",
    ]);
    events(&out, 0);
    let seen = watch.seen();
    let deletes: Vec<&str> = seen
        .iter()
        .filter(|(kind, _)| kind == "DeletePod")
        .map(|(_, p)| p.as_str())
        .collect();
    assert_eq!(deletes, ["db-2", "db-1", "db-0"], "{seen:?}");
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
    let ns = Ns::new("keep");
    let n = ns.0.as_str();
    apply(n, &set_yaml("db", 2, "nginx:1.25", None, "OrderedReady"));
    settled(n, "db", 2);
    let claims = |n: &str| -> Vec<String> {
        get(n, "pvc")["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["metadata"]["uid"].as_str().unwrap().to_string())
            .collect()
    };
    let before = claims(n);
    let out = sts(&["-n", n, "delete", "db", "--yes", "-o", "json"]);
    events(&out, 0);
    assert!(pods(n).is_empty());
    assert_eq!(claims(n), before, "the claims are kept");
}
