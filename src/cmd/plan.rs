//! `kubectl sts plan -f FILE`: one planned controller sync pass.

use std::io::Write;

use crate::cli::PlanArgs;
use crate::error::Result;
use crate::manifest;
use crate::model;
use crate::output::{self, Style};

use super::ModelSetup;

pub fn run(args: &PlanArgs, style: Style, out: &mut dyn Write) -> Result<()> {
    let setup = ModelSetup::from_args(&args.model)?;
    let snapshot = manifest::load_snapshot(&args.file, args.name.as_deref())?;
    let plan = model::plan(&snapshot, setup.now, &setup.profile);
    output::plan::render(&plan, args.output, style, out)
}
