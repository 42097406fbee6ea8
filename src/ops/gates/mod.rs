//! Gates as data (`--gates FILE`, `--gates preset:NAME`, `--gate SPEC`): checks run on
//! each step of a rollout once its pods are healthy — a Prometheus query with a success
//! condition, an HTTP endpoint (a URL, or a path on each pod through the API server's pod
//! proxy), a command. Placeholders `{{ordinal}}`, `{{pod}}`, `{{namespace}}`, `{{set}}`,
//! `{{revision}}`, `{{service}}` and `{{dns}}` are filled per pod; a gate that names a pod
//! runs on each pod of the step, the others once per step. A gate with `whileBaking:
//! true` is also measured every `interval` while the step's pods bake (Ready, watched for
//! `--stable-for`), and stops the step at once when it fails. `--check-cmd` and
//! `--check-http` are shorthands for a `command` and an `http` gate ([`from_flags`]).
//!
//! ```yaml
//! gates:
//! - name: error-rate
//!   prometheus:
//!     address: http://prometheus.monitoring:9090
//!     query: sum(rate(http_errors_total{pod="{{pod}}"}[1m]))
//!     successCondition: result < 1
//! ```

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

pub mod condition;
mod run;
pub mod template;

pub use condition::Condition;
pub use run::{Subject, bake, run};

/// The placeholders a gate may use.
pub const PLACEHOLDERS: [&str; 7] = [
    "ordinal",
    "pod",
    "namespace",
    "set",
    "revision",
    "service",
    "dns",
];

/// A gate file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateFile {
    /// What the file is for (presets say which system they gate).
    #[serde(default)]
    pub description: Option<String>,
    pub gates: Vec<Spec>,
}

