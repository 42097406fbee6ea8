//! The dashboard ends when its terminal goes away (a window closed, an ssh session
//! dropped), also when SIGHUP is ignored (`nohup`): a hung-up terminal answers every
//! key read with nothing, at once, and a dashboard that kept reading would spin forever.

use std::time::{Duration, Instant};

/// The pids of the processes whose program is `program` and whose command line holds
/// `marker`, read from /proc (no `pgrep`: procps is not on every machine).
fn running(program: &str, marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let pid = entry.file_name().to_string_lossy().to_string();
        if !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue; // gone since the listing
        };
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).to_string())
            .collect();
        if args.first().is_some_and(|a| a == program) && args.iter().any(|a| a.contains(marker)) {
            found.push(pid);
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dashboard_whose_terminal_goes_away_exits_even_with_sighup_ignored() {
    outlives_no_terminal("exec", false).await;
}

/// The dashboard is not the session's leader (a shell that waits for it is): the kernel
/// sends SIGHUP to the leader only, which ignores it, so only the dashboard's own check
/// of its terminal can end it. With TERM set and `tput` on the machine, asking for the
/// terminal's size still answers (crossterm falls back to `tput`), so that is not the check.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dashboard_that_gets_no_sighup_exits_when_its_terminal_goes_away() {
    outlives_no_terminal("child", true).await;
}

async fn outlives_no_terminal(name: &str, under_a_shell: bool) {
    let live = super::live::serve(super::live::scenario("default", &[])).await;
    let marker = format!("gone-terminal-{name}-{}", std::process::id());
    let dashboard = format!(
        "{} dashboard --kubeconfig {} -l marker={marker}",
        env!("CARGO_BIN_EXE_kubectl-sts"),
        live.kubeconfig()
    );
    // `sh -c 'X; true'` cannot exec X: the shell stays, the leader of the session.
    let line = if under_a_shell {
        format!("sh -c '{dashboard}; true'")
    } else {
        dashboard
    };
    // Under `nohup`: SIGHUP ignored, for the dashboard too (nohup execs `script`).
    let mut script = std::process::Command::new("nohup")
        .args(["script", "-qfec", &line, "/dev/null"])
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    // The dashboard up (its pattern: the binary, not `script`'s own command line).
    let dashboards = loop {
        let found = running(env!("CARGO_BIN_EXE_kubectl-sts"), &marker);
        if !found.is_empty() {
            break found;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the dashboard never started"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    script.kill().unwrap();
    script.wait().unwrap();
    let killed = Instant::now();
    while dashboards
        .iter()
        .any(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists())
    {
        if killed.elapsed() > Duration::from_secs(6) {
            for pid in &dashboards {
                if let Ok(pid) = pid.parse() {
                    let _ = nix::sys::signal::kill(
                        nix::unistd::Pid::from_raw(pid),
                        nix::sys::signal::Signal::SIGKILL,
                    );
                }
            }
            panic!("the dashboard {dashboards:?} outlived its terminal by 6 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
