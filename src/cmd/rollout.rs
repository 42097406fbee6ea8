//! `kubectl sts rollout history|diff|undo NAME`.

use std::io::Write;

use super::operate::{Session, on_terminal, operate};
use crate::cli::{HoldArgs, KubeArgs, OutputFormat, RolloutArgs, RolloutCommand};
use crate::cluster::{Connection, load};
use crate::error::{Error, Result};
use crate::model::{self, ModelSetup, history};
use crate::ops::Target;
use crate::output::{self, Style, io_error};

pub fn run(args: &RolloutArgs, kube: &KubeArgs, style: Style, out: &mut dyn Write) -> Result<()> {
    let command = match &args.command {
        None => {
            if args.names.len() > 1 || args.selector.is_some() {
                return super::group::run(args, kube, style, out);
            }
            let name = args.names.first().ok_or_else(|| {
                Error::input("name a StatefulSet: kubectl sts rollout NAME --step, or a subcommand (see --help)")
            })?;
            if args.step.is_none() && args.gates.to.is_none() && !args.gates.all {
                return Err(Error::input(format!(
                    "say how far to go: kubectl sts rollout {name} --step [N], --to P or --all"
                )));
            }
            return super::step::run(name, args.step.unwrap_or(1), &args.gates, kube, style, out);
        }
        Some(RolloutCommand::Step { name, by, gates }) => {
            return super::step::run(name, *by, gates, kube, style, out);
        }
        Some(RolloutCommand::Preview(p)) => return super::preview::run(p, kube, style, out),
        Some(c @ RolloutCommand::Status { .. }) if c.several().is_some() => {
            return super::group::status(c, kube, style, out);
        }
        Some(c @ (RolloutCommand::Pause(_) | RolloutCommand::Resume(_)))
            if c.several().is_some() =>
        {
            return super::group::hold(c, kube, style, out);
        }
        Some(c) => c,
    };
    on_terminal(
        kube,
        command.model(),
        command.yes(),
        (style, out),
        command.events().map(|f| (command.name(), f)),
        async |conn, setup, session| execute(conn, setup, command, session).await,
    )
}

