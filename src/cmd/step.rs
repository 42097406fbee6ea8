//! `kubectl sts rollout NAME --step [N]` / `rollout step NAME --by N`: the flags into
//! `ops::step::Options`, then the workflow.

use std::io::Write;

use super::operate::{Session, on_terminal, operate};
use crate::cli::{GateArgs, KubeArgs, StepArgs};
use crate::cluster::Connection;
use crate::error::{Error, Result};
use crate::exec::System;
use crate::model::ModelSetup;
use crate::ops::Target;
use crate::ops::checks::Checks;
use crate::ops::gates::Gate;
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
    let opts = options(by, args)?;
    on_terminal(
        kube,
        &args.model,
        args.yes,
        (style, out),
        Some((name, args.output.format())),
        async |conn, setup, session| execute(conn, setup, name, &opts, args, session).await,
    )
}

/// The step on an open connection (the CLI's, or the demo's).
pub async fn execute(
    conn: &Connection,
    setup: &ModelSetup,
    name: &str,
    opts: &Options,
    args: &StepArgs,
    session: &mut Session<'_>,
) -> Result<()> {
    let target = Target::new(conn.namespace.clone(), name);
    let resume = format!(
        "run `kubectl sts rollout {name} --step -n {}` again: it gates the step the partition shows before any new one",
        target.namespace
    );
    operate(
        session,
        args.output.format(),
        &target,
        &resume,
        async |io| step::run(conn, &target, setup, opts, io).await,
    )
    .await
}

/// The gates of `--gates` (files and presets, in the order given), then of `--gate`.
pub fn gates_of(args: &GateArgs) -> Result<Vec<Gate>> {
    let mut gates = Vec::new();
    for g in &args.gates {
        gates.extend(crate::ops::gates::load(g).map_err(Error::input)?);
    }
    for (i, g) in args.gate.iter().enumerate() {
        gates.push(
            crate::ops::gates::inline(&format!("--gate #{}", i + 1), g).map_err(Error::input)?,
        );
    }
    Ok(gates)
}

/// The flags, checked.
pub fn options(by: u32, args: &StepArgs) -> Result<Options> {
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
    // The flags' shorthands first (run first, as before), then files, presets, one-offs.
    let mut gates = crate::ops::gates::from_flags(
        args.check_cmd.as_deref(),
        args.check_http.as_deref(),
        args.check_timeout,
    )
    .map_err(Error::input)?;
    gates.extend(gates_of(&args.gating)?);
    Ok(Options {
        by,
        to: args.to,
        all: args.all,
        pause_between: args.pause_between,
        stable_for: args.stable_for,
        checks: Checks {
            gates,
            runner: Box::new(System),
        },
        step_timeout: args.step_timeout,
        dry_run: args.dry_run.clone(),
        auto_rollback: args.auto_rollback,
        skip_gates: args.skip_gates,
    })
}
