//! Retries: with a fifth of all API requests failing (500, 503 and 429, the last two with
//! Retry-After, as kube-apiserver sends them), each workflow finishes in one run — reads
//! retry with backoff, preconditioned writes retry, watches reconnect.

use kubectl_sts::sim::store::Kind;

use super::live::{Live, images, scenario, serve};
use super::recovery::run_advancing;

async fn faulty(name: &str, extra: &[kubectl_sts::sim::scenario::Step], seed: u64) -> Live {
    let mut c = scenario(name, extra);
    c.config.faults.error_rate = 0.2;
    c.config.faults.codes = vec![500, 503, 429];
    c.config.faults.seed = seed;
    serve(c).await
}

fn faults_served(live: &Live) -> usize {
    live.server
        .shared
        .requests()
        .iter()
        .filter(|r| matches!(r.status, 500 | 503 | 429))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_a_fifth_of_requests_failing_every_workflow_finishes_in_one_run() {
    for seed in [7] {
        // rollout --all, down to partition 0.
        let live = faulty("default", &super::stepping::held("nginx:1.26"), seed).await;
        let (code, out, err) = run_advancing(
            &live,
            &[
                "rollout",
                "web",
                "--all",
                "--stable-for",
                "0s",
                "--yes",
                "--pause-between",
                "0s",
            ],
        )
        .await;
        assert_eq!(code, 0, "seed {seed}: rollout --all: {out}{err}");
        assert!(
            images(&live).iter().all(|i| i == "nginx:1.26"),
            "seed {seed}: {out}"
        );
        assert!(
            faults_served(&live) > 0,
            "seed {seed}: faults were injected"
        );

        // force-rollback of a stuck rollout.
        let live = faulty("stuck", &[], seed).await;
        let (code, out, err) = run_advancing(
            &live,
            &["force-rollback", "web", "--yes", "--timeout", "2m"],
        )
        .await;
        assert_eq!(code, 0, "seed {seed}: force-rollback: {out}{err}");
        assert!(
            images(&live).iter().all(|i| i == "nginx:1.25"),
            "seed {seed}: {out}"
        );
        assert!(faults_served(&live) > 0);

        // delete, the ordered teardown.
        let live = faulty("default", &[], seed).await;
        let (code, out, err) =
            run_advancing(&live, &["delete", "web", "--yes", "--timeout", "2m"]).await;
        assert_eq!(code, 0, "seed {seed}: delete: {out}{err}");
        assert!(
            live.server
                .shared
                .read(|c| c.store.get(Kind::StatefulSet, "default", "web").is_none()),
            "seed {seed}: the set is gone"
        );
        assert!(faults_served(&live) > 0);
    }
}

/// Defect: after an outage, kube-runtime's watchers resume without a word, so a wait
/// that went blind on the outage stayed blind while nothing changed (a step waiting out
/// `--stable-for` then waited out `--step-timeout`; `stepping::stability_is_not_counted_
/// while_the_server_cannot_be_seen` hung now and then). The stream now reads the state
/// afresh once the server answers and sends it, changed or not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_an_outage_the_watch_sends_the_state_it_sees_again_though_nothing_changed() {
    use futures::StreamExt;
    use kubectl_sts::cluster::watch::{Update, snapshots};
    let live = serve(scenario("default", &[])).await;
    // Settled: nothing changes from here on.
    live.server.advance(jiff::SignedDuration::from_secs(120));
    // The client the tool watches with, from the kubeconfig.
    let conn = super::safety::connection(&live).await;
    let stream = snapshots(&conn, "default".into(), "web".into())
        .await
        .unwrap();
    let mut stream = std::pin::pin!(stream);
    assert!(matches!(
        next_update(&mut stream).await,
        Some(Update::Snapshot(_))
    ));
    // Follow until every watch is established (a quiet second: the caches have synced
    // and nothing changes), then cut the server off.
    while let Ok(Some(u)) =
        tokio::time::timeout(std::time::Duration::from_secs(1), stream.next()).await
    {
        assert!(matches!(u, Update::Snapshot(_)));
    }
    live.server
        .shared
        .with(|c| c.config.faults.unreachable = true);
    let mut errors = 0;
    let seen_again = loop {
        match next_update(&mut stream).await {
            Some(Update::Reconnecting(_)) => {
                errors += 1;
                if errors == 1 {
                    let shared = live.server.shared.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                        shared.with(|c| c.config.faults = Default::default());
                    });
                }
            }
            Some(Update::Snapshot(s)) => break s,
            Some(Update::Unread(_)) => {}
            None => panic!("no state within 10 s after the outage ({errors} errors)"),
        }
    };
    assert!(errors >= 1);
    assert_eq!(seen_again.pods().len(), 5);
    // The watches work again: a change shows.
    live.server
        .shared
        .with(|c| c.config.faults = Default::default());
    let mut ok = false;
    live.server.shared.with(|c| {
        c.store
            .write_system(Kind::StatefulSet, "default", "web", |s| {
                s["metadata"]["labels"]["touched"] = serde_json::json!("yes");
            })
            .unwrap();
    });
    for _ in 0..5 {
        if let Some(Update::Snapshot(s)) = next_update(&mut stream).await
            && s.set_json()["metadata"]["labels"]["touched"] == "yes"
        {
            ok = true;
            break;
        }
    }
    assert!(ok, "a change after the outage is seen through the watches");
}

/// The stream's next update, or none within 10 s.
async fn next_update<S>(
    stream: &mut std::pin::Pin<&mut S>,
) -> Option<kubectl_sts::cluster::watch::Update>
where
    S: futures::Stream<Item = kubectl_sts::cluster::watch::Update> + ?Sized,
{
    use futures::StreamExt;
    tokio::time::timeout(std::time::Duration::from_secs(10), stream.next())
        .await
        .ok()
        .flatten()
}
