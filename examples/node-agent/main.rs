//! The node agent of the real-cluster suite (`scripts/real-cluster up`): there is no
//! kubelet and no container runtime, so this stands in for both, through the same API a
//! kubelet uses. It registers a Node and keeps its Lease, binds pending pods to it,
//! reports them Running and Ready after `--ready-after` with real container statuses,
//! crash-loops images named `*:broken`, honours the scripted readiness annotation
//! `e2e.kubectl-sts.io/ready: "false"`, finishes deletions after the grace period (capped
//! by `--terminate-after`), and provisions claims: a static provisioner binds each claim of
//! its StorageClass to a PersistentVolume it creates, deletes released volumes, and
//! expands claims (the external resizer's part, then the file system's after
//! `--resize-after`).
//!
//!     KUBECONFIG=… cargo run --example node-agent -- --ready-after 1s

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod node;
mod pods;
mod serve;
mod volumes;

use std::time::Duration;

use clap::Parser;

#[derive(Parser, Debug, Clone)]
pub struct Args {
    /// The Node's name.
    #[arg(long, default_value = "kubectl-sts-node")]
    node: String,
    /// From a pod's binding to Ready (Running at half of it).
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    ready_after: Duration,
    /// At most this long from a pod's deletion to gone (its grace period if shorter).
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    terminate_after: Duration,
    /// A `*:broken` container restarts this often.
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    crash_every: Duration,
    /// From a claim's expansion request to its new capacity.
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    resize_after: Duration,
    /// The pods' IP: the API server's pod proxy must reach it (not loopback, which it
    /// refuses); default: this machine's address on its default route.
    #[arg(long)]
    pod_ip: Option<std::net::IpAddr>,
    /// The port the pods serve on (`serve.rs`: health and a Prometheus stand-in).
    #[arg(long, default_value_t = 18080)]
    http_port: u16,
    /// How often the agent looks at the cluster.
    #[arg(long, default_value = "200ms", value_parser = parse_duration)]
    every: Duration,
}

/// The address this machine sends from on its default route (no packet is sent).
fn default_ip() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("10.255.255.255:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let (n, unit) = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map(|i| s.split_at(i))
        .ok_or_else(|| format!("{s:?}: a duration such as 500ms or 2s"))?;
    let n: f64 = n.parse().map_err(|_| format!("{s:?}: not a duration"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        _ => return Err(format!("{s:?}: the unit is ms, s or m")),
    };
    Ok(Duration::from_secs_f64(secs))
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let client = match kube::Client::try_default().await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("node-agent: cannot reach the cluster: {e}");
            std::process::exit(1);
        }
    };
    let pod_ip = args
        .pod_ip
        .or_else(default_ip)
        .unwrap_or([10, 244, 0, 1].into());
    let served = serve::Pods::default();
    let listen = std::net::SocketAddr::new([0, 0, 0, 0].into(), args.http_port);
    let pods_served = served.clone();
    tokio::spawn(async move {
        if let Err(e) = serve::serve(listen, pods_served).await {
            eprintln!("node-agent: cannot serve on {listen}: {e}");
            std::process::exit(1);
        }
    });
    eprintln!("node-agent: pods at {pod_ip}, serving on {listen}");
    let mut state = pods::State::new(pod_ip.to_string(), served);
    let mut node = node::Node::new(client.clone(), &args.node);
    let mut volumes = volumes::Volumes::new(client.clone(), args.resize_after);
    loop {
        // Each part logs and carries on: an API server restart (the suite makes one)
        // must not end the agent.
        if let Err(e) = node.keep(&args).await {
            eprintln!("node-agent: node: {e}");
        }
        if let Err(e) = state.tick(&client, &args).await {
            eprintln!("node-agent: pods: {e}");
        }
        if let Err(e) = volumes.tick().await {
            eprintln!("node-agent: volumes: {e}");
        }
        tokio::time::sleep(args.every).await;
    }
}
