//! The top-level error: one line for the user, a hint where one helps, and the exit code
//! CONTRACT.md assigns (1 the operation failed, 2 bad usage or input).

use std::fmt;

/// Exit codes of the binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    Success = 0,
    Failure = 1,
    Usage = 2,
}

#[derive(Debug)]
pub struct Error {
    pub code: ExitCode,
    pub message: String,
    pub hint: Option<String>,
    /// More about the cause, shown with `-v`.
    pub detail: Option<String>,
    /// How the operation ended: failed, or stopped (interrupted), or cancelled (consent
    /// refused) — the `-o json` stream's `end` event says which.
    pub outcome: crate::event::Outcome,
}

impl Error {
    /// Bad usage or invalid input (exit 2).
    pub fn input(message: impl Into<String>) -> Error {
        Error {
            code: ExitCode::Usage,
            message: message.into(),
            hint: None,
            detail: None,
            outcome: crate::event::Outcome::Failed,
        }
    }

    /// The operation failed (exit 1).
    pub fn failed(message: impl Into<String>) -> Error {
        Error {
            code: ExitCode::Failure,
            message: message.into(),
            hint: None,
            detail: None,
            outcome: crate::event::Outcome::Failed,
        }
    }

    /// Consent was refused; nothing changed (exit 1).
    pub fn cancelled(message: impl Into<String>) -> Error {
        Error {
            outcome: crate::event::Outcome::Cancelled,
            ..Error::failed(message)
        }
    }

    /// Interrupted (Ctrl-C, SIGTERM); the state is in the cluster (exit 1).
    pub fn stopped(message: impl Into<String>) -> Error {
        Error {
            outcome: crate::event::Outcome::Stopped,
            ..Error::failed(message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
