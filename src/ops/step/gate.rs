//! A step's gate: wait (on watches, with [`wait_until`]) until the included ordinals are
//! updated, Running, Ready, available and stable — measuring the `whileBaking` gates
//! meanwhile —; run the step's gates; on a failure stop with it, or under
//! `--auto-rollback` perform the forced rollback first.

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::json;
use tokio::time::Instant;

use super::{CONFLICT_RETRIES, Options, partition_of};
use crate::cluster::wait::{Check, Stop, wait_until};
use crate::cluster::{Connection, load, watch};
use crate::error::{Error, Result};
use crate::event::{Event, Given, Sink, Verdict};
use crate::model::stepping::{
    self, GATES_ANNOTATION, Gate, ORIGIN_ANNOTATION, VERIFIED_ANNOTATION,
};
use crate::model::{self, ModelSetup, Snapshot, report};
use crate::ops::gates::{self, Subject};
use crate::ops::{Io, Target};

/// Waits for `wait` to pass the gate (while the pods bake, the `whileBaking` gates of
/// `check` are measured too), then runs the step's gates on `check`; on a failure, with
/// `--auto-rollback`, performs the forced rollback and puts the original partition back.
pub(super) async fn gate(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    setup: &ModelSetup,
    opts: &Options,
    (wait, check): (&[i32], &[i32]),
) -> Result<()> {
    // Every phase of the step — the wait, the bake, the gates — shares one deadline,
    // from when the step's gate begins.
    let deadline = io.clock.monotonic() + opts.step_timeout;
    let baking = RefCell::new(None);
    let waited = {
        let events: RefCell<&mut dyn Sink> = RefCell::new(&mut *io.events);
        // Boxed, as the step's other large futures: a step runs deep inside callers'
        // futures (the dashboard's, the tests').
        let watch = Box::pin(wait_gate(
            conn,
            (&events, io.clock),
            target,
            setup,
            (opts, deadline),
            (wait, &baking),
        ));
        let bake = Box::pin(gates::bake(
            &opts.checks.gates,
            opts.checks.runner.as_ref(),
            &conn.client,
            &events,
            &baking,
            check,
        ));
        tokio::select! {
            waited = watch => waited,
            failed = bake => Err(failed),
        }
    };
    let result = match waited {
        Ok(()) => {
            match tokio::time::timeout_at(
                deadline,
                Box::pin(run_gates(conn, io, target, opts, check)),
            )
            .await
            {
                Ok(r) => r,
                Err(_) => {
                    let message = format!(
                        "step failed: its gates did not finish within --step-timeout {}",
                        crate::duration::human(opts.step_timeout)
                    );
                    io.emit(Event::Gate {
                        name: "step-timeout".into(),
                        pod: None,
                        result: Verdict::Failed,
                        evidence: message.clone(),
                        message: format!("✗ {message}"),
                    });
                    Err(Error::failed(message))
                }
            }
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(()),
        Err(failure) => Box::pin(recover(conn, io, target, setup, opts, failure)).await,
    }
}

/// The gates of the step that updated `ordinals`, against the set as it is now: the
/// revision it rolls to, and only pods it controls.
async fn run_gates(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    opts: &Options,
    ordinals: &[i32],
) -> Result<()> {
    if opts.checks.gates.is_empty() || ordinals.is_empty() {
        return Ok(());
    }
    let now = load::snapshot(&conn.client, &target.namespace, &target.name).await?;
    gates::run(
        &opts.checks.gates,
        opts.checks.runner.as_ref(),
        &conn.client,
        io.events,
        &Subject::of(&now),
        ordinals,
    )
    .await
}

/// Stops with the failure, or with `--auto-rollback` rolls back first.
async fn recover(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    setup: &ModelSetup,
    opts: &Options,
    failure: Error,
) -> Result<()> {
    let name = target.name.as_str();
    if !opts.auto_rollback {
        if failure.hint.is_some() {
            return Err(failure);
        }
        // The destructive remedy only where the model sees a stuck revision.
        let stuck = match load::snapshot(&conn.client, &target.namespace, name).await {
            Ok(snap) => {
                let now = io.now(setup);
                let plan = model::plan(&snap, now, &setup.profile);
                report::report(&snap, &plan, now, &setup.profile)
                    .diagnosis
                    .state
                    == crate::model::diagnose::RolloutState::Stuck
            }
            Err(_) => false,
        };
        return Err(failure.with_hint(if stuck {
            format!("to recover: kubectl sts force-rollback {name} (or re-run with --auto-rollback)")
        } else {
            format!(
                "see `kubectl sts status {name}`; run `kubectl sts rollout {name} --step` again to gate this step again"
            )
        }));
    }
    io.emit(Event::Warning {
        message: format!("step failed: {failure}"),
        hint: None,
    });
    io.info(format!("Auto-rollback: forced rollback of {name}"));
    rollback(conn, io, target, setup, opts).await?;
    Err(Error::failed(format!(
        "the rollout of {name} failed and was rolled back: {failure}"
    )))
}

/// The forced rollback (`ops::force_rollback`, consent given by `--auto-rollback`), then
/// the partition from before the first step.
pub async fn rollback(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    setup: &ModelSetup,
    opts: &Options,
) -> Result<()> {
    let name = target.name.as_str();
    let fr = crate::ops::force_rollback::Options {
        to_revision: None,
        all_bad: false,
        force: true,
        dry_run: None,
        wait: true,
        timeout: opts.step_timeout,
    };
    let mut flag = Given::Flag;
    crate::ops::force_rollback::run(conn, &mut io.with_consent(&mut flag), target, setup, &fr)
        .await?;
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
        let patch = json!({"metadata": {"annotations": {ORIGIN_ANNOTATION: null, VERIFIED_ANNOTATION: null, GATES_ANNOTATION: null}},
                           "spec": {"updateStrategy": {"rollingUpdate": {"partition": origin}}}});
        let said = format!("statefulset.apps/{name} partition restored to {origin}");
        match crate::ops::patch_set(conn, io, (target, &snap), &patch, false, said).await {
            Ok(_) => return Ok(()),
            Err(e) if e.is_conflict() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::failed(format!(
        "could not restore the partition of {name}: it kept changing (409 Conflict)"
    )))
}

/// Records that the step to `partition` passed every gate, if the set is still there.
pub(super) async fn mark_verified(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    partition: i32,
) -> Result<()> {
    let name = target.name.as_str();
    for _ in 0..CONFLICT_RETRIES {
        let snap = load::snapshot(&conn.client, &target.namespace, name).await?;
        if partition_of(&snap) != partition {
            // Moved meanwhile: the next read stops on it.
            return Ok(());
        }
        let patch =
            json!({"metadata": {"annotations": {VERIFIED_ANNOTATION: partition.to_string()}}});
        let said = format!(
            "  statefulset/{name}: the step to partition {partition} is recorded as passed"
        );
        match crate::ops::patch_set(conn, io, (target, &snap), &patch, false, said).await {
            Ok(_) => return Ok(()),
            Err(e) if e.is_conflict() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::failed(format!(
        "could not record the passed step of {name}: it kept changing (409 Conflict)"
    )))
}

/// Follows the set's watches until `ordinals` pass the structural gate and have stayed
/// Ready, with the same pod and no restart, for `stable_for` (timed on this machine's
/// monotonic clock from when the tool saw them Ready, so clock skew cannot pass a gate
/// early; and only while the watch is live: a reconnect starts it over). While they are
/// Ready and watched for stability, `baking` holds the set as last seen (for the gates
/// measured meanwhile); otherwise it is empty.
async fn wait_gate(
    conn: &Connection,
    (events, clock): (&RefCell<&mut dyn Sink>, &dyn crate::event::Clock),
    target: &Target,
    setup: &ModelSetup,
    (opts, deadline): (&Options, Instant),
    (ordinals, baking): (&[i32], &RefCell<Option<Subject>>),
) -> Result<()> {
    let name = target.name.as_str();
    let pods: Vec<String> = ordinals.iter().map(|o| format!("{name}-{o}")).collect();
    let stream = tokio::time::timeout_at(
        deadline,
        watch::snapshots(conn, target.namespace.clone(), name.to_string()),
    )
    .await
    .map_err(|_| {
        Error::failed(format!(
            "step not judged: statefulset/{name} could not be read within --step-timeout {}",
            crate::duration::human(opts.step_timeout)
        ))
    })??;
    let mut stream = std::pin::pin!(stream);
    let stable = crate::duration::human(opts.stable_for);
    events.borrow_mut().emit(Event::Wait {
        for_: format!(
            "{} updated, Running, Ready, available and stable for {stable}",
            pods.join(", ")
        ),
        deadline: jiff::SignedDuration::try_from(opts.step_timeout)
            .ok()
            .and_then(|d| clock.now().checked_add(d).ok()),
        message: format!(
            "waiting for {} (at most {})",
            pods.join(", "),
            crate::duration::human(opts.step_timeout)
        ),
    });
    // ordinal → (pod uid, restarts, first seen Ready)
    let seen: RefCell<HashMap<i32, (String, i32, Instant)>> = RefCell::default();
    let mut last = String::new();
    let check = |s: &Snapshot| -> Check<Result<()>> {
        let now_t = clock.now().max(setup.now);
        let plan = model::plan(s, now_t, &setup.profile);
        let r = report::report(s, &plan, now_t, &setup.profile);
        let status = match stepping::gate(&r, ordinals) {
            Gate::Failed(why) => {
                return Check::Done(Err(Error::failed(format!("step failed: {why}"))));
            }
            Gate::Pending(msg) => {
                seen.borrow_mut().clear();
                baking.take();
                msg
            }
            Gate::Passed => {
                let now = clock.monotonic();
                let mut seen = seen.borrow_mut();
                let mut unstable: Option<(String, Instant)> = None;
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
                            return Check::Done(Err(Error::failed(format!(
                                "step failed: {pod} restarted ({} restarts) while being watched for stability",
                                row.restarts
                            ))));
                        }
                        *entry = (uid, row.restarts, now);
                    }
                    let stable_at = entry.2 + opts.stable_for;
                    if stable_at > now && unstable.as_ref().is_none_or(|(_, at)| stable_at > *at) {
                        unstable = Some((pod, stable_at));
                    }
                }
                match unstable {
                    None => return Check::Done(Ok(())),
                    Some((pod, at)) => {
                        *baking.borrow_mut() = Some(Subject::of(s));
                        let msg =
                            format!("{pod} is Ready; watching that it stays Ready for {stable}");
                        if msg != last {
                            events.borrow_mut().emit(Event::progress(msg.clone()));
                            last = msg;
                        }
                        return Check::Wait { recheck: Some(at) };
                    }
                }
            }
        };
        if status != last {
            events.borrow_mut().emit(Event::progress(status.clone()));
            last = status;
        }
        Check::Wait { recheck: None }
    };
    let on_error = |u: &watch::Update| {
        // A step's gate reads the set and its pods, not its claims.
        if let watch::Update::Reconnecting(why) = u {
            // Blind from here until the watch is back: stability counts only observed
            // time, so it starts over then.
            seen.borrow_mut().clear();
            baking.take();
            events.borrow_mut().emit(Event::warning(format!(
                "watch interrupted ({why}); reconnecting; stability is timed again once it is back"
            )));
        }
    };
    // The last time the API failed this wait (a watch error, a read that got no answer),
    // to say so rather than blame the pods when the deadline passes.
    let api_error: RefCell<Option<String>> = RefCell::default();
    let mut on_error = |u: &watch::Update| {
        if let watch::Update::Reconnecting(why) = u {
            *api_error.borrow_mut() = Some(why.clone());
        }
        on_error(u)
    };
    let mut check = check;
    let ended = loop {
        match wait_until(&mut stream, deadline, &mut check, &mut on_error).await {
            // A silent watch is not observed time (a stalled connection says nothing):
            // the pods are read afresh at the end of the window before the step passes.
            Ok((Ok(()), last)) => {
                let read = tokio::time::timeout_at(
                    deadline,
                    load::snapshot(&conn.client, &target.namespace, name),
                )
                .await;
                match read {
                    Ok(Ok(fresh)) => {
                        *api_error.borrow_mut() = None;
                        if let Check::Done(r) = check(&fresh) {
                            break Ok((r, Box::new(fresh)));
                        }
                    }
                    Ok(Err(e)) => {
                        seen.borrow_mut().clear();
                        baking.take();
                        *api_error.borrow_mut() = Some(e.to_string());
                        events.borrow_mut().emit(Event::warning(format!(
                            "could not confirm that {} stayed stable ({e}); stability is timed again once the set can be read",
                            pods.join(", ")
                        )));
                    }
                    Err(_) => {
                        break Err(crate::cluster::wait::Stopped {
                            why: Stop::Timeout,
                            last: Some(last),
                        });
                    }
                }
            }
            other => break other,
        }
    };
    baking.take();
    let api_error = api_error.take();
    let mut events = events.borrow_mut();
    let gate = |result: Verdict, evidence: String, message: String| Event::Gate {
        name: "ready".into(),
        pod: None,
        result,
        evidence,
        message,
    };
    match ended {
        Ok((Ok(()), _)) => {
            let evidence = format!(
                "{} updated, Ready, available and stable for {stable}",
                pods.join(", ")
            );
            events.emit(gate(
                Verdict::Passed,
                evidence,
                format!("✓ {} updated, Ready, available and stable", pods.join(", ")),
            ));
            Ok(())
        }
        Ok((Err(e), _)) => {
            events.emit(gate(
                Verdict::Failed,
                e.message.clone(),
                format!("✗ {}", e.message),
            ));
            Err(e)
        }
        Err(stopped) => {
            let (verdict, err) = match &stopped.why {
                // The API, not the pods, is what failed last: say so.
                Stop::Timeout if api_error.is_some() => (
                    Verdict::Inconclusive,
                    Error::failed(format!(
                        "step not judged within --step-timeout {}: the API server did not answer (last error: {}); the pods were not seen long enough to judge them",
                        crate::duration::human(opts.step_timeout),
                        api_error.unwrap_or_default()
                    ))
                    .with_hint(format!("run `kubectl sts rollout {name} --step` again once the API server answers: it reads the set first and gates this step before any new one")),
                ),
                Stop::Timeout => (
                    Verdict::Failed,
                    Error::failed(format!(
                        "step failed: not healthy after --step-timeout {}: {}",
                        crate::duration::human(opts.step_timeout),
                        stopped_status(&stopped, setup, clock, ordinals)
                    )),
                ),
                Stop::Errors(why) => (
                    Verdict::Inconclusive,
                    Error::failed(format!(
                        "the watch of {name} kept failing: {why}; the step was not judged"
                    ))
                    .with_hint(format!("run `kubectl sts rollout {name} --step` again once the cluster can be seen: it gates this step first")),
                ),
                Stop::Ended => (
                    Verdict::Inconclusive,
                    Error::failed(format!("the watches of {name} ended; the step was not judged")),
                ),
            };
            events.emit(gate(
                verdict,
                err.message.clone(),
                format!("✗ {}", err.message),
            ));
            Err(err)
        }
    }
}

/// Where the gate stood when the wait stopped.
fn stopped_status(
    stopped: &crate::cluster::wait::Stopped,
    setup: &ModelSetup,
    clock: &dyn crate::event::Clock,
    ordinals: &[i32],
) -> String {
    let Some(s) = &stopped.last else {
        return "no state was seen".into();
    };
    let now = clock.now().max(setup.now);
    let plan = model::plan(s, now, &setup.profile);
    match stepping::gate(&report::report(s, &plan, now, &setup.profile), ordinals) {
        Gate::Pending(msg) | Gate::Failed(msg) => msg,
        Gate::Passed => "Ready, not yet stable".into(),
    }
}
