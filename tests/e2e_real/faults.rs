//! Faults a production run meets: the process killed after each write and run again, a
//! second client editing the set meanwhile, the API server restarting in the middle of a
//! step's stability wait; and namespaces (`-A`), a Parallel set's forced rollback.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::support::*;

/// The plugin in the background, its stdout (the `-o json` stream) piped.
fn spawn(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .args(args)
        .env("KUBECONFIG", kubeconfig())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Runs the plugin with `-o json`, SIGKILLing it right after its `kill_after`-th write
/// event. Returns the number of writes it reported and whether it ran to its end.
fn run_killed_after(args: &[&str], kill_after: usize) -> (usize, bool) {
    let mut child = spawn(args);
    let mut writes = 0;
    let mut ended = false;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let Ok(line) = line else { break };
        let v: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
        if v["type"] == "write" {
            writes += 1;
            if writes == kill_after {
                child.kill().unwrap();
                break;
            }
        }
        if v["type"] == "end" {
            ended = v["exitCode"] == 0;
        }
    }
    let _ = child.wait();
    (writes, ended)
}

/// Pods not Ready (or missing) among `web-0..replicas`, sampled every 100 ms until `stop`.
fn sample_unavailable(
    ns: String,
    replicas: usize,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> std::thread::JoinHandle<usize> {
    std::thread::spawn(move || {
        let mut worst = 0;
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            let p = pods(&ns);
            let up = (0..replicas)
                .filter(|i| {
                    p.get(&format!("web-{i}"))
                        .is_some_and(|(_, _, ready)| *ready)
                })
                .count();
            worst = worst.max(replicas - up);
            std::thread::sleep(Duration::from_millis(100));
        }
        worst
    })
}

