//! Unified diffs of pod templates (via `similar`), coloured on a terminal.

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use super::Style;

/// A template as YAML, for people to read and diff.
pub fn yaml(v: &Value) -> String {
    serde_saphyr::to_string(v)
        .unwrap_or_else(|_| serde_json::to_string_pretty(v).unwrap_or_default())
}

/// `--- from` / `+++ to` unified diff with 3 lines of context; empty when equal.
pub fn unified(from_label: &str, from: &Value, to_label: &str, to: &Value, style: Style) -> String {
    let (a, b) = (yaml(from), yaml(to));
    if a == b {
        return String::new();
    }
    let diff = TextDiff::from_lines(&a, &b);
    let mut s = format!(
        "{}\n{}\n",
        style.paint("31", &format!("--- {from_label}")),
        style.paint("32", &format!("+++ {to_label}"))
    );
    for group in diff.grouped_ops(3) {
        let (first, last) = (
            group[0].old_range().start,
            group[group.len() - 1].old_range().end,
        );
        let (nfirst, nlast) = (
            group[0].new_range().start,
            group[group.len() - 1].new_range().end,
        );
        s.push_str(&style.paint(
            "36",
            &format!(
                "@@ -{},{} +{},{} @@",
                first + 1,
                last - first,
                nfirst + 1,
                nlast - nfirst
            ),
        ));
        s.push('\n');
        for op in group {
            for change in diff.iter_changes(&op) {
                let (sign, code) = match change.tag() {
                    ChangeTag::Delete => ("-", "31"),
                    ChangeTag::Insert => ("+", "32"),
                    ChangeTag::Equal => (" ", ""),
                };
                let line = format!("{sign}{}", change.value().trim_end_matches('\n'));
                s.push_str(&if code.is_empty() {
                    line
                } else {
                    style.paint(code, &line)
                });
                s.push('\n');
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shows_only_what_changed_with_context() {
        let a = json!({"spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}});
        let b = json!({"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}});
        let d = unified("current", &a, "new", &b, Style::plain());
        assert!(d.starts_with("--- current\n+++ new\n@@"), "{d}");
        assert!(
            d.contains("-  - image: nginx:1.25")
                || d.contains("-    image: nginx:1.25")
                || d.contains("nginx:1.25"),
            "{d}"
        );
        assert!(
            d.lines()
                .any(|l| l.starts_with('+') && l.contains("nginx:1.26")),
            "{d}"
        );
        assert!(unified("a", &a, "b", &a, Style::plain()).is_empty());
    }
}
