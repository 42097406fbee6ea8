//! The Kubernetes protobuf encoding, as far as the sim reads it: the bodies `kubectl
//! create namespace` and `kubectl create serviceaccount` send (client-go's typed clients
//! send built-in kinds as protobuf). The envelope is `k8s\0` and a `runtime.Unknown`
//! (typeMeta = 1, raw = 2); the object's field 1 is its ObjectMeta, of which the name,
//! generateName, namespace, labels and annotations are read. Other kinds, and other
//! fields, are not: a body with more than this is refused (415), never half read.

use serde_json::{Map, Value, json};

use super::error::ApiError;
use super::store::Kind;

pub const CONTENT_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// A wire-format field: its number and its value (varints and length-delimited only).
enum Field<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

fn varint(b: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*at)?;
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

fn fields(b: &[u8]) -> Option<Vec<(u64, Field<'_>)>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < b.len() {
        let key = varint(b, &mut at)?;
        let field = match key & 7 {
            0 => Field::Varint(varint(b, &mut at)?),
            2 => {
                let len = usize::try_from(varint(b, &mut at)?).ok()?;
                let end = at.checked_add(len)?;
                let bytes = b.get(at..end)?;
                at = end;
                Field::Bytes(bytes)
            }
            _ => return None,
        };
        out.push((key >> 3, field));
    }
    Some(out)
}

/// Go's encoder writes every field, zero values too: a field that is empty (a zero
/// varint, an empty string or message, or a message of such fields) says nothing.
fn is_empty(f: &Field<'_>) -> bool {
    match f {
        Field::Varint(v) => *v == 0,
        Field::Bytes(b) => {
            b.is_empty() || fields(b).is_some_and(|fs| fs.iter().all(|(_, f)| is_empty(f)))
        }
    }
}

/// The object inside the envelope: `k8s\0`, then a `runtime.Unknown` whose field 2 (raw)
/// holds it.
fn object_bytes(body: &[u8]) -> Option<&[u8]> {
    let inner = body.strip_prefix(b"k8s\0")?;
    fields(inner)?.into_iter().find_map(|(n, f)| match (n, f) {
        (2, Field::Bytes(x)) => Some(x),
        _ => None,
    })
}

fn text(b: &[u8]) -> Option<String> {
    String::from_utf8(b.to_vec()).ok()
}

/// A `map<string, string>` entry: key = 1, value = 2.
fn entry(b: &[u8]) -> Option<(String, String)> {
    let mut k = String::new();
    let mut v = String::new();
    for (n, f) in fields(b)? {
        match (n, f) {
            (1, Field::Bytes(x)) => k = text(x)?,
            (2, Field::Bytes(x)) => v = text(x)?,
            _ => return None,
        }
    }
    Some((k, v))
}

fn object_meta(b: &[u8]) -> Option<Value> {
    let mut meta = Map::new();
    let mut labels = Map::new();
    let mut annotations = Map::new();
    for (n, f) in fields(b)? {
        match (n, f) {
            (1, Field::Bytes(x)) => {
                meta.insert("name".into(), json!(text(x)?));
            }
            (2, Field::Bytes(x)) => {
                meta.insert("generateName".into(), json!(text(x)?));
            }
            (3, Field::Bytes(x)) => {
                meta.insert("namespace".into(), json!(text(x)?));
            }
            (11, Field::Bytes(x)) => {
                let (k, v) = entry(x)?;
                labels.insert(k, json!(v));
            }
            (12, Field::Bytes(x)) => {
                let (k, v) = entry(x)?;
                annotations.insert(k, json!(v));
            }
            (_, f) if is_empty(&f) => {}
            _ => return None,
        }
    }
    if !labels.is_empty() {
        meta.insert("labels".into(), Value::Object(labels));
    }
    if !annotations.is_empty() {
        meta.insert("annotations".into(), Value::Object(annotations));
    }
    Some(Value::Object(meta))
}

