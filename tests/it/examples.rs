//! Every command line shown in `--help` (each command's Examples) and in the README runs
//! as written, against the simulated cluster (`sim serve`, wall clock) with the real
//! kubectl: `kubectl …` lines succeed; `kubectl sts …` lines are never refused as usage
//! (exit 2); long waits (`--watch`, a step's stability window) are still running after a
//! few seconds (3), which counts as running. Each line gets a fresh cluster, in a directory
//! where the files the examples name (`web.yaml`, `snapshot.yaml`, `web-v2.yaml`) exist.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::CommandFactory;

/// Lines that cannot run here, and why. Nothing else is skipped.
const CANNOT_RUN_HERE: &[(&str, &str)] = &[
    ("kubectl krew", "krew installs from the network"),
    ("${fpath[1]}", "zsh's completion path"),
    ("export KUBECONFIG", "sets the reader's shell"),
    ("cargo ", "the build itself (CI runs it)"),
];

const DB_SCENARIO: &str = "apiVersion: sim.kubectl-sts.io/v1
kind: Scenario
metadata: {name: db, description: web in namespace db}
objects:
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: web, namespace: db, labels: {app: web}}
    spec:
      replicas: 3
      serviceName: web
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers: [{name: web, image: \"nginx:1.25\"}]
";

fn help_examples() -> BTreeSet<String> {
    fn walk(cmd: &mut clap::Command, out: &mut BTreeSet<String>) {
        let help = cmd
            .get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default();
        if let Some(ex) = help.split("Examples:").nth(1) {
            for line in ex.lines().map(str::trim) {
                if line.starts_with("kubectl") || line.starts_with("source ") {
                    out.insert(line.to_string());
                }
            }
        }
        for sub in cmd.get_subcommands_mut() {
            walk(sub, out);
        }
    }
    let mut out = BTreeSet::new();
    walk(&mut kubectl_sts::cli::Cli::command(), &mut out);
    out
}

/// `kubectl …` in the README's prose (inline code) and in its shell blocks.
fn readme_commands() -> BTreeSet<String> {
    let text = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .unwrap();
    let mut out = BTreeSet::new();
    for (i, span) in text.split('`').enumerate() {
        // `kubectl sts` alone is the tool's name in prose, not a command line.
        if i % 2 == 1
            && span != "kubectl sts"
            && (span.starts_with("kubectl ") || span.starts_with("kubectl-sts "))
        {
            out.insert(span.to_string());
        }
    }
    out
}

fn prepare(dir: &Path, kubeconfig: &str) {
    // The snapshot files the examples read, taken as the examples say.
    let snap = Command::new("kubectl")
        .args([
            "get",
            "sts,pods,controllerrevisions,pvc",
            "-o",
            "yaml",
            "--kubeconfig",
            kubeconfig,
        ])
        .output()
        .unwrap();
    assert!(
        snap.status.success(),
        "{}",
        String::from_utf8_lossy(&snap.stderr)
    );
    std::fs::write(dir.join("web.yaml"), &snap.stdout).unwrap();
    std::fs::write(dir.join("snapshot.yaml"), &snap.stdout).unwrap();
    let set = Command::new("kubectl")
        .args([
            "get",
            "statefulset/web",
            "-o",
            "json",
            "--kubeconfig",
            kubeconfig,
        ])
        .output()
        .unwrap();
    let mut set: serde_json::Value = serde_json::from_slice(&set.stdout).unwrap();
    set["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.27".into();
    std::fs::write(
        dir.join("web-v2.yaml"),
        serde_json::to_string(&set).unwrap(),
    )
    .unwrap();
}

/// Runs `line` in bash; `None` when it was still running after `limit` (then killed).
fn run_line(line: &str, dir: &Path, kubeconfig: &str, bin_dir: &Path) -> (Option<i32>, String) {
    // The sim serve example writes its kubeconfig to /tmp/sim.kubeconfig and the next
    // one reads it: here that is this line's cluster's kubeconfig.
    let line = line
        .trim_end_matches('&')
        .trim()
        .replace("/tmp/sim.kubeconfig", kubeconfig);
    // The dashboard needs a terminal: it gets one (util-linux `script`, a pty).
    let line = if line.contains(" dashboard") {
        format!("script -qfec {} /dev/null", shell_quote(&line))
    } else {
        line
    };
    let mut child = Command::new("bash")
        .args(["-c", &line])
        .current_dir(dir)
        .env("KUBECONFIG", kubeconfig)
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin_dir.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if started.elapsed() > Duration::from_secs(3) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // The whole group, finished or not: bash and anything it left running (which would
    // also hold stderr open).
    let _ = nix::sys::signal::killpg(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGKILL,
    );
    let _ = child.wait();
    let mut err = String::new();
    let _ = child.stderr.take().unwrap().read_to_string(&mut err);
    (status.map(|s| s.code().unwrap_or(-1)), err)
}

use std::os::unix::process::CommandExt;

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[test]
fn every_command_line_in_help_and_readme_runs_as_written() {
    let bin_dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_kubectl-sts"),
        bin_dir.path().join("kubectl-sts"),
    )
    .unwrap();
    let mut lines: Vec<(String, &str)> =
        help_examples().into_iter().map(|l| (l, "--help")).collect();
    lines.extend(readme_commands().into_iter().map(|l| (l, "README")));
    assert!(lines.len() > 40, "found {} lines", lines.len());
    let mut failures = Vec::new();
    let mut ran = 0;
    for (line, source) in &lines {
        if CANNOT_RUN_HERE
            .iter()
            .any(|(needle, _)| line.contains(needle))
        {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        // `-n db` examples run against a cluster whose set lives in `db`; the volume
        // examples against the `volumes` scenario (set `db` with claims), with its
        // manifest in db.yaml.
        let in_db = line.contains("-n db");
        let volumes = line.contains("sts resize ") || line.contains("sts recreate ");
        let scenario = if in_db {
            let path = dir.path().join("db.yaml");
            std::fs::write(&path, DB_SCENARIO).unwrap();
            path.to_string_lossy().into_owned()
        } else if volumes {
            "volumes".to_string()
        } else {
            "stuck".to_string()
        };
        let sim = super::kubectl::serve_scenario(&scenario);
        if volumes {
            let set = Command::new("kubectl")
                .args([
                    "get",
                    "statefulset/db",
                    "-o",
                    "json",
                    "--kubeconfig",
                    &sim.kubeconfig,
                ])
                .output()
                .unwrap();
            std::fs::write(dir.path().join("db.yaml"), set.stdout).unwrap();
        } else if !in_db {
            prepare(dir.path(), &sim.kubeconfig);
        }
        let (code, err) = run_line(line, dir.path(), &sim.kubeconfig, bin_dir.path());
        ran += 1;
        let first = err.lines().next().unwrap_or("");
        let plugin = line.starts_with("kubectl sts") || line.contains("kubectl-sts");
        let refused = err.contains("unexpected argument")
            || err.contains("unrecognized")
            || err.contains("unknown flag")
            || err.contains("unknown command");
        match code {
            _ if refused => failures.push(format!("{source}: `{line}`: {first}")),
            Some(2) if plugin => failures.push(format!("{source}: `{line}`: exit 2: {first}")),
            Some(c) if !plugin && c != 0 => {
                failures.push(format!("{source}: `{line}`: kubectl exit {c}: {first}"))
            }
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} command lines do not run as written:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
