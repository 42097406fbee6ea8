//! A live snapshot stream: kube-runtime watchers (with their relist on 410 Gone) feed
//! reflector stores for the set, its pods, revisions and claims; every change yields a
//! fresh Snapshot. No polling while the watches work; after a watch error, fresh reads
//! with backoff until the server answers, then the watches start over.

use std::sync::Arc;
use std::time::Duration;

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
///
/// After a watch error the watches are dropped and the state is read afresh, with
/// backoff, until the server answers: that read is sent (observed, even if unchanged)
/// and the watches start over from a fresh list, which proves them live. A watch that
/// merely resumes says nothing until something changes, so a wait that went blind on an
/// outage would otherwise stay blind while nothing moves.
///
/// Reads (the first, and those after an error) go through `conn.client`, bounded by
/// `--request-timeout`: a server that stalls fails them instead of hanging the wait.
/// The watches go through `conn.watch_client` (long reads the server ends itself).
pub async fn snapshots(
    conn: &super::Connection,
    ns: String,
    name: String,
) -> Result<impl Stream<Item = Update>, ClusterError> {
    let client = conn.watch_client.clone();
    let reader = conn.client.clone();
    // The selector decides what to watch; read it once.
    let (first, unread) = super::load::snapshot_for_viewing(&reader, &ns, &name).await?;
    let watches = Watches {
        // Claims refused by RBAC are not watched either (the watch would fail forever).
        claims: unread.is_empty(),
        selector: first
            .set()
            .spec
            .as_ref()
            .map(|s| selector::to_query(&s.selector))
            .unwrap_or_default(),
        client,
        reader,
        ns,
        name,
    };
    let (events, caches) = watches.start();
    let mut initial = Vec::new();
    if !unread.is_empty() {
        initial.push(Update::Unread(unread));
    }
    let last_key = Some(fingerprint(&first));
    initial.push(Update::Snapshot(Box::new(first)));
    let follow = Follow {
        events,
        caches,
        last_key,
        synced: [false; 5],
        blind: false,
        backoff: PROBE_FIRST,
        watches,
    };
    let updates = futures::stream::unfold(follow, |mut f| async move {
        loop {
            let sig = if f.blind {
                tokio::time::sleep(f.backoff).await;
                Sig::Probe
            } else {
                f.events.next().await?
            };
            if let Some(u) = Box::pin(f.on(sig)).await {
                return Some((u, f));
            }
        }
    });
    Ok(futures::stream::iter(initial).chain(updates))
}

/// What a watcher reports: an error, its cache synced, or a change; or time to read the
/// state afresh while the watches are down.
enum Sig {
    Error(String),
    Synced(usize),
    Changed,
    Probe,
}

/// The first wait before a fresh read after a watch error, and the longest (as
/// kube-runtime's backoff; under `wait::QUIET`, so an outage reads as one run of errors).
const PROBE_FIRST: Duration = Duration::from_millis(500);
const PROBE_MAX: Duration = Duration::from_secs(30);
/// A fresh read that takes longer than this failed.
const PROBE_TIMEOUT: Duration = Duration::from_secs(30);

/// What the watches are of.
struct Watches {
    client: kube::Client,
    /// For the fresh reads after an error: bounded by the request timeout.
    reader: kube::Client,
    ns: String,
    name: String,
    selector: String,
    claims: bool,
}

