//! Safety (issue: never touch the wrong object): each defect found by review and
//! adversarial runs, with a test that failed before its fix.

use std::time::Duration;

use kubectl_sts::cluster::client::{ClientOptions, Connection, connect};
use kubectl_sts::cluster::load;
use kubectl_sts::cmd::ModelSetup;
use kubectl_sts::model::profile::{Profile, Version};
use kubectl_sts::ops::Target;
use kubectl_sts::sim::store::Kind;
use kubectl_sts::sim::{Cluster, Config};
use kubectl_sts::tui::app::{App, Command, Msg, Op, update};
use serde_json::{Value, json};

use super::live::{Live, serve};

/// A set `web` in `ns`: `replicas` pods, held at `partition`.
pub fn web_in(ns: &str, replicas: i32, partition: i32) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": ns},
        "spec": {"replicas": replicas, "serviceName": "web", "selector": {"matchLabels": {"app": "web"}},
                 "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": partition}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}})
}

pub async fn connection(live: &Live) -> Connection {
    connect(&ClientOptions {
        kubeconfig: Some(live.kubeconfig().into()),
        context: None,
        cluster: None,
        user: None,
        namespace: None,
        impersonate: None,
        impersonate_groups: Vec::new(),
        request_timeout: Some(Duration::from_secs(10)),
    })
    .await
    .unwrap()
}

/// Another client changes the image of `ns/web` (an update through the API).
pub fn set_image(c: &mut Cluster, ns: &str, image: &str) {
    let mut set = c.store.get(Kind::StatefulSet, ns, "web").unwrap().clone();
    set["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image);
    c.store
        .update(Kind::StatefulSet, ns, "web", set, false, false)
        .unwrap();
    c.settle();
}

fn partition(live: &Live, ns: &str) -> i64 {
    live.server.shared.read(|c| {
        c.store
            .get(Kind::StatefulSet, ns, "web")
            .unwrap()
            .pointer("/spec/updateStrategy/rollingUpdate/partition")
            .and_then(Value::as_i64)
            .unwrap()
    })
}

/// Defect 1: under `dashboard -A`, confirming a step on `db/web` stepped `default/web`
/// (the namespace of the command was dropped and the connection's default used).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_acts_on_the_namespace_of_the_set_it_shows() {
    let mut c = Cluster::new(Config::default());
    c.seed(vec![web_in("default", 3, 3), web_in("db", 3, 3)])
        .unwrap();
    c.advance(jiff::SignedDuration::from_secs(60));
    for ns in ["default", "db"] {
        set_image(&mut c, ns, "nginx:1.26");
    }
    let live = serve(c).await;
    let conn = connection(&live).await;
    assert_eq!(conn.namespace, "default", "the connection's own namespace");
    let profile = Profile::for_version(Version::parse("1.36").unwrap()).unwrap();
    let now = jiff::Timestamp::now();
    // The dashboard over all namespaces shows db/web; the user steps it.
    let snap = load::snapshot(&conn.client, "db", "web").await.unwrap();
    let mut app = App::new("", now, profile, false);
    update(&mut app, Msg::Snapshot(Box::new(snap)));
    let key = |c| {
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        ))
    };
    update(&mut app, key('s'));
    let (_, cmds) = update(&mut app, key('y'));
    let [
        Command::Run {
            namespace,
            name,
            op,
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    assert_eq!((namespace.as_str(), name.as_str()), ("db", "web"));
    assert_eq!(*op, Op::Step { by: 1 });
    // What the event loop runs for it.
    let setup = ModelSetup { now, profile };
    let target = Target::new(namespace.clone(), name.clone());
    let mut out = Vec::new();
    // Run it until db/web's partition moves (the step then waits out --stable-for).
    let moved = async {
        for _ in 0..400 {
            tokio::time::sleep(Duration::from_millis(25)).await;
            live.server.advance(jiff::SignedDuration::from_secs(1));
            if partition(&live, "db") != 3 {
                return;
            }
        }
        panic!("db/web's partition never moved");
    };
    tokio::select! {
        r = kubectl_sts::tui::run_op(&conn, &setup, &target, op, &mut out) => r.unwrap(),
        _ = moved => {}
    }
    assert_eq!(
        partition(&live, "db"),
        2,
        "{}",
        String::from_utf8_lossy(&out)
    );
    assert_eq!(
        partition(&live, "default"),
        3,
        "the other namespace's set is untouched"
    );
}
