//! Renderers of an operation's events (`crate::event`): the CLI's text, and JSON Lines
//! for `-o json`. The dashboard turns the same events into its messages (`tui`).

use std::io::Write;

use serde_json::{Value, json};

use super::Style;
use crate::event::{Clock, Event, Sink};

const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// Text for people: plans, writes and results on `out`; where a wait stands on a spinner
/// line on standard error when it is a terminal (`spinner`), else as indented lines when
/// it changes. Errors and the end are the caller's to print (`main` reports errors).
pub struct Text<'a> {
    out: &'a mut dyn Write,
    style: Style,
    spinner: bool,
    frame: usize,
    spinning: bool,
    last_progress: String,
    /// The first write that failed (a closed pipe), for the owner to report.
    pub failed: Option<std::io::Error>,
}

impl<'a> Text<'a> {
    pub fn new(out: &'a mut dyn Write, style: Style, spinner: bool) -> Text<'a> {
        Text {
            out,
            style,
            spinner,
            frame: 0,
            spinning: false,
            last_progress: String::new(),
            failed: None,
        }
    }

    fn write(&mut self, text: &str) {
        if self.failed.is_some() {
            return;
        }
        if let Err(e) = self
            .out
            .write_all(text.as_bytes())
            .and_then(|_| self.out.flush())
        {
            self.failed = Some(e);
        }
    }

    fn line(&mut self, text: &str) {
        self.stop_spinner();
        self.write(&format!("{}\n", super::sanitize(text)));
    }

    fn stop_spinner(&mut self) {
        if self.spinning {
            eprint!("\r\x1b[2K");
            self.spinning = false;
        }
    }
}

impl Drop for Text<'_> {
    fn drop(&mut self) {
        self.stop_spinner();
    }
}

impl Sink for Text<'_> {
    fn emit(&mut self, event: Event) {
        match &event {
            Event::Start { .. }
            | Event::Consent { .. }
            | Event::Wait { .. }
            | Event::Error { .. }
            | Event::End { .. } => {}
            Event::Plan {
                message,
                lines,
                template,
                ..
            } => {
                self.line(message);
                if let Some(t) = template {
                    let diff = super::diff::unified(
                        &t.from_label,
                        &t.from,
                        &t.to_label,
                        &t.to,
                        self.style,
                    );
                    self.write(&diff);
                }
                for l in lines {
                    self.line(l);
                }
            }
            Event::Progress { message } => {
                if self.spinner {
                    self.frame = (self.frame + 1) % FRAMES.len();
                    eprint!(
                        "\r\x1b[2K{} {}",
                        FRAMES[self.frame],
                        super::sanitize(message)
                    );
                    self.spinning = true;
                } else if *message != self.last_progress {
                    self.line(&format!("  {message}"));
                }
                self.last_progress = message.clone();
            }
            Event::Observed { message, .. } | Event::Gate { message, .. } => {
                self.line(&format!("  {message}"));
            }
            Event::Write { message, .. } | Event::Info { message } => self.line(message),
            Event::State { report, message } => {
                self.line(message);
                let table = super::status::table(report, false, self.style);
                self.write(&table);
            }
            Event::Warning { message, hint } => {
                self.line(&format!("warning: {message}"));
                if let Some(h) = hint {
                    // A multi-line hint (a YAML snippet) as indented lines, each sanitized.
                    for (i, l) in h.lines().enumerate() {
                        self.line(&if i == 0 {
                            format!("  hint: {l}")
                        } else {
                            format!("        {l}")
                        });
                    }
                }
            }
        }
    }
}

/// JSON Lines on `out`: one object per event, flushed as it happens, with `time` (RFC
/// 3339, from `clock`) and `target` added to the event's own fields.
pub struct Json<'a> {
    out: &'a mut dyn Write,
    target: Value,
    clock: &'a dyn Clock,
    /// The first write that failed, for the owner to report.
    pub failed: Option<std::io::Error>,
}

