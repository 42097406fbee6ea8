//! Command-line interface (clap derive): global flags and one variant per command.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// The name usage text shows: `kubectl sts` when the binary is a kubectl plugin
/// (`kubectl-sts`, as kubectl runs it), else the name it was run as.
pub fn display_name(argv0: &str) -> String {
    let base = std::path::Path::new(argv0)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("kubectl-sts");
    match base.strip_prefix("kubectl-") {
        Some(plugin) => format!("kubectl {}", plugin.replace('_', "-")),
        None => base.to_string(),
    }
}

/// Parses the command line, with usage text under the name the user knows the tool by.
pub fn parse() -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let argv0 = std::env::args().next().unwrap_or_default();
    let name = display_name(&argv0);
    let matches = Cli::command().bin_name(name).try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// `--version`: the crate version and the commit it was built from.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("KUBECTL_STS_COMMIT"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "kubectl-sts",
    bin_name = "kubectl sts",
    version = VERSION,
    about = "Make StatefulSet rollouts predictable and safe",
    long_about = "kubectl sts computes what the StatefulSet controller will do next, client-side, \
                  with an exact model of the upstream controller — and explains why a rollout is stuck.",
    propagate_version = true
)]
pub struct Cli {
    /// Turn colour off (also NO_COLOR; colour is off when stdout is not a terminal).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// On failure, also print the underlying error in full.
    #[arg(short = 'v', long = "verbose", global = true)]
    pub verbose: bool,

    #[command(flatten)]
    pub kube: KubeArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// kubectl's connection flags (kubectl itself refuses them before the plugin name:
/// write `kubectl sts status -n db web`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct KubeArgs {
    /// Path to the kubeconfig file (default: KUBECONFIG, several paths merged, else
    /// ~/.kube/config).
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,

    /// The kubeconfig context to use.
    #[arg(long, global = true)]
    pub context: Option<String>,

    /// The kubeconfig cluster to use.
    #[arg(long, global = true)]
    pub cluster: Option<String>,

    /// The kubeconfig user to use.
    #[arg(long, global = true)]
    pub user: Option<String>,

    /// Namespace (default: the context's namespace).
    #[arg(short = 'n', long, global = true)]
    pub namespace: Option<String>,

    /// Impersonate this user.
    #[arg(long = "as", global = true, value_name = "USER")]
    pub impersonate: Option<String>,

    /// Impersonate this group (repeatable).
    #[arg(long = "as-group", global = true, value_name = "GROUP")]
    pub impersonate_groups: Vec<String>,

    /// Give up on a request after this long (default 30s; watches are not cut by it).
    #[arg(long, allow_hyphen_values = true, global = true, value_parser = crate::duration::parse_std, value_name = "DUR")]
    pub request_timeout: Option<std::time::Duration>,
}

impl KubeArgs {
    pub fn client_options(&self) -> crate::cluster::client::ClientOptions {
        crate::cluster::client::ClientOptions {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            cluster: self.cluster.clone(),
            user: self.user.clone(),
            namespace: self.namespace.clone(),
            impersonate: self.impersonate.clone(),
            impersonate_groups: self.impersonate_groups.clone(),
            request_timeout: self.request_timeout,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Per-ordinal revision state, the controller's next action and why a rollout is
    /// stuck; without NAME, one line per StatefulSet.
    #[command(after_help = STATUS_EXAMPLES)]
    Status(StatusArgs),

    /// Roll out step by step with health gates (`rollout NAME --step`), preview a rollout,
    /// pause/resume, wait for it, history, diffs and undo.
    #[command(after_help = ROLLOUT_EXAMPLES)]
    Rollout(Box<RolloutArgs>),

    /// Plan one controller sync pass: ordered actions, what it waits on, the status it
    /// would write, and a diagnosis.
    #[command(after_help = PLAN_EXAMPLES)]
    Plan(PlanArgs),

    /// The simulated cluster: a Kubernetes API server on loopback for kubectl and kubectl sts.
    #[command(
        after_help = "Examples:\n  kubectl sts sim serve --scenario stuck\n  kubectl sts sim serve --write-kubeconfig /tmp/sim.kubeconfig &\n  kubectl --kubeconfig /tmp/sim.kubeconfig get pods"
    )]
    Sim(SimArgs),

