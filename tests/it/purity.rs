//! The controller model stays pure: no I/O, no async, no clock, no printing, no cluster.

use super::support::root;

#[test]
fn model_has_no_io_async_clock_or_printing() {
    let forbidden = [
        "tokio",
        "async ",
        ".await",
        "std::io",
        "std::fs",
        "std::net",
        "std::time",
        "std::env",
        "Timestamp::now",
        "SystemTime",
        "Instant::",
        "println!",
        "eprintln!",
        "print!(",
        "kube::",
        "std::process",
        "std::thread",
        "rand::",
    ];
    // Every file under src/model, subdirectories included.
    let mut files = Vec::new();
    let mut dirs = vec![root().join("src/model")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    assert!(
        files.iter().any(|f| f.ends_with("sync/roll.rs")),
        "subdirectories are checked"
    );
    let mut checked = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for word in forbidden {
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                assert!(
                    !code.contains(word),
                    "{}:{}: the model must not use `{word}`: {line}",
                    path.display(),
                    n + 1
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 10, "expected the model's files, found {checked}");
}

/// Every `.rs` file under `src/<dir>`, subdirectories included.
fn files_under(dir: &str) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![root().join("src").join(dir)];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            // A module that is one file, `src/<dir>.rs`.
            files.push(root().join("src").join(format!("{dir}.rs")));
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// The references to `crate::<module>` in `text`, outside comments.
fn uses_of<'t>(text: &'t str, module: &str) -> Vec<(usize, &'t str)> {
    let needle = format!("crate::{module}");
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let code = l.split("//").next().unwrap_or("");
            code.match_indices(&needle).any(|(i, _)| {
                !code[i + needle.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
            })
        })
        .map(|(n, l)| (n + 1, l))
        .collect()
}

/// Dependencies point down: cli/cmd/tui → ops → cluster/model; output renders model and
/// event types and knows nothing of the command line; the cluster layer knows nothing of
/// the operations; the model nothing of any of them.
#[test]
fn dependencies_point_down_only() {
    let rules: [(&str, &[&str]); 6] = [
        ("ops", &["cmd", "cli", "tui", "output", "exec"]),
        ("output", &["cmd", "cli", "tui", "ops", "sim"]),
        (
            "event",
            &["cmd", "cli", "tui", "ops", "output", "cluster", "sim"],
        ),
        ("tui", &["cmd", "cli"]),
        ("cluster", &["cmd", "cli", "tui", "ops", "output"]),
        (
            "model",
            &["cmd", "cli", "tui", "ops", "output", "cluster", "sim"],
        ),
    ];
    let mut breaches = Vec::new();
    let mut checked = 0;
    for (layer, above) in rules {
        for path in files_under(layer) {
            let text = std::fs::read_to_string(&path).unwrap();
            checked += 1;
            for module in above {
                for (n, line) in uses_of(&text, module) {
                    breaches.push(format!(
                        "{}:{n}: {layer} uses {module}: {}",
                        path.display(),
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(checked >= 30, "checked only {checked} files");
    assert!(
        breaches.is_empty(),
        "upward imports:\n{}",
        breaches.join("\n")
    );
    // The check itself can fail.
    assert_eq!(uses_of("use crate::cmd::ModelSetup;", "cmd").len(), 1);
    assert!(uses_of("use crate::cmdline::X; // crate::cmd", "cmd").is_empty());
}

/// Operations are engines of events: they never print, read the terminal or ask whether
/// there is one (renderers and consent sources in `cmd`, `output` and `tui` do), and
/// never read a clock but the one they are given.
#[test]
fn operations_never_touch_the_terminal() {
    let forbidden = [
        "print",
        "stdin",
        "stdout",
        "stderr",
        "IsTerminal",
        "std::io::Write",
    ];
    let files = files_under("ops");
    assert!(files.len() >= 8, "{files:?}");
    let mut breaches = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        // As `grep -rn "print\|stdin\|IsTerminal" src/ops`: comments too.
        for (n, line) in text.lines().enumerate() {
            for word in forbidden {
                if line.contains(word) {
                    breaches.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(breaches.is_empty(), "{}", breaches.join("\n"));
}

/// Long files hide their seams: every source file stays at or under 600 lines (split
/// along what it does — decode, mutate, world, timeline, keys …).
#[test]
fn no_source_file_is_over_600_lines() {
    let mut files = Vec::new();
    let mut dirs = vec![root().join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 50, "{}", files.len());
    let long: Vec<String> = files
        .iter()
        .filter_map(|p| {
            let n = std::fs::read_to_string(p).unwrap().lines().count();
            (n > 600).then(|| format!("{}: {n} lines", p.display()))
        })
        .collect();
    assert!(long.is_empty(), "{}", long.join("\n"));
}
