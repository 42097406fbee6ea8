//! Reading snapshot files: what `kubectl get ... -o yaml|json` prints (a `v1 List`),
//! multi-document YAML, or a bare manifest. Turns text into JSON values; the model then
//! picks the StatefulSet and its objects.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use serde_json::value::RawValue;

use k8s_openapi::api::core::v1::Pod;

use crate::model::snapshot::{Objects, Source};
use crate::model::{Snapshot, SnapshotError};

/// Reads `path` (`-` for standard input) and builds the snapshot of `name` (or the only
/// StatefulSet in it).
pub fn load_snapshot(path: &Path, name: Option<&str>) -> Result<Snapshot> {
    let shown = path.display();
    let text = read_text(path)?;
    snapshot_from_text(&text, name).map_err(|e| Error::input(format!("{shown}: {e}")))
}

/// Builds a snapshot from file text. A JSON `List` (what `kubectl get -o json` prints) is
/// decoded item by item straight into typed objects, without an intermediate value tree.
pub fn snapshot_from_text(text: &str, name: Option<&str>) -> std::result::Result<Snapshot, String> {
    #[derive(serde::Deserialize)]
    struct RawList<'a> {
        kind: Option<String>,
        #[serde(borrow)]
        items: Option<Vec<&'a RawValue>>,
    }
    if text.trim_start().starts_with('{')
        && let Ok(RawList {
            kind: Some(kind),
            items: Some(items),
        }) = serde_json::from_str::<RawList>(text)
        && kind.ends_with("List")
    {
        return decode_list(items, name).map_err(|e| e.to_string());
    }
    let objects = parse_objects(text)?;
    Snapshot::from_objects(objects, name).map_err(|e| e.to_string())
}

/// An item of a JSON list with its position.
type Item<'t> = (usize, &'t RawValue);

/// Decodes a JSON list's items: pods (the bulk of a large StatefulSet) on all cores,
/// the rest in order. Pod order is kept: it decides which of two same-ordinal pods the
/// controller sees last.
fn decode_list(
    items: Vec<&RawValue>,
    name: Option<&str>,
) -> std::result::Result<Snapshot, SnapshotError> {
    let (pod_items, rest): (Vec<Item>, Vec<Item>) = items
        .into_iter()
        .enumerate()
        .partition(|(_, raw)| Source::Raw(raw).kind() == "Pod");
    let mut objects = Objects::decode(rest.into_iter().map(|(_, raw)| Source::Raw(raw)).collect())?;
    let decode_chunk =
        |chunk: &[(usize, &RawValue)]| -> std::result::Result<Vec<Pod>, SnapshotError> {
            chunk
                .iter()
                .map(|(index, raw)| {
                    let source = Source::Raw(raw);
                    source.decode::<Pod>(|| source.describe("Pod", *index))
                })
                .collect()
        };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk_size = pod_items.len().div_ceil(threads).max(1);
    objects.pods = if threads == 1 || pod_items.len() < 256 {
        decode_chunk(&pod_items)?
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = pod_items
                .chunks(chunk_size)
                .map(|c| scope.spawn(move || decode_chunk(c)))
                .collect();
            let mut pods = Vec::with_capacity(pod_items.len());
            for handle in handles {
                match handle.join() {
                    Ok(chunk) => pods.extend(chunk?),
                    Err(_) => {
                        return Err(SnapshotError::Invalid {
                            what: "Pod list".into(),
                            reason: "a decoding thread panicked".into(),
                        });
                    }
                }
            }
            Ok(pods)
        })?
    };
    Snapshot::from_decoded(objects, name)
}

fn read_text(path: &Path) -> Result<String> {
    let shown = path.display();
    if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| Error::input(format!("cannot read standard input: {e}")))
    } else {
        std::fs::read_to_string(path).map_err(|e| Error::input(format!("cannot read {shown}: {e}")))
    }
}

/// Reads every object in the file, unwrapping `List`s.
pub fn read_objects(path: &Path) -> Result<Vec<Value>> {
    let shown = path.display();
    let text = read_text(path)?;
    parse_objects(&text).map_err(|e| Error::input(format!("{shown}: {e}")))
}

