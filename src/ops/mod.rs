//! Mutating workflows shared by the CLI and (later) the TUI: observe a snapshot, decide
//! with the model, make one safe mutation, wait on watches. Each can be interrupted and
//! run again: the state lives in the cluster.

pub mod delete;
pub mod force_rollback;
pub mod pause;
pub mod step;
pub mod undo;
pub mod wait;

use std::io::IsTerminal;

use crate::error::{Error, Result};

/// The object an operation acts on: always an explicit namespace and name, never the
/// connection's default namespace (a dashboard over all namespaces must act on the set
/// it shows).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub namespace: String,
    pub name: String,
}

impl Target {
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> Target {
        Target {
            namespace: namespace.into(),
            name: name.into(),
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// Consent for a change: given by `--yes`, not needed for a server dry run, asked for on a
/// terminal (`[y/N]`, default no). Without a terminal the flags decide, as with kubectl.
pub fn consent(question: &str, yes: bool, server_dry_run: bool) -> Result<()> {
    if yes || server_dry_run || !std::io::stdin().is_terminal() {
        return Ok(());
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Error::failed(format!("reading the answer: {e}")))?;
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(Error::failed("cancelled; nothing changed"))
    }
}

/// What a write may do after its plan was shown: nothing (`--dry-run=client`), or go
/// ahead, as a server dry run or for real.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Go {
    /// `--dry-run=client`: stop here.
    NoChange,
    /// Go ahead; `server_dry` sends every write with dryRun=All.
    Ahead { server_dry: bool },
}

/// `--dry-run` and consent, after the plan was shown: the one gate every write passes.
pub fn go_ahead(dry_run: Option<&str>, yes: bool, question: &str) -> Result<Go> {
    if dry_run == Some("client") {
        return Ok(Go::NoChange);
    }
    let server_dry = dry_run == Some("server");
    consent(question, yes, server_dry)?;
    Ok(Go::Ahead { server_dry })
}

/// Puts a revision's `template` back into the set `name` (`rollout undo`, the forced
/// rollback), preconditioned on the resourceVersion `snap` was read at. Returns the set as
/// the server answered.
pub async fn revert_template(
    conn: &crate::cluster::Connection,
    target: &Target,
    snap: &crate::model::Snapshot,
    template: &serde_json::Value,
    server_dry_run: bool,
) -> Result<serde_json::Value> {
    let name = target.name.as_str();
    crate::cluster::mutate::patch_set(
        &conn.client,
        &target.namespace,
        name,
        &crate::model::revision::replace_patch(template),
        &snap.resource_version(),
        server_dry_run,
    )
    .await
    .map_err(|e| write_error(e, name))
}

/// A failed write as an error; a 409 (the object changed since it was read) says to run
/// the command again, which re-reads and re-plans.
pub fn write_error(e: crate::cluster::ClusterError, what: &str) -> Error {
    let conflict = e.is_conflict();
    let err: Error = e.into();
    if conflict {
        err.with_hint(format!(
            "{what} changed since it was read; run the command again"
        ))
    } else {
        err
    }
}

/// Deletes pod `pod` of `target`'s set as `snap` saw it: only if the set controls it
/// (controller reference to the set's uid), and only while it is still that object at
/// that resourceVersion (uid and resourceVersion preconditions; a change since answers
/// 409, for the caller to re-read and decide again). `Ok(false)` when it was already
/// gone.
pub async fn delete_controlled_pod(
    conn: &crate::cluster::Connection,
    target: &Target,
    snap: &crate::model::Snapshot,
    pod: &str,
) -> std::result::Result<bool, PodDeleteError> {
    use crate::cluster::mutate::{self, Preconditions};
    let record = snap
        .record(pod)
        .ok_or_else(|| PodDeleteError::Refused(format!("pod {pod} is not in the snapshot")))?;
    if record.owner != crate::model::pod::Owner::ThisSet
        || snap.set().metadata.uid.as_deref().unwrap_or("").is_empty()
    {
        return Err(PodDeleteError::Refused(format!(
            "pod {pod} is not controlled by statefulset/{} (no controller reference to its uid); it is never deleted by this tool",
            target.name
        )));
    }
    let rv = snap
        .pod(pod)
        .and_then(|p| p.metadata.resource_version.clone())
        .unwrap_or_default();
    mutate::delete_preconditioned(
        &conn.client,
        &mutate::pod_path(&target.namespace, pod),
        &format!("pod {pod:?} in namespace {:?}", target.namespace),
        &Preconditions {
            uid: &record.uid,
            resource_version: (!rv.is_empty()).then_some(rv.as_str()),
            ..Preconditions::default()
        },
    )
    .await
    .map_err(PodDeleteError::Api)
}

/// Why a pod was not deleted.
#[derive(Debug)]
pub enum PodDeleteError {
    /// The tool does not delete it (not controlled by the set).
    Refused(String),
    /// The API refused (409 when it changed since it was seen).
    Api(crate::cluster::ClusterError),
}

impl From<PodDeleteError> for Error {
    fn from(e: PodDeleteError) -> Error {
        match e {
            PodDeleteError::Refused(m) => Error::failed(m),
            PodDeleteError::Api(e) => e.into(),
        }
    }
}
