//! Server-side apply and field ownership, simplified from kube-apiserver's structured
//! merge: each write records which manager set which fields (`metadata.managedFields`,
//! `FieldsV1`); an apply (`application/apply-patch+yaml`) merges the applied
//! configuration into the object — maps by key, lists with a merge key by item, other
//! lists whole — removes fields its manager set before and no longer applies (when no
//! other manager owns them), and answers 409 when it would change a field another
//! manager owns, unless forced.
//!
//! Managers are kept per name and operation (`Apply`, `Update`), as there. Simplified:
//! not per API version or subresource; the status is not tracked; a set-typed list
//! (`finalizers`) is owned whole.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::error::ApiError;
use super::openapi;
use super::store::{Kind, format_time};

/// A field's path: `f:spec`, `f:replicas`; a list item by its keys, `k:{"name":"web"}`.
pub type Path = Vec<String>;

/// The leaf fields of `obj` (and each keyed list item itself, ending in `.`), as the
/// apply of `obj` would own them. Identity and status are not owned.
pub fn fields(kind: Kind, obj: &Value) -> BTreeSet<Path> {
    let mut out = BTreeSet::new();
    let Some(m) = obj.as_object() else {
        return out;
    };
    for (k, v) in m {
        match k.as_str() {
            "apiVersion" | "kind" | "status" => {}
            "metadata" => {
                for (mk, mv) in v.as_object().into_iter().flatten() {
                    if matches!(
                        mk.as_str(),
                        "labels" | "annotations" | "finalizers" | "ownerReferences"
                    ) {
                        let path = vec!["f:metadata".to_string(), format!("f:{mk}")];
                        let schema = openapi::property(kind, &["metadata", mk]);
                        collect(schema, mv, path, &mut out);
                    }
                }
            }
            _ => {
                let schema = openapi::property(kind, &[k]);
                collect(schema, v, vec![format!("f:{k}")], &mut out);
            }
        }
    }
    out
}

fn collect(schema: Option<&Value>, v: &Value, path: Path, out: &mut BTreeSet<Path>) {
    let schema = schema.map(openapi::resolved);
    match v {
        Value::Object(m) if !m.is_empty() => {
            let props = schema.and_then(|s| s.get("properties"));
            let extra = schema.and_then(|s| s.get("additionalProperties"));
            for (k, x) in m {
                let sub = props.and_then(|p| p.get(k)).or(extra);
                let mut here = path.clone();
                here.push(format!("f:{k}"));
                collect(sub, x, here, out);
            }
        }
        Value::Array(items) if !items.is_empty() => match keys(schema) {
            Some(keys) => {
                let item_schema = schema.and_then(|s| s.get("items"));
                for item in items {
                    let mut here = path.clone();
                    here.push(item_key(&keys, item));
                    let mut dot = here.clone();
                    dot.push(".".into());
                    out.insert(dot);
                    collect(item_schema, item, here, out);
                }
            }
            None => {
                out.insert(path);
            }
        },
        _ => {
            out.insert(path);
        }
    }
}

/// The list-map keys of a list schema (`x-kubernetes-list-type: map`).
fn keys(schema: Option<&Value>) -> Option<Vec<String>> {
    let s = schema?;
    if s.get("x-kubernetes-list-type").and_then(Value::as_str) != Some("map") {
        return None;
    }
    s.get("x-kubernetes-list-map-keys")?
        .as_array()?
        .iter()
        .map(|k| k.as_str().map(str::to_string))
        .collect()
}

fn item_key(keys: &[String], item: &Value) -> String {
    let m: BTreeMap<&str, &Value> = keys
        .iter()
        .filter_map(|k| item.get(k).map(|v| (k.as_str(), v)))
        .collect();
    format!("k:{}", serde_json::to_string(&m).unwrap_or_default())
}

/// One step of a path: a field, or a keyed list item (its key fields and values).
enum Step<'p> {
    Field(&'p str),
    Item(Map<String, Value>),
}

