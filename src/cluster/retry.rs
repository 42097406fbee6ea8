//! Reads retry, writes do not (unless their precondition makes a retry safe, which the
//! operations decide). A read that meets a transient failure — 429, 5xx, a refused
//! connection — is tried again with backoff (100 ms, doubling, at most 2 s apart,
//! [`READ_ATTEMPTS`] tries, about 3 s in all), as client-go's readers do; a server that
//! says when to come back (`Retry-After`, 429/503) is waited for that long, up to
//! [`MAX_RETRY_AFTER`]. A request that timed out is not tried again: `--request-timeout`
//! is the user's bound.

use std::future::Future;
use std::time::Duration;

use super::error::{Cause, ClusterError};

/// How many times a read is tried.
pub const READ_ATTEMPTS: u32 = 6;

impl ClusterError {
    /// A failure that may pass by itself. A 409 is one for a read (a real server does not
    /// answer a read with it, but a proxy in between may).
    pub fn is_transient(&self) -> bool {
        match &self.cause {
            Cause::Api(code, _) => matches!(code, 429 | 500 | 502 | 503 | 504),
            Cause::Conflict(_) | Cause::Unreachable(_) => true,
            _ => false,
        }
    }
}

/// The longest `Retry-After` honoured; a server asking for more is asked again sooner.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

impl ClusterError {
    /// How long to wait before trying again: the backoff `delay`, or what the server
    /// asked for if that is longer.
    pub fn wait_before_retry(&self, delay: Duration) -> Duration {
        self.retry_after
            .map_or(delay, |asked| delay.max(asked.min(MAX_RETRY_AFTER)))
    }
}

/// Runs the read `f` until it succeeds, fails for good, or has been tried
/// [`READ_ATTEMPTS`] times.
pub async fn read<T, F, Fut>(mut f: F) -> Result<T, ClusterError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ClusterError>>,
{
    let mut delay = Duration::from_millis(100);
    let mut attempt = 1;
    loop {
        match f().await {
            Err(e) if e.is_transient() && attempt < READ_ATTEMPTS => {
                tokio::time::sleep(e.wait_before_retry(delay)).await;
                delay = (delay * 2).min(Duration::from_secs(2));
                attempt += 1;
            }
            r => return r,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(cause: Cause) -> ClusterError {
        ClusterError {
            call: "list pods".into(),
            cause,
            detail: None,
            retry_after: None,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn transient_failures_are_retried_and_others_are_not() {
        let mut calls = 0;
        let r: Result<u32, _> = read(|| {
            calls += 1;
            let n = calls;
            async move {
                if n < 3 {
                    Err(err(Cause::Api(503, "unavailable".into())))
                } else {
                    Ok(n)
                }
            }
        })
        .await;
        assert_eq!(r.unwrap(), 3);
        let mut calls = 0;
        let r: Result<u32, _> = read(|| {
            calls += 1;
            async { Err(err(Cause::Forbidden("no".into()))) }
        })
        .await;
        assert!(r.is_err());
        assert_eq!(calls, 1, "a 403 is final");
        let mut calls = 0;
        let r: Result<u32, _> = read(|| {
            calls += 1;
            async { Err(err(Cause::Api(429, "slow down".into()))) }
        })
        .await;
        assert!(r.is_err());
        assert_eq!(calls, READ_ATTEMPTS, "bounded");
    }

    /// A server that says when to come back is waited for that long (bounded), not
    /// hammered at the backoff's pace.
    #[tokio::test(start_paused = true)]
    async fn retry_after_is_honoured_within_a_bound() {
        let started = tokio::time::Instant::now();
        let mut calls = 0;
        let r: Result<u32, _> = read(|| {
            calls += 1;
            let n = calls;
            async move {
                if n < 3 {
                    let mut e = err(Cause::Api(429, "slow down".into()));
                    e.retry_after = Some(Duration::from_secs(2));
                    Err(e)
                } else {
                    Ok(n)
                }
            }
        })
        .await;
        assert_eq!(r.unwrap(), 3);
        assert_eq!(started.elapsed(), Duration::from_secs(4), "2 s, twice");
        let mut e = err(Cause::Api(503, "busy".into()));
        e.retry_after = Some(Duration::from_secs(3600));
        assert_eq!(
            e.wait_before_retry(Duration::from_millis(100)),
            MAX_RETRY_AFTER
        );
        e.retry_after = None;
        assert_eq!(
            e.wait_before_retry(Duration::from_millis(100)),
            Duration::from_millis(100)
        );
    }
}
