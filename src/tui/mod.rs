//! `kubectl sts dashboard`: a live terminal UI over watches (ratatui + crossterm), in the
//! Elm architecture — `app` (state, messages, update), `view` (state → frame), and this
//! runtime, which feeds messages in (keys, watch snapshots, ticks, operation progress)
//! and carries commands out. Operations are the CLI's own (`ops::*`), run in the
//! background; the UI never waits on the network.

pub mod app;
pub mod view;

use crate::event::{Event, Given, WallClock};
use crate::ops::{Io, Target};
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use crate::cluster::wait::{Check, wait_until};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::cluster::{Connection, load, watch};
use crate::error::{Error, Result};
use crate::model::ModelSetup;

use app::{App, Command, Msg, Op, SetItem};

/// Restores the terminal (raw mode off, main screen, cursor shown).
fn restore() {
    let _ = crossterm::terminal::disable_raw_mode();
    let _ = crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// The demo's story beside the dashboard: its narration comes in; each operation the
/// user runs goes out when it starts (`None`) and when it ends (its outcome), so the
/// story can wait for the user's keys.
pub struct Story {
    pub notes: tokio::sync::mpsc::UnboundedReceiver<String>,
    pub outcomes: UnboundedSender<Option<Result<String, String>>>,
}

/// How the dashboard's steps are gated (`--gates`, `--gate`, `--stable-for`).
#[derive(Clone, Debug)]
pub struct Steps {
    pub gates: Vec<crate::ops::gates::Gate>,
    pub stable_for: Duration,
}

impl Default for Steps {
    fn default() -> Steps {
        Steps {
            gates: Vec::new(),
            stable_for: Duration::from_secs(30),
        }
    }
}

impl Steps {
    /// The options of a step by `by` ordinals.
    pub fn options(&self, by: u32) -> crate::ops::step::Options {
        let mut opts = crate::ops::step::Options::step_by(by);
        opts.stable_for = self.stable_for;
        opts.checks.gates = self.gates.clone();
        opts.checks.runner = Box::new(crate::exec::System);
        opts
    }
}

/// Runs the dashboard on this terminal until the user quits: on `namespace` (all when
/// `None`), opened on `initial`, listing the sets `selector` matches (all when `None`).
pub async fn run(
    conn: Connection,
    setup: ModelSetup,
    (namespace, initial, selector): (Option<String>, Option<String>, Option<String>),
    steps: Steps,
    color: bool,
    story: Option<Story>,
) -> Result<()> {
    let conn = Arc::new(conn);
    let setup = Arc::new(setup);
    let steps = Arc::new(steps);
    let (tx, mut rx) = unbounded_channel::<Msg>();
    let outcomes = story.as_ref().map(|s| s.outcomes.clone());
    if let Some(Story { mut notes, .. }) = story {
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Some(n) = notes.recv().await {
                if tx.send(Msg::Note(n)).is_err() {
                    return;
                }
            }
        });
    }

    // The terminal comes back on a panic too.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        hook(info);
    }));
    crossterm::terminal::enable_raw_mode()
        .map_err(|e| Error::failed(format!("cannot use the terminal: {e}")))?;
    let mut stdout = std::io::stdout();
    crossterm::execute!(
        stdout,
        crossterm::terminal::EnterAlternateScreen,
        crossterm::cursor::Hide
    )
    .map_err(|e| Error::failed(format!("cannot use the terminal: {e}")))?;
    let result = event_loop(
        &conn,
        (&setup, &steps),
        (namespace, initial, selector),
        color,
        (&tx, &mut rx),
        outcomes,
    )
    .await;
    restore();
    result
}

