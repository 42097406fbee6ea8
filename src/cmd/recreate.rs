//! `kubectl sts resize NAME CLAIM=SIZE…` and `kubectl sts recreate NAME -f FILE`: see
//! `ops::recreate`.

use std::io::Write;

use super::operate::{Session, on_terminal, operate};
use crate::cli::{KubeArgs, RecreateArgs, RecreateFlags, ResizeArgs};
use crate::cluster::Connection;
use crate::error::{Error, Result};
use crate::model::ModelSetup;
use crate::model::recreate::parse_resizes;
use crate::ops::Target;
use crate::ops::recreate::{self, Change, Options, journal};
use crate::output::Style;

pub fn resize(args: &ResizeArgs, kube: &KubeArgs, style: Style, out: &mut dyn Write) -> Result<()> {
    // Bad sizes are refused before anything is read.
    let sizes = parse_resizes(&args.sizes).map_err(Error::input)?;
    run(
        &args.name,
        &args.flags,
        Change::Resize(sizes),
        args.restart_pods,
        kube,
        (style, out),
    )
}

pub fn recreate(
    args: &RecreateArgs,
    kube: &KubeArgs,
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    let change = match &args.filename {
        Some(file) => {
            let objects = crate::manifest::read_objects(file)?;
            let sets: Vec<_> = objects
                .into_iter()
                .filter(|o| o.get("kind").and_then(|k| k.as_str()) == Some("StatefulSet"))
                .collect();
            match <[serde_json::Value; 1]>::try_from(sets) {
                Ok([set]) => Change::Spec(set),
                Err(sets) => {
                    return Err(Error::input(format!(
                        "{} holds {} StatefulSets; recreate takes exactly one",
                        file.display(),
                        sets.len()
                    )));
                }
            }
        }
        None => Change::Resume,
    };
    run(&args.name, &args.flags, change, false, kube, (style, out))
}

fn run(
    name: &str,
    flags: &RecreateFlags,
    change: Change,
    restart_pods: bool,
    kube: &KubeArgs,
    (style, out): (Style, &mut dyn Write),
) -> Result<()> {
    on_terminal(
        kube,
        &flags.model,
        flags.yes,
        (style, out),
        Some((name, flags.output.format())),
        async |conn, setup, session| {
            let opts = options(flags, restart_pods, journal::state_dir());
            execute(conn, setup, name, (&change, &opts), flags, session).await
        },
    )
}

fn options(flags: &RecreateFlags, restart_pods: bool, state_dir: std::path::PathBuf) -> Options {
    Options {
        dry_run: flags.dry_run.clone(),
        timeout: flags.timeout,
        restart_pods,
        state_dir,
    }
}

/// The re-creation on an open connection (the CLI's, or the demo's).
pub async fn execute(
    conn: &Connection,
    setup: &ModelSetup,
    name: &str,
    (change, opts): (&Change, &Options),
    flags: &RecreateFlags,
    session: &mut Session<'_>,
) -> Result<()> {
    let target = Target::new(conn.namespace.clone(), name.to_string());
    let resume = format!(
        "run the same command again, or `kubectl sts recreate {} -n {} --resume`: it continues where it stopped",
        target.name, target.namespace
    );
    operate(
        session,
        flags.output.format(),
        &target,
        &resume,
        async |io| recreate::run(conn, io, &target, &setup.profile, change, opts).await,
    )
    .await
}

/// `resize` run in-process (the demo): its journal in `state_dir`.
pub async fn execute_resize(
    conn: &Connection,
    setup: &ModelSetup,
    args: &ResizeArgs,
    state_dir: std::path::PathBuf,
    session: &mut Session<'_>,
) -> Result<()> {
    let sizes = parse_resizes(&args.sizes).map_err(Error::input)?;
    let opts = options(&args.flags, args.restart_pods, state_dir);
    execute(
        conn,
        setup,
        &args.name,
        (&Change::Resize(sizes), &opts),
        &args.flags,
        session,
    )
    .await
}
