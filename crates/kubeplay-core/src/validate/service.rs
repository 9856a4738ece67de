//! `ValidateService` (create), rule by rule in the upstream order.

use super::format;
use super::{invalid_json, not_supported, object_meta, validate_labels};
use crate::decode::go_quote;
use crate::diag::{ErrorType, FieldError};
use crate::k8s::core::{Service, ServicePort, ServiceSpec};
use crate::k8s::intstr::IntOrString;
use crate::net::parse_ip_sloppy;
use std::collections::BTreeSet;
use std::net::IpAddr;

const TOPOLOGY_HINTS: &str = "service.kubernetes.io/topology-aware-hints";
const TOPOLOGY_MODE: &str = "service.kubernetes.io/topology-mode";
const LB_SOURCE_RANGES: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";
const CLIENT_IP_MAX_SECONDS: i32 = 86400;

/// The registry's view of a spec: `clusterIP` and `clusterIPs` synced the way
/// the REST storage does before validation.
struct Ips {
    cluster_ip: String,
    cluster_ips: Vec<String>,
}

impl Ips {
    fn of(spec: &ServiceSpec) -> Ips {
        let cluster_ip = spec.cluster_ip.clone().unwrap_or_default();
        let mut cluster_ips = spec.cluster_ips.clone().unwrap_or_default();
        if cluster_ips.is_empty() && !cluster_ip.is_empty() {
            cluster_ips.push(cluster_ip.clone());
        }
        let cluster_ip = if cluster_ip.is_empty() {
            cluster_ips.first().cloned().unwrap_or_default()
        } else {
            cluster_ip
        };
        Ips {
            cluster_ip,
            cluster_ips,
        }
    }

    /// `isHeadlessService`: exactly one clusterIP, and it is `None`.
    fn headless(&self) -> bool {
        self.cluster_ips.len() == 1 && self.cluster_ips[0] == "None"
    }
}

