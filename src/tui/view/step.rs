//! The step panel: the running (or last) step's plan, its wait, and each gate's verdict
//! with its evidence.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Paint, truncate};
use crate::event::Verdict;
use crate::output::sanitize;
use crate::tui::app::StepPanel;

/// Gate rows shown at most (the latest ones).
pub const MAX_ROWS: usize = 6;

/// The rows the panel takes for `panel`: a border, the plan, the wait, the gates.
pub fn height(panel: &StepPanel) -> u16 {
    3 + panel.gates.len().min(MAX_ROWS) as u16
}

pub fn render(f: &mut Frame, panel: &StepPanel, area: Rect, p: &Paint) {
    let width = area.width as usize;
    let mut lines = vec![Line::raw(truncate(&sanitize(&panel.title), width)), {
        let (mark, color) = match panel.ended {
            None => ("⏳", Color::Cyan),
            Some(true) => ("✓", Color::Green),
            Some(false) => ("✗", Color::Red),
        };
        Line::styled(
            truncate(&format!("{mark} {}", sanitize(&panel.waiting)), width),
            p.fg(color),
        )
    }];
    let name_w = panel
        .gates
        .iter()
        .map(|g| g.name.chars().count())
        .max()
        .unwrap_or(0);
    let skip = panel.gates.len().saturating_sub(MAX_ROWS);
    for g in panel.gates.iter().skip(skip) {
        let (mark, color) = match g.result {
            Verdict::Passed => ("✓ passed", Color::Green),
            Verdict::Failed => ("✗ failed", Color::Red),
            Verdict::Inconclusive => ("? inconclusive", Color::Yellow),
        };
        let head = format!(
            "{:<name_w$}  {:<8}  ",
            sanitize(&g.name),
            sanitize(g.pod.as_deref().unwrap_or("—"))
        );
        let rest = width.saturating_sub(head.chars().count() + mark.chars().count() + 2);
        lines.push(Line::from(vec![
            Span::raw(head),
            Span::styled(mark, p.fg(color)),
            Span::raw(format!("  {}", truncate(&sanitize(&g.evidence), rest))),
        ]));
    }
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::TOP).title(" Step ")),
        area,
    );
}
