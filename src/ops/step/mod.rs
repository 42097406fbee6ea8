//! `kubectl sts rollout NAME --step`: lower the partition (or, under OnDelete, delete the
//! next outdated pod), then wait — on watches — until the included ordinals are updated,
//! Running, Ready, available and stable, and pass the user's checks; `--all` repeats.
//!
//! The only state is in the cluster: the partition and an annotation recording where the
//! partition started. Interrupted, a re-run first gates again the step the partition
//! shows. The waiting, the checks and the recovery are in [`gate`].

mod gate;

pub use gate::rollback;

use super::checks::Checks;
use super::{Io, Target};
use std::time::Duration;

use serde_json::json;

use crate::cluster::{Connection, load, mutate};
use crate::error::{Error, Result};
use crate::event::{Event, Intended, Object};
use crate::model::ModelSetup;
use crate::model::stepping::{
    self, GATES_ANNOTATION, Next, ORIGIN_ANNOTATION, VERIFIED_ANNOTATION,
};
use crate::model::{self, Snapshot, report};

pub struct Options {
    pub by: u32,
    pub to: Option<i32>,
    pub all: bool,
    pub pause_between: Option<Duration>,
    pub stable_for: Duration,
    /// The step's gates (`--gates`, `--gate`, `--check-cmd`, `--check-http`) and what
    /// runs them.
    pub checks: Checks,
    pub step_timeout: Duration,
    /// `client`: show the next step; `server`: send its write with dryRun=All.
    pub dry_run: Option<String>,
    pub auto_rollback: bool,
    /// Re-gate a recorded step without the gates it was started with.
    pub skip_gates: bool,
}

impl Options {
    /// One step of `by` ordinals with the defaults of the command line (the dashboard's
    /// `s` key).
    pub fn step_by(by: u32) -> Options {
        Options {
            by,
            to: None,
            all: false,
            pause_between: None,
            stable_for: Duration::from_secs(30),
            checks: Checks::none(),
            step_timeout: Duration::from_secs(600),
            dry_run: None,
            auto_rollback: false,
            skip_gates: false,
        }
    }
}

/// How many times a partition patch is retried after a 409 (re-reading each time).
const CONFLICT_RETRIES: usize = 5;

