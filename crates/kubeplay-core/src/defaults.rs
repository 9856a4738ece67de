//! Defaulting as the API server applies it on create: `SetDefaults_Service`
//! (pkg/apis/core/v1/defaults.go) and the Service registry's preparation of
//! `clusterIPs`, `ipFamilyPolicy` and `ipFamilies` (SEMANTICS §2).

use crate::k8s::core::{ClientIPConfig, Service, ServiceSpec, SessionAffinityConfig};
use crate::k8s::intstr::IntOrString;
use std::net::IpAddr;

/// `sessionAffinityConfig.clientIP.timeoutSeconds` when not given: 3 hours.
pub const DEFAULT_AFFINITY_TIMEOUT: i32 = 10800;

/// The Service's type after defaulting (`ClusterIP` when empty).
pub fn service_type(svc: &Service) -> &str {
    svc.spec
        .as_ref()
        .and_then(|s| s.type_.as_deref())
        .filter(|t| !t.is_empty())
        .unwrap_or("ClusterIP")
}

/// Whether a Service can be reached from outside the cluster, which decides
/// whether `externalTrafficPolicy` applies: NodePort, LoadBalancer, or any
/// Service with `externalIPs`.
pub fn externally_accessible(spec: &ServiceSpec) -> bool {
    matches!(spec.type_.as_deref(), Some("NodePort" | "LoadBalancer"))
        || spec
            .external_ips
            .as_ref()
            .is_some_and(|ips| !ips.is_empty())
}

