//! Building the client as kubectl does: `--kubeconfig` or `KUBECONFIG` (several paths,
//! merged) or `~/.kube/config`, then `--context`, `--cluster`, `--user`; the namespace
//! from `-n` or the context; `--as` / `--as-group` impersonation; `--request-timeout`;
//! in-cluster configuration when there is no kubeconfig at all.

use std::path::PathBuf;
use std::time::Duration;

use kube::Client;
use kube::config::{Config, KubeConfigOptions, Kubeconfig};

use crate::error::{Error, Result};

/// kubectl's connection flags.
#[derive(Clone, Debug, Default)]
pub struct ClientOptions {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub cluster: Option<String>,
    pub user: Option<String>,
    pub namespace: Option<String>,
    pub impersonate: Option<String>,
    pub impersonate_groups: Vec<String>,
    pub request_timeout: Option<Duration>,
}

/// A client and where it points.
#[derive(Clone)]
pub struct Connection {
    /// For requests: bounded by --request-timeout.
    pub client: Client,
    /// For watches: --request-timeout bounds connecting, not the long read.
    pub watch_client: Client,
    pub namespace: String,
    pub server: String,
}

impl Connection {
    /// A connection over one client for requests and watches alike (the demo's
    /// in-process transport, tests); `server` names it in messages.
    pub fn of(client: Client, namespace: &str, server: &str) -> Connection {
        Connection {
            watch_client: client.clone(),
            client,
            namespace: namespace.into(),
            server: server.into(),
        }
    }
}

/// How long a request may take when `--request-timeout` is not given: a server that
/// accepts connections and never answers fails a command after this long.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// `--context`, `--cluster` and `--user` must name entries of the kubeconfig, as kubectl
/// demands: an unknown user would otherwise connect with no credentials at all.
fn names_exist(kc: &Kubeconfig, opts: &ClientOptions) -> Result<()> {
    if let Some(c) = &opts.context
        && !kc.contexts.iter().any(|x| &x.name == c)
    {
        return Err(Error::input(format!("context {c:?} does not exist")));
    }
    if let Some(c) = &opts.cluster
        && !kc.clusters.iter().any(|x| &x.name == c)
    {
        return Err(Error::input(format!("no server found for cluster {c:?}")));
    }
    if let Some(u) = &opts.user
        && !kc.auth_infos.iter().any(|x| &x.name == u)
    {
        return Err(Error::input(format!("auth info {u:?} does not exist")));
    }
    Ok(())
}

/// Connects as kubectl would with the same flags.
pub async fn connect(opts: &ClientOptions) -> Result<Connection> {
    let kube_opts = KubeConfigOptions {
        context: opts.context.clone(),
        cluster: opts.cluster.clone(),
        user: opts.user.clone(),
    };
    let mut config = match &opts.kubeconfig {
        Some(path) => {
            if !path.exists() {
                return Err(Error::input(format!("--kubeconfig {}: no such file", path.display())));
            }
            let kc = Kubeconfig::read_from(path).map_err(|e| Error::input(format!("--kubeconfig {}: {e}", path.display())))?;
            names_exist(&kc, opts)?;
            Config::from_custom_kubeconfig(kc, &kube_opts).await.map_err(|e| Error::input(format!("kubeconfig {}: {e}", path.display())))?
        }
        None => match Kubeconfig::read() {
            Ok(kc) => Config::from_custom_kubeconfig(names_exist(&kc, opts).map(|_| kc)?, &kube_opts).await.map_err(|e| Error::input(format!("kubeconfig: {e}")))?,
            Err(read_err) => Config::incluster().map_err(|_| {
                Error::input(format!("no usable kubeconfig ({read_err}) and not running in a cluster"))
                    .with_hint("set KUBECONFIG or pass --kubeconfig; `kubectl sts sim serve` starts a simulated cluster")
            })?,
        },
    };
    if let Some(ns) = &opts.namespace {
        config.default_namespace = ns.clone();
    }
    if let Some(user) = &opts.impersonate {
        config.auth_info.impersonate = Some(user.clone());
    }
    if !opts.impersonate_groups.is_empty() {
        config.auth_info.impersonate_groups = Some(opts.impersonate_groups.clone());
    }
    // Retries are this tool's own (`retry`): bounded, and visible. kube's default layer
    // retries 429/503/504 up to 15 times with a growing backoff, which turns an outage
    // into a silent hang and hides it from a wait that must not count blind time.
    config.default_retry = false;
    // Watches are long reads the server ends itself (timeoutSeconds): --request-timeout
    // bounds connecting and writing for them, not reading, or they would be cut and
    // reconnect over and over.
    let mut watch_config = config.clone();
    let t = opts.request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT);
    config.connect_timeout = Some(t);
    config.read_timeout = Some(t);
    config.write_timeout = Some(t);
    watch_config.connect_timeout = Some(t);
    watch_config.write_timeout = Some(t);
    let server = config.cluster_url.to_string();
    let namespace = config.default_namespace.clone();
    let client = Client::try_from(config).map_err(|e| {
        Error::failed(format!(
            "cannot build a client for {server}: {}",
            super::error::describe(&e)
        ))
    })?;
    let watch_client = Client::try_from(watch_config).map_err(|e| {
        Error::failed(format!(
            "cannot build a client for {server}: {}",
            super::error::describe(&e)
        ))
    })?;
    Ok(Connection {
        client,
        watch_client,
        namespace,
        server,
    })
}
