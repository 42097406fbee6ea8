//! `kubectl sts rollout NAME… --all` / `rollout -l SELECTOR --all`: see `ops::group`.

use std::io::Write;

use serde_json::Value;

use super::operate::{on_terminal, operate};
use crate::cli::{KubeArgs, RolloutArgs, RolloutCommand};
use crate::cluster::{Connection, load};
use crate::error::{Error, Result};
use crate::ops::Target;
use crate::ops::group::{self, GroupOptions, about};
use crate::output::Style;

pub fn run(args: &RolloutArgs, kube: &KubeArgs, style: Style, out: &mut dyn Write) -> Result<()> {
    let g = &args.gates;
    if !g.all {
        return Err(Error::input(
            "several StatefulSets are rolled out with --all (each step one set's, in order)",
        ));
    }
    let mut step = super::step::options(args.step.unwrap_or(1), g)?;
    step.all = false;
    step.auto_rollback = false;
    step.pause_between = None;
    step.dry_run = None;
    let opts = GroupOptions {
        step,
        auto_rollback: g.auto_rollback,
        pause_between: g.pause_between,
        dry_run: g.dry_run.clone(),
        respect_pdb: args.respect_pdb,
        pdb_timeout: args.pdb_timeout,
        max_steps: None,
    };
    let label = group_label(&args.names, args.selector.as_deref());
    on_terminal(
        kube,
        &g.model,
        g.yes,
        (style, out),
        Some((&label, g.output.format())),
        async |conn, setup, session| {
            let targets = targets(
                conn,
                &args.names,
                args.selector.as_deref(),
                args.order.as_deref(),
            )
            .await?;
            let group = Target::new(conn.namespace.clone(), label.clone());
            let resume = format!(
                "run the same command again: each set continues from its own partition (`kubectl sts rollout {label} -n {} --all`)",
                conn.namespace
            );
            operate(session, g.output.format(), &group, &resume, async |io| {
                group::run(conn, io, setup, &targets, &opts).await
            })
            .await
        },
    )
}

/// The sets, in order: as named, or those the selector matches (by `--order`'s label,
/// then by name).
pub(super) async fn targets(
    conn: &Connection,
    names: &[String],
    selector: Option<&str>,
    order: Option<&str>,
) -> Result<Vec<Target>> {
    let ns = conn.namespace.as_str();
    let mut sets: Vec<(String, String)> = match selector {
        None => names.iter().map(|n| (String::new(), n.clone())).collect(),
        Some(sel) => {
            // The server parses and applies the selector, as for `kubectl get -l`.
            let query: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("labelSelector", sel)
                .finish();
            let list = load::get_raw(
                &conn.client,
                &format!("/apis/apps/v1/namespaces/{ns}/statefulsets?{query}"),
                &format!("list statefulsets.apps in namespace {ns:?} with selector {sel:?}"),
            )
            .await?;
            list["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.pointer("/metadata/name")?.as_str().map(str::to_string))
                .map(|n| (String::new(), n))
                .collect()
        }
    };
    if sets.is_empty() {
        return Err(Error::failed(format!(
            "no StatefulSet in namespace {ns} matches {}",
            selector.unwrap_or("")
        )));
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some((_, dup)) = sets.iter().find(|(_, n)| !seen.insert(n.clone())) {
        return Err(Error::input(format!("statefulset {dup:?} is named twice")));
    }
    if let Some(label) = order {
        for (key, name) in &mut sets {
            let set = load::get_raw(
                &conn.client,
                &crate::cluster::mutate::set_path(ns, name),
                &format!("get statefulsets.apps {name:?} in namespace {ns:?}"),
            )
            .await?;
            *key = set
                .pointer("/metadata/labels")
                .and_then(|l| l.get(label))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
        }
        sets.sort();
    } else if selector.is_some() {
        sets.sort();
    }
    Ok(sets.into_iter().map(|(_, n)| Target::new(ns, n)).collect())
}

/// `rollout pause|resume NAME…` / `-l SELECTOR`: each set in turn, each change shown (and
/// asked for on a terminal) before it is made. One that cannot be changed does not stop
/// the others (a pause is what an operator reaches for in trouble); the run then exits 1
/// naming them.
pub fn hold(
    command: &RolloutCommand,
    kube: &KubeArgs,
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    let (h, pause) = match command {
        RolloutCommand::Pause(h) => (h, true),
        RolloutCommand::Resume(h) => (h, false),
        _ => return Err(Error::input("only pause and resume hold several sets")),
    };
    let label = group_label(&h.names, h.selector.as_deref());
    let verb = if pause { "pause" } else { "resume" };
    on_terminal(
        kube,
        &h.model,
        h.yes,
        (style, out),
        Some((&label, h.output.format())),
        async |conn, setup, session| {
            let targets = targets(conn, &h.names, h.selector.as_deref(), None).await?;
            let group = Target::new(conn.namespace.clone(), label.clone());
            let resume = format!(
                "run the command again: a set already {verb}d is left as it is (`kubectl sts rollout {verb} {label} -n {}`)",
                conn.namespace
            );
            let opts = crate::ops::pause::Options {
                dry_run: h.dry_run.clone(),
            };
            operate(session, h.output.format(), &group, &resume, async |io| {
                let mut failed = Vec::new();
                let mut first = None;
                for t in &targets {
                    let done = about(io, t, async |io| {
                        crate::ops::pause::run(conn, io, t, setup, pause, &opts).await
                    })
                    .await;
                    match done {
                        // Refused at the prompt: stop asking.
                        Err(e) if e.outcome == crate::event::Outcome::Cancelled => return Err(e),
                        Err(e) => {
                            about(io, t, async |io| {
                                io.emit(crate::event::Event::warning(format!(
                                    "{}: {}",
                                    t.name, e.message
                                )))
                            })
                            .await;
                            failed.push(t.name.clone());
                            first.get_or_insert(e);
                        }
                        Ok(()) => {}
                    }
                }
                match first {
                    None => Ok(()),
                    // None changed: the first error says why (with its hint).
                    Some(e) if failed.len() == targets.len() => Err(e),
                    Some(_) => Err(Error::failed(format!(
                        "could not {verb} {} (see above); the others were {verb}d",
                        failed.join(", ")
                    ))),
                }
            })
            .await
        },
    )
}

/// `rollout status NAME…` / `-l SELECTOR`: waits for each set in turn within one
/// `--timeout`; exit 0 when every one is complete, 1 at the first stuck.
pub fn status(
    command: &RolloutCommand,
    kube: &KubeArgs,
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    let RolloutCommand::Status {
        names,
        selector,
        timeout,
        model,
    } = command
    else {
        return Err(Error::input("not rollout status"));
    };
    on_terminal(
        kube,
        model,
        false,
        (style, out),
        None,
        async |conn, setup, session| {
            // The deadline starts with the command, before the first read.
            let deadline = tokio::time::Instant::now() + *timeout;
            let targets =
                tokio::time::timeout_at(deadline, targets(conn, names, selector.as_deref(), None))
                    .await
                    .map_err(|_| Error::failed("timed out listing the StatefulSets"))??;
            for t in &targets {
                let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                super::rollout::wait_for_rollout(
                    conn,
                    &t.name,
                    left,
                    setup,
                    model.now.is_some(),
                    session,
                    true,
                )
                .await?;
            }
            Ok(())
        },
    )
}

fn group_label(names: &[String], selector: Option<&str>) -> String {
    selector.map_or_else(|| names.join(","), |s| format!("-l {s}"))
}