/// A `rollout` subcommand other than `step` and `preview`, on an open connection (the
/// CLI's, or the demo's).
pub async fn execute(
    conn: &Connection,
    setup: &ModelSetup,
    command: &RolloutCommand,
    session: &mut Session<'_>,
) -> Result<()> {
    let name = command.name();
    let target = Target::new(conn.namespace.clone(), name);
    match command {
        RolloutCommand::Pause(HoldArgs {
            dry_run, output, ..
        })
        | RolloutCommand::Resume(HoldArgs {
            dry_run, output, ..
        }) => {
            let pause = matches!(command, RolloutCommand::Pause(_));
            let opts = crate::ops::pause::Options {
                dry_run: dry_run.clone(),
            };
            let resume = format!("run the command again: it reads {name} afresh");
            return operate(session, output.format(), &target, &resume, async |io| {
                crate::ops::pause::run(conn, io, &target, setup, pause, &opts).await
            })
            .await;
        }
        RolloutCommand::Status { timeout, model, .. } => {
            return wait_for_rollout(
                conn,
                name,
                *timeout,
                setup,
                model.now.is_some(),
                session,
                false,
            )
            .await;
        }
        _ => {}
    }
    let snap = load::snapshot(&conn.client, &conn.namespace, name).await?;
    let plan = model::plan(&snap, setup.now, &setup.profile);
    let entries = history::entries(
        &snap,
        &plan.current_revision,
        &plan.update_revision,
        &setup.profile,
    );
    let (out, style) = (&mut *session.out, session.style);
    let w = |out: &mut dyn Write, s: &str| out.write_all(s.as_bytes()).map_err(io_error);
    match command {
        RolloutCommand::History { output: format, .. } => match format {
            OutputFormat::Json => output::write_json(&entries, out),
            OutputFormat::Yaml => output::write_yaml(&entries, out),
            _ => {
                if entries.is_empty() {
                    return w(out, "No rollout history found.\n");
                }
                let rows: Vec<Vec<String>> = entries
                    .iter()
                    .map(|e| {
                        let role = match (e.current, e.update) {
                            (true, true) => "current, update",
                            (true, false) => "current",
                            (false, true) => "update",
                            _ => "",
                        };
                        vec![
                            e.number.to_string(),
                            e.name.clone(),
                            role.to_string(),
                            ordinals(&e.ordinals),
                            e.change_cause.clone().unwrap_or_else(|| "<none>".into()),
                        ]
                    })
                    .collect();
                let lines = output::table::lines(
                    &["REVISION", "NAME", "ROLE", "ORDINALS", "CHANGE-CAUSE"],
                    &rows,
                );
                w(out, &(lines.join("\n") + "\n"))
            }
        },
        RolloutCommand::Diff { from, to, .. } => {
            let pick = |sel: &Option<String>, default: &str| -> Result<&history::Entry> {
                let key = sel.clone().unwrap_or_else(|| default.to_string());
                entries
                    .iter()
                    .find(|e| e.name == key || e.number.to_string() == key)
                    .ok_or_else(|| Error::input(format!("no revision {key:?} of {name}; see `kubectl sts rollout history {name}`")))
            };
            let a = pick(from, &plan.current_revision)?;
            let b = pick(to, &plan.update_revision)?;
            // Blank counts as unset (kubectl's own diff, as kubectl does).
            if let Some(cmd) = std::env::var_os("KUBECTL_EXTERNAL_DIFF")
                .filter(|c| !c.to_string_lossy().trim().is_empty())
            {
                return external_diff(&cmd, a, b);
            }
            let d = output::diff::unified(
                &format!("#{} {}", a.number, a.name),
                &a.template,
                &format!("#{} {}", b.number, b.name),
                &b.template,
                style,
            );
            w(
                out,
                if d.is_empty() {
                    "The two revisions have the same pod template.\n"
                } else {
                    &d
                },
            )
        }
        RolloutCommand::Undo {
            to_revision,
            dry_run,
            output,
            ..
        } => {
            let opts = crate::ops::undo::Options {
                to_revision: *to_revision,
                dry_run: dry_run.clone(),
            };
            let resume = format!("run the command again: it reads {name} afresh");
            operate(session, output.format(), &target, &resume, async |io| {
                crate::ops::undo::run(conn, io, &target, (&snap, &entries), setup, &opts).await
            })
            .await
        }
        RolloutCommand::Pause(_)
        | RolloutCommand::Resume(_)
        | RolloutCommand::Status { .. }
        | RolloutCommand::Step { .. }
        | RolloutCommand::Preview(_) => Ok(()),
    }
}

fn ordinals(o: &[i32]) -> String {
    if o.is_empty() {
        return "-".into();
    }
    o.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

/// `KUBECTL_EXTERNAL_DIFF`, as kubectl runs it: the command and two files (here, two
/// templates as YAML).
fn external_diff(cmd: &std::ffi::OsStr, a: &history::Entry, b: &history::Entry) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("kubectl-sts-diff-{}", std::process::id()));
    let (from, to) = (
        dir.join(format!("{}", a.number)),
        dir.join(format!("{}", b.number)),
    );
    std::fs::create_dir_all(&from)
        .and_then(|_| std::fs::create_dir_all(&to))
        .map_err(|e| Error::failed(e.to_string()))?;
    std::fs::write(from.join(&a.name), output::diff::yaml(&a.template))
        .map_err(|e| Error::failed(e.to_string()))?;
    std::fs::write(to.join(&b.name), output::diff::yaml(&b.template))
        .map_err(|e| Error::failed(e.to_string()))?;
    let mut parts = cmd
        .to_string_lossy()
        .split_whitespace()
        .map(str::to_string)
        .collect::<Vec<_>>();
    if parts.is_empty() {
        return Err(Error::input("KUBECTL_EXTERNAL_DIFF is blank"));
    }
    let program = parts.remove(0);
    let status = std::process::Command::new(&program)
        .args(parts)
        .arg(&from)
        .arg(&to)
        .status();
    let _ = std::fs::remove_dir_all(&dir);
    match status {
        Ok(s) if s.code().is_some_and(|c| c <= 1) => Ok(()),
        Ok(s) => Err(Error::failed(format!(
            "KUBECTL_EXTERNAL_DIFF {program} exited with {s}"
        ))),
        Err(e) => Err(Error::failed(format!(
            "cannot run KUBECTL_EXTERNAL_DIFF {program}: {e}"
        ))),
    }
}

