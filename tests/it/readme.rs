//! The README's ```console blocks are real runs: each block's first line is
//! `$ kubectl sts ARGS`, the rest its output. This replays them (offline commands and the
//! simulated cluster only) and fails when the README drifts; UPDATE_README=1 rewrites
//! the outputs from fresh runs.

use std::path::PathBuf;

fn run(args: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .args(args.split_whitespace())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_readme_commands_print_what_the_readme_shows() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let update = std::env::var_os("UPDATE_README").is_some();
    let mut rewritten = String::new();
    let mut blocks = 0;
    let mut rest = text.as_str();
    while let Some(start) = rest.find("```console\n") {
        let body_start = start + "```console\n".len();
        let end = body_start + rest[body_start..].find("```").unwrap();
        let body = &rest[body_start..end];
        let (command, shown) = body.split_once('\n').unwrap_or((body, ""));
        let args = command
            .strip_prefix("$ kubectl sts ")
            .unwrap_or_else(|| panic!("a console block starts with `$ kubectl sts`: {command}"));
        let actual = run(args);
        blocks += 1;
        if !update {
            assert_eq!(
                shown.trim_end(),
                actual.trim_end(),
                "README block `{command}` drifted: run UPDATE_README=1 cargo test readme"
            );
        }
        rewritten.push_str(&rest[..body_start]);
        rewritten.push_str(command);
        rewritten.push('\n');
        rewritten.push_str(actual.trim_end());
        rewritten.push('\n');
        rest = &rest[end..];
    }
    rewritten.push_str(rest);
    assert!(blocks >= 3, "the tour has its blocks");
    if update {
        std::fs::write(&path, rewritten).unwrap();
    }
}