    /// Recover a rollout stuck on a bad revision: revert the template AND delete the pods
    /// stuck on it (kubernetes#67250), then wait for recovery.
    #[command(name = "force-rollback", after_help = FORCE_ROLLBACK_EXAMPLES)]
    ForceRollback(ForceRollbackArgs),

    /// Ordered teardown: scale to 0, wait until the pods are gone (highest ordinal first),
    /// then delete the StatefulSet; claims are kept unless --delete-pvcs.
    #[command(after_help = DELETE_EXAMPLES)]
    Delete(DeleteArgs),

    /// Print a shell completion script (bash, zsh, fish, powershell).
    #[command(after_help = COMPLETION_EXAMPLES)]
    Completion {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Try kubectl sts with no cluster: a built-in simulated cluster and a scenario.
    #[command(after_help = DEMO_EXAMPLES)]
    Demo(DemoArgs),

    /// The tool's version, the commit it was built from, and the Kubernetes releases its
    /// controller model follows.
    #[command(after_help = "Examples:\n  kubectl sts version\n  kubectl sts version -o json")]
    Version {
        #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
        output: OutputFormat,
    },

    /// Completion candidates for the words after `--` (used by `kubectl_complete-sts`,
    /// kubectl's plugin-completion hook): `kubectl-sts __complete -- rollout undo web --to-revision ""`.
    #[command(name = "__complete", hide = true)]
    Complete {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
        words: Vec<String>,
    },

    /// A live terminal UI: the StatefulSets, the per-ordinal grid with the partition line,
    /// the next action, the diagnosis and events; step, pause, roll back from it.
    #[command(alias = "tui", after_help = DASHBOARD_EXAMPLES)]
    Dashboard(DashboardArgs),
}

const DASHBOARD_EXAMPLES: &str = "\
Examples:
  # Every StatefulSet of the namespace; the first one selected
  kubectl sts dashboard

  # Open on web, in all namespaces
  kubectl sts dashboard web -A

Keys: s step, S step N, p pause/resume, f force-rollback, u undo, D ordered delete,
d history+diff, v preview, enter pod YAML, c compact, ? help, q quit.
Every change shows its plan and asks for confirmation first.";

#[derive(Debug, clap::Args)]
pub struct DashboardArgs {
    /// The StatefulSet to open on (default: the first).
    pub name: Option<String>,

    /// List the StatefulSets of every namespace.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    #[command(flatten)]
    pub model: ModelArgs,
}

const DEMO_EXAMPLES: &str = "\
Examples:
  # A canary, a broken release that wedges the rollout, and the recovery, as text
  kubectl sts demo --headless

  # Another built-in scenario: default, partitioned, stuck, parallel, ondelete, tour
  kubectl sts demo --headless --scenario stuck";

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Print the scenario's story as text instead of opening the dashboard.
    #[arg(long)]
    pub headless: bool,

    /// A built-in scenario (default, partitioned, stuck, parallel, ondelete, tour) or a
    /// scenario file.
    #[arg(long, default_value = "tour")]
    pub scenario: String,
}

const STATUS_EXAMPLES: &str = "\
Examples:
  # Every StatefulSet of the namespace, with its rollout state
  kubectl sts status
  kubectl sts status -A

  # One StatefulSet, ordinal by ordinal, with the next action and the diagnosis
  kubectl sts status web
  kubectl sts status web -o wide
  kubectl sts status web -o json

  # Follow a rollout live
  kubectl sts status web --watch";

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The StatefulSet; without it, one line per StatefulSet.
    pub name: Option<String>,

    /// All namespaces (without NAME).
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    /// Keep watching and redraw whenever something changes (event-driven, no polling).
    #[arg(short = 'w', long, requires = "name")]
    pub watch: bool,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,

    #[command(flatten)]
    pub model: ModelArgs,
}

const PLAN_EXAMPLES: &str = "\
Examples:
  # What will the controller do next in the cluster?
  kubectl sts plan web

  # What would applying this manifest do? (exact new revision name, template diff)
  kubectl sts plan web --template web-v2.yaml

  # What will the controller do next? (snapshot taken with kubectl)
  kubectl get sts,pods,controllerrevisions,pvc -o yaml > web.yaml
  kubectl sts plan -f web.yaml

  # Exactly as a 1.28 controller would, with a feature gate switched on
  kubectl sts plan -f web.yaml --kubernetes-version 1.28 --feature-gates MaxUnavailableStatefulSet=true

  # Machine-readable, at a fixed time
  kubectl sts plan -f web.yaml -o json --now 2026-01-01T00:00:00Z";

