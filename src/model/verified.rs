//! How far each modelled release is verified: the release's own StatefulSet controller
//! (the oracle `scripts/oracle` builds from the Go module proxy) against the model on
//! random scenarios (`scripts/parity`: fixed seeds 1..=2500 and a fresh range, each at
//! the release's feature-gate defaults and flipped). The figures are `scripts/parity`'s
//! table of the run that last changed them; `tests/parity/vectors` holds vectors each
//! release's oracle produced, and the test suite holds this table to them. Pure data.

/// One release's verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified {
    /// `1.X`.
    pub minor: u32,
    /// The exact `k8s.io/kubernetes` version the oracle ran.
    pub oracle: &'static str,
    /// Random scenarios compared.
    pub scenarios: u32,
    /// How many the model and the oracle disagreed on.
    pub disagreements: u32,
}

/// Every modelled release the Go module proxy serves, oldest first.
pub const VERIFIED: [Verified; 10] = [
    v(28, "v1.28.15"),
    v(29, "v1.29.15"),
    v(30, "v1.30.14"),
    v(31, "v1.31.14"),
    v(32, "v1.32.13"),
    v(33, "v1.33.13"),
    v(34, "v1.34.12"),
    v(35, "v1.35.8"),
    v(36, "v1.36.5"),
    v(37, "v1.37.2"),
];

/// Scenarios per release in the run behind the table (5,000 from the fixed seeds, 500
/// from the fresh range).
const SCENARIOS: u32 = 5_500;

const fn v(minor: u32, oracle: &'static str) -> Verified {
    Verified {
        minor,
        oracle,
        scenarios: SCENARIOS,
        disagreements: 0,
    }
}

/// The verification of release `1.minor`, if it has one.
pub fn of(minor: u32) -> Option<&'static Verified> {
    VERIFIED.iter().find(|v| v.minor == minor)
}

/// The newest verified release.
pub fn newest() -> &'static Verified {
    &VERIFIED[VERIFIED.len() - 1]
}

/// The warning for a cluster whose release `seen` is newer than every verified one:
/// the model follows the newest verified release, which that release's controller may
/// not do.
pub fn beyond(seen: super::profile::Version) -> Option<String> {
    let newest = newest();
    (seen.minor > newest.minor).then(|| {
        format!(
            "the server runs Kubernetes {seen}, newer than any release the model is verified against; the newest is 1.{} ({}): predictions follow it and may differ from what this release's controller does",
            newest.minor, newest.oracle
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::profile::Version;

    #[test]
    fn a_release_newer_than_every_verified_one_is_warned_about() {
        let w = beyond(Version::parse("v1.38.0").unwrap()).unwrap();
        assert!(
            w.contains("Kubernetes 1.38.0") && w.contains("1.37 (v1.37.2)"),
            "{w}"
        );
        assert_eq!(beyond(Version::parse("1.37.9").unwrap()), None);
        assert_eq!(beyond(Version::parse("1.28").unwrap()), None);
        // Every modelled release is in the table, oldest first.
        let minors: Vec<u32> = VERIFIED.iter().map(|v| v.minor).collect();
        assert_eq!(minors, (28..=37).collect::<Vec<_>>());
    }
}
