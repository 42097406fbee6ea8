//! The differential test of the controller model against the real StatefulSet
//! controller of a release (the oracle `scripts/oracle` builds): random scenarios
//! (`model::random`), feature gates at the release's defaults and flipped, each run
//! through the model and the oracle, compared as the conformance checker compares a
//! vector (revisions, the ordered actions — as a multiset under Parallel —, whether the
//! status is written and its counters). A disagreement is minimized (objects dropped
//! while it holds) and stored as a vector with the release it came from.
//!
//! ```text
//! cargo run --release --example parity -- --oracle PATH --release 1.34.4 \
//!     [--seed S] [--count N] [--store DIR] [--emit DIR --emit-count K]
//! ```
//! Last line: `N passed, M failed` (scenarios); exit 1 on any disagreement.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use kubectl_sts::model::profile::{Profile, Version};
use kubectl_sts::model::random::{Scenario, scenario};
use kubectl_sts::model::{Snapshot, plan};
use serde_json::{Value, json};

struct Args {
    oracle: String,
    release: String,
    seed: u64,
    count: u64,
    store: Option<String>,
    emit: Option<String>,
    emit_count: usize,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        oracle: String::new(),
        release: String::new(),
        seed: 1,
        count: 500,
        store: None,
        emit: None,
        emit_count: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--oracle" => a.oracle = value()?,
            "--release" => a.release = value()?,
            "--seed" => a.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--count" => a.count = value()?.parse().map_err(|e| format!("--count: {e}"))?,
            "--store" => a.store = Some(value()?),
            "--emit" => a.emit = Some(value()?),
            "--emit-count" => {
                a.emit_count = value()?.parse().map_err(|e| format!("--emit-count: {e}"))?
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if a.oracle.is_empty() || a.release.is_empty() {
        return Err("usage: parity --oracle PATH --release X.Y.Z [--seed S] [--count N] [--store DIR] [--emit DIR --emit-count K]".into());
    }
    Ok(a)
}

/// The oracle's answers to `scenarios`, in order (one process for their gates).
fn ask(oracle: &str, scenarios: &[&Scenario]) -> Result<Vec<Value>, String> {
    let mut child = Command::new(oracle)
        .arg("-batch")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running {oracle}: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let lines: Vec<String> = scenarios
        .iter()
        .map(|s| {
            json!({"now": s.now.to_string(), "featureGates": s.gates, "input": s.list()})
                .to_string()
        })
        .collect();
    let writer = std::thread::spawn(move || {
        for l in lines {
            if writeln!(stdin, "{l}").is_err() {
                return;
            }
        }
    });
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut out = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        out.push(serde_json::from_str(&line).map_err(|e| format!("oracle answer: {e}"))?);
    }
    let _ = writer.join();
    child.wait().map_err(|e| e.to_string())?;
    if out.len() != scenarios.len() {
        return Err(format!(
            "the oracle answered {} of {} requests",
            out.len(),
            scenarios.len()
        ));
    }
    Ok(out)
}

/// An action as the conformance checker compares it.
fn project(a: &Value) -> String {
    let mut k = json!({"type": a["type"], "name": a["name"]});
    if a["type"] == "CreatePod" {
        k["revision"] = a["revision"].clone();
    }
    k.to_string()
}

const STATUS_KEYS: [&str; 7] = [
    "replicas",
    "readyReplicas",
    "currentReplicas",
    "updatedReplicas",
    "availableReplicas",
    "currentRevision",
    "updateRevision",
];

/// The model's plan of `s` under `profile`, as `plan -o json` prints it.
fn model(s: &Scenario, profile: &Profile) -> Result<Value, String> {
    let mut p = *profile;
    p.gates.apply(&s.gates)?;
    let snap = Snapshot::from_objects(s.objects.clone(), Some("web")).map_err(|e| e.to_string())?;
    serde_json::to_value(plan(&snap, s.now, &p)).map_err(|e| e.to_string())
}

