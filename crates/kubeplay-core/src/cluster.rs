//! The cluster build: from decoded objects to the cluster a real control
//! plane would hold, as the API server (defaulting, allocation, validation)
//! and the controllers (pods, EndpointSlices, load-balancer status) make it.

use crate::alloc::Allocations;
use crate::decode::Manifest;
use crate::diag::{Diagnostic, FieldError, Severity};
use crate::k8s::core::{
    LoadBalancerIngress, LoadBalancerStatus, Node, NodeAddress, NodeCondition, NodeSpec,
    NodeStatus, NodeSystemInfo, Pod, Service,
};
use crate::k8s::discovery::EndpointSlice;
use crate::k8s::meta::ObjectMeta;
use crate::k8s::networking::{
    Ingress, IngressClass, IngressLoadBalancerIngress, IngressLoadBalancerStatus, IngressStatus,
};
use crate::model::{KubeProxyConfiguration, Object, Origin, Resource};
use crate::net::Cidr;
use std::net::IpAddr;

/// The default Service CIDR (kubeadm's).
pub const DEFAULT_SERVICE_CIDR: &str = "10.96.0.0/12";
/// The IPv6 Service CIDR of the simulated (dual-stack capable) cluster, as kind uses.
pub const DEFAULT_SERVICE_CIDR_V6: &str = "fd00:10:96::/112";
/// The default pod network for kube-proxy's local-traffic detection.
pub const DEFAULT_CLUSTER_CIDR: &str = "10.244.0.0/16";
/// The simulated cloud's pool for LoadBalancer ingress IPs.
pub const LB_POOL: &str = "198.51.100.0/24";
/// The simulated Ingress controller's public address: the first address of
/// the load-balancer pool, kept out of Service allocation.
pub const INGRESS_CONTROLLER_IP: &str = "198.51.100.1";

/// The Service CIDRs the ClusterIP allocators draw from, one per family.
#[derive(Clone, Copy, Debug)]
struct ServiceCidrs {
    v4: Option<Cidr>,
    v6: Option<Cidr>,
}

/// kube-proxy's settings, from a KubeProxyConfiguration or the defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyConfig {
    /// The pod network(s) used to tell pod traffic from other traffic.
    pub cluster_cidrs: Vec<Cidr>,
    /// `ClusterCIDR` (default), `NodeCIDR`, or another mode kubeplay treats as ClusterCIDR.
    pub detect_local_mode: String,
    /// SNAT every ClusterIP packet.
    pub masquerade_all: bool,
    /// Whether `127.0.0.1:<nodePort>` is accepted.
    pub localhost_node_ports: bool,
    /// CIDRs whose addresses accept NodePorts; empty means every node address.
    pub node_port_addresses: Vec<Cidr>,
    /// `nodePortAddresses: [primary]`: NodePorts only on the node's primary IPs.
    pub node_port_primary: bool,
}

impl Default for ProxyConfig {
    fn default() -> ProxyConfig {
        ProxyConfig::from_config(None)
    }
}

impl ProxyConfig {
    fn from_config(cfg: Option<&KubeProxyConfiguration>) -> ProxyConfig {
        let cidrs = |text: &str| -> Vec<Cidr> {
            text.split(',')
                .filter_map(|c| Cidr::parse(c.trim()))
                .collect()
        };
        // With no KubeProxyConfiguration, kubeplay's kind-like kube-proxy has
        // clusterCIDR 10.244.0.0/16. A configuration without clusterCIDR means
        // no local-traffic detector, as in a real kube-proxy.
        let cluster_cidrs = match cfg {
            None => cidrs(DEFAULT_CLUSTER_CIDR),
            Some(c) => c.cluster_cidr.as_deref().map(cidrs).unwrap_or_default(),
        };
        let ipt = cfg.and_then(|c| c.iptables.as_ref());
        ProxyConfig {
            cluster_cidrs,
            detect_local_mode: cfg
                .and_then(|c| c.detect_local_mode.clone())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "ClusterCIDR".to_owned()),
            masquerade_all: ipt.and_then(|i| i.masquerade_all).unwrap_or(false),
            localhost_node_ports: ipt.and_then(|i| i.localhost_node_ports).unwrap_or(true),
            node_port_primary: cfg
                .and_then(|c| c.node_port_addresses.as_ref())
                .is_some_and(|list| list.iter().any(|a| a.trim() == "primary")),
            node_port_addresses: cfg
                .and_then(|c| c.node_port_addresses.as_ref())
                .map(|list| list.iter().filter_map(|c| Cidr::parse(c.trim())).collect())
                .unwrap_or_default(),
        }
    }
}