/// Parses JSON or (multi-document) YAML text into objects.
pub fn parse_objects(text: &str) -> std::result::Result<Vec<Value>, String> {
    let trimmed = text.trim_start();
    let docs: Vec<Value> = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let v: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
        match v {
            Value::Array(items) => items,
            other => vec![other],
        }
    } else {
        serde_saphyr::from_multiple::<Value>(text).map_err(|e| format!("invalid YAML: {e}"))?
    };
    let mut out = Vec::new();
    for doc in docs {
        flatten(doc, &mut out)?;
    }
    if out.is_empty() {
        return Err("no Kubernetes objects found".into());
    }
    Ok(out)
}

fn flatten(doc: Value, out: &mut Vec<Value>) -> std::result::Result<(), String> {
    match doc {
        Value::Null => Ok(()),
        Value::Object(mut map) => {
            let is_list = map
                .get("kind")
                .and_then(Value::as_str)
                .is_some_and(|k| k.ends_with("List"))
                && map.get("items").is_some_and(Value::is_array);
            if is_list {
                if let Some(Value::Array(items)) = map.remove("items") {
                    for item in items {
                        flatten(item, out)?;
                    }
                }
                return Ok(());
            }
            if !map.contains_key("kind") {
                return Err("an object without `kind` is not a Kubernetes object".into());
            }
            out.push(Value::Object(map));
            Ok(())
        }
        other => Err(format!(
            "expected a Kubernetes object, found {}",
            type_name(&other)
        )),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_multi_documents_and_bare_objects() {
        let yaml = "apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  metadata: {name: a}\n---\nkind: Pod\nmetadata: {name: b}\n---\n";
        let objs = parse_objects(yaml).unwrap();
        assert_eq!(objs.len(), 2);
        let json = r#"{"kind":"PodList","items":[{"kind":"Pod"}]}"#;
        assert_eq!(parse_objects(json).unwrap().len(), 1);
    }

    #[test]
    fn rejects_what_is_not_objects() {
        assert!(
            parse_objects("")
                .unwrap_err()
                .contains("no Kubernetes objects")
        );
        assert!(parse_objects("{").unwrap_err().contains("invalid JSON"));
        assert!(parse_objects("a: [").unwrap_err().contains("invalid YAML"));
        assert!(
            parse_objects("- 1\n- 2\n")
                .unwrap_err()
                .contains("expected a Kubernetes object")
        );
        assert!(
            parse_objects("metadata: {}\n")
                .unwrap_err()
                .contains("without `kind`")
        );
    }
}

#[cfg(test)]
mod parallel_tests {
    use super::*;
    use crate::model::profile::Profile;
    use crate::model::scenario::{PodState, Scenario};

    fn list_of(pods: i32) -> Value {
        let mut sc = Scenario::new("web", pods);
        let a = sc.revision("nginx:1.24");
        sc.template = "nginx:1.24".into();
        sc.pods(0..pods, a, PodState::RunningReady);
        let now = "2026-01-01T00:00:00Z".parse().unwrap();
        serde_json::json!({"apiVersion": "v1", "kind": "List", "items": sc.objects(&Profile::default(), now)})
    }

    #[test]
    fn large_lists_decode_in_parallel_keeping_pod_order() {
        let mut list = list_of(600);
        // Reverse the pods so order is not accidentally sorted.
        let items = list["items"].as_array_mut().unwrap();
        items[2..].reverse();
        let text = serde_json::to_string(&list).unwrap();
        let snap = snapshot_from_text(&text, None).unwrap();
        assert_eq!(snap.pods().len(), 600);
        assert_eq!(snap.records()[0].name, "web-599");
        assert_eq!(snap.records()[599].name, "web-0");
    }

    #[test]
    fn a_broken_pod_in_a_large_list_is_named() {
        let mut list = list_of(300);
        list["items"][150]["spec"] = serde_json::json!("not a pod spec");
        let text = serde_json::to_string(&list).unwrap();
        let err = snapshot_from_text(&text, None).unwrap_err();
        assert!(err.contains("Pod web-"), "{err}");
    }
}
