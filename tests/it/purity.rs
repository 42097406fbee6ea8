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