/// The cluster as a real control plane would hold it. Every list is sorted
/// by (namespace, name) so output never depends on input order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cluster {
    /// Nodes: the manifest's, or `node-1`..`node-3` when it has none.
    pub nodes: Vec<Node>,
    /// Whether `nodes` are the assumed defaults.
    pub default_nodes: bool,
    /// Services after defaulting, allocation and load-balancer status.
    pub services: Vec<Service>,
    /// Pods: the manifest's and those its workloads create, scheduled, with IPs.
    pub pods: Vec<Pod>,
    /// EndpointSlices: generated from selectors, plus the manifest's own.
    pub endpoint_slices: Vec<EndpointSlice>,
    /// Ingresses as written.
    pub ingresses: Vec<Ingress>,
    /// IngressClasses as written.
    pub ingress_classes: Vec<IngressClass>,
    /// The Service CIDR allocation draws from.
    pub service_cidr: Option<Cidr>,
    /// kube-proxy's configuration.
    pub proxy: ProxyConfig,
    /// What the allocators handed out; pass it to the next build to keep it.
    pub allocations: Allocations,
}

/// The result of reading and building a manifest: always both parts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Analysis {
    /// The decoded objects.
    pub manifest: Manifest,
    /// The cluster built from them.
    pub cluster: Cluster,
    /// Every diagnostic: the front end's and the build's, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a manifest and builds its cluster.
pub fn analyze(text: &str) -> Analysis {
    let manifest = crate::decode::load(text);
    let mut diagnostics = manifest.diagnostics.clone();
    let cluster = build(&manifest, &mut diagnostics);
    crate::order::sort_by_key(&mut diagnostics, |d| d.span.start);
    Analysis {
        manifest,
        cluster,
        diagnostics,
    }
}

/// Reports field errors of one object at their fields.
fn report(errors: Vec<FieldError>, origin: &Origin, out: &mut Vec<Diagnostic>) {
    for e in errors {
        out.push(located(&e, origin, Severity::Error));
    }
}

fn located(e: &FieldError, origin: &Origin, severity: Severity) -> Diagnostic {
    // A clusterIPs error on a manifest that wrote only `clusterIP` points there.
    let mut span = origin.locate(&e.path);
    if e.path.starts_with("spec.clusterIPs")
        && origin
            .node
            .get("spec")
            .and_then(|s| s.get("clusterIPs"))
            .is_none()
    {
        span = origin.locate("spec.clusterIP");
    }
    let path = if origin.prefix.is_empty() {
        e.path.clone()
    } else {
        format!("{}.{}", origin.prefix, e.path)
    };
    Diagnostic::new(severity, e.error_type, path, e.message(), span)
}

/// A Service on its way through the build, with where it came from.
struct Pending {
    svc: Service,
    origin: Option<Origin>,
    /// Read from a live cluster (it has a uid, resourceVersion or
    /// creationTimestamp): the API server already accepted its allocations.
    persisted: bool,
}

impl Pending {
    fn key(&self) -> String {
        format!(
            "{}/{}",
            self.svc.metadata.namespace.as_deref().unwrap_or("default"),
            self.svc.metadata.name.as_deref().unwrap_or("")
        )
    }

