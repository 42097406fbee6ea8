//! The dashboard's view: a pure function of the state onto a frame. Only the visible
//! ordinals are laid out, so a 1,000-ordinal set costs what a screenful does.

use crate::output::sanitize;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph, Wrap};

use crate::model::diagnose::RolloutState;
use crate::model::report::{Report, Role, Row};

use super::app::{App, Dialog, Overlay};

mod group;
mod step;

/// Colours only when allowed (NO_COLOR, --no-color): symbols and words carry the meaning.
struct Paint {
    color: bool,
}

impl Paint {
    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }
    fn bold(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
}

/// How a revision role looks: symbol, word, colour.
pub fn role_look(role: Role) -> (&'static str, &'static str, Color) {
    match role {
        Role::Update => ("●", "update", Color::Green),
        Role::Current => ("○", "current", Color::Blue),
        Role::Other => ("◆", "other", Color::Magenta),
        Role::Missing => ("·", "missing", Color::DarkGray),
    }
}

fn state_look(state: RolloutState) -> (&'static str, Color) {
    let (label, _) = crate::output::badge(state);
    let color = match state {
        RolloutState::Complete => Color::Green,
        RolloutState::Stuck => Color::Red,
        RolloutState::Paused => Color::Yellow,
        _ => Color::Cyan,
    };
    (label, color)
}

pub fn view(f: &mut Frame, app: &mut App) {
    let p = Paint { color: app.color };
    let area = f.area();
    let outer = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Min(8), Constraint::Length(1)])
        .split(area);
    let wide = area.width >= 140;
    let (list_area, main) = if wide && !app.sets.is_empty() {
        let cols = Layout::default()
            .direction(Direction::Horizontal)
            .constraints([Constraint::Length(28), Constraint::Min(60)])
            .split(outer[0]);
        (Some(cols[0]), cols[1])
    } else {
        (None, outer[0])
    };
    if let Some(a) = list_area {
        sets_pane(f, app, a, &p);
    }
    main_pane(f, app, main, &p);
    keys_bar(f, app, outer[1], &p);
    if let Some(overlay) = &app.overlay {
        overlay_pane(f, overlay, area, &p);
    }
    if let Some(dialog) = &app.dialog {
        dialog_pane(f, dialog, area, &p);
    }
}

fn sets_pane(f: &mut Frame, app: &App, area: Rect, p: &Paint) {
    let title = if app.namespace.is_empty() {
        " StatefulSets (all) ".to_string()
    } else {
        format!(" StatefulSets ({}) ", app.namespace)
    };
    let lines: Vec<Line> = app
        .sets
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (label, color) = state_look(s.state);
            let marker = if i == app.selected_set { "▶ " } else { "  " };
            let name = if app.namespace.is_empty() {
                format!("{}/{}", s.namespace, s.name)
            } else {
                s.name.clone()
            };
            let mut style = Style::default();
            if i == app.selected_set {
                style = style.add_modifier(Modifier::BOLD);
            }
            Line::from(vec![
                Span::styled(format!("{marker}{name} "), style),
                Span::styled(format!("[{label}]"), p.fg(color)),
                Span::raw(format!(" {}/{}", s.updated, s.replicas)),
            ])
        })
        .collect();
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        area,
    );
}

fn main_pane(f: &mut Frame, app: &mut App, area: Rect, p: &Paint) {
    if let Some(g) = &app.group {
        return group::render(f, app, g, area, p);
    }
    let Some(r) = app.report.clone() else {
        let msg = match &app.reconnecting {
            Some(why) => format!("reconnecting: {why}"),
            None if app.sets.is_empty() => {
                "No StatefulSet to show yet (waiting for the list)…".into()
            }
            None => "Loading…".into(),
        };
        f.render_widget(
            Paragraph::new(msg).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" kubectl sts "),
            ),
            area,
        );
        return;
    };
    let events_h = if area.height >= 30 { 6 } else { 4 };
    let footer_h = if r.diagnosis.state == RolloutState::Stuck {
        4
    } else {
        2
    };
    let step_h = app.step.as_ref().map_or(0, step::height);
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(3),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(footer_h),
            Constraint::Length(step_h),
            Constraint::Length(events_h),
        ])
        .split(area);
    header(f, app, &r, rows[0], p);
    gauge(f, &r, rows[1], p);
    grid(f, app, &r, rows[2], p);
    footer(f, app, &r, rows[3], p);
    if let Some(panel) = &app.step {
        step::render(f, panel, rows[4], p);
    }
    events(f, app, rows[5], p);
}

