//! Parsing and planning never panic, whatever the file says: random damage (a value
//! replaced by another type, a huge or negative number, a key removed, text cut short)
//! to valid snapshots, read as JSON and as YAML, then planned, reported and previewed.
//! CI runs this; the coverage-guided fuzzer (`scripts/fuzz`) goes further.

use jiff::Timestamp;
use kubectl_sts::manifest::snapshot_from_text;
use kubectl_sts::model::fixture::PodState;
use kubectl_sts::model::preview::{Assumptions, preview};
use kubectl_sts::model::profile::Profile;
use kubectl_sts::model::{plan, report};
use proptest::prelude::*;
use serde_json::{Value, json};

fn valid() -> Value {
    let (mut sc, a, b) = super::big::rolling(4);
    sc.pod(0, a, PodState::RunningReady);
    sc.pod(1, a, PodState::CrashLoop);
    sc.pod(3, b, PodState::Pending);
    let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    json!({"apiVersion": "v1", "kind": "List", "items": sc.objects(&Profile::default(), now)})
}

/// Every path to a value in `v`, as pointer segments.
fn paths(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                at.push(k.clone());
                paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push(i.to_string());
                paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn replacement() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None), // removed
        Just(Some(Value::Null)),
        Just(Some(json!(-1))),
        Just(Some(json!(0))),
        Just(Some(json!(2147483647))),
        Just(Some(json!(-2147483648i64))),
        Just(Some(json!(9.5e300))),
        Just(Some(json!(""))),
        Just(Some(json!("web-\u{1b}[2J"))),
        Just(Some(json!("2026-13-45T99:99:99Z"))),
        Just(Some(json!("100%"))),
        Just(Some(json!(true))),
        Just(Some(json!([]))),
        Just(Some(json!({}))),
        "[a-z0-9%-]{0,12}".prop_map(|s| Some(json!(s))),
        any::<i64>().prop_map(|n| Some(json!(n))),
    ]
}

fn exercise(text: &str) {
    let Ok(snap) = snapshot_from_text(text, None) else {
        return;
    };
    let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let profile = Profile::default();
    let p = plan(&snap, now, &profile);
    let _ = report::report(&snap, &p, now, &profile);
    let _ = preview(&snap, now, &profile, Assumptions::default(), 300);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn damaged_snapshots_never_panic(
        picks in proptest::collection::vec((any::<prop::sample::Index>(), replacement()), 1..4),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let mut v = valid();
        for (index, with) in picks {
            let mut all = Vec::new();
            paths(&v, &mut Vec::new(), &mut all);
            let path = index.get(&all[1..]).clone();
            let (last, parent) = path.split_last().unwrap();
            let pointer: String = parent.iter().map(|p| format!("/{p}")).collect();
            match (v.pointer_mut(&pointer), with) {
                (Some(Value::Object(m)), None) => { m.remove(last); }
                (Some(Value::Object(m)), Some(w)) => { m.insert(last.clone(), w); }
                (Some(Value::Array(items)), w) => {
                    let i: usize = last.parse().unwrap();
                    match w { None => { items.remove(i); } Some(w) => items[i] = w }
                }
                _ => {}
            }
        }
        let json = serde_json::to_string(&v).unwrap();
        let yaml = serde_saphyr::to_string(&v).unwrap();
        for text in [&json, &yaml] {
            exercise(text);
            if let Some(cut) = cut {
                let mut at = cut.index(text.len());
                while !text.is_char_boundary(at) { at -= 1; }
                exercise(&text[..at]);
            }
        }
    }
}
