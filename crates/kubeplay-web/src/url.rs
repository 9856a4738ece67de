//! The URL fragment that carries a whole playground (DESIGN.md):
//! `#yaml=<unpadded base64url of raw DEFLATE of the UTF-8 YAML>` followed by
//! `&`-joined options (`view=split|diagram`, `theme=light|dark|system`,
//! `readonly=1`, `embed=1`, `autoplay=1`, `height=N`, `lesson=ID`, `seed=N`).
//!
//! Pure functions only (no DOM), so the codec is unit-tested natively; the
//! app reads `location.hash` and writes history entries elsewhere.

use data_encoding::BASE64URL_NOPAD;
use std::fmt;

/// The largest manifest a link may carry once inflated: 1 MiB. Far above any
/// hand-written manifest (a 1,000-pod dump is about 400 KB), small enough
/// that a hostile link cannot make the tab inflate gigabytes.
pub const MAX_YAML_BYTES: usize = 1 << 20;

/// The longest `yaml=` value read: 2 MiB of base64 text, about what browsers
/// keep of a URL. Longer values are refused before decoding.
pub const MAX_ENCODED_CHARS: usize = 2 << 20;

/// How the page is laid out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// Editor beside the diagram (the default).
    #[default]
    Split,
    /// The diagram alone.
    Diagram,
}

impl View {
    /// The option's spelling in the URL.
    pub fn as_str(self) -> &'static str {
        match self {
            View::Split => "split",
            View::Diagram => "diagram",
        }
    }
}

/// Why a link's manifest could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// The value is not unpadded base64url.
    Base64,
    /// The bytes are not a raw DEFLATE stream.
    Deflate,
    /// The inflated text is not UTF-8.
    Utf8,
    /// The link or the manifest it inflates to is larger than allowed.
    TooLong,
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LinkError::Base64 => {
                "its manifest is damaged (not base64url text; was the link cut short when copied?)"
            }
            LinkError::Deflate => {
                "its manifest is damaged (it does not decompress; was the link cut short when copied?)"
            }
            LinkError::Utf8 => "its manifest is not UTF-8 text",
            LinkError::TooLong => "its manifest is larger than the 1 MiB a link may carry",
        })
    }
}

/// Everything a fragment says. Options it does not know are kept in `other`
/// (in order), so that a link round-trips through code that ignores them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UrlState {
    /// The manifest, when the link carries one and it could be read.
    pub yaml: Option<String>,
    /// Why the link's manifest could not be read, when it could not.
    pub error: Option<LinkError>,
    /// `view=`; absent means split.
    pub view: View,
    /// `theme=light|dark|system`; absent leaves the saved choice.
    pub theme: Option<String>,
    /// `readonly=1`: the editor is read-only and what-ifs are off.
    pub readonly: bool,
    /// `embed=1`: no page chrome, no autosave, no history entries.
    pub embed: bool,
    /// `autoplay=1`: traffic starts by itself.
    pub autoplay: bool,
    /// `height=N`: the embed's fixed height in CSS pixels (the loader's choice;
    /// the app itself always reports its content height).
    pub height: Option<u32>,
    /// `lesson=ID`, read by the lessons.
    pub lesson: Option<String>,
    /// `seed=N`: the simulation's seed.
    pub seed: Option<u64>,
    /// Any other `key=value` pairs, still percent-encoded as found.
    pub other: Vec<(String, String)>,
}

/// Deflates and encodes a manifest for `yaml=`.
pub fn encode_yaml(text: &str) -> String {
    let deflated = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9);
    BASE64URL_NOPAD.encode(&deflated)
}

/// Decodes a `yaml=` value: base64url (padding tolerated), raw DEFLATE, UTF-8,
/// at most [`MAX_YAML_BYTES`] once inflated.
pub fn decode_yaml(value: &str) -> Result<String, LinkError> {
    if value.len() > MAX_ENCODED_CHARS {
        return Err(LinkError::TooLong);
    }
    let trimmed = value.trim_end_matches('=');
    let bytes = BASE64URL_NOPAD
        .decode(trimmed.as_bytes())
        .map_err(|_| LinkError::Base64)?;
    let inflated = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_YAML_BYTES)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError::TooLong,
            _ => LinkError::Deflate,
        })?;
    String::from_utf8(inflated).map_err(|_| LinkError::Utf8)
}

