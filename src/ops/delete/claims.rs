//! The claims a teardown deletes (`--delete-pvcs`): marked before anything changes, then
//! deleted exactly, each at its uid and resourceVersion — in this run, or in a later one
//! after the set is gone.

use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use kube::api::{Api, ListParams};

use super::Options;
use crate::cluster::mutate::{self, Preconditions};
use crate::cluster::{ClusterError, Connection};
use crate::error::{Error, Result};
use crate::event::{Event, Intended, Object};
use crate::model::teardown;
use crate::ops::{Io, Target};

/// Every claim of the namespace, as it is now.
async fn list_claims(
    conn: &Connection,
    ns: &str,
) -> Result<kube::core::ObjectList<PersistentVolumeClaim>> {
    let api: Api<PersistentVolumeClaim> = Api::namespaced(conn.client.clone(), ns);
    Ok(crate::cluster::retry::read(|| async {
        api.list(&ListParams::default()).await.map_err(|e| {
            ClusterError::from_kube(
                format!("list persistentvolumeclaims in namespace {ns:?}"),
                e,
            )
        })
    })
    .await?)
}

/// The claims of the namespace that carry a teardown mark of `ns/name`, as they are now.
pub(super) async fn marked_claims(
    conn: &Connection,
    ns: &str,
    name: &str,
) -> Result<Vec<PersistentVolumeClaim>> {
    let all = list_claims(conn, ns).await?;
    Ok(all
        .items
        .into_iter()
        .filter(|c| teardown::marked_for(c, ns, name))
        .collect())
}

/// Deletes the marked claims of `ns/name` (only those with a uid in `only`, when given),
/// each at its uid and the resourceVersion it was read at. A claim changed in between
/// (409) is read again and deleted at its new version if it still carries the mark.
pub(super) async fn delete_marked_claims(
    conn: &Connection,
    io: &mut Io<'_>,
    (ns, name): (&str, &str),
    only: Option<&[&str]>,
    server_dry: bool,
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
                Ok(true) => io.wrote(
                    "delete",
                    Object::new("persistentvolumeclaim", ns, claim),
                    (Some(uid), c.metadata.resource_version.as_deref()),
                    server_dry,
                    format!("deleted pvc/{claim}"),
                ),
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

/// Waits until the claims `uids` deleted in `ns` are gone, up to `timeout`: a deleted
/// claim stays, terminating, while the `kubernetes.io/pvc-protection` finalizer holds it
/// (a pod still uses it). Past the deadline, warns with the claims still there.
pub(super) async fn wait_claims_gone(
    conn: &Connection,
    io: &mut Io<'_>,
    ns: &str,
    uids: &[&str],
    timeout: std::time::Duration,
) -> Result<()> {
    let deadline = io.clock.monotonic() + timeout;
    let mut announced = false;
    loop {
        let all = list_claims(conn, ns).await?;
        let left: Vec<String> = all
            .items
            .iter()
            .filter(|c| uids.contains(&c.metadata.uid.as_deref().unwrap_or("")))
            .filter_map(|c| c.metadata.name.clone())
            .collect();
        if left.is_empty() {
            return Ok(());
        }
        if io.clock.monotonic() >= deadline {
            io.emit(Event::Warning {
                message: format!(
                    "claims still terminating after {}: {}",
                    crate::duration::human(timeout),
                    left.join(", ")
                ),
                hint: Some(format!(
                    "the kubernetes.io/pvc-protection finalizer holds a claim while a pod uses it: kubectl get pods -n {ns} -o wide"
                )),
            });
            return Ok(());
        }
        if !announced {
            announced = true;
            io.emit(Event::Wait {
                for_: format!("persistentvolumeclaims {} to be gone", left.join(", ")),
                deadline: crate::ops::force_rollback::deadline_of(io, timeout),
                message: format!("waiting for the claims to go: {}", left.join(", ")),
            });
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// The set is gone: finish the claims an earlier run of this teardown marked, or say
/// that there is no such set.
pub(super) async fn finish_marked_claims(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    opts: &Options,
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
    io.emit(Event::Plan {
        message: format!(
            "statefulset/{name} is gone; an earlier `kubectl sts delete {name} --delete-pvcs` marked claims for deletion: {}",
            names.join(", ")
        ),
        lines: vec![],
        writes: names
            .iter()
            .map(|c| Intended {
                verb: "delete".into(),
                object: Object::new("persistentvolumeclaim", ns, c),
                reason: "marked by the teardown of its set".into(),
            })
            .collect(),
        template: None,
    });
    if !opts.delete_pvcs {
        return Err(Error::input(format!(
            "claims of the deleted statefulset/{name} are still marked for deletion: {}",
            names.join(", ")
        ))
        .with_hint(format!(
            "run `kubectl sts delete {name} -n {ns} --delete-pvcs` to finish"
        )));
    }
    let server_dry = match crate::ops::go_ahead(
        io,
        opts.dry_run.as_deref(),
        &format!("Delete these {} claim(s)?", names.len()),
    )? {
        crate::ops::Go::NoChange => {
            io.info("(dry run: nothing changed)");
            return Ok(());
        }
        crate::ops::Go::Ahead { server_dry } => server_dry,
    };
    let uids: Vec<&str> = marked
        .iter()
        .filter_map(|c| c.metadata.uid.as_deref())
        .collect();
    delete_marked_claims(conn, io, (ns, name), None, server_dry).await?;
    if server_dry {
        return Ok(());
    }
    wait_claims_gone(conn, io, ns, &uids, opts.timeout).await
}
