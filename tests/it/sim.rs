//! The simulated cluster through the same kube-rs client a real cluster sees (loopback
//! HTTP), and through the real kubectl binary.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use jiff::SignedDuration;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::Client;
use kube::api::{
    Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, Preconditions, WatchEvent,
    WatchParams,
};
use kubectl_sts::model::plan::{Action, DeleteReason};
use kubectl_sts::sim::scenario::Scenario;
use kubectl_sts::sim::server::Server;
use kubectl_sts::sim::{Cluster, Config};
use serde_json::json;

async fn start(scenario: &str, config: Config) -> (Server, Client) {
    let mut cluster = Cluster::new(config);
    Scenario::load(scenario)
        .unwrap()
        .start(&mut cluster)
        .unwrap();
    let server = Server::start(super::live::lagging(cluster), 0)
        .await
        .unwrap();
    let mut cfg = kube::Config::new(server.url().parse().unwrap());
    cfg.default_namespace = "default".into();
    let client = Client::try_from(cfg).unwrap();
    (server, client)
}

/// The resourceVersion a watch started now would resume from.
async fn current_rv(pods: &Api<Pod>) -> String {
    pods.list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap()
}

fn api_err(e: kube::Error) -> u16 {
    match e {
        kube::Error::Api(s) => s.code,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn list_get_and_a_stale_update_conflicts() {
    let (_server, client) = start("default", Config::default()).await;
    let pods: Api<Pod> = Api::default_namespaced(client.clone());
    let list = pods
        .list(&ListParams::default().labels("app=web"))
        .await
        .unwrap();
    assert_eq!(list.items.len(), 5);
    assert!(list.metadata.resource_version.is_some());
    let one = pods
        .list(&ListParams::default().fields("metadata.name=web-3"))
        .await
        .unwrap();
    assert_eq!(one.items.len(), 1);
    assert_eq!(
        one.items[0].status.as_ref().unwrap().phase.as_deref(),
        Some("Running")
    );

    let sets: Api<StatefulSet> = Api::default_namespaced(client);
    let mut set = sets.get("web").await.unwrap();
    let stale = set.clone();
    set.spec.as_mut().unwrap().replicas = Some(6);
    sets.replace("web", &PostParams::default(), &set)
        .await
        .unwrap();
    let err = sets
        .replace("web", &PostParams::default(), &stale)
        .await
        .unwrap_err();
    assert_eq!(api_err(err), 409);
    assert_eq!(api_err(sets.get("nope").await.unwrap_err()), 404);
}

#[tokio::test]
async fn delete_preconditions_and_graceful_deletion() {
    let (server, client) = start("default", Config::default()).await;
    let pods: Api<Pod> = Api::default_namespaced(client);
    let pod = pods.get("web-4").await.unwrap();
    let wrong = DeleteParams {
        preconditions: Some(Preconditions {
            uid: Some("not-the-uid".into()),
            resource_version: None,
        }),
        ..Default::default()
    };
    assert_eq!(
        api_err(pods.delete("web-4", &wrong).await.unwrap_err()),
        409
    );
    let right = DeleteParams {
        preconditions: Some(Preconditions {
            uid: pod.metadata.uid.clone(),
            resource_version: None,
        }),
        ..Default::default()
    };
    pods.delete("web-4", &right).await.unwrap();
    let terminating = pods.get("web-4").await.unwrap();
    assert!(
        terminating.metadata.deletion_timestamp.is_some(),
        "pods terminate gracefully"
    );
    server.advance(SignedDuration::from_secs(5));
    let replaced = pods.get("web-4").await.unwrap();
    assert_ne!(
        replaced.metadata.uid, pod.metadata.uid,
        "the controller recreated web-4"
    );
}

#[tokio::test]
async fn dry_run_leaves_the_store_unchanged() {
    let (server, client) = start("default", Config::default()).await;
    let rv = server.shared.read(|c| c.store.resource_version());
    let sets: Api<StatefulSet> = Api::default_namespaced(client.clone());
    let dry = PatchParams {
        dry_run: true,
        ..Default::default()
    };
    let patched = sets
        .patch("web", &dry, &Patch::Merge(json!({"spec": {"replicas": 9}})))
        .await
        .unwrap();
    assert_eq!(
        patched.spec.unwrap().replicas,
        Some(9),
        "the answer shows the result"
    );
    let pods: Api<Pod> = Api::default_namespaced(client);
    pods.delete(
        "web-0",
        &DeleteParams {
            dry_run: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(server.shared.read(|c| c.store.resource_version()), rv);
    assert_eq!(
        sets.get("web").await.unwrap().spec.unwrap().replicas,
        Some(5)
    );
}

#[tokio::test]
async fn invalid_specs_are_rejected_with_422() {
    let (_server, client) = start("default", Config::default()).await;
    let sets: Api<StatefulSet> = Api::default_namespaced(client);
    let bad = Patch::Merge(
        json!({"spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": -1}}}}),
    );
    assert_eq!(
        api_err(
            sets.patch("web", &PatchParams::default(), &bad)
                .await
                .unwrap_err()
        ),
        422
    );
    let immutable = Patch::Merge(json!({"spec": {"serviceName": "other"}}));
    assert_eq!(
        api_err(
            sets.patch("web", &PatchParams::default(), &immutable)
                .await
                .unwrap_err()
        ),
        422
    );
}

#[tokio::test]
async fn json_patch_test_guards_a_partition_change() {
    let (_server, client) = start("partitioned", Config::default()).await;
    let sets: Api<StatefulSet> = Api::default_namespaced(client);
    let path = "/spec/updateStrategy/rollingUpdate/partition";
    let wrong: json_patch_ops::Ops = serde_json::from_value(json!([{"op": "test", "path": path, "value": 4}, {"op": "replace", "path": path, "value": 2}])).unwrap();
    let err = sets
        .patch("web", &PatchParams::default(), &Patch::Json::<()>(wrong.0))
        .await
        .unwrap_err();
    assert_eq!(api_err(err), 422);
    let right: json_patch_ops::Ops = serde_json::from_value(json!([{"op": "test", "path": path, "value": 3}, {"op": "replace", "path": path, "value": 2}])).unwrap();
    let set = sets
        .patch("web", &PatchParams::default(), &Patch::Json::<()>(right.0))
        .await
        .unwrap();
    assert_eq!(
        set.spec
            .unwrap()
            .update_strategy
            .unwrap()
            .rolling_update
            .unwrap()
            .partition,
        Some(2)
    );
}

/// kube's `Patch::Json` takes a `json_patch::Patch`; this module only names it.
mod json_patch_ops {
    #[derive(serde::Deserialize)]
    pub struct Ops(pub json_patch::Patch);
}

#[tokio::test]
async fn watches_resume_from_a_resource_version_and_expire_with_410() {
    let config = Config {
        history: 50,
        ..Config::default()
    };
    let (server, client) = start("default", config).await;
    let pods: Api<Pod> = Api::default_namespaced(client);
    let rv = current_rv(&pods).await;
    let mut stream = pods
        .watch(&WatchParams::default().labels("app=web"), &rv)
        .await
        .unwrap()
        .boxed();
    let p = Patch::Merge(json!({"metadata": {"labels": {"touched": "yes"}}}));
    pods.patch("web-2", &PatchParams::default(), &p)
        .await
        .unwrap();
    let event = tokio::time::timeout(Duration::from_secs(5), stream.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    match event {
        WatchEvent::Modified(pod) => assert_eq!(pod.metadata.name.as_deref(), Some("web-2")),
        other => panic!("expected MODIFIED web-2, got {other:?}"),
    }
    // Push the old resourceVersion out of the (small) history.
    for i in 0..60 {
        let p = Patch::Merge(json!({"metadata": {"labels": {"n": i.to_string()}}}));
        pods.patch("web-1", &PatchParams::default(), &p)
            .await
            .unwrap();
    }
    let mut expired = pods
        .watch(&WatchParams::default(), &rv)
        .await
        .unwrap()
        .boxed();
    let event = tokio::time::timeout(Duration::from_secs(5), expired.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    match event {
        WatchEvent::Error(e) => assert_eq!(e.code, 410),
        other => panic!("expected a 410 ERROR event, got {other:?}"),
    }
    drop(server);
}

#[tokio::test]
async fn watch_bookmarks_are_sent_when_asked_for() {
    let (_server, client) = start("default", Config::default()).await;
    let pods: Api<Pod> = Api::default_namespaced(client);
    let rv = current_rv(&pods).await;
    let mut stream = pods
        .watch(
            &WatchParams {
                bookmarks: true,
                ..WatchParams::default()
            },
            &rv,
        )
        .await
        .unwrap()
        .boxed();
    let event = tokio::time::timeout(Duration::from_secs(5), stream.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(matches!(event, WatchEvent::Bookmark(_)), "{event:?}");
}

#[tokio::test]
async fn injected_faults_answer_with_kubernetes_errors() {
    let mut config = Config::default();
    config.faults.error_rate = 1.0;
    config.faults.codes = vec![500];
    let (_server, client) = start("default", config).await;
    let pods: Api<Pod> = Api::default_namespaced(client);
    assert_eq!(api_err(pods.get("web-0").await.unwrap_err()), 500);
}

#[tokio::test]
async fn a_rollout_completes_top_down_one_pod_at_a_time() {
    let (server, client) = start("default", Config::default()).await;
    let sets: Api<StatefulSet> = Api::default_namespaced(client);
    let seeded = server.shared.read(|c| c.log.len());
    let p = Patch::Strategic(
        json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}}}),
    );
    sets.patch("web", &PatchParams::default(), &p)
        .await
        .unwrap();
    let done = server.run_until(SignedDuration::from_secs(600), |c| {
        let s = c
            .store
            .get(kubectl_sts::sim::store::Kind::StatefulSet, "default", "web")
            .unwrap();
        s["status"]["currentRevision"] == s["status"]["updateRevision"]
            && s["status"]["updatedReplicas"] == 5
    });
    assert!(done, "the rollout completes");
    let log = server.shared.read(|c| c.log[seeded..].to_vec());
    let deletions: Vec<i32> = log
        .iter()
        .filter_map(|r| match &r.action {
            Action::DeletePod {
                ordinal,
                reason: DeleteReason::Update,
                ..
            } => Some(*ordinal),
            _ => None,
        })
        .collect();
    assert_eq!(deletions, [4, 3, 2, 1, 0]);
    // One at a time: each deletion comes after the previous replacement was created.
    let kinds: Vec<String> = log
        .iter()
        .filter(|r| {
            matches!(
                r.action,
                Action::DeletePod { .. } | Action::CreatePod { .. }
            )
        })
        .map(|r| format!("{} {}", r.action.kind(), r.action.name()))
        .collect();
    assert_eq!(
        kinds[..4],
        [
            "DeletePod web-4",
            "CreatePod web-4",
            "DeletePod web-3",
            "CreatePod web-3"
        ]
    );
    let set = sets.get("web").await.unwrap();
    let status = set.status.unwrap();
    assert_eq!(status.current_revision, status.update_revision);
}

