//! The playground's "what-if" actions (scale, delete a pod, fail a readiness
//! probe, cordon and drain a node) as edits of the YAML text.
//!
//! The text is the single source of truth: an action that only changed the
//! model would vanish on the next keystroke and could not be shared in a URL.
//! So every action here is a pure function from text to text that changes
//! only the lines it must and keeps every other byte (comments, formatting,
//! key order, other documents) as it was. When an edit cannot be expressed
//! safely, the function returns an [`EditError`] and the caller keeps the
//! old text: an action never corrupts a manifest.
//!
//! Pods that a workload creates have no text of their own; their actions are
//! annotations on the workload (`kubeplay.dev/replaced`,
//! `kubeplay.dev/not-ready`), which [`crate::workloads`] honours.

use crate::cluster::Cluster;
use crate::decode::{Manifest, load};
use crate::diag::{ErrorType, Pos, Severity};
use crate::k8s::core::Pod;
use crate::model::Object;
use crate::workloads::{self, NOT_READY_ANNOTATION, REPLACED_ANNOTATION};
use crate::yaml::{self, Node, Value};
use std::fmt;

/// Why an action could not be written into the text. The text is unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditError {
    /// The text has a YAML syntax error; editing around it could make things
    /// worse, so the action waits until the text reads again.
    Malformed {
        /// 1-based line of the first syntax error.
        line: u32,
        /// 1-based column of the first syntax error.
        column: u32,
        /// The parser's message.
        message: String,
    },
    /// The object the action names is not in the text (or not in the cluster).
    NotFound(String),
    /// The object is there, but this edit cannot be expressed in its text
    /// (for example a flow-style List, or a pod the cluster adds itself).
    Unsupported(String),
    /// An argument is out of range (a negative replica count, an unknown kind).
    Invalid(String),
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::Malformed {
                line,
                column,
                message,
            } => write!(
                f,
                "the YAML has a syntax error at {line}:{column} ({message}); fix it first"
            ),
            EditError::NotFound(m) | EditError::Unsupported(m) | EditError::Invalid(m) => {
                f.write_str(m)
            }
        }
    }
}

impl std::error::Error for EditError {}

/// Sets `spec.replicas` of a Deployment, ReplicaSet or StatefulSet, replacing
/// the value or inserting the field as the first of `spec` (where people
/// write it), with the indentation `spec` already uses. A flow-style `spec:
/// {...}` gets the field inside its braces.
pub fn scale(
    text: &str,
    namespace: &str,
    kind: &str,
    name: &str,
    replicas: i32,
) -> Result<String, EditError> {
    if !matches!(kind, "Deployment" | "ReplicaSet" | "StatefulSet") {
        return Err(EditError::Invalid(format!(
            "only a Deployment, ReplicaSet or StatefulSet can be scaled, not a {kind}"
        )));
    }
    if replicas < 0 {
        return Err(EditError::Invalid(format!(
            "spec.replicas must be 0 or more, not {replicas}"
        )));
    }
    let src = Src::new(text)?;
    let m = parse(text)?;
    let obj = find(&m, kind, Some(namespace), name)?;
    let splice = set_path(
        &src,
        &obj.origin.node,
        &["spec", "replicas"],
        Val::scalar(replicas.to_string()),
        true,
    )?;
    finish(text, src.apply(splice))
}

/// Deletes a pod, as `kubectl delete pod` would. A pod written in the text
/// loses its document (or its item in a List). A pod a workload created is
/// replaced by its controller: the workload's `kubeplay.dev/replaced`
/// annotation counts one more generation for the pod's slot, so the new pod
/// gets a new name (a StatefulSet's keeps its name, as there) and the old
/// one leaves the EndpointSlices.
pub fn delete_pod(
    text: &str,
    cluster: &Cluster,
    namespace: &str,
    pod: &str,
) -> Result<String, EditError> {
    let src = Src::new(text)?;
    let m = parse(text)?;
    cluster_pod(cluster, namespace, pod)?;
    if let Ok(obj) = find(&m, "Pod", Some(namespace), pod) {
        return finish(text, remove_object(&src, obj)?);
    }
    let (obj, source) = owner(&m, cluster, namespace, pod)?;
    let meta = obj.resource.metadata().cloned().unwrap_or_default();
    let mut replaced = workloads::replacements(&meta);
    replaced.insert(source.slot.clone(), source.generation.saturating_add(1));
    let value = workloads::format_replacements(&replaced);
    finish(
        text,
        set_annotation(&src, obj, REPLACED_ANNOTATION, Some(&value))?,
    )
}

/// Makes a pod's readiness probe pass (`ready`) or fail. A pod written in the
/// text gets its `status.conditions` Ready condition set; when it has no
/// status yet, one is written with phase Running, the node and pod IP the
/// build gave it (so it keeps its place and address) and the condition. A
/// workload's pod is listed in (or removed from) the workload's
/// `kubeplay.dev/not-ready` annotation.
pub fn set_pod_ready(
    text: &str,
    cluster: &Cluster,
    namespace: &str,
    pod: &str,
    ready: bool,
) -> Result<String, EditError> {
    let src = Src::new(text)?;
    let m = parse(text)?;
    let built = cluster_pod(cluster, namespace, pod)?;
    if let Ok(obj) = find(&m, "Pod", Some(namespace), pod) {
        return pod_readiness(text, &src, obj, built, ready);
    }
    let (obj, _) = owner(&m, cluster, namespace, pod)?;
    let meta = obj.resource.metadata().cloned().unwrap_or_default();
    let mut names = workloads::not_ready(&meta);
    let changed = if ready {
        names.remove(pod)
    } else {
        names.insert(pod.to_owned())
    };
    if !changed {
        return Ok(text.to_owned());
    }
    let value = names.into_iter().collect::<Vec<_>>().join(",");
    let value = (!value.is_empty()).then_some(value);
    finish(
        text,
        set_annotation(&src, obj, NOT_READY_ANNOTATION, value.as_deref())?,
    )
}

/// Cordons (`on`) or uncordons a node, as `kubectl cordon` does: sets
/// `spec.unschedulable: true`, or removes it. When the text has no Nodes (the
/// cluster assumes its default ones), the default nodes are first written at
/// the end of the text as Node documents, exactly as `default_nodes()` makes
/// them, so that the change has somewhere to live.
///
/// kubeplay rebuilds the cluster from the text on every edit and has no
/// memory of which pods were already running, so a cordoned node shows no
/// workload pods: its replicas move to the next schedulable node (the other
/// pods stay), as after a drain. DaemonSet pods stay, as they tolerate the
/// cordon.
pub fn cordon(text: &str, cluster: &Cluster, node: &str, on: bool) -> Result<String, EditError> {
    Src::new(text)?;
    let m = parse(text)?;
    let has_nodes = m.objects.iter().any(|o| o.kind() == "Node");
    let text = if has_nodes {
        text.to_owned()
    } else {
        if !cluster_has_node(cluster, node) && !default_has_node(node) {
            return Err(EditError::NotFound(format!(
                "node {node} is not in the cluster"
            )));
        }
        materialise_default_nodes(text)
    };
    let src = Src::new(&text)?;
    let m = parse(&text)?;
    let obj = find(&m, "Node", None, node)?;
    let splice = if on {
        set_path(
            &src,
            &obj.origin.node,
            &["spec", "unschedulable"],
            Val::scalar("true"),
            false,
        )?
    } else {
        match obj
            .origin
            .node
            .get("spec")
            .and_then(|s| s.entry("unschedulable"))
        {
            None => return finish(&text, text.clone()),
            Some(_) => {
                remove_path(&src, &obj.origin.node, &["spec"], "unschedulable").or_else(|_| {
                    set_path(
                        &src,
                        &obj.origin.node,
                        &["spec", "unschedulable"],
                        Val::scalar("false"),
                        false,
                    )
                })?
            }
        }
    };
    finish(&text, src.apply(splice))
}

