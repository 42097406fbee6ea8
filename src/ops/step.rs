//! `kubectl sts rollout NAME --step`: lower the partition (or, under OnDelete, delete the
//! next outdated pod), then wait — on watches — until the included ordinals are updated,
//! Running, Ready, available and stable, and pass the user's checks; `--all` repeats.
//!
//! The only state is in the cluster: the partition and an annotation recording where the
//! partition started. Interrupted, a re-run first finishes the step the partition shows.

use super::Target;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use futures::StreamExt;
use serde_json::json;
use tokio::time::Instant;

use crate::cluster::{Connection, load, mutate, watch};
use crate::error::{Error, Result};
use crate::model::ModelSetup;
use crate::model::stepping::{self, Gate, Next, ORIGIN_ANNOTATION, VERIFIED_ANNOTATION};
use crate::model::{self, Snapshot, report};
use crate::output::{Style, io_error};

pub struct Options {
    pub by: u32,
    pub to: Option<i32>,
    pub all: bool,
    pub pause_between: Option<Duration>,
    pub stable_for: Duration,
    pub check_cmd: Option<String>,
    pub check_http: Option<String>,
    pub step_timeout: Duration,
    /// A check that has not answered by then fails (and its process is killed).
    pub check_timeout: Duration,
    /// `client`: show the next step; `server`: send its write with dryRun=All.
    pub dry_run: Option<String>,
    pub auto_rollback: bool,
    pub yes: bool,
    /// Draw a spinner on standard error when it is a terminal (not inside the dashboard).
    pub spinner: bool,
}

/// How many times a partition patch is retried after a 409 (re-reading each time).
const CONFLICT_RETRIES: usize = 5;

