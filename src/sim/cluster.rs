//! The simulated cluster: store + kubelet + StatefulSet controller, on a virtual clock
//! (tests, `demo --headless`) or the wall clock (`sim serve`, `demo`). Synchronous; the
//! HTTP server shares it behind a mutex.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use crate::model::profile::Profile;

use super::controller::{self, DecodeCache, Record};
use super::error::ApiError;
use super::kubelet::{self, KubeletConfig};
use super::queue::Queues;

/// How long the controller waits before syncing a set again after a failed pass (the
/// real one backs off exponentially from 5 ms; one second keeps virtual time moving).
const RETRY_AFTER: SignedDuration = SignedDuration::from_secs(1);
use super::store::{Kind, Store};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// Time moves only when told to.
    Virtual,
    /// Time is the machine's clock.
    Wall,
    /// Time is tokio's clock from an origin: virtual on a paused runtime (the headless
    /// demo, where the tool's own commands run against the cluster in-process), the
    /// machine's pace otherwise.
    Tokio(crate::event::TokioClock),
}

/// Requests answered with an error instead of being served, and watches cut short.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Share of API requests (0.0–1.0) answered with one of `codes`.
    pub error_rate: f64,
    pub codes: Vec<u16>,
    /// Watches end after this many events.
    pub drop_watch_after: Option<usize>,
    /// Added to every response.
    pub latency: std::time::Duration,
    /// The next this-many PATCH/PUT requests of a StatefulSet race another writer: the
    /// set is written (an annotation) just before the request is served, so a
    /// resourceVersion precondition fails with a real 409.
    pub conflicts: usize,
    pub seed: u64,
    /// The API server cannot be reached: every request, watches included, is answered
    /// 503 and open watches end (a network partition, as a client sees it).
    pub unreachable: bool,
    /// Resources (plurals, e.g. `persistentvolumeclaims`) the client's RBAC does not
    /// allow: every request for them is answered 403, as kube-apiserver words it.
    pub forbidden: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub clock: Clock,
    pub profile: Profile,
    pub kubelet: KubeletConfig,
    pub faults: Faults,
    /// How many changes the store keeps for watches to resume from.
    pub history: usize,
    /// Served (not on the virtual clock): how long the controller and the kubelet take to
    /// react to a write. Zero: inside the write, before it is answered. Otherwise the
    /// write is answered at once and a client sees the state before the reaction — a
    /// status with `observedGeneration < generation` — as on a real cluster.
    pub controller_delay: std::time::Duration,
    /// Accept in-place changes of a set's `volumeClaimTemplates` (KEP-4650, which no
    /// release up to 1.37 serves): for the tools that detect such a release.
    pub claim_template_updates: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            clock: Clock::Virtual,
            profile: Profile::default(),
            kubelet: KubeletConfig::default(),
            faults: Faults::default(),
            history: super::store::HISTORY,
            controller_delay: std::time::Duration::ZERO,
            claim_template_updates: false,
        }
    }
}

/// The virtual clock's origin.
pub fn epoch() -> Timestamp {
    Timestamp::from_second(1_798_761_600).unwrap_or(Timestamp::UNIX_EPOCH) // 2027-01-01T00:00:00Z
}

/// Counts of the control plane's work since the cluster started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkDone {
    /// Sets the controller synced (one key of its queue each).
    pub syncs: u64,
    /// Pods the kubelet looked at.
    pub pods: u64,
}

pub struct Cluster {
    pub store: Store,
    pub config: Config,
    virtual_now: Timestamp,
    cache: DecodeCache,
    queues: Queues,
    /// How much work the control plane has done, for tests and benches of its cost.
    pub work: WorkDone,
    /// Everything the controller did, oldest first.
    pub log: Vec<Record>,
    rng: u64,
    jitter: u64,
    /// The instant the last settle acted at (None before the first).
    settled_at: Option<Timestamp>,
}

impl Cluster {
    pub fn new(config: Config) -> Cluster {
        let mut c = Cluster {
            store: Store::with_history(config.history),
            rng: config.faults.seed | 1,
            jitter: config.faults.seed ^ 0x9E37_79B9_7F4A_7C15,
            config,
            virtual_now: epoch(),
            cache: DecodeCache::default(),
            queues: Queues::default(),
            work: WorkDone::default(),
            log: Vec::new(),
            settled_at: None,
        };
        c.store.now = c.now();
        c.store.minor = c.config.profile.version.minor;
        c.store.claim_template_updates = c.config.claim_template_updates;
        c.store.max_unavailable_gate = c.config.profile.gates.max_unavailable_stateful_set;
        for class in super::volumes::classes() {
            // The served classes: names no client can have taken yet.
            let _ = c.store.create(Kind::StorageClass, "", class, false);
        }
        super::kinds::seed(&mut c.store);
        c
    }

