//! The only code that talks to an API server (kube-rs): building the client as kubectl
//! does, loading snapshots, and turning API failures into errors that name the object,
//! the call and the cause. No business logic.

pub mod client;
pub mod error;
pub mod load;
pub mod mutate;
pub mod retry;
pub mod wait;
pub mod watch;

pub use client::{Connection, connect};
pub use error::ClusterError;