/// Drains a node, as `kubectl drain --ignore-daemonsets --force` would:
/// cordons it (see [`cordon`]), so the workload pods on it are placed on other
/// nodes, and deletes every Pod written in the text that runs there (its
/// `spec.nodeName`, or where the build placed it): nothing recreates a bare
/// pod, exactly as an eviction of an unmanaged pod. DaemonSet pods stay.
pub fn drain(text: &str, cluster: &Cluster, node: &str) -> Result<String, EditError> {
    let mut out = cordon(text, cluster, node, true)?;
    let on_node: Vec<&Pod> = cluster
        .pods
        .iter()
        .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node))
        .filter(|p| {
            !p.metadata
                .owner_references
                .iter()
                .flatten()
                .any(|o| o.kind == "DaemonSet")
        })
        .collect();
    for p in on_node {
        let ns = p.metadata.namespace.as_deref().unwrap_or("default");
        let name = p.metadata.name.as_deref().unwrap_or("");
        let m = parse(&out)?;
        if let Ok(obj) = find(&m, "Pod", Some(ns), name) {
            let src = Src::new(&out)?;
            let next = remove_object(&src, obj)?;
            out = finish(&out, next)?;
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Finding things.

/// Reads the text, refusing it when it has a syntax error.
fn parse(text: &str) -> Result<Manifest, EditError> {
    let m = load(text);
    match m
        .diagnostics
        .iter()
        .find(|d| d.error_type == ErrorType::SyntaxError)
    {
        Some(d) => Err(EditError::Malformed {
            line: d.span.start.line,
            column: d.span.start.column,
            message: d.message.clone(),
        }),
        None => Ok(m),
    }
}

fn find<'m>(
    m: &'m Manifest,
    kind: &str,
    namespace: Option<&str>,
    name: &str,
) -> Result<&'m Object, EditError> {
    let ns = namespace.filter(|n| !n.is_empty()).unwrap_or("default");
    m.objects
        .iter()
        .find(|o| o.kind() == kind && o.name() == name && o.namespace().is_none_or(|n| n == ns))
        .ok_or_else(|| {
            EditError::NotFound(match o_namespaced(kind) {
                true => format!("{kind} {ns}/{name} is not in the text"),
                false => format!("{kind} {name} is not in the text"),
            })
        })
}

fn o_namespaced(kind: &str) -> bool {
    !matches!(kind, "Node" | "Namespace")
}

fn cluster_pod<'c>(cluster: &'c Cluster, namespace: &str, pod: &str) -> Result<&'c Pod, EditError> {
    let ns = if namespace.is_empty() {
        "default"
    } else {
        namespace
    };
    cluster
        .pods
        .iter()
        .find(|p| {
            p.metadata.name.as_deref() == Some(pod)
                && p.metadata.namespace.as_deref().unwrap_or("default") == ns
        })
        .ok_or_else(|| EditError::NotFound(format!("pod {ns}/{pod} is not in the cluster")))
}

/// The workload in the text that creates `pod`, and the pod's slot.
fn owner<'m>(
    m: &'m Manifest,
    cluster: &Cluster,
    namespace: &str,
    pod: &str,
) -> Result<(&'m Object, workloads::PodSource), EditError> {
    let ns = if namespace.is_empty() {
        "default"
    } else {
        namespace
    };
    let nodes = workloads::node_infos(&cluster.nodes);
    workloads::pod_sources(&m.objects, &nodes)
        .into_iter()
        .find(|s| s.namespace == ns && s.name == pod)
        .and_then(|s| {
            let obj = m.objects.get(s.object)?;
            (obj.kind() != "Pod").then_some((obj, s))
        })
        .ok_or_else(|| {
            EditError::Unsupported(format!(
                "pod {ns}/{pod} is neither written in the text nor created by a workload \
                 written there (the cluster adds it itself)"
            ))
        })
}

fn cluster_has_node(cluster: &Cluster, node: &str) -> bool {
    cluster
        .nodes
        .iter()
        .any(|n| n.metadata.name.as_deref() == Some(node))
}

fn default_has_node(node: &str) -> bool {
    crate::cluster::default_nodes()
        .iter()
        .any(|n| n.metadata.name.as_deref() == Some(node))
}

/// The text with the default nodes appended as Node documents.
fn materialise_default_nodes(text: &str) -> String {
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = text.to_owned();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
    let has_content = out.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    });
    for (i, node) in crate::cluster::default_nodes().iter().enumerate() {
        if i > 0 || has_content {
            out.push_str("---");
            out.push_str(eol);
        }
        let json = serde_json::to_value(node).unwrap_or_default();
        out.push_str(&crate::yamlout::to_yaml(&json).replace('\n', eol));
    }
    out
}

// ---------------------------------------------------------------------------
// Pods written in the text.

