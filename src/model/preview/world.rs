//! The preview's world: the pods' simulated lives, a "kubelet" that moves them on, and
//! the controller model's actions applied to the snapshot, instant after instant.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::{Value, json};

use super::super::plan::{Action, Plan};
use super::super::profile::Profile;
use super::super::{Snapshot, objects};
use super::Assumptions;
use super::lives::Lives;
use super::made::{Prototype, pod_status};
use super::timeline::{Rows, action_reason};

/// Phase, readiness and since when, as the kubelet reports them.
type Reported = (&'static str, bool, Ns);

/// A moment of the preview's virtual time: nanoseconds from its start. A life is a few
/// of these, not `Timestamp`s (16 bytes, 24 as an `Option`): a million lives are held.
pub(super) type Ns = i64;
/// A moment that never comes.
pub(super) const NEVER: Ns = i64::MAX;

/// The phases a kubelet reports, numbered for [`Life::reported`].
const PHASES: [&str; 6] = ["", "Pending", "Running", "Succeeded", "Failed", "Unknown"];
const NOTHING_REPORTED: u8 = u8::MAX;

/// A pod's simulated life.
#[derive(Clone, Debug)]
pub(super) struct Life {
    pub(super) created_at: Ns,
    pub(super) running_at: Ns,
    /// [`NEVER`]: the pod never becomes Ready.
    pub(super) ready_at: Ns,
    /// [`NEVER`]: not deleted.
    pub(super) gone_at: Ns,
    /// Phase (its number in `PHASES`, doubled) and readiness (the low bit) last reported.
    reported: u8,
    /// Failed or Succeeded: the kubelet leaves it as it is.
    pub(super) frozen: bool,
    /// There before the preview started.
    pub(super) adopted: bool,
    /// Counted as an available ordinal (see [`World::refresh`]).
    pub(super) counted: bool,
    /// Made from its revision's prototype: its record is its state (see `made`).
    pub(super) made: bool,
}

impl Life {
    /// A pod created at `created_at`, Running then, never Ready, not deleted, nothing
    /// reported yet.
    pub(super) fn new(created_at: Ns) -> Life {
        Life {
            created_at,
            running_at: created_at,
            ready_at: NEVER,
            gone_at: NEVER,
            reported: NOTHING_REPORTED,
            frozen: false,
            adopted: false,
            counted: false,
            made: false,
        }
    }

    fn reported(&self) -> Option<(&'static str, bool)> {
        (self.reported != NOTHING_REPORTED).then(|| {
            (
                PHASES[usize::from(self.reported >> 1) % PHASES.len()],
                self.reported & 1 == 1,
            )
        })
    }

    fn report(&mut self, reported: Option<(&'static str, bool)>) {
        self.reported = match reported {
            Some((phase, ready)) => {
                let at = PHASES.iter().position(|p| *p == phase).unwrap_or(5) as u8;
                at << 1 | u8::from(ready)
            }
            None => NOTHING_REPORTED,
        };
    }

    /// The instants at which the pod changes by itself (or becomes available).
    pub(super) fn instants(&self, min_ready: Ns) -> impl Iterator<Item = Ns> {
        let alive = self.gone_at == NEVER;
        let ready = (self.ready_at != NEVER).then_some(self.ready_at);
        let warm = ready
            .filter(|_| min_ready > 0)
            .map(|r| r.saturating_add(min_ready));
        (!alive).then_some(self.gone_at).into_iter().chain(
            [Some(self.running_at), ready, warm]
                .into_iter()
                .flatten()
                .filter(move |_| alive),
        )
    }

    /// The first of its instants after `t`.
    fn next_after(&self, t: Ns, min_ready: Ns) -> Option<Ns> {
        self.instants(min_ready).filter(|i| *i > t).min()
    }
}

pub(super) struct World<'p> {
    pub(super) snap: Snapshot,
    /// The set as served, for the objects the controller creates from it (the preview
    /// changes only its status, which they do not read).
    pub(super) set: Arc<Value>,
    pub(super) profile: &'p Profile,
    pub(super) start: Timestamp,
    pub(super) now: Timestamp,
    pub(super) lives: Lives,
    pub(super) assume: Assumptions,
    pub(super) update_revision: String,
    pub(super) rows: Rows,
    pub(super) passes: usize,
    pub(super) uid: u64,
    /// The instant at which a pass was a no-op and nothing changed since: another pass
    /// would see the same snapshot at the same time, and the model is a pure function.
    pub(super) quiet_at: Option<Timestamp>,
    /// When pods change by themselves, earliest first: (instant, pod), each pod's next
    /// instant (pushed again as it passes). An entry that is no longer one of its pod's
    /// instants (the pod was deleted since) is passed over.
    pub(super) due: BinaryHeap<Reverse<(Ns, Arc<str>)>>,
    /// The set's ordinal range `[start, start + replicas)` and minReadySeconds (the
    /// preview never changes the spec).
    pub(super) first_ordinal: i32,
    pub(super) replicas: i32,
    pub(super) min_ready: i32,
    /// Ordinals in range that are available now, kept as pods change.
    pub(super) available: usize,
    /// Pods in range that are Running and Ready but not yet available (minReadySeconds):
    /// looked at again at every instant.
    pub(super) warming: BTreeSet<Arc<str>>,
    /// Each revision's prototype (see `made`).
    pub(super) prototypes: rustc_hash::FxHashMap<String, Prototype>,
    /// The set's selector reads per-pod labels: every pod is built in full.
    pub(super) per_pod_selector: bool,
    /// The status last written by a pass.
    pub(super) written: Option<crate::model::plan::Status>,
    /// Each claim template's prototype claim, by the template's position (see `made`).
    pub(super) claim_prototypes: rustc_hash::FxHashMap<usize, Arc<PersistentVolumeClaim>>,
}

/// The object of `items` called `name`.
fn named<'a, T>(items: &'a [T], name: &str) -> Option<&'a T>
where
    T: k8s_openapi::Metadata<Ty = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta>,
{
    items
        .iter()
        .find(|o| o.metadata().name.as_deref() == Some(name))
}

