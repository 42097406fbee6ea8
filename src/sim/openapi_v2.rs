//! `GET /openapi/v2`, which kubectl up to 1.28 reads to validate what it sends (`create
//! -f`, `apply`): the served kinds' schemas as a Swagger 2.0 document in the protobuf
//! encoding client-go asks for (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`,
//! gnostic's `openapi_v2.Document`). Built from the same schemas as the v3 documents:
//! `#/components/schemas/X` becomes `#/definitions/X`, a wrapped `allOf: [$ref]` a plain
//! reference, and the `x-kubernetes-*` extensions travel as YAML, as kube-apiserver's do.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::openapi::schema_map;

/// Protobuf writing: a field's key, a varint, a length-delimited value.
struct Pb(Vec<u8>);

impl Pb {
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn bytes(&mut self, field: u64, b: &[u8]) {
        self.varint((field << 3) | 2);
        self.varint(b.len() as u64);
        self.0.extend_from_slice(b);
    }

    fn string(&mut self, field: u64, s: &str) {
        if !s.is_empty() {
            self.bytes(field, s.as_bytes());
        }
    }

    fn message(&mut self, field: u64, m: Pb) {
        self.bytes(field, &m.0);
    }
}

/// A JSON value as the YAML gnostic keeps extensions in (JSON is YAML; flow style).
fn yaml(v: &Value) -> String {
    format!("{v}\n")
}

fn named_any(name: &str, v: &Value) -> Pb {
    let mut any = Pb(Vec::new());
    any.string(2, &yaml(v));
    let mut n = Pb(Vec::new());
    n.string(1, name);
    n.message(2, any);
    n
}

/// gnostic's `Schema` of a v3 JSON schema.
fn schema(s: &Value) -> Pb {
    let mut pb = Pb(Vec::new());
    let Some(m) = s.as_object() else {
        return pb;
    };
    let reference = m
        .get("$ref")
        .or_else(|| {
            m.get("allOf")
                .and_then(|a| a.get(0))
                .and_then(|r| r.get("$ref"))
        })
        .and_then(Value::as_str);
    if let Some(r) = reference {
        pb.string(1, &r.replace("#/components/schemas/", "#/definitions/"));
    }
    if let Some(f) = m.get("format").and_then(Value::as_str) {
        pb.string(2, f);
    }
    if let Some(d) = m.get("description").and_then(Value::as_str) {
        pb.string(4, d);
    }
    for r in m
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(r) = r.as_str() {
            pb.string(19, r);
        }
    }
    if let Some(ap) = m.get("additionalProperties") {
        let mut item = Pb(Vec::new());
        match ap {
            Value::Bool(b) => {
                item.varint(2 << 3);
                item.varint(u64::from(*b));
            }
            other => item.message(1, schema(other)),
        }
        pb.message(21, item);
    }
    let ty = match m.get("type") {
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        Some(t) => t.as_str(),
        None => None,
    };
    if let Some(t) = ty {
        let mut ty = Pb(Vec::new());
        ty.string(1, t);
        pb.message(22, ty);
    }
    if let Some(items) = m.get("items") {
        let mut it = Pb(Vec::new());
        it.message(1, schema(items));
        pb.message(23, it);
    }
    if let Some(props) = m.get("properties").and_then(Value::as_object) {
        pb.message(25, named_schemas(props));
    }
    for (k, v) in m {
        if k.starts_with("x-kubernetes-") {
            pb.message(31, named_any(k, v));
        }
    }
    pb
}

/// `repeated NamedSchema additional_properties = 1`, for Properties and Definitions.
fn named_schemas(m: &Map<String, Value>) -> Pb {
    let mut out = Pb(Vec::new());
    for (name, s) in m {
        let mut n = Pb(Vec::new());
        n.string(1, name);
        n.message(2, schema(s));
        out.message(1, n);
    }
    out
}

/// The document, encoded once.
pub fn document() -> &'static [u8] {
    static DOC: OnceLock<Vec<u8>> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = Pb(Vec::new());
        doc.string(1, "2.0");
        let mut info = Pb(Vec::new());
        info.string(1, "Kubernetes");
        info.string(2, "v1");
        doc.message(2, info);
        doc.message(8, Pb(Vec::new()));
        doc.message(9, named_schemas(schema_map()));
        doc.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads back field `n` (length-delimited) of a message, the first or all.
    fn fields(b: &[u8]) -> Vec<(u64, Vec<u8>)> {
        let mut out = Vec::new();
        let mut at = 0;
        let varint = |b: &[u8], at: &mut usize| {
            let mut v = 0u64;
            let mut shift = 0;
            loop {
                let byte = b[*at];
                *at += 1;
                v |= u64::from(byte & 0x7f) << shift;
                if byte & 0x80 == 0 {
                    return v;
                }
                shift += 7;
            }
        };
        while at < b.len() {
            let key = varint(b, &mut at);
            match key & 7 {
                2 => {
                    let len = varint(b, &mut at) as usize;
                    out.push((key >> 3, b[at..at + len].to_vec()));
                    at += len;
                }
                _ => {
                    let v = varint(b, &mut at);
                    out.push((key >> 3, v.to_le_bytes().to_vec()));
                }
            }
        }
        out
    }

    #[test]
    fn the_document_names_each_served_kind_with_its_group_version_kind() {
        let doc = fields(document());
        assert_eq!(doc[0], (1, b"2.0".to_vec()));
        let definitions = &doc.iter().find(|(n, _)| *n == 9).unwrap().1;
        let named = fields(definitions);
        let sts = named
            .iter()
            .map(|(_, n)| fields(n))
            .find(|n| n[0].1 == b"io.k8s.api.apps.v1.StatefulSet")
            .unwrap();
        let body = fields(&sts[1].1);
        // type "object", properties, and the GVK extension as YAML.
        let ext: Vec<String> = body
            .iter()
            .filter(|(n, _)| *n == 31)
            .map(|(_, e)| String::from_utf8_lossy(&e.clone()).into_owned())
            .collect();
        assert!(
            ext.iter()
                .any(|e| e.contains("x-kubernetes-group-version-kind")
                    && e.contains("\"kind\":\"StatefulSet\"")),
            "{ext:?}"
        );
        assert!(body.iter().any(|(n, _)| *n == 25), "properties");
    }
}
