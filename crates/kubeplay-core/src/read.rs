//! Typed reading straight from the spanned YAML tree, reporting the
//! Kubernetes field path of the first error.
//!
//! It reads as decoding the tree's JSON form (`Node::to_json`) with
//! serde_json would: mapping keys in sorted order with the last duplicate
//! winning, non-finite floats as null, and serde's error texts (`invalid
//! type: string "x", expected i32`). It is not serde: a serde `Deserializer`
//! is instantiated once per visitor, and every API type's visitor inlined
//! into it cost about 230 KB of wasm. Here each API type's reader is one
//! small function (see `api_struct!` in `k8s.rs`) and the walking of
//! mappings and sequences is shared, non-generic code.

use crate::yaml::{Node, Value};
use serde::de::Unexpected;
use std::collections::BTreeMap;
use std::fmt;

/// One step of the path to an error, innermost last.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// A reading error and where it happened.
#[derive(Debug, PartialEq, Eq)]
pub struct Error {
    message: String,
    /// Innermost first; reversed when printed.
    path: Vec<Segment>,
}

impl Error {
    /// serde's message (`invalid type: string "x", expected i32`).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The field path in Kubernetes' form: `spec.ports[0].port`; keys with a
    /// dot or a slash in them are bracketed (`metadata.labels[app.kubernetes.io/name]`).
    pub fn path(&self) -> String {
        let mut out = String::new();
        for seg in self.path.iter().rev() {
            match seg {
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
                Segment::Key(k) if k.contains(['.', '/']) => out.push_str(&format!("[{k}]")),
                Segment::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
            }
        }
        out
    }

    fn at(mut self, seg: Segment) -> Error {
        self.path.push(seg);
        self
    }

    fn new(message: String) -> Error {
        Error {
            message,
            path: Vec::new(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// serde_json's rendering of an unexpected value (`null` rather than serde's
/// `unit value`, floats as Rust prints them).
struct JsonUnexpected<'a>(Unexpected<'a>);

impl fmt::Display for JsonUnexpected<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Unexpected::Unit => f.write_str("null"),
            Unexpected::Float(v) => write!(f, "floating point `{v}`"),
            other => other.fmt(f),
        }
    }
}

fn unexpected(node: &Node) -> Unexpected<'_> {
    match &node.value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Int(i) if *i >= 0 => Unexpected::Unsigned(i.unsigned_abs()),
        Value::Int(i) => Unexpected::Signed(*i),
        Value::Float(f) if f.is_finite() => Unexpected::Float(*f),
        Value::Float(_) => Unexpected::Unit,
        Value::Str(s) => Unexpected::Str(s),
        Value::Seq(_) => Unexpected::Seq,
        Value::Map(_) => Unexpected::Map,
    }
}

/// `invalid type: <what node is>, expected <expected>`.
pub fn invalid_type(node: &Node, expected: &str) -> Error {
    Error::new(format!(
        "invalid type: {}, expected {expected}",
        JsonUnexpected(unexpected(node))
    ))
}

/// `invalid value: <what node is>, expected <expected>`.
pub fn invalid_value(node: &Node, expected: &str) -> Error {
    Error::new(format!(
        "invalid value: {}, expected {expected}",
        JsonUnexpected(unexpected(node))
    ))
}

/// Whether a node reads as JSON `null` (non-finite floats have no JSON form).
fn is_null(node: &Node) -> bool {
    match node.value {
        Value::Null => true,
        Value::Float(f) => !f.is_finite(),
        _ => false,
    }
}

/// A value of an API type, read from the YAML tree.
pub trait Read: Sized {
    /// Reads `node`, or says what is wrong and where.
    fn read(node: &Node) -> Result<Self, Error>;
}

/// Reads a whole object (the top of a document or a List item).
pub fn read<T: Read>(node: &Node) -> Result<T, Error> {
    T::read(node)
}

/// A required field: `null` reads as its zero value, as a missing one does
/// (the API server's decoder leaves such a field at its zero value).
pub fn required<T: Read + Default>(node: &Node) -> Result<T, Error> {
    if is_null(node) {
        Ok(T::default())
    } else {
        T::read(node)
    }
}

/// Walks a mapping's fields in sorted key order, the last duplicate winning,
/// calling `field` for each; an error gets the key on its path. Anything but
/// a mapping is an error expecting `expected`.
pub fn fields(
    node: &Node,
    expected: &str,
    field: &mut dyn FnMut(&str, &Node) -> Result<(), Error>,
) -> Result<(), Error> {
    let Value::Map(_) = &node.value else {
        return Err(invalid_type(node, expected));
    };
    for (key, value) in entries(node) {
        field(&key, value).map_err(|e| e.at(Segment::Key(key)))?;
    }
    Ok(())
}