pub async fn run(
    conn: &Connection,
    target: &Target,
    setup: &ModelSetup,
    opts: &Options,
    io: &mut Io<'_>,
) -> Result<()> {
    let name = target.name.as_str();
    let mut steps = 0;
    let mut conflicts = 0;
    // What this run left the set at (partition, update revision, replicas): anything else
    // found later was another client's change, never written over.
    let mut expected: Option<(i32, String, i32)> = None;
    // How long each ordinal stepped in this run took (partition patch → gates passed),
    // for the estimate of the time left.
    let mut per_ordinal: Vec<jiff::SignedDuration> = Vec::new();
    loop {
        let snap = load::snapshot(&conn.client, &target.namespace, name).await?;
        let r = report_of(&snap, setup, io);
        if let Some((partition, revision, replicas)) = &expected {
            changed_by_another_client(&r, *partition, revision, *replicas)?;
        }
        let annotations = snap.set().metadata.annotations.clone().unwrap_or_default();
        let next = stepping::next_of(&snap, &r, opts.by, opts.to);
        let on_delete = r.strategy == "OnDelete";
        if let Some(mode) = &opts.dry_run {
            return dry_run(conn, io, target, (&snap, &r), &next, opts, mode == "server").await;
        }
        match next {
            // `--all` asks for the set rolled out: one that already is (run again after
            // a run that was killed after its last write, say) is a success.
            Next::Refuse { reason }
                if steps == 0
                    && opts.all
                    && crate::model::stepping::rolled_out(&r)
                    && !paused_or_deleting(&snap) =>
            {
                io.info(format!("{reason}; the rollout is complete"));
                return finish(conn, io, target, &snap, setup, false).await;
            }
            Next::Refuse { reason } if steps == 0 => return Err(Error::failed(reason)),
            Next::Refuse { .. } | Next::Complete { .. } if steps > 0 => {
                return finish(conn, io, target, &snap, setup, true).await;
            }
            Next::Refuse { reason } => return Err(Error::failed(reason)),
            Next::Complete { message } => {
                io.info(format!("{message}; nothing to step"));
                return finish(conn, io, target, &snap, setup, false).await;
            }
            Next::Regate {
                partition,
                ordinals,
                checks,
            } => {
                same_gates(io, &snap, opts, partition)?;
                io.info(format!(
                    "The step to partition {partition} has not passed its gates (ordinals {}); gating it again before going lower",
                    list(&ordinals)
                ));
                gate::gate(conn, io, target, setup, opts, (&ordinals, &checks)).await?;
                gate::mark_verified(conn, io, target, partition).await?;
                steps += 1;
                expected = Some((partition, r.update_revision.clone(), r.replicas));
            }
            Next::Replacing { ordinal } => {
                io.info(format!(
                    "{name}-{ordinal} is being replaced; waiting for it"
                ));
                gate::gate(conn, io, target, setup, opts, (&[ordinal], &[])).await?;
                steps += 1;
            }
            Next::Lower { from, to, ordinals } => {
                let what = format!(
                    "lower the partition of {name} from {from} to {to} (ordinals {})",
                    list(&ordinals)
                );
                let gated: Vec<i32> =
                    (to + r.start_ordinal..r.start_ordinal + r.replicas).collect();
                if steps == 0 && conflicts == 0 {
                    crate::ops::gitops::warn(
                        io,
                        target,
                        &snap,
                        crate::ops::gitops::Change::Partition,
                    );
                }
                io.emit(lower_plan(target, (from, to), (&gated, &ordinals), opts));
                ask(io, opts, steps, &what).await?;
                let began = io.clock.monotonic();
                let mut patch = json!({"spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": to}}}});
                // The gates this step must pass, for a re-run to hold to them.
                let names = gate_names(opts);
                patch["metadata"] = json!({"annotations": {
                    GATES_ANNOTATION: if names.is_empty() { serde_json::Value::Null } else { names.into() }
                }});
                if !annotations.contains_key(ORIGIN_ANNOTATION) {
                    patch["metadata"]["annotations"][ORIGIN_ANNOTATION] = from.to_string().into();
                }
                let said = format!(
                    "statefulset.apps/{name} partition {from} → {to}: ordinals {} move to {}",
                    list(&ordinals),
                    r.update_revision
                );
                match super::patch_set(conn, io, (target, &snap), &patch, false, said).await {
                    Ok(_) => {}
                    Err(e) if e.is_conflict() && conflicts < CONFLICT_RETRIES => {
                        conflicts += 1;
                        io.emit(Event::warning(format!(
                            "statefulset/{name} changed since it was read (409 Conflict); reading it again and deciding anew"
                        )));
                        continue;
                    }
                    Err(e)
                        if matches!(
                            e.cause,
                            crate::cluster::error::Cause::Timeout
                                | crate::cluster::error::Cause::Unreachable(_)
                        ) =>
                    {
                        let err: Error = e.into();
                        return Err(Error::failed(format!(
                            "the partition patch of statefulset/{name} got no answer ({}): it may or may not have been applied",
                            err.message
                        ))
                        .with_hint(format!(
                            "run `kubectl sts rollout {name} --step` again: it reads the set first and continues from the partition it shows"
                        )));
                    }
                    Err(e) => return Err(e.into()),
                }
                conflicts = 0;
                // Every ordinal at or above the new partition must be healthy, not only the
                // new ones: an earlier one that broke meanwhile fails the step too.
                gate::gate(conn, io, target, setup, opts, (&gated, &ordinals)).await?;
                gate::mark_verified(conn, io, target, to).await?;
                steps += 1;
                expected = Some((to, r.update_revision.clone(), r.replicas));
                let took = io.clock.monotonic().duration_since(began);
                let n = ordinals.len().max(1);
                let each = jiff::SignedDuration::try_from(took / n as u32).unwrap_or_default();
                per_ordinal.extend(std::iter::repeat_n(each, n));
                let left = usize::try_from(to - r.start_ordinal).unwrap_or(0);
                if opts.all
                    && left > 0
                    && let Some(eta) = crate::model::eta::Eta::of(&per_ordinal, left)
                {
                    io.emit(Event::Progress {
                        message: format!("{name}: {eta}"),
                    });
                }
            }
            Next::Delete { pod, ordinal } => {
                let what = format!("delete {pod} so it is recreated on {}", r.update_revision);
                io.emit(delete_plan(target, &pod, &r.update_revision, opts));
                ask(io, opts, steps, &what).await?;
                // Only a pod the set controls, as it was when decided on; a change since
                // (409) ends this run, and the next run decides again.
                crate::ops::delete_controlled_pod(conn, io, target, &snap, &pod).await?;
                io.info(format!(
                    "pod/{pod} deleted (OnDelete); waiting for its replacement on {}",
                    r.update_revision
                ));
                gate::gate(conn, io, target, setup, opts, (&[ordinal], &[ordinal])).await?;
                steps += 1;
            }
        }
        // A step under OnDelete is one pod; `--step N` deletes N, one after the other.
        let wanted = if on_delete {
            opts.by.max(1) as usize
        } else {
            1
        };
        if !opts.all && steps >= wanted {
            let snap = load::snapshot(&conn.client, &target.namespace, name).await?;
            return finish(conn, io, target, &snap, setup, true).await;
        }
    }
}

