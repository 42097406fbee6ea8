//! Keys: what each key does to the dashboard's state, and which commands it asks the
//! runtime to carry out (an operation only after its confirmation dialog).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, Command, Dialog, Op, Overlay};
use crate::model;

pub(super) fn on_key(app: &mut App, key: KeyEvent) -> (bool, Vec<Command>) {
    let ctrl_c = key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c');
    // Quitting while an operation runs stops it: ask first (a second Ctrl-C quits).
    let quit_asked = matches!(app.dialog, Some(Dialog::QuitWhileBusy { .. }));
    if ctrl_c && (app.busy.is_none() || quit_asked) {
        return (false, vec![Command::Quit]);
    }
    if ctrl_c {
        return ask_before_quitting(app);
    }
    // A dialog takes every key.
    if let Some(dialog) = app.dialog.take() {
        return on_dialog_key(app, dialog, key);
    }
    if let Some(overlay) = &mut app.overlay {
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter => app.overlay = None,
            KeyCode::Down | KeyCode::Char('j') => {
                if let Overlay::Text { scroll, .. } = overlay {
                    *scroll += 1;
                }
            }
            KeyCode::Up | KeyCode::Char('k') => {
                if let Overlay::Text { scroll, .. } = overlay {
                    *scroll = scroll.saturating_sub(1);
                }
            }
            KeyCode::PageDown | KeyCode::Char(' ') => {
                if let Overlay::Text { scroll, .. } = overlay {
                    *scroll += 20;
                }
            }
            KeyCode::PageUp => {
                if let Overlay::Text { scroll, .. } = overlay {
                    *scroll = scroll.saturating_sub(20);
                }
            }
            _ => return (false, Vec::new()),
        }
        return (true, Vec::new());
    }
    let busy = app.busy.is_some();
    let act = |app: &mut App, op: Op| {
        if busy {
            app.status = Some(Err("an operation is running; wait for it to finish".into()));
        } else {
            app.dialog = app.confirm(op);
        }
    };
    if key.code == KeyCode::Char('a') {
        return toggle_group(app);
    }
    if app.group.is_some() {
        return on_group_key(app, key, busy);
    }
    match key.code {
        KeyCode::Char('q') | KeyCode::Esc if busy => return ask_before_quitting(app),
        KeyCode::Char('q') | KeyCode::Esc => return (false, vec![Command::Quit]),
        KeyCode::Char('?') => app.overlay = Some(Overlay::Help),
        KeyCode::Down | KeyCode::Char('j') => app.move_cursor(1),
        KeyCode::Up | KeyCode::Char('k') => app.move_cursor(-1),
        KeyCode::PageDown => app.move_cursor(app.page as isize),
        KeyCode::PageUp => app.move_cursor(-(app.page as isize)),
        KeyCode::Home | KeyCode::Char('g') => app.move_cursor(-(1 << 30)),
        KeyCode::End | KeyCode::Char('G') => app.move_cursor(1 << 30),
        KeyCode::Char('c') => app.compact = !app.compact,
        KeyCode::Tab | KeyCode::Right | KeyCode::BackTab | KeyCode::Left => {
            if app.sets.len() > 1 {
                let n = app.sets.len();
                app.selected_set = if matches!(key.code, KeyCode::Tab | KeyCode::Right) {
                    (app.selected_set + 1) % n
                } else {
                    (app.selected_set + n - 1) % n
                };
                let s = &app.sets[app.selected_set];
                let cmd = Command::Watch {
                    namespace: s.namespace.clone(),
                    name: s.name.clone(),
                };
                app.snap = None;
                app.report = None;
                app.events.clear();
                app.scroll = 0;
                app.cursor = 0;
                return (true, vec![cmd]);
            }
        }
        KeyCode::Char('s') => act(app, Op::Step { by: 1 }),
        KeyCode::Char('S') => {
            if !busy {
                app.dialog = Some(Dialog::StepCount {
                    input: String::new(),
                });
            }
        }
        KeyCode::Char('p') => {
            let paused = app
                .snap
                .as_ref()
                .is_some_and(|s| model::progress::is_paused(s.set()));
            act(app, if paused { Op::Resume } else { Op::Pause });
        }
        KeyCode::Char('f') => act(app, Op::ForceRollback),
        KeyCode::Char('D') => act(app, Op::Delete),
        KeyCode::Char('r') => {
            if !busy && app.report.is_some() {
                app.dialog = Some(Dialog::Sizes {
                    input: String::new(),
                });
            }
        }
        KeyCode::Char('u') => {
            if !busy && !app.history.is_empty() {
                let entries: Vec<(i64, String)> = app
                    .history
                    .iter()
                    .rev()
                    .map(|e| (e.number, e.name.clone()))
                    .collect();
                app.dialog = Some(Dialog::Undo {
                    selected: 1.min(entries.len() - 1),
                    entries,
                });
            }
        }
        KeyCode::Char('d') => app.history_overlay(),
        KeyCode::Char('v') => app.preview_overlay(),
        KeyCode::Enter => app.pod_overlay(),
        _ => return (false, Vec::new()),
    }
    (true, Vec::new())
}

