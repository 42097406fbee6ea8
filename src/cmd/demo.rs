//! `kubectl sts demo`: the built-in simulated cluster. `--headless` runs a scenario on the
//! virtual clock and prints its story: what a person does, what the controller does, and
//! the per-ordinal state with the diagnosis at each look.

use std::io::Write;

use jiff::Timestamp;

use crate::cli::DemoArgs;
use crate::error::{Error, Result};
use crate::model::plan::Action;
use crate::model::{self, report};
use crate::output::{self, Style, io_error};
use crate::sim::controller::Record;
use crate::sim::scenario::{Scenario, Step, apply};
use crate::sim::{Cluster, Config, controller};

pub fn run(args: &DemoArgs, style: Style, out: &mut dyn Write) -> Result<()> {
    if !args.headless {
        return interactive(args, style);
    }
    let scenario = Scenario::load(&args.scenario).map_err(Error::input)?;
    let mut cluster = Cluster::new(Config::default());
    scenario.start(&mut cluster).map_err(Error::failed)?;
    let start = cluster.now();
    let w = |out: &mut dyn Write, text: &str| out.write_all(text.as_bytes()).map_err(io_error);
    w(
        out,
        &format!(
            "{} {}\n{}\n",
            style.paint("1", "Scenario"),
            scenario.metadata.name,
            scenario.metadata.description
        ),
    )?;
    for step in &scenario.story {
        let t = elapsed(start, cluster.now());
        match step {
            Step::Say(text) => w(out, &format!("\n[{t}] {text}\n"))?,
            Step::Show(name) => w(
                out,
                &format!(
                    "\n[{t}] $ kubectl sts status {name}\n{}",
                    show(&mut cluster, name, style)?
                ),
            )?,
            other => {
                w(out, &format!("[{t}] $ {}\n", command_of(other)))?;
                let records = apply(&mut cluster, other).map_err(Error::failed)?;
                w(out, &narrate(&records, start))?;
            }
        }
    }
    Ok(())
}

fn elapsed(start: Timestamp, now: Timestamp) -> String {
    let secs = now.duration_since(start).as_secs();
    format!(
        "t+{}",
        model::diagnose::human_duration(jiff::SignedDuration::from_secs(secs))
    )
}

fn command_of(step: &Step) -> String {
    match step {
        Step::SetImage {
            set,
            container,
            image,
        } => {
            format!(
                "kubectl set image statefulset/{set} {}={image}",
                container.as_deref().unwrap_or("web")
            )
        }
        Step::SetPartition { set, partition } => format!(
            "kubectl patch statefulset/{set} -p '{{\"spec\":{{\"updateStrategy\":{{\"rollingUpdate\":{{\"partition\":{partition}}}}}}}}}'"
        ),
        Step::Scale { set, replicas } => {
            format!("kubectl scale statefulset/{set} --replicas={replicas}")
        }
        Step::Wait(d) => format!("sleep {d}"),
        Step::Undo(set) => format!("kubectl rollout undo statefulset/{set}"),
        Step::DeletePod(pod) => format!("kubectl delete pod {pod}"),
        Step::Say(_) | Step::Show(_) => String::new(),
    }
}

/// The controller's actions, one line each, with their time.
fn narrate(records: &[Record], start: Timestamp) -> String {
    let mut s = String::new();
    for r in records {
        let what = match &r.action {
            Action::CreateControllerRevision {
                name,
                revision_number,
            } => format!("new revision {name} (#{revision_number})"),
            Action::UpdateControllerRevision {
                name,
                revision_number,
            } => format!("revision {name} renumbered to #{revision_number} (template reverted)"),
            Action::DeleteControllerRevision { name, .. } => format!("revision {name} pruned"),
            Action::CreatePod { name, revision, .. } => format!("create {name} at {revision}"),
            Action::DeletePod {
                name,
                reason,
                revision,
                ..
            } => format!("delete {name} ({reason:?}, was {revision})"),
            Action::CreatePvc { name, .. } => format!("create PVC {name}"),
            Action::UpdatePvc { name, .. } => format!("update PVC {name} owner references"),
            Action::UpdatePod { name, reason, .. } => format!("update {name} ({reason:?})"),
        };
        s.push_str(&format!(
            "    {:>6}  controller: {what}\n",
            elapsed(start, r.at)
        ));
    }
    s
}

