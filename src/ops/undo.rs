//! `rollout undo` (CLI and dashboard): revert the template to a revision's data, as
//! kubectl does, with a resourceVersion precondition; warn when pods stuck on a broken
//! revision will keep the rollout stuck (kubernetes#67250).

use super::{Io, Target};

use serde_json::Value;

use crate::cluster::Connection;
use crate::error::{Error, Result};
use crate::event::{Event, Intended, Object, TemplateChange};
use crate::model::ModelSetup;
use crate::model::{self, Snapshot, history};

pub struct Options {
    /// Revision number; 0 is the previous one.
    pub to_revision: i64,
    pub dry_run: Option<String>,
}

pub async fn run(
    conn: &Connection,
    io: &mut Io<'_>,
    target: &Target,
    (snap, entries): (&Snapshot, &[history::Entry]),
    setup: &ModelSetup,
    opts: &Options,
) -> Result<()> {
    let name = target.name.as_str();
    if opts.to_revision > 0 && !entries.iter().any(|e| e.number == opts.to_revision) {
        return Err(Error::input(format!(
            "unable to find specified revision {} in the history of statefulset/{name}; see `kubectl sts rollout history {name}`",
            opts.to_revision
        )));
    }
    let to = history::undo_target(entries, opts.to_revision).map_err(Error::failed)?;
    let live = snap
        .set_json()
        .pointer("/spec/template")
        .cloned()
        .unwrap_or(Value::Null);
    if history::template_matches(snap, to, &setup.profile) {
        io.info(format!(
            "skipped rollback (current template already matches revision {})",
            to.number
        ));
        return Ok(());
    }
    crate::ops::gitops::warn(io, target, snap, crate::ops::gitops::Change::Template);
    io.emit(Event::Plan {
        message: format!(
            "Roll back statefulset/{name} to revision #{} ({}):",
            to.number, to.name
        ),
        lines: vec![],
        writes: vec![Intended {
            verb: "patch".into(),
            object: Object::new("statefulset", &target.namespace, name),
            reason: format!("template back to revision #{} ({})", to.number, to.name),
        }],
        template: Some(TemplateChange {
            from_label: format!("{name} (live)"),
            from: live,
            to_label: format!("revision #{} {}", to.number, to.name),
            to: to.template.clone(),
        }),
    });
    let server_dry = match super::go_ahead(
        io,
        opts.dry_run.as_deref(),
        &format!("Roll back {name} to revision #{}?", to.number),
    )? {
        super::Go::NoChange => {
            io.info("(dry run: nothing changed)");
            return Ok(());
        }
        super::Go::Ahead { server_dry } => server_dry,
    };
    let patched = super::revert_template(
        conn,
        io,
        target,
        snap,
        (&to.template, &format!("#{} ({})", to.number, to.name)),
        server_dry,
    )
    .await?;
    io.info(format!(
        "statefulset.apps/{name} rolled back{}",
        if server_dry { " (server dry run)" } else { "" }
    ));
    // What the controller will do now: pods stuck on the bad revision keep the
    // rollout stuck (kubernetes#67250).
    let after = snap
        .with_set(patched)
        .map_err(|e| Error::failed(e.to_string()))?;
    let next = model::plan(&after, io.now(setup), &setup.profile);
    if next.diagnosis.state == model::diagnose::RolloutState::Stuck {
        io.emit(Event::Warning {
            message: next.diagnosis.summary.clone(),
            hint: Some(format!(
                "pods stuck on the bad revision keep it stuck (kubernetes#67250): kubectl sts force-rollback {name}"
            )),
        });
    }
    Ok(())
}
