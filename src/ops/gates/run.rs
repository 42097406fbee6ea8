//! Running gates: measurements with their evidence, as `gate` events; a failure stops
//! the step with the evidence (the query, the values, the threshold). [`run`] judges a
//! step's gates once its pods are healthy; [`bake`] keeps measuring the `whileBaking`
//! ones while the pods bake.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use serde_json::Value as Json;
use tokio::time::Instant;

use super::condition::Value;
use super::{Check, Gate, HttpTarget, template};
use crate::error::{Error, Result};
use crate::event::{Event, Sink, Verdict};
use crate::model::Snapshot;
use crate::model::pod::Owner;
use crate::ops::checks::{Exit, Runner};

/// What one measurement found.
struct Measured {
    verdict: Verdict,
    evidence: String,
}

fn measured(verdict: Verdict, evidence: impl Into<String>) -> Measured {
    Measured {
        verdict,
        evidence: evidence.into(),
    }
}

/// What a step's gates are told about the set, read when they run: the revision it rolls
/// to, its service, and the pods it controls (the only ones gated).
#[derive(Clone, Debug, Default)]
pub struct Subject {
    pub namespace: String,
    pub set: String,
    pub service: String,
    pub revision: String,
    pub controlled: BTreeSet<String>,
}

impl Subject {
    /// The set of `snap` as it is now.
    pub fn of(snap: &Snapshot) -> Subject {
        let set = snap.set();
        // As the tool deletes pods: only those whose controller reference is the set's uid
        // (the snapshot's pod records say so).
        let has_uid = set.metadata.uid.as_deref().is_some_and(|u| !u.is_empty());
        let controlled = snap
            .pods()
            .iter()
            .filter_map(|p| p.metadata.name.clone())
            .filter(|name| has_uid && snap.record(name).is_some_and(|r| r.owner == Owner::ThisSet))
            .collect();
        Subject {
            namespace: set.metadata.namespace.clone().unwrap_or_default(),
            set: set.metadata.name.clone().unwrap_or_default(),
            service: set
                .spec
                .as_ref()
                .and_then(|s| s.service_name.clone())
                .unwrap_or_default(),
            revision: set
                .status
                .as_ref()
                .and_then(|s| s.update_revision.clone())
                .unwrap_or_default(),
            controlled,
        }
    }

    /// The pods `gate` runs on for a step that updated `ordinals` (highest first; one
    /// run without a pod for a gate that names none), each with its placeholders'
    /// values. A pod the set does not control is refused before anything runs.
    fn targets(&self, gate: &Gate, ordinals: &[i32]) -> Result<Vec<(Option<String>, Facts)>> {
        let ordinals: Vec<Option<i32>> = if gate.per_pod {
            ordinals.iter().rev().map(|o| Some(*o)).collect()
        } else {
            vec![None]
        };
        let mut out = Vec::new();
        for ordinal in ordinals {
            let pod = ordinal.map(|o| format!("{}-{o}", self.set));
            if let Some(p) = &pod
                && !self.controlled.contains(p)
            {
                return Err(Error::failed(format!(
                    "gate {:?}: pod/{p} is not controlled by statefulset/{}; gates never run against it",
                    gate.name, self.set
                )));
            }
            let dns = match &pod {
                Some(p) => format!("{p}.{}.{}.svc", self.service, self.namespace),
                None => String::new(),
            };
            let facts = vec![
                (
                    "ordinal",
                    ordinal.map(|o| o.to_string()).unwrap_or_default(),
                ),
                ("pod", pod.clone().unwrap_or_default()),
                ("namespace", self.namespace.clone()),
                ("set", self.set.clone()),
                ("revision", self.revision.clone()),
                ("service", self.service.clone()),
                ("dns", dns),
            ];
            out.push((pod, facts));
        }
        Ok(out)
    }
}

