//! The front end: YAML text to typed Kubernetes objects plus diagnostics.
//!
//! Decoding never fails as a whole. A document that cannot be read, or an
//! object with a field of the wrong type, yields a located diagnostic and the
//! rest of the manifest is still decoded.

use crate::diag::{Diagnostic, ErrorType, Severity};
use crate::model::{Object, Origin, Resource, Unsimulated};
use crate::yaml::{self, Node, Value};

/// Everything read from one manifest text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Manifest {
    /// Objects of simulated kinds, in source order.
    pub objects: Vec<Object>,
    /// Objects of kinds kubeplay does not simulate, in source order.
    pub unsimulated: Vec<Unsimulated>,
    /// Every problem found, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// API versions Kubernetes 1.35 no longer serves, with the release that removed them.
const REMOVED: &[(&str, &str, &str)] = &[
    ("extensions/v1beta1", "Ingress", "1.22"),
    ("networking.k8s.io/v1beta1", "Ingress", "1.22"),
    ("networking.k8s.io/v1beta1", "IngressClass", "1.22"),
    ("extensions/v1beta1", "Deployment", "1.16"),
    ("extensions/v1beta1", "DaemonSet", "1.16"),
    ("extensions/v1beta1", "ReplicaSet", "1.16"),
    ("apps/v1beta1", "Deployment", "1.16"),
    ("apps/v1beta1", "StatefulSet", "1.16"),
    ("apps/v1beta2", "Deployment", "1.16"),
    ("apps/v1beta2", "StatefulSet", "1.16"),
    ("apps/v1beta2", "DaemonSet", "1.16"),
    ("apps/v1beta2", "ReplicaSet", "1.16"),
    ("discovery.k8s.io/v1beta1", "EndpointSlice", "1.25"),
];

/// Reads a manifest: multi-document YAML or JSON, `v1 List` and typed lists.
pub fn load(text: &str) -> Manifest {
    let (docs, mut diagnostics) = yaml::parse_stream(text);
    let mut m = Manifest::default();
    for (index, doc) in docs.iter().enumerate() {
        decode_document(index, &doc.root, &mut m);
    }
    m.diagnostics.append(&mut diagnostics);
    crate::order::sort_by_key(&mut m.diagnostics, |d| d.span.start);
    m
}

/// Reads manifests as [`load`] does, and keeps what the last text decoded
/// to, chunk by chunk (a chunk runs from a `---` line to the next), so that
/// the next text re-reads only the chunks an edit changed: the editor calls
/// it on every keystroke. The result always equals `load`'s; a text with a
/// directive (`%YAML`) or an alias to an earlier document's anchor is read
/// whole. It keeps the chunks of the last text only.
#[derive(Debug, Default)]
pub struct Loader {
    /// The chunks of the last text that read without a syntax error, sorted
    /// by text (a sorted list, not a map: less code in the wasm). Of two
    /// equal chunks one is found, and the other is read again.
    chunks: Vec<(String, Option<Chunk>)>,
}

/// What one chunk decoded to, where it was last read.
#[derive(Debug)]
struct Chunk {
    /// Whether it ended the text.
    last: bool,
    /// How many lines preceded it.
    line: u32,
    /// How many documents it holds.
    documents: usize,
    /// Its objects (document indices counted from the chunk's first
    /// document) and decoding diagnostics.
    part: Manifest,
    /// Its duplicate-key warnings, whose messages name a line: a chunk with
    /// any is read again when it moves.
    duplicates: Vec<Diagnostic>,
}

impl Chunk {
    /// Moves everything to `line` lines after the start of the text.
    fn move_to(&mut self, line: u32) {
        let by = line.wrapping_sub(self.line);
        self.line = line;
        for o in &mut self.part.objects {
            o.origin.span = o.origin.span.shifted(by);
            std::sync::Arc::make_mut(&mut o.origin.node).shift(by);
        }
        for u in &mut self.part.unsimulated {
            u.span = u.span.shifted(by);
        }
        for d in &mut self.part.diagnostics {
            d.span = d.span.shifted(by);
        }
    }
}

