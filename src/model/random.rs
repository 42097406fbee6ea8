//! Random scenarios for the differential test against the real controller (`examples/
//! parity.rs`, `scripts/parity`): a seeded generator of StatefulSets with the pods,
//! revisions and claims around them, covering what the controller decides on — pods
//! foreign, released, orphaned, terminating, Failed or Succeeded; names held by pods the
//! set does not own; claims with retention policies and foreign owners; `ordinals.start`;
//! `maxUnavailable`; Parallel and OrderedReady; OnDelete; partitions; minReadySeconds at
//! and around the availability boundary; revisions reverted to and history limits; sets
//! being deleted. Pure: the same seed gives the same scenario.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::fixture::{Fixture, PodState, PvcFixture, SET_UID, Strategy};
use super::profile::Profile;

/// One scenario: the objects (a v1 List's items), the feature gates set, the time.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub seed: u64,
    pub objects: Vec<Value>,
    pub gates: BTreeMap<String, bool>,
    pub now: Timestamp,
}

impl Scenario {
    /// The objects as a v1 List.
    pub fn list(&self) -> Value {
        json!({"apiVersion": "v1", "kind": "List", "items": self.objects})
    }
}

/// SplitMix64: small, seeded, good enough to spread scenarios (and tests' inputs).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (0 when n is 0).
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn int(&mut self, lo: i32, hi: i32) -> i32 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i32
    }
    /// True with probability `percent`%.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const IMAGES: [&str; 4] = ["nginx:1.24", "nginx:1.25", "nginx:1.26", "nginx:broken"];
const FOREIGN_UID: &str = "0b5e1f6a-1111-4c2d-8e3f-000000000001";

