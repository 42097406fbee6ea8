//! Diagnosis: what a planned pass means for a person — is the rollout complete,
//! progressing, held at a partition, or stuck, why, and what to run. Pure: `now` is an
//! argument.

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::core::v1::Pod;
use serde::Serialize;

use super::plan::{Action, Plan, WaitFor};
use super::pod::PodRecord;
use super::profile::Profile;
use super::set::SetView;
use super::snapshot::Snapshot;
use super::squat::{Holder, NameTaken};

/// A pod not Ready for this long, with no error reason, is considered stuck.
pub const STUCK_AFTER: SignedDuration = SignedDuration::from_secs(10 * 60);

/// Container reasons that do not go away by waiting.
pub const BROKEN_REASONS: [&str; 9] = [
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "InvalidImageName",
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
    "OOMKilled",
    "Unschedulable",
];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RolloutState {
    /// Every pod runs the update revision and is Ready.
    Complete,
    /// The controller is making progress.
    #[default]
    Progressing,
    /// Held on purpose: a partition, or OnDelete waiting for deletions.
    Paused,
    /// No progress without a person acting.
    Stuck,
    /// The StatefulSet is being deleted.
    Deleting,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Remedy {
    pub summary: String,
    pub command: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub state: RolloutState,
    pub summary: String,
    pub remedy: Option<Remedy>,
}

/// What is wrong with one pod, as `kubectl describe` would show it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodHealth {
    /// CrashLoopBackOff, ImagePullBackOff, Unschedulable, OOMKilled, ...
    pub reason: Option<String>,
    pub restarts: i32,
    /// How long the pod has not been Ready (since the Ready condition last changed, or
    /// since creation).
    pub not_ready_for: Option<SignedDuration>,
}

impl PodHealth {
    pub fn of(pod: &Pod, now: Timestamp) -> PodHealth {
        let status = pod.status.as_ref();
        let containers = status.into_iter().flat_map(|s| {
            s.init_container_statuses
                .iter()
                .flatten()
                .chain(s.container_statuses.iter().flatten())
        });
        let mut reason = None;
        let mut restarts = 0;
        for c in containers {
            restarts += c.restart_count;
            let state = c.state.as_ref();
            let r = state
                .and_then(|s| s.waiting.as_ref())
                .and_then(|w| w.reason.clone())
                .or_else(|| {
                    c.last_state
                        .as_ref()
                        .and_then(|l| l.terminated.as_ref())
                        .and_then(|t| t.reason.clone())
                        .filter(|r| r == "OOMKilled")
                });
            if reason.is_none()
                && r.as_deref()
                    .is_some_and(|r| r != "ContainerCreating" && r != "PodInitializing")
            {
                reason = r;
            }
        }
        let conds = status.and_then(|s| s.conditions.as_deref()).unwrap_or(&[]);
        if reason.is_none() {
            reason = conds
                .iter()
                .find(|c| c.type_ == "PodScheduled" && c.status == "False")
                .map(|c| c.reason.clone().unwrap_or_else(|| "Unschedulable".into()));
        }
        let ready = conds.iter().find(|c| c.type_ == "Ready");
        let not_ready_for = if ready.is_some_and(|c| c.status == "True") {
            None
        } else {
            ready
                .and_then(|c| c.last_transition_time.as_ref())
                .or(pod.metadata.creation_timestamp.as_ref())
                .map(|t| now.duration_since(t.0))
        };
        PodHealth {
            reason,
            restarts,
            not_ready_for,
        }
    }

    /// Waiting longer will not help.
    pub fn is_broken(&self) -> bool {
        self.reason
            .as_deref()
            .is_some_and(|r| BROKEN_REASONS.contains(&r))
            || self.not_ready_for.is_some_and(|d| d >= STUCK_AFTER)
    }

    fn describe(&self) -> String {
        let mut s = match self.not_ready_for {
            Some(d) => format!("has not been Ready for {}", human_duration(d)),
            None => "is not Ready".to_string(),
        };
        match (&self.reason, self.restarts) {
            (Some(r), 0) => s.push_str(&format!(" ({r})")),
            (Some(r), n) => s.push_str(&format!(" ({r}, {n} restarts)")),
            (None, 0) => {}
            (None, n) => s.push_str(&format!(" ({n} restarts)")),
        }
        s
    }
}

