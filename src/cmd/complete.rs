//! `kubectl sts __complete WORDS… PARTIAL`: completion candidates in Cobra's protocol (one
//! per line, then `:DIRECTIVE`), which kubectl ≥ 1.26 speaks with plugins through
//! `kubectl_complete-sts`. Subcommands and flags come from the clap definition; StatefulSet
//! names, revision numbers, namespaces and contexts come from the cluster and kubeconfig
//! that the words name. Never fails loudly: no candidates is a valid answer.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, KubeArgs};
use crate::error::Result;
use crate::output::io_error;

/// Cobra's ShellCompDirectiveNoFileComp: do not fall back to file names.
const NO_FILES: u8 = 4;

/// Commands whose first positional is a StatefulSet name.
const TAKES_A_SET: &[&str] = &[
    "status",
    "plan",
    "rollout",
    "preview",
    "step",
    "history",
    "diff",
    "pause",
    "resume",
    "undo",
    "force-rollback",
    "delete",
    "dashboard",
];

/// Flags whose value is a revision of the named set.
const REVISION_FLAGS: &[&str] = &["--to-revision", "--from", "--to"];

pub fn run(words: &[String], out: &mut dyn Write) -> Result<()> {
    let (done, partial) = match words.split_last() {
        Some((last, rest)) => (rest, last.as_str()),
        None => (&[][..], ""),
    };
    let mut candidates = candidates(done, partial);
    candidates.retain(|c| c.starts_with(partial));
    candidates.sort();
    candidates.dedup();
    for c in candidates {
        writeln!(out, "{c}").map_err(io_error)?;
    }
    writeln!(out, ":{NO_FILES}").map_err(io_error)
}

/// What the words so far say: the command path, the positionals, the flags with values.
struct Parsed {
    cmd: clap::Command,
    path: Vec<String>,
    positionals: Vec<String>,
    flags: Vec<(String, String)>,
    /// The last word is a flag waiting for its value.
    pending: Option<String>,
}

fn parse(done: &[String]) -> Parsed {
    let mut root = Cli::command();
    // Building propagates the global flags (--kubeconfig, -n, …) to every subcommand.
    root.build();
    let mut cmd = root.clone();
    let mut p = Parsed {
        cmd: root,
        path: Vec::new(),
        positionals: Vec::new(),
        flags: Vec::new(),
        pending: None,
    };
    for w in done {
        if let Some(flag) = p.pending.take() {
            p.flags.push((flag, w.clone()));
            continue;
        }
        if w.starts_with('-') {
            let (name, inline) = match w.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (w.clone(), None),
            };
            let takes_value = arg_of(&cmd, &name).is_some_and(|a| a.get_action().takes_values());
            match (takes_value, inline) {
                (true, Some(v)) => p.flags.push((name, v)),
                (true, None) => p.pending = Some(name),
                (false, _) => p.flags.push((name, String::new())),
            }
            continue;
        }
        let sub = if p.positionals.is_empty() {
            cmd.get_subcommands()
                .find(|s| s.get_name() == w || s.get_all_aliases().any(|a| a == w))
                .cloned()
        } else {
            None
        };
        if let Some(sub) = sub {
            p.path.push(sub.get_name().to_string());
            cmd = sub;
            continue;
        }
        p.positionals.push(w.clone());
    }
    p.cmd = cmd;
    p
}

/// The argument `--long` or `-s` of `cmd` (global ones included).
fn arg_of<'c>(cmd: &'c clap::Command, flag: &str) -> Option<&'c clap::Arg> {
    cmd.get_arguments().find(|a| {
        flag.strip_prefix("--").is_some_and(|l| {
            a.get_long() == Some(l) || a.get_all_aliases().is_some_and(|al| al.contains(&l))
        }) || (flag.len() == 2 && flag.starts_with('-') && a.get_short() == flag.chars().nth(1))
    })
}

fn candidates(done: &[String], partial: &str) -> Vec<String> {
    let p = parse(done);
    if let Some(flag) = &p.pending {
        return flag_values(&p, flag);
    }
    if partial.starts_with('-') {
        let mut out = Vec::new();
        for a in p.cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(l) = a.get_long() {
                out.push(format!("--{l}"));
            }
            if let Some(s) = a.get_short() {
                out.push(format!("-{s}"));
            }
        }
        return out;
    }
    let mut out: Vec<String> = if p.positionals.is_empty() {
        p.cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
            .map(|s| s.get_name().to_string())
            .collect()
    } else {
        Vec::new()
    };
    let wants_set = p
        .path
        .last()
        .is_some_and(|c| TAKES_A_SET.contains(&c.as_str()))
        && p.positionals.is_empty();
    if wants_set {
        out.extend(set_names(&p));
    }
    out
}