/// A gate's placeholders and their values.
type Facts = Vec<(&'static str, String)>;

/// The measurements of one gate on one pod, and whether they settle it.
#[derive(Default)]
struct Tally {
    passed: u32,
    failed: u32,
    inconclusive: u32,
}

impl Tally {
    /// Counts `m`; the verdict once there is one (`count` passes, or more failures or
    /// inconclusive measurements than the gate tolerates), with the evidence.
    fn add(&mut self, gate: &Gate, m: Measured) -> Option<(Verdict, String)> {
        match m.verdict {
            Verdict::Passed => self.passed += 1,
            Verdict::Failed => self.failed += 1,
            Verdict::Inconclusive => self.inconclusive += 1,
        }
        if self.failed > gate.failure_limit {
            Some((Verdict::Failed, m.evidence))
        } else if self.inconclusive > gate.inconclusive_limit {
            Some((
                Verdict::Failed,
                format!(
                    "{} (inconclusive {} time(s), more than inconclusiveLimit {})",
                    m.evidence, self.inconclusive, gate.inconclusive_limit
                ),
            ))
        } else if self.passed >= gate.count {
            Some((Verdict::Passed, m.evidence))
        } else {
            None
        }
    }
}

/// `gate` (on `pod`) in words.
fn what(gate: &Gate, pod: Option<&str>) -> String {
    match pod {
        Some(p) => format!("gate {:?} on {p}", gate.name),
        None => format!("gate {:?}", gate.name),
    }
}

/// Runs `gates` for the step that updated `ordinals` of `subject`: the per-pod ones on
/// each ordinal, highest first, the others once. The first failure stops with its
/// evidence.
pub async fn run(
    gates: &[Gate],
    runner: &dyn Runner,
    client: &kube::Client,
    events: &mut dyn Sink,
    subject: &Subject,
    ordinals: &[i32],
) -> Result<()> {
    for gate in gates {
        for (pod, facts) in subject.targets(gate, ordinals)? {
            judge(
                gate,
                runner,
                client,
                events,
                subject,
                (pod.as_deref(), &facts),
            )
            .await?;
        }
    }
    Ok(())
}

/// Measures `gate` until `count` conclusive measurements, or too many failures or
/// inconclusive ones; one `gate` event with the outcome and its evidence.
async fn judge(
    gate: &Gate,
    runner: &dyn Runner,
    client: &kube::Client,
    events: &mut dyn Sink,
    subject: &Subject,
    (pod, facts): (Option<&str>, &Facts),
) -> Result<()> {
    let mut tally = Tally::default();
    let what = what(gate, pod);
    loop {
        let m = measure(gate, runner, client, &subject.namespace, pod, facts).await;
        if let Some((result, evidence)) = tally.add(gate, m) {
            let ok = result == Verdict::Passed;
            events.emit(Event::Gate {
                name: gate.name.clone(),
                pod: pod.map(str::to_string),
                result,
                evidence: evidence.clone(),
                message: if ok {
                    format!("✓ {what} passed ({evidence})")
                } else {
                    format!("✗ {what} failed: {evidence}")
                },
            });
            return if ok {
                Ok(())
            } else {
                Err(Error::failed(format!("step failed: {what}: {evidence}")))
            };
        }
        tokio::time::sleep(gate.interval).await;
    }
}

/// Measures the `whileBaking` gates of a step that updated `ordinals`, each every
/// `interval`, while its pods bake (Ready and watched for `--stable-for`): `baking` holds
/// the set as the wait last saw it then, and is empty otherwise. Passes are silent; a
/// gate that fails (more failures or inconclusive measurements than it tolerates within
/// one bake) ends this with the evidence, as a `gate` event and the error. Without such
/// gates it never ends: the caller races it against the wait.
pub async fn bake(
    gates: &[Gate],
    runner: &dyn Runner,
    client: &kube::Client,
    events: &RefCell<&mut dyn Sink>,
    baking: &RefCell<Option<Subject>>,
    ordinals: &[i32],
) -> Error {
    let gates: Vec<&Gate> = gates.iter().filter(|g| g.while_baking).collect();
    let Some(tick) = gates.iter().map(|g| g.interval).min() else {
        return std::future::pending().await;
    };
    // A short tick notices the bake beginning; each gate keeps its own interval.
    let tick = tick
        .min(Duration::from_millis(200))
        .max(Duration::from_millis(10));
    let mut due: Vec<Option<Instant>> = vec![None; gates.len()];
    let mut tallies: HashMap<(usize, Option<String>), Tally> = HashMap::new();
    loop {
        tokio::time::sleep(tick).await;
        let Some(subject) = baking.borrow().clone() else {
            // Not Ready (again): the next bake starts its count over.
            tallies.clear();
            due.fill(None);
            continue;
        };
        let now = Instant::now();
        let ready: Vec<usize> = (0..gates.len())
            .filter(|i| due[*i].is_none_or(|d| d <= now))
            .collect();
        if ready.is_empty() {
            continue;
        }
        for i in ready {
            let gate = gates[i];
            due[i] = Some(now + gate.interval);
            let targets = match subject.targets(gate, ordinals) {
                Ok(t) => t,
                Err(e) => return e,
            };
            for (pod, facts) in targets {
                let m = measure(
                    gate,
                    runner,
                    client,
                    &subject.namespace,
                    pod.as_deref(),
                    &facts,
                )
                .await;
                let tally = tallies.entry((i, pod.clone())).or_default();
                match tally.add(gate, m) {
                    Some((Verdict::Failed, evidence)) => {
                        let what = what(gate, pod.as_deref());
                        events.borrow_mut().emit(Event::Gate {
                            name: gate.name.clone(),
                            pod: pod.clone(),
                            result: Verdict::Failed,
                            evidence: evidence.clone(),
                            message: format!("✗ {what} failed while baking: {evidence}"),
                        });
                        return Error::failed(format!(
                            "step failed: {what} failed while baking: {evidence}"
                        ));
                    }
                    // Passing while baking proves nothing yet: keep measuring.
                    Some(_) => tally.passed = 0,
                    None => {}
                }
            }
        }
    }
}

async fn measure(
    gate: &Gate,
    runner: &dyn Runner,
    client: &kube::Client,
    ns: &str,
    pod: Option<&str>,
    facts: &[(&str, String)],
) -> Measured {
    let timeout = gate.timeout;
    match &gate.check {
        Check::Prometheus {
            address,
            query,
            condition,
        } => {
            let query = template::promql(query, facts);
            let address = match template::url(address, facts) {
                Ok(a) => a,
                Err(e) => return measured(Verdict::Failed, format!("query {query}: {e}")),
            };
            let url = format!(
                "{address}/api/v1/query?query={}",
                form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
            );
            let (code, body) = match runner.http_get(&url, timeout).await {
                Ok(answer) => answer,
                Err(e) => return measured(Verdict::Inconclusive, format!("query {query}: {e}")),
            };
            if code != 200 {
                return measured(
                    Verdict::Inconclusive,
                    format!("query {query}: Prometheus answered {code}"),
                );
            }
            let values = match prometheus_values(&body) {
                Ok(v) => v,
                Err(e) => return measured(Verdict::Inconclusive, format!("query {query}: {e}")),
            };
            if values.is_empty() {
                return measured(Verdict::Inconclusive, format!("query {query}: no data"));
            }
            let shown: Vec<String> = values.iter().map(ToString::to_string).collect();
            let ok = values.iter().all(|v| condition.holds(v));
            measured(
                if ok { Verdict::Passed } else { Verdict::Failed },
                format!("query {query} = [{}]; {condition}", shown.join(", ")),
            )
        }
        Check::Http {
            target,
            expect_status,
            json,
        } => {
            let (what, answer) = match target {
                HttpTarget::Url(u) => match template::url(u, facts) {
                    Ok(url) => (url.clone(), runner.http_get(&url, timeout).await),
                    // A value from the cluster would have moved the check elsewhere.
                    Err(e) => return measured(Verdict::Failed, format!("GET {u}: {e}")),
                },
                HttpTarget::PodProxy { port, path } => {
                    let pod = template::percent(pod.unwrap_or_default());
                    let path = format!(
                        "/api/v1/namespaces/{}/pods/{pod}:{port}/proxy/{}",
                        template::percent(ns),
                        template::path(path, facts)
                    );
                    (path.clone(), pod_get(client, &path, timeout).await)
                }
            };
            let (code, body) = match answer {
                Ok(a) => a,
                Err(e) => return measured(Verdict::Inconclusive, format!("GET {what}: {e}")),
            };
            let expected = match expect_status {
                Some(want) => code == *want,
                None => (200..300).contains(&code),
            };
            if !expected {
                let want = expect_status.map_or("2xx".to_string(), |w| w.to_string());
                return measured(
                    Verdict::Failed,
                    format!("GET {what} answered {code}, expected {want}"),
                );
            }
            let Some((path, condition)) = json else {
                return measured(Verdict::Passed, format!("GET {what} answered {code}"));
            };
            let found = serde_json::from_str::<Json>(&body)
                .ok()
                .and_then(|b| path.split('.').try_fold(b, |v, k| v.get(k).cloned()));
            match found.as_ref().and_then(json_value) {
                None => measured(
                    Verdict::Inconclusive,
                    format!("GET {what}: no {path} in the answer"),
                ),
                Some(v) => {
                    let ok = condition.holds(&v);
                    measured(
                        if ok { Verdict::Passed } else { Verdict::Failed },
                        format!("GET {what}: {path} = {v}; {condition}"),
                    )
                }
            }
        }
        Check::Command { run, env } => {
            // Values from the cluster are quoted words, never code; they are in the
            // environment too (STS_*).
            let run = template::shell(run, facts);
            let mut vars: Vec<(String, String)> = facts
                .iter()
                .map(|(k, v)| (format!("STS_{}", k.to_uppercase()), v.clone()))
                .collect();
            // The name `--check-cmd` has always given it.
            if let Some((_, set)) = facts.iter().find(|(k, _)| *k == "set") {
                vars.push(("STS_STATEFULSET".into(), set.clone()));
            }
            vars.extend(
                env.iter()
                    .map(|(k, v)| (k.clone(), template::plain(v, facts))),
            );
            match runner.command(&run, &vars, timeout).await {
                Ok(Exit::Exited {
                    success: true,
                    status,
                    output,
                }) => measured(
                    Verdict::Passed,
                    with_output(format!("{run}: {status}"), &output),
                ),
                Ok(Exit::Exited { status, output, .. }) => measured(
                    Verdict::Failed,
                    with_output(format!("{run}: exited with {status}"), &output),
                ),
                Ok(Exit::TimedOut) => measured(
                    Verdict::Failed,
                    format!(
                        "{run}: did not finish within {} {}; it was killed",
                        gate.timeout_from,
                        crate::duration::human(timeout)
                    ),
                ),
                Err(e) => measured(Verdict::Inconclusive, format!("cannot run {run}: {e}")),
            }
        }
    }
}

/// Evidence with what the command said, if anything.
fn with_output(evidence: String, output: &str) -> String {
    if output.is_empty() {
        evidence
    } else {
        format!("{evidence}; it said: {output}")
    }
}

fn json_value(v: &Json) -> Option<Value> {
    match v {
        Json::Number(n) => n.as_f64().map(Value::Number),
        Json::String(s) => Some(Value::Text(s.clone())),
        Json::Bool(b) => Some(Value::Bool(*b)),
        _ => None,
    }
}

/// The values of a Prometheus `/api/v1/query` answer: a scalar, or each series of a
/// vector. An error answer is an error.
pub fn prometheus_values(body: &str) -> std::result::Result<Vec<Value>, String> {
    let v: Json =
        serde_json::from_str(body).map_err(|e| format!("not a Prometheus answer: {e}"))?;
    if v["status"] != "success" {
        return Err(format!(
            "Prometheus: {}",
            v["error"].as_str().unwrap_or("the query failed")
        ));
    }
    let sample = |s: &Json| -> Option<Value> {
        let text = s.get(1)?.as_str()?;
        Some(
            text.parse::<f64>()
                .map(Value::Number)
                .unwrap_or_else(|_| Value::Text(text.to_string())),
        )
    };
    let data = &v["data"];
    match data["resultType"].as_str() {
        Some("scalar") => Ok(sample(&data["result"]).into_iter().collect()),
        Some("vector") => Ok(data["result"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| sample(&r["value"]))
            .collect()),
        other => Err(format!(
            "unsupported result type {other:?} (use an instant query)"
        )),
    }
}

/// GETs `path` through the API server (the pod proxy): its status and body.
async fn pod_get(
    client: &kube::Client,
    path: &str,
    timeout: Duration,
) -> std::result::Result<(u16, String), String> {
    use http_body_util::BodyExt;
    let req = http::Request::get(path)
        .body(Vec::new())
        .map_err(|e| e.to_string())?;
    let res = tokio::time::timeout(timeout, client.send(req.map(kube::client::Body::from)))
        .await
        .map_err(|_| format!("no answer within {}", crate::duration::human(timeout)))?
        .map_err(|e| e.to_string())?;
    let code = res.status().as_u16();
    let body = res
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((code, String::from_utf8_lossy(&body).into_owned()))
}
