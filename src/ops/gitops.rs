//! GitOps awareness: a StatefulSet that Argo CD or Flux applies from Git gets its
//! template and partition reverted (or reported as drift) when they are changed by hand.
//! Before such a change, the operation says so and shows how to tell the GitOps
//! controller to leave the field alone. `--yes` still proceeds; `-o json` carries it.

use std::collections::BTreeMap;

use crate::event::Event;
use crate::model::Snapshot;
use crate::ops::{Io, Target};

/// Who applies the set from Git.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Manager {
    /// Argo CD, by its instance label or tracking annotation: the Application's name.
    ArgoCd { application: String, by: String },
    /// Flux: the Kustomization or HelmRelease (kind, namespace, name).
    Flux {
        kind: &'static str,
        namespace: String,
        name: String,
    },
}

/// What the operation changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Partition,
    Template,
    /// The set itself deleted (`kubectl sts delete`).
    Delete,
}

const ARGO_LABEL: &str = "argocd.argoproj.io/instance";
const ARGO_TRACKING: &str = "argocd.argoproj.io/tracking-id";

/// The GitOps controller managing a set with these labels and annotations, if any.
pub fn manager(
    labels: &BTreeMap<String, String>,
    annotations: &BTreeMap<String, String>,
) -> Option<Manager> {
    if let Some(app) = labels.get(ARGO_LABEL) {
        return Some(Manager::ArgoCd {
            application: app.clone(),
            by: format!("label {ARGO_LABEL}={app}"),
        });
    }
    if let Some(id) = annotations.get(ARGO_TRACKING) {
        // APP:GROUP/KIND:NAMESPACE/NAME (the app may carry its namespace, `ns_app`).
        let application = id.split(':').next().unwrap_or(id).to_string();
        return Some(Manager::ArgoCd {
            application,
            by: format!("annotation {ARGO_TRACKING}"),
        });
    }
    for (prefix, kind) in [
        ("kustomize.toolkit.fluxcd.io", "Kustomization"),
        ("helm.toolkit.fluxcd.io", "HelmRelease"),
    ] {
        if let Some(name) = labels.get(&format!("{prefix}/name")) {
            return Some(Manager::Flux {
                kind,
                namespace: labels
                    .get(&format!("{prefix}/namespace"))
                    .cloned()
                    .unwrap_or_else(|| "flux-system".into()),
                name: name.clone(),
            });
        }
    }
    None
}

/// The warning (message and hint) for `change` to `ns/name` managed by `manager`.
pub fn warning(manager: &Manager, change: Change, ns: &str, name: &str) -> (String, String) {
    let what = match change {
        Change::Partition => "the partition (spec.updateStrategy.rollingUpdate.partition)",
        Change::Template => "the pod template (spec.template)",
        Change::Delete => return deleting(manager, name),
    };
    match manager {
        Manager::ArgoCd { application, by } => {
            let message = format!(
                "statefulset/{name} is managed by Argo CD (Application {application:?}, {by}): changing {what} by hand makes it OutOfSync, and a sync (or self-heal) reverts it to what Git says"
            );
            let hint = match change {
                Change::Partition => format!(
                    "tell Argo CD to ignore the partition, in the Application {application:?}:\n  spec:\n    ignoreDifferences:\n    - group: apps\n      kind: StatefulSet\n      name: {name}\n      namespace: {ns}\n      jsonPointers:\n      - /spec/updateStrategy/rollingUpdate/partition\n  (and add RespectIgnoreDifferences=true to spec.syncPolicy.syncOptions)"
                ),
                Change::Template | Change::Delete => format!(
                    "make the same change in Git, or pause automated sync first: argocd app set {application} --sync-policy none"
                ),
            };
            (message, hint)
        }
        Manager::Flux {
            kind,
            namespace,
            name: owner,
        } => {
            let message = format!(
                "statefulset/{name} is managed by Flux ({kind} {namespace}/{owner}): at its next reconciliation Flux puts back every field its manifest sets, so changing {what} by hand is reverted if the manifest sets it"
            );
            let command = if *kind == "HelmRelease" {
                "helmrelease"
            } else {
                "kustomization"
            };
            let hint = match change {
                Change::Partition => format!(
                    "leave spec.updateStrategy.rollingUpdate.partition out of the manifest in Git (Flux applies server-side and keeps fields it does not set), or suspend it meanwhile: flux suspend {command} {owner} -n {namespace}"
                ),
                Change::Template | Change::Delete => format!(
                    "make the same change in Git, or suspend it meanwhile: flux suspend {command} {owner} -n {namespace}"
                ),
            };
            (message, hint)
        }
    }
}

