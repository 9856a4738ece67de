//! `kubeplay_core::Loader`, the editor's reader that re-reads only the
//! chunks an edit changed, against a fresh `load`: after every edit of a
//! random edit sequence on a random multi-document manifest, both give the
//! same manifest (objects, spans, document indices, diagnostics, order).

use kubeplay_core::{Loader, Manifest, load};
use proptest::prelude::*;
use proptest::sample::Index;

/// Lines manifests are made of: objects of several kinds, lists, document
/// markers, comments, block scalars, flow collections (with Go's closing
/// bracket), anchors, duplicate keys, JSON, wrong types and broken syntax.
const LINES: &[&str] = &[
    "---",
    "---",
    "--- ",
    "--- # next",
    "---\t",
    "--- |",
    "--- a: b",
    "--- [1, 2]",
    "--- >-",
    "...",
    "... # end",
    "# a comment",
    "",
    "   ",
    "apiVersion: v1",
    "apiVersion: v1",
    "apiVersion: apps/v1",
    "apiVersion: extensions/v1beta1",
    "kind: Service",
    "kind: Service",
    "kind: Pod",
    "kind: Deployment",
    "kind: Ingress",
    "kind: Role",
    "kind: List",
    "kind: ServiceList",
    "metadata:",
    "metadata:",
    "  name: a",
    "  name: b",
    "  name: a",
    "  namespace: x",
    "  labels: {app: a}",
    "spec:",
    "spec:",
    "  selector:",
    "    app: a",
    "  ports:",
    "  - port: 80",
    "  - port: \"80x\"",
    "    targetPort: http",
    "  containers: 3",
    "  containers:",
    "  - name: c",
    "    image: nginx",
    "  replicas: 2",
    "  type: NodePort",
    "items:",
    "- apiVersion: v1",
    "  kind: Service",
    "- metadata:",
    "    name: i",
    "  command: [",
    "    \"sh\", \"-c\"",
    "  ]",
    "]",
    "}",
    "key: [1, 2",
    "key: {a: 1",
    "a: &x {k: v}",
    "b: *x",
    "c: *nothing",
    "d: |",
    "  block text",
    "---- not a marker",
    "--- not: valid: here",
    "e: >",
    "x: \"unterminated",
    "y: 'two",
    "  lines'",
    "\tkey: tab",
    "- item",
    "  - nested",
    "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"j\"}}",
    "f: .nan",
    "g: ~",
    "%YAML 1.2",
    "%TAG !e! tag:yaml.org,2002:",
    "i: !e!str 80",
    "j: !!str 81",
    "@bad",
    "h: 1 # comment",
    "\u{feff}a: 1",
    "\u{feff}%TAG !e! tag:yaml.org,2002:",
    "  name: !e!str a",
];

/// Whole documents, so that edits also move and change objects that decode.
const DOCS: &[&str] = &[
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    app: a\n  ports:\n  - port: 80\n    targetPort: 8080",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    app: a\nspec:\n  containers:\n  - name: c\n    image: nginx",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: a}\n  template:\n    metadata:\n      labels: {app: a}\n    spec:\n      containers:\n      - name: c\n        image: nginx",
    "apiVersion: v1\nkind: ServiceList\nitems:\n- metadata:\n    name: l1\n- metadata:\n    name: l2\n  spec:\n    ports:\n    - port: x",
    "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: lp\n  spec:\n    containers: 3\n- 7",
    "{\"apiVersion\": \"v1\", \"kind\": \"Service\",\n \"metadata\": {\"name\": \"j\"}}",
    "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: old",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: dup\n  name: again\nspec:\n  ports:\n  - port: 80\n    port: 81",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: go\nspec:\n  containers:\n  - name: c\n    command: [\n      \"sh\", \"-c\"\n    ]\n    image: busybox",
];

/// Characters single-character edits type.
const CHARS: &[char] = &[
    '\n', '\n', '-', '-', ' ', ' ', ':', 'a', 'k', '#', '[', ']', '{', '}', ',', '"', '\'', '&',
    '*', '|', '>', '.', '%', '\t', '\r', '0',
];

fn line() -> impl Strategy<Value = String> {
    prop::sample::select(LINES).prop_map(str::to_owned)
}

/// A manifest: documents of random lines, separated by `---`, with random
/// line ends, maybe a BOM and maybe no final line break.
fn manifest() -> impl Strategy<Value = String> {
    let doc = prop_oneof![
        prop::collection::vec(line(), 0..8),
        prop::sample::select(DOCS).prop_map(|d| d.split('\n').map(str::to_owned).collect()),
    ];
    (
        prop::collection::vec(doc, 1..6),
        0..4usize,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(docs, ends, bom, lead, final_break)| {
            let end = ["\n", "\n", "\r\n", "\r"][ends];
            let mut lines = Vec::new();
            for (i, d) in docs.into_iter().enumerate() {
                if i > 0 || lead {
                    lines.push("---".to_owned());
                }
                lines.extend(d);
            }
            let mut text = if bom {
                "\u{feff}".to_owned()
            } else {
                String::new()
            };
            text.push_str(&lines.join(end));
            if final_break {
                text.push_str(end);
            }
            text
        })
}

