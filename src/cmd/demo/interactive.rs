//! `demo` on a terminal: the simulated cluster served on loopback (wall clock), the
//! dashboard connected to it through a kubeconfig like any cluster, and the scenario's
//! story played beside it, narrated in the events pane. A `kubectl sts` step of the
//! story waits for the user to press its key in the dashboard, or runs by itself after
//! a pause — through the same engine, its output narrated line by line.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::describe;
use crate::cli::{DemoArgs, KubeArgs, ModelArgs};
use crate::cmd::operate::Session;
use crate::error::{Error, Result};
use crate::event::{Given, WallClock};
use crate::output::Style;
use crate::sim::Config;
use crate::sim::scenario::{Scenario, Step, apply};
use crate::sim::server::Shared;

/// Wait steps of the story are capped at this on the wall clock, so the tour moves along
/// (a crash loop looks the same after 10s as after 15m).
const MAX_WAIT: Duration = Duration::from_secs(10);

/// How long a `kubectl sts` step waits for the user's key before it runs by itself.
const YOUR_TURN: Duration = Duration::from_secs(20);

pub fn run(args: &DemoArgs, style: Style) -> Result<()> {
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
    let result = crate::cmd::runtime()?.block_on(async {
        let server = crate::sim::server::Server::start(cluster, 0)
            .await
            .map_err(|e| Error::failed(format!("cannot start the simulated cluster: {e}")))?;
        server
            .write_kubeconfig(&kubeconfig)
            .map_err(|e| Error::failed(format!("{}: {e}", kubeconfig.display())))?;
        let kube = KubeArgs {
            kubeconfig: Some(kubeconfig.clone()),
            ..Default::default()
        };
        let (notes, narration) = unbounded_channel::<String>();
        let (outcomes, heard) = unbounded_channel();
        play(
            scenario.story.clone(),
            server.shared.clone(),
            kube.clone(),
            notes,
            heard,
        );
        let (conn, setup) = crate::cmd::connect(&kube, &ModelArgs::default()).await?;
        crate::tui::run(
            conn,
            setup,
            (Some("default".into()), None, None),
            crate::tui::Steps::default(),
            style.color,
            Some(crate::tui::Story {
                notes: narration,
                outcomes,
            }),
        )
        .await
    });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// The dashboard key that runs the same operation as `line`, if there is one.
fn key_for(line: &str) -> Option<&'static str> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["rollout", _, "--step"] => Some("s"),
        ["force-rollback", _] => Some("f"),
        ["delete", _] => Some("D"),
        _ => None,
    }
}

/// Each complete line written, sent as a note.
struct Lines {
    notes: UnboundedSender<String>,
    partial: String,
}

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.partial.push_str(&String::from_utf8_lossy(buf));
        while let Some(i) = self.partial.find('\n') {
            let line: String = self.partial.drain(..=i).collect();
            if !line.trim().is_empty() {
                let _ = self.notes.send(line.trim_end().to_string());
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Plays the story on a thread of its own (the commands' sessions are not `Send`).
fn play(
    story: Vec<Step>,
    shared: Arc<Shared>,
    kube: KubeArgs,
    notes: UnboundedSender<String>,
    mut heard: UnboundedReceiver<Option<std::result::Result<String, String>>>,
) {
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async move {
            let (conn, setup) = match crate::cmd::connect(&kube, &ModelArgs::default()).await {
                Ok(c) => c,
                Err(e) => {
                    let _ = notes.send(format!("the story cannot connect: {e}"));
                    return;
                }
            };
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
                    Step::Sts(line) => {
                        if let Some(key) = key_for(line) {
                            while heard.try_recv().is_ok() {}
                            let _ = notes.send(format!(
                                "Your turn: `kubectl sts {line}` is key {key} in the dashboard (it runs by itself in {}s)",
                                YOUR_TURN.as_secs()
                            ));
                            if let Ok(Some(first)) = tokio::time::timeout(YOUR_TURN, heard.recv()).await {
                                // Started by the user: wait for it to end.
                                let outcome = match first {
                                    Some(o) => Some(o),
                                    None => heard.recv().await.flatten(),
                                };
                                let _ = notes.send(match outcome {
                                    Some(Ok(m)) => format!("You ran it: {m}"),
                                    Some(Err(e)) => format!("You ran it; it stopped: {e}"),
                                    None => "You ran it.".into(),
                                });
                                continue;
                            }
                        }
                        let _ = notes.send(format!("$ kubectl sts {line}"));
                        let mut out = Lines {
                            notes: notes.clone(),
                            partial: String::new(),
                        };
                        // The story answers its own questions.
                        let mut consent = Given::Flag;
                        let mut session = Session {
                            out: &mut out,
                            style: Style::plain(),
                            clock: &WallClock,
                            consent: &mut consent,
                            spinner: false,
                            command: Vec::new(),
                        };
                        if let Err(e) =
                            crate::cmd::inprocess::run_line(&conn, &setup, line, &mut session).await
                        {
                            let _ = notes.send(format!("error: {}", e.message));
                        }
                    }
                    other => {
                        let _ = notes.send(describe(other));
                        let _ = shared.with(|c| apply(c, other));
                    }
                }
            }
            let _ = notes.send("The story is over; the cluster is yours (s, p, f, u, D …).".into());
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_commands_map_to_the_dashboard_keys_that_run_them() {
        assert_eq!(key_for("rollout web --step"), Some("s"));
        assert_eq!(key_for("force-rollback web"), Some("f"));
        assert_eq!(key_for("delete web"), Some("D"));
        assert_eq!(key_for("rollout web --all --stable-for 10s"), None);
        assert_eq!(key_for("rollout status web"), None);
    }

    #[test]
    fn lines_are_sent_whole() {
        let (tx, mut rx) = unbounded_channel();
        let mut l = Lines {
            notes: tx,
            partial: String::new(),
        };
        l.write_all(b"one\ntw").unwrap();
        l.write_all(b"o\n\n").unwrap();
        assert_eq!(rx.try_recv().unwrap(), "one");
        assert_eq!(rx.try_recv().unwrap(), "two");
        assert!(rx.try_recv().is_err());
    }
}
