//! `kubectl sts force-rollback` and `kubectl sts delete`.

use super::{EventFormat, ModelArgs};

pub(super) const FORCE_ROLLBACK_EXAMPLES: &str = "\
Examples:
  # See what it would do
  kubectl sts force-rollback web --dry-run=client

  # Do it, to the last good revision (status.currentRevision) or a chosen one
  kubectl sts force-rollback web --yes
  kubectl sts force-rollback web --to-revision 1 --yes";

#[derive(Debug, clap::Args)]
pub struct ForceRollbackArgs {
    pub name: String,
    /// Revision number to go back to (default: the last fully rolled-out revision).
    #[arg(long)]
    pub to_revision: Option<i64>,
    /// Also delete Ready pods still on the bad revision.
    #[arg(long)]
    pub all_bad: bool,
    /// Roll back even when nothing is stuck.
    #[arg(long)]
    pub force: bool,
    /// Do not ask for confirmation on a terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// client: show the plan only; server: send the template patch with dryRun=All.
    #[arg(long, value_parser = ["client", "server"], num_args = 0..=1, default_missing_value = "client", require_equals = true)]
    pub dry_run: Option<String>,
    /// text (for people), or json: the event stream, one JSON object per line (start,
    /// plan, consent, write, wait, observed, gate, warning, error, end; see the README).
    #[arg(short, long, value_enum, default_value_t = EventFormat::Text)]
    pub output: EventFormat,
    /// Return after the deletions instead of waiting for recovery.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for the controller and the recovery.
    #[arg(long, allow_hyphen_values = true, default_value = "5m", value_parser = crate::duration::parse_std)]
    pub timeout: std::time::Duration,
    #[command(flatten)]
    pub model: ModelArgs,
}

pub(super) const DELETE_EXAMPLES: &str = "\
Examples:
  kubectl sts delete web --dry-run=client
  kubectl sts delete web --yes
  kubectl sts delete web --yes --delete-pvcs

  # The teardown as JSON Lines events (start, plan, consent, write, wait, observed, end)
  kubectl sts delete web --yes -o json";

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    pub name: String,
    /// Also delete this set's claims (`<template>-<set>-<ordinal>`), after the pods are gone.
    #[arg(long)]
    pub delete_pvcs: bool,
    /// Do not ask for confirmation on a terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// client: show the plan only; server: send the scale with dryRun=All.
    #[arg(long, value_parser = ["client", "server"], num_args = 0..=1, default_missing_value = "client", require_equals = true)]
    pub dry_run: Option<String>,
    /// text (for people), or json: the event stream, one JSON object per line (start,
    /// plan, consent, write, wait, observed, gate, warning, error, end; see the README).
    #[arg(short, long, value_enum, default_value_t = EventFormat::Text)]
    pub output: EventFormat,
    /// How long to wait for the pods to go.
    #[arg(long, allow_hyphen_values = true, default_value = "5m", value_parser = crate::duration::parse_std)]
    pub timeout: std::time::Duration,
    /// Propagation policy for the StatefulSet's deletion.
    #[arg(long, default_value = "Background", value_parser = ["Background", "Foreground", "Orphan"])]
    pub cascade: String,
    /// When pods are still terminating at --timeout (an unreachable node, say), delete them
    /// with grace period 0. Finalizers still hold a pod, as in Kubernetes.
    #[arg(long)]
    pub force: bool,
    /// Undo an interrupted teardown: scale the set back to the replicas it had (recorded
    /// in its kubectl-sts.io/teardown-from-replicas annotation when it was scaled to 0).
    #[arg(long, conflicts_with_all = ["delete_pvcs", "force"])]
    pub abort: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}
