//! SPEC §7's worked scenarios, one pass each, asserting the exact ordered actions and the
//! status written. Revisions are named by letter: A = nginx:1.24, B = nginx:1.25,
//! C = nginx:broken.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use super::fixture::{Fixture, PodState::*, PvcFixture, SET_UID, Strategy};
use super::plan::{Action, Plan, WaitFor};
use super::profile::{Profile, Version};

const A: &str = "nginx:1.24";
const B: &str = "nginx:1.25";
const C: &str = "nginx:broken";

fn now() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn profile(v: &str) -> Profile {
    Profile::for_version(Version::parse(v).unwrap()).unwrap()
}

fn gate_on(v: &str) -> Profile {
    let mut p = profile(v);
    p.gates.max_unavailable_stateful_set = true;
    p
}

fn letter(sc: &Fixture, p: &Profile, name: &str) -> String {
    for (img, l) in [(A, "A"), (B, "B"), (C, "C")] {
        if sc.revision_name(img, p) == name {
            return l.into();
        }
    }
    name.into()
}

/// Compact action: `CreatePod web-1@A`, `DeletePod web-2`, `CreateControllerRevision B#2`.
fn show(sc: &Fixture, p: &Profile, a: &Action) -> String {
    match a {
        Action::CreateControllerRevision {
            name,
            revision_number,
        }
        | Action::UpdateControllerRevision {
            name,
            revision_number,
        }
        | Action::DeleteControllerRevision {
            name,
            revision_number,
        } => {
            format!("{} {}#{revision_number}", a.kind(), letter(sc, p, name))
        }
        Action::CreatePod { name, revision, .. } => {
            format!("CreatePod {name}@{}", letter(sc, p, revision))
        }
        other => format!("{} {}", other.kind(), other.name()),
    }
}

struct Run {
    plan: Plan,
    actions: Vec<String>,
    status: (i32, i32, i32, i32, i32, String, String),
}

fn run_with(sc: &Fixture, p: &Profile) -> Run {
    let snap = sc.snapshot(p, now()).unwrap();
    let plan = super::plan(&snap, now(), p);
    let actions = plan.actions.iter().map(|a| show(sc, p, a)).collect();
    let s = &plan.status;
    let status = (
        s.replicas,
        s.ready_replicas,
        s.available_replicas,
        s.current_replicas,
        s.updated_replicas,
        letter(sc, p, &s.current_revision),
        letter(sc, p, &s.update_revision),
    );
    Run {
        plan,
        actions,
        status,
    }
}

fn run(sc: &Fixture) -> Run {
    run_with(sc, &profile("1.36"))
}

fn st(
    r: i32,
    ready: i32,
    avail: i32,
    cur: i32,
    upd: i32,
    c: &str,
    u: &str,
) -> (i32, i32, i32, i32, i32, String, String) {
    (r, ready, avail, cur, upd, c.into(), u.into())
}

/// A set with revision A stored and current; template A.
fn base(replicas: i32) -> Fixture {
    let mut sc = Fixture::new("web", replicas);
    sc.revision(A);
    sc.template = A.into();
    sc.status_current = Some(0);
    sc.status_update = Some(0);
    sc
}

/// A set mid-update: revisions A (current) and B (template).
fn updating(replicas: i32) -> Fixture {
    let mut sc = base(replicas);
    sc.revision(B);
    sc.template = B.into();
    sc.status_update = Some(1);
    sc
}

mod identity;
mod ordinals_and_claims;
mod rolling;
mod scaling;
