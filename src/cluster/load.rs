//! Loading a Snapshot: the StatefulSet as served (raw JSON, for exact revision bytes),
//! then its pods and ControllerRevisions by its selector, the claims of the namespace
//! (the controller finds claims by name) and the names of every pod of the namespace
//! (metadata only), concurrently. Five requests.
//!
//! The names matter because the controller lists every pod of the namespace: a pod the
//! selector does not match (released, an orphan of another app) can still hold a name
//! the set needs, and then the controller's create fails (`model::squat`).

use std::sync::Arc;

use futures::TryFutureExt;
use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use kube::api::{Api, ListParams};
use serde_json::Value;

use crate::model::profile::{Profile, Version};
use crate::model::{Snapshot, selector};

use super::error::ClusterError;

/// GET of an object as the server serialises it.
pub async fn get_raw(client: &kube::Client, path: &str, call: &str) -> Result<Value, ClusterError> {
    let req = http::Request::get(path)
        .body(Vec::new())
        .map_err(|e| ClusterError::other(call.to_string(), e.to_string()))?;
    let text = client
        .request_text(req)
        .await
        .map_err(|e| ClusterError::from_kube(call, e))?;
    serde_json::from_str(&text)
        .map_err(|e| ClusterError::other(call.to_string(), format!("invalid JSON: {e}")))
}

/// The snapshot of StatefulSet `ns/name`. Every read must succeed: what acts on the set
/// needs all of it.
pub async fn snapshot(
    client: &kube::Client,
    ns: &str,
    name: &str,
) -> Result<Snapshot, ClusterError> {
    load_snapshot(client, ns, name, false)
        .await
        .map(|(snap, _)| snap)
}

/// What a read-only view could not read, and the permission that would show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unread {
    /// `list persistentvolumeclaims in namespace "db"`.
    pub call: String,
    /// The server's refusal.
    pub why: String,
    /// What the view lacks because of it.
    pub effect: &'static str,
}

impl std::fmt::Display for Unread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot {}: {}; {} (a Role with `list` and `watch` on persistentvolumeclaims would show them)",
            self.call, self.why, self.effect
        )
    }
}

/// Claims are the one thing a read-only view can do without: a user allowed to read
/// sets, pods and revisions (`kubectl get sts,pods`) but not claims still sees the
/// rollout. A 403 on the claim list leaves them out and says so.
const CLAIMS_UNREAD: &str = "the PVC column is empty and the plan takes no claim to exist";

/// As [`snapshot`], for a view that only reads: a claim list refused by RBAC is left out
/// (and named in the second value) instead of failing the view.
pub async fn snapshot_for_viewing(
    client: &kube::Client,
    ns: &str,
    name: &str,
) -> Result<(Snapshot, Vec<Unread>), ClusterError> {
    load_snapshot(client, ns, name, true).await
}

fn forbidden_claims<T>(
    listed: Result<Vec<T>, ClusterError>,
    tolerate: bool,
    unread: &mut Vec<Unread>,
) -> Result<Vec<T>, ClusterError> {
    match listed {
        Err(e) if tolerate => match &e.cause {
            super::error::Cause::Forbidden(m) => {
                unread.push(Unread {
                    call: e.call.clone(),
                    why: format!("forbidden ({m})"),
                    effect: CLAIMS_UNREAD,
                });
                Ok(Vec::new())
            }
            _ => Err(e),
        },
        other => other,
    }
}

async fn load_snapshot(
    client: &kube::Client,
    ns: &str,
    name: &str,
    viewing: bool,
) -> Result<(Snapshot, Vec<Unread>), ClusterError> {
    let call = format!("get statefulsets.apps {name:?} in namespace {ns:?}");
    let set_path = format!("/apis/apps/v1/namespaces/{ns}/statefulsets/{name}");
    let set_json = super::retry::read(|| get_raw(client, &set_path, &call)).await?;
    let set: StatefulSet = serde_json::from_value(set_json.clone())
        .map_err(|e| ClusterError::other(call.clone(), format!("unexpected object: {e}")))?;
    let query = set
        .spec
        .as_ref()
        .map(|s| selector::to_query(&s.selector))
        .unwrap_or_default();
    let lp = ListParams::default().labels(&query);
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    let revisions: Api<ControllerRevision> = Api::namespaced(client.clone(), ns);
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), ns);
    let every = ListParams::default();
    let listed = |what: String| move |e| ClusterError::from_kube(what.clone(), e);
    let (pods, names, revisions, pvcs) = tokio::join!(
        super::retry::read(|| pods
            .list(&lp)
            .map_err(listed(format!("list pods -l {query} in namespace {ns:?}")))),
        super::retry::read(|| pods
            .list_metadata(&every)
            .map_err(listed(format!("list pods (metadata) in namespace {ns:?}")))),
        super::retry::read(|| revisions.list(&lp).map_err(listed(format!(
            "list controllerrevisions.apps -l {query} in namespace {ns:?}"
        )))),
        // Claims by name, as the controller looks them up: a selector of matchExpressions
        // copies no labels onto them.
        super::retry::read(|| pvcs.list(&every).map_err(listed(format!(
            "list persistentvolumeclaims in namespace {ns:?}"
        )))),
    );
    let mut unread = Vec::new();
    let pvcs = forbidden_claims(pvcs.map(|l| l.items), viewing, &mut unread)?;
    let (pods, names, revisions) = (pods?, names?, revisions?);
    let mut pods: Vec<Arc<Pod>> = pods.items.into_iter().map(Arc::new).collect();
    pods.extend(name_holders(&set, &pods, names.items));
    let snap = Snapshot::new(set_json, pods, revisions.items, pvcs)
        .map_err(|e| ClusterError::other(call, e.to_string()))?;
    Ok((snap, unread))
}

