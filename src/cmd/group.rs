//! `kubectl sts rollout NAME… --all` / `rollout -l SELECTOR --all`: see `ops::group`.

use std::io::Write;

use serde_json::Value;

use super::operate::{on_terminal, operate};
use crate::cli::{KubeArgs, RolloutArgs};
use crate::cluster::{Connection, load};
use crate::error::{Error, Result};
use crate::ops::Target;
use crate::ops::group::{self, GroupOptions};
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
    };
    let label = args
        .selector
        .as_ref()
        .map_or_else(|| args.names.join(","), |s| format!("-l {s}"));
    on_terminal(
        kube,
        &g.model,
        g.yes,
        (style, out),
        Some((&label, g.output.format())),
        async |conn, setup, session| {
            let targets = targets(conn, args).await?;
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
async fn targets(conn: &Connection, args: &RolloutArgs) -> Result<Vec<Target>> {
    let ns = conn.namespace.as_str();
    let mut sets: Vec<(String, String)> = match &args.selector {
        None => args
            .names
            .iter()
            .map(|n| (String::new(), n.clone()))
            .collect(),
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
            args.selector.as_deref().unwrap_or("")
        )));
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some((_, dup)) = sets.iter().find(|(_, n)| !seen.insert(n.clone())) {
        return Err(Error::input(format!("statefulset {dup:?} is named twice")));
    }
    if let Some(label) = &args.order {
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
    } else if args.selector.is_some() {
        sets.sort();
    }
    Ok(sets.into_iter().map(|(_, n)| Target::new(ns, n)).collect())
}
