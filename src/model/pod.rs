//! What the controller reads off a pod, computed once per pass, and its health
//! predicates (SPEC §2.2). Pure: `now` is an argument.

use std::borrow::Cow;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

use super::profile::Profile;
use super::revision::POD_REVISION_LABEL;

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

/// The pod facts one sync pass looks at. A placeholder (a pod the controller would
/// create) has no `pod`, an empty phase and an empty uid.
#[derive(Clone, Debug)]
pub struct PodFacts<'a> {
    pub pod: Option<&'a Pod>,
    pub name: Cow<'a, str>,
    pub ordinal: i32,
    pub uid: &'a str,
    pub phase: &'a str,
    pub revision: Cow<'a, str>,
    /// The Ready condition is True (no phase check: `podutil.IsPodReady`).
    pub ready: bool,
    pub ready_since: Option<Timestamp>,
    pub terminating: bool,
}

impl<'a> PodFacts<'a> {
    pub fn of(pod: &'a Pod) -> PodFacts<'a> {
        let name = pod.metadata.name.as_deref().unwrap_or("");
        let ordinal = parent_and_ordinal(name).map_or(-1, |(_, o)| o);
        let status = pod.status.as_ref();
        let ready_cond = status
            .and_then(|s| s.conditions.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
        PodFacts {
            pod: Some(pod),
            name: Cow::Borrowed(name),
            ordinal,
            uid: pod.metadata.uid.as_deref().unwrap_or(""),
            phase: status.and_then(|s| s.phase.as_deref()).unwrap_or(""),
            revision: Cow::Borrowed(
                pod.metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get(POD_REVISION_LABEL))
                    .map_or("", String::as_str),
            ),
            ready: ready_cond.is_some_and(|c| c.status == "True"),
            ready_since: ready_cond
                .and_then(|c| c.last_transition_time.as_ref())
                .map(|t| t.0),
            terminating: pod.metadata.deletion_timestamp.is_some(),
        }
    }

    pub fn placeholder(name: String, ordinal: i32, revision: String) -> PodFacts<'a> {
        PodFacts {
            pod: None,
            name: Cow::Owned(name),
            ordinal,
            uid: "",
            phase: "",
            revision: Cow::Owned(revision),
            ready: false,
            ready_since: None,
            terminating: false,
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

    pub fn labels(&self) -> Option<&'a std::collections::BTreeMap<String, String>> {
        self.pod.and_then(|p| p.metadata.labels.as_ref())
    }

    pub fn owner_references(&self) -> &'a [OwnerReference] {
        self.pod
            .and_then(|p| p.metadata.owner_references.as_deref())
            .unwrap_or(&[])
    }
}

/// The controller reference of an object, if any.
pub fn controller_of(refs: Option<&[OwnerReference]>) -> Option<&OwnerReference> {
    refs.unwrap_or(&[])
        .iter()
        .find(|r| r.controller == Some(true))
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
}
