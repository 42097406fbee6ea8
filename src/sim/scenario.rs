//! Scenarios: YAML files (built in from `examples/scenarios/`, or a path) with the
//! objects that seed the cluster, setup steps fast-forwarded before it starts, and a
//! story of steps a person would take (set an image, move the partition, wait, undo,
//! delete a pod, run a `kubectl sts` command) that `demo --headless` narrates.

use jiff::SignedDuration;
use serde::Deserialize;
use serde_json::{Value, json};

use super::cluster::Cluster;
use super::controller::Record;
use super::error::ApiError;
use super::patch;
use super::store::{DeleteOptions, Kind};

/// Built-in scenarios, by name.
pub const BUILTIN: [(&str, &str); 7] = [
    (
        "default",
        include_str!("../../examples/scenarios/default.yaml"),
    ),
    (
        "partitioned",
        include_str!("../../examples/scenarios/partitioned.yaml"),
    ),
    ("stuck", include_str!("../../examples/scenarios/stuck.yaml")),
    (
        "parallel",
        include_str!("../../examples/scenarios/parallel.yaml"),
    ),
    (
        "ondelete",
        include_str!("../../examples/scenarios/ondelete.yaml"),
    ),
    ("tour", include_str!("../../examples/scenarios/tour.yaml")),
    (
        "volumes",
        include_str!("../../examples/scenarios/volumes.yaml"),
    ),
];

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Step {
    /// Narration.
    Say(String),
    /// Print the per-ordinal state of a StatefulSet.
    Show(String),
    /// `kubectl set image` (first container unless named).
    SetImage {
        #[serde(rename = "statefulSet")]
        set: String,
        container: Option<String>,
        image: String,
    },
    /// Patch `spec.updateStrategy.rollingUpdate.partition`.
    SetPartition {
        #[serde(rename = "statefulSet")]
        set: String,
        partition: i32,
    },
    /// `kubectl scale`.
    Scale {
        #[serde(rename = "statefulSet")]
        set: String,
        replicas: i32,
    },
    /// Let time pass (`30s`, `2m`).
    Wait(String),
    /// `kubectl rollout undo`: back to the previous revision's template.
    Undo(String),
    /// `kubectl delete pod`.
    DeletePod(String),
    /// A `kubectl sts` command line, without `kubectl sts` (`rollout web --step`): run by
    /// the demo through the tool's own engine, its output in the story.
    Sts(String),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scenario {
    pub metadata: Metadata,
    #[serde(default)]
    pub objects: Vec<Value>,
    #[serde(default)]
    pub setup: Vec<Step>,
    #[serde(default)]
    pub story: Vec<Step>,
}

impl Scenario {
    /// A built-in scenario by name, or a scenario file by path.
    pub fn load(name_or_path: &str) -> Result<Scenario, String> {
        let text = match BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
            Some((_, text)) => text.to_string(),
            None if std::path::Path::new(name_or_path).exists() => {
                std::fs::read_to_string(name_or_path)
                    .map_err(|e| format!("cannot read scenario {name_or_path}: {e}"))?
            }
            None => {
                let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "no scenario {name_or_path:?}: built-in scenarios are {}, or give a file path",
                    names.join(", ")
                ));
            }
        };
        serde_saphyr::from_str(&text).map_err(|e| format!("invalid scenario {name_or_path}: {e}"))
    }

    /// Seeds `cluster`, lets every pod come up, and fast-forwards the setup steps.
    /// A cluster serving this scenario on the wall clock (`sim serve`, the interactive
    /// demo), seeded as if it had started ten minutes ago so its pods look as old as they
    /// would in a real cluster.
    pub fn on_wall_clock(&self, config: super::Config) -> Result<Cluster, String> {
        let mut cluster = Cluster::new(config);
        let now = jiff::Timestamp::now();
        cluster.start_at(
            now.checked_sub(SignedDuration::from_secs(600))
                .unwrap_or(now),
        );
        self.start(&mut cluster)?;
        cluster.set_clock(super::Clock::Wall);
        cluster.settle();
        Ok(cluster)
    }

    pub fn start(&self, cluster: &mut Cluster) -> Result<(), String> {
        cluster
            .seed(self.objects.clone())
            .map_err(|e| format!("seeding scenario {}: {}", self.metadata.name, e.message))?;
        settle_all(cluster);
        for step in &self.setup {
            apply(cluster, step)
                .map_err(|e| format!("scenario {} setup: {e}", self.metadata.name))?;
            if !matches!(step, Step::Wait(_)) {
                cluster.settle();
            }
        }
        Ok(())
    }
}

