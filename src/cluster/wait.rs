//! Waiting on a StatefulSet: one policy for deadlines, reconnects and errors.
//!
//! A wait follows the snapshot stream of `cluster::watch` until a check says it is done.
//! It always has a deadline. A watch error is reported to the caller and the watch
//! reconnects with backoff (kube-runtime); errors that keep coming for
//! [`FAILING_FOR`] with no state seen and no quiet spell between them stop the wait with
//! the last error (a 403 is not waited out), while a short outage is ridden out. The
//! stream ending stops it too. Time passes only while the stream is live: a caller timing
//! stability hears of every reconnect and starts over.

use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::Instant;

use super::watch::Update;
use crate::model::Snapshot;

/// How long watch errors may keep coming before a wait stops on them.
pub const FAILING_FOR: Duration = Duration::from_secs(60);

/// A quiet spell this long between two errors ends a run of them (kube-runtime's backoff
/// between reconnects is at most 30 s).
const QUIET: Duration = Duration::from_secs(35);

/// The policy for watch errors, shared by every wait.
#[derive(Debug, Default)]
pub struct Errors {
    since: Option<Instant>,
    last: Option<Instant>,
}

impl Errors {
    /// A watch error now: true when errors have kept coming for [`FAILING_FOR`].
    pub fn failed(&mut self, now: Instant) -> bool {
        if self.last.is_none_or(|l| now.duration_since(l) > QUIET) {
            self.since = Some(now);
        }
        self.last = Some(now);
        self.since
            .is_some_and(|s| now.duration_since(s) >= FAILING_FOR)
    }

    /// A state was seen: the watch works.
    pub fn seen(&mut self) {
        *self = Errors::default();
    }
}

/// Why a wait stopped without its check passing.
#[derive(Debug)]
pub enum Stop {
    /// The deadline passed.
    Timeout,
    /// The stream ended.
    Ended,
    /// The watch kept failing: the last error.
    Errors(String),
}

/// A wait that stopped, with the last state seen.
#[derive(Debug)]
pub struct Stopped {
    pub why: Stop,
    pub last: Option<Box<Snapshot>>,
}

impl Stopped {
    /// "timed out", "the watch ended", "the watch kept failing: …", for messages.
    pub fn describe(&self) -> String {
        match &self.why {
            Stop::Timeout => "timed out".into(),
            Stop::Ended => "the watch ended".into(),
            Stop::Errors(e) => format!("the watch kept failing: {e}"),
        }
    }
}

/// What a check makes of a state.
pub enum Check<T> {
    Done(T),
    /// Not yet; look again at the next change (or at `recheck`, for time-based checks).
    Wait {
        recheck: Option<Instant>,
    },
}

/// Follows `stream` until `check` is done, `deadline` passes, the stream ends or errors
/// repeat. `on_other` hears of every update that is not a state: each watch error (the
/// watch reconnects by itself) and each list that could not be read.
///
/// This is the one way anything in the tool follows a StatefulSet: the step's gate, the
/// forced rollback's and the teardown's waits, `rollout status`, `status --watch` and the
/// dashboard (the last two with a check that never ends).
pub async fn wait_until<T, S>(
    stream: &mut std::pin::Pin<&mut S>,
    deadline: Instant,
    check: impl FnMut(&Snapshot) -> Check<T>,
    on_other: impl FnMut(&Update),
) -> Result<(T, Box<Snapshot>), Stopped>
where
    S: Stream<Item = Update> + ?Sized,
{
    wait_until_from(stream, None, deadline, check, on_other).await
}

