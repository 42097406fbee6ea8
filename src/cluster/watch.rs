//! A live snapshot stream: kube-runtime watchers (with their relist on 410 Gone and
//! backoff on errors) feed reflector stores for the set, its pods, revisions and claims;
//! every change yields a fresh Snapshot. No polling.

use std::sync::Arc;

use futures::{Stream, StreamExt};
use k8s_openapi::api::apps::v1::ControllerRevision;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind};
use kube::core::PartialObjectMeta;
use kube::runtime::reflector::{self, Store};
use kube::runtime::{WatchStreamExt, watcher};

use crate::model::{Snapshot, selector};

use super::error::ClusterError;

/// What a watch-driven view receives.
pub enum Update {
    /// The state changed (or a watch reconnected and relisted).
    Snapshot(Box<Snapshot>),
    /// A watch failed; it reconnects with backoff.
    Reconnecting(String),
    /// What cannot be read and is left out of every snapshot (claims refused by RBAC);
    /// sent once, first.
    Unread(Vec<super::load::Unread>),
}

/// Snapshots of StatefulSet `ns/name`, one per observed change, once all five caches
/// (the set; its pods, revisions and claims by selector; every pod's metadata) have
/// synced.
pub async fn snapshots(
    client: kube::Client,
    ns: String,
    name: String,
) -> Result<impl Stream<Item = Update>, ClusterError> {
    // The selector decides what to watch; read it once.
    let (first, unread) = super::load::snapshot_for_viewing(&client, &ns, &name).await?;
    // Claims refused by RBAC are not watched either (the watch would fail forever).
    let watch_claims = unread.is_empty();
    let sel = first
        .set()
        .spec
        .as_ref()
        .map(|s| selector::to_query(&s.selector))
        .unwrap_or_default();
    let gvk = GroupVersionKind::gvk("apps", "v1", "StatefulSet");
    let sets_api: Api<DynamicObject> =
        Api::namespaced_with(client.clone(), &ns, &ApiResource::from_gvk(&gvk));
    let ar = ApiResource::from_gvk(&gvk);
    let w_sets = reflector::store::Writer::<DynamicObject>::new(ar);
    let sets = w_sets.as_reader();
    let (pods, w_pods) = reflector::store::<Pod>();
    let (revs, w_revs) = reflector::store::<ControllerRevision>();
    let (pvcs, w_pvcs) = reflector::store::<PersistentVolumeClaim>();
    // Every pod's metadata: a pod the selector misses can hold a name the set needs.
    let (names, w_names) = reflector::store::<PartialObjectMeta<Pod>>();
    let by_name = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let by_sel = watcher::Config::default().labels(&sel);
    /// What a watcher reports: an error, its cache synced, or a change.
    enum Sig {
        Error(String),
        Synced(usize),
        Changed,
    }
    fn signal<K>(
        i: usize,
        s: impl Stream<Item = Result<watcher::Event<K>, watcher::Error>> + Send + 'static,
    ) -> futures::stream::BoxStream<'static, Sig> {
        s.map(move |e| match e {
            Err(e) => Sig::Error(super::error::describe(&e)),
            Ok(watcher::Event::InitDone) => Sig::Synced(i),
            Ok(_) => Sig::Changed,
        })
        .boxed()
    }
    let events = futures::stream::select_all([
        signal(
            0,
            watcher(sets_api, by_name).default_backoff().reflect(w_sets),
        ),
        signal(
            1,
            watcher(Api::<Pod>::namespaced(client.clone(), &ns), by_sel.clone())
                .default_backoff()
                .reflect(w_pods),
        ),
        signal(
            2,
            watcher(
                Api::<ControllerRevision>::namespaced(client.clone(), &ns),
                by_sel,
            )
            .default_backoff()
            .reflect(w_revs),
        ),
        if watch_claims {
            signal(
                3,
                // Claims by name, as the controller finds them (see `load`).
                watcher(
                    Api::<PersistentVolumeClaim>::namespaced(client.clone(), &ns),
                    watcher::Config::default(),
                )
                .default_backoff()
                .reflect(w_pvcs),
            )
        } else {
            futures::stream::once(async { Sig::Synced(3) }).boxed()
        },
        signal(
            4,
            watcher(
                Api::<PartialObjectMeta<Pod>>::namespaced(client, &ns),
                watcher::Config::default(),
            )
            .default_backoff()
            .reflect(w_names),
        ),
    ]);
    let caches = Caches {
        sets,
        pods,
        names,
        revs,
        pvcs,
    };
    // The last state sent; none after an error, so the first state seen once the watch
    // is back is sent even when nothing changed (a wait that went blind on the error
    // must see the cluster again to judge it).
    let mut last_key = Some(fingerprint(&first));
    let mut initial = Vec::new();
    if !unread.is_empty() {
        initial.push(Update::Unread(unread));
    }
    initial.push(Update::Snapshot(Box::new(first)));
    let initial = futures::stream::iter(initial);
    let mut synced = [false; 5];
    let updates = events.filter_map(move |sig| {
        let out = match sig {
            Sig::Error(e) => {
                last_key = None;
                Some(Update::Reconnecting(e))
            }
            Sig::Synced(i) => {
                synced[i] = true;
                None
            }
            Sig::Changed => None,
        };
        // After every cache has synced, any signal may reveal a new state.
        let out = out.or_else(|| {
            if !synced.iter().all(|s| *s) {
                return None;
            }
            let snap = caches.snapshot()?;
            let key = fingerprint(&snap);
            if last_key.as_ref() == Some(&key) {
                return None;
            }
            last_key = Some(key);
            Some(Update::Snapshot(Box::new(snap)))
        });
        futures::future::ready(out)
    });
    Ok(initial.chain(updates))
}

