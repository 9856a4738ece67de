//! `ValidateIngressCreate` (networking/v1), in the upstream order.

use super::format;
use super::{invalid_json, not_supported, object_meta};
use crate::diag::FieldError;
use crate::k8s::networking::{HTTPIngressPath, Ingress, IngressBackend, IngressSpec};
use crate::net::parse_ip_sloppy;

const INGRESS_CLASS_ANNOTATION: &str = "kubernetes.io/ingress.class";
const INVALID_PATH_SEQUENCES: [&str; 5] = ["//", "/./", "/../", "%2f", "%2F"];
const INVALID_PATH_SUFFIXES: [&str; 2] = ["/..", "/."];

pub(super) fn validate(ing: &Ingress) -> Vec<FieldError> {
    let mut out = Vec::new();
    object_meta(&ing.metadata, format::dns1123_subdomain, &mut out);
    let default_spec = IngressSpec::default();
    let spec = ing.spec.as_ref().unwrap_or(&default_spec);
    ingress_spec(spec, &mut out);
    let annotation = ing
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(INGRESS_CLASS_ANNOTATION));
    if let (Some(value), Some(class)) = (annotation, &spec.ingress_class_name)
        && value != class
    {
        // Upstream builds this path as `annotations.<key>`, without `metadata.`.
        out.push(FieldError::invalid_str(
            format!("annotations.{INGRESS_CLASS_ANNOTATION}"),
            value,
            "must match `ingressClassName` when both are specified",
        ));
    }
    out
}

fn ingress_spec(spec: &IngressSpec, out: &mut Vec<FieldError>) {
    let rules = spec.rules.as_deref().unwrap_or(&[]);
    if rules.is_empty() && spec.default_backend.is_none() {
        // The value is the (empty) rules slice as JSON: `null` when absent.
        let value = if spec.rules.is_some() {
            serde_json::json!([])
        } else {
            serde_json::Value::Null
        };
        out.push(invalid_json(
            "spec",
            &value,
            "either `defaultBackend` or `rules` must be specified",
        ));
    }
    if let Some(backend) = &spec.default_backend {
        ingress_backend(backend, "spec.defaultBackend", out);
    }
    for (i, rule) in rules.iter().enumerate() {
        let host = rule.host.as_deref().unwrap_or("");
        let host_path = format!("spec.rules[{i}].host");
        if !host.is_empty() {
            if parse_ip_sloppy(host).is_some() {
                out.push(FieldError::invalid_str(
                    &host_path,
                    host,
                    "must be a DNS name, not an IP address",
                ));
            }
            let msgs = if host.contains('*') {
                format::wildcard_dns1123_subdomain(host)
            } else {
                format::dns1123_subdomain(host)
            };
            for msg in msgs {
                out.push(FieldError::invalid_str(&host_path, host, msg));
            }
        }
        if let Some(http) = &rule.http {
            if http.paths.is_empty() {
                out.push(FieldError::required(
                    format!("spec.rules[{i}].http.paths"),
                    "",
                ));
            }
            for (j, path) in http.paths.iter().enumerate() {
                http_path(path, &format!("spec.rules[{i}].http.paths[{j}]"), out);
            }
        }
    }
    for (t, tls) in spec.tls.iter().flatten().enumerate() {
        for (h, host) in tls.hosts.iter().flatten().enumerate() {
            let path = format!("spec.tls[{t}].hosts[{h}]");
            let msgs = if host.contains('*') {
                format::wildcard_dns1123_subdomain(host)
            } else {
                format::dns1123_subdomain(host)
            };
            for msg in msgs {
                out.push(FieldError::invalid_str(&path, host, msg));
            }
        }
        if let Some(secret) = tls.secret_name.as_deref().filter(|s| !s.is_empty()) {
            for msg in format::dns1123_subdomain(secret) {
                out.push(FieldError::invalid_str(
                    format!("spec.tls[{t}].secretName"),
                    secret,
                    msg,
                ));
            }
        }
    }
    if let Some(class) = &spec.ingress_class_name {
        for msg in format::dns1123_subdomain(class) {
            out.push(FieldError::invalid_str("spec.ingressClassName", class, msg));
        }
    }
}

