//! Running gates: measurements with their evidence, as `gate` events; a failure stops
//! the step with the evidence (the query, the values, the threshold).

use std::time::Duration;

use serde_json::Value as Json;

use super::condition::Value;
use super::{Check, Gate, HttpTarget, fill};
use crate::error::{Error, Result};
use crate::event::{Event, Verdict};
use crate::ops::checks::{Exit, Runner};
use crate::ops::{Io, Target};

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

/// Whether the set controls the pod of this name.
pub type Controlled<'a> = &'a dyn Fn(&str) -> bool;

/// Runs `gates` for the step that updated `ordinals` of `target` (to `revision`): the
/// per-pod ones on each ordinal, highest first, the others once. Only pods the set
/// controls are gated (`controlled`). The first failure stops with its evidence.
pub async fn run(
    gates: &[Gate],
    runner: &dyn Runner,
    client: &kube::Client,
    io: &mut Io<'_>,
    target: &Target,
    (revision, ordinals, controlled): (&str, &[i32], Controlled<'_>),
) -> Result<()> {
    let (ns, set) = (target.namespace.as_str(), target.name.as_str());
    for gate in gates {
        let pods: Vec<Option<i32>> = if gate.per_pod {
            ordinals.iter().rev().map(|o| Some(*o)).collect()
        } else {
            vec![None]
        };
        for ordinal in pods {
            let pod = ordinal.map(|o| format!("{set}-{o}"));
            if let Some(p) = &pod
                && !controlled(p)
            {
                return Err(Error::failed(format!(
                    "gate {:?}: pod/{p} is not controlled by statefulset/{set}; gates never run against it",
                    gate.name
                )));
            }
            let facts: Vec<(&str, String)> = vec![
                (
                    "ordinal",
                    ordinal.map(|o| o.to_string()).unwrap_or_default(),
                ),
                ("pod", pod.clone().unwrap_or_default()),
                ("namespace", ns.to_string()),
                ("set", set.to_string()),
                ("revision", revision.to_string()),
            ];
            judge(gate, runner, client, io, (ns, pod.as_deref()), &facts).await?;
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
    io: &mut Io<'_>,
    (ns, pod): (&str, Option<&str>),
    facts: &[(&str, String)],
) -> Result<()> {
    let (mut passed, mut failed, mut inconclusive) = (0u32, 0u32, 0u32);
    let what = match pod {
        Some(p) => format!("gate {:?} on {p}", gate.name),
        None => format!("gate {:?}", gate.name),
    };
    loop {
        let m = measure(&gate.check, runner, client, ns, pod, facts).await;
        let mut last = m.evidence.clone();
        match m.verdict {
            Verdict::Passed => passed += 1,
            Verdict::Failed => failed += 1,
            Verdict::Inconclusive => inconclusive += 1,
        }
        let outcome = if failed > gate.failure_limit {
            Some(Verdict::Failed)
        } else if inconclusive > gate.inconclusive_limit {
            last = format!(
                "{last} (inconclusive {inconclusive} time(s), more than inconclusiveLimit {})",
                gate.inconclusive_limit
            );
            Some(Verdict::Failed)
        } else if passed >= gate.count {
            Some(Verdict::Passed)
        } else {
            None
        };
        if let Some(result) = outcome {
            let ok = result == Verdict::Passed;
            io.emit(Event::Gate {
                name: gate.name.clone(),
                pod: pod.map(str::to_string),
                result,
                evidence: last.clone(),
                message: if ok {
                    format!("✓ {what} passed ({last})")
                } else {
                    format!("✗ {what} failed: {last}")
                },
            });
            return if ok {
                Ok(())
            } else {
                Err(Error::failed(format!("step failed: {what}: {last}")))
            };
        }
        tokio::time::sleep(gate.interval).await;
    }
}

async fn measure(
    check: &Check,
    runner: &dyn Runner,
    client: &kube::Client,
    ns: &str,
    pod: Option<&str>,
    facts: &[(&str, String)],
) -> Measured {
    match check {
        Check::Prometheus {
            address,
            query,
            condition,
        } => {
            let query = fill(query, facts);
            let url = format!(
                "{}/api/v1/query?query={}",
                fill(address, facts),
                form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
            );
            let (code, body) = match runner.http_get(&url, Duration::from_secs(30)).await {
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
                HttpTarget::Url(u) => {
                    let url = fill(u, facts);
                    (
                        url.clone(),
                        runner.http_get(&url, Duration::from_secs(30)).await,
                    )
                }
                HttpTarget::PodProxy { port, path } => {
                    let pod = pod.unwrap_or_default();
                    let path = format!(
                        "/api/v1/namespaces/{ns}/pods/{pod}:{port}/proxy/{}",
                        fill(path, facts)
                    );
                    (path.clone(), pod_get(client, &path).await)
                }
            };
            let (code, body) = match answer {
                Ok(a) => a,
                Err(e) => return measured(Verdict::Inconclusive, format!("GET {what}: {e}")),
            };
            if code != *expect_status {
                return measured(
                    Verdict::Failed,
                    format!("GET {what} answered {code}, expected {expect_status}"),
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
        Check::Command { run, timeout, env } => {
            let run = fill(run, facts);
            let mut vars: Vec<(String, String)> = facts
                .iter()
                .map(|(k, v)| (format!("STS_{}", k.to_uppercase()), v.clone()))
                .collect();
            vars.extend(env.iter().map(|(k, v)| (k.clone(), fill(v, facts))));
            match runner.command(&run, &vars, *timeout).await {
                Ok(Exit::Exited {
                    success: true,
                    status,
                }) => measured(Verdict::Passed, format!("{run}: {status}")),
                Ok(Exit::Exited { status, .. }) => {
                    measured(Verdict::Failed, format!("{run}: exited with {status}"))
                }
                Ok(Exit::TimedOut) => measured(
                    Verdict::Failed,
                    format!(
                        "{run}: did not finish within {}",
                        crate::duration::human(*timeout)
                    ),
                ),
                Err(e) => measured(Verdict::Inconclusive, format!("cannot run {run}: {e}")),
            }
        }
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
async fn pod_get(client: &kube::Client, path: &str) -> std::result::Result<(u16, String), String> {
    use http_body_util::BodyExt;
    let req = http::Request::get(path)
        .body(Vec::new())
        .map_err(|e| e.to_string())?;
    let res = tokio::time::timeout(
        Duration::from_secs(30),
        client.send(req.map(kube::client::Body::from)),
    )
    .await
    .map_err(|_| "no answer within 30s".to_string())?
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prometheus_answers_give_their_values_and_errors() {
        let vector = r#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"pod":"web-1"},"value":[1.0,"0.5"]},{"metric":{"pod":"web-2"},"value":[1.0,"3"]}]}}"#;
        assert_eq!(
            prometheus_values(vector).unwrap(),
            [Value::Number(0.5), Value::Number(3.0)]
        );
        let scalar = r#"{"status":"success","data":{"resultType":"scalar","result":[1.0,"7"]}}"#;
        assert_eq!(prometheus_values(scalar).unwrap(), [Value::Number(7.0)]);
        let empty = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert!(prometheus_values(empty).unwrap().is_empty());
        let error = r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#;
        assert!(
            prometheus_values(error)
                .unwrap_err()
                .contains("parse error")
        );
    }

    /// A runner that must not be reached.
    struct Untouchable;

    impl Runner for Untouchable {
        fn command<'a>(
            &'a self,
            _: &'a str,
            _: &'a [(String, String)],
            _: Duration,
        ) -> futures::future::BoxFuture<'a, std::result::Result<Exit, String>> {
            panic!("a command ran against a pod the set does not control")
        }
        fn http_get<'a>(
            &'a self,
            _: &'a str,
            _: Duration,
        ) -> futures::future::BoxFuture<'a, std::result::Result<(u16, String), String>> {
            panic!("a query ran against a pod the set does not control")
        }
    }

    #[tokio::test]
    async fn a_gate_never_runs_against_a_pod_the_set_does_not_control() {
        let (_, gates) = super::super::parse(
            "g",
            "gates:\n- name: smoke\n  command: {run: 'check {{pod}}'}\n- name: errors\n  prometheus:\n    address: http://p:9090\n    query: up{pod=\"{{pod}}\"}\n    successCondition: result == 1\n",
        )
        .unwrap();
        let client = kube::Client::new(
            tower::service_fn(|_: http::Request<kube::client::Body>| async {
                panic!("no request to the API server");
                #[allow(unreachable_code)]
                Ok::<http::Response<kube::client::Body>, std::convert::Infallible>(
                    http::Response::new(kube::client::Body::empty()),
                )
            }),
            "default",
        );
        let mut events: Vec<Event> = Vec::new();
        let mut consent = crate::event::Given::Flag;
        let mut io = Io {
            events: &mut events,
            consent: &mut consent,
            clock: &crate::event::WallClock,
        };
        let foreign = |pod: &str| pod != "web-3";
        let err = run(
            &gates,
            &Untouchable,
            &client,
            &mut io,
            &Target::new("prod", "web"),
            ("web-2a", &[3], &foreign),
        )
        .await
        .unwrap_err();
        assert!(
            err.message
                .contains("pod/web-3 is not controlled by statefulset/web"),
            "{}",
            err.message
        );
    }
}