/// How the model's plan and the oracle's answer differ (empty when they agree).
fn differences(model: &Value, oracle: &Value) -> Vec<String> {
    let mut d = Vec::new();
    for k in ["currentRevision", "updateRevision"] {
        if model[k] != oracle[k] {
            d.push(format!("{k}: oracle {}, model {}", oracle[k], model[k]));
        }
    }
    let want: Vec<String> = oracle["actions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(project)
        .collect();
    let got: Vec<String> = model["actions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(project)
        .collect();
    let same = if oracle["parallelUnordered"] == true {
        let (mut w, mut g) = (want.clone(), got.clone());
        w.sort();
        g.sort();
        w == g
    } else {
        want == got
    };
    if !same {
        d.push(format!("actions: oracle {want:?}, model {got:?}"));
    }
    if model["statusWritten"] != oracle["statusWritten"] {
        d.push(format!(
            "statusWritten: oracle {}, model {}",
            oracle["statusWritten"], model["statusWritten"]
        ));
    } else if oracle["statusWritten"] == true {
        for k in STATUS_KEYS {
            if model["status"][k] != oracle["status"][k] {
                d.push(format!(
                    "status.{k}: oracle {}, model {}",
                    oracle["status"][k], model["status"][k]
                ));
            }
        }
    }
    d
}

/// A vector of `s` with what the oracle of `release` did.
fn vector(s: &Scenario, release: &str, answer: &Value, name: &str) -> Value {
    json!({
        "name": name,
        "description": format!("random scenario, seed {}, gates {:?}", s.seed, s.gates),
        "kubernetesCode": release,
        "featureGates": s.gates,
        "now": s.now.to_string(),
        "parallelUnordered": answer["parallelUnordered"],
        "input": s.list(),
        "expected": {
            "currentRevision": answer["currentRevision"],
            "updateRevision": answer["updateRevision"],
            "statusWritten": answer["statusWritten"],
            "actions": answer["actions"],
            "status": answer["status"],
        },
    })
}

/// `s` with objects dropped, one at a time, while the model and the oracle still differ.
fn minimize(s: &Scenario, a: &Args, profile: &Profile) -> Result<(Scenario, Value), String> {
    let mut best = s.clone();
    let mut answer = ask(&a.oracle, &[&best])?.remove(0);
    let mut i = 1;
    while i < best.objects.len() {
        let mut trial = best.clone();
        trial.objects.remove(i);
        let o = ask(&a.oracle, &[&trial])?.remove(0);
        let still = o.get("error").is_none()
            && model(&trial, profile).is_ok_and(|m| !differences(&m, &o).is_empty());
        if still {
            best = trial;
            answer = o;
        } else {
            i += 1;
        }
    }
    Ok((best, answer))
}

fn write(dir: &str, name: &str, v: &Value) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{dir}: {e}"))?;
    let path = format!("{dir}/{name}.json");
    let text = serde_json::to_string_pretty(v).map_err(|e| e.to_string())?;
    std::fs::write(&path, text + "\n").map_err(|e| format!("{path}: {e}"))
}

fn main() {
    match run() {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("parity: {e}");
            std::process::exit(2);
        }
    }
}

fn run() -> Result<bool, String> {
    let a = args()?;
    let version = Version::parse(&a.release)?;
    let profile = Profile::for_version(version)?;
    let release = format!("v{}", a.release.trim_start_matches('v'));
    let (mut passed, mut failed, mut errors) = (0usize, 0usize, 0usize);
    let mut by_gates: BTreeMap<String, Vec<Scenario>> = BTreeMap::new();
    for seed in a.seed..a.seed + a.count {
        // Each seed at the release's defaults and with its gates flipped.
        for flip in [false, true] {
            let s = scenario(seed, &profile, flip);
            by_gates
                .entry(serde_json::to_string(&s.gates).map_err(|e| e.to_string())?)
                .or_default()
                .push(s);
        }
    }
    for (gates, group) in &by_gates {
        // `--emit-count` vectors of each gate setting (the defaults and flipped).
        let mut emitted = 0;
        let refs: Vec<&Scenario> = group.iter().collect();
        let answers = ask(&a.oracle, &refs)?;
        for (s, o) in group.iter().zip(&answers) {
            if let Some(e) = o.get("error") {
                errors += 1;
                eprintln!("seed {} gates {gates}: oracle error {e}", s.seed);
                continue;
            }
            let m = model(s, &profile)?;
            let d = differences(&m, o);
            if d.is_empty() {
                passed += 1;
                if let Some(dir) = &a.emit
                    && emitted < a.emit_count
                {
                    let name = format!(
                        "{release}-seed{}-{}",
                        s.seed,
                        if s.gates.is_empty() {
                            "defaults"
                        } else {
                            "flipped"
                        }
                    );
                    write(dir, &name, &vector(s, &release, o, &name))?;
                    emitted += 1;
                }
                continue;
            }
            failed += 1;
            println!("DISAGREE {release} seed {} gates {gates}:", s.seed);
            for line in &d {
                println!("  {line}");
            }
            if let Some(dir) = &a.store {
                let (small, answer) = minimize(s, &a, &profile)?;
                let name = format!("{release}-min-seed{}", s.seed);
                println!(
                    "  minimized to {} objects: {dir}/{name}.json",
                    small.objects.len()
                );
                write(dir, &name, &vector(&small, &release, &answer, &name))?;
            }
        }
    }
    println!(
        "{release}: {} scenarios (seeds {}..={}, gates at the defaults and flipped), {failed} disagreements, {errors} oracle errors",
        passed + failed + errors,
        a.seed,
        a.seed + a.count.max(1) - 1
    );
    println!("{passed} passed, {failed} failed");
    Ok(failed == 0 && errors == 0)
}