pub(super) fn validate(svc: &Service) -> Vec<FieldError> {
    let mut out = Vec::new();
    object_meta(&svc.metadata, format::dns1035_label, &mut out);
    let annotations = svc.metadata.annotations.clone().unwrap_or_default();
    if let (Some(mode), Some(hints)) = (
        annotations.get(TOPOLOGY_MODE),
        annotations.get(TOPOLOGY_HINTS),
    ) && mode != hints
    {
        out.push(FieldError::invalid_str(
            format!("metadata.annotations[{TOPOLOGY_MODE}]"),
            mode,
            format!("must match annotations[{TOPOLOGY_HINTS}] when both are specified"),
        ));
    }

    let default_spec = ServiceSpec::default();
    let spec = svc.spec.as_ref().unwrap_or(&default_spec);
    let ips = Ips::of(spec);
    let ty = spec.type_.as_deref().unwrap_or("");
    let ports: &[ServicePort] = spec.ports.as_deref().unwrap_or(&[]);

    if ports.is_empty() && !ips.headless() && ty != "ExternalName" {
        out.push(FieldError::required("spec.ports", ""));
    }
    match ty {
        "LoadBalancer" | "NodePort" if ips.headless() => {
            out.push(FieldError::invalid_str(
                "spec.clusterIPs[0]",
                &ips.cluster_ips[0],
                format!("may not be set to 'None' for {ty} services"),
            ));
        }
        "ExternalName" => external_name(spec, &ips, &mut out),
        _ => {}
    }

    let mut names = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        service_port(port, ports.len() > 1, &mut names, i, &mut out);
    }

    if let Some(selector) = &spec.selector {
        validate_labels(selector, "spec.selector", &mut out);
    }

    session_affinity(spec, &mut out);
    cluster_ips(spec, &ips, ty, &mut out);
    external_ips(spec, &mut out);

    if ty.is_empty() {
        out.push(FieldError::required("spec.type", ""));
    } else if !matches!(
        ty,
        "ClusterIP" | "ExternalName" | "LoadBalancer" | "NodePort"
    ) {
        out.push(not_supported(
            "spec.type",
            ty,
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        ));
    }

    if ty == "ClusterIP" {
        for (i, p) in ports.iter().enumerate() {
            if p.node_port.unwrap_or(0) != 0 {
                out.push(FieldError::forbidden(
                    format!("spec.ports[{i}].nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
    }
    duplicate_ports(ports, &mut out);
    source_ranges(spec, &annotations, ty, &mut out);

    if spec.allocate_load_balancer_node_ports.is_some() && ty != "LoadBalancer" {
        out.push(FieldError::forbidden(
            "spec.allocateLoadBalancerNodePorts",
            "may only be used when `type` is 'LoadBalancer'",
        ));
    }
    if ty == "LoadBalancer" && spec.allocate_load_balancer_node_ports.is_none() {
        // Upstream builds this path without the `spec.` prefix.
        out.push(FieldError::required("allocateLoadBalancerNodePorts", ""));
    }

    if let Some(class) = &spec.load_balancer_class {
        if ty == "LoadBalancer" {
            for msg in format::qualified_name(class) {
                out.push(FieldError::invalid_str(
                    "spec.loadBalancerClass",
                    class,
                    msg,
                ));
            }
        } else {
            out.push(FieldError::forbidden(
                "spec.loadBalancerClass",
                "may only be used when `type` is 'LoadBalancer'",
            ));
        }
    }

    traffic_policies(spec, ty, &mut out);
    out
}

fn external_name(spec: &ServiceSpec, ips: &Ips, out: &mut Vec<FieldError>) {
    if !ips.cluster_ips.is_empty() {
        out.push(FieldError::forbidden(
            "spec.clusterIPs",
            "may not be set for ExternalName services",
        ));
    }
    if spec.ip_families.as_ref().is_some_and(|f| !f.is_empty()) {
        out.push(FieldError::forbidden(
            "spec.ipFamilies",
            "may not be set for ExternalName services",
        ));
    }
    if spec.ip_family_policy.is_some() {
        out.push(FieldError::forbidden(
            "spec.ipFamilyPolicy",
            "may not be set for ExternalName services",
        ));
    }
    // One trailing dot marks the CNAME as fully qualified.
    let name = spec.external_name.as_deref().unwrap_or("");
    let cname = name.strip_suffix('.').unwrap_or(name);
    if cname.is_empty() {
        out.push(FieldError::required("spec.externalName", ""));
    } else {
        for msg in format::dns1123_subdomain(cname) {
            out.push(FieldError::invalid_str("spec.externalName", cname, msg));
        }
    }
}

/// `validateServicePort`.
fn service_port(
    sp: &ServicePort,
    require_name: bool,
    names: &mut BTreeSet<String>,
    i: usize,
    out: &mut Vec<FieldError>,
) {
    let at = |field: &str| format!("spec.ports[{i}].{field}");
    let name = sp.name.as_deref().unwrap_or("");
    if require_name && name.is_empty() {
        out.push(FieldError::required(at("name"), ""));
    } else if !name.is_empty() {
        for msg in format::dns1123_label(name) {
            out.push(FieldError::invalid_str(at("name"), name, msg));
        }
        if !names.insert(name.to_owned()) {
            out.push(FieldError::new(
                ErrorType::Duplicate,
                at("name"),
                Some(go_quote(name)),
                "",
            ));
        }
    }
    for msg in format::port_num(i64::from(sp.port)) {
        out.push(FieldError::invalid_int(at("port"), i64::from(sp.port), msg));
    }
    match sp.protocol.as_deref().unwrap_or("") {
        "" => out.push(FieldError::required(at("protocol"), "")),
        "SCTP" | "TCP" | "UDP" => {}
        other => out.push(not_supported(
            at("protocol"),
            other,
            &["SCTP", "TCP", "UDP"],
        )),
    }
    // An unset targetPort is the zero IntOrString (the integer 0) upstream.
    match &sp.target_port {
        Some(IntOrString::String(s)) => {
            for msg in format::port_name(s) {
                out.push(FieldError::invalid_str(at("targetPort"), s, msg));
            }
        }
        Some(IntOrString::Int(n)) => {
            for msg in format::port_num(i64::from(*n)) {
                out.push(FieldError::invalid_int(
                    at("targetPort"),
                    i64::from(*n),
                    msg,
                ));
            }
        }
        None => {
            for msg in format::port_num(0) {
                out.push(FieldError::invalid_int(at("targetPort"), 0, msg));
            }
        }
    }
    if let Some(app) = &sp.app_protocol {
        for msg in format::qualified_name(app) {
            out.push(FieldError::invalid_str(at("appProtocol"), app, msg));
        }
    }
}

fn session_affinity(spec: &ServiceSpec, out: &mut Vec<FieldError>) {
    let affinity = spec.session_affinity.as_deref().unwrap_or("");
    match affinity {
        "" => out.push(FieldError::required("spec.sessionAffinity", "")),
        "ClientIP" | "None" => {}
        other => out.push(not_supported(
            "spec.sessionAffinity",
            other,
            &["ClientIP", "None"],
        )),
    }
    let path = "spec.sessionAffinityConfig";
    if affinity == "ClientIP" {
        let detail = "when session affinity type is ClientIP";
        let Some(config) = &spec.session_affinity_config else {
            out.push(FieldError::required(path, detail));
            return;
        };
        let Some(client_ip) = &config.client_ip else {
            out.push(FieldError::required(format!("{path}.clientIP"), detail));
            return;
        };
        let timeout_path = format!("{path}.clientIP.timeoutSeconds");
        match client_ip.timeout_seconds {
            None => out.push(FieldError::required(timeout_path, detail)),
            Some(t) if t <= 0 || t > CLIENT_IP_MAX_SECONDS => {
                out.push(FieldError::invalid_int(
                    timeout_path,
                    i64::from(t),
                    format!("must be greater than 0 and less than {CLIENT_IP_MAX_SECONDS}"),
                ));
            }
            Some(_) => {}
        }
    } else if affinity == "None" && spec.session_affinity_config.is_some() {
        out.push(FieldError::forbidden(
            path,
            "must not be set when session affinity is None",
        ));
    }
}

/// `IsValidIPForLegacyField` with strict checks off, as in Kubernetes 1.35
/// (the StrictIPCIDRValidation gate is alpha): any IP Go's sloppy parser
/// accepts passes.
fn ip_errors(path: &str, value: &str) -> Option<FieldError> {
    if parse_ip_sloppy(value).is_some() {
        None
    } else {
        Some(FieldError::invalid_str(
            path,
            value,
            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
        ))
    }
}

/// `ValidateServiceClusterIPsRelatedFields`.
fn cluster_ips(spec: &ServiceSpec, ips: &Ips, ty: &str, out: &mut Vec<FieldError>) {
    if ty == "ExternalName" {
        return;
    }
    let list_json = || {
        serde_json::Value::Array(
            ips.cluster_ips
                .iter()
                .map(|s| serde_json::Value::String(s.clone()))
                .collect(),
        )
    };
    if !ips.cluster_ip.is_empty() {
        if ips.cluster_ips.is_empty() {
            out.push(FieldError::required("spec.clusterIPs", ""));
        } else if ips.cluster_ips[0] != ips.cluster_ip {
            out.push(invalid_json(
                "spec.clusterIPs",
                &list_json(),
                "first value must match `clusterIP`",
            ));
        }
    } else if !ips.cluster_ips.is_empty() {
        out.push(invalid_json(
            "spec.clusterIPs",
            &list_json(),
            "must be empty when `clusterIP` is not specified",
        ));
    }

    let families = spec.ip_families.as_deref().unwrap_or(&[]);
    let mut seen = BTreeSet::new();
    for (i, fam) in families.iter().enumerate() {
        let path = format!("spec.ipFamilies[{i}]");
        if fam != "IPv4" && fam != "IPv6" {
            out.push(not_supported(&path, fam, &["IPv4", "IPv6"]));
        }
        if !seen.insert(fam.as_str()) {
            out.push(FieldError::new(
                ErrorType::Duplicate,
                path,
                Some(go_quote(fam)),
                "",
            ));
        }
    }
    if let Some(policy) = &spec.ip_family_policy
        && !matches!(
            policy.as_str(),
            "PreferDualStack" | "RequireDualStack" | "SingleStack"
        )
    {
        out.push(not_supported(
            "spec.ipFamilyPolicy",
            policy,
            &["PreferDualStack", "RequireDualStack", "SingleStack"],
        ));
    }

    let mut invalid = false;
    for (i, ip) in ips.cluster_ips.iter().enumerate() {
        if i == 0 && ip == "None" {
            if ips.cluster_ips.len() > 1 {
                invalid = true;
                out.push(invalid_json(
                    "spec.clusterIPs",
                    &list_json(),
                    "'None' must be the first and only value",
                ));
            }
            continue;
        }
        if let Some(e) = ip_errors(&format!("spec.clusterIPs[{i}]"), ip) {
            invalid = true;
            out.push(e);
        }
    }
    if ips.cluster_ips.len() > 2 {
        out.push(invalid_json(
            "spec.clusterIPs",
            &list_json(),
            "may only hold up to 2 values",
        ));
    }
    // Invalid entries would skew the family checks below; upstream stops here.
    if invalid {
        return;
    }
    let parsed: Vec<Option<IpAddr>> = ips.cluster_ips.iter().map(|s| parse_ip_sloppy(s)).collect();
    if parsed.len() > 1 {
        let v4 = parsed.iter().flatten().filter(|ip| ip.is_ipv4()).count();
        let v6 = parsed.iter().flatten().filter(|ip| ip.is_ipv6()).count();
        if !(parsed.len() == 2 && v4 == 1 && v6 == 1) {
            out.push(invalid_json(
                "spec.clusterIPs",
                &list_json(),
                "may specify no more than one IP for each IP family",
            ));
        }
    }
    if !ips.headless() {
        for (i, (ip, fam)) in ips.cluster_ips.iter().zip(families).enumerate() {
            let is_v6 = parsed
                .get(i)
                .copied()
                .flatten()
                .is_some_and(|a| a.is_ipv6());
            if fam == "IPv4" && is_v6 {
                out.push(FieldError::invalid_str(
                    format!("spec.clusterIPs[{i}]"),
                    ip,
                    format!("expected an IPv4 value as indicated by `ipFamilies[{i}]`"),
                ));
            }
            if fam == "IPv6" && !is_v6 {
                out.push(FieldError::invalid_str(
                    format!("spec.clusterIPs[{i}]"),
                    ip,
                    format!("expected an IPv6 value as indicated by `ipFamilies[{i}]`"),
                ));
            }
        }
    }
}

/// Go's `net.IP.IsLinkLocalMulticast`: 224.0.0.0/24 or ff02::/16.
fn link_local_multicast(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            o[0] == 224 && o[1] == 0 && o[2] == 0
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return link_local_multicast(IpAddr::V4(v4));
            }
            v6.octets()[0] == 0xff && v6.octets()[1] & 0x0f == 0x02
        }
    }
}

/// Go's `net.IP.IsLinkLocalUnicast`: 169.254.0.0/16 or fe80::/10.
fn link_local_unicast(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4.is_link_local();
            }
            v6.segments()[0] & 0xffc0 == 0xfe80
        }
    }
}