/// `14m`, `2h3m`, `45s`, `3d4h` — kubectl's short ages.
pub fn human_duration(d: SignedDuration) -> String {
    let secs = d.as_secs().max(0);
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => match (s / 3600, (s % 3600) / 60) {
            (h, 0) => format!("{h}h"),
            (h, m) => format!("{h}h{m}m"),
        },
        s => match (s / 86_400, (s % 86_400) / 3600) {
            (d, 0) => format!("{d}d"),
            (d, h) => format!("{d}d{h}h"),
        },
    }
}

fn remedy(summary: impl Into<String>, command: impl Into<String>) -> Option<Remedy> {
    Some(Remedy {
        summary: summary.into(),
        command: command.into(),
    })
}

fn diag(state: RolloutState, summary: String, remedy: Option<Remedy>) -> Diagnosis {
    Diagnosis {
        state,
        summary,
        remedy,
    }
}

/// Explains `plan` for the set in `snap`.
pub fn diagnose(snap: &Snapshot, plan: &Plan, now: Timestamp, profile: &Profile) -> Diagnosis {
    let view = SetView::of(snap, profile);
    let set = view.name;
    let ns_flag = if view.namespace == "default" {
        String::new()
    } else {
        format!(" -n {}", view.namespace)
    };
    if view.deleting {
        return diag(
            RolloutState::Deleting,
            format!("StatefulSet {set} is being deleted; the controller only updates its status"),
            None,
        );
    }
    if let Some(taken) = plan.name_taken.first() {
        return name_taken(taken, plan.name_taken.len(), &ns_flag);
    }
    if let Some(err) = &plan.error {
        return diag(
            RolloutState::Stuck,
            format!("the controller's pass fails: {err}; it retries with backoff"),
            remedy(
                "inspect the claims of this StatefulSet",
                format!("kubectl get pvc{ns_flag}"),
            ),
        );
    }
    if let Some(wait) = &plan.waiting_on {
        return diagnose_wait(snap, plan, &view, wait, now, profile, &ns_flag);
    }
    if let Some(action) = plan.actions.iter().find(|a| a.ordinal().is_some()) {
        return diag(
            RolloutState::Progressing,
            describe_action(action, plan),
            None,
        );
    }
    let s = &plan.status;
    let outdated = outdated_pods(snap, &view, &plan.update_revision);
    if view.on_delete() && !outdated.is_empty() {
        return diag(
            RolloutState::Paused,
            format!(
                "OnDelete: {} pod(s) ({}) run an old revision; the controller replaces a pod only after it is deleted",
                outdated.len(),
                outdated.join(", ")
            ),
            remedy(
                "replace the next pod (highest ordinal first)",
                format!("kubectl sts rollout {set} --step{ns_flag}"),
            ),
        );
    }
    let partition = view.partition();
    if plan.update_revision != plan.current_revision && partition > 0 && !view.on_delete() {
        if partition >= view.replicas {
            return diag(
                RolloutState::Paused,
                format!(
                    "partition {partition} ≥ replicas {}: no pod will be updated to {}",
                    view.replicas, plan.update_revision
                ),
                remedy(
                    "start the rollout one ordinal at a time",
                    format!("kubectl sts rollout {set} --step{ns_flag}"),
                ),
            );
        }
        return diag(
            RolloutState::Paused,
            format!(
                "partitioned rollout holds at partition {partition}: ordinals {}..{} run {}, {}..{} stay on {}",
                view.start + partition,
                view.end(),
                plan.update_revision,
                view.start,
                view.start + partition - 1,
                plan.current_revision
            ),
            remedy(
                "continue the rollout",
                format!("kubectl sts rollout {set} --step{ns_flag}"),
            ),
        );
    }
    if plan.update_revision == plan.current_revision
        && s.ready_replicas == view.replicas
        && s.replicas == view.replicas
    {
        return diag(
            RolloutState::Complete,
            format!(
                "rollout complete: {} pod(s) run {} and are Ready",
                view.replicas, plan.update_revision
            ),
            None,
        );
    }
    diag(
        RolloutState::Progressing,
        format!(
            "{} of {} pod(s) updated to {}, {} Ready",
            s.updated_replicas, view.replicas, plan.update_revision, s.ready_replicas
        ),
        None,
    )
}