/// A mapping's entries as serde_json's map (a `BTreeMap`) holds them: sorted
/// by key, the last of duplicate keys winning.
fn entries(node: &Node) -> Vec<(String, &Node)> {
    let mut out: Vec<(String, &Node)> = Vec::new();
    if let Value::Map(list) = &node.value {
        for e in list {
            out.push((e.key.key_text(), &e.value));
        }
    }
    crate::order::sort_by(&mut out, |a, b| a.0.cmp(&b.0));
    let mut deduped: Vec<(String, &Node)> = Vec::with_capacity(out.len());
    for (k, v) in out {
        match deduped.last_mut() {
            Some(last) if last.0 == k => last.1 = v,
            _ => deduped.push((k, v)),
        }
    }
    deduped
}

/// Calls `item` for each element of a sequence; an error gets `[i]` on its path.
fn items(node: &Node, item: &mut dyn FnMut(&Node) -> Result<(), Error>) -> Result<(), Error> {
    let Value::Seq(list) = &node.value else {
        return Err(invalid_type(node, "a sequence"));
    };
    for (i, n) in list.iter().enumerate() {
        item(n).map_err(|e| e.at(Segment::Index(i)))?;
    }
    Ok(())
}

impl<T: Read> Read for Option<T> {
    fn read(node: &Node) -> Result<Self, Error> {
        if is_null(node) {
            Ok(None)
        } else {
            T::read(node).map(Some)
        }
    }
}

impl<T: Read> Read for Vec<T> {
    fn read(node: &Node) -> Result<Self, Error> {
        let mut out = Vec::new();
        items(node, &mut |n| {
            out.push(T::read(n)?);
            Ok(())
        })?;
        Ok(out)
    }
}

impl<T: Read> Read for BTreeMap<String, T> {
    fn read(node: &Node) -> Result<Self, Error> {
        let mut out = BTreeMap::new();
        fields(node, "a map", &mut |k, v| {
            out.insert(k.to_owned(), T::read(v)?);
            Ok(())
        })?;
        Ok(out)
    }
}

impl Read for String {
    fn read(node: &Node) -> Result<Self, Error> {
        match &node.value {
            Value::Str(s) => Ok(s.clone()),
            _ => Err(invalid_type(node, "a string")),
        }
    }
}

impl Read for bool {
    fn read(node: &Node) -> Result<Self, Error> {
        match node.value {
            Value::Bool(b) => Ok(b),
            _ => Err(invalid_type(node, "a boolean")),
        }
    }
}

/// An integer of at most 64 bits, checked against the target type's range.
fn integer(node: &Node, name: &str, fits: fn(i64) -> bool) -> Result<i64, Error> {
    match node.value {
        Value::Int(i) if fits(i) => Ok(i),
        Value::Int(_) => Err(invalid_value(node, name)),
        _ => Err(invalid_type(node, name)),
    }
}

impl Read for i32 {
    fn read(node: &Node) -> Result<Self, Error> {
        let v = integer(node, "i32", |i| i32::try_from(i).is_ok())?;
        Ok(i32::try_from(v).unwrap_or_default())
    }
}

impl Read for i64 {
    fn read(node: &Node) -> Result<Self, Error> {
        integer(node, "i64", |_| true)
    }
}

#[cfg(test)]
mod tests {
    //! The reference is the route the core took before: the tree's JSON, read
    //! by serde_json into k8s-openapi's types under serde_path_to_error.

    use crate::k8s;
    use crate::yaml::Node;

    fn reference<T: serde::de::DeserializeOwned>(node: &Node) -> Result<(), (String, String)> {
        serde_path_to_error::deserialize::<_, T>(node.to_json())
            .map(|_| ())
            .map_err(|e| {
                let mut path = String::new();
                for seg in e.path().iter() {
                    match seg {
                        serde_path_to_error::Segment::Seq { index } => {
                            path.push_str(&format!("[{index}]"));
                        }
                        serde_path_to_error::Segment::Map { key }
                        | serde_path_to_error::Segment::Enum { variant: key } => {
                            if key.contains(['.', '/']) {
                                path.push_str(&format!("[{key}]"));
                            } else {
                                if !path.is_empty() {
                                    path.push('.');
                                }
                                path.push_str(key);
                            }
                        }
                        serde_path_to_error::Segment::Unknown => {}
                    }
                }
                (path, e.inner().to_string())
            })
    }

    fn ours<T: super::Read>(node: &Node) -> Result<(), (String, String)> {
        super::read::<T>(node)
            .map(|_| ())
            .map_err(|e| (e.path(), e.message().to_owned()))
    }

    fn node(text: &str) -> Node {
        let (docs, diags) = crate::yaml::parse_stream(text);
        // Duplicate keys are warned about, and read (the last one wins).
        assert!(
            diags
                .iter()
                .all(|d| d.error_type == crate::diag::ErrorType::Duplicate),
            "{text}: {diags:?}"
        );
        docs.into_iter()
            .next()
            .map(|d| d.root)
            .unwrap_or_else(|| panic!("a document in {text}"))
    }

