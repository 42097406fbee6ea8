//! The group view (`a`): the sets of one namespace in the list as one grid, a row per
//! set, and the group's rollout (`s` one pod, `S` all) — `rollout NAME… --all` within
//! the PodDisruptionBudgets, run by the CLI's own `ops::group`.

use jiff::Timestamp;

use super::{Dialog, Op};
use crate::model::profile::Profile;
use crate::model::report::{self, Report};
use crate::model::stepping::{self, Next};
use crate::model::{self, Snapshot};

/// The sets of the group, in the order the group rolls out (the list's: by name).
#[derive(Debug)]
pub struct Group {
    pub namespace: String,
    pub names: Vec<String>,
    /// The latest read of each set that could be read, in `names` order.
    pub reports: Vec<Report>,
    snaps: Vec<Snapshot>,
}

impl Group {
    pub fn new(namespace: &str, names: Vec<String>) -> Group {
        Group {
            namespace: namespace.to_string(),
            names,
            reports: Vec::new(),
            snaps: Vec::new(),
        }
    }

    /// The group as the target of an operation: its sets, comma-separated.
    pub fn label(&self) -> String {
        self.names.join(",")
    }

    /// A fresh read of the group's sets.
    pub(super) fn show(&mut self, mut snaps: Vec<Snapshot>, now: Timestamp, profile: &Profile) {
        snaps.retain(|s| {
            s.namespace() == self.namespace && self.names.iter().any(|n| n == s.name())
        });
        snaps.sort_by_key(|s| self.names.iter().position(|n| n == s.name()));
        self.reports = snaps
            .iter()
            .map(|s| {
                let plan = model::plan(s, now, profile);
                report::report(s, &plan, now, profile)
            })
            .collect();
        self.snaps = snaps;
    }

    /// Pods of the group not yet on their set's update revision.
    pub fn left(&self) -> usize {
        self.reports
            .iter()
            .map(|r| {
                r.rows
                    .iter()
                    .filter(|row| row.revision.as_deref() != Some(r.update_revision.as_str()))
                    .count()
            })
            .sum()
    }

    /// The confirmation of the group's rollout: each set, and the next step of the first
    /// set not done (`all`: then the rest, one pod at a time).
    pub(super) fn confirm(&self, all: bool) -> Option<Dialog> {
        if self.reports.is_empty() {
            return None;
        }
        let mut plan: Vec<String> = self
            .reports
            .iter()
            .map(|r| {
                format!(
                    "{}: {} of {} on {}, partition {}",
                    r.name,
                    r.updated,
                    r.replicas,
                    r.update_revision,
                    r.partition.map_or("none".into(), |p| p.to_string())
                )
            })
            .collect();
        let next = self.snaps.iter().zip(&self.reports).find_map(|(s, r)| {
            match stepping::next_of(s, r, 1, None) {
                Next::Complete { .. } => None,
                Next::Refuse { .. } if stepping::rolled_out(r) => None,
                Next::Lower { from, to, ordinals } => Some(format!(
                    "Next: {} partition {from} → {to} (ordinals {}), once every PodDisruptionBudget over its pods allows it.",
                    r.name,
                    super::join(&ordinals)
                )),
                Next::Refuse { reason } => Some(format!("Next: {}: {reason}.", r.name)),
                other => Some(format!("Next: {}: {}.", r.name, describe(&other))),
            }
        });
        plan.push(next.unwrap_or_else(|| "Nothing to do: every set is rolled out.".into()));
        plan.push(if all {
            format!(
                "Then the rest, one pod at a time, each Ready and stable before the next ({} pod(s) left); a failure stops all.",
                self.left()
            )
        } else {
            "One step only: then the group waits for you.".to_string()
        });
        let title = format!(
            "{} the group {}",
            if all { "Roll out" } else { "Step" },
            self.names.join(", ")
        );
        Some(Dialog::Confirm {
            title,
            plan,
            op: Op::Group {
                names: self.names.clone(),
                all,
            },
        })
    }
}

fn describe(next: &Next) -> String {
    match next {
        Next::Regate { partition, .. } => {
            format!("gate the step to partition {partition} again")
        }
        Next::Replacing { ordinal } => format!("wait for ordinal {ordinal}'s replacement"),
        Next::Delete { pod, .. } => format!("delete {pod} (OnDelete)"),
        _ => String::new(),
    }
}