/// Reads a fragment (with or without its leading `#`). Never fails: a broken
/// manifest is reported in `error` and every option is still read.
pub fn parse_fragment(fragment: &str) -> UrlState {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let mut state = UrlState::default();
    for part in fragment.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        if key.is_empty() {
            continue;
        }
        match key {
            "yaml" => match decode_yaml(value) {
                Ok(text) => state.yaml = Some(text),
                Err(e) => state.error = Some(e),
            },
            "view" => {
                state.view = if value == "diagram" {
                    View::Diagram
                } else {
                    View::Split
                }
            }
            "theme" if matches!(value, "light" | "dark" | "system") => {
                state.theme = Some(value.to_owned());
            }
            "readonly" => state.readonly = flag(value),
            "embed" => state.embed = flag(value),
            "autoplay" => state.autoplay = flag(value),
            "height" => state.height = value.parse().ok().filter(|h| *h > 0),
            "lesson" if !value.is_empty() => state.lesson = Some(percent_decode(value)),
            "seed" => state.seed = value.parse().ok(),
            _ => state.other.push((key.to_owned(), value.to_owned())),
        }
    }
    state
}

/// `1`, `true` or a bare key turn an option on.
fn flag(value: &str) -> bool {
    matches!(value, "" | "1" | "true")
}

