//! The dashboard ends when its terminal goes away (a window closed, an ssh session
//! dropped), also when SIGHUP is ignored (`nohup`): a hung-up terminal answers every
//! key read with nothing, at once, and a dashboard that kept reading would spin forever.

use std::time::{Duration, Instant};

fn running(marker: &str) -> Vec<String> {
    let out = std::process::Command::new("pgrep")
        .args(["-f", marker])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dashboard_whose_terminal_goes_away_exits_even_with_sighup_ignored() {
    let live = super::live::serve(super::live::scenario("default", &[])).await;
    let marker = format!("gone-terminal-{}", std::process::id());
    let line = format!(
        "{} dashboard --kubeconfig {} -l marker={marker}",
        env!("CARGO_BIN_EXE_kubectl-sts"),
        live.kubeconfig()
    );
    // Under `nohup`: SIGHUP ignored, for the dashboard too (nohup execs `script`).
    let mut script = std::process::Command::new("nohup")
        .args(["script", "-qfec", &line, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    // The dashboard up (its pattern: the binary, not `script`'s own command line).
    let dashboards = loop {
        let found: Vec<String> = running(&format!("^{}", env!("CARGO_BIN_EXE_kubectl-sts")))
            .into_iter()
            .filter(|pid| {
                std::fs::read_to_string(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|c| c.contains(&marker))
            })
            .collect();
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
                let _ = std::process::Command::new("kill").arg(pid).status();
            }
            panic!("the dashboard {dashboards:?} outlived its terminal by 6 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