/// Pods the selector does not match whose names have the set's `<name>-<digits>` form,
/// as metadata-only pods: they can hold a name the controller wants (released pods,
/// orphans of another app). The model never claims them (the selector does not match);
/// it needs only their names, owners and deletion marks. Pods the selector matches come
/// from the selector's own list or watch, which may lag this one: they are left out here
/// so that a lag never shows a half-known pod.
pub fn name_holders(
    set: &StatefulSet,
    listed: &[Arc<Pod>],
    all: Vec<kube::core::PartialObjectMeta<Pod>>,
) -> Vec<Arc<Pod>> {
    let listed: std::collections::HashSet<&str> = listed
        .iter()
        .filter_map(|p| p.metadata.name.as_deref())
        .collect();
    all.into_iter()
        .filter(|m| {
            !listed.contains(m.metadata.name.as_deref().unwrap_or(""))
                && crate::model::squat::may_hold_a_name(set, &m.metadata)
        })
        .map(|m| {
            Arc::new(Pod {
                metadata: m.metadata,
                ..Pod::default()
            })
        })
        .collect()
}

/// The StatefulSets of `ns` (all namespaces when `None`) alone, as served: one list
/// request, for overviews that read only the sets' own status.
pub async fn sets(client: &kube::Client, ns: Option<&str>) -> Result<Vec<Value>, ClusterError> {
    sets_matching(client, ns, None).await
}

/// As [`sets`], only those `selector` matches (the server applies it, as for `kubectl
/// get -l`).
pub async fn sets_matching(
    client: &kube::Client,
    ns: Option<&str>,
    selector: Option<&str>,
) -> Result<Vec<Value>, ClusterError> {
    let (mut path, mut call) = match ns {
        Some(n) => (
            format!("/apis/apps/v1/namespaces/{n}/statefulsets"),
            format!("list statefulsets.apps in namespace {n:?}"),
        ),
        None => (
            "/apis/apps/v1/statefulsets".to_string(),
            "list statefulsets.apps in all namespaces".to_string(),
        ),
    };
    if let Some(sel) = selector {
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("labelSelector", sel)
            .finish();
        path = format!("{path}?{query}");
        call = format!("{call} with selector {sel:?}");
    }
    let list = super::retry::read(|| get_raw(client, &path, &call)).await?;
    Ok(list
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default())
}

