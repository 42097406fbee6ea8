//! Retries: with a fifth of all API requests failing (500, 503 and 429, the last two with
//! Retry-After, as kube-apiserver sends them), each workflow finishes in one run — reads
//! retry with backoff, preconditioned writes retry, watches reconnect.

use kubectl_sts::sim::store::Kind;

use super::live::{Live, scenario, serve};
use super::recovery::run_advancing;

async fn faulty(name: &str, extra: &[kubectl_sts::sim::scenario::Step], seed: u64) -> Live {
    let mut c = scenario(name, extra);
    c.config.faults.error_rate = 0.2;
    c.config.faults.codes = vec![500, 503, 429];
    c.config.faults.seed = seed;
    serve(c).await
}

fn images(live: &Live) -> Vec<String> {
    live.server.shared.read(|c| {
        c.store
            .all(Kind::Pod)
            .map(|p| {
                p["spec"]["containers"][0]["image"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    })
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