fn header(f: &mut Frame, app: &App, r: &Report, area: Rect, p: &Paint) {
    let (label, color) = state_look(r.diagnosis.state);
    let partition = match (r.strategy.as_str(), r.partition) {
        ("RollingUpdate", Some(pt)) => format!("partition {pt}"),
        ("RollingUpdate", None) => "partition 0".into(),
        _ => "no partition".into(),
    };
    let mut spans = vec![
        Span::styled(format!("{}/{} ", r.namespace, r.name), p.bold()),
        Span::styled(
            format!("[{label}]"),
            p.fg(color).add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!(
            "  {} · {} · {partition} · {} replicas",
            r.strategy, r.pod_management_policy, r.replicas
        )),
    ];
    if r.min_ready_seconds > 0 {
        spans.push(Span::raw(format!(
            " · minReadySeconds {}",
            r.min_ready_seconds
        )));
    }
    if let Some(why) = &app.reconnecting {
        spans.push(Span::styled(
            format!("  ⟳ reconnecting ({why})"),
            p.fg(Color::Yellow),
        ));
    }
    let (cs, _, cc) = role_look(Role::Current);
    let (us, _, uc) = role_look(Role::Update);
    let revs = Line::from(vec![
        Span::styled(
            format!(
                "{cs} current #{} {}",
                r.current_revision_number, r.current_revision
            ),
            p.fg(cc),
        ),
        Span::raw("   "),
        Span::styled(
            format!(
                "{us} update #{} {}",
                r.update_revision_number, r.update_revision
            ),
            p.fg(uc),
        ),
    ]);
    f.render_widget(
        Paragraph::new(vec![Line::from(spans), revs]).block(Block::default().borders(Borders::TOP)),
        area,
    );
}

fn gauge(f: &mut Frame, r: &Report, area: Rect, p: &Paint) {
    let total = r.replicas.max(0) as f64;
    let ratio = if total > 0.0 {
        (r.updated as f64 / total).clamp(0.0, 1.0)
    } else {
        1.0
    };
    let g = Gauge::default()
        .gauge_style(p.fg(Color::Green))
        .ratio(ratio)
        .label(format!(
            "{}/{} updated · {}/{} ready",
            r.updated, r.replicas, r.ready, r.replicas
        ));
    f.render_widget(g, area);
}

/// One line of the grid: an ordinal, or the partition line.
enum GridLine<'r> {
    Row(usize, &'r Row),
    Partition(i32),
}

fn grid(f: &mut Frame, app: &mut App, r: &Report, area: Rect, p: &Paint) {
    let partition = if r.strategy == "RollingUpdate" {
        r.partition.unwrap_or(0)
    } else {
        0
    };
    let first_protected_free = r.start_ordinal + partition;
    // Narrow screens get the compact grid whatever the toggle says.
    let compact = app.compact || area.width < 105;
    let header_cells = if compact {
        "ORD    REVISION        PHASE                  READY  RESTARTS  AGE"
    } else {
        "ORD    REVISION                       PHASE                        READY  AVAILABLE   RESTARTS  AGE     NODE"
    };
    let inner_h = area.height.saturating_sub(1) as usize;
    app.page = inner_h.max(1);
    // Keep the cursor visible.
    if app.cursor < app.scroll {
        app.scroll = app.cursor;
    } else if app.cursor >= app.scroll + app.page {
        app.scroll = app.cursor + 1 - app.page;
    }
    let mut lines: Vec<GridLine> = Vec::with_capacity(inner_h);
    let mut i = app.scroll;
    while lines.len() < inner_h && i < r.rows.len() {
        let row = &r.rows[i];
        if partition > 0
            && partition < r.replicas
            && row.ordinal == first_protected_free
            && !row.condemned
        {
            lines.push(GridLine::Partition(partition));
            if lines.len() >= inner_h {
                break;
            }
        }
        lines.push(GridLine::Row(i, row));
        i += 1;
    }
    let mut text = vec![Line::styled(header_cells.to_string(), p.bold())];
    for l in lines {
        text.push(match l {
            GridLine::Partition(pt) => Line::styled(
                format!(
                    "──── partition {pt} ── ordinals below keep {} ────",
                    r.current_revision
                ),
                p.fg(Color::Yellow),
            ),
            GridLine::Row(idx, row) => grid_row(app, r, idx, row, compact, p),
        });
    }
    if r.rows.is_empty() {
        text.push(Line::raw("(no ordinals: 0 replicas)"));
    }
    f.render_widget(Paragraph::new(text), area);
}