struct Caches {
    sets: Store<DynamicObject>,
    pods: Store<Pod>,
    names: Store<PartialObjectMeta<Pod>>,
    revs: Store<ControllerRevision>,
    pvcs: Store<PersistentVolumeClaim>,
}

impl Caches {
    /// A snapshot once every cache has synced and the set exists.
    fn snapshot(&self) -> Option<Snapshot> {
        let set = self.sets.state().into_iter().next()?;
        let mut json = serde_json::to_value(&*set).ok()?;
        json["apiVersion"] = "apps/v1".into();
        json["kind"] = "StatefulSet".into();
        let mut pods: Vec<Arc<Pod>> = self.pods.state();
        let names = self.names.state().iter().map(|m| (**m).clone()).collect();
        let typed: k8s_openapi::api::apps::v1::StatefulSet =
            serde_json::from_value(json.clone()).ok()?;
        pods.extend(super::load::name_holders(&typed, &pods, names));
        let revs = self.revs.state().iter().map(|r| (**r).clone()).collect();
        let pvcs = self.pvcs.state().iter().map(|c| (**c).clone()).collect();
        Snapshot::new(json, pods, revs, pvcs).ok()
    }
}

/// What identifies a state: every object's resourceVersion.
fn fingerprint(s: &Snapshot) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.push(
        s.set_json()
            .pointer("/metadata/resourceVersion")
            .map(|v| v.to_string())
            .unwrap_or_default(),
    );
    for p in s.pods() {
        parts.push(format!(
            "{}:{}",
            p.metadata.name.as_deref().unwrap_or(""),
            p.metadata.resource_version.as_deref().unwrap_or("")
        ));
    }
    for r in s.revisions() {
        parts.push(format!(
            "{}:{}",
            r.metadata.name.as_deref().unwrap_or(""),
            r.metadata.resource_version.as_deref().unwrap_or("")
        ));
    }
    for c in s.pvcs() {
        parts.push(format!(
            "{}:{}",
            c.metadata.name.as_deref().unwrap_or(""),
            c.metadata.resource_version.as_deref().unwrap_or("")
        ));
    }
    parts.sort();
    parts.join(",")
}
