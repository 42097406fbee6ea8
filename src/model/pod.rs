//! What the controller reads off a pod, computed once per pass, and its health
//! predicates (SPEC §2.2). Pure: `now` is an argument.

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, OwnerReference};

use super::profile::Profile;
use super::revision::POD_REVISION_LABEL;
use super::selector;

/// Label naming the pod on every StatefulSet pod (identity).
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// Label with the ordinal (1.28+, PodIndexLabel).
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";

/// `^(.*)-([0-9]+)$` with a greedy parent; ordinal −1 when the digits overflow int32.
/// Returns `None` when the name has no `-<digits>` suffix at all.
pub fn parent_and_ordinal(name: &str) -> Option<(&str, i32)> {
    let (parent, digits) = name.rsplit_once('-')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((parent, digits.parse::<i32>().unwrap_or(-1)))
}

/// Whether `name` is exactly `<prefix>-<ordinal>` (canonical decimal, no leading zeros),
/// without building the string.
pub fn is_indexed_name(name: &str, prefix: &str, ordinal: i32) -> bool {
    let Some(digits) = name.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) else {
        return false;
    };
    let canonical = digits == "0" || (!digits.starts_with('0') && !digits.starts_with('-'));
    canonical && digits.parse::<i32>() == Ok(ordinal)
}

/// Which controller a pod has, relative to the snapshot's set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    None,
    ThisSet,
    Other,
}

/// What the controller reads off one pod, independent of the clock: indexed once per
/// snapshot (like an informer's indexer) so a pass reads compact records instead of
/// walking whole `Pod` objects.
///
/// The fields a pass reads for every pod come first and share one cache line (`repr(C)`
/// keeps the order, the alignment starts each record on a line); the names, read only for
/// the pods a pass acts on, come after.
#[derive(Clone, Debug)]
#[repr(C, align(64))]
pub struct PodRecord {
    pub ordinal: i32,
    /// `revision`'s number in the snapshot's table ([`Snapshot::revision_id`]): a pass
    /// compares these, not the names, for every pod (the names live elsewhere in memory).
    ///
    /// [`Snapshot::revision_id`]: super::Snapshot::revision_id
    pub revision_id: u32,
    /// The name's parent is the set (`isMemberOf`).
    pub member: bool,
    pub ready: bool,
    pub terminating: bool,
    pub owner: Owner,
    /// Labels match the set's selector.
    pub selected: bool,
    /// `identityMatches` (namespace is the set's by construction of the snapshot).
    pub identity_ok: bool,
    /// `storageMatches`.
    pub storage_ok: bool,
    pub phase: &'static str,
    pub ready_since: Option<Timestamp>,
    pub name: String,
    pub uid: String,
    pub revision: String,
}

impl PodRecord {
    /// Indexes `pod` for the set `set_name` with `selector`, claim templates `templates`
    /// and uid `set_uid` (an empty uid matches controller refs by kind and name).
    pub fn of(
        pod: &Pod,
        set_name: &str,
        set_uid: &str,
        selector: &LabelSelector,
        templates: &[&str],
    ) -> PodRecord {
        let name = pod.metadata.name.as_deref().unwrap_or("");
        let parsed = parent_and_ordinal(name);
        let ordinal = parsed.map_or(-1, |(_, o)| o);
        let member = parsed.is_some_and(|(p, _)| p == set_name);
        let labels = pod.metadata.labels.as_ref();
        let label = |k: &str| labels.and_then(|l| l.get(k)).map(String::as_str);
        let status = pod.status.as_ref();
        let ready_cond = status
            .and_then(|s| s.conditions.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
        let phase = match status.and_then(|s| s.phase.as_deref()).unwrap_or("") {
            "" => "",
            "Pending" => "Pending",
            "Running" => "Running",
            "Succeeded" => "Succeeded",
            "Failed" => "Failed",
            _ => "Unknown",
        };
        let owner = match controller_of(pod.metadata.owner_references.as_deref()) {
            None => Owner::None,
            Some(c) if set_uid.is_empty() && c.kind == "StatefulSet" && c.name == set_name => {
                Owner::ThisSet
            }
            Some(c) if !set_uid.is_empty() && c.uid == set_uid => Owner::ThisSet,
            Some(_) => Owner::Other,
        };
        let volumes = pod
            .spec
            .as_ref()
            .and_then(|s| s.volumes.as_deref())
            .unwrap_or(&[]);
        let storage_ok = ordinal >= 0
            && templates.iter().all(|t| {
                volumes.iter().any(|v| {
                    v.name == *t
                        && v.persistent_volume_claim.as_ref().is_some_and(|c| {
                            c.claim_name
                                .strip_prefix(*t)
                                .and_then(|r| r.strip_prefix('-'))
                                .is_some_and(|r| is_indexed_name(r, set_name, ordinal))
                        })
                })
            });
        PodRecord {
            name: name.to_string(),
            uid: pod.metadata.uid.clone().unwrap_or_default(),
            ordinal,
            member,
            phase,
            revision: label(POD_REVISION_LABEL).unwrap_or("").to_string(),
            // Numbered by the snapshot that holds the record.
            revision_id: u32::MAX,
            ready: ready_cond.is_some_and(|c| c.status == "True"),
            ready_since: ready_cond
                .and_then(|c| c.last_transition_time.as_ref())
                .map(|t| t.0),
            terminating: pod.metadata.deletion_timestamp.is_some(),
            owner,
            selected: selector::matches(selector, labels),
            identity_ok: member
                && ordinal >= 0
                && is_indexed_name(name, set_name, ordinal)
                && label(POD_NAME_LABEL) == Some(name),
            storage_ok,
        }
    }
}

impl PodRecord {
    /// The placeholder for a pod the controller would create: no phase, no uid, the
    /// identity and storage it will be created with.
    pub fn placeholder(
        name: String,
        ordinal: i32,
        revision: String,
        revision_id: u32,
    ) -> PodRecord {
        PodRecord {
            name,
            uid: String::new(),
            ordinal,
            member: true,
            phase: "",
            revision,
            revision_id,
            ready: false,
            ready_since: None,
            terminating: false,
            owner: Owner::ThisSet,
            selected: true,
            identity_ok: true,
            storage_ok: true,
        }
    }