fn grid_row(
    app: &App,
    r: &Report,
    idx: usize,
    row: &Row,
    compact: bool,
    p: &Paint,
) -> Line<'static> {
    let (sym, word, color) = role_look(row.role);
    let rev = match row.revision_number {
        Some(n) => format!("{sym} {word:<7} #{n}"),
        None => format!("{sym} {word}"),
    };
    let mut phase = row.phase.clone();
    if row.terminating {
        phase.push_str(" (terminating)");
    }
    match &row.reason {
        // A missing pod's reason says all (a name held by another pod).
        Some(reason) if row.pod.is_none() => phase = reason.clone(),
        Some(reason) => phase = format!("{phase} {reason}"),
        None => {}
    }
    if row.condemned {
        phase.push_str(" [condemned]");
    }
    let ready = if row.ready { "yes" } else { "no" };
    let available = if row.available {
        "yes".to_string()
    } else if row.ready && r.min_ready_seconds > 0 {
        // The countdown to availability: Ready since + minReadySeconds − now (the runtime
        // ticks while one runs).
        let since = app.snap.as_ref().and_then(|s| {
            s.records()
                .iter()
                .find(|rec| Some(&rec.name) == row.pod.as_ref())
                .and_then(|rec| rec.ready_since)
        });
        match since {
            Some(t) => {
                let left = i64::from(r.min_ready_seconds) - app.now.duration_since(t).as_secs();
                format!("in {}s", left.max(0))
            }
            None => format!("in ≤{}s", r.min_ready_seconds),
        }
    } else {
        "no".to_string()
    };
    let age = crate::model::report::age(row.age_seconds);
    let cursor = if idx == app.cursor { "▸" } else { " " };
    let ord = format!("{cursor}{:<5}", row.ordinal);
    let style = if idx == app.cursor {
        Style::default().add_modifier(Modifier::REVERSED)
    } else {
        Style::default()
    };
    let spans = if compact {
        vec![
            Span::styled(ord, style),
            Span::styled(format!(" {rev:<15}"), p.fg(color)),
            Span::raw(format!(
                " {:<22} {ready:<6} {:<9} {age}",
                truncate(&sanitize(&phase), 22),
                row.restarts
            )),
        ]
    } else {
        vec![
            Span::styled(ord, style),
            Span::styled(
                format!(
                    " {:<30}",
                    truncate(
                        &format!("{rev} {}", row.revision.as_deref().unwrap_or("")),
                        30
                    )
                ),
                p.fg(color),
            ),
            Span::raw(format!(
                " {:<28} {ready:<6} {available:<11} {:<9} {age:<7} {}",
                truncate(&sanitize(&phase), 28),
                row.restarts,
                row.node.as_deref().unwrap_or("-")
            )),
        ]
    };
    Line::from(spans)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn footer(f: &mut Frame, app: &App, r: &Report, area: Rect, p: &Paint) {
    let mut next = vec![
        Span::styled("Next: ", p.bold()),
        Span::raw(app.next_action.clone()),
    ];
    if let Some(eta) = &r.eta {
        next.push(Span::styled(format!("   {eta}"), p.fg(Color::Cyan)));
    }
    let mut lines = vec![Line::from(next)];
    if r.diagnosis.state == RolloutState::Stuck {
        lines.push(Line::from(vec![
            Span::styled("Stuck: ", p.fg(Color::Red).add_modifier(Modifier::BOLD)),
            Span::raw(sanitize(&r.diagnosis.summary).into_owned()),
        ]));
    }
    if let Some((what, last)) = &app.busy {
        lines.push(Line::styled(
            format!("⏳ {what}: {}", sanitize(last)),
            p.fg(Color::Cyan),
        ));
    } else if let Some(status) = &app.status {
        lines.push(match status {
            Ok(m) => Line::styled(format!("✓ {}", sanitize(m)), p.fg(Color::Green)),
            Err(e) => Line::styled(format!("✗ {}", sanitize(e)), p.fg(Color::Red)),
        });
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}

fn events(f: &mut Frame, app: &App, area: Rect, _p: &Paint) {
    let lines: Vec<Line> = app
        .events
        .iter()
        .take(area.height.saturating_sub(1) as usize)
        .map(|e| Line::raw(sanitize(e).into_owned()))
        .collect();
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::TOP).title(" Events ")),
        area,
    );
}

