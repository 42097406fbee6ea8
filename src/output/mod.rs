//! Renderers: pure functions from model results to text. They take a writer and a
//! style; they never read the clock or talk to a cluster.

pub mod diff;
pub mod events;
pub mod plan;
pub mod preview;
pub mod status;
pub mod table;

/// How a report is rendered: a table (wide: more columns), or JSON/YAML for programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Wide,
    Json,
    Yaml,
}

use std::io::{IsTerminal, Write};

use serde::Serialize;

use crate::error::{Error, Result};

/// Colour on or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    /// Colour only on a terminal, and never with `--no-color` or `NO_COLOR`.
    pub fn detect(no_color_flag: bool) -> Style {
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: !no_color_flag && !no_color_env && std::io::stdout().is_terminal(),
        }
    }

    pub fn plain() -> Style {
        Style { color: false }
    }

    /// Wraps `text` in an SGR colour code when colour is on.
    pub fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// The diagnosis badge and its colour.
pub fn badge(state: crate::model::diagnose::RolloutState) -> (&'static str, &'static str) {
    use crate::model::diagnose::RolloutState;
    match state {
        RolloutState::Complete => ("complete", "32"),
        RolloutState::Progressing => ("progressing", "36"),
        RolloutState::Paused => ("paused", "33"),
        RolloutState::Stuck => ("STUCK", "1;31"),
        RolloutState::Deleting => ("deleting", "35"),
    }
}

/// The diagnosis lines shared by every report: badge, summary, remedy.
pub fn diagnosis(d: &crate::model::diagnose::Diagnosis, style: Style) -> String {
    let (label, code) = badge(d.state);
    let mut s = format!(
        "{} {}\n",
        style.paint(code, &format!("[{label}]")),
        sanitize(&d.summary)
    );
    if let Some(r) = &d.remedy {
        s.push_str(&format!(
            "Remedy: {}\n  {}\n",
            sanitize(&r.summary),
            style.paint("1", &format!("$ {}", sanitize(&r.command)))
        ));
    }
    s
}

/// A string from the cluster or a file made safe for a terminal: control characters
/// (an escape sequence could retitle, clear or rewrite the screen) are shown escaped,
/// as `\x1b`, `\u{9b}`; everything else is kept. Newlines and tabs too are escaped: a
/// value is one line of a table.
pub fn sanitize(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if (c as u32) < 0x80 && c.is_control() => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

pub fn write_json<T: Serialize>(value: &T, out: &mut dyn Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)
        .map_err(|e| Error::failed(format!("cannot write JSON: {e}")))?;
    writeln!(out).map_err(io_error)
}

pub fn write_yaml<T: Serialize>(value: &T, out: &mut dyn Write) -> Result<()> {
    let text = serde_saphyr::to_string(value)
        .map_err(|e| Error::failed(format!("cannot write YAML: {e}")))?;
    out.write_all(text.as_bytes()).map_err(io_error)
}

pub fn io_error(e: std::io::Error) -> Error {
    Error::failed(format!("cannot write output: {e}"))
}
