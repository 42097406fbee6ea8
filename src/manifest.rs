//! Reading snapshot files: what `kubectl get ... -o yaml|json` prints (a `v1 List`),
//! multi-document YAML, or a bare manifest. Turns text into JSON values; the model then
//! picks the StatefulSet and its objects.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::Snapshot;

/// Reads `path` (`-` for standard input) and builds the snapshot of `name` (or the only
/// StatefulSet in it).
pub fn load_snapshot(path: &Path, name: Option<&str>) -> Result<Snapshot> {
    let shown = path.display();
    let objects = read_objects(path)?;
    Snapshot::from_objects(objects, name).map_err(|e| Error::input(format!("{shown}: {e}")))
}

/// Reads every object in the file, unwrapping `List`s.
pub fn read_objects(path: &Path) -> Result<Vec<Value>> {
    let shown = path.display();
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| Error::input(format!("cannot read standard input: {e}")))?
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| Error::input(format!("cannot read {shown}: {e}")))?
    };
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
