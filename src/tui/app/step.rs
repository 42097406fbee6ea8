//! The step panel: the running (or last) step's plan, what it waits for, and each gate's
//! latest verdict with its evidence — read from the step's own events.

use crate::event::{Event, Verdict};

/// One gate's latest verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GateRow {
    pub name: String,
    pub pod: Option<String>,
    pub result: Verdict,
    pub evidence: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepPanel {
    /// The step's plan ("Step: statefulset/web partition 4 → 3; …").
    pub title: String,
    /// What it waits for now, or how it ended.
    pub waiting: String,
    pub gates: Vec<GateRow>,
    /// Whether it succeeded, once it ended.
    pub ended: Option<bool>,
}

impl StepPanel {
    /// Follows `event`: a step's plan opens a new panel (in `panel`), its waits and
    /// progress update the waiting line, its gates their rows.
    pub fn follow(panel: &mut Option<StepPanel>, event: &Event) {
        match event {
            Event::Plan { message, .. } if message.starts_with("Step") => {
                *panel = Some(StepPanel {
                    title: first_line(message),
                    ..StepPanel::default()
                });
            }
            Event::Wait { message, .. } | Event::Progress { message } => {
                if let Some(p) = panel {
                    p.waiting = first_line(message);
                }
            }
            Event::Gate {
                name,
                pod,
                result,
                evidence,
                ..
            } => {
                let Some(p) = panel else { return };
                let row = GateRow {
                    name: name.clone(),
                    pod: pod.clone(),
                    result: *result,
                    evidence: first_line(evidence),
                };
                match p
                    .gates
                    .iter_mut()
                    .find(|g| g.name == row.name && g.pod == row.pod)
                {
                    Some(g) => *g = row,
                    None => p.gates.push(row),
                }
            }
            _ => {}
        }
    }

    /// The step ended (the operation's outcome).
    pub fn ended(panel: &mut Option<StepPanel>, outcome: &Result<String, String>) {
        if let Some(p) = panel {
            p.ended = Some(outcome.is_ok());
            p.waiting = match outcome {
                Ok(m) => format!("done: {m}"),
                Err(e) => format!("stopped: {e}"),
            };
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}
