//! The cluster build: from decoded objects to the cluster a real control
//! plane would hold, as the API server (defaulting, allocation, validation)
//! and the controllers (pods, EndpointSlices, load-balancer status) make it.

use crate::decode::Manifest;
use crate::diag::{Diagnostic, FieldError, Severity};
use crate::model::{KubeProxyConfiguration, Object, Origin, Resource};
use crate::net::Cidr;
use k8s_openapi::api::core::v1::{Node, NodeAddress, NodeSpec, NodeStatus, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// The default Service CIDR (kubeadm's).
pub const DEFAULT_SERVICE_CIDR: &str = "10.96.0.0/12";
/// The default pod network for kube-proxy's local-traffic detection.
pub const DEFAULT_CLUSTER_CIDR: &str = "10.244.0.0/16";
/// The simulated cloud's pool for LoadBalancer ingress IPs.
pub const LB_POOL: &str = "198.51.100.0/24";

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
        let cluster_cidrs = cfg
            .and_then(|c| c.cluster_cidr.as_deref())
            .map(cidrs)
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| cidrs(DEFAULT_CLUSTER_CIDR));
        let ipt = cfg.and_then(|c| c.iptables.as_ref());
        ProxyConfig {
            cluster_cidrs,
            detect_local_mode: cfg
                .and_then(|c| c.detect_local_mode.clone())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "ClusterCIDR".to_owned()),
            masquerade_all: ipt.and_then(|i| i.masquerade_all).unwrap_or(false),
            localhost_node_ports: ipt.and_then(|i| i.localhost_node_ports).unwrap_or(true),
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
    diagnostics.sort_by_key(|d| d.span.start);
    Analysis {
        manifest,
        cluster,
        diagnostics,
    }
}

/// Reports field errors of one object at their fields.
fn report(errors: Vec<FieldError>, origin: &Origin, out: &mut Vec<Diagnostic>) {
    for e in errors {
        let span = origin.locate(&e.path);
        let path = if origin.prefix.is_empty() {
            e.path.clone()
        } else {
            format!("{}.{}", origin.prefix, e.path)
        };
        out.push(Diagnostic::new(
            Severity::Error,
            e.error_type,
            path,
            e.message(),
            span,
        ));
    }
}

/// Builds the cluster from decoded objects, adding the build's diagnostics.
pub fn build(manifest: &Manifest, diagnostics: &mut Vec<Diagnostic>) -> Cluster {
    let objects = &manifest.objects;
    let proxy = ProxyConfig::from_config(objects.iter().find_map(|o| match &o.resource {
        Resource::KubeProxyConfiguration(c) => Some(c),
        _ => None,
    }));
    let mut cluster = Cluster {
        proxy,
        service_cidr: Cidr::parse(DEFAULT_SERVICE_CIDR),
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
    for o in objects {
        match &o.resource {
            Resource::Service(svc) => {
                let svc = svc.clone();
                report(crate::validate::service(&svc), &o.origin, diagnostics);
                cluster.services.push(svc);
            }
            Resource::Deployment(d) => {
                report(crate::validate::deployment(d), &o.origin, diagnostics)
            }
            Resource::Ingress(ing) => {
                report(crate::validate::ingress(ing), &o.origin, diagnostics);
                cluster.ingresses.push(ing.clone());
            }
            Resource::IngressClass(c) => cluster.ingress_classes.push(c.clone()),
            Resource::Pod(p) => cluster.pods.push(p.clone()),
            Resource::EndpointSlice(s) => cluster.endpoint_slices.push(s.clone()),
            _ => {}
        }
    }
    sort_by_key(&mut cluster.services, |s| &s.metadata);
    sort_by_key(&mut cluster.pods, |p| &p.metadata);
    sort_by_key(&mut cluster.endpoint_slices, |s| &s.metadata);
    sort_by_key(&mut cluster.ingresses, |i| &i.metadata);
    cluster
}

fn collect<T>(objects: &[Object], f: impl Fn(&Resource) -> Option<T>) -> Vec<T> {
    objects.iter().filter_map(|o| f(&o.resource)).collect()
}

/// Sorts objects by (namespace, name), the order `kubectl get` lists them in.
fn sort_by_key<T>(items: &mut [T], meta: impl Fn(&T) -> &ObjectMeta) {
    items.sort_by(|a, b| {
        let (a, b) = (meta(a), meta(b));
        (
            a.namespace.as_deref().unwrap_or("default"),
            a.name.as_deref().unwrap_or(""),
        )
            .cmp(&(
                b.namespace.as_deref().unwrap_or("default"),
                b.name.as_deref().unwrap_or(""),
            ))
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
                addresses: Some(vec![NodeAddress {
                    type_: "InternalIP".to_owned(),
                    address: format!("172.18.0.{}", i + 1),
                }]),
                ..NodeStatus::default()
            }),
        })
        .collect()
}
