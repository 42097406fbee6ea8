//! The group view: one row per set — its name, updated/replicas, partition, state, and a
//! cell per ordinal (the revision's symbol; `!` after a pod not Ready; `┃` where the
//! partition splits the set) — then the running operation and the events.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Color;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{Paint, events, role_look, state_look, step, truncate};
use crate::model::report::{Report, Role};
use crate::output::sanitize;
use crate::tui::app::{App, Group};

/// Ordinal cells shown per set at most (the rest are counted).
const MAX_CELLS: usize = 200;

pub fn render(f: &mut Frame, app: &App, g: &Group, area: Rect, p: &Paint) {
    let step_h = app.step.as_ref().map_or(0, step::height);
    let events_h = if area.height >= 30 { 6 } else { 4 };
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Min(4),
            Constraint::Length(2),
            Constraint::Length(step_h),
            Constraint::Length(events_h),
        ])
        .split(area);
    let width = rows[0].width.saturating_sub(2) as usize;
    let name_w = g.names.iter().map(String::len).max().unwrap_or(4).min(30);
    let mut lines = Vec::new();
    if g.reports.is_empty() {
        lines.push(Line::raw("Reading the group's sets…"));
    }
    for r in &g.reports {
        lines.push(row(r, name_w, width, p));
    }
    let title = format!(
        " Group: {} set(s) in {} — {} pod(s) to update ",
        g.names.len(),
        g.namespace,
        g.left()
    );
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        rows[0],
    );
    let status = match (&app.busy, &app.status) {
        (Some((what, last)), _) => {
            Line::styled(format!("⏳ {what}: {}", sanitize(last)), p.fg(Color::Cyan))
        }
        (None, Some(Ok(m))) => Line::styled(format!("✓ {}", sanitize(m)), p.fg(Color::Green)),
        (None, Some(Err(e))) => Line::styled(format!("✗ {}", sanitize(e)), p.fg(Color::Red)),
        (None, None) => Line::raw(
            "s: the group's next step (one pod, within its PodDisruptionBudgets)   S: all of it",
        ),
    };
    f.render_widget(Paragraph::new(status).wrap(Wrap { trim: true }), rows[1]);
    if let Some(panel) = &app.step {
        step::render(f, panel, rows[2], p);
    }
    events(f, app, rows[3], p);
}

fn row<'a>(r: &'a Report, name_w: usize, width: usize, p: &Paint) -> Line<'a> {
    let (label, color) = state_look(r.diagnosis.state);
    let head = format!(
        "{:<name_w$}  {:>3}/{:<3} partition {:<4} ",
        truncate(&r.name, name_w),
        r.updated,
        r.replicas,
        r.partition.map_or("-".into(), |p| p.to_string()),
    );
    let mut spans = vec![
        Span::styled(head, p.bold()),
        Span::styled(format!("[{label}] "), p.fg(color)),
    ];
    let room = width.saturating_sub(name_w + 40) / 2;
    let shown = r.rows.len().min(MAX_CELLS).min(room.max(1));
    for row in r.rows.iter().take(shown) {
        if r.partition
            .is_some_and(|part| part > 0 && row.ordinal - r.start_ordinal == part)
        {
            spans.push(Span::raw("┃"));
        }
        let (symbol, _, c) = role_look(row.role);
        let broken = row.role != Role::Missing && !row.ready;
        spans.push(Span::styled(symbol, p.fg(c)));
        spans.push(if broken {
            Span::styled("!", p.fg(Color::Red))
        } else {
            Span::raw(" ")
        });
    }
    if r.rows.len() > shown {
        spans.push(Span::raw(format!("… +{}", r.rows.len() - shown)));
    }
    Line::from(spans)
}
