//! Ordered teardown: scale to zero (pods go from the highest ordinal down under
//! OrderedReady), wait until every pod is gone, then delete the StatefulSet; claims stay
//! unless asked for, and then only this set's. Resumable: a set already at zero, or
//! already gone, continues from there.

use super::Target;
use std::io::Write;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use kube::api::{Api, ListParams};

use crate::cluster::{Connection, load, mutate, watch};
use crate::error::{Error, Result};
use crate::model::claims::parse_claim_name;
use crate::model::snapshot::claim_templates;
use crate::output::io_error;

pub struct Options {
    pub delete_pvcs: bool,
    pub yes: bool,
    pub dry_run: Option<String>,
    pub timeout: Duration,
    pub cascade: String,
    /// On timeout, remove pods still terminating with grace period 0 (finalizers still hold).
    pub force: bool,
}

/// This set's claims: `<template>-<set>-<ordinal>` for its claim templates (a claim of a
/// set with a similar name does not match).
fn own_claims<'c>(
    claims: &'c [PersistentVolumeClaim],
    set: &str,
    templates: &[String],
) -> Vec<&'c PersistentVolumeClaim> {
    claims
        .iter()
        .filter(|c| {
            parse_claim_name(c.metadata.name.as_deref().unwrap_or(""), templates, set).is_some()
        })
        .collect()
}