fn pod_readiness(
    text: &str,
    src: &Src<'_>,
    obj: &Object,
    built: &Pod,
    ready: bool,
) -> Result<String, EditError> {
    let word = if ready { "\"True\"" } else { "\"False\"" };
    let root = &obj.origin.node;
    let ready_item = || {
        Val::Map(vec![
            ("type".to_owned(), Val::scalar("Ready")),
            ("status".to_owned(), Val::scalar(word)),
        ])
    };
    let Some(status) = root
        .get("status")
        .filter(|s| matches!(s.value, Value::Map(_)))
    else {
        let Some(ip) = workloads::pod_ip(built).filter(|_| !ready) else {
            // A pod without status is built Running and Ready; one the build
            // could not place has no address to keep. Either way, nothing to do.
            return Ok(text.to_owned());
        };
        // A stated status makes the pod a fact (no scheduling), so its node
        // must be stated too, or it would lose its place and endpoint.
        let mut out = text.to_owned();
        let node = built.spec.as_ref().and_then(|s| s.node_name.clone());
        if let Some(node) = &node
            && root.get("spec").and_then(|s| s.get("nodeName")).is_none()
        {
            let splice = set_path(src, root, &["spec", "nodeName"], Val::string(node), false)?;
            out = finish(text, src.apply(splice))?;
        }
        let m = parse(&out)?;
        let ns = obj.namespace().unwrap_or("default");
        let obj = find(&m, "Pod", Some(ns), obj.name())?;
        let src = Src::new(&out)?;
        let host_ip = built.status.as_ref().and_then(|s| s.host_ip.clone());
        let mut fields = vec![("phase".to_owned(), Val::scalar("Running"))];
        if let Some(h) = host_ip {
            fields.push(("hostIP".to_owned(), Val::string(&h)));
        }
        fields.push(("podIP".to_owned(), Val::string(&ip.to_string())));
        fields.push((
            "podIPs".to_owned(),
            Val::Seq(vec![Val::Map(vec![(
                "ip".to_owned(),
                Val::string(&ip.to_string()),
            )])]),
        ));
        fields.push(("conditions".to_owned(), Val::Seq(vec![ready_item()])));
        let splice = insert_entry(&src, &obj.origin.node, "status", Val::Map(fields), false)?;
        return finish(text, src.apply(splice));
    };
    let splice = match status.get("conditions") {
        Some(conds) => match &conds.value {
            Value::Seq(items) => {
                match items
                    .iter()
                    .find(|c| c.get("type").and_then(Node::as_str) == Some("Ready"))
                {
                    Some(item) => set_path(src, item, &["status"], Val::scalar(word), false)?,
                    None => append_item(src, conds, ready_item())?,
                }
            }
            _ => {
                return Err(EditError::Unsupported(
                    "status.conditions is not a list".to_owned(),
                ));
            }
        },
        None => set_path(
            src,
            status,
            &["conditions"],
            Val::Seq(vec![ready_item()]),
            false,
        )?,
    };
    finish(text, src.apply(splice))
}

/// Removes an object: its whole document (with one `---` next to it), or its
/// item in a List. Comments stay.
fn remove_object(src: &Src<'_>, obj: &Object) -> Result<String, EditError> {
    let node = &obj.origin.node;
    let first = node.span.start.line;
    let last = last_line(src, node);
    if obj.origin.prefix.is_empty() {
        if !src.before(node.span.start).trim().is_empty() {
            return Err(EditError::Unsupported(format!(
                "{} {} shares its line {first} with other text",
                obj.kind(),
                obj.name()
            )));
        }
        let mut drop: Vec<u32> = (first..=last).collect();
        let above = (1..first)
            .rev()
            .find(|&l| !src.is_blank_or_comment(l))
            .filter(|&l| is_marker(src.line(l)));
        let below = (last + 1..=src.line_count())
            .find(|&l| !src.is_blank_or_comment(l))
            .filter(|&l| is_marker(src.line(l)));
        match (above, below) {
            (Some(l), _) | (None, Some(l)) => drop.push(l),
            (None, None) => {}
        }
        return Ok(src.without_lines(&drop));
    }
    // An item of a block List: `- apiVersion: ...` through its last line.
    let (docs, _) = yaml::parse_stream(src.text);
    let items = docs
        .get(obj.origin.document)
        .and_then(|d| d.root.get("items"))
        .ok_or_else(|| EditError::NotFound(format!("the List holding {} is gone", obj.name())))?;
    if src.opener(items) == Some('[') {
        return Err(EditError::Unsupported(
            "the List's items are written in flow style ([...]); remove the item by hand"
                .to_owned(),
        ));
    }
    let before = src.before(node.span.start);
    let mut drop: Vec<u32> = (first..=last).collect();
    if before.trim() == "-" {
        // `- apiVersion: v1` on one line.
    } else if before.trim().is_empty() {
        // `-` alone on the line above.
        let dash = (1..first)
            .rev()
            .find(|&l| !src.is_blank_or_comment(l))
            .filter(|&l| src.line(l).trim() == "-")
            .ok_or_else(|| {
                EditError::Unsupported(format!("cannot find the list item of {}", obj.name()))
            })?;
        drop.push(dash);
    } else {
        return Err(EditError::Unsupported(format!(
            "{} {} shares its line {first} with other text",
            obj.kind(),
            obj.name()
        )));
    }
    let out = src.without_lines(&drop);
    // Removing the last item leaves `items:` empty (null); write `[]`, as
    // kubectl prints an empty list and typed lists need a sequence.
    let (docs, _) = yaml::parse_stream(&out);
    let Some(entry) = docs
        .get(obj.origin.document)
        .and_then(|d| d.root.entry("items"))
        .filter(|e| e.value.value == Value::Null)
    else {
        return Ok(out);
    };
    let src2 = Src::new(&out)?;
    let at = src2.byte(entry.key.span.end).unwrap_or(0);
    if out.get(at..at + 1) != Some(":") {
        return Ok(out);
    }
    Ok(src2.apply(Splice {
        start: at + 1,
        end: at + 1,
        text: " []".to_owned(),
    }))
}

/// Sets or removes (`None`) one annotation of an object.
fn set_annotation(
    src: &Src<'_>,
    obj: &Object,
    key: &str,
    value: Option<&str>,
) -> Result<String, EditError> {
    let root = &obj.origin.node;
    match value {
        Some(v) => {
            let splice = set_path(
                src,
                root,
                &["metadata", "annotations", key],
                Val::scalar(crate::decode::go_quote(v)),
                false,
            )?;
            Ok(src.apply(splice))
        }
        None => {
            let exists = root
                .get("metadata")
                .and_then(|m| m.get("annotations"))
                .and_then(|a| a.get(key))
                .is_some();
            if !exists {
                return Ok(src.text.to_owned());
            }
            // The last annotation takes its `annotations:` key with it.
            let only = root
                .get("metadata")
                .and_then(|m| m.get("annotations"))
                .is_some_and(|a| matches!(&a.value, Value::Map(e) if e.len() == 1));
            let removed = if only {
                remove_path(src, root, &["metadata"], "annotations")
            } else {
                remove_path(src, root, &["metadata", "annotations"], key)
            };
            let splice = removed.or_else(|_| {
                set_path(
                    src,
                    root,
                    &["metadata", "annotations", key],
                    Val::scalar("\"\""),
                    false,
                )
            })?;
            Ok(src.apply(splice))
        }
    }
}

/// Accepts an edited text only if it still reads: no syntax error and no
/// more decoding errors than before. Otherwise the edit is refused.
fn finish(before: &str, after: String) -> Result<String, EditError> {
    let errors = |m: &Manifest| {
        m.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    };
    let m = load(&after);
    if m.diagnostics
        .iter()
        .any(|d| d.error_type == ErrorType::SyntaxError)
        || errors(&m) > errors(&load(before))
    {
        return Err(EditError::Unsupported(
            "the edit would make the text unreadable, so it was not made".to_owned(),
        ));
    }
    Ok(after)
}

// ---------------------------------------------------------------------------
// Text surgery.

/// The source text with its line starts, to turn node positions into bytes.
struct Src<'a> {
    text: &'a str,
    /// Byte offset where each line starts (line 1 at index 0).
    starts: Vec<usize>,
    /// The line break the text uses, for the lines we write.
    eol: &'static str,
}

/// Replace `start..end` (bytes) with `text`.
struct Splice {
    start: usize,
    end: usize,
    text: String,
}