impl World<'_> {
    pub(super) fn offset(&self) -> i64 {
        self.now.duration_since(self.start).as_secs()
    }

    /// `t` as a moment of the preview.
    pub(super) fn ns(&self, t: Timestamp) -> Ns {
        t.duration_since(self.start)
            .as_nanos()
            .clamp(i128::from(i64::MIN + 1), i128::from(NEVER - 1)) as Ns
    }

    /// The time of moment `at`.
    pub(super) fn at(&self, at: Ns) -> Timestamp {
        add(self.start, SignedDuration::from_nanos(at))
    }

    pub(super) fn min_ready_ns(&self) -> Ns {
        i64::from(self.min_ready).saturating_mul(1_000_000_000)
    }

    /// Lifecycles for the pods already there: Ready ones stay Ready, pending ones become
    /// Ready `ready_after` after creation (unless they crash-loop or are assumed to fail),
    /// terminating ones are gone after `terminate_after`.
    pub(super) fn adopt_existing_pods(&mut self) {
        let now = self.now;
        let ready_after = self.assume.ready_after;
        let terminate_after = self.assume.terminate_after;
        let mut adopted = Vec::new();
        for (pod, rec) in self.snap.pods().iter().zip(self.snap.records()) {
            let created = pod
                .metadata
                .creation_timestamp
                .as_ref()
                .map_or(now, |t| t.0);
            let crash_looping = pod
                .status
                .as_ref()
                .and_then(|s| s.container_statuses.as_ref())
                .is_some_and(|cs| {
                    cs.iter().any(|c| {
                        c.state
                            .as_ref()
                            .and_then(|s| s.waiting.as_ref())
                            .and_then(|w| w.reason.as_deref())
                            .is_some_and(|r| r == "CrashLoopBackOff" || r.ends_with("Error"))
                    })
                });
            let running_at = if rec.phase == "Running" || rec.phase == "Succeeded" {
                now.min(created)
            } else {
                add(created, ready_after / 2).max(now)
            };
            let fails = crash_looping || self.fails(rec.ordinal, &rec.revision);
            let ready_at = if rec.ready {
                Some(rec.ready_since.unwrap_or(created).min(now))
            } else if fails || rec.phase == "Failed" || rec.phase == "Succeeded" {
                None
            } else {
                Some(add(created, ready_after).max(now))
            };
            let gone_at = rec.terminating.then(|| add(now, terminate_after));
            let mut life = Life {
                created_at: self.ns(created),
                running_at: self.ns(running_at),
                ready_at: ready_at.map_or(NEVER, |t| self.ns(t)),
                gone_at: gone_at.map_or(NEVER, |t| self.ns(t)),
                reported: NOTHING_REPORTED,
                frozen: matches!(rec.phase, "Failed" | "Succeeded" | "Unknown"),
                adopted: true,
                counted: false,
                made: false,
            };
            life.report(Some((rec.phase, rec.ready)).filter(|(p, _)| !p.is_empty()));
            adopted.push((Arc::<str>::from(rec.name.as_str()), life));
        }
        for (name, life) in adopted {
            self.live(name, life);
        }
    }

    /// Starts following a pod: the kubelet looks at it now, and then at each of its
    /// instants.
    pub(super) fn live(&mut self, name: Arc<str>, life: Life) {
        let now = self.ns(self.now);
        self.lives.insert(&name, life);
        self.due.push(Reverse((now, Arc::clone(&name))));
        self.refresh(&name);
    }

    /// Counts the pod named `name` as an available ordinal or not, as it is now (called
    /// whenever its record changes, and every instant while it waits out minReadySeconds).
    pub(super) fn refresh(&mut self, name: &str) {
        let (start, end) = (
            self.first_ordinal,
            i64::from(self.first_ordinal) + i64::from(self.replicas),
        );
        let (ok, warming) = match self.snap.record(name) {
            Some(rec) if rec.member && rec.ordinal >= start && i64::from(rec.ordinal) < end => {
                let pod = rec;
                let up = pod.is_running_and_ready() && !pod.terminating;
                let available = pod.is_available(self.min_ready, self.now, self.profile);
                (up && available, up && !available)
            }
            _ => (false, false),
        };
        let Some(life) = self.lives.get_mut(name) else {
            return;
        };
        match (life.counted, ok) {
            (false, true) => self.available += 1,
            (true, false) => self.available -= 1,
            _ => {}
        }
        life.counted = ok;
        if warming {
            if !self.warming.contains(name) {
                self.warming.insert(Arc::from(name));
            }
        } else {
            self.warming.remove(name);
        }
    }

    /// Stops following a pod that is gone.
    pub(super) fn forget(&mut self, name: &str) {
        if self.lives.remove(name).is_some_and(|l| l.counted) {
            self.available -= 1;
        }
        self.warming.remove(name);
    }

    pub(super) fn fails(&self, ordinal: i32, revision: &str) -> bool {
        self.assume.fail_ordinals.contains(&ordinal)
            || (self.assume.fail_update_revision && revision == self.update_revision)
    }

    /// One instant: the kubelet and the controller act until neither has anything to do
    /// (as `sim::Cluster::settle`).
    pub(super) fn settle(&mut self) {
        for _ in 0..100 {
            let changed = self.kubelet();
            let acted = self.reconcile();
            if changed == 0 && !acted {
                break;
            }
        }
    }

    /// Brings every pod due to change by `now` to its state at `now`; returns how many
    /// changed. Each life remembers the state last reported, so only real changes count.
    pub(super) fn kubelet(&mut self) -> usize {
        let now = self.ns(self.now);
        let min_ready = self.min_ready_ns();
        let mut due = Vec::new();
        while self.due.peek().is_some_and(|Reverse((t, _))| *t <= now) {
            if let Some(Reverse((_, name))) = self.due.pop() {
                due.push(name);
            }
        }
        due.sort();
        due.dedup();
        let mut changes: Vec<(Arc<str>, Option<Reported>)> = Vec::new();
        for name in due {
            let Some(life) = self.lives.get_mut(&name) else {
                continue;
            };
            // Its next instant, to be looked at again then.
            if let Some(next) = life.next_after(now, min_ready) {
                self.due.push(Reverse((next, Arc::clone(&name))));
            }
            if life.gone_at != NEVER {
                if now >= life.gone_at {
                    changes.push((name, None));
                }
                continue;
            }
            if life.frozen {
                continue;
            }
            let phase = if now >= life.running_at {
                "Running"
            } else {
                "Pending"
            };
            let ready = now >= life.ready_at;
            if life.reported() != Some((phase, ready)) {
                life.report(Some((phase, ready)));
                let since = if ready { life.ready_at } else { now };
                changes.push((name, Some((phase, ready, since))));
            }
        }
        let changed = changes.len();
        if changed > 0 {
            self.quiet_at = None;
        }
        for (name, change) in changes {
            match change {
                None => {
                    self.forget(&name);
                    let revision = self.snap.record(&name).map(|r| r.revision.clone());
                    if self.snap.remove_pod(&name).is_some() {
                        self.push_event(
                            "gone",
                            name.to_string(),
                            revision.unwrap_or_default(),
                            None,
                        );
                    }
                }
                Some((phase, ready, since)) => {
                    let Some(rec) = self.snap.record(&name) else {
                        continue;
                    };
                    if rec.phase == phase && rec.ready == ready {
                        continue;
                    }
                    let since = self.at(since);
                    let made = self.lives.get(&name).is_some_and(|l| l.made);
                    if made {
                        self.snap.update_record(&name, |r| {
                            r.phase = phase;
                            r.ready = ready;
                            r.ready_since = Some(since);
                        });
                    } else {
                        let broken = !ready
                            && phase == "Running"
                            && self.lives.get(&name).is_some_and(|l| l.ready_at == NEVER);
                        self.snap.update_pod(&name, |pod| {
                            pod.status = Some(pod_status(pod, phase, ready, since, broken));
                        });
                    }
                    if ready {
                        self.record_event("ready", &name, None);
                    }
                    self.refresh(&name);
                }
            }
        }
        changed
    }

    /// Controller passes at this instant until one is a no-op (as `sim::controller::
    /// reconcile`). True when anything was done.
    pub(super) fn reconcile(&mut self) -> bool {
        let mut acted = false;
        if self.quiet_at == Some(self.now) {
            return false;
        }
        for _ in 0..64 {
            let plan = crate::model::sync::actions(&self.snap, self.now, self.profile);
            self.passes += 1;
            if plan.is_noop() {
                self.quiet_at = Some(self.now);
                break;
            }
            self.quiet_at = None;
            let done = self.apply(&plan);
            let wrote = plan.status_written && plan.status.current_replicas >= 0;
            // The same status again changes nothing.
            if wrote && self.written.as_ref() != Some(&plan.status) {
                self.snap.put_status(&plan.status);
                self.written = Some(plan.status.clone());
            }
            acted |= done > 0 || wrote;
            // A pass that failed (a create refused, say) is requeued with backoff, not run
            // again at once: the next pass comes with the next change.
            if (done == 0 && !wrote) || plan.error.is_some() {
                break;
            }
        }
        acted
    }

    /// Carries the plan's actions out in order; returns how many were done.
    pub(super) fn apply(&mut self, plan: &Plan) -> usize {
        let set = Arc::clone(&self.set);
        let mut done = 0;
        for action in &plan.actions {
            match action {
                Action::CreateControllerRevision { .. } => {
                    if let Some(rev) = &plan.new_revision {
                        let mut v = objects::new_revision(&set, rev);
                        v["metadata"]["namespace"] = json!(self.snap.namespace());
                        if let Ok(r) = serde_json::from_value(v) {
                            self.snap.put_revision(r);
                        }
                    }
                }
                Action::UpdateControllerRevision {
                    name,
                    revision_number,
                } => {
                    if let Some(mut r) = named(self.snap.revisions(), name).cloned() {
                        r.revision = *revision_number;
                        self.snap.put_revision(r);
                    }
                }
                Action::DeleteControllerRevision { name, .. } => self.snap.remove_revision(name),
                Action::CreatePvc { name, ordinal } => self.create_claim(name, *ordinal),
                // As the API server stores them (the simulated controller does the same):
                // left undone, the next pass plans them again and the instant never settles.
                Action::UpdatePvc {
                    name,
                    owner_references,
                    ..
                } => {
                    if let Some(claim) = self.snap.pvc(name) {
                        let mut claim = claim.clone();
                        // Its own object now (it may have been its template's prototype).
                        claim.metadata.name = Some(name.clone());
                        claim.metadata.owner_references = Some(owner_references.clone());
                        self.snap.put_pvc(claim);
                    }
                }
                Action::UpdatePod {
                    name,
                    ordinal,
                    reason,
                    ..
                } => {
                    if *reason == crate::model::plan::UpdateReason::Identity {
                        self.materialize(name);
                        let (ordinal, profile) = (*ordinal, self.profile);
                        self.snap.update_pod(name, |pod| {
                            if let Ok(mut v) = serde_json::to_value(&*pod) {
                                objects::repair_identity(&mut v, ordinal, profile);
                                if let Ok(repaired) = serde_json::from_value(v) {
                                    *pod = repaired;
                                }
                            }
                        });
                        self.refresh(name);
                    }
                }
                Action::CreatePod {
                    ordinal,
                    revision: rev,
                    ..
                } => {
                    // The API refuses a second pod of the same name (AlreadyExists).
                    let name = format!("{}-{ordinal}", self.snap.name());
                    if self.snap.record(&name).is_some() {
                        break;
                    }
                    let Some(made) = self.create(*ordinal, rev) else {
                        break;
                    };
                    // The API server creates a pod Pending (a pass that follows sees it
                    // created, as the controller's next sync would).
                    let now = self.ns(self.now);
                    let ready_after = self.ns(add(self.now, self.assume.ready_after)) - now;
                    let ready_at = if self.fails(*ordinal, rev) {
                        NEVER
                    } else {
                        now.saturating_add(ready_after)
                    };
                    let reason = action_reason(action);
                    self.push_event("create", name.clone(), rev.clone(), reason);
                    let mut life = Life {
                        running_at: now.saturating_add(ready_after / 2),
                        ready_at,
                        made,
                        ..Life::new(now)
                    };
                    life.report(Some(("Pending", false)));
                    self.live(Arc::from(name), life);
                }
                Action::DeletePod { name, .. } => {
                    let now = self.now;
                    let made = self.lives.get(name.as_str()).is_some_and(|l| l.made);
                    let found = if made {
                        self.snap.update_record(name, |r| r.terminating = true)
                    } else {
                        self.snap.update_pod(name, |pod| {
                            if pod.metadata.deletion_timestamp.is_none() {
                                pod.metadata.deletion_timestamp = Some(Time(now));
                                pod.metadata.deletion_grace_period_seconds = Some(30);
                            }
                        })
                    };
                    if !found {
                        break;
                    }
                    let gone_at = self.ns(add(self.now, self.assume.terminate_after));
                    if let Some(life) = self.lives.get_mut(name) {
                        life.gone_at = gone_at;
                        self.due.push(Reverse((gone_at, Arc::from(name.as_str()))));
                    }
                    self.record_event("delete", name, action_reason(action));
                    self.refresh(name);
                }
            }
            done += 1;
        }
        done
    }
}

pub(super) fn add(t: Timestamp, d: SignedDuration) -> Timestamp {
    t.checked_add(d).unwrap_or(t)
}