impl Loader {
    /// A loader that has read nothing yet.
    pub fn new() -> Loader {
        Loader::default()
    }

    /// Reads `text`; equal to [`load`]`(text)`.
    pub fn load(&mut self, text: &str) -> Manifest {
        let mut run = Run {
            old: std::mem::take(&mut self.chunks),
            new: Vec::new(),
            out: Manifest::default(),
            duplicates: Vec::new(),
            documents: 0,
        };
        let Some(mut errors) = yaml::parse_stream_reusing(text, &mut run) else {
            return load(text);
        };
        crate::order::sort_by(&mut run.new, |a, b| a.0.cmp(&b.0));
        self.chunks = run.new;
        let mut m = run.out;
        // In `load`'s order before its stable sort: decoding, syntax, duplicates.
        m.diagnostics.append(&mut errors);
        m.diagnostics.append(&mut run.duplicates);
        crate::order::sort_by_key(&mut m.diagnostics, |d| d.span.start);
        m
    }
}

/// One [`Loader::load`]: the chunks it may reuse, those it keeps, the result.
struct Run {
    old: Vec<(String, Option<Chunk>)>,
    new: Vec<(String, Option<Chunk>)>,
    out: Manifest,
    duplicates: Vec<Diagnostic>,
    documents: usize,
}

impl Run {
    /// Appends a chunk's part to the result, then keeps the chunk.
    fn keep(&mut self, text: String, chunk: Chunk) {
        let first = self.documents;
        self.out.objects.extend(chunk.part.objects.iter().map(|o| {
            let mut o = o.clone();
            o.origin.document += first;
            o
        }));
        self.out
            .unsimulated
            .extend_from_slice(&chunk.part.unsimulated);
        self.out
            .diagnostics
            .extend_from_slice(&chunk.part.diagnostics);
        self.duplicates.extend_from_slice(&chunk.duplicates);
        self.documents += chunk.documents;
        self.new.push((text, Some(chunk)));
    }
}

impl yaml::Chunks for Run {
    fn reuse(&mut self, text: &str, last: bool, line: u32) -> bool {
        let found = self.old.binary_search_by(|(t, _)| t.as_str().cmp(text));
        let Some(mut chunk) = found.ok().and_then(|i| self.old[i].1.take()) else {
            return false;
        };
        if chunk.last != last || (chunk.line != line && !chunk.duplicates.is_empty()) {
            return false;
        }
        if chunk.line != line {
            chunk.move_to(line);
        }
        self.keep(text.to_owned(), chunk);
        true
    }

    fn read(&mut self, text: &str, last: bool, line: u32, docs: Vec<yaml::Document>) {
        let mut chunk = Chunk {
            last,
            line,
            documents: docs.len(),
            part: Manifest::default(),
            duplicates: Vec::new(),
        };
        for (index, doc) in docs.iter().enumerate() {
            decode_document(index, &doc.root, &mut chunk.part);
            yaml::duplicate_keys(&doc.root, &mut chunk.duplicates);
        }
        self.keep(text.to_owned(), chunk);
    }

    fn broken(&mut self, docs: Vec<yaml::Document>) {
        for doc in &docs {
            decode_document(self.documents, &doc.root, &mut self.out);
            yaml::duplicate_keys(&doc.root, &mut self.duplicates);
            self.documents += 1;
        }
    }
}

fn decode_document(index: usize, root: &Node, m: &mut Manifest) {
    match &root.value {
        Value::Null => {}
        Value::Map(_) => {
            let kind = root.get("kind").and_then(Node::as_str).unwrap_or("");
            let items = root.get("items");
            if kind.ends_with("List") && items.is_some_and(|i| matches!(i.value, Value::Seq(_))) {
                decode_list(index, root, kind, m);
            } else if kind == "List" && items.is_some_and(|i| i.value == Value::Null) {
                // An empty `kind: List` (`items: null`), as kubectl prints when nothing matched.
            } else {
                decode_object(index, String::new(), root, None, m);
            }
        }
        _ => m.diagnostics.push(Diagnostic::new(
            Severity::Error,
            ErrorType::Invalid,
            "",
            "a Kubernetes object must be a mapping with apiVersion and kind",
            root.span,
        )),
    }
}

