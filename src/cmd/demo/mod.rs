//! `kubectl sts demo`: the built-in simulated cluster. `--headless` runs a scenario on the
//! virtual clock and prints its story: what a person does, what the controller does, and
//! the per-ordinal state with the diagnosis at each look.

mod interactive;

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use jiff::Timestamp;

use super::operate::Session;
use crate::cluster::Connection;
use crate::event::{Clock as _, Given, TokioClock};
use crate::ops::Consent;
use crate::sim::cluster::Clock;
use crate::sim::server::Server;

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
        return interactive::run(args, style);
    }
    let scenario = Scenario::load(&args.scenario).map_err(Error::input)?;
    // Virtual time: the clock jumps whenever every task waits, so a 15-minute crash loop
    // takes as long as the work does.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .map_err(|e| Error::failed(format!("cannot start the async runtime: {e}")))?;
    rt.block_on(headless(&scenario, style, out))
}

/// The transcript the commands of the story write to, in order (their output and the
/// questions they ask).
#[derive(Clone, Default)]
struct Transcript(Rc<RefCell<Vec<u8>>>);

impl Transcript {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.borrow_mut())
    }
}

impl Write for Transcript {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The person at the keyboard in the story: answers `y`, and the transcript shows it.
struct Typed(Transcript);

impl Consent for Typed {
    fn ask(&mut self, question: &str) -> Result<Given> {
        let _ = writeln!(self.0, "{question} [y/N] y");
        Ok(Given::Prompt)
    }
}

/// `demo --headless`: the scenario served in-process on the paused clock; the story's
/// `kubectl` steps applied to it, its `kubectl sts` steps run by the tool's own commands
/// through the same engine and renderers as on a terminal.
async fn headless(scenario: &Scenario, style: Style, out: &mut dyn Write) -> Result<()> {
    let mut cluster = Cluster::new(Config::default());
    scenario.start(&mut cluster).map_err(Error::failed)?;
    let start = cluster.now();
    let clock = TokioClock::starting_at(start);
    cluster.set_clock(Clock::Tokio(clock));
    let setup = crate::model::ModelSetup {
        now: start,
        profile: cluster.config.profile,
    };
    let server = Server::in_process(cluster);
    let conn = Connection::of(server.client("default"), "default", "in-process");
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
    let transcript = Transcript::default();
    for step in &scenario.story {
        let t = elapsed(start, clock.now());
        let seen = server.shared.read(|c| c.log.len());
        match step {
            Step::Say(text) => w(out, &format!("\n[{t}] {text}\n"))?,
            Step::Show(name) => w(
                out,
                &format!(
                    "\n[{t}] $ kubectl sts status {name}\n{}",
                    server.shared.read(|c| show(c, name, style))
                ),
            )?,
            Step::Wait(d) => {
                w(out, &format!("[{t}] $ sleep {d}\n"))?;
                let d = crate::duration::parse_std(d).map_err(Error::input)?;
                tokio::time::sleep(d).await;
                let records = server.shared.read(|c| c.log[seen..].to_vec());
                w(out, &narrate(&records, start))?;
            }
            Step::Sts(line) => {
                w(out, &format!("\n[{t}] $ kubectl sts {line}\n"))?;
                let mut consent = Typed(transcript.clone());
                let mut sink = transcript.clone();
                let mut session = Session {
                    out: &mut sink,
                    style,
                    clock: &clock,
                    consent: &mut consent,
                    spinner: false,
                    command: Vec::new(),
                };
                let result = super::inprocess::run_line(&conn, &setup, line, &mut session).await;
                if let Err(e) = result {
                    let _ = writeln!(session.out, "error: {}", e.message);
                    if let Some(h) = &e.hint {
                        let _ = writeln!(session.out, "  hint: {h}");
                    }
                    let _ = writeln!(session.out, "(exit {})", e.code as i32);
                }
                out.write_all(&transcript.take()).map_err(io_error)?;
            }
            other => {
                w(out, &format!("[{t}] $ {}\n", command_of(other)))?;
                let records = server
                    .shared
                    .with(|c| apply(c, other))
                    .map_err(Error::failed)?;
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
        Step::Sts(line) => format!("kubectl sts {line}"),
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

/// `kubectl sts status NAME` as the story's cluster stands (or the error it would print
/// for a set that is gone).
fn show(cluster: &Cluster, name: &str, style: Style) -> String {
    let now = cluster.now();
    let profile = cluster.config.profile;
    let mut cache = controller::DecodeCache::default();
    match controller::snapshot(&cluster.store, "default", name, &mut cache) {
        Some(snap) => {
            let plan = model::plan(&snap, now, &profile);
            let r = report::report(&snap, &plan, now, &profile);
            output::status::table(&r, false, style)
        }
        None => format!("error: statefulsets.apps {name:?} not found in namespace \"default\"\n"),
    }
}

/// A story step in words, for the narration.
pub(super) fn describe(step: &Step) -> String {
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
        Step::Sts(line) => format!("kubectl sts {line}"),
        Step::Say(t) => t.clone(),
        Step::Show(s) => format!("look at {s}"),
        Step::Wait(d) => format!("wait {d}"),
    }
}
