//! `resize` and `recreate`: change what a StatefulSet does not let change in place, with
//! no pod restarted. Grow the claims (each patched at its uid and resourceVersion, each
//! resize waited for), delete the set with `propagationPolicy: Orphan` at its uid and
//! resourceVersion (its pods, revisions and claims stay), create it again with the new
//! spec, and wait until the controller has adopted every pod and claim.
//!
//! Safe at every point:
//! - nothing is written before the server has validated the set to create (a dry-run
//!   create: a run never deletes a set it cannot re-create);
//! - before the first write, the set to create is written to a journal file and to an
//!   annotation on each pod ([`journal`]); a run interrupted anywhere is finished by
//!   running it again (or `recreate NAME --resume`), from either;
//! - only the set's own claims (the naming and owner rules `delete` uses) are patched,
//!   and only its controlled pods annotated.

mod in_place;
pub mod journal;
mod steps;
mod wait;

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};

use super::{Io, Target};
use crate::cluster::{Connection, load};
use crate::error::{Error, Result};
use crate::event::{Event, Intended, Object};
use crate::model::Snapshot;
use crate::model::pod::Owner;
use crate::model::profile::Profile;
use crate::model::recreate::{self, ClaimResize, POD_ANNOTATION, Resize};
use journal::Journal;

pub struct Options {
    pub dry_run: Option<String>,
    /// Bounds each wait (a resize, the set's deletion, the adoption).
    pub timeout: Duration,
    /// Restart the pods whose volumes wait for a file-system resize (offline
    /// expansion), one at a time, highest ordinal first, each Ready before the next.
    pub restart_pods: bool,
    pub state_dir: PathBuf,
}

/// What is asked.
pub enum Change {
    /// `resize NAME CLAIM=SIZE…`.
    Resize(Vec<Resize>),
    /// `recreate NAME -f FILE`: the set as it should be.
    Spec(Value),
    /// `recreate NAME --resume`: finish what the journal says.
    Resume,
}

pub async fn run(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    profile: &Profile,
    change: &Change,
    opts: &Options,
) -> Result<()> {
    let (ns, name) = (target.namespace.as_str(), target.name.as_str());
    let path = journal::path(&opts.state_dir, &conn.server, target);
    let live = match load::snapshot(&conn.client, ns, name).await {
        Ok(s) => Some(s),
        Err(e) if e.is_not_found() => None,
        Err(e) => return Err(e.into()),
    };
    let mut found = journal::read(&path)?;
    if found.is_none() {
        found = steps::journal_on_pods(conn, target).await?;
    }
    match (live, found) {
        (None, None) => Err(Error::input(format!(
            "statefulsets.apps {name:?} not found in namespace {ns:?}, and no interrupted re-creation of it to finish"
        ))),
        (None, Some(j)) => {
            io.info(format!(
                "statefulset/{name} is gone and its re-creation is unfinished (journal {}): creating it again",
                path.display()
            ));
            resume(conn, io, target, &j, (&path, opts)).await
        }
        (Some(snap), Some(j))
            if snap.set().metadata.uid.as_deref() != Some(j.old_uid.as_str())
                || snap.set().metadata.deletion_timestamp.is_some() =>
        {
            io.info(format!(
                "statefulset/{name}'s re-creation is unfinished (journal {}): finishing it",
                path.display()
            ));
            resume(conn, io, target, &j, (&path, opts)).await
        }
        (Some(snap), j) => {
            let desired = match (change, j) {
                (Change::Resize(r), _) => recreate::resized(&snap, r).map_err(Error::input)?,
                (Change::Spec(m), _) => manifest(&snap, m)?,
                (Change::Resume, Some(j)) => j.set,
                (Change::Resume, None) => {
                    return Err(Error::failed(format!(
                        "statefulset/{name} has no interrupted re-creation to resume (no journal at {}, no {POD_ANNOTATION} annotation on its pods)",
                        path.display()
                    )));
                }
            };
            let resizes = match change {
                Change::Resize(r) => recreate::claim_resizes(&snap, r),
                _ => Vec::new(),
            };
            fresh(
                conn,
                io,
                target,
                profile,
                &snap,
                (&desired, &resizes),
                (&path, opts),
            )
            .await
        }
    }
}

/// The journal of an interrupted re-creation of `target`, as its pods carry it.
pub async fn interrupted(conn: &Connection, target: &Target) -> Result<Option<Journal>> {
    steps::journal_on_pods(conn, target).await
}

