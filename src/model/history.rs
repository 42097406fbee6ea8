//! Which revisions a pass works with (SPEC §1.6–§1.8): list and sort the set's
//! ControllerRevisions, reuse an equal one, renumber on revert, create the candidate
//! (with the collision loop), and pick currentRevision. Pure.

use std::borrow::Cow;

use k8s_openapi::api::apps::v1::ControllerRevision;
use serde_json::Value;

use super::plan::{Action, NewRevision};
use super::pod::controller_of;
use super::profile::Profile;
use super::revision::{self, Candidate, RevisionData};
use super::selector;
use super::set::SetView;
use super::snapshot::Snapshot;

/// A resolved revision: its name and number.
#[derive(Clone, Debug)]
pub struct ResolvedRevision {
    pub name: String,
    pub number: i64,
}

/// The revision step of the pass (SPEC §1.6).
pub struct Revisions<'a> {
    /// Listed (selector + controller) and sorted, as at the start of the pass.
    pub listed: Vec<&'a ControllerRevision>,
    pub current: ResolvedRevision,
    pub update: ResolvedRevision,
    pub collision_count: i32,
    pub actions: Vec<Action>,
    pub created: Option<NewRevision>,
}

/// Resolves current and update revisions for the live template.
pub fn resolve_revisions<'a>(
    snap: &'a Snapshot,
    view: &SetView,
    profile: &Profile,
) -> Revisions<'a> {
    let sel = snap.set().spec.as_ref().map(|s| &s.selector);
    let mut listed: Vec<&ControllerRevision> = snap
        .revisions()
        .iter()
        .filter(|r| sel.is_some_and(|s| selector::matches(s, r.metadata.labels.as_ref())))
        .filter(|r| {
            controller_of(r.metadata.owner_references.as_deref()).is_none_or(|c| c.uid == view.uid)
        })
        .collect();
    revision::sort(&mut listed);

    let mut collision_count = view.stored.collision_count;
    let cand = snap.candidate(profile);
    let cand_hash = snap.candidate_hash(profile, collision_count);
    let next_number = listed.last().map_or(1, |r| r.revision + 1);
    let stored: Vec<Cow<RevisionData>> = listed
        .iter()
        .map(|r| snap.revision_data(r, profile))
        .collect();
    let equal: Vec<usize> = (0..listed.len())
        .filter(|&i| {
            revision::equal(
                revision::hash_label(listed[i]),
                &stored[i],
                Some(&cand_hash),
                &cand.data,
            )
        })
        .collect();

    let resolved = |r: &ControllerRevision, number: i64| ResolvedRevision {
        name: r.metadata.name.clone().unwrap_or_default(),
        number,
    };
    let mut actions = Vec::new();
    let mut created = None;
    let newest = listed.len().checked_sub(1);
    let update = match (equal.last(), newest) {
        (Some(&last_eq), Some(n))
            if revision::equal(
                revision::hash_label(listed[n]),
                &stored[n],
                revision::hash_label(listed[last_eq]),
                &stored[last_eq],
            ) =>
        {
            resolved(listed[n], listed[n].revision)
        }
        (Some(&last_eq), _) => {
            let r = listed[last_eq];
            let name = r.metadata.name.clone().unwrap_or_default();
            actions.push(Action::UpdateControllerRevision {
                name,
                revision_number: next_number,
            });
            resolved(r, next_number)
        }
        (None, Some(n))
            if profile.gates.stateful_set_semantic_revision_comparison
                && semantic_match(listed[n], &cand, &cand_hash, profile) =>
        {
            resolved(listed[n], listed[n].revision)
        }
        (None, _) => {
            // CreateControllerRevision's collision loop: an existing object of that name
            // with the same bytes is used as is; other bytes bump the collision count.
            loop {
                let hash = revision::hash(&cand.data, Some(collision_count));
                let name = revision::revision_name(view.name, &hash);
                let existing = snap
                    .revisions()
                    .iter()
                    .find(|r| r.metadata.name.as_deref() == Some(&name));
                match existing {
                    Some(r) if *snap.revision_data(r, profile) == cand.data => {
                        break resolved(r, r.revision);
                    }
                    Some(_) => collision_count += 1,
                    None => {
                        actions.push(Action::CreateControllerRevision {
                            name: name.clone(),
                            revision_number: next_number,
                        });
                        let data: Value =
                            serde_json::from_slice(&cand.data.raw).unwrap_or(Value::Null);
                        created = Some(NewRevision {
                            name: name.clone(),
                            // The label keeps the hash of the original collision count.
                            hash: cand_hash.to_string(),
                            number: next_number,
                            data,
                            collision_count,
                        });
                        break ResolvedRevision {
                            name,
                            number: next_number,
                        };
                    }
                }
            }
        }
    };
    let current = listed
        .iter()
        .find(|r| r.metadata.name.as_deref() == Some(view.stored.current_revision))
        .map(|r| resolved(r, r.revision))
        .unwrap_or_else(|| update.clone());
    Revisions {
        listed,
        current,
        update,
        collision_count,
        actions,
        created,
    }
}