    /// Starts the virtual clock at `t` (e.g. a little before the wall clock, to seed a
    /// scenario whose pods look as old as they would in a real cluster).
    pub fn start_at(&mut self, t: Timestamp) {
        self.virtual_now = t;
        self.store.now = self.now();
        // What a new cluster has (the served StorageClasses, the system namespaces and
        // their service accounts, the node) exists from the start, not from the clock's
        // origin.
        for kind in [
            Kind::StorageClass,
            Kind::Namespace,
            Kind::ServiceAccount,
            Kind::Node,
        ] {
            let names: Vec<(String, String)> = self
                .store
                .all(kind)
                .map(|c| {
                    let at = |p: &str| c.pointer(p).and_then(Value::as_str).unwrap_or("");
                    (
                        at("/metadata/namespace").to_string(),
                        at("/metadata/name").to_string(),
                    )
                })
                .collect();
            for (ns, name) in names {
                let _ = self.store.write_system(kind, &ns, &name, |c| {
                    c["metadata"]["creationTimestamp"] = json!(super::store::format_time(t))
                });
            }
        }
    }

    /// Switches clocks (seed on the virtual clock, then serve on the wall clock).
    pub fn set_clock(&mut self, clock: Clock) {
        self.config.clock = clock;
        self.store.now = self.now();
    }

    pub fn now(&self) -> Timestamp {
        match self.config.clock {
            Clock::Virtual => self.virtual_now,
            Clock::Wall => Timestamp::now(),
            Clock::Tokio(c) => crate::event::Clock::now(&c),
        }
    }

    /// Lets the kubelet and the controller act at the current instant until neither has
    /// anything left to do: each looks only at what changed since it last looked and at
    /// what fell due (the work queues). Returns what the controller did.
    pub fn settle(&mut self) -> Vec<Record> {
        let mut done = Vec::new();
        for _ in 0..100 {
            let now = self.now();
            self.store.now = now;
            self.settled_at = Some(now);
            self.store.collect_garbage();
            super::kinds::reconcile_namespaces(&mut self.store);
            super::kinds::reclaim(&mut self.store);
            let work = self.queues.take(&self.store, now);
            if work.is_empty() {
                break;
            }
            self.work.syncs += work.sets.len() as u64;
            self.work.pods += work.pods.len() as u64;
            let kubelet = self.config.kubelet;
            kubelet::step(&mut self.store, &work.pods, now, &kubelet);
            for (ns, name) in work.pods {
                let at = self
                    .store
                    .get(Kind::Pod, &ns, &name)
                    .and_then(|p| kubelet::next_change(p, now, &kubelet));
                self.queues.pod_at((ns, name), at);
            }
            for (ns, name) in work.claims {
                release_claim(&mut self.store, &ns, &name);
                let at = super::volumes::resize(
                    &mut self.store,
                    &ns,
                    &name,
                    now,
                    self.config.kubelet.resize_after,
                );
                self.queues.claim_at((ns, name), at);
            }
            for ns in &work.budgets {
                super::disruption::sync_namespace(&mut self.store, ns);
            }
            for (ns, name) in work.sets {
                let synced = controller::sync(
                    &mut self.store,
                    &self.config.profile,
                    now,
                    &mut self.cache,
                    &ns,
                    &name,
                );
                done.extend(synced.records);
                let at = if synced.failed {
                    now.checked_add(RETRY_AFTER).ok()
                } else {
                    self.next_available(&ns, &name, now)
                };
                self.queues.set_at((ns, name), at);
            }
        }
        self.log.extend(done.iter().cloned());
        done
    }

    /// When something next happens by itself (a pod starts, becomes Ready, restarts or
    /// finishes terminating; the controller's requeue of a set falls due). On the wall
    /// clock this may be in the past: a change due since the last settle has not happened
    /// yet, and must not be skipped (the cluster would stall until the next write).
    pub fn next_change(&self) -> Option<Timestamp> {
        self.queues.next()
    }

    /// When a Ready pod of the set `ns/name` with minReadySeconds becomes available: the
    /// controller requeues the set for that moment (`requeueAfter`).
    fn next_available(&self, ns: &str, name: &str, now: Timestamp) -> Option<Timestamp> {
        let set = self.store.get(Kind::StatefulSet, ns, name)?;
        let m = set
            .pointer("/spec/minReadySeconds")?
            .as_i64()
            .filter(|m| *m > 0)?;
        let uid = set.pointer("/metadata/uid")?.as_str()?;
        self.store
            .dependents(uid)
            .filter(|((kind, _, _), _)| *kind == Kind::Pod)
            .filter_map(|(_, p)| {
                let ready = p
                    .pointer("/status/conditions")?
                    .as_array()?
                    .iter()
                    .find(|c| c["type"] == "Ready" && c["status"] == "True")?;
                let since = super::store::parse_time(ready.get("lastTransitionTime")?)?;
                let at = since.checked_add(SignedDuration::from_secs(m)).ok()?;
                (at > now).then_some(at)
            })
            .min()
    }

