//! Running a mutating operation for the command line: the renderer `-o` asks for (text,
//! or the JSON Lines event stream), consent from the terminal or `--yes`, the `start` and
//! `end` events, and a clean stop on Ctrl-C. The demo runs the same commands through the
//! same [`Session`], with its own clock and consent.

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::rc::Rc;

use crate::error::{Error, Result};
use crate::event::{Clock, Event, Given, Outcome, SCHEMA_VERSION, Sink};
use crate::ops::{Consent, Io, Target};
use crate::output::events::{Json, Text};
use crate::output::{Format, Style};

/// Where a command's output goes and who consents: the terminal for the CLI, the
/// transcript for the demo.
pub struct Session<'a> {
    pub out: &'a mut dyn Write,
    pub style: Style,
    pub clock: &'a dyn Clock,
    pub consent: &'a mut dyn Consent,
    /// Draw waits on a spinner line on standard error (a terminal, not the demo).
    pub spinner: bool,
    /// The command line as typed, for the `start` event.
    pub command: Vec<String>,
}

impl<'a> Session<'a> {
    /// The CLI's: the machine's clock, this process's command line, a spinner when
    /// standard error is a terminal.
    pub fn terminal(
        out: &'a mut dyn Write,
        style: Style,
        consent: &'a mut dyn Consent,
    ) -> Session<'a> {
        Session {
            out,
            style,
            clock: &crate::event::WallClock,
            consent,
            spinner: std::io::stderr().is_terminal(),
            command: command_line(),
        }
    }
}

/// A command that writes, as typed at a terminal: a runtime, the connection kubectl's
/// flags name, consent from `--yes` or the prompt, the CLI's session; then `execute`
/// (the same function the demo runs on its own connection).
///
/// `stream` names the set and the output of a command that streams events: under `-o
/// json` a connection that fails is still a stream (`start`, `error`, `end`).
pub fn on_terminal(
    kube: &crate::cli::KubeArgs,
    model: &crate::cli::ModelArgs,
    yes: bool,
    (style, out): (Style, &mut dyn Write),
    stream: Option<(&str, Format)>,
    execute: impl AsyncFnOnce(
        &crate::cluster::Connection,
        &crate::model::ModelSetup,
        &mut Session<'_>,
    ) -> Result<()>,
) -> Result<()> {
    super::runtime()?.block_on(async {
        let (conn, setup) = match super::connect(kube, model).await {
            Ok(c) => c,
            Err(e) => {
                let Some((name, Format::Json)) = stream else {
                    return Err(e);
                };
                let mut consent = Terminal { yes };
                let mut session = Session::terminal(out, style, &mut consent);
                let target = Target::new(kube.namespace.clone().unwrap_or_default(), name);
                let resume = "run the command again once the cluster answers";
                return operate(
                    &mut session,
                    Format::Json,
                    &target,
                    resume,
                    async move |_| Err(e),
                )
                .await;
            }
        };
        let mut consent = Terminal { yes };
        let mut session = Session::terminal(out, style, &mut consent);
        execute(&conn, &setup, &mut session).await
    })
}

/// Consent at a terminal: `--yes` gives it; on a terminal the question is asked on
/// standard error (`[y/N]`, default no); with no terminal to ask and no `--yes`, nothing
/// is written (a pipe is not consent: `terraform apply` refuses without
/// `-auto-approve` too).
pub struct Terminal {
    pub yes: bool,
}

impl Consent for Terminal {
    fn ask(&mut self, question: &str) -> Result<Given> {
        if self.yes {
            return Ok(Given::Flag);
        }
        if !std::io::stdin().is_terminal() {
            return Err(Error::failed(format!(
                "{} — no terminal to ask and no --yes: nothing changed",
                question.trim_end_matches('?')
            ))
            .with_hint(
                "pass --yes to go ahead without a prompt, or --dry-run to see what would be done",
            ));
        }
        eprint!("{} [y/N] ", crate::output::sanitize(question));
        let mut answer = String::new();
        std::io::stdin()
            .read_line(&mut answer)
            .map_err(|e| Error::failed(format!("reading the answer: {e}")))?;
        if matches!(answer.trim(), "y" | "Y" | "yes") {
            Ok(Given::Prompt)
        } else {
            Err(Error::cancelled("cancelled; nothing changed"))
        }
    }
}

