//! A YAML reader that keeps the source position of every node.
//!
//! Typed decoding with serde loses positions, so the front end first builds
//! this spanned tree, converts it to JSON for decoding, and walks it again to
//! locate any field a later phase complains about. Reading never fails: a
//! syntax error ends the document it is in, and reading resumes at the next
//! `---` line, so one broken document does not hide the others.

use crate::diag::{Diagnostic, ErrorType, Pos, Severity, Span};
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};
use std::collections::BTreeMap;

/// One YAML node and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The node's value.
    pub value: Value,
    /// Where the node's text is.
    pub span: Span,
}

/// The value of a node, after YAML 1.2 core-schema scalar resolution.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string (quoted, block, or a plain scalar that is nothing else).
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order.
    Map(Vec<Entry>),
}

/// One `key: value` pair of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key node.
    pub key: Node,
    /// The value node.
    pub value: Node,
}

/// One step of a field path: a mapping key or a sequence index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step<'a> {
    /// A mapping key.
    Key(&'a str),
    /// A sequence index.
    Index(usize),
}

impl Node {
    /// The value under `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry under `key` when this node is a mapping; of duplicate keys,
    /// the last, the one a reader keeps (as JSON would).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().rev().find(|e| e.key.as_str() == Some(key)),
            _ => None,
        }
    }

    /// The string content of a string node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Finds the span that best locates a field path such as
    /// `spec.ports[0].port`. It returns the value of the deepest node of the
    /// path that exists: a missing field is reported at its parent.
    pub fn locate(&self, path: &str) -> Span {
        let mut node = self;
        for step in parse_path(path) {
            let next = match (step, &node.value) {
                (Step::Key(k), Value::Map(_)) => node.get(k),
                (Step::Index(i), Value::Seq(items)) => items.get(i),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node.span
    }

    /// Converts the tree to JSON for typed decoding. Mapping keys that are
    /// not strings are written as their YAML text, as `sigs.k8s.io/yaml` does.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                let mut map = serde_json::Map::new();
                for e in entries {
                    map.insert(e.key.key_text(), e.value.to_json());
                }
                J::Object(map)
            }
        }
    }

    /// Moves every span of the tree by `lines` lines (see [`Span::shifted`]).
    pub(crate) fn shift(&mut self, lines: u32) {
        self.span = self.span.shifted(lines);
        match &mut self.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| n.shift(lines)),
            Value::Map(entries) => {
                for e in entries {
                    e.key.shift(lines);
                    e.value.shift(lines);
                }
            }
            _ => {}
        }
    }

    /// The text of a scalar used as a mapping key.
    pub fn key_text(&self) -> String {
        match &self.value {
            Value::Str(s) => s.clone(),
            Value::Null => "null".to_owned(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Seq(_) | Value::Map(_) => String::new(),
        }
    }
}

/// Splits `spec.ports[0].port` (or `items[2]`) into steps. Keys with dots in
/// them (annotations) are written `metadata.annotations[example.com/x]`.
pub fn parse_path(path: &str) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']').unwrap_or(after.len());
            let inner = &after[..end];
            match inner.parse::<usize>() {
                Ok(i) => steps.push(Step::Index(i)),
                Err(_) => steps.push(Step::Key(inner)),
            }
            rest = after.get(end + 1..).unwrap_or("");
        } else {
            let rest2 = rest.strip_prefix('.').unwrap_or(rest);
            let end = rest2.find(['.', '[']).unwrap_or(rest2.len());
            if end > 0 {
                steps.push(Step::Key(&rest2[..end]));
            }
            rest = &rest2[end..];
            if end == 0 && rest2.len() == rest.len() && !rest.starts_with('[') {
                // A lone '.' with nothing after it: stop rather than loop.
                break;
            }
        }
    }
    steps
}

/// One YAML document of a stream.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The root node; `Value::Null` for an empty document.
    pub root: Node,
}

