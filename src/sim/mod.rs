//! The simulated cluster: an in-process Kubernetes API server on loopback for tests and
//! `kubectl sts demo`. Its StatefulSet controller is the project's controller model; a
//! kubelet model moves pods through their lives on a virtual or wall clock; faults can be
//! injected. kube-rs and the real kubectl talk to it unchanged.

pub mod api;
pub mod cluster;
pub mod controller;
pub mod defaults;
pub mod error;
pub mod kubelet;
pub mod patch;
pub mod query;
pub mod scenario;
pub mod server;
pub mod store;

pub use cluster::{Clock, Cluster, Config, Faults};