/// Every StatefulSet of `ns` (all namespaces when `None`) with its pods and revisions:
/// four list requests, grouped client-side. A view: claims refused by RBAC are left out
/// and named.
pub async fn snapshots(
    client: &kube::Client,
    ns: Option<&str>,
) -> Result<(Vec<Snapshot>, Vec<Unread>), ClusterError> {
    let where_ = ns.map_or("in all namespaces".to_string(), |n| {
        format!("in namespace {n:?}")
    });
    let path = |plural: &str, group: &str| match ns {
        Some(n) => format!("{group}/namespaces/{n}/{plural}"),
        None => format!("{group}/{plural}"),
    };
    let sets_call = format!("list statefulsets.apps {where_}");
    let sets_path = path("statefulsets", "/apis/apps/v1");
    let listed = |what: String| move |e| ClusterError::from_kube(what.clone(), e);
    let (sets, pods, revisions, pvcs) = tokio::join!(
        super::retry::read(|| get_raw(client, &sets_path, &sets_call)),
        super::retry::read(
            || list_all::<Pod>(client, ns).map_err(listed(format!("list pods {where_}")))
        ),
        super::retry::read(|| list_all::<ControllerRevision>(client, ns)
            .map_err(listed(format!("list controllerrevisions.apps {where_}")))),
        super::retry::read(|| list_all::<PersistentVolumeClaim>(client, ns)
            .map_err(listed(format!("list persistentvolumeclaims {where_}")))),
    );
    let mut unread = Vec::new();
    let pvcs = forbidden_claims(pvcs, true, &mut unread)?;
    let (sets, pods, revisions) = (sets?, pods?, revisions?);
    let pods: Vec<Arc<Pod>> = pods.into_iter().map(Arc::new).collect();
    let mut out = Vec::new();
    for mut item in sets
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
    {
        item["apiVersion"] = Value::from("apps/v1");
        item["kind"] = Value::from("StatefulSet");
        let set_ns = item
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let same = |m: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta| {
            m.namespace.as_deref() == Some(set_ns.as_str())
        };
        let snap = Snapshot::new(
            item,
            pods.iter().filter(|p| same(&p.metadata)).cloned().collect(),
            revisions
                .iter()
                .filter(|r| same(&r.metadata))
                .cloned()
                .collect(),
            pvcs.iter().filter(|c| same(&c.metadata)).cloned().collect(),
        );
        if let Ok(s) = snap {
            out.push(s);
        }
    }
    Ok((out, unread))
}

async fn list_all<K>(client: &kube::Client, ns: Option<&str>) -> Result<Vec<K>, kube::Error>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
    K::DynamicType: Default,
{
    let api: Api<K> = match ns {
        Some(n) => Api::namespaced(client.clone(), n),
        None => Api::all(client.clone()),
    };
    Ok(api.list(&ListParams::default()).await?.items)
}

/// The model profile of the server's release (`/version`), cached for ten minutes per
/// server under the kube cache directory so routine commands do not pay for it.
/// Also the release the server reported, which may be outside the modelled range.
pub async fn server_profile(
    client: &kube::Client,
    server: &str,
) -> Result<(Profile, Version), ClusterError> {
    let cache = version_cache_path(server);
    if let Some(text) = cache.as_ref().and_then(|p| fresh(p))
        && let Ok(v) = Version::parse(&text)
    {
        return Ok((profile_for(v), v));
    }
    let info = client
        .apiserver_version()
        .await
        .map_err(|e| ClusterError::from_kube("get /version", e))?;
    let v = Version::parse(&info.git_version).unwrap_or(Version {
        minor: info.minor.trim_end_matches('+').parse().unwrap_or(36),
        patch: None,
    });
    if let Some(p) = cache {
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(&p, &info.git_version);
    }
    Ok((profile_for(v), v))
}

/// Releases outside the modelled range use the nearest modelled one.
fn profile_for(v: Version) -> Profile {
    use crate::model::profile::{NEWEST_MINOR, OLDEST_MINOR};
    let minor = v.minor.clamp(OLDEST_MINOR, NEWEST_MINOR);
    let patch = if minor == v.minor { v.patch } else { None };
    Profile::new(Version { minor, patch })
}

fn version_cache_path(server: &str) -> Option<std::path::PathBuf> {
    let home = std::env::var_os("HOME")?;
    let key: String = server
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    Some(
        std::path::PathBuf::from(home)
            .join(".kube/cache/kubectl-sts")
            .join(format!("{key}.version")),
    )
}

fn fresh(path: &std::path::Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let age = meta.modified().ok()?.elapsed().ok()?;
    (age < std::time::Duration::from_secs(600))
        .then(|| std::fs::read_to_string(path).ok())
        .flatten()
}

/// The set as the server would store it with `template` as its pod template: a
/// server-side dry-run patch (`dryRun=All`; nothing changes).
pub async fn dry_run_template(
    client: &kube::Client,
    ns: &str,
    name: &str,
    template: &Value,
) -> Result<Value, ClusterError> {
    let call = format!("patch statefulsets.apps {name:?} in namespace {ns:?} (dry run)");
    let body = serde_json::to_vec(&crate::model::revision::replace_patch(template))
        .map_err(|e| ClusterError::other(call.clone(), e.to_string()))?;
    let req = http::Request::patch(format!(
        "/apis/apps/v1/namespaces/{ns}/statefulsets/{name}?dryRun=All"
    ))
    .header("content-type", "application/strategic-merge-patch+json")
    .body(body)
    .map_err(|e| ClusterError::other(call.clone(), e.to_string()))?;
    let text = client
        .request_text(req)
        .await
        .map_err(|e| ClusterError::from_kube(&call, e))?;
    serde_json::from_str(&text).map_err(|e| ClusterError::other(call, format!("invalid JSON: {e}")))
}
