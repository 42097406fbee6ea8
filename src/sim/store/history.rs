//! The store's change history, which watches resume from and the controllers' queues
//! read. An object is kept as its JSON text: decoded, a `serde_json::Value` takes about
//! ten times the memory (a pod of 2.7 KB of JSON is ~27 KB as a `Value`: every object a
//! B-tree node), and the history holds thousands of them.

use std::sync::Arc;

use serde_json::Value;

use super::{EventType, Kind};

/// An object as it was at a change: its JSON, compact, shared by every reader.
#[derive(Clone, Debug)]
pub struct Frozen(Arc<str>);

impl Frozen {
    pub fn of(object: &Value) -> Frozen {
        // A `Value` always serializes (its keys are strings); "null" stands for the
        // impossible failure rather than a panic.
        Frozen(
            serde_json::to_string(object)
                .unwrap_or_else(|_| "null".into())
                .into(),
        )
    }

    /// The object, decoded.
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }

    pub fn json(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug)]
pub struct Change {
    pub rv: u64,
    pub kind: Kind,
    pub event: EventType,
    /// The object's namespace and name (read without decoding it).
    pub namespace: String,
    pub name: String,
    pub object: Frozen,
    /// The object before this change (none for a creation, and none for a change that
    /// kept its labels and owners): a watch with a selector sends DELETED when an object
    /// stops matching, ADDED when it starts, as the API server's watch cache does.
    pub prev: Option<Frozen>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_object_comes_back_as_it_went_in() {
        let pod = json!({"metadata": {"name": "web-0", "labels": {"a": "b"}}, "spec": {"n": [1, 2.5, null, true]}});
        let frozen = Frozen::of(&pod);
        assert_eq!(frozen.value(), pod);
        assert_eq!(frozen.json(), serde_json::to_string(&pod).unwrap());
    }
}
