//! `kubectl sts rollout NAME --step [N]` / `rollout step NAME --by N`: the flags into
//! `ops::step::Options`, then the workflow.

use std::io::Write;

use crate::cli::{KubeArgs, StepArgs};
use crate::error::{Error, Result};
use crate::ops::step::{self, Options};
use crate::output::Style;

pub fn run(
    name: &str,
    by: u32,
    args: &StepArgs,
    kube: &KubeArgs,
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    if by == 0 {
        return Err(Error::input("--step/--by must be at least 1"));
    }
    if args.all && args.to.is_some() {
        return Err(Error::input(
            "--all and --to do not go together: --all goes to 0",
        ));
    }
    if args.pause_between.is_some() && !args.all {
        return Err(Error::input("--pause-between only applies with --all"));
    }
    let opts = Options {
        by,
        to: args.to,
        all: args.all,
        pause_between: args.pause_between,
        stable_for: args.stable_for,
        check_cmd: args.check_cmd.clone(),
        check_http: args.check_http.clone(),
        step_timeout: args.step_timeout,
        check_timeout: args.check_timeout,
        dry_run: args.dry_run.clone(),
        auto_rollback: args.auto_rollback,
        yes: args.yes,
        spinner: true,
    };
    super::runtime()?.block_on(async {
        let (conn, setup) = super::connect(kube, &args.model).await?;
        let target = crate::ops::Target::new(conn.namespace.clone(), name);
        let (mut w, last) = super::LastLine::new(out);
        let op = step::run(&conn, &target, &setup, &opts, style, &mut w);
        let resume = format!(
            "run `kubectl sts rollout {name} --step -n {}` again: it gates the step the partition shows before any new one",
            target.namespace
        );
        super::until_interrupted(op, move || last.borrow().clone(), &resume).await
    })
}