impl Watches {
    /// The five watchers, from a fresh list each, and the caches they fill.
    fn start(&self) -> (futures::stream::BoxStream<'static, Sig>, Caches) {
        let (client, ns) = (&self.client, self.ns.as_str());
        let gvk = GroupVersionKind::gvk("apps", "v1", "StatefulSet");
        let sets_api: Api<DynamicObject> =
            Api::namespaced_with(client.clone(), ns, &ApiResource::from_gvk(&gvk));
        let w_sets = reflector::store::Writer::<DynamicObject>::new(ApiResource::from_gvk(&gvk));
        let sets = w_sets.as_reader();
        let (pods, w_pods) = reflector::store::<Pod>();
        let (revs, w_revs) = reflector::store::<ControllerRevision>();
        let (pvcs, w_pvcs) = reflector::store::<PersistentVolumeClaim>();
        // Every pod's metadata: a pod the selector misses can hold a name the set needs.
        let (names, w_names) = reflector::store::<PartialObjectMeta<Pod>>();
        let by_name = watcher::Config::default().fields(&format!("metadata.name={}", self.name));
        let by_sel = watcher::Config::default().labels(&self.selector);
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
                watcher(Api::<Pod>::namespaced(client.clone(), ns), by_sel.clone())
                    .default_backoff()
                    .reflect(w_pods),
            ),
            signal(
                2,
                watcher(
                    Api::<ControllerRevision>::namespaced(client.clone(), ns),
                    by_sel,
                )
                .default_backoff()
                .reflect(w_revs),
            ),
            if self.claims {
                signal(
                    3,
                    // Claims by name, as the controller finds them (see `load`).
                    watcher(
                        Api::<PersistentVolumeClaim>::namespaced(client.clone(), ns),
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
                    Api::<PartialObjectMeta<Pod>>::namespaced(client.clone(), ns),
                    watcher::Config::default(),
                )
                .default_backoff()
                .reflect(w_names),
            ),
        ])
        .boxed();
        let caches = Caches {
            sets,
            pods,
            names,
            revs,
            pvcs,
        };
        (events, caches)
    }
}

/// The stream's state.
struct Follow {
    events: futures::stream::BoxStream<'static, Sig>,
    caches: Caches,
    /// The last state sent (none after an error: the first state observed after it is
    /// sent even when nothing changed).
    last_key: Option<String>,
    synced: [bool; 5],
    /// The watches are down: the state is read afresh, `backoff` apart.
    blind: bool,
    /// The wait before the next fresh read; back to the first once restarted watches have
    /// all synced (so watches that fail again at once are not restarted in a hot loop).
    backoff: Duration,
    watches: Watches,
}

impl Follow {
    async fn on(&mut self, sig: Sig) -> Option<Update> {
        match sig {
            Sig::Error(e) => {
                // Stop the watches (they would resume silently) and read afresh.
                self.events = futures::stream::pending().boxed();
                self.blind = true;
                self.last_key = None;
                Some(Update::Reconnecting(e))
            }
            Sig::Probe => {
                let (client, ns, name) =
                    (&self.watches.reader, &self.watches.ns, &self.watches.name);
                // Boxed: the read's future is large, and this stream lives on waits' stacks.
                let read = tokio::time::timeout(
                    PROBE_TIMEOUT,
                    Box::pin(super::load::snapshot_for_viewing(client, ns, name)),
                )
                .await;
                let fresh = match read {
                    Ok(Ok((snap, _))) => Some(snap),
                    // The server answers: the set is gone; the watches will show it.
                    Ok(Err(e)) if matches!(e.cause, super::error::Cause::NotFound) => None,
                    Ok(Err(e)) => return self.still_blind(e.to_string()),
                    Err(_) => {
                        return self
                            .still_blind(format!("no answer within {}s", PROBE_TIMEOUT.as_secs()));
                    }
                };
                // Seen again: watch from a fresh list.
                self.blind = false;
                self.backoff = (self.backoff * 2).min(PROBE_MAX);
                self.synced = [false; 5];
                (self.events, self.caches) = self.watches.start();
                let snap = fresh?;
                self.last_key = Some(fingerprint(&snap));
                Some(Update::Snapshot(Box::new(snap)))
            }
            Sig::Synced(i) => {
                self.synced[i] = true;
                if self.synced.iter().all(|s| *s) {
                    self.backoff = PROBE_FIRST;
                }
                self.cached()
            }
            Sig::Changed => self.cached(),
        }
    }

    /// A fresh read failed too: back off, and say so (the wait's error policy counts it).
    fn still_blind(&mut self, why: String) -> Option<Update> {
        self.backoff = (self.backoff * 2).min(PROBE_MAX);
        Some(Update::Reconnecting(why))
    }

    /// The caches' state, once all have synced, if it is new.
    fn cached(&mut self) -> Option<Update> {
        if !self.synced.iter().all(|s| *s) {
            return None;
        }
        let snap = self.caches.snapshot()?;
        let key = fingerprint(&snap);
        if self.last_key.as_ref() == Some(&key) {
            return None;
        }
        self.last_key = Some(key);
        Some(Update::Snapshot(Box::new(snap)))
    }
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
