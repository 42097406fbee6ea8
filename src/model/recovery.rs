//! The forced rollback (kubernetes#67250, SPEC §5): which revision to go back to, and
//! which pods must be deleted because the controller will never replace them by itself —
//! pods not on the target revision that are not Running and Ready. Pure.

use serde::Serialize;

use super::history::Entry;
use super::plan::Plan;
use super::profile::Profile;
use super::set::SetView;
use super::snapshot::Snapshot;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodRef {
    pub name: String,
    pub uid: String,
    pub ordinal: i32,
    pub revision: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recovery {
    pub target_revision: String,
    pub target_number: i64,
    /// Deleted, highest ordinal first (the order the controller deletes in).
    pub delete: Vec<PodRef>,
    /// Not on the target revision but Running and Ready: the rolling update replaces them.
    pub left_alone: Vec<PodRef>,
}

/// The revision to go back to: `to_revision`; else status.currentRevision when it
/// differs from the update revision (the last fully rolled-out one); else, when pods are
/// stuck on another revision, the update revision itself (the template was already
/// reverted — a second run); else the previous revision by number.
pub fn target<'e>(
    entries: &'e [Entry],
    plan: &Plan,
    to_revision: Option<i64>,
    stuck_elsewhere: bool,
) -> Result<&'e Entry, String> {
    let chosen = match to_revision {
        Some(n) => entries
            .iter()
            .find(|e| e.number == n)
            .ok_or_else(|| format!("no revision {n} in the history"))?,
        None if plan.current_revision == plan.update_revision && stuck_elsewhere => entries
            .iter()
            .find(|e| e.name == plan.update_revision)
            .ok_or_else(|| {
                format!(
                    "the update revision {} is not in the history",
                    plan.update_revision
                )
            })?,
        None if plan.current_revision != plan.update_revision => entries
            .iter()
            .find(|e| e.name == plan.current_revision)
            .ok_or_else(|| {
                format!(
                    "the current revision {} is no longer in the history",
                    plan.current_revision
                )
            })?,
        None => {
            if entries.len() < 2 {
                return Err("there is no earlier revision to roll back to".into());
            }
            &entries[entries.len() - 2]
        }
    };
    let bad_is_target =
        chosen.name == plan.update_revision && plan.current_revision != plan.update_revision;
    if bad_is_target {
        return Err(format!(
            "revision {} is the one being rolled out; choose an earlier one with --to-revision",
            chosen.number
        ));
    }
    Ok(chosen)
}

/// The pods a forced rollback to `target` deletes. `all_bad` also takes Ready pods still
/// on `bad_revision`.
pub fn recovery(
    snap: &Snapshot,
    target: &Entry,
    bad_revision: &str,
    all_bad: bool,
    profile: &Profile,
) -> Recovery {
    let view = SetView::of(snap, profile);
    let mut delete = Vec::new();
    let mut left_alone = Vec::new();
    let mut pods = super::sync::claim_pods(snap, &view);
    pods.sort_by_key(|p| std::cmp::Reverse(p.ordinal));
    for p in pods {
        // Only pods the set controls (not orphans it would adopt) are ever deleted.
        if p.revision == target.name.as_str()
            || p.terminating
            || p.owner != super::pod::Owner::ThisSet
        {
            continue;
        }
        let r = PodRef {
            name: p.name.to_string(),
            uid: p.uid.to_string(),
            ordinal: p.ordinal,
            revision: p.revision.to_string(),
        };
        if !p.is_running_and_ready() || (all_bad && p.revision == bad_revision) {
            delete.push(r);
        } else {
            left_alone.push(r);
        }
    }
    Recovery {
        target_revision: target.name.clone(),
        target_number: target.number,
        delete,
        left_alone,
    }
}

/// Pods on a revision other than the update revision that are not Running and Ready.
pub fn stuck_elsewhere(snap: &Snapshot, plan: &Plan, profile: &Profile) -> bool {
    let view = SetView::of(snap, profile);
    super::sync::claim_pods(snap, &view).iter().any(|p| {
        p.revision != plan.update_revision.as_str() && !p.terminating && !p.is_running_and_ready()
    })
}

/// A recovery under way: pods it left to finish ([`unfinished`]), or the set back on one
/// revision (current = update: the template was reverted) with the controller bringing
/// an ordinal back — what a forced rollback interrupted right after its deletions leaves
/// (the deleted pod gone or re-created, not yet Ready). A second run waits for it.
pub fn in_progress(snap: &Snapshot, plan: &Plan, profile: &Profile) -> bool {
    unfinished(snap, plan, profile)
        || (plan.current_revision == plan.update_revision
            && plan.diagnosis.state == super::diagnose::RolloutState::Progressing)
}

/// Pods a recovery has left to finish: on a revision other than the update revision and
/// not Running and Ready, or terminating (an interrupted forced rollback deleted them and
/// they are not gone yet). A second run continues while there are any.
pub fn unfinished(snap: &Snapshot, plan: &Plan, profile: &Profile) -> bool {
    let view = SetView::of(snap, profile);
    super::sync::claim_pods(snap, &view).iter().any(|p| {
        p.owner == super::pod::Owner::ThisSet
            && p.revision != plan.update_revision.as_str()
            && (p.terminating || !p.is_running_and_ready())
    })
}