/// Reads every document of a YAML (or JSON) stream. Syntax errors come back
/// as diagnostics; the documents before the error are kept, and reading
/// resumes at the next line that starts a new document.
pub fn parse_stream(text: &str) -> (Vec<Document>, Vec<Diagnostic>) {
    let mut docs = Vec::new();
    let mut diags = Vec::new();
    let mut offset_line = 0u32;
    // YAML (and editors) treat CRLF, LF and a lone CR all as line breaks;
    // normalising them once keeps every line count in the core in step.
    let normalised = normalise_newlines(text);
    let mut rest = std::borrow::Cow::Borrowed(normalised.as_ref());
    let mut repairs = 0;
    loop {
        let before = docs.len();
        match parse_chunk(&rest, offset_line, u32::MAX, &mut docs) {
            Ok(_) => break,
            Err(err) => {
                let local_line = err.marker().line();
                if repairs < MAX_REPAIRS
                    && let Some(fixed) = indent_closing_bracket(&rest, local_line)
                {
                    // Go's YAML reader (and so kubectl) accepts a closing
                    // flow bracket at its parent's indentation; saphyr does
                    // not. Indent the bracket and read the chunk again.
                    repairs += 1;
                    docs.truncate(before);
                    rest = std::borrow::Cow::Owned(fixed);
                    continue;
                }
                let error = syntax_error(&err, offset_line, &normalised);
                let pos = error.span.start;
                diags.push(error);
                // Resume after the error, at the next document start line.
                match next_document_start(&rest, pos.line.saturating_sub(offset_line), true) {
                    Some((byte, line)) => {
                        rest = std::borrow::Cow::Owned(rest[byte..].to_owned());
                        offset_line += line;
                    }
                    None => break,
                }
            }
        }
    }
    for doc in &docs {
        duplicate_keys(&doc.root, &mut diags);
    }
    (docs, diags)
}

/// The caller's side of [`parse_stream_reusing`]: a store of the documents
/// of chunks read before. A chunk runs from the start of the text or a `---`
/// line to the next `---` line (or the end); `last` says it ends the text,
/// and `line` is the number of lines before it.
pub(crate) trait Chunks {
    /// Whether the store holds this chunk's documents; it then takes them as
    /// the next ones, moved to `line`.
    fn reuse(&mut self, text: &str, last: bool, line: u32) -> bool;
    /// The documents of a chunk that read without error.
    fn read(&mut self, text: &str, last: bool, line: u32, docs: Vec<Document>);
    /// The documents read before a syntax error, which belong to no chunk.
    fn broken(&mut self, docs: Vec<Document>);
}