impl<'a> Src<'a> {
    fn new(text: &'a str) -> Result<Src<'a>, EditError> {
        if text.replace("\r\n", "").contains('\r') {
            // The parser counts a lone CR as a line break; our byte
            // positions would not match its lines.
            return Err(EditError::Unsupported(
                "the text uses lone carriage returns as line breaks".to_owned(),
            ));
        }
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Ok(Src {
            text,
            starts,
            eol: if text.contains("\r\n") { "\r\n" } else { "\n" },
        })
    }

    /// Number of lines (a final line break starts an empty last line).
    fn line_count(&self) -> u32 {
        self.starts.len() as u32
    }

    /// Line `n` (1-based) without its line break.
    fn line(&self, n: u32) -> &'a str {
        let i = (n as usize).saturating_sub(1);
        let Some(&start) = self.starts.get(i) else {
            return "";
        };
        let end = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    fn is_blank_or_comment(&self, n: u32) -> bool {
        let t = self.line(n).trim();
        t.is_empty() || t.starts_with('#')
    }

    /// The byte offset of a position, if it is inside the text.
    fn byte(&self, pos: Pos) -> Option<usize> {
        let start = *self.starts.get((pos.line as usize).checked_sub(1)?)?;
        let line = self.line(pos.line);
        let col = (pos.column as usize).checked_sub(1)?;
        let off = match line.char_indices().nth(col) {
            Some((b, _)) => b,
            None if col == line.chars().count() => line.len(),
            None => return None,
        };
        Some(start + off)
    }

    /// The text of `pos`'s line before `pos`.
    fn before(&self, pos: Pos) -> &'a str {
        let line = self.line(pos.line);
        let n = line
            .char_indices()
            .nth((pos.column as usize).saturating_sub(1))
            .map_or(line.len(), |(b, _)| b);
        &line[..n]
    }

    /// The first character of a node's text: `{` or `[` for flow
    /// collections, `*` for an alias.
    fn opener(&self, node: &Node) -> Option<char> {
        let b = self.byte(node.span.start)?;
        self.text.get(b..)?.chars().next()
    }

    fn apply(&self, s: Splice) -> String {
        let mut out = String::with_capacity(self.text.len() + s.text.len());
        out.push_str(self.text.get(..s.start).unwrap_or(self.text));
        out.push_str(&s.text);
        out.push_str(self.text.get(s.end..).unwrap_or(""));
        out
    }

    /// The text without the given lines (1-based), line breaks included.
    fn without_lines(&self, drop: &[u32]) -> String {
        let mut out = String::with_capacity(self.text.len());
        for (i, line) in self.text.split_inclusive('\n').enumerate() {
            if !drop.contains(&(i as u32 + 1)) {
                out.push_str(line);
            }
        }
        out
    }

    /// Byte offset where line `n` starts (the end of the text after the last).
    fn line_start(&self, n: u32) -> usize {
        self.starts
            .get((n as usize).saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }
}

fn is_marker(line: &str) -> bool {
    line == "---" || line.starts_with("--- ") || line.starts_with("---\t")
}

/// The last line holding the node's own text. Block collections end where
/// the next token starts, so their children decide; trailing blank and
/// comment lines belong to whatever follows.
fn last_line(src: &Src<'_>, node: &Node) -> u32 {
    let start = node.span.start.line;
    let flow = matches!(src.opener(node), Some('{' | '[' | '*'));
    let mut l = match &node.value {
        Value::Map(entries) if !flow => entries
            .iter()
            .map(|e| last_line(src, &e.key).max(last_line(src, &e.value)))
            .max()
            .unwrap_or(start),
        Value::Seq(items) if !flow => items
            .iter()
            .map(|i| last_line(src, i))
            .max()
            .unwrap_or(start),
        _ => {
            let end = node.span.end;
            if end.column == 1 && end.line > start {
                end.line - 1
            } else {
                end.line
            }
        }
    };
    let multiline_string = matches!(node.value, Value::Str(_)) && !flow;
    while l > start {
        let t = src.line(l).trim();
        if t.is_empty() || (!multiline_string && t.starts_with('#')) {
            l -= 1;
        } else {
            break;
        }
    }
    l
}

/// A small YAML value to write.
#[derive(Clone, Debug)]
enum Val {
    /// Scalar text exactly as it is to appear (already quoted if needed).
    Scalar(String),
    Map(Vec<(String, Val)>),
    Seq(Vec<Val>),
}

impl Val {
    fn scalar(s: impl Into<String>) -> Val {
        Val::Scalar(s.into())
    }

    /// A string, quoted only when plain text would read as something else.
    fn string(s: &str) -> Val {
        let json = serde_json::Value::String(s.to_owned());
        Val::Scalar(crate::yamlout::to_yaml(&json).trim_end().to_owned())
    }

    /// Block style, kubectl's shape: `key:` then children two spaces in,
    /// list items at their key's indentation.
    fn block(&self, key: &str, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match self {
            Val::Scalar(s) => out.push_str(&format!("{pad}{key}: {s}\n")),
            Val::Map(entries) => {
                out.push_str(&format!("{pad}{key}:\n"));
                for (k, v) in entries {
                    v.block(k, indent + 2, out);
                }
            }
            Val::Seq(items) => {
                out.push_str(&format!("{pad}{key}:\n"));
                for item in items {
                    item.item(indent, out);
                }
            }
        }
    }

    /// One block list item, its dash at `indent`.
    fn item(&self, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match self {
            Val::Map(entries) if !entries.is_empty() => {
                let mut body = String::new();
                for (k, v) in entries {
                    v.block(k, indent + 2, &mut body);
                }
                // The first entry shares the dash's line.
                out.push_str(&format!("{pad}- {}", &body[(indent + 2).min(body.len())..]));
            }
            other => out.push_str(&format!("{pad}- {}\n", other.flow())),
        }
    }

