//! One StatefulSet controller sync pass, planned instead of executed (SPEC §2, §3):
//! claim pods, resolve revisions, slot pods, create/repair/delete in the controller's
//! order, roll, compute the status, truncate history. Pure and deterministic: the clock
//! is the `now` argument; actions the controller issues concurrently are listed in
//! index order.

use jiff::Timestamp;

use super::claims::{Claims, Policy};
use super::diagnose;
use super::history::{Revisions, resolve_revisions};
use super::plan::{Action, Plan, Status, Wait, WaitFor};
use super::pod::PodRecord;
use super::profile::Profile;
use super::set::SetView;
use super::slots::Union;
use super::snapshot::Snapshot;
use super::squat::NameTaken;
use typed_arena::Arena;

mod indexed;
mod replica;
mod roll;
mod status;

use indexed::Indexed;

/// The number pod records carry for revision `name`; a name no pod carries gets a number
/// no record has, the same one for the update revision and any name equal to it.
fn rev_id(snap: &Snapshot, name: &str, update: &str) -> u32 {
    snap.revision_id(name).unwrap_or(if name == update {
        u32::MAX
    } else {
        u32::MAX - 1
    })
}

/// Largest batch of `slowStartBatch`.
const MAX_BATCH: usize = 500;

/// Plans one sync pass of `snap` at `now` under `profile`, with its diagnosis.
pub fn plan(snap: &Snapshot, now: Timestamp, profile: &Profile) -> Plan {
    let mut plan = actions(snap, now, profile);
    plan.diagnosis = diagnose::diagnose(snap, &plan, now, profile);
    plan
}

/// The same pass without the diagnosis (left empty): what the controller does, for
/// simulations that run pass after pass and read only the actions and the status.
///
/// The pass visits only the slots that can make it act, found through the snapshot's
/// [`SlotIndex`](super::slots::SlotIndex), when the index covers the set; otherwise it walks every slot as the
/// controller does. Builds with debug assertions (every test run) also walk every slot
/// and demand the same plan, so the whole test suite checks the shortcut.
pub fn actions(snap: &Snapshot, now: Timestamp, profile: &Profile) -> Plan {
    let plan = pass(snap, now, profile, Walk::Indexed);
    #[cfg(debug_assertions)]
    if plan.1 {
        let every = pass(snap, now, profile, Walk::Every).0;
        assert_eq!(plan.0, every, "the indexed pass differs from the full walk");
    }
    plan.0
}

/// The pass walking every slot, as SPEC §2.3 is written: the reference [`actions`] is
/// held to (by tests, and by [`actions`] itself under debug assertions).
pub fn actions_walking_every_slot(snap: &Snapshot, now: Timestamp, profile: &Profile) -> Plan {
    pass(snap, now, profile, Walk::Every).0
}

/// Whether [`actions`] goes through the slot index for `snap` (else it walks every slot).
pub fn goes_through_the_index(snap: &Snapshot, now: Timestamp, profile: &Profile) -> bool {
    pass(snap, now, profile, Walk::Indexed).1
}

/// How a pass finds the slots it processes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Walk {
    /// Every slot, in order (SPEC §2.3 as written).
    Every,
    /// Through the slot index when it covers the set, else every slot.
    Indexed,
}

/// One pass; true when it went through the slot index.
fn pass(snap: &Snapshot, now: Timestamp, profile: &Profile, walk: Walk) -> (Plan, bool) {
    let placeholders = Arena::new();
    let mut pass = Pass::new(snap, now, *profile, &placeholders, walk);
    pass.run();
    let indexed = pass.indexed.is_some();
    (pass.finish(), indexed)
}

/// Which list a member of the pass lives in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Place {
    Slot(usize),
    Condemned(usize),
}

enum Step {
    Continue,
    Stop,
    Error(String),
}

struct Pass<'a> {
    now: Timestamp,
    profile: Profile,
    view: SetView<'a>,
    claims: Claims<'a>,
    snap: &'a Snapshot,
    revs: Revisions<'a>,
    /// The members: claimed pods' records, read in place, and placeholders for pods to
    /// create (allocated for the pass).
    slots: Vec<&'a PodRecord>,
    condemned: Vec<&'a PodRecord>,
    placeholders: &'a Arena<PodRecord>,
    /// Set when the pass goes through the slot index; `slots` stays empty then.
    indexed: Option<Indexed<'a>>,
    /// The current and update revisions as pod records number them (see [`rev_id`]).
    current_id: u32,
    update_id: u32,
    first_unavailable: Option<Place>,
    actions: Vec<Action>,
    waiting: Option<Wait>,
    error: Option<String>,
    /// Creates that fail because the name is held (AlreadyExists), in issue order.
    name_taken: Vec<NameTaken>,
    /// Uids of pods this pass deleted that the API server removed at once (see
    /// `pod::deleted_at_once`): deleting one again answers NotFound, no write.
    gone: Vec<String>,
    status: Status,
}

