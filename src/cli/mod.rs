//! Command-line interface (clap derive): global flags and one variant per command.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

mod recovery;
mod recreate;
mod rollout;
mod views;

use recovery::{DELETE_EXAMPLES, FORCE_ROLLBACK_EXAMPLES};
use recreate::{RECREATE_EXAMPLES, RESIZE_EXAMPLES};
use rollout::ROLLOUT_EXAMPLES;
use views::{DASHBOARD_EXAMPLES, DEMO_EXAMPLES, PLAN_EXAMPLES, STATUS_EXAMPLES};

pub use recovery::{DeleteArgs, ForceRollbackArgs};
pub use recreate::{RecreateArgs, RecreateFlags, ResizeArgs};
pub use rollout::{GateArgs, HoldArgs, PreviewArgs, RolloutArgs, RolloutCommand, StepArgs};
pub use views::{DashboardArgs, DemoArgs, PlanArgs, SimArgs, SimCommand, SimServeArgs, StatusArgs};

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
/// `gates --help`: examples and the gate file's keys.
const GATES_HELP: &str = "\
Examples:
  kubectl sts gates list
  kubectl sts gates show kafka > kafka-gates.yaml
  kubectl sts rollout web --all --gates preset:elasticsearch

A gate file (--gates FILE; one entry inline with --gate SPEC):
  gates:
  - name: error-rate                  # in events and messages
    prometheus: {address: URL, query: PROMQL, successCondition: result < 1}
    # or http: {url: URL | podProxy: {port: N, path: /P}, expectStatus: 200,
    #           jsonPath: a.b, successCondition: result == \"green\"}
    # or command: {run: SHELL, env: {K: V}}
    count: 1                          # passing measurements needed, `interval` apart
    interval: 10s
    failureLimit: 0                   # failed measurements tolerated
    inconclusiveLimit: 0              # no data / no answer tolerated, then it fails
    timeout: 30s                      # one measurement (a command: 60s)
    whileBaking: false                # also measured during --stable-for
Placeholders: {{ordinal}} {{pod}} {{namespace}} {{set}} {{revision}} {{service}} {{dns}}
({{ pod }} too); a gate naming a pod runs on each updated pod the set controls, highest
first. Values come from the cluster, so they are data, never code: single-quoted in a
command (and in its environment as STS_POD, STS_ORDINAL, STS_SERVICE, ...), percent-encoded
in a URL, whose host must be the one the URL names once filled (a value in the host may
hold only letters, digits, '-' and '.'), escaped in a PromQL string. A gate that could not
judge anything is refused before the cluster is read: an address or URL that is not
http://HOST, an empty query or command, a zero timeout, interval or port, a condition on
NaN. A command gets no terminal (stdin is /dev/null); its output is kept as evidence; it
and everything it started are killed at its timeout. A step records its gates on the set
(kubectl-sts.io/step-gates): a re-run must name them again, or pass --skip-gates.";

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

    /// Grow a StatefulSet's volumes with no pod restarted: patch each claim, wait for the
    /// resize, re-create the set (orphaning delete, create) with the new sizes.
    #[command(after_help = RESIZE_EXAMPLES)]
    Resize(ResizeArgs),

    /// Change a StatefulSet's immutable fields with its pods kept running: delete it with
    /// propagationPolicy Orphan and create it again from a file; it adopts its pods.
    #[command(after_help = RECREATE_EXAMPLES)]
    Recreate(RecreateArgs),

    /// The gate presets shipped with the tool, for `rollout NAME --all --gates preset:NAME`,
    /// and the gate file's format.
    #[command(after_help = GATES_HELP)]
    Gates {
        #[command(subcommand)]
        command: GatesCommand,
    },

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

#[derive(Debug, Subcommand)]
pub enum GatesCommand {
    /// Each preset: its name, its gates and what it checks.
    #[command(after_help = "Examples:\n  kubectl sts gates list")]
    List,
    /// A preset's gate file, to use as it is or copy and edit (its Prometheus address,
    /// its ports).
    #[command(
        after_help = "Examples:\n  kubectl sts gates show etcd\n  kubectl sts gates show kafka > kafka-gates.yaml"
    )]
    Show { name: String },
}

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
