//! Big honest input: a 20,000-pod snapshot, as kubectl prints it, loads in JSON and in
//! YAML (the YAML reader's limits grow with the file; they once refused 3,000 pods).
//! Time and memory of `plan -f` on these files: `cargo bench --bench big_input`.

fn plan_file(path: &std::path::Path) -> (i32, String, String) {
    let r = super::support::run(&["plan", "-f", path.to_str().unwrap(), "-o", "json"]);
    (r.code, r.stdout, r.stderr)
}

#[test]
fn a_20000_pod_snapshot_loads_in_json_and_in_yaml() {
    let list = super::big::kubectl_list(20_000);
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("web.json");
    let yaml_path = dir.path().join("web.yaml");
    std::fs::write(&json_path, serde_json::to_string_pretty(&list).unwrap()).unwrap();
    let yaml = serde_saphyr::to_string(&list).unwrap();
    assert!(
        yaml.len() > 40 << 20,
        "a realistic size: {} bytes",
        yaml.len()
    );
    std::fs::write(&yaml_path, yaml).unwrap();
    drop(list);
    for path in [&json_path, &yaml_path] {
        let (code, out, err) = plan_file(path);
        assert_eq!(code, 0, "{}: {err}", path.display());
        let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
        // Mid-rollout, the top tenth updated: the pass deletes the next pod down.
        assert_eq!(plan["status"]["replicas"], 20_000, "{}", path.display());
        assert_eq!(
            plan["status"]["updatedReplicas"],
            2_000,
            "{}",
            path.display()
        );
        assert_eq!(
            plan["actions"][0]["type"],
            "DeletePod",
            "{}",
            path.display()
        );
        assert_eq!(
            plan["actions"][0]["name"],
            "web-17999",
            "{}",
            path.display()
        );
    }
}
