//! The teardown's wait: follow the set (with `cluster::wait::wait_until`) until every pod it
//! controls is gone, stop if another client changes the set, and under `--force` remove
//! the pods still terminating after the timeout.

use std::time::Duration;

use super::{Options, controlled};
use crate::cluster::mutate::{self, Preconditions};
use crate::cluster::wait::{Check, Stop, wait_until};
use crate::cluster::{Connection, watch};
use crate::error::{Error, Result};
use crate::event::{Event, Object};
use crate::model::Snapshot;
use crate::ops::{Io, Target};

/// What a look at the set during the teardown's wait found.
enum Look {
    /// Every pod is gone.
    Gone(Box<Snapshot>),
    /// Another client changed the set: stop.
    Changed(Error),
    /// `--force` is on and pods are still terminating: remove them.
    Force(Box<Snapshot>),
}

/// Waits until every pod of the set is gone. Stops when another client changes the set
/// (replicas, template, or it is replaced); with `--force`, after the timeout, removes
/// the pods the set controls that are still terminating.
pub(super) async fn wait_for_pods(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    first: &Snapshot,
    latest: Snapshot,
    opts: &Options,
) -> Result<Snapshot> {
    let (ns, name) = (target.namespace.as_str(), target.name.as_str());
    let set_uid = first.set().metadata.uid.clone().unwrap_or_default();
    let template = first.set_json().pointer("/spec/template").cloned();
    let mut last = present(&latest);
    if last.is_empty() {
        return Ok(latest);
    }
    // The deadline starts with the wait, before its first read.
    let mut deadline = io.clock.monotonic() + opts.timeout;
    let updates = tokio::time::timeout_at(
        deadline,
        watch::snapshots(conn, ns.to_string(), name.to_string()),
    )
    .await
    .map_err(|_| {
        Error::failed(format!(
            "timed out after {} reading statefulset/{name}",
            crate::duration::human(opts.timeout)
        ))
    })??;
    let mut updates = std::pin::pin!(updates);
    io.emit(Event::Wait {
        for_: format!("every pod of statefulset/{name} to be gone"),
        deadline: crate::ops::force_rollback::deadline_of(io, opts.timeout),
        message: format!("waiting for the pods of {name} to terminate, highest ordinal first"),
    });
    let mut forcing = false;
    let mut forced: Vec<String> = Vec::new();
    let mut latest = latest;
    loop {
        let events = std::cell::RefCell::new(&mut *io.events);
        let check = |s: &Snapshot| {
            if let Err(e) = unchanged(s, &set_uid, template.as_ref()) {
                return Check::Done(Look::Changed(e));
            }
            let now = present(s);
            let mut events = events.borrow_mut();
            for (pod, ordinal, terminating) in &now {
                if *terminating && !last.iter().any(|(p, _, t)| p == pod && *t) {
                    events.emit(observed(pod, *ordinal, "terminating"));
                }
            }
            for (pod, ordinal, _) in &last {
                if !now.iter().any(|(p, _, _)| p == pod) {
                    events.emit(observed(pod, *ordinal, "gone"));
                }
            }
            last = now;
            if last.is_empty() {
                Check::Done(Look::Gone(Box::new(s.clone())))
            } else if forcing
                && s.records()
                    .iter()
                    .any(|r| controlled(r) && r.terminating && !forced.contains(&r.uid))
            {
                Check::Done(Look::Force(Box::new(s.clone())))
            } else {
                Check::Wait { recheck: None }
            }
        };
        let on_error = |u: &watch::Update| {
            // Claims do not gate the teardown's wait (its plan read them).
            if let watch::Update::Reconnecting(why) = u {
                events.borrow_mut().emit(Event::warning(format!(
                    "watch interrupted ({why}); reconnecting"
                )));
            }
        };
        let ended = wait_until(&mut updates, deadline, check, on_error).await;
        match ended {
            Ok((Look::Gone(s), _)) => return Ok(*s),
            Ok((Look::Changed(e), _)) => return Err(e),
            Ok((Look::Force(s), _)) => {
                force_terminating(conn, io, ns, &s, &mut forced).await?;
                latest = *s;
            }
            Err(stopped) => {
                if let Some(s) = stopped.last {
                    latest = *s;
                }
                match stopped.why {
                    Stop::Timeout if opts.force && !forcing => {
                        // From here on every pod of the set still terminating is removed
                        // at once.
                        forcing = true;
                        deadline = io.clock.monotonic() + opts.timeout.max(Duration::from_secs(30));
                        force_terminating(conn, io, ns, &latest, &mut forced).await?;
                    }
                    Stop::Timeout => return Err(stuck_pods(name, &latest)),
                    Stop::Errors(why) => {
                        return Err(Error::failed(format!(
                            "the watch of statefulset/{name} kept failing: {why}; stopped while its pods were terminating"
                        ))
                        .with_hint(format!(
                            "run `kubectl sts delete {name} -n {ns}` again: it continues"
                        )));
                    }
                    Stop::Ended => {
                        return Err(Error::failed(format!(
                            "the watch of statefulset/{name} ended; stopped while its pods were terminating"
                        ))
                        .with_hint(format!(
                            "run `kubectl sts delete {name} -n {ns}` again: it continues"
                        )));
                    }
                }
            }
        }
    }
}

