//! `kubectl sts rollout NAME… --all` across several StatefulSets under one
//! PodDisruptionBudget, against the simulated cluster (its disruption controller).

use jiff::SignedDuration;
use kubectl_sts::sim::scenario::{Step, apply};
use kubectl_sts::sim::server::Logged;
use kubectl_sts::sim::store::Kind;
use kubectl_sts::sim::{Cluster, Config};
use serde_json::{Value, json};

use super::live::{Live, serve};
use super::recovery::run_advancing;

pub(super) const SETS: [&str; 3] = ["es-a", "es-b", "es-c"];

/// `es-a`, `es-b`, `es-c`: 3 replicas each (label cluster=es), all Ready on nginx:1.25,
/// partitions at 3 and nginx:1.26 applied (nothing rolls until stepped); one
/// PodDisruptionBudget `es` with maxUnavailable 1 over all nine pods.
pub(super) fn three_sets() -> Cluster {
    let mut c = Cluster::new(Config::default());
    let mut objects: Vec<Value> = SETS
        .iter()
        .map(|name| {
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
                "metadata": {"name": name, "namespace": "default", "labels": {"cluster": "es"}},
                "spec": {"replicas": 3, "serviceName": name,
                         "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 3}},
                         "selector": {"matchLabels": {"app": name}},
                         "template": {"metadata": {"labels": {"app": name, "cluster": "es"}},
                                      "spec": {"containers": [{"name": "es", "image": "nginx:1.25"}]}}}})
        })
        .collect();
    objects.push(
        json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": "es", "namespace": "default"},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"cluster": "es"}}}}),
    );
    c.seed(objects).unwrap();
    c.advance(SignedDuration::from_secs(60));
    for set in SETS {
        apply(
            &mut c,
            &Step::SetImage {
                set: set.into(),
                container: None,
                image: "nginx:1.26".into(),
            },
        )
        .unwrap();
    }
    c.advance(SignedDuration::from_secs(5));
    c
}

pub(super) fn images(live: &Live, set: &str) -> Vec<String> {
    live.server.shared.read(|c| {
        (0..3)
            .map(|o| {
                c.store
                    .get(Kind::Pod, "default", &format!("{set}-{o}"))
                    .map(|p| {
                        p["spec"]["containers"][0]["image"]
                            .as_str()
                            .unwrap_or("")
                            .to_string()
                    })
                    .unwrap_or_default()
            })
            .collect()
    })
}

fn partition(live: &Live, set: &str) -> Value {
    live.server.shared.read(|c| {
        c.store.get(Kind::StatefulSet, "default", set).unwrap()["spec"]["updateStrategy"]["rollingUpdate"]["partition"].clone()
    })
}

