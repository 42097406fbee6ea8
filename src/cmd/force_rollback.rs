//! `kubectl sts force-rollback NAME`: see `ops::force_rollback`.

use std::io::Write;

use super::operate::{Session, on_terminal, operate};
use crate::cli::{ForceRollbackArgs, KubeArgs};
use crate::cluster::Connection;
use crate::error::Result;
use crate::model::ModelSetup;
use crate::ops::Target;
use crate::ops::force_rollback::{self, Options};
use crate::output::Style;

pub fn run(
    args: &ForceRollbackArgs,
    kube: &KubeArgs,
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    on_terminal(
        kube,
        &args.model,
        args.yes,
        (style, out),
        Some((&args.name, args.output.format())),
        async |conn, setup, session| execute(conn, setup, args, session).await,
    )
}

/// The forced rollback on an open connection (the CLI's, or the demo's).
pub async fn execute(
    conn: &Connection,
    setup: &ModelSetup,
    args: &ForceRollbackArgs,
    session: &mut Session<'_>,
) -> Result<()> {
    let opts = Options {
        to_revision: args.to_revision,
        all_bad: args.all_bad,
        force: args.force,
        dry_run: args.dry_run.clone(),
        wait: !args.no_wait,
        timeout: args.timeout,
    };
    let target = Target::new(conn.namespace.clone(), args.name.clone());
    let resume = format!(
        "run `kubectl sts force-rollback {} -n {}` again: it continues the recovery",
        target.name, target.namespace
    );
    operate(
        session,
        args.output.format(),
        &target,
        &resume,
        async |io| force_rollback::run(conn, io, &target, setup, &opts).await,
    )
    .await
}
