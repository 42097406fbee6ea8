//! `-o json` on the mutating commands: the whole event stream of `rollout --all`,
//! `force-rollback` and `delete` against the simulated cluster, each line validated
//! against the published schema (`docs/events.schema.json`), and the stream's own rules:
//! `start` first, `end` last with the process's exit code, every write named exactly and
//! preconditioned, and nothing but JSON on stdout.

use serde_json::Value;

use super::live::{Live, scenario, serve};
use super::recovery::run_advancing;
use super::stepping::held;
use super::support::root;

/// Every line of `out`, parsed and validated against the schema.
pub(super) fn stream(out: &str) -> Vec<Value> {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/events.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(!out.trim().is_empty(), "no events");
    out.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not one JSON object per line ({e}): {line}"));
            let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{line}\n{}", errors.join("\n"));
            v
        })
        .collect()
}

/// The rules every stream keeps: start first, end last with `code`, one target.
fn well_formed(events: &[Value], code: i32, name: &str) {
    assert_eq!(events[0]["type"], "start", "{:?}", events[0]);
    assert_eq!(events[0]["schemaVersion"], 1);
    let end = events.last().unwrap();
    assert_eq!(end["type"], "end", "{end}");
    assert_eq!(end["exitCode"], code, "{end}");
    assert_eq!(
        end["outcome"],
        if code == 0 { "succeeded" } else { "failed" },
        "{end}"
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| e["type"] == "start" || e["type"] == "end")
            .count(),
        2,
        "one start, one end"
    );
    for e in events {
        assert_eq!(e["target"]["namespace"], "default", "{e}");
        assert_eq!(e["target"]["name"], name, "{e}");
    }
    let times: Vec<jiff::Timestamp> = events
        .iter()
        .map(|e| e["time"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "time runs forward");
}

/// A plan's writes as (verb, the object's `field`).
fn planned<'p>(plan: &'p Value, field: &str) -> Vec<(&'p str, &'p str)> {
    plan["writes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["verb"].as_str().unwrap(),
                w["object"][field].as_str().unwrap(),
            )
        })
        .collect()
}

fn of_type<'e>(events: &'e [Value], kind: &str) -> Vec<&'e Value> {
    events.iter().filter(|e| e["type"] == kind).collect()
}