/// Writes a fragment (without `#`): `yaml=` first, then the options that
/// differ from their defaults, then the unknown ones as found.
pub fn to_fragment(state: &UrlState) -> String {
    let mut parts = Vec::new();
    if let Some(text) = &state.yaml {
        parts.push(format!("yaml={}", encode_yaml(text)));
    }
    if state.view != View::Split {
        parts.push(format!("view={}", state.view.as_str()));
    }
    if let Some(theme) = &state.theme {
        parts.push(format!("theme={theme}"));
    }
    for (on, key) in [
        (state.readonly, "readonly"),
        (state.embed, "embed"),
        (state.autoplay, "autoplay"),
    ] {
        if on {
            parts.push(format!("{key}=1"));
        }
    }
    if let Some(h) = state.height {
        parts.push(format!("height={h}"));
    }
    if let Some(lesson) = &state.lesson {
        parts.push(format!("lesson={}", percent_encode(lesson)));
    }
    if let Some(seed) = state.seed {
        parts.push(format!("seed={seed}"));
    }
    for (k, v) in &state.other {
        parts.push(if v.is_empty() {
            k.clone()
        } else {
            format!("{k}={v}")
        });
    }
    parts.join("&")
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Undoes percent-encoding; a malformed escape is kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(text: &str) {
        let encoded = encode_yaml(text);
        assert!(
            encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "unpadded base64url only"
        );
        assert_eq!(decode_yaml(&encoded).as_deref(), Ok(text));
    }

    #[test]
    fn the_default_example_round_trips_and_shrinks() {
        let text = kubeplay_core::examples::DEFAULT;
        roundtrip(text);
        assert!(encode_yaml(text).len() < text.len());
    }

    #[test]
    fn a_64_kib_manifest_round_trips() {
        let mut text = String::new();
        let mut i = 0u32;
        while text.len() < 64 * 1024 {
            text.push_str(&format!(
                "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\n  labels: {{note: \"ünïcødé {}\"}}\nspec:\n  selector: {{app: a{i}}}\n  ports:\n  - port: {}\n",
                i * 7919 % 1000,
                1 + i % 65535
            ));
            i += 1;
        }
        assert!(text.len() >= 64 * 1024);
        roundtrip(&text);
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn any_text_round_trips(text in proptest::prelude::any::<String>()) {
            roundtrip(&text);
        }

        #[test]
        fn any_value_decodes_or_is_refused_without_panicking(value in "[A-Za-z0-9_=-]{0,300}") {
            if let Ok(text) = decode_yaml(&value) {
                proptest::prop_assert!(text.len() <= MAX_YAML_BYTES);
            }
        }

        #[test]
        fn any_fragment_parses(fragment in "#?[a-z0-9=&%_-]{0,200}") {
            let state = parse_fragment(&fragment);
            // What was read is written back and read the same way again.
            proptest::prop_assert_eq!(parse_fragment(&to_fragment(&state)).other, state.other);
        }
    }

    #[test]
    fn corrupt_links_are_refused_with_a_reason() {
        let good = encode_yaml(kubeplay_core::examples::DEFAULT);
        assert_eq!(decode_yaml("not base64!"), Err(LinkError::Base64));
        assert_eq!(decode_yaml("A"), Err(LinkError::Base64));
        // Cut short, as a chat client might.
        let cut = &good[..good.len() / 2];
        assert!(matches!(
            decode_yaml(cut),
            Err(LinkError::Deflate | LinkError::Base64)
        ));
        // Valid base64 of bytes that are not DEFLATE (block type 3 is reserved).
        assert_eq!(
            decode_yaml(&BASE64URL_NOPAD.encode(&[0xff, 0xff, 0xff])),
            Err(LinkError::Deflate)
        );
        // Valid DEFLATE of bytes that are not UTF-8.
        let latin1 = miniz_oxide::deflate::compress_to_vec(&[0xe9, 0x0a], 6);
        assert_eq!(
            decode_yaml(&BASE64URL_NOPAD.encode(&latin1)),
            Err(LinkError::Utf8)
        );
    }

    #[test]
    fn links_that_inflate_beyond_the_limit_are_refused() {
        let bomb = "a".repeat(MAX_YAML_BYTES + 1);
        let encoded = encode_yaml(&bomb);
        assert!(encoded.len() < 10_000, "compresses well");
        assert_eq!(decode_yaml(&encoded), Err(LinkError::TooLong));
        let at_limit = "b".repeat(MAX_YAML_BYTES);
        assert_eq!(decode_yaml(&encode_yaml(&at_limit)), Ok(at_limit));
        assert_eq!(
            decode_yaml(&"A".repeat(MAX_ENCODED_CHARS + 4)),
            Err(LinkError::TooLong)
        );
    }

    #[test]
    fn fragments_round_trip_with_every_option() {
        let state = UrlState {
            yaml: Some("kind: Service\n".into()),
            error: None,
            view: View::Diagram,
            theme: Some("dark".into()),
            readonly: true,
            embed: true,
            autoplay: true,
            height: Some(420),
            lesson: Some("node port/1".into()),
            seed: Some(42),
            other: vec![("future".into(), "x%20y".into())],
        };
        let fragment = to_fragment(&state);
        assert!(fragment.starts_with("yaml="));
        assert!(fragment.contains("&lesson=node%20port%2F1&"));
        assert_eq!(parse_fragment(&format!("#{fragment}")), state);
    }

    #[test]
    fn options_are_read_in_any_order_and_bad_ones_are_ignored() {
        let s = parse_fragment("#lesson=clusterip&theme=purple&view=diagram&seed=x&readonly");
        assert_eq!(s.lesson.as_deref(), Some("clusterip"));
        assert_eq!(s.theme, None);
        assert_eq!(s.view, View::Diagram);
        assert_eq!(s.seed, None);
        assert!(s.readonly);
        assert!(s.yaml.is_none() && s.error.is_none());
        assert_eq!(parse_fragment(""), UrlState::default());
        // A broken manifest does not hide the options.
        let s = parse_fragment("yaml=%%%&embed=1&theme=light");
        assert_eq!(s.error, Some(LinkError::Base64));
        assert!(s.embed);
        assert_eq!(s.theme.as_deref(), Some("light"));
    }

    #[test]
    fn percent_decoding_keeps_malformed_escapes() {
        assert_eq!(percent_decode("a%2Fb%zz%4"), "a/b%zz%4");
        assert_eq!(percent_decode(&percent_encode("é & ü")), "é & ü");
    }
}
