//! `kubectl sts plan -f`: output formats (golden files) and every class of bad input
//! (exit 2, a message naming the file and the problem, never a panic).

use super::support::{fixture, golden, run};

const NOW: &str = "2026-01-01T00:00:00Z";

#[test]
fn plan_table_of_the_stuck_example() {
    let r = run(&["plan", "-f", "examples/stuck-rollout.yaml", "--now", NOW]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    golden("plan-stuck.txt", &r.stdout);
    assert!(r.stdout.contains("[STUCK] web-2 runs revision"));
    assert!(r.stdout.contains("$ kubectl sts force-rollback web"));
}

#[test]
fn plan_json_and_yaml_of_the_stuck_example() {
    let r = run(&[
        "plan",
        "-f",
        "examples/stuck-rollout.yaml",
        "--now",
        NOW,
        "-o",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    golden("plan-stuck.json", &r.stdout);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["waitingOn"]["pod"], "web-2");
    assert_eq!(v["diagnosis"]["state"], "stuck");
    let y = run(&[
        "plan",
        "-f",
        "examples/stuck-rollout.yaml",
        "--now",
        NOW,
        "-o",
        "yaml",
    ]);
    assert_eq!(y.code, 0, "{}", y.stderr);
    assert!(
        y.stdout.contains("updateRevision: web-65cd774644"),
        "{}",
        y.stdout
    );
}

#[test]
fn plan_reads_standard_input_and_picks_a_named_set() {
    use std::io::Write;
    use std::process::Stdio;
    let text = std::fs::read_to_string(fixture("examples/stuck-rollout.yaml")).unwrap();
    let mut child = super::support::bin()
        .args(["plan", "-f", "-", "web", "--now", NOW, "-o", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("\"updateRevision\": \"web-65cd774644\"")
    );
}

fn expect_input_error(args: &[&str], needles: &[&str]) {
    let r = run(args);
    assert_eq!(
        r.code, 2,
        "args {args:?}: stdout {} stderr {}",
        r.stdout, r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    for n in needles {
        assert!(
            r.stderr.contains(n),
            "args {args:?}: stderr lacks {n:?}: {}",
            r.stderr
        );
    }
}

#[test]
fn unreadable_file() {
    expect_input_error(
        &["plan", "-f", "/nonexistent/web.yaml"],
        &["/nonexistent/web.yaml", "cannot read"],
    );
}

#[test]
fn invalid_yaml_and_json() {
    expect_input_error(
        &["plan", "-f", "tests/fixtures/broken/invalid-yaml.yaml"],
        &["invalid-yaml.yaml", "invalid YAML"],
    );
    expect_input_error(
        &["plan", "-f", "tests/fixtures/broken/invalid-json.json"],
        &["invalid-json.json", "invalid JSON"],
    );
}

#[test]
fn no_or_several_statefulsets() {
    expect_input_error(
        &["plan", "-f", "tests/fixtures/broken/no-statefulset.yaml"],
        &["no-statefulset.yaml", "no StatefulSet"],
    );
    expect_input_error(
        &["plan", "-f", "tests/fixtures/broken/two-statefulsets.yaml"],
        &["2 StatefulSets", "web, db"],
    );
    expect_input_error(
        &[
            "plan",
            "-f",
            "tests/fixtures/broken/two-statefulsets.yaml",
            "cache",
        ],
        &["no StatefulSet named \"cache\""],
    );
    let r = run(&[
        "plan",
        "-f",
        "tests/fixtures/broken/two-statefulsets.yaml",
        "db",
        "--now",
        NOW,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("StatefulSet default/db"));
}

#[test]
fn missing_required_fields() {
    expect_input_error(
        &["plan", "-f", "tests/fixtures/broken/missing-selector.yaml"],
        &["StatefulSet web", "spec.selector"],
    );
    expect_input_error(
        &["plan", "-f", "tests/fixtures/broken/missing-template.yaml"],
        &["spec.template"],
    );
    expect_input_error(
        &["plan", "-f", "tests/fixtures/broken/missing-name.yaml"],
        &["metadata.name"],
    );
    expect_input_error(
        &[
            "plan",
            "-f",
            "tests/fixtures/broken/negative-partition.yaml",
        ],
        &["partition"],
    );
}

#[test]
fn bad_flags() {
    let f = "examples/stuck-rollout.yaml";
    expect_input_error(&["plan", "-f", f, "--now", "yesterday"], &["--now"]);
    expect_input_error(
        &["plan", "-f", f, "--kubernetes-version", "banana"],
        &["invalid Kubernetes version"],
    );
    expect_input_error(
        &["plan", "-f", f, "--kubernetes-version", "1.20"],
        &["not modelled", "1.28"],
    );
    expect_input_error(
        &["plan", "-f", f, "--feature-gates", "Nope=true"],
        &["unknown feature gate"],
    );
    expect_input_error(
        &[
            "plan",
            "-f",
            f,
            "--feature-gates",
            "MaxUnavailableStatefulSet=perhaps",
        ],
        &["invalid value"],
    );
    expect_input_error(&["plan"], &["<NAME>"]);
    expect_input_error(&["plan", "-f", f, "-o", "xml"], &["xml"]);
}

#[test]
fn every_broken_input_exits_2_without_panicking() {
    let dir = fixture("tests/fixtures/broken");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let p = path.to_str().unwrap();
        let r = run(&["plan", "-f", p, "--now", NOW]);
        assert!(!r.stderr.contains("panicked"), "{p}: {}", r.stderr);
        if path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("two-")
        {
            continue; // ambiguous without a NAME; checked above
        }
        assert_eq!(r.code, 2, "{p}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.starts_with("error: "), "{p}: {}", r.stderr);
        n += 1;
    }
    assert!(n >= 8, "expected the broken fixtures, ran {n}");
}

#[test]
fn help_teaches_with_examples() {
    let r = run(&["plan", "--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Examples:") && r.stdout.contains("kubectl sts plan -f web.yaml"));
}

/// `completions/` holds what the binary generates; regenerate with UPDATE_COMPLETIONS=1.
#[test]
fn committed_completions_match_the_cli() {
    use clap_complete::Shell;
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell] {
        let path = fixture("completions").join(kubectl_sts::cli::completion_file(shell));
        let want = kubectl_sts::cli::completion_script(shell);
        if std::env::var_os("UPDATE_COMPLETIONS").is_some() {
            std::fs::write(&path, &want).unwrap();
            continue;
        }
        let have = std::fs::read(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} is out of date with the CLI: run UPDATE_COMPLETIONS=1 cargo test",
            path.display()
        );
        let r = run(&["completion", &shell.to_string()]);
        assert_eq!(r.code, 0);
        assert_eq!(r.stdout.as_bytes(), &want[..]);
    }
}

#[test]
fn colour_marks_state_and_remedy_only_when_asked_for() {
    let snap = kubectl_sts::manifest::load_snapshot(&fixture("examples/stuck-rollout.yaml"), None)
        .unwrap();
    let now = NOW.parse().unwrap();
    let plan = kubectl_sts::model::plan(&snap, now, &kubectl_sts::model::Profile::default());
    let coloured =
        kubectl_sts::output::plan::table(&plan, false, kubectl_sts::output::Style { color: true });
    assert!(
        coloured.contains("\x1b[1;31m[STUCK]\x1b[0m"),
        "{coloured:?}"
    );
    assert!(coloured.contains("\x1b[1m$ kubectl sts force-rollback web\x1b[0m"));
    let plain = kubectl_sts::output::plan::table(&plan, false, kubectl_sts::output::Style::plain());
    assert!(!plain.contains('\x1b'));
    // The binary: stdout is a pipe here, so no colour whatever NO_COLOR says.
    let r = run(&["plan", "-f", "examples/stuck-rollout.yaml", "--now", NOW]);
    assert!(!r.stdout.contains('\x1b'));
}

/// Every command's --help teaches by example.
#[test]
fn every_command_has_examples_in_its_help() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: &mut Vec<String>, missing: &mut Vec<String>) {
        for sub in cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        {
            path.push(sub.get_name().to_string());
            let help = sub
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            if !help.contains("Examples:") {
                missing.push(path.join(" "));
            }
            walk(sub, path, missing);
            path.pop();
        }
    }
    let mut missing = Vec::new();
    walk(
        &kubectl_sts::cli::Cli::command(),
        &mut Vec::new(),
        &mut missing,
    );
    assert!(missing.is_empty(), "no examples in --help of: {missing:?}");
}