/// The scenario of `seed` under `profile`; `flip` sets feature gates away from the
/// release's defaults where the release allows it (MaxUnavailableStatefulSet; before
/// 1.32, StatefulSetAutoDeletePVC).
pub fn scenario(seed: u64, profile: &Profile, flip: bool) -> Scenario {
    let mut r = Rng(seed ^ 0x005E_ED0F_5A7E);
    let now: Timestamp = Timestamp::from_second(1_767_225_600).unwrap_or(Timestamp::UNIX_EPOCH); // 2026-01-01T00:00:00Z
    let replicas = r.int(0, 6);
    let mut f = Fixture::new("web", replicas);
    f.parallel = r.chance(40);
    f.start = r.chance(25).then(|| r.int(0, 4));
    f.min_ready_seconds = *r.pick(&[0, 0, 5, 30]);
    f.history_limit = *r.pick(&[0, 1, 2, 10]);
    let partition = r.int(0, replicas + 1);
    f.strategy = match r.below(10) {
        0..=5 => Strategy::RollingUpdate {
            partition: if r.chance(50) { 0 } else { partition },
            max_unavailable: if r.chance(35) {
                Some(if r.chance(50) {
                    json!(r.int(1, 3))
                } else {
                    json!(format!("{}%", r.pick(&[10, 40, 50, 100])))
                })
            } else {
                None
            },
        },
        6 => Strategy::RollingUpdateNil,
        _ => Strategy::OnDelete,
    };
    // Revisions 1..=n; the template is one of them (maybe an older one: a revert) or new.
    let n = r.int(1, 3) as usize;
    for i in 0..n {
        f.revision(IMAGES[(i + r.below(2) as usize) % IMAGES.len()]);
    }
    f.revisions.dedup();
    let n = f.revisions.len();
    f.template = if r.chance(25) {
        IMAGES[r.below(IMAGES.len() as u64) as usize].to_string()
    } else {
        f.revisions[r.below(n as u64) as usize].clone()
    };
    f.status_current = r.chance(85).then(|| r.below(n as u64) as usize);
    f.status_update = r.chance(85).then(|| r.below(n as u64) as usize);
    f.status_current_replicas = r.int(0, replicas);
    f.generation = r.int(1, 4) as i64;
    f.observed_generation = (f.generation - r.int(0, 1) as i64).max(1);
    f.deleting = r.chance(5);
    if r.chance(45) {
        f.volume_claim_templates = vec!["data".into()];
        if r.chance(60) {
            let p = ["Retain", "Delete"];
            f.retention = Some((r.pick(&p).to_string(), r.pick(&p).to_string()));
        }
    }
    let first = f.start.unwrap_or(0);
    // Pods at the set's ordinals and a few beyond (a scale-down in progress).
    for ordinal in first..first + replicas + r.int(0, 2) {
        if !r.chance(75) {
            continue;
        }
        let state = *r.pick(&[
            PodState::RunningReady,
            PodState::RunningReady,
            PodState::RunningReady,
            PodState::RunningNotReady,
            PodState::CrashLoop,
            PodState::Pending,
            PodState::Failed,
            PodState::Succeeded,
        ]);
        let mrs = i64::from(f.min_ready_seconds);
        let ready_for = *r.pick(&[0, (mrs - 1).max(0), mrs, mrs + 1, 3600]);
        let revision = r.below(n as u64) as usize;
        let p = f.pod(ordinal, revision, state);
        p.terminating = r.chance(10);
        p.ready_for = SignedDuration::from_secs(ready_for);
        p.without_name_label = r.chance(4);
    }
    if !f.volume_claim_templates.is_empty() {
        for ordinal in first..first + replicas + 1 {
            if !r.chance(50) {
                continue;
            }
            let pod_uid = f.uid_of_pod(ordinal);
            let owners = match r.below(5) {
                0 => vec![],
                1 => vec![("StatefulSet".into(), "web".into(), SET_UID.into(), true)],
                2 => vec![("Pod".into(), format!("web-{ordinal}"), pod_uid, true)],
                3 => vec![(
                    "StatefulSet".into(),
                    "other".into(),
                    FOREIGN_UID.into(),
                    true,
                )],
                _ => vec![
                    ("StatefulSet".into(), "web".into(), SET_UID.into(), true),
                    ("Pod".into(), format!("web-{ordinal}"), pod_uid, true),
                ],
            };
            f.pvcs.push(PvcFixture {
                name: format!("data-web-{ordinal}"),
                terminating: r.chance(5),
                owners,
            });
        }
    }
    let mut objects = f.objects(profile, now);
    // Pods the set does not simply own: another controller's, orphans, released (no
    // longer matching the selector), and names held by a pod of another owner.
    for o in objects.iter_mut().filter(|o| o["kind"] == "Pod") {
        match r.below(20) {
            0 => {
                o["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "StatefulSet",
                    "name": "other", "uid": FOREIGN_UID, "controller": true, "blockOwnerDeletion": true}]);
            }
            1 => {
                if let Some(m) = o["metadata"].as_object_mut() {
                    m.remove("ownerReferences");
                }
            }
            2 => o["metadata"]["labels"]["app"] = json!("released"),
            3 => {
                o["metadata"]["labels"] = json!({"app": "squatter"});
                o["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "StatefulSet",
                    "name": "other", "uid": FOREIGN_UID, "controller": true}]);
            }
            _ => {}
        }
    }
    // A revision owned by another controller, now and then.
    if r.chance(8)
        && let Some(rev) = objects
            .iter_mut()
            .find(|o| o["kind"] == "ControllerRevision")
    {
        rev["metadata"]["ownerReferences"][0]["uid"] = json!(FOREIGN_UID);
    }
    let mut gates = BTreeMap::new();
    if flip {
        gates.insert(
            "MaxUnavailableStatefulSet".to_string(),
            !profile.gates.max_unavailable_stateful_set,
        );
        if profile.version.minor < 32 {
            gates.insert(
                "StatefulSetAutoDeletePVC".to_string(),
                !profile.gates.stateful_set_auto_delete_pvc,
            );
        }
    }
    Scenario {
        seed,
        objects,
        gates,
        now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::profile::Version;

    #[test]
    fn the_same_seed_gives_the_same_scenario_and_seeds_vary() {
        let p = Profile::for_version(Version::parse("1.34").unwrap()).unwrap();
        let a = scenario(7, &p, false);
        assert_eq!(a.list(), scenario(7, &p, false).list());
        let kinds: std::collections::BTreeSet<String> = (0..200)
            .flat_map(|s| scenario(s, &p, true).objects)
            .filter_map(|o| o["kind"].as_str().map(str::to_string))
            .collect();
        assert_eq!(
            kinds.into_iter().collect::<Vec<_>>(),
            [
                "ControllerRevision",
                "PersistentVolumeClaim",
                "Pod",
                "StatefulSet"
            ]
        );
        // Every scenario is a snapshot the model reads.
        for s in 0..200 {
            let sc = scenario(s, &p, s % 2 == 0);
            crate::model::Snapshot::from_objects(sc.objects, Some("web")).unwrap();
        }
    }
}