/// `spec.externalIPs`: a valid IP, then `ValidateNonSpecialIP`.
fn external_ips(spec: &ServiceSpec, out: &mut Vec<FieldError>) {
    for (i, text) in spec.external_ips.iter().flatten().enumerate() {
        let path = format!("spec.externalIPs[{i}]");
        if let Some(e) = ip_errors(&path, text) {
            out.push(e);
            continue;
        }
        let Some(ip) = parse_ip_sloppy(text) else {
            continue;
        };
        // Go treats IPv4-mapped IPv6 addresses as the IPv4 address.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        if ip.is_unspecified() {
            out.push(FieldError::invalid_str(
                &path,
                text,
                format!("may not be unspecified ({text})"),
            ));
        }
        if ip.is_loopback() {
            out.push(FieldError::invalid_str(
                &path,
                text,
                "may not be in the loopback range (127.0.0.0/8, ::1/128)",
            ));
        }
        if link_local_unicast(ip) {
            out.push(FieldError::invalid_str(
                &path,
                text,
                "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
            ));
        }
        if link_local_multicast(ip) {
            out.push(FieldError::invalid_str(
                &path,
                text,
                "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
            ));
        }
    }
}

/// Duplicate (protocol, nodePort) and (protocol, port) pairs.
fn duplicate_ports(ports: &[ServicePort], out: &mut Vec<FieldError>) {
    let mut node_ports = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let node_port = p.node_port.unwrap_or(0);
        if node_port == 0 {
            continue;
        }
        if !node_ports.insert((p.protocol.clone().unwrap_or_default(), node_port)) {
            out.push(FieldError::new(
                ErrorType::Duplicate,
                format!("spec.ports[{i}].nodePort"),
                Some(node_port.to_string()),
                "",
            ));
        }
    }
    let mut seen = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let protocol = p.protocol.clone().unwrap_or_default();
        if !seen.insert((protocol.clone(), p.port)) {
            // The value is the internal `core.ServicePort` key struct as JSON:
            // Go field names, every other field at its zero value.
            let value = format!(
                "{{\"Name\":\"\",\"Protocol\":{},\"AppProtocol\":null,\"Port\":{},\"TargetPort\":0,\"NodePort\":0}}",
                go_quote(&protocol),
                p.port
            );
            out.push(FieldError::new(
                ErrorType::Duplicate,
                format!("spec.ports[{i}]"),
                Some(value),
                "",
            ));
        }
    }
}

