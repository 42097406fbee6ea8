//! `kubectl sts force-rollback NAME`: see `ops::force_rollback`.

use std::io::Write;

use crate::cli::{ForceRollbackArgs, KubeArgs};
use crate::error::Result;
use crate::ops::force_rollback::{self, Options};
use crate::output::Style;

pub fn run(
    args: &ForceRollbackArgs,
    kube: &KubeArgs,
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    super::runtime()?.block_on(async {
        let (conn, setup) = super::connect(kube, &args.model).await?;
        let opts = Options {
            to_revision: args.to_revision,
            all_bad: args.all_bad,
            force: args.force,
            yes: args.yes,
            dry_run: args.dry_run.clone(),
            wait: !args.no_wait,
            timeout: args.timeout,
        };
        let target = crate::ops::Target::new(conn.namespace.clone(), args.name.clone());
        let (mut w, last) = super::LastLine::new(out);
        let op = force_rollback::run(&conn, &target, &setup, &opts, style, &mut w);
        let resume = format!(
            "run `kubectl sts force-rollback {} -n {}` again: it continues the recovery",
            target.name, target.namespace
        );
        super::until_interrupted(op, move || last.borrow().clone(), &resume).await
    })
}