/// The pass fails on a create whose name another pod holds (AlreadyExists).
fn name_taken(taken: &NameTaken, count: usize, ns_flag: &str) -> Diagnosis {
    let more = match count {
        1 => String::new(),
        n => format!(" ({} more name(s) held the same way)", n - 1),
    };
    let summary = format!(
        "the controller's pass fails: {}; creating it gets AlreadyExists, so nothing after it in the pass happens{more}; the controller retries until the name is free",
        taken.describe()
    );
    let state = if taken.holder == Holder::TerminatingOrphan {
        RolloutState::Progressing
    } else {
        RolloutState::Stuck
    };
    diag(
        state,
        summary,
        remedy(
            format!("{}: {}", taken.pod, taken.holder.remedy()),
            format!("kubectl get pod {}{ns_flag} -o yaml", taken.pod),
        ),
    )
}

fn outdated_pods(snap: &Snapshot, view: &SetView, update: &str) -> Vec<String> {
    let mut pods: Vec<&PodRecord> = super::sync::claim_pods(snap, view)
        .into_iter()
        .filter(|p| p.revision != update && p.ordinal >= view.start && p.ordinal <= view.end())
        .collect();
    pods.sort_by_key(|p| std::cmp::Reverse(p.ordinal));
    pods.into_iter().map(|p| p.name.clone()).collect()
}

fn describe_action(action: &Action, plan: &Plan) -> String {
    match action {
        Action::CreatePod { name, revision, .. } => {
            format!("creating {name} at revision {revision}")
        }
        Action::DeletePod {
            name,
            reason,
            revision,
            ..
        } => match reason {
            super::plan::DeleteReason::Update => {
                format!(
                    "deleting {name} (revision {revision}) so it is recreated at {}",
                    plan.update_revision
                )
            }
            super::plan::DeleteReason::Condemned => {
                format!("deleting {name}: its ordinal is out of range (scale-down)")
            }
            super::plan::DeleteReason::Failed => {
                format!("deleting {name}: it Failed; it is recreated next")
            }
            super::plan::DeleteReason::Succeeded => {
                format!("deleting {name}: it Succeeded; it is recreated next")
            }
        },
        Action::UpdatePod { name, reason, .. } => format!("repairing {name} ({reason:?})"),
        Action::CreatePvc { name, .. } => format!("creating PVC {name}"),
        Action::UpdatePvc { name, .. } => {
            format!("updating owner references of PVC {name} (retention policy)")
        }
        other => format!("{} {}", other.kind(), other.name()),
    }
}

/// Whether reverting the template to the current revision makes the controller itself
/// delete `stuck` (so a plain `rollout undo` recovers): the model's pass over the
/// snapshot with the reverted template, under this release's rules and gates. Under
/// OrderedReady the pass waits for the stuck pod and never gets there (kubernetes#67250);
/// under Parallel the rolling update deletes it unless maxUnavailable is used up.
fn revert_replaces(
    snap: &Snapshot,
    plan: &Plan,
    stuck: &str,
    now: Timestamp,
    profile: &Profile,
) -> bool {
    let Some(current) = snap
        .revisions()
        .iter()
        .find(|r| r.metadata.name.as_deref() == Some(plan.current_revision.as_str()))
    else {
        return false;
    };
    let template = super::revision::stored_template(current);
    let reverted = super::preview::with_template(snap.set_json(), &template);
    let Ok(what_if) = snap.with_set(reverted) else {
        return false;
    };
    super::sync::actions(&what_if, now, profile)
        .actions
        .iter()
        .any(|a| matches!(a, Action::DeletePod { name, .. } if name == stuck))
}