pub async fn run(
    conn: &Connection,
    target: &Target,
    setup: &ModelSetup,
    opts: &Options,
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    let name = target.name.as_str();
    let mut steps = 0;
    let mut conflicts = 0;
    // What this run left the set at (partition, update revision, replicas): anything else
    // found later was another client's change, never written over.
    let mut expected: Option<(i32, String, i32)> = None;
    loop {
        let snap = load::snapshot(&conn.client, &target.namespace, name).await?;
        let r = report_of(&snap, setup);
        if let Some((partition, revision, replicas)) = &expected {
            changed_by_another_client(&r, *partition, revision, *replicas)?;
        }
        let annotations = snap.set().metadata.annotations.clone().unwrap_or_default();
        let next = stepping::next_of(&snap, &r, opts.by, opts.to);
        let on_delete = r.strategy == "OnDelete";
        if let Some(mode) = &opts.dry_run {
            return dry_run(conn, target, &snap, &next, mode == "server", out).await;
        }
        match next {
            Next::Refuse { reason } if steps == 0 => return Err(Error::failed(reason)),
            Next::Refuse { .. } | Next::Complete { .. } if steps > 0 => {
                return finish(conn, target, &snap, setup, out).await;
            }
            Next::Refuse { reason } => return Err(Error::failed(reason)),
            Next::Complete { message } => {
                say(out, &format!("{message}; nothing to step"))?;
                return finish(conn, target, &snap, setup, out).await;
            }
            Next::Finish {
                partition,
                ordinals,
                checks,
            } => {
                say(
                    out,
                    &format!(
                        "The step to partition {partition} has not passed its gates (ordinals {}); gating it again before going lower",
                        list(&ordinals)
                    ),
                )?;
                gate(
                    conn,
                    target,
                    &snap,
                    setup,
                    opts,
                    (&ordinals, &checks),
                    style,
                    out,
                )
                .await?;
                mark_verified(conn, target, partition).await?;
                steps += 1;
                expected = Some((partition, r.update_revision.clone(), r.replicas));
            }
            Next::Replacing { ordinal } => {
                say(
                    out,
                    &format!("{name}-{ordinal} is being replaced; waiting for it"),
                )?;
                gate(
                    conn,
                    target,
                    &snap,
                    setup,
                    opts,
                    (&[ordinal], &[]),
                    style,
                    out,
                )
                .await?;
                steps += 1;
            }
            Next::Lower { from, to, ordinals } => {
                if steps > 0 || opts.all {
                    between_steps(
                        opts,
                        steps,
                        &format!("lower the partition of {name} from {from} to {to}"),
                        out,
                    )
                    .await?;
                } else {
                    crate::ops::consent(
                        &format!(
                            "Lower the partition of {name} from {from} to {to} (ordinals {})?",
                            list(&ordinals)
                        ),
                        opts.yes,
                        false,
                    )?;
                }
                let mut patch = json!({"spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": to}}}});
                if !annotations.contains_key(ORIGIN_ANNOTATION) {
                    patch["metadata"] =
                        json!({"annotations": {ORIGIN_ANNOTATION: from.to_string()}});
                }
                let rv = snap.resource_version();
                match mutate::patch_set(&conn.client, &target.namespace, name, &patch, &rv, false)
                    .await
                {
                    Ok(_) => {}
                    Err(e) if e.is_conflict() && conflicts < CONFLICT_RETRIES => {
                        conflicts += 1;
                        say(
                            out,
                            &format!(
                                "{name} changed since it was read (409 Conflict); reading it again"
                            ),
                        )?;
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                }
                conflicts = 0;
                say(
                    out,
                    &format!(
                        "statefulset.apps/{name} partition {from} → {to}: ordinals {} move to {}",
                        list(&ordinals),
                        r.update_revision
                    ),
                )?;
                // Every ordinal at or above the new partition must be healthy, not only the
                // new ones: an earlier one that broke meanwhile fails the step too.
                let gated: Vec<i32> =
                    (to + r.start_ordinal..r.start_ordinal + r.replicas).collect();
                gate(
                    conn,
                    target,
                    &snap,
                    setup,
                    opts,
                    (&gated, &ordinals),
                    style,
                    out,
                )
                .await?;
                mark_verified(conn, target, to).await?;
                steps += 1;
                expected = Some((to, r.update_revision.clone(), r.replicas));
            }
            Next::Delete { pod, ordinal } => {
                if steps > 0 || opts.all {
                    between_steps(
                        opts,
                        steps,
                        &format!("delete {pod} so it is recreated on {}", r.update_revision),
                        out,
                    )
                    .await?;
                } else {
                    crate::ops::consent(
                        &format!(
                            "Delete {pod} (OnDelete) so it is recreated on {}?",
                            r.update_revision
                        ),
                        opts.yes,
                        false,
                    )?;
                }
                // Only a pod the set controls, as it was when decided on; a change since
                // (409) ends this run, and the next run decides again.
                crate::ops::delete_controlled_pod(conn, target, &snap, &pod).await?;
                say(
                    out,
                    &format!(
                        "pod/{pod} deleted (OnDelete); waiting for its replacement on {}",
                        r.update_revision
                    ),
                )?;
                gate(
                    conn,
                    target,
                    &snap,
                    setup,
                    opts,
                    (&[ordinal], &[ordinal]),
                    style,
                    out,
                )
                .await?;
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
            return finish(conn, target, &snap, setup, out).await;
        }
    }
}

/// `--dry-run`: what the next step would do; with `server`, its write sent with
/// dryRun=All. Nothing changes.
async fn dry_run(
    conn: &Connection,
    target: &Target,
    snap: &Snapshot,
    next: &Next,
    server: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let name = target.name.as_str();
    let what = match next {
        Next::Refuse { reason } => return Err(Error::failed(reason.clone())),
        Next::Complete { message } => format!("{message}; nothing to step"),
        Next::Finish {
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
            if server {
                let patch = json!({"spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": to}}}});
                mutate::patch_set(
                    &conn.client,
                    &target.namespace,
                    name,
                    &patch,
                    &snap.resource_version(),
                    true,
                )
                .await
                .map_err(|e| super::write_error(e, &format!("statefulset/{name}")))?;
            }
            format!(
                "next: lower the partition of {name} from {from} to {to} (ordinals {})",
                list(ordinals)
            )
        }
        Next::Delete { pod, .. } => {
            if server {
                let record = snap.record(pod);
                let uid = record.map(|r| r.uid.as_str()).unwrap_or("");
                mutate::delete_preconditioned(
                    &conn.client,
                    &mutate::pod_path(&target.namespace, pod),
                    &format!("pod {pod:?} in namespace {:?}", target.namespace),
                    &mutate::Preconditions {
                        uid,
                        dry_run: true,
                        ..mutate::Preconditions::default()
                    },
                )
                .await
                .map_err(Error::from)?;
            }
            format!("next: delete {pod} (OnDelete) so it is recreated on the update revision")
        }
    };
    say(out, &what)?;
    say(
        out,
        if server {
            "(server dry run: accepted, nothing changed)"
        } else {
            "(dry run: nothing changed)"
        },
    )
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

