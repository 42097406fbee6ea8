//! The writes of a re-creation, each safe to run again: a claim already at its
//! size is not patched, a pod already annotated is not annotated again, a set already
//! deleted is not deleted, a set already created is adopted as it is.

use std::path::Path;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use serde_json::{Value, json};

use super::journal::{self, Journal};
use super::{Options, Target};
use crate::cluster::mutate::{self, Preconditions};
use crate::cluster::{ClusterError, Connection, load};
use crate::error::{Error, Result};
use crate::event::Object;
use crate::model::Snapshot;
use crate::model::recreate::{ClaimResize, POD_ANNOTATION};
use crate::ops::Io;

const ATTEMPTS: usize = 5;

fn annotation_path() -> String {
    format!(
        "/metadata/annotations/{}",
        POD_ANNOTATION.replace('~', "~0").replace('/', "~1")
    )
}

/// The journal an orphaned (or adopted) pod of the set carries, if any.
pub(super) async fn journal_on_pods(conn: &Connection, target: &Target) -> Result<Option<Journal>> {
    let api: Api<Pod> = Api::namespaced(conn.client.clone(), &target.namespace);
    let pods = api
        .list_metadata(&ListParams::default())
        .await
        .map_err(|e| {
            ClusterError::from_kube(format!("list pods in namespace {:?}", target.namespace), e)
        })?;
    let prefix = format!("{}-", target.name);
    for p in pods.items {
        let name = p.metadata.name.as_deref().unwrap_or("");
        let member = name
            .strip_prefix(&prefix)
            .is_some_and(|o| !o.is_empty() && o.bytes().all(|b| b.is_ascii_digit()));
        let text = p
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(POD_ANNOTATION));
        if let (true, Some(text)) = (member, text)
            && let Ok(j) = serde_json::from_str::<Journal>(text)
            && j.namespace == target.namespace
            && j.name == target.name
        {
            return Ok(Some(j));
        }
    }
    Ok(None)
}

/// Refuses a claim whose class does not allow expansion.
pub(super) async fn expandable(conn: &Connection, class: &str, claim: &str) -> Result<()> {
    if class.is_empty() {
        return Err(Error::failed(format!(
            "pvc/{claim} has no storage class: it was not provisioned dynamically and cannot grow; nothing changed"
        )));
    }
    let call = format!("get storageclasses.storage.k8s.io {class:?}");
    let sc = load::get_raw(
        &conn.client,
        &format!("/apis/storage.k8s.io/v1/storageclasses/{class}"),
        &call,
    )
    .await
    .map_err(|e| {
        if e.is_not_found() {
            Error::failed(format!(
                "storageclass {class:?} of pvc/{claim} does not exist: the claim cannot grow; nothing changed"
            ))
        } else {
            e.into()
        }
    })?;
    if sc.get("allowVolumeExpansion").and_then(Value::as_bool) != Some(true) {
        return Err(Error::failed(format!(
            "storageclass {class:?} of pvc/{claim} does not allow volume expansion (allowVolumeExpansion is not true); nothing changed"
        ))
        .with_hint("ask the cluster's administrator to allow it on the class, or move the data to a claim of an expandable class"));
    }
    Ok(())
}

/// The server validates the set to create: a dry-run create. 409 AlreadyExists is the
/// answer that validation passed (the old set still holds the name); anything else it
/// refuses (422) stops the run before a write.
pub(super) async fn validate(
    conn: &Connection,
    ns: &str,
    name: &str,
    create: &Value,
) -> Result<()> {
    let what = format!("statefulsets.apps {name:?} in namespace {ns:?}");
    match mutate::create(&conn.client, &mutate::sets_path(ns), &what, create, true).await {
        Ok(_) => Ok(()),
        Err(e) if mutate::is_already_exists(&e) => Ok(()),
        Err(e) => Err(Error::failed(format!(
            "the server would not accept the new statefulset/{name}: {e}; nothing changed"
        ))),
    }
}

/// Records the journal on each pod the new set must adopt.
pub(super) async fn annotate_pods(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    j: &Journal,
) -> Result<()> {
    let text = serde_json::to_string(j).map_err(|e| Error::failed(e.to_string()))?;
    for (pod, uid) in &j.pods {
        set_annotation(conn, io, target, pod, uid, Some(&text)).await?;
    }
    Ok(())
}

