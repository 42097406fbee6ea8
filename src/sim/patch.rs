//! PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902, with `test`), and the
//! part of strategic merge patch that kubectl sends for pods and StatefulSets
//! (`kubectl set image`, `kubectl rollout undo`'s `$patch: replace`, list merge by key,
//! and the `$setElementOrder`, `$retainKeys` and `$deleteFromPrimitiveList` directives
//! `kubectl apply` computes).

use serde_json::{Map, Value};

/// Lists merged element-wise by a key under strategic merge patch.
fn merge_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets" => "name",
        "ports" => "containerPort",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "ownerReferences" => "uid",
        "conditions" => "type",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        _ => return None,
    })
}

/// RFC 7386.
pub fn merge(target: &mut Value, patch: &Value) {
    let Some(p) = patch.as_object() else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Some(t) = target.as_object_mut() {
        for (k, v) in p {
            if v.is_null() {
                t.remove(k);
            } else {
                merge(t.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
    }
}

/// Strategic merge patch (the subset above).
pub fn strategic(target: &mut Value, patch: &Value) {
    let Some(p) = patch.as_object() else {
        *target = patch.clone();
        return;
    };
    match p.get("$patch").and_then(Value::as_str) {
        Some("replace") => {
            let mut replaced = p.clone();
            replaced.remove("$patch");
            *target = Value::Object(replaced);
            return;
        }
        Some("delete") => {
            *target = Value::Null;
            return;
        }
        _ => {}
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Some(t) = target.as_object_mut() else {
        return;
    };
    for (k, v) in p {
        if k.starts_with('$') {
            continue; // the directives, below
        }
        if v.is_null() {
            t.remove(k);
            continue;
        }
        match (merge_key(k), v.as_array()) {
            (Some(key), Some(items)) => {
                let existing = t
                    .entry(k.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if !existing.is_array() {
                    *existing = Value::Array(Vec::new());
                }
                if let Some(list) = existing.as_array_mut() {
                    merge_list(list, items, key);
                }
            }
            _ if k == "finalizers" => {
                // patchStrategy merge on a list of strings: union.
                let list = t
                    .entry(k.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let (Some(list), Some(items)) = (list.as_array_mut(), v.as_array()) {
                    for i in items {
                        if !list.contains(i) {
                            list.push(i.clone());
                        }
                    }
                }
            }
            _ => {
                let slot = t.entry(k.clone()).or_insert(Value::Null);
                if v.is_object() {
                    strategic(slot, v);
                    if slot.is_null() {
                        t.remove(k);
                    }
                } else {
                    *slot = v.clone();
                }
            }
        }
    }
    directives(t, p);
}

/// The directives of one level of a strategic merge patch, after its fields are merged:
/// `$deleteFromPrimitiveList/F` removes values from the list F, `$setElementOrder/F`
/// orders the list F (items it names, in its order, then the others as they were), and
/// `$retainKeys` drops every field it does not name.
fn directives(t: &mut Map<String, Value>, p: &Map<String, Value>) {
    for (k, v) in p {
        let items = v.as_array().map(Vec::as_slice).unwrap_or_default();
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let Some(list) = t.get_mut(field).and_then(Value::as_array_mut) {
                list.retain(|x| !items.contains(x));
            }
        } else if let Some(field) = k.strip_prefix("$setElementOrder/") {
            let key = merge_key(field);
            let id = |x: &Value| match key {
                Some(key) => x.get(key).cloned(),
                None => Some(x.clone()),
            };
            if let Some(list) = t.get_mut(field).and_then(Value::as_array_mut) {
                let order: Vec<Option<Value>> = items.iter().map(id).collect();
                let rank = |x: &Value| {
                    let i = id(x);
                    order.iter().position(|o| *o == i).unwrap_or(order.len())
                };
                // Stable: the items it does not name keep their order, after it.
                list.sort_by_key(rank);
            }
        }
    }
    if let Some(keep) = p.get("$retainKeys").and_then(Value::as_array) {
        t.retain(|k, _| keep.iter().any(|x| x.as_str() == Some(k.as_str())));
    }
}

fn merge_list(list: &mut Vec<Value>, items: &[Value], key: &str) {
    for item in items {
        let id = item.get(key).cloned();
        let pos = id
            .as_ref()
            .and_then(|id| list.iter().position(|e| e.get(key) == Some(id)));
        match (item.get("$patch").and_then(Value::as_str), pos) {
            (Some("delete"), Some(i)) => {
                list.remove(i);
            }
            (Some("delete"), None) => {}
            (_, Some(i)) => strategic(&mut list[i], item),
            (_, None) => {
                let mut fresh = Value::Null;
                strategic(&mut fresh, item);
                list.push(fresh);
            }
        }
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn split_pointer(path: &str) -> Result<(String, String), String> {
    let (parent, last) = path
        .rsplit_once('/')
        .ok_or_else(|| format!("invalid JSON pointer {path:?}"))?;
    Ok((parent.to_string(), unescape(last)))
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    if path.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (parent, last) = split_pointer(path)?;
    let target = doc
        .pointer_mut(&parent)
        .ok_or_else(|| format!("path {parent:?} does not exist"))?;
    match target {
        Value::Object(m) => {
            m.insert(last, value);
            Ok(())
        }
        Value::Array(a) => {
            let i = if last == "-" {
                a.len()
            } else {
                last.parse::<usize>()
                    .map_err(|_| format!("bad index {last:?}"))?
            };
            if i > a.len() {
                return Err(format!("index {i} out of bounds"));
            }
            a.insert(i, value);
            Ok(())
        }
        _ => Err(format!("cannot add to {parent:?}")),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split_pointer(path)?;
    let target = doc
        .pointer_mut(&parent)
        .ok_or_else(|| format!("path {parent:?} does not exist"))?;
    match target {
        Value::Object(m) => m
            .remove(&last)
            .ok_or_else(|| format!("path {path:?} does not exist")),
        Value::Array(a) => {
            let i = last
                .parse::<usize>()
                .map_err(|_| format!("bad index {last:?}"))?;
            if i >= a.len() {
                return Err(format!("index {i} out of bounds"));
            }
            Ok(a.remove(i))
        }
        _ => Err(format!("cannot remove from {parent:?}")),
    }
}

/// RFC 6902. A failed `test` is an error, and nothing is applied.
pub fn json_patch(doc: &mut Value, ops: &Value) -> Result<(), String> {
    let ops = ops
        .as_array()
        .ok_or("a JSON patch must be an array of operations")?;
    let mut work = doc.clone();
    for op in ops {
        let path = op
            .get("path")
            .and_then(Value::as_str)
            .ok_or("operation without path")?;
        let value = || {
            op.get("value")
                .cloned()
                .ok_or_else(|| format!("{path}: operation without value"))
        };
        match op.get("op").and_then(Value::as_str).unwrap_or("") {
            "add" => add(&mut work, path, value()?)?,
            "remove" => {
                remove(&mut work, path)?;
            }
            "replace" => {
                remove(&mut work, path)?;
                add(&mut work, path, value()?)?;
            }
            "test" => {
                let actual = work.pointer(path);
                if actual != Some(&value()?) {
                    return Err(format!(
                        "test failed: {path} is {}",
                        actual.map_or("absent".to_string(), Value::to_string)
                    ));
                }
            }
            "move" | "copy" => {
                let from = op
                    .get("from")
                    .and_then(Value::as_str)
                    .ok_or("operation without from")?;
                let v = if op["op"] == "move" {
                    remove(&mut work, from)?
                } else {
                    work.pointer(from)
                        .cloned()
                        .ok_or_else(|| format!("path {from:?} does not exist"))?
                };
                add(&mut work, path, v)?;
            }
            other => return Err(format!("unknown JSON patch operation {other:?}")),
        }
    }
    *doc = work;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_removes_nulls() {
        let mut d = json!({"a": 1, "b": {"c": 2, "d": 3}});
        merge(&mut d, &json!({"a": null, "b": {"c": 5}}));
        assert_eq!(d, json!({"b": {"c": 5, "d": 3}}));
    }

    #[test]
    fn strategic_merges_containers_by_name_and_honours_replace() {
        let mut sts = json!({"spec": {"template": {"metadata": {"labels": {"app": "web"}, "annotations": {"x": "1"}},
            "spec": {"containers": [{"name": "web", "image": "a"}, {"name": "side", "image": "s"}]}}}});
        strategic(
            &mut sts,
            &json!({"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "web"}, {"name": "side"}],
            "containers": [{"name": "web", "image": "b"}]}}}}),
        );
        assert_eq!(
            sts["spec"]["template"]["spec"]["containers"][0]["image"],
            "b"
        );
        assert_eq!(
            sts["spec"]["template"]["spec"]["containers"][1]["image"],
            "s"
        );
        strategic(
            &mut sts,
            &json!({"spec": {"template": {"$patch": "replace", "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "c"}]}}}}),
        );
        assert_eq!(
            sts["spec"]["template"],
            json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "c"}]}})
        );
    }

    #[test]
    fn directives_order_retain_and_delete_from_lists() {
        let mut pod = json!({"spec": {
            "containers": [{"name": "a", "image": "1"}, {"name": "b", "image": "2"}, {"name": "c", "image": "3"}],
            "volumes": [{"name": "data", "emptyDir": {}}],
            "finalizers": ["x", "y", "z"]}});
        strategic(
            &mut pod,
            &json!({"spec": {
                "$setElementOrder/containers": [{"name": "c"}, {"name": "a"}],
                "containers": [{"name": "a", "image": "9"}],
                "$deleteFromPrimitiveList/finalizers": ["y"],
                "volumes": [{"name": "data", "$retainKeys": ["name", "hostPath"], "hostPath": {"path": "/d"}}]}}),
        );
        let names: Vec<&str> = pod["spec"]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["c", "a", "b"]);
        assert_eq!(pod["spec"]["containers"][1]["image"], "9");
        assert_eq!(pod["spec"]["finalizers"], json!(["x", "z"]));
        assert_eq!(
            pod["spec"]["volumes"][0],
            json!({"name": "data", "hostPath": {"path": "/d"}}),
            "emptyDir is not retained"
        );
    }

    #[test]
    fn json_patch_test_guards_the_whole_patch() {
        let mut d = json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 3}}}});
        let p = "/spec/updateStrategy/rollingUpdate/partition";
        assert!(json_patch(&mut d, &json!([{"op": "test", "path": p, "value": 4}, {"op": "replace", "path": p, "value": 2}])).is_err());
        assert_eq!(d.pointer(p), Some(&json!(3)));
        json_patch(&mut d, &json!([{"op": "test", "path": p, "value": 3}, {"op": "replace", "path": p, "value": 2}])).unwrap();
        assert_eq!(d.pointer(p), Some(&json!(2)));
        json_patch(&mut d, &json!([{"op": "add", "path": "/metadata", "value": {"a": [1]}}, {"op": "add", "path": "/metadata/a/-", "value": 2}])).unwrap();
        assert_eq!(d["metadata"]["a"], json!([1, 2]));
    }
}
