//! Typed decoding straight from the spanned YAML tree: a serde `Deserializer`
//! over [`Node`] that reports the Kubernetes field path of the first error.
//!
//! It behaves as decoding the tree's JSON form (`Node::to_json`) with
//! `serde_json` would: mapping keys in sorted order with the last duplicate
//! winning, non-negative integers as unsigned, non-finite floats as null, and
//! the same error texts. Going without the JSON copy and without a path-tracking
//! wrapper makes decoding faster and the WebAssembly much smaller (every
//! k8s-openapi visitor is instantiated once, for this deserializer only).

use crate::yaml::{Node, Value};
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};
use std::fmt;

/// One step of the path to an error, innermost last.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// A decoding error and where it happened.
#[derive(Debug, PartialEq, Eq)]
pub struct Error {
    message: String,
    /// Outermost first once the error has bubbled up to the top.
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
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// serde_json's rendering of an unexpected value (`null` rather than serde's
/// `unit value`), so messages read as they did when decoding went through JSON.
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

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error {
            message: msg.to_string(),
            path: Vec::new(),
        }
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        de::Error::custom(format_args!(
            "invalid type: {}, expected {}",
            JsonUnexpected(unexp),
            exp
        ))
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        de::Error::custom(format_args!(
            "invalid value: {}, expected {}",
            JsonUnexpected(unexp),
            exp
        ))
    }
}

/// Decodes `node` as a `T`, with `overrides` standing in for top-level keys
/// (a List's items get their implied `apiVersion` and `kind` this way).
pub fn from_node<T: de::DeserializeOwned>(
    node: &Node,
    overrides: &[(&str, &str)],
) -> Result<T, Error> {
    let extra: Vec<(String, Node)> = overrides
        .iter()
        .map(|(k, v)| {
            (
                (*k).to_owned(),
                Node {
                    value: Value::Str((*v).to_owned()),
                    span: node.span,
                },
            )
        })
        .collect();
    match &node.value {
        Value::Map(_) => T::deserialize(MapDe {
            entries: entries(node, &extra),
        }),
        _ => T::deserialize(NodeDe(node)),
    }
}

/// A mapping's entries as `serde_json::Map` (a `BTreeMap`) would hold them:
/// sorted by key, the last of duplicate keys winning; `extra` replaces keys.
fn entries<'a>(node: &'a Node, extra: &'a [(String, Node)]) -> Vec<(String, &'a Node)> {
    let mut out: Vec<(String, &Node)> = Vec::new();
    if let Value::Map(list) = &node.value {
        for e in list {
            out.push((e.key.key_text(), &e.value));
        }
    }
    for (k, v) in extra {
        out.push((k.clone(), v));
    }
    // Stable sort, then keep the last of each run of equal keys.
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

/// The deserializer for one node.
#[derive(Clone, Copy)]
struct NodeDe<'a>(&'a Node);

impl NodeDe<'_> {
    fn unexpected(&self) -> Unexpected<'_> {
        match &self.0.value {
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

    fn invalid<T>(&self, exp: &dyn de::Expected) -> Result<T, Error> {
        Err(de::Error::invalid_type(self.unexpected(), exp))
    }
}

