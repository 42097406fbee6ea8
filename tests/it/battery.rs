//! The kubectl battery: what operators run with the real kubectl against
//! `kubectl-sts sim serve`, in one session — client-side apply with validation on,
//! strict field validation, server-side apply with a conflict between managers, diff,
//! explain, wait, rollout restart and status, patches of all three types with a
//! directive, label and annotate. (Paging, watches leaving a selector, foreground
//! deletion and an invalid pod's causes: `kubectl::…`.)

use serde_json::Value;

use super::kubectl::{Sim, json, kubectl, serve_scenario, wait_for};

const DB: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  replicas: 2
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: db
        image: postgres:16
        env:
        - {name: MODE, value: primary}
      - name: metrics
        image: exporter:1
";

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn ok(sim: &Sim, args: &[&str]) -> String {
    let (code, out, err) = kubectl(sim, args);
    assert_eq!(code, 0, "kubectl {args:?}:\n{out}{err}");
    out
}

fn image(set: &Value, i: usize) -> &str {
    set["spec"]["template"]["spec"]["containers"][i]["image"]
        .as_str()
        .unwrap_or("")
}

#[test]
fn the_kubectl_battery_passes() {
    let sim = serve_scenario("default");
    let dir = tempfile::tempdir().unwrap();

    // Client-side apply with validation on (the default): create, change, apply again.
    let v1 = write(&dir, "db.yaml", DB);
    assert!(ok(&sim, &["apply", "-f", &v1]).contains("statefulset.apps/db created"));
    let v2 = write(&dir, "db2.yaml", &DB.replace("postgres:16", "postgres:17"));
    // diff shows the change (exit 1) and changes nothing.
    let (code, out, err) = kubectl(&sim, &["diff", "-f", &v2]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("-        image: postgres:16") && out.contains("+        image: postgres:17"),
        "{out}"
    );
    assert_eq!(image(&json(&sim, &["get", "sts", "db"]), 0), "postgres:16");
    assert!(ok(&sim, &["apply", "-f", &v2]).contains("statefulset.apps/db configured"));
    let (code, out, _) = kubectl(&sim, &["diff", "-f", &v2]);
    assert_eq!(code, 0, "nothing left to apply: {out}");
    let set = json(&sim, &["get", "sts", "db"]);
    assert_eq!(image(&set, 0), "postgres:17");
    assert_eq!(image(&set, 1), "exporter:1", "the other container is kept");

    // Validation is the server's: an unknown field is refused, strictly.
    let bad = write(
        &dir,
        "bad.yaml",
        &DB.replace("  serviceName: db\n", "  serviceName: db\n  replica: 3\n"),
    );
    let (code, _, err) = kubectl(&sim, &["apply", "-f", &bad]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(r#"strict decoding error: unknown field "spec.replica""#),
        "{err}"
    );

    // explain reads the OpenAPI v3 document.
    let out = ok(&sim, &["explain", "statefulset.spec.updateStrategy"]);
    assert!(
        out.contains("KIND:       StatefulSet") && out.contains("rollingUpdate"),
        "{out}"
    );

    // Server-side apply: takes over from client-side apply where values agree; a field
    // another manager changed is a conflict, until forced.
    assert!(ok(&sim, &["apply", "--server-side", "-f", &v2]).contains("serverside-applied"));
    ok(&sim, &["scale", "sts", "db", "--replicas=3"]);
    let v3 = write(&dir, "db3.yaml", &DB.replace("postgres:16", "postgres:18"));
    let (code, _, err) = kubectl(&sim, &["apply", "--server-side", "-f", &v3]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("Apply failed with 1 conflict") && err.contains(".spec.replicas"),
        "{err}"
    );
    assert_eq!(
        image(&json(&sim, &["get", "sts", "db"]), 0),
        "postgres:17",
        "a conflict changes nothing"
    );
    ok(
        &sim,
        &["apply", "--server-side", "--force-conflicts", "-f", &v3],
    );
    let set = json(&sim, &["get", "sts", "db"]);
    assert_eq!(
        (image(&set, 0), set["spec"]["replicas"].as_i64()),
        ("postgres:18", Some(2))
    );
    let managers: Vec<String> =
        json(&sim, &["get", "sts", "db", "--show-managed-fields"])["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                format!(
                    "{}/{}",
                    m["manager"].as_str().unwrap(),
                    m["operation"].as_str().unwrap()
                )
            })
            .collect();
    assert!(
        managers.contains(&"kubectl/Apply".to_string()),
        "{managers:?}"
    );

    // wait (once the scale-down the forced apply made is over: a pod listed and then
    // deleted is NotFound to kubectl wait, on a real cluster too), rollout restart + status.
    wait_for("db-2 to go", || {
        json(&sim, &["get", "pods", "-l", "app=db"])["items"]
            .as_array()
            .is_some_and(|p| p.len() == 2)
    });
    ok(
        &sim,
        &[
            "wait",
            "--for=condition=Ready",
            "pod",
            "-l",
            "app=db",
            "--timeout=60s",
        ],
    );
    ok(&sim, &["rollout", "restart", "sts/db"]);
    let out = ok(&sim, &["rollout", "status", "sts/db", "--timeout=60s"]);
    assert!(out.contains("roll out complete"), "{out}");
    let set = json(&sim, &["get", "sts", "db"]);
    assert!(
        set["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
            .is_string()
    );
    assert_eq!(set["status"]["updatedReplicas"], 2);

    // Patches: strategic with $setElementOrder (and a merge by name), merge, JSON.
    ok(
        &sim,
        &[
            "patch",
            "sts",
            "db",
            "--type=strategic",
            "-p",
            r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"metrics"},{"name":"db"}],
            "containers":[{"name":"db","env":[{"name":"EXTRA","value":"1"}]}]}}}}"#,
        ],
    );
    let set = json(&sim, &["get", "sts", "db"]);
    let containers = &set["spec"]["template"]["spec"]["containers"];
    assert_eq!(
        (
            containers[0]["name"].as_str(),
            containers[1]["name"].as_str()
        ),
        (Some("metrics"), Some("db"))
    );
    assert_eq!(
        containers[1]["env"].as_array().map(Vec::len),
        Some(2),
        "env merged by name: {containers}"
    );
    ok(
        &sim,
        &[
            "patch",
            "sts",
            "db",
            "--type=merge",
            "-p",
            r#"{"spec":{"minReadySeconds":1}}"#,
        ],
    );
    ok(
        &sim,
        &[
            "patch",
            "sts",
            "db",
            "--type=json",
            "-p",
            r#"[{"op":"test","path":"/spec/minReadySeconds","value":1},{"op":"replace","path":"/spec/minReadySeconds","value":2}]"#,
        ],
    );
    assert_eq!(
        json(&sim, &["get", "sts", "db"])["spec"]["minReadySeconds"],
        2
    );

    // label, annotate.
    ok(&sim, &["label", "sts", "db", "tier=data"]);
    ok(&sim, &["annotate", "sts", "db", "owner=team-a"]);
    let meta = &json(&sim, &["get", "sts", "db"])["metadata"];
    assert_eq!(
        (
            meta["labels"]["tier"].as_str(),
            meta["annotations"]["owner"].as_str()
        ),
        (Some("data"), Some("team-a"))
    );
}
