//! The part of `ValidateDeploymentSpec` (apps/v1) that decides which pods a
//! Deployment makes: replicas, the selector, and the selector matching the
//! pod template's labels.

use super::{format, invalid_json, object_meta, validate_labels};
use crate::diag::FieldError;
use crate::k8s::apps::{Deployment, DeploymentSpec};
use crate::k8s::meta::{LabelSelector, LabelSelectorRequirement};
use std::collections::BTreeMap;

pub(super) fn validate(d: &Deployment) -> Vec<FieldError> {
    let mut out = Vec::new();
    object_meta(&d.metadata, format::dns1123_subdomain, &mut out);
    let default_spec = DeploymentSpec::default();
    let spec = d.spec.as_ref().unwrap_or(&default_spec);
    if let Some(r) = spec.replicas
        && r < 0
    {
        out.push(FieldError::invalid_int(
            "spec.replicas",
            i64::from(r),
            "must be greater than or equal to 0",
        ));
    }
    let selector = &spec.selector;
    let before = out.len();
    if let Some(labels) = &selector.match_labels {
        validate_labels(labels, "spec.selector.matchLabels", &mut out);
    }
    // Bad keys or values also make the selector unparseable upstream.
    let mut well_formed = out.len() == before;
    let expressions = selector.match_expressions.as_deref().unwrap_or(&[]);
    for (i, req) in expressions.iter().enumerate() {
        well_formed &= requirement(
            req,
            &format!("spec.selector.matchExpressions[{i}]"),
            &mut out,
        );
    }
    let labels_len = selector.match_labels.as_ref().map_or(0, BTreeMap::len);
    if labels_len + expressions.len() == 0 {
        // Go's JSON of an empty LabelSelector omits both empty fields.
        out.push(invalid_json(
            "spec.selector",
            &serde_json::json!({}),
            "empty selector is invalid for deployment",
        ));
        return out;
    }
    if !well_formed {
        out.push(invalid_json(
            "spec.selector",
            &selector_json(selector),
            "invalid label selector",
        ));
        return out;
    }
    let template_labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.as_ref());
    let empty = BTreeMap::new();
    if !matches(selector, template_labels.unwrap_or(&empty)) {
        let value = match template_labels {
            Some(l) => serde_json::to_value(l).unwrap_or(serde_json::Value::Null),
            None => serde_json::Value::Null,
        };
        out.push(invalid_json(
            "spec.template.metadata.labels",
            &value,
            "`selector` does not match template `labels`",
        ));
    }
    out
}

/// `ValidateLabelSelectorRequirement`; returns whether the requirement can be
/// turned into a selector (a known operator with the right values).
fn requirement(req: &LabelSelectorRequirement, at: &str, out: &mut Vec<FieldError>) -> bool {
    let values = req.values.as_deref().unwrap_or(&[]);
    let mut ok = true;
    match req.operator.as_str() {
        "In" | "NotIn" => {
            if values.is_empty() {
                ok = false;
                out.push(FieldError::required(
                    format!("{at}.values"),
                    "must be specified when `operator` is 'In' or 'NotIn'",
                ));
            }
        }
        "Exists" | "DoesNotExist" => {
            if !values.is_empty() {
                ok = false;
                out.push(FieldError::forbidden(
                    format!("{at}.values"),
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                ));
            }
        }
        other => {
            ok = false;
            out.push(FieldError::invalid_str(
                format!("{at}.operator"),
                other,
                "not a valid selector operator",
            ));
        }
    }
    for msg in format::qualified_name(&req.key) {
        ok = false;
        out.push(FieldError::invalid_str(format!("{at}.key"), &req.key, msg));
    }
    for (i, v) in values.iter().enumerate() {
        for msg in format::label_value(v) {
            ok = false;
            out.push(FieldError::invalid_str(format!("{at}.values[{i}]"), v, msg));
        }
    }
    ok
}

/// Whether a (well-formed, non-empty) selector selects a set of labels.
fn matches(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    let by_labels = selector
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let by_expressions = selector.match_expressions.iter().flatten().all(|req| {
        let values = req.values.as_deref().unwrap_or(&[]);
        let value = labels.get(&req.key);
        match req.operator.as_str() {
            "In" => value.is_some_and(|v| values.contains(v)),
            "NotIn" => value.is_none_or(|v| !values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        }
    });
    by_labels && by_expressions
}

/// A LabelSelector as Go's JSON prints it (empty fields omitted).
fn selector_json(selector: &LabelSelector) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    if let Some(l) = selector.match_labels.as_ref().filter(|l| !l.is_empty()) {
        map.insert(
            "matchLabels".into(),
            serde_json::to_value(l).unwrap_or(serde_json::Value::Null),
        );
    }
    if let Some(e) = selector
        .match_expressions
        .as_ref()
        .filter(|e| !e.is_empty())
    {
        map.insert(
            "matchExpressions".into(),
            serde_json::to_value(e).unwrap_or(serde_json::Value::Null),
        );
    }
    serde_json::Value::Object(map)
}
