//! Placeholders (`{{pod}}`, `{{ pod }}`, and `--check-http`'s `{pod}`) and how a value read
//! from the cluster goes into each kind of text: never as code. A set's author chooses
//! `spec.serviceName` (a 1.28 API server does not check it is a DNS label), so every value
//! is data wherever it lands:
//!
//! - a shell command: single-quoted (`'x;touch owned'` stays one word);
//! - a URL: a value in the host must be a host name's characters (letters, digits, `-`,
//!   `.`), elsewhere it is percent-encoded, and the URL's host after filling is checked
//!   against the one the template names;
//! - a PromQL query: escaped as the contents of a quoted string;
//! - an environment variable: as it is (the environment is data).

/// The `{{name}}` placeholders in `s` (spaces inside the braces allowed), in order.
pub fn placeholders(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    each(s, |part| {
        if let Part::Placeholder(p) = part {
            out.push(p.to_string());
        }
    });
    out
}

enum Part<'a> {
    Text(&'a str),
    Placeholder(&'a str),
}

/// Walks `s` as text and placeholders.
fn each<'a>(s: &'a str, mut f: impl FnMut(Part<'a>)) {
    let mut rest = s;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else { break };
        f(Part::Text(&rest[..i]));
        f(Part::Placeholder(after[..j].trim()));
        rest = &after[j + 2..];
    }
    f(Part::Text(rest));
}