/// Reads a stream as [`parse_stream`] does, with the same documents and
/// syntax errors, but chunk by chunk, so `chunks` can supply the documents
/// of chunks it has seen. Each chunk is read from its start in the text up
/// to the next `---` line. Such a line closes whatever is open (saphyr's
/// scanner and parser start over there), so a chunk that reads without error
/// gives the same documents wherever it stands and whatever precedes it. A
/// chunk with a syntax error is not kept, and reading goes on from there as
/// in `parse_stream` (repair, report, resume at a later `---` line).
///
/// Returns the syntax errors (duplicate keys are left to the caller), or
/// `None` when the stream needs `parse_stream` itself: a directive (`%YAML`,
/// `%TAG`) applies to the next document, and an alias may name an anchor of
/// an earlier document (saphyr keeps anchors across documents).
pub(crate) fn parse_stream_reusing(text: &str, chunks: &mut dyn Chunks) -> Option<Vec<Diagnostic>> {
    let normalised = normalise_newlines(text);
    // saphyr skips byte order marks at the start of a line, so `%` after any
    // is still a directive.
    if normalised
        .split('\n')
        .any(|line| line.trim_start_matches('\u{feff}').starts_with('%'))
    {
        return None;
    }
    let mut errors = Vec::new();
    // The text left to read is `base[start..]`; `base` is the normalised text
    // until a closing bracket is repaired, and `offset_line` lines precede it.
    let mut base = std::borrow::Cow::Borrowed(normalised.as_ref());
    let mut start = 0;
    let mut offset_line = 0u32;
    // Whether reading (re)started at `start`: `parse_stream` never resumes
    // after an error at the line it started from, but does at a `---` line
    // it read up to (where it then reports the same error again).
    let mut started_here = true;
    let mut repairs = 0;
    loop {
        let rest = &base[start..];
        let (end, lines) = chunk_end(rest);
        let last = end == rest.len();
        if !chunks.reuse(&rest[..end], last, offset_line) {
            let mut docs = Vec::new();
            let stop = if last { u32::MAX } else { lines + 1 };
            match parse_chunk(rest, offset_line, stop, &mut docs) {
                Ok(stopped) if stopped != last => {
                    chunks.read(&rest[..end], last, offset_line, docs)
                }
                // Read past the next `---` line without an error: never
                // expected, but then the chunks are not independent.
                Ok(_) => return None,
                Err(err) => {
                    if err.info().contains("unknown anchor") {
                        return None;
                    }
                    if repairs < MAX_REPAIRS
                        && let Some(fixed) = indent_closing_bracket(rest, err.marker().line())
                    {
                        repairs += 1;
                        base = std::borrow::Cow::Owned(fixed);
                        start = 0;
                        continue;
                    }
                    chunks.broken(docs);
                    let error = syntax_error(&err, offset_line, &normalised);
                    let pos = error.span.start;
                    errors.push(error);
                    let local = pos.line.saturating_sub(offset_line);
                    match next_document_start(rest, local, started_here) {
                        Some((byte, line)) => {
                            start += byte;
                            offset_line += line;
                            started_here = true;
                            continue;
                        }
                        None => break,
                    }
                }
            }
        }
        if last {
            break;
        }
        start += end;
        offset_line += lines;
        started_here = false;
    }
    Some(errors)
}

/// The end of the chunk `text` starts with (the start of its first `---`
/// line after the first line, or the end) and the number of lines before it.
fn chunk_end(text: &str) -> (usize, u32) {
    let mut end = text.len();
    let mut from = 0;
    while let Some(i) = text[from..].find("\n---") {
        let line = from + i + 1;
        if is_document_marker(text[line..].split('\n').next().unwrap_or("")) {
            end = line;
            break;
        }
        from = line;
    }
    (
        end,
        text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u32,
    )
}

/// Warns at every key a mapping repeats: readers keep the last value, which is
/// rarely what was meant (a second `ports:` silently replaces the first).
pub(crate) fn duplicate_keys(node: &Node, out: &mut Vec<Diagnostic>) {
    match &node.value {
        Value::Map(entries) => {
            // Runs on every edit over every mapping: no allocation for the
            // usual string keys, and a pairwise check for small mappings.
            let keys: Vec<std::borrow::Cow<'_, str>> = entries
                .iter()
                .map(|e| match e.key.as_str() {
                    Some(k) => std::borrow::Cow::Borrowed(k),
                    None => std::borrow::Cow::Owned(e.key.key_text()),
                })
                .collect();
            let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
            for (i, key) in keys.iter().enumerate() {
                let first = if keys.len() <= 16 {
                    keys[..i].iter().position(|k| k == key)
                } else {
                    match seen.get(key.as_ref()) {
                        Some(&j) => Some(j),
                        None => {
                            seen.insert(key.as_ref(), i);
                            None
                        }
                    }
                };
                if let Some(j) = first {
                    out.push(Diagnostic::new(
                        Severity::Warning,
                        ErrorType::Duplicate,
                        "",
                        format!(
                            "duplicate key {key:?} (first at line {}): the last one is used",
                            entries[j].key.span.start.line
                        ),
                        entries[i].key.span,
                    ));
                }
            }
            for e in entries {
                duplicate_keys(&e.value, out);
            }
        }
        Value::Seq(items) => items.iter().for_each(|n| duplicate_keys(n, out)),
        _ => {}
    }
}