/// Records that the step to `partition` passed every gate, if the set is still there.
async fn mark_verified(conn: &Connection, target: &Target, partition: i32) -> Result<()> {
    for _ in 0..CONFLICT_RETRIES {
        let snap = load::snapshot(&conn.client, &target.namespace, &target.name).await?;
        let now = snap
            .set()
            .spec
            .as_ref()
            .and_then(|s| s.update_strategy.as_ref())
            .and_then(|s| s.rolling_update.as_ref())
            .and_then(|r| r.partition)
            .unwrap_or(0);
        if now != partition {
            // Moved meanwhile: the next read stops on it.
            return Ok(());
        }
        let patch =
            json!({"metadata": {"annotations": {VERIFIED_ANNOTATION: partition.to_string()}}});
        match mutate::patch_set(
            &conn.client,
            &target.namespace,
            &target.name,
            &patch,
            &snap.resource_version(),
            false,
        )
        .await
        {
            Ok(_) => return Ok(()),
            Err(e) if e.is_conflict() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::failed(format!(
        "could not record the passed step of {}: it kept changing (409 Conflict)",
        target.name
    )))
}

/// After the last step: say where the rollout stands; once every ordinal is done the
/// origin annotation has served its purpose and is removed.
async fn finish(
    conn: &Connection,
    target: &Target,
    snap: &Snapshot,
    setup: &ModelSetup,
    out: &mut dyn Write,
) -> Result<()> {
    let name = target.name.as_str();
    // What the pods run, not what the partition says: an OnDelete set has no partition,
    // and one replaced pod does not make the rollout done.
    let r = report_of(snap, setup);
    let outdated = r.replicas - r.updated;
    let partition = snap
        .set()
        .spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|s| s.rolling_update.as_ref())
        .and_then(|r| r.partition)
        .unwrap_or(0);
    let has_origin = snap
        .set()
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(ORIGIN_ANNOTATION));
    if partition == 0 && has_origin {
        let rv = snap.resource_version();
        let patch = json!({"metadata": {"annotations": {ORIGIN_ANNOTATION: null, VERIFIED_ANNOTATION: null}}});
        // Best effort: a conflict here only leaves a stale note behind.
        let _ = mutate::patch_set(&conn.client, &target.namespace, name, &patch, &rv, false).await;
    }
    say(
        out,
        &if outdated <= 0 {
            format!("statefulset.apps/{name}: every ordinal is on the update revision")
        } else if r.strategy == "OnDelete" {
            format!(
                "statefulset.apps/{name}: step done; {outdated} pod(s) still on the old revision (run again to go on)"
            )
        } else {
            format!(
                "statefulset.apps/{name}: step done; partition {partition} (run again to go on)"
            )
        },
    )
}

/// Between two steps of `--all`: the pause, or a question on a terminal.
async fn between_steps(
    opts: &Options,
    steps: usize,
    what: &str,
    out: &mut dyn Write,
) -> Result<()> {
    if steps == 0 {
        return crate::ops::consent(
            &format!("Roll out step by step: first {what}?"),
            opts.yes,
            false,
        );
    }
    match opts.pause_between {
        Some(d) => {
            say(
                out,
                &format!("Pausing {} before the next step", crate::duration::human(d)),
            )?;
            tokio::time::sleep(d).await;
            Ok(())
        }
        None => crate::ops::consent(&format!("Next step: {what}?"), opts.yes, false),
    }
}