    /// Virtual clock: moves time forward by `d`, stopping at every instant where something
    /// happens. Returns what the controller did.
    pub fn advance(&mut self, d: SignedDuration) -> Vec<Record> {
        let target = self.virtual_now.checked_add(d).unwrap_or(self.virtual_now);
        let mut done = self.settle();
        loop {
            let next = self
                .next_change()
                .filter(|t| *t <= target)
                .unwrap_or(target);
            self.virtual_now = next.max(self.virtual_now);
            done.extend(self.settle());
            if self.virtual_now >= target {
                return done;
            }
        }
    }

    /// Virtual clock: advances until `done(self)` holds or `limit` passes. True when it
    /// held.
    pub fn run_until(
        &mut self,
        limit: SignedDuration,
        mut done: impl FnMut(&Cluster) -> bool,
    ) -> bool {
        let deadline = self
            .virtual_now
            .checked_add(limit)
            .unwrap_or(self.virtual_now);
        self.settle();
        loop {
            if done(self) {
                return true;
            }
            match self.next_change() {
                Some(t) if t <= deadline => {
                    self.virtual_now = t;
                    self.settle();
                }
                _ => {
                    self.virtual_now = deadline;
                    self.settle();
                    return done(self);
                }
            }
        }
    }

    /// Creates `objects` (each with a namespace, `default` if none).
    pub fn seed(&mut self, objects: Vec<Value>) -> Result<(), ApiError> {
        self.store.now = self.now();
        for obj in objects {
            let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
            let kind = Kind::ALL
                .into_iter()
                .find(|k| k.name() == kind)
                .ok_or_else(|| {
                    ApiError::bad_request(&format!(
                        "the simulated cluster does not serve kind {kind:?}"
                    ))
                })?;
            let ns = if kind.cluster_scoped() {
                String::new()
            } else {
                obj.pointer("/metadata/namespace")
                    .and_then(Value::as_str)
                    .unwrap_or("default")
                    .to_string()
            };
            super::kinds::ensure_namespace(&mut self.store, &ns);
            if kind == Kind::Namespace {
                let name = obj
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if self.store.get(Kind::Namespace, "", name).is_some() {
                    continue; // a system namespace, or one its objects made
                }
            }
            if kind == Kind::StorageClass {
                // A scenario's class takes the place of a served one of that name.
                let name = obj
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                self.store.remove(Kind::StorageClass, "", name);
            }
            self.store.create(kind, &ns, obj, false)?;
        }
        Ok(())
    }