/// Sets (or with `None` removes) the journal annotation of `pod`, if it is still the pod
/// with `uid`; at its current resourceVersion, read again after a 409.
async fn set_annotation(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    pod: &str,
    uid: &str,
    value: Option<&str>,
) -> Result<()> {
    let ns = target.namespace.as_str();
    let path = mutate::pod_path(ns, pod);
    let what = format!("pods {pod:?} in namespace {ns:?}");
    for _ in 0..ATTEMPTS {
        let current = match load::get_raw(&conn.client, &path, &format!("get {what}")).await {
            Ok(p) => p,
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        let cur_uid = current
            .pointer("/metadata/uid")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !uid.is_empty() && cur_uid != uid {
            return Ok(()); // another pod by that name: not ours to mark
        }
        if current.pointer(&annotation_path()).and_then(Value::as_str) == value {
            return Ok(());
        }
        let rv = current
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .unwrap_or("");
        let patch = json!({"metadata": {"annotations": {POD_ANNOTATION: value}}});
        match mutate::merge_patch(&conn.client, &path, &what, &patch, (cur_uid, rv), false).await {
            Ok(_) => {
                io.wrote(
                    "patch",
                    Object::new("pod", ns, pod),
                    (Some(cur_uid), Some(rv)),
                    false,
                    if value.is_some() {
                        format!("  pod/{pod}: journal recorded ({POD_ANNOTATION})")
                    } else {
                        format!("  pod/{pod}: journal annotation removed")
                    },
                );
                return Ok(());
            }
            Err(e) if e.is_conflict() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::failed(format!(
        "pod/{pod} kept changing; its annotation {POD_ANNOTATION} was not written"
    ))
    .with_hint("run the command again"))
}

/// Patches each claim not yet at its size, at its uid and resourceVersion.
pub(super) async fn patch_claims(
    conn: &Connection,
    io: &mut Io<'_>,
    ns: &str,
    resizes: &[ClaimResize],
    dry: bool,
) -> Result<()> {
    for c in resizes.iter().filter(|c| !c.done) {
        let path = mutate::claim_path(ns, &c.name);
        let what = format!("persistentvolumeclaims {:?} in namespace {ns:?}", c.name);
        let mut rv = c.resource_version.clone();
        let mut written = false;
        for _ in 0..ATTEMPTS {
            let patch = json!({"spec": {"resources": {"requests": {"storage": c.to}}}});
            match mutate::merge_patch(&conn.client, &path, &what, &patch, (&c.uid, &rv), dry).await
            {
                Ok(_) => {
                    io.wrote(
                        "patch",
                        Object::new("persistentvolumeclaim", ns, &c.name),
                        (Some(&c.uid), Some(&rv)),
                        dry,
                        format!("  pvc/{}: {} → {}", c.name, c.from, c.to),
                    );
                    written = true;
                    break;
                }
                Err(e) if e.is_conflict() => {
                    // Changed since the plan (its status, say): the same claim still
                    // asking for less is patched at its new version.
                    let now = load::get_raw(&conn.client, &path, &format!("get {what}")).await?;
                    if now.pointer("/metadata/uid").and_then(Value::as_str) != Some(c.uid.as_str())
                    {
                        return Err(Error::failed(format!(
                            "pvc/{} was replaced since the plan; nothing more changed",
                            c.name
                        )));
                    }
                    rv = now
                        .pointer("/metadata/resourceVersion")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                }
                Err(e) => return Err(crate::ops::write_error(e, &format!("pvc/{}", c.name))),
            }
        }
        if !written {
            return Err(Error::failed(format!(
                "pvc/{} kept changing; not patched",
                c.name
            )));
        }
    }
    Ok(())
}

/// Deletes the set as `snap` saw it, orphaning its dependents. On 409 (its status
/// moved) it is read again and deleted at its new version if its spec did not change.
pub(super) async fn delete_orphaning(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    snap: &Snapshot,
    dry: bool,
) -> Result<()> {
    let (ns, name) = (target.namespace.as_str(), target.name.as_str());
    let uid = snap.set().metadata.uid.clone().unwrap_or_default();
    let generation = snap.set().metadata.generation;
    let mut rv = snap.resource_version();
    for _ in 0..ATTEMPTS {
        let pre = Preconditions {
            uid: &uid,
            resource_version: Some(&rv),
            propagation: Some("Orphan"),
            dry_run: dry,
            ..Preconditions::default()
        };
        let what = format!("statefulsets.apps {name:?} in namespace {ns:?}");
        match mutate::delete_preconditioned(&conn.client, &mutate::set_path(ns, name), &what, &pre)
            .await
        {
            Ok(_) => {
                io.wrote(
                    "delete",
                    Object::new("statefulset", ns, name),
                    (Some(&uid), Some(&rv)),
                    dry,
                    format!("deleted statefulset/{name} with propagationPolicy Orphan: its pods keep running"),
                );
                return Ok(());
            }
            Err(e) if e.is_conflict() => {
                let now = load::snapshot(&conn.client, ns, name).await?;
                let same = now.set().metadata.uid.as_deref() == Some(uid.as_str())
                    && now.set().metadata.generation == generation;
                if !same {
                    return Err(Error::failed(format!(
                        "statefulset/{name} was changed by another client; it was not deleted"
                    ))
                    .with_hint("run the command again to re-plan"));
                }
                rv = now.resource_version();
            }
            Err(e) => return Err(crate::ops::write_error(e, &format!("statefulset/{name}"))),
        }
    }
    Err(Error::failed(format!(
        "statefulset/{name} kept changing; it was not deleted"
    )))
}

/// From the old set's deletion on: wait until it is gone, create the new one (or take
/// the one an earlier run created), wait for the adoption, clean up.
pub(super) async fn finish(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    j: &Journal,
    path: &Path,
    opts: &Options,
) -> Result<()> {
    let (ns, name) = (target.namespace.as_str(), target.name.as_str());
    let set_path = mutate::set_path(ns, name);
    let what = format!("statefulsets.apps {name:?} in namespace {ns:?}");
    let deadline = io.clock.monotonic() + opts.timeout;
    // The old set goes once the garbage collector has orphaned its dependents.
    loop {
        match load::get_raw(&conn.client, &set_path, &format!("get {what}")).await {
            Err(e) if e.is_not_found() => break,
            Err(e) => return Err(e.into()),
            Ok(s)
                if s.pointer("/metadata/uid").and_then(Value::as_str)
                    != Some(j.old_uid.as_str()) =>
            {
                break;
            }
            Ok(_) if io.clock.monotonic() >= deadline => {
                return Err(Error::failed(format!(
                    "statefulset/{name} (uid {}) is still being deleted after {}",
                    j.old_uid,
                    crate::duration::human(opts.timeout)
                ))
                .with_hint(format!(
                    "run `kubectl sts recreate {name} -n {ns} --resume` to go on"
                )));
            }
            Ok(_) => tokio::time::sleep(super::wait::POLL).await,
        }
    }
    let created = match mutate::create(&conn.client, &mutate::sets_path(ns), &what, &j.set, false)
        .await
    {
        Ok(s) => {
            let uid = s
                .pointer("/metadata/uid")
                .and_then(Value::as_str)
                .unwrap_or("");
            io.wrote(
                "create",
                Object::new("statefulset", ns, name),
                (Some(uid), None),
                false,
                format!("created statefulset/{name} (uid {uid})"),
            );
            s
        }
        Err(e) if mutate::is_already_exists(&e) => {
            let s = load::get_raw(&conn.client, &set_path, &format!("get {what}")).await?;
            io.info(format!(
                "statefulset/{name} exists again (uid {}): created by an earlier run",
                s.pointer("/metadata/uid")
                    .and_then(Value::as_str)
                    .unwrap_or("")
            ));
            s
        }
        Err(e) => {
            return Err(Error::failed(format!("creating statefulset/{name}: {e}"))
                .with_hint(format!("its pods still run; the journal {} holds the set: run `kubectl sts recreate {name} -n {ns} --resume`", path.display())));
        }
    };
    let uid = created
        .pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let snap = super::wait::adopted(conn, io, target, j, &uid, opts).await?;
    cleanup(conn, io, target, &snap, path).await?;
    let replaced: Vec<&str> = j
        .pods
        .iter()
        .filter(|(p, u)| snap.record(p).is_some_and(|r| &r.uid != u))
        .map(|(p, _)| p.as_str())
        .collect();
    io.info(format!(
        "statefulset/{name} re-created (uid {uid}): {} pod(s) adopted, {}",
        j.pods.len(),
        if replaced.is_empty() {
            "none restarted".to_string()
        } else {
            format!("replaced by its controller: {}", replaced.join(", "))
        }
    ));
    Ok(())
}

/// Removes the journal annotation from the set's pods and the journal file.
pub(super) async fn cleanup(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    snap: &Snapshot,
    path: &Path,
) -> Result<()> {
    let marked: Vec<(String, String)> = snap
        .pods()
        .iter()
        .filter(|p| {
            p.metadata
                .annotations
                .as_ref()
                .is_some_and(|a| a.contains_key(POD_ANNOTATION))
        })
        .map(|p| {
            (
                p.metadata.name.clone().unwrap_or_default(),
                p.metadata.uid.clone().unwrap_or_default(),
            )
        })
        .collect();
    for (pod, uid) in marked {
        set_annotation(conn, io, target, &pod, &uid, None).await?;
    }
    journal::remove(path)
}
