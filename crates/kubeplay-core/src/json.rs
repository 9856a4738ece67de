//! Compact JSON text for `serde_json::Value`, written as `serde_json::to_string`
//! writes it.
//!
//! serde_json prints floats with its own shortest-digits formatter, whose
//! tables cost about 10 KB of incompressible data in the wasm; the wasm
//! already carries Rust's float formatting. So the core and the browser app
//! write JSON text only through this module (clippy's `disallowed-methods`
//! keeps `serde_json::to_string` and `Value`'s `Display` out).
//!
//! The output is serde_json's byte for byte: keys in the map's order, its
//! string escapes, integers as written, and floats in the shortest form that
//! reads back to the same value, with `.0` on whole numbers and an exponent
//! below 1e-5 and from 1e16 up (`1e-7`, `1.5e+16`). The tests check this against serde_json.

use serde_json::{Number, Value};
use std::fmt::Write as _;

/// The value as compact JSON text.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write(&mut out, value);
    out
}

/// Appends the value as compact JSON text.
pub fn write(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => number(out, n),
        Value::String(s) => quote(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quote(out, k);
                out.push(':');
                write(out, v);
            }
            out.push('}');
        }
    }
}

/// The string as a JSON string literal.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    quote(&mut out, s);
    out
}

/// Appends the string as a JSON string literal, with serde_json's escapes:
/// the short forms for `"`, `\`, backspace, form feed, newline, return and
/// tab, `\u00XX` for other control characters, everything else as is.
pub fn quote(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends a number as serde_json prints it.
pub fn number(out: &mut String, n: &Number) {
    if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else if let Some(u) = n.as_u64() {
        let _ = write!(out, "{u}");
    } else if let Some(f) = n.as_f64() {
        float(out, f);
    }
}

/// Appends a float as serde_json prints it: `null` when not finite, plain
/// decimals from 1e-5 up to 1e16 (with `.0` when whole), otherwise the
/// shortest digits with an exponent (`1e-7`, `1.5e+16`).
pub fn float(out: &mut String, f: f64) {
    if !f.is_finite() {
        out.push_str("null");
        return;
    }
    let magnitude = f.abs();
    if magnitude != 0.0 && !(1e-5..1e16).contains(&magnitude) {
        let start = out.len();
        let _ = write!(out, "{f:e}");
        // Rust writes `1e16`; serde_json writes a positive exponent's sign.
        if let Some(e) = out[start..].find('e')
            && !out[start + e + 1..].starts_with('-')
        {
            out.insert(start + e + 1, '+');
        }
        return;
    }
    let start = out.len();
    let _ = write!(out, "{f}");
    if !out[start..].contains('.') {
        out.push_str(".0");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// serde_json's own text, the reference (tests only).
    #[allow(clippy::disallowed_methods)]
    fn reference(v: &Value) -> String {
        serde_json::to_string(v).unwrap_or_default()
    }

    #[test]
    fn matches_serde_json_on_examples() {
        let cases = [
            json!(null),
            json!(true),
            json!({"b": [1, -2, 18446744073709551615u64, -9223372036854775808i64], "a": "x"}),
            json!(
                "quote \" backslash \\ controls \u{1}\u{8}\u{c}\n\r\t\u{1f} del \u{7f} é 日本 \u{feff}"
            ),
            json!([
                0.0, -0.0, 1.0, -1.5, 0.1, 0.3, 1e-5, 9.99e-6, 1e-7, 123456.789
            ]),
            json!([
                1e15,
                9999999999999998.0,
                1e16,
                1.5e16,
                1e300,
                -2.5e-300,
                f64::MAX,
                f64::MIN_POSITIVE
            ]),
            json!({"nested": {"empty": {}, "list": [], "s": ""}}),
        ];
        for v in cases {
            assert_eq!(to_string(&v), reference(&v), "{v:?}");
        }
    }

    // proptest does not build for wasm32 (see Cargo.toml).
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn floats_match_serde_json(bits in any::<u64>()) {
                let v = Value::from(f64::from_bits(bits));
                prop_assert_eq!(to_string(&v), reference(&v));
            }

            #[test]
            fn strings_match_serde_json(s in any::<String>()) {
                let v = Value::String(s);
                prop_assert_eq!(to_string(&v), reference(&v));
            }
        }
    }
}
