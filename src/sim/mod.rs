//! The simulated cluster: an in-process Kubernetes API server on loopback for tests and
//! `kubectl sts demo`. Its StatefulSet controller is the project's controller model; a
//! kubelet model moves pods through their lives on a virtual or wall clock; faults can be
//! injected. kube-rs and the real kubectl talk to it unchanged.
//!
//! Served as kube-apiserver serves them: one monotonic resourceVersion; watches that
//! resume from it (410 Gone past the kept history), send an object that stops matching
//! a selector as DELETED (its previous content) and one that starts as ADDED, and
//! bookmarks; lists paged with `limit`/`continue` (`remainingItemCount`); a
//! resourceVersion the store has not reached is 504 `ResourceVersionTooLarge`;
//! preconditioned deletes and updates answer 409 (a uid in the body, a resourceVersion
//! in a merge patch's body or set by a JSON patch); graceful pod deletion; Foreground
//! deletion (the owner stays until its dependents are gone); 403/429/503 in the API
//! server's words; OpenAPI v3 documents (`openapi`: kubectl explain, apply, diff);
//! `fieldValidation=Strict`; strategic merge patch with its directives; server-side
//! apply with managed fields and conflicts between managers (`apply`); a create's
//! status is the server's, a namespace or resourceVersion it should not name is 400,
//! as is a PUT naming another object; the `kubernetes.io/pvc-protection` finalizer holds
//! a deleted claim while a pod uses it; a pod no node has taken is deleted at once;
//! StorageClasses (`standard` default and expandable, `offline`, `fixed`), the default
//! class and binding at a claim's creation, claim update validation, the resize
//! admission plugin and the resizer with its conditions (`volumes`); the controller
//! adopts orphaned pods and revisions (a set deleted with `propagationPolicy: Orphan`
//! and created again).
//!
//! Where it still differs from a real API server (issue: the simulated cluster's
//! fidelity):
//! - the control plane (`queue`) reacts to what changed, as informers and work queues
//!   do — a pod's change syncs the set that controls it, a set's change the set — after
//!   `--controller-delay` (jittered ±50%; 0: inside the write). The real controller
//!   backs off exponentially after a failed sync; this one retries after 1 s. It does
//!   not resync periodically (real: 12–24 h);
//! - pages after the first come from the objects as they are now, not from the first
//!   page's resourceVersion; `resourceVersionMatch=Exact` is not honoured;
//! - one change history shared by every kind; no `sendInitialEvents`;
//! - no OpenAPI v2 (kubectl reads v3; v2 is protobuf-only for kubectl); unknown fields
//!   are refused under `fieldValidation=Strict` but kept otherwise (a real server drops
//!   them); server-side apply tracks managers per name and operation, not per API
//!   version or subresource, and not the status;
//! - StatefulSets are validated for what a manifest trips over (selector and labels,
//!   strategy, policy, counts, maxUnavailable, containers, immutable fields), pods for
//!   containers with a name and an image (422 with `details.causes`), ControllerRevisions
//!   not at all;
//! - storage classes are served, but no PersistentVolumes: a claim's volume exists
//!   only as its `spec.volumeName`;
//! - garbage collection follows what was deleted at once, with no delay (Foreground
//!   deletion holds the owner with the foregroundDeletion finalizer until its dependents
//!   are gone, as there); faults are not injected into watches.

pub mod api;
pub mod apply;
pub mod cluster;
pub mod controller;
pub mod decode;
pub mod defaults;
pub mod disruption;
pub mod error;
#[cfg(test)]
mod fidelity_tests;
pub mod kinds;
pub mod kubelet;
pub mod openapi;
pub mod openapi_v2;
pub mod patch;
pub mod protobuf;
pub mod query;
pub mod queue;
pub mod scenario;
pub mod server;
pub mod store;
pub mod table;
pub mod validation;
pub mod volumes;

pub use cluster::{Clock, Cluster, Config, Faults};
