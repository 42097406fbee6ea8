//! `kubectl sts version`: the tool, its commit, and the releases the model follows.

use std::io::Write;

use serde::Serialize;

use crate::cli::OutputFormat;
use crate::error::Result;
use crate::model::profile::{DEFAULT_MINOR, NEWEST_MINOR, OLDEST_MINOR};
use crate::output::{self, io_error};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Version {
    version: &'static str,
    commit: &'static str,
    kubernetes_oldest: String,
    kubernetes_newest: String,
    kubernetes_default: String,
    /// Releases whose profile was checked against that release's own controller code.
    kubernetes_verified: Vec<String>,
}

pub fn run(format: OutputFormat, out: &mut dyn Write) -> Result<()> {
    let v = Version {
        version: env!("CARGO_PKG_VERSION"),
        commit: env!("KUBECTL_STS_COMMIT"),
        kubernetes_oldest: format!("1.{OLDEST_MINOR}"),
        kubernetes_newest: format!("1.{NEWEST_MINOR}"),
        kubernetes_default: format!("1.{DEFAULT_MINOR}"),
        kubernetes_verified: vec!["1.28".to_string()],
    };
    match format {
        OutputFormat::Json => output::write_json(&v, out),
        OutputFormat::Yaml => output::write_yaml(&v, out),
        _ => writeln!(
            out,
            "kubectl-sts {} (commit {})\ncontroller model: Kubernetes {} to {} (offline default {}; the server's release when connected)\nverified against the real controller: {} (conformance vectors); 1.29 to {} follow the documented upstream changes, not yet verified against those releases' code",
            v.version,
            v.commit,
            v.kubernetes_oldest,
            v.kubernetes_newest,
            v.kubernetes_default,
            v.kubernetes_verified.join(", "),
            v.kubernetes_newest
        )
        .map_err(io_error),
    }
}