/// The plan of a step that lowers the partition `from` → `to`: its write, then what
/// ordinals `gated` must be and which gates run on `ordinals`.
fn lower_plan(
    target: &Target,
    (from, to): (i32, i32),
    (gated, ordinals): (&[i32], &[i32]),
    opts: &Options,
) -> Event {
    let name = target.name.as_str();
    Event::Plan {
        message: format!(
            "Step: statefulset/{name} partition {from} → {to}; then ordinals {} must be updated, Ready, available and stable for {}{}",
            list(gated),
            crate::duration::human(opts.stable_for),
            if opts.checks.gates.is_empty() {
                String::new()
            } else {
                format!(
                    " and pass the gates ({}) on ordinals {}",
                    gate_names(opts),
                    list(ordinals)
                )
            }
        ),
        lines: vec![],
        writes: vec![
            Intended {
                verb: "patch".into(),
                object: Object::new("statefulset", &target.namespace, name),
                reason: format!(
                    "spec.updateStrategy.rollingUpdate.partition {from} → {to} (and the partition it started from, in {ORIGIN_ANNOTATION}, and the step's gates, in {GATES_ANNOTATION})"
                ),
            },
            Intended {
                verb: "patch".into(),
                object: Object::new("statefulset", &target.namespace, name),
                reason: if to == 0 {
                    format!(
                        "once the step passes its gates: {VERIFIED_ANNOTATION}={to}, then the annotations removed (every ordinal updated)"
                    )
                } else {
                    format!("once the step passes its gates: {VERIFIED_ANNOTATION}={to}")
                },
            },
        ],
        template: None,
    }
}

/// The plan of an OnDelete step: delete `pod` so it comes back on `revision`.
fn delete_plan(target: &Target, pod: &str, revision: &str, opts: &Options) -> Event {
    Event::Plan {
        message: format!(
            "Step (OnDelete): delete pod/{pod} at its uid; then its replacement on {revision} must be updated, Ready, available and stable for {}",
            crate::duration::human(opts.stable_for)
        ),
        lines: vec![],
        writes: vec![Intended {
            verb: "delete".into(),
            object: Object::new("pod", &target.namespace, pod),
            reason: "runs an old revision; OnDelete replaces it only when deleted".into(),
        }],
        template: None,
    }
}