/// `-o` of a mutating command: text for people, or the JSON Lines event stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum EventFormat {
    #[default]
    Text,
    Json,
}

impl EventFormat {
    /// The renderers' format.
    pub fn format(self) -> OutputFormat {
        match self {
            EventFormat::Text => OutputFormat::Table,
            EventFormat::Json => OutputFormat::Json,
        }
    }
}

/// `-o`: the renderers' own format type (`output` knows nothing of clap); the command
/// line's values are its variants' names.
pub use crate::output::Format as OutputFormat;

impl ValueEnum for OutputFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            OutputFormat::Table,
            OutputFormat::Wide,
            OutputFormat::Json,
            OutputFormat::Yaml,
        ]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(match self {
            OutputFormat::Table => "table",
            OutputFormat::Wide => "wide",
            OutputFormat::Json => "json",
            OutputFormat::Yaml => "yaml",
        }))
    }
}

/// How the model is set up: clock, release and gates.
#[derive(Debug, Default, clap::Args)]
pub struct ModelArgs {
    /// The time the plan is made at (RFC 3339); default: now. Decides minReadySeconds
    /// availability and the ages in the diagnosis.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,

    /// Model the controller of this Kubernetes release (1.28 to 1.37): behaviour, revision
    /// bytes and feature-gate defaults differ between releases. Default: the server's
    /// release, or 1.36 offline.
    #[arg(long, value_name = "X.Y")]
    pub kubernetes_version: Option<String>,

    /// Override feature gates, e.g. MaxUnavailableStatefulSet=true,StatefulSetAutoDeletePVC=false.
    #[arg(long, value_name = "Name=bool,...")]
    pub feature_gates: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The StatefulSet to plan (in the cluster, or in the file when it holds several).
    #[arg(required_unless_present = "file")]
    pub name: Option<String>,

    /// Plan offline from a snapshot file: `kubectl get sts,pods,controllerrevisions,pvc
    /// -o yaml` output (a v1 List, YAML or JSON; name the set when it holds several),
    /// multi-document YAML or a bare StatefulSet; `-` reads standard input.
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Plan as if this StatefulSet manifest's pod template were applied (live only): the
    /// server dry-runs it, so the new revision's name is exact; the template diff is shown.
    #[arg(long, value_name = "FILE", conflicts_with = "file")]
    pub template: Option<PathBuf>,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,

    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, clap::Args)]
pub struct SimArgs {
    #[command(subcommand)]
    pub command: SimCommand,
}

#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// Serve a scenario on 127.0.0.1 and write a kubeconfig for it (path printed as
    /// `kubeconfig: PATH`); serves until interrupted.
    #[command(after_help = SIM_EXAMPLES)]
    Serve(SimServeArgs),
}

const SIM_EXAMPLES: &str = "\
Examples:
  # Start the default scenario (StatefulSet web, 5 replicas) and use it with kubectl
  kubectl sts sim serve --port 8001 &
  export KUBECONFIG=/tmp/kubectl-sts-sim-8001.kubeconfig
  kubectl get statefulsets,pods
  kubectl set image statefulset/web web=nginx:broken

  # Chaos: a fifth of API requests fail with 500 or 409, watches drop after 20 events
  kubectl sts sim serve --fault-rate 0.2 --fault-codes 500,409 --drop-watch-after 20";

#[derive(Debug, clap::Args)]
pub struct SimServeArgs {
    /// A built-in scenario (default, partitioned, stuck, parallel, ondelete, tour) or a file.
    #[arg(long, default_value = "default")]
    pub scenario: String,

    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// Where to write the kubeconfig (default: in the temp directory, named after the port).
    #[arg(long = "write-kubeconfig", value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,

    /// How long a new pod takes to become Ready.
    #[arg(long, allow_hyphen_values = true, default_value = "1s", value_parser = crate::duration::parse_std)]
    pub ready_after: std::time::Duration,