/// Follows the watch stream until the rollout completes (exit 0), is stuck (exit 1 with
/// the diagnosis) or the timeout passes (exit 1). `named`: each line starts with the
/// set's name (one set of several).
pub(super) async fn wait_for_rollout(
    conn: &crate::cluster::Connection,
    name: &str,
    timeout: std::time::Duration,
    setup: &super::ModelSetup,
    fixed_now: bool,
    session: &mut Session<'_>,
    named: bool,
) -> Result<()> {
    let prefix = if named {
        format!("{name}: ")
    } else {
        String::new()
    };
    let clock = session.clock;
    let out = &mut *session.out;
    use crate::cluster::wait::{Check, wait_until};
    use crate::model::progress::{Outcome, judge};
    // The deadline starts with the wait, before its first read.
    let deadline = tokio::time::Instant::now() + timeout;
    let stream = tokio::time::timeout_at(
        deadline,
        crate::cluster::watch::snapshots(conn, conn.namespace.clone(), name.to_string()),
    )
    .await
    .map_err(|_| {
        Error::failed(format!(
            "timed out after {} reading statefulset/{name}",
            crate::duration::human(timeout)
        ))
    })??;
    let mut stream = std::pin::pin!(stream);
    let mut last = String::new();
    let mut write_err = None;
    let ended = wait_until(
        &mut stream,
        deadline,
        |snap| {
            let now = if fixed_now { setup.now } else { clock.now() };
            let plan = model::plan(snap, now, &setup.profile);
            let r = model::report::report(snap, &plan, now, &setup.profile);
            match judge(&r) {
                Outcome::Waiting(msg) => {
                    let msg = match &r.eta {
                        Some(eta) => format!("{msg} ({eta})"),
                        None => msg,
                    };
                    if msg != last {
                        if let Err(e) =
                            writeln!(out, "{prefix}Waiting: {msg}").and_then(|_| out.flush())
                        {
                            write_err = Some(e);
                        }
                        last = msg;
                    }
                    Check::Wait { recheck: None }
                }
                done => Check::Done((done, r.diagnosis.remedy.clone())),
            }
        },
        |u| match u {
            crate::cluster::watch::Update::Reconnecting(e) => {
                eprintln!("watch error (reconnecting): {}", output::sanitize(e))
            }
            crate::cluster::watch::Update::Unread(u) => super::warn_unread(u),
            crate::cluster::watch::Update::Snapshot(_) => {}
        },
    )
    .await;
    if let Some(e) = write_err {
        return Err(io_error(e));
    }
    match ended {
        Ok(((Outcome::Complete(msg), _), _)) => writeln!(out, "{prefix}{msg}").map_err(io_error),
        Ok(((Outcome::Stuck(msg), remedy), _)) => {
            let mut e = Error::failed(format!("rollout of {name} is stuck: {msg}"));
            if let Some(rem) = remedy {
                e = e.with_hint(format!("{}: {}", rem.summary, rem.command));
            }
            Err(e)
        }
        Ok(((Outcome::Waiting(msg), _), _)) => Err(Error::failed(msg)),
        Err(stopped) => Err(Error::failed(format!(
            "{} waiting for the rollout of {name}: {last}",
            stopped.describe()
        ))),
    }
}