fn show(cluster: &mut Cluster, name: &str, style: Style) -> Result<String> {
    let now = cluster.now();
    let profile = cluster.config.profile;
    let mut cache = controller::DecodeCache::default();
    let snap = controller::snapshot(&cluster.store, "default", name, &mut cache)
        .ok_or_else(|| Error::failed(format!("no StatefulSet {name} in the scenario")))?;
    let plan = model::plan(&snap, now, &profile);
    let r = report::report(&snap, &plan, now, &profile);
    Ok(output::status::table(&r, false, style))
}

/// Wait steps of the story are capped at this on the wall clock, so the interactive tour
/// moves along (a crash loop looks the same after 10s as after 15m).
const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// `demo` on a terminal: the simulated cluster served on loopback (wall clock), the
/// dashboard connected to it through a kubeconfig like any cluster, and the scenario's
/// story played in the background, narrated in the events pane.
fn interactive(args: &DemoArgs, style: Style) -> Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Error::input(
            "the interactive demo needs a terminal; run `kubectl sts demo --headless` for the text version",
        ));
    }
    let scenario = Scenario::load(&args.scenario).map_err(Error::input)?;
    let cluster = scenario
        .on_wall_clock(Config::default())
        .map_err(Error::failed)?;
    let dir = std::env::temp_dir().join(format!("kubectl-sts-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| Error::failed(format!("{}: {e}", dir.display())))?;
    let kubeconfig = dir.join("kubeconfig");
    let result = super::runtime()?.block_on(async {
        let server = crate::sim::server::Server::start(cluster, 0)
            .await
            .map_err(|e| Error::failed(format!("cannot start the simulated cluster: {e}")))?;
        server
            .write_kubeconfig(&kubeconfig)
            .map_err(|e| Error::failed(format!("{}: {e}", kubeconfig.display())))?;
        let (notes, narration) = tokio::sync::mpsc::unbounded_channel::<String>();
        let shared = server.shared.clone();
        let story = scenario.story.clone();
        let player = tokio::spawn(async move {
            for step in story {
                match &step {
                    Step::Say(text) => {
                        let _ = notes.send(text.clone());
                    }
                    Step::Show(_) => {}
                    Step::Wait(d) => {
                        let d = crate::duration::parse_std(d)
                            .unwrap_or(MAX_WAIT)
                            .min(MAX_WAIT);
                        tokio::time::sleep(d).await;
                    }
                    other => {
                        let _ = notes.send(describe(other));
                        let _ = shared.with(|c| apply(c, other));
                    }
                }
            }
            let _ = notes.send("The story is over; the cluster is yours (s, p, f, u, D …).".into());
        });
        let kube = crate::cli::KubeArgs {
            kubeconfig: Some(kubeconfig.clone()),
            ..Default::default()
        };
        let model = crate::cli::ModelArgs::default();
        let (conn, setup) = super::connect(&kube, &model).await?;
        let r = crate::tui::run(
            conn,
            setup,
            Some("default".into()),
            None,
            style.color,
            Some(narration),
        )
        .await;
        player.abort();
        r
    });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// A story step in words, for the narration.
fn describe(step: &Step) -> String {
    match step {
        Step::SetImage { set, image, .. } => {
            format!("kubectl set image statefulset/{set} … ={image}")
        }
        Step::SetPartition { set, partition } => format!("partition of {set} set to {partition}"),
        Step::Scale { set, replicas } => {
            format!("kubectl scale statefulset/{set} --replicas={replicas}")
        }
        Step::Undo(set) => format!("kubectl rollout undo statefulset/{set}"),
        Step::DeletePod(pod) => format!("kubectl delete pod {pod}"),
        Step::Say(t) => t.clone(),
        Step::Show(s) => format!("look at {s}"),
        Step::Wait(d) => format!("wait {d}"),
    }
}