    /// Flow style, for insertion into `{...}` or `[...]`.
    fn flow(&self) -> String {
        match self {
            Val::Scalar(s) => s.clone(),
            Val::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", v.flow()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Val::Seq(items) => format!(
                "[{}]",
                items.iter().map(Val::flow).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

/// Sets the value at `path` under `root`: replaces an existing scalar, or
/// inserts the missing part of the path into the deepest mapping that
/// exists. `first` puts a new last key first in its mapping.
fn set_path(
    src: &Src<'_>,
    root: &Node,
    path: &[&str],
    val: Val,
    first: bool,
) -> Result<Splice, EditError> {
    let mut node = root;
    for (i, key) in path.iter().enumerate() {
        if !matches!(node.value, Value::Map(_)) {
            return Err(EditError::Unsupported(format!(
                "`{}` is not a mapping",
                path[..i].join(".")
            )));
        }
        match node.get(key) {
            Some(child) => node = child,
            None => {
                let mut v = val;
                for k in path[i + 1..].iter().rev() {
                    v = Val::Map(vec![((*k).to_owned(), v)]);
                }
                return insert_entry(src, node, key, v, first && i + 1 == path.len());
            }
        }
    }
    replace_scalar(src, node, &val, &path.join("."))
}

/// Replaces a one-line scalar's text, keeping anything after it (a comment).
fn replace_scalar(src: &Src<'_>, node: &Node, val: &Val, what: &str) -> Result<Splice, EditError> {
    let Val::Scalar(text) = val else {
        return Err(EditError::Unsupported(format!("`{what}` already exists")));
    };
    let is_scalar = !matches!(node.value, Value::Map(_) | Value::Seq(_));
    let (start, end) = (src.byte(node.span.start), src.byte(node.span.end));
    match (start, end) {
        (Some(s), Some(e))
            if is_scalar
                && node.span.start.line == node.span.end.line
                && s < e
                && src.opener(node) != Some('*') =>
        {
            Ok(Splice {
                start: s,
                end: e,
                text: text.clone(),
            })
        }
        _ => Err(EditError::Unsupported(format!(
            "`{what}` (line {}) is not a one-line value that can be replaced",
            node.span.start.line
        ))),
    }
}

/// Inserts `key: val` into a mapping: a new line at the mapping's own
/// indentation (block style) or a new entry inside its braces (flow style).
fn insert_entry(
    src: &Src<'_>,
    map: &Node,
    key: &str,
    val: Val,
    first: bool,
) -> Result<Splice, EditError> {
    let Value::Map(entries) = &map.value else {
        return Err(EditError::Unsupported(format!(
            "cannot add `{key}`: its parent (line {}) is not a mapping",
            map.span.start.line
        )));
    };
    let rendered_flow = format!("{key}: {}", val.flow());
    if src.opener(map) == Some('{') {
        let open = src.byte(map.span.start).unwrap_or(0);
        return Ok(match entries.last() {
            None => Splice {
                start: open + 1,
                end: open + 1,
                text: rendered_flow,
            },
            Some(_) if first => Splice {
                start: open + 1,
                end: open + 1,
                text: format!("{rendered_flow}, "),
            },
            Some(last) => {
                let at = src.byte(last.value.span.end).ok_or_else(|| {
                    EditError::Unsupported(format!(
                        "cannot add `{key}` to line {}",
                        map.span.start.line
                    ))
                })?;
                Splice {
                    start: at,
                    end: at,
                    text: format!(", {rendered_flow}"),
                }
            }
        });
    }
    let Some(head) = entries.first() else {
        return Err(EditError::Unsupported(format!(
            "cannot add `{key}` to line {}",
            map.span.start.line
        )));
    };
    let indent = (head.key.span.start.column as usize).saturating_sub(1);
    if !src
        .before(head.key.span.start)
        .chars()
        .all(|c| c == ' ' || c == '-')
    {
        return Err(EditError::Unsupported(format!(
            "cannot add `{key}` next to line {}",
            head.key.span.start.line
        )));
    }
    let mut body = String::new();
    val.block(key, indent, &mut body);
    let body = body.replace('\n', src.eol);
    if first && src.before(head.key.span.start).trim().is_empty() {
        let at = src.line_start(head.key.span.start.line);
        return Ok(Splice {
            start: at,
            end: at,
            text: body,
        });
    }
    let last = last_line(src, map);
    let at = src.line_start(last + 1);
    let text = if last >= src.line_count() || !src.text[..at].ends_with('\n') {
        // The mapping ends the text without a final line break.
        format!("{}{body}", src.eol)
    } else {
        body
    };
    Ok(Splice {
        start: at,
        end: at,
        text,
    })
}

/// Appends an item to a sequence (block or flow).
fn append_item(src: &Src<'_>, seq: &Node, val: Val) -> Result<Splice, EditError> {
    let Value::Seq(items) = &seq.value else {
        return Err(EditError::Unsupported("not a list".to_owned()));
    };
    let Some(tail) = items.last() else {
        return Err(EditError::Unsupported(format!(
            "cannot add to the empty list on line {}",
            seq.span.start.line
        )));
    };
    if src.opener(seq) == Some('[') {
        let at = src.byte(tail.span.end).unwrap_or(0);
        return Ok(Splice {
            start: at,
            end: at,
            text: format!(", {}", val.flow()),
        });
    }
    let dash_line = src.line(tail.span.start.line);
    let indent = dash_line.len() - dash_line.trim_start_matches(' ').len();
    if !dash_line.trim_start().starts_with('-') {
        return Err(EditError::Unsupported(format!(
            "cannot add to the list on line {}",
            seq.span.start.line
        )));
    }
    let mut body = String::new();
    val.item(indent, &mut body);
    let last = last_line(src, seq);
    let at = src.line_start(last + 1);
    let body = body.replace('\n', src.eol);
    let text = if !src.text[..at].ends_with('\n') {
        format!("{}{body}", src.eol)
    } else {
        body
    };
    Ok(Splice {
        start: at,
        end: at,
        text,
    })
}

/// Removes the entry `key` of the block mapping at `path` (its lines).
fn remove_path(src: &Src<'_>, root: &Node, path: &[&str], key: &str) -> Result<Splice, EditError> {
    let mut node = root;
    for k in path {
        node = node
            .get(k)
            .ok_or_else(|| EditError::NotFound(format!("`{}` is not there", path.join("."))))?;
    }
    let entry = node
        .entry(key)
        .ok_or_else(|| EditError::NotFound(format!("`{key}` is not there")))?;
    if src.opener(node) == Some('{') || !src.before(entry.key.span.start).trim().is_empty() {
        return Err(EditError::Unsupported(format!(
            "`{key}` on line {} is not on a line of its own",
            entry.key.span.start.line
        )));
    }
    let first = entry.key.span.start.line;
    let last = last_line(src, &entry.value).max(first);
    Ok(Splice {
        start: src.line_start(first),
        end: src.line_start(last + 1),
        text: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples::DEFAULT;
    use crate::workloads::is_ready;

    fn cluster(text: &str) -> Cluster {
        crate::analyze(text).cluster
    }

    fn pod_names(c: &Cluster, prefix: &str) -> Vec<String> {
        c.pods
            .iter()
            .filter_map(|p| p.metadata.name.clone())
            .filter(|n| n.starts_with(prefix))
            .collect()
    }

    fn has_pod(c: &Cluster, name: &str) -> bool {
        c.pods
            .iter()
            .any(|p| p.metadata.name.as_deref() == Some(name))
    }

    fn node_of<'c>(c: &'c Cluster, pod: &str) -> Option<&'c str> {
        c.pods
            .iter()
            .find(|p| p.metadata.name.as_deref() == Some(pod))
            .and_then(|p| p.spec.as_ref())
            .and_then(|s| s.node_name.as_deref())
    }

    /// The 1-based line range of `before` that differs from `after` (empty
    /// when lines were only inserted), from the common prefix and suffix.
    fn changed_lines(before: &str, after: &str) -> (usize, usize) {
        let a: Vec<&str> = before.split('\n').collect();
        let b: Vec<&str> = after.split('\n').collect();
        let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let max_suffix = a.len().min(b.len()) - prefix;
        let suffix = a
            .iter()
            .rev()
            .zip(b.iter().rev())
            .take(max_suffix)
            .take_while(|(x, y)| x == y)
            .count();
        (prefix + 1, a.len() - suffix)
    }

    /// Asserts that every line outside `first..=last` of `before` is kept.
    fn only_inside(before: &str, after: &str, first: u32, last: u32) {
        let (from, to) = changed_lines(before, after);
        if from <= to {
            assert!(
                from >= first as usize && to <= last as usize,
                "lines {from}..={to} changed, outside {first}..={last}:\n{after}"
            );
        } else {
            // Pure insertion just after line `from - 1`.
            assert!(
                from >= first as usize && from <= last as usize + 1,
                "insertion at {from} outside {first}..={last}:\n{after}"
            );
        }
    }

    fn object_lines(text: &str, kind: &str, name: &str) -> (u32, u32) {
        let m = load(text);
        let o = m
            .objects
            .iter()
            .find(|o| o.kind() == kind && o.name() == name)
            .expect("object in test input");
        let src = Src::new(text).expect("test input");
        (o.origin.span.start.line, last_line(&src, &o.origin.node))
    }

    const DEPLOY: &str = "# the web tier
apiVersion: apps/v1
kind: Deployment
metadata:
    name: web   # the name
    namespace: shop
spec:
    replicas: 2 # two for now
    selector:
        matchLabels: {app: web}
    template:
        metadata:
            labels: {app: web}
        spec:
            containers:
              - name: nginx
                image: nginx
---
# a second document stays as it is
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80}]
";

    #[test]
    fn scale_replaces_the_value_and_keeps_the_comment() {
        let out = scale(DEPLOY, "shop", "Deployment", "web", 5).expect("scaled");
        assert_eq!(
            out,
            DEPLOY.replace("replicas: 2 # two", "replicas: 5 # two")
        );
        let c = cluster(&out);
        assert_eq!(pod_names(&c, "web-").len(), 5);
    }

    #[test]
    fn scale_inserts_replicas_first_with_the_specs_indentation() {
        let text = DEPLOY.replace("    replicas: 2 # two for now\n", "");
        let out = scale(&text, "shop", "Deployment", "web", 0).expect("scaled");
        assert_eq!(
            out,
            DEPLOY.replace("replicas: 2 # two for now", "replicas: 0")
        );
        assert_eq!(pod_names(&cluster(&out), "web-").len(), 0);
    }

    #[test]
    fn scale_writes_into_a_flow_style_spec() {
        let text = "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs}\nspec: {selector: {matchLabels: {app: a}}, template: {metadata: {labels: {app: a}}, spec: {containers: [{name: c, image: i}]}}}\n";
        let out = scale(text, "default", "ReplicaSet", "rs", 3).expect("scaled");
        assert_eq!(
            out,
            text.replace("spec: {selector", "spec: {replicas: 3, selector")
        );
        assert_eq!(pod_names(&cluster(&out), "rs-").len(), 3);
        let again = scale(&out, "default", "ReplicaSet", "rs", 1).expect("scaled");
        assert_eq!(
            again,
            text.replace("spec: {selector", "spec: {replicas: 1, selector")
        );
    }

    #[test]
    fn scale_inserts_spec_when_there_is_none() {
        let text = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n";
        let out = scale(text, "", "StatefulSet", "db", 2).expect("scaled");
        assert_eq!(out, format!("{text}spec:\n  replicas: 2\n"));
        // Without a final line break, one is added before the new lines.
        let out = scale(text.trim_end(), "", "StatefulSet", "db", 2).expect("scaled");
        assert_eq!(out, format!("{text}spec:\n  replicas: 2\n"));
    }

    #[test]
    fn scale_the_default_example_changes_one_line() {
        let out = scale(DEFAULT, "default", "Deployment", "api", 4).expect("scaled");
        let (from, to) = changed_lines(DEFAULT, &out);
        assert_eq!(from, to, "one line");
        assert_eq!(out.lines().nth(from - 1), Some("  replicas: 4"));
        let before = cluster(DEFAULT);
        let after = cluster(&out);
        assert_eq!(pod_names(&after, "api-").len(), 4);
        // Scaling keeps the existing pods and every other workload's.
        for name in pod_names(&before, "") {
            assert!(pod_names(&after, "").contains(&name), "{name} kept");
        }
    }

    #[test]
    fn scale_refuses_what_it_cannot_do() {
        assert!(matches!(
            scale(DEFAULT, "default", "Deployment", "nope", 1),
            Err(EditError::NotFound(_))
        ));
        assert!(matches!(
            scale(DEFAULT, "other", "Deployment", "web", 1),
            Err(EditError::NotFound(_))
        ));
        assert!(matches!(
            scale(DEFAULT, "default", "Service", "web", 1),
            Err(EditError::Invalid(_))
        ));
        assert!(matches!(
            scale(DEFAULT, "default", "Deployment", "web", -1),
            Err(EditError::Invalid(_))
        ));
        let broken = format!("{DEFAULT}---\nkind: [\n");
        assert!(matches!(
            scale(&broken, "default", "Deployment", "web", 1),
            Err(EditError::Malformed { .. })
        ));
    }

    const PODS: &str = "# two bare pods and a service
apiVersion: v1
kind: Pod
metadata:
  name: a
  labels: {app: x}
spec:
  containers:
  - name: c
    image: i
---
apiVersion: v1
kind: Pod
metadata:
  name: b   # keep me
  labels: {app: x}
spec:
  nodeName: node-2
  containers:
  - name: c
    image: i
---
apiVersion: v1
kind: Service
metadata:
  name: x
spec:
  selector: {app: x}
  ports:
  - port: 80
";

    #[test]
    fn deleting_a_written_pod_removes_its_document() {
        let c = cluster(PODS);
        let out = delete_pod(PODS, &c, "default", "a").expect("deleted");
        assert_eq!(
            out,
            "# two bare pods and a service\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b   # keep me\n  labels: {app: x}\nspec:\n  nodeName: node-2\n  containers:\n  - name: c\n    image: i\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  selector: {app: x}\n  ports:\n  - port: 80\n"
        );
        let out = delete_pod(PODS, &c, "default", "b").expect("deleted");
        let doc_b = "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b   # keep me\n  labels: {app: x}\nspec:\n  nodeName: node-2\n  containers:\n  - name: c\n    image: i\n";
        assert_eq!(out, PODS.replacen(doc_b, "", 1));
        let after = cluster(&out);
        assert!(!has_pod(&after, "b"));
        assert!(has_pod(&after, "a"));
    }

    #[test]
    fn deleting_a_pod_in_a_list_removes_its_item() {
        let list = "apiVersion: v1\nkind: List\nitems:\n# first\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n  spec:\n    containers: [{name: c, image: i}]\n-\n  apiVersion: v1\n  kind: Pod\n  metadata:\n    name: b\n  spec:\n    containers: [{name: c, image: i}]\n";
        let c = cluster(list);
        let out = delete_pod(list, &c, "default", "a").expect("deleted");
        assert_eq!(
            out,
            "apiVersion: v1\nkind: List\nitems:\n# first\n-\n  apiVersion: v1\n  kind: Pod\n  metadata:\n    name: b\n  spec:\n    containers: [{name: c, image: i}]\n"
        );
        let out = delete_pod(&out, &cluster(&out), "default", "b").expect("deleted");
        assert_eq!(out, "apiVersion: v1\nkind: List\nitems: []\n# first\n");
        // A List without that item: the pod is not in the cluster.
        assert!(matches!(
            delete_pod(&out, &cluster(&out), "default", "b"),
            Err(EditError::NotFound(_))
        ));
        // A flow-style List is refused, not rewritten.
        let flow = "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}}]}\n";
        assert!(matches!(
            delete_pod(flow, &cluster(flow), "default", "a"),
            Err(EditError::Unsupported(_))
        ));
    }

    #[test]
    fn deleting_a_workload_pod_replaces_it_under_a_new_name() {
        let before = cluster(DEFAULT);
        let web = pod_names(&before, "web-");
        let victim = web[1].clone();
        let out = delete_pod(DEFAULT, &before, "default", &victim).expect("deleted");
        let (first, last) = object_lines(DEFAULT, "Deployment", "web");
        only_inside(DEFAULT, &out, first, last);
        assert!(
            out.contains("metadata:\n  name: web\n  annotations:\n    kubeplay.dev/replaced: \""),
            "{out}"
        );
        let after = cluster(&out);
        let now = pod_names(&after, "web-");
        assert_eq!(now.len(), 3);
        assert!(!now.contains(&victim), "{victim} is gone");
        let new: Vec<&String> = now.iter().filter(|n| !web.contains(n)).collect();
        assert_eq!(new.len(), 1, "exactly one replacement: {now:?}");
        // The old endpoint left the Service's slice; the new one is in it.
        let targets: Vec<String> = after
            .endpoint_slices
            .iter()
            .filter(|s| crate::endpoints::slice_service(s) == Some("web"))
            .flat_map(|s| s.endpoints.iter())
            .filter_map(|e| e.target_ref.as_ref().and_then(|t| t.name.clone()))
            .collect();
        assert!(!targets.contains(&victim));
        assert!(targets.contains(new[0]));
        // Other pods keep their names and nodes.
        for n in pod_names(&before, "") {
            if n != victim {
                assert_eq!(node_of(&before, &n), node_of(&after, &n), "{n}");
            }
        }
        // Deleting the replacement counts a second generation.
        let out2 = delete_pod(&out, &after, "default", new[0]).expect("deleted");
        let third = pod_names(&cluster(&out2), "web-");
        assert_eq!(third.len(), 3);
        assert!(!third.contains(new[0]));
        assert!(out2.contains(":2\""), "{out2}");
    }

    #[test]
    fn deleting_a_pod_the_cluster_adds_itself_is_refused() {
        let c = cluster(DEFAULT);
        let dns = pod_names(&c, "coredns-");
        assert!(matches!(
            delete_pod(DEFAULT, &c, "kube-system", &dns[0]),
            Err(EditError::Unsupported(_))
        ));
        assert!(matches!(
            delete_pod(DEFAULT, &c, "default", "nope"),
            Err(EditError::NotFound(_))
        ));
    }

    fn ready_in_slice(c: &Cluster, service: &str, pod: &str) -> Option<bool> {
        c.endpoint_slices
            .iter()
            .filter(|s| crate::endpoints::slice_service(s) == Some(service))
            .flat_map(|s| s.endpoints.iter())
            .find(|e| e.target_ref.as_ref().and_then(|t| t.name.as_deref()) == Some(pod))
            .and_then(|e| e.conditions.as_ref().and_then(|c| c.ready))
    }

    #[test]
    fn a_workload_pod_fails_its_readiness_probe_by_annotation() {
        let before = cluster(DEFAULT);
        let pod = pod_names(&before, "api-")[0].clone();
        let out = set_pod_ready(DEFAULT, &before, "default", &pod, false).expect("edited");
        let (first, last) = object_lines(DEFAULT, "Deployment", "api");
        only_inside(DEFAULT, &out, first, last);
        assert!(out.contains(&format!(
            "  name: api\n  annotations:\n    kubeplay.dev/not-ready: \"{pod}\"\n"
        )));
        let after = cluster(&out);
        let p = after
            .pods
            .iter()
            .find(|p| p.metadata.name.as_deref() == Some(pod.as_str()))
            .expect("pod kept");
        assert!(!is_ready(p));
        assert_eq!(
            workloads::pod_ip(p),
            before
                .pods
                .iter()
                .find(|q| q.metadata.name == p.metadata.name)
                .and_then(workloads::pod_ip)
        );
        assert_eq!(ready_in_slice(&after, "api", &pod), Some(false));
        // Ready again: the annotation goes, and the text is as it was.
        let back = set_pod_ready(&out, &after, "default", &pod, true).expect("edited");
        assert_eq!(back, DEFAULT);
        // Already ready: no change.
        assert_eq!(
            set_pod_ready(DEFAULT, &before, "default", &pod, true).as_deref(),
            Ok(DEFAULT)
        );
    }

    #[test]
    fn a_written_pod_gets_a_status_that_keeps_its_node_and_address() {
        let c = cluster(PODS);
        let ip = c
            .pods
            .iter()
            .find(|p| p.metadata.name.as_deref() == Some("a"))
            .and_then(workloads::pod_ip)
            .expect("an IP");
        let node = node_of(&c, "a").expect("placed").to_owned();
        let out = set_pod_ready(PODS, &c, "default", "a", false).expect("edited");
        let host = c
            .pods
            .iter()
            .find(|p| p.metadata.name.as_deref() == Some("a"))
            .and_then(|p| p.status.as_ref())
            .and_then(|s| s.host_ip.clone())
            .expect("a host IP");
        let expected = PODS.replacen(
            "  containers:\n  - name: c\n    image: i\n---",
            &format!("  containers:\n  - name: c\n    image: i\n  nodeName: {node}\nstatus:\n  phase: Running\n  hostIP: {host}\n  podIP: {ip}\n  podIPs:\n  - ip: {ip}\n  conditions:\n  - type: Ready\n    status: \"False\"\n---"),
            1,
        );
        assert_eq!(out, expected);
        let after = cluster(&out);
        assert_eq!(node_of(&after, "a"), Some(node.as_str()));
        assert_eq!(ready_in_slice(&after, "x", "a"), Some(false));
        assert_eq!(ready_in_slice(&after, "x", "b"), Some(true));
        // Now it has a status: ready again flips the condition only.
        let back = set_pod_ready(&out, &after, "default", "a", true).expect("edited");
        assert_eq!(back, out.replace("status: \"False\"", "status: \"True\""));
        assert_eq!(ready_in_slice(&cluster(&back), "x", "a"), Some(true));
    }

    #[test]
    fn a_dumped_pods_conditions_are_edited_in_place() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {app: x}\nspec:\n  nodeName: node-1\n  containers: [{name: c, image: i}]\nstatus:\n  phase: Running\n  podIP: 10.244.1.9\n  conditions:\n  - {type: PodScheduled, status: \"True\"}\n  - {type: Ready, status: \"True\"}   # probe passes\n";
        let c = cluster(text);
        let out = set_pod_ready(text, &c, "default", "p", false).expect("edited");
        assert_eq!(
            out,
            text.replace("Ready, status: \"True\"", "Ready, status: \"False\"")
        );
        let no_ready = text.replace("  - {type: Ready, status: \"True\"}   # probe passes\n", "");
        let out =
            set_pod_ready(&no_ready, &cluster(&no_ready), "default", "p", false).expect("edited");
        assert_eq!(
            out,
            format!("{no_ready}  - type: Ready\n    status: \"False\"\n")
        );
        let flow = no_ready.replace(
            "  conditions:\n  - {type: PodScheduled, status: \"True\"}\n",
            "  conditions: [{type: PodScheduled, status: \"True\"}]\n",
        );
        let out = set_pod_ready(&flow, &cluster(&flow), "default", "p", false).expect("edited");
        assert!(out.contains("conditions: [{type: PodScheduled, status: \"True\"}, {type: Ready, status: \"False\"}]"), "{out}");
    }

    #[test]
    fn cordoning_a_written_node_sets_unschedulable() {
        let before = cluster(DEFAULT);
        let out = cordon(DEFAULT, &before, "node-2", true).expect("cordoned");
        let (first, last) = object_lines(DEFAULT, "Node", "node-2");
        only_inside(DEFAULT, &out, first, last + 1);
        assert!(out.contains("spec:\n  podCIDR: 10.244.2.0/24\n  unschedulable: true\nstatus:"));
        let after = cluster(&out);
        let unschedulable = after
            .nodes
            .iter()
            .find(|n| n.metadata.name.as_deref() == Some("node-2"))
            .and_then(|n| n.spec.as_ref())
            .and_then(|s| s.unschedulable);
        assert_eq!(unschedulable, Some(true));
        for p in &after.pods {
            let name = p.metadata.name.as_deref().unwrap_or("");
            let node = node_of(&after, name);
            assert_ne!(node, Some("node-2"), "{name}");
            // Pods elsewhere stay where they were.
            if node_of(&before, name) != Some("node-2") {
                assert_eq!(node, node_of(&before, name), "{name}");
            }
        }
        // Scaling up puts no new pod on the cordoned node.
        let more = scale(&out, "default", "Deployment", "web", 7).expect("scaled");
        let c = cluster(&more);
        assert!(
            c.pods
                .iter()
                .all(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) != Some("node-2"))
        );
        // Uncordon removes the line again.
        assert_eq!(
            cordon(&out, &after, "node-2", false).as_deref(),
            Ok(DEFAULT)
        );
        assert!(matches!(
            cordon(DEFAULT, &before, "node-9", true),
            Err(EditError::NotFound(_))
        ));
    }

