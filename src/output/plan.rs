//! Rendering a planned pass: a table for people, JSON/YAML for programs.

use std::io::Write;

use super::Format as OutputFormat;
use crate::error::Result;
use crate::model::plan::{Action, Plan};

use super::{Style, io_error, write_json, write_yaml};

pub fn render(plan: &Plan, format: OutputFormat, style: Style, out: &mut dyn Write) -> Result<()> {
    match format {
        OutputFormat::Json => write_json(plan, out),
        OutputFormat::Yaml => write_yaml(plan, out),
        OutputFormat::Table | OutputFormat::Wide => {
            let text = table(plan, format == OutputFormat::Wide, style);
            out.write_all(text.as_bytes()).map_err(io_error)
        }
    }
}

/// The plan as text for a terminal.
pub fn table(plan: &Plan, wide: bool, style: Style) -> String {
    let mut s = String::new();
    let set = &plan.stateful_set;
    s.push_str(&format!(
        "{} {}/{}   (controller model {})\n",
        style.paint("1", "StatefulSet"),
        set.namespace,
        set.name,
        plan.kubernetes_version
    ));
    if plan.current_revision == plan.update_revision {
        s.push_str(&format!(
            "Revision:  {} (#{})\n",
            plan.update_revision, plan.update_revision_number
        ));
    } else {
        s.push_str(&format!(
            "Revisions: current {} (#{}) → update {} (#{})\n",
            plan.current_revision,
            plan.current_revision_number,
            plan.update_revision,
            plan.update_revision_number
        ));
    }
    s.push('\n');
    if plan.actions.is_empty() {
        s.push_str("Actions:   none\n");
    } else {
        s.push_str("Actions, in the order the controller issues them:\n");
        let rows: Vec<[String; 4]> = plan.actions.iter().map(|a| action_row(a, wide)).collect();
        let w0 = rows.iter().map(|r| r[0].len()).max().unwrap_or(0);
        let w1 = rows.iter().map(|r| r[1].len()).max().unwrap_or(0);
        for (i, r) in rows.iter().enumerate() {
            let line = format!(
                "  {:>2}. {:<w0$}  {:<w1$}  {}{}",
                i + 1,
                r[0],
                r[1],
                r[2],
                r[3]
            );
            s.push_str(line.trim_end());
            s.push('\n');
        }
    }
    if let Some(w) = &plan.waiting_on {
        s.push_str(&format!("Waits on:  {} ({:?})\n", w.pod, w.for_));
    }
    if let Some(e) = &plan.error {
        s.push_str(&format!(
            "{}     {}\n",
            style.paint("31", "Error:"),
            super::sanitize(e)
        ));
    }
    for taken in &plan.name_taken {
        s.push_str(&format!(
            "           the pass will fail: {}; the controller retries until it is gone\n",
            taken.describe()
        ));
    }
    let st = &plan.status;
    s.push_str(&format!(
        "Status:    replicas {}, ready {}, available {}, current {}, updated {}{}\n",
        st.replicas,
        st.ready_replicas,
        st.available_replicas,
        st.current_replicas,
        st.updated_replicas,
        if plan.status_written {
            "   (written)"
        } else {
            "   (unchanged, not written)"
        }
    ));
    if let Some(secs) = plan.requeue_after_seconds {
        s.push_str(&format!("Requeue:   after {secs}s (minReadySeconds)\n"));
    }
    s.push('\n');
    s.push_str(&super::diagnosis(&plan.diagnosis, style));
    s
}

fn action_row(a: &Action, wide: bool) -> [String; 4] {
    let extra = |uid: &str| {
        if wide && !uid.is_empty() {
            format!("   uid {uid}")
        } else {
            String::new()
        }
    };
    match a {
        Action::CreateControllerRevision {
            name,
            revision_number,
        } => [
            a.kind().into(),
            name.clone(),
            format!("revision #{revision_number}"),
            String::new(),
        ],
        Action::UpdateControllerRevision {
            name,
            revision_number,
        } => [
            a.kind().into(),
            name.clone(),
            format!("renumbered to #{revision_number} (template reverted)"),
            String::new(),
        ],
        Action::DeleteControllerRevision {
            name,
            revision_number,
        } => [
            a.kind().into(),
            name.clone(),
            format!("#{revision_number}, beyond revisionHistoryLimit"),
            String::new(),
        ],
        Action::CreatePvc { name, .. } => [
            a.kind().into(),
            name.clone(),
            "claim for a new pod".into(),
            String::new(),
        ],
        Action::UpdatePvc { name, .. } => [
            a.kind().into(),
            name.clone(),
            "owner references for the retention policy".into(),
            String::new(),
        ],
        Action::CreatePod {
            name,
            revision,
            reason,
            ..
        } => [
            a.kind().into(),
            name.clone(),
            format!("at {revision} ({reason:?})"),
            String::new(),
        ],
        Action::DeletePod {
            name,
            revision,
            reason,
            uid,
            ..
        } => [
            a.kind().into(),
            name.clone(),
            format!("{reason:?}, running {revision}"),
            extra(uid),
        ],
        Action::UpdatePod {
            name, reason, uid, ..
        } => [
            a.kind().into(),
            name.clone(),
            format!("{reason:?} repair"),
            extra(uid),
        ],
    }
}
