//! The dashboard's state, messages and update function (the Elm architecture): `update`
//! turns one message into a new state and the commands the runtime carries out. No I/O
//! here, so every key can be tested; nothing reaches the cluster without a confirmation.

use std::collections::VecDeque;

use crossterm::event::KeyEvent;
use jiff::Timestamp;

use crate::model::diagnose::RolloutState;
use crate::model::history::{self, Entry};
use crate::model::preview::{self, Assumptions};
use crate::model::profile::Profile;
use crate::model::report::{self, Report, Role};
use crate::model::stepping::{self, Next};
use crate::model::{self, Snapshot};

mod group;
mod keys;
mod step;
pub use group::Group;
use keys::on_key;
pub use step::{GateRow, StepPanel};

/// One StatefulSet in the list pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetItem {
    pub namespace: String,
    pub name: String,
    pub state: RolloutState,
    pub updated: i32,
    pub replicas: i32,
}

impl SetItem {
    /// From the set's own status (the list pane; the selected set is then judged by the
    /// model from its watch).
    pub fn from_status(set: &serde_json::Value) -> SetItem {
        let str_at = |p: &str| {
            set.pointer(p)
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let (state, updated, replicas) = model::progress::state_from_status(set);
        SetItem {
            namespace: str_at("/metadata/namespace"),
            name: str_at("/metadata/name"),
            state,
            updated,
            replicas,
        }
    }

    pub fn of(snap: &Snapshot, now: Timestamp, profile: &Profile) -> SetItem {
        let plan = model::plan(snap, now, profile);
        SetItem {
            namespace: snap.namespace().to_string(),
            name: snap.name().to_string(),
            state: plan.diagnosis.state,
            updated: plan.status.updated_replicas,
            replicas: plan.status.replicas,
        }
    }
}

/// A change to the cluster, run in the background with the CLI's functions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Step {
        by: u32,
    },
    Pause,
    Resume,
    ForceRollback,
    Undo {
        revision: i64,
    },
    Delete,
    /// `resize` with these `CLAIM=SIZE` arguments.
    Resize {
        sizes: Vec<String>,
    },
    /// The group's rollout (`rollout NAME… --all` within the budgets): one pod, or all.
    Group {
        names: Vec<String>,
        all: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dialog {
    /// The plan of `op`, and y/n.
    Confirm {
        title: String,
        plan: Vec<String>,
        op: Op,
    },
    /// How many ordinals to step.
    StepCount { input: String },
    /// The sizes to grow the claims to (`data=20Gi …`).
    Sizes { input: String },
    /// Which revision to undo to.
    Undo {
        entries: Vec<(i64, String)>,
        selected: usize,
    },
    /// Quit while `what` runs? Quitting stops it where it is.
    QuitWhileBusy { what: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help,
    Text {
        title: String,
        lines: Vec<String>,
        scroll: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Quit,
    /// Carry out `op` on set `namespace/name` (only ever after a confirmation).
    Run {
        namespace: String,
        name: String,
        op: Op,
    },
    /// Watch another set.
    Watch {
        namespace: String,
        name: String,
    },
    /// Follow these sets as a group (`a`), or no group (an empty `names`).
    WatchGroup {
        namespace: String,
        names: Vec<String>,
    },
}

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Snapshot(Box<Snapshot>),
    Sets(Vec<SetItem>),
    Reconnecting(String),
    /// The clock moved (countdowns).
    Tick(Timestamp),
    /// An event of the running operation (`crate::event`).
    Op(crate::event::Event),
    /// The operation ended: its last words or its error.
    Done(Result<String, String>),
    /// Narration (the demo's story), shown with the events.
    Note(String),
    Resize,
    /// The group's sets, read afresh.
    Group(Vec<Snapshot>),
}

pub struct App {
    pub namespace: String,
    pub sets: Vec<SetItem>,
    pub selected_set: usize,
    pub snap: Option<Box<Snapshot>>,
    pub report: Option<Report>,
    pub next_action: String,
    pub history: Vec<Entry>,
    pub now: Timestamp,
    pub profile: Profile,
    /// First grid row shown, and the highlighted row.
    pub scroll: usize,
    pub cursor: usize,
    pub compact: bool,
    pub events: VecDeque<String>,
    pub reconnecting: Option<String>,
    pub dialog: Option<Dialog>,
    pub overlay: Option<Overlay>,
    /// The running operation and its latest progress line.
    pub busy: Option<(String, String)>,
    /// The last operation's outcome.
    pub status: Option<Result<String, String>>,
    /// The running (or last) step: its plan, its wait, its gates' verdicts.
    pub step: Option<StepPanel>,
    pub color: bool,
    /// Rows of the grid that fit (set by the view's last layout; used for paging).
    pub page: usize,
    /// The group view (`a`): the sets of the selected set's namespace in the list, one
    /// row each.
    pub group: Option<Group>,
}

const MAX_EVENTS: usize = 50;

impl App {
    pub fn new(namespace: &str, now: Timestamp, profile: Profile, color: bool) -> App {
        App {
            namespace: namespace.to_string(),
            sets: Vec::new(),
            selected_set: 0,
            snap: None,
            report: None,
            next_action: String::new(),
            history: Vec::new(),
            now,
            profile,
            scroll: 0,
            cursor: 0,
            compact: false,
            events: VecDeque::new(),
            reconnecting: None,
            dialog: None,
            overlay: None,
            busy: None,
            status: None,
            step: None,
            color,
            page: 20,
            group: None,
        }
    }

    /// Whether a countdown is running (minReadySeconds) or an operation is: only then
    /// does the clock need to tick the screen.
    pub fn needs_tick(&self) -> bool {
        self.busy.is_some()
            || self.report.as_ref().is_some_and(|r| {
                r.min_ready_seconds > 0 && r.rows.iter().any(|row| row.ready && !row.available)
            })
    }

    fn set_name(&self) -> Option<(String, String)> {
        self.snap
            .as_ref()
            .map(|s| (s.namespace().to_string(), s.name().to_string()))
    }

    fn refresh(&mut self) {
        let Some(snap) = &self.snap else { return };
        let plan = model::plan(snap, self.now, &self.profile);
        let r = report::report(snap, &plan, self.now, &self.profile);
        self.history = history::entries(
            snap,
            &plan.current_revision,
            &plan.update_revision,
            &self.profile,
        );
        self.next_action = r.next_action.clone();
        if let Some(item) = self
            .sets
            .iter_mut()
            .find(|s| s.name == r.name && s.namespace == r.namespace)
        {
            item.state = r.diagnosis.state;
            item.updated = r.updated;
            item.replicas = r.replicas;
        }
        if let Some(old) = &self.report
            && old.name == r.name
        {
            self.note_changes(old.clone(), &r);
        }
        self.cursor = self.cursor.min(r.rows.len().saturating_sub(1));
        self.report = Some(r);
    }

    /// Derived events: what changed per ordinal between two reports.
    fn note_changes(&mut self, old: Report, new: &Report) {
        let time = self.now.strftime("%H:%M:%S").to_string();
        for row in &new.rows {
            let before = old.rows.iter().find(|o| o.ordinal == row.ordinal);
            let describe = |r: &report::Row| {
                if r.role == Role::Missing {
                    return "missing".to_string();
                }
                let mut s = format!("{}{}", r.phase, if r.ready { ", Ready" } else { "" });
                if r.terminating {
                    s.push_str(", terminating");
                }
                if let Some(reason) = &r.reason {
                    s.push_str(&format!(", {reason}"));
                }
                if let Some(n) = r.revision_number {
                    s.push_str(&format!(" (#{n})"));
                }
                s
            };
            let now_s = describe(row);
            let was = before.map(describe);
            if was.as_deref() != Some(now_s.as_str()) {
                let pod = row
                    .pod
                    .clone()
                    .unwrap_or_else(|| format!("{}-{}", new.name, row.ordinal));
                let line = match was {
                    Some(w) => format!("{time} {pod}: {w} → {now_s}"),
                    None => format!("{time} {pod}: {now_s}"),
                };
                self.events.push_front(line);
            }
        }
        if old.partition != new.partition {
            self.events.push_front(format!(
                "{time} {}: partition {} → {}",
                new.name,
                old.partition.map_or("unset".into(), |p| p.to_string()),
                new.partition.map_or("unset".into(), |p| p.to_string())
            ));
        }
        self.events.truncate(MAX_EVENTS);
    }

    /// The confirmation dialog for `op`, showing what it will do first.
    fn confirm(&self, op: Op) -> Option<Dialog> {
        if let Op::Group { all, .. } = op {
            return self.group.as_ref()?.confirm(all);
        }
        let r = self.report.as_ref()?;
        let snap = self.snap.as_ref()?;
        let name = &r.name;
        let (title, plan) = match &op {
            Op::Step { by } => {
                let plan = match stepping::next_of(snap, r, *by, None) {
                    Next::Lower { from, to, ordinals } => vec![
                        format!("Lower the partition of {name} from {from} to {to}."),
                        format!(
                            "Ordinals {} move to {}, then each must be Ready, available and stable for 30s.",
                            join(&ordinals),
                            r.update_revision
                        ),
                    ],
                    Next::Delete { pod, .. } => vec![format!(
                        "Delete {pod} (OnDelete, uid precondition); it comes back on {}.",
                        r.update_revision
                    )],
                    Next::Regate {
                        partition, ordinals, ..
                    } => vec![format!(
                        "The step to partition {partition} has not passed its gates; wait for ordinals {}.",
                        join(&ordinals)
                    )],
                    Next::Replacing { ordinal } => {
                        vec![format!("Wait for {name}-{ordinal}'s replacement.")]
                    }
                    Next::Refuse { reason } => vec![format!("Nothing to do: {reason}.")],
                    Next::Complete { message } => vec![format!("Nothing to do: {message}.")],
                };
                (format!("Step {name} by {by}"), plan)
            }
            Op::Pause => (
                format!("Pause {name}"),
                vec![format!(
                    "Pin the partition at the rollout's frontier ({}); the current partition is recorded for resume.",
                    model::progress::pause_point(r)
                )],
            ),
            Op::Resume => (
                format!("Resume {name}"),
                vec!["Restore the partition recorded by pause.".to_string()],
            ),
            Op::ForceRollback => {
                let plan = model::plan(snap, self.now, &self.profile);
                let stuck = model::recovery::stuck_elsewhere(snap, &plan, &self.profile);
                let mut lines = vec![format!(
                    "Revert the template of {name} to the last good revision AND delete the pods stuck on {} (highest ordinal first), then wait for recovery.",
                    r.update_revision
                )];
                if let Ok(target) = model::recovery::target(&self.history, &plan, None, stuck) {
                    let rec = model::recovery::recovery(
                        snap,
                        target,
                        &r.update_revision,
                        false,
                        &self.profile,
                    );
                    lines.push(format!("Target: revision #{} ({}).", target.number, target.name));
                    let pods: Vec<&str> = rec.delete.iter().map(|p| p.name.as_str()).collect();
                    lines.push(format!(
                        "Pods to delete: {}.",
                        if pods.is_empty() { "none".to_string() } else { pods.join(", ") }
                    ));
                }
                (format!("Force rollback {name}"), lines)
            }
            Op::Undo { revision } => (
                format!("Undo {name} to revision #{revision}"),
                vec![
                    format!("Replace the pod template with revision #{revision}'s (kubectl rollout undo)."),
                    "Pods are not deleted: pods stuck on a broken revision keep the rollout stuck (use force-rollback).".to_string(),
                ],
            ),
            Op::Resize { sizes } => (
                format!("Resize the volumes of {name}"),
                vec![
                    format!("Grow the claims: {}.", sizes.join(" ")),
                    "Then delete the StatefulSet with propagationPolicy Orphan and create it again with the new sizes; its pods keep running and are adopted.".to_string(),
                    "Refused with nothing changed: a shrink, a class that cannot expand.".to_string(),
                ],
            ),
            Op::Group { .. } => return None,
            Op::Delete => (
                format!("Delete {name} in order"),
                vec![
                    format!("Scale {name} to 0, wait for the pods to go from the highest ordinal down, then delete the StatefulSet."),
                    "PersistentVolumeClaims are kept.".to_string(),
                ],
            ),
        };
        Some(Dialog::Confirm { title, plan, op })
    }

    fn text_overlay(&mut self, title: String, lines: Vec<String>) {
        self.overlay = Some(Overlay::Text {
            title,
            lines,
            scroll: 0,
        });
    }

    /// `d`: the revision history and the template diff of current → update.
    fn history_overlay(&mut self) {
        let Some(r) = &self.report else { return };
        let mut lines = vec!["REVISION  NAME                ROLE             ORDINALS".to_string()];
        for e in &self.history {
            let role = match (e.current, e.update) {
                (true, true) => "current, update",
                (true, false) => "current",
                (false, true) => "update",
                _ => "",
            };
            lines.push(format!(
                "{:<9} {:<19} {:<16} {}",
                e.number,
                e.name,
                role,
                if e.ordinals.is_empty() {
                    "-".to_string()
                } else {
                    join(&e.ordinals)
                }
            ));
        }
        lines.push(String::new());
        let current = self.history.iter().find(|e| e.name == r.current_revision);
        let update = self.history.iter().find(|e| e.name == r.update_revision);
        match (current, update) {
            (Some(a), Some(b)) if a.name != b.name => {
                let diff = crate::output::diff::unified(
                    &format!("#{} {}", a.number, a.name),
                    &a.template,
                    &format!("#{} {}", b.number, b.name),
                    &b.template,
                    crate::output::Style::plain(),
                );
                lines.extend(diff.lines().map(str::to_string));
            }
            _ => lines.push("The current and update revisions are the same.".to_string()),
        }
        self.text_overlay(format!("History of {}", r.name), lines);
    }

    /// `v`: the rollout timeline of the template as it stands.
    fn preview_overlay(&mut self) {
        let Some(snap) = &self.snap else { return };
        let assume = Assumptions {
            ready_after: preview::observed_ready_after(snap)
                .unwrap_or(Assumptions::default().ready_after),
            ..Assumptions::default()
        };
        let t = preview::preview(snap, self.now, &self.profile, assume, 200_000);
        let text = crate::output::preview::text(&t, "observed", crate::output::Style::plain());
        self.text_overlay(
            format!("Preview of {}", snap.name()),
            text.lines().map(str::to_string).collect(),
        );
    }

    /// `enter`: the highlighted pod as YAML.
    fn pod_overlay(&mut self) {
        let (Some(r), Some(snap)) = (&self.report, &self.snap) else {
            return;
        };
        let Some(row) = r.rows.get(self.cursor) else {
            return;
        };
        let Some(pod) = row.pod.as_deref().and_then(|p| snap.pod(p)) else {
            self.status = Some(Err(format!("ordinal {} has no pod", row.ordinal)));
            return;
        };
        let yaml = serde_saphyr::to_string(pod).unwrap_or_else(|e| format!("cannot render: {e}"));
        self.text_overlay(
            format!("pod/{}", pod.metadata.name.as_deref().unwrap_or("")),
            yaml.lines().map(str::to_string).collect(),
        );
    }
}

fn join(o: &[i32]) -> String {
    o.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

/// One message in; whether the screen must be redrawn, and what the runtime must do.
pub fn update(app: &mut App, msg: Msg) -> (bool, Vec<Command>) {
    match msg {
        Msg::Snapshot(s) => {
            app.reconnecting = None;
            app.snap = Some(s);
            app.refresh();
            (true, Vec::new())
        }
        Msg::Sets(sets) => {
            let current = app.set_name();
            app.sets = sets;
            if let Some((ns, name)) = current
                && let Some(i) = app
                    .sets
                    .iter()
                    .position(|s| s.name == name && s.namespace == ns)
            {
                app.selected_set = i;
            }
            app.selected_set = app.selected_set.min(app.sets.len().saturating_sub(1));
            let cmds = match (&app.snap, app.sets.get(app.selected_set)) {
                (None, Some(s)) => vec![Command::Watch {
                    namespace: s.namespace.clone(),
                    name: s.name.clone(),
                }],
                _ => Vec::new(),
            };
            (true, cmds)
        }
        Msg::Reconnecting(why) => {
            app.reconnecting = Some(why);
            (true, Vec::new())
        }
        Msg::Tick(now) => {
            app.now = now;
            app.refresh();
            (true, Vec::new())
        }
        Msg::Op(event) => {
            use crate::event::Event;
            StepPanel::follow(&mut app.step, &event);
            let line = event
                .message()
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            // Writes, verdicts and warnings stay in the events pane; everything said is
            // the busy line's latest word.
            if matches!(
                event,
                Event::Write { .. }
                    | Event::Gate { .. }
                    | Event::Warning { .. }
                    | Event::Observed { .. }
            ) {
                app.events.push_front(format!("» {line}"));
                app.events.truncate(MAX_EVENTS);
            }
            if let (Some((_, last)), false) = (&mut app.busy, line.is_empty()) {
                *last = line;
            }
            (true, Vec::new())
        }
        Msg::Done(result) => {
            StepPanel::ended(&mut app.step, &result);
            let what = app.busy.take().map(|b| b.0).unwrap_or_default();
            app.status = Some(match result {
                Ok(msg) => Ok(format!("{what}: {msg}")),
                Err(e) => Err(format!("{what}: {e}")),
            });
            (true, Vec::new())
        }
        Msg::Note(n) => {
            app.events.push_front(format!("» {n}"));
            app.events.truncate(MAX_EVENTS);
            (true, Vec::new())
        }
        Msg::Resize => (true, Vec::new()),
        Msg::Group(snaps) => {
            let (now, profile) = (app.now, app.profile);
            if let Some(g) = &mut app.group {
                g.show(snaps, now, &profile);
            }
            (true, Vec::new())
        }
        Msg::Key(key) => on_key(app, key),
    }
}