/// [`wait_until`], judging `from` first: the state an earlier wait on the same stream
/// ended on. A stream sends each state once, so a wait that follows another would
/// otherwise never judge the state the first one consumed — and wait for a change that
/// may never come.
pub async fn wait_until_from<T, S>(
    stream: &mut std::pin::Pin<&mut S>,
    from: Option<Box<Snapshot>>,
    deadline: Instant,
    mut check: impl FnMut(&Snapshot) -> Check<T>,
    mut on_other: impl FnMut(&Update),
) -> Result<(T, Box<Snapshot>), Stopped>
where
    S: Stream<Item = Update> + ?Sized,
{
    let mut last: Option<Box<Snapshot>> = None;
    let mut errors = Errors::default();
    let mut recheck: Option<Instant> = None;
    if let Some(s) = from {
        match check(&s) {
            Check::Done(t) => return Ok((t, s)),
            Check::Wait { recheck: r } => {
                recheck = r;
                last = Some(s);
            }
        }
    }
    loop {
        let wake = recheck.map_or(deadline, |r| r.min(deadline));
        let next = tokio::select! {
            n = stream.next() => Some(n),
            _ = tokio::time::sleep_until(wake) => None,
        };
        match next {
            None if Instant::now() >= deadline => {
                return Err(Stopped {
                    why: Stop::Timeout,
                    last,
                });
            }
            // A time-based check is due: look at the last state again.
            None => {}
            Some(None) => {
                return Err(Stopped {
                    why: Stop::Ended,
                    last,
                });
            }
            // What a wait judges comes from the set and its pods, not its claims.
            Some(Some(u @ Update::Unread(_))) => {
                on_other(&u);
                continue;
            }
            Some(Some(u @ Update::Reconnecting(_))) => {
                on_other(&u);
                let Update::Reconnecting(e) = u else {
                    continue;
                };
                // Blind until the next snapshot: nothing time-based is judged on a
                // state that may be stale.
                recheck = None;
                if errors.failed(Instant::now()) {
                    return Err(Stopped {
                        why: Stop::Errors(e),
                        last,
                    });
                }
                continue;
            }
            Some(Some(Update::Snapshot(s))) => {
                errors.seen();
                last = Some(s);
            }
        }
        if let Some(s) = last.take() {
            match check(&s) {
                Check::Done(t) => return Ok((t, s)),
                Check::Wait { recheck: r } => {
                    recheck = r;
                    last = Some(s);
                }
            }
        }
    }
}

/// How often [`wait_for`] judges the last state again with no change: what `done` sees
/// may depend on the time (availability after minReadySeconds, ages), and a settled set
/// sends no more changes.
pub const REJUDGE: Duration = Duration::from_secs(1);

