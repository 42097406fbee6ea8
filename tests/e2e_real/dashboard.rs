//! The dashboard in tmux, stepping a set in a namespace of its own, like a person at a
//! terminal.

use std::process::Command;
use std::time::Duration;

use super::support::*;

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(args: &[&str]) -> Tmux {
        assert!(
            Command::new("tmux").arg("-V").output().is_ok(),
            "tmux is needed for this test (.ci/run installs it)"
        );
        let socket = format!("kubectl-sts-e2e-{}", std::process::id());
        let mut cmd = vec![env!("CARGO_BIN_EXE_kubectl-sts").to_string()];
        cmd.extend(args.iter().map(|s| s.to_string()));
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "150",
                "-y",
                "40",
            ])
            .arg("-e")
            .arg(format!("KUBECONFIG={}", kubeconfig()))
            .arg("-e")
            .arg("NO_COLOR=1")
            .arg(cmd.join(" "))
            .status()
            .unwrap();
        assert!(status.success());
        Tmux { socket }
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &str) {
        Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", keys])
            .status()
            .unwrap();
    }

    fn wait_for(&self, text: &str, secs: u64) -> String {
        wait_for(&format!("{text:?} on the screen"), secs, || {
            let s = self.screen();
            s.contains(text).then_some(s.clone()).ok_or(s)
        })
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

#[test]
fn the_dashboard_steps_a_set_in_its_namespace_after_confirmation() {
    let _shared = shared();
    let ns = with_set("dash", "web", 3, Some(3), "OrderedReady");
    let n = ns.0.as_str();
    set_image(n, "web", "nginx:1.26");
    let (predicted, watch) = first_step_predicted(n, "web", 3);
    let tmux = Tmux::start(&["-n", n, "dashboard", "web", "--stable-for", "1s"]);
    let screen = tmux.wait_for("2     ○ current", 30);
    assert!(screen.contains("partition 3"), "{screen}");
    let before = get(n, "statefulset/web")["metadata"]["resourceVersion"].clone();
    tmux.keys("s");
    tmux.wait_for("Proceed? [y/N]", 30);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        get(n, "statefulset/web")["metadata"]["resourceVersion"],
        before,
        "nothing written before the confirmation"
    );
    tmux.keys("y");
    wait_for("the partition lowered to 2", 30, || {
        let p = get(n, "statefulset/web")["spec"]["updateStrategy"]["rollingUpdate"]["partition"]
            .clone();
        (p == 2).then_some(()).ok_or(p.to_string())
    });
    tmux.wait_for("partition 2", 30);
    as_predicted(&watch, &predicted);
    // web-2 moves to the new revision on the real controller, and the grid shows it.
    wait_for("web-2 updated and Ready", 60, || {
        let p = pods(n);
        let update = get(n, "statefulset/web")["status"]["updateRevision"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let web2 = p.get("web-2");
        web2.filter(|(_, rev, ready)| *rev == update && *ready)
            .map(|_| ())
            .ok_or(format!("{web2:?}"))
    });
    tmux.keys("q");
}
