//! `kubectl sts plan NAME` (live) and `kubectl sts plan -f FILE` (offline): one planned
//! controller sync pass.

use std::io::Write;

use crate::cli::{KubeArgs, OutputFormat, PlanArgs};
use crate::cluster::load;
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
        let (conn, setup) = super::connect(kube, &args.model).await?;
        let (snapshot, unread) =
            load::snapshot_for_viewing(&conn.client, &conn.namespace, name).await?;
        super::warn_unread(&unread);
        let Some(path) = &args.template else {
            let plan = model::plan(&snapshot, setup.now, &setup.profile);
            return output::plan::render(&plan, args.output, style, out);
        };
        let template = template_of(path)?;
        let applied =
            load::dry_run_template(&conn.client, &conn.namespace, name, &template).await?;
        let current = snapshot
            .set_json()
            .pointer("/spec/template")
            .cloned()
            .unwrap_or_default();
        let proposed = applied
            .pointer("/spec/template")
            .cloned()
            .unwrap_or_default();
        let what_if = snapshot
            .with_set(applied)
            .map_err(|e| Error::failed(format!("{name} with {}: {e}", path.display())))?;
        let plan = model::plan(&what_if, setup.now, &setup.profile);
        let diff = output::diff::unified(
            &format!("{name} (live template)"),
            &current,
            &path.display().to_string(),
            &proposed,
            style,
        );
        match args.output {
            OutputFormat::Json | OutputFormat::Yaml => {
                let mut v =
                    serde_json::to_value(&plan).map_err(|e| Error::failed(e.to_string()))?;
                v["templateDiff"] = serde_json::Value::String(output::diff::unified(
                    "live",
                    &current,
                    "template",
                    &proposed,
                    Style::plain(),
                ));
                if args.output == OutputFormat::Json {
                    output::write_json(&v, out)
                } else {
                    output::write_yaml(&v, out)
                }
            }
            _ => {
                let text = if diff.is_empty() {
                    "Template: unchanged\n\n".to_string()
                } else {
                    format!("{diff}\n")
                };
                out.write_all(text.as_bytes()).map_err(output::io_error)?;
                output::plan::render(&plan, args.output, style, out)
            }
        }
    })
}

/// The pod template of a StatefulSet manifest (YAML or JSON; a List holding one is fine).
pub(crate) fn template_of(path: &std::path::Path) -> Result<serde_json::Value> {
    let objects = manifest::read_objects(path)?;
    let set = objects
        .iter()
        .find(|o| o.get("kind").and_then(serde_json::Value::as_str) == Some("StatefulSet"))
        .ok_or_else(|| Error::input(format!("{}: no StatefulSet in the file", path.display())))?;
    set.pointer("/spec/template").cloned().ok_or_else(|| {
        Error::input(format!(
            "{}: the StatefulSet has no spec.template",
            path.display()
        ))
    })
}
