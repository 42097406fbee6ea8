//! `kubectl sts status [NAME]`: per-ordinal revision state with the next action and the
//! diagnosis; without NAME, one line per StatefulSet (the on-call overview).

use std::io::Write;

use jiff::Timestamp;
use serde::Serialize;

use crate::cli::{KubeArgs, OutputFormat, StatusArgs};
use crate::cluster::{self, load};
use crate::error::{Error, Result};
use crate::model::{self, report};
use crate::output::{self, Style, io_error};

use super::ModelSetup;

pub fn run(args: &StatusArgs, kube: &KubeArgs, style: Style, out: &mut dyn Write) -> Result<()> {
    if args.all_namespaces && args.name.is_some() {
        return Err(Error::input(
            "-A/--all-namespaces lists every StatefulSet; it does not take a NAME",
        ));
    }
    super::runtime()?.block_on(async {
        let (conn, setup) = super::connect(kube, &args.model).await?;
        match &args.name {
            Some(name) if args.watch => watch(&conn, name, args, &setup, style, out).await,
            Some(name) => {
                let (snap, unread) =
                    match load::snapshot_for_viewing(&conn.client, &conn.namespace, name).await {
                        Ok(s) => s,
                        Err(e) if e.is_not_found() => return Err(gone(&conn, name, e).await),
                        Err(e) => return Err(e.into()),
                    };
                super::warn_unread(&unread);
                let plan = model::plan(&snap, setup.now, &setup.profile);
                let r = report::report(&snap, &plan, setup.now, &setup.profile);
                match args.output {
                    OutputFormat::Json => output::write_json(&r, out),
                    OutputFormat::Yaml => output::write_yaml(&r, out),
                    f => out
                        .write_all(
                            output::status::table(&r, f == OutputFormat::Wide, style).as_bytes(),
                        )
                        .map_err(io_error),
                }
            }
            None => {
                let ns = (!args.all_namespaces).then_some(conn.namespace.as_str());
                let (snaps, unread) = load::snapshots(&conn.client, ns).await?;
                super::warn_unread(&unread);
                let lines: Vec<Line> = snaps
                    .iter()
                    .map(|s| line(s, setup.now, &setup.profile))
                    .collect();
                match args.output {
                    OutputFormat::Json => output::write_json(&lines, out),
                    OutputFormat::Yaml => output::write_yaml(&lines, out),
                    _ => {
                        if lines.is_empty() {
                            let where_ = ns
                                .map_or("any namespace".to_string(), |n| format!("namespace {n}"));
                            return writeln!(out, "No StatefulSets found in {where_}.")
                                .map_err(io_error);
                        }
                        out.write_all(overview(&lines, args.all_namespaces, style).as_bytes())
                            .map_err(io_error)
                    }
                }
            }
        }
    })
}

/// A set that is not there: an interrupted re-creation (its pods still run and carry
/// the journal) is named with the command that finishes it.
async fn gone(conn: &cluster::Connection, name: &str, e: cluster::ClusterError) -> Error {
    let target = crate::ops::Target::new(conn.namespace.clone(), name);
    match crate::ops::recreate::interrupted(conn, &target).await {
        Ok(Some(j)) => Error::failed(format!(
            "statefulset/{name} is gone but its {} pod(s) still run: recreate interrupted: run `kubectl sts recreate {name} -n {} --resume`",
            j.pods.len(),
            conn.namespace
        )),
        _ => e.into(),
    }
}

