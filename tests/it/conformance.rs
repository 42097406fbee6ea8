//! The conformance vectors (scenarios recorded from the real upstream StatefulSet
//! controller, copied into `tests/conformance/vectors`) run through the binary exactly as
//! the published checker runs them: `plan -f FILE -o json --now NOW --kubernetes-version
//! X.Y [--feature-gates ...]`, compared on revisions, the ordered actions (a multiset where
//! the controller issued them concurrently) and the status counters.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const STATUS_KEYS: [&str; 7] = [
    "replicas",
    "readyReplicas",
    "currentReplicas",
    "updatedReplicas",
    "availableReplicas",
    "currentRevision",
    "updateRevision",
];

fn vectors() -> Vec<PathBuf> {
    vectors_in("tests/conformance/vectors")
}

/// The vectors under `rel` (relative to the crate).
pub fn vectors_in(rel: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
}

pub fn load(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The part of an action the controller's behaviour fixes (type, name, and the revision
/// of a created pod).
fn project(a: &Value) -> String {
    let mut key = BTreeMap::new();
    key.insert("type", a["type"].clone());
    key.insert("name", a["name"].clone());
    if a["type"] == "CreatePod" {
        key.insert("revision", a["revision"].clone());
    }
    serde_json::to_string(&key).unwrap()
}

/// `X.Y` of the vector's `kubernetesCode`, or `X.Y.Z` when it names an exact release
/// (the oracles' vectors: `v1.35.4`).
fn version_of(v: &Value) -> Option<String> {
    let code = v["kubernetesCode"].as_str()?.trim_start_matches('v');
    let mut parts = code.split('.');
    let (major, minor) = (parts.next()?, parts.next()?);
    let digits = |s: &str| -> String { s.chars().take_while(char::is_ascii_digit).collect() };
    let exact = minor.chars().all(|c| c.is_ascii_digit());
    let minor = digits(minor);
    match parts.next().map(digits).filter(|p| exact && !p.is_empty()) {
        Some(patch) => Some(format!("{major}.{minor}.{patch}")),
        None => Some(format!("{major}.{minor}")),
    }
}

pub fn plan_of(v: &Value, dir: &Path, i: usize) -> Result<Value, String> {
    let input = dir.join(format!("input-{i}.json"));
    std::fs::write(&input, serde_json::to_vec(&v["input"]).unwrap()).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubectl-sts"));
    cmd.args(["plan", "-f"])
        .arg(&input)
        .args(["-o", "json", "--now", v["now"].as_str().unwrap()]);
    if let Some(gates) = v["featureGates"].as_object().filter(|g| !g.is_empty()) {
        let mut pairs: Vec<String> = gates
            .iter()
            .map(|(k, on)| format!("{k}={}", on.as_bool().unwrap()))
            .collect();
        pairs.sort();
        cmd.args(["--feature-gates", &pairs.join(",")]);
    }
    if let Some(version) = version_of(v) {
        cmd.args(["--kubernetes-version", &version]);
    }
    let out = cmd.output().unwrap();
    if !out.status.success() {
        return Err(format!(
            "exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("output is not JSON: {e}"))
}

/// The differences between what the controller did and what the model plans.
pub fn compare(v: &Value, plan: &Value) -> Vec<String> {
    let exp = &v["expected"];
    let mut diffs = Vec::new();
    // The oracles' vectors say whether the status was written, and are held to it.
    if v["kubernetesCode"]
        .as_str()
        .is_some_and(|c| !c.contains(' '))
        && let Some(written) = exp["statusWritten"].as_bool()
        && plan["statusWritten"].as_bool() != Some(written)
    {
        diffs.push(format!(
            "statusWritten: expected {written}, got {}",
            plan["statusWritten"]
        ));
    }
    for k in ["currentRevision", "updateRevision"] {
        if !exp[k].is_null() && plan[k] != exp[k] {
            diffs.push(format!("{k}: expected {}, got {}", exp[k], plan[k]));
        }
    }
    if let Some(want) = exp["actions"].as_array() {
        let mut want: Vec<String> = want.iter().map(project).collect();
        let mut got: Vec<String> = plan["actions"]
            .as_array()
            .map(|a| a.iter().map(project).collect())
            .unwrap_or_default();
        if v["parallelUnordered"] == true {
            want.sort();
            got.sort();
        }
        if want != got {
            diffs.push(format!("actions: expected {want:?}, got {got:?}"));
        }
    }
    for k in STATUS_KEYS {
        let want = &exp["status"][k];
        if !want.is_null() && &plan["status"][k] != want {
            diffs.push(format!(
                "status.{k}: expected {want}, got {}",
                plan["status"][k]
            ));
        }
    }
    diffs
}

#[test]
fn every_conformance_vector_passes() {
    let dir = tempfile::tempdir().unwrap();
    let paths = vectors();
    let mut failures = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let v = load(path);
        let diffs = match plan_of(&v, dir.path(), i) {
            Ok(plan) => compare(&v, &plan),
            Err(e) => vec![e],
        };
        if !diffs.is_empty() {
            let name = path.file_name().unwrap().to_string_lossy();
            failures.push(format!("FAIL {name}\n    {}", diffs.join("\n    ")));
        }
    }
    println!(
        "conformance: {} passed, {} failed",
        paths.len() - failures.len(),
        failures.len()
    );
    assert!(paths.len() >= 115, "only {} vectors", paths.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The comparison itself can fail: a vector whose expected actions are changed is caught.
#[test]
fn the_comparison_catches_a_changed_action() {
    let path = vectors()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("0404-"))
        .unwrap();
    let v = load(&path);
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_of(&v, dir.path(), 0).unwrap();
    assert!(compare(&v, &plan).is_empty());
    let mut wrong = plan.clone();
    wrong["actions"] = serde_json::json!([{"type": "CreatePod", "name": "web-0", "revision": "x"}]);
    assert!(!compare(&v, &wrong).is_empty());
    let mut wrong = plan;
    wrong["status"]["replicas"] = serde_json::json!(7);
    assert!(!compare(&v, &wrong).is_empty());
}

/// Every ControllerRevision in the vectors was named by the real controller, with the
/// set's `status.collisionCount` at the time it was created (the count only grows, so at
/// most today's): the model's hash of its data with one of those counts must give that
/// exact name, and some were named under a count above 0. Revisions another controller owns were not named by
/// this set's controller and are left out.
#[test]
fn revision_names_in_the_vectors_match_their_data() {
    use kubectl_sts::model::profile::{Profile, Version};
    use kubectl_sts::model::revision;
    let profile = Profile::for_version(Version::parse("1.28").unwrap()).unwrap();
    let (mut checked, mut with_collisions) = (0, 0);
    for path in vectors() {
        let v = load(&path);
        let items = v["input"]["items"].as_array().unwrap();
        let set = items.iter().find(|i| i["kind"] == "StatefulSet").unwrap();
        let set_uid = &set["metadata"]["uid"];
        let collisions = set["status"]["collisionCount"].as_i64().unwrap_or(0) as i32;
        for item in items {
            if item["kind"] != "ControllerRevision" {
                continue;
            }
            let foreign = item["metadata"]["ownerReferences"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|r| r["controller"] == true && &r["uid"] != set_uid);
            if foreign {
                continue;
            }
            let rev: k8s_openapi::api::apps::v1::ControllerRevision =
                serde_json::from_value(item.clone()).unwrap();
            let data = revision::stored_data(&rev, &profile);
            // Named with the count at its creation: the set's count now, or a lower one
            // if the count grew after it.
            let named_with = (0..=collisions).rev().find(|&c| {
                rev.metadata.name.as_deref()
                    == Some(
                        revision::revision_name("web", &revision::hash(&data, Some(c))).as_str(),
                    )
            });
            assert!(
                named_with.is_some(),
                "{}: {:?} is not the hash of its data under any collision count 0..={collisions}",
                path.display(),
                rev.metadata.name
            );
            checked += 1;
            with_collisions += usize::from(named_with > Some(0));
        }
        // The upstream compatibility vectors: the set's template under 1.33 and 1.34 rules.
        if let Some(want) = v["expected"]["updateRevision"]
            .as_str()
            .filter(|_| v["name"].as_str().is_some_and(|n| n.starts_with("hash-")))
        {
            let version = v["kubernetesCode"].as_str().unwrap();
            let p = Profile::for_version(Version::parse(version).unwrap()).unwrap();
            let cand = revision::candidate(&items[0], &p);
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
    assert!(
        with_collisions > 0,
        "no revision named under a collision count"
    );
}