/// Applies the v1 defaults and the registry's IP-family preparation in place.
pub fn service(svc: &mut Service) {
    let spec = svc.spec.get_or_insert_with(ServiceSpec::default);
    if spec.type_.as_deref().is_none_or(str::is_empty) {
        spec.type_ = Some("ClusterIP".to_owned());
    }
    let ty = spec.type_.clone().unwrap_or_default();
    for port in spec.ports.iter_mut().flatten() {
        if port.protocol.as_deref().is_none_or(str::is_empty) {
            port.protocol = Some("TCP".to_owned());
        }
        let unset = match &port.target_port {
            None => true,
            Some(IntOrString::Int(0)) => true,
            Some(IntOrString::String(s)) => s.is_empty(),
            Some(IntOrString::Int(_)) => false,
        };
        if unset {
            port.target_port = Some(IntOrString::Int(port.port));
        }
    }
    match spec.session_affinity.as_deref() {
        None | Some("") => spec.session_affinity = Some("None".to_owned()),
        _ => {}
    }
    match spec.session_affinity.as_deref() {
        Some("None") => spec.session_affinity_config = None,
        Some("ClientIP") => {
            let cfg = spec
                .session_affinity_config
                .get_or_insert_with(SessionAffinityConfig::default);
            let client = cfg.client_ip.get_or_insert_with(ClientIPConfig::default);
            if client.timeout_seconds.is_none() {
                client.timeout_seconds = Some(DEFAULT_AFFINITY_TIMEOUT);
            }
        }
        _ => {}
    }
    if spec
        .external_traffic_policy
        .as_deref()
        .is_none_or(str::is_empty)
    {
        spec.external_traffic_policy = externally_accessible(spec).then(|| "Cluster".to_owned());
    }
    if spec.internal_traffic_policy.is_none() && ty != "ExternalName" {
        spec.internal_traffic_policy = Some("Cluster".to_owned());
    }
    if ty == "LoadBalancer" && spec.allocate_load_balancer_node_ports.is_none() {
        spec.allocate_load_balancer_node_ports = Some(true);
    }
    // Registry: keep clusterIP and clusterIPs in step.
    let ip = spec.cluster_ip.clone().filter(|s| !s.is_empty());
    let ips = spec.cluster_ips.clone().filter(|v| !v.is_empty());
    match (ip, ips) {
        (Some(ip), None) => spec.cluster_ips = Some(vec![ip]),
        (None, Some(ips)) => spec.cluster_ip = ips.first().cloned(),
        _ => {}
    }
    if ty != "ExternalName" {
        let headless = spec.cluster_ip.as_deref() == Some("None");
        if spec.ip_family_policy.is_none() {
            let selectorless = spec.selector.as_ref().is_none_or(|s| s.is_empty());
            spec.ip_family_policy = Some(
                if headless && selectorless {
                    "RequireDualStack"
                } else {
                    "SingleStack"
                }
                .to_owned(),
            );
        }
        if spec.ip_families.as_ref().is_none_or(|f| f.is_empty()) {
            let from_ips: Vec<String> = spec
                .cluster_ips
                .iter()
                .flatten()
                .filter_map(|ip| ip.parse::<IpAddr>().ok())
                .map(|ip| if ip.is_ipv4() { "IPv4" } else { "IPv6" }.to_owned())
                .collect();
            // kubeplay's simulated cluster is dual-stack capable, IPv4 first.
            spec.ip_families = Some(if from_ips.is_empty() {
                vec!["IPv4".to_owned()]
            } else {
                from_ips
            });
        }
        let dual = matches!(
            spec.ip_family_policy.as_deref(),
            Some("PreferDualStack" | "RequireDualStack")
        );
        if dual {
            let families = spec.ip_families.get_or_insert_with(Vec::new);
            if families.len() == 1 {
                let other = if families[0] == "IPv6" {
                    "IPv4"
                } else {
                    "IPv6"
                };
                families.push(other.to_owned());
            }
        }
    }
    if let Some(status) = svc.status.as_mut()
        && let Some(lb) = status.load_balancer.as_mut()
    {
        for ing in lb.ingress.iter_mut().flatten() {
            if ing.ip.as_deref().is_some_and(|ip| !ip.is_empty()) && ing.ip_mode.is_none() {
                ing.ip_mode = Some("VIP".to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::core::ServicePort;

    fn spec_of(yaml_spec: ServiceSpec) -> ServiceSpec {
        let mut svc = Service {
            spec: Some(yaml_spec),
            ..Service::default()
        };
        service(&mut svc);
        svc.spec.unwrap_or_default()
    }

    #[test]
    fn a_bare_service_gets_the_upstream_defaults() {
        let spec = spec_of(ServiceSpec {
            ports: Some(vec![ServicePort {
                port: 80,
                ..ServicePort::default()
            }]),
            ..ServiceSpec::default()
        });
        assert_eq!(spec.type_.as_deref(), Some("ClusterIP"));
        let port = &spec.ports.as_deref().unwrap_or_default()[0];
        assert_eq!(port.protocol.as_deref(), Some("TCP"));
        assert_eq!(port.target_port, Some(IntOrString::Int(80)));
        assert_eq!(spec.session_affinity.as_deref(), Some("None"));
        assert_eq!(spec.internal_traffic_policy.as_deref(), Some("Cluster"));
        // Not externally accessible: ETP stays empty.
        assert_eq!(spec.external_traffic_policy, None);
        assert_eq!(spec.ip_family_policy.as_deref(), Some("SingleStack"));
        assert_eq!(spec.ip_families, Some(vec!["IPv4".to_owned()]));
    }

    #[test]
    fn load_balancers_are_external_and_allocate_node_ports() {
        let spec = spec_of(ServiceSpec {
            type_: Some("LoadBalancer".into()),
            ..ServiceSpec::default()
        });
        assert_eq!(spec.external_traffic_policy.as_deref(), Some("Cluster"));
        assert_eq!(spec.allocate_load_balancer_node_ports, Some(true));
    }

    #[test]
    fn client_ip_affinity_gets_a_three_hour_timeout() {
        let spec = spec_of(ServiceSpec {
            session_affinity: Some("ClientIP".into()),
            ..ServiceSpec::default()
        });
        let timeout = spec
            .session_affinity_config
            .and_then(|c| c.client_ip)
            .and_then(|c| c.timeout_seconds);
        assert_eq!(timeout, Some(10800));
    }

    #[test]
    fn external_name_gets_no_traffic_policy_or_families() {
        let spec = spec_of(ServiceSpec {
            type_: Some("ExternalName".into()),
            external_name: Some("db.example.com".into()),
            ..ServiceSpec::default()
        });
        assert_eq!(spec.internal_traffic_policy, None);
        assert_eq!(spec.external_traffic_policy, None);
        assert_eq!(spec.ip_families, None);
    }
}
