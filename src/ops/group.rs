//! `kubectl sts rollout NAME… --all` / `rollout -l SELECTOR --all`: one rollout over
//! several StatefulSets of a namespace, in order, one step at a time. Before each step
//! that takes a pod down, every PodDisruptionBudget whose selector matches that pod must
//! allow it (`status.disruptionsAllowed`, its `observedGeneration` current, and a
//! recount of the unavailable pods it covers, so a status that lags cannot let two pods
//! go at once); otherwise the step waits up to `--pdb-timeout`, naming the budget and the
//! unavailable pods, then the rollout stops with nothing changed. Each step is the single
//! set's (`ops::step`: the partition, health, stability, gates); one failure stops the
//! whole rollout, and under `--auto-rollback` the sets already touched are rolled back
//! in reverse order. The state is each set's own (its annotations): a re-run continues.

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::Value;

use super::step::{self, Options};
use super::{Io, Target};
use crate::cluster::{Connection, load};
use crate::error::{Error, Result};
use crate::event::{About, Event, Given, Intended, Object};
use crate::model::stepping::{self, Next};
use crate::model::{self, ModelSetup, Snapshot, report};

pub struct GroupOptions {
    /// Each step as one set's (`by` ordinals, gates, stability, timeouts), with `all`,
    /// `auto_rollback`, `pause_between` and `dry_run` off: those are the group's.
    pub step: Options,
    pub auto_rollback: bool,
    pub pause_between: Option<Duration>,
    pub dry_run: Option<String>,
    pub respect_pdb: bool,
    pub pdb_timeout: Duration,
    /// Stop after this many steps (the dashboard's `s`: one pod of the group); None: to
    /// the end.
    pub max_steps: Option<usize>,
}

const POLL: Duration = Duration::from_secs(1);

/// Runs `f` with `io`'s events tagged as about the set `t` (`set` in `-o json`).
pub async fn about<T>(io: &mut Io<'_>, t: &Target, f: impl AsyncFnOnce(&mut Io<'_>) -> T) -> T {
    let mut sink = About {
        inner: &mut *io.events,
        namespace: &t.namespace,
        name: &t.name,
    };
    let mut set_io = Io {
        events: &mut sink,
        consent: &mut *io.consent,
        clock: io.clock,
    };
    f(&mut set_io).await
}

fn report_of(snap: &Snapshot, setup: &ModelSetup, io: &Io<'_>) -> report::Report {
    let now = io.now(setup);
    let plan = model::plan(snap, now, &setup.profile);
    report::report(snap, &plan, now, &setup.profile)
}

/// The pods the next step of `snap` takes down (none for a re-gate or a wait).
fn disrupted(snap: &Snapshot, next: &Next) -> Vec<String> {
    match next {
        Next::Lower { ordinals, .. } => ordinals
            .iter()
            .filter_map(|o| snap.records().iter().find(|r| r.ordinal == *o))
            .map(|r| r.name.clone())
            .collect(),
        Next::Delete { pod, .. } => vec![pod.clone()],
        _ => Vec::new(),
    }
}

