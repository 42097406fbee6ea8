//! The simulated cluster against the real one (the fidelity issue's differential test, its
//! first part: server-side printing). The same set is applied to `kubectl-sts sim serve`
//! (at the real server's release) and to the real control plane; once both settle, the
//! same `kubectl get` commands print the same columns and, normalized (ages, IPs, node and
//! volume names, which the kubelet stand-ins choose), the same rows.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use super::support::*;

pub struct Sim {
    child: Child,
    pub kubeconfig: String,
    _dir: tempfile::TempDir,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `sim serve` with no objects, at `version`.
pub fn sim(version: &str) -> Sim {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("empty.yaml");
    std::fs::write(
        &scenario,
        "apiVersion: sim.kubectl-sts.io/v1\nkind: Scenario\nmetadata: {name: empty}\nobjects: []\n",
    )
    .unwrap();
    let path = dir.path().join("kubeconfig");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .args([
            "sim",
            "serve",
            "--scenario",
            scenario.to_str().unwrap(),
            "--ready-after",
            "1s",
        ])
        .args([
            "--kubernetes-version",
            version,
            "--write-kubeconfig",
            path.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("kubeconfig: "), "sim serve said {line:?}");
    Sim {
        child,
        kubeconfig: path.to_string_lossy().into_owned(),
        _dir: dir,
    }
}

fn kubectl_at(kubeconfig: &str, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new("kubectl")
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), s.as_bytes()).unwrap();
    }
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "kubectl {args:?} ({kubeconfig}): {}",
        text(&o)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A table as kubectl prints it, with what legitimately differs made equal: ages,
/// IPs, node and volume names, and the revision hash suffixes (the sim's and the real
/// server's defaulting of the template may differ in fields outside this test).
fn normalized(out: &str) -> Vec<Vec<String>> {
    out.lines()
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(|c| {
                    let is_age = c.len() <= 6
                        && c.ends_with(['s', 'm', 'h', 'd'])
                        && c.chars().next().is_some_and(|ch| ch.is_ascii_digit());
                    if is_age {
                        "<age>".to_string()
                    } else if c.chars().filter(|ch| *ch == '.').count() == 3
                        && c.chars().all(|ch| ch.is_ascii_digit() || ch == '.')
                    {
                        "<ip>".to_string()
                    } else if c.starts_with("pvc-") || c.starts_with("sim-pv-") {
                        "<volume>".to_string()
                    } else if c == "kubectl-sts-node" || c.starts_with("sim-node") {
                        "<node>".to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        })
        .collect()
}

#[test]
fn kubectl_get_prints_the_same_tables_against_the_sim_and_the_real_server() {
    let _shared = shared();
    let ns = Ns::new("fidelity");
    let n = ns.0.as_str();
    let version = server_version();
    let sim = sim(&version);
    // The set with its Service, as a user applies it (kubectl validates it against the
    // server's OpenAPI: v2 for kubectl 1.28, v3 after).
    let yaml = set_yaml("web", 2, "nginx:1.25", None, "OrderedReady");
    let real = kubeconfig();
    // The namespace exists on the real server (Ns::new); the sim needs it too.
    kubectl_at(&sim.kubeconfig, &["create", "namespace", n], None);
    for k in [real.as_str(), sim.kubeconfig.as_str()] {
        kubectl_at(k, &["apply", "-n", n, "-f", "-"], Some(&yaml));
    }
    for k in [real.as_str(), sim.kubeconfig.as_str()] {
        wait_for("web settled", 60, || {
            let out = kubectl_at(
                k,
                &["get", "-n", n, "statefulset/web", "--no-headers"],
                None,
            );
            (out.split_whitespace().nth(1) == Some("2/2"))
                .then_some(())
                .ok_or(out)
        });
    }
    let mut differences = Vec::new();
    for args in [
        &["get", "pods"][..],
        &["get", "pods", "-o", "wide"],
        &["get", "statefulsets"],
        &["get", "statefulsets", "-o", "wide"],
        &["get", "statefulset", "web"],
        &["get", "controllerrevisions"],
        &["get", "pod", "web-0"],
    ] {
        let mut full = args.to_vec();
        full.extend(["-n", n]);
        let want = normalized(&kubectl_at(&real, &full, None));
        let got = normalized(&kubectl_at(&sim.kubeconfig, &full, None));
        // Revision names hash the template as each server defaulted it: compared apart.
        let strip = |t: &[Vec<String>]| -> Vec<Vec<String>> {
            t.iter()
                .map(|r| {
                    r.iter()
                        .map(|c| {
                            if c.starts_with("web-") && c.len() > 8 {
                                "web-<hash>".into()
                            } else {
                                c.clone()
                            }
                        })
                        .collect()
                })
                .collect()
        };
        let (want, got) = if args.contains(&"controllerrevisions") {
            (strip(&want), strip(&got))
        } else {
            (want, got)
        };
        if want != got {
            differences.push(format!(
                "kubectl {}:\n  real: {want:?}\n  sim:  {got:?}",
                args.join(" ")
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
