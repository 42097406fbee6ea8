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
    let text = read_text(path)?;
    snapshot_from_text(&text, name).map_err(|e| e.at(path))
}

/// Why a file could not be read as Kubernetes objects: one line naming the problem, a
/// hint where one helps, and the parser's code frame for `-v`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub message: String,
    pub hint: Option<String>,
    /// The code frame around the problem (shown with `-v`).
    pub frame: Option<String>,
}

impl InputError {
    fn new(message: impl Into<String>) -> InputError {
        InputError {
            message: message.into(),
            hint: None,
            frame: None,
        }
    }

    /// The top-level error (exit 2) for the file at `path`.
    pub fn at(self, path: &Path) -> Error {
        Error {
            hint: self.hint,
            detail: self.frame,
            ..Error::input(format!("{}: {}", path.display(), self.message))
        }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<String> for InputError {
    fn from(message: String) -> InputError {
        InputError::new(message)
    }
}

impl From<SnapshotError> for InputError {
    fn from(e: SnapshotError) -> InputError {
        InputError::new(e.to_string())
    }
}

/// Builds a snapshot from file text. A JSON `List` (what `kubectl get -o json` prints) is
/// decoded item by item straight into typed objects, without an intermediate value tree.
pub fn snapshot_from_text(
    text: &str,
    name: Option<&str>,
) -> std::result::Result<Snapshot, InputError> {
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
        return Ok(decode_list(items, name)?);
    }
    let objects = parse_objects(text)?;
    Ok(Snapshot::from_objects(objects, name)?)
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
    let text = read_text(path)?;
    parse_objects(&text).map_err(|e| e.at(path))
}

/// Parses JSON or (multi-document) YAML text into objects. Text that starts like JSON
/// and is not JSON is read as YAML (flow style, `{kind: Pod}`, is YAML too); if it is
/// neither, the JSON error is the one reported.
pub fn parse_objects(text: &str) -> std::result::Result<Vec<Value>, InputError> {
    let trimmed = text.trim_start();
    let docs: Vec<Value> = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(items)) => items,
            Ok(other) => vec![other],
            Err(json) => parse_yaml(text).map_err(|yaml| InputError {
                message: format!("invalid JSON: {json}"),
                hint: yaml.hint,
                frame: Some(format!("read as YAML: {}", yaml.message)),
            })?,
        }
    } else {
        parse_yaml(text)?
    };
    let mut out = Vec::new();
    for doc in docs {
        flatten(doc, &mut out)?;
    }
    if out.is_empty() {
        return Err(InputError::new("no Kubernetes objects found"));
    }
    Ok(out)
}

/// Multi-document YAML, within [`YamlLimits`] for its size.
fn parse_yaml(text: &str) -> std::result::Result<Vec<Value>, InputError> {
    let limits = YamlLimits::for_input(text.len(), YamlLimits::factor_from_env());
    let options = serde_saphyr::options! { budget: Some(limits.budget()) };
    serde_saphyr::from_multiple_with_options::<Value>(text, options)
        .map_err(|e| limits.explain(text.len(), &e))
}

/// How far YAML may expand: proportional to the input's size, so that honest input of any
/// size reads and an alias bomb or a nesting storm stops early (the bound on memory is a
/// few dozen times the file's size). `KUBECTL_STS_YAML_LIMIT_FACTOR` multiplies them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YamlLimits {
    pub depth: usize,
    pub nodes: usize,
    pub events: usize,
    pub documents: usize,
    pub aliases: usize,
    pub scalar_bytes: usize,
}

/// The environment variable that raises every YAML limit by a factor.
pub const LIMIT_FACTOR_ENV: &str = "KUBECTL_STS_YAML_LIMIT_FACTOR";

impl YamlLimits {
    /// A Kubernetes object nests some 15 levels; a generated one seldom 40.
    const DEPTH: usize = 64;

    pub fn for_input(bytes: usize, factor: usize) -> YamlLimits {
        let factor = factor.max(1);
        YamlLimits {
            depth: Self::DEPTH.saturating_mul(factor),
            // A node takes at least 2 bytes of YAML ("- a" is 2 nodes in 4); honest files
            // from kubectl run ~25 bytes a node. Aliases are what can exceed this.
            nodes: (bytes / 4).max(250_000).saturating_mul(factor),
            events: (bytes / 2).max(1_000_000).saturating_mul(factor),
            documents: (bytes / 16).max(1_024).saturating_mul(factor),
            aliases: 50_000usize.saturating_mul(factor),
            scalar_bytes: bytes.saturating_add(64 << 20).saturating_mul(factor),
        }
    }

