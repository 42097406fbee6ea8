//! Mutating workflows shared by the CLI and (later) the TUI: observe a snapshot, decide
//! with the model, make one safe mutation, wait on watches. Each can be interrupted and
//! run again: the state lives in the cluster.

pub mod delete;
pub mod force_rollback;
