//! Ordered teardown: scale to zero (pods go from the highest ordinal down under
//! OrderedReady), wait until every pod is gone, then delete the StatefulSet.
//!
//! What it touches is decided once, shown before consent, and nothing else is touched:
//! - the claims are the set's own, named exactly (`model::teardown::own_claims`); what
//!   becomes of each follows the controller's retention rules, and a plan in which the
//!   controller or the garbage collector deletes claims needs `--delete-pvcs` too;
//! - with `--delete-pvcs` each claim to delete is marked before anything changes, so a
//!   second run after the set is gone deletes exactly those;
//! - the scale to zero records the replicas it came from (`delete NAME --abort` puts
//!   them back); a change another client makes meanwhile (replicas, template) stops the
//!   teardown, and the set is deleted only at the resourceVersion last observed;
//! - only pods this set controls are force-deleted (`--force`), each at the uid and
//!   resourceVersion it was seen with.

mod claims;

use std::time::Duration;

use serde_json::json;

use super::{Io, Target};
use crate::cluster::mutate::{self, Preconditions};
use crate::cluster::{Connection, load, watch};
use crate::error::{Error, Result};
use crate::event::{Event, Intended, Object};
use crate::model::Snapshot;
use crate::model::pod::Owner;
use crate::model::profile::Profile;
use crate::model::teardown::{self, CLAIM_MARK, ClaimPlan, FROM_REPLICAS, Fate};
use crate::ops::wait::{Check, Stop, wait_until};
use claims::{delete_marked_claims, finish_marked_claims};

pub struct Options {
    pub delete_pvcs: bool,
    pub dry_run: Option<String>,
    pub timeout: Duration,
    pub cascade: String,
    /// On timeout, remove pods still terminating with grace period 0 (finalizers still hold).
    pub force: bool,
    /// Undo an interrupted teardown: scale back to the recorded replicas.
    pub abort: bool,
}

/// A pod this set controls (controller reference to its uid) and named as its member:
/// the only pods a teardown waits for or ever force-deletes.
fn controlled(r: &crate::model::pod::PodRecord) -> bool {
    r.owner == Owner::ThisSet && r.member
}

pub async fn run(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    profile: &Profile,
    opts: &Options,
) -> Result<()> {
    let (ns, name) = (target.namespace.as_str(), target.name.as_str());
    let snap = match load::snapshot(&conn.client, ns, name).await {
        Ok(s) => s,
        Err(e) if e.is_not_found() && !opts.abort => {
            return finish_marked_claims(conn, io, target, opts).await;
        }
        Err(e) => return Err(e.into()),
    };
    if opts.abort {
        return abort(conn, io, target, &snap, opts).await;
    }
    let claims = teardown::claim_plan(&snap, profile, opts.delete_pvcs);
    io.emit(plan(&snap, &claims));
    let by_policy: Vec<&str> = claims
        .iter()
        .filter(|c| matches!(c.fate, Fate::DeletedWithItsPod | Fate::DeletedWithTheSet))
        .map(|c| c.name.as_str())
        .collect();
    if !by_policy.is_empty() && !opts.delete_pvcs {
        return Err(Error::input(format!(
            "the retention policy of statefulset/{name} deletes claims {} during this teardown; nothing changed",
            by_policy.join(", ")
        ))
        .with_hint(
            "pass --delete-pvcs to accept that, or change spec.persistentVolumeClaimRetentionPolicy to Retain first",
        ));
    }
    let server_dry = match super::go_ahead(
        io,
        opts.dry_run.as_deref(),
        &format!("Delete statefulset/{name} in namespace {ns}?"),
    )? {
        super::Go::NoChange => {
            io.info("(dry run: nothing changed)");
            return Ok(());
        }
        super::Go::Ahead { server_dry } => server_dry,
    };
    // Mark the claims this command deletes, before anything else changes.
    let mark = teardown::mark_of(&snap);
    for c in claims.iter().filter(|c| c.fate == Fate::DeletedOnRequest) {
        mutate::merge_patch(
            &conn.client,
            &mutate::claim_path(ns, &c.name),
            &format!("persistentvolumeclaims {:?} in namespace {ns:?}", c.name),
            &json!({"metadata": {"annotations": {CLAIM_MARK: mark}}}),
            &c.resource_version,
            server_dry,
        )
        .await
        .map_err(|e| super::write_error(e, &format!("persistentvolumeclaim/{}", c.name)))?;
        io.wrote(
            "patch",
            Object::new("persistentvolumeclaim", ns, &c.name),
            (Some(&c.uid), Some(&c.resource_version)),
            server_dry,
            format!("  pvc/{} marked for deletion after the set", c.name),
        );
    }
    let replicas = crate::model::set::replicas(snap.set());
    let mut latest = snap.clone();
    if replicas != 0 || server_dry {
        // One write: the replicas to come back to, and zero.
        let rv = snap.resource_version();
        let patched = mutate::patch_set(
            &conn.client,
            ns,
            name,
            &json!({"metadata": {"annotations": {FROM_REPLICAS: replicas.to_string()}},
                    "spec": {"replicas": 0}}),
            &rv,
            server_dry,
        )
        .await
        .map_err(|e| super::write_error(e, &format!("statefulset/{name}")))?;
        if server_dry {
            io.info("scale to 0 accepted by the server (dry run: nothing changed)");
            return Ok(());
        }
        io.wrote(
            "patch",
            Object::new("statefulset", ns, name),
            (snap.set().metadata.uid.as_deref(), Some(&rv)),
            false,
            format!(
                "scaled statefulset/{name} to 0 (from {replicas}; `kubectl sts delete {name} -n {ns} --abort` scales it back)"
            ),
        );
        latest = latest
            .with_set(patched)
            .map_err(|e| Error::failed(e.to_string()))?;
    }
    let latest = wait_for_pods(conn, io, target, &snap, latest, opts).await?;
    delete_set(conn, io, target, &snap, latest, opts).await?;
    // Exactly the claims planned and marked, each at its current version.
    let planned: Vec<&str> = claims
        .iter()
        .filter(|c| c.fate == Fate::DeletedOnRequest)
        .map(|c| c.uid.as_str())
        .collect();
    if !planned.is_empty() {
        delete_marked_claims(conn, io, (ns, name), Some(&planned), false).await?;
    }
    let kept: Vec<&str> = claims
        .iter()
        .filter(|c| c.fate == Fate::Kept)
        .map(|c| c.name.as_str())
        .collect();
    if !kept.is_empty() {
        io.info(format!(
            "retained claims: {}\n  delete them with: kubectl delete pvc -n {ns} {}",
            kept.join(", "),
            kept.join(" ")
        ));
    }
    Ok(())
}

