//! The controller model: a pure, synchronous re-implementation of the upstream
//! StatefulSet controller's decisions (SPEC-controller.md). It must not do I/O, use
//! async, read the clock or print: time and feature gates are inputs, and a test keeps
//! it that way.

pub mod bits;
pub mod claims;
pub mod diagnose;
pub mod eta;
pub mod fixture;
pub mod gojson;
pub mod history;
pub mod objects;
pub mod plan;
pub mod pod;
pub mod preview;
pub mod profile;
pub mod progress;
pub mod quantity;
pub mod random;
pub mod recovery;
pub mod recreate;
pub mod report;
pub mod revision;
pub mod selector;
pub mod set;
pub mod slots;
pub mod snapshot;
pub mod squat;
pub mod stepping;
pub mod sync;
pub mod teardown;
pub mod verified;

pub use diagnose::RolloutState;

/// The model's inputs besides the objects: the clock a pass is planned at and the
/// release profile (behaviour and feature gates).
#[derive(Clone, Copy, Debug)]
pub struct ModelSetup {
    pub now: jiff::Timestamp,
    pub profile: Profile,
}
pub use plan::{Action, Plan, Status, Wait, WaitFor};
pub use profile::{Profile, Version};
pub use snapshot::{Snapshot, SnapshotError};
pub use sync::plan;

#[cfg(test)]
mod sync_tests;
