//! The commands that look: `status`, `plan`, `dashboard`, `demo`, `sim`.

use std::path::PathBuf;

use clap::Subcommand;

use super::{ModelArgs, OutputFormat};

pub(super) const DASHBOARD_EXAMPLES: &str = "\
Examples:
  # Every StatefulSet of the namespace; the first one selected
  kubectl sts dashboard

  # Open on web, in all namespaces
  kubectl sts dashboard web -A

  # Steps taken here (s, S) must pass etcd's health gates and stay Ready for 1m; the
  # step panel shows each gate's verdict and evidence
  kubectl sts dashboard web --gates preset:etcd --stable-for 1m

  # The sets of a selector; `a` shows them as one grid and steps them as a group, one pod
  # at a time within their PodDisruptionBudgets
  kubectl sts dashboard -l cluster=es

Keys: s step, S step N, p pause/resume, f force-rollback, u undo, D ordered delete,
r resize, d history+diff, v preview, enter pod YAML, c compact, a group view (s/S step
the group), ? help, q quit.
Every change shows its plan and asks for confirmation first.";

#[derive(Debug, clap::Args)]
pub struct DashboardArgs {
    /// The StatefulSet to open on (default: the first).
    pub name: Option<String>,

    /// List the StatefulSets of every namespace.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    /// List only the StatefulSets this label selector matches: the group view (`a`)
    /// shows and rolls out those of one namespace together.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// A step taken here passes only after its pods stay Ready with no restart this long.
    #[arg(long, allow_hyphen_values = true, value_name = "DUR", default_value = "30s", value_parser = crate::duration::parse_std)]
    pub stable_for: std::time::Duration,

    #[command(flatten)]
    pub gating: super::GateArgs,

    #[command(flatten)]
    pub model: ModelArgs,
}

pub(super) const DEMO_EXAMPLES: &str = "\
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

pub(super) const STATUS_EXAMPLES: &str = "\
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

pub(super) const PLAN_EXAMPLES: &str = "\
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

    /// How long the controller and the kubelet take to react to a write, jittered ±50%
    /// (0: before the write is answered). A real cluster lags: right after a change, its
    /// status still shows the generation before it.
    #[arg(long, allow_hyphen_values = true, default_value = "20ms", value_parser = crate::duration::parse_std)]
    pub controller_delay: std::time::Duration,

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