/// [`wait_until_from`] a state for which `done` holds (judged on each change and again
/// every [`REJUDGE`]); watch errors are only counted.
pub async fn wait_for<S>(
    stream: &mut std::pin::Pin<&mut S>,
    from: Option<Box<Snapshot>>,
    deadline: Instant,
    done: impl Fn(&Snapshot) -> bool,
) -> Result<Box<Snapshot>, Stopped>
where
    S: Stream<Item = Update> + ?Sized,
{
    let check = |s: &Snapshot| {
        if done(s) {
            Check::Done(())
        } else {
            Check::Wait {
                recheck: Some(Instant::now() + REJUDGE),
            }
        }
    };
    wait_until_from(stream, from, deadline, check, |_| {})
        .await
        .map(|(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn snap(replicas: i32) -> Box<Snapshot> {
        let set = serde_json::json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": []}}}});
        Box::new(Snapshot::from_objects(vec![set], Some("web")).unwrap())
    }

    fn stream(items: Vec<Update>) -> impl Stream<Item = Update> {
        futures::stream::iter(items).chain(futures::stream::pending())
    }

    #[tokio::test(start_paused = true)]
    async fn done_when_the_check_passes() {
        let s = stream(vec![Update::Snapshot(snap(1)), Update::Snapshot(snap(3))]);
        let mut s = std::pin::pin!(s);
        let deadline = Instant::now() + Duration::from_secs(10);
        let got = wait_until(
            &mut s,
            deadline,
            |s| match s.set().spec.as_ref().and_then(|s| s.replicas) {
                Some(3) => Check::Done(3),
                _ => Check::Wait { recheck: None },
            },
            |_| {},
        )
        .await
        .unwrap();
        assert_eq!(got.0, 3);
    }

    /// Errors every 2 s for a minute, with no state between them, stop the wait; a burst
    /// followed by a state does not.
    #[tokio::test(start_paused = true)]
    async fn errors_that_keep_coming_stop_it_and_a_short_outage_does_not() {
        let err = || Update::Reconnecting("403 Forbidden".into());
        let spaced = |items: Vec<Update>| {
            futures::stream::iter(items)
                .then(|u| async move {
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    u
                })
                .chain(futures::stream::pending())
        };
        let mut items = vec![err(), err(), err(), Update::Snapshot(snap(1))];
        items.extend((0..40).map(|_| err()));
        let s = spaced(items);
        let mut s = std::pin::pin!(s);
        let start = Instant::now();
        let mut heard = 0;
        let stopped = wait_until(
            &mut s,
            start + Duration::from_secs(600),
            |_| Check::<()>::Wait { recheck: None },
            |u| {
                if matches!(u, Update::Reconnecting(_)) {
                    heard += 1
                }
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(stopped.why, Stop::Errors(ref e) if e.contains("403")));
        // The first burst was ridden out; the run after the state lasted a minute.
        assert!(heard > 30, "{heard}");
        assert!(Instant::now().duration_since(start) >= Duration::from_secs(68));
        assert!(stopped.last.is_some());
        // The policy alone: a quiet spell ends a run of errors.
        let mut e = Errors::default();
        let t0 = Instant::now();
        for s in [0, 10, 20, 30, 40, 50] {
            assert!(!e.failed(t0 + Duration::from_secs(s)), "{s}");
        }
        assert!(e.failed(t0 + Duration::from_secs(61)));
        e.seen();
        assert!(
            !e.failed(t0 + Duration::from_secs(62)),
            "a state starts it over"
        );
        let mut e = Errors::default();
        assert!(!e.failed(t0));
        assert!(
            !e.failed(t0 + Duration::from_secs(40)),
            "40 s of quiet starts a new run"
        );
        assert!(!e.failed(t0 + Duration::from_secs(70)));
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_and_the_end_of_the_stream_stop_it() {
        let s = stream(vec![Update::Snapshot(snap(1))]);
        let mut s = std::pin::pin!(s);
        let stopped = wait_until(
            &mut s,
            Instant::now() + Duration::from_secs(5),
            |_| Check::<()>::Wait { recheck: None },
            |_| {},
        )
        .await
        .unwrap_err();
        assert!(matches!(stopped.why, Stop::Timeout));
        let s = futures::stream::iter(vec![Update::Snapshot(snap(1))]);
        let mut s = std::pin::pin!(s);
        let stopped = wait_until(
            &mut s,
            Instant::now() + Duration::from_secs(5),
            |_| Check::<()>::Wait { recheck: None },
            |_| {},
        )
        .await
        .unwrap_err();
        assert!(matches!(stopped.why, Stop::Ended));
    }

    /// The forced rollback's recovery wait missed its end state now and then: the state
    /// that ended the first wait (the controller observed the revert) was already the
    /// recovered one, no pod was left to delete, and the second wait on the same stream
    /// waited for a change that never came. A wait handed that state judges it first.
    #[tokio::test(start_paused = true)]
    async fn a_wait_after_another_judges_the_state_the_first_ended_on() {
        let s = stream(vec![Update::Snapshot(snap(3))]);
        let mut s = std::pin::pin!(s);
        let deadline = Instant::now() + Duration::from_secs(30);
        let first = wait_for(&mut s, None, deadline, |s| {
            s.set().spec.as_ref().and_then(|s| s.replicas) == Some(3)
        })
        .await
        .unwrap();
        // Nothing more comes: without `from` this one times out.
        let again = wait_for(
            &mut s,
            None,
            Instant::now() + Duration::from_secs(5),
            |_| true,
        )
        .await;
        assert!(matches!(
            again,
            Err(Stopped {
                why: Stop::Timeout,
                ..
            })
        ));
        let got = wait_for(&mut s, Some(first), deadline, |_| true).await;
        assert!(got.is_ok());
    }

    /// What `done` makes of a state may change with time alone (availability): with no
    /// change on the stream the last state is judged again.
    #[tokio::test(start_paused = true)]
    async fn a_condition_that_comes_true_with_time_is_seen_without_a_change() {
        let s = stream(vec![Update::Snapshot(snap(1))]);
        let mut s = std::pin::pin!(s);
        let start = Instant::now();
        let got = wait_for(&mut s, None, start + Duration::from_secs(30), |_| {
            Instant::now() >= start + Duration::from_secs(3)
        })
        .await;
        assert!(got.is_ok());
        assert!(Instant::now() < start + Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn a_time_based_check_is_looked_at_again_without_a_change() {
        let s = stream(vec![Update::Snapshot(snap(1))]);
        let mut s = std::pin::pin!(s);
        let start = Instant::now();
        let due = start + Duration::from_secs(3);
        let got = wait_until(
            &mut s,
            start + Duration::from_secs(10),
            |_| {
                if Instant::now() >= due {
                    Check::Done(())
                } else {
                    Check::Wait { recheck: Some(due) }
                }
            },
            |_| {},
        )
        .await;
        assert!(got.is_ok());
        assert!(Instant::now() >= due);
    }
}
