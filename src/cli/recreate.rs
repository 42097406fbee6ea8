//! `kubectl sts resize` and `kubectl sts recreate`.

use super::{EventFormat, ModelArgs};

pub(super) const RESIZE_EXAMPLES: &str = "\
Examples:
  # See the plan: each claim's size from → to, the orphaning delete, the new set, and the
  # model's prediction that no pod restarts
  kubectl sts resize db data=20Gi --dry-run=client

  # Grow the claims of template `data` to 20Gi and re-create the set with 20Gi, pods running
  kubectl sts resize db data=20Gi --yes

  # Offline expansion (the file system grows when the pod restarts): restart the pods one
  # at a time, highest ordinal first, each Ready before the next
  kubectl sts resize db data=20Gi --restart-pods --yes

  # Interrupted? Run the same command again, or:
  kubectl sts recreate db --resume --yes

How it works: each claim is patched (at its uid and resourceVersion) and its resize waited
for; the StatefulSet is deleted with propagationPolicy Orphan (its pods, revisions and
claims stay) at its uid and resourceVersion, created again with the new sizes, and
adopts them. The pod template does not change, so no pod restarts. Before the first
write the server validates the new set (a dry-run create) and the set to create is
written to a journal ($KUBECTL_STS_STATE_DIR, $XDG_STATE_HOME/kubectl-sts or
~/.local/state/kubectl-sts) and to an annotation on each pod.";

pub(super) const RECREATE_EXAMPLES: &str = "\
Examples:
  # Change what a StatefulSet does not let change in place (serviceName,
  # podManagementPolicy, volumeClaimTemplates, the selector), its pods kept running
  kubectl sts recreate db -f db.yaml --dry-run=client
  kubectl sts recreate db -f db.yaml --yes

  # Finish a re-creation that was interrupted (from the journal or the pods' annotation)
  kubectl sts recreate db --resume --yes

The plan names the fields that change and the pods the new template would roll (its
revision hash changed); a selector that would not match the running pods is refused.";

/// What `resize` and `recreate` share.
#[derive(Debug, clap::Args)]
pub struct RecreateFlags {
    /// Do not ask for confirmation on a terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// client: show the plan only; server: send every write with dryRun=All.
    #[arg(long, value_parser = ["client", "server"], num_args = 0..=1, default_missing_value = "client", require_equals = true)]
    pub dry_run: Option<String>,
    /// text (for people), or json: the event stream, one JSON object per line.
    #[arg(short, long, value_enum, default_value_t = EventFormat::Text)]
    pub output: EventFormat,
    /// How long each wait may take (a resize, the old set's removal, the adoption).
    #[arg(long, allow_hyphen_values = true, default_value = "5m", value_parser = crate::duration::parse_std)]
    pub timeout: std::time::Duration,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, clap::Args)]
pub struct ResizeArgs {
    pub name: String,
    /// CLAIM=SIZE: a volumeClaimTemplate's name and its new size (e.g. data=20Gi).
    #[arg(required = true, value_name = "CLAIM=SIZE")]
    pub sizes: Vec<String>,
    /// Restart the pods whose volumes wait for a file-system resize (offline expansion),
    /// one at a time, highest ordinal first, each Ready before the next.
    #[arg(long)]
    pub restart_pods: bool,
    #[command(flatten)]
    pub flags: RecreateFlags,
}

#[derive(Debug, clap::Args)]
pub struct RecreateArgs {
    pub name: String,
    /// The StatefulSet as it should be (YAML or JSON; `-` for standard input).
    #[arg(
        short,
        long,
        value_name = "FILE",
        required_unless_present = "resume",
        conflicts_with = "resume"
    )]
    pub filename: Option<std::path::PathBuf>,
    /// Finish an interrupted re-creation (from the journal, or the pods' annotation).
    #[arg(long)]
    pub resume: bool,
    #[command(flatten)]
    pub flags: RecreateFlags,
}