/// One gate as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Spec {
    pub name: String,
    #[serde(default)]
    pub prometheus: Option<Prometheus>,
    #[serde(default)]
    pub http: Option<Http>,
    #[serde(default)]
    pub command: Option<Command>,
    /// Measurements that must pass (each `interval` apart).
    #[serde(default)]
    pub count: Option<u32>,
    #[serde(default)]
    pub interval: Option<String>,
    /// Failed measurements tolerated before the gate fails.
    #[serde(default)]
    pub failure_limit: Option<u32>,
    /// Measurements without data (no series, no answer) tolerated, each retried after
    /// `interval`, before the gate fails.
    #[serde(default)]
    pub inconclusive_limit: Option<u32>,
    /// How long one measurement may take (a query, a GET, a command: killed then).
    #[serde(default)]
    pub timeout: Option<String>,
    /// Also measured every `interval` while the step bakes; a failure stops it at once.
    #[serde(default)]
    pub while_baking: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Prometheus {
    pub address: String,
    pub query: String,
    pub success_condition: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Http {
    #[serde(default)]
    pub url: Option<String>,
    /// A path on each pod, through the API server's pod proxy.
    #[serde(default)]
    pub pod_proxy: Option<PodProxy>,
    /// The status that passes; any 2xx when not given.
    #[serde(default)]
    pub expect_status: Option<u16>,
    /// A field of the JSON body (`status`, `health.state`), judged by `successCondition`.
    #[serde(default)]
    pub json_path: Option<String>,
    #[serde(default)]
    pub success_condition: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PodProxy {
    pub port: u16,
    pub path: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Command {
    pub run: String,
    #[serde(default)]
    pub timeout: Option<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

/// A gate ready to run.
#[derive(Clone, Debug)]
pub struct Gate {
    pub name: String,
    pub check: Check,
    pub count: u32,
    pub interval: Duration,
    pub failure_limit: u32,
    pub inconclusive_limit: u32,
    /// Runs on each pod of the step (it names one), or once.
    pub per_pod: bool,
    /// How long one measurement may take.
    pub timeout: Duration,
    /// What sets that bound, in messages (`its timeout`, `--check-timeout`).
    pub timeout_from: &'static str,
    /// Also measured while the step bakes.
    pub while_baking: bool,
}

#[derive(Clone, Debug)]
pub enum Check {
    Prometheus {
        address: String,
        query: String,
        condition: Condition,
    },
    Http {
        target: HttpTarget,
        /// Any 2xx when `None`.
        expect_status: Option<u16>,
        json: Option<(String, Condition)>,
    },
    Command {
        run: String,
        env: Vec<(String, String)>,
    },
}

#[derive(Clone, Debug)]
pub enum HttpTarget {
    Url(String),
    PodProxy { port: u16, path: String },
}

/// The presets shipped with the tool: (name, file).
pub const PRESETS: [(&str, &str); 5] = [
    ("etcd", include_str!("../../../gates/etcd.yaml")),
    ("zookeeper", include_str!("../../../gates/zookeeper.yaml")),
    (
        "elasticsearch",
        include_str!("../../../gates/elasticsearch.yaml"),
    ),
    ("kafka", include_str!("../../../gates/kafka.yaml")),
    ("postgresql", include_str!("../../../gates/postgresql.yaml")),
];

/// The line (1-based) of `text` where `needle` first appears.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

/// Parses a gate file; `source` names it in errors (`FILE:LINE: …`).
pub fn parse(source: &str, text: &str) -> Result<(Option<String>, Vec<Gate>), String> {
    let file: GateFile = serde_saphyr::from_str(text).map_err(|e| {
        let msg = e.to_string();
        // serde-saphyr says where ("at line N, column M"); keep its words.
        format!("{source}: {}", msg.lines().next().unwrap_or(&msg))
    })?;
    if file.gates.is_empty() {
        return Err(format!(
            "{source}: no gates (a gate file lists them under `gates:`)"
        ));
    }
    let gates = file
        .gates
        .into_iter()
        .map(|spec| compile(source, text, spec))
        .collect::<Result<_, _>>()?;
    Ok((file.description, gates))
}

/// One gate written on the command line (`--gate SPEC`: the YAML of one entry of a gate
/// file, in flow style `{name: up, http: {url: …}}` or as a block).
pub fn inline(source: &str, text: &str) -> Result<Gate, String> {
    let spec: Spec = serde_saphyr::from_str(text).map_err(|e| {
        let msg = e.to_string();
        format!("{source}: {}", msg.lines().next().unwrap_or(&msg))
    })?;
    compile(source, text, spec)
}

/// A spec, checked, into a gate; `source` and `text` locate errors. Everything that
/// would make a gate fail only once run — or pass having checked nothing — is refused
/// here, before the cluster is read: an address or URL that is not `http://HOST`, an
/// empty query or command, a zero timeout, interval or port, a status no server sends, a
/// condition that cannot fail.
fn compile(source: &str, text: &str, spec: Spec) -> Result<Gate, String> {
    let at = |needle: &str| match line_of(text, needle) {
        Some(n) => format!("{source}:{n}"),
        None => source.to_string(),
    };
    let name_at = at(&format!("name: {}", spec.name));
    let bad = |needle: &str, what: String| format!("{}: gate {:?}: {what}", at(needle), spec.name);
    // Every placeholder must be known.
    let strings = strings_of(&spec);
    for s in &strings {
        for p in template::placeholders(s) {
            if !PLACEHOLDERS.contains(&p.as_str()) {
                return Err(bad(
                    &format!("{{{{{p}}}}}"),
                    format!(
                        "unknown placeholder {{{{{p}}}}} (known: {})",
                        PLACEHOLDERS.map(|p| format!("{{{{{p}}}}}")).join(", ")
                    ),
                ));
            }
        }
    }
    let per_pod = strings.iter().any(|s| {
        template::placeholders(s)
            .iter()
            .any(|p| matches!(p.as_str(), "pod" | "ordinal" | "dns"))
    }) || spec.http.as_ref().is_some_and(|h| h.pod_proxy.is_some());
    let kinds = [
        spec.prometheus.is_some(),
        spec.http.is_some(),
        spec.command.is_some(),
    ];
    if kinds.iter().filter(|k| **k).count() != 1 {
        return Err(format!(
            "{name_at}: gate {:?}: needs exactly one of prometheus, http, command",
            spec.name
        ));
    }
    let duration = |d: &Option<String>, default: Duration, field: &str| match d {
        None => Ok(default),
        Some(d) => match crate::duration::parse_std(d) {
            Ok(v) if v.is_zero() => Err(bad(d, format!("{field}: {d} is zero; it must be more"))),
            Ok(v) => Ok(v),
            Err(e) => Err(bad(d, format!("{field}: {e}"))),
        },
    };
    let condition = |c: &str| Condition::parse(c).map_err(|e| bad(c, e));
    let check = if let Some(p) = &spec.prometheus {
        checked_url(&p.address).map_err(|e| bad(&p.address, format!("address: {e}")))?;
        if p.query.trim().is_empty() {
            return Err(bad("query:", "query is empty".into()));
        }
        let c = condition(&p.success_condition)?;
        if !c.is_numeric() {
            return Err(bad(
                &p.success_condition,
                format!(
                    "{:?}: a Prometheus value is a number; compare it with one (e.g. `result < 1`)",
                    p.success_condition
                ),
            ));
        }
        Check::Prometheus {
            address: p.address.trim_end_matches('/').to_string(),
            query: p.query.clone(),
            condition: c,
        }
    } else if let Some(h) = &spec.http {
        let target = match (&h.url, &h.pod_proxy) {
            (Some(u), None) => {
                checked_url(u).map_err(|e| bad(u, format!("url: {e}")))?;
                HttpTarget::Url(u.clone())
            }
            (None, Some(p)) if p.port == 0 => {
                return Err(bad(
                    "port:",
                    "podProxy.port is 0; name the pod's port".into(),
                ));
            }
            (None, Some(p)) => HttpTarget::PodProxy {
                port: p.port,
                path: p.path.trim_start_matches('/').to_string(),
            },
            _ => {
                return Err(format!(
                    "{name_at}: gate {:?}: http needs exactly one of url, podProxy",
                    spec.name
                ));
            }
        };
        if let Some(code) = h.expect_status
            && !(100..=599).contains(&code)
        {
            return Err(bad(
                "expectStatus",
                format!("expectStatus {code} is not an HTTP status (100 to 599)"),
            ));
        }
        let json = match (&h.json_path, &h.success_condition) {
            (Some(p), Some(c)) => Some((p.trim_start_matches('.').to_string(), condition(c)?)),
            (None, None) => None,
            _ => {
                return Err(format!(
                    "{name_at}: gate {:?}: jsonPath and successCondition go together",
                    spec.name
                ));
            }
        };
        Check::Http {
            target,
            expect_status: h.expect_status,
            json,
        }
    } else if let Some(c) = &spec.command {
        if c.run.trim().is_empty() {
            return Err(bad("run:", "command.run is empty".into()));
        }
        Check::Command {
            run: c.run.clone(),
            env: c.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        }
    } else {
        unreachable!("exactly one kind, checked above")
    };
    // A command's own `timeout` (the older place for it) or the gate's.
    let timeout = match &spec.command {
        Some(Command {
            timeout: Some(t), ..
        }) => duration(&Some(t.clone()), Duration::ZERO, "timeout")?,
        Some(_) => duration(&spec.timeout, Duration::from_secs(60), "timeout")?,
        None => duration(&spec.timeout, Duration::from_secs(30), "timeout")?,
    };
    Ok(Gate {
        name: spec.name.clone(),
        check,
        count: spec.count.unwrap_or(1).max(1),
        interval: duration(&spec.interval, Duration::from_secs(10), "interval")?,
        failure_limit: spec.failure_limit.unwrap_or(0),
        inconclusive_limit: spec.inconclusive_limit.unwrap_or(0),
        per_pod,
        timeout,
        timeout_from: "its timeout",
        while_baking: spec.while_baking,
    })
}

/// A URL template is a well-formed `http://HOST…` once its placeholders are filled with
/// names.
fn checked_url(template: &str) -> Result<(), String> {
    let names: Vec<(&str, String)> = PLACEHOLDERS
        .iter()
        .map(|p| (*p, "x0".to_string()))
        .collect();
    template::url(template, &names).map(|_| ())
}

/// `--check-cmd` and `--check-http` as the gates they are shorthands for: a `command`
/// gate and an `http` gate on each updated pod, bounded by `--check-timeout`. The URL's
/// `{pod}`-style placeholders are the gate file's `{{pod}}` (the two may be mixed). A URL
/// that is not `http://HOST…`, an empty command or a zero timeout is refused here.
pub fn from_flags(
    command: Option<&str>,
    http: Option<&str>,
    timeout: Duration,
) -> Result<Vec<Gate>, String> {
    if (command.is_some() || http.is_some()) && timeout.is_zero() {
        return Err("--check-timeout is zero; it must be more".into());
    }
    let gate = |name: &str, check: Check| Gate {
        name: name.into(),
        check,
        count: 1,
        interval: Duration::from_secs(10),
        failure_limit: 0,
        inconclusive_limit: 0,
        per_pod: true,
        timeout,
        timeout_from: "--check-timeout",
        while_baking: false,
    };
    let mut out = Vec::new();
    if let Some(run) = command {
        if run.trim().is_empty() {
            return Err("--check-cmd is empty".into());
        }
        let unknown = template::placeholders(run)
            .into_iter()
            .find(|p| !PLACEHOLDERS.contains(&p.as_str()));
        if let Some(p) = unknown {
            return Err(format!("--check-cmd: unknown placeholder {{{{{p}}}}}"));
        }
        out.push(gate(
            "check-cmd",
            Check::Command {
                run: run.to_string(),
                env: Vec::new(),
            },
        ));
    }
    if let Some(url) = http {
        let url = template::doubled(url, &PLACEHOLDERS);
        let unknown = template::placeholders(&url)
            .into_iter()
            .find(|p| !PLACEHOLDERS.contains(&p.as_str()));
        if let Some(p) = unknown {
            return Err(format!("--check-http: unknown placeholder {{{{{p}}}}}"));
        }
        checked_url(&url).map_err(|e| format!("--check-http: {e}"))?;
        out.push(gate(
            "check-http",
            Check::Http {
                target: HttpTarget::Url(url),
                expect_status: None,
                json: None,
            },
        ));
    }
    Ok(out)
}

/// Reads `--gates` (a file, or `preset:NAME`).
pub fn load(arg: &str) -> Result<Vec<Gate>, String> {
    if let Some(name) = arg.strip_prefix("preset:") {
        let (_, text) = PRESETS.iter().find(|(n, _)| *n == name).ok_or_else(|| {
            format!(
                "unknown preset {name:?} (presets: {}; see `kubectl sts gates list`)",
                PRESETS.map(|(n, _)| n).join(", ")
            )
        })?;
        return parse(&format!("preset:{name}"), text).map(|(_, g)| g);
    }
    let text = std::fs::read_to_string(arg).map_err(|e| format!("cannot read {arg}: {e}"))?;
    parse(arg, &text).map(|(_, g)| g)
}

fn strings_of(spec: &Spec) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = &spec.prometheus {
        out.extend([p.address.clone(), p.query.clone()]);
    }
    if let Some(h) = &spec.http {
        out.extend(h.url.clone());
        out.extend(h.pod_proxy.as_ref().map(|p| p.path.clone()));
    }
    if let Some(c) = &spec.command {
        out.push(c.run.clone());
        out.extend(c.env.values().cloned());
    }
    out
}

#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod tests;
