//! A small, deterministic YAML writer for `serde_json::Value`, shaped like
//! `kubectl get -o yaml` output (sigs.k8s.io/yaml, which converts JSON to YAML
//! with go-yaml v2).
//!
//! What it reproduces: keys in the map's order (sorted, since serde_json's map
//! is a BTreeMap here, as go-yaml sorts them), two-space indentation, list
//! items at their parent key's indentation (`ports:\n- port: 80`), `{}` and
//! `[]` for empty collections, double quotes around strings that would
//! otherwise read back as another type (`"80"`, `"true"`, `"yes"`, `""`, and
//! RFC 3339 timestamps such as `"2026-01-01T00:00:00Z"`), single quotes around
//! strings that cannot be plain (`'*'`, `'a: b'`), and literal blocks (`|`)
//! for multi-line strings.
//!
//! What it does not: go-yaml folds long strings at 80 columns; this writer
//! never folds, so a very long value stays on one line (still valid YAML that
//! reads back to the same value).

use serde_json::Value;
use std::fmt::Write as _;

/// Writes `value` as a YAML document (no leading `---`), ending in a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_list(&mut out, items, 0),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    out
}

fn pad(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push(' ');
    }
}

/// Writes the entries of a non-empty map, each line at `indent`.
fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize) {
    for (key, value) in map {
        pad(out, indent);
        write_entry(out, key, value, indent);
    }
}

/// Writes `key: value` (the key's indentation already written).
fn write_entry(out: &mut String, key: &str, value: &Value, indent: usize) {
    out.push_str(&string(key, indent));
    out.push(':');
    match value {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(out, m, indent + 2);
        }
        // go-yaml puts a block sequence at its key's indentation.
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_list(out, items, indent);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other, indent + 2));
            out.push('\n');
        }
    }
}

/// Writes the items of a non-empty list, each `- ` at `indent`.
fn write_list(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        pad(out, indent);
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => {
                // The first entry shares the dash's line; the rest align with it.
                let mut first = true;
                for (key, value) in m {
                    if !first {
                        pad(out, indent + 2);
                    }
                    first = false;
                    write_entry(out, key, value, indent + 2);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                // `- - x`: a nested list starts on the dash's line.
                let mut nested = String::new();
                write_list(&mut nested, inner, indent + 2);
                out.push_str(nested.trim_start_matches(' '));
            }
            other => {
                out.push_str(&scalar(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

/// A scalar or empty collection on one line (a multi-line string becomes a
/// literal block whose lines are indented to `indent`).
fn scalar(value: &Value, indent: usize) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => {
            let mut out = String::new();
            crate::json::number(&mut out, n);
            out
        }
        Value::String(s) => string(s, indent),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

/// Chooses a string's style the way go-yaml v2 does, in spirit.
fn string(s: &str, indent: usize) -> String {
    if s.contains('\n') && s.chars().all(|c| c == '\n' || !c.is_control()) {
        return literal(s, indent);
    }
    if s.chars().any(|c| c.is_control() || c == '\u{feff}') {
        return double_quoted(s);
    }
    if resolves_to_non_string(s) {
        return double_quoted(s);
    }
    if plain_allowed(s) {
        return s.to_owned();
    }
    format!("'{}'", s.replace('\'', "''"))
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A literal block scalar: `|` keeps one final newline, `|-` strips it,
/// `|+` keeps several.
fn literal(s: &str, indent: usize) -> String {
    let trailing = s.len() - s.trim_end_matches('\n').len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    // A first line starting with a space needs an explicit indentation indicator.
    let indicator = if s.starts_with(' ') { "2" } else { "" };
    let mut out = format!("|{indicator}{chomp}");
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            for _ in 0..indent {
                out.push(' ');
            }
            out.push_str(line);
        }
    }
    out
}

/// Whether a plain scalar with this text would be read back as something
/// other than a string under YAML 1.1 (what go-yaml v2 resolves).
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
        ".NaN", ".NAN", "<<",
    ];
    WORDS.contains(&s) || looks_numeric(s) || looks_like_timestamp(s)
}

/// Integers (decimal, `0x`, `0o`, `0b`, with `_` separators) and floats
/// (`1.5`, `.5`, `1e3`, base-60 `1:20`), with an optional sign.
fn looks_numeric(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body.is_empty() {
        return false;
    }
    for prefix in ["0x", "0o", "0b"] {
        if let Some(rest) = body.strip_prefix(prefix) {
            return !rest.is_empty() && rest.chars().all(|c| c.is_ascii_hexdigit() || c == '_');
        }
    }
    // Base-60 numbers such as 1:20 (YAML 1.1 sexagesimal).
    if body.contains(':') {
        let mut parts = body.split(':');
        let head_ok = parts
            .next()
            .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_digit() || c == '_'));
        return head_ok
            && parts.all(|p| {
                !p.is_empty()
                    && p.split('.').next().is_some_and(|d| d.len() <= 2)
                    && p.chars().all(|c| c.is_ascii_digit() || c == '.')
            });
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let digits_ok = !mantissa.is_empty()
        && mantissa.chars().any(|c| c.is_ascii_digit())
        && mantissa
            .chars()
            .all(|c| c.is_ascii_digit() || c == '_' || c == '.')
        && mantissa.matches('.').count() <= 1;
    let exp_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    digits_ok && exp_ok
}

/// `2001-12-14`, `2001-12-14t21:59:43.10-05:00`, `2026-01-01T00:00:00Z`:
/// a date, optionally followed by a time, as YAML 1.1's timestamp type reads.
fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let date = b.len() >= 8
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && s[5..].split(['T', 't', ' ']).next().is_some_and(|d| {
            let mut it = d.split('-');
            let m = it.next().unwrap_or("");
            let day = it.next().unwrap_or("");
            it.next().is_none()
                && (1..=2).contains(&m.len())
                && (1..=2).contains(&day.len())
                && m.chars().chain(day.chars()).all(|c| c.is_ascii_digit())
        });
    if !date {
        return false;
    }
    let rest = &s[5..];
    match rest.find(['T', 't', ' ']) {
        None => true,
        Some(i) => {
            let time = rest[i + 1..].trim_start();
            let t = time.as_bytes();
            t.len() >= 7 && t[0].is_ascii_digit() && time.contains(':')
        }
    }
}

