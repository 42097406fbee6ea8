//! The rollout preview as a timeline (text), or as data (`-o json|yaml`).

use std::io::Write;

use super::Format as OutputFormat;
use crate::error::Result;
use crate::model::preview::{End, Timeline};

use super::{Style, io_error};

pub fn render(
    t: &Timeline,
    ready_source: &str,
    format: OutputFormat,
    style: Style,
    out: &mut dyn Write,
) -> Result<()> {
    match format {
        OutputFormat::Json => return super::write_json(t, out),
        OutputFormat::Yaml => return super::write_yaml(t, out),
        _ => {}
    }
    out.write_all(text(t, ready_source, style).as_bytes())
        .map_err(io_error)
}

pub fn text(t: &Timeline, ready_source: &str, style: Style) -> String {
    let mut s = String::new();
    let partition = t
        .partition
        .map_or(String::new(), |p| format!(", partition {p}"));
    let max_unavailable = t
        .max_unavailable
        .as_ref()
        .map_or(String::new(), |m| format!(", maxUnavailable {m}"));
    let min_ready = if t.min_ready_seconds > 0 {
        format!(", minReadySeconds {}", t.min_ready_seconds)
    } else {
        String::new()
    };
    s.push_str(&format!(
        "Preview: statefulset/{} in {}: {} replicas, {}{partition}{max_unavailable}, {}{min_ready}\n",
        t.stateful_set, t.namespace, t.replicas, t.strategy, t.pod_management_policy
    ));
    s.push_str(&format!(
        "  {} (current) → {} (update)\n",
        t.current_revision, t.update_revision
    ));
    let a = &t.assumptions;
    let mut fails = Vec::new();
    if !a.fail_ordinals.is_empty() {
        let o: Vec<String> = a.fail_ordinals.iter().map(i32::to_string).collect();
        fails.push(format!("ordinals {} never become Ready", o.join(",")));
    }
    if a.fail_update_revision {
        fails.push("the update revision never becomes Ready".to_string());
    }
    s.push_str(&format!(
        "  assuming pods are Ready {} after creation ({ready_source}) and gone {} after deletion; {}\n\n",
        secs(a.ready_after.as_secs_f64()),
        secs(a.terminate_after.as_secs_f64()),
        if fails.is_empty() {
            "none fails".to_string()
        } else {
            fails.join("; ")
        }
    ));
    if !t.events.is_empty() {
        let rows: Vec<Vec<String>> = t
            .events
            .iter()
            .map(|e| {
                vec![
                    format!("+{}", secs(e.at_seconds as f64)),
                    e.what.clone(),
                    e.pod.clone(),
                    e.revision.clone(),
                    e.reason.clone().unwrap_or_default(),
                    e.unavailable.to_string(),
                ]
            })
            .collect();
        let lines = super::table::lines(
            &["TIME", "EVENT", "POD", "REVISION", "REASON", "UNAVAILABLE"],
            &rows,
        );
        for l in lines {
            s.push_str(&format!("  {l}\n"));
        }
        s.push('\n');
    }
    let (label, code) = match t.end {
        End::Complete => ("Complete", "32"),
        End::NothingToDo => ("Nothing to do", "32"),
        End::WaitsForDeletion => ("Waits for deletions", "33"),
        End::Wedged => ("Wedged", "31"),
        End::Limit => ("Did not settle", "31"),
    };
    let when = match t.end {
        End::Wedged => format!(" at +{}", secs(t.duration_seconds as f64)),
        End::Complete => format!(" after {}", secs(t.duration_seconds as f64)),
        _ => String::new(),
    };
    s.push_str(&format!(
        "{}{when}: {}\n",
        style.paint(code, label),
        t.message
    ));
    s.push_str(&format!(
        "  {} pod(s) restarted for the update; at most {} of {} unavailable at once; {} controller passes simulated\n",
        t.restarts, t.peak_unavailable, t.replicas, t.passes
    ));
    s
}

/// `42s`, `3m20s`, `1h2m`.
fn secs(x: f64) -> String {
    if x < 60.0 {
        return if x.fract() == 0.0 {
            format!("{x:.0}s")
        } else {
            format!("{x:.1}s")
        };
    }
    let total = x.round() as i64;
    let (h, m, sec) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("{h}h{m}m")
    } else if sec > 0 {
        format!("{m}m{sec}s")
    } else {
        format!("{m}m")
    }
}
