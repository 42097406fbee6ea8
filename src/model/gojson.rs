//! Go `encoding/json` compatible encoding of a generic JSON value: the exact bytes the
//! StatefulSet controller hashes into revision names (SPEC §1.3). Pure; no I/O.
//!
//! The controller marshals a `map[string]interface{}`, so keys are sorted byte-wise,
//! there is no whitespace, every number went through float64, and strings use Go's
//! HTML-safe escaping.

use serde_json::Value;

/// How the encoder escapes backspace and form feed: Go 1.22 switched from `\u0008` /
/// `\u000c` to the short `\b` / `\f` (KCM 1.30+ is built with Go >= 1.22).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ControlEscapes {
    Short,
    Unicode,
}

/// Encodes `value` exactly as Go's `json.Marshal` would after a round trip through
/// `interface{}`.
pub fn encode(value: &Value, escapes: ControlEscapes) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    write_value(&mut out, value, escapes);
    out
}

fn write_value(out: &mut Vec<u8>, value: &Value, escapes: ControlEscapes) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s, escapes),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item, escapes);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            // serde_json's default map is a BTreeMap<String, _>: iteration is already in
            // byte-wise key order, which is Go's order for map keys. Sort anyway so the
            // encoder stays right if the `preserve_order` feature is ever switched on.
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            out.push(b'{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(out, key, escapes);
                out.push(b':');
                write_value(out, &map[key], escapes);
            }
            out.push(b'}');
        }
    }
}

fn write_number(out: &mut Vec<u8>, n: &serde_json::Number) {
    // Every number became a float64 in Go; an int64 beyond 2^53 loses precision exactly
    // as the `as f64` conversion does here.
    let f = if let Some(i) = n.as_i64() {
        i as f64
    } else if let Some(u) = n.as_u64() {
        u as f64
    } else {
        n.as_f64().unwrap_or(0.0)
    };
    out.extend_from_slice(format_float64(f).as_bytes());
}

/// Go's `strconv.FormatFloat(f, 'f' or 'e', -1, 64)` choice as made by encoding/json:
/// shortest round-trip digits, exponent notation outside [1e-6, 1e21).
pub fn format_float64(f: f64) -> String {
    if !f.is_finite() {
        // JSON input cannot hold these; Go would refuse to marshal them.
        return "null".to_string();
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        // Rust prints `1e21` / `1e-7`; Go prints `1e+21` / `1e-07` and then strips the
        // leading zero of a two-digit negative exponent, giving `1e-7`.
        let s = format!("{f:e}");
        match s.split_once('e') {
            Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp}"),
            _ => s,
        }
    } else if f == 0.0 {
        // -0 marshals as "-0" in Go.
        if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        }
    } else {
        format!("{f}")
    }
}

fn write_string(out: &mut Vec<u8>, s: &str, escapes: ControlEscapes) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\u{8}' if escapes == ControlEscapes::Short => out.extend_from_slice(b"\\b"),
            '\u{c}' if escapes == ControlEscapes::Short => out.extend_from_slice(b"\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let code = c as u32;
                out.extend_from_slice(format!("\\u{code:04x}").as_bytes());
            }
            c if (c as u32) < 0x20 => {
                let b = c as u8;
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xf) as usize]);
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn enc(v: Value) -> String {
        String::from_utf8(encode(&v, ControlEscapes::Short)).unwrap()
    }

    #[test]
    fn keys_sorted_bytewise_and_patch_first() {
        assert_eq!(
            enc(json!({"spec": 1, "$patch": "replace", "metadata": {}, "Z": []})),
            r#"{"$patch":"replace","Z":[],"metadata":{},"spec":1}"#
        );
    }

    #[test]
    fn strings_use_go_html_safe_escapes() {
        assert_eq!(enc(json!("a<b>&c")), r#""a\u003cb\u003e\u0026c""#);
        assert_eq!(
            enc(json!("q\"\\\n\r\t/é\u{7f}")),
            "\"q\\\"\\\\\\n\\r\\t/é\u{7f}\""
        );
        assert_eq!(enc(json!("\u{1}\u{1f}")), r#""\u0001\u001f""#);
        assert_eq!(enc(json!("\u{2028}\u{2029}")), r#""\u2028\u2029""#);
        assert_eq!(enc(json!("\u{8}\u{c}")), r#""\b\f""#);
        let old = String::from_utf8(encode(&json!("\u{8}\u{c}"), ControlEscapes::Unicode)).unwrap();
        assert_eq!(old, r#""\u0008\u000c""#);
    }

    #[test]
    fn numbers_go_through_float64() {
        assert_eq!(enc(json!(30)), "30");
        assert_eq!(enc(json!(-5)), "-5");
        assert_eq!(enc(json!(0.5)), "0.5");
        assert_eq!(enc(json!(1e21)), "1e+21");
        assert_eq!(enc(json!(1e20)), "100000000000000000000");
        assert_eq!(enc(json!(1e-7)), "1e-7");
        assert_eq!(enc(json!(0.000001)), "0.000001");
        // 2^53 + 1 is not representable as a double.
        assert_eq!(enc(json!(9_007_199_254_740_993_i64)), "9007199254740992");
        assert_eq!(enc(json!(i64::MAX)), "9223372036854776000");
    }
}
