//! `rollout pause` / `rollout resume` (CLI and dashboard): pin the partition at the
//! rollout's frontier, recording the partition to restore; and restore it.

use super::Target;
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::model;

/// Consent and dry run, as for every write.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `client`: show the change only; `server`: send it with dryRun=All.
    pub dry_run: Option<String>,
}

/// What pause or resume would do to the set as `snap` shows it.
enum Decision {
    /// Nothing to do, and why.
    Nothing(String),
    /// The patch, the change in words, and the partition before.
    Change {
        patch: Value,
        change: String,
        current: Option<i32>,
    },
}

fn decide(
    target: &Target,
    snap: &model::Snapshot,
    plan: &model::Plan,
    setup: &crate::model::ModelSetup,
    pause: bool,
) -> Result<Decision> {
    let name = target.name.as_str();
    use crate::model::progress::{PAUSED_ANNOTATION, pause_point};
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
    let (patch, change) = if pause {
        if recorded.is_some() {
            return Ok(Decision::Nothing(format!(
                "statefulset.apps/{name} is already paused (partition {})",
                current.unwrap_or(0)
            )));
        }
        let r = model::report::report(snap, plan, setup.now, &setup.profile);
        let pin = pause_point(&r).max(current.unwrap_or(0));
        let original = current.map(|p| p.to_string()).unwrap_or_default();
        (
            json!({"metadata": {"annotations": {PAUSED_ANNOTATION: original}},
                   "spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": pin}}}}),
            format!(
                "Pause statefulset/{name} in namespace {}: partition {} → {pin} (recorded for resume)",
                target.namespace,
                current.map_or("unset".to_string(), |p| p.to_string())
            ),
        )
    } else {
        let Some(original) = recorded else {
            return Ok(Decision::Nothing(format!(
                "statefulset.apps/{name} is not paused"
            )));
        };
        // "" is what pause records for a set without rollingUpdate: partition 0.
        let restore = if original.is_empty() {
            0
        } else {
            original.parse::<i32>().ok().filter(|p| *p >= 0).ok_or_else(|| {
                Error::input(format!(
                    "statefulset/{name}: annotation {PAUSED_ANNOTATION}={original:?} is not a partition; nothing changed"
                ))
                .with_hint(format!(
                    "set the partition you want by hand (kubectl patch statefulset {name} ...) and remove the annotation"
                ))
            })?
        };
        let r = model::report::report(snap, plan, setup.now, &setup.profile);
        let rolls = r
            .rows
            .iter()
            .filter(|row| !row.condemned && row.ordinal - r.start_ordinal >= restore)
            .filter(|row| row.role != model::report::Role::Update)
            .count();
        (
            json!({"metadata": {"annotations": {PAUSED_ANNOTATION: null}},
                   "spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": restore}}}}),
            format!(
                "Resume statefulset/{name} in namespace {}: partition {} → {restore}; {rolls} pod(s) will be replaced with {} by the controller, without further gates",
                target.namespace,
                current.unwrap_or(0),
                r.update_revision
            ),
        )
    };
    Ok(Decision::Change {
        patch,
        change,
        current,
    })
}

/// `rollout pause` / `rollout resume`: one patch of the partition and the annotation,
/// with a resourceVersion precondition, shown (and asked for on a terminal) first. On a
/// conflict (the controller wrote the status meanwhile, say) it reads the set again and
/// goes on if the change is still the one shown, else stops without writing.
pub async fn run(
    conn: &crate::cluster::Connection,
    io: &mut super::Io<'_>,
    target: &Target,
    setup: &crate::model::ModelSetup,
    pause: bool,
    opts: &Options,
) -> Result<()> {
    let said = decide_and_patch(conn, io, target, setup, pause, opts).await?;
    io.info(said);
    Ok(())
}

async fn decide_and_patch(
    conn: &crate::cluster::Connection,
    io: &mut super::Io<'_>,
    target: &Target,
    setup: &crate::model::ModelSetup,
    pause: bool,
    opts: &Options,
) -> Result<String> {
    let name = target.name.as_str();
    let server_dry = opts.dry_run.as_deref() == Some("server");
    let mut shown: Option<String> = None;
    for _ in 0..5 {
        let snap = crate::cluster::load::snapshot(&conn.client, &target.namespace, name).await?;
        let plan = model::plan(&snap, io.now(setup), &setup.profile);
        let (patch, change, current) = match decide(target, &snap, &plan, setup, pause)? {
            Decision::Nothing(why) => return Ok(why),
            Decision::Change {
                patch,
                change,
                current,
            } => (patch, change, current),
        };
        match &shown {
            None => {
                crate::ops::gitops::warn(io, target, &snap, crate::ops::gitops::Change::Partition);
                io.emit(crate::event::Event::Plan {
                    message: change.clone(),
                    lines: vec![],
                    writes: vec![crate::event::Intended {
                        verb: "patch".into(),
                        object: crate::event::Object::new("statefulset", &target.namespace, name),
                        reason:
                            "spec.updateStrategy.rollingUpdate.partition and the pause annotation"
                                .into(),
                    }],
                    template: None,
                });
                if super::go_ahead(io, opts.dry_run.as_deref(), "Proceed?")? == super::Go::NoChange
                {
                    return Ok("(dry run: nothing changed)".into());
                }
                shown = Some(change);
            }
            Some(before) if *before != change => {
                return Err(Error::failed(format!(
                    "statefulset/{name} changed since the change was shown; it would now be: {change}; nothing changed"
                ))
                .with_hint("run the command again to see the new change"));
            }
            Some(_) => {}
        }
        let said = format!(
            "  statefulset/{name} patched at resourceVersion {}",
            snap.resource_version()
        );
        let patched =
            match super::patch_set(conn, io, (target, &snap), &patch, server_dry, said).await {
                Err(e) if e.is_conflict() => {
                    io.emit(crate::event::Event::warning(format!(
                    "statefulset/{name} changed since it was read (409 Conflict); reading it again"
                )));
                    continue;
                }
                r => r.map_err(|e| super::write_error(e, &format!("statefulset/{name}")))?,
            };
        if server_dry {
            return Ok("accepted by the server (dry run: nothing changed)".into());
        }
        let partition = patched
            .pointer("/spec/updateStrategy/rollingUpdate/partition")
            .cloned()
            .unwrap_or(Value::Null);
        return Ok(if pause {
            format!(
                "statefulset.apps/{name} paused at partition {partition} (was {})",
                current.map_or("unset".to_string(), |p| p.to_string())
            )
        } else {
            format!("statefulset.apps/{name} resumed (partition {partition})")
        });
    }
    Err(Error::failed(format!(
        "statefulset/{name} kept changing (409 Conflict); nothing changed"
    )))
}