/// The manifest of `recreate -f`: the same set (name, namespace), a StatefulSet.
fn manifest(snap: &Snapshot, m: &Value) -> Result<Value> {
    let (ns, name) = (snap.namespace(), snap.name());
    let kind = m.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind != "StatefulSet" {
        return Err(Error::input(format!(
            "the file holds a {kind:?}, not a StatefulSet"
        )));
    }
    let got = |p: &str| m.pointer(p).and_then(Value::as_str);
    if got("/metadata/name") != Some(name) {
        return Err(Error::input(format!(
            "the file's StatefulSet is {:?}, not {name:?}: recreate keeps the name",
            got("/metadata/name").unwrap_or("")
        )));
    }
    if got("/metadata/namespace").is_some_and(|n| n != ns) {
        return Err(Error::input(format!(
            "the file's StatefulSet is in namespace {:?}, not {ns:?}",
            got("/metadata/namespace").unwrap_or("")
        )));
    }
    let mut desired = recreate::to_create(m);
    desired["metadata"]["namespace"] = json!(ns);
    Ok(desired)
}

/// Finishes an interrupted re-creation, after showing what is left and asking, as the
/// first run did: the create of the journal's set and the annotations removed.
async fn resume(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    j: &Journal,
    (path, opts): (&std::path::Path, &Options),
) -> Result<()> {
    let mut writes = vec![Intended {
        verb: "create".into(),
        object: Object::new("statefulset", &j.namespace, &j.name),
        reason: "the set recorded in the journal, once the old one is gone".into(),
    }];
    writes.extend(j.pods.iter().map(|(p, _)| Intended {
        verb: "patch".into(),
        object: Object::new("pod", &j.namespace, p),
        reason: format!("annotation {POD_ANNOTATION} removed once the new set has adopted it"),
    }));
    io.emit(Event::Plan {
        message: format!(
            "Finish the re-creation of statefulset/{} in namespace {}:",
            j.name, j.namespace
        ),
        lines: vec![
            format!(
                "  pods to adopt: {}",
                j.pods
                    .iter()
                    .map(|(p, _)| p.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            format!("  journal: {}", path.display()),
        ],
        writes,
        template: None,
    });
    let question = format!(
        "Finish re-creating statefulset/{} in namespace {}?",
        j.name, j.namespace
    );
    match super::go_ahead(io, opts.dry_run.as_deref(), &question)? {
        super::Go::Ahead { server_dry: false } => {
            steps::finish(conn, io, target, j, path, opts).await
        }
        _ => {
            io.info("(dry run: nothing changed)");
            Ok(())
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn fresh(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    profile: &Profile,
    snap: &Snapshot,
    (desired, resizes): (&Value, &[ClaimResize]),
    (path, opts): (&std::path::Path, &Options),
) -> Result<()> {
    let (ns, name) = (target.namespace.as_str(), target.name.as_str());
    if snap.set().metadata.deletion_timestamp.is_some() {
        return Err(Error::failed(format!(
            "statefulset/{name} is being deleted; nothing changed"
        )));
    }
    for c in resizes.iter().filter(|c| !c.done) {
        if !c.bound {
            return Err(Error::failed(format!(
                "pvc/{} is not bound to a volume: only a bound claim can grow; nothing changed",
                c.name
            )));
        }
        steps::expandable(conn, &c.class, &c.name).await?;
    }
    let create = recreate::to_create(desired);
    let changes = recreate::changes(snap.set_json(), &create);
    if changes.is_empty() && resizes.iter().all(|c| c.done) {
        io.info(format!(
            "statefulset/{name} already has this spec and its claims ask for these sizes: nothing to do"
        ));
        return steps::cleanup(conn, io, target, snap, path).await;
    }
    // Only the claim templates change: a release that updates them in place needs no
    // re-creation.
    if !resizes.is_empty()
        && changes
            .iter()
            .all(|c| c.path.starts_with("spec.volumeClaimTemplates"))
        && in_place::served(conn, target, snap, desired).await?
    {
        return in_place::run(conn, io, target, snap, (desired, resizes, &changes), opts).await;
    }
    let predicted =
        recreate::prediction(snap, &create, io.clock.now(), profile).map_err(Error::failed)?;
    if !predicted.unmatched.is_empty() {
        return Err(Error::input(format!(
            "the new selector of statefulset/{name} would not match its pods {}: they would be left without a controller; nothing changed",
            predicted.unmatched.join(", ")
        )));
    }
    let pods: Vec<(String, String)> = snap
        .records()
        .iter()
        .filter(|r| r.owner == Owner::ThisSet && r.member && !r.terminating)
        .map(|r| (r.name.clone(), r.uid.clone()))
        .collect();
    crate::ops::gitops::warn(io, target, snap, crate::ops::gitops::Change::Delete);
    let mut event = plan(snap, resizes, &changes, &predicted, &pods, path);
    if opts.restart_pods
        && let Event::Plan { writes, .. } = &mut event
    {
        // Only pods whose volumes wait for a file-system resize, highest ordinal first.
        writes.extend(pods.iter().rev().map(|(p, _)| Intended {
            verb: "delete".into(),
            object: Object::new("pod", ns, p),
            reason: "--restart-pods: only if its volume waits for a file-system resize (uid precondition)".into(),
        }));
    }
    io.emit(event);
    let server_dry = match super::go_ahead(
        io,
        opts.dry_run.as_deref(),
        &format!("Re-create statefulset/{name} in namespace {ns} (its pods keep running)?"),
    )? {
        super::Go::NoChange => {
            io.info("(dry run: nothing changed)");
            return Ok(());
        }
        super::Go::Ahead { server_dry } => server_dry,
    };
    // The server must accept the set to create before anything changes.
    steps::validate(conn, ns, name, &create).await?;
    let j = Journal {
        server: conn.server.clone(),
        namespace: ns.into(),
        name: name.into(),
        old_uid: snap.set().metadata.uid.clone().unwrap_or_default(),
        set: create,
        pods,
        claims: resizes
            .iter()
            .map(|c| (c.name.clone(), c.to.clone()))
            .collect(),
    };
    if server_dry {
        steps::patch_claims(conn, io, ns, resizes, true).await?;
        steps::delete_orphaning(conn, io, target, snap, true).await?;
        io.info("(server dry run: nothing changed)");
        return Ok(());
    }
    journal::write(path, &j)?;
    io.info(format!("journal written: {}", path.display()));
    steps::annotate_pods(conn, io, target, &j).await?;
    steps::patch_claims(conn, io, ns, resizes, false).await?;
    wait::resized(conn, io, target, &j, opts).await?;
    steps::delete_orphaning(conn, io, target, snap, false).await?;
    steps::finish(conn, io, target, &j, path, opts).await
}

/// The plan, before consent: the claims patched, the set deleted (orphaning) and
/// created, the fields that change, and what the controller will do with the pods.
fn plan(
    snap: &Snapshot,
    resizes: &[ClaimResize],
    changes: &[recreate::FieldChange],
    predicted: &recreate::Prediction,
    pods: &[(String, String)],
    path: &std::path::Path,
) -> Event {
    let (ns, name) = (snap.namespace(), snap.name());
    let uid = snap.set().metadata.uid.clone().unwrap_or_default();
    let rv = snap.resource_version();
    let mut lines = Vec::new();
    if !resizes.is_empty() {
        lines.push("  claims:".to_string());
        lines.extend(resizes.iter().map(|c| {
            if c.done {
                format!(
                    "    pvc/{}: already asks for {} (≥ {})",
                    c.name, c.from, c.to
                )
            } else {
                format!(
                    "    pvc/{}: {} → {} (storageclass {})",
                    c.name, c.from, c.to, c.class
                )
            }
        }));
    }
    lines.push("  the new set differs in:".to_string());
    lines.extend(
        changes
            .iter()
            .map(|c| format!("    {}: {} → {}", c.path, c.from, c.to)),
    );
    lines.push(format!(
        "  pods kept running and adopted by the new set: {}",
        if pods.is_empty() {
            "none".to_string()
        } else {
            pods.iter()
                .map(|(p, _)| p.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    ));
    if predicted.restarts.is_empty() {
        lines.push(format!(
            "  prediction: no pod restarts (the pod template maps to revision {}{})",
            predicted.update_revision,
            if predicted.reused {
                ", which exists"
            } else {
                ""
            }
        ));
    } else {
        lines.push("  prediction: the controller will then roll these pods:".into());
        lines.extend(
            predicted
                .restarts
                .iter()
                .map(|(p, why)| format!("    {p}: {why}")),
        );
    }
    if !predicted.held.is_empty() {
        lines.push(format!(
            "  held on their revision by the update strategy: {}",
            predicted.held.join(", ")
        ));
    }
    lines.push(format!("  journal: {}", path.display()));
    let mut writes: Vec<Intended> = pods
        .iter()
        .map(|(p, _)| Intended {
            verb: "patch".into(),
            object: Object::new("pod", ns, p),
            reason: format!(
                "annotation {POD_ANNOTATION}: the set to create, should this run be interrupted"
            ),
        })
        .collect();
    writes.extend(resizes.iter().filter(|c| !c.done).map(|c| Intended {
        verb: "patch".into(),
        object: Object::new("persistentvolumeclaim", ns, &c.name),
        reason: format!(
            "spec.resources.requests.storage {} → {} (uid {}, resourceVersion {})",
            c.from, c.to, c.uid, c.resource_version
        ),
    }));
    writes.push(Intended {
        verb: "delete".into(),
        object: Object::new("statefulset", ns, name),
        reason: format!(
            "propagationPolicy Orphan (pods, revisions and claims stay), uid {uid}, resourceVersion {rv}"
        ),
    });
    writes.push(Intended {
        verb: "create".into(),
        object: Object::new("statefulset", ns, name),
        reason: "the new spec; it adopts the pods, revisions and claims".into(),
    });
    writes.extend(pods.iter().map(|(p, _)| Intended {
        verb: "patch".into(),
        object: Object::new("pod", ns, p),
        reason: format!("annotation {POD_ANNOTATION} removed once the new set has adopted it"),
    }));
    Event::Plan {
        message: format!(
            "Re-create statefulset/{name} in namespace {ns} without restarting its pods:"
        ),
        lines,
        writes,
        template: None,
    }
}