fn diagnose_wait(
    snap: &Snapshot,
    plan: &Plan,
    view: &SetView,
    wait: &super::plan::Wait,
    now: Timestamp,
    profile: &Profile,
    ns_flag: &str,
) -> Diagnosis {
    let set = view.name;
    let pod = snap.pod(&wait.pod);
    let record = snap.record(&wait.pod);
    let health = pod.map(|p| PodHealth::of(p, now)).unwrap_or_default();
    let revision = record.map(|r| r.revision.clone()).unwrap_or_default();
    let name = wait.pod.as_str();
    let progressing = |summary: String| diag(RolloutState::Progressing, summary, None);
    match wait.for_ {
        WaitFor::RunningAndReady | WaitFor::MaxUnavailable if health.is_broken() => {
            let policy = if view.monotonic {
                "OrderedReady waits for it forever"
            } else {
                "the rollout cannot go on"
            };
            let rollback = remedy(
                "revert the template and delete the pods stuck on the bad revision",
                format!("kubectl sts force-rollback {set}{ns_flag}"),
            );
            if revision == plan.update_revision && plan.update_revision != plan.current_revision {
                if revert_replaces(snap, plan, name, now, profile) {
                    return diag(
                        RolloutState::Stuck,
                        format!(
                            "{name} runs revision {revision} and {}; {policy} on this revision; reverting the template is enough: the controller then replaces {name} itself — run `kubectl sts rollout undo {set}`",
                            health.describe()
                        ),
                        remedy(
                            format!(
                                "revert the template to {}; the controller replaces the stuck pods",
                                plan.current_revision
                            ),
                            format!("kubectl sts rollout undo {set}{ns_flag}"),
                        ),
                    );
                }
                diag(
                    RolloutState::Stuck,
                    format!(
                        "{name} runs revision {revision} and {}; {policy}; reverting the template alone will not help (the controller would still wait for {name}) — run `kubectl sts force-rollback {set}`",
                        health.describe()
                    ),
                    rollback,
                )
            } else if revision != plan.update_revision {
                diag(
                    RolloutState::Stuck,
                    format!(
                        "{name} still runs revision {revision}, which the template no longer uses, and {}; the controller waits for it before replacing it (kubernetes#67250) — run `kubectl sts force-rollback {set}`",
                        health.describe()
                    ),
                    rollback,
                )
            } else {
                diag(
                    RolloutState::Stuck,
                    format!(
                        "{name} {} and every pod is meant to run this revision ({revision}); there is no earlier revision to go back to — fix the pod's cause",
                        health.describe()
                    ),
                    remedy(
                        "see why the pod fails",
                        format!("kubectl describe pod {name}{ns_flag}"),
                    ),
                )
            }
        }
        WaitFor::RunningAndReady => progressing(format!(
            "waiting for {name} to become Running and Ready ({})",
            health.describe()
        )),
        WaitFor::Available => {
            let since = record.and_then(|r| r.ready_since);
            let left = since.map(|s| {
                let until = s
                    .checked_add(SignedDuration::from_secs(i64::from(view.min_ready_seconds)))
                    .unwrap_or(s);
                human_duration(until.duration_since(now))
            });
            progressing(format!(
                "waiting for {name} to stay Ready for minReadySeconds={}{}",
                view.min_ready_seconds,
                left.map(|l| format!(" (available in {l})"))
                    .unwrap_or_default()
            ))
        }
        WaitFor::Termination => {
            let since = pod
                .and_then(|p| p.metadata.deletion_timestamp.as_ref())
                .map(|t| now.duration_since(t.0));
            let finalizers = pod
                .and_then(|p| p.metadata.finalizers.clone())
                .unwrap_or_default();
            let grace = pod
                .and_then(|p| p.metadata.deletion_grace_period_seconds)
                .unwrap_or(30);
            let overdue = since.is_some_and(|d| d.as_secs() > grace + 60);
            if overdue {
                let why = if finalizers.is_empty() {
                    "its node may be unreachable".to_string()
                } else {
                    format!("finalizers {} hold it", finalizers.join(", "))
                };
                diag(
                    RolloutState::Stuck,
                    format!(
                        "{name} has been terminating for {} (grace period {grace}s); {why}; the controller waits for it to be gone",
                        since.map(human_duration).unwrap_or_default()
                    ),
                    remedy(
                        "see what holds the pod",
                        format!("kubectl describe pod {name}{ns_flag}"),
                    ),
                )
            } else {
                progressing(format!("waiting for {name} to terminate"))
            }
        }
        WaitFor::StaleClaimCleanup => diag(
            RolloutState::Progressing,
            format!(
                "a claim of {name} still belongs to a deleted pod; the controller waits for garbage collection to remove it before creating {name}"
            ),
            remedy("see the claims", format!("kubectl get pvc{ns_flag}")),
        ),
        WaitFor::MaxUnavailable => progressing(format!(
            "maxUnavailable={} is used up; waiting for unavailable pods such as {name} ({})",
            view.max_unavailable(),
            health.describe()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_kubectl() {
        let d = SignedDuration::from_secs;
        assert_eq!(human_duration(d(45)), "45s");
        assert_eq!(human_duration(d(14 * 60 + 5)), "14m");
        assert_eq!(human_duration(d(2 * 3600 + 180)), "2h3m");
        assert_eq!(human_duration(d(3 * 86_400)), "3d");
        assert_eq!(human_duration(d(-5)), "0s");
    }
}