/// The JSON of a protobuf body of `kind`; 415 for what this reader does not cover.
pub fn decode(kind: Kind, body: &[u8]) -> Result<Value, ApiError> {
    let refuse = || {
        ApiError::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the simulated cluster reads protobuf bodies of Namespaces and ServiceAccounts only (their metadata); send {} as application/json",
                kind.name()
            ),
        )
    };
    if !matches!(kind, Kind::Namespace | Kind::ServiceAccount) {
        return Err(refuse());
    }
    let raw = object_bytes(body).ok_or_else(refuse)?;
    let mut obj = json!({"apiVersion": kind.api_version(), "kind": kind.name()});
    for (n, f) in fields(raw).ok_or_else(refuse)? {
        match (n, f) {
            (1, Field::Bytes(x)) => obj["metadata"] = object_meta(x).ok_or_else(refuse)?,
            (4, Field::Varint(v)) if kind == Kind::ServiceAccount => {
                obj["automountServiceAccountToken"] = json!(v != 0)
            }
            // An empty spec or status (a Namespace's as a client sends it).
            (_, f) if is_empty(&f) => {}
            _ => return Err(refuse()),
        }
    }
    Ok(obj)
}

/// A SelfSubjectAccessReview as `kubectl auth can-i` sends it: its spec's
/// resourceAttributes (namespace 1, verb 2, group 3, version 4, resource 5, subresource
/// 6, name 7) or nonResourceAttributes (path 1, verb 2), as JSON.
pub fn decode_access_review(body: &[u8]) -> Result<Value, ApiError> {
    let refuse = || {
        ApiError::new(
            415,
            "UnsupportedMediaType",
            "the simulated cluster could not read this SelfSubjectAccessReview; send it as application/json".into(),
        )
    };
    let raw = object_bytes(body).ok_or_else(refuse)?;
    let attributes = |b: &[u8], names: &[&str]| -> Option<Value> {
        let mut out = serde_json::Map::new();
        for (n, f) in fields(b)? {
            match (n, f) {
                (n, Field::Bytes(x)) if (1..=names.len() as u64).contains(&n) => {
                    let v = text(x)?;
                    if !v.is_empty() {
                        out.insert(names[(n - 1) as usize].to_string(), json!(v));
                    }
                }
                (_, f) if is_empty(&f) => {}
                // Field and label selectors (1.31+): not read.
                _ => {}
            }
        }
        Some(Value::Object(out))
    };
    let mut spec = serde_json::Map::new();
    for (n, f) in fields(raw).ok_or_else(refuse)? {
        if let (2, Field::Bytes(s)) = (n, f) {
            for (k, f) in fields(s).ok_or_else(refuse)? {
                match (k, f) {
                    (1, Field::Bytes(x)) => {
                        let names = [
                            "namespace",
                            "verb",
                            "group",
                            "version",
                            "resource",
                            "subresource",
                            "name",
                        ];
                        spec.insert(
                            "resourceAttributes".into(),
                            attributes(x, &names).ok_or_else(refuse)?,
                        );
                    }
                    (2, Field::Bytes(x)) => {
                        spec.insert(
                            "nonResourceAttributes".into(),
                            attributes(x, &["path", "verb"]).ok_or_else(refuse)?,
                        );
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(
        json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "spec": spec}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(n: u8, b: &[u8]) -> Vec<u8> {
        let mut v = vec![(n << 3) | 2, u8::try_from(b.len()).unwrap()];
        v.extend_from_slice(b);
        v
    }

    #[test]
    fn a_namespace_as_kubectl_create_sends_it_is_read_and_anything_more_refused() {
        let mut entry = bytes(1, b"team");
        entry.extend(bytes(2, b"db"));
        let mut meta = bytes(1, b"shop");
        meta.extend(bytes(11, &entry));
        let mut ns = bytes(1, &meta);
        ns.extend(bytes(2, b""));
        let mut unknown = bytes(1, &bytes(2, b"Namespace"));
        unknown.extend(bytes(2, &ns));
        let mut body = b"k8s\0".to_vec();
        body.extend(&unknown);
        let v = decode(Kind::Namespace, &body).unwrap();
        assert_eq!(
            v["metadata"],
            json!({"name": "shop", "labels": {"team": "db"}})
        );
        // A field this reader does not know (ObjectMeta.finalizers = 14): refused whole.
        let mut meta = bytes(1, b"shop");
        meta.extend(bytes(14, b"x"));
        let mut body = b"k8s\0".to_vec();
        body.extend(bytes(2, &bytes(1, &meta)));
        assert_eq!(decode(Kind::Namespace, &body).unwrap_err().code, 415);
        assert_eq!(decode(Kind::Pod, &body).unwrap_err().code, 415);
        assert_eq!(decode(Kind::Namespace, b"{}").unwrap_err().code, 415);
    }
}
