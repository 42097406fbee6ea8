#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The integration tests: one binary, one module per area.

mod battery;
#[path = "../common/big.rs"]
mod big;
mod big_input;
mod chaos;
mod cli;
mod conformance;
mod dashboard;
mod dashboard_group;
mod diagnosis;
mod distribution;
mod events;
mod examples;
mod gates;
mod group;
mod hostile;
mod invariants;
mod kubectl;
mod live;
mod no_panic;
mod parity;
mod preview;
mod purity;
mod readme;
mod recovery;
mod recreate;
mod retries;
mod rollout;
mod safety;
mod sim;
mod squatters;
mod stalls;
mod stepping;
mod support;
mod teardown;
