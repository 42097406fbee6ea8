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
        // A long timeline's first and last rows, the ones between counted (the header
        // is the first line).
        let kept = crate::model::preview::HEAD_ROWS + 1;
        for (i, l) in lines.iter().enumerate() {
            if i == kept
                && let Some(o) = &t.omitted
            {
                let what: Vec<String> = o.by_what.iter().map(|(w, n)| format!("{w} {n}")).collect();
                s.push_str(&format!(
                    "  … {} more events from +{} to +{} ({}) …\n",
                    o.events,
                    secs(o.from_seconds as f64),
                    secs(o.to_seconds as f64),
                    what.join(", ")
                ));
            }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::model::fixture::{Fixture, PodState};
    use crate::model::preview::{Assumptions, preview_keeping, with_image};
    use crate::model::profile::{Profile, Version};

    /// A long timeline prints its first and last rows with a line between that counts
    /// the rest.
    #[test]
    fn the_rows_left_out_are_counted_between_the_first_and_the_last() {
        let now: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let profile = Profile::for_version(Version::parse("1.36").unwrap()).unwrap();
        let mut sc = Fixture::new("web", 5);
        let a = sc.revision("nginx:1.24");
        sc.status_current = Some(a);
        sc.status_update = Some(a);
        sc.status_current_replicas = 5;
        sc.pods(0..5, a, PodState::RunningReady);
        let snap = sc.snapshot(&profile, now).unwrap();
        let snap = snap
            .with_set(with_image(snap.set_json(), "app", "nginx:1.25").unwrap())
            .unwrap();
        let keep = (crate::model::preview::HEAD_ROWS, 3);
        let t = preview_keeping(&snap, now, &profile, Assumptions::default(), 1000, keep);
        assert!(t.omitted.is_none(), "20 rows, all kept");
        let keep = (3, 2);
        let mut t = preview_keeping(&snap, now, &profile, Assumptions::default(), 1000, keep);
        // As if the first HEAD_ROWS were the three kept (the text breaks after them).
        let first = t.events[..3].to_vec();
        t.events.splice(
            0..0,
            std::iter::repeat_n(first[0].clone(), crate::model::preview::HEAD_ROWS - 3),
        );
        let text = super::text(&t, "default", crate::output::Style::plain());
        let lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.contains("more events"))
            .unwrap();
        assert_eq!(
            lines[at],
            "  … 15 more events from +11s to +45s (create 3, delete 4, gone 4, ready 4) …"
        );
        assert!(
            lines[at - 1].contains("web-4") && lines[at + 1].contains("web-0"),
            "{text}"
        );
    }
}