async fn event_loop(
    conn: &Arc<Connection>,
    (setup, steps): (&Arc<ModelSetup>, &Arc<Steps>),
    (namespace, initial, selector): (Option<String>, Option<String>, Option<String>),
    color: bool,
    (tx, rx): (
        &UnboundedSender<Msg>,
        &mut tokio::sync::mpsc::UnboundedReceiver<Msg>,
    ),
    outcomes: Option<UnboundedSender<Option<Result<String, String>>>>,
) -> Result<()> {
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))
        .map_err(|e| Error::failed(format!("cannot use the terminal: {e}")))?;
    let now = jiff::Timestamp::now();
    let mut app = App::new(
        namespace.as_deref().unwrap_or(""),
        now,
        setup.profile,
        color,
    );

    // Keys and resizes, from a thread that blocks on the terminal.
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            loop {
                match crossterm::event::read() {
                    Ok(crossterm::event::Event::Key(k))
                        if k.kind == crossterm::event::KeyEventKind::Press =>
                    {
                        if tx.send(Msg::Key(k)).is_err() {
                            return;
                        }
                    }
                    Ok(crossterm::event::Event::Resize(..)) => {
                        if tx.send(Msg::Resize).is_err() {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(_) => return,
                }
            }
        });
    }
    // The list of sets, then a watch on the selected one.
    spawn_list(conn, namespace.clone(), selector, tx);
    let mut watcher: Option<tokio::task::JoinHandle<()>> = None;
    let mut group: Option<tokio::task::JoinHandle<()>> = None;
    if let Some(name) = initial {
        let ns = namespace.clone().unwrap_or_else(|| conn.namespace.clone());
        watcher = Some(spawn_watch(conn, ns, name, tx));
    }
    // A terminal that goes away (its window closed, its ssh session dropped) ends the
    // dashboard: on SIGHUP, and — when SIGHUP does not come (ignored under nohup, or the
    // dashboard is not the session's leader) — when the terminal stops answering, checked
    // every 2 s. Reading keys from a hung-up terminal returns nothing, at once, forever.
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    let mut alive = tokio::time::interval(Duration::from_secs(2));
    let mut dirty = true;
    loop {
        if dirty {
            terminal
                .draw(|f| view::view(f, &mut app))
                .map_err(|e| Error::failed(format!("drawing: {e}")))?;
        }
        let tick = app.needs_tick();
        let msg = tokio::select! {
            m = rx.recv() => match m { Some(m) => m, None => return Ok(()) },
            _ = tokio::time::sleep(Duration::from_secs(1)), if tick => Msg::Tick(jiff::Timestamp::now()),
            _ = hung_up(&mut hangup) => return Ok(()),
            _ = alive.tick() => {
                // Not the size: crossterm answers it from `tput` once the terminal is gone.
                // A hung-up terminal refuses every terminal call, so it is no terminal.
                if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
                    return Ok(());
                }
                dirty = false;
                continue;
            }
        };
        if let (Msg::Done(outcome), Some(o)) = (&msg, &outcomes) {
            let _ = o.send(Some(outcome.clone()));
        }
        // The clock is the runtime's: ages and countdowns are judged at arrival.
        if matches!(msg, Msg::Snapshot(_) | Msg::Sets(_)) {
            app.now = jiff::Timestamp::now();
        }
        let (d, commands) = app::update(&mut app, msg);
        dirty = d;
        for cmd in commands {
            match cmd {
                Command::Quit => {
                    for w in [watcher.take(), group.take()].into_iter().flatten() {
                        w.abort();
                    }
                    return Ok(());
                }
                Command::WatchGroup { namespace, names } => {
                    if let Some(g) = group.take() {
                        g.abort();
                    }
                    if !names.is_empty() {
                        group = Some(spawn_group(conn, namespace, names, tx));
                    }
                }
                Command::Watch {
                    namespace: ns,
                    name,
                } => {
                    if let Some(w) = watcher.take() {
                        w.abort();
                    }
                    watcher = Some(spawn_watch(conn, ns, name, tx));
                }
                Command::Run {
                    namespace,
                    name,
                    op,
                } => {
                    if let Some(o) = &outcomes {
                        let _ = o.send(None);
                    }
                    spawn_op(conn, (setup, steps), Target::new(namespace, name), op, tx)
                }
            }
        }
    }
}

/// The next SIGHUP (never, when it could not be listened for).
async fn hung_up(hangup: &mut Option<tokio::signal::unix::Signal>) {
    match hangup {
        Some(h) => {
            h.recv().await;
        }
        None => std::future::pending().await,
    }
}

