//! The end-to-end suite against a real control plane: kube-apiserver and
//! kube-controller-manager of a Kubernetes release, with the node agent
//! (`scripts/real-cluster`, `scripts/e2e-real RELEASE`). Needs KUBECONFIG; without it every
//! test fails. Each test works in a namespace of its own and, where the tool writes,
//! checks that `plan`'s prediction made before the write is what the real controller
//! then did.
//!
//!     scripts/e2e-real newest          # brings the cluster up, runs this, exits non-zero on a failure
//!     KUBECONFIG=… cargo test --test e2e_real

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod dashboard;
mod differential;
mod faults;
mod fidelity;
mod group;
mod rollout;
mod support;
mod teardown;
mod volumes;