/// When 1-based `line` holds nothing but closing flow brackets (`]`, `}`,
/// commas), returns the text with that line indented by one more space.
fn indent_closing_bracket(text: &str, line: usize) -> Option<String> {
    let target = text.split_inclusive('\n').nth(line.checked_sub(1)?)?;
    let body = target.trim();
    if body.is_empty() || !body.chars().all(|c| matches!(c, ']' | '}' | ',' | ' ')) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 1);
    for (n, l) in text.split_inclusive('\n').enumerate() {
        if n + 1 == line {
            out.push(' ');
        }
        out.push_str(l);
    }
    Some(out)
}

/// Keeps a position inside the text: the scanner reports an error found at
/// the end of input on the line after the last one.
fn clamp(pos: Pos, text: &str) -> Pos {
    let lines: Vec<&str> = text.split('\n').collect();
    let last = lines.len() as u32;
    if pos.line <= last {
        return pos;
    }
    let width = lines.last().map_or(0, |l| l.chars().count()) as u32;
    Pos::new(last.max(1), width + 1)
}

/// The text with CRLF and lone CR turned into LF (borrowed when there are none).
pub fn normalise_newlines(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// How many closing brackets one read may re-indent before giving up.
const MAX_REPAIRS: usize = 64;

/// The located diagnostic of a syntax error in a chunk that `offset_line`
/// lines precede, clamped into the text.
fn syntax_error(err: &saphyr_parser::ScanError, offset_line: u32, text: &str) -> Diagnostic {
    Diagnostic::new(
        Severity::Error,
        ErrorType::SyntaxError,
        "",
        syntax_message(err.info()),
        Span::at(clamp(marker_pos(err.marker(), offset_line), text)),
    )
}

fn syntax_message(info: &str) -> String {
    let mut s = info.trim().to_owned();
    if let Some(first) = s.get(..1) {
        let upper = first.to_ascii_uppercase();
        s.replace_range(..1, &upper);
    }
    format!("YAML syntax error: {s}")
}

/// Finds the first line at or after 1-based `line` that begins with `---`,
/// other than the very first line when `skip_first` (so reading always moves
/// forward), and returns its byte offset and the number of lines before it.
fn next_document_start(text: &str, line: u32, skip_first: bool) -> Option<(usize, u32)> {
    let mut byte = 0;
    for (n, l) in text.split_inclusive('\n').enumerate() {
        let n = n as u32;
        if (n > 0 || !skip_first) && n + 1 >= line && is_document_marker(l) {
            return Some((byte, n));
        }
        byte += l.len();
    }
    None
}

fn is_document_marker(line: &str) -> bool {
    let l = line.trim_end_matches(['\n', '\r']);
    l == "---" || l.starts_with("--- ") || l.starts_with("---\t")
}

fn marker_pos(m: &saphyr_parser::Marker, offset_line: u32) -> Pos {
    Pos::new((m.line() as u32).max(1) + offset_line, m.col() as u32 + 1)
}

/// What the builder is in the middle of.
enum Frame {
    Seq(Vec<Node>, Pos, usize),
    Map(Vec<Entry>, Option<Node>, Pos, usize),
}

/// Reads documents from `text` until its end, or until a `---` line at or
/// after (1-based, local) line `stop`; says whether it stopped there.
fn parse_chunk(
    text: &str,
    offset_line: u32,
    stop: u32,
    docs: &mut Vec<Document>,
) -> Result<bool, ScanError> {
    let mut anchors: BTreeMap<usize, Node> = BTreeMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut doc_start = Pos::START;
    for item in Parser::new_from_str(text) {
        let (event, span) = item?;
        let start = marker_pos(&span.start, offset_line);
        let end = marker_pos(&span.end, offset_line);
        let finished: Option<(Node, usize)> = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => None,
            Event::DocumentStart(true) if span.start.line() as u32 >= stop => return Ok(true),
            Event::DocumentStart(_) => {
                anchors.clear();
                root = None;
                doc_start = start;
                None
            }
            Event::DocumentEnd => {
                let root = root.take().unwrap_or(Node {
                    value: Value::Null,
                    span: Span::at(doc_start),
                });
                docs.push(Document { root });
                None
            }
            Event::Alias(id) => {
                let node = anchors.get(&id).cloned().map(|mut n| {
                    n.span = Span { start, end };
                    n
                });
                Some((
                    node.unwrap_or(Node {
                        value: Value::Null,
                        span: Span { start, end },
                    }),
                    0,
                ))
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = resolve_scalar(&text, style, tag.as_deref().map(|t| t.suffix.as_str()));
                Some((
                    Node {
                        value,
                        span: Span { start, end },
                    },
                    anchor,
                ))
            }
            Event::SequenceStart(anchor, _) => {
                stack.push(Frame::Seq(Vec::new(), start, anchor));
                None
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Frame::Map(Vec::new(), None, start, anchor));
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items, s, anchor)) => Some((
                    Node {
                        value: Value::Seq(items),
                        span: Span { start: s, end },
                    },
                    anchor,
                )),
                _ => None,
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(entries, _, s, anchor)) => Some((
                    Node {
                        value: Value::Map(entries),
                        span: Span { start: s, end },
                    },
                    anchor,
                )),
                _ => None,
            },
        };
        if let Some((node, anchor)) = finished {
            if anchor != 0 {
                anchors.insert(anchor, node.clone());
            }
            match stack.last_mut() {
                Some(Frame::Seq(items, ..)) => items.push(node),
                Some(Frame::Map(entries, pending, ..)) => match pending.take() {
                    None => *pending = Some(node),
                    Some(key) => entries.push(Entry { key, value: node }),
                },
                None => root = Some(node),
            }
        }
    }
    Ok(false)
}