fn step_of(step: &str) -> Option<Step<'_>> {
    match (step.strip_prefix("f:"), step.strip_prefix("k:")) {
        (Some(f), _) => Some(Step::Field(f)),
        (_, Some(k)) => serde_json::from_str(k).ok().map(Step::Item),
        _ => None,
    }
}

/// Whether a list item has the key fields and values `want`.
fn is_item(item: &Value, want: &Map<String, Value>) -> bool {
    want.iter().all(|(k, v)| item.get(k) == Some(v))
}

/// The value at `path` in `obj` (None when absent).
fn value_at<'v>(obj: &'v Value, path: &[String]) -> Option<&'v Value> {
    let mut v = obj;
    for step in path {
        if step == "." {
            return Some(v);
        }
        v = match step_of(step)? {
            Step::Field(f) => v.get(f)?,
            Step::Item(want) => v.as_array()?.iter().find(|i| is_item(i, &want))?,
        };
    }
    Some(v)
}

fn value_mut<'v>(obj: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
    let mut v = obj;
    for step in path {
        v = match step_of(step)? {
            Step::Field(f) => v.get_mut(f)?,
            Step::Item(want) => v.as_array_mut()?.iter_mut().find(|i| is_item(i, &want))?,
        };
    }
    Some(v)
}

/// Removes the field at `path` from `obj`.
fn remove_at(obj: &mut Value, path: &[String]) {
    let Some((last, parent)) = path.split_last() else {
        return;
    };
    if last == "." {
        // The keyed item itself.
        if let Some((item, list_path)) = parent.split_last()
            && let Some(Step::Item(want)) = step_of(item)
            && let Some(list) = value_mut(obj, list_path).and_then(Value::as_array_mut)
        {
            list.retain(|i| !is_item(i, &want));
        }
        return;
    }
    if let (Some(Step::Field(f)), Some(Value::Object(m))) = (step_of(last), value_mut(obj, parent))
    {
        m.remove(f);
    }
}

/// Merges `applied` into `live`: maps by key, keyed lists by item, the rest replaced.
fn merge(schema: Option<&Value>, live: &mut Value, applied: &Value) {
    let schema = schema.map(openapi::resolved);
    match (live, applied) {
        (Value::Object(l), Value::Object(a)) => {
            let props = schema.and_then(|s| s.get("properties"));
            let extra = schema.and_then(|s| s.get("additionalProperties"));
            for (k, av) in a {
                let sub = props.and_then(|p| p.get(k)).or(extra);
                match l.get_mut(k) {
                    Some(lv) => merge(sub, lv, av),
                    None => {
                        l.insert(k.clone(), av.clone());
                    }
                }
            }
        }
        (Value::Array(l), Value::Array(a)) if keys(schema).is_some() => {
            let keys = keys(schema).unwrap_or_default();
            let item_schema = schema.and_then(|s| s.get("items"));
            for item in a {
                let k = item_key(&keys, item);
                match l.iter_mut().find(|x| item_key(&keys, x) == k) {
                    Some(x) => merge(item_schema, x, item),
                    None => l.push(item.clone()),
                }
            }
        }
        (live, applied) => *live = applied.clone(),
    }
}

/// A manager: its name and operation (`Apply` or `Update`).
/// (manager, operation, subresource — empty for the object itself).
pub type Manager = (String, String, String);

fn applier(name: &str) -> Manager {
    (name.to_string(), "Apply".to_string(), String::new())
}

fn updater(name: &str, subresource: &str) -> Manager {
    (
        name.to_string(),
        "Update".to_string(),
        subresource.to_string(),
    )
}

/// A manager as a conflict names it: `"kubectl" with subresource "scale"`.
fn label((name, _, sub): &Manager) -> String {
    if sub.is_empty() {
        format!("\"{name}\"")
    } else {
        format!("\"{name}\" with subresource \"{sub}\"")
    }
}