fn spawn_list(
    conn: &Arc<Connection>,
    namespace: Option<String>,
    selector: Option<String>,
    tx: &UnboundedSender<Msg>,
) {
    let (conn, tx) = (conn.clone(), tx.clone());
    tokio::spawn(async move {
        let ns = namespace.as_deref();
        match load::sets_matching(&conn.client, ns, selector.as_deref()).await {
            Ok(sets) => {
                let items = sets.iter().map(SetItem::from_status).collect();
                let _ = tx.send(Msg::Sets(items));
            }
            Err(e) => {
                let _ = tx.send(Msg::Reconnecting(e.to_string()));
            }
        }
    });
}

fn spawn_watch(
    conn: &Arc<Connection>,
    ns: String,
    name: String,
    tx: &UnboundedSender<Msg>,
) -> tokio::task::JoinHandle<()> {
    let (conn, tx) = (conn.clone(), tx.clone());
    tokio::spawn(async move {
        // The one wait primitive, with a check that never ends; if the watch keeps
        // failing it stops, and the dashboard says so and starts a new one.
        loop {
            let stream = match watch::snapshots(&conn, ns.clone(), name.clone()).await {
                Ok(s) => s,
                Err(e) => {
                    let _ = tx.send(Msg::Reconnecting(e.to_string()));
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    continue;
                }
            };
            let mut stream = std::pin::pin!(stream);
            let forever = tokio::time::Instant::now() + Duration::from_secs(100 * 365 * 86_400);
            let show = |s: &crate::model::Snapshot| {
                if tx.send(Msg::Snapshot(Box::new(s.clone()))).is_err() {
                    // The dashboard is gone.
                    return Check::Done(());
                }
                Check::Wait { recheck: None }
            };
            let other = |u: &watch::Update| {
                let _ = tx.send(match u {
                    watch::Update::Reconnecting(why) => Msg::Reconnecting(why.clone()),
                    watch::Update::Unread(unread) => Msg::Note(
                        unread
                            .iter()
                            .map(|u| crate::output::sanitize(&u.to_string()).into_owned())
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                    watch::Update::Snapshot(_) => return,
                });
            };
            match wait_until(&mut stream, forever, show, other).await {
                Ok(((), _)) => return,
                Err(stopped) => {
                    if tx
                        .send(Msg::Reconnecting(format!(
                            "{}; watching again",
                            stopped.describe()
                        )))
                        .is_err()
                    {
                        return;
                    }
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            }
        }
    })
}

/// The group view's reads: every set of the group afresh, every two seconds (one watch
/// per set would hold a connection each).
fn spawn_group(
    conn: &Arc<Connection>,
    ns: String,
    names: Vec<String>,
    tx: &UnboundedSender<Msg>,
) -> tokio::task::JoinHandle<()> {
    let (conn, tx) = (conn.clone(), tx.clone());
    tokio::spawn(async move {
        loop {
            let mut snaps = Vec::new();
            for name in &names {
                match load::snapshot(&conn.client, &ns, name).await {
                    Ok(s) => snaps.push(s),
                    Err(e) => {
                        let _ = tx.send(Msg::Reconnecting(format!("{name}: {e}")));
                    }
                }
            }
            if tx.send(Msg::Group(snaps)).is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    })
}

/// An operation's events, sent to the dashboard as messages; remembers the last thing
/// said, for the outcome line.
struct Events {
    tx: UnboundedSender<Msg>,
    last: String,
}

impl crate::event::Sink for Events {
    fn emit(&mut self, event: Event) {
        if matches!(event, Event::Info { .. } | Event::Write { .. }) {
            self.last = event.message().trim().to_string();
        }
        let _ = self.tx.send(Msg::Op(event));
    }
}

/// Runs `op` with the CLI's own operations on a thread of its own (their event sinks are
/// not `Send`), its events and outcome sent as messages.
fn spawn_op(
    conn: &Arc<Connection>,
    (setup, steps): (&Arc<ModelSetup>, &Arc<Steps>),
    target: Target,
    op: Op,
    tx: &UnboundedSender<Msg>,
) {
    let (conn, setup, steps, tx) = (conn.clone(), setup.clone(), steps.clone(), tx.clone());
    let failed = tx.clone();
    // The CLI runs an operation on the main thread's stack; this thread gets as much
    // (a spawned thread's default, 2 MiB, is thin for a step with its gates and
    // recovery in a debug build).
    let spawned = std::thread::Builder::new()
        .name("operation".into())
        .stack_size(OP_STACK)
        .spawn(move || {
            let mut events = Events {
                tx: tx.clone(),
                last: String::new(),
            };
            // Consent was given in the dialog.
            let mut consent = Given::Dialog;
            let result = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt.block_on(async {
                    let mut io = Io {
                        events: &mut events,
                        consent: &mut consent,
                        clock: &WallClock,
                    };
                    run_op(&conn, (&setup, &steps), &target, &op, &mut io).await
                }),
                Err(e) => Err(Error::failed(format!("cannot start the runtime: {e}"))),
            };
            let _ = tx.send(Msg::Done(match result {
                Ok(()) => Ok(if events.last.is_empty() {
                    "done".into()
                } else {
                    events.last.clone()
                }),
                Err(e) => Err(e.to_string()),
            }));
        });
    if let Err(e) = spawned {
        let _ = failed.send(Msg::Done(Err(format!("cannot start the operation: {e}"))));
    }
}

/// The stack of the thread an operation runs on.
const OP_STACK: usize = 8 << 20;

/// The operations, exactly as the CLI runs them (consent given by the dialog); a step
/// with the dashboard's gates.
pub async fn run_op(
    conn: &Connection,
    (setup, steps): (&ModelSetup, &Steps),
    target: &Target,
    op: &Op,
    io: &mut Io<'_>,
) -> Result<()> {
    match op {
        Op::Step { by } => {
            let opts = steps.options(*by);
            crate::ops::step::run(conn, target, setup, &opts, io).await
        }
        Op::Group { names, all } => {
            let mut step = steps.options(1);
            step.all = false;
            let opts = crate::ops::group::GroupOptions {
                step,
                auto_rollback: false,
                pause_between: None,
                dry_run: None,
                respect_pdb: true,
                pdb_timeout: Duration::from_secs(600),
                max_steps: (!*all).then_some(1),
            };
            let targets: Vec<Target> = names
                .iter()
                .map(|n| Target::new(target.namespace.clone(), n.clone()))
                .collect();
            crate::ops::group::run(conn, io, setup, &targets, &opts).await
        }
        Op::Pause | Op::Resume => {
            let opts = crate::ops::pause::Options { dry_run: None };
            crate::ops::pause::run(conn, io, target, setup, *op == Op::Pause, &opts).await
        }
        Op::ForceRollback => {
            let opts = crate::ops::force_rollback::Options {
                to_revision: None,
                all_bad: false,
                force: false,
                dry_run: None,
                wait: true,
                timeout: Duration::from_secs(600),
            };
            crate::ops::force_rollback::run(conn, io, target, setup, &opts).await
        }
        Op::Undo { revision } => {
            let snap = load::snapshot(&conn.client, &target.namespace, &target.name).await?;
            let plan = crate::model::plan(&snap, io.now(setup), &setup.profile);
            let entries = crate::model::history::entries(
                &snap,
                &plan.current_revision,
                &plan.update_revision,
                &setup.profile,
            );
            let opts = crate::ops::undo::Options {
                to_revision: *revision,
                dry_run: None,
            };
            crate::ops::undo::run(conn, io, target, (&snap, &entries), setup, &opts).await
        }
        Op::Delete => {
            let opts = crate::ops::delete::Options {
                delete_pvcs: false,
                dry_run: None,
                timeout: Duration::from_secs(600),
                cascade: "Background".into(),
                force: false,
                abort: false,
            };
            crate::ops::delete::run(conn, io, target, &setup.profile, &opts).await
        }
        Op::Resize { sizes } => {
            let sizes =
                crate::model::recreate::parse_resizes(sizes).map_err(crate::error::Error::input)?;
            let opts = crate::ops::recreate::Options {
                dry_run: None,
                timeout: Duration::from_secs(600),
                restart_pods: false,
                state_dir: crate::ops::recreate::journal::state_dir(),
            };
            let change = crate::ops::recreate::Change::Resize(sizes);
            crate::ops::recreate::run(conn, io, target, &setup.profile, &change, &opts).await
        }
    }
}