/// For each k: a fresh set, the command killed (SIGKILL) right after its k-th write, then
/// run again to the end; `check` judges the namespace after each. Until a run of k writes
/// or more ends on its own (every write has been interrupted once).
/// With `sampled`, the pods web-0.. of that many replicas are sampled every 100 ms across
/// both runs: never more than one unavailable.
fn killed_after_each_write(
    test: &str,
    sampled: Option<usize>,
    setup: impl Fn(&str),
    args: impl Fn(&str) -> Vec<String>,
    check: impl Fn(&str),
) -> usize {
    for k in 1..30 {
        let ns = Ns::new(&format!("{test}{k}"));
        let n = ns.0.as_str();
        setup(n);
        let a = args(n);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sampler = sampled.map(|r| sample_unavailable(n.to_string(), r, stop.clone()));
        let (writes, ended) = run_killed_after(&a, k);
        let done = ended || writes < k;
        if !done {
            let again = sts(&a);
            // Killed after its last write, a teardown has done its work: the run after it
            // finds no set and says so (exit 1, like kubectl delete of a missing object).
            let finished_before =
                String::from_utf8_lossy(&again.stderr).contains("nothing to tear down");
            assert!(
                again.status.success() || finished_before,
                "the run after a kill at write {k}: {}",
                text(&again)
            );
        } else {
            assert!(
                ended,
                "run {k} neither reached its write {k} nor ended well"
            );
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(worst) = sampler.map(|s| s.join().unwrap()) {
            assert!(
                worst <= 1,
                "{worst} pods unavailable at once (kill at write {k})"
            );
        }
        check(n);
        if done {
            return k - 1;
        }
    }
    panic!("more than 30 writes");
}

#[test]
fn a_rollout_killed_after_each_write_converges_when_run_again() {
    let _shared = shared();
    let interrupted = killed_after_each_write(
        "killed",
        Some(2),
        |n| {
            apply(
                n,
                &set_yaml("web", 2, "nginx:1.25", Some(2), "OrderedReady"),
            );
            settled(n, "web", 2);
            set_image(n, "web", "nginx:1.26");
        },
        |n| {
            [
                "-n",
                n,
                "rollout",
                "web",
                "--all",
                "--yes",
                "--stable-for",
                "1s",
                "-o",
                "json",
            ]
            .map(String::from)
            .to_vec()
        },
        |n| {
            settled(n, "web", 2);
            let s = get(n, "statefulset/web");
            assert_eq!(s["spec"]["updateStrategy"]["rollingUpdate"]["partition"], 0);
            let update = s["status"]["updateRevision"].as_str().unwrap().to_string();
            assert!(
                pods(n)
                    .values()
                    .all(|(_, rev, ready)| *rev == update && *ready)
            );
            let notes = s["metadata"]["annotations"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            assert!(
                !notes.keys().any(|k| k.starts_with("kubectl-sts.io/step")),
                "bookkeeping left behind: {notes:?}"
            );
        },
    );
    assert!(
        interrupted >= 4,
        "a 2-ordinal rollout writes at least 4 times: {interrupted}"
    );
}

#[test]
fn a_delete_killed_after_each_write_converges_when_run_again() {
    let _shared = shared();
    let interrupted = killed_after_each_write(
        "killdel",
        None,
        |n| {
            apply(n, &set_yaml("db", 2, "nginx:1.25", None, "OrderedReady"));
            settled(n, "db", 2);
        },
        |n| {
            [
                "-n",
                n,
                "delete",
                "db",
                "--delete-pvcs",
                "--yes",
                "-o",
                "json",
            ]
            .map(String::from)
            .to_vec()
        },
        |n| {
            assert!(
                !kubectl(&["get", "-n", n, "statefulset/db"])
                    .status
                    .success()
            );
            assert!(pods(n).is_empty());
            wait_for("claims gone", 30, || {
                let left = get(n, "pvc")["items"].as_array().unwrap().len();
                (left == 0).then_some(()).ok_or(format!("{left} claims"))
            });
        },
    );
    assert!(interrupted >= 3, "{interrupted}");
}

#[test]
fn a_second_client_editing_the_set_does_not_break_the_rollout() {
    let _exclusive = shared();
    let ns = with_set("editor", "web", 3, Some(3), "OrderedReady");
    let n = ns.0.as_str();
    set_image(n, "web", "nginx:1.26");
    let (predicted, watch) = first_step_predicted(n, "web", 3);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (ns2, stop2) = (n.to_string(), stop.clone());
    // Another client annotates the set every 300 ms (each a new resourceVersion).
    let editor = std::thread::spawn(move || {
        let mut edits = 0;
        while !stop2.load(std::sync::atomic::Ordering::Relaxed) {
            edits += 1;
            let _ = kubectl(&[
                "annotate",
                "-n",
                &ns2,
                "statefulset/web",
                "--overwrite",
                &format!("e2e/edit={edits}"),
            ]);
            std::thread::sleep(Duration::from_millis(300));
        }
        edits
    });
    let out = sts_json(n, &["rollout", "web", "--all", "--stable-for", "1s"]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let edits = editor.join().unwrap();
    events(&out, 0);
    as_predicted(&watch, &predicted);
    assert!(edits > 5, "the editor edited {edits} times");
    settled(n, "web", 3);
    let s = get(n, "statefulset/web");
    assert_eq!(s["spec"]["updateStrategy"]["rollingUpdate"]["partition"], 0);
    assert!(
        s["metadata"]["annotations"]["e2e/edit"].is_string(),
        "the editor's edits stay"
    );
}

#[test]
fn an_api_server_restart_during_the_stability_wait_is_not_counted_as_stable_time() {
    let _alone = alone();
    let ns = with_set("outage", "web", 2, Some(2), "OrderedReady");
    let n = ns.0.as_str();
    set_image(n, "web", "nginx:1.26");
    let stable = 15;
    let mut child = spawn(&[
        "-n",
        n,
        "rollout",
        "web",
        "--step",
        "--yes",
        "--stable-for",
        &format!("{stable}s"),
        "-o",
        "json",
    ]);
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut watching = None;
    let mut outage = Duration::ZERO;
    let mut passed = None;
    let mut all = Vec::new();
    for line in lines {
        let line = line.unwrap();
        all.push(line.clone());
        let v: Value = serde_json::from_str(&line).unwrap();
        let msg = v["message"].as_str().unwrap_or("");
        if watching.is_none() && msg.contains("watching that it stays Ready") {
            watching = Some(Instant::now());
            // Two seconds into the wait, the API server goes down (SIGKILL) for 5 s.
            std::thread::sleep(Duration::from_secs(2));
            let down = Instant::now();
            let o = Command::new(root().join("scripts/real-cluster"))
                .args(["restart-apiserver", "5"])
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "this test restarts the API server with scripts/real-cluster (a cluster of its own): {}",
                String::from_utf8_lossy(&o.stderr)
            );
            outage = down.elapsed();
        }
        if v["type"] == "gate" && v["name"] == "ready" && v["result"] == "passed" {
            passed = Some(Instant::now());
        }
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "{}", all.join("\n"));
    let (watching, passed) = (watching.unwrap(), passed.unwrap());
    // The 5 s the server was down are not observed time: the pass comes after the whole
    // stability window of time that was watched.
    let took = passed - watching;
    assert!(
        outage >= Duration::from_secs(5)
            && took >= Duration::from_secs(stable) + Duration::from_secs(5),
        "the step passed {took:?} after the stability wait began, the server was down {outage:?}:\n{}",
        all.join("\n")
    );
}

#[test]
fn force_rollback_of_a_parallel_set_and_status_across_namespaces() {
    let _exclusive = shared();
    let ns = with_set("parallel", "web", 3, None, "Parallel");
    let n = ns.0.as_str();
    let good = pods(n)["web-0"].1.clone();
    set_image(n, "web", "nginx:broken");
    crash_looping(n, "web-2");
    // -A lists this namespace's set among the others, as stuck.
    let out = sts(&["status", "-A"]);
    let all = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = all
        .lines()
        .find(|l| l.contains(n))
        .unwrap_or_else(|| panic!("{}", text(&out)));
    assert!(line.contains("web"), "{line}");
    let out = sts_json(n, &["force-rollback", "web"]);
    events(&out, 0);
    settled(n, "web", 3);
    assert!(
        pods(n)
            .values()
            .all(|(_, rev, ready)| *rev == good && *ready)
    );
}

#[test]
fn a_rollout_interrupted_with_sigint_stops_cleanly_and_continues_when_run_again() {
    let _shared = shared();
    let ns = with_set("sigint", "web", 3, Some(3), "OrderedReady");
    let n = ns.0.as_str();
    set_image(n, "web", "nginx:1.26");
    let args = [
        "-n",
        n,
        "rollout",
        "web",
        "--all",
        "--yes",
        "--stable-for",
        "3s",
        "-o",
        "json",
    ];
    let (predicted, watch) = first_step_predicted(n, "web", 3);
    let mut child = spawn(&args);
    let mut lines = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let v: Value = serde_json::from_str(&line).unwrap();
        lines.push(v.clone());
        // Ctrl-C in the first step's stability wait.
        if v["message"]
            .as_str()
            .is_some_and(|m| m.contains("watching that it stays Ready"))
        {
            nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(child.id() as i32),
                nix::sys::signal::Signal::SIGINT,
            )
            .unwrap();
        }
    }
    let status = child.wait().unwrap();
    as_predicted(&watch, &predicted);
    assert!(!status.success(), "interrupted: {lines:?}");
    let end = lines.last().unwrap();
    assert_eq!(end["type"], "end", "the stream still ends: {end}");
    assert_eq!(end["outcome"], "stopped", "{end}");
    let s = get(n, "statefulset/web");
    assert_eq!(
        s["spec"]["updateStrategy"]["rollingUpdate"]["partition"], 2,
        "stopped in its first step"
    );
    let out = sts(&args);
    events(&out, 0);
    settled(n, "web", 3);
    let s = get(n, "statefulset/web");
    assert_eq!(s["spec"]["updateStrategy"]["rollingUpdate"]["partition"], 0);
}