/// The step's gates by name, as the plan and the bookkeeping annotation list them.
fn gate_names(opts: &Options) -> String {
    opts.checks
        .gates
        .iter()
        .map(|g| g.name.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// A step recorded with gates is re-gated with them: a re-run that lacks any stops and
/// names them, unless `--skip-gates` says to go without (a warning records it).
fn same_gates(io: &mut Io<'_>, snap: &Snapshot, opts: &Options, partition: i32) -> Result<()> {
    let recorded = snap
        .set()
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(GATES_ANNOTATION))
        .cloned()
        .unwrap_or_default();
    let have: Vec<&str> = opts.checks.gates.iter().map(|g| g.name.as_str()).collect();
    let missing: Vec<&str> = recorded
        .split(',')
        .map(str::trim)
        .filter(|g| !g.is_empty() && !have.contains(g))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let name = snap.name();
    if opts.skip_gates {
        io.emit(Event::warning(format!(
            "--skip-gates: the step to partition {partition} of {name} was started with the gates {}; it is judged without them",
            missing.join(", ")
        )));
        return Ok(());
    }
    Err(Error::failed(format!(
        "the step to partition {partition} of {name} was started with the gates {} and has not passed them; this run does not have them, so it stops",
        missing.join(", ")
    ))
    .with_hint(format!(
        "run again with the same --gates/--gate/--check-cmd/--check-http, or with --skip-gates to judge the step on health alone ({GATES_ANNOTATION} on the set names them)"
    )))
}

/// Consent for a step: asked before the first one; between two steps of `--all`, the
/// pause (`--pause-between`) or the question again.
async fn ask(io: &mut Io<'_>, opts: &Options, steps: usize, what: &str) -> Result<()> {
    let question = match (steps, opts.pause_between) {
        (0, _) if opts.all => format!("Roll out step by step: first {what}?"),
        (0, _) => format!("{}?", capitalized(what)),
        (_, Some(d)) => {
            io.info(format!(
                "Pausing {} before the next step",
                crate::duration::human(d)
            ));
            tokio::time::sleep(d).await;
            return Ok(());
        }
        (_, None) => format!("Next step: {what}?"),
    };
    super::go_ahead(io, None, &question).map(|_| ())
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// `--dry-run`: what the next step would do; with `server`, its write sent with
/// dryRun=All. Nothing changes.
async fn dry_run(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    (snap, r): (&Snapshot, &report::Report),
    next: &Next,
    opts: &Options,
    server: bool,
) -> Result<()> {
    let name = target.name.as_str();
    let mode = if server { "server" } else { "client" };
    let what = match next {
        Next::Refuse { reason } => return Err(Error::failed(reason.clone())),
        Next::Complete { message } => format!("{message}; nothing to step"),
        Next::Regate {
            partition,
            ordinals,
            checks,
        } => format!(
            "next: gate the step to partition {partition} again (wait for ordinals {}, checks on {})",
            list(ordinals),
            list(checks)
        ),
        Next::Replacing { ordinal } => format!("next: wait for {name}-{ordinal}'s replacement"),
        Next::Lower { from, to, ordinals } => {
            let what = format!(
                "next: lower the partition of {name} from {from} to {to} (ordinals {})",
                list(ordinals)
            );
            // The same warning and plan as the real run, then the dry run's consent.
            crate::ops::gitops::warn(io, target, snap, crate::ops::gitops::Change::Partition);
            let gated: Vec<i32> = (to + r.start_ordinal..r.start_ordinal + r.replicas).collect();
            io.emit(lower_plan(target, (*from, *to), (&gated, ordinals), opts));
            super::go_ahead(io, Some(mode), &what)?;
            if server {
                let patch = json!({"spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": to}}}});
                let said =
                    format!("statefulset.apps/{name} partition {from} → {to} (server dry run)");
                super::patch_set(conn, io, (target, snap), &patch, true, said)
                    .await
                    .map_err(|e| super::write_error(e, &format!("statefulset/{name}")))?;
            }
            what
        }
        Next::Delete { pod, .. } => {
            let what =
                format!("next: delete {pod} (OnDelete) so it is recreated on the update revision");
            crate::ops::gitops::warn(io, target, snap, crate::ops::gitops::Change::Partition);
            io.emit(delete_plan(target, pod, &r.update_revision, opts));
            super::go_ahead(io, Some(mode), &what)?;
            if server {
                let uid = snap.record(pod).map(|r| r.uid.clone()).unwrap_or_default();
                mutate::delete_preconditioned(
                    &conn.client,
                    &mutate::pod_path(&target.namespace, pod),
                    &format!("pod {pod:?} in namespace {:?}", target.namespace),
                    &mutate::Preconditions {
                        uid: &uid,
                        dry_run: true,
                        ..mutate::Preconditions::default()
                    },
                )
                .await
                .map_err(Error::from)?;
                io.wrote(
                    "delete",
                    Object::new("pod", &target.namespace, pod),
                    (Some(&uid), None),
                    true,
                    format!("pod/{pod} deleted (server dry run)"),
                );
            }
            what
        }
    };
    io.info(what);
    io.info(if server {
        "(server dry run: accepted, nothing changed)"
    } else {
        "(dry run: nothing changed)"
    });
    Ok(())
}