/// The warning before deleting a set that `manager` applies from Git: it comes back.
fn deleting(manager: &Manager, name: &str) -> (String, String) {
    match manager {
        Manager::ArgoCd { application, by } => (
            format!(
                "statefulset/{name} is managed by Argo CD (Application {application:?}, {by}): deleted by hand, it is re-created from Git by the next sync (at once with automated sync and self-heal)"
            ),
            format!(
                "remove it from Git, or turn automated sync off first: argocd app set {application} --sync-policy none"
            ),
        ),
        Manager::Flux {
            kind,
            namespace,
            name: owner,
        } => {
            let command = if *kind == "HelmRelease" {
                "helmrelease"
            } else {
                "kustomization"
            };
            (
                format!(
                    "statefulset/{name} is managed by Flux ({kind} {namespace}/{owner}): deleted by hand, it is re-created at the next reconciliation while its manifest is in Git"
                ),
                format!(
                    "remove it from Git, or suspend the reconciliation first: flux suspend {command} {owner} -n {namespace}"
                ),
            )
        }
    }
}

/// Warns (an event) before `change` to the set of `snap` when a GitOps controller
/// manages it.
pub fn warn(io: &mut Io<'_>, target: &Target, snap: &Snapshot, change: Change) {
    let meta = &snap.set().metadata;
    let empty = BTreeMap::new();
    let Some(m) = manager(
        meta.labels.as_ref().unwrap_or(&empty),
        meta.annotations.as_ref().unwrap_or(&empty),
    ) else {
        return;
    };
    let (message, hint) = warning(&m, change, &target.namespace, &target.name);
    io.emit(Event::Warning {
        message,
        hint: Some(hint),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn argo_cd_and_flux_are_recognised_by_their_labels_and_annotations() {
        let none = map(&[]);
        assert_eq!(manager(&map(&[("app", "web")]), &none), None);
        assert_eq!(
            manager(&map(&[(ARGO_LABEL, "shop")]), &none),
            Some(Manager::ArgoCd {
                application: "shop".into(),
                by: "label argocd.argoproj.io/instance=shop".into()
            })
        );
        let tracked = manager(
            &none,
            &map(&[(ARGO_TRACKING, "shop:apps/StatefulSet:default/web")]),
        );
        assert!(
            matches!(tracked, Some(Manager::ArgoCd { application, .. }) if application == "shop")
        );
        let flux = manager(
            &map(&[
                ("kustomize.toolkit.fluxcd.io/name", "infra"),
                ("kustomize.toolkit.fluxcd.io/namespace", "flux-system"),
            ]),
            &none,
        );
        assert_eq!(
            flux,
            Some(Manager::Flux {
                kind: "Kustomization",
                namespace: "flux-system".into(),
                name: "infra".into()
            })
        );
        let (_, hint) = warning(flux.as_ref().unwrap(), Change::Partition, "default", "web");
        assert!(
            hint.contains("flux suspend kustomization infra -n flux-system"),
            "{hint}"
        );
        let helm = manager(&map(&[("helm.toolkit.fluxcd.io/name", "db")]), &none);
        assert!(matches!(
            helm,
            Some(Manager::Flux {
                kind: "HelmRelease",
                ..
            })
        ));
    }

    #[test]
    fn the_argo_cd_snippet_ignores_exactly_the_partition_of_this_set() {
        let m = Manager::ArgoCd {
            application: "shop".into(),
            by: "label".into(),
        };
        let (message, hint) = warning(&m, Change::Partition, "prod", "web");
        assert!(
            message.contains("Argo CD") && message.contains("partition"),
            "{message}"
        );
        for line in [
            "ignoreDifferences:",
            "kind: StatefulSet",
            "name: web",
            "namespace: prod",
            "- /spec/updateStrategy/rollingUpdate/partition",
        ] {
            assert!(hint.contains(line), "{line} in {hint}");
        }
    }
}