    fn report(&self, e: FieldError, out: &mut Vec<Diagnostic>) {
        if let Some(origin) = &self.origin {
            // A dump's state is a fact about its cluster, not a mistake to flag.
            let severity = if self.persisted {
                Severity::Info
            } else {
                Severity::Error
            };
            out.push(located(&e, origin, severity));
        }
    }
}

/// `IPv4` or `IPv6`, as `spec.ipFamilies` spells them.
fn family(ip: IpAddr) -> &'static str {
    if ip.is_ipv4() { "IPv4" } else { "IPv6" }
}

fn is_persisted(meta: &ObjectMeta) -> bool {
    meta.uid.is_some() || meta.resource_version.is_some() || meta.creation_timestamp.is_some()
}

/// Builds the cluster from decoded objects, adding the build's diagnostics.
pub fn build(manifest: &Manifest, diagnostics: &mut Vec<Diagnostic>) -> Cluster {
    build_with(manifest, &Allocations::default(), diagnostics)
}

/// Builds the cluster, re-using `previous` allocations where they still fit,
/// so that an edit never renumbers objects it did not touch.
pub fn build_with(
    manifest: &Manifest,
    previous: &Allocations,
    diagnostics: &mut Vec<Diagnostic>,
) -> Cluster {
    let system = crate::decode::load(crate::examples::SYSTEM);
    let objects = &manifest.objects;
    let proxy = ProxyConfig::from_config(objects.iter().find_map(|o| match &o.resource {
        Resource::KubeProxyConfiguration(c) => Some(c),
        _ => None,
    }));
    let stated_cidrs: Vec<Cidr> = objects
        .iter()
        .filter_map(|o| match &o.resource {
            Resource::ServiceCidr(c) => c.spec.as_ref().and_then(|s| s.cidrs.clone()),
            _ => None,
        })
        .flatten()
        .filter_map(|c| Cidr::parse(&c))
        .collect();
    let pick_family = |v4: bool, default: &str| {
        stated_cidrs
            .iter()
            .copied()
            .find(|c| c.addr.is_ipv4() == v4)
            .or_else(|| Cidr::parse(default))
    };
    let service_cidrs = ServiceCidrs {
        v4: pick_family(true, DEFAULT_SERVICE_CIDR),
        v6: pick_family(false, DEFAULT_SERVICE_CIDR_V6),
    };
    let service_cidr = service_cidrs.v4;
    let mut cluster = Cluster {
        proxy,
        service_cidr,
        ..Cluster::default()
    };
    cluster.nodes = collect(objects, |r| match r {
        Resource::Node(n) => Some(n.clone()),
        _ => None,
    });
    if cluster.nodes.is_empty() {
        cluster.nodes = default_nodes();
        cluster.default_nodes = true;
    }
    // Scheduling walks the nodes in this order: make it independent of the
    // order the manifest lists them in.
    crate::order::sort_by(&mut cluster.nodes, |a, b| {
        a.metadata.name.cmp(&b.metadata.name)
    });
    let mut pending: Vec<Pending> = Vec::new();
    let mut workload_objects: Vec<Object> = Vec::new();
    let mut legacy_endpoints = Vec::new();
    for o in objects {
        match &o.resource {
            Resource::Service(svc) => {
                let mut svc = svc.clone();
                svc.metadata.namespace = o.namespace().map(str::to_owned);
                pending.push(Pending {
                    persisted: is_persisted(&svc.metadata) || svc.status.is_some(),
                    svc,
                    origin: Some(o.origin.clone()),
                });
            }
            Resource::Deployment(d) => {
                report(crate::validate::deployment(d), &o.origin, diagnostics);
                workload_objects.push(o.clone());
            }
            Resource::Ingress(ing) => {
                let persisted = is_persisted(&ing.metadata) || ing.status.is_some();
                for e in crate::validate::ingress(ing) {
                    let severity = if persisted {
                        Severity::Info
                    } else {
                        Severity::Error
                    };
                    diagnostics.push(located(&e, &o.origin, severity));
                }
                let mut ing = ing.clone();
                ing.metadata.namespace = o.namespace().map(str::to_owned);
                cluster.ingresses.push(ing);
            }
            Resource::IngressClass(c) => cluster.ingress_classes.push(c.clone()),
            Resource::Pod(_)
            | Resource::ReplicaSet(_)
            | Resource::StatefulSet(_)
            | Resource::DaemonSet(_) => {
                workload_objects.push(o.clone());
            }
            Resource::EndpointSlice(s) => {
                let mut s = s.clone();
                s.metadata.namespace = o.namespace().map(str::to_owned);
                cluster.endpoint_slices.push(s);
            }
            Resource::Endpoints(e) => {
                let mut e = e.clone();
                e.metadata.namespace = o.namespace().map(str::to_owned);
                legacy_endpoints.push(e);
            }
            _ => {}
        }
    }
    add_system_objects(
        &system,
        &mut pending,
        &mut workload_objects,
        &cluster.nodes,
        &mut cluster.endpoint_slices,
    );
    for p in &mut pending {
        crate::defaults::service(&mut p.svc);
    }
    crate::order::sort_by_cached_key(&mut pending, Pending::key);
    let allocations = allocate(&mut pending, service_cidrs, previous, diagnostics);
    for p in &pending {
        for e in crate::validate::service(&p.svc) {
            p.report(e, diagnostics);
        }
    }
    let node_infos = crate::workloads::node_infos(&cluster.nodes);
    cluster.pods = crate::workloads::pods(&workload_objects, &node_infos, &previous.pod_ips);
    cluster.services = pending.into_iter().map(|p| p.svc).collect();
    let generated = crate::endpoints::generate(
        &cluster.services,
        &cluster.pods,
        &cluster.nodes,
        &legacy_endpoints,
        &cluster.endpoint_slices,
    );
    cluster.endpoint_slices.extend(generated);
    let mut allocations = allocations;
    for p in &cluster.pods {
        if let Some(ip) = crate::workloads::pod_ip(p) {
            allocations.pod_ips.insert(
                format!(
                    "{}/{}",
                    p.metadata.namespace.as_deref().unwrap_or("default"),
                    p.metadata.name.as_deref().unwrap_or("")
                ),
                ip,
            );
        }
    }
    cluster.allocations = allocations;
    sort_by_key(&mut cluster.services, |s| &s.metadata);
    sort_by_key(&mut cluster.pods, |p| &p.metadata);
    sort_by_key(&mut cluster.endpoint_slices, |s| &s.metadata);
    sort_by_key(&mut cluster.ingresses, |i| &i.metadata);
    // The simulated controller publishes its address on every Ingress it
    // serves, as ingress-nginx does, unless the manifest states a status.
    for ing in &mut cluster.ingresses {
        let stated = ing
            .status
            .as_ref()
            .and_then(|s| s.load_balancer.as_ref())
            .and_then(|l| l.ingress.as_ref())
            .is_some_and(|i| !i.is_empty());
        if !stated {
            ing.status = Some(IngressStatus {
                load_balancer: Some(IngressLoadBalancerStatus {
                    ingress: Some(vec![IngressLoadBalancerIngress {
                        ip: Some(INGRESS_CONTROLLER_IP.to_owned()),
                        ..IngressLoadBalancerIngress::default()
                    }]),
                }),
            });
        }
    }
    cluster
}

