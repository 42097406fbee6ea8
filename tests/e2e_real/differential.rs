//! The differential test of the simulated cluster (the fidelity issue): the same kubectl
//! command sequences against `kubectl-sts sim serve` (at the real server's release) and
//! against the real control plane, outputs normalized and compared.
//!
//! The sequences are `differential/cases.txt`; each runs in a namespace of its own, the
//! same name on both clusters. A difference is either fixed in the sim or listed, with
//! its reason, in `differential/accepted.txt` — which must stay under 15 entries, and an
//! entry that no longer differs fails the test too (the list says what is true now). All
//! differences are written to `target/differential-report.txt`.
//!
//! What is normalized (it legitimately differs between two clusters): ages and times,
//! uids, resourceVersions, IP addresses, node and volume names, the random suffixes of
//! generated names, and the widths of table columns.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use regex::Regex;

use super::fidelity::sim;
use super::support::*;

fn dir() -> PathBuf {
    root().join("tests/e2e_real/differential")
}

/// One step of a case.
#[derive(Debug)]
enum Step {
    /// `$ ARGS…`: kubectl, compared.
    Run(Vec<String>),
    /// `? ARGS… => TEXT`: poll kubectl on both until its stdout's words are TEXT's.
    Wait(Vec<String>, String),
    /// `~ ARGS…`: kubectl on both, not compared (setup whose output differs by design).
    Quiet(Vec<String>),
}

#[derive(Debug)]
struct Case {
    name: String,
    steps: Vec<(usize, Step)>,
}

/// Splits on spaces, keeping 'single quoted' words whole.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for ch in line.chars() {
        match ch {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(dir().join("cases.txt")).unwrap();
    let mut cases: Vec<Case> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix("case ") {
            cases.push(Case {
                name: name.trim().to_string(),
                steps: Vec::new(),
            });
            continue;
        }
        let case = cases
            .last_mut()
            .unwrap_or_else(|| panic!("cases.txt:{n}: a step before any `case`"));
        let step = if let Some(rest) = line.strip_prefix("$ ") {
            Step::Run(words(rest))
        } else if let Some(rest) = line.strip_prefix("~ ") {
            Step::Quiet(words(rest))
        } else if let Some(rest) = line.strip_prefix("? ") {
            let (args, want) = rest
                .split_once(" =>")
                .unwrap_or_else(|| panic!("cases.txt:{n}: `? ARGS => TEXT`"));
            Step::Wait(words(args), want.trim().to_string())
        } else {
            panic!("cases.txt:{n}: not a step: {line}")
        };
        case.steps.push((n, step));
    }
    cases
}

/// An accepted difference: on which releases it is expected (`all`, or minors such as
/// `28,29`), and why. `intermittent` (a race of timing) need not show on every run.
struct Accepted {
    releases: String,
    why: String,
}

impl Accepted {
    fn expected_on(&self, minor: u32) -> bool {
        self.releases == "all"
            || self
                .releases
                .split(',')
                .any(|m| m.trim() == minor.to_string())
    }

    fn intermittent(&self) -> bool {
        self.why.starts_with("intermittent")
    }
}

/// Accepted differences by `case | command`.
fn accepted() -> BTreeMap<String, Accepted> {
    let text = std::fs::read_to_string(dir().join("accepted.txt")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let parts: Vec<&str> = l.splitn(4, " | ").collect();
            match parts.as_slice() {
                [case, cmd, releases, why] if !why.trim().is_empty() => (
                    format!("{} | {}", case.trim(), cmd.trim()),
                    Accepted {
                        releases: releases.trim().to_string(),
                        why: why.trim().to_string(),
                    },
                ),
                _ => panic!("accepted.txt: `CASE | COMMAND | RELEASES | REASON`: {l}"),
            }
        })
        .collect()
}

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// The kubectl both clusters are asked with: the one of the server's release (as its
/// users have), when the machine has one per release (`kubectl.1.28` beside `kubectl`,
/// as the Cloud SDK's dispatcher keeps them; the newest it has for a newer server), so
/// that no difference comes from two kubectl versions; else `kubectl`.
fn kubectl_binary(minor: u32) -> String {
    let Ok(out) = Command::new("sh")
        .args(["-c", "readlink -f \"$(command -v kubectl)\""])
        .output()
    else {
        return "kubectl".into();
    };
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let Some(dir) = path.parent() else {
        return "kubectl".into();
    };
    let mut best: Option<(u32, PathBuf)> = None;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(m) = name
            .strip_prefix("kubectl.1.")
            .and_then(|m| m.parse::<u32>().ok())
            && m <= minor
            && best.as_ref().is_none_or(|(b, _)| m > *b)
        {
            best = Some((m, entry.path()));
        }
    }
    best.map_or_else(
        || "kubectl".into(),
        |(_, p)| p.to_string_lossy().into_owned(),
    )
}