/// The managers of `obj`'s managedFields, in their order.
fn managers_in_order(obj: &Value) -> Vec<Manager> {
    obj.pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let s = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let op = e
                .get("operation")
                .and_then(Value::as_str)
                .unwrap_or("Update");
            e.get("manager")?;
            Some((s("manager"), op.to_string(), s("subresource")))
        })
        .collect()
}

/// Field sets by manager, read from `metadata.managedFields`.
pub fn managers(obj: &Value) -> BTreeMap<Manager, BTreeSet<Path>> {
    let mut out = BTreeMap::new();
    for entry in obj
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(manager) = entry.get("manager").and_then(Value::as_str) else {
            continue;
        };
        let operation = entry
            .get("operation")
            .and_then(Value::as_str)
            .unwrap_or("Update");
        let sub = entry
            .get("subresource")
            .and_then(Value::as_str)
            .unwrap_or("");
        let set: &mut BTreeSet<Path> = out
            .entry((manager.to_string(), operation.to_string(), sub.to_string()))
            .or_default();
        if let Some(f) = entry.get("fieldsV1") {
            unflatten(f, Vec::new(), set);
        }
    }
    out
}

fn unflatten(v: &Value, path: Path, out: &mut BTreeSet<Path>) {
    match v.as_object() {
        Some(m) if !m.is_empty() => {
            for (k, x) in m {
                let mut here = path.clone();
                here.push(k.clone());
                unflatten(x, here, out);
            }
        }
        _ => {
            if !path.is_empty() {
                out.insert(path);
            }
        }
    }
}

fn flatten(set: &BTreeSet<Path>) -> Value {
    let mut root = Map::new();
    for path in set {
        let mut m = &mut root;
        for step in path {
            let next = m.entry(step.clone()).or_insert_with(|| json!({}));
            let Some(next) = next.as_object_mut() else {
                break;
            };
            m = next;
        }
    }
    Value::Object(root)
}

/// Writes `managers` into `obj`'s `metadata.managedFields`.
/// Writes the managed fields of `managers` into `obj`, in the order of `before` (the
/// object's entries before this write), new managers last — the API server keeps the
/// list's order.
fn record(
    obj: &mut Value,
    before: Option<&Value>,
    managers: &BTreeMap<Manager, BTreeSet<Path>>,
    now: &str,
) {
    let api_version = obj.get("apiVersion").cloned().unwrap_or(Value::Null);
    let order: Vec<Manager> = before.map(managers_in_order).unwrap_or_default();
    let mut ordered: Vec<(&Manager, &BTreeSet<Path>)> = managers.iter().collect();
    ordered.sort_by_key(|(m, _)| order.iter().position(|o| o == *m).unwrap_or(usize::MAX));
    let entries: Vec<Value> = ordered
        .into_iter()
        .filter(|(_, set)| !set.is_empty())
        .map(|((manager, operation, sub), set)| {
            let mut e = json!({"manager": manager, "operation": operation, "apiVersion": api_version,
                   "time": now, "fieldsType": "FieldsV1", "fieldsV1": flatten(set)});
            if !sub.is_empty() {
                e["subresource"] = json!(sub);
            }
            e
        })
        .collect();
    if entries.is_empty() {
        if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("managedFields");
        }
    } else {
        obj["metadata"]["managedFields"] = Value::Array(entries);
    }
}

/// A path as structured-merge-diff prints it: `.spec.template.spec.containers[name="db"].image`.
fn dotted(path: &[String]) -> String {
    path.iter()
        .filter(|s| *s != ".")
        .map(|s| match (s.strip_prefix("f:"), s.strip_prefix("k:")) {
            (Some(f), _) => format!(".{f}"),
            (_, Some(k)) => {
                let keys: Map<String, Value> = serde_json::from_str(k).unwrap_or_default();
                let parts: Vec<String> = keys.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("[{}]", parts.join(","))
            }
            _ => s.clone(),
        })
        .collect()
}

