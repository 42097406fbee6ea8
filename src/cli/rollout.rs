//! `kubectl sts rollout …`: stepping, preview, status, history, diff, pause, resume, undo.

use std::path::PathBuf;

use clap::Subcommand;

use super::{EventFormat, ModelArgs, OutputFormat};

pub(super) const ROLLOUT_EXAMPLES: &str = "\
Examples:
  # What would rolling out nginx:1.27 do? (timeline, unavailability, where it would wedge)
  kubectl sts rollout preview web --image web=nginx:1.27
  kubectl sts rollout preview web --template web-v2.yaml --fail 3

  # Canary: lower the partition by one ordinal and wait until it is healthy and stable
  kubectl sts rollout web --step
  kubectl sts rollout web --step 2 --check-http 'http://{pod}.{service}.{namespace}.svc:8080/healthz'

  # All the way down, a pause between steps; revert everything if a step fails
  kubectl sts rollout web --all --pause-between 5m --auto-rollback

  # Gates as data: a shipped preset, or one gate inline (see `kubectl sts gates --help`)
  kubectl sts rollout web --all --gates preset:etcd --stable-for 1m
  kubectl sts rollout web --step --gate '{name: healthz, http: {podProxy: {port: 8080, path: /healthz}}, whileBaking: true}'

  # Several sets (one per zone), one pod at a time, within their PodDisruptionBudgets
  kubectl sts rollout es-a es-b es-c --all --yes
  kubectl sts rollout -l cluster=es --order topology.kubernetes.io/zone --all --pdb-timeout 5m

  # For a pipeline: no questions, every step as JSON Lines events on stdout
  kubectl sts rollout web --all --yes -o json

  # Revisions with the ordinals running each
  kubectl sts rollout history web

  # What changed between the current and the update revision (or any two)
  kubectl sts rollout diff web
  kubectl sts rollout diff web --from 1 --to 2

  # Wait for a rollout (exit 0 complete, 1 stuck or timed out)
  kubectl sts rollout status web --timeout 10m

  # Hold a rollout where it is, and let it go on
  kubectl sts rollout pause web
  kubectl sts rollout resume web

  # Revert the template to the previous revision (as kubectl rollout undo does)
  kubectl sts rollout undo web --dry-run=client
  kubectl sts rollout undo web --to-revision 2";

pub(super) const PREVIEW_EXAMPLES: &str = "\
Examples:
  # What would a new image do to web? (assumes the Ready times observed in its pods)
  kubectl sts rollout preview web --image web=nginx:1.27

  # Where would it wedge if ordinal 3 never became Ready? As JSON
  kubectl sts rollout preview web --template web-v2.yaml --fail 3 -o json

  # Offline, from a snapshot file
  kubectl sts rollout preview -f snapshot.yaml --image web=nginx:1.27 --ready-after 20s

A timeline of more than 10,000 rows shows its first and last 5,000 and counts the rows
between (by kind, with their first and last second; `omitted` in -o json).";

pub(super) const STEP_EXAMPLES: &str = "\
Examples:
  # One more ordinal onto the update revision, stable for 30s
  kubectl sts rollout step web

  # Two at a time, each checked over HTTP
  kubectl sts rollout step web --by 2 --check-http 'http://{dns}:8080/healthz'

  # Interrupted? Run it again: it finishes the step the partition shows first.";

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct RolloutArgs {
    #[command(subcommand)]
    pub command: Option<RolloutCommand>,

    /// The StatefulSet to step (`kubectl sts rollout NAME --step`); several, with --all,
    /// are rolled out one after another within their PodDisruptionBudgets.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    /// Roll out every StatefulSet of the namespace this label selector matches (with
    /// --all), as with several NAMEs.
    #[arg(short = 'l', long, value_name = "SELECTOR", conflicts_with = "names")]
    pub selector: Option<String>,

    /// With several sets: order them by this label's value (then by name), e.g.
    /// topology.kubernetes.io/zone; default: the order given (by name for -l).
    #[arg(long, value_name = "LABEL")]
    pub order: Option<String>,

    /// With several sets: before each step, wait until every PodDisruptionBudget matching
    /// a pod the step replaces allows it (on by default; --respect-pdb=false skips).
    #[arg(long, value_name = "BOOL", default_value_t = true, num_args = 0..=1, default_missing_value = "true", action = clap::ArgAction::Set)]
    pub respect_pdb: bool,

    /// How long a step waits for its disruption budgets before the rollout stops.
    #[arg(long, value_name = "DUR", default_value = "10m", value_parser = crate::duration::parse_std)]
    pub pdb_timeout: std::time::Duration,

    /// Lower the partition so N more ordinals get the update revision (default 1), then
    /// wait until they are healthy and stable.
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "1",
          value_parser = clap::value_parser!(u32).range(1..=i32::MAX as i64))]
    pub step: Option<u32>,

    #[command(flatten)]
    pub gates: StepArgs,
}

