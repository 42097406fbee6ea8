#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The bad-input corpus (`tests/bad-input/`) and bad flags: every case exits with the
//! right code (CONTRACT.md: 2 bad usage or input, 1 the operation failed) and a first line
//! naming the problem, within 10 s and 200 MB, never a panic, and nothing it prints can
//! drive the terminal. A test binary of its own: the peak memory read is that of this
//! binary's children (getrusage), and here its only children are the cases.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kubectl_sts::sim::cluster::{Cluster, Config};
use kubectl_sts::sim::scenario::Scenario;
use kubectl_sts::sim::server::Server;

const LIMIT: Duration = Duration::from_secs(10);
const MAX_RSS_KIB: i64 = 200 * 1024;

struct Case {
    args: Vec<String>,
    exit: i32,
    /// Found in the first line of stderr (exit ≠ 0), or in stdout (exit 0).
    says: &'static str,
}

/// Placeholders: `{c}` the corpus directory, `{live}` a kubeconfig of a simulated
/// cluster, `{dead}` one of a closed port, `{silent}` one of a port that accepts and
/// never answers.
fn cases() -> Vec<Case> {
    let plan = |file: &str, exit: i32, says: &'static str| Case {
        args: vec!["plan".into(), "-f".into(), format!("{{c}}/{file}")],
        exit,
        says,
    };
    let run = |args: &str, exit: i32, says: &'static str| Case {
        args: args.split_whitespace().map(String::from).collect(),
        exit,
        says,
    };
    vec![
        plan("empty.yaml", 2, "no Kubernetes objects found"),
        plan("only-comments.yaml", 2, "no Kubernetes objects found"),
        plan("truncated.json", 2, "invalid JSON: EOF while parsing"),
        plan("truncated.yaml", 2, "invalid YAML: unclosed bracket"),
        plan("invalid.yaml", 2, "invalid YAML"),
        plan("not-utf8.yaml", 2, "did not contain valid UTF-8"),
        plan("nul-bytes.yaml", 2, "invalid YAML: unexpected character"),
        plan("alias-bomb.yaml", 2, "YAML over the reader's limit"),
        plan(
            "deep-nesting.yaml",
            2,
            "invalid YAML: recursion limit exceeded",
        ),
        plan(
            "deep-nesting.json",
            2,
            "invalid JSON: recursion limit exceeded",
        ),
        plan("deep-block-nesting.yaml", 2, "nests deeper than 64 levels"),
        plan(
            "duplicate-keys.yaml",
            2,
            "duplicate mapping key: replicas at line 6",
        ),
        plan("a-directory", 2, "Is a directory"),
        plan("no-such-file.yaml", 2, "cannot read"),
        plan("wrong-kind.json", 2, "no StatefulSet found"),
        plan(
            "scalar.json",
            2,
            "expected a Kubernetes object, found a number",
        ),
        plan("list-of-numbers.json", 2, "expected a Kubernetes object"),
        plan("two-sets.json", 2, "2 StatefulSets found (web, db)"),
        plan(
            "missing-selector.json",
            2,
            "missing required field spec.selector",
        ),
        plan(
            "missing-template.json",
            2,
            "missing required field spec.template",
        ),
        plan(
            "missing-name.json",
            2,
            "missing required field metadata.name",
        ),
        plan(
            "selector-misses-labels.json",
            2,
            "`selector` does not match template `labels`",
        ),
        plan("empty-selector.json", 2, "empty selector is invalid"),
        plan(
            "replicas-negative.json",
            2,
            "spec.replicas: Invalid value: -1",
        ),
        plan(
            "replicas-huge.json",
            2,
            "spec.replicas: 2147483647 is more than this tool models",
        ),
        plan(
            "replicas-too-big-for-int32.json",
            2,
            "invalid value: integer `4294967296`",
        ),
        plan("replicas-string.json", 2, "invalid type: string \"3\""),
        plan("partition-negative.json", 2, "partition: Invalid value: -1"),
        plan(
            "max-unavailable-0.json",
            2,
            "maxUnavailable: Invalid value: 0: cannot be 0",
        ),
        plan("max-unavailable-0-percent.json", 2, "cannot be 0"),
        plan(
            "max-unavailable-150-percent.json",
            2,
            "must not be greater than 100%",
        ),
        plan(
            "ordinals-start-negative.json",
            2,
            "spec.ordinals.start: Invalid value: -1",
        ),
        plan("ordinals-start-huge.json", 2, "ordinals would overflow"),
        plan("duplicate-pod-names.json", 2, "Pod web-0: listed twice"),
        plan(
            "corrupt-revision.json",
            2,
            "ControllerRevision web-1: invalid type",
        ),
        plan("malformed-timestamps.json", 2, "Pod web-0: failed to parse"),
        // Valid: a pod whose name is not an ordinal is not the set's; escapes are shown
        // escaped.
        plan("non-numeric-ordinal.json", 0, "StatefulSet default/web"),
        // The API server takes a partition above replicas: nothing is updated.
        plan("partition-above-replicas.json", 0, "CreatePod"),
        plan("escapes-everywhere.json", 0, "\\x1b]0;pwned\\x07"),
        plan(
            "escape-in-set-name.json",
            2,
            "metadata.name: Invalid value: \"web\\u{1b}]0;pwned",
        ),
        // Flags.
        run(
            "rollout web --to -1 --kubeconfig {live}",
            2,
            "invalid value '-1' for '--to <P>'",
        ),
        run(
            "rollout web --step 0 --kubeconfig {live}",
            2,
            "0 is not in 1..=2147483647",
        ),
        run(
            "rollout web --step 4294967295 --kubeconfig {live}",
            2,
            "4294967295 is not in 1..=2147483647",
        ),
        run(
            "rollout web --step --stable-for -5s --kubeconfig {live}",
            2,
            "invalid duration \"-5s\": must not be negative",
        ),
        run(
            "rollout status web --timeout soon --kubeconfig {live}",
            2,
            "invalid duration \"soon\"",
        ),
        run(
            "rollout preview -f {c}/../../examples/stuck-rollout.yaml --image web=x --ready-after 1000000000h",
            2,
            "longer than kubectl allows",
        ),
        run(
            "rollout undo web --to-revision 999 --yes --kubeconfig {live}",
            2,
            "unable to find specified revision 999",
        ),
        run(
            "force-rollback web --to-revision 999 --yes --kubeconfig {live}",
            2,
            "unable to find specified revision 999",
        ),
        run(
            "plan web extra --kubeconfig {live}",
            2,
            "unexpected argument 'extra'",
        ),
        run(
            "status web --no-such-flag",
            2,
            "unexpected argument '--no-such-flag'",
        ),
        run(
            "status web --context nosuch --kubeconfig {live}",
            2,
            "context \"nosuch\" does not exist",
        ),
        run(
            "status web --user nosuch --kubeconfig {live}",
            2,
            "auth info \"nosuch\" does not exist",
        ),
        run(
            "status web --cluster nosuch --kubeconfig {live}",
            2,
            "no server found for cluster \"nosuch\"",
        ),
        run(
            "status web --kubeconfig {c}/a-directory",
            2,
            "Is a directory",
        ),
        run(
            "status web --kubeconfig {c}/kubeconfig-garbage",
            2,
            "failed to parse kubeconfig",
        ),
        run(
            "status web --kubeconfig {c}/no-such-kubeconfig",
            2,
            "no such file",
        ),
        run(
            "status nosuch --kubeconfig {live}",
            1,
            "\"nosuch\" in namespace \"default\": not found",
        ),
        run(
            "delete nosuch --yes --kubeconfig {live}",
            1,
            "\"nosuch\" not found",
        ),
        run(
            "delete web -n nosuchns --yes --kubeconfig {live}",
            1,
            "not found in namespace \"nosuchns\"",
        ),
        run(
            "status web --kubeconfig {dead}",
            1,
            "cannot reach the API server",
        ),
        run(
            "status web --kubeconfig {silent} --request-timeout 2s",
            1,
            "timed out",
        ),
    ]
}

