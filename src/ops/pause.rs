//! `rollout pause` / `rollout resume` (CLI and dashboard): pin the partition at the
//! rollout's frontier, recording the partition to restore; and restore it.

use super::Target;
use serde_json::{Value, json};

use crate::cluster::mutate;
use crate::error::{Error, Result};
use crate::model;

/// `rollout pause` / `rollout resume`: one patch of the partition and the annotation,
/// with a resourceVersion precondition.
pub async fn run(
    conn: &crate::cluster::Connection,
    target: &Target,
    snap: &model::Snapshot,
    plan: &model::Plan,
    setup: &crate::cmd::ModelSetup,
    pause: bool,
) -> Result<String> {
    let name = target.name.as_str();
    use crate::model::progress::{PAUSED_ANNOTATION, frontier};
    let set = snap.set();
    let annotations = set.metadata.annotations.clone().unwrap_or_default();
    let recorded = annotations.get(PAUSED_ANNOTATION).cloned();
    let strategy = set.spec.as_ref().and_then(|s| s.update_strategy.as_ref());
    if strategy.and_then(|s| s.type_.as_deref()) == Some("OnDelete") {
        return Err(Error::input(format!(
            "{name} uses OnDelete: nothing rolls until pods are deleted, so there is nothing to pause or resume"
        )));
    }
    let current = strategy
        .and_then(|s| s.rolling_update.as_ref())
        .map(|r| r.partition.unwrap_or(0));
    let patch = if pause {
        if recorded.is_some() {
            return Ok(format!(
                "statefulset.apps/{name} is already paused (partition {})",
                current.unwrap_or(0)
            ));
        }
        let r = model::report::report(snap, plan, setup.now, &setup.profile);
        let pin = frontier(&r).max(current.unwrap_or(0));
        let original = current.map(|p| p.to_string()).unwrap_or_default();
        json!({"metadata": {"annotations": {PAUSED_ANNOTATION: original}},
               "spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": pin}}}})
    } else {
        let Some(original) = recorded else {
            return Ok(format!("statefulset.apps/{name} is not paused"));
        };
        let restore = original.parse::<i32>().unwrap_or(0);
        json!({"metadata": {"annotations": {PAUSED_ANNOTATION: null}},
               "spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": restore}}}})
    };
    let rv = set.metadata.resource_version.clone().unwrap_or_default();
    let patched = mutate::patch_set(&conn.client, &target.namespace, name, &patch, &rv, false)
        .await
        .map_err(Error::from)?;
    let partition = patched
        .pointer("/spec/updateStrategy/rollingUpdate/partition")
        .cloned()
        .unwrap_or(Value::Null);
    Ok(if pause {
        format!(
            "statefulset.apps/{name} paused at partition {partition} (was {})",
            current.map_or("unset".to_string(), |p| p.to_string())
        )
    } else {
        format!("statefulset.apps/{name} resumed (partition {partition})")
    })
}
