//! Version profiles: which upstream controller release the model imitates, the feature
//! gates in force, and the behaviour switches that follow (SPEC §4 and §8). Pure.

use std::collections::BTreeMap;
use std::fmt;

use super::gojson::ControlEscapes;

/// The oldest and newest minor releases the model knows.
pub const OLDEST_MINOR: u32 = 28;
pub const NEWEST_MINOR: u32 = 37;
/// The default profile: the newest released minor (SPEC §0.1).
pub const DEFAULT_MINOR: u32 = 36;

/// A Kubernetes release, `1.MINOR[.PATCH]`. A missing patch means "the release as the
/// SPEC describes it" (for 1.35 that is 1.35.0–1.35.3, MaxUnavailableStatefulSet on).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version {
    pub minor: u32,
    pub patch: Option<u32>,
}

impl Version {
    /// Parses `1.36`, `v1.35.4`, `1.28.0` or a server's `gitVersion` such as
    /// `v1.30.2-gke.1587003`.
    pub fn parse(text: &str) -> Result<Version, String> {
        let t = text.trim().trim_start_matches('v');
        let core = t.split(['-', '+']).next().unwrap_or("");
        let mut parts = core.split('.');
        let major = parts.next().and_then(|p| p.parse::<u32>().ok());
        let minor = parts
            .next()
            .and_then(|p| p.trim_end_matches('+').parse::<u32>().ok());
        let patch = match parts.next() {
            None => None,
            Some(p) => Some(p.parse::<u32>().map_err(|_| bad_version(text))?),
        };
        match (major, minor) {
            (Some(1), Some(minor)) if parts.next().is_none() => Ok(Version { minor, patch }),
            _ => Err(bad_version(text)),
        }
    }

    fn at_least(&self, minor: u32, patch: u32) -> bool {
        self.minor > minor || (self.minor == minor && self.patch.unwrap_or(0) >= patch)
    }
}

fn bad_version(text: &str) -> String {
    format!("invalid Kubernetes version {text:?}: expected MAJOR.MINOR[.PATCH], e.g. 1.36")
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.patch {
            Some(p) => write!(f, "1.{}.{}", self.minor, p),
            None => write!(f, "1.{}", self.minor),
        }
    }
}

/// Feature gates that change what the StatefulSet controller does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gates {
    pub max_unavailable_stateful_set: bool,
    pub stateful_set_auto_delete_pvc: bool,
    pub stateful_set_start_ordinal: bool,
    pub pod_index_label: bool,
    pub stateful_set_semantic_revision_comparison: bool,
}

/// Gate names as `--feature-gates` spells them.
pub const GATE_NAMES: [&str; 5] = [
    "MaxUnavailableStatefulSet",
    "StatefulSetAutoDeletePVC",
    "StatefulSetStartOrdinal",
    "PodIndexLabel",
    "StatefulSetSemanticRevisionComparison",
];

impl Gates {
    /// Defaults of a release (SPEC §4).
    pub fn defaults(v: Version) -> Gates {
        Gates {
            // Beta on in 1.35.0–1.35.3, off again from 1.35.4 and in 1.36; on in 1.37.
            max_unavailable_stateful_set: (v.minor == 35 && !v.at_least(35, 4)) || v.minor >= 37,
            stateful_set_auto_delete_pvc: v.minor >= 27,
            stateful_set_start_ordinal: v.minor >= 27,
            pod_index_label: v.minor >= 28,
            stateful_set_semantic_revision_comparison: v.at_least(34, 2),
        }
    }

    fn slot(&mut self, name: &str) -> Option<&mut bool> {
        match name {
            "MaxUnavailableStatefulSet" => Some(&mut self.max_unavailable_stateful_set),
            "StatefulSetAutoDeletePVC" => Some(&mut self.stateful_set_auto_delete_pvc),
            "StatefulSetStartOrdinal" => Some(&mut self.stateful_set_start_ordinal),
            "PodIndexLabel" => Some(&mut self.pod_index_label),
            "StatefulSetSemanticRevisionComparison" => {
                Some(&mut self.stateful_set_semantic_revision_comparison)
            }
            _ => None,
        }
    }

