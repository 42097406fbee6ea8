//! How long a rollout has left, from how long its ordinals took so far: the median time
//! per ordinal (deletion → Ready → available → gates passed) times the ordinals left,
//! with its basis ("3 of 10 ordinals, median 42s each"). Pure: durations in, estimate out.

use jiff::SignedDuration as Duration;

/// An estimate of the time left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Eta {
    pub left: Duration,
    /// Ordinals done and in all.
    pub done: usize,
    pub total: usize,
    /// The median time per ordinal.
    pub each: Duration,
}

impl Eta {
    /// From the time each ordinal done so far took (`per_ordinal`), with `left` ordinals
    /// still to go; None before the first is done.
    pub fn of(per_ordinal: &[Duration], left: usize) -> Option<Eta> {
        let each = median(per_ordinal)?;
        Some(Eta {
            left: each * i32::try_from(left).unwrap_or(i32::MAX),
            done: per_ordinal.len(),
            total: per_ordinal.len() + left,
            each,
        })
    }
}

impl std::fmt::Display for Eta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ETA ~{} ({} of {} ordinals, median {} each)",
            crate::duration::human_signed(round(self.left)),
            self.done,
            self.total,
            crate::duration::human_signed(round(self.each))
        )
    }
}

/// To the second above a few seconds, to the tenth below.
fn round(d: Duration) -> Duration {
    if d >= Duration::from_secs(10) {
        Duration::from_secs(d.as_secs_f64().round() as i64)
    } else {
        Duration::from_millis((d.as_millis() as i64 + 99) / 100 * 100)
    }
}

fn median(xs: &[Duration]) -> Option<Duration> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    })
}

/// The estimate from a set as it stands (`status`, `rollout status`, the dashboard): the
/// pods already on the update revision and Ready, in the order they were created; the
/// time between two of them is what an ordinal took. The ordinals left are those above
/// the partition, or all of them while a stepped rollout (`stepping`) goes to 0. None
/// before two are done, or when nothing is left.
pub fn of_report(r: &super::report::Report, stepping: bool) -> Option<Eta> {
    use super::report::Role;
    let mut ages: Vec<i64> = r
        .rows
        .iter()
        .filter(|row| row.role == Role::Update && row.ready && !row.condemned)
        .filter_map(|row| row.age_seconds)
        .collect();
    let left = r
        .rows
        .iter()
        .filter(|row| !row.condemned && (stepping || !row.protected))
        .filter(|row| !(row.role == Role::Update && row.ready))
        .count();
    // Parallel creates pods together: the gaps between them say nothing, unless a stepped
    // rollout paces them.
    let paced = stepping || r.pod_management_policy != "Parallel";
    if ages.len() < 2 || left == 0 || !paced {
        return None;
    }
    ages.sort_unstable_by(|a, b| b.cmp(a));
    let cycles: Vec<Duration> = ages
        .windows(2)
        .map(|w| Duration::from_secs((w[0] - w[1]).max(0)))
        .collect();
    let each = median(&cycles).filter(|e| !e.is_zero())?;
    Some(Eta {
        left: each * i32::try_from(left).unwrap_or(i32::MAX),
        done: ages.len(),
        total: ages.len() + left,
        each,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_is_the_median_per_ordinal_times_the_ordinals_left() {
        let s = Duration::from_secs;
        assert_eq!(Eta::of(&[], 5), None);
        let eta = Eta::of(&[s(40), s(44), s(90)], 7).unwrap();
        assert_eq!(
            eta.each,
            s(44),
            "the median: one slow ordinal does not skew it"
        );
        assert_eq!(eta.left, s(308));
        assert_eq!((eta.done, eta.total), (3, 10));
        assert_eq!(
            eta.to_string(),
            "ETA ~5m8s (3 of 10 ordinals, median 44s each)"
        );
        assert_eq!(Eta::of(&[s(2), s(4)], 1).unwrap().each, s(3));
    }

    #[test]
    fn a_set_mid_rollout_is_estimated_from_the_gaps_between_its_updated_pods() {
        use crate::model::report::{Report, Role, Row};
        let row = |ordinal: i32, role: Role, ready: bool, age: i64| Row {
            ordinal,
            pod: Some(format!("web-{ordinal}")),
            revision: None,
            revision_number: None,
            role,
            phase: "Running".into(),
            reason: None,
            ready,
            available: ready,
            restarts: 0,
            age_seconds: Some(age),
            node: None,
            claims: vec![],
            terminating: false,
            condemned: false,
            protected: false,
        };
        let rows = vec![
            row(0, Role::Current, true, 900),
            row(1, Role::Current, true, 900),
            row(2, Role::Update, false, 5),
            row(3, Role::Update, true, 40),
            row(4, Role::Update, true, 80),
        ];
        let mut r = Report {
            namespace: "d".into(),
            name: "web".into(),
            replicas: 5,
            pod_management_policy: "OrderedReady".into(),
            strategy: "RollingUpdate".into(),
            partition: Some(0),
            max_unavailable: None,
            min_ready_seconds: 0,
            start_ordinal: 0,
            current_revision: "a".into(),
            current_revision_number: 1,
            update_revision: "b".into(),
            update_revision_number: 2,
            updated: 3,
            ready: 4,
            rows,
            squatters: vec![],
            next_action: String::new(),
            diagnosis: crate::model::diagnose::Diagnosis {
                state: crate::model::diagnose::RolloutState::Progressing,
                summary: String::new(),
                remedy: None,
            },
            eta: None,
        };
        let eta = of_report(&r, false).unwrap();
        assert_eq!(
            (eta.done, eta.total, eta.each),
            (2, 5, Duration::from_secs(40))
        );
        assert_eq!(
            eta.left,
            Duration::from_secs(120),
            "web-2 (not Ready yet), web-1, web-0"
        );
        r.rows.truncate(2);
        assert_eq!(of_report(&r, false), None, "nothing updated yet");
    }
}
