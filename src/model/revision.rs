//! ControllerRevisions: the patch bytes of a pod template, their FNV-1 hash and name,
//! equality, and how one sync pass picks currentRevision and updateRevision (SPEC §1).
//! Pure.

use std::cmp::Ordering;

use k8s_openapi::api::apps::v1::ControllerRevision;
use serde_json::{Map, Value};

use super::gojson;
use super::profile::Profile;

/// Label carrying the hash on a ControllerRevision.
pub const HASH_LABEL: &str = "controller.kubernetes.io/hash";
/// Label carrying the full revision name on a pod.
pub const POD_REVISION_LABEL: &str = "controller-revision-hash";

/// The canonical bytes of a revision's `data` plus what equality needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionData {
    pub raw: Vec<u8>,
}

/// The revision the live template would produce (SPEC §1.2), before its name is known.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub data: RevisionData,
    /// `spec.template` as stored in the patch, without the `$patch` directive.
    pub template: Value,
}

/// Builds `{"spec":{"template":{"$patch":"replace",...}}}` from the set's served JSON.
pub fn candidate(set_json: &Value, profile: &Profile) -> Candidate {
    let mut template = set_json
        .pointer("/spec/template")
        .cloned()
        .unwrap_or(Value::Null);
    normalize_template(&mut template, profile);
    let data = patch_bytes(&template, profile);
    Candidate { data, template }
}

/// Applies the release's serialisation of the template's ObjectMeta: up to 1.33 the zero
/// `creationTimestamp` is written as `null`, from 1.34 it is omitted (PR #130989).
fn normalize_template(template: &mut Value, profile: &Profile) {
    let Some(obj) = template.as_object_mut() else {
        return;
    };
    if profile.revision_has_null_creation_timestamp() {
        let meta = obj
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(meta) = meta.as_object_mut() {
            meta.entry("creationTimestamp").or_insert(Value::Null);
        }
    } else if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut)
        && meta.get("creationTimestamp").is_some_and(Value::is_null)
    {
        meta.remove("creationTimestamp");
    }
}

/// `{"spec":{"template":{"$patch":"replace",...}}}`: a revision's data, and the strategic
/// merge patch that puts `template` into a set whole (what `kubectl rollout undo` sends).
pub fn replace_patch(template: &Value) -> Value {
    let mut t = template.clone();
    if let Some(obj) = t.as_object_mut() {
        obj.insert("$patch".into(), Value::String("replace".into()));
    }
    serde_json::json!({ "spec": { "template": t } })
}

fn patch_bytes(template: &Value, profile: &Profile) -> RevisionData {
    RevisionData {
        raw: gojson::encode(&replace_patch(template), profile.control_escapes()),
    }
}

/// Canonical bytes of a stored revision's data (inputs are re-serialised, so spacing and
/// key order carry no meaning).
pub fn stored_data(rev: &ControllerRevision, profile: &Profile) -> RevisionData {
    match &rev.data {
        Some(raw) => RevisionData {
            raw: gojson::encode(&raw.0, profile.control_escapes()),
        },
        None => RevisionData { raw: Vec::new() },
    }
}

/// The template a stored revision holds (what `ApplyRevision` puts into the set).
pub fn stored_template(rev: &ControllerRevision) -> Value {
    let mut t = rev
        .data
        .as_ref()
        .and_then(|d| d.0.pointer("/spec/template"))
        .cloned()
        .unwrap_or(Value::Null);
    if let Some(obj) = t.as_object_mut() {
        obj.remove("$patch");
    }
    t
}

/// 32-bit FNV-1 (multiply, then xor) of the data followed by the decimal probe.
pub fn fnv1_32(parts: &[&[u8]]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for part in parts {
        for &b in *part {
            h = h.wrapping_mul(0x0100_0193);
            h ^= u32::from(b);
        }
    }
    h
}

/// `rand.SafeEncodeString` over the decimal text of the hash.
pub fn safe_encode(text: &str) -> String {
    const ALPHABET: &[u8; 27] = b"bcdfghjklmnpqrstvwxz2456789";
    text.bytes()
        .map(|b| ALPHABET[usize::from(b) % ALPHABET.len()] as char)
        .collect()
}