pub async fn run(
    conn: &Connection,
    io: &mut Io<'_>,
    setup: &ModelSetup,
    targets: &[Target],
    opts: &GroupOptions,
) -> Result<()> {
    // The plan: each set, its revisions and the steps left, in order.
    let mut lines = Vec::new();
    let mut writes = Vec::new();
    let mut sequence = Vec::new();
    for t in targets {
        let snap = load::snapshot(&conn.client, &t.namespace, &t.name).await?;
        let r = report_of(&snap, setup, io);
        let left: Vec<String> = r
            .rows
            .iter()
            .filter(|row| row.revision.as_deref() != Some(r.update_revision.as_str()))
            .map(|row| {
                row.pod
                    .clone()
                    .unwrap_or_else(|| format!("{}-{}", t.name, row.ordinal))
            })
            .rev()
            .collect();
        lines.push(format!(
            "  {}: {} → {}, partition {}: {}",
            t.name,
            r.current_revision,
            r.update_revision,
            r.partition.map_or("none".to_string(), |p| p.to_string()),
            if left.is_empty() {
                "nothing to roll out".to_string()
            } else {
                format!("{} pod(s) to replace", left.len())
            }
        ));
        if !left.is_empty() {
            writes.push(Intended {
                verb: "patch".into(),
                object: Object::new("statefulset", &t.namespace, &t.name),
                reason: format!(
                    "spec.updateStrategy.rollingUpdate.partition lowered {} ordinal(s) at a time to 0",
                    opts.step.by
                ),
            });
        } else if step::left_bookkeeping(&snap) {
            // An earlier run stopped right after this set's last step: its notes go.
            writes.push(Intended {
                verb: "patch".into(),
                object: Object::new("statefulset", &t.namespace, &t.name),
                reason: "the rollout's bookkeeping annotations removed".into(),
            });
        }
        sequence.extend(left);
    }
    lines.push(format!(
        "  in this order, each healthy and stable for {} before the next{}: {}",
        crate::duration::human(opts.step.stable_for),
        if opts.respect_pdb {
            ", and only when the PodDisruptionBudgets allow it"
        } else {
            ""
        },
        if sequence.is_empty() {
            "none".to_string()
        } else {
            sequence.join(", ")
        }
    ));
    let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
    let ns = targets.first().map(|t| t.namespace.as_str()).unwrap_or("");
    io.emit(Event::Plan {
        message: format!(
            "Roll out {} StatefulSets in namespace {ns}, one after another:",
            targets.len()
        ),
        lines,
        writes,
        template: None,
    });
    match super::go_ahead(
        io,
        opts.dry_run.as_deref(),
        &format!("Roll out {}?", names.join(", ")),
    )? {
        super::Go::NoChange => {
            io.info("(dry run: nothing changed)");
            return Ok(());
        }
        super::Go::Ahead { server_dry: true } => {
            return Err(Error::input(
                "--dry-run=server is not available for several sets; use --dry-run=client",
            ));
        }
        super::Go::Ahead { .. } => {}
    }
    let mut flag = Given::Flag;
    let mut io = io.with_consent(&mut flag);
    let mut touched: Vec<&Target> = Vec::new();
    // The ETA over the whole group: the median time per pod replaced so far, times the
    // pods of the plan's sequence still to go.
    let mut per_pod: Vec<jiff::SignedDuration> = Vec::new();
    let mut steps = 0;
    for t in targets {
        loop {
            let snap = load::snapshot(&conn.client, &t.namespace, &t.name).await?;
            let r = report_of(&snap, setup, &io);
            let next = stepping::next_of(&snap, &r, opts.step.by, None);
            let done = match &next {
                Next::Complete { .. } => true,
                Next::Refuse { .. } => stepping::rolled_out(&r),
                _ => false,
            };
            if done {
                // Interrupted right after its last step was recorded: finish it.
                if step::left_bookkeeping(&snap) {
                    about(&mut io, t, async |io| {
                        step::tidy(conn, io, t, &snap, setup).await
                    })
                    .await?;
                }
                break;
            }
            if let Next::Refuse { reason } = &next {
                let e = Error::failed(format!("{}: {reason}", t.name));
                return stop(conn, &mut io, setup, &touched, opts, e).await;
            }
            let pods = disrupted(&snap, &next);
            if opts.respect_pdb
                && !pods.is_empty()
                && let Err(e) = about(&mut io, t, async |io| {
                    budgets_allow(conn, io, t, &snap, &pods, opts.pdb_timeout).await
                })
                .await
            {
                return stop(conn, &mut io, setup, &touched, opts, e).await;
            }
            if !touched.contains(&t) {
                touched.push(t);
            }
            let began = io.clock.monotonic();
            let stepped = about(&mut io, t, async |io| {
                step::run(conn, t, setup, &opts.step, io).await
            })
            .await;
            if let Err(e) = stepped {
                return stop(conn, &mut io, setup, &touched, opts, e).await;
            }
            if !pods.is_empty() {
                let took = io.clock.monotonic().duration_since(began) / pods.len() as u32;
                let each = jiff::SignedDuration::try_from(took).unwrap_or_default();
                per_pod.extend(std::iter::repeat_n(each, pods.len()));
                let left = sequence.len().saturating_sub(per_pod.len());
                if left > 0
                    && let Some(eta) = crate::model::eta::Eta::of(&per_pod, left)
                {
                    io.emit(Event::Progress {
                        message: format!("{}: {eta}", names.join(", ")),
                    });
                }
            }
            steps += 1;
            if opts.max_steps.is_some_and(|max| steps >= max) {
                io.info(format!(
                    "{}: step done (run again to go on)",
                    names.join(", ")
                ));
                return Ok(());
            }
            if let Some(pause) = opts.pause_between {
                tokio::time::sleep(pause).await;
            }
        }
    }
    io.info(format!("rolled out {}", names.join(", ")));
    Ok(())
}

