//! One module per subcommand: its arguments come from `cli`, it calls the model (and,
//! later, the cluster layer and operations) and hands the result to a renderer. Thin.

pub mod complete;
pub mod dashboard;
pub mod delete;
pub mod demo;
pub mod force_rollback;
pub mod gates;
pub mod group;
pub mod inprocess;
pub mod operate;
pub mod plan;
pub mod preview;
pub mod recreate;
pub mod rollout;
pub mod sim;
pub mod status;
pub mod step;
pub mod version;

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::cli::ModelArgs;
use crate::error::{Error, Result};
use crate::model::profile::{Profile, Version, parse_gate_overrides};

/// The model's inputs (defined with the model; built here from the command line).
pub use crate::model::ModelSetup;

impl ModelSetup {
    /// Offline: the flags, else the default release.
    pub fn from_args(args: &ModelArgs) -> Result<ModelSetup> {
        ModelSetup::with_server(args, None)
    }

    /// Online: the flags, else the server's release.
    pub fn with_server(args: &ModelArgs, server: Option<Profile>) -> Result<ModelSetup> {
        let now = match &args.now {
            Some(t) => t.parse::<Timestamp>().map_err(|e| {
                Error::input(format!(
                    "invalid --now {t:?}: {e} (expected RFC 3339, e.g. 2026-01-01T00:00:00Z)"
                ))
            })?,
            None => Timestamp::now(),
        };
        let mut profile = match (&args.kubernetes_version, server) {
            (Some(v), _) => {
                let version = Version::parse(v).map_err(Error::input)?;
                Profile::for_version(version)
                    .map_err(|e| Error::input(format!("--kubernetes-version: {e}")))?
            }
            (None, Some(p)) => p,
            (None, None) => Profile::default(),
        };
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

/// A runtime for the commands that talk to a cluster.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::failed(format!("cannot start the async runtime: {e}")))
}

/// Connects as kubectl would and sets the model up for the server's release (unless the
/// flags name one).
pub async fn connect(
    kube: &crate::cli::KubeArgs,
    model: &ModelArgs,
) -> Result<(crate::cluster::Connection, ModelSetup)> {
    let conn = crate::cluster::connect(&kube.client_options()).await?;
    let server = match model.kubernetes_version {
        Some(_) => None,
        None => {
            let (profile, seen) =
                crate::cluster::load::server_profile(&conn.client, &conn.server).await?;
            if let Some(w) = crate::model::verified::beyond(seen) {
                eprintln!("warning: {}", crate::output::sanitize(&w));
            }
            Some(profile)
        }
    };
    let setup = ModelSetup::with_server(model, server)?;
    Ok((conn, setup))
}

/// Says on stderr what a read-only view could not read (stdout stays the view, so
/// `-o json` stays parseable).
pub fn warn_unread(unread: &[crate::cluster::load::Unread]) {
    for u in unread {
        eprintln!("warning: {}", crate::output::sanitize(&u.to_string()));
    }
}