static KUBECTL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn run(kubeconfig: &str, args: &[String], ns: &str) -> Outcome {
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            let a = a.replace("{ns}", ns);
            if a.ends_with(".yaml") && !a.contains('/') {
                dir().join(&a).to_string_lossy().into_owned()
            } else {
                a
            }
        })
        .collect();
    let o = Command::new(KUBECTL.get().map_or("kubectl", String::as_str))
        .args(&args)
        .env("KUBECONFIG", kubeconfig)
        .env("KUBECTL_COMMAND_HEADERS", "false")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run kubectl: {e}"));
    Outcome {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

struct Normalizer(Vec<(Regex, &'static str)>);

impl Normalizer {
    fn new(fixtures: &str) -> Normalizer {
        let rules: Vec<(&str, &'static str)> = vec![
            (fixtures, "<dir>"),
            (
                r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)",
                "<time>",
            ),
            // `kubectl describe`'s times: Mon, 07 Dec 2026 21:24:17 +0000.
            (
                r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}",
                "<time>",
            ),
            (
                r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                "<uid>",
            ),
            // A Go pointer in an error before 1.34 (`%#v`): an address per call.
            (r"\(0x[0-9a-f]+\)", "(0x<ptr>)"),
            // The token volume's random suffix.
            (r"kube-api-access-[a-z0-9]{5}", "kube-api-access-<suffix>"),
            (r#"(resourceVersion"?:\s*)"?\d+"?"#, "${1}<rv>"),
            (r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(:\d+)?\b", "<ip>"),
            (r"\bpvc-<uid>", "<volume>"),
            (r"\bsim-pv-[0-9a-z-]+", "<volume>"),
            (r"\bkubectl-sts-node\b|\bsim-node[0-9a-z-]*", "<node>"),
            // Ages: 5s, 3m2s, 10m, 2d3h (a table cell or kubectl's own wording).
            (r"(^|\s|\()\d+[smhd](\d+[smh])?($|\s|\))", "${1}<age>${3}"),
        ];
        Normalizer(
            rules
                .into_iter()
                .map(|(r, to)| {
                    let r = if r == fixtures {
                        regex::escape(r)
                    } else {
                        r.to_string()
                    };
                    (Regex::new(&r).unwrap(), to)
                })
                .collect(),
        )
    }

    fn apply(&self, text: &str) -> String {
        let spaces = Regex::new(r"(\S) {2,}").unwrap();
        text.lines()
            // `rollout status` reports what it waits for as it sees it: how often
            // depends on each cluster's timing, what it ends with does not.
            .filter(|l| !l.starts_with("Waiting for "))
            .map(|l| {
                let mut l = l.to_string();
                for (r, to) in &self.0 {
                    // Twice: an age rule's match can overlap the next age's separator.
                    l = r.replace_all(&l, *to).into_owned();
                    l = r.replace_all(&l, *to).into_owned();
                }
                spaces.replace_all(l.trim_end(), "$1  ").into_owned()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn show(o: &Outcome, norm: &Normalizer) -> String {
    format!(
        "exit {:?}\n{}\n--- stderr\n{}",
        o.code,
        norm.apply(&o.stdout),
        norm.apply(&o.stderr)
    )
}

fn wait_both(kubeconfigs: [&str; 2], args: &[String], want: &str, ns: &str, line: usize) {
    for k in kubeconfigs {
        let until = Instant::now() + Duration::from_secs(90);
        loop {
            let o = run(k, args, ns);
            // Words compared: `-o name` prints a line per object, jsonpath a space.
            if o.stdout.split_whitespace().collect::<Vec<_>>().join(" ") == want {
                break;
            }
            assert!(
                Instant::now() < until,
                "cases.txt:{line}: `{}` never printed {want:?} on {k}: {} {}",
                args.join(" "),
                o.stdout,
                o.stderr
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

#[test]
fn kubectl_sees_the_sim_as_it_sees_the_real_server() {
    let _shared = shared();
    let real = kubeconfig();
    let version = server_version();
    let sim = sim(&version);
    let norm = Normalizer::new(&dir().to_string_lossy());
    let minor: u32 = version
        .split('.')
        .nth(1)
        .and_then(|m| m.parse().ok())
        .unwrap();
    let kubectl = KUBECTL.get_or_init(|| kubectl_binary(minor));
    eprintln!("differential: {kubectl} against {version} and the sim");
    let accepted = accepted();
    assert!(
        accepted.len() < 15,
        "accepted.txt lists {} differences; the goal is fewer than 15",
        accepted.len()
    );
    let suffix = format!("{:x}", std::process::id() & 0xfff);
    let scratch = tempfile::tempdir().unwrap();
    // The cases in parallel, three at a time: each has a namespace of its own, and most
    // of a case's time is waiting on the two clusters.
    let cases = cases();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let found = std::sync::Mutex::new((0usize, BTreeMap::<String, String>::new()));
    let sides = Sides {
        real: &real,
        sim: &sim.kubeconfig,
        norm: &norm,
        scratch: scratch.path(),
        suffix: &suffix,
    };
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..3)
            .map(|_| {
                s.spawn(|| {
                    while let Some(case) =
                        cases.get(next.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
                    {
                        let (n, d) = run_case(case, &sides);
                        let mut f = found.lock().unwrap();
                        f.0 += n;
                        f.1.extend(d);
                    }
                })
            })
            .collect();
        for w in workers {
            if let Err(panic) = w.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
    let (compared, differences) = found.into_inner().unwrap();
    let report: String = differences
        .iter()
        .map(|(k, d)| format!("== {k}\n{d}\n"))
        .collect();
    let _ = std::fs::write(root().join("target/differential-report.txt"), &report);
    let unexpected: Vec<&String> = differences
        .keys()
        .filter(|k| !accepted.get(*k).is_some_and(|a| a.expected_on(minor)))
        .collect();
    let stale: Vec<&String> = accepted
        .iter()
        .filter(|(k, a)| a.expected_on(minor) && !a.intermittent() && !differences.contains_key(*k))
        .map(|(k, _)| k)
        .collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "{compared} commands compared; {} differ ({} accepted).\n\
         Not accepted: {unexpected:#?}\nAccepted but no longer different: {stale:#?}\n\
         (every difference: target/differential-report.txt)\n{}",
        differences.len(),
        accepted.len(),
        unexpected
            .iter()
            .map(|k| format!("== {k}\n{}", differences[*k]))
            .collect::<String>()
    );
}

/// Where a case runs: the two clusters, the normalizer, a scratch directory and the
/// suffix of this run's namespaces.
struct Sides<'a> {
    real: &'a str,
    sim: &'a str,
    norm: &'a Normalizer,
    scratch: &'a std::path::Path,
    suffix: &'a str,
}

/// Runs `case` on both sides: how many commands it compared, and how those that differ
/// differ (by `CASE | COMMAND`).
fn run_case(case: &Case, sides: &Sides) -> (usize, BTreeMap<String, String>) {
    let (real, norm, scratch, suffix) = (sides.real, sides.norm, sides.scratch, sides.suffix);
    let sim_kubeconfig = sides.sim;
    let mut differences = BTreeMap::new();
    let mut compared = 0;
    let ns = format!("diff-{}-{suffix}", case.name);
    // From a manifest (JSON on the wire): `kubectl create namespace` itself is a case.
    let manifest = scratch.join(format!("{ns}.yaml"));
    std::fs::write(
        &manifest,
        format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n"),
    )
    .unwrap();
    let create = vec![
        "create".to_string(),
        "-f".to_string(),
        manifest.to_string_lossy().into_owned(),
    ];
    for k in [real, sim_kubeconfig] {
        let o = run(k, &create, &ns);
        assert_eq!(
            o.code,
            Some(0),
            "create namespace {ns} on {k}: {}",
            o.stderr
        );
    }
    wait_both(
        [real, sim_kubeconfig],
        &words("get serviceaccount default -n {ns} -o name"),
        "serviceaccount/default",
        &ns,
        0,
    );
    for (line, step) in &case.steps {
        match step {
            Step::Wait(args, want) => wait_both([real, sim_kubeconfig], args, want, &ns, *line),
            Step::Quiet(args) => {
                for k in [real, sim_kubeconfig] {
                    let o = run(k, args, &ns);
                    assert_eq!(
                        o.code,
                        Some(0),
                        "cases.txt:{line}: {} on {k}: {}",
                        args.join(" "),
                        o.stderr
                    );
                }
            }
            Step::Run(args) => {
                compared += 1;
                let want = show(&run(real, args, &ns), norm);
                let got = show(&run(sim_kubeconfig, args, &ns), norm);
                if want != got {
                    let key = format!("{} | {}", case.name, args.join(" "));
                    let diff = similar::TextDiff::from_lines(&want, &got)
                        .unified_diff()
                        .header("real", "sim")
                        .to_string();
                    differences.insert(key, format!("cases.txt:{line}\n{diff}"));
                }
            }
        }
    }
    for k in [real, sim_kubeconfig] {
        run(
            k,
            &words(&format!("delete namespace {ns} --wait=false")),
            &ns,
        );
    }
    (compared, differences)
}
