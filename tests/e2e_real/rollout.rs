//! Stepping, gates, the commands around a rollout, and the forced rollback.

use serde_json::Value;

use super::support::*;

/// The agent's address (the pods' IP): the Prometheus stand-in listens there.
fn agent_address(ns: &str) -> String {
    let p = get(ns, "pods");
    let ip = p["items"][0]["status"]["podIP"]
        .as_str()
        .unwrap()
        .to_string();
    format!("http://{ip}:18080")
}

fn gates(ns: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    let yaml = format!(
        r#"gates:
- name: named-right
  command: {{run: 'test "$STS_POD" = "$STS_SET-$STS_ORDINAL" && test {{{{pod}}}} = "$STS_POD"'}}
- name: serving
  http:
    podProxy: {{port: 18080, path: "/health/{{{{namespace}}}}/{{{{pod}}}}"}}
    jsonPath: state
    successCondition: result == "serving"
- name: errors
  prometheus:
    address: {}
    query: errors_total{{namespace="{{{{namespace}}}}",pod="{{{{pod}}}}"}}
    successCondition: result < 1
"#,
        agent_address(ns)
    );
    std::io::Write::write_all(&mut f, yaml.as_bytes()).unwrap();
    f
}

fn revisions(ns: &str, name: &str) -> (String, String) {
    let s = get(ns, &format!("statefulset/{name}"));
    (
        s["status"]["currentRevision"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        s["status"]["updateRevision"]
            .as_str()
            .unwrap_or("")
            .to_string(),
    )
}

fn partition(ns: &str, name: &str) -> i64 {
    get(ns, &format!("statefulset/{name}"))["spec"]["updateStrategy"]["rollingUpdate"]["partition"]
        .as_i64()
        .unwrap_or(0)
}

#[test]
fn a_gated_step_then_the_rest_roll_out_as_the_controller_was_predicted_to() {
    let _shared = shared();
    let ns = with_set("step", "web", 3, Some(3), "OrderedReady");
    let n = ns.0.as_str();
    set_image(n, "web", "nginx:1.26");
    let (_, update) = wait_for("the update revision", 30, || {
        let (c, u) = revisions(n, "web");
        (c != u && !u.is_empty()).then_some((c, u.clone())).ok_or(u)
    });
    let before = pods(n);
    let gate_file = gates(n);
    let gate_path = gate_file.path().to_str().unwrap();

    // One step: the partition 3 → 2; the controller then replaces web-2 and only it.
    let predicted = predict(n, "web", with_partition(2));
    assert_eq!(predicted, vec![("DeletePod".into(), "web-2".into())]);
    let watch = PodWatch::start(n);
    let out = sts_json(
        n,
        &[
            "rollout",
            "web",
            "--step",
            "--stable-for",
            "2s",
            "--gates",
            gate_path,
        ],
    );
    let stream = events(&out, 0);
    assert_eq!(
        watch.first(1, 30),
        predicted,
        "the controller did otherwise"
    );
    assert_eq!(watch.first(2, 30)[1], ("CreatePod".into(), "web-2".into()));
    drop(watch);
    assert_eq!(partition(n, "web"), 2);
    let after = pods(n);
    assert_eq!(after["web-2"].1, update, "web-2 runs the update revision");
    assert!(after["web-2"].2, "web-2 is Ready");
    assert_ne!(after["web-2"].0, before["web-2"].0, "web-2 was replaced");
    for p in ["web-0", "web-1"] {
        assert_eq!(after[p].0, before[p].0, "{p} untouched");
    }
    // Each gate ran on web-2 and passed, with its evidence on the stream.
    let verdicts: Vec<&Value> = stream.iter().filter(|e| e["type"] == "gate").collect();
    for gate in ["named-right", "serving", "errors"] {
        assert!(
            verdicts
                .iter()
                .any(|v| v["name"] == gate && v["pod"] == "web-2" && v["result"] == "passed"),
            "{gate} did not pass on web-2: {verdicts:?}"
        );
    }

    // The rest, gated step by step: web-1 then web-0, each predicted.
    let predicted = predict(n, "web", with_partition(1));
    assert_eq!(predicted, vec![("DeletePod".into(), "web-1".into())]);
    let watch = PodWatch::start(n);
    let out = sts_json(
        n,
        &[
            "rollout",
            "web",
            "--all",
            "--stable-for",
            "1s",
            "--gates",
            gate_path,
        ],
    );
    events(&out, 0);
    let seen = watch.first(4, 60);
    assert_eq!(
        seen,
        vec![
            ("DeletePod".into(), "web-1".into()),
            ("CreatePod".into(), "web-1".into()),
            ("DeletePod".into(), "web-0".into()),
            ("CreatePod".into(), "web-0".into()),
        ]
    );
    assert_eq!(partition(n, "web"), 0);
    settled(n, "web", 3);
    assert!(
        pods(n)
            .values()
            .all(|(_, rev, ready)| *rev == update && *ready)
    );
    let (current, _) = revisions(n, "web");
    assert_eq!(current, update, "the controller completed the rollout");
}

#[test]
fn a_failing_gate_stops_the_rollout_at_its_step() {
    let _shared = shared();
    let ns = with_set("gatefail", "web", 3, Some(3), "OrderedReady");
    let n = ns.0.as_str();
    let gate_file = gates(n);
    // The new revision's pods say they are degraded (their template's annotation).
    annotate_template(n, "web", "e2e.kubectl-sts.io/state", "degraded");
    let (predicted, watch) = first_step_predicted(n, "web", 3);
    let out = sts_json(
        n,
        &[
            "rollout",
            "web",
            "--all",
            "--stable-for",
            "1s",
            "--gates",
            gate_file.path().to_str().unwrap(),
        ],
    );
    let stream = events(&out, 1);
    as_predicted(&watch, &predicted);
    assert!(
        stream
            .iter()
            .any(|e| e["type"] == "gate" && e["name"] == "serving" && e["result"] == "failed"),
        "no failed verdict: {}",
        text(&out)
    );
    assert_eq!(partition(n, "web"), 2, "stopped after its first step");
    let p = pods(n);
    let (current, update) = revisions(n, "web");
    assert_eq!(p["web-2"].1, update);
    assert_eq!(p["web-1"].1, current, "web-1 never moved");
}

#[test]
fn pause_resume_history_diff_undo_and_status_on_a_real_server() {
    let _shared = shared();
    let ns = with_set("cmds", "web", 2, Some(2), "OrderedReady");
    let n = ns.0.as_str();
    set_image(n, "web", "nginx:1.26");
    let out = sts(&[
        "-n",
        n,
        "rollout",
        "web",
        "--step",
        "--yes",
        "--stable-for",
        "1s",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    // Paused at the frontier: partition 1 stays, recorded for resume.
    let out = sts(&["-n", n, "rollout", "pause", "web", "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(partition(n, "web"), 1);
    let out = sts(&["-n", n, "rollout", "web", "--step", "--yes"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a paused set does not step: {}",
        text(&out)
    );
    let out = sts(&["-n", n, "rollout", "resume", "web", "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    // History lists both revisions; diff shows the image change.
    let out = sts(&["-n", n, "rollout", "history", "web"]);
    let h = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success() && h.contains("web-"), "{}", text(&out));
    let (current, update) = revisions(n, "web");
    assert!(h.contains(&current) && h.contains(&update), "{h}");
    let out = sts(&["-n", n, "rollout", "diff", "web"]);
    let d = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        d.contains("-") && d.contains("nginx:1.25") && d.contains("nginx:1.26"),
        "{}",
        text(&out)
    );
    // Undo reverts the template: the update revision is the current one again.
    let out = sts(&["-n", n, "rollout", "undo", "web", "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    wait_for("the template reverted", 30, || {
        let (c, u) = revisions(n, "web");
        (c == u).then_some(()).ok_or(format!("{c} {u}"))
    });
    // rollout status: web-1 went to the undone revision; resumed at partition 0 it rolls
    // back on its own, and status waits for that.
    let out = sts(&["-n", n, "rollout", "status", "web", "--timeout", "60s"]);
    assert!(out.status.success(), "{}", text(&out));
    settled(n, "web", 2);
    assert!(pods(n).values().all(|(_, rev, _)| *rev == current));
}

#[test]
fn force_rollback_recovers_a_wedged_ordered_ready_set() {
    let _shared = shared();
    let ns = with_set("wedged", "web", 3, None, "OrderedReady");
    let n = ns.0.as_str();
    let good = pods(n)["web-0"].1.clone();
    set_image(n, "web", "nginx:broken");
    // The controller replaces web-2, which crash-loops: the rollout is wedged there.
    let plan = wait_for("the wedge", 60, || {
        let o = sts(&["-n", n, "plan", "web", "-o", "json"]);
        let v: Value = serde_json::from_slice(&o.stdout).map_err(|e| e.to_string())?;
        let restarts = try_get(n, "pod/web-2")?["status"]["containerStatuses"][0]["restartCount"]
            .as_i64()
            .unwrap_or(0);
        (v["diagnosis"]["state"] == "stuck" && restarts > 0)
            .then_some(v.clone())
            .ok_or(v["diagnosis"].to_string())
    });
    assert!(
        plan["diagnosis"]["summary"]
            .as_str()
            .unwrap()
            .contains("web-2"),
        "{plan}"
    );
    let out = sts_json(n, &["force-rollback", "web"]);
    events(&out, 0);
    settled(n, "web", 3);
    let p = pods(n);
    assert!(
        p.values().all(|(_, rev, ready)| *rev == good && *ready),
        "{p:?}"
    );
}

#[test]
fn on_delete_stepping_deletes_the_highest_outdated_pod() {
    let _shared = shared();
    let ns = Ns::new("ondelete");
    let n = ns.0.as_str();
    let yaml = set_yaml("web", 3, "nginx:1.25", None, "OrderedReady").replace(
        "updateStrategy: {type: RollingUpdate}",
        "updateStrategy: {type: OnDelete}",
    );
    apply(n, &yaml);
    settled(n, "web", 3);
    set_image(n, "web", "nginx:1.26");
    let (_, update) = wait_for("the update revision", 30, || {
        let (c, u) = revisions(n, "web");
        (c != u).then_some((c, u.clone())).ok_or(u)
    });
    let before = pods(n);
    // The tool deletes web-2; with it gone, the controller's next pass creates it again.
    let predicted = predict_objects(n, "web", |items| {
        items.retain(|i| !(i["kind"] == "Pod" && i["metadata"]["name"] == "web-2"))
    });
    assert_eq!(predicted, vec![("CreatePod".into(), "web-2".into())]);
    let watch = PodWatch::start(n);
    let out = sts_json(n, &["rollout", "web", "--step", "--stable-for", "1s"]);
    events(&out, 0);
    let seen = watch.first(2, 30);
    assert_eq!(
        seen[0],
        ("DeletePod".into(), "web-2".into()),
        "the tool's delete"
    );
    assert_eq!(
        seen[1..],
        predicted[..],
        "then the controller, as predicted"
    );
    let after = pods(n);
    assert_eq!(after["web-2"].1, update);
    assert_eq!(after["web-1"].0, before["web-1"].0);
    assert_eq!(after["web-0"].0, before["web-0"].0);
}

#[test]
fn each_step_waits_until_its_pods_are_available_before_the_next() {
    let _shared = shared();
    let ns = Ns::new("available");
    let n = ns.0.as_str();
    let min_ready = 5;
    let yaml = set_yaml("web", 3, "nginx:1.25", Some(3), "OrderedReady").replace(
        "  replicas: 3\n",
        &format!("  replicas: 3\n  minReadySeconds: {min_ready}\n"),
    );
    apply(n, &yaml);
    settled(n, "web", 3);
    set_image(n, "web", "nginx:1.26");
    // Until the settled pods are available, a pass replaces nothing (plan says so, with a
    // requeue): the prediction is made once they are.
    std::thread::sleep(std::time::Duration::from_secs(min_ready + 1));
    let (predicted, watch) = first_step_predicted(n, "web", 3);
    let out = sts_json(n, &["rollout", "web", "--all", "--stable-for", "0s"]);
    events(&out, 0);
    as_predicted(&watch, &predicted);
    // The controller replaces web-(k-1) as soon as the partition allows it once web-k is
    // Ready; only the tool's wait for availability (minReadySeconds) holds the partition.
    // Availability counts from the Ready condition's lastTransitionTime, whole seconds (up
    // to 1 s before the watch sees it), hence the 1.5 s of slack.
    for (ready, next) in [("web-2", "web-1"), ("web-1", "web-0")] {
        let r = watch
            .when("Ready", ready)
            .unwrap_or_else(|| panic!("{ready} never Ready"));
        let d = watch
            .when("DeletePod", next)
            .unwrap_or_else(|| panic!("{next} never replaced"));
        assert!(
            d >= r + std::time::Duration::from_millis(min_ready * 1000 - 1500),
            "{next} was replaced {:?} after {ready} became Ready (minReadySeconds {min_ready})",
            d.saturating_duration_since(r)
        );
    }
}

#[test]
fn a_step_whose_pod_never_becomes_ready_fails_at_its_timeout_and_goes_no_further() {
    let _shared = shared();
    let ns = with_set("unready", "web", 3, Some(3), "OrderedReady");
    let n = ns.0.as_str();
    // The new revision's pods run but never pass their readiness (scripted).
    annotate_template(n, "web", "e2e.kubectl-sts.io/ready", "false");
    let (predicted, watch) = first_step_predicted(n, "web", 3);
    let out = sts_json(
        n,
        &[
            "rollout",
            "web",
            "--all",
            "--stable-for",
            "1s",
            "--step-timeout",
            "10s",
        ],
    );
    let stream = events(&out, 1);
    as_predicted(&watch, &predicted);
    let end = stream.last().unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(end.contains("web-2"), "the failure names web-2: {end}");
    assert_eq!(partition(n, "web"), 2, "no step after the one that failed");
    let p = pods(n);
    let (current, _) = revisions(n, "web");
    assert_eq!(p["web-1"].1, current);
    assert!(!p["web-2"].2, "web-2 is not Ready");
}