pub async fn run(
    conn: &Connection,
    target: &Target,
    opts: &Options,
    out: &mut dyn Write,
) -> Result<()> {
    let name = target.name.as_str();
    let w = |out: &mut dyn Write, s: String| out.write_all(s.as_bytes()).map_err(io_error);
    let ns = target.namespace.as_str();
    let claims_api: Api<PersistentVolumeClaim> = Api::namespaced(conn.client.clone(), ns);
    let snap = match load::snapshot(&conn.client, ns, name).await {
        Ok(s) => Some(s),
        Err(e) if e.is_not_found() => None,
        Err(e) => return Err(e.into()),
    };
    let templates: Vec<String> = snap
        .as_ref()
        .map(|s| {
            claim_templates(s.set())
                .into_iter()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if let Some(snap) = &snap {
        let spec = snap.set().spec.as_ref();
        let parallel = spec.and_then(|s| s.pod_management_policy.as_deref()) == Some("Parallel");
        let mut pods: Vec<(i32, String)> = snap
            .records()
            .iter()
            .filter(|r| r.member)
            .map(|r| (r.ordinal, r.name.clone()))
            .collect();
        pods.sort_by_key(|(o, _)| std::cmp::Reverse(*o));
        let order = pods
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        w(out, format!("Ordered teardown of statefulset/{name}:\n"))?;
        if parallel {
            w(
                out,
                format!(
                    "  warning: podManagementPolicy is Parallel — all pods terminate at once: {order}\n"
                ),
            )?;
        } else {
            w(
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
        let claims = own_claims(snap.pvcs(), name, &templates);
        let names: Vec<&str> = claims
            .iter()
            .filter_map(|c| c.metadata.name.as_deref())
            .collect();
        w(
            out,
            format!(
                "  claims ({}): {} — retention policy whenScaled={scaled}, whenDeleted={deleted}{}\n",
                names.len(),
                if names.is_empty() {
                    "none".into()
                } else {
                    names.join(", ")
                },
                if opts.delete_pvcs {
                    "; --delete-pvcs deletes them afterwards"
                } else {
                    "; they are kept"
                }
            ),
        )?;
        if opts.dry_run.as_deref() == Some("client") {
            return w(out, "(dry run: nothing changed)\n".into());
        }
        let server_dry = opts.dry_run.as_deref() == Some("server");
        crate::ops::consent(&format!("Delete statefulset/{name}?"), opts.yes, server_dry)?;
        let replicas = spec.and_then(|s| s.replicas).unwrap_or(1);
        let rv = snap.resource_version();
        if replicas != 0 || server_dry {
            mutate::scale_set(&conn.client, ns, name, 0, &rv, server_dry)
                .await
                .map_err(Error::from)?;
            if server_dry {
                return w(
                    out,
                    "scale to 0 accepted by the server (dry run: nothing changed)\n".into(),
                );
            }
            w(out, format!("scaled statefulset/{name} to 0\n"))?;
        }
        // Wait until every pod is gone, reporting each as it goes.
        let mut updates = std::pin::pin!(
            watch::snapshots(conn.client.clone(), ns.to_string(), name.to_string()).await?
        );
        let mut deadline = tokio::time::Instant::now() + opts.timeout;
        let mut forced = false;
        let mut forced_uids: Vec<String> = Vec::new();
        let mut last: Vec<(String, bool)> = Vec::new();
        let mut latest = snap.clone();
        loop {
            let present: Vec<(String, bool)> = latest
                .records()
                .iter()
                .filter(|r| r.member)
                .map(|r| (r.name.clone(), r.terminating))
                .collect();
            for (pod, terminating) in &present {
                if *terminating && !last.iter().any(|(p, t)| p == pod && *t) {
                    w(out, format!("  {pod} terminating\n"))?;
                }
            }
            for (pod, _) in &last {
                if !present.iter().any(|(p, _)| p == pod) {
                    w(out, format!("  {pod} gone\n"))?;
                }
            }
            if present.is_empty() {
                break;
            }
            if forced {
                let due: Vec<(String, String)> = latest
                    .records()
                    .iter()
                    .filter(|r| r.member && r.terminating && !forced_uids.contains(&r.uid))
                    .map(|r| (r.name.clone(), r.uid.clone()))
                    .collect();
                for (pod, uid) in due {
                    forced_uids.push(uid.clone());
                    match mutate::delete_pod_with_grace(&conn.client, ns, &pod, &uid, Some(0)).await
                    {
                        Ok(_) => w(out, format!("  {pod} force-deleted (grace period 0)\n"))?,
                        Err(e) if e.is_conflict() || e.is_not_found() => {}
                        Err(e) => return Err(e.into()),
                    }
                }
            }
            last = present;
            match tokio::time::timeout_at(deadline, updates.next()).await {
                Ok(Some(watch::Update::Snapshot(s))) => latest = *s,
                Ok(Some(watch::Update::Reconnecting(_))) => {}
                Ok(None) | Err(_) if opts.force && !forced => {
                    // From here on every pod still terminating is removed at once.
                    forced = true;
                    deadline =
                        tokio::time::Instant::now() + opts.timeout.max(Duration::from_secs(30));
                }
                Ok(None) | Err(_) => return Err(stuck_pods(name, &latest)),
            }
        }
        let uid = snap.set().metadata.uid.clone().unwrap_or_default();
        let path = format!("/apis/apps/v1/namespaces/{ns}/statefulsets/{name}");
        mutate::delete_with_uid(
            &conn.client,
            &path,
            &format!("statefulsets.apps {name:?}"),
            &uid,
            &opts.cascade,
        )
        .await
        .map_err(Error::from)?;
        w(out, format!("deleted statefulset/{name}\n"))?;
    } else {
        w(out, format!("statefulset/{name} is already gone\n"))?;
        if opts.dry_run.is_some() {
            return Ok(());
        }
    }
    // Claims: kept unless asked for; then exactly this set's.
    let all = claims_api
        .list(&ListParams::default())
        .await
        .map_err(|e| {
            crate::cluster::ClusterError::from_kube(
                format!("list persistentvolumeclaims in namespace {ns:?}"),
                e,
            )
        })?
        .items;
    let templates = if templates.is_empty() {
        guess_templates(&all, name)
    } else {
        templates
    };
    let claims = own_claims(&all, name, &templates);
    let names: Vec<String> = claims
        .iter()
        .filter_map(|c| c.metadata.name.clone())
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    if !opts.delete_pvcs {
        return w(
            out,
            format!(
                "retained claims: {}\n  delete them with: kubectl delete pvc -n {ns} {}\n",
                names.join(", "),
                names.join(" ")
            ),
        );
    }
    for c in claims {
        let claim = c.metadata.name.clone().unwrap_or_default();
        let uid = c.metadata.uid.clone().unwrap_or_default();
        let path = format!("/api/v1/namespaces/{ns}/persistentvolumeclaims/{claim}");
        mutate::delete_with_uid(
            &conn.client,
            &path,
            &format!("persistentvolumeclaims {claim:?}"),
            &uid,
            "Background",
        )
        .await
        .map_err(Error::from)?;
        w(out, format!("deleted pvc/{claim}\n"))?;
    }
    Ok(())
}

/// The set is gone: its claim templates are the `<template>` parts of `<template>-<set>-<n>`.
fn guess_templates(claims: &[PersistentVolumeClaim], set: &str) -> Vec<String> {
    let suffix = format!("-{set}-");
    let mut out: Vec<String> = claims
        .iter()
        .filter_map(|c| c.metadata.name.as_deref())
        .filter_map(|n| {
            n.rfind(&suffix)
                .map(|i| (n[..i].to_string(), &n[i + suffix.len()..]))
        })
        .filter(|(_, ord)| !ord.is_empty() && ord.bytes().all(|b| b.is_ascii_digit()))
        .map(|(t, _)| t)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Which pods did not go, and why.
fn stuck_pods(name: &str, snap: &crate::model::Snapshot) -> Error {
    let why: Vec<String> = snap
        .records()
        .iter()
        .filter(|r| r.member)
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
