//! The vectors the real controller of each release produced (`scripts/parity` runs the
//! oracles of `scripts/oracle` and keeps a sample of each release's agreeing scenarios,
//! and every minimized disagreement, under `tests/parity/vectors`): each passes through
//! `kubectl-sts plan -f` with that exact release's profile. No Go is needed here.

use std::collections::BTreeSet;

use super::conformance::{compare, load, plan_of, vectors_in};

#[test]
fn every_release_s_oracle_vectors_pass_through_plan() {
    let dir = tempfile::tempdir().unwrap();
    let paths = vectors_in("tests/parity/vectors");
    let mut releases = BTreeSet::new();
    let mut failures = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let v = load(path);
        let code = v["kubernetesCode"].as_str().unwrap_or("").to_string();
        releases.insert(
            code.trim_start_matches('v')
                .split('.')
                .take(2)
                .collect::<Vec<_>>()
                .join("."),
        );
        let diffs = match plan_of(&v, dir.path(), i) {
            Ok(plan) => compare(&v, &plan),
            Err(e) => vec![e],
        };
        if !diffs.is_empty() {
            let name = path.file_name().unwrap().to_string_lossy();
            failures.push(format!(
                "FAIL {name} ({code})\n    {}",
                diffs.join("\n    ")
            ));
        }
    }
    println!(
        "oracle vectors: {} passed, {} failed, releases {releases:?}",
        paths.len() - failures.len(),
        failures.len()
    );
    // Every modelled release the proxy serves has its vectors.
    let want: BTreeSet<String> = (28..=37).map(|m| format!("1.{m}")).collect();
    assert_eq!(releases, want, "releases with oracle vectors");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A cluster whose release is newer than every verified one is served with the newest
/// verified profile, and the user is told: which release, and the newest verified one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_newer_than_every_verified_release_is_warned_about() {
    use std::convert::Infallible;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let service = hyper::service::service_fn(
                |req: hyper::Request<hyper::body::Incoming>| async move {
                    let body = if req.uri().path() == "/version" {
                        serde_json::json!({"major": "1", "minor": "38", "gitVersion": "v1.38.0", "platform": "linux/amd64"})
                    } else {
                        serde_json::json!({"kind": "List", "apiVersion": "v1", "metadata": {"resourceVersion": "1"}, "items": []})
                    };
                    let mut res = hyper::Response::new(http_body_util::Full::new(
                        hyper::body::Bytes::from(body.to_string()),
                    ));
                    res.headers_mut()
                        .insert("content-type", "application/json".parse().unwrap());
                    Ok::<_, Infallible>(res)
                },
            );
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service),
            );
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:{port}\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\n    namespace: default\ncurrent-context: c\nusers:\n- name: u\n  user: {{}}\n"),
    )
    .unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .args(["status", "--kubeconfig", kubeconfig.to_str().unwrap()])
        .env("HOME", dir.path())
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("the server runs Kubernetes 1.38.0, newer than any release the model is verified against; the newest is 1.37 (v1.37.2)"),
        "{stderr}"
    );
}
