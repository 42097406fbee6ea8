//! Runs the shared conformance checker (scenarios recorded from the real upstream
//! controller) against the binary built by this test run.

use std::path::Path;
use std::process::Command;

#[test]
fn conformance_vectors_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checker = root.join("../shared/conformance/check.py");
    let vectors = root.join("../shared/conformance/vectors");
    if !checker.exists() {
        // Outside the project's workspace (no shared/ beside the checkout) there is
        // nothing to check against; say so loudly rather than pass quietly.
        eprintln!("SKIPPED: {} not found", checker.display());
        return;
    }
    let out = Command::new("python3")
        .arg(&checker)
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_kubectl-sts"))
        .arg(&vectors)
        .output()
        .expect("python3 runs the conformance checker");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "conformance failures:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

/// Every ControllerRevision in the vectors was named by the real controller: the model's
/// hash of its data (collision count 0) must give that exact name.
#[test]
fn revision_names_in_the_vectors_match_their_data() {
    use kubectl_sts::model::profile::{Profile, Version};
    use kubectl_sts::model::revision;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/vectors");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("SKIPPED: {} not found", dir.display());
        return;
    };
    let profile = Profile::for_version(Version::parse("1.28").unwrap()).unwrap();
    let mut checked = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for item in v["input"]["items"].as_array().unwrap() {
            if item["kind"] != "ControllerRevision" {
                continue;
            }
            let rev: k8s_openapi::api::apps::v1::ControllerRevision =
                serde_json::from_value(item.clone()).unwrap();
            let data = revision::stored_data(&rev, &profile);
            let name = revision::revision_name("web", &revision::hash(&data, Some(0)));
            assert_eq!(
                Some(name.as_str()),
                rev.metadata.name.as_deref(),
                "{}",
                path.display()
            );
            checked += 1;
        }
        // The upstream compatibility vectors: the set's template under 1.33 and 1.34 rules.
        if let Some(want) = v["expected"]["updateRevision"]
            .as_str()
            .filter(|_| v["name"].as_str().is_some_and(|n| n.starts_with("hash-")))
        {
            let version = v["kubernetesCode"].as_str().unwrap();
            let p = Profile::for_version(Version::parse(version).unwrap()).unwrap();
            let set = &v["input"]["items"][0];
            let cand = revision::candidate(set, &p);
            assert_eq!(
                revision::revision_name("test", &revision::hash(&cand.data, Some(0))),
                want,
                "{}",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "checked only {checked} revisions");
}