/// One failure stops all; under `--auto-rollback` the touched sets go back, the last
/// touched first.
async fn stop(
    conn: &Connection,
    io: &mut Io<'_>,
    setup: &ModelSetup,
    touched: &[&Target],
    opts: &GroupOptions,
    e: Error,
) -> Result<()> {
    if !opts.auto_rollback || touched.is_empty() {
        return Err(e);
    }
    io.emit(Event::warning(format!(
        "{}; rolling back {} (--auto-rollback)",
        e.message,
        touched
            .iter()
            .rev()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )));
    for t in touched.iter().rev() {
        about(io, t, async |io| {
            step::rollback(conn, io, t, setup, &opts.step).await
        })
        .await?;
    }
    Err(e.with_hint("the sets it had touched were rolled back (--auto-rollback)"))
}

/// Waits until every budget matching one of `pods` allows taking them down.
async fn budgets_allow(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    snap: &Snapshot,
    pods: &[String],
    timeout: Duration,
) -> Result<()> {
    let ns = target.namespace.as_str();
    let deadline = io.clock.monotonic() + timeout;
    let labels: Vec<Option<BTreeMap<String, String>>> = pods
        .iter()
        .map(|p| snap.pod(p).and_then(|p| p.metadata.labels.clone()))
        .collect();
    let mut said = String::new();
    loop {
        let list = load::get_raw(
            &conn.client,
            &format!("/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets"),
            &format!("list poddisruptionbudgets.policy in namespace {ns:?}"),
        )
        .await?;
        let all_pods = load::get_raw(
            &conn.client,
            &format!("/api/v1/namespaces/{ns}/pods"),
            &format!("list pods in namespace {ns:?}"),
        )
        .await?;
        let items = |v: &Value| v["items"].as_array().cloned().unwrap_or_default();
        let blocked: Vec<String> = items(&list)
            .iter()
            .filter_map(|b| blocking(b, &labels, &items(&all_pods)))
            .collect();
        if blocked.is_empty() {
            return Ok(());
        }
        let why = blocked.join("; ");
        if why != said {
            io.emit(Event::Progress {
                message: format!(
                    "{}: waiting to take down {}: {why}",
                    target.name,
                    pods.join(", ")
                ),
            });
            said = why.clone();
        }
        if io.clock.monotonic() >= deadline {
            return Err(Error::failed(format!(
                "{} was not stepped: {why} (waited {}); nothing changed",
                target.name,
                crate::duration::human(timeout)
            ))
            .with_hint("bring the unavailable pods back, or raise --pdb-timeout"));
        }
        tokio::time::sleep(POLL).await;
    }
}

