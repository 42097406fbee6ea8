//! kubectl-sts: StatefulSet rollouts made predictable and safe. The library holds
//! everything; `main.rs` only parses arguments and maps errors to exit codes.

pub mod cli;
pub mod cluster;
pub mod cmd;
pub mod duration;
pub mod error;
pub mod event;
pub mod exec;
pub mod manifest;
pub mod model;
pub mod ops;
pub mod output;
pub mod sim;
pub mod tui;