/// Adds the `kubernetes` Service (with its slice) and CoreDNS unless the
/// manifest states them.
fn add_system_objects(
    system: &Manifest,
    pending: &mut Vec<Pending>,
    workloads: &mut Vec<Object>,
    nodes: &[Node],
    slices: &mut Vec<EndpointSlice>,
) {
    let has_service = |pending: &[Pending], ns: &str, name: &str| {
        pending.iter().any(|p| {
            p.svc.metadata.namespace.as_deref() == Some(ns)
                && p.svc.metadata.name.as_deref() == Some(name)
        })
    };
    for o in &system.objects {
        match &o.resource {
            Resource::Service(svc) => {
                let ns = o.namespace().unwrap_or("default");
                if has_service(pending, ns, o.name()) {
                    continue;
                }
                if o.name() == "kubernetes" {
                    slices.push(api_server_slice(nodes));
                }
                pending.push(Pending {
                    svc: svc.clone(),
                    origin: None,
                    persisted: false,
                });
            }
            Resource::Deployment(_) => {
                let dns_pods_stated = workloads
                    .iter()
                    .any(|w| w.namespace() == Some("kube-system") && w.name() == o.name());
                let dns_stated = has_service(pending, "kube-system", "kube-dns")
                    && pending.iter().any(|p| {
                        p.origin.is_some() && p.svc.metadata.name.as_deref() == Some("kube-dns")
                    });
                if !dns_pods_stated && !dns_stated {
                    // First in line for the scheduler: CoreDNS was running
                    // before anything in the manifest was applied.
                    workloads.insert(0, o.clone());
                }
            }
            _ => {}
        }
    }
}

