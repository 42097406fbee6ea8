//! `kubectl sts delete NAME`: see `ops::delete`.

use std::io::Write;

use super::operate::{Session, on_terminal, operate};
use crate::cli::{DeleteArgs, KubeArgs};
use crate::cluster::Connection;
use crate::error::Result;
use crate::model::ModelSetup;
use crate::ops::Target;
use crate::ops::delete::{self, Options};
use crate::output::Style;

pub fn run(args: &DeleteArgs, kube: &KubeArgs, style: Style, out: &mut dyn Write) -> Result<()> {
    on_terminal(
        kube,
        &args.model,
        args.yes,
        (style, out),
        Some((&args.name, args.output.format())),
        async |conn, setup, session| execute(conn, setup, args, session).await,
    )
}

/// The teardown on an open connection (the CLI's, or the demo's).
pub async fn execute(
    conn: &Connection,
    setup: &ModelSetup,
    args: &DeleteArgs,
    session: &mut Session<'_>,
) -> Result<()> {
    let opts = Options {
        delete_pvcs: args.delete_pvcs,
        dry_run: args.dry_run.clone(),
        timeout: args.timeout,
        cascade: args.cascade.clone(),
        force: args.force,
        abort: args.abort,
    };
    let target = Target::new(conn.namespace.clone(), args.name.clone());
    let resume = format!(
        "run `kubectl sts delete {0} -n {1}` again to go on, or `kubectl sts delete {0} -n {1} --abort` to scale it back",
        target.name, target.namespace
    );
    operate(
        session,
        args.output.format(),
        &target,
        &resume,
        async |io| delete::run(conn, io, &target, &setup.profile, &opts).await,
    )
    .await
}