impl<'a> Pass<'a> {
    fn new(
        snap: &'a Snapshot,
        now: Timestamp,
        profile: Profile,
        placeholders: &'a Arena<PodRecord>,
        walk: Walk,
    ) -> Pass<'a> {
        let view = SetView::of(snap, &profile);
        let spec = snap.set().spec.as_ref();
        let templates = super::snapshot::claim_templates(snap.set());
        let policy = spec
            .and_then(|s| s.persistent_volume_claim_retention_policy.as_ref())
            .map_or(Policy::parse(None, None), |p| {
                Policy::parse(p.when_scaled.as_deref(), p.when_deleted.as_deref())
            });
        let claims = Claims::new(
            view.name,
            view.uid,
            templates,
            policy,
            (view.start, view.end()),
            profile,
            snap.pvcs(),
            snap.claim_index(),
        );
        let indexed = match walk {
            Walk::Indexed => Indexed::of(snap, &view, &profile, policy, now),
            Walk::Every => None,
        };
        let revs = resolve_revisions(snap, &view, &profile);
        let (current_id, update_id) = (
            rev_id(snap, &revs.current.name, &revs.update.name),
            rev_id(snap, &revs.update.name, &revs.update.name),
        );
        Pass {
            now,
            profile,
            claims,
            snap,
            revs,
            slots: Vec::new(),
            condemned: Vec::new(),
            placeholders,
            indexed,
            current_id,
            update_id,
            first_unavailable: None,
            actions: Vec::new(),
            waiting: None,
            error: None,
            name_taken: Vec::new(),
            gone: Vec::new(),
            status: Status::default(),
            view,
        }
    }

    fn member(&self, place: Place) -> &'a PodRecord {
        match place {
            Place::Slot(i) => self.slot(i),
            Place::Condemned(i) => self.condemned[i],
        }
    }

    /// The number of slots (`replicas`).
    fn slot_count(&self) -> usize {
        self.view.replicas.max(0) as usize
    }

    fn slot(&self, i: usize) -> &'a PodRecord {
        let Some(ix) = &self.indexed else {
            return self.slots[i];
        };
        if let Some(&pod) = ix.replaced.get(&i) {
            return pod;
        }
        if let Some(at) = ix.index.at(i) {
            return &self.snap.records()[at];
        }
        let made = ix.vacant_placeholders.borrow().get(&i).copied();
        made.unwrap_or_else(|| {
            let pod = self.placeholder(self.view.start + i as i32);
            ix.vacant_placeholders.borrow_mut().insert(i, pod);
            pod
        })
    }

    /// Puts `pod` in slot `i` for the rest of the pass.
    fn replace_slot(&mut self, i: usize, pod: &'a PodRecord) {
        match &mut self.indexed {
            Some(ix) => {
                ix.replaced.insert(i, pod);
            }
            None => self.slots[i] = pod,
        }
    }

    fn unavailable(&self, pod: &PodRecord) -> bool {
        pod.is_unavailable(self.view.min_ready_seconds, self.now, &self.profile)
    }

    fn available(&self, pod: &PodRecord) -> bool {
        pod.is_available(self.view.min_ready_seconds, self.now, &self.profile)
    }

    fn wait(&mut self, pod: &PodRecord, for_: WaitFor) {
        if self.waiting.is_none() {
            self.waiting = Some(Wait {
                pod: pod.name.to_string(),
                ordinal: pod.ordinal,
                for_,
            });
        }
    }

    /// The placeholder for an empty slot, at the revision SPEC §2.3 P5 picks.
    fn placeholder(&self, ordinal: i32) -> &'a PodRecord {
        let v = &self.view;
        let use_current = match v.rolling {
            None => v.strategy == "RollingUpdate" && ordinal < v.start + v.stored.current_replicas,
            Some((partition, _)) => ordinal < v.start + partition,
        };
        let (rev, id) = if use_current {
            (&self.revs.current.name, self.current_id)
        } else {
            (&self.revs.update.name, self.update_id)
        };
        let placeholders: &'a Arena<PodRecord> = self.placeholders;
        placeholders.alloc(PodRecord::placeholder(
            format!("{}-{ordinal}", v.name),
            ordinal,
            rev.clone(),
            id,
        ))
    }

    fn run(&mut self) {
        self.actions = std::mem::take(&mut self.revs.actions);
        self.status = Status {
            observed_generation: self.view.generation,
            current_revision: self.revs.current.name.clone(),
            update_revision: self.revs.update.name.clone(),
            collision_count: self.revs.collision_count,
            ..Status::default()
        };
        // P8: a set being deleted only gets its status (over all claimed pods).
        if self.view.deleting {
            let claimed = claim_pods(self.snap, &self.view);
            self.status_counts(claimed.iter().copied());
            return;
        }
        self.slot_pods();
        let outcome = self.process();
        match self.indexed.take() {
            Some(ix) => {
                self.count_indexed(&ix);
                self.indexed = Some(ix);
            }
            None => {
                let (slots, condemned) = (
                    std::mem::take(&mut self.slots),
                    std::mem::take(&mut self.condemned),
                );
                self.status_counts(slots.iter().chain(&condemned).copied());
                (self.slots, self.condemned) = (slots, condemned);
            }
        }
        if let Err(e) = outcome {
            self.error = Some(e);
            return;
        }
        if outcome == Ok(true) && !self.view.on_delete() {
            self.roll();
        }
    }

    /// P4–P7: slots, placeholders, condemned order, first unavailable pod.
    fn slot_pods(&mut self) {
        let first_slot = match &self.indexed {
            Some(ix) => {
                let records = self.snap.records();
                self.condemned = ix.index.condemned().map(|at| &records[at]).collect();
                ix.unavailable_slots(&self.profile).first()
            }
            None => {
                self.slot_every_pod();
                (0..self.slots.len()).find(|&i| self.unavailable(self.slots[i]))
            }
        };
        self.first_unavailable = first_slot.map(Place::Slot).or_else(|| {
            (0..self.condemned.len())
                .rev()
                .map(Place::Condemned)
                .find(|&p| self.unavailable(self.member(p)))
        });
    }

    /// P4–P6 over every claimed pod: the slots with placeholders, the condemned by
    /// descending ordinal.
    fn slot_every_pod(&mut self) {
        let (start, end) = (self.view.start, self.view.end());
        let mut slots: Vec<Option<&'a PodRecord>> = vec![None; self.view.replicas.max(0) as usize];
        for pod in claimed(self.snap, self.view.deleting) {
            if pod.ordinal >= start && pod.ordinal <= end {
                slots[(pod.ordinal - start) as usize] = Some(pod);
            } else if pod.ordinal >= 0 {
                self.condemned.push(pod);
            }
        }
        self.slots = slots
            .into_iter()
            .enumerate()
            .map(|(i, s)| s.unwrap_or_else(|| self.placeholder(start + i as i32)))
            .collect();
        // Stable sort, descending ordinal.
        self.condemned.sort_by_key(|p| std::cmp::Reverse(p.ordinal));
    }

    /// P9–P11. `Ok(true)` when the pass goes on to the rolling phase.
    fn process(&mut self) -> Result<bool, String> {
        let monotonic = self.view.monotonic;
        let n = self.slot_count();
        let slots = match &self.indexed {
            // A settled slot (Running, Ready, intact, its claims as the policy wants when
            // that is checked) continues without acting; only an available check can
            // stop there, when the set is monotonic.
            Some(ix) => {
                let mut parts = vec![&ix.index.vacant, &ix.index.unsettled];
                if self.profile.auto_delete_pvc() {
                    parts.push(&ix.index.owned_claims);
                }
                let ripening = if monotonic { &ix.ripening[..] } else { &[] };
                let visit = Union::of(&parts).with(ripening.iter().copied());
                self.run_for_all(n, visit.ones(), monotonic, Self::process_replica)?
            }
            None => self.run_for_all(n, 0..n, monotonic, Self::process_replica)?,
        };
        if !slots {
            return Ok(false);
        }
        let condemned = self.condemned.len();
        if self.profile.auto_delete_pvc()
            && !self.run_for_all(
                condemned,
                0..condemned,
                monotonic,
                Self::fix_condemned_claims,
            )?
        {
            return Ok(false);
        }
        self.run_for_all(condemned, 0..condemned, monotonic, Self::process_condemned)
    }

    /// `runForAll` over `n` members, calling `f` for those in `visit` (ascending; the
    /// others would continue without acting): sequential with early stop when
    /// monotonic; otherwise slow-start batches (1, 2, 4, … ≤ 500) that stop only on an
    /// error, after the batch. `Ok(false)` = stop.
    fn run_for_all(
        &mut self,
        n: usize,
        visit: impl IntoIterator<Item = usize>,
        monotonic: bool,
        f: fn(&mut Self, usize) -> Step,
    ) -> Result<bool, String> {
        if monotonic {
            for i in visit {
                match f(self, i) {
                    Step::Continue => {}
                    Step::Stop => return Ok(false),
                    Step::Error(e) => return Err(e),
                }
            }
            return Ok(true);
        }
        let mut errors = Vec::new();
        // The batch being run: [done, done + batch).
        let (mut done, mut batch) = (0, 1.min(n));
        for i in visit {
            while i >= done + batch && batch > 0 {
                if !errors.is_empty() {
                    return Err(errors.join("; "));
                }
                done += batch;
                batch = (2 * batch).min(n - done).min(MAX_BATCH);
            }
            if let Step::Error(e) = f(self, i) {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(true)
        } else {
            Err(errors.join("; "))
        }
    }
}

/// The outer sync's claim step (SPEC §2.1): pods whose controller is this set and that
/// match the selector and are members, plus orphans it would adopt.
pub fn claim_pods<'a>(snap: &'a Snapshot, view: &SetView) -> Vec<&'a PodRecord> {
    claimed(snap, view.deleting).collect()
}

/// The claimed pods, read in place (a pass walks them without collecting them).
fn claimed(snap: &Snapshot, deleting: bool) -> impl Iterator<Item = &PodRecord> {
    snap.records()
        .iter()
        .filter(move |r| super::slots::claimed(r, deleting))
}
