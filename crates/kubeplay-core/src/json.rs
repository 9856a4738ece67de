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
//! reads back to the same value, with `.0` on whole numbers, an exponent
//! below 1e-5 and from 1e16 up (`1e-7`, `1.5e+16`), and serde_json's choice
//! where two shortest forms are exactly as close (Rust rounds that tie up,
//! serde_json to the even digit). The tests check this against serde_json.

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
    let start = out.len();
    let magnitude = f.abs();
    let exponent = magnitude != 0.0 && !(1e-5..1e16).contains(&magnitude);
    let _ = if exponent {
        write!(out, "{f:e}")
    } else {
        write!(out, "{f}")
    };
    let digits_end = out[start..].find('e').map_or(out.len(), |e| start + e);
    if rounded_up_tie(&out[start..digits_end], magnitude) {
        // The last digit is odd, so taking one off never borrows.
        let last = digits_end - 1;
        let below = char::from(out.as_bytes()[last] - 1);
        out.replace_range(last..digits_end, below.encode_utf8(&mut [0; 4]));
    }
    if exponent {
        // Rust writes `1e16`; serde_json writes a positive exponent's sign.
        if !out[digits_end + 1..].starts_with('-') {
            out.insert(digits_end + 1, '+');
        }
    } else if !out[start..].contains('.') {
        out.push_str(".0");
    }
}

/// Whether `written` (Rust's shortest digits of `magnitude`, with any sign
/// and point) ends in an odd digit rounded up from an exact tie (the value
/// lies exactly halfway between it and the digit below, and both read back
/// to it), where serde_json takes the even digit below.
fn rounded_up_tie(written: &str, magnitude: f64) -> bool {
    let digits: Vec<u8> = written
        .bytes()
        .filter(u8::is_ascii_digit)
        .skip_while(|&d| d == b'0')
        .collect();
    let Some(&last) = digits.last() else {
        return false;
    };
    if (last - b'0').is_multiple_of(2) {
        return false;
    }
    // Every digit of the value: a double's expansion ends within 767
    // significant digits. Only forms ending in an odd digit get here.
    let exact = format!("{magnitude:.800e}");
    let mantissa = exact.split('e').next().unwrap_or_default();
    let exact_digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let significant = exact_digits.len()
        - exact_digits
            .iter()
            .rev()
            .take_while(|&&d| d == b'0')
            .count();
    let n = digits.len();
    significant == n + 1
        && exact_digits[..n - 1] == digits[..n - 1]
        && exact_digits[n - 1] == last - 1
        && exact_digits[n] == b'5'
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
            // Exact ties at the last digit: serde_json rounds to even.
            json!([
                f64::from_bits(0x4317_9085_685d_83c9),
                // 233115890514796.125 and -1658206780088562.25, exactly.
                1_864_927_124_118_369_f64 / 8.0,
                -6_632_827_120_354_249_f64 / 4.0,
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

            /// Halves, quarters and eighths near 2^52 are often exact ties
            /// at their last digit.
            #[test]
            fn ties_match_serde_json(k in (1u64 << 48)..(1u64 << 56), shift in 1..4u32) {
                let v = Value::from(k as f64 / f64::from(1u32 << shift));
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