/// SPEC §1.7.2: the newest revision, re-serialised under this release's rules, equals the
/// candidate. (Full API defaulting of the stored template is not reproduced: fields that a
/// newer API server defaults and an older one did not still make a new revision.)
fn semantic_match(
    newest: &ControllerRevision,
    cand: &Candidate,
    cand_hash: &str,
    profile: &Profile,
) -> bool {
    let rebuilt = revision::candidate(
        &serde_json::json!({ "spec": { "template": revision::stored_template(newest) } }),
        profile,
    );
    let rebuilt_hash = revision::hash(&rebuilt.data, None);
    revision::equal(
        Some(&rebuilt_hash),
        &rebuilt.data,
        Some(cand_hash),
        &cand.data,
    )
}

/// One ControllerRevision of the set, for `rollout history`.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub number: i64,
    pub name: String,
    pub created: Option<String>,
    pub change_cause: Option<String>,
    /// Ordinals of the claimed pods running this revision.
    pub ordinals: Vec<i32>,
    pub current: bool,
    pub update: bool,
    /// The stored pod template.
    #[serde(skip)]
    pub template: Value,
}

/// The set's revisions as kubectl lists them (controlled by the set, by number), with the
/// ordinals running each. `current`/`update` come from the planned pass.
pub fn entries(snap: &Snapshot, current: &str, update: &str, profile: &Profile) -> Vec<Entry> {
    let view = SetView::of(snap, profile);
    let pods = super::sync::claim_pods(snap, &view);
    let mut revs: Vec<&ControllerRevision> = snap
        .revisions()
        .iter()
        .filter(|r| {
            controller_of(r.metadata.owner_references.as_deref())
                .is_some_and(|c| c.uid == view.uid || view.uid.is_empty())
        })
        .collect();
    revision::sort(&mut revs);
    revs.into_iter()
        .map(|r| {
            let name = r.metadata.name.clone().unwrap_or_default();
            let mut ordinals: Vec<i32> = pods
                .iter()
                .filter(|p| p.revision == name.as_str())
                .map(|p| p.ordinal)
                .collect();
            ordinals.sort_unstable();
            Entry {
                number: r.revision,
                created: r
                    .metadata
                    .creation_timestamp
                    .as_ref()
                    .map(|t| t.0.to_string()),
                change_cause: r
                    .metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get("kubernetes.io/change-cause"))
                    .cloned(),
                ordinals,
                current: name == current,
                update: name == update,
                template: revision::stored_template(r),
                name,
            }
        })
        .collect()
}

/// `kubectl rollout undo`'s choice (SPEC §6.1): 0 = the previous revision (second
/// highest number), N = that number.
pub fn undo_target(entries: &[Entry], to_revision: i64) -> Result<&Entry, String> {
    if to_revision < 0 {
        return Err(format!(
            "unable to find specified revision {to_revision} in history"
        ));
    }
    if to_revision == 0 {
        if entries.len() <= 1 {
            return Err("no last revision to roll back to".into());
        }
        return Ok(&entries[entries.len() - 2]);
    }
    entries
        .iter()
        .find(|e| e.number == to_revision)
        .ok_or_else(|| format!("unable to find specified revision {to_revision} in history"))
}

/// Whether the set's live template is already `entry`'s (compared as revision bytes, the
/// way the controller compares them).
pub fn template_matches(snap: &Snapshot, entry: &Entry, profile: &Profile) -> bool {
    let live = revision::candidate(snap.set_json(), profile);
    let stored = revision::candidate(
        &serde_json::json!({"spec": {"template": entry.template}}),
        profile,
    );
    live.data == stored.data
}
