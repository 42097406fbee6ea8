//! What a mutating operation tells the world, as typed events.
//!
//! An operation (`ops::*`) never prints, prompts or looks at a terminal: it emits
//! [`Event`]s into a [`Sink`] and asks a [`Consent`](crate::ops::Consent) source before it
//! changes anything. Renderers turn the events into the CLI's text (`output::events`),
//! JSON Lines for `-o json` (schema: `docs/events.schema.json`, described in the README),
//! and the dashboard's messages. Every event has a human `message`, so a renderer that
//! knows nothing of a new event still says something true.
//!
//! This module sits below `ops` and `output` (both use it) and uses only the model.

use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

/// The version of the `-o json` event stream's schema, in its `start` event.
pub const SCHEMA_VERSION: u32 = 1;

/// An object a write or a plan names exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Object {
    /// `statefulset`, `pod`, `persistentvolumeclaim`.
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl Object {
    pub fn new(kind: &str, namespace: &str, name: &str) -> Object {
        Object {
            kind: kind.into(),
            namespace: namespace.into(),
            name: name.into(),
        }
    }
}

impl std::fmt::Display for Object {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.kind, self.name)
    }
}

/// One write a plan intends, on an exact object.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Intended {
    /// `patch`, `delete`.
    pub verb: String,
    pub object: Object,
    /// Why, in words.
    pub reason: String,
}

/// A pod template change a plan shows (rendered as a diff for people).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateChange {
    pub from_label: String,
    pub from: Value,
    pub to_label: String,
    pub to: Value,
}

/// How consent was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Given {
    /// `--yes` (or a flag that implies it, such as `--auto-rollback`).
    Flag,
    /// Answered `y` at a terminal prompt.
    Prompt,
    /// Confirmed in the dashboard's dialog.
    Dialog,
    /// `--dry-run=client` (nothing is sent) or `--dry-run=server` (sent with dryRun=All).
    DryRun,
}

/// A gate's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    Passed,
    Failed,
    Inconclusive,
}

/// How an operation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Succeeded,
    Failed,
    /// Interrupted (Ctrl-C, SIGTERM): the state is in the cluster; a re-run goes on.
    Stopped,
    /// Consent was refused: nothing changed.
    Cancelled,
}

/// One thing that happened. Serialized with `type` as the tag and camelCase fields; the
/// JSON renderer adds `time` and `target`.
#[derive(Clone, Debug, Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Event {
    /// The first event: which command runs.
    Start {
        schema_version: u32,
        command: Vec<String>,
        message: String,
    },
    /// What will be done, before consent: the exact objects, in order.
    Plan {
        message: String,
        /// The plan in lines, for people (after `template`, when there is one).
        lines: Vec<String>,
        writes: Vec<Intended>,
        #[serde(skip_serializing_if = "Option::is_none")]
        template: Option<TemplateChange>,
    },
    /// Consent was given, and how.
    Consent {
        given: Given,
        question: String,
        message: String,
    },
    /// A write that the API server accepted.
    Write {
        /// `patch`, `delete`.
        verb: String,
        object: Object,
        /// Preconditions the write carried.
        #[serde(skip_serializing_if = "Option::is_none")]
        uid: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        resource_version: Option<String>,
        dry_run: bool,
        message: String,
    },
    /// A wait begins: what for, until when.
    Wait {
        #[serde(rename = "for")]
        for_: String,
        deadline: Option<Timestamp>,
        message: String,
    },
    /// A change of a pod that matters to the wait.
    Observed {
        pod: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        ordinal: Option<i32>,
        /// `terminating`, `gone`, `ready`, `replaced` …
        change: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        revision: Option<String>,
        message: String,
    },
    /// Where a wait stands now (what a spinner shows).
    Progress { message: String },
    /// A gate's verdict, with its evidence.
    Gate {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pod: Option<String>,
        result: Verdict,
        evidence: String,
        message: String,
    },
    /// A statement for people: a step taken, a state reached.
    Info { message: String },
    /// Per-ordinal state at the end (the status table, for people).
    State {
        report: Box<crate::model::report::Report>,
        message: String,
    },
    Warning {
        message: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        hint: Option<String>,
    },
    Error {
        message: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        hint: Option<String>,
    },
    /// The last event.
    End {
        outcome: Outcome,
        exit_code: i32,
        message: String,
    },
}

impl Event {
    /// The event's sentence for people.
    pub fn message(&self) -> &str {
        match self {
            Event::Start { message, .. }
            | Event::Plan { message, .. }
            | Event::Consent { message, .. }
            | Event::Write { message, .. }
            | Event::Wait { message, .. }
            | Event::Observed { message, .. }
            | Event::Progress { message }
            | Event::Gate { message, .. }
            | Event::Info { message }
            | Event::State { message, .. }
            | Event::Warning { message, .. }
            | Event::Error { message, .. }
            | Event::End { message, .. } => message,
        }
    }

