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
    /// Releases whose profile was checked against that release's own controller code:
    /// the exact upstream version run as the oracle and the random scenarios compared.
    kubernetes_verified: Vec<Verified>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Verified {
    release: String,
    oracle: &'static str,
    scenarios: u32,
    disagreements: u32,
}

pub fn run(format: OutputFormat, out: &mut dyn Write) -> Result<()> {
    let v = Version {
        version: env!("CARGO_PKG_VERSION"),
        commit: env!("KUBECTL_STS_COMMIT"),
        kubernetes_oldest: format!("1.{OLDEST_MINOR}"),
        kubernetes_newest: format!("1.{NEWEST_MINOR}"),
        kubernetes_default: format!("1.{DEFAULT_MINOR}"),
        kubernetes_verified: crate::model::verified::VERIFIED
            .iter()
            .map(|v| Verified {
                release: format!("1.{}", v.minor),
                oracle: v.oracle,
                scenarios: v.scenarios,
                disagreements: v.disagreements,
            })
            .collect(),
    };
    match format {
        OutputFormat::Json => output::write_json(&v, out),
        OutputFormat::Yaml => output::write_yaml(&v, out),
        _ => {
            let verified: Vec<String> = v
                .kubernetes_verified
                .iter()
                .map(|r| {
                    format!(
                        "  {:<5} {:<9} {} random scenarios, {} disagreements",
                        r.release, r.oracle, r.scenarios, r.disagreements
                    )
                })
                .collect();
            writeln!(
                out,
                "kubectl-sts {} (commit {})\ncontroller model: Kubernetes {} to {} (offline default {}; the server's release when connected)\nverified against the real controller of each release (its own code as the oracle, scripts/parity):\n{}",
                v.version,
                v.commit,
                v.kubernetes_oldest,
                v.kubernetes_newest,
                v.kubernetes_default,
                verified.join("\n")
            )
            .map_err(io_error)
        }
    }
}