/// The `default/kubernetes` slice: the API server on the first node, port 6443.
fn api_server_slice(nodes: &[Node]) -> EndpointSlice {
    use crate::k8s::discovery::{Endpoint, EndpointConditions, EndpointPort};
    let address = nodes
        .first()
        .and_then(|n| n.status.as_ref())
        .and_then(|s| s.addresses.as_ref())
        .and_then(|a| {
            a.iter()
                .find(|a| a.type_ == "InternalIP")
                .or_else(|| a.first())
        })
        .map_or_else(|| "172.18.0.2".to_owned(), |a| a.address.clone());
    let mut labels = std::collections::BTreeMap::new();
    labels.insert(
        crate::endpoints::SERVICE_NAME_LABEL.to_owned(),
        "kubernetes".to_owned(),
    );
    EndpointSlice {
        metadata: ObjectMeta {
            name: Some("kubernetes".into()),
            namespace: Some("default".into()),
            labels: Some(labels),
            ..ObjectMeta::default()
        },
        address_type: "IPv4".into(),
        endpoints: vec![Endpoint {
            addresses: vec![address],
            conditions: Some(EndpointConditions {
                ready: Some(true),
                serving: Some(true),
                terminating: Some(false),
            }),
            ..Endpoint::default()
        }],
        ports: Some(vec![EndpointPort {
            name: Some("https".into()),
            protocol: Some("TCP".into()),
            port: Some(6443),
            app_protocol: None,
        }]),
    }
}