fn decode_list(index: usize, root: &Node, kind: &str, m: &mut Manifest) {
    // Typed lists (`ServiceList`) from the API server omit each item's
    // apiVersion and kind; they follow from the list's.
    let item_kind = kind.strip_suffix("List").filter(|k| !k.is_empty());
    let api_version = root.get("apiVersion").and_then(Node::as_str);
    let implied = item_kind.zip(api_version);
    if let Some(Value::Seq(items)) = root.get("items").map(|n| &n.value) {
        for (i, item) in items.iter().enumerate() {
            decode_object(index, format!("items[{i}]"), item, implied, m);
        }
    }
}

fn decode_object(
    document: usize,
    prefix: String,
    node: &Node,
    implied: Option<(&str, &str)>,
    m: &mut Manifest,
) {
    let at = |p: &str| join(&prefix, p);
    if !matches!(node.value, Value::Map(_)) {
        m.diagnostics.push(Diagnostic::new(
            Severity::Error,
            ErrorType::Invalid,
            prefix.clone(),
            "a Kubernetes object must be a mapping with apiVersion and kind",
            node.span,
        ));
        return;
    }
    let written_kind = node.get("kind").and_then(Node::as_str);
    let written_version = node.get("apiVersion").and_then(Node::as_str);
    let (api_version, kind) = match (written_version, written_kind, implied) {
        (Some(v), Some(k), _) => (v.to_owned(), k.to_owned()),
        (None, None, Some((k, v))) => (v.to_owned(), k.to_owned()),
        (None, None, None) => {
            m.diagnostics.push(Diagnostic::new(
                Severity::Info,
                ErrorType::NotSimulated,
                prefix.clone(),
                "object has no apiVersion and kind; it is not simulated",
                node.span,
            ));
            return;
        }
        (None, Some(_), _) => {
            m.diagnostics.push(Diagnostic::new(
                Severity::Error,
                ErrorType::Required,
                at("apiVersion"),
                "Required value: apiVersion must be set",
                node.span,
            ));
            return;
        }
        (Some(_), None, _) => {
            m.diagnostics.push(Diagnostic::new(
                Severity::Error,
                ErrorType::Required,
                at("kind"),
                "Required value: kind must be set",
                node.span,
            ));
            return;
        }
    };
    let origin = Origin {
        document,
        prefix: prefix.clone(),
        span: node.span,
        node: std::sync::Arc::new(node.clone()),
    };
    let decoded = match (api_version.as_str(), kind.as_str()) {
        ("v1", "Service") => typed(node, &prefix, m).map(Resource::Service),
        ("v1", "Pod") => typed(node, &prefix, m).map(Resource::Pod),
        ("v1", "Node") => typed(node, &prefix, m).map(Resource::Node),
        ("v1", "Namespace") => typed(node, &prefix, m).map(Resource::Namespace),
        ("v1", "Endpoints") => typed(node, &prefix, m).map(Resource::Endpoints),
        ("apps/v1", "Deployment") => typed(node, &prefix, m).map(Resource::Deployment),
        ("apps/v1", "ReplicaSet") => typed(node, &prefix, m).map(Resource::ReplicaSet),
        ("apps/v1", "StatefulSet") => typed(node, &prefix, m).map(Resource::StatefulSet),
        ("apps/v1", "DaemonSet") => typed(node, &prefix, m).map(Resource::DaemonSet),
        ("discovery.k8s.io/v1", "EndpointSlice") => {
            typed(node, &prefix, m).map(Resource::EndpointSlice)
        }
        ("networking.k8s.io/v1", "Ingress") => typed(node, &prefix, m).map(Resource::Ingress),
        ("networking.k8s.io/v1", "IngressClass") => {
            typed(node, &prefix, m).map(Resource::IngressClass)
        }
        ("networking.k8s.io/v1", "ServiceCIDR") => {
            typed(node, &prefix, m).map(Resource::ServiceCidr)
        }
        ("kubeproxy.config.k8s.io/v1alpha1", "KubeProxyConfiguration") => {
            typed(node, &prefix, m).map(Resource::KubeProxyConfiguration)
        }
        (v, k) => {
            let span = node.get("kind").map_or(node.span, |n| n.span);
            let (severity, message) = match REMOVED.iter().find(|r| r.0 == v && r.1 == k) {
                Some((_, _, release)) => (
                    Severity::Warning,
                    format!(
                        "{k} in {v} is no longer served since Kubernetes {release}; it is not simulated"
                    ),
                ),
                None => (Severity::Info, format!("kind {k} ({v}) is not simulated")),
            };
            m.diagnostics.push(Diagnostic::new(
                severity,
                ErrorType::NotSimulated,
                prefix.clone(),
                message,
                span,
            ));
            let meta = node.get("metadata");
            let field = |f: &str| {
                meta.and_then(|md| md.get(f))
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_owned()
            };
            m.unsimulated.push(Unsimulated {
                api_version: v.to_owned(),
                kind: k.to_owned(),
                name: field("name"),
                namespace: field("namespace"),
                span: node.span,
            });
            return;
        }
    };
    if let Some(resource) = decoded {
        m.objects.push(Object { resource, origin });
    }
}