    const NO_NODES: &str = "# no nodes here\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: c, image: i}]\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels: {app: agent}\n  template:\n    metadata:\n      labels: {app: agent}\n    spec:\n      containers: [{name: c, image: i}]\n";

    #[test]
    fn cordoning_the_default_nodes_writes_them_first() {
        let before = cluster(NO_NODES);
        assert!(before.default_nodes);
        let out = cordon(NO_NODES, &before, "node-3", true).expect("cordoned");
        assert!(
            out.starts_with(NO_NODES),
            "the text is kept and nodes appended"
        );
        let after = cluster(&out);
        assert!(!after.default_nodes);
        assert_eq!(after.nodes.len(), 3);
        // Uncordoning leaves the default nodes written, and the same cluster.
        let back = cordon(&out, &after, "node-3", false).expect("uncordoned");
        let written = cluster(&back);
        assert_eq!(written.nodes, crate::cluster::default_nodes());
        assert_eq!(written.pods, before.pods);
        assert_eq!(written.endpoint_slices, before.endpoint_slices);
        assert!(back.contains("---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\nspec:\n  podCIDR: 10.244.1.0/24\n"), "{back}");
        // On node-3 only the DaemonSet's pod is left.
        let on3: Vec<String> = after
            .pods
            .iter()
            .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some("node-3"))
            .filter_map(|p| p.metadata.name.clone())
            .collect();
        assert_eq!(on3.len(), 1, "{on3:?}");
        assert!(on3[0].starts_with("agent-"));
    }