    /// A pseudo-random draw in [0, 1) for fault injection (xorshift64*, seeded).
    pub fn draw(&mut self) -> f64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// How long the controller and the kubelet take to react to a write this time: the
    /// configured delay, jittered uniformly over ±50% (its own seeded sequence, so
    /// fault injection draws the same with or without it).
    pub fn reaction_delay(&mut self) -> std::time::Duration {
        let d = self.config.controller_delay;
        if d.is_zero() {
            return d;
        }
        let mut x = self.jitter | 1;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.jitter = x;
        let u = (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64;
        d.mul_f64(0.5 + u)
    }

    /// Whether this request gets an injected error, and which.
    pub fn injected_fault(&mut self) -> Option<ApiError> {
        let f = &self.config.faults;
        if f.error_rate <= 0.0 || f.codes.is_empty() {
            return None;
        }
        let codes = f.codes.clone();
        let rate = f.error_rate;
        if self.draw() < rate {
            let i = (self.draw() * codes.len() as f64) as usize;
            return Some(ApiError::injected(codes[i.min(codes.len() - 1)]));
        }
        None
    }
}

/// The pvc-protection controller: a deleted claim no pod uses loses its finalizer, and
/// goes when it was the last.
/// The pvc-protection controller's `Unused` condition (PersistentVolumeClaimUnusedSinceTime,
/// beta and on by default from 1.37): False while a pod references the claim, True when
/// none does, its transition time the moment it changed.
fn unused_condition(store: &mut Store, ns: &str, name: &str, in_use: bool) {
    let (status, reason, message) = if in_use {
        (
            "False",
            "PodUsingPVC",
            "A pod is currently referencing this PVC",
        )
    } else {
        (
            "True",
            "NoPodsUsingPVC",
            "No pods are currently referencing this PVC",
        )
    };
    let now = super::store::format_time(store.now);
    let _ = store.write_system(Kind::PersistentVolumeClaim, ns, name, |c| {
        let conditions = c["status"]["conditions"].as_array().cloned().unwrap_or_default();
        if conditions
            .iter()
            .any(|x| x["type"] == "Unused" && x["status"] == status)
        {
            return;
        }
        let condition = json!({"type": "Unused", "status": status, "reason": reason,
                               "message": message, "lastProbeTime": null, "lastTransitionTime": now});
        let mut next: Vec<Value> = conditions.into_iter().filter(|x| x["type"] != "Unused").collect();
        next.push(condition);
        c["status"]["conditions"] = Value::Array(next);
    });
}

fn release_claim(store: &mut Store, ns: &str, name: &str) {
    let Some(claim) = store.get(Kind::PersistentVolumeClaim, ns, name) else {
        return;
    };
    let protected = claim
        .pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .is_some_and(|f| f.iter().any(|x| x == super::store::PVC_PROTECTION));
    let deleting = claim.pointer("/metadata/deletionTimestamp").is_some();
    let in_use = store.named_from(Kind::Pod, ns, "").any(|p| {
        let done = matches!(
            p.pointer("/status/phase").and_then(Value::as_str),
            Some("Succeeded" | "Failed")
        );
        !done && super::queue::claims_of(p).any(|c| c == name)
    });
    if store.minor >= 37 && !deleting {
        unused_condition(store, ns, name, in_use);
    }
    if !deleting || !protected || in_use {
        return;
    }
    let released = store.write_system(Kind::PersistentVolumeClaim, ns, name, |c| {
        if let Some(f) = c
            .pointer_mut("/metadata/finalizers")
            .and_then(Value::as_array_mut)
        {
            f.retain(|x| x != super::store::PVC_PROTECTION);
        }
    });
    let finished = released.is_ok_and(|c| {
        c.pointer("/metadata/finalizers")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
    });
    if finished {
        store.remove(Kind::PersistentVolumeClaim, ns, name);
        store.collect_garbage();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::store::DeleteOptions;

    fn set(name: &str) -> Value {
        serde_json::json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": 3, "serviceName": name, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "c", "image": "nginx:1"}]}}}})
    }

    /// The control plane costs per change: with 40 settled sets, deleting one pod makes
    /// the controller sync that pod's set (and nothing else), and the kubelet look at
    /// that set's pods only.
    #[test]
    fn a_change_wakes_only_the_set_it_touches() {
        let mut c = Cluster::new(Config::default());
        c.seed((0..40).map(|i| set(&format!("db{i}"))).collect())
            .unwrap();
        c.advance(SignedDuration::from_secs(30));
        assert_eq!(c.store.all(Kind::Pod).count(), 120, "every set is up");
        let before = c.work;
        let logged = c.log.len();
        c.store
            .delete(Kind::Pod, "default", "db7-1", &DeleteOptions::default())
            .unwrap();
        c.advance(SignedDuration::from_secs(30));
        assert!(
            c.store.get(Kind::Pod, "default", "db7-1").is_some(),
            "recreated"
        );
        let syncs = c.work.syncs - before.syncs;
        let pods = c.work.pods - before.pods;
        assert!(syncs > 0 && syncs <= 20, "{syncs} syncs for one pod's life");
        assert!(
            pods > 0 && pods <= 20,
            "{pods} pod looks for one pod's life"
        );
        let synced: std::collections::BTreeSet<&str> =
            c.log[logged..].iter().map(|r| r.set.as_str()).collect();
        assert_eq!(synced, ["db7"].into());
    }

    /// A change that falls due after a settle but before the driver asks what is next (a
    /// request came in, the thread was descheduled) must still be the next change: the
    /// driver would otherwise sleep until the next write, with the cluster stalled.
    #[test]
    fn a_change_due_since_the_last_settle_is_still_next_on_the_wall_clock() {
        let mut config = Config::default();
        // Object times have whole seconds: long enough that the new pod's Running and
        // Ready are not both behind it by the time it is created.
        config.kubelet.ready_after = SignedDuration::from_millis(2500);
        config.kubelet.max_grace = SignedDuration::from_millis(20);
        let scenario = crate::sim::scenario::Scenario::load("default").unwrap();
        let mut c = scenario.on_wall_clock(config).unwrap();
        c.store
            .delete(Kind::Pod, "default", "web-4", &DeleteOptions::default())
            .unwrap();
        c.settle();
        let due = c
            .next_change()
            .expect("the new pod starts, then becomes Ready");
        let wait = due.duration_since(c.now()) + SignedDuration::from_millis(20);
        std::thread::sleep(std::time::Duration::try_from(wait).unwrap_or_default());
        assert!(c.now() > due, "the change is due by now");
        assert_eq!(
            c.next_change(),
            Some(due),
            "not skipped for being in the past"
        );
        c.settle();
        assert!(c.next_change().is_none_or(|t| t > due));
    }
}