/// Deletes the set exactly as last observed: any change since answers 409. The
/// controller's own status writes change the resourceVersion too, so on 409 the set is
/// read again and deleted at its new version if only its status moved (same generation,
/// still at zero, same uid); a change of its spec stops the teardown.
async fn delete_set(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    first: &Snapshot,
    mut latest: Snapshot,
    opts: &Options,
) -> Result<()> {
    let (ns, name) = (target.namespace.as_str(), target.name.as_str());
    let set_uid = first.set().metadata.uid.clone().unwrap_or_default();
    let generation = latest.set().metadata.generation;
    for _ in 0..5 {
        let rv = latest.resource_version();
        let result = mutate::delete_preconditioned(
            &conn.client,
            &mutate::set_path(ns, name),
            &format!("statefulsets.apps {name:?} in namespace {ns:?}"),
            &Preconditions {
                uid: &set_uid,
                resource_version: Some(&rv),
                propagation: Some(&opts.cascade),
                ..Preconditions::default()
            },
        )
        .await;
        match result {
            Ok(_) => {
                io.wrote(
                    "delete",
                    Object::new("statefulset", ns, name),
                    (Some(&set_uid), Some(&rv)),
                    false,
                    format!("deleted statefulset/{name}"),
                );
                return Ok(());
            }
            Err(e) if e.is_conflict() => {
                latest = load::snapshot(&conn.client, ns, name).await?;
                let set = latest.set();
                let same = set.metadata.uid.as_deref() == Some(set_uid.as_str())
                    && set.metadata.generation == generation
                    && crate::model::set::replicas(set) == 0;
                if !same {
                    return Err(Error::failed(format!(
                        "statefulset/{name} was changed by another client after its pods were gone; it was not deleted"
                    ))
                    .with_hint(format!(
                        "run `kubectl sts delete {name} -n {ns}` again to re-plan"
                    )));
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::failed(format!(
        "statefulset/{name} kept changing; it was not deleted"
    ))
    .with_hint(format!("run `kubectl sts delete {name} -n {ns}` again")))
}

/// The plan, before consent: the pods in the order they go, and each claim's fate.
fn plan(snap: &Snapshot, claims: &[ClaimPlan]) -> Event {
    let (ns, name) = (snap.namespace(), snap.name());
    let spec = snap.set().spec.as_ref();
    let parallel = spec.and_then(|s| s.pod_management_policy.as_deref()) == Some("Parallel");
    let mut pods: Vec<(i32, &str)> = snap
        .records()
        .iter()
        .filter(|r| controlled(r))
        .map(|r| (r.ordinal, r.name.as_str()))
        .collect();
    pods.sort_by_key(|(o, _)| std::cmp::Reverse(*o));
    let order = pods.iter().map(|(_, n)| *n).collect::<Vec<_>>().join(", ");
    let mut lines = vec![if parallel {
        format!("  warning: podManagementPolicy is Parallel — all pods terminate at once: {order}")
    } else {
        format!(
            "  pods terminate one at a time, highest ordinal first: {}",
            if order.is_empty() { "none" } else { &order }
        )
    }];
    let policy = spec.and_then(|s| s.persistent_volume_claim_retention_policy.as_ref());
    let scaled = policy
        .and_then(|p| p.when_scaled.as_deref())
        .unwrap_or("Retain");
    let deleted = policy
        .and_then(|p| p.when_deleted.as_deref())
        .unwrap_or("Retain");
    lines.push(format!(
        "  claims ({}), retention policy whenScaled={scaled}, whenDeleted={deleted}:{}",
        claims.len(),
        if claims.is_empty() { " none" } else { "" }
    ));
    lines.extend(
        claims
            .iter()
            .map(|c| format!("    {}: {}", c.name, c.fate.describe())),
    );
    let mut writes = vec![Intended {
        verb: "patch".into(),
        object: Object::new("statefulset", ns, name),
        reason: "spec.replicas → 0 (the replicas it had are recorded for --abort)".into(),
    }];
    writes.extend(
        claims
            .iter()
            .filter(|c| c.fate == Fate::DeletedOnRequest)
            .map(|c| Intended {
                verb: "delete".into(),
                object: Object::new("persistentvolumeclaim", ns, &c.name),
                reason: "--delete-pvcs (marked first, deleted after the set)".into(),
            }),
    );
    writes.push(Intended {
        verb: "delete".into(),
        object: Object::new("statefulset", ns, name),
        reason: "once every pod is gone, at the uid and resourceVersion last seen".into(),
    });
    Event::Plan {
        message: format!("Ordered teardown of statefulset/{name} in namespace {ns}:"),
        lines,
        writes,
        template: None,
    }
}

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
async fn wait_for_pods(
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
    let mut updates = std::pin::pin!(
        watch::snapshots(conn.watch_client.clone(), ns.to_string(), name.to_string()).await?
    );
    let mut deadline = tokio::time::Instant::now() + opts.timeout;
    io.emit(Event::Wait {
        for_: format!("every pod of statefulset/{name} to be gone"),
        deadline: super::force_rollback::deadline_of(io, opts.timeout),
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
                        deadline =
                            tokio::time::Instant::now() + opts.timeout.max(Duration::from_secs(30));
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

/// `--abort`: scales the set back to the replicas the teardown recorded.
async fn abort(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    snap: &Snapshot,
    opts: &Options,
) -> Result<()> {
    let (ns, name) = (target.namespace.as_str(), target.name.as_str());
    let recorded = snap
        .set()
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(FROM_REPLICAS));
    let Some(text) = recorded else {
        return Err(Error::input(format!(
            "statefulset/{name} has no interrupted teardown to abort (no {FROM_REPLICAS} annotation)"
        )));
    };
    let replicas: i32 = text.parse().map_err(|_| {
        Error::input(format!(
            "statefulset/{name}: annotation {FROM_REPLICAS}={text:?} is not a number of replicas"
        ))
    })?;
    io.emit(Event::Plan {
        message: format!(
            "Abort the teardown of statefulset/{name} in namespace {ns}: scale back to {replicas} replicas"
        ),
        lines: vec![],
        writes: vec![Intended {
            verb: "patch".into(),
            object: Object::new("statefulset", ns, name),
            reason: format!("spec.replicas → {replicas}, as recorded by the teardown"),
        }],
        template: None,
    });
    let server_dry = match super::go_ahead(
        io,
        opts.dry_run.as_deref(),
        &format!("Scale statefulset/{name} back to {replicas}?"),
    )? {
        super::Go::NoChange => {
            io.info("(dry run: nothing changed)");
            return Ok(());
        }
        super::Go::Ahead { server_dry } => server_dry,
    };
    let rv = snap.resource_version();
    mutate::patch_set(
        &conn.client,
        ns,
        name,
        &json!({"metadata": {"annotations": {FROM_REPLICAS: null}}, "spec": {"replicas": replicas}}),
        &rv,
        server_dry,
    )
    .await
    .map_err(|e| super::write_error(e, &format!("statefulset/{name}")))?;
    io.wrote(
        "patch",
        Object::new("statefulset", ns, name),
        (snap.set().metadata.uid.as_deref(), Some(&rv)),
        server_dry,
        format!("scaled statefulset/{name} back to {replicas}; the teardown is aborted"),
    );
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
