//! `kubectl sts gates list|show`: the gate presets shipped with the tool.

use std::io::Write;

use crate::cli::GatesCommand;
use crate::error::{Error, Result};
use crate::ops::gates::{self, PRESETS};
use crate::output::io_error;

pub fn run(command: &GatesCommand, out: &mut dyn Write) -> Result<()> {
    match command {
        GatesCommand::List => {
            let mut text = String::from(
                "Presets (use with --gates preset:NAME; `kubectl sts gates show NAME` prints one):\n",
            );
            for (name, file) in PRESETS {
                let (description, list) = gates::parse(&format!("preset:{name}"), file)
                    .map_err(|e| Error::failed(format!("a shipped preset does not parse: {e}")))?;
                text.push_str(&format!("\n{name}\n"));
                for line in wrap(description.as_deref().unwrap_or(""), 84) {
                    text.push_str(&format!("  {line}\n"));
                }
                let names: Vec<&str> = list.iter().map(|g| g.name.as_str()).collect();
                text.push_str(&format!("  gates: {}\n", names.join(", ")));
            }
            out.write_all(text.as_bytes()).map_err(io_error)
        }
        GatesCommand::Show { name } => {
            let (_, file) = PRESETS.iter().find(|(n, _)| n == name).ok_or_else(|| {
                Error::input(format!(
                    "no preset {name:?} (presets: {})",
                    PRESETS.map(|(n, _)| n).join(", ")
                ))
            })?;
            out.write_all(file.as_bytes()).map_err(io_error)
        }
    }
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
