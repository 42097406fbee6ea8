//! The tool's commands run in-process on a connection already open (the demo): the
//! command line parsed by the same `cli`, run by the same `execute` functions, rendered
//! by the same renderers as when a person types it.

use clap::Parser;

use super::operate::Session;
use crate::cli::{Cli, Command, RolloutCommand};
use crate::cluster::Connection;
use crate::error::{Error, Result};
use crate::model::ModelSetup;

/// Runs `line` (what follows `kubectl sts`, e.g. `rollout web --step`) on `conn`.
/// Mutating commands and `rollout status|history|diff|undo|pause|resume` are runnable;
/// the others need their own connection or a terminal and are refused.
pub async fn run_line(
    conn: &Connection,
    setup: &ModelSetup,
    line: &str,
    session: &mut Session<'_>,
) -> Result<()> {
    let words: Vec<&str> = std::iter::once("kubectl-sts")
        .chain(line.split_whitespace())
        .collect();
    let cli = Cli::try_parse_from(&words)
        .map_err(|e| Error::input(format!("kubectl sts {line}: {}", e.kind())))?;
    session.command = words.iter().map(|w| w.to_string()).collect();
    match &cli.command {
        Command::Rollout(args) => match &args.command {
            None => {
                let name = args.names.first().ok_or_else(|| {
                    Error::input(format!("kubectl sts {line}: name a StatefulSet"))
                })?;
                let opts = super::step::options(args.step.unwrap_or(1), &args.gates)?;
                super::step::execute(conn, setup, name, &opts, &args.gates, session).await
            }
            Some(RolloutCommand::Step { name, by, gates }) => {
                let opts = super::step::options(*by, gates)?;
                super::step::execute(conn, setup, name, &opts, gates, session).await
            }
            Some(RolloutCommand::Preview(_)) => Err(Error::input(format!(
                "kubectl sts {line}: not runnable in-process"
            ))),
            Some(command) => super::rollout::execute(conn, setup, command, session).await,
        },
        Command::ForceRollback(args) => {
            super::force_rollback::execute(conn, setup, args, session).await
        }
        Command::Delete(args) => super::delete::execute(conn, setup, args, session).await,
        Command::Resize(args) => {
            // The demo's journal stays out of the user's state directory.
            let state =
                std::env::temp_dir().join(format!("kubectl-sts-demo-{}", std::process::id()));
            super::recreate::execute_resize(conn, setup, args, state, session).await
        }
        _ => Err(Error::input(format!(
            "kubectl sts {line}: not runnable in-process"
        ))),
    }
}