/// How a step is taken and judged (`rollout NAME --step`, `rollout step NAME`).
#[derive(Debug, clap::Args)]
pub struct StepArgs {
    /// Lower the partition straight to P (an absolute partition, 0 or more).
    #[arg(long, value_name = "P", allow_negative_numbers = true, value_parser = clap::value_parser!(i32).range(0..))]
    pub to: Option<i32>,

    /// Step again and again until the partition is 0 (every ordinal updated).
    #[arg(long)]
    pub all: bool,

    /// With --all: wait this long between steps instead of asking.
    #[arg(long, allow_hyphen_values = true, value_name = "DUR", value_parser = crate::duration::parse_std)]
    pub pause_between: Option<std::time::Duration>,

    /// A pod passes only after staying Ready with no restart this long.
    #[arg(long, allow_hyphen_values = true, value_name = "DUR", default_value = "30s", value_parser = crate::duration::parse_std)]
    pub stable_for: std::time::Duration,

    /// Gate: run this shell command per newly updated pod (STS_POD, STS_ORDINAL,
    /// STS_NAMESPACE, STS_STATEFULSET, STS_SERVICE, STS_DNS, STS_REVISION in its
    /// environment); non-zero fails. Shorthand for a `command` gate named check-cmd.
    #[arg(long, value_name = "CMD")]
    pub check_cmd: Option<String>,

    /// Gate: GET this URL per newly updated pod; any status but 2xx fails. {pod},
    /// {ordinal}, {service}, {namespace} and {dns} (the pod's stable DNS name) are filled
    /// in. Shorthand for an `http` gate named check-http.
    #[arg(long, value_name = "URL")]
    pub check_http: Option<String>,

    #[command(flatten)]
    pub gating: GateArgs,

    /// Fail a step that has not passed its gates after this long.
    #[arg(long, allow_hyphen_values = true, value_name = "DUR", default_value = "10m", value_parser = crate::duration::parse_std)]
    pub step_timeout: std::time::Duration,

    /// Kill a --check-cmd or --check-http that has not answered after this long (the
    /// check fails). Gates from files set their own `timeout`.
    #[arg(long, allow_hyphen_values = true, value_name = "DUR", default_value = "1m", value_parser = crate::duration::parse_std)]
    pub check_timeout: std::time::Duration,

    /// client: show the next step only; server: send its write with dryRun=All.
    #[arg(long, value_parser = ["client", "server"], num_args = 0..=1, default_missing_value = "client", require_equals = true)]
    pub dry_run: Option<String>,
    /// text (for people), or json: the event stream, one JSON object per line (start,
    /// plan, consent, write, wait, observed, gate, warning, error, end; see the README).
    #[arg(short, long, value_enum, default_value_t = EventFormat::Text)]
    pub output: EventFormat,

    /// On failure, perform the forced rollback (revert the template, delete the pods on
    /// the bad revision, restore the original partition) instead of stopping.
    #[arg(long)]
    pub auto_rollback: bool,

    /// Re-gate an interrupted or failed step without the gates it was started with (they
    /// are recorded on the set); without this flag such a re-run stops and names them.
    #[arg(long)]
    pub skip_gates: bool,

    /// Do not ask for confirmation on a terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,

    #[command(flatten)]
    pub model: ModelArgs,
}

/// `rollout preview`: what to roll out and what to assume.
#[derive(Debug, clap::Args)]
pub struct PreviewArgs {
    /// The StatefulSet (in the cluster, or in the file when it holds several).
    #[arg(required_unless_present = "file")]
    pub name: Option<String>,

    /// Preview offline from a snapshot file (as for `plan -f`); `-` reads standard input.
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Roll out this StatefulSet manifest's pod template.
    #[arg(long, value_name = "FILE", conflicts_with = "image")]
    pub template: Option<PathBuf>,

    /// Roll out a new image for one container, e.g. nginx=nginx:1.27 (repeatable).
    #[arg(long, value_name = "CONTAINER=IMAGE")]
    pub image: Vec<String>,

    /// Assume pods become Ready this long after creation; default: the median observed
    /// in the set's pods, else 10s.
    #[arg(long, allow_hyphen_values = true, value_name = "DUR", value_parser = crate::duration::parse)]
    pub ready_after: Option<jiff::SignedDuration>,

    /// Assume a deleted pod is gone this long after deletion.
    #[arg(long, allow_hyphen_values = true, value_name = "DUR", default_value = "1s", value_parser = crate::duration::parse)]
    pub terminate_after: jiff::SignedDuration,