fn flag_values(p: &Parsed, flag: &str) -> Vec<String> {
    if let Some(arg) = arg_of(&p.cmd, flag) {
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !values.is_empty() {
            return values;
        }
    }
    match flag {
        "--context" => kubeconfig(p).map_or_else(Vec::new, |kc| {
            kc.contexts.into_iter().map(|c| c.name).collect()
        }),
        "--cluster" => kubeconfig(p).map_or_else(Vec::new, |kc| {
            kc.clusters.into_iter().map(|c| c.name).collect()
        }),
        "--user" => kubeconfig(p).map_or_else(Vec::new, |kc| {
            kc.auth_infos.into_iter().map(|c| c.name).collect()
        }),
        "-n" | "--namespace" => namespaces(p),
        f if REVISION_FLAGS.contains(&f) => revisions(p),
        _ => Vec::new(),
    }
}

fn kube_args(p: &Parsed) -> KubeArgs {
    let get = |names: &[&str]| {
        p.flags
            .iter()
            .rev()
            .find(|(f, _)| names.contains(&f.as_str()))
            .map(|(_, v)| v.clone())
    };
    KubeArgs {
        kubeconfig: get(&["--kubeconfig"]).map(Into::into),
        context: get(&["--context"]),
        cluster: get(&["--cluster"]),
        user: get(&["--user"]),
        namespace: get(&["-n", "--namespace"]),
        ..KubeArgs::default()
    }
}

fn kubeconfig(p: &Parsed) -> Option<kube::config::Kubeconfig> {
    match kube_args(p).kubeconfig {
        Some(path) => kube::config::Kubeconfig::read_from(path).ok(),
        None => kube::config::Kubeconfig::read().ok(),
    }
}

/// Runs `f` against the cluster the words name, with a short deadline: completion must
/// not hang a shell.
fn with_cluster<T: Default>(
    p: &Parsed,
    f: impl AsyncFnOnce(&crate::cluster::Connection) -> Option<T>,
) -> T {
    let kube = kube_args(p);
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return T::default();
    };
    rt.block_on(async {
        let work = async {
            let conn = crate::cluster::connect(&kube.client_options()).await.ok()?;
            f(&conn).await
        };
        tokio::time::timeout(std::time::Duration::from_secs(5), work)
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    })
}

fn set_names(p: &Parsed) -> Vec<String> {
    let all = p
        .flags
        .iter()
        .any(|(f, _)| f == "-A" || f == "--all-namespaces");
    with_cluster(p, async |conn| {
        let ns = (!all).then_some(conn.namespace.as_str());
        let sets = crate::cluster::load::sets(&conn.client, ns).await.ok()?;
        Some(
            sets.iter()
                .filter_map(|s| s.pointer("/metadata/name").and_then(|n| n.as_str()))
                .map(str::to_string)
                .collect(),
        )
    })
}

fn namespaces(p: &Parsed) -> Vec<String> {
    with_cluster(p, async |conn| {
        let list =
            crate::cluster::load::get_raw(&conn.client, "/api/v1/namespaces", "list namespaces")
                .await
                .ok()?;
        Some(
            list.get("items")?
                .as_array()?
                .iter()
                .filter_map(|n| n.pointer("/metadata/name").and_then(|v| v.as_str()))
                .map(str::to_string)
                .collect(),
        )
    })
}

/// Revision numbers of the set named among the positionals.
fn revisions(p: &Parsed) -> Vec<String> {
    let Some(name) = p.positionals.first().cloned() else {
        return Vec::new();
    };
    with_cluster(p, async move |conn| {
        let snap = crate::cluster::load::snapshot(&conn.client, &conn.namespace, &name)
            .await
            .ok()?;
        let mut numbers: Vec<i64> = snap
            .revisions()
            .iter()
            .filter(|r| {
                crate::model::pod::controller_of(r.metadata.owner_references.as_deref())
                    .is_some_and(|o| Some(&o.uid) == snap.set().metadata.uid.as_ref())
            })
            .map(|r| r.revision)
            .collect();
        numbers.sort_unstable();
        Some(numbers.iter().map(i64::to_string).collect())
    })
}