/// Stops when the set is not as this run left it: another client raised or lowered the
/// partition, changed the template or the replicas.
fn changed_by_another_client(
    r: &report::Report,
    partition: i32,
    revision: &str,
    replicas: i32,
) -> Result<()> {
    let now = r.partition.unwrap_or(0);
    let why = if now != partition {
        format!("its partition was changed from {partition} to {now}")
    } else if r.update_revision != revision {
        format!(
            "its template was changed (update revision {revision} → {})",
            r.update_revision
        )
    } else if r.replicas != replicas {
        format!("it was scaled from {replicas} to {}", r.replicas)
    } else {
        return Ok(());
    };
    Err(Error::failed(format!(
        "statefulset/{} was changed by another client during the rollout: {why}; stopped without writing over it",
        r.name
    ))
    .with_hint("run the command again once the change is intended: it starts from what the cluster shows"))
}

/// After the last step: say where the rollout stands; once every ordinal is done the
/// origin annotation has served its purpose and is removed — by a run that stepped (its
/// plan said so before consent), never by one that only looked.
/// A rolled-out set whose last step was recorded (an interrupted run) but whose
/// bookkeeping was not removed: the group rollout finishes it as a re-run of one set does.
pub fn left_bookkeeping(snap: &Snapshot) -> bool {
    let notes = snap.set().metadata.annotations.as_ref();
    partition_of(snap) == 0
        && notes.is_some_and(|a| {
            a.contains_key(ORIGIN_ANNOTATION)
                && a.get(VERIFIED_ANNOTATION).is_some_and(|v| v.trim() == "0")
        })
}

/// The end of a rollout of one set (its bookkeeping removed, what the pods run said).
pub async fn tidy(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    snap: &Snapshot,
    setup: &ModelSetup,
) -> Result<()> {
    finish(conn, io, target, snap, setup, false).await
}

async fn finish(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    snap: &Snapshot,
    setup: &ModelSetup,
    stepped: bool,
) -> Result<()> {
    let name = target.name.as_str();
    // What the pods run, not what the partition says: an OnDelete set has no partition,
    // and one replaced pod does not make the rollout done.
    let r = report_of(snap, setup, io);
    let outdated = r.replicas - r.updated;
    let partition = partition_of(snap);
    let notes = snap.set().metadata.annotations.as_ref();
    let has_origin = notes.is_some_and(|a| a.contains_key(ORIGIN_ANNOTATION));
    // Stepped by this run, or by a run interrupted after it recorded the last step.
    let verified_all = notes
        .and_then(|a| a.get(VERIFIED_ANNOTATION))
        .is_some_and(|v| v.trim() == "0");
    if (stepped || verified_all) && partition == 0 && has_origin {
        let patch = json!({"metadata": {"annotations": {ORIGIN_ANNOTATION: null, VERIFIED_ANNOTATION: null, GATES_ANNOTATION: null}}});
        let said = format!("  statefulset/{name}: the rollout's bookkeeping annotations removed");
        // Best effort: a conflict here only leaves a stale note behind.
        let _ = super::patch_set(conn, io, (target, snap), &patch, false, said).await;
    }
    io.info(if outdated <= 0 {
        format!("statefulset.apps/{name}: every ordinal is on the update revision")
    } else if r.strategy == "OnDelete" {
        format!(
            "statefulset.apps/{name}: step done; {outdated} pod(s) still on the old revision (run again to go on)"
        )
    } else {
        format!("statefulset.apps/{name}: step done; partition {partition} (run again to go on)")
    });
    Ok(())
}

/// A refusal for these reasons is not "nothing to roll out", whatever the pods run.
fn paused_or_deleting(snap: &Snapshot) -> bool {
    let set = snap.set();
    set.metadata.deletion_timestamp.is_some() || crate::model::progress::is_paused(set)
}

/// The partition of the set's RollingUpdate strategy (0 when unset).
fn partition_of(snap: &Snapshot) -> i32 {
    snap.set()
        .spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|s| s.rolling_update.as_ref())
        .and_then(|r| r.partition)
        .unwrap_or(0)
}

fn report_of(snap: &Snapshot, setup: &ModelSetup, io: &Io<'_>) -> report::Report {
    let now = io.now(setup);
    let plan = model::plan(snap, now, &setup.profile);
    report::report(snap, &plan, now, &setup.profile)
}

fn list(ordinals: &[i32]) -> String {
    ordinals
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}
