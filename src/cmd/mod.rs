//! One module per subcommand: its arguments come from `cli`, it calls the model (and,
//! later, the cluster layer and operations) and hands the result to a renderer. Thin.

pub mod demo;
pub mod plan;
pub mod sim;

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::cli::ModelArgs;
use crate::error::{Error, Result};
use crate::model::profile::{Profile, Version, parse_gate_overrides};

/// The model's inputs from the command line: the clock and the release profile.
pub struct ModelSetup {
    pub now: Timestamp,
    pub profile: Profile,
}

impl ModelSetup {
    pub fn from_args(args: &ModelArgs) -> Result<ModelSetup> {
        let now = match &args.now {
            Some(t) => t.parse::<Timestamp>().map_err(|e| {
                Error::input(format!(
                    "invalid --now {t:?}: {e} (expected RFC 3339, e.g. 2026-01-01T00:00:00Z)"
                ))
            })?,
            None => Timestamp::now(),
        };
        let version = Version::parse(&args.kubernetes_version).map_err(Error::input)?;
        let mut profile = Profile::for_version(version)
            .map_err(|e| Error::input(format!("--kubernetes-version: {e}")))?;
        let overrides: BTreeMap<String, bool> = match &args.feature_gates {
            Some(text) => parse_gate_overrides(text)
                .map_err(|e| Error::input(format!("--feature-gates: {e}")))?,
            None => BTreeMap::new(),
        };
        profile
            .gates
            .apply(&overrides)
            .map_err(|e| Error::input(format!("--feature-gates: {e}")))?;
        Ok(ModelSetup { now, profile })
    }
}