/// Waits for `wait` to pass the gate, then runs the user's checks on `check`; on a
/// failure, with `--auto-rollback`, performs the forced rollback and puts the original
/// partition back.
#[allow(clippy::too_many_arguments)]
async fn gate(
    conn: &Connection,
    target: &Target,
    snap: &Snapshot,
    setup: &ModelSetup,
    opts: &Options,
    (wait, check): (&[i32], &[i32]),
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    let result = match wait_gate(conn, target, setup, opts, wait, out).await {
        Ok(()) => run_checks(target, snap, opts, check, out).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(()),
        Err(failure) => recover(conn, target, setup, opts, failure, style, out).await,
    }
}

/// Stops with the failure, or with `--auto-rollback` rolls back first.
async fn recover(
    conn: &Connection,
    target: &Target,
    setup: &ModelSetup,
    opts: &Options,
    failure: Error,
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    let name = target.name.as_str();
    if !opts.auto_rollback {
        return Err(failure.with_hint(format!(
            "to recover: kubectl sts force-rollback {name} (or re-run with --auto-rollback)"
        )));
    }
    say(
        out,
        &format!("Step failed: {failure}\nAuto-rollback: forced rollback of {name}"),
    )?;
    rollback(conn, target, setup, opts, style, out).await?;
    Err(Error::failed(format!(
        "the rollout of {name} failed and was rolled back: {failure}"
    )))
}

/// The forced rollback (`ops::force_rollback`), then the partition from before the first
/// step.
pub async fn rollback(
    conn: &Connection,
    target: &Target,
    setup: &ModelSetup,
    opts: &Options,
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    let name = target.name.as_str();
    let fr = crate::ops::force_rollback::Options {
        to_revision: None,
        all_bad: false,
        force: true,
        yes: true,
        dry_run: None,
        wait: true,
        timeout: opts.step_timeout,
    };
    crate::ops::force_rollback::run(conn, target, setup, &fr, style, out).await?;
    for _ in 0..CONFLICT_RETRIES {
        let snap = load::snapshot(&conn.client, &target.namespace, name).await?;
        let Some(origin) = snap
            .set()
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(ORIGIN_ANNOTATION))
            .and_then(|o| o.parse::<i32>().ok())
        else {
            return Ok(());
        };
        let rv = snap.resource_version();
        let patch = json!({"metadata": {"annotations": {ORIGIN_ANNOTATION: null, VERIFIED_ANNOTATION: null}},
                           "spec": {"updateStrategy": {"rollingUpdate": {"partition": origin}}}});
        match mutate::patch_set(&conn.client, &target.namespace, name, &patch, &rv, false).await {
            Ok(_) => {
                return say(
                    out,
                    &format!("statefulset.apps/{name} partition restored to {origin}"),
                );
            }
            Err(e) if e.is_conflict() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::failed(format!(
        "could not restore the partition of {name}: it kept changing (409 Conflict)"
    )))
}

fn report_of(snap: &Snapshot, setup: &ModelSetup) -> report::Report {
    let now = jiff::Timestamp::now().max(setup.now);
    let plan = model::plan(snap, now, &setup.profile);
    report::report(snap, &plan, now, &setup.profile)
}