fn partition_writes(reqs: &[Logged], set: &str) -> usize {
    reqs.iter()
        .filter(|r| {
            r.method == "PATCH"
                && r.path.ends_with(&format!("/statefulsets/{set}"))
                && r.status < 300
        })
        .filter(|r| {
            r.body
                .as_ref()
                .and_then(|b| b.pointer("/spec/updateStrategy/rollingUpdate/partition"))
                .is_some()
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_sets_roll_out_one_pod_at_a_time_within_their_budget() {
    for how in [&["es-a", "es-b", "es-c"][..], &["-l", "cluster=es"]] {
        let live = serve(three_sets()).await;
        let sample = super::recreate::Availability::sample(&live);
        let mut args = vec!["rollout"];
        args.extend_from_slice(how);
        args.extend([
            "--all",
            "--yes",
            "--stable-for",
            "0s",
            "--pdb-timeout",
            "2m",
        ]);
        let (code, out, err) = run_advancing(&live, &args).await;
        assert_eq!(code, 0, "{how:?}: {out}{err}");
        assert!(
            9usize.saturating_sub(sample.fewest()) <= 1,
            "{how:?}: more than one pod down at once"
        );
        for set in SETS {
            assert_eq!(images(&live, set), vec!["nginx:1.26"; 3], "{how:?} {set}");
        }
        assert!(
            out.contains("Roll out 3 StatefulSets in namespace default"),
            "{out}"
        );
        assert!(
            out.contains("es-a-2, es-a-1, es-a-0, es-b-2, es-b-1, es-b-0, es-c-2, es-c-1, es-c-0"),
            "the sequence in the plan: {out}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unready_pod_elsewhere_holds_the_next_step_and_names_the_budget() {
    let live = serve(three_sets()).await;
    live.server.shared.with(|c| {
        c.store
            .write_system(Kind::Pod, "default", "es-b-1", |p| {
                p["metadata"]["annotations"] = json!({"sim.kubectl-sts.io/broken": "true"})
            })
            .unwrap();
    });
    live.server.advance(SignedDuration::from_secs(30));
    let before = live.server.shared.requests().len();
    let (code, out, err) = live
        .run(&[
            "rollout",
            "es-a",
            "es-b",
            "es-c",
            "--all",
            "--yes",
            "--pdb-timeout",
            "3s",
        ])
        .await;
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("es-a was not stepped: PodDisruptionBudget es allows 0 disruption(s) (unavailable: es-b-1)"),
        "{err}"
    );
    assert!(err.contains("nothing changed"), "{err}");
    assert!(out.contains("waiting to take down es-a-2"), "{out}");
    let reqs = &live.server.shared.requests()[before..];
    for set in SETS {
        assert_eq!(partition_writes(reqs, set), 0, "{set}");
        assert_eq!(partition(&live, set), 3);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gate_failing_on_the_second_set_stops_all_and_auto_rollback_reverts_what_it_touched() {
    let live = serve(three_sets()).await;
    let (code, out, err) = run_advancing(
        &live,
        &[
            "rollout",
            "es-a",
            "es-b",
            "es-c",
            "--all",
            "--yes",
            "--stable-for",
            "1s",
            "--check-cmd",
            "test \"$STS_STATEFULSET\" != es-b",
            "--auto-rollback",
            "--pdb-timeout",
            "2m",
        ],
    )
    .await;
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("rolling back es-b, es-a (--auto-rollback)"),
        "{out}{err}"
    );
    for set in ["es-a", "es-b"] {
        assert_eq!(images(&live, set), vec!["nginx:1.25"; 3], "{set} is back");
    }
    assert_eq!(images(&live, "es-c"), vec!["nginx:1.25"; 3]);
    assert_eq!(partition(&live, "es-c"), 3, "es-c was never touched");
    let reqs = live.server.shared.requests();
    assert!(
        !reqs
            .iter()
            .any(|r| r.method != "GET" && r.path.contains("es-c")),
        "no write to es-c"
    );
}

pub(super) fn ready_pods(live: &Live) -> usize {
    live.server.shared.read(super::recreate::ready_in)
}

fn accepted_writes(live: &Live) -> usize {
    live.server
        .shared
        .requests()
        .iter()
        .filter(|r| r.method != "GET" && r.status < 300)
        .count()
}

/// SIGKILL after every write of the rollout: each run is killed right after its first
/// accepted write and run again, until a run ends by itself. Every write is followed by
/// a kill (the counts at the kills are 1, 2, 3, …: the server answers 50 ms late, so no
/// second write slips in before the kill), the last run succeeds, all nine pods end on
/// the new revision, and never is more than one pod unavailable (sampled after every
/// step of the simulated clock and every 100 ms).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_after_every_write_each_rerun_goes_on_within_the_budget() {
    let mut cluster = three_sets();
    cluster.config.faults.latency = std::time::Duration::from_millis(50);
    let live = serve(cluster).await;
    let sample = super::recreate::Availability::sample(&live);
    let args = [
        "rollout",
        "es-a",
        "es-b",
        "es-c",
        "--all",
        "--yes",
        "--stable-for",
        "1s",
    ];
    let mut kills = Vec::new();
    let mut fewest = usize::MAX;
    let mut last = None;
    while last.is_none() {
        assert!(kills.len() < 60, "no end after {} kills", kills.len());
        let before = accepted_writes(&live);
        let mut child = live.spawn(&args);
        for _ in 0..12_000 {
            fewest = fewest.min(ready_pods(&live));
            let now = accepted_writes(&live);
            if now > before {
                child.kill().await.unwrap();
                kills.push(now);
                break;
            }
            if let Ok(Some(status)) = child.try_wait() {
                last = Some(status);
                break;
            }
            live.server.advance(SignedDuration::from_millis(250));
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }
    let expected: Vec<usize> = (1..=kills.len()).collect();
    assert_eq!(kills, expected, "a kill after every write");

    assert!(
        kills.len() >= 21,
        "every partition patch, verified mark and cleanup: {}",
        kills.len()
    );
    assert!(last.unwrap().success(), "the last run ends well");
    assert!(
        9 - fewest.min(9) <= 1 && 9usize.saturating_sub(sample.fewest()) <= 1,
        "more than one pod down at once ({fewest} Ready)"
    );
    for set in SETS {
        assert_eq!(images(&live, set), vec!["nginx:1.26"; 3], "{set}");
        let notes = live.server.shared.read(|c| {
            c.store.get(Kind::StatefulSet, "default", set).unwrap()["metadata"]["annotations"]
                .clone()
        });
        assert!(
            notes
                .as_object()
                .is_none_or(|a| !a.keys().any(|k| k.starts_with("kubectl-sts.io/step-"))),
            "{set}: the bookkeeping is removed as by an uninterrupted run: {notes}"
        );
    }
}

/// `-o json`: the stream's target is the group; every event of one set's step carries
/// that set (`set`), each write's object is of that set; the group's plan and consent
/// carry none; an ETA over the whole group (its nine pods) follows the steps.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_stream_names_the_set_of_each_event_and_estimates_the_whole_group() {
    let live = serve(three_sets()).await;
    let (code, out, err) = run_advancing(
        &live,
        &[
            "rollout",
            "es-a",
            "es-b",
            "es-c",
            "--all",
            "--yes",
            "--stable-for",
            "0s",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    let events = super::events::stream(&out);
    for e in &events {
        assert_eq!(e["target"]["name"], "es-a,es-b,es-c", "{e}");
    }
    let writes: Vec<&Value> = events.iter().filter(|e| e["type"] == "write").collect();
    let said: Vec<String> = writes.iter().map(|w| w["message"].to_string()).collect();
    assert_eq!(
        writes.len(),
        21,
        "per set: a partition patch and a verified mark per pod, the annotations removed: {said:#?}"
    );
    for w in &writes {
        let set = w["set"]["name"].as_str().unwrap_or_else(|| panic!("{w}"));
        assert_eq!(w["set"]["namespace"], "default");
        assert_eq!(w["object"]["kind"], "statefulset", "{w}");
        assert_eq!(w["object"]["name"], set, "{w}");
    }
    for set in SETS {
        assert!(
            events
                .iter()
                .any(|e| e["type"] == "wait" && e["set"]["name"] == set),
            "a wait about {set}"
        );
    }
    for kind in ["plan", "consent", "start", "end"] {
        let first = events.iter().find(|e| e["type"] == kind).unwrap();
        assert!(
            first.get("set").is_none(),
            "the group's own {kind}: {first}"
        );
    }
    let etas: Vec<&str> = events
        .iter()
        .filter(|e| e["type"] == "progress")
        .filter_map(|e| e["message"].as_str())
        .filter(|m| m.starts_with("es-a, es-b, es-c: ETA ~"))
        .collect();
    assert_eq!(etas.len(), 8, "after each pod but the last: {etas:?}");
    assert!(etas[0].contains("(1 of 9 ordinals"), "{etas:?}");
    assert!(etas[7].contains("(8 of 9 ordinals"), "{etas:?}");
}

fn annotation(live: &Live, set: &str, key: &str) -> Value {
    live.server.shared.read(|c| {
        c.store.get(Kind::StatefulSet, "default", set).unwrap()["metadata"]["annotations"][key]
            .clone()
    })
}

const PAUSED: &str = "kubectl-sts.io/paused-partition";

/// `rollout pause|resume` of several sets (names or -l): each set is changed (and named
/// in `-o json`); one that cannot be paused (OnDelete) does not stop the others, and the
/// run exits 1 naming it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_and_resume_take_several_sets_and_one_refusal_does_not_stop_the_others() {
    let live = serve(three_sets()).await;
    let (code, out, err) = live
        .run(&[
            "rollout",
            "pause",
            "-l",
            "cluster=es",
            "--yes",
            "-o",
            "json",
        ])
        .await;
    assert_eq!(code, 0, "{out}{err}");
    let events = super::events::stream(&out);
    let patched: Vec<&str> = events
        .iter()
        .filter(|e| e["type"] == "write")
        .map(|e| {
            assert_eq!(e["set"]["name"], e["object"]["name"], "{e}");
            e["object"]["name"].as_str().unwrap()
        })
        .collect();
    assert_eq!(patched, SETS);
    for set in SETS {
        assert_eq!(annotation(&live, set, PAUSED), "3", "{set} paused");
    }
    let (code, out, err) = live
        .run(&["rollout", "resume", "es-a", "es-b", "es-c", "--yes"])
        .await;
    assert_eq!(code, 0, "{out}{err}");
    for set in SETS {
        assert_eq!(annotation(&live, set, PAUSED), Value::Null, "{set} resumed");
        assert_eq!(partition(&live, set), 3);
    }
    // es-b uses OnDelete: it cannot be paused; es-a and es-c are.
    live.server.shared.with(|c| {
        c.store
            .write_system(Kind::StatefulSet, "default", "es-b", |s| {
                s["spec"]["updateStrategy"] = json!({"type": "OnDelete"})
            })
            .unwrap();
    });
    let (code, out, err) = live
        .run(&["rollout", "pause", "es-a", "es-b", "es-c", "--yes"])
        .await;
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("could not pause es-b"), "{err}");
    assert!(out.contains("es-b: es-b uses OnDelete"), "{out}");
    assert_eq!(annotation(&live, "es-a", PAUSED), "3");
    assert_eq!(annotation(&live, "es-b", PAUSED), Value::Null);
    assert_eq!(
        annotation(&live, "es-c", PAUSED),
        "3",
        "the set after it too"
    );
}

/// `rollout status` of several sets: exit 0 once every one is complete, each line named;
/// a set that does not get there within the one --timeout fails the run, named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollout_status_waits_for_every_set_within_one_timeout() {
    let live = serve(three_sets()).await;
    let (code, out, err) = run_advancing(
        &live,
        &[
            "rollout",
            "es-a",
            "es-b",
            "es-c",
            "--all",
            "--yes",
            "--stable-for",
            "0s",
        ],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = live
        .run(&["rollout", "status", "-l", "cluster=es", "--timeout", "20s"])
        .await;
    assert_eq!(code, 0, "{out}{err}");
    for set in SETS {
        assert!(
            out.lines().any(|l| l.starts_with(&format!("{set}: "))),
            "{set}: {out}"
        );
    }
    live.server.shared.with(|c| {
        c.store
            .write_system(Kind::Pod, "default", "es-b-1", |p| {
                p["metadata"]["annotations"] = json!({"sim.kubectl-sts.io/broken": "true"})
            })
            .unwrap();
    });
    live.server.advance(SignedDuration::from_secs(30));
    let (code, out, err) = live
        .run(&[
            "rollout",
            "status",
            "es-a",
            "es-b",
            "es-c",
            "--timeout",
            "3s",
        ])
        .await;
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("es-a: "), "es-a is complete: {out}");
    assert!(err.contains("es-b"), "{err}");
    assert!(
        !out.contains("es-c: "),
        "es-c is not waited for after es-b failed: {out}"
    );
}