/// Virtual clock: runs until nothing more happens by itself (bounded at an hour).
pub fn settle_all(cluster: &mut Cluster) {
    if cluster.config.clock == super::cluster::Clock::Virtual {
        cluster.run_until(SignedDuration::from_secs(3600), |c| {
            c.next_change().is_none()
        });
    } else {
        cluster.settle();
    }
}

fn get_set(cluster: &Cluster, name: &str) -> Result<Value, String> {
    cluster
        .store
        .get(Kind::StatefulSet, "default", name)
        .cloned()
        .ok_or_else(|| format!("no StatefulSet {name}"))
}

fn write(cluster: &mut Cluster, name: &str, change: impl FnOnce(&mut Value)) -> Result<(), String> {
    let mut set = get_set(cluster, name)?;
    change(&mut set);
    cluster.store.now = cluster.now();
    cluster
        .store
        .update(Kind::StatefulSet, "default", name, set, false, false)
        .map(drop)
        .map_err(|e: ApiError| e.message)
}

/// Carries out one step; `Wait` returns what the controller did meanwhile.
pub fn apply(cluster: &mut Cluster, step: &Step) -> Result<Vec<Record>, String> {
    match step {
        Step::Say(_) | Step::Show(_) => Ok(Vec::new()),
        Step::Sts(line) => Err(format!(
            "`kubectl sts {line}` is run by the demo (the tool's own command), not by the simulated cluster"
        )),
        Step::SetImage {
            set,
            container,
            image,
        } => {
            write(cluster, set, |s| {
                if let Some(cs) = s
                    .pointer_mut("/spec/template/spec/containers")
                    .and_then(Value::as_array_mut)
                {
                    let i = container
                        .as_ref()
                        .and_then(|n| cs.iter().position(|c| c["name"] == *n.as_str()))
                        .unwrap_or(0);
                    if let Some(c) = cs.get_mut(i) {
                        c["image"] = json!(image);
                    }
                }
            })?;
            Ok(cluster.settle())
        }
        Step::SetPartition { set, partition } => {
            write(
                cluster,
                set,
                |s| {
                    s["spec"]["updateStrategy"] =
                        json!({"type": "RollingUpdate", "rollingUpdate": {"partition": partition}})
                },
            )?;
            Ok(cluster.settle())
        }
        Step::Scale { set, replicas } => {
            write(cluster, set, |s| s["spec"]["replicas"] = json!(replicas))?;
            Ok(cluster.settle())
        }
        Step::Wait(d) => {
            let d = crate::duration::parse(d)?;
            Ok(match cluster.config.clock {
                super::cluster::Clock::Virtual => cluster.advance(d),
                super::cluster::Clock::Wall | super::cluster::Clock::Tokio(_) => cluster.settle(),
            })
        }
        Step::Undo(name) => {
            let set = get_set(cluster, name)?;
            let uid = set.pointer("/metadata/uid").cloned().unwrap_or(Value::Null);
            let mut revs: Vec<Value> = cluster
                .store
                .all(Kind::ControllerRevision)
                .filter(|r| r.pointer("/metadata/ownerReferences/0/uid") == Some(&uid))
                .cloned()
                .collect();
            revs.sort_by_key(|r| r["revision"].as_i64().unwrap_or(0));
            let previous = revs
                .iter()
                .rev()
                .nth(1)
                .ok_or_else(|| format!("no previous revision of {name} to roll back to"))?;
            let data = previous["data"].clone();
            write(cluster, name, |s| patch::strategic(s, &data))?;
            Ok(cluster.settle())
        }
        Step::DeletePod(pod) => {
            cluster.store.now = cluster.now();
            cluster
                .store
                .delete(Kind::Pod, "default", pod, &DeleteOptions::default())
                .map_err(|e| e.message)?;
            Ok(cluster.settle())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_scenario_parses_and_starts() {
        for (name, _) in BUILTIN {
            let s = Scenario::load(name).unwrap();
            assert_eq!(s.metadata.name, name);
            let mut c = Cluster::new(super::super::Config::default());
            s.start(&mut c).unwrap();
            assert!(c.store.all(Kind::Pod).count() >= 3, "{name}");
        }
        assert!(
            Scenario::load("nope")
                .unwrap_err()
                .contains("built-in scenarios are")
        );
    }
}