/// `IsValidCIDRForLegacyField` with strict checks off (Kubernetes 1.35):
/// anything Go's sloppy CIDR parser accepts passes.
fn cidr_error(path: &str, value: &str) -> Option<FieldError> {
    let ok = value.split_once('/').is_some_and(|(addr, bits)| {
        let max = match parse_ip_sloppy(addr) {
            Some(IpAddr::V4(_)) => 32,
            Some(IpAddr::V6(_)) => 128,
            None => return false,
        };
        !bits.is_empty()
            && bits.len() <= 3
            && bits.bytes().all(|b| b.is_ascii_digit())
            && bits.parse::<u32>().is_ok_and(|n| n <= max)
    });
    (!ok).then(|| {
        FieldError::invalid_str(
            path,
            value,
            "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
        )
    })
}

/// `loadBalancerSourceRanges`, or the legacy annotation when the field is empty.
fn source_ranges(
    spec: &ServiceSpec,
    annotations: &std::collections::BTreeMap<String, String>,
    ty: &str,
    out: &mut Vec<FieldError>,
) {
    let ranges = spec.load_balancer_source_ranges.as_deref().unwrap_or(&[]);
    let forbidden = "may only be used when `type` is 'LoadBalancer'";
    if !ranges.is_empty() {
        // Upstream spells this path with a capital L.
        let path = "spec.LoadBalancerSourceRanges";
        if ty != "LoadBalancer" {
            out.push(FieldError::forbidden(path, forbidden));
        }
        for (i, value) in ranges.iter().enumerate() {
            // Space padding is tolerated for historical reasons.
            if let Some(e) = cidr_error(&format!("{path}[{i}]"), value.trim()) {
                out.push(e);
            }
        }
    } else if let Some(value) = annotations.get(LB_SOURCE_RANGES) {
        let path = format!("metadata.annotations[{LB_SOURCE_RANGES}]");
        if ty != "LoadBalancer" {
            out.push(FieldError::forbidden(&path, forbidden));
        }
        let value = value.trim();
        if !value.is_empty() {
            for cidr in value.split(',') {
                if let Some(e) = cidr_error(&path, cidr.trim()) {
                    out.push(e);
                }
            }
        }
    }
}