/// Redraws the status on every change the watches report, until interrupted — a wait
/// (`cluster::wait::wait_until`) whose check never ends.
async fn watch(
    conn: &cluster::Connection,
    name: &str,
    args: &StatusArgs,
    setup: &ModelSetup,
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    use crate::cluster::wait::{Check, wait_until};
    use std::io::IsTerminal;
    let stream = cluster::watch::snapshots(conn, conn.namespace.clone(), name.to_string()).await?;
    let mut stream = std::pin::pin!(stream);
    let fixed_now = args.model.now.is_some();
    let clear = std::io::stdout().is_terminal();
    let mut last = String::new();
    let draw = |snap: &model::Snapshot| {
        let now = if fixed_now {
            setup.now
        } else {
            Timestamp::now()
        };
        let plan = model::plan(snap, now, &setup.profile);
        let r = report::report(snap, &plan, now, &setup.profile);
        let frame = match args.output {
            OutputFormat::Json => serde_json::to_string(&r).unwrap_or_default() + "\n",
            OutputFormat::Yaml => serde_saphyr::to_string(&r).unwrap_or_default() + "---\n",
            f => output::status::table(&r, f == OutputFormat::Wide, style),
        };
        if frame != last {
            let table = matches!(args.output, OutputFormat::Table | OutputFormat::Wide);
            let text = match (clear, table) {
                (true, _) => format!("\x1b[H\x1b[2J{frame}"),
                (false, true) => format!("{frame}\n"),
                (false, false) => frame.clone(),
            };
            if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                // A closed pipe ends the watch.
                return Check::Done(Err(io_error(e)));
            }
            last = frame;
        }
        Check::Wait { recheck: None }
    };
    let other = |u: &cluster::watch::Update| match u {
        cluster::watch::Update::Reconnecting(e) => {
            eprintln!("reconnecting: {}", output::sanitize(e))
        }
        cluster::watch::Update::Unread(u) => super::warn_unread(u),
        cluster::watch::Update::Snapshot(_) => {}
    };
    // No deadline: until interrupted, or until the watch keeps failing.
    let forever = tokio::time::Instant::now() + std::time::Duration::from_secs(100 * 365 * 86_400);
    let ended = tokio::select! {
        r = wait_until(&mut stream, forever, draw, other) => r,
        _ = tokio::signal::ctrl_c() => return Ok(()),
    };
    match ended {
        Ok((result, _)) => result,
        Err(stopped) => Err(Error::failed(format!(
            "{} while watching {name}",
            stopped.describe()
        ))),
    }
}

/// One StatefulSet in the overview.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    pub namespace: String,
    pub name: String,
    pub ready: i32,
    pub updated: i32,
    pub replicas: i32,
    pub partition: Option<i32>,
    pub strategy: String,
    pub state: model::diagnose::RolloutState,
    pub summary: String,
}

fn line(snap: &model::Snapshot, now: Timestamp, profile: &model::Profile) -> Line {
    let plan = model::plan(snap, now, profile);
    let view = model::set::SetView::of(snap, profile);
    Line {
        namespace: view.namespace.to_string(),
        name: view.name.to_string(),
        ready: plan.status.ready_replicas,
        updated: plan.status.updated_replicas,
        replicas: view.replicas,
        partition: view.rolling.map(|(p, _)| p),
        strategy: view.strategy.to_string(),
        state: plan.diagnosis.state,
        summary: plan.diagnosis.summary.clone(),
    }
}

fn overview(lines: &[Line], with_ns: bool, style: Style) -> String {
    let mut rows: Vec<Vec<String>> = vec![];
    let mut header = vec![
        "NAME",
        "READY",
        "UPDATED",
        "PARTITION",
        "STRATEGY",
        "STATE",
        "WHY",
    ];
    if with_ns {
        header.insert(0, "NAMESPACE");
    }
    for l in lines {
        let mut row = vec![
            l.name.clone(),
            format!("{}/{}", l.ready, l.replicas),
            format!("{}/{}", l.updated, l.replicas),
            l.partition.map_or("-".into(), |p| p.to_string()),
            l.strategy.clone(),
            output::badge(l.state).0.to_string(),
            l.summary.clone(),
        ];
        if with_ns {
            row.insert(0, l.namespace.clone());
        }
        rows.push(row);
    }
    let text = output::table::lines(&header, &rows);
    let mut s = String::new();
    s.push_str(&text[0]);
    s.push('\n');
    for (l, line) in lines.iter().zip(&text[1..]) {
        let code = output::badge(l.state).1;
        s.push_str(&if l.state == model::diagnose::RolloutState::Stuck {
            style.paint(code, line)
        } else {
            line.clone()
        });
        s.push('\n');
    }
    s
}