/// An update by `manager` (a create, a PUT, a non-apply PATCH) from `old` (None: a
/// create) to `next`: the fields it changed become its own, and no one else's — unless
/// the request sets `metadata.managedFields` itself, which then stand.
pub fn record_update(
    kind: Kind,
    old: Option<&Value>,
    next: &mut Value,
    manager: &str,
    subresource: &str,
    now: jiff::Timestamp,
) {
    let sent = next.pointer("/metadata/managedFields");
    if sent.is_some() && sent != old.and_then(|o| o.pointer("/metadata/managedFields")) {
        // The client wrote the managed fields themselves (kubectl's upgrade of
        // client-side-apply ownership to its server-side apply manager): kept as sent.
        return;
    }
    let mut owners = old.map(managers).unwrap_or_default();
    if subresource == "status" {
        // A status write owns the status fields it set; nobody else's change.
        let mut now_fields = BTreeSet::new();
        if let Some(status) = next.get("status") {
            let schema = openapi::property(kind, &["status"]);
            collect(
                schema,
                status,
                vec!["f:status".to_string()],
                &mut now_fields,
            );
        }
        let entry = owners.entry(updater(manager, subresource)).or_default();
        *entry = now_fields;
        record(next, old, &owners, &format_time(now));
        return;
    }
    let now_fields = fields(kind, next);
    let changed: BTreeSet<Path> = now_fields
        .iter()
        .filter(|p| old.and_then(|o| value_at(o, p)) != value_at(next, p))
        .cloned()
        .collect();
    for ((_, _, sub), set) in owners.iter_mut() {
        // A status manager's fields are not this write's to take.
        if sub != "status" {
            set.retain(|p| now_fields.contains(p) && !changed.contains(p));
        }
    }
    owners
        .entry(updater(manager, subresource))
        .or_default()
        .extend(changed);
    record(next, old, &owners, &format_time(now));
}

/// Server-side apply of `config` by `manager` to `live` (None: the object does not
/// exist and is created from `config`). Returns the object to write.
pub fn apply(
    kind: Kind,
    live: Option<&Value>,
    config: &Value,
    manager: &str,
    force: bool,
    now: jiff::Timestamp,
) -> Result<Value, ApiError> {
    let applied = fields(kind, config);
    let mut owners = live.map(managers).unwrap_or_default();
    let mut next = live.cloned().unwrap_or_else(|| json!({}));
    if let Some(live) = live {
        let group_version = config
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or(kind.api_version());
        let mut conflicts = Vec::new();
        let me = applier(manager);
        for (other, set) in owners.iter().filter(|(m, _)| **m != me) {
            for p in set.intersection(&applied) {
                if p.last().map(String::as_str) != Some(".")
                    && value_at(live, p) != value_at(config, p)
                {
                    conflicts.push((label(other), dotted(p)));
                }
            }
        }
        if !conflicts.is_empty() && !force {
            let name = live
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            return Err(ApiError::apply_conflicts(
                kind,
                name,
                group_version,
                &conflicts,
            ));
        }
        let before = owners.get(&me).cloned().unwrap_or_default();
        for p in before.difference(&applied) {
            let shared = owners.iter().any(|(m, set)| *m != me && set.contains(p));
            if !shared {
                remove_at(&mut next, p);
            }
        }
    }
    let mut body = config.clone();
    if let Some(m) = body.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
        m.remove("resourceVersion");
    }
    merge(openapi::schema(kind), &mut next, &body);
    let me = applier(manager);
    for (m, set) in owners.iter_mut() {
        if *m != me && force {
            set.retain(|p| !applied.contains(p));
        }
    }
    owners.insert(me, applied);
    record(&mut next, live, &owners, &format_time(now));
    Ok(next)
}

#[cfg(test)]
#[path = "apply_tests.rs"]
mod tests;