fn ask_before_quitting(app: &mut App) -> (bool, Vec<Command>) {
    let what = app.busy.as_ref().map(|b| b.0.clone()).unwrap_or_default();
    app.dialog = Some(Dialog::QuitWhileBusy { what });
    (true, Vec::new())
}

fn on_dialog_key(app: &mut App, dialog: Dialog, key: KeyEvent) -> (bool, Vec<Command>) {
    match dialog {
        Dialog::QuitWhileBusy { what } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => (false, vec![Command::Quit]),
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Enter => {
                (true, Vec::new())
            }
            _ => {
                app.dialog = Some(Dialog::QuitWhileBusy { what });
                (false, Vec::new())
            }
        },
        Dialog::Confirm { title, plan, op } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => {
                let target = match (&op, &app.group) {
                    (Op::Group { .. }, Some(g)) => Some((g.namespace.clone(), g.label())),
                    _ => app.set_name(),
                };
                let Some((namespace, name)) = target else {
                    return (true, Vec::new());
                };
                app.busy = Some((title, "starting".into()));
                // A new operation: the step panel is a step's own (its plan opens it).
                app.step = None;
                app.status = None;
                (
                    true,
                    vec![Command::Run {
                        namespace,
                        name,
                        op,
                    }],
                )
            }
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Char('q') => {
                app.status = Some(Err(format!("{title}: cancelled; nothing changed")));
                (true, Vec::new())
            }
            _ => {
                app.dialog = Some(Dialog::Confirm { title, plan, op });
                (false, Vec::new())
            }
        },
        Dialog::Sizes { mut input } => match key.code {
            KeyCode::Char(c)
                if (c.is_ascii_alphanumeric() || "=.- ".contains(c)) && input.len() < 120 =>
            {
                input.push(c);
                app.dialog = Some(Dialog::Sizes { input });
                (true, Vec::new())
            }
            KeyCode::Backspace => {
                input.pop();
                app.dialog = Some(Dialog::Sizes { input });
                (true, Vec::new())
            }
            KeyCode::Enter => {
                let sizes: Vec<String> = input.split_whitespace().map(str::to_string).collect();
                if model::recreate::parse_resizes(&sizes).is_err() {
                    app.dialog = Some(Dialog::Sizes { input });
                    return (false, Vec::new());
                }
                app.dialog = app.confirm(Op::Resize { sizes });
                (true, Vec::new())
            }
            KeyCode::Esc => (true, Vec::new()),
            _ => {
                app.dialog = Some(Dialog::Sizes { input });
                (false, Vec::new())
            }
        },
        Dialog::StepCount { mut input } => match key.code {
            KeyCode::Char(c) if c.is_ascii_digit() && input.len() < 6 => {
                input.push(c);
                app.dialog = Some(Dialog::StepCount { input });
                (true, Vec::new())
            }
            KeyCode::Backspace => {
                input.pop();
                app.dialog = Some(Dialog::StepCount { input });
                (true, Vec::new())
            }
            KeyCode::Enter => {
                let by = input.parse::<u32>().unwrap_or(0);
                if by == 0 {
                    app.dialog = Some(Dialog::StepCount { input });
                    return (false, Vec::new());
                }
                app.dialog = app.confirm(Op::Step { by });
                (true, Vec::new())
            }
            KeyCode::Esc => (true, Vec::new()),
            _ => {
                app.dialog = Some(Dialog::StepCount { input });
                (false, Vec::new())
            }
        },
        Dialog::Undo { entries, selected } => match key.code {
            KeyCode::Down | KeyCode::Char('j') => {
                let selected = (selected + 1).min(entries.len().saturating_sub(1));
                app.dialog = Some(Dialog::Undo { entries, selected });
                (true, Vec::new())
            }
            KeyCode::Up | KeyCode::Char('k') => {
                app.dialog = Some(Dialog::Undo {
                    entries,
                    selected: selected.saturating_sub(1),
                });
                (true, Vec::new())
            }
            KeyCode::Enter => {
                let revision = entries.get(selected).map_or(0, |e| e.0);
                app.dialog = app.confirm(Op::Undo { revision });
                (true, Vec::new())
            }
            KeyCode::Esc | KeyCode::Char('q') => (true, Vec::new()),
            _ => {
                app.dialog = Some(Dialog::Undo { entries, selected });
                (false, Vec::new())
            }
        },
    }
}