fn keys_bar(f: &mut Frame, app: &App, area: Rect, p: &Paint) {
    let text = if app.dialog.is_some() {
        "y/⏎ confirm   n/Esc cancel"
    } else if app.overlay.is_some() {
        "↑↓ scroll   Esc close"
    } else if app.group.is_some() {
        "s step the group  S roll out the group  a back to the set  ? help  q quit"
    } else {
        "? help  q quit  s step  S step N  p pause/resume  f force-rollback  u undo  D delete  r resize  d history  v preview  ⏎ pod  a group  c compact"
    };
    f.render_widget(
        Paragraph::new(Line::styled(text, p.fg(Color::DarkGray))),
        area,
    );
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

const HELP: &[&str] = &[
    "s        step: lower the partition by one ordinal (OnDelete: delete the next pod)",
    "S        step by N ordinals",
    "p        pause (pin the partition at the frontier) / resume",
    "f        force-rollback: revert the template AND delete the stuck pods",
    "u        undo: revert the template to a chosen revision",
    "D        ordered delete: scale to 0, highest ordinal first, then delete",
    "r        resize the volumes: grow the claims, re-create the set around its pods",
    "d        revision history and the template diff",
    "v        preview the rollout timeline (controller model)",
    "⏎        the highlighted pod as YAML",
    "↑↓ PgUp PgDn Home End   move;   Tab ←→  other StatefulSet",
    "c        compact grid;   a  the group: every set of the namespace, s/S step it",
    "q Esc    quit (Ctrl-C too)",
    "",
    "Every change shows its plan and asks first. ● update  ○ current  ◆ other  · missing",
];

fn overlay_pane(f: &mut Frame, overlay: &Overlay, area: Rect, p: &Paint) {
    let (title, lines, scroll): (String, Vec<String>, usize) = match overlay {
        Overlay::Help => (
            " Help ".into(),
            HELP.iter().map(|s| s.to_string()).collect(),
            0,
        ),
        Overlay::Text {
            title,
            lines,
            scroll,
        } => (format!(" {title} "), lines.clone(), *scroll),
    };
    let rect = centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    let visible: Vec<Line> = lines
        .iter()
        .skip(scroll)
        .take(rect.height.saturating_sub(2) as usize)
        .map(|l| {
            let style = if l.starts_with('+') && !l.starts_with("+++") {
                p.fg(Color::Green)
            } else if l.starts_with('-') && !l.starts_with("---") {
                p.fg(Color::Red)
            } else {
                Style::default()
            };
            Line::styled(l.clone(), style)
        })
        .collect();
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(visible).block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}

fn dialog_pane(f: &mut Frame, dialog: &Dialog, area: Rect, p: &Paint) {
    let (title, mut lines): (String, Vec<Line>) = match dialog {
        Dialog::QuitWhileBusy { what } => (
            " Quit while an operation runs? ".into(),
            vec![
                Line::raw(format!("{what} is still running.")),
                Line::raw(
                    "Quitting stops it where it is; the cluster keeps its state, and running the same command again continues from there.",
                ),
                Line::raw(""),
                Line::styled("Quit anyway? [y/N]", p.bold()),
            ],
        ),
        Dialog::Confirm { title, plan, .. } => (
            format!(" {title}? "),
            plan.iter().map(|l| Line::raw(l.clone())).collect(),
        ),
        Dialog::Sizes { input } => (
            " Grow which claims, to what size? ".into(),
            vec![
                Line::raw(format!("> {input}▏")),
                Line::raw("CLAIM=SIZE …, e.g. data=20Gi, then ⏎ (Esc cancels)"),
            ],
        ),
        Dialog::StepCount { input } => (
            " Step by how many ordinals? ".into(),
            vec![
                Line::raw(format!("> {input}▏")),
                Line::raw("digits, then ⏎ (Esc cancels)"),
            ],
        ),
        Dialog::Undo { entries, selected } => (
            " Undo to which revision? ".into(),
            entries
                .iter()
                .enumerate()
                .map(|(i, (n, name))| {
                    let marker = if i == *selected { "▸ " } else { "  " };
                    let style = if i == *selected {
                        p.bold()
                    } else {
                        Style::default()
                    };
                    Line::styled(format!("{marker}#{n} {name}"), style)
                })
                .collect(),
        ),
    };
    if matches!(dialog, Dialog::Confirm { .. }) {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Proceed? [y/N]", p.bold()));
    }
    let w = area.width.saturating_sub(8).min(90);
    let h = (lines.len() as u16 + 6).min(area.height);
    let rect = centered(area, w, h);
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}