/// Whether the text can be written as a plain scalar in block context
/// (libyaml's `yaml_emitter_analyze_scalar`, simplified).
fn plain_allowed(s: &str) -> bool {
    if s.starts_with(' ') || s.ends_with(' ') || s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    let chars: Vec<char> = s.chars().collect();
    let followed_by_space = |i: usize| chars.get(i + 1).is_none_or(|c| *c == ' ');
    if let Some(&first) = chars.first() {
        match first {
            ',' | '[' | ']' | '{' | '}' | '#' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%'
            | '@' | '`' => return false,
            '-' | '?' | ':' if followed_by_space(0) => return false,
            _ => {}
        }
    }
    for (i, &c) in chars.iter().enumerate() {
        if c == ':' && followed_by_space(i) {
            return false;
        }
        if c == '#' && i > 0 && chars[i - 1] == ' ' {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::to_yaml;
    use serde_json::json;

    #[test]
    fn writes_kubectl_shaped_yaml() {
        let v = json!({
            "apiVersion": "v1",
            "items": [{"kind": "Service", "spec": {"ports": [{"port": 80, "name": "http"}], "selector": {}}}],
            "kind": "List",
            "metadata": {"resourceVersion": ""}
        });
        expect_test::expect![[r#"
            apiVersion: v1
            items:
            - kind: Service
              spec:
                ports:
                - name: http
                  port: 80
                selector: {}
            kind: List
            metadata:
              resourceVersion: ""
        "#]]
        .assert_eq(&to_yaml(&v));
    }

    #[test]
    fn quotes_strings_that_would_change_type() {
        let v = json!({"a": "80", "b": "true", "c": "yes", "d": "2026-01-01T00:00:00Z",
            "e": "*", "f": "a: b", "g": "web", "h": "1.5", "i": "10.96.0.1", "j": "-x", "k": "- x",
            "l": "it's", "m": "line1\nline2\n", "n": [], "o": null, "p": "0x1F", "q": "~"});
        expect_test::expect![[r#"
            a: "80"
            b: "true"
            c: "yes"
            d: "2026-01-01T00:00:00Z"
            e: '*'
            f: 'a: b'
            g: web
            h: "1.5"
            i: 10.96.0.1
            j: -x
            k: '- x'
            l: it's
            m: |
              line1
              line2
            "n": []
            o: null
            p: "0x1F"
            q: "~"
        "#]]
        .assert_eq(&to_yaml(&v));
    }

    #[test]
    fn nested_lists_share_the_dash_line() {
        let v = json!({"x": [[1, 2], "a"]});
        expect_test::expect![[r#"
            x:
            - - 1
              - 2
            - a
        "#]]
        .assert_eq(&to_yaml(&v));
    }
}
