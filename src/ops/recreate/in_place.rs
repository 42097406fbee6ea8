//! A release that serves in-place updates of `volumeClaimTemplates` (KEP-4650; no
//! release up to 1.37 does) needs no re-creation: the claims are grown and the set's
//! templates patched. Detected, not assumed: a server dry run of that patch, which every
//! release without the feature refuses (422, the fields are immutable).

use serde_json::{Value, json};

use super::journal::Journal;
use super::{Options, Target, steps, wait};
use crate::cluster::{Connection, mutate};
use crate::error::{Error, Result};
use crate::event::{Event, Intended, Object};
use crate::model::Snapshot;
use crate::model::recreate::{ClaimResize, FieldChange};
use crate::ops::Io;

/// The patch of the set's claim templates to those of `desired`.
fn patch_of(desired: &Value) -> Value {
    json!({"spec": {"volumeClaimTemplates": desired.pointer("/spec/volumeClaimTemplates").cloned().unwrap_or(Value::Null)}})
}

/// Whether the server takes the new claim templates in place (a dry run; nothing
/// changes). Only a 422 (Invalid) says no; any other failure is an error.
pub(super) async fn served(
    conn: &Connection,
    target: &Target,
    snap: &Snapshot,
    desired: &Value,
) -> Result<bool> {
    let uid = snap.set().metadata.uid.clone().unwrap_or_default();
    let rv = snap.resource_version();
    let patch = patch_of(desired);
    match mutate::merge_patch(
        &conn.client,
        &mutate::set_path(&target.namespace, &target.name),
        &format!(
            "statefulsets.apps {:?} in namespace {:?} (dry run)",
            target.name, target.namespace
        ),
        &patch,
        (&uid, &rv),
        true,
    )
    .await
    {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.cause, crate::cluster::error::Cause::Api(422, _)) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Grows the claims, then patches the set's templates: no pod or set is deleted.
#[allow(clippy::too_many_arguments)]
pub(super) async fn run(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    snap: &Snapshot,
    (desired, resizes, changes): (&Value, &[ClaimResize], &[FieldChange]),
    opts: &Options,
) -> Result<()> {
    let (ns, name) = (target.namespace.as_str(), target.name.as_str());
    let mut lines: Vec<String> =
        vec!["  this release updates claim templates in place (KEP-4650): no re-creation".into()];
    lines.extend(
        resizes
            .iter()
            .map(|c| format!("  pvc/{}: {} → {}", c.name, c.from, c.to)),
    );
    lines.extend(
        changes
            .iter()
            .map(|c| format!("  {}: {} → {}", c.path, c.from, c.to)),
    );
    let mut writes: Vec<Intended> = resizes
        .iter()
        .filter(|c| !c.done)
        .map(|c| Intended {
            verb: "patch".into(),
            object: Object::new("persistentvolumeclaim", ns, &c.name),
            reason: format!("spec.resources.requests.storage {} → {}", c.from, c.to),
        })
        .collect();
    writes.push(Intended {
        verb: "patch".into(),
        object: Object::new("statefulset", ns, name),
        reason: "spec.volumeClaimTemplates, in place, at the resourceVersion read".into(),
    });
    io.emit(Event::Plan {
        message: format!("Resize the volumes of statefulset/{name} in namespace {ns} in place:"),
        lines,
        writes,
        template: None,
    });
    let server_dry = match crate::ops::go_ahead(
        io,
        opts.dry_run.as_deref(),
        &format!("Resize statefulset/{name}'s volumes?"),
    )? {
        crate::ops::Go::NoChange => {
            io.info("(dry run: nothing changed)");
            return Ok(());
        }
        crate::ops::Go::Ahead { server_dry } => server_dry,
    };
    steps::patch_claims(conn, io, ns, resizes, server_dry).await?;
    if !server_dry {
        // The claims to wait for (the journal's shape; nothing is written to disk).
        let j = Journal {
            server: conn.server.clone(),
            namespace: ns.into(),
            name: name.into(),
            old_uid: String::new(),
            set: Value::Null,
            pods: Vec::new(),
            claims: resizes
                .iter()
                .map(|c| (c.name.clone(), c.to.clone()))
                .collect(),
        };
        wait::resized(conn, io, target, &j, opts).await?;
    }
    let patched = crate::ops::patch_set(
        conn,
        io,
        (target, snap),
        &patch_of(desired),
        server_dry,
        format!("statefulset/{name}: volumeClaimTemplates updated in place"),
    )
    .await;
    match patched {
        Ok(_) => Ok(()),
        Err(e) => Err(Error::from(e).with_hint(format!(
            "the claims are grown; run `kubectl sts resize {name} -n {ns} …` again to update the set's templates"
        ))),
    }
}
