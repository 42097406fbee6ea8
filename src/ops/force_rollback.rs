//! The documented forced rollback (kubernetes#67250): revert the template to a good
//! revision, then delete the pods stuck on the bad one — which the controller, waiting
//! for them under OrderedReady, would never replace — and wait for recovery.

use super::{Io, Target};
use std::time::Duration;

use serde_json::Value;

use crate::cluster::wait::wait_for;
use crate::cluster::{Connection, load, watch};
use crate::error::{Error, Result};
use crate::event::{Event, Intended, Object, TemplateChange};
use crate::model::ModelSetup;
use crate::model::diagnose::RolloutState;
use crate::model::progress::{Outcome, judge};
use crate::model::{self, history, recovery, report};

pub struct Options {
    pub to_revision: Option<i64>,
    pub all_bad: bool,
    pub force: bool,
    pub dry_run: Option<String>,
    pub wait: bool,
    pub timeout: Duration,
}

pub async fn run(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    setup: &ModelSetup,
    opts: &Options,
) -> Result<()> {
    let name = target.name.as_str();
    let ns = target.namespace.as_str();
    let snap = load::snapshot(&conn.client, ns, name).await?;
    let plan = model::plan(&snap, io.now(setup), &setup.profile);
    let entries = history::entries(
        &snap,
        &plan.current_revision,
        &plan.update_revision,
        &setup.profile,
    );
    if let Some(n) = opts.to_revision
        && !entries.iter().any(|e| e.number == n)
    {
        return Err(Error::input(format!(
            "unable to find specified revision {n} in the history of statefulset/{name}; see `kubectl sts rollout history {name}`"
        )));
    }
    let stuck_elsewhere = recovery::stuck_elsewhere(&snap, &plan, &setup.profile);
    // An interrupted run reverted the template and deleted pods that are not gone yet:
    // not stuck any more, but the recovery it started is not finished.
    let unfinished = plan.current_revision == plan.update_revision
        && recovery::in_progress(&snap, &plan, &setup.profile);
    if plan.diagnosis.state != RolloutState::Stuck && !opts.force && !unfinished {
        return Err(Error::failed(format!("nothing is stuck in {name}: {}; nothing changed", plan.diagnosis.summary))
            .with_hint("use --force to roll back anyway, or `kubectl sts rollout undo` to only revert the template"));
    }
    let to = recovery::target(
        &entries,
        &plan,
        opts.to_revision,
        stuck_elsewhere || unfinished,
    )
    .map_err(Error::failed)?;
    let bad = plan.update_revision.clone();
    let rec = recovery::recovery(&snap, to, &bad, opts.all_bad, &setup.profile);
    let live = snap
        .set_json()
        .pointer("/spec/template")
        .cloned()
        .unwrap_or(Value::Null);
    let reverted = history::template_matches(&snap, to, &setup.profile);

    // The plan, before anything changes.
    let list = |pods: &[recovery::PodRef]| {
        if pods.is_empty() {
            "none".to_string()
        } else {
            pods.iter()
                .map(|p| format!("{} ({})", p.name, p.revision))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let mut by_hand = Vec::new();
    let mut writes = Vec::new();
    if !reverted {
        by_hand.push(format!(
            "kubectl rollout undo statefulset/{name} --to-revision={}",
            to.number
        ));
        writes.push(Intended {
            verb: "patch".into(),
            object: Object::new("statefulset", ns, name),
            reason: format!("template back to revision #{} ({})", to.number, to.name),
        });
    }
    for p in &rec.delete {
        by_hand.push(format!("kubectl delete pod {}", p.name));
        writes.push(Intended {
            verb: "delete".into(),
            object: Object::new("pod", ns, &p.name),
            reason: format!("stuck on {} (uid {})", p.revision, p.uid),
        });
    }
    let mut lines = Vec::new();
    if reverted {
        lines.push("Template: already at that revision".to_string());
    }
    lines.push(format!(
        "Delete (not on #{} and not Running+Ready), highest ordinal first: {}",
        to.number,
        list(&rec.delete)
    ));
    lines.push(format!(
        "Left alone (Ready; the rolling update replaces them): {}",
        list(&rec.left_alone)
    ));
    lines.push("By hand this would be:".into());
    lines.extend(by_hand.iter().map(|c| format!("  {c}")));
    crate::ops::gitops::warn(io, target, &snap, crate::ops::gitops::Change::Template);
    io.emit(Event::Plan {
        message: format!(
            "Forced rollback of statefulset/{name} to revision #{} ({})",
            to.number, to.name
        ),
        lines,
        writes,
        template: (!reverted).then(|| TemplateChange {
            from_label: format!("{name} (live)"),
            from: live.clone(),
            to_label: format!("#{} {}", to.number, to.name),
            to: to.template.clone(),
        }),
    });
    let server_dry = match super::go_ahead(io, opts.dry_run.as_deref(), "Proceed?")? {
        super::Go::NoChange => {
            io.info("(dry run: nothing changed)");
            return Ok(());
        }
        super::Go::Ahead { server_dry } => server_dry,
    };

    // 1. Revert the template (precondition: the resourceVersion read above).
    let mut updates =
        std::pin::pin!(watch::snapshots(conn, ns.to_string(), name.to_string()).await?);
    if !reverted {
        super::revert_template(
            conn,
            io,
            target,
            &snap,
            (&to.template, &format!("#{} ({})", to.number, to.name)),
            server_dry,
        )
        .await?;
        if server_dry {
            io.info("template patch accepted by the server (dry run: nothing changed)");
            return Ok(());
        }
    }
    if server_dry {
        io.info("(dry run: nothing changed)");
        return Ok(());
    }
    let deadline = io.clock.monotonic() + opts.timeout;
    io.emit(Event::Wait {
        for_: format!("the controller to observe revision {}", to.name),
        deadline: deadline_of(io, opts.timeout),
        message: format!("waiting for the controller to observe the reverted template of {name}"),
    });
    // 2. Wait until the controller has taken the reverted template.
    let observed = |s: &model::Snapshot| {
        let st = s.set().status.as_ref();
        st.and_then(|st| st.update_revision.as_deref()) == Some(to.name.as_str())
            && st.and_then(|st| st.observed_generation).unwrap_or(0)
                >= s.set().metadata.generation.unwrap_or(0)
    };
    let latest = *wait_for(&mut updates, None, deadline, observed)
        .await
        .map_err(|stopped| {
            Error::failed(format!(
                "{} waiting for the controller to observe the reverted template of {name}",
                stopped.describe()
            ))
            .with_hint(format!(
                "run `kubectl sts force-rollback {name}` again: it continues"
            ))
        })?;

    // 3. Delete the stuck pods, each only if it is still the pod that was planned.
    // The model decides again on the latest state: a pod recreated, replaced or Ready by
    // now is no longer in its list.
    let still = recovery::recovery(&latest, to, &bad, opts.all_bad, &setup.profile);
    let mut deleted = false;
    for pod in &rec.delete {
        let still_bad = still.delete.iter().any(|p| p.uid == pod.uid);
        if !still_bad {
            io.info(format!(
                "{}: no longer stuck on the bad revision; left alone",
                pod.name
            ));
            continue;
        }
        delete_stuck(conn, io, target, &latest, (to, &bad), opts, setup, pod).await?;
        deleted = true;
    }
    // After a deletion the stream brings what follows; without one, `latest` is the
    // state to judge.
    let latest_after = if deleted {
        load::snapshot(&conn.client, ns, name).await?
    } else {
        latest
    };
    if !opts.wait {
        return Ok(());
    }
    // 4. Wait for recovery.
    io.emit(Event::Wait {
        for_: format!("every ordinal of {name} updated and Ready"),
        deadline: deadline_of(io, opts.timeout),
        message: format!("waiting for {name} to recover"),
    });
    let clock = io.clock;
    // Judged first on the state the last wait ended on: with nothing deleted (no pod
    // still stuck) it may be the recovered one, and the stream sends it only once.
    let done = wait_for(&mut updates, Some(Box::new(latest_after)), deadline, |s| {
        let now = clock.now().max(setup.now);
        let p = model::plan(s, now, &setup.profile);
        matches!(
            judge(&report::report(s, &p, now, &setup.profile)),
            Outcome::Complete(_)
        )
    })
    .await
    .map_err(|stopped| {
        let why = stopped
            .last
            .as_ref()
            .map(|s| model::plan(s, setup.now, &setup.profile).diagnosis.summary)
            .unwrap_or_default();
        Error::failed(format!(
            "{} waiting for {name} to recover: {why}",
            stopped.describe()
        ))
    })?;
    let now = io.now(setup);
    let p = model::plan(&done, now, &setup.profile);
    io.emit(Event::State {
        report: Box::new(report::report(&done, &p, now, &setup.profile)),
        message: "recovered:".into(),
    });
    Ok(())
}

/// A deadline `timeout` from now on the operation's clock, for `wait` events.
pub(crate) fn deadline_of(io: &Io<'_>, timeout: Duration) -> Option<jiff::Timestamp> {
    jiff::SignedDuration::try_from(timeout)
        .ok()
        .and_then(|d| io.clock.now().checked_add(d).ok())
}

/// Deletes `pod` if it is still stuck, at the uid and resourceVersion of the snapshot the
/// decision was made on; on 409 (it changed since) reads again and decides again, a few
/// times.
#[allow(clippy::too_many_arguments)]
async fn delete_stuck(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    decided_on: &model::Snapshot,
    (to, bad): (&history::Entry, &str),
    opts: &Options,
    setup: &ModelSetup,
    pod: &recovery::PodRef,
) -> Result<()> {
    let mut snap = decided_on.clone();
    for _ in 0..3 {
        match super::delete_controlled_pod(conn, io, target, &snap, &pod.name).await {
            Ok(true) => return Ok(()),
            Ok(false) => {
                io.info(format!("{}: already gone", pod.name));
                return Ok(());
            }
            Err(super::PodDeleteError::Api(e)) if e.is_conflict() => {
                io.emit(Event::warning(format!(
                    "{} changed since the plan (409 Conflict); reading it again and deciding anew",
                    pod.name
                )));
                snap = load::snapshot(&conn.client, &target.namespace, &target.name).await?;
                let again = recovery::recovery(&snap, to, bad, opts.all_bad, &setup.profile);
                if !again.delete.iter().any(|p| p.uid == pod.uid) {
                    io.info(format!(
                        "{}: changed since the plan and no longer stuck; left alone",
                        pod.name
                    ));
                    return Ok(());
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::failed(format!(
        "{} kept changing while it was being deleted; run the command again",
        pod.name
    )))
}
