//! Validation as the API server does it (`pkg/apis/core/validation`,
//! `pkg/apis/networking/validation`, `pkg/apis/apps/validation`), run on
//! objects after defaulting. Each function returns field errors with the API
//! server's paths, types and messages, in the upstream order; the caller
//! locates them in the source.
//!
//! Values are printed the way `field.Error` prints them: strings Go-quoted,
//! numbers bare, anything else as JSON (Go's `encoding/json` of the internal
//! type, which for internal structs means Go field names as keys).

mod deployment;
pub mod format;
mod ingress;
mod service;

use crate::decode::go_quote;
use crate::diag::{ErrorType, FieldError};
use crate::k8s::apps::Deployment;
use crate::k8s::core::Service;
use crate::k8s::meta::ObjectMeta;
use crate::k8s::networking::Ingress;
use std::collections::BTreeMap;

/// `ValidateService` (create) on a defaulted Service.
///
/// The registry's own normalisation (syncing `clusterIP` and `clusterIPs`)
/// is applied first, since it always runs before validation; defaulted
/// fields that are still missing are reported as the upstream function
/// reports them on internal objects (Required, or an invalid zero value).
pub fn service(svc: &Service) -> Vec<FieldError> {
    service::validate(svc)
}

/// `ValidateIngressCreate` (networking/v1) on an Ingress.
pub fn ingress(ing: &Ingress) -> Vec<FieldError> {
    ingress::validate(ing)
}

/// The Deployment rules the routing model depends on: replicas, the
/// selector, and the selector matching the template labels.
pub fn deployment(d: &Deployment) -> Vec<FieldError> {
    deployment::validate(d)
}

/// A name rule for `metadata.name` (`ValidateNameFunc` upstream).
type NameFn = fn(&str) -> Vec<String>;

/// `ValidateObjectMeta` for a namespaced object on create.
///
/// A missing namespace is not reported: in YAML it defaults to the one kubectl
/// uses (`default`), so the API server never sees it empty. A missing name is
/// not reported when `generateName` is set, because the server generates the
/// name before it validates.
fn object_meta(meta: &ObjectMeta, name_fn: NameFn, out: &mut Vec<FieldError>) {
    let generate_name = meta.generate_name.as_deref().unwrap_or("");
    if !generate_name.is_empty() {
        for msg in name_fn(&format::mask_trailing_dash(generate_name)) {
            out.push(FieldError::invalid_str(
                "metadata.generateName",
                generate_name,
                msg,
            ));
        }
    }
    match meta.name.as_deref().unwrap_or("") {
        "" if generate_name.is_empty() => out.push(FieldError::required(
            "metadata.name",
            "name or generateName is required",
        )),
        "" => {}
        name => {
            for msg in name_fn(name) {
                out.push(FieldError::invalid_str("metadata.name", name, msg));
            }
        }
    }
    if let Some(ns) = meta.namespace.as_deref().filter(|ns| !ns.is_empty()) {
        for msg in format::dns1123_label(ns) {
            out.push(FieldError::invalid_str("metadata.namespace", ns, msg));
        }
    }
    if let Some(labels) = &meta.labels {
        validate_labels(labels, "metadata.labels", out);
    }
    if let Some(annotations) = &meta.annotations {
        validate_annotations(annotations, "metadata.annotations", out);
    }
}

/// `ValidateLabels`: every key a qualified name, every value a label value.
/// Errors carry the map's path, not the key's (as upstream). Keys are visited
/// in sorted order, where Go's map order is random.
fn validate_labels(labels: &BTreeMap<String, String>, path: &str, out: &mut Vec<FieldError>) {
    for (k, v) in labels {
        for msg in format::qualified_name(k) {
            out.push(FieldError::invalid_str(path, k, msg));
        }
        for msg in format::label_value(v) {
            out.push(FieldError::invalid_str(path, v, msg));
        }
    }
}

/// The total size limit of an object's annotations (keys plus values).
const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

/// Go's `strings.ToLower` as far as a qualified name can tell: a name may
/// only hold ASCII, and the one character outside ASCII whose lower case is
/// ASCII is the Kelvin sign. (Unicode's full case tables would add 20 KB to
/// the wasm; the only difference left is the byte length of other non-ASCII
/// letters, in a key that is invalid either way.)
fn go_lower(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{212a}' => 'k',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// `ValidateAnnotations`: keys are qualified names compared in lower case;
/// the total size is limited.
fn validate_annotations(
    annotations: &BTreeMap<String, String>,
    path: &str,
    out: &mut Vec<FieldError>,
) {
    for k in annotations.keys() {
        for msg in format::qualified_name(&go_lower(k)) {
            out.push(FieldError::invalid_str(path, k, msg));
        }
    }
    let total: usize = annotations.iter().map(|(k, v)| k.len() + v.len()).sum();
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        out.push(FieldError::new(
            ErrorType::TooLong,
            path,
            None,
            format!("may not be more than {TOTAL_ANNOTATION_SIZE_LIMIT} bytes"),
        ));
    }
}

/// `field.NotSupported` with the given values, quoted, in the given order.
fn not_supported(path: impl Into<String>, value: &str, supported: &[&str]) -> FieldError {
    let list: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
    FieldError::new(
        ErrorType::NotSupported,
        path,
        Some(go_quote(value)),
        format!("supported values: {}", list.join(", ")),
    )
}

/// `field.Invalid` with a value printed as JSON (slices, maps, structs).
fn invalid_json(
    path: impl Into<String>,
    value: &serde_json::Value,
    detail: impl Into<String>,
) -> FieldError {
    FieldError::new(
        ErrorType::Invalid,
        path,
        Some(crate::json::to_string(value)),
        detail,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn annotation_errors(key: &str) -> Vec<FieldError> {
        let mut out = Vec::new();
        let annotations = crate::order::btree_map([(key.to_owned(), String::new())]);
        validate_annotations(&annotations, "metadata.annotations", &mut out);
        out
    }

    #[test]
    fn annotation_keys_are_lowered_as_go_lowers_them() {
        // Upper case is fine: keys are checked in lower case.
        assert_eq!(annotation_errors("Example.COM/Key"), []);
        // Go lowers the Kelvin sign to an ASCII k.
        assert_eq!(annotation_errors("\u{212a}ey"), []);
        // Other letters outside ASCII stay invalid.
        assert_eq!(annotation_errors("\u{c9}t\u{c9}").len(), 1);
    }
}