/// Follows the set's watches until `ordinals` pass the structural gate and have stayed
/// Ready, with the same pod and no restart, for `stable_for` (timed on this machine's
/// monotonic clock from when the tool saw them Ready, so clock skew cannot pass a gate
/// early).
async fn wait_gate(
    conn: &Connection,
    target: &Target,
    setup: &ModelSetup,
    opts: &Options,
    ordinals: &[i32],
    out: &mut dyn Write,
) -> Result<()> {
    let name = target.name.as_str();
    let stream = watch::snapshots(
        conn.watch_client.clone(),
        target.namespace.clone(),
        name.to_string(),
    )
    .await?;
    let mut stream = std::pin::pin!(stream);
    let deadline = Instant::now() + opts.step_timeout;
    let spinner = opts.spinner && std::io::stderr().is_terminal();
    let frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let mut frame = 0;
    // ordinal → (pod uid, restarts, first seen Ready)
    let mut seen: HashMap<i32, (String, i32, Instant)> = HashMap::new();
    let mut last = String::new();
    let mut snap: Option<Box<Snapshot>> = None;
    let mut errors = crate::ops::wait::Errors::default();
    loop {
        let mut wake = deadline;
        if let Some(s) = &snap {
            let r = report_of(s, setup);
            let status = match stepping::gate(&r, ordinals) {
                Gate::Failed(why) => {
                    clear(spinner);
                    return Err(Error::failed(format!("step failed: {why}")));
                }
                Gate::Pending(msg) => {
                    seen.clear();
                    msg
                }
                Gate::Passed => {
                    let now = Instant::now();
                    let mut unstable = None;
                    for &o in ordinals {
                        let Some(row) = r.rows.iter().find(|row| row.ordinal == o) else {
                            continue;
                        };
                        let pod = row.pod.clone().unwrap_or_default();
                        let uid = s
                            .pod(&pod)
                            .and_then(|p| p.metadata.uid.clone())
                            .unwrap_or_default();
                        let entry = seen
                            .entry(o)
                            .or_insert_with(|| (uid.clone(), row.restarts, now));
                        if entry.0 != uid || entry.1 != row.restarts {
                            if row.restarts > entry.1 && entry.0 == uid {
                                clear(spinner);
                                return Err(Error::failed(format!(
                                    "step failed: {pod} restarted ({} restarts) while being watched for stability",
                                    row.restarts
                                )));
                            }
                            *entry = (uid, row.restarts, now);
                        }
                        let stable_at = entry.2 + opts.stable_for;
                        if stable_at > now {
                            wake = wake.min(stable_at);
                            if unstable.is_none() {
                                unstable = Some(format!(
                                    "{pod} is Ready; stable in {}s",
                                    (stable_at - now).as_secs() + 1
                                ));
                            }
                        }
                    }
                    match unstable {
                        None => {
                            clear(spinner);
                            let names: Vec<String> =
                                ordinals.iter().map(|o| format!("{name}-{o}")).collect();
                            return say(
                                out,
                                &format!(
                                    "✓ {} updated, Ready, available and stable",
                                    names.join(", ")
                                ),
                            );
                        }
                        Some(msg) => msg,
                    }
                }
            };
            if spinner {
                frame = (frame + 1) % frames.len();
                eprint!("\r\x1b[2K{} {status}", frames[frame]);
                wake = wake.min(Instant::now() + Duration::from_millis(120));
            } else if status != last {
                say(out, &format!("  {status}"))?;
            }
            last = status;
        }
        tokio::select! {
            update = stream.next() => match update {
                Some(watch::Update::Snapshot(s)) => {
                    errors.seen();
                    snap = Some(s);
                }
                // A step's gate reads the set and its pods, not its claims.
                Some(watch::Update::Unread(_)) => {}
                Some(watch::Update::Reconnecting(why)) => {
                    // Blind from here until the watch is back: stability counts only
                    // observed time, so it starts over then — from the first snapshot
                    // seen after the reconnect, not from this stale one.
                    seen.clear();
                    snap = None;
                    if errors.failed(Instant::now()) {
                        clear(spinner);
                        return Err(Error::failed(format!(
                            "the watch of {name} kept failing: {why}; the step was not judged"
                        ))
                        .with_hint(format!("run `kubectl sts rollout {name} --step` again once the cluster can be seen: it gates this step first")));
                    }
                    if !spinner { say(out, &format!("  watch interrupted ({why}); reconnecting; stability is timed again once it is back"))?; }
                }
                None => return Err(Error::failed(format!("the watches of {name} ended"))),
            },
            _ = tokio::time::sleep_until(wake) => {
                if Instant::now() >= deadline {
                    clear(spinner);
                    return Err(Error::failed(format!(
                        "step failed: not healthy after --step-timeout {}: {last}",
                        crate::duration::human(opts.step_timeout)
                    )));
                }
            }
        }
    }
}

fn clear(spinner: bool) {
    if spinner {
        eprint!("\r\x1b[2K");
    }
}

