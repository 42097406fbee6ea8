//! `kubectl sts plan NAME` (live) and `kubectl sts plan -f FILE` (offline): one planned
//! controller sync pass.

use std::io::Write;

use crate::cli::{KubeArgs, PlanArgs};
use crate::cluster::{self, load};
use crate::error::{Error, Result};
use crate::manifest;
use crate::model;
use crate::output::{self, Style};

use super::ModelSetup;

pub fn run(args: &PlanArgs, kube: &KubeArgs, style: Style, out: &mut dyn Write) -> Result<()> {
    if let Some(file) = &args.file {
        let setup = ModelSetup::from_args(&args.model)?;
        let snapshot = manifest::load_snapshot(file, args.name.as_deref())?;
        let plan = model::plan(&snapshot, setup.now, &setup.profile);
        return output::plan::render(&plan, args.output, style, out);
    }
    let name = args
        .name
        .as_deref()
        .ok_or_else(|| Error::input("name a StatefulSet, or give a snapshot with -f FILE"))?;
    super::runtime()?.block_on(async {
        let conn = cluster::connect(&kube.client_options()).await?;
        let server = match args.model.kubernetes_version {
            Some(_) => None,
            None => Some(load::server_profile(&conn.client, &conn.server).await?),
        };
        let setup = ModelSetup::with_server(&args.model, server)?;
        let snapshot = load::snapshot(&conn.client, &conn.namespace, name).await?;
        let plan = model::plan(&snapshot, setup.now, &setup.profile);
        output::plan::render(&plan, args.output, style, out)
    })
}
