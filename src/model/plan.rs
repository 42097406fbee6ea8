//! The result of one planned sync pass: ordered actions, what the pass waits on, the
//! status it would write, and the diagnosis. The JSON shape is the public contract
//! (`plan -o json`, CONTRACT.md). Pure data.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use serde::Serialize;
use serde_json::Value;

use super::diagnose::Diagnosis;
use super::squat::NameTaken;

/// One API write the controller would issue, in issue order.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum Action {
    #[serde(rename_all = "camelCase")]
    CreateControllerRevision { name: String, revision_number: i64 },
    /// Renumbering an older revision that the template was reverted to (SPEC §1.6 4b).
    #[serde(rename_all = "camelCase")]
    UpdateControllerRevision { name: String, revision_number: i64 },
    #[serde(rename_all = "camelCase")]
    DeleteControllerRevision { name: String, revision_number: i64 },
    #[serde(rename = "CreatePVC")]
    CreatePvc { name: String, ordinal: i32 },
    #[serde(rename = "UpdatePVC")]
    UpdatePvc {
        name: String,
        ordinal: i32,
        reason: PvcReason,
        /// The owner references the claim gets.
        #[serde(rename = "ownerReferences")]
        owner_references: Vec<OwnerReference>,
    },
    CreatePod {
        name: String,
        ordinal: i32,
        revision: String,
        reason: CreateReason,
    },
    DeletePod {
        name: String,
        ordinal: i32,
        revision: String,
        reason: DeleteReason,
        uid: String,
    },
    UpdatePod {
        name: String,
        ordinal: i32,
        reason: UpdateReason,
        uid: String,
    },
}

impl Action {
    pub fn name(&self) -> &str {
        match self {
            Action::CreateControllerRevision { name, .. }
            | Action::UpdateControllerRevision { name, .. }
            | Action::DeleteControllerRevision { name, .. }
            | Action::CreatePvc { name, .. }
            | Action::UpdatePvc { name, .. }
            | Action::CreatePod { name, .. }
            | Action::DeletePod { name, .. }
            | Action::UpdatePod { name, .. } => name,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Action::CreateControllerRevision { .. } => "CreateControllerRevision",
            Action::UpdateControllerRevision { .. } => "UpdateControllerRevision",
            Action::DeleteControllerRevision { .. } => "DeleteControllerRevision",
            Action::CreatePvc { .. } => "CreatePVC",
            Action::UpdatePvc { .. } => "UpdatePVC",
            Action::CreatePod { .. } => "CreatePod",
            Action::DeletePod { .. } => "DeletePod",
            Action::UpdatePod { .. } => "UpdatePod",
        }
    }

    /// The ordinal a pod or claim action concerns.
    pub fn ordinal(&self) -> Option<i32> {
        match self {
            Action::CreatePvc { ordinal, .. }
            | Action::UpdatePvc { ordinal, .. }
            | Action::CreatePod { ordinal, .. }
            | Action::DeletePod { ordinal, .. }
            | Action::UpdatePod { ordinal, .. } => Some(*ordinal),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CreateReason {
    /// The ordinal has no pod.
    Missing,
    /// Replacing a Failed/Succeeded pod deleted in the same pass (≤1.29).
    Replacement,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DeleteReason {
    /// Out of the ordinal range (scale-down or a changed start ordinal).
    Condemned,
    /// Phase Failed.
    Failed,
    /// Phase Succeeded.
    Succeeded,
    /// On an old revision; the rolling update replaces it.
    Update,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum UpdateReason {
    /// Name/namespace/pod-name label do not match the ordinal.
    Identity,
    /// A volume for a volumeClaimTemplate is missing or points elsewhere.
    Storage,
    /// The claims' owner references were fixed for the retention policy.
    Retention,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PvcReason {
    /// Owner references brought in line with persistentVolumeClaimRetentionPolicy.
    Retention,
}

/// What stopped the pass from going further.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Wait {
    pub pod: String,
    pub ordinal: i32,
    #[serde(rename = "for")]
    pub for_: WaitFor,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum WaitFor {
    /// Phase Running and condition Ready.
    RunningAndReady,
    /// Ready for minReadySeconds.
    Available,
    /// The pod is terminating and must be gone first.
    Termination,
    /// A claim still belongs to a deleted pod; waiting for garbage collection.
    StaleClaimCleanup,
    /// maxUnavailable is used up by unavailable pods.
    MaxUnavailable,
}

/// The status the controller would write.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    pub observed_generation: i64,
    pub replicas: i32,
    pub ready_replicas: i32,
    pub current_replicas: i32,
    pub updated_replicas: i32,
    pub available_replicas: i32,
    pub current_revision: String,
    pub update_revision: String,
    pub collision_count: i32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObjectRef {
    pub namespace: String,
    pub name: String,
}

/// A revision the pass creates: what the controller would POST.
#[derive(Clone, Debug, PartialEq)]
pub struct NewRevision {
    pub name: String,
    pub hash: String,
    pub number: i64,
    /// `data` as the controller posts it (`{"spec":{"template":{"$patch":"replace",...}}}`).
    pub data: Value,
    pub collision_count: i32,
}

/// One planned sync pass.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub stateful_set: ObjectRef,
    pub kubernetes_version: String,
    pub current_revision: String,
    pub update_revision: String,
    /// `.revision` numbers of the current and update revisions.
    pub current_revision_number: i64,
    pub update_revision_number: i64,
    pub actions: Vec<Action>,
    pub waiting_on: Option<Wait>,
    pub status: Status,
    /// Whether the status differs from the stored one, so the controller writes it.
    pub status_written: bool,
    /// An error that ends the pass (the controller requeues with backoff).
    pub error: Option<String>,
    /// Creates the API server refuses because a pod the set does not claim holds the
    /// name (AlreadyExists); the pass ends there. Empty when none.
    pub name_taken: Vec<NameTaken>,
    /// Seconds after which the controller requeues itself (minReadySeconds).
    pub requeue_after_seconds: Option<i64>,
    pub diagnosis: Diagnosis,
    #[serde(skip)]
    pub new_revision: Option<NewRevision>,
}

impl Plan {
    /// Whether the pass would change nothing at all.
    pub fn is_noop(&self) -> bool {
        self.actions.is_empty() && !self.status_written
    }
}