    #[test]
    fn draining_moves_workload_pods_and_deletes_bare_pods() {
        let text = format!("{PODS}---\n{NO_NODES}");
        let before = cluster(&text);
        let out = drain(&text, &before, "node-2").expect("drained");
        let after = cluster(&out);
        // Pod b was bound to node-2: evicted, gone. Pod a stays.
        assert!(!has_pod(&after, "b"));
        // Pod a, placed by the scheduler, is evicted only if it ran there.
        let a_there = node_of(&before, "a") == Some("node-2");
        assert_eq!(has_pod(&after, "a"), !a_there);
        assert_eq!(pod_names(&after, "web-").len(), 3);
        for p in &after.pods {
            let name = p.metadata.name.as_deref().unwrap_or("");
            let owner = p
                .metadata
                .owner_references
                .iter()
                .flatten()
                .any(|o| o.kind == "DaemonSet");
            if node_of(&after, name) == Some("node-2") {
                assert!(owner, "{name} left node-2");
            }
        }
        assert_eq!(pod_names(&after, "agent-").len(), 3, "DaemonSet pods stay");
        // Drain node-1 instead: pod b (bound to node-2) stays untouched.
        let out1 = drain(&text, &before, "node-1").expect("drained");
        assert!(has_pod(&cluster(&out1), "b"));
        assert!(out1.contains("  name: b   # keep me\n"));
        // Draining the default example: the web, api pods of node-1 move.
        let c = cluster(DEFAULT);
        let d = drain(DEFAULT, &c, "node-1").expect("drained");
        let dc = cluster(&d);
        assert!(
            dc.pods
                .iter()
                .all(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) != Some("node-1"))
        );
        assert_eq!(dc.pods.len(), c.pods.len());
    }

    #[test]
    fn crlf_text_keeps_its_line_breaks() {
        let text = DEPLOY
            .replace('\n', "\r\n")
            .replace("    replicas: 2 # two for now\r\n", "");
        let out = scale(&text, "shop", "Deployment", "web", 4).expect("scaled");
        assert_eq!(
            out,
            DEPLOY
                .replace('\n', "\r\n")
                .replace("replicas: 2 # two for now", "replicas: 4")
        );
    }

    #[test]
    fn malformed_text_is_refused_by_every_action() {
        let c = cluster(DEFAULT);
        let broken = DEFAULT.replace("  replicas: 2\n", "  replicas: [2\n");
        let pod = pod_names(&c, "api-")[0].clone();
        let results = [
            scale(&broken, "default", "Deployment", "api", 1),
            delete_pod(&broken, &c, "default", &pod),
            set_pod_ready(&broken, &c, "default", &pod, false),
            cordon(&broken, &c, "node-1", true),
            drain(&broken, &c, "node-1"),
        ];
        for r in results {
            assert!(matches!(r, Err(EditError::Malformed { .. })), "{r:?}");
        }
    }
}