/// `validateHTTPIngressPath`.
fn http_path(p: &HTTPIngressPath, at: &str, out: &mut Vec<FieldError>) {
    let path = p.path.as_deref().unwrap_or("");
    let path_at = format!("{at}.path");
    match p.path_type.as_str() {
        "" => {
            // Upstream returns here, without looking at the backend.
            out.push(FieldError::required(
                format!("{at}.pathType"),
                "pathType must be specified",
            ));
            return;
        }
        "Exact" | "Prefix" => {
            if !path.starts_with('/') {
                out.push(FieldError::invalid_str(
                    &path_at,
                    path,
                    "must be an absolute path",
                ));
            }
            if !path.is_empty() {
                for seq in INVALID_PATH_SEQUENCES {
                    if path.contains(seq) {
                        out.push(FieldError::invalid_str(
                            &path_at,
                            path,
                            format!("must not contain '{seq}'"),
                        ));
                    }
                }
                for suffix in INVALID_PATH_SUFFIXES {
                    if path.ends_with(suffix) {
                        out.push(FieldError::invalid_str(
                            &path_at,
                            path,
                            format!("cannot end with '{suffix}'"),
                        ));
                    }
                }
            }
        }
        "ImplementationSpecific" => {
            if !path.is_empty() && !path.starts_with('/') {
                out.push(FieldError::invalid_str(
                    &path_at,
                    path,
                    "must be an absolute path",
                ));
            }
        }
        other => out.push(not_supported(
            format!("{at}.pathType"),
            other,
            &["Exact", "ImplementationSpecific", "Prefix"],
        )),
    }
    ingress_backend(&p.backend, &format!("{at}.backend"), out);
}

/// `validateIngressBackend`: exactly one of a resource or a service; a
/// service needs a name and exactly one of port name / port number.
fn ingress_backend(backend: &IngressBackend, at: &str, out: &mut Vec<FieldError>) {
    match (&backend.resource, &backend.service) {
        (Some(_), Some(_)) => out.push(FieldError::invalid_str(
            at,
            "",
            "cannot set both resource and service backends",
        )),
        (Some(resource), None) => {
            if let Some(group) = &resource.api_group {
                for msg in format::dns1123_subdomain(group) {
                    out.push(FieldError::invalid_str(
                        format!("{at}.resource.apiGroup"),
                        group,
                        msg,
                    ));
                }
            }
            if resource.kind.is_empty() {
                out.push(FieldError::required(format!("{at}.resource.kind"), ""));
            }
            if resource.name.is_empty() {
                out.push(FieldError::required(format!("{at}.resource.name"), ""));
            }
        }
        (None, Some(service)) => {
            let name_at = format!("{at}.service.name");
            if service.name.is_empty() {
                out.push(FieldError::required(name_at, ""));
            } else {
                // The relaxed (DNS-1123 label) rule is behind an alpha gate.
                for msg in format::dns1035_label(&service.name) {
                    out.push(FieldError::invalid_str(&name_at, &service.name, msg));
                }
            }
            let port = service.port.clone().unwrap_or_default();
            let name = port.name.as_deref().unwrap_or("");
            let number = port.number.unwrap_or(0);
            if !name.is_empty() && number != 0 {
                out.push(FieldError::invalid_str(
                    at,
                    "",
                    "cannot set both port name & port number",
                ));
            } else if !name.is_empty() {
                for msg in format::port_name(name) {
                    out.push(FieldError::invalid_str(
                        format!("{at}.service.port.name"),
                        name,
                        msg,
                    ));
                }
            } else if number != 0 {
                for msg in format::port_num(i64::from(number)) {
                    out.push(FieldError::invalid_int(
                        format!("{at}.service.port.number"),
                        i64::from(number),
                        msg,
                    ));
                }
            } else {
                out.push(FieldError::required(at, "port name or number is required"));
            }
        }
        (None, None) => out.push(FieldError::invalid_str(
            at,
            "",
            "resource or service backend is required",
        )),
    }
}