/// Reads one object into its API type. A field of the wrong type is reported
/// at that field, with its Kubernetes path.
fn typed<T: crate::read::Read>(node: &Node, prefix: &str, m: &mut Manifest) -> Option<T> {
    match crate::read::read::<T>(node) {
        Ok(v) => Some(v),
        Err(err) => {
            let path = err.path();
            let span = node.locate(&path);
            let found = value_text(node, &path);
            let detail = clean_serde_message(err.message());
            m.diagnostics.push(Diagnostic::new(
                Severity::Error,
                ErrorType::Invalid,
                join(prefix, &path),
                match found {
                    Some(v) => format!("Invalid value: {v}: {detail}"),
                    None => format!("Invalid value: {detail}"),
                },
                span,
            ));
            None
        }
    }
}

/// The value at `path`, printed as the API server prints an invalid value.
fn value_text(node: &Node, path: &str) -> Option<String> {
    let mut n = node;
    for step in yaml::parse_path(path) {
        n = match step {
            yaml::Step::Key(k) => n.get(k)?,
            yaml::Step::Index(i) => match &n.value {
                Value::Seq(items) => items.get(i)?,
                _ => return None,
            },
        };
    }
    Some(match &n.value {
        Value::Str(s) => go_quote(s),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        Value::Seq(_) | Value::Map(_) => crate::json::to_string(&n.to_json()),
    })
}

/// Quotes a string as Go's `%q` does for printable text.
pub fn go_quote(s: &str) -> String {
    crate::json::quoted(s)
}