#[tokio::test]
async fn a_broken_image_stops_at_the_highest_ordinal() {
    let (server, client) = start("default", Config::default()).await;
    let sets: Api<StatefulSet> = Api::default_namespaced(client.clone());
    let p = Patch::Strategic(
        json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:broken"}]}}}}),
    );
    sets.patch("web", &PatchParams::default(), &p)
        .await
        .unwrap();
    server.advance(SignedDuration::from_secs(30 * 60));
    let pods: Api<Pod> = Api::default_namespaced(client);
    let web4 = pods.get("web-4").await.unwrap();
    let status = web4.status.unwrap();
    assert_eq!(
        status.container_statuses.unwrap()[0]
            .state
            .as_ref()
            .unwrap()
            .waiting
            .as_ref()
            .unwrap()
            .reason
            .as_deref(),
        Some("CrashLoopBackOff")
    );
    let set = sets.get("web").await.unwrap().status.unwrap();
    assert_eq!(set.updated_replicas, Some(1), "only web-4 moved");
    assert_ne!(
        set.current_revision, set.update_revision,
        "stuck: never completes"
    );
    let web3 = pods.get("web-3").await.unwrap();
    assert_ne!(
        web3.metadata.labels.unwrap()["controller-revision-hash"],
        set.update_revision.unwrap()
    );
}

