//! `rollout undo` (CLI and dashboard): revert the template to a revision's data, as
//! kubectl does, with a resourceVersion precondition; warn when pods stuck on a broken
//! revision will keep the rollout stuck (kubernetes#67250).

use super::Target;
use std::io::Write;

use serde_json::Value;

use crate::cluster::Connection;
use crate::error::{Error, Result};
use crate::model::ModelSetup;
use crate::model::{self, Snapshot, history};
use crate::output::{self, Style, io_error};

pub struct Options {
    /// Revision number; 0 is the previous one.
    pub to_revision: i64,
    pub dry_run: Option<String>,
    pub yes: bool,
}

#[allow(clippy::too_many_arguments)]
pub async fn run(
    conn: &Connection,
    target: &Target,
    snap: &Snapshot,
    entries: &[history::Entry],
    setup: &ModelSetup,
    opts: &Options,
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    let name = target.name.as_str();
    let w = |out: &mut dyn Write, s: &str| out.write_all(s.as_bytes()).map_err(io_error);
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
        return w(
            out,
            &format!(
                "skipped rollback (current template already matches revision {})\n",
                to.number
            ),
        );
    }
    let diff = output::diff::unified(
        &format!("{name} (live)"),
        &live,
        &format!("revision #{} {}", to.number, to.name),
        &to.template,
        style,
    );
    w(
        out,
        &format!(
            "Roll back statefulset/{name} to revision #{} ({}):\n{diff}",
            to.number, to.name
        ),
    )?;
    let server_dry = match super::go_ahead(
        opts.dry_run.as_deref(),
        opts.yes,
        &format!("Roll back {name} to revision #{}?", to.number),
    )? {
        super::Go::NoChange => return w(out, "(dry run: nothing changed)\n"),
        super::Go::Ahead { server_dry } => server_dry,
    };
    let patched = super::revert_template(conn, target, snap, &to.template, server_dry).await?;
    w(
        out,
        &format!(
            "statefulset.apps/{name} rolled back{}\n",
            if server_dry { " (server dry run)" } else { "" }
        ),
    )?;
    // What the controller will do now: pods stuck on the bad revision keep the
    // rollout stuck (kubernetes#67250).
    let after = snap
        .with_set(patched)
        .map_err(|e| Error::failed(e.to_string()))?;
    let next = model::plan(&after, setup.now, &setup.profile);
    if next.diagnosis.state == model::diagnose::RolloutState::Stuck {
        w(out, &format!("warning: {}\n", next.diagnosis.summary))?;
    }
    Ok(())
}
