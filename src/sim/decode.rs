//! The 400 of a body kube-apiserver cannot decode: a value of the wrong type for its
//! field (a string where an integer goes), found against the served OpenAPI schemas and
//! worded as Go's JSON decoding words it.

use serde_json::{Map, Value};

use super::openapi::{PREFIX, kinds, resolve, schema_map};
use super::store::Kind;

/// What Go's JSON decoding of the kind says of a value of the wrong type (a string where
/// an integer goes, a number or a boolean where a string goes): the 400 of a body
/// kube-apiserver cannot decode, `None` when every value fits.
pub fn type_error(kind: Kind, obj: &Value) -> Option<String> {
    let (_, name) = kinds().into_iter().find(|(k, _)| *k == kind)?;
    let defs = schema_map();
    let found = mistyped(defs, defs.get(name)?, obj, "", short(name))?;
    let (_, version) = kind
        .api_version()
        .split_once('/')
        .unwrap_or(("", kind.api_version()));
    Some(format!(
        "{k} in version \"{version}\" cannot be handled as a {k}: json: {found}",
        k = kind.name()
    ))
}

fn short(definition: &str) -> &str {
    definition.rsplit('.').next().unwrap_or(definition)
}

/// The definition a schema refers to (`$ref`, or the `allOf` wrapping of one).
fn reference(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .or_else(|| schema.pointer("/allOf/0/$ref"))
        .and_then(Value::as_str)
        .map(|r| r.trim_start_matches(PREFIX))
}

fn mistyped(
    defs: &Map<String, Value>,
    schema: &Value,
    v: &Value,
    path: &str,
    owner: &str,
) -> Option<String> {
    let owner = reference(schema).map(short).unwrap_or(owner);
    let schema = resolve(defs, schema);
    if schema.get("x-kubernetes-int-or-string").is_some()
        || schema.get("x-kubernetes-preserve-unknown-fields").is_some()
    {
        return None;
    }
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or("");
    let got = match v {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => return None,
    };
    let go_type = match (ty, schema.get("format").and_then(Value::as_str)) {
        ("integer", Some(f)) => f.to_string(),
        ("integer", None) => "int".to_string(),
        ("string", _) => "string".to_string(),
        ("boolean", _) => "bool".to_string(),
        _ => String::new(),
    };
    let fits = match ty {
        "integer" | "number" => got == "number",
        "string" => got == "string",
        "boolean" => got == "bool",
        _ => true,
    };
    if !fits {
        return Some(format!(
            "cannot unmarshal {got} into Go struct field {owner}.{path} of type {go_type}"
        ));
    }
    match v {
        Value::Object(m) => {
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (k, x) in m {
                    let here = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    if let Some(s) = props.get(k)
                        && let Some(e) = mistyped(defs, s, x, &here, owner)
                    {
                        return Some(e);
                    }
                }
            }
            None
        }
        Value::Array(items) => {
            let s = schema.get("items")?;
            items.iter().find_map(|x| mistyped(defs, s, x, path, owner))
        }
        _ => None,
    }
}

/// Removes the fields at `paths` (as `sim::openapi::unknown_fields` names them:
/// `spec.colour`, `spec.template.spec.containers[0].x`) from `obj`.
pub fn remove_paths(obj: &mut Value, paths: &[String]) {
    for path in paths {
        let mut steps: Vec<Step> = Vec::new();
        for part in path.split('.') {
            let (key, rest) = part.split_once('[').unwrap_or((part, ""));
            steps.push(Step::Key(key.to_string()));
            for index in rest.split('[') {
                if let Ok(i) = index.trim_end_matches(']').parse::<usize>() {
                    steps.push(Step::Index(i));
                }
            }
        }
        remove_at(obj, &steps);
    }
}

fn remove_at(at: &mut Value, steps: &[Step]) {
    match steps {
        [Step::Key(last)] => {
            if let Some(m) = at.as_object_mut() {
                m.remove(last);
            }
        }
        [first, rest @ ..] => {
            let next = match first {
                Step::Key(k) => at.get_mut(k.as_str()),
                Step::Index(i) => at.get_mut(*i),
            };
            if let Some(n) = next {
                remove_at(n, rest);
            }
        }
        [] => {}
    }
}

enum Step {
    Key(String),
    Index(usize),
}