/// The pods the teardown waits for: (name, ordinal, terminating).
fn present(snap: &Snapshot) -> Vec<(String, i32, bool)> {
    snap.records()
        .iter()
        .filter(|r| controlled(r))
        .map(|r| (r.name.clone(), r.ordinal, r.terminating))
        .collect()
}

fn observed(pod: &str, ordinal: i32, change: &str) -> Event {
    Event::Observed {
        pod: pod.into(),
        ordinal: Some(ordinal),
        change: change.into(),
        revision: None,
        message: format!("{pod} {change}"),
    }
}

/// The set is still the one the teardown scaled down: same uid, zero replicas, same
/// template.
fn unchanged(snap: &Snapshot, uid: &str, template: Option<&serde_json::Value>) -> Result<()> {
    let (ns, name) = (snap.namespace(), snap.name());
    let set = snap.set();
    if set.metadata.uid.as_deref() != Some(uid) {
        return Err(Error::failed(format!(
            "statefulset/{name} was replaced by another object (uid {}) during the teardown; stopped, nothing more deleted",
            set.metadata.uid.as_deref().unwrap_or("?")
        )));
    }
    let replicas = crate::model::set::replicas(set);
    if replicas != 0 {
        return Err(Error::failed(format!(
            "statefulset/{name} was scaled to {replicas} by another client during the teardown; stopped without deleting it"
        ))
        .with_hint(format!(
            "if the teardown should go on, run `kubectl sts delete {name} -n {ns}` again"
        )));
    }
    if snap.set_json().pointer("/spec/template") != template {
        return Err(Error::failed(format!(
            "the template of statefulset/{name} was changed by another client during the teardown; stopped without deleting it"
        )));
    }
    Ok(())
}

/// `--force`: deletes with grace period 0 the terminating pods this set controls, each
/// at the uid and resourceVersion it was seen with.
async fn force_terminating(
    conn: &Connection,
    io: &mut Io<'_>,
    ns: &str,
    snap: &Snapshot,
    done: &mut Vec<String>,
) -> Result<()> {
    let due: Vec<(String, String, String)> = snap
        .records()
        .iter()
        .filter(|r| controlled(r) && r.terminating)
        .filter(|r| !done.contains(&r.uid))
        .map(|r| {
            let rv = snap
                .pod(&r.name)
                .and_then(|p| p.metadata.resource_version.clone())
                .unwrap_or_default();
            (r.name.clone(), r.uid.clone(), rv)
        })
        .collect();
    for (pod, uid, rv) in due {
        done.push(uid.clone());
        let result = mutate::delete_preconditioned(
            &conn.client,
            &mutate::pod_path(ns, &pod),
            &format!("pod {pod:?} in namespace {ns:?}"),
            &Preconditions {
                uid: &uid,
                resource_version: Some(&rv),
                grace_seconds: Some(0),
                ..Preconditions::default()
            },
        )
        .await;
        match result {
            Ok(true) => io.wrote(
                "delete",
                Object::new("pod", ns, &pod),
                (Some(&uid), Some(&rv)),
                false,
                format!("  {pod} force-deleted (grace period 0)"),
            ),
            Ok(false) => {}
            // Changed since seen: the next snapshot decides again.
            Err(e) if e.is_conflict() => {
                done.pop();
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Which pods did not go, and why.
fn stuck_pods(name: &str, snap: &Snapshot) -> Error {
    let why: Vec<String> = snap
        .records()
        .iter()
        .filter(|r| controlled(r))
        .map(|r| {
            let finalizers = snap
                .pod(&r.name)
                .and_then(|p| p.metadata.finalizers.clone())
                .unwrap_or_default();
            if !finalizers.is_empty() {
                format!("{} is held by finalizers {}", r.name, finalizers.join(", "))
            } else if r.terminating {
                format!(
                    "{} is still terminating (its node may be unreachable)",
                    r.name
                )
            } else {
                format!("{} has not been deleted yet", r.name)
            }
        })
        .collect();
    Error::failed(format!(
        "timed out waiting for the pods of {name} to go: {}; the StatefulSet was not deleted",
        why.join("; ")
    ))
    .with_hint(
        "remove the finalizers or fix the node, then run the same command again (it continues)",
    )
}