    /// Assume pods (re)created at these ordinals never become Ready, e.g. --fail 3,4.
    #[arg(long, value_name = "ORDINAL,...", value_delimiter = ',')]
    pub fail: Vec<i32>,

    /// Assume every pod of the update revision never becomes Ready.
    #[arg(long, value_name = "REVISION", value_parser = ["update"])]
    pub fail_revision: Option<String>,

    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,

    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// Simulate the whole rollout with the controller model: a timeline of each step,
    /// the most pods unavailable at once, restarts, duration, and where it would wedge
    /// under --fail assumptions. Nothing is changed.
    #[command(after_help = PREVIEW_EXAMPLES)]
    Preview(PreviewArgs),
    /// One step of a partitioned rollout (same as `rollout NAME --step N`).
    #[command(after_help = STEP_EXAMPLES)]
    Step {
        name: String,
        /// How many more ordinals to include (default 1).
        #[arg(long, value_name = "N", default_value_t = 1,
              value_parser = clap::value_parser!(u32).range(1..=i32::MAX as i64))]
        by: u32,
        #[command(flatten)]
        gates: StepArgs,
    },
    /// ControllerRevisions with number, name, change-cause and the ordinals running each.
    #[command(
        after_help = "Examples:\n  kubectl sts rollout history web\n  kubectl sts rollout history web -o json"
    )]
    History {
        name: String,
        #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
        output: OutputFormat,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Unified diff of two revisions' pod templates (default: current → update);
    /// KUBECTL_EXTERNAL_DIFF is honoured.
    #[command(
        after_help = "Examples:\n  kubectl sts rollout diff web\n  kubectl sts rollout diff web --from 1 --to 2\n  KUBECTL_EXTERNAL_DIFF=meld kubectl sts rollout diff web"
    )]
    Diff {
        name: String,
        /// Revision number or name.
        #[arg(long)]
        from: Option<String>,
        /// Revision number or name.
        #[arg(long)]
        to: Option<String>,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Wait until the rollout is complete (partition-aware, availability-aware; OnDelete
    /// lists the pods still to delete); exit 1 when stuck or on --timeout.
    #[command(
        after_help = "Examples:\n  kubectl sts rollout status web\n  kubectl sts rollout status web --timeout 10m && echo done\n\n  # Several sets: exit 0 when every one is complete (one --timeout for all)\n  kubectl sts rollout status es-a es-b es-c\n  kubectl sts rollout status -l cluster=es"
    )]
    Status {
        /// The StatefulSet; several (or -l) are waited for in turn, within one --timeout.
        #[arg(required_unless_present = "selector", value_name = "NAME")]
        names: Vec<String>,
        /// Every StatefulSet of the namespace this label selector matches.
        #[arg(short = 'l', long, value_name = "SELECTOR", conflicts_with = "names")]
        selector: Option<String>,
        /// Give up after this long (exit 1). A watch that keeps failing (no permission, say)
        /// stops it sooner, with the error.
        #[arg(long, allow_hyphen_values = true, default_value = "30m", value_parser = crate::duration::parse_std)]
        timeout: std::time::Duration,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Stop the rollout where it is: the partition is pinned at the current frontier (no
    /// updated pod goes back), or at replicas when no rollout is pending (a template changed
    /// while paused waits for resume); the partition to restore is kept in an annotation.
    #[command(
        after_help = "Examples:\n  kubectl sts rollout pause web\n  kubectl sts rollout resume web\n\n  # Hold every set of a group (each shown, then changed; one that fails does not stop the others)\n  kubectl sts rollout pause es-a es-b es-c --yes\n  kubectl sts rollout pause -l cluster=es --dry-run"
    )]
    Pause(HoldArgs),
    /// Undo `pause`: restore the recorded partition (0 when none was recorded).
    #[command(
        after_help = "Examples:\n  kubectl sts rollout resume web\n  kubectl sts rollout resume -l cluster=es --yes"
    )]
    Resume(HoldArgs),
    /// Revert the template to a revision (no pod is deleted; see force-rollback).
    #[command(
        after_help = "Examples:\n  kubectl sts rollout undo web --dry-run=client\n  kubectl sts rollout undo web --to-revision 2 --yes"
    )]
    Undo {
        name: String,
        /// Revision number; 0 is the previous one.
        #[arg(long, default_value_t = 0)]
        to_revision: i64,
        /// client: show what would change; server: send it with dryRun=All.
        #[arg(long, value_parser = ["client", "server"], num_args = 0..=1, default_missing_value = "client", require_equals = true)]
        dry_run: Option<String>,
        /// text (for people), or json: the event stream, one JSON object per line (start,
        /// plan, consent, write, wait, observed, gate, warning, error, end; see the README).
        #[arg(short, long, value_enum, default_value_t = EventFormat::Text)]
        output: EventFormat,
        /// Do not ask for confirmation on a terminal.
        #[arg(long, short = 'y')]
        yes: bool,
        #[command(flatten)]
        model: ModelArgs,
    },
}