impl<'de> Deserializer<'de> for NodeDe<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) if *i >= 0 => visitor.visit_u64(i.unsigned_abs()),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(f) if f.is_finite() => visitor.visit_f64(*f),
            Value::Float(_) => visitor.visit_unit(),
            Value::Str(s) => visitor.visit_str(s),
            Value::Seq(items) => visitor.visit_seq(SeqDe {
                items: items.iter(),
                index: 0,
            }),
            Value::Map(_) => visitor.visit_map(MapIter {
                entries: entries(self.0, &[]).into_iter(),
                value: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Null => visitor.visit_none(),
            Value::Float(f) if !f.is_finite() => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Null => visitor.visit_unit(),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Seq(_) => self.deserialize_any(visitor),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Map(_) => self.deserialize_any(visitor),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Map(_) | Value::Seq(_) => self.deserialize_any(visitor),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Str(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            Value::Map(list) if list.len() == 1 => visitor.visit_enum(EnumDe {
                variant: list[0].key.key_text(),
                value: &list[0].value,
            }),
            Value::Map(_) => Err(de::Error::invalid_value(
                Unexpected::Map,
                &"map with a single key",
            )),
            _ => Err(de::Error::invalid_type(self.unexpected(), &"string or map")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Str(s) => visitor.visit_str(s),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Str(_) | Value::Seq(_) => self.deserialize_any(visitor),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char
    }
}

/// A sequence's items; an error inside item `i` gets `[i]` on its path.
struct SeqDe<'a> {
    items: std::slice::Iter<'a, Node>,
    index: usize,
}

impl<'de> SeqAccess<'de> for SeqDe<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(NodeDe(item))
            .map(Some)
            .map_err(|e| e.at(Segment::Index(index)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// A mapping's entries (sorted, deduplicated); an error in a value gets its
/// key on the path.
struct MapDe<'a> {
    entries: Vec<(String, &'a Node)>,
}

impl<'de> Deserializer<'de> for MapDe<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(MapIter {
            entries: self.entries.into_iter(),
            value: None,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct MapIter<'a> {
    entries: std::vec::IntoIter<(String, &'a Node)>,
    value: Option<(String, &'a Node)>,
}

impl<'de> MapAccess<'de> for MapIter<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        let k = seed
            .deserialize(key.as_str().into_deserializer())
            .map_err(|e: Error| e.at(Segment::Key(key.clone())))?;
        self.value = Some((key, value));
        Ok(Some(k))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        let Some((key, value)) = self.value.take() else {
            return Err(de::Error::custom("value is missing"));
        };
        seed.deserialize(NodeDe(value))
            .map_err(|e| e.at(Segment::Key(key)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An externally tagged enum written as a single-key mapping.
struct EnumDe<'a> {
    variant: String,
    value: &'a Node,
}

impl<'de, 'a> EnumAccess<'de> for EnumDe<'a> {
    type Error = Error;
    type Variant = VariantDe<'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, VariantDe<'a>), Error> {
        let v = seed.deserialize(self.variant.as_str().into_deserializer())?;
        Ok((
            v,
            VariantDe {
                key: self.variant,
                value: self.value,
            },
        ))
    }
}

struct VariantDe<'a> {
    key: String,
    value: &'a Node,
}

impl<'de> VariantAccess<'de> for VariantDe<'_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        de::Deserialize::deserialize(NodeDe(self.value))
            .map_err(|e: Error| e.at(Segment::Key(self.key)))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(NodeDe(self.value))
            .map_err(|e| e.at(Segment::Key(self.key)))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        NodeDe(self.value)
            .deserialize_seq(visitor)
            .map_err(|e| e.at(Segment::Key(self.key)))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        NodeDe(self.value)
            .deserialize_map(visitor)
            .map_err(|e| e.at(Segment::Key(self.key)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::Deployment;
    use k8s_openapi::api::core::v1::{Pod, Service};

    /// Decodes through the reference route (the tree's JSON, read by
    /// serde_json under serde_path_to_error): the value, or (path, message).
    fn reference<T: de::DeserializeOwned>(node: &Node) -> Result<T, (String, String)> {
        serde_path_to_error::deserialize::<_, T>(node.to_json()).map_err(|e| {
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

    fn ours<T: de::DeserializeOwned>(node: &Node) -> Result<T, (String, String)> {
        from_node::<T>(node, &[]).map_err(|e| (e.path(), e.message().to_owned()))
    }

    fn node(text: &str) -> Node {
        let (docs, diags) = crate::yaml::parse_stream(text);
        assert_eq!(diags, [], "{text}");
        docs.into_iter()
            .next()
            .map(|d| d.root)
            .unwrap_or_else(|| panic!("a document in {text}"))
    }

    /// Every case decodes to the same value, or fails at the same path with
    /// the same message, as the JSON route did.
    #[test]
    fn decoding_the_tree_agrees_with_decoding_its_json() {
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
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {healthCheckNodePort: .inf}\n",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  creationTimestamp: not-a-time\n",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  creationTimestamp: \"2024-01-02T03:04:05Z\"\n",
            "apiVersion: v2\nkind: Service\n",
            "apiVersion: v1\nkind: Pod\n",
        ];
        for text in services {
            let n = node(text);
            assert_eq!(ours::<Service>(&n), reference::<Service>(&n), "{text}");
        }
        let pods = [
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    ports: [{containerPort: 80, name: http}]\n    env: [{name: A, value: 3}]\n",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: 3\n",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - image: nginx\n",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    resources: {limits: {cpu: 500m, memory: 1Gi}}\n    readinessProbe: {httpGet: {port: http, path: /}}\n",
        ];
        for text in pods {
            let n = node(text);
            assert_eq!(ours::<Pod>(&n), reference::<Pod>(&n), "{text}");
        }
        let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: d}}\n  strategy: {rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}}\n  template:\n    metadata: {labels: {app: d}}\n    spec: {containers: [{name: c, image: x}]}\n";
        let n = node(deployment);
        assert!(ours::<Deployment>(&n).is_ok());
        assert_eq!(ours::<Deployment>(&n), reference::<Deployment>(&n));
    }

    #[test]
    fn overrides_stand_in_for_the_kind_a_list_implies() {
        let n = node("metadata: {name: a}\nspec: {ports: [{port: 80}]}\n");
        let s: Service = from_node(&n, &[("apiVersion", "v1"), ("kind", "Service")])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.metadata.name.as_deref(), Some("a"));
        // k8s-openapi checks the kind it is given.
        let e = from_node::<Service>(&n, &[("apiVersion", "v1"), ("kind", "Pod")])
            .err()
            .map(|e| e.message().to_owned());
        assert!(e.as_deref().is_some_and(|m| m.contains("Service")), "{e:?}");
    }
}
