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
mod wait;

use std::time::Duration;

use serde_json::json;

use super::{Io, Target};
use crate::cluster::mutate::{self, Preconditions};
use crate::cluster::{Connection, load};
use crate::error::{Error, Result};
use crate::event::{Event, Intended, Object};
use crate::model::Snapshot;
use crate::model::pod::Owner;
use crate::model::profile::Profile;
use crate::model::teardown::{self, CLAIM_MARK, ClaimPlan, FROM_REPLICAS, Fate};
use claims::{delete_marked_claims, finish_marked_claims, wait_claims_gone};
use wait::wait_for_pods;

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
    crate::ops::gitops::warn(io, target, &snap, crate::ops::gitops::Change::Delete);
    io.emit(plan(&snap, &claims, opts.force));
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
            (&c.uid, &c.resource_version),
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
        let said = if server_dry {
            "scale to 0 accepted by the server (dry run: nothing changed)".to_string()
        } else {
            format!(
                "scaled statefulset/{name} to 0 (from {replicas}; `kubectl sts delete {name} -n {ns} --abort` scales it back)"
            )
        };
        let patched = super::patch_set(
            conn,
            io,
            (target, &snap),
            &json!({"metadata": {"annotations": {FROM_REPLICAS: replicas.to_string()}},
                    "spec": {"replicas": 0}}),
            server_dry,
            said,
        )
        .await
        .map_err(|e| super::write_error(e, &format!("statefulset/{name}")))?;
        if server_dry {
            return Ok(());
        }
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
        wait_claims_gone(conn, io, ns, &planned, opts.timeout).await?;
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
                io.emit(Event::warning(format!(
                    "statefulset/{name} changed since it was last seen (409 Conflict); reading it again"
                )));
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
fn plan(snap: &Snapshot, claims: &[ClaimPlan], force: bool) -> Event {
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
    let to_delete = || claims.iter().filter(|c| c.fate == Fate::DeletedOnRequest);
    let mut writes: Vec<Intended> = to_delete()
        .map(|c| Intended {
            verb: "patch".into(),
            object: Object::new("persistentvolumeclaim", ns, &c.name),
            reason: format!("annotation {CLAIM_MARK}: marked for deletion after the set"),
        })
        .collect();
    writes.push(Intended {
        verb: "patch".into(),
        object: Object::new("statefulset", ns, name),
        reason: "spec.replicas → 0 (the replicas it had are recorded for --abort)".into(),
    });
    if force {
        writes.extend(pods.iter().map(|(_, pod)| Intended {
            verb: "delete".into(),
            object: Object::new("pod", ns, pod),
            reason: "--force: only if still terminating at --timeout, with grace period 0".into(),
        }));
    }
    writes.push(Intended {
        verb: "delete".into(),
        object: Object::new("statefulset", ns, name),
        reason: "once every pod is gone, at the uid and resourceVersion last seen".into(),
    });
    writes.extend(to_delete().map(|c| Intended {
        verb: "delete".into(),
        object: Object::new("persistentvolumeclaim", ns, &c.name),
        reason: "--delete-pvcs (marked first, deleted after the set)".into(),
    }));
    Event::Plan {
        message: format!("Ordered teardown of statefulset/{name} in namespace {ns}:"),
        lines,
        writes,
        template: None,
    }
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
    super::patch_set(
        conn,
        io,
        (target, snap),
        &json!({"metadata": {"annotations": {FROM_REPLICAS: null}}, "spec": {"replicas": replicas}}),
        server_dry,
        format!("scaled statefulset/{name} back to {replicas}; the teardown is aborted"),
    )
    .await
    .map_err(|e| super::write_error(e, &format!("statefulset/{name}")))?;
    Ok(())
}
