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

use std::io::Write;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use kube::api::{Api, ListParams};
use serde_json::json;

use super::Target;
use crate::cluster::mutate::{self, Preconditions};
use crate::cluster::{ClusterError, Connection, load, watch};
use crate::error::{Error, Result};
use crate::model::Snapshot;
use crate::model::pod::Owner;
use crate::model::profile::Profile;
use crate::model::teardown::{self, CLAIM_MARK, ClaimPlan, FROM_REPLICAS, Fate};
use crate::output::io_error;

pub struct Options {
    pub delete_pvcs: bool,
    pub yes: bool,
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

fn say(out: &mut dyn Write, s: String) -> Result<()> {
    out.write_all(s.as_bytes()).map_err(io_error)
}

pub async fn run(
    conn: &Connection,
    target: &Target,
    profile: &Profile,
    opts: &Options,
    out: &mut dyn Write,
) -> Result<()> {
    let (ns, name) = (target.namespace.as_str(), target.name.as_str());
    let snap = match load::snapshot(&conn.client, ns, name).await {
        Ok(s) => s,
        Err(e) if e.is_not_found() && !opts.abort => {
            return finish_marked_claims(conn, target, opts, out).await;
        }
        Err(e) => return Err(e.into()),
    };
    if opts.abort {
        return abort(conn, target, &snap, opts, out).await;
    }
    let claims = teardown::claim_plan(&snap, profile, opts.delete_pvcs);
    show_plan(&snap, &claims, out)?;
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
        opts.dry_run.as_deref(),
        opts.yes,
        &format!("Delete statefulset/{name} in namespace {ns}?"),
    )? {
        super::Go::NoChange => return say(out, "(dry run: nothing changed)\n".into()),
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
    }
    let replicas = crate::model::set::replicas(snap.set());
    let mut latest = snap.clone();
    if replicas != 0 || server_dry {
        // One write: the replicas to come back to, and zero.
        let patched = mutate::patch_set(
            &conn.client,
            ns,
            name,
            &json!({"metadata": {"annotations": {FROM_REPLICAS: replicas.to_string()}},
                    "spec": {"replicas": 0}}),
            &snap.resource_version(),
            server_dry,
        )
        .await
        .map_err(|e| super::write_error(e, &format!("statefulset/{name}")))?;
        if server_dry {
            return say(
                out,
                "scale to 0 accepted by the server (dry run: nothing changed)\n".into(),
            );
        }
        say(
            out,
            format!(
                "scaled statefulset/{name} to 0 (from {replicas}; `kubectl sts delete {name} -n {ns} --abort` scales it back)\n"
            ),
        )?;
        latest = latest
            .with_set(patched)
            .map_err(|e| Error::failed(e.to_string()))?;
    }
    let latest = wait_for_pods(conn, target, &snap, latest, opts, out).await?;
    delete_set(conn, target, &snap, latest, opts).await?;
    say(out, format!("deleted statefulset/{name}\n"))?;
    // Exactly the claims planned and marked, each at its current version.
    let planned: Vec<&str> = claims
        .iter()
        .filter(|c| c.fate == Fate::DeletedOnRequest)
        .map(|c| c.uid.as_str())
        .collect();
    if !planned.is_empty() {
        delete_marked_claims(conn, ns, name, Some(&planned), false, out).await?;
    }
    let kept: Vec<&str> = claims
        .iter()
        .filter(|c| c.fate == Fate::Kept)
        .map(|c| c.name.as_str())
        .collect();
    if !kept.is_empty() {
        say(
            out,
            format!(
                "retained claims: {}\n  delete them with: kubectl delete pvc -n {ns} {}\n",
                kept.join(", "),
                kept.join(" ")
            ),
        )?;
    }
    Ok(())
}