impl App {
    pub(super) fn move_cursor(&mut self, delta: isize) {
        let Some(r) = &self.report else { return };
        let max = r.rows.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize + delta).clamp(0, max.max(0)) as usize;
        let page = self.page.max(1);
        if self.cursor < self.scroll {
            self.scroll = self.cursor;
        } else if self.cursor >= self.scroll + page {
            self.scroll = self.cursor + 1 - page;
        }
    }
}

/// `a`: into the group view (the list's sets in the selected set's namespace) and out.
fn toggle_group(app: &mut App) -> (bool, Vec<Command>) {
    if let Some(g) = app.group.take() {
        let cmd = Command::WatchGroup {
            namespace: g.namespace,
            names: Vec::new(),
        };
        return (true, vec![cmd]);
    }
    let Some(selected) = app.sets.get(app.selected_set) else {
        return (false, Vec::new());
    };
    let namespace = selected.namespace.clone();
    let names: Vec<String> = app
        .sets
        .iter()
        .filter(|s| s.namespace == namespace)
        .map(|s| s.name.clone())
        .collect();
    let cmd = Command::WatchGroup {
        namespace: namespace.clone(),
        names: names.clone(),
    };
    app.group = Some(super::Group::new(&namespace, names));
    (true, vec![cmd])
}

/// Keys in the group view: `s` steps the group by one pod, `S` rolls it all out (each
/// after its confirmation); the set's own operations need the set's view.
fn on_group_key(app: &mut App, key: KeyEvent, busy: bool) -> (bool, Vec<Command>) {
    let all = match key.code {
        KeyCode::Char('q') | KeyCode::Esc if busy => return ask_before_quitting(app),
        KeyCode::Char('q') | KeyCode::Esc => return (false, vec![Command::Quit]),
        KeyCode::Char('?') => {
            app.overlay = Some(Overlay::Help);
            return (true, Vec::new());
        }
        KeyCode::Char('s') => false,
        KeyCode::Char('S') => true,
        KeyCode::Char('p' | 'f' | 'u' | 'D' | 'r' | 'd' | 'v' | 'c') | KeyCode::Enter => {
            app.status = Some(Err(
                "the group view steps the group (s, S); press a for the set's own keys".into(),
            ));
            return (true, Vec::new());
        }
        _ => return (false, Vec::new()),
    };
    if busy {
        app.status = Some(Err("an operation is running; wait for it to finish".into()));
    } else {
        let names = app
            .group
            .as_ref()
            .map(|g| g.names.clone())
            .unwrap_or_default();
        app.dialog = app.confirm(Op::Group { names, all });
        if app.dialog.is_none() {
            app.status = Some(Err(
                "the group's sets are still being read; try again".into()
            ));
        }
    }
    (true, Vec::new())
}