    /// Applies overrides; unknown gate names are an error (a typo must not pass silently).
    pub fn apply(&mut self, overrides: &BTreeMap<String, bool>) -> Result<(), String> {
        for (name, value) in overrides {
            match self.slot(name) {
                Some(slot) => *slot = *value,
                None => {
                    return Err(format!(
                        "unknown feature gate {name:?}; known gates: {}",
                        GATE_NAMES.join(", ")
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Parses `Name=true,Other=false` as `--feature-gates` takes it.
pub fn parse_gate_overrides(text: &str) -> Result<BTreeMap<String, bool>, String> {
    let mut out = BTreeMap::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (name, value) = item
            .split_once('=')
            .ok_or_else(|| format!("invalid feature gate {item:?}: expected Name=true|false"))?;
        let value = match value.trim().to_ascii_lowercase().as_str() {
            "true" => true,
            "false" => false,
            _ => return Err(format!("invalid value for feature gate {name}: {value:?}")),
        };
        out.insert(name.trim().to_string(), value);
    }
    Ok(out)
}

/// Everything the sync pass needs to know about the release it imitates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile {
    pub version: Version,
    pub gates: Gates,
}

impl Default for Profile {
    fn default() -> Self {
        Profile::new(Version {
            minor: DEFAULT_MINOR,
            patch: None,
        })
    }
}

impl Profile {
    pub fn new(version: Version) -> Profile {
        Profile {
            version,
            gates: Gates::defaults(version),
        }
    }

    /// A profile for a version the model supports; others are refused rather than
    /// silently approximated.
    pub fn for_version(version: Version) -> Result<Profile, String> {
        if !(OLDEST_MINOR..=NEWEST_MINOR).contains(&version.minor) {
            return Err(format!(
                "Kubernetes {version} is not modelled; supported: 1.{OLDEST_MINOR} to 1.{NEWEST_MINOR}, each verified against that release's own controller (kubectl sts version)"
            ));
        }
        Ok(Profile::new(version))
    }

    /// Up to 1.33 the revision data carries `"creationTimestamp":null` (SPEC §1.3).
    pub fn revision_has_null_creation_timestamp(&self) -> bool {
        self.version.minor <= 33
    }

    /// KCM 1.30+ is built with Go >= 1.22 (short `\b`/`\f`).
    pub fn control_escapes(&self) -> ControlEscapes {
        if self.version.minor >= 30 {
            ControlEscapes::Short
        } else {
            ControlEscapes::Unicode
        }
    }

    /// 1.34+: availability boundary is `lastTransitionTime + minReadySeconds <= now`
    /// (PR #132122); before, strictly before now.
    pub fn available_boundary_inclusive(&self) -> bool {
        self.version.minor >= 34
    }

    /// 1.34+: "unavailable" respects minReadySeconds (`isUnavailable` replaces
    /// `isHealthy`, PR #130909).
    pub fn unavailable_respects_min_ready(&self) -> bool {
        self.version.minor >= 34
    }

    /// A Failed/Succeeded pod is only deleted in this pass, its replacement created by a
    /// later one (PR #123809: 1.30.0, cherry-picked into 1.29.6 and 1.28.11); before,
    /// the replacement was created in the same pass and a terminating failed pod was
    /// deleted again. The patch releases are the oracles' finding: v1.28.9 and v1.29.5
    /// create the replacement, v1.28.11 and v1.29.6 do not (v1.28.10 is not served).
    pub fn failed_pod_delete_only(&self) -> bool {
        self.version.at_least(30, 0)
            || (self.version.minor == 29 && self.version.at_least(29, 6))
            || (self.version.minor == 28 && self.version.at_least(28, 11))
    }

    /// Succeeded pods are replaced like Failed ones from 1.29 (1.28.5 backport, PR #121389).
    pub fn replaces_succeeded_pods(&self) -> bool {
        self.version.at_least(28, 5)
    }

    /// PVC owner references written as controller refs, stale and foreign-controller refs
    /// respected (PR #122499 / #126581): 1.31.0, cherry-picked into 1.30.4, 1.29.8 and
    /// 1.28.13 — the oracles' finding (the 1.28.15, 1.29.15 and 1.30.14 oracles disagreed
    /// with `minor >= 31`; v1.28.12, v1.29.7 and v1.30.3 still have
    /// claimOwnerMatchesSetAndPod, the next patches isClaimOwnerUpToDate).
    pub fn pvc_controller_refs(&self) -> bool {
        let v = self.version;
        v.at_least(31, 0)
            || (v.minor == 30 && v.at_least(30, 4))
            || (v.minor == 29 && v.at_least(29, 8))
            || (v.minor == 28 && v.at_least(28, 13))
    }

    /// 1.37: completion no longer requires RollingUpdate (PR #136833).
    pub fn completion_any_strategy(&self) -> bool {
        self.version.minor >= 37
    }

    /// Rollout completion compares with spec.replicas (and requires replicas == spec)
    /// as SPEC §3.2 describes, from 1.29.0 and in 1.28 from 1.28.4 (cherry-picked; the
    /// 1.28.15 oracle disagreed with `minor >= 29`: v1.28.3's completeRollingUpdate
    /// compares updated/ready with status.replicas, v1.28.4's with spec.replicas).
    pub fn completion_checks_spec_replicas(&self) -> bool {
        self.version.at_least(28, 4)
    }

    /// 1.37: Parallel + maxUnavailable deletes in two phases (PR #137666).
    pub fn parallel_two_phase_max_unavailable(&self) -> bool {
        self.version.minor >= 37
    }

    /// Whether `spec.ordinals.start` is honoured.
    pub fn start_ordinal(&self) -> bool {
        self.version.minor >= 31 || self.gates.stateful_set_start_ordinal
    }

    /// Whether the retention-policy (AutoDeletePVC) work runs (GA and locked from 1.32).
    pub fn auto_delete_pvc(&self) -> bool {
        self.version.minor >= 32 || self.gates.stateful_set_auto_delete_pvc
    }

    pub fn pod_index_label(&self) -> bool {
        self.version.minor >= 32 || self.gates.pod_index_label
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions_in_every_spelling() {
        assert_eq!(
            Version::parse("1.28").unwrap(),
            Version {
                minor: 28,
                patch: None
            }
        );
        assert_eq!(
            Version::parse("v1.35.4").unwrap(),
            Version {
                minor: 35,
                patch: Some(4)
            }
        );
        assert_eq!(
            Version::parse("v1.30.2-gke.1587003").unwrap(),
            Version {
                minor: 30,
                patch: Some(2)
            }
        );
        assert!(Version::parse("2.1").is_err());
        assert!(Version::parse("1").is_err());
        assert!(Version::parse("1.x").is_err());
        assert!(Profile::for_version(Version::parse("1.20").unwrap()).is_err());
    }

    #[test]
    fn max_unavailable_gate_defaults_follow_the_release_history() {
        let on = |v: &str| Gates::defaults(Version::parse(v).unwrap()).max_unavailable_stateful_set;
        assert!(!on("1.28"));
        assert!(!on("1.34"));
        assert!(on("1.35"));
        assert!(on("1.35.3"));
        assert!(!on("1.35.4"));
        assert!(!on("1.36"));
        assert!(on("1.37"));
    }

    #[test]
    fn overrides_apply_and_reject_unknown_gates() {
        let mut g = Gates::defaults(Version::parse("1.36").unwrap());
        g.apply(&parse_gate_overrides("MaxUnavailableStatefulSet=true").unwrap())
            .unwrap();
        assert!(g.max_unavailable_stateful_set);
        assert!(
            g.apply(&parse_gate_overrides("Bogus=true").unwrap())
                .is_err()
        );
        assert!(parse_gate_overrides("X=maybe").is_err());
        assert!(parse_gate_overrides("X").is_err());
    }
}