#[derive(Clone, Debug)]
enum Edit {
    /// Types a few characters at a position.
    Type(Index, Vec<char>),
    /// Deletes up to `n` characters at a position.
    Delete(Index, usize),
    /// Inserts a line before a line.
    InsertLine(Index, String),
    /// Replaces a line.
    ReplaceLine(Index, String),
    /// Deletes a line.
    DeleteLine(Index),
    /// Moves a line elsewhere (moving whole documents around, in steps).
    MoveLine(Index, Index),
    /// Pastes a copy of the text's first half at its end.
    Duplicate,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<Index>(), prop::collection::vec(prop::sample::select(CHARS), 1..4))
            .prop_map(|(i, c)| Edit::Type(i, c)),
        2 => (any::<Index>(), 1..6usize).prop_map(|(i, n)| Edit::Delete(i, n)),
        3 => (any::<Index>(), line()).prop_map(|(i, l)| Edit::InsertLine(i, l)),
        2 => (any::<Index>(), line()).prop_map(|(i, l)| Edit::ReplaceLine(i, l)),
        2 => any::<Index>().prop_map(Edit::DeleteLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::MoveLine(a, b)),
        1 => Just(Edit::Duplicate),
    ]
}

fn apply(text: &str, edit: &Edit) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    match edit {
        Edit::Type(at, typed) => {
            let at = at.index(chars.len() + 1);
            let mut out: Vec<char> = chars[..at].to_vec();
            out.extend(typed);
            out.extend(&chars[at..]);
            return out.into_iter().collect();
        }
        Edit::Delete(at, n) => {
            if chars.is_empty() {
                return String::new();
            }
            let at = at.index(chars.len());
            let end = (at + n).min(chars.len());
            return chars[..at].iter().chain(&chars[end..]).collect();
        }
        Edit::InsertLine(at, l) => lines.insert(at.index(lines.len() + 1), l.clone()),
        Edit::ReplaceLine(at, l) => {
            let at = at.index(lines.len());
            lines[at] = l.clone();
        }
        Edit::DeleteLine(at) => {
            let at = at.index(lines.len());
            lines.remove(at);
        }
        Edit::MoveLine(from, to) => {
            let l = lines.remove(from.index(lines.len()));
            lines.insert(to.index(lines.len() + 1), l);
        }
        Edit::Duplicate => {
            let half = lines.len().div_ceil(2);
            let copy: Vec<String> = lines[..half].to_vec();
            lines.extend(copy);
        }
    }
    lines.join("\n")
}

/// Asserts equality; through `Debug` when `==` fails, since a `.nan`
/// scalar is never equal to itself.
fn assert_same(cached: &Manifest, fresh: &Manifest, what: &str) {
    if cached != fresh {
        assert_eq!(format!("{cached:#?}"), format!("{fresh:#?}"), "{what:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_loader_reads_every_edit_as_a_fresh_load_does(
        start in manifest(),
        edits in prop::collection::vec(edit(), 1..24),
    ) {
        let mut loader = Loader::new();
        let mut text = start;
        assert_same(&loader.load(&text), &load(&text), &text);
        for e in &edits {
            text = apply(&text, e);
            assert_same(&loader.load(&text), &load(&text), &text);
        }
    }
}

/// A larger manifest, edited as someone types: every prefix of a new
/// document's text, typed in the middle, then removed again.
#[test]
fn typing_a_document_in_the_middle_of_a_manifest() {
    let base = kubeplay_core::examples::synthetic(20);
    let cut = base
        .match_indices("\n---\n")
        .nth(5)
        .map_or(base.len(), |(i, _)| i + 1);
    let typed = "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: typed\n  name: again\nspec:\n  ports: [\n  - port: 80x\n  ]\n";
    let mut loader = Loader::new();
    let mut texts: Vec<String> = (0..=typed.len())
        .filter(|&n| typed.is_char_boundary(n))
        .map(|n| format!("{}{}{}", &base[..cut], &typed[..n], &base[cut..]))
        .collect();
    let back: Vec<String> = texts.iter().rev().cloned().collect();
    texts.extend(back);
    for text in &texts {
        assert_same(&loader.load(text), &load(text), text);
    }
}

/// Real manifests (the shared corpus): each read after the one before, then
/// with a line typed at the top (every document moves), then with its
/// middle line removed.
#[test]
fn corpus_files_and_edits_of_them_read_as_a_fresh_load_does() {
    let Some(dir) = kubeplay_tests::corpus_dir() else {
        eprintln!("loader: ../shared/corpus not found; corpus checks skipped");
        return;
    };
    let mut loader = Loader::new();
    for path in kubeplay_tests::files_under(&dir) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let lines: Vec<&str> = text.split('\n').collect();
        let mut cut = lines.clone();
        cut.remove(lines.len() / 2);
        for t in [text.clone(), format!("# typed\n{text}"), cut.join("\n")] {
            let cached = loader.load(&t);
            assert_same(&cached, &load(&t), &path.display().to_string());
        }
    }
}
