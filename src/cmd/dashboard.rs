//! `kubectl sts dashboard [NAME] [-A]`: connects as the other commands do, then hands the
//! terminal to the TUI (`tui`).

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
    super::runtime()?.block_on(async {
        let (conn, setup) = super::connect(kube, &args.model).await?;
        let namespace = (!args.all_namespaces).then(|| conn.namespace.clone());
        crate::tui::run(conn, setup, namespace, args.name.clone(), style.color, None).await
    })
}