#[test]
fn demo_headless_tells_the_story() {
    let r = super::support::run(&["demo", "--headless"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = &r.stdout;
    // The tool's own commands run in the story, each followed by what it printed.
    let after = |command: &str, printed: &str| {
        // `[t+5s] $ …`: a step of the story, not a remedy quoted in a status.
        let head = format!("] $ {command}\n");
        let at = out
            .find(&head)
            .unwrap_or_else(|| panic!("no `$ {command}` in:\n{out}"))
            + head.len();
        let next = out[at..].find("] $ ").map_or(out.len(), |n| at + n);
        assert!(
            out[at..next].contains(printed),
            "`{command}` should print {printed:?}:\n{}",
            &out[at..next]
        );
    };
    after(
        "kubectl sts rollout web --step",
        "statefulset.apps/web partition 5 → 4",
    );
    after(
        "kubectl sts rollout web --step",
        "✓ web-4 updated, Ready, available and stable",
    );
    after(
        "kubectl sts rollout web --all --stable-for 10s",
        "every ordinal is on the update revision",
    );
    after(
        "kubectl sts rollout status web --timeout 1m",
        "is stuck: web-4",
    );
    after("kubectl sts force-rollback web", "Proceed? [y/N] y");
    after("kubectl sts force-rollback web", "deleted web-4 (uid ");
    after(
        "kubectl sts force-rollback web",
        "[complete] rollout complete",
    );
    after("kubectl sts delete web", "web-0 gone");
    after("kubectl sts delete web", "deleted statefulset/web");
    assert!(out.contains("[STUCK] web-4 still runs revision"), "{out}");
    assert!(out.contains("kubectl rollout undo statefulset/web"));
    // It ends with the set gone.
    assert!(
        out.trim_end()
            .ends_with("error: statefulsets.apps \"web\" not found in namespace \"default\""),
        "{out}"
    );
    // On the virtual clock: 17 minutes of story in well under a minute.
    assert!(out.contains("[t+16m]"), "{out}");
    for scenario in ["default", "partitioned", "stuck", "parallel", "ondelete"] {
        let r = super::support::run(&["demo", "--headless", "--scenario", scenario]);
        assert_eq!(r.code, 0, "{scenario}: {}", r.stderr);
    }
    let r = super::support::run(&["demo", "--headless", "--scenario", "nope"]);
    assert_eq!(r.code, 2);
}

#[tokio::test]
async fn injected_watch_drops_end_the_stream() {
    let mut config = Config::default();
    config.faults.drop_watch_after = Some(2);
    let (_server, client) = start("default", config).await;
    let pods: Api<Pod> = Api::default_namespaced(client);
    let rv = current_rv(&pods).await;
    let mut stream = pods
        .watch(&WatchParams::default(), &rv)
        .await
        .unwrap()
        .boxed();
    for i in 0..3 {
        let p = Patch::Merge(json!({"metadata": {"labels": {"n": i.to_string()}}}));
        pods.patch("web-1", &PatchParams::default(), &p)
            .await
            .unwrap();
    }
    let mut events = 0;
    while let Ok(Some(Ok(_))) = tokio::time::timeout(Duration::from_secs(5), stream.next()).await {
        events += 1;
    }
    assert_eq!(events, 2, "the watch was cut after two events");
}

/// Lists page as kube-apiserver's do: `limit` cuts, `continue` resumes after the last
/// key at the first page's resourceVersion, `remainingItemCount` counts the rest; a
/// bad token is 400.
#[tokio::test]
async fn lists_page_with_limit_and_continue() {
    let (_server, client) = start("default", Config::default()).await;
    let pods: Api<Pod> = Api::default_namespaced(client);
    let mut names = Vec::new();
    let mut pages = 0;
    let mut token: Option<String> = None;
    let mut first_rv = None;
    loop {
        let mut lp = ListParams::default().limit(2);
        if let Some(t) = &token {
            lp = lp.continue_token(t);
        }
        let page = pods.list(&lp).await.unwrap();
        pages += 1;
        assert!(page.items.len() <= 2);
        let rv = page.metadata.resource_version.clone();
        assert_eq!(
            *first_rv.get_or_insert(rv.clone()),
            rv,
            "every page at the first's rv"
        );
        names.extend(page.items.iter().map(|p| p.metadata.name.clone().unwrap()));
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(t) => {
                assert!(page.metadata.remaining_item_count.unwrap() > 0);
                token = Some(t);
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(names, ["web-0", "web-1", "web-2", "web-3", "web-4"]);
    let bad = pods
        .list(&ListParams::default().limit(2).continue_token("zz"))
        .await
        .unwrap_err();
    assert_eq!(api_err(bad), 400);
}

/// A resourceVersion the server has not reached is 504 ResourceVersionTooLarge, for a
/// list and for a watch. (Raw HTTP: kube-rs retries 504s by itself.)
#[tokio::test]
async fn a_future_resource_version_is_too_large() {
    let (server, client) = start("default", Config::default()).await;
    let pods: Api<Pod> = Api::default_namespaced(client);
    let rv: u64 = current_rv(&pods).await.parse().unwrap();
    let future = rv + 1000;
    for query in [
        format!("resourceVersion={future}&resourceVersionMatch=NotOlderThan"),
        format!("watch=1&resourceVersion={future}"),
    ] {
        let (status, body) =
            raw_get(&server, &format!("/api/v1/namespaces/default/pods?{query}")).await;
        assert_eq!(status, 504, "{query}: {body}");
        assert!(body.contains("Too large resource version"), "{body}");
        assert!(body.contains("ResourceVersionTooLarge"), "{body}");
    }
    let (status, _) = raw_get(
        &server,
        &format!("/api/v1/namespaces/default/pods?resourceVersion={rv}"),
    )
    .await;
    assert_eq!(status, 200);
}

/// One GET over a fresh connection: the status code and the body.
async fn raw_get(server: &Server, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: sim\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).await.unwrap();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// An object relabelled out of a watch's selector arrives as DELETED (its previous
/// content), and back in as ADDED — as the API server's watch cache sends them.
#[tokio::test]
async fn an_object_leaving_the_selector_is_deleted_from_the_watch() {
    let (_server, client) = start("default", Config::default()).await;
    let pods: Api<Pod> = Api::default_namespaced(client);
    let rv = current_rv(&pods).await;
    let mut events = pods
        .watch(&WatchParams::default().labels("app=web"), &rv)
        .await
        .unwrap()
        .boxed();
    let relabel = |value: &str| json!({"metadata": {"labels": {"app": value}}});
    pods.patch(
        "web-1",
        &PatchParams::default(),
        &Patch::Merge(relabel("other")),
    )
    .await
    .unwrap();
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !seen
        .iter()
        .any(|(t, n): &(String, String)| t == "DELETED" && n == "web-1")
    {
        let ev = tokio::time::timeout_at(deadline, events.try_next())
            .await
            .expect("a DELETED event for web-1")
            .unwrap()
            .unwrap();
        match ev {
            WatchEvent::Deleted(p) => {
                // The content before the change: still in the selector.
                assert_eq!(p.metadata.labels.unwrap()["app"], "web");
                seen.push(("DELETED".into(), p.metadata.name.unwrap()));
            }
            WatchEvent::Added(p) => seen.push(("ADDED".into(), p.metadata.name.unwrap())),
            WatchEvent::Modified(p) => {
                assert_eq!(
                    p.metadata.labels.as_ref().unwrap()["app"],
                    "web",
                    "only matching objects are MODIFIED"
                );
                seen.push(("MODIFIED".into(), p.metadata.name.unwrap()));
            }
            _ => {}
        }
    }
    pods.patch(
        "web-1",
        &PatchParams::default(),
        &Patch::Merge(relabel("web")),
    )
    .await
    .unwrap();
    loop {
        let ev = tokio::time::timeout_at(deadline, events.try_next())
            .await
            .expect("an ADDED event for web-1")
            .unwrap()
            .unwrap();
        if let WatchEvent::Added(p) = ev
            && p.metadata.name.as_deref() == Some("web-1")
        {
            break;
        }
    }
}

/// A uid in an update or patch body is a precondition: another object by that name (or
/// one recreated since) answers 409, as kube-apiserver does.
#[tokio::test]
async fn a_uid_in_the_body_is_a_precondition() {
    let (_server, client) = start("default", Config::default()).await;
    let sets: Api<StatefulSet> = Api::default_namespaced(client);
    let stale = json!({"metadata": {"uid": "not-the-uid", "annotations": {"a": "b"}}});
    let err = sets
        .patch("web", &PatchParams::default(), &Patch::Merge(&stale))
        .await
        .unwrap_err();
    let kube::Error::Api(status) = err else {
        panic!("{err:?}")
    };
    assert_eq!(status.code, 409);
    assert!(
        status
            .message
            .contains("Precondition failed: UID in precondition"),
        "{}",
        status.message
    );
    let uid = sets.get("web").await.unwrap().metadata.uid.unwrap();
    let same = json!({"metadata": {"uid": uid, "annotations": {"a": "b"}}});
    sets.patch("web", &PatchParams::default(), &Patch::Merge(&same))
        .await
        .unwrap();
}

/// A JSON patch that replaces `metadata.resourceVersion` makes it a precondition, as
/// kube-apiserver does (kubectl's managed-fields upgrade relies on it): a stale one is
/// 409 and changes nothing; the current one goes through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_patch_of_the_resource_version_is_a_precondition() {
    let (_server, client) = start("default", Config::default()).await;
    let sets: Api<StatefulSet> = Api::default_namespaced(client);
    let patch = |rv: &str| {
        let ops: json_patch::Patch = serde_json::from_value(json!([
            {"op": "add", "path": "/spec/minReadySeconds", "value": 7},
            {"op": "replace", "path": "/metadata/resourceVersion", "value": rv},
        ]))
        .unwrap();
        Patch::<()>::Json(ops)
    };
    let err = sets
        .patch("web", &PatchParams::default(), &patch("1"))
        .await
        .unwrap_err();
    let kube::Error::Api(status) = err else {
        panic!("{err:?}")
    };
    assert_eq!(status.code, 409, "{}", status.message);
    let set = sets.get("web").await.unwrap();
    assert_eq!(set.spec.as_ref().unwrap().min_ready_seconds, None);
    let rv = set.metadata.resource_version.unwrap();
    let set = sets
        .patch("web", &PatchParams::default(), &patch(&rv))
        .await
        .unwrap();
    assert_eq!(set.spec.unwrap().min_ready_seconds, Some(7));
}