/// The hash label value for `data` with an optional collision-count probe.
pub fn hash(data: &RevisionData, probe: Option<i32>) -> String {
    let probe_text = probe.map(|p| p.to_string()).unwrap_or_default();
    safe_encode(&fnv1_32(&[&data.raw, probe_text.as_bytes()]).to_string())
}

/// `<set>-<hash>`, the set name cut to 223 bytes first (on a char boundary).
pub fn revision_name(set_name: &str, hash: &str) -> String {
    let mut cut = set_name.len().min(223);
    while !set_name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}-{hash}", &set_name[..cut])
}

/// Go's `strconv.ParseInt(s, 10, 32)`: the hash-label quirk of `EqualRevision`.
fn parse_i32_label(s: &str) -> Option<u32> {
    s.parse::<i32>().ok().map(|v| v as u32)
}

/// `history.EqualRevision` between two revisions given as (hash label, data).
pub fn equal(
    lhs_label: Option<&str>,
    lhs: &RevisionData,
    rhs_label: Option<&str>,
    rhs: &RevisionData,
) -> bool {
    if let (Some(a), Some(b)) = (
        lhs_label.and_then(parse_i32_label),
        rhs_label.and_then(parse_i32_label),
    ) && a != b
    {
        return false;
    }
    lhs.raw == rhs.raw
}

/// `history.SortControllerRevisions`: by `.revision`, then older creation first, then name.
pub fn sort(revs: &mut [&ControllerRevision]) {
    revs.sort_by(|a, b| compare(a, b));
}

fn compare(a: &ControllerRevision, b: &ControllerRevision) -> Ordering {
    a.revision.cmp(&b.revision).then_with(|| {
        let ta = a.metadata.creation_timestamp.as_ref().map(|t| t.0);
        let tb = b.metadata.creation_timestamp.as_ref().map(|t| t.0);
        ta.cmp(&tb)
            .then_with(|| a.metadata.name.cmp(&b.metadata.name))
    })
}

pub fn hash_label(rev: &ControllerRevision) -> Option<&str> {
    rev.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(HASH_LABEL))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA_133: &str = r#"{"spec":{"template":{"$patch":"replace","metadata":{"annotations":{"test":"value"},"creationTimestamp":null,"labels":{"app":"foo"}},"spec":{"containers":[{"image":"test","imagePullPolicy":"Always","name":"test","resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}}}"#;

    fn data(s: &str) -> RevisionData {
        RevisionData {
            raw: s.as_bytes().to_vec(),
        }
    }

    #[test]
    fn upstream_compatibility_hashes() {
        // SPEC §1.4, from upstream's stateful_set_compatibility_test.go.
        assert_eq!(fnv1_32(&[DATA_133.as_bytes(), b"0"]), 733_928_534);
        assert_eq!(hash(&data(DATA_133), Some(0)), "c77f6d978");
        let data_134 = DATA_133.replace(r#""creationTimestamp":null,"#, "");
        assert_eq!(fnv1_32(&[data_134.as_bytes(), b"0"]), 3_325_552_446);
        assert_eq!(hash(&data(&data_134), Some(0)), "776999688b");
        assert_eq!(hash(&data(&data_134), Some(1)), "776999688c");
        assert_eq!(hash(&data(&data_134), Some(2)), "7769996888");
        assert_eq!(hash(&data(&data_134), Some(10)), "5668d487d5");
        // Negative checks: without the probe, and FNV-1a, give other values.
        assert_eq!(hash(&data(DATA_133), None), "6b48d6f566");
        assert_eq!(hash(&data(&data_134), None), "6855cb9558");
    }

    #[test]
    fn safe_encoding_of_digits() {
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
    }

    #[test]
    fn long_set_names_are_cut_to_223_bytes() {
        let long = "a".repeat(300);
        assert_eq!(revision_name(&long, "x").len(), 225);
        assert_eq!(revision_name("web", "5d44d49456"), "web-5d44d49456");
    }

    #[test]
    fn all_digit_hash_labels_short_circuit_equality() {
        let d = data("{}");
        assert!(equal(Some("123"), &d, Some("123"), &d));
        assert!(!equal(Some("123"), &d, Some("124"), &d));
        // Labels with letters never parse, so only the bytes decide.
        assert!(equal(Some("abc"), &d, Some("xyz"), &d));
        assert!(!equal(None, &d, None, &data("[]")));
    }
}
