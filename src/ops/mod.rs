//! Mutating workflows shared by the CLI, the dashboard and the demo: observe a snapshot,
//! decide with the model, make one safe mutation, wait on watches. Each can be
//! interrupted and run again: the state lives in the cluster.
//!
//! An operation is a function of its target (namespace/name), its options, a cluster
//! connection and an [`Io`]: the sink its typed events go to, the source of consent and
//! the clock. It never writes to a terminal, prompts, or asks whether there is one:
//! renderers do that (`output::events`). Every wait is [`crate::cluster::wait::wait_until`].

pub mod checks;
pub mod delete;
pub mod force_rollback;
pub mod gates;
pub mod gitops;
pub mod group;
pub mod pause;
pub mod recreate;
pub mod step;
pub mod undo;

use crate::error::{Error, Result};
pub use crate::event::Given;
use crate::event::{Clock, Event, Object, Sink};

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

/// Where consent comes from: a terminal prompt (the CLI, in `cmd`), the dashboard's
/// dialog, or a flag. `Ok` says how it was given; a refusal is `Error::cancelled`.
pub trait Consent {
    fn ask(&mut self, question: &str) -> Result<Given>;
}

/// Consent already given, this way (`--yes`, `--auto-rollback`, the dashboard's dialog).
impl Consent for Given {
    fn ask(&mut self, _question: &str) -> Result<Given> {
        Ok(*self)
    }
}

/// What an operation talks to besides the cluster: where its events go, who gives
/// consent, and the clock it judges ages by.
pub struct Io<'a> {
    pub events: &'a mut dyn Sink,
    pub consent: &'a mut dyn Consent,
    pub clock: &'a dyn Clock,
}

impl Io<'_> {
    pub fn emit(&mut self, event: Event) {
        self.events.emit(event);
    }

    pub fn info(&mut self, message: impl Into<String>) {
        self.events.emit(Event::info(message));
    }

    /// A write the server accepted, with the preconditions it carried.
    pub fn wrote(
        &mut self,
        verb: &str,
        object: Object,
        (uid, resource_version): (Option<&str>, Option<&str>),
        dry_run: bool,
        message: impl Into<String>,
    ) {
        self.events.emit(Event::Write {
            verb: verb.into(),
            object,
            uid: uid.filter(|u| !u.is_empty()).map(str::to_string),
            resource_version: resource_version
                .filter(|r| !r.is_empty())
                .map(str::to_string),
            dry_run,
            message: message.into(),
        });
    }

    /// The clock, never before the `--now` the model was set up with.
    pub fn now(&self, setup: &crate::model::ModelSetup) -> jiff::Timestamp {
        self.clock.now().max(setup.now)
    }

    /// The same events and clock, with consent already given `how` (an operation that
    /// runs another: the rollback a failed step performs under `--auto-rollback`).
    pub fn with_consent<'b>(&'b mut self, how: &'b mut Given) -> Io<'b> {
        Io {
            events: &mut *self.events,
            consent: how,
            clock: self.clock,
        }
    }
}

/// Events kept in memory, with consent given one way (tests; checks on what an operation
/// did).
pub struct Recorded {
    pub events: Vec<Event>,
    pub consent: Given,
}

impl Recorded {
    pub fn new(consent: Given) -> Recorded {
        Recorded {
            events: Vec::new(),
            consent,
        }
    }

    /// An [`Io`] over these, on the machine's clock.
    pub fn io(&mut self) -> Io<'_> {
        Io {
            events: &mut self.events,
            consent: &mut self.consent,
            clock: &crate::event::WallClock,
        }
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
pub fn go_ahead(io: &mut Io<'_>, dry_run: Option<&str>, question: &str) -> Result<Go> {
    let (given, go) = match dry_run {
        Some("client") => (Given::DryRun, Go::NoChange),
        Some("server") => (Given::DryRun, Go::Ahead { server_dry: true }),
        _ => (io.consent.ask(question)?, Go::Ahead { server_dry: false }),
    };
    io.emit(Event::Consent {
        given,
        question: question.into(),
        message: match (given, go) {
            (Given::DryRun, Go::NoChange) => "client dry run: nothing is sent".into(),
            (Given::DryRun, _) => "server dry run: every write is sent with dryRun=All".into(),
            (Given::Flag, _) => "consent given by a flag (--yes)".into(),
            (Given::Prompt, _) => "consent given at the prompt".into(),
            (Given::Dialog, _) => "consent given in the dashboard".into(),
        },
    });
    Ok(go)
}

/// Puts a revision's `template` back into the set `name` (`rollout undo`, the forced
/// rollback), preconditioned on the resourceVersion `snap` was read at. Returns the set as
/// the server answered.
pub async fn revert_template(
    conn: &crate::cluster::Connection,
    io: &mut Io<'_>,
    target: &Target,
    snap: &crate::model::Snapshot,
    (template, revision): (&serde_json::Value, &str),
    server_dry_run: bool,
) -> Result<serde_json::Value> {
    let name = target.name.as_str();
    let patched = patch_set(
        conn,
        io,
        (target, snap),
        &crate::model::revision::replace_patch(template),
        server_dry_run,
        format!(
            "template of statefulset/{name} set to revision {revision}{}",
            if server_dry_run {
                " (server dry run)"
            } else {
                ""
            }
        ),
    )
    .await
    .map_err(|e| write_error(e, name))?;
    Ok(patched)
}

/// Patches the statefulset `target` as `snap` read it — its uid and resourceVersion sent
/// as preconditions (a 409 when it changed since or is another object, for the caller
/// to re-read); once accepted, a `write` event names it with those preconditions and
/// says `said`.
pub async fn patch_set(
    conn: &crate::cluster::Connection,
    io: &mut Io<'_>,
    (target, snap): (&Target, &crate::model::Snapshot),
    patch: &serde_json::Value,
    server_dry_run: bool,
    said: impl Into<String>,
) -> std::result::Result<serde_json::Value, crate::cluster::ClusterError> {
    let rv = snap.resource_version();
    let uid = snap.set().metadata.uid.as_deref().unwrap_or("");
    let patched = crate::cluster::mutate::patch_set(
        &conn.client,
        &target.namespace,
        &target.name,
        patch,
        (uid, &rv),
        server_dry_run,
    )
    .await?;
    io.wrote(
        "patch",
        Object::new("statefulset", &target.namespace, &target.name),
        (Some(uid), Some(&rv)),
        server_dry_run,
        said,
    );
    Ok(patched)
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
/// gone; a `write` event names the deleted pod and its preconditions.
pub async fn delete_controlled_pod(
    conn: &crate::cluster::Connection,
    io: &mut Io<'_>,
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
    let deleted = mutate::delete_preconditioned(
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
    .map_err(PodDeleteError::Api)?;
    if deleted {
        io.wrote(
            "delete",
            Object::new("pod", &target.namespace, pod),
            (Some(&record.uid), Some(&rv)),
            false,
            format!("deleted {pod} (uid {})", record.uid),
        );
    }
    Ok(deleted)
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