fn selector_of(v: &Value) -> LabelSelector {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

fn labels_of(p: &Value) -> Option<BTreeMap<String, String>> {
    serde_json::from_value(p.pointer("/metadata/labels")?.clone()).ok()
}

fn ready(p: &Value) -> bool {
    p.pointer("/metadata/deletionTimestamp").is_none()
        && p["status"]["conditions"].as_array().is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

/// Why `budget` blocks taking down pods with `labels`, if it does.
fn blocking(
    budget: &Value,
    labels: &[Option<BTreeMap<String, String>>],
    pods: &[Value],
) -> Option<String> {
    let name = budget["metadata"]["name"].as_str().unwrap_or("");
    let selector = selector_of(&budget["spec"]["selector"]);
    let taken = labels
        .iter()
        .filter(|l| model::selector::matches(&selector, l.as_ref()))
        .count() as i64;
    if taken == 0 {
        return None;
    }
    let status = &budget["status"];
    let generation = budget["metadata"]["generation"].as_i64().unwrap_or(1);
    if status["observedGeneration"].as_i64().unwrap_or(0) < generation {
        return Some(format!(
            "PodDisruptionBudget {name} has not observed its generation {generation} yet"
        ));
    }
    let covered: Vec<&Value> = pods
        .iter()
        .filter(|p| model::selector::matches(&selector, labels_of(p).as_ref()))
        .collect();
    let unavailable: Vec<&str> = covered
        .iter()
        .filter(|p| !ready(p))
        .filter_map(|p| p["metadata"]["name"].as_str())
        .collect();
    let allowed = status["disruptionsAllowed"].as_i64().unwrap_or(0);
    let expected = status["expectedPods"].as_i64().unwrap_or(0);
    let desired = status["desiredHealthy"].as_i64().unwrap_or(0);
    let healthy_now = covered.len() as i64 - unavailable.len() as i64;
    // The recount: what the status would allow now (a status lags the pods).
    let recount = healthy_now.min(expected) - desired;
    if allowed >= taken && recount >= taken {
        return None;
    }
    Some(format!(
        "PodDisruptionBudget {name} allows {} disruption(s){}",
        allowed.min(recount).max(0),
        if unavailable.is_empty() {
            String::new()
        } else {
            format!(" (unavailable: {})", unavailable.join(", "))
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(name: &str, ready: bool) -> Value {
        json!({"metadata": {"name": name, "labels": {"cluster": "es"}},
               "status": {"conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]}})
    }

    fn budget(allowed: i64, expected: i64, desired: i64, observed: i64) -> Value {
        json!({"metadata": {"name": "es", "generation": 2},
               "spec": {"selector": {"matchLabels": {"cluster": "es"}}},
               "status": {"observedGeneration": observed, "disruptionsAllowed": allowed,
                          "expectedPods": expected, "desiredHealthy": desired}})
    }

    fn labels() -> Vec<Option<BTreeMap<String, String>>> {
        vec![Some(BTreeMap::from([(
            "cluster".to_string(),
            "es".to_string(),
        )]))]
    }

    #[test]
    fn a_budget_blocks_when_its_status_or_a_recount_says_no() {
        let healthy: Vec<Value> = (0..3).map(|o| pod(&format!("es-a-{o}"), true)).collect();
        assert_eq!(blocking(&budget(1, 3, 2, 2), &labels(), &healthy), None);
        // maxUnavailable: 0 — never allows one.
        let zero = blocking(&budget(0, 3, 3, 2), &labels(), &healthy).unwrap();
        assert_eq!(zero, "PodDisruptionBudget es allows 0 disruption(s)");
        // A status that lags: it still says 1, but a pod is down now.
        let mut one_down = healthy.clone();
        one_down[1] = pod("es-a-1", false);
        let lag = blocking(&budget(1, 3, 2, 2), &labels(), &one_down).unwrap();
        assert_eq!(
            lag,
            "PodDisruptionBudget es allows 0 disruption(s) (unavailable: es-a-1)"
        );
        // A generation the disruption controller has not seen.
        let stale = blocking(&budget(1, 3, 2, 1), &labels(), &healthy).unwrap();
        assert!(
            stale.contains("has not observed its generation 2"),
            "{stale}"
        );
        // A budget over other pods does not block.
        let other = vec![Some(BTreeMap::from([(
            "app".to_string(),
            "db".to_string(),
        )]))];
        assert_eq!(blocking(&budget(0, 3, 3, 2), &other, &healthy), None);
    }
}