/// `rollout pause` and `rollout resume`: the set, consent, dry run, output.
#[derive(Debug, clap::Args)]
pub struct HoldArgs {
    /// The StatefulSet; several (or -l) are changed one after another.
    #[arg(required_unless_present = "selector", value_name = "NAME")]
    pub names: Vec<String>,
    /// Every StatefulSet of the namespace this label selector matches.
    #[arg(short = 'l', long, value_name = "SELECTOR", conflicts_with = "names")]
    pub selector: Option<String>,
    /// Do not ask for confirmation on a terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// client: show the change only; server: send it with dryRun=All.
    #[arg(long, value_parser = ["client", "server"], num_args = 0..=1, default_missing_value = "client", require_equals = true)]
    pub dry_run: Option<String>,
    /// text (for people), or json: the event stream, one JSON object per line (start,
    /// plan, consent, write, wait, observed, gate, warning, error, end; see the README).
    #[arg(short, long, value_enum, default_value_t = EventFormat::Text)]
    pub output: EventFormat,
    #[command(flatten)]
    pub model: ModelArgs,
}

impl RolloutCommand {
    /// The set the command is about (the first, when several are named).
    pub fn name(&self) -> &str {
        match self {
            RolloutCommand::History { name, .. }
            | RolloutCommand::Diff { name, .. }
            | RolloutCommand::Undo { name, .. }
            | RolloutCommand::Step { name, .. } => name,
            RolloutCommand::Status { names, .. }
            | RolloutCommand::Pause(HoldArgs { names, .. })
            | RolloutCommand::Resume(HoldArgs { names, .. }) => {
                names.first().map_or("", String::as_str)
            }
            RolloutCommand::Preview(p) => p.name.as_deref().unwrap_or(""),
        }
    }

    /// The sets named, or the selector, of a command that takes several (pause, resume,
    /// status) when it is given more than one set or a selector.
    pub fn several(&self) -> Option<(&[String], Option<&str>)> {
        let (names, selector) = match self {
            RolloutCommand::Status {
                names, selector, ..
            }
            | RolloutCommand::Pause(HoldArgs {
                names, selector, ..
            })
            | RolloutCommand::Resume(HoldArgs {
                names, selector, ..
            }) => (names, selector.as_deref()),
            _ => return None,
        };
        (names.len() > 1 || selector.is_some()).then_some((names.as_slice(), selector))
    }

    pub fn model(&self) -> &ModelArgs {
        match self {
            RolloutCommand::History { model, .. }
            | RolloutCommand::Diff { model, .. }
            | RolloutCommand::Status { model, .. }
            | RolloutCommand::Pause(HoldArgs { model, .. })
            | RolloutCommand::Resume(HoldArgs { model, .. })
            | RolloutCommand::Undo { model, .. } => model,
            RolloutCommand::Step { gates, .. } => &gates.model,
            RolloutCommand::Preview(p) => &p.model,
        }
    }

    /// `--yes` of the commands that write.
    /// How a subcommand that writes renders its events (none for the ones that read).
    pub fn events(&self) -> Option<crate::output::Format> {
        match self {
            RolloutCommand::Pause(HoldArgs { output, .. })
            | RolloutCommand::Resume(HoldArgs { output, .. })
            | RolloutCommand::Undo { output, .. } => Some(output.format()),
            _ => None,
        }
    }

    pub fn yes(&self) -> bool {
        match self {
            RolloutCommand::Pause(HoldArgs { yes, .. })
            | RolloutCommand::Resume(HoldArgs { yes, .. })
            | RolloutCommand::Undo { yes, .. } => *yes,
            RolloutCommand::Step { gates, .. } => gates.yes,
            _ => false,
        }
    }
}

/// The gates of a step, as data: files, presets and one-offs.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct GateArgs {
    /// Gates from a file (YAML: `gates:` of prometheus, http — a URL or a path on each pod
    /// through the pod proxy —, command), or a shipped preset (`preset:NAME`, see `kubectl
    /// sts gates list`); run on each step once its pods are healthy. Repeatable.
    #[arg(long, value_name = "FILE|preset:NAME")]
    pub gates: Vec<String>,

    /// One gate inline: the YAML of one entry of a gate file, e.g. `{name: up, http:
    /// {url: 'http://{{dns}}:8080/up'}, whileBaking: true}`. Repeatable.
    #[arg(long, value_name = "SPEC")]
    pub gate: Vec<String>,
}