    fn factor_from_env() -> usize {
        std::env::var(LIMIT_FACTOR_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(1)
    }

    fn budget(&self) -> serde_saphyr::Budget {
        let mut b = serde_saphyr::Budget::default();
        b.max_depth = self.depth;
        b.max_nodes = self.nodes;
        b.max_events = self.events;
        b.max_documents = self.documents;
        b.max_aliases = self.aliases;
        b.max_anchors = self.aliases;
        b.max_total_scalar_bytes = self.scalar_bytes;
        b
    }

    /// One line naming the problem (the limit, when one was hit, and how to raise it);
    /// the parser's code frame goes to `-v`.
    fn explain(&self, bytes: usize, err: &serde_saphyr::Error) -> InputError {
        use serde_saphyr::budget::BudgetBreach as B;
        let mut inner = err;
        while let serde_saphyr::Error::WithSnippet { error, .. }
        | serde_saphyr::Error::AliasError { error, .. } = inner
        {
            inner = error;
        }
        let frame = Some(err.to_string());
        let raise = format!(
            "if the file is honest, raise every limit with {LIMIT_FACTOR_ENV}=4 (or another factor), or save it as JSON (-o json), which is read without them"
        );
        let limit = |what: String| InputError {
            message: format!("YAML over the reader's limit: {what}"),
            hint: Some(raise.clone()),
            frame: frame.clone(),
        };
        if let serde_saphyr::Error::Budget { breach, .. } = inner {
            return match breach {
                B::Depth { .. } => limit(format!("it nests deeper than {} levels", self.depth)),
                B::Nodes { .. } | B::Events { .. } => limit(format!(
                    "it expands to more than {} values for its {bytes} bytes (aliases, *name, expanding?)",
                    self.nodes
                )),
                B::Documents { .. } => limit(format!(
                    "more than {} documents for its {bytes} bytes",
                    self.documents
                )),
                B::Aliases { .. } | B::Anchors { .. } | B::AliasAnchorRatio { .. } => {
                    limit(format!(
                        "more than {} aliases or anchors, or many aliases to few anchors (an alias bomb?)",
                        self.aliases
                    ))
                }
                B::ScalarBytes { .. } => limit(format!(
                    "its text expands past {} bytes (aliases?)",
                    self.scalar_bytes
                )),
                other => limit(format!("{other:?}")),
            };
        }
        let text = inner.to_string();
        let first = text.lines().next().unwrap_or("").trim();
        let first = first.strip_prefix("error: ").unwrap_or(first);
        // The parser's advice names its own API; ours is about the file.
        let first = first
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(first);
        let at = match err.location() {
            Some(l) if l.line() > 0 && !first.contains(" line ") => {
                format!(" at line {}, column {}", l.line(), l.column())
            }
            _ => String::new(),
        };
        InputError {
            message: format!("invalid YAML: {first}{at}"),
            hint: None,
            frame,
        }
    }
}

fn flatten(doc: Value, out: &mut Vec<Value>) -> std::result::Result<(), InputError> {
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
                return Err(InputError::new(
                    "an object without `kind` is not a Kubernetes object",
                ));
            }
            out.push(Value::Object(map));
            Ok(())
        }
        other => Err(InputError::new(format!(
            "expected a Kubernetes object, found {}",
            type_name(&other)
        ))),
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

    /// Limits follow the input's size: more than 1,024 documents and more than 250,000
    /// values read when the file is that big honestly; an alias bomb of a few hundred
    /// bytes does not, and the message names the limit and how to raise it.
    #[test]
    fn yaml_limits_follow_the_input_size() {
        let docs: String = (0..3000)
            .map(|i| format!("kind: Pod\nmetadata: {{name: p{i}, labels: {{a: b}}}}\n---\n"))
            .collect();
        assert_eq!(parse_objects(&docs).unwrap().len(), 3000);
        let values: String = std::iter::once("kind: ConfigMap\ndata:\n".to_string())
            .chain((0..300_000).map(|i| format!("  k{i}: v\n")))
            .collect();
        assert_eq!(parse_objects(&values).unwrap().len(), 1);

        let mut bomb = String::from("a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(",");
            bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let err = parse_objects(&bomb).unwrap_err();
        assert!(err.message.contains("over the reader's limit"), "{err:?}");
        assert!(err.hint.unwrap().contains(LIMIT_FACTOR_ENV));
        assert!(err.frame.is_some(), "the frame is kept for -v");

        let deep = format!(
            "kind: Pod\nx: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let err = parse_objects(&deep).unwrap_err();
        assert!(
            !err.message.contains('\n') && err.message.len() < 200,
            "{err:?}"
        );

        let limits = YamlLimits::for_input(40 << 20, 1);
        assert_eq!(limits.nodes, 10 << 20);
        assert_eq!(YamlLimits::for_input(10, 4).depth, 256);
    }

    /// Flow-style YAML starts with `{` and is not JSON; it is read as YAML. Text that is
    /// neither keeps the JSON error, with the YAML one behind -v.
    #[test]
    fn flow_yaml_is_yaml_and_frames_are_kept_for_verbose() {
        let flow = "{kind: Pod, metadata: {name: a}}";
        assert_eq!(parse_objects(flow).unwrap().len(), 1);
        let err = parse_objects("{\"kind\": \"Pod\", metadata: {").unwrap_err();
        assert!(err.message.starts_with("invalid JSON"), "{err:?}");
        assert!(err.frame.unwrap().contains("YAML"));
        let err = parse_objects("kind: Pod\nkind: Pod\n").unwrap_err();
        assert_eq!(
            err.message,
            "invalid YAML: duplicate mapping key: kind at line 2, column 1"
        );
        assert!(err.frame.unwrap().contains("2 | kind: Pod"));
    }

    #[test]
    fn rejects_what_is_not_objects() {
        assert!(
            parse_objects("")
                .unwrap_err()
                .message
                .contains("no Kubernetes objects")
        );
        assert!(
            parse_objects("{")
                .unwrap_err()
                .message
                .contains("invalid JSON")
        );
        assert!(
            parse_objects("a: [")
                .unwrap_err()
                .message
                .contains("invalid YAML")
        );
        assert!(
            parse_objects("- 1\n- 2\n")
                .unwrap_err()
                .message
                .contains("expected a Kubernetes object")
        );
        assert!(
            parse_objects("metadata: {}\n")
                .unwrap_err()
                .message
                .contains("without `kind`")
        );
    }
}

#[cfg(test)]
mod parallel_tests {
    use super::*;
    use crate::model::fixture::{Fixture, PodState};
    use crate::model::profile::Profile;

    fn list_of(pods: i32) -> Value {
        let mut sc = Fixture::new("web", pods);
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
        assert!(err.message.contains("Pod web-"), "{err}");
    }
}