/// Resolves a scalar by the YAML 1.2 core schema (what `sigs.k8s.io/yaml`
/// gives for the values Kubernetes manifests use).
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    match tag {
        Some("str") => return Value::Str(text.to_owned()),
        Some("null") => return Value::Null,
        _ => {}
    }
    if style != ScalarStyle::Plain {
        return Value::Str(text.to_owned());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(v) = parse_int(text) {
        return Value::Int(v);
    }
    if is_float(text)
        && let Ok(f) = text.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::Str(text.to_owned())
}

fn parse_int(text: &str) -> Option<i64> {
    let (neg, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(h) = digits.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = digits.strip_prefix("0o") {
        (8, o)
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i64::from_str_radix(digits, radix).ok()?;
    Some(if neg { -v } else { v })
}

fn is_float(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let mut parts = mantissa.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(f) => digits(int) && digits(f) && !(int.is_empty() && f.is_empty()),
        None => !int.is_empty() && digits(int),
    };
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exp_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let (docs, diags) = parse_stream(text);
        assert!(diags.is_empty(), "{diags:?}");
        docs.into_iter().next().expect("one document").root
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let n = one("a: 80\nb: \"80\"\nc: 0x1F\nd: 1.5\ne: ~\nf: true\ng: 80x\nh: 1e3\n");
        assert_eq!(n.get("a").map(|n| &n.value), Some(&Value::Int(80)));
        assert_eq!(n.get("b").map(|n| &n.value), Some(&Value::Str("80".into())));
        assert_eq!(n.get("c").map(|n| &n.value), Some(&Value::Int(31)));
        assert_eq!(n.get("d").map(|n| &n.value), Some(&Value::Float(1.5)));
        assert_eq!(n.get("e").map(|n| &n.value), Some(&Value::Null));
        assert_eq!(n.get("f").map(|n| &n.value), Some(&Value::Bool(true)));
        assert_eq!(
            n.get("g").map(|n| &n.value),
            Some(&Value::Str("80x".into()))
        );
        assert_eq!(n.get("h").map(|n| &n.value), Some(&Value::Float(1000.0)));
    }

    #[test]
    fn locate_finds_the_deepest_existing_field() {
        let n = one("spec:\n  ports:\n  - port: 80\n    name: http\n");
        assert_eq!(n.locate("spec.ports[0].port").start, Pos::new(3, 11));
        assert_eq!(n.locate("spec.ports[0].name").start, Pos::new(4, 11));
        // A missing field is reported at the nearest parent that exists.
        assert_eq!(n.locate("spec.ports[0].targetPort").start, Pos::new(3, 5));
    }

    #[test]
    fn anchors_and_aliases_are_expanded() {
        let n = one("a: &x {k: v}\nb: *x\n");
        assert_eq!(
            n.get("b").and_then(|b| b.get("k")).and_then(Node::as_str),
            Some("v")
        );
    }

    #[test]
    fn a_syntax_error_keeps_other_documents() {
        let text = "a: 1\n---\nb: [1, 2\n---\nc: 3\n";
        let (docs, diags) = parse_stream(text);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].error_type, ErrorType::SyntaxError);
        assert!(diags[0].span.start.line >= 3, "{diags:?}");
        let keys: Vec<String> = docs
            .iter()
            .filter_map(|d| match &d.root.value {
                Value::Map(e) => e.first().map(|e| e.key.key_text()),
                _ => None,
            })
            .collect();
        assert_eq!(keys, ["a", "c"]);
        // The document after the error keeps its true line numbers.
        let c = docs
            .last()
            .and_then(|d| d.root.get("c"))
            .map(|n| n.span.start);
        assert_eq!(c, Some(Pos::new(5, 4)));
    }

    #[test]
    fn a_closing_bracket_at_the_parent_indentation_is_accepted() {
        // As in the Kubernetes docs' pod-with-graceful-termination example;
        // Go's YAML reader accepts it.
        let n = one("spec:\n  command: [\n    \"sh\", \"-c\"\n  ]\n  other: 1\n");
        let cmd = n
            .get("spec")
            .and_then(|s| s.get("command"))
            .map(|c| c.to_json());
        assert_eq!(cmd, Some(serde_json::json!(["sh", "-c"])));
        assert_eq!(n.locate("spec.other").start, Pos::new(5, 10));
    }

    #[test]
    fn an_error_at_the_end_of_input_stays_inside_the_text() {
        // Found by the fuzzer: saphyr reports it on the line after the last.
        let (_, diags) = parse_stream("a: 1\nA");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].span.start, Pos::new(2, 2));
    }

    #[test]
    fn lone_carriage_returns_are_line_breaks() {
        // Found by the fuzzer: saphyr counts a lone CR as a line break.
        let (docs, diags) = parse_stream("a: 1\r\rb: [\n");
        assert_eq!(docs.len(), 0);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].span.start.line <= 4, "{diags:?}");
        let n = one("a: 1\r\nb: 2\rc: 3\n");
        assert_eq!(n.locate("c").start, Pos::new(3, 4));
    }

    #[test]
    fn paths_parse_into_steps() {
        assert_eq!(
            parse_path("spec.ports[0].port"),
            vec![
                Step::Key("spec"),
                Step::Key("ports"),
                Step::Index(0),
                Step::Key("port")
            ]
        );
        assert_eq!(
            parse_path("metadata.annotations[example.com/x]"),
            vec![
                Step::Key("metadata"),
                Step::Key("annotations"),
                Step::Key("example.com/x")
            ]
        );
        assert_eq!(
            parse_path("items[2]"),
            vec![Step::Key("items"), Step::Index(2)]
        );
    }
}