/// Deletes the set exactly as last observed: any change since answers 409. The
/// controller's own status writes change the resourceVersion too, so on 409 the set is
/// read again and deleted at its new version if only its status moved (same generation,
/// still at zero, same uid); a change of its spec stops the teardown.
async fn delete_set(
    conn: &Connection,
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
            Ok(_) => return Ok(()),
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
fn show_plan(snap: &Snapshot, claims: &[ClaimPlan], out: &mut dyn Write) -> Result<()> {
    let name = snap.name();
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
    say(
        out,
        format!(
            "Ordered teardown of statefulset/{name} in namespace {}:\n",
            snap.namespace()
        ),
    )?;
    if parallel {
        say(
            out,
            format!(
                "  warning: podManagementPolicy is Parallel — all pods terminate at once: {order}\n"
            ),
        )?;
    } else {
        say(
            out,
            format!(
                "  pods terminate one at a time, highest ordinal first: {}\n",
                if order.is_empty() { "none" } else { &order }
            ),
        )?;
    }
    let policy = spec.and_then(|s| s.persistent_volume_claim_retention_policy.as_ref());
    let scaled = policy
        .and_then(|p| p.when_scaled.as_deref())
        .unwrap_or("Retain");
    let deleted = policy
        .and_then(|p| p.when_deleted.as_deref())
        .unwrap_or("Retain");
    say(
        out,
        format!(
            "  claims ({}), retention policy whenScaled={scaled}, whenDeleted={deleted}:{}\n",
            claims.len(),
            if claims.is_empty() { " none" } else { "" }
        ),
    )?;
    for c in claims {
        say(out, format!("    {}: {}\n", c.name, c.fate.describe()))?;
    }
    Ok(())
}

/// Waits until every pod of the set is gone. Stops when another client changes the set
/// (replicas, template, or it is replaced); with `--force`, after the timeout, removes
/// the pods the set controls that are still terminating.
async fn wait_for_pods(
    conn: &Connection,
    target: &Target,
    first: &Snapshot,
    mut latest: Snapshot,
    opts: &Options,
    out: &mut dyn Write,
) -> Result<Snapshot> {
    let (ns, name) = (target.namespace.as_str(), target.name.as_str());
    let set_uid = first.set().metadata.uid.clone().unwrap_or_default();
    let template = first.set_json().pointer("/spec/template").cloned();
    let mut updates = std::pin::pin!(
        watch::snapshots(conn.watch_client.clone(), ns.to_string(), name.to_string()).await?
    );
    let mut deadline = tokio::time::Instant::now() + opts.timeout;
    let mut forced = false;
    let mut forced_uids: Vec<String> = Vec::new();
    let mut last: Vec<(String, bool)> = Vec::new();
    let mut errors = super::wait::Errors::default();
    loop {
        let set = latest.set();
        if set.metadata.uid.as_deref() != Some(set_uid.as_str()) {
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
        if latest.set_json().pointer("/spec/template").cloned() != template {
            return Err(Error::failed(format!(
                "the template of statefulset/{name} was changed by another client during the teardown; stopped without deleting it"
            )));
        }
        let present: Vec<(String, bool)> = latest
            .records()
            .iter()
            .filter(|r| controlled(r))
            .map(|r| (r.name.clone(), r.terminating))
            .collect();
        for (pod, terminating) in &present {
            if *terminating && !last.iter().any(|(p, t)| p == pod && *t) {
                say(out, format!("  {pod} terminating\n"))?;
            }
        }
        for (pod, _) in &last {
            if !present.iter().any(|(p, _)| p == pod) {
                say(out, format!("  {pod} gone\n"))?;
            }
        }
        if present.is_empty() {
            return Ok(latest);
        }
        if forced {
            force_terminating(conn, ns, &latest, &mut forced_uids, out).await?;
        }
        last = present;
        match tokio::time::timeout_at(deadline, updates.next()).await {
            Ok(Some(watch::Update::Snapshot(s))) => {
                errors.seen();
                latest = *s;
            }
            // Claims do not gate the teardown's wait (its plan read them).
            Ok(Some(watch::Update::Unread(_))) => {}
            Ok(Some(watch::Update::Reconnecting(why))) => {
                // The wait's policy (ops::wait): said, and a repeated error stops it.
                say(out, format!("  watch interrupted ({why}); reconnecting\n"))?;
                if errors.failed(tokio::time::Instant::now()) {
                    return Err(Error::failed(format!(
                        "the watch of statefulset/{name} kept failing: {why}; stopped while its pods were terminating"
                    ))
                    .with_hint(format!(
                        "run `kubectl sts delete {name} -n {ns}` again: it continues"
                    )));
                }
            }
            Ok(None) => {
                return Err(Error::failed(format!(
                    "the watch of statefulset/{name} ended; stopped while its pods were terminating"
                ))
                .with_hint(format!(
                    "run `kubectl sts delete {name} -n {ns}` again: it continues"
                )));
            }
            Err(_) if opts.force && !forced => {
                // From here on every pod of the set still terminating is removed at once.
                forced = true;
                deadline = tokio::time::Instant::now() + opts.timeout.max(Duration::from_secs(30));
            }
            Err(_) => return Err(stuck_pods(name, &latest)),
        }
    }
}

/// `--force`: deletes with grace period 0 the terminating pods this set controls, each
/// at the uid and resourceVersion it was seen with.
async fn force_terminating(
    conn: &Connection,
    ns: &str,
    snap: &Snapshot,
    done: &mut Vec<String>,
    out: &mut dyn Write,
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
            Ok(true) => say(out, format!("  {pod} force-deleted (grace period 0)\n"))?,
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

/// The claims of the namespace that carry a teardown mark of `ns/name`, as they are now.
async fn marked_claims(
    conn: &Connection,
    ns: &str,
    name: &str,
) -> Result<Vec<PersistentVolumeClaim>> {
    let api: Api<PersistentVolumeClaim> = Api::namespaced(conn.client.clone(), ns);
    let all = crate::cluster::retry::read(|| async {
        api.list(&ListParams::default()).await.map_err(|e| {
            ClusterError::from_kube(
                format!("list persistentvolumeclaims in namespace {ns:?}"),
                e,
            )
        })
    })
    .await?;
    Ok(all
        .items
        .into_iter()
        .filter(|c| teardown::marked_for(c, ns, name))
        .collect())
}

/// Deletes the marked claims of `ns/name` (only those with a uid in `only`, when given),
/// each at its uid and the resourceVersion it was read at. A claim changed in between
/// (409) is read again and deleted at its new version if it still carries the mark.
async fn delete_marked_claims(
    conn: &Connection,
    ns: &str,
    name: &str,
    only: Option<&[&str]>,
    server_dry: bool,
    out: &mut dyn Write,
) -> Result<()> {
    for _ in 0..3 {
        let mut changed = false;
        for c in marked_claims(conn, ns, name).await? {
            let claim = c.metadata.name.as_deref().unwrap_or("");
            let uid = c.metadata.uid.as_deref().unwrap_or("");
            if only.is_some_and(|o| !o.contains(&uid)) {
                continue;
            }
            let result = mutate::delete_preconditioned(
                &conn.client,
                &mutate::claim_path(ns, claim),
                &format!("persistentvolumeclaims {claim:?} in namespace {ns:?}"),
                &Preconditions {
                    uid,
                    resource_version: c.metadata.resource_version.as_deref(),
                    dry_run: server_dry,
                    ..Preconditions::default()
                },
            )
            .await;
            match result {
                Ok(true) => say(out, format!("deleted pvc/{claim}\n"))?,
                Ok(false) => {}
                Err(e) if e.is_conflict() => changed = true,
                Err(e) => return Err(e.into()),
            }
        }
        if !changed {
            return Ok(());
        }
    }
    Err(Error::failed(format!(
        "claims of statefulset/{name} kept changing while being deleted"
    ))
    .with_hint(format!(
        "run `kubectl sts delete {name} -n {ns} --delete-pvcs` again: it deletes the claims still marked"
    )))
}

/// The set is gone: finish the claims an earlier run of this teardown marked, or say
/// that there is no such set.
async fn finish_marked_claims(
    conn: &Connection,
    target: &Target,
    opts: &Options,
    out: &mut dyn Write,
) -> Result<()> {
    let (ns, name) = (target.namespace.as_str(), target.name.as_str());
    let marked = marked_claims(conn, ns, name).await?;
    if marked.is_empty() {
        return Err(Error::failed(format!(
            "statefulsets.apps {name:?} not found in namespace {ns:?}: nothing to tear down"
        ))
        .with_hint("if an earlier `kubectl sts delete` of it finished, there is nothing left to do; else check the name and the namespace (-n)"));
    }
    let names: Vec<&str> = marked
        .iter()
        .filter_map(|c| c.metadata.name.as_deref())
        .collect();
    say(
        out,
        format!(
            "statefulset/{name} is gone; an earlier `kubectl sts delete {name} --delete-pvcs` marked claims for deletion: {}\n",
            names.join(", ")
        ),
    )?;
    if !opts.delete_pvcs {
        return Err(Error::input(format!(
            "claims of the deleted statefulset/{name} are still marked for deletion: {}",
            names.join(", ")
        ))
        .with_hint(format!(
            "run `kubectl sts delete {name} -n {ns} --delete-pvcs` to finish"
        )));
    }
    let server_dry = match super::go_ahead(
        opts.dry_run.as_deref(),
        opts.yes,
        &format!("Delete these {} claim(s)?", names.len()),
    )? {
        super::Go::NoChange => return say(out, "(dry run: nothing changed)\n".into()),
        super::Go::Ahead { server_dry } => server_dry,
    };
    delete_marked_claims(conn, ns, name, None, server_dry, out).await
}

/// `--abort`: scales the set back to the replicas the teardown recorded.
async fn abort(
    conn: &Connection,
    target: &Target,
    snap: &Snapshot,
    opts: &Options,
    out: &mut dyn Write,
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
    say(
        out,
        format!(
            "Abort the teardown of statefulset/{name} in namespace {ns}: scale back to {replicas} replicas\n"
        ),
    )?;
    let server_dry = match super::go_ahead(
        opts.dry_run.as_deref(),
        opts.yes,
        &format!("Scale statefulset/{name} back to {replicas}?"),
    )? {
        super::Go::NoChange => return say(out, "(dry run: nothing changed)\n".into()),
        super::Go::Ahead { server_dry } => server_dry,
    };
    mutate::patch_set(
        &conn.client,
        ns,
        name,
        &json!({"metadata": {"annotations": {FROM_REPLICAS: null}}, "spec": {"replicas": replicas}}),
        &snap.resource_version(),
        server_dry,
    )
    .await
    .map_err(|e| super::write_error(e, &format!("statefulset/{name}")))?;
    say(
        out,
        format!("scaled statefulset/{name} back to {replicas}; the teardown is aborted\n"),
    )
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