/// Remembers the last thing said, to say where an interrupted operation stopped.
struct Remember<'a> {
    inner: &'a mut dyn Sink,
    last: Rc<RefCell<String>>,
}

impl Remember<'_> {
    fn remember(&self, event: &Event) {
        if !matches!(
            event,
            Event::Progress { .. } | Event::Consent { .. } | Event::Start { .. }
        ) {
            let line = event.message().lines().next().unwrap_or("").trim();
            if !line.is_empty() {
                *self.last.borrow_mut() = line.to_string();
            }
        }
    }
}

impl Sink for Remember<'_> {
    fn emit(&mut self, event: Event) {
        self.remember(&event);
        self.inner.emit(event);
    }

    fn emit_about(&mut self, set: (&str, &str), event: Event) {
        self.remember(&event);
        self.inner.emit_about(set, event);
    }
}

/// Runs `op` on `target` with `session`'s renderer (`-o json`: JSON Lines; else text),
/// between a `start` and an `end` event; an error is also an `error` event (and returned,
/// for `main` to print and exit with). Interrupted, it stops at once — the state is in
/// the cluster and every write is one request — and says where, and `resume`.
pub async fn operate(
    session: &mut Session<'_>,
    format: Format,
    target: &Target,
    resume: &str,
    op: impl AsyncFnOnce(&mut Io<'_>) -> Result<()>,
) -> Result<()> {
    let mut text = None;
    let mut json = None;
    let sink: &mut dyn Sink = if format == Format::Json {
        json.insert(Json::new(
            &mut *session.out,
            &target.namespace,
            &target.name,
            session.clock,
        ))
    } else {
        text.insert(Text::new(&mut *session.out, session.style, session.spinner))
    };
    let last = Rc::new(RefCell::new(String::new()));
    let mut events = Remember {
        inner: sink,
        last: last.clone(),
    };
    events.emit(Event::Start {
        schema_version: SCHEMA_VERSION,
        message: session.command.join(" "),
        command: session.command.clone(),
    });
    let mut io = Io {
        events: &mut events,
        consent: &mut *session.consent,
        clock: session.clock,
    };
    let result = tokio::select! {
        r = op(&mut io) => r,
        why = interrupted() => {
            let at = last.borrow().clone();
            let at = if at.is_empty() { "before any change".to_string() } else { format!("after: {at}") };
            Err(Error::stopped(format!("{why}; stopped {at}")).with_hint(resume))
        }
    };
    match &result {
        Ok(()) => events.emit(Event::End {
            outcome: Outcome::Succeeded,
            exit_code: 0,
            message: "done".into(),
        }),
        Err(e) => {
            events.emit(Event::Error {
                message: e.message.clone(),
                hint: e.hint.clone(),
            });
            events.emit(Event::End {
                outcome: e.outcome,
                exit_code: e.code as i32,
                message: e.message.clone(),
            });
        }
    }
    drop(events);
    let failed = match (json.as_mut(), text.as_mut()) {
        (Some(j), _) => j.failed.take(),
        (None, Some(t)) => t.failed.take(),
        (None, None) => None,
    };
    match (result, failed) {
        (Err(e), _) => Err(e),
        (Ok(()), Some(e)) => Err(crate::output::io_error(e)),
        (Ok(()), None) => Ok(()),
    }
}

/// This process's command line, for the `start` event.
fn command_line() -> Vec<String> {
    let mut args: Vec<String> = std::env::args().collect();
    if let Some(first) = args.first_mut() {
        // `kubectl sts …` and `kubectl-sts …` are the same program.
        *first = "kubectl-sts".into();
    }
    args
}

/// Ctrl-C (SIGINT) or SIGTERM.
async fn interrupted() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = tokio::signal::ctrl_c() => "interrupted (Ctrl-C)",
                _ = term.recv() => "terminated (SIGTERM)",
            },
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                "interrupted (Ctrl-C)"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "interrupted (Ctrl-C)"
    }
}