    pub fn is_created(&self) -> bool {
        !self.phase.is_empty()
    }
    pub fn is_pending(&self) -> bool {
        self.phase == "Pending"
    }
    pub fn is_failed(&self) -> bool {
        self.phase == "Failed"
    }
    pub fn is_succeeded(&self) -> bool {
        self.phase == "Succeeded"
    }
    pub fn is_running_and_ready(&self) -> bool {
        self.phase == "Running" && self.ready
    }

    /// `isRunningAndAvailable` (no phase check, despite the name).
    pub fn is_available(&self, min_ready_seconds: i32, now: Timestamp, profile: &Profile) -> bool {
        if !self.ready {
            return false;
        }
        if min_ready_seconds <= 0 {
            return true;
        }
        let Some(since) = self.ready_since else {
            return false;
        };
        let Ok(until) = since.checked_add(SignedDuration::from_secs(i64::from(min_ready_seconds)))
        else {
            return false;
        };
        if profile.available_boundary_inclusive() {
            until <= now
        } else {
            until < now
        }
    }

    /// ≤1.33 `!isHealthy`; 1.34+ `isUnavailable`.
    pub fn is_unavailable(
        &self,
        min_ready_seconds: i32,
        now: Timestamp,
        profile: &Profile,
    ) -> bool {
        if profile.unavailable_respects_min_ready() {
            !self.is_available(min_ready_seconds, now, profile) || self.terminating
        } else {
            !self.is_running_and_ready() || self.terminating
        }
    }
}

/// The controller reference of an object, if any.
pub fn controller_of(refs: Option<&[OwnerReference]>) -> Option<&OwnerReference> {
    refs.unwrap_or(&[])
        .iter()
        .find(|r| r.controller == Some(true))
}

/// Whether kube-apiserver removes `pod` at once when it is deleted with default options
/// (as the controller deletes): its grace period (`terminationGracePeriodSeconds`; 0
/// when unset) is 0 when the pod is not bound to a node or has finished (Failed or
/// Succeeded) — `podStrategy.CheckGracefulDelete` — and a pod with no grace period and
/// no finalizers is gone; otherwise it stays, terminating, and holds its name.
pub fn deleted_at_once(pod: &Pod) -> bool {
    let spec = pod.spec.as_ref();
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    let grace = if spec
        .and_then(|s| s.node_name.as_deref())
        .unwrap_or("")
        .is_empty()
        || matches!(phase, Some("Failed" | "Succeeded"))
    {
        0
    } else {
        spec.and_then(|s| s.termination_grace_period_seconds)
            .unwrap_or(0)
    };
    grace <= 0
        && pod
            .metadata
            .finalizers
            .as_ref()
            .is_none_or(|f| f.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_parse_like_the_controller() {
        assert_eq!(parent_and_ordinal("web-0"), Some(("web", 0)));
        assert_eq!(parent_and_ordinal("web-01"), Some(("web", 1)));
        assert_eq!(parent_and_ordinal("my-web-12"), Some(("my-web", 12)));
        assert_eq!(parent_and_ordinal("web-2147483648"), Some(("web", -1)));
        assert_eq!(parent_and_ordinal("web-x"), None);
        assert_eq!(parent_and_ordinal("web-"), None);
        assert_eq!(parent_and_ordinal("web"), None);
    }

    #[test]
    fn indexed_names_are_canonical() {
        assert!(is_indexed_name("web-0", "web", 0));
        assert!(is_indexed_name("web-12", "web", 12));
        assert!(!is_indexed_name("web-01", "web", 1));
        assert!(!is_indexed_name("web-1", "web", 2));
        assert!(!is_indexed_name("webx-1", "web", 1));
        assert!(!is_indexed_name("data-web-3", "data-web", -3));
    }
}
