//! The re-creation's journal: before the set is deleted, the exact set to create is
//! written to a file in the user's state directory and to an annotation on each of its
//! pods, so that a run interrupted at any point is finished by running it again — on
//! this machine (the file) or another (the pods).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ops::Target;

/// What a re-creation needs to be finished by another run.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Journal {
    /// The API server it is for.
    pub server: String,
    pub namespace: String,
    pub name: String,
    /// The uid of the set that is deleted (orphaning its pods).
    pub old_uid: String,
    /// The set to create (`model::recreate::to_create`).
    pub set: Value,
    /// The pods the new set must adopt: name and uid, as the plan saw them.
    pub pods: Vec<(String, String)>,
    /// The claims patched, and the size each must reach.
    pub claims: Vec<(String, String)>,
}

/// Where state is kept: `KUBECTL_STS_STATE_DIR`, else `$XDG_STATE_HOME/kubectl-sts`,
/// else `~/.local/state/kubectl-sts`.
pub fn state_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("KUBECTL_STS_STATE_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_STATE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("kubectl-sts");
    }
    let home = std::env::var_os("HOME").unwrap_or_default();
    PathBuf::from(home).join(".local/state/kubectl-sts")
}

/// The journal file of `target` on `server`.
pub fn path(dir: &Path, server: &str, target: &Target) -> PathBuf {
    // `https://10.0.0.1:6443/` → `10.0.0.1_6443`
    let host = server
        .split("://")
        .last()
        .unwrap_or(server)
        .trim_end_matches('/');
    let server: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join("recreate")
        .join(server)
        .join(&target.namespace)
        .join(format!("{}.json", target.name))
}

/// The journal at `path`, if there is one.
pub fn read(path: &Path) -> Result<Option<Journal>> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            Error::failed(format!(
                "the journal {} cannot be read: {e}",
                path.display()
            ))
            .with_hint("it records an interrupted re-creation; repair or remove it")
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::failed(format!(
            "reading the journal {}: {e}",
            path.display()
        ))),
    }
}

/// Writes `journal` to `path` whole (a temporary file renamed into place).
pub fn write(path: &Path, journal: &Journal) -> Result<()> {
    let fail = |e: std::io::Error| {
        Error::failed(format!("writing the journal {}: {e}", path.display())).with_hint(
            "nothing was changed in the cluster; set KUBECTL_STS_STATE_DIR to a writable directory",
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let tmp = path.with_extension("json.tmp");
    let bytes = serde_json::to_vec_pretty(journal)
        .map_err(|e| Error::failed(format!("encoding the journal: {e}")))?;
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

/// Removes the journal once the re-creation is finished.
pub fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::failed(format!(
            "removing the journal {}: {e}",
            path.display()
        ))),
    }
}