/// Runs the allocators: stated values first (checked), then the previous
/// build's, then fresh hash-chosen ones.
fn allocate(
    pending: &mut [Pending],
    cidrs: ServiceCidrs,
    previous: &Allocations,
    diagnostics: &mut Vec<Diagnostic>,
) -> Allocations {
    use crate::alloc::{IpRange, PortRange, cluster_ip_error, node_port_error};
    let mut out = Allocations::default();
    let mut v4 = cidrs.v4.map(IpRange::new);
    let mut v6 = cidrs.v6.map(IpRange::new);
    let mut ports = PortRange::new();
    let mut lb = Cidr::parse(LB_POOL).map(IpRange::new);
    if let (Some(pool), Ok(ip)) = (lb.as_mut(), INGRESS_CONTROLLER_IP.parse::<IpAddr>()) {
        pool.try_claim(ip);
    }

    let needs_ip = |svc: &Service| {
        let spec = svc.spec.as_ref();
        spec.and_then(|s| s.type_.as_deref()) != Some("ExternalName")
            && spec.and_then(|s| s.cluster_ip.as_deref()) != Some("None")
    };
    let wants_node_ports = |svc: &Service| {
        let spec = svc.spec.as_ref();
        match spec.and_then(|s| s.type_.as_deref()) {
            Some("NodePort") => true,
            Some("LoadBalancer") => spec
                .and_then(|s| s.allocate_load_balancer_node_ports)
                .unwrap_or(true),
            _ => false,
        }
    };
    let wants_hcnp = |svc: &Service| {
        let spec = svc.spec.as_ref();
        spec.and_then(|s| s.type_.as_deref()) == Some("LoadBalancer")
            && spec.and_then(|s| s.external_traffic_policy.as_deref()) == Some("Local")
    };
    let port_key = |p: &crate::k8s::core::ServicePort| match p.name.as_deref() {
        Some(n) if !n.is_empty() => n.to_owned(),
        _ => format!("{}/{}", p.port, p.protocol.as_deref().unwrap_or("TCP")),
    };

    // 1. Stated values.
    for p in pending.iter_mut() {
        let key = p.key();
        let persisted = p.persisted;
        let mut errors = Vec::new();
        if needs_ip(&p.svc) {
            let stated: Vec<String> = p
                .svc
                .spec
                .as_ref()
                .and_then(|s| s.cluster_ips.clone())
                .unwrap_or_default();
            for (i, text) in stated.iter().enumerate() {
                let Ok(ip) = text.parse::<IpAddr>() else {
                    // Validation reports the malformed address.
                    continue;
                };
                let range = if ip.is_ipv4() {
                    v4.as_mut()
                } else {
                    v6.as_mut()
                };
                if let Some(range) = range {
                    match range.claim(ip) {
                        Ok(()) => {}
                        // A dump's IP from another range, or shared with
                        // another dumped Service, is honoured as stated.
                        Err(_) if persisted => {}
                        Err(err) => errors.push(cluster_ip_error(
                            &format!("spec.clusterIPs[{i}]"),
                            text,
                            range.cidr(),
                            err,
                        )),
                    }
                }
                out.cluster_ips.insert(format!("{key}/{}", family(ip)), ip);
            }
        }
        let mut seen: Vec<(i32, i32)> = Vec::new();
        for (i, port) in p
            .svc
            .spec
            .iter()
            .flat_map(|s| s.ports.iter().flatten())
            .enumerate()
        {
            let Some(np) = port.node_port.filter(|n| *n != 0) else {
                continue;
            };
            out.node_ports.insert((key.clone(), port_key(port)), np);
            // The same nodePort on another protocol of the same Service is one allocation.
            if seen.iter().any(|(n, _)| *n == np) {
                continue;
            }
            seen.push((np, port.port));
            if let Err(err) = ports.claim(np)
                && !persisted
            {
                errors.push(node_port_error(
                    &format!("spec.ports[{i}].nodePort"),
                    np,
                    err,
                ));
            }
        }
        if let Some(h) = p
            .svc
            .spec
            .as_ref()
            .and_then(|s| s.health_check_node_port)
            .filter(|h| *h != 0)
        {
            out.health_check_node_ports.insert(key.clone(), h);
            if let Err(err) = ports.claim(h)
                && !persisted
            {
                errors.push(node_port_error("spec.healthCheckNodePort", h, err));
            }
        }
        for e in errors {
            p.report(e, diagnostics);
        }
    }
    // 2 and 3. The previous build's values where still free, else fresh ones.
    for p in pending.iter_mut() {
        let key = p.key();
        if needs_ip(&p.svc) {
            let spec = p.svc.spec.clone().unwrap_or_default();
            let families = spec.ip_families.clone().unwrap_or_default();
            let mut list = spec.cluster_ips.clone().unwrap_or_default();
            for (i, fam) in families.iter().enumerate().take(2) {
                if i < list.len() {
                    continue;
                }
                let range = if fam == "IPv6" {
                    v6.as_mut()
                } else {
                    v4.as_mut()
                };
                let Some(range) = range else { continue };
                let hint = format!("{key}/{fam}");
                let ip = previous
                    .cluster_ips
                    .get(&hint)
                    .copied()
                    .filter(|ip| range.try_claim(*ip))
                    .or_else(|| range.pick(&hint));
                match ip {
                    Some(ip) => {
                        out.cluster_ips.insert(hint, ip);
                        list.push(ip.to_string());
                    }
                    None => p.report(
                        FieldError::new(
                            crate::diag::ErrorType::Invalid,
                            "spec.clusterIPs",
                            None,
                            "failed to allocate a serviceIP: range is full",
                        ),
                        diagnostics,
                    ),
                }
            }
            if let Some(spec) = p.svc.spec.as_mut()
                && !list.is_empty()
            {
                spec.cluster_ip = list.first().cloned();
                spec.cluster_ips = Some(list);
            }
        }
        if wants_node_ports(&p.svc) {
            let svc_ports: Vec<_> = p
                .svc
                .spec
                .iter()
                .flat_map(|s| s.ports.iter().flatten())
                .cloned()
                .collect();
            let mut assigned: Vec<(i32, i32)> = Vec::new(); // (service port, nodePort) for protocol sharing
            let mut new_ports = Vec::new();
            for (i, port) in svc_ports.iter().enumerate() {
                if port.node_port.is_some_and(|n| n != 0) {
                    new_ports.push(port.node_port);
                    continue;
                }
                let pk = (key.clone(), port_key(port));
                let np = assigned
                    .iter()
                    .find(|(sp, _)| *sp == port.port)
                    .map(|(_, np)| *np)
                    .or_else(|| {
                        previous
                            .node_ports
                            .get(&pk)
                            .copied()
                            .filter(|np| ports.claim(*np).is_ok())
                    })
                    .or_else(|| ports.pick(&format!("{}/{}", pk.0, pk.1)));
                match np {
                    Some(np) => {
                        assigned.push((port.port, np));
                        out.node_ports.insert(pk, np);
                        new_ports.push(Some(np));
                    }
                    None => {
                        p.report(
                            FieldError::new(
                                crate::diag::ErrorType::Invalid,
                                format!("spec.ports[{i}].nodePort"),
                                None,
                                "failed to allocate a nodePort: range is full",
                            ),
                            diagnostics,
                        );
                        new_ports.push(None);
                    }
                }
            }
            if let Some(list) = p.svc.spec.as_mut().and_then(|s| s.ports.as_mut()) {
                for (port, np) in list.iter_mut().zip(new_ports) {
                    port.node_port = np;
                }
            }
        }
        if wants_hcnp(&p.svc) && !out.health_check_node_ports.contains_key(&key) {
            let h = previous
                .health_check_node_ports
                .get(&key)
                .copied()
                .filter(|h| ports.claim(*h).is_ok())
                .or_else(|| ports.pick(&format!("{key}/healthCheckNodePort")));
            if let Some(h) = h {
                out.health_check_node_ports.insert(key.clone(), h);
                if let Some(spec) = p.svc.spec.as_mut() {
                    spec.health_check_node_port = Some(h);
                }
            }
        }
        // The simulated cloud controller: LoadBalancers of the default class
        // get an ingress IP unless their status already has one.
        let spec = p.svc.spec.as_ref();
        let is_lb = spec.and_then(|s| s.type_.as_deref()) == Some("LoadBalancer");
        let default_class = spec
            .and_then(|s| s.load_balancer_class.as_deref())
            .is_none_or(str::is_empty);
        let has_status = p
            .svc
            .status
            .as_ref()
            .and_then(|s| s.load_balancer.as_ref())
            .and_then(|l| l.ingress.as_ref())
            .is_some_and(|i| !i.is_empty());
        if is_lb
            && default_class
            && !has_status
            && !p.persisted
            && let Some(pool) = lb.as_mut()
        {
            let requested = spec
                .and_then(|s| s.load_balancer_ip.as_deref())
                .and_then(|ip| ip.parse::<IpAddr>().ok());
            let ip = requested
                .or_else(|| {
                    previous
                        .lb_ips
                        .get(&key)
                        .copied()
                        .filter(|ip| pool.try_claim(*ip))
                })
                .or_else(|| pool.pick(&key));
            if let Some(ip) = ip {
                out.lb_ips.insert(key.clone(), ip);
                let status = p.svc.status.get_or_insert_with(Default::default);
                status.load_balancer = Some(LoadBalancerStatus {
                    ingress: Some(vec![LoadBalancerIngress {
                        ip: Some(ip.to_string()),
                        ip_mode: Some("VIP".into()),
                        ..LoadBalancerIngress::default()
                    }]),
                });
            }
        }
    }
    out
}

