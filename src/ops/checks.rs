//! What runs a step's checks (the gates of `--gates`, `--gate`, `--check-cmd` and
//! `--check-http`; judged in `ops::gates`): the [`Runner`] trait, so tests can fake the
//! outside world and the step never spawns or connects by itself. The machine's own
//! runner is `crate::exec::System`, given by the command line and the dashboard.

use std::time::Duration;

use futures::future::BoxFuture;

/// How a command ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Exited; `success` with status 0; `status` in words ("exit status: 3"); `output`
    /// the end of what it wrote (its standard output and error), kept as evidence.
    Exited {
        success: bool,
        status: String,
        output: String,
    },
    /// Did not finish in time and was killed (with every process it started).
    TimedOut,
}

/// Executes checks: a shell command with an environment, an HTTP GET.
pub trait Runner: Send + Sync {
    /// Runs `sh -c command` with `env`; killed when `timeout` passes.
    fn command<'a>(
        &'a self,
        command: &'a str,
        env: &'a [(String, String)],
        timeout: Duration,
    ) -> BoxFuture<'a, std::result::Result<Exit, String>>;

    /// GETs `url` (http only); the status code and the body.
    fn http_get<'a>(
        &'a self,
        url: &'a str,
        timeout: Duration,
    ) -> BoxFuture<'a, std::result::Result<(u16, String), String>>;
}

/// The gates of a step — `--check-cmd` and `--check-http` among them, as the gates
/// they are shorthands for — and what runs them.
pub struct Checks {
    pub gates: Vec<super::gates::Gate>,
    pub runner: Box<dyn Runner>,
}

impl Checks {
    /// No checks (and nothing to run them: set `runner` with the gates).
    pub fn none() -> Checks {
        Checks {
            gates: Vec::new(),
            runner: Box::new(Nothing),
        }
    }
}

/// Runs nothing: the runner of a step without gates.
#[derive(Clone, Copy, Debug, Default)]
pub struct Nothing;

impl Runner for Nothing {
    fn command<'a>(
        &'a self,
        _: &'a str,
        _: &'a [(String, String)],
        _: Duration,
    ) -> BoxFuture<'a, std::result::Result<Exit, String>> {
        Box::pin(async { Err("no runner for commands was given".to_string()) })
    }

    fn http_get<'a>(
        &'a self,
        _: &'a str,
        _: Duration,
    ) -> BoxFuture<'a, std::result::Result<(u16, String), String>> {
        Box::pin(async { Err("no runner for HTTP checks was given".to_string()) })
    }
}
