//! Rendering the per-ordinal report: header, one row per ordinal with the partition drawn
//! between ordinals, the next action and the diagnosis.

use crate::model::report::{Report, Role, age};

use super::Style;

fn short(rev: &str) -> &str {
    rev
}

pub fn table(r: &Report, wide: bool, style: Style) -> String {
    let mut s = String::new();
    let partition = r
        .partition
        .map(|p| format!(", partition {p}"))
        .unwrap_or_default();
    let max_u = r
        .max_unavailable
        .map(|m| format!(", maxUnavailable {m}"))
        .unwrap_or_default();
    let min_ready = if r.min_ready_seconds > 0 {
        format!(", minReadySeconds {}", r.min_ready_seconds)
    } else {
        String::new()
    };
    s.push_str(&format!(
        "{} {}/{}: {} replicas, {}, {}{partition}{max_u}{min_ready}\n",
        style.paint("1", "StatefulSet"),
        r.namespace,
        r.name,
        r.replicas,
        r.pod_management_policy,
        r.strategy
    ));
    if r.current_revision == r.update_revision {
        s.push_str(&format!(
            "Revision:  {} (#{})   ready {}/{}\n",
            r.update_revision, r.update_revision_number, r.ready, r.replicas
        ));
    } else {
        s.push_str(&format!(
            "Revisions: {} (#{}) → {} (#{})   updated {}/{}, ready {}/{}\n",
            r.current_revision,
            r.current_revision_number,
            r.update_revision,
            r.update_revision_number,
            r.updated,
            r.replicas,
            r.ready,
            r.replicas
        ));
    }
    let mut header = vec![
        "ORDINAL",
        "POD",
        "REVISION",
        "ROLE",
        "PHASE",
        "READY",
        "AVAILABLE",
        "RESTARTS",
        "AGE",
    ];
    if wide {
        header.extend(["NODE", "PVCS"]);
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    for row in &r.rows {
        let rev = match (&row.revision, row.revision_number) {
            (Some(rev), Some(n)) => format!("{} (#{n})", short(rev)),
            (Some(rev), None) => short(rev).to_string(),
            (None, _) => "-".into(),
        };
        let role = match row.role {
            Role::Update => "update",
            Role::Current => "current",
            Role::Other => "other",
            Role::Missing => "missing",
        };
        let mut phase = row.phase.clone();
        if let Some(reason) = &row.reason {
            phase = format!("{phase}: {reason}");
        }
        if row.terminating {
            phase = format!("{phase} (terminating)");
        }
        if row.condemned {
            phase = format!("{phase} (condemned)");
        }
        let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
        let mut cells = vec![
            row.ordinal.to_string(),
            row.pod.clone().unwrap_or_else(|| "-".into()),
            rev,
            role.into(),
            phase,
            if row.pod.is_some() {
                yes(row.ready)
            } else {
                "-".into()
            },
            if row.pod.is_some() {
                yes(row.available)
            } else {
                "-".into()
            },
            if row.pod.is_some() {
                row.restarts.to_string()
            } else {
                "-".into()
            },
            age(row.age_seconds),
        ];
        if wide {
            cells.push(row.node.clone().unwrap_or_else(|| "-".into()));
            cells.push(if row.claims.is_empty() {
                "-".into()
            } else {
                row.claims.join(",")
            });
        }
        rows.push(cells);
    }
    let text = super::table::lines(&header, &rows);
    s.push_str(&text[0]);
    s.push('\n');
    let partition_at = r
        .partition
        .filter(|p| *p > 0 && *p < r.replicas)
        .map(|p| r.start_ordinal + p);
    for (row, line) in r.rows.iter().zip(&text[1..]) {
        if Some(row.ordinal) == partition_at {
            let label = format!(
                " partition {}: ordinals below keep {} ",
                r.partition.unwrap_or(0),
                r.current_revision
            );
            let dashes = super::table::width(&text).saturating_sub(label.chars().count() + 4);
            s.push_str(&style.paint("33", &format!("----{label}{}", "-".repeat(dashes))));
            s.push('\n');
        }
        let code = match row.role {
            Role::Update => "32",
            Role::Current => "",
            Role::Other | Role::Missing => "31",
        };
        s.push_str(&if code.is_empty() {
            line.clone()
        } else {
            style.paint(code, line)
        });
        s.push('\n');
    }
    for taken in &r.squatters {
        s.push_str(&style.paint(
            "31",
            &format!(
                "Blocked:   {}: the controller cannot create it while that pod exists; {}\n",
                taken.describe(),
                taken.holder.remedy()
            ),
        ));
    }
    s.push_str(&format!("Next:      {}\n", r.next_action));
    if let Some(eta) = &r.eta {
        s.push_str(&format!("Left:      {eta}\n"));
    }
    s.push_str(&super::diagnosis(&r.diagnosis, style));
    s
}
