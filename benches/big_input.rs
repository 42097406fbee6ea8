#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `plan -f` on a 20,000-pod snapshot as kubectl prints it (a claim per pod too), in JSON
//! and in YAML: wall time and peak memory of the release binary, three runs each.
//!
//!     cargo bench --bench big_input
//!
//! Peak memory is the child's `ru_maxrss`, read in a wrapper process that runs only that
//! child (this binary, re-run with `BIG_INPUT_MEASURE=1`).

#[path = "../tests/common/big.rs"]
mod big;

use std::process::Command;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if std::env::var_os("BIG_INPUT_MEASURE").is_some() {
        // The wrapper: run the command after `--`, print seconds and peak KiB.
        let at = args.iter().position(|a| a == "--").unwrap();
        let started = Instant::now();
        let status = Command::new(&args[at + 1])
            .args(&args[at + 2..])
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "{:?} failed", &args[at + 1..]);
        let usage =
            nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN).unwrap();
        println!("{} {}", started.elapsed().as_secs_f64(), usage.max_rss());
        return;
    }
    let pods = std::env::var("BIG_INPUT_PODS")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(20_000);
    let list = big::kubectl_list(pods);
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("web.json");
    let yaml_path = dir.path().join("web.yaml");
    std::fs::write(&json_path, serde_json::to_string_pretty(&list).unwrap()).unwrap();
    std::fs::write(&yaml_path, serde_saphyr::to_string(&list).unwrap()).unwrap();
    drop(list);
    let bin = env!("CARGO_BIN_EXE_kubectl-sts");
    for path in [&json_path, &yaml_path] {
        let size = std::fs::metadata(path).unwrap().len();
        let mut runs = Vec::new();
        for _ in 0..3 {
            let out = Command::new(std::env::current_exe().unwrap())
                .env("BIG_INPUT_MEASURE", "1")
                .args(["--", bin, "plan", "-f", path.to_str().unwrap()])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            let mut parts = text.split_whitespace();
            let secs: f64 = parts.next().unwrap().parse().unwrap();
            let kib: u64 = parts.next().unwrap().parse().unwrap();
            runs.push((secs, kib));
        }
        let line: Vec<String> = runs
            .iter()
            .map(|(s, k)| format!("{s:.2} s / {} MiB", k / 1024))
            .collect();
        println!(
            "plan -f {} ({pods} pods, {} MB): {}",
            path.extension().unwrap().to_string_lossy(),
            size >> 20,
            line.join(", ")
        );
    }
}