fn collect<T>(objects: &[Object], f: impl Fn(&Resource) -> Option<T>) -> Vec<T> {
    objects.iter().filter_map(|o| f(&o.resource)).collect()
}

/// The first address a Service's load balancer reports (`status.loadBalancer.ingress[0]`).
pub fn first_lb_ingress(
    svc: &crate::k8s::core::Service,
) -> Option<&crate::k8s::core::LoadBalancerIngress> {
    svc.status
        .as_ref()?
        .load_balancer
        .as_ref()?
        .ingress
        .as_ref()?
        .first()
}

/// Sorts objects by (namespace, name), the order `kubectl get` lists them in.
/// Keys are computed once and the objects moved once each: Pods are large,
/// and a comparison sort would copy them around many times.
fn sort_by_key<T>(items: &mut [T], meta: impl Fn(&T) -> &ObjectMeta) {
    crate::order::sort_by_cached_key(items, |item| {
        let m = meta(item);
        (
            m.namespace.clone().unwrap_or_else(|| "default".to_owned()),
            m.name.clone().unwrap_or_default(),
        )
    });
}

/// `node-1`..`node-3`, InternalIP 172.18.0.2-4, podCIDR 10.244.1-3.0/24: a kind-like cluster.
pub fn default_nodes() -> Vec<Node> {
    (1..=3)
        .map(|i| Node {
            metadata: ObjectMeta {
                name: Some(format!("node-{i}")),
                ..ObjectMeta::default()
            },
            spec: Some(NodeSpec {
                pod_cidr: Some(format!("10.244.{i}.0/24")),
                pod_cidrs: Some(vec![format!("10.244.{i}.0/24")]),
                ..NodeSpec::default()
            }),
            status: Some(NodeStatus {
                addresses: Some(vec![
                    NodeAddress {
                        type_: "InternalIP".to_owned(),
                        address: format!("172.18.0.{}", i + 1),
                    },
                    NodeAddress {
                        type_: "Hostname".to_owned(),
                        address: format!("node-{i}"),
                    },
                ]),
                conditions: Some(vec![NodeCondition {
                    type_: "Ready".to_owned(),
                    status: "True".to_owned(),
                    reason: Some("KubeletReady".to_owned()),
                    message: Some("kubelet is posting ready status".to_owned()),
                }]),
                node_info: Some(NodeSystemInfo {
                    kubelet_version: "v1.35.0".to_owned(),
                    kube_proxy_version: "v1.35.0".to_owned(),
                    container_runtime_version: "containerd://2.1.0".to_owned(),
                    os_image: "Debian GNU/Linux 12 (bookworm)".to_owned(),
                    kernel_version: "6.12.0".to_owned(),
                    operating_system: "linux".to_owned(),
                    architecture: "amd64".to_owned(),
                    ..NodeSystemInfo::default()
                }),
                ..NodeStatus::default()
            }),
        })
        .collect()
}