    /// Cap on pods' termination grace periods.
    #[arg(long, allow_hyphen_values = true, default_value = "1s", value_parser = crate::duration::parse_std)]
    pub max_grace: std::time::Duration,

    /// Share of API requests (0 to 1) answered with an error from --fault-codes.
    #[arg(long, default_value_t = 0.0)]
    pub fault_rate: f64,

    /// HTTP codes injected faults answer with.
    #[arg(long, default_value = "500,503,409,429")]
    pub fault_codes: String,

    /// Cut every watch after this many events.
    #[arg(long)]
    pub drop_watch_after: Option<usize>,

    /// Answer 403 to every request for this resource (a plural, e.g.
    /// persistentvolumeclaims), as RBAC would for a user without that permission
    /// (repeatable).
    #[arg(long, value_name = "RESOURCE")]
    pub forbid: Vec<String>,

    /// Added to every response.
    #[arg(long, allow_hyphen_values = true, default_value = "0s", value_parser = crate::duration::parse_std)]
    pub latency: std::time::Duration,

    /// Seed of the fault injector (same seed, same faults).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    #[command(flatten)]
    pub model: ModelArgs,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_names_follow_argv0() {
        assert_eq!(display_name("/usr/local/bin/kubectl-sts"), "kubectl sts");
        assert_eq!(display_name("kubectl-sts.exe"), "kubectl sts");
        assert_eq!(display_name("./sts-dev"), "sts-dev");
    }

    #[test]
    fn the_cli_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}

const ROLLOUT_EXAMPLES: &str = "\
Examples:
  # What would rolling out nginx:1.27 do? (timeline, unavailability, where it would wedge)
  kubectl sts rollout preview web --image web=nginx:1.27
  kubectl sts rollout preview web --template web-v2.yaml --fail 3

  # Canary: lower the partition by one ordinal and wait until it is healthy and stable
  kubectl sts rollout web --step
  kubectl sts rollout web --step 2 --check-http 'http://{pod}.{service}.{namespace}.svc:8080/healthz'

  # All the way down, a pause between steps; revert everything if a step fails
  kubectl sts rollout web --all --pause-between 5m --auto-rollback

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

const PREVIEW_EXAMPLES: &str = "\
Examples:
  # What would a new image do to web? (assumes the Ready times observed in its pods)
  kubectl sts rollout preview web --image web=nginx:1.27

  # Where would it wedge if ordinal 3 never became Ready? As JSON
  kubectl sts rollout preview web --template web-v2.yaml --fail 3 -o json

  # Offline, from a snapshot file
  kubectl sts rollout preview -f snapshot.yaml --image web=nginx:1.27 --ready-after 20s";