    /// The `type` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Start { .. } => "start",
            Event::Plan { .. } => "plan",
            Event::Consent { .. } => "consent",
            Event::Write { .. } => "write",
            Event::Wait { .. } => "wait",
            Event::Observed { .. } => "observed",
            Event::Progress { .. } => "progress",
            Event::Gate { .. } => "gate",
            Event::Info { .. } => "info",
            Event::State { .. } => "state",
            Event::Warning { .. } => "warning",
            Event::Error { .. } => "error",
            Event::End { .. } => "end",
        }
    }

    pub fn info(message: impl Into<String>) -> Event {
        Event::Info {
            message: message.into(),
        }
    }

    pub fn progress(message: impl Into<String>) -> Event {
        Event::Progress {
            message: message.into(),
        }
    }

    pub fn warning(message: impl Into<String>) -> Event {
        Event::Warning {
            message: message.into(),
            hint: None,
        }
    }
}

/// Where events go. Emitting never fails: a renderer that cannot write keeps the error
/// for its owner (an operation is not stopped by a closed pipe halfway through a write).
pub trait Sink {
    fn emit(&mut self, event: Event);

    /// An event of one StatefulSet of several (`rollout NAME… --all`): the JSON renderer
    /// adds it as `set`; others say what they would say of any event.
    fn emit_about(&mut self, set: (&str, &str), event: Event) {
        let _ = set;
        self.emit(event);
    }
}

/// Tags every event with the set it is about (see [`Sink::emit_about`]), for the events
/// an operation on one set of a group emits.
pub struct About<'a> {
    pub inner: &'a mut dyn Sink,
    pub namespace: &'a str,
    pub name: &'a str,
}

impl Sink for About<'_> {
    fn emit(&mut self, event: Event) {
        self.inner.emit_about((self.namespace, self.name), event);
    }

    fn emit_about(&mut self, set: (&str, &str), event: Event) {
        self.inner.emit_about(set, event);
    }
}

/// Collects events (tests, and the demo's checks).
impl Sink for Vec<Event> {
    fn emit(&mut self, event: Event) {
        self.push(event);
    }
}

/// The time events are stamped with, and what operations judge ages by: the machine's
/// clock for the CLI, the simulated cluster's virtual clock in the demo.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;

    /// The monotonic instant deadlines and stability windows are measured on (tokio's:
    /// virtual on a paused runtime).
    fn monotonic(&self) -> tokio::time::Instant {
        tokio::time::Instant::now()
    }
}

/// The machine's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct WallClock;

impl Clock for WallClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// Time counted on tokio's clock from an origin: the wall clock's pace on a normal
/// runtime, virtual (and as fast as the work allows) on a paused one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokioClock {
    origin: Timestamp,
    at: tokio::time::Instant,
}

impl TokioClock {
    /// A clock reading `origin` now.
    pub fn starting_at(origin: Timestamp) -> TokioClock {
        TokioClock {
            origin,
            at: tokio::time::Instant::now(),
        }
    }
}

impl Clock for TokioClock {
    fn now(&self) -> Timestamp {
        let elapsed = tokio::time::Instant::now().duration_since(self.at);
        let d = jiff::SignedDuration::try_from(elapsed).unwrap_or(jiff::SignedDuration::MAX);
        self.origin.checked_add(d).unwrap_or(self.origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialize_with_their_type_and_camel_case_fields() {
        let e = Event::Write {
            verb: "delete".into(),
            object: Object::new("pod", "default", "web-4"),
            uid: Some("u-1".into()),
            resource_version: Some("42".into()),
            dry_run: false,
            message: "deleted web-4".into(),
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["type"], "write");
        assert_eq!(v["resourceVersion"], "42");
        assert_eq!(v["dryRun"], false);
        assert_eq!(v["object"]["kind"], "pod");
        assert_eq!(e.kind(), "write");
        let w = serde_json::to_value(Event::Wait {
            for_: "pods gone".into(),
            deadline: None,
            message: String::new(),
        })
        .unwrap();
        assert_eq!(w["for"], "pods gone");
        let end = serde_json::to_value(Event::End {
            outcome: Outcome::Cancelled,
            exit_code: 1,
            message: String::new(),
        })
        .unwrap();
        assert_eq!(end["exitCode"], 1);
        assert_eq!(end["outcome"], "cancelled");
    }

    #[tokio::test(start_paused = true)]
    async fn the_tokio_clock_follows_paused_time() {
        let origin: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let c = TokioClock::starting_at(origin);
        tokio::time::sleep(std::time::Duration::from_secs(90)).await;
        assert_eq!(
            c.now(),
            "2026-01-01T00:01:30Z".parse::<Timestamp>().unwrap()
        );
    }
}