/// Each write names its object in the target's namespace and carries the uid and
/// resourceVersion it was made at.
fn writes_are_preconditioned(events: &[Value]) -> Vec<(String, String, String)> {
    of_type(events, "write")
        .into_iter()
        .map(|w| {
            assert_eq!(w["object"]["namespace"], "default", "{w}");
            assert!(w["uid"].as_str().is_some_and(|u| !u.is_empty()), "uid: {w}");
            assert!(
                w["resourceVersion"].as_str().is_some_and(|r| !r.is_empty()),
                "resourceVersion: {w}"
            );
            assert_eq!(w["dryRun"], false, "{w}");
            (
                w["verb"].as_str().unwrap().to_string(),
                w["object"]["kind"].as_str().unwrap().to_string(),
                w["object"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn json_run(live: &Live, args: &[&str]) -> (i32, Vec<Value>, String) {
    let mut args = args.to_vec();
    args.extend(["-o", "json"]);
    let (code, out, err) = run_advancing(live, &args).await;
    (code, stream(&out), err)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollout_all_streams_every_step_as_events() {
    let live = serve(scenario("default", &held("nginx:1.26"))).await;
    let (code, events, err) = json_run(
        &live,
        &["rollout", "web", "--all", "--yes", "--stable-for", "0s"],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    well_formed(&events, 0, "web");
    // Five steps, each planned, consented to, written, waited on and gated.
    let plans = of_type(&events, "plan");
    assert_eq!(plans.len(), 5, "{plans:?}");
    for p in &plans {
        // The partition, then the record that the step passed: both shown before consent.
        let writes = p["writes"].as_array().unwrap();
        assert_eq!(writes.len(), 2, "{p}");
        assert!(
            writes
                .iter()
                .all(|w| w["object"]["name"] == "web" && w["verb"] == "patch")
        );
    }
    assert!(
        of_type(&events, "consent")
            .iter()
            .all(|c| c["given"] == "flag")
    );
    let writes = writes_are_preconditioned(&events);
    let partition_moves = of_type(&events, "write")
        .iter()
        .filter(|w| {
            w["message"]
                .as_str()
                .unwrap()
                .starts_with("statefulset.apps/web partition")
        })
        .count();
    assert_eq!(partition_moves, 5, "{writes:?}");
    assert!(
        writes
            .iter()
            .all(|(_, kind, name)| kind == "statefulset" && name == "web")
    );
    assert!(of_type(&events, "wait").len() >= 5);
    let gates = of_type(&events, "gate");
    assert_eq!(gates.len(), 5, "{gates:?}");
    assert!(
        gates
            .iter()
            .all(|g| g["result"] == "passed" && g["name"] == "ready")
    );
    // Each write comes after its plan and consent.
    let first = |kind: &str| events.iter().position(|e| e["type"] == kind).unwrap();
    assert!(first("plan") < first("consent") && first("consent") < first("write"));
    // Human text is not on stdout in this mode (stderr carries nothing but warnings).
    assert!(!err.contains("partition"), "{err}");
    // The preconditions a write event names are the ones sent: every patch of the set
    // carried its uid and a resourceVersion in the body.
    let uid = live.server.shared.read(|c| {
        c.store
            .get(kubectl_sts::sim::store::Kind::StatefulSet, "default", "web")
            .unwrap()["metadata"]["uid"]
            .clone()
    });
    let patches: Vec<_> = live
        .server
        .shared
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH" && r.path.ends_with("/statefulsets/web"))
        .collect();
    assert!(patches.len() >= 10, "{}", patches.len());
    for p in patches {
        let body = p.body.unwrap();
        assert_eq!(body["metadata"]["uid"], uid, "{body}");
        assert!(body["metadata"]["resourceVersion"].is_string(), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn force_rollback_streams_its_plan_deletions_and_recovery() {
    let live = serve(scenario("stuck", &[])).await;
    let (code, events, err) = json_run(
        &live,
        &["force-rollback", "web", "--yes", "--timeout", "2m"],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    well_formed(&events, 0, "web");
    let plan = &of_type(&events, "plan")[0];
    let planned = planned(plan, "name");
    assert_eq!(planned, [("patch", "web"), ("delete", "web-4")]);
    assert!(plan["template"]["from"].is_object() && plan["template"]["to"].is_object());
    let writes = writes_are_preconditioned(&events);
    assert_eq!(
        writes,
        [
            ("patch".into(), "statefulset".into(), "web".into()),
            ("delete".into(), "pod".into(), "web-4".into())
        ],
        "exactly what was planned"
    );
    assert!(of_type(&events, "wait").len() >= 2);
    let state = &of_type(&events, "state")[0];
    assert_eq!(state["message"], "recovered:");
    assert!(
        state["report"]["rows"]
            .as_array()
            .is_some_and(|r| r.len() == 5)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_streams_the_pods_going_highest_ordinal_first() {
    let live = serve(scenario("default", &[])).await;
    let (code, events, err) = json_run(&live, &["delete", "web", "--yes"]).await;
    assert_eq!(code, 0, "{err}");
    well_formed(&events, 0, "web");
    let plan = &of_type(&events, "plan")[0];
    let planned = planned(plan, "kind");
    assert_eq!(
        planned,
        [("patch", "statefulset"), ("delete", "statefulset")]
    );
    let writes = writes_are_preconditioned(&events);
    assert_eq!(
        writes,
        [
            ("patch".into(), "statefulset".into(), "web".into()),
            ("delete".into(), "statefulset".into(), "web".into())
        ]
    );
    let gone: Vec<&str> = of_type(&events, "observed")
        .iter()
        .filter(|o| o["change"] == "gone")
        .map(|o| o["pod"].as_str().unwrap())
        .collect();
    assert_eq!(gone, ["web-4", "web-3", "web-2", "web-1", "web-0"]);
    assert_eq!(of_type(&events, "wait").len(), 1);
    assert!(live.server.shared.read(|c| {
        c.store
            .get(kubectl_sts::sim::store::Kind::StatefulSet, "default", "web")
            .is_none()
    }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_is_an_error_event_and_the_end_carries_the_exit_code() {
    let live = serve(scenario("default", &[])).await;
    let (code, events, err) = json_run(&live, &["delete", "nosuch", "--yes"]).await;
    assert_eq!(code, 1);
    well_formed(&events, 1, "nosuch");
    let error = &of_type(&events, "error")[0];
    assert!(
        error["message"].as_str().unwrap().contains("not found"),
        "{error}"
    );
    assert!(error["hint"].is_string());
    assert!(of_type(&events, "write").is_empty());
    // The error is said for people on stderr too.
    assert!(err.contains("not found"), "{err}");
    // A dry run consents as a dry run and writes nothing.
    let live = serve(scenario("stuck", &[])).await;
    let (code, events, _) = json_run(&live, &["force-rollback", "web", "--dry-run=client"]).await;
    assert_eq!(code, 0);
    well_formed(&events, 0, "web");
    assert_eq!(of_type(&events, "consent")[0]["given"], "dryRun");
    assert!(of_type(&events, "write").is_empty());
}

/// A clock stopped at one instant (golden JSON).
struct Stopped(jiff::Timestamp);

impl kubectl_sts::event::Clock for Stopped {
    fn now(&self) -> jiff::Timestamp {
        self.0
    }
}

/// One recorded event list — the forced rollback of `stuck`, run in-process on a paused
/// clock with a recording sink — rendered by each renderer, each golden: the text a
/// person reads and the JSON Lines a pipeline reads say the same things.
#[test]
fn each_renderer_is_golden_from_one_recorded_event_list() {
    use kubectl_sts::cluster::Connection;
    use kubectl_sts::event::{Clock as _, Event, Given, Sink, TokioClock};
    use kubectl_sts::model::ModelSetup;
    use kubectl_sts::ops;
    use kubectl_sts::output::events::{Json, Text};
    use kubectl_sts::sim::scenario::Scenario;
    use kubectl_sts::sim::server::Server;
    use kubectl_sts::sim::{Clock, Cluster, Config};

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    let events: Vec<Event> = rt.block_on(async {
        let mut cluster = Cluster::new(Config::default());
        Scenario::load("stuck")
            .unwrap()
            .start(&mut cluster)
            .unwrap();
        let start = cluster.now();
        let clock = TokioClock::starting_at(start);
        cluster.set_clock(Clock::Tokio(clock));
        let setup = ModelSetup {
            now: start,
            profile: cluster.config.profile,
        };
        let server = Server::in_process(cluster);
        let conn = Connection::of(server.client("default"), "default", "in-process");
        let mut events = Vec::new();
        let mut consent = Given::Flag;
        let mut io = ops::Io {
            events: &mut events,
            consent: &mut consent,
            clock: &clock,
        };
        let opts = ops::force_rollback::Options {
            to_revision: None,
            all_bad: false,
            force: false,
            dry_run: None,
            wait: true,
            timeout: std::time::Duration::from_secs(300),
        };
        ops::force_rollback::run(
            &conn,
            &mut io,
            &ops::Target::new("default", "web"),
            &setup,
            &opts,
        )
        .await
        .unwrap();
        // The virtual clock moved: the recovery took time it did not wait for on the wall.
        assert!(clock.now() > start);
        events
    });
    let kinds: Vec<&str> = events.iter().map(Event::kind).collect();
    assert_eq!(kinds.first(), Some(&"plan"), "{kinds:?}");
    assert!(kinds.contains(&"consent") && kinds.contains(&"write") && kinds.contains(&"state"));
    let mut text = Vec::new();
    {
        let mut t = Text::new(&mut text, kubectl_sts::output::Style::plain(), false);
        for e in &events {
            t.emit(e.clone());
        }
    }
    let mut json = Vec::new();
    {
        let at = Stopped("2027-01-01T00:00:00Z".parse().unwrap());
        let mut j = Json::new(&mut json, "default", "web", &at);
        for e in &events {
            j.emit(e.clone());
        }
    }
    super::support::golden(
        "events/force-rollback.txt",
        &String::from_utf8(text).unwrap(),
    );
    let json = String::from_utf8(json).unwrap();
    stream(&json);
    super::support::golden("events/force-rollback.jsonl", &json);
}

/// A set Argo CD manages: before the partition moves, the step warns that Argo CD may
/// revert it and shows the ignoreDifferences snippet — in the text and in `-o json` —
/// and `--yes` still proceeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_set_argo_cd_manages_gets_the_warning_and_the_snippet() {
    let argo = |c: &mut kubectl_sts::sim::Cluster| {
        c.store
            .write_system(
                kubectl_sts::sim::store::Kind::StatefulSet,
                "default",
                "web",
                |s| {
                    s["metadata"]["labels"]["argocd.argoproj.io/instance"] =
                        serde_json::json!("shop")
                },
            )
            .unwrap();
    };
    let mut c = scenario("default", &held("nginx:1.26"));
    argo(&mut c);
    let live = serve(c).await;
    let (code, events, err) = json_run(
        &live,
        &["rollout", "web", "--step", "--yes", "--stable-for", "0s"],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    well_formed(&events, 0, "web");
    let warnings = of_type(&events, "warning");
    let w = warnings
        .iter()
        .find(|w| w["message"].as_str().unwrap_or("").contains("Argo CD"))
        .unwrap_or_else(|| panic!("no Argo CD warning in {events:?}"));
    assert!(
        w["message"]
            .as_str()
            .unwrap()
            .contains("Application \"shop\""),
        "{w}"
    );
    let hint = w["hint"].as_str().unwrap();
    assert!(
        hint.contains("ignoreDifferences")
            && hint.contains("- /spec/updateStrategy/rollingUpdate/partition"),
        "{hint}"
    );
    // Before the plan (so before consent), and the step still went ahead.
    let at = |t: &str| events.iter().position(|e| e["type"] == t).unwrap();
    assert!(at("warning") < at("plan"), "{events:?}");
    assert!(!of_type(&events, "write").is_empty());

    let mut c = scenario("default", &held("nginx:1.26"));
    argo(&mut c);
    let live = serve(c).await;
    let (code, out, err) = super::recovery::run_advancing(
        &live,
        &["rollout", "web", "--step", "--yes", "--stable-for", "0s"],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let text = format!("{out}{err}");
    assert!(
        text.contains("managed by Argo CD") && text.contains("jsonPointers:"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resize_streams_its_plan_the_preconditioned_writes_and_the_create() {
    let live = serve(super::recreate::web(None)).await;
    let (code, events, err) = json_run(
        &live,
        &["resize", "web", "data=2Gi", "--yes", "--timeout", "2m"],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    well_formed(&events, 0, "web");
    let plan = of_type(&events, "plan")[0];
    let kinds: Vec<(&str, &str)> = planned(plan, "kind");
    assert_eq!(
        kinds
            .iter()
            .filter(|(v, k)| *v == "patch" && *k == "persistentvolumeclaim")
            .count(),
        3,
        "{kinds:?}"
    );
    let set_writes: Vec<&(&str, &str)> =
        kinds.iter().filter(|(_, k)| *k == "statefulset").collect();
    assert_eq!(
        set_writes,
        [&("delete", "statefulset"), &("create", "statefulset")]
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|(v, k)| *v == "patch" && *k == "pod")
            .count(),
        6,
        "each pod annotated, then the annotation removed: {kinds:?}"
    );
    let (before_create, create): (Vec<&Value>, Vec<&Value>) = of_type(&events, "write")
        .into_iter()
        .partition(|w| w["verb"] != "create");
    let preconditioned: Vec<Value> = before_create.into_iter().cloned().collect();
    let done = writes_are_preconditioned(&preconditioned);
    assert!(
        done.contains(&("delete".into(), "statefulset".into(), "web".into())),
        "{done:?}"
    );
    assert_eq!(create.len(), 1);
    assert!(
        create[0]["uid"].is_string(),
        "the new set's uid: {}",
        create[0]
    );
}
