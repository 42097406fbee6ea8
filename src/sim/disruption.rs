//! The disruption controller: each PodDisruptionBudget's status from the pods its
//! selector matches, as kube-controller-manager computes it
//! (`pkg/controller/disruption`):
//! - `maxUnavailable` (a number or a percentage, rounded up) or a percentage
//!   `minAvailable`: the expected pods are the scale of the pods' controllers (a
//!   StatefulSet's `spec.replicas`; a pod with no controller counts as one — the real
//!   controller refuses such a budget);
//! - a number `minAvailable`: the expected pods are the pods matched;
//! - healthy: not being deleted and Ready; `disruptionsAllowed` = healthy − desired
//!   (never below 0), with the `DisruptionAllowed` condition and `observedGeneration`.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::{Value, json};

use super::store::{Kind, Store, format_time};

fn is_ready(pod: &Value) -> bool {
    pod.pointer("/metadata/deletionTimestamp").is_none()
        && pod
            .pointer("/status/conditions")
            .and_then(Value::as_array)
            .is_some_and(|cs| {
                cs.iter()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True")
            })
}

/// `value` (a number or `N%`) of `total`, a percentage rounded up.
fn scaled(value: &Value, total: i64) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let pct: i64 = s.strip_suffix('%')?.parse().ok()?;
            Some((pct * total + 99) / 100)
        }
        _ => None,
    }
}

/// Recomputes the status of every budget in `ns`; writes only what changed.
pub fn sync_namespace(store: &mut Store, ns: &str) {
    let budgets: Vec<Value> = store
        .named_from(Kind::PodDisruptionBudget, ns, "")
        .cloned()
        .collect();
    if budgets.is_empty() {
        return;
    }
    let now = format_time(store.now);
    for pdb in budgets {
        let name = pdb
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let selector: LabelSelector = pdb
            .pointer("/spec/selector")
            .and_then(|s| serde_json::from_value(s.clone()).ok())
            .unwrap_or_default();
        let pods: Vec<&Value> = store
            .named_from(Kind::Pod, ns, "")
            .filter(|p| {
                let labels: Option<BTreeMap<String, String>> = p
                    .pointer("/metadata/labels")
                    .and_then(|l| serde_json::from_value(l.clone()).ok());
                crate::model::selector::matches(&selector, labels.as_ref())
            })
            .collect();
        let healthy = pods.iter().filter(|p| is_ready(p)).count() as i64;
        // The scale of the pods' controllers, each counted once.
        let mut controllers: BTreeMap<String, i64> = BTreeMap::new();
        let mut unmanaged = 0;
        for p in &pods {
            let owner = p
                .pointer("/metadata/ownerReferences")
                .and_then(Value::as_array)
                .and_then(|refs| refs.iter().find(|r| r["controller"] == true));
            match owner {
                Some(r) if r["kind"] == "StatefulSet" => {
                    let set = r["name"].as_str().unwrap_or("");
                    let replicas = store
                        .get(Kind::StatefulSet, ns, set)
                        .and_then(|s| s.pointer("/spec/replicas"))
                        .and_then(Value::as_i64)
                        .unwrap_or(1);
                    controllers.insert(set.to_string(), replicas);
                }
                _ => unmanaged += 1,
            }
        }
        let scale: i64 = controllers.values().sum::<i64>() + unmanaged;
        let spec = |f: &str| pdb.pointer(&format!("/spec/{f}")).filter(|v| !v.is_null());
        let (expected, desired) = match (spec("maxUnavailable"), spec("minAvailable")) {
            (Some(max), _) => (scale, (scale - scaled(max, scale).unwrap_or(0)).max(0)),
            (None, Some(min @ Value::String(_))) => (scale, scaled(min, scale).unwrap_or(0)),
            (None, Some(min)) => (pods.len() as i64, min.as_i64().unwrap_or(0)),
            (None, None) => (pods.len() as i64, 0),
        };
        let allowed = (healthy - desired).max(0);
        let generation = pdb
            .pointer("/metadata/generation")
            .cloned()
            .unwrap_or(json!(1));
        let ok = if allowed > 0 { "True" } else { "False" };
        let previous = pdb
            .pointer("/status/conditions/0")
            .filter(|c| c["status"] == ok)
            .and_then(|c| c.get("lastTransitionTime"))
            .cloned()
            .unwrap_or(json!(now));
        let status = json!({
            "observedGeneration": generation,
            "currentHealthy": healthy,
            "desiredHealthy": desired,
            "expectedPods": expected,
            "disruptionsAllowed": allowed,
            "conditions": [{
                "type": "DisruptionAllowed", "status": ok,
                "reason": if allowed > 0 { "SufficientPods" } else { "InsufficientPods" },
                "message": "", "observedGeneration": generation, "lastTransitionTime": previous,
            }],
        });
        if pdb.get("status") != Some(&status) {
            let _ = store.write_system(Kind::PodDisruptionBudget, ns, &name, |b| {
                b["status"] = status
            });
        }
    }
}