/// External and internal traffic policies, healthCheckNodePort and
/// trafficDistribution.
fn traffic_policies(spec: &ServiceSpec, ty: &str, out: &mut Vec<FieldError>) {
    let etp = spec.external_traffic_policy.as_deref().unwrap_or("");
    let has_external_ips = spec.external_ips.as_ref().is_some_and(|e| !e.is_empty());
    let externally_accessible =
        ty == "LoadBalancer" || ty == "NodePort" || (ty == "ClusterIP" && has_external_ips);
    if !externally_accessible {
        if !etp.is_empty() {
            out.push(FieldError::invalid_str(
                "spec.externalTrafficPolicy",
                etp,
                "may only be set for externally-accessible services",
            ));
        }
    } else if etp.is_empty() {
        out.push(FieldError::required("spec.externalTrafficPolicy", ""));
    } else if etp != "Cluster" && etp != "Local" {
        out.push(not_supported(
            "spec.externalTrafficPolicy",
            etp,
            &["Cluster", "Local"],
        ));
    }

    let hcnp = spec.health_check_node_port.unwrap_or(0);
    let needs_health_check = ty == "LoadBalancer" && etp == "Local";
    if !needs_health_check {
        if hcnp != 0 {
            out.push(FieldError::invalid_int(
                "spec.healthCheckNodePort",
                i64::from(hcnp),
                "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
            ));
        }
    } else if hcnp == 0 {
        out.push(FieldError::required("spec.healthCheckNodePort", ""));
    } else {
        for msg in format::port_num(i64::from(hcnp)) {
            out.push(FieldError::invalid_int(
                "spec.healthCheckNodePort",
                i64::from(hcnp),
                msg,
            ));
        }
    }

    match spec.internal_traffic_policy.as_deref() {
        None if matches!(ty, "ClusterIP" | "NodePort" | "LoadBalancer") => {
            out.push(FieldError::required("spec.internalTrafficPolicy", ""));
        }
        Some(itp) if itp != "Cluster" && itp != "Local" => out.push(not_supported(
            "spec.internalTrafficPolicy",
            itp,
            &["Cluster", "Local"],
        )),
        _ => {}
    }

    // PreferSameZone and PreferSameNode are accepted since the
    // PreferSameTrafficDistribution gate went to beta (on by default).
    if let Some(td) = &spec.traffic_distribution
        && !matches!(
            td.as_str(),
            "PreferClose" | "PreferSameZone" | "PreferSameNode"
        )
    {
        out.push(not_supported(
            "spec.trafficDistribution",
            td,
            &["PreferClose", "PreferSameZone", "PreferSameNode"],
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a Service written as JSON (which is YAML), as the front end does.
    fn svc(json: serde_json::Value) -> Service {
        let (docs, _) = crate::yaml::parse_stream(&json.to_string());
        let root = docs.into_iter().next().expect("a document").root;
        crate::read::read(&root).expect("test Service decodes")
    }

    fn messages(svc: &Service) -> Vec<String> {
        validate(svc)
            .iter()
            .map(|e| format!("{}: {}", e.path, e.message()))
            .collect()
    }

    #[test]
    fn undefaulted_fields_are_required_as_on_internal_objects() {
        let s = svc(serde_json::json!({
            "metadata": {"name": "web"},
            "spec": {"ports": [{"port": 80}]}
        }));
        assert_eq!(
            messages(&s),
            [
                "spec.ports[0].protocol: Required value",
                "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
                "spec.sessionAffinity: Required value",
                "spec.type: Required value",
            ]
        );
    }

    #[test]
    fn load_balancer_defaults_are_required() {
        let s = svc(serde_json::json!({
            "metadata": {"name": "web"},
            "spec": {"type": "LoadBalancer", "sessionAffinity": "None",
                     "externalTrafficPolicy": "Local",
                     "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}]}
        }));
        assert_eq!(
            messages(&s),
            [
                "allocateLoadBalancerNodePorts: Required value",
                "spec.healthCheckNodePort: Required value",
                "spec.internalTrafficPolicy: Required value",
            ]
        );
    }

    #[test]
    fn session_affinity_config_rules() {
        let base = |affinity: &str, config: serde_json::Value| {
            svc(serde_json::json!({
                "metadata": {"name": "web"},
                "spec": {"type": "ClusterIP", "sessionAffinity": affinity,
                         "sessionAffinityConfig": config,
                         "internalTrafficPolicy": "Cluster",
                         "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}]}
            }))
        };
        assert_eq!(
            messages(&base(
                "None",
                serde_json::json!({"clientIP": {"timeoutSeconds": 10}})
            )),
            [
                "spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None"
            ]
        );
        assert_eq!(
            messages(&base("ClientIP", serde_json::Value::Null)),
            ["spec.sessionAffinityConfig: Required value: when session affinity type is ClientIP"]
        );
        assert_eq!(
            messages(&base("ClientIP", serde_json::json!({"clientIP": {}}))),
            [
                "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Required value: when session affinity type is ClientIP"
            ]
        );
        assert!(
            messages(&base(
                "ClientIP",
                serde_json::json!({"clientIP": {"timeoutSeconds": 10800}})
            ))
            .is_empty()
        );
    }

    #[test]
    fn dual_stack_cluster_ips() {
        let s = svc(serde_json::json!({
            "metadata": {"name": "web"},
            "spec": {"type": "ClusterIP", "sessionAffinity": "None",
                     "internalTrafficPolicy": "Cluster",
                     "clusterIP": "10.96.0.10",
                     "clusterIPs": ["10.96.0.10", "10.96.0.11"],
                     "ipFamilies": ["IPv4", "IPv4"],
                     "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}]}
        }));
        assert_eq!(
            messages(&s),
            [
                "spec.ipFamilies[1]: Duplicate value: \"IPv4\"",
                "spec.clusterIPs: Invalid value: [\"10.96.0.10\",\"10.96.0.11\"]: may specify no more than one IP for each IP family",
            ]
        );
    }
}