/// `s` with each placeholder replaced by `quote` of its value (an unknown name is left
/// as written: parsing refused it already).
pub fn fill(
    s: &str,
    facts: &[(&str, String)],
    mut quote: impl FnMut(&str, &str) -> Result<String, String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut failed = None;
    each(s, |part| match part {
        Part::Text(t) => out.push_str(t),
        Part::Placeholder(p) => match facts.iter().find(|(k, _)| *k == p) {
            Some((k, v)) => match quote(k, v) {
                Ok(q) => out.push_str(&q),
                Err(e) => {
                    failed.get_or_insert(e);
                }
            },
            None => {
                out.push_str("{{");
                out.push_str(p);
                out.push_str("}}");
            }
        },
    });
    match failed {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// `s` with every value as it is (environment variables, messages).
pub fn plain(s: &str, facts: &[(&str, String)]) -> String {
    fill(s, facts, |_, v| Ok(v.to_string())).unwrap_or_else(|e| e)
}

/// `s`, a shell command, with every value single-quoted: one word, never code.
pub fn shell(s: &str, facts: &[(&str, String)]) -> String {
    fill(s, facts, |_, v| Ok(shell_quote(v))).unwrap_or_else(|e| e)
}

/// `v` as one single-quoted shell word.
pub fn shell_quote(v: &str) -> String {
    format!("'{}'", v.replace('\'', r"'\''"))
}

/// `s`, a PromQL query, with every value escaped as a quoted string's contents.
pub fn promql(s: &str, facts: &[(&str, String)]) -> String {
    fill(s, facts, |_, v| {
        let mut out = String::with_capacity(v.len());
        for c in v.chars() {
            match c {
                '\\' | '"' | '\'' | '`' => {
                    out.push('\\');
                    out.push(c);
                }
                '\n' => out.push_str("\\n"),
                c if c.is_control() => {}
                c => out.push(c),
            }
        }
        Ok(out)
    })
    .unwrap_or_else(|e| e)
}

/// `v` percent-encoded for any part of a URL (every byte but the unreserved ones).
pub fn percent(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A path (the pod proxy's), every value percent-encoded.
pub fn path(s: &str, facts: &[(&str, String)]) -> String {
    fill(s, facts, |_, v| Ok(percent(v))).unwrap_or_else(|e| e)
}

/// An `http://` URL filled from `template`: values in the host must be host-name
/// characters, values elsewhere are percent-encoded; the URL is then parsed and its host
/// must be the one the template names. The reason when it cannot be built so.
pub fn url(template: &str, facts: &[(&str, String)]) -> Result<String, String> {
    let Some((scheme, rest)) = template.split_once("://") else {
        return Err(format!(
            "{template:?} is not a URL (http://HOST[:PORT]/PATH)"
        ));
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let authority = fill(authority, facts, |k, v| {
        if !v.is_empty()
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.'))
        {
            Ok(v.to_string())
        } else {
            Err(format!(
                "{{{{{k}}}}} = {v:?} cannot be part of a host name (only letters, digits, '-' and '.'); the check was not sent"
            ))
        }
    })?;
    let tail = fill(tail, facts, |_, v| Ok(percent(v)))?;
    let filled = format!("{scheme}://{authority}{tail}");
    let uri: http::Uri = filled
        .parse()
        .map_err(|e| format!("{filled:?} is not a URL: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err(format!(
            "{template:?}: only http:// URLs are supported (for https, use a command gate with curl)"
        ));
    }
    // The host the template names, filled: userinfo and port are the template's own.
    let named = authority.rsplit('@').next().unwrap_or(&authority);
    let named = match named.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => named,
    };
    match uri.host() {
        Some(h) if !h.is_empty() && h == named => Ok(filled),
        Some(h) => Err(format!(
            "{filled:?} would go to host {h:?}, not {named:?} as {template:?} names; the check was not sent"
        )),
        None => Err(format!("{filled:?} has no host")),
    }
}

/// `--check-http`'s `{pod}` spelling → `{{pod}}`, for the known placeholders; text
/// already in the gate file's spelling is kept, so the two may be mixed.
pub fn doubled(s: &str, known: &[&str]) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let at = &rest[i..];
        if at.starts_with("{{") {
            // Already doubled: copy through its closing braces.
            let end = at.find("}}").map_or(at.len(), |j| j + 2);
            out.push_str(&at[..end]);
            rest = &at[end..];
            continue;
        }
        match at[1..].find('}') {
            Some(j) if known.contains(&at[1..1 + j].trim()) => {
                out.push_str("{{");
                out.push_str(at[1..1 + j].trim());
                out.push_str("}}");
                rest = &at[j + 2..];
            }
            _ => {
                out.push('{');
                rest = &at[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hostile() -> Vec<(&'static str, String)> {
        vec![
            ("pod", "web-0".into()),
            ("service", "x;touch${IFS}owned;#".into()),
            ("dns", "x@127.0.0.1:9/hijack?".into()),
        ]
    }

    #[test]
    fn spaces_inside_the_braces_are_the_same_placeholder() {
        assert_eq!(placeholders("a {{ pod }} b {{set}}"), ["pod", "set"]);
        assert_eq!(
            plain("up{pod=\"{{ pod }}\"}", &hostile()),
            "up{pod=\"web-0\"}"
        );
    }

    #[test]
    fn shell_values_are_one_quoted_word() {
        assert_eq!(
            shell("echo {{service}}", &hostile()),
            r"echo 'x;touch${IFS}owned;#'"
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn a_value_cannot_move_a_url_to_another_host() {
        let e = url("http://{{pod}}.{{service}}.svc:8080/healthz", &hostile()).unwrap_err();
        assert!(e.contains("cannot be part of a host name"), "{e}");
        let e = url("http://{{dns}}:8080/", &hostile()).unwrap_err();
        assert!(e.contains("host name"), "{e}");
        // In the path, the same value is data.
        assert_eq!(
            url("http://checker:8080/s/{{dns}}", &hostile()).unwrap(),
            "http://checker:8080/s/x%40127.0.0.1%3A9%2Fhijack%3F"
        );
        assert!(url("https://x/", &[]).unwrap_err().contains("only http://"));
        assert!(url("not a url", &[]).unwrap_err().contains("not a URL"));
    }

    #[test]
    fn promql_values_stay_inside_their_string() {
        let facts = vec![("service", "x\"} or vector(1) #".to_string())];
        assert_eq!(
            promql("up{svc=\"{{service}}\"}", &facts),
            "up{svc=\"x\\\"} or vector(1) #\"}"
        );
    }

    #[test]
    fn the_flag_spelling_mixes_with_the_file_spelling() {
        let known = ["pod", "ordinal"];
        assert_eq!(
            doubled("http://{pod}:80/{{ordinal}}/{x}", &known),
            "http://{{pod}}:80/{{ordinal}}/{x}"
        );
    }
}