/// `--check-cmd` and `--check-http` for each newly included ordinal.
async fn run_checks(
    target: &Target,
    snap: &Snapshot,
    opts: &Options,
    ordinals: &[i32],
    out: &mut dyn Write,
) -> Result<()> {
    let name = target.name.as_str();
    let service = snap
        .set()
        .spec
        .as_ref()
        .and_then(|s| s.service_name.clone())
        .unwrap_or_default();
    let ns = target.namespace.as_str();
    for &o in ordinals.iter().rev() {
        let pod = format!("{name}-{o}");
        let dns = format!("{pod}.{service}.{ns}.svc");
        if let Some(cmd) = &opts.check_cmd {
            let mut child = tokio::process::Command::new("sh")
                .arg("-c")
                .arg(cmd)
                .env("STS_POD", &pod)
                .env("STS_ORDINAL", o.to_string())
                .env("STS_NAMESPACE", ns)
                .env("STS_STATEFULSET", name)
                .env("STS_SERVICE", &service)
                .env("STS_DNS", &dns)
                // Killed (with its process group's leader) when the step stops waiting.
                .kill_on_drop(true)
                .spawn()
                .map_err(|e| Error::failed(format!("--check-cmd for {pod}: cannot run sh: {e}")))?;
            let status = match tokio::time::timeout(opts.check_timeout, child.wait()).await {
                Ok(status) => status.map_err(|e| {
                    Error::failed(format!("--check-cmd for {pod}: waiting for it: {e}"))
                })?,
                Err(_) => {
                    let _ = child.kill().await;
                    return Err(Error::failed(format!(
                        "step failed: --check-cmd for {pod} did not finish within --check-timeout {}; it was killed",
                        crate::duration::human(opts.check_timeout)
                    )));
                }
            };
            if !status.success() {
                return Err(Error::failed(format!(
                    "step failed: --check-cmd for {pod} exited with {status}"
                )));
            }
            say(out, &format!("  ✓ --check-cmd passed for {pod}"))?;
        }
        if let Some(url) = &opts.check_http {
            let url = url
                .replace("{pod}", &pod)
                .replace("{ordinal}", &o.to_string())
                .replace("{service}", &service)
                .replace("{namespace}", ns)
                .replace("{dns}", &dns);
            let code = http_get(&url, opts.check_timeout).await.map_err(|e| {
                Error::failed(format!("step failed: --check-http {url} for {pod}: {e}"))
            })?;
            if !(200..300).contains(&code) {
                return Err(Error::failed(format!(
                    "step failed: --check-http {url} for {pod} answered {code}"
                )));
            }
            say(out, &format!("  ✓ --check-http {url} answered {code}"))?;
        }
    }
    Ok(())
}

/// A plain HTTP/1.1 GET; the status code. (https is for --check-cmd with curl.)
async fn http_get(url: &str, timeout: Duration) -> std::result::Result<u16, String> {
    let uri: http::Uri = url.parse().map_err(|e| format!("invalid URL: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("only http:// URLs are supported; use --check-cmd with curl for https".into());
    }
    let host = uri.host().ok_or("the URL has no host")?.to_string();
    let port = uri.port_u16().unwrap_or(80);
    let fut = async {
        let stream = tokio::net::TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .map_err(|e| e.to_string())?;
        tokio::spawn(connection);
        let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
        let req = http::Request::get(path)
            .header("host", &host)
            .header(
                "user-agent",
                concat!("kubectl-sts/", env!("CARGO_PKG_VERSION")),
            )
            .body(http_body_util::Empty::<bytes::Bytes>::new())
            .map_err(|e| e.to_string())?;
        let res = sender.send_request(req).await.map_err(|e| e.to_string())?;
        Ok(res.status().as_u16())
    };
    tokio::time::timeout(timeout, fut)
        .await
        .map_err(|_| format!("no answer within {}s", timeout.as_secs()))?
}

fn say(out: &mut dyn Write, line: &str) -> Result<()> {
    writeln!(out, "{line}").map_err(io_error)?;
    out.flush().map_err(io_error)
}

fn list(ordinals: &[i32]) -> String {
    ordinals
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}