/// Says what Kubernetes expects instead of what serde found in Rust terms:
/// `invalid type: string "80x", expected i32` becomes `must be an integer`.
fn clean_serde_message(msg: &str) -> String {
    let msg = match msg.find(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    let Some(expected) = msg
        .strip_prefix("invalid type: ")
        .or_else(|| msg.strip_prefix("invalid value: "))
        .and_then(|rest| rest.rsplit_once(", expected ").map(|(_, e)| e))
    else {
        return msg.to_owned();
    };
    let what = match expected {
        "i32" | "i64" | "u32" | "u16" | "an integer" => "an integer",
        "f64" | "a number" => "a number",
        "a boolean" => "a boolean (true or false)",
        "a string" => "a string",
        "a sequence" => "a list",
        e if e.starts_with("a map")
            || e.starts_with("struct ")
            || e.starts_with("a JSON object") =>
        {
            "an object (a mapping of fields)"
        }
        e if e.contains("int or string") || e.contains("IntOrString") => "an integer or a string",
        e => e,
    };
    format!("must be {what}")
}

fn join(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => path.to_owned(),
        (false, true) => prefix.to_owned(),
        (false, false) if path.starts_with('[') => format!("{prefix}{path}"),
        (false, false) => format!("{prefix}.{path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Pos;

    fn kinds(m: &Manifest) -> Vec<String> {
        m.objects
            .iter()
            .map(|o| format!("{}/{}", o.kind(), o.name()))
            .collect()
    }

    #[test]
    fn the_default_example_loads_cleanly() {
        let m = load(crate::examples::DEFAULT);
        assert_eq!(m.diagnostics, []);
        assert_eq!(
            kinds(&m),
            [
                "Node/node-1",
                "Node/node-2",
                "Node/node-3",
                "Deployment/web",
                "Deployment/api",
                "Deployment/cache",
                "Service/api",
                "Service/web-np",
                "Service/web",
                "Service/payments"
            ]
        );
    }

    #[test]
    fn a_bad_field_is_reported_at_its_line_and_column() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: \"80x\"\n";
        let m = load(text);
        assert_eq!(m.objects.len(), 0);
        assert_eq!(m.diagnostics.len(), 1, "{:?}", m.diagnostics);
        let d = &m.diagnostics[0];
        assert_eq!(d.path, "spec.ports[0].port");
        assert_eq!(d.span.start, Pos::new(7, 11));
        assert!(
            d.message.starts_with("Invalid value: \"80x\""),
            "{}",
            d.message
        );
    }

    #[test]
    fn other_kinds_are_information_not_errors() {
        let m =
            load("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n");
        assert_eq!(m.diagnostics.len(), 1);
        assert_eq!(m.diagnostics[0].severity, Severity::Info);
        assert_eq!(
            m.diagnostics[0].message,
            "kind Role (rbac.authorization.k8s.io/v1) is not simulated"
        );
        assert_eq!(m.unsimulated.len(), 1);
    }

    #[test]
    fn typed_lists_imply_the_kind_of_their_items() {
        let text = "apiVersion: v1\nkind: ServiceList\nitems:\n- metadata:\n    name: a\n- metadata:\n    name: b\n";
        let m = load(text);
        assert_eq!(m.diagnostics, []);
        assert_eq!(kinds(&m), ["Service/a", "Service/b"]);
        assert_eq!(m.objects[1].origin.prefix, "items[1]");
    }

    #[test]
    fn an_error_in_a_list_item_names_the_item() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p\n  spec:\n    containers: 3\n";
        let m = load(text);
        assert_eq!(m.diagnostics.len(), 1);
        assert_eq!(m.diagnostics[0].path, "items[0].spec.containers");
        assert_eq!(m.diagnostics[0].span.start, Pos::new(9, 17));
    }

    const SVC: &str =
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: 80\n";
    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n";

    /// Reads `before`, then each of `after` in turn, with one loader, and
    /// checks every result against a fresh `load`.
    fn same_as_load(before: &str, after: &[&str]) {
        let mut loader = Loader::new();
        assert_eq!(loader.load(before), load(before), "{before:?}");
        for text in after {
            assert_eq!(loader.load(text), load(text), "{text:?}");
        }
    }

    #[test]
    fn an_edit_rereads_only_the_document_it_changed() {
        let text = format!("{SVC}---\n{POD}---\n{SVC}");
        let mut loader = Loader::new();
        let before = loader.load(&text);
        let edited = text.replacen("port: 80", "port: 81", 1);
        let after = loader.load(&edited);
        assert_eq!(after, load(&edited));
        let shared: Vec<bool> = before
            .objects
            .iter()
            .zip(&after.objects)
            .map(|(b, a)| std::sync::Arc::ptr_eq(&b.origin.node, &a.origin.node))
            .collect();
        assert_eq!(shared, [false, true, true]);
        // Only the chunks of the last text are kept.
        assert_eq!(loader.load(SVC), load(SVC));
        assert_eq!(loader.chunks.len(), 1);
    }

    #[test]
    fn moved_documents_keep_their_true_lines_and_indices() {
        let text = format!(
            "{SVC}---\n{POD}---\napiVersion: v1\nkind: List\nitems:\n- {}\n",
            POD.trim_end().replace('\n', "\n  ")
        );
        let before = format!("# a comment\n---\n{text}");
        let after = format!("---\n{text}---\n{SVC}");
        same_as_load(&before, &[&after, &before, &text, &after]);
        let mut loader = Loader::new();
        loader.load(&before);
        let m = loader.load(&after);
        assert_eq!(m.diagnostics, []);
        assert_eq!(m.objects[2].origin.document, 2);
        assert_eq!(m.objects[2].origin.prefix, "items[0]");
        let last = after.rfind("---").expect("a last document");
        let line = after[..last].matches('\n').count() as u32 + 2;
        assert_eq!(m.objects[3].origin.document, 3);
        assert_eq!(m.objects[3].origin.span.start, Pos::new(line, 1));
    }

    #[test]
    fn syntax_errors_read_as_load_reads_them() {
        let broken = format!("{SVC}---\n{POD}  bad: [1, 2\n---\n{SVC}");
        // An error on a `---` line is reported twice by `parse_stream` (once
        // from the document before, once when reading resumes there).
        let on_marker = format!("{SVC}--- a: b\n{POD}---\n{SVC}");
        // Go's closing bracket at the parent's indentation is repaired.
        let go = format!("{SVC}---\n{POD}  args: [\n    \"x\"\n  ]\n---\n{SVC}");
        let unclosed = format!("{SVC}---\n{POD}x: \"open\n---\n{SVC}");
        let at_end = format!("{SVC}---\nA");
        same_as_load(
            SVC,
            &[&broken, &on_marker, &go, &unclosed, &at_end, &broken, SVC],
        );
        let mut loader = Loader::new();
        loader.load(&go);
        let m = loader.load(&on_marker);
        let syntax = m
            .diagnostics
            .iter()
            .filter(|d| d.error_type == ErrorType::SyntaxError);
        assert_eq!(syntax.count(), 2);
    }

    #[test]
    fn byte_order_marks_line_ends_json_and_empty_documents() {
        let crlf = format!("{SVC}---\n{POD}").replace('\n', "\r\n");
        let cr = format!("{SVC}---\n{POD}").replace('\n', "\r");
        let json =
            "{\"apiVersion\": \"v1\", \"kind\": \"Service\",\n \"metadata\": {\"name\": \"j\"}}\n";
        same_as_load(
            &format!("\u{feff}{SVC}---\n{POD}"),
            &[
                &format!("\u{feff}{SVC}---\n{POD}---\n"),
                &crlf,
                &cr,
                json,
                &format!("---\n---\n{json}---\n...\n---\n"),
                "",
                "---",
                &format!("{SVC}...\n{POD}"),
            ],
        );
    }

    #[test]
    fn directives_anchors_and_block_scalars() {
        let anchored = format!("{SVC}  labels: &l {{app: a}}\n---\n{POD}  labels: *l\n");
        let local = format!("{SVC}---\n{POD}  labels: &l {{app: a}}\n  annotations: *l\n");
        let directive = format!("{SVC}---\n%YAML 1.2\n---\n{POD}");
        // saphyr skips a byte order mark at a line's start: still a directive.
        let tagged = "apiVersion: v1\nkind: Service\nmetadata:\n  name: !e!str a\n";
        let bom_directive = format!("\u{feff}%TAG !e! tag:yaml.org,2002:\n---\n{tagged}");
        let bom_directive_later =
            format!("a: 1\n...\n\u{feff}%TAG !e! tag:yaml.org,2002:\n---\n{tagged}");
        // A block scalar ends at a `---` line (its span differs from the one
        // it has at the end of the text).
        let scalar = format!("{SVC}---\ndata: >-\n---\n{POD}");
        let duplicates = format!(
            "# moved\n{}---\n{POD}",
            SVC.replace("name: a\n", "name: a\n  name: b\n")
        );
        same_as_load(
            SVC,
            &[
                &anchored,
                &local,
                &directive,
                &bom_directive,
                &bom_directive_later,
                &scalar,
                &duplicates,
                &scalar,
                &duplicates,
            ],
        );
        let mut loader = Loader::new();
        loader.load(&duplicates);
        let dup = loader.load(&format!("\n\n{duplicates}"));
        assert!(
            dup.diagnostics
                .iter()
                .any(|d| d.message.contains("first at line 7"))
        );
    }
}