fn kubeconfig_at(dir: &Path, name: &str, server: &str) -> String {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {{server: \"{server}\"}}\ncontexts:\n- name: c\n  context: {{cluster: c, user: u, namespace: default}}\ncurrent-context: c\nusers:\n- name: u\n  user: {{}}\n"
        ),
    )
    .unwrap();
    path.to_string_lossy().into_owned()
}

fn max_rss_kib() -> i64 {
    nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .unwrap()
        .max_rss()
}

#[test]
fn every_bad_input_is_refused_clearly_quickly_and_within_memory() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/bad-input");
    let live = runtime.block_on(async {
        let mut cluster = Cluster::new(Config::default());
        Scenario::load("default")
            .unwrap()
            .start(&mut cluster)
            .unwrap();
        Server::start(cluster, 0).await.unwrap()
    });
    let live_path = dir.path().join("live");
    live.write_kubeconfig(&live_path).unwrap();
    let dead = {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        kubeconfig_at(dir.path(), "dead", &format!("http://127.0.0.1:{port}"))
    };
    // Accepts connections (the kernel's backlog) and never answers.
    let silent_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent = kubeconfig_at(
        dir.path(),
        "silent",
        &format!("http://{}", silent_listener.local_addr().unwrap()),
    );
    let mut failures = Vec::new();
    let cases = cases();
    for case in &cases {
        let args: Vec<String> = case
            .args
            .iter()
            .map(|a| {
                a.replace("{c}", corpus.to_str().unwrap())
                    .replace("{live}", live_path.to_str().unwrap())
                    .replace("{dead}", &dead)
                    .replace("{silent}", &silent)
            })
            .collect();
        let shown = case.args.join(" ");
        let before = max_rss_kib();
        let started = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
            .args(&args)
            .env("NO_COLOR", "1")
            .env("HOME", dir.path())
            .env_remove("KUBECONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if started.elapsed() > LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let out = child.wait_with_output().unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        );
        let Some(status) = status else {
            failures.push(format!("{shown}: still running after {LIMIT:?}"));
            continue;
        };
        let rss = max_rss_kib();
        if rss > MAX_RSS_KIB && before <= MAX_RSS_KIB {
            failures.push(format!("{shown}: peak memory {} MiB", rss / 1024));
        }
        let code = status.code().unwrap_or(-1);
        let first = stderr.lines().next().unwrap_or("");
        if code != case.exit {
            failures.push(format!(
                "{shown}: exit {code}, expected {}: {first}",
                case.exit
            ));
        } else if case.exit != 0 && !(first.starts_with("error:") && first.contains(case.says)) {
            failures.push(format!(
                "{shown}: first line {first:?} does not say {:?}",
                case.says
            ));
        } else if case.exit == 0 && !stdout.contains(case.says) {
            failures.push(format!(
                "{shown}: output does not say {:?}: {stdout}",
                case.says
            ));
        }
        if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
            failures.push(format!("{shown}: panicked: {stderr}"));
        }
        if stdout.contains('\u{1b}') || stderr.contains('\u{1b}') {
            failures.push(format!("{shown}: printed a raw escape sequence"));
        }
    }
    drop(silent_listener);
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(max_rss_kib() <= MAX_RSS_KIB, "peak {} KiB", max_rss_kib());
}