    /// Every case reads, or fails at the same path with the same message, as
    /// k8s-openapi through JSON did. The one wording that differs on purpose:
    /// a mapping type is expected as `struct X` (k8s-openapi said `X`), which
    /// the front end words as "must be an object".
    #[test]
    fn reading_agrees_with_k8s_openapi_through_json() {
        let same =
            |o: Result<(), (String, String)>, r: Result<(), (String, String)>, text: &str| {
                let r = r.map_err(|(p, m)| match m.rsplit_once(", expected ") {
                    Some((head, exp))
                        if exp.starts_with(char::is_uppercase) && exp != "IntOrString" =>
                    {
                        (p, format!("{head}, expected struct {exp}"))
                    }
                    _ => (p, m),
                });
                assert_eq!(o, r, "{text}");
            };
        let services = [
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports:\n  - port: 80\n    targetPort: http\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports:\n  - port: eighty\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports:\n  - port: 80\n    targetPort: 8080\n  - port: 81.5\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a, labels: {app.kubernetes.io/name: 3}}\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: [1, 2]\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  selector: null\n  clusterIP: ~\n  ports: []\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: NodePort, type: ClusterIP, z: 1, a: 2}\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80, nodePort: -1, protocol: 7}]}\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}], externalIPs: [1, true]}\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 3000000000}]}\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: null, targetPort: 99999999999}]}\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80, targetPort: [1]}]}\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {healthCheckNodePort: .inf}\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {sessionAffinityConfig: {clientIP: {timeoutSeconds: yes}}}\n",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  creationTimestamp: \"2024-01-02T03:04:05Z\"\n",
            "apiVersion: v1\nkind: Service\nmetadata: null\nspec: {publishNotReadyAddresses: 1}\n",
            "apiVersion: v1\nkind: Service\n",
        ];
        for text in services {
            let n = node(text);
            same(
                ours::<k8s::core::Service>(&n),
                reference::<k8s_openapi::api::core::v1::Service>(&n),
                text,
            );
        }
        let pods = [
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    ports: [{containerPort: 80, name: http}]\n",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: 3\n",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - image: nginx\n",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    ports: [{containerPort: http}]\n",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c}]\n  nodeName: 7\n",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\nstatus:\n  phase: Running\n  podIPs: [{ip: 10.0.0.1}, {ip: 3}]\n",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\nstatus:\n  containerStatuses: [{name: c, image: x, imageID: '', ready: maybe, restartCount: 0}]\n",
        ];
        for text in pods {
            let n = node(text);
            same(
                ours::<k8s::core::Pod>(&n),
                reference::<k8s_openapi::api::core::v1::Pod>(&n),
                text,
            );
        }
        let deployments = [
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: d}}\n  strategy: {rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}}\n  template:\n    metadata: {labels: {app: d}}\n    spec: {containers: [{name: c, image: x}]}\n",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: two\n",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchExpressions: [{key: a, operator: In, values: [1]}]}\n",
        ];
        for text in deployments {
            let n = node(text);
            same(
                ours::<k8s::apps::Deployment>(&n),
                reference::<k8s_openapi::api::apps::v1::Deployment>(&n),
                text,
            );
        }
        let ingresses = [
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  rules:\n  - host: a.example\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend: {service: {name: s, port: {number: eighty}}}\n",
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec: {tls: [{hosts: a}]}\n",
        ];
        for text in ingresses {
            let n = node(text);
            same(
                ours::<k8s::networking::Ingress>(&n),
                reference::<k8s_openapi::api::networking::v1::Ingress>(&n),
                text,
            );
        }
        let slices = [
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s}\naddressType: IPv4\nendpoints:\n- addresses: [10.0.0.1]\n  conditions: {ready: 'true'}\n",
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s}\naddressType: IPv4\nendpoints: null\nports: [{port: 80.5}]\n",
        ];
        for text in slices {
            let n = node(text);
            same(
                ours::<k8s::discovery::EndpointSlice>(&n),
                reference::<k8s_openapi::api::discovery::v1::EndpointSlice>(&n),
                text,
            );
        }
    }

    #[test]
    fn values_are_read_into_their_fields() {
        let n = node(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {app: web}\n  creationTimestamp: \"2026-01-01T00:00:00Z\"\nspec:\n  type: NodePort\n  clusterIP: 10.96.0.10\n  selector: {app: web}\n  ports:\n  - {name: http, port: 80, targetPort: http, nodePort: 30080}\n  - {port: 443, targetPort: 8443}\n",
        );
        let s: k8s::core::Service = super::read(&n).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.metadata.name.as_deref(), Some("web"));
        assert_eq!(
            s.metadata.creation_timestamp.map(|t| t.0.as_second()),
            Some(1_767_225_600)
        );
        let spec = s.spec.unwrap_or_default();
        assert_eq!(spec.type_.as_deref(), Some("NodePort"));
        assert_eq!(spec.cluster_ip.as_deref(), Some("10.96.0.10"));
        let ports = spec.ports.unwrap_or_default();
        assert_eq!(ports.len(), 2);
        assert_eq!(ports[0].node_port, Some(30080));
        assert_eq!(
            ports[0].target_port,
            Some(k8s::intstr::IntOrString::String("http".into()))
        );
        assert_eq!(
            ports[1].target_port,
            Some(k8s::intstr::IntOrString::Int(8443))
        );
        assert_eq!(ports[1].port, 443);
    }
}
