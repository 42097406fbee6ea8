//! The waits of a re-creation: each claim's resize (restarting pods for an offline one
//! under `--restart-pods`) and the new set's adoption of the pods and claims. They read
//! the objects again every [`POLL`] (each wait a few seconds) until `--timeout`,
//! reporting each change.

use std::time::Duration;

use serde_json::Value;

use super::journal::Journal;
use super::{Options, Target};
use crate::cluster::mutate;
use crate::cluster::{Connection, load};
use crate::error::{Error, Result};
use crate::event::Event;
use crate::model::Snapshot;
use crate::model::pod::Owner;
use crate::model::quantity;
use crate::ops::Io;

pub(super) const POLL: Duration = Duration::from_millis(300);

fn has_condition(claim: &Value, ty: &str) -> bool {
    claim
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| cs.iter().any(|c| c["type"] == ty && c["status"] == "True"))
}

fn at_least(q: Option<&str>, size: &str) -> bool {
    match (q.map(quantity::bytes), quantity::bytes(size)) {
        (Some(Ok(have)), Ok(want)) => have >= want,
        _ => false,
    }
}

/// Waits until each patched claim has its capacity. A claim waiting for its file
/// system to grow (offline expansion) is done when its pod restarts: with
/// `--restart-pods` they are restarted here, one at a time; otherwise they grow at their
/// pods' next start.
pub(super) async fn resized(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    j: &Journal,
    opts: &Options,
) -> Result<()> {
    if j.claims.is_empty() {
        return Ok(());
    }
    let ns = target.namespace.as_str();
    let deadline = io.clock.monotonic() + opts.timeout;
    io.emit(Event::Wait {
        for_: "every claim's new capacity".into(),
        deadline: crate::ops::force_rollback::deadline_of(io, opts.timeout),
        message: format!("waiting for {} claim(s) to grow", j.claims.len()),
    });
    let mut said: std::collections::BTreeMap<String, &'static str> = Default::default();
    loop {
        let mut pending_fs = Vec::new();
        let mut left = Vec::new();
        for (claim, size) in &j.claims {
            let path = mutate::claim_path(ns, claim);
            let c = load::get_raw(
                &conn.client,
                &path,
                &format!("get pvc {claim:?} in namespace {ns:?}"),
            )
            .await?;
            let state = if at_least(
                c.pointer("/status/capacity/storage")
                    .and_then(Value::as_str),
                size,
            ) {
                "grown"
            } else if has_condition(&c, "FileSystemResizePending") {
                pending_fs.push(claim.clone());
                "waiting for its pod to restart (file system resize pending)"
            } else {
                left.push(claim.clone());
                "resizing"
            };
            if said.get(claim) != Some(&state) {
                said.insert(claim.clone(), state);
                io.emit(Event::Progress {
                    message: format!("  pvc/{claim}: {state}"),
                });
            }
        }
        if left.is_empty() && pending_fs.is_empty() {
            return Ok(());
        }
        if left.is_empty() {
            if !opts.restart_pods {
                io.emit(Event::Warning {
                    message: format!(
                        "the file systems of {} grow when their pods next start",
                        pending_fs.join(", ")
                    ),
                    hint: Some("pass --restart-pods to restart them now, one at a time".into()),
                });
                return Ok(());
            }
            return restart_pods(conn, io, target, &pending_fs, opts).await;
        }
        if io.clock.monotonic() >= deadline {
            return Err(Error::failed(format!(
                "{} did not finish resizing within {}; the set was not deleted",
                left.join(", "),
                crate::duration::human(opts.timeout)
            ))
            .with_hint(format!(
                "run `kubectl sts resize {} -n {ns} …` again to go on",
                target.name
            )));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Restarts the pods that mount `claims`, highest ordinal first, each Ready again before
/// the next (the set still exists: its controller re-creates them).
async fn restart_pods(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    claims: &[String],
    opts: &Options,
) -> Result<()> {
    let (ns, name) = (target.namespace.as_str(), target.name.as_str());
    let snap = load::snapshot(&conn.client, ns, name).await?;
    let mut pods: Vec<(i32, String)> = snap
        .records()
        .iter()
        .filter(|r| r.owner == Owner::ThisSet && r.member)
        .filter(|r| claims.iter().any(|c| c.ends_with(&format!("-{}", r.name))))
        .map(|r| (r.ordinal, r.name.clone()))
        .collect();
    pods.sort_by_key(|(o, _)| std::cmp::Reverse(*o));
    for (_, pod) in pods {
        let snap = load::snapshot(&conn.client, ns, name).await?;
        let old_uid = snap.record(&pod).map(|r| r.uid.clone()).unwrap_or_default();
        crate::ops::delete_controlled_pod(conn, io, target, &snap, &pod)
            .await
            .map_err(|e| Error::failed(format!("restarting pod/{pod}: {e:?}")))?;
        let deadline = io.clock.monotonic() + opts.timeout;
        loop {
            let s = load::snapshot(&conn.client, ns, name).await?;
            if s.record(&pod).is_some_and(|r| r.uid != old_uid && r.ready) {
                io.emit(Event::Observed {
                    pod: pod.clone(),
                    ordinal: s.record(&pod).map(|r| r.ordinal),
                    change: "ready".into(),
                    revision: None,
                    message: format!("  pod/{pod} restarted and Ready"),
                });
                break;
            }
            if io.clock.monotonic() >= deadline {
                return Err(Error::failed(format!(
                    "pod/{pod} was not Ready again within {}; the set was not deleted",
                    crate::duration::human(opts.timeout)
                )));
            }
            tokio::time::sleep(POLL).await;
        }
    }
    Ok(())
}

/// Waits until the new set (`uid`) controls every journal pod and owns the claims its
/// retention policy gives it, and its status is current.
pub(super) async fn adopted(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    j: &Journal,
    uid: &str,
    opts: &Options,
) -> Result<Snapshot> {
    let (ns, name) = (target.namespace.as_str(), target.name.as_str());
    let deadline = io.clock.monotonic() + opts.timeout;
    io.emit(Event::Wait {
        for_: format!("statefulset/{name} to adopt its pods and claims"),
        deadline: crate::ops::force_rollback::deadline_of(io, opts.timeout),
        message: format!(
            "waiting for the new statefulset/{name} to adopt {} pod(s)",
            j.pods.len()
        ),
    });
    loop {
        let snap = load::snapshot(&conn.client, ns, name).await?;
        let set = snap.set();
        if set.metadata.uid.as_deref() != Some(uid) {
            return Err(Error::failed(format!(
                "statefulset/{name} was replaced by another client during the re-creation"
            )));
        }
        let observed =
            set.status.as_ref().and_then(|s| s.observed_generation) >= set.metadata.generation;
        let pods_left: Vec<&str> = j
            .pods
            .iter()
            .filter(|(p, _)| !snap.record(p).is_some_and(|r| r.owner == Owner::ThisSet))
            .map(|(p, _)| p.as_str())
            .collect();
        let delete_claims = set
            .spec
            .as_ref()
            .and_then(|s| s.persistent_volume_claim_retention_policy.as_ref())
            .and_then(|p| p.when_deleted.as_deref())
            == Some("Delete");
        let claims_left: Vec<String> = if delete_claims {
            crate::model::teardown::own_claims(&snap)
                .into_iter()
                .filter(|(c, _)| {
                    !c.metadata
                        .owner_references
                        .iter()
                        .flatten()
                        .any(|o| o.uid == uid)
                })
                .filter_map(|(c, _)| c.metadata.name.clone())
                .collect()
        } else {
            Vec::new()
        };
        if observed && pods_left.is_empty() && claims_left.is_empty() {
            return Ok(snap);
        }
        if io.clock.monotonic() >= deadline {
            return Err(Error::failed(format!(
                "statefulset/{name} has not adopted {} within {}",
                pods_left
                    .iter()
                    .map(|p| format!("pod/{p}"))
                    .chain(claims_left.iter().map(|c| format!("pvc/{c}")))
                    .collect::<Vec<_>>()
                    .join(", "),
                crate::duration::human(opts.timeout)
            ))
            .with_hint(format!(
                "run `kubectl sts recreate {name} -n {ns} --resume` to wait again"
            )));
        }
        tokio::time::sleep(POLL).await;
    }
}