impl<'a> Json<'a> {
    pub fn new(
        out: &'a mut dyn Write,
        namespace: &str,
        name: &str,
        clock: &'a dyn Clock,
    ) -> Json<'a> {
        Json {
            out,
            target: json!({"namespace": namespace, "name": name}),
            clock,
            failed: None,
        }
    }
}

/// An event as one JSON object: its fields, `time` and `target`.
pub fn json_line(event: &Event, time: jiff::Timestamp, target: &Value) -> Value {
    let mut v = serde_json::to_value(event).unwrap_or_else(
        |e| json!({"type": "error", "message": format!("an event could not be serialized: {e}")}),
    );
    if let Value::Object(map) = &mut v {
        map.insert("time".into(), json!(time.to_string()));
        map.insert("target".into(), target.clone());
    }
    v
}

impl Json<'_> {
    fn write(&mut self, event: &Event, set: Option<(&str, &str)>) {
        if self.failed.is_some() {
            return;
        }
        let mut line = json_line(event, self.clock.now(), &self.target);
        if let (Some((namespace, name)), Value::Object(map)) = (set, &mut line) {
            map.insert("set".into(), json!({"namespace": namespace, "name": name}));
        }
        let r = serde_json::to_writer(&mut *self.out, &line)
            .map_err(std::io::Error::other)
            .and_then(|_| self.out.write_all(b"\n"))
            .and_then(|_| self.out.flush());
        if let Err(e) = r {
            self.failed = Some(e);
        }
    }
}

impl Sink for Json<'_> {
    fn emit(&mut self, event: Event) {
        self.write(&event, None);
    }

    fn emit_about(&mut self, set: (&str, &str), event: Event) {
        self.write(&event, Some(set));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Object, TemplateChange, WallClock};

    #[test]
    fn text_shows_plans_writes_and_changing_progress_once() {
        let mut buf = Vec::new();
        {
            let mut t = Text::new(&mut buf, Style::plain(), false);
            t.emit(Event::Plan {
                message: "Roll back web:".into(),
                lines: vec!["then this".into()],
                writes: vec![],
                template: Some(TemplateChange {
                    from_label: "a".into(),
                    from: json!({"image": "x:1"}),
                    to_label: "b".into(),
                    to: json!({"image": "x:2"}),
                }),
            });
            t.emit(Event::progress("waiting for web-4"));
            t.emit(Event::progress("waiting for web-4"));
            t.emit(Event::Write {
                verb: "delete".into(),
                object: Object::new("pod", "default", "web-4"),
                uid: None,
                resource_version: None,
                dry_run: false,
                message: "deleted web-4\x1b[31m".into(),
            });
            t.emit(Event::End {
                outcome: crate::event::Outcome::Succeeded,
                exit_code: 0,
                message: "done".into(),
            });
        }
        let text = String::from_utf8(buf).unwrap();
        assert!(text.starts_with("Roll back web:\n"), "{text}");
        assert!(
            text.contains("-image: x:1") && text.contains("+image: x:2"),
            "{text}"
        );
        assert!(text.contains("then this\n"));
        assert_eq!(text.matches("waiting for web-4").count(), 1, "{text}");
        assert!(!text.contains('\x1b'), "escapes are neutralised: {text:?}");
        assert!(!text.contains("done"), "the end is the caller's to say");
    }

    #[test]
    fn json_lines_carry_type_time_and_target() {
        let mut buf = Vec::new();
        {
            let mut j = Json::new(&mut buf, "default", "web", &WallClock);
            j.emit(Event::info("one"));
            j.emit(Event::warning("two"));
        }
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["type"], "info");
        assert_eq!(lines[1]["type"], "warning");
        assert_eq!(lines[1]["target"]["name"], "web");
        assert!(
            lines[0]["time"]
                .as_str()
                .unwrap()
                .parse::<jiff::Timestamp>()
                .is_ok()
        );
    }
}
