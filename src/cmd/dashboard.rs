//! `kubectl sts dashboard [NAME] [-A] [--gates …]`: connects as the other commands do,
//! then hands the terminal to the TUI (`tui`) with the gates its steps must pass.

use std::io::IsTerminal;

use crate::cli::{DashboardArgs, KubeArgs};
use crate::error::{Error, Result};
use crate::output::Style;

pub fn run(args: &DashboardArgs, kube: &KubeArgs, style: Style) -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Error::input(
            "the dashboard needs a terminal; for a stream of changes use `kubectl sts status NAME --watch`",
        ));
    }
    let steps = crate::tui::Steps {
        gates: super::step::gates_of(&args.gating)?,
        stable_for: args.stable_for,
    };
    super::runtime()?.block_on(async {
        let (conn, setup) = super::connect(kube, &args.model).await?;
        let namespace = (!args.all_namespaces).then(|| conn.namespace.clone());
        let at = (namespace, args.name.clone(), args.selector.clone());
        crate::tui::run(conn, setup, at, steps, style.color, None).await
    })
}
