//! `kubectl sts rollout NAME --step [N]` / `rollout step NAME --by N`.

use std::io::Write;

use crate::cli::{KubeArgs, StepArgs};
use crate::error::{Error, Result};

pub fn run(name: &str, by: u32, gates: &StepArgs, kube: &KubeArgs, out: &mut dyn Write) -> Result<()> {
    let _ = (name, by, gates, kube, out);
    Err(Error::failed("stepping is not built yet"))
}
