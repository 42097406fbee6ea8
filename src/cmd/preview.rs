//! `kubectl sts rollout preview NAME|-f FILE`: the controller model run over a simulated
//! pod lifecycle (`model::preview`), printed as a timeline. Changes nothing.

use std::io::Write;

use crate::cli::{KubeArgs, PreviewArgs};
use crate::cluster::load;
use crate::error::{Error, Result};
use crate::manifest;
use crate::model::Snapshot;
use crate::model::preview::{self, Assumptions};
use crate::output::{self, Style};

use super::ModelSetup;

/// Bound on the instants simulated per ordinal: far beyond any real rollout (each ordinal
/// takes a handful: deleted, gone, created, Running, Ready, available), low enough to stop
/// a livelock quickly; and at least `MIN_INSTANTS`.
const INSTANTS_PER_ORDINAL: usize = 16;
const MIN_INSTANTS: usize = 100_000;

pub fn run(args: &PreviewArgs, kube: &KubeArgs, style: Style, out: &mut dyn Write) -> Result<()> {
    let (snap, setup) = if let Some(file) = &args.file {
        let setup = ModelSetup::from_args(&args.model)?;
        let snap = manifest::load_snapshot(file, args.name.as_deref())?;
        let set = proposed(args, &snap)?;
        let snap = snap
            .with_set(set)
            .map_err(|e| Error::input(format!("the changed StatefulSet: {e}")))?;
        (snap, setup)
    } else {
        let name = args
            .name
            .as_deref()
            .ok_or_else(|| Error::input("name a StatefulSet, or give a snapshot with -f FILE"))?;
        super::runtime()?.block_on(async {
            let (conn, setup) = super::connect(kube, &args.model).await?;
            let snap = load::snapshot(&conn.client, &conn.namespace, name).await?;
            if args.template.is_none() && args.image.is_empty() {
                return Ok::<_, Error>((snap, setup));
            }
            // The server defaults the changed template (dry run), so the new revision's
            // name is the one the controller will use.
            let set = proposed(args, &snap)?;
            let template = set.pointer("/spec/template").cloned().unwrap_or_default();
            let applied =
                load::dry_run_template(&conn.client, &conn.namespace, name, &template).await?;
            let snap = snap
                .with_set(applied)
                .map_err(|e| Error::failed(format!("{name} with the change: {e}")))?;
            Ok((snap, setup))
        })?
    };
    let observed = preview::observed_ready_after(&snap);
    let assume = Assumptions {
        ready_after: args
            .ready_after
            .or(observed)
            .unwrap_or(Assumptions::default().ready_after),
        terminate_after: args.terminate_after,
        fail_ordinals: args.fail.iter().copied().collect(),
        fail_update_revision: args.fail_revision.is_some(),
    };
    let ready_source = match (args.ready_after, observed) {
        (Some(_), _) => "--ready-after",
        (None, Some(_)) => "observed median",
        (None, None) => "default",
    };
    let replicas = crate::model::set::replicas(snap.set()).max(0) as usize;
    let bound = MIN_INSTANTS.max(replicas.saturating_add(snap.pods().len()) * INSTANTS_PER_ORDINAL);
    let timeline = preview::preview(&snap, setup.now, &setup.profile, assume, bound);
    output::preview::render(&timeline, ready_source, args.output, style, out)
}

/// The set with the change the flags describe (`--template`, `--image`), else as it is.
fn proposed(args: &PreviewArgs, snap: &Snapshot) -> Result<serde_json::Value> {
    let mut set = snap.set_json().clone();
    if let Some(path) = &args.template {
        let template = super::plan::template_of(path)?;
        set = preview::with_template(&set, &template);
    }
    for spec in &args.image {
        let (container, image) = spec
            .split_once('=')
            .filter(|(c, i)| !c.is_empty() && !i.is_empty())
            .ok_or_else(|| {
                Error::input(format!(
                    "--image {spec:?}: expected CONTAINER=IMAGE, e.g. nginx=nginx:1.27"
                ))
            })?;
        set = preview::with_image(&set, container, image).map_err(Error::input)?;
    }
    Ok(set)
}