const STEP_EXAMPLES: &str = "\
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

    /// The StatefulSet to step (`kubectl sts rollout NAME --step`).
    pub name: Option<String>,

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
    /// STS_NAMESPACE, STS_STATEFULSET, STS_SERVICE in its environment); non-zero fails.
    #[arg(long, value_name = "CMD")]
    pub check_cmd: Option<String>,

    /// Gate: GET this URL per newly updated pod; any status but 2xx fails. {pod},
    /// {ordinal}, {service}, {namespace} and {dns} (the pod's stable DNS name) are filled in.
    #[arg(long, value_name = "URL")]
    pub check_http: Option<String>,

    /// Fail a step that has not passed its gates after this long.
    #[arg(long, allow_hyphen_values = true, value_name = "DUR", default_value = "10m", value_parser = crate::duration::parse_std)]
    pub step_timeout: std::time::Duration,

    /// Kill a --check-cmd or --check-http that has not answered after this long (the
    /// check fails).
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
        after_help = "Examples:\n  kubectl sts rollout status web\n  kubectl sts rollout status web --timeout 10m && echo done"
    )]
    Status {
        name: String,
        /// Give up after this long (exit 1). A watch that keeps failing (no permission, say)
        /// stops it sooner, with the error.
        #[arg(long, allow_hyphen_values = true, default_value = "30m", value_parser = crate::duration::parse_std)]
        timeout: std::time::Duration,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Stop the rollout where it is: the partition is pinned at the current frontier (no
    /// updated pod goes back); the partition to restore is kept in an annotation.
    #[command(
        after_help = "Examples:\n  kubectl sts rollout pause web\n  kubectl sts rollout resume web"
    )]
    Pause {
        name: String,
        /// Do not ask for confirmation on a terminal.
        #[arg(long, short = 'y')]
        yes: bool,
        /// client: show the change only; server: send it with dryRun=All.
        #[arg(long, value_parser = ["client", "server"], num_args = 0..=1, default_missing_value = "client", require_equals = true)]
        dry_run: Option<String>,
        /// text (for people), or json: the event stream, one JSON object per line (start,
        /// plan, consent, write, wait, observed, gate, warning, error, end; see the README).
        #[arg(short, long, value_enum, default_value_t = EventFormat::Text)]
        output: EventFormat,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Undo `pause`: restore the recorded partition (0 when none was recorded).
    #[command(after_help = "Examples:\n  kubectl sts rollout resume web")]
    Resume {
        name: String,
        /// Do not ask for confirmation on a terminal.
        #[arg(long, short = 'y')]
        yes: bool,
        /// client: show the change only; server: send it with dryRun=All.
        #[arg(long, value_parser = ["client", "server"], num_args = 0..=1, default_missing_value = "client", require_equals = true)]
        dry_run: Option<String>,
        /// text (for people), or json: the event stream, one JSON object per line (start,
        /// plan, consent, write, wait, observed, gate, warning, error, end; see the README).
        #[arg(short, long, value_enum, default_value_t = EventFormat::Text)]
        output: EventFormat,
        #[command(flatten)]
        model: ModelArgs,
    },
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

impl RolloutCommand {
    pub fn name(&self) -> &str {
        match self {
            RolloutCommand::History { name, .. }
            | RolloutCommand::Diff { name, .. }
            | RolloutCommand::Status { name, .. }
            | RolloutCommand::Pause { name, .. }
            | RolloutCommand::Resume { name, .. }
            | RolloutCommand::Undo { name, .. }
            | RolloutCommand::Step { name, .. } => name,
            RolloutCommand::Preview(p) => p.name.as_deref().unwrap_or(""),
        }
    }

    pub fn model(&self) -> &ModelArgs {
        match self {
            RolloutCommand::History { model, .. }
            | RolloutCommand::Diff { model, .. }
            | RolloutCommand::Status { model, .. }
            | RolloutCommand::Pause { model, .. }
            | RolloutCommand::Resume { model, .. }
            | RolloutCommand::Undo { model, .. } => model,
            RolloutCommand::Step { gates, .. } => &gates.model,
            RolloutCommand::Preview(p) => &p.model,
        }
    }

    /// `--yes` of the commands that write.
    pub fn yes(&self) -> bool {
        match self {
            RolloutCommand::Pause { yes, .. }
            | RolloutCommand::Resume { yes, .. }
            | RolloutCommand::Undo { yes, .. } => *yes,
            RolloutCommand::Step { gates, .. } => gates.yes,
            _ => false,
        }
    }
}

const COMPLETION_EXAMPLES: &str = "\
Examples:
  # bash (add to ~/.bashrc)
  source <(kubectl-sts completion bash)

  # zsh
  kubectl-sts completion zsh > \"${fpath[1]}/_kubectl-sts\"";

/// The completion script for `shell`, for the binary `kubectl-sts`.
pub fn completion_script(shell: clap_complete::Shell) -> Vec<u8> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "kubectl-sts", &mut out);
    out
}

/// The man page (roff), generated from the CLI.
pub fn man_page() -> Vec<u8> {
    use clap::CommandFactory;
    // The crate version only: the commit would make the committed page stale at once.
    let cmd = Cli::command()
        .name("kubectl-sts")
        .version(env!("CARGO_PKG_VERSION"));
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = clap_mangen::Man::new(cmd).render(&mut out);
    out
}

/// Where `completions/` keeps each shell's script.
pub fn completion_file(shell: clap_complete::Shell) -> &'static str {
    match shell {
        clap_complete::Shell::Bash => "kubectl-sts.bash",
        clap_complete::Shell::Zsh => "_kubectl-sts",
        clap_complete::Shell::Fish => "kubectl-sts.fish",
        clap_complete::Shell::PowerShell => "kubectl-sts.ps1",
        _ => "kubectl-sts.elvish",
    }
}

const FORCE_ROLLBACK_EXAMPLES: &str = "\
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

const DELETE_EXAMPLES: &str = "\
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
