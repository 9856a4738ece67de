//! kube-proxy in iptables mode (`pkg/proxy/iptables/proxier.go`, SEMANTICS §7):
//! which rule a packet meets on a node, which endpoints it may reach and with
//! what probability, whether it is SNATed, and a plain sentence per step.

use crate::cluster::Cluster;
use crate::endpoints::slice_service;
use crate::k8s::core::{Service, ServicePort};
use crate::net::{Cidr, parse_ip_sloppy};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// kube-proxy's chain-name hash: the first 16 characters of the padded
/// base32 encoding of the SHA-256 of `text`.
pub fn hash16(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let encoded = data_encoding::BASE32.encode(&digest);
    encoded.chars().take(16).collect()
}

/// `<namespace>/<service>` plus `:<port name>` when the port has a name.
pub fn port_name(ns: &str, svc: &str, port: &ServicePort) -> String {
    match port.name.as_deref() {
        Some(n) if !n.is_empty() => format!("{ns}/{svc}:{n}"),
        _ => format!("{ns}/{svc}"),
    }
}

/// The per-service-port chain names kube-proxy writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chains {
    /// `KUBE-SVC-…`: cluster-policy endpoint selection.
    pub svc: String,
    /// `KUBE-SVL-…`: local-policy endpoint selection.
    pub svl: String,
    /// `KUBE-EXT-…`: traffic from outside (NodePort, externalIPs, LB).
    pub ext: String,
    /// `KUBE-FW-…`: the load balancer's source-range firewall.
    pub fw: String,
}

impl Chains {
    /// The chains for one service port.
    pub fn new(port_name: &str, protocol: &str) -> Chains {
        let h = hash16(&format!("{port_name}{}", protocol.to_ascii_lowercase()));
        Chains {
            svc: format!("KUBE-SVC-{h}"),
            svl: format!("KUBE-SVL-{h}"),
            ext: format!("KUBE-EXT-{h}"),
            fw: format!("KUBE-FW-{h}"),
        }
    }
}

/// `KUBE-SEP-…` for one endpoint (`IP:port`, IPv6 as `[IP]:port`).
pub fn sep_chain(port_name: &str, protocol: &str, endpoint: &str) -> String {
    format!(
        "KUBE-SEP-{}",
        hash16(&format!(
            "{port_name}{}{endpoint}",
            protocol.to_ascii_lowercase()
        ))
    )
}

/// One endpoint as kube-proxy reads it from EndpointSlices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyEndpoint {
    /// The address (normalised).
    pub ip: IpAddr,
    /// The port (the resolved targetPort).
    pub port: i32,
    /// Ready condition (nil means true).
    pub ready: bool,
    /// Serving condition (nil means true).
    pub serving: bool,
    /// Terminating condition (nil means false).
    pub terminating: bool,
    /// The node it runs on.
    pub node: Option<String>,
    /// The pod behind it (the slice's targetRef), when known.
    pub pod: Option<String>,
}

impl ProxyEndpoint {
    /// `IP:port`, or `[IP]:port` for IPv6: the string kube-proxy sorts and hashes.
    pub fn key(&self) -> String {
        match self.ip {
            IpAddr::V4(ip) => format!("{ip}:{}", self.port),
            IpAddr::V6(ip) => format!("[{ip}]:{}", self.port),
        }
    }
}

/// The endpoints of one service port, deduplicated and sorted by their
/// `IP:port` string (so `10.0.0.10:80` comes before `10.0.0.2:80`).
pub fn endpoints_for(cluster: &Cluster, svc: &Service, port: &ServicePort) -> Vec<ProxyEndpoint> {
    let ns = svc.metadata.namespace.as_deref().unwrap_or("default");
    let name = svc.metadata.name.as_deref().unwrap_or("");
    let pname = port.name.clone().unwrap_or_default();
    let proto = port.protocol.as_deref().unwrap_or("TCP");
    let mut by_key: BTreeMap<String, ProxyEndpoint> = BTreeMap::new();
    for slice in &cluster.endpoint_slices {
        if slice.metadata.namespace.as_deref().unwrap_or("default") != ns
            || slice_service(slice) != Some(name)
        {
            continue;
        }
        for sp in slice.ports.iter().flatten() {
            // A nil port name is ignored; "" pairs with an unnamed service port.
            let Some(sp_name) = sp.name.as_deref() else {
                continue;
            };
            let Some(number) = sp.port.filter(|p| *p != 0) else {
                continue;
            };
            if sp_name != pname || sp.protocol.as_deref().unwrap_or("TCP") != proto {
                continue;
            }
            for ep in &slice.endpoints {
                let Some(ip) = ep.addresses.first().and_then(|a| parse_ip_sloppy(a)) else {
                    continue;
                };
                let c = ep.conditions.as_ref();
                let e = ProxyEndpoint {
                    ip,
                    port: number,
                    ready: c.and_then(|c| c.ready).unwrap_or(true),
                    serving: c.and_then(|c| c.serving).unwrap_or(true),
                    terminating: c.and_then(|c| c.terminating).unwrap_or(false),
                    node: ep.node_name.clone(),
                    pod: ep.target_ref.as_ref().and_then(|r| r.name.clone()),
                };
                let key = e.key();
                // A non-terminating copy replaces a terminating one.
                match by_key.get(&key) {
                    Some(old) if !old.terminating || e.terminating => {}
                    _ => {
                        by_key.insert(key, e);
                    }
                }
            }
        }
    }
    by_key.into_values().collect()
}

/// `CategorizeEndpoints`: the cluster set, the local set for `node`, and
/// whether the service has any usable endpoint at all.
pub fn categorize(
    eps: &[ProxyEndpoint],
    node: &str,
) -> (Vec<ProxyEndpoint>, Vec<ProxyEndpoint>, bool) {
    let pick = |local: bool| -> Vec<ProxyEndpoint> {
        let here = |e: &&ProxyEndpoint| !local || e.node.as_deref() == Some(node);
        let ready: Vec<ProxyEndpoint> = eps
            .iter()
            .filter(here)
            .filter(|e| e.ready)
            .cloned()
            .collect();
        if !ready.is_empty() {
            return ready;
        }
        eps.iter()
            .filter(here)
            .filter(|e| e.serving && e.terminating)
            .cloned()
            .collect()
    };
    let any = eps.iter().any(|e| e.ready || (e.serving && e.terminating));
    (pick(false), pick(true), any)
}

/// The final verdict of a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Rewritten to an endpoint.
    Dnat,
    /// Silently dropped.
    Drop,
    /// Refused (ICMP port unreachable: "connection refused").
    Reject,
    /// Accepted by the node itself (the health-check NodePort).
    Accept,
    /// Not touched by kube-proxy (no rule matches, or ExternalName).
    None,
    /// The name did not resolve.
    NxDomain,
}

impl Verdict {
    /// The upper-case word used in JSON (`DNAT`, `DROP`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Dnat => "DNAT",
            Verdict::Drop => "DROP",
            Verdict::Reject => "REJECT",
            Verdict::Accept => "ACCEPT",
            Verdict::None => "NONE",
            Verdict::NxDomain => "NXDOMAIN",
        }
    }
}

/// One step of a packet's path, in a learner's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    /// Where it happens: `node-2`, `pod/web-…`, `external 203.0.113.10`, `cloud load balancer`.
    pub at: String,
    /// The iptables chain, when the step is a rule (`KUBE-SERVICES`).
    pub chain: String,
    /// What the rule does (`jump KUBE-EXT-…`, `DNAT`, `MASQUERADE`, `REJECT`).
    pub action: String,
    /// One plain sentence.
    pub text: String,
}

/// One endpoint the packet may reach, with kube-proxy's probability for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// `IP:port`.
    pub endpoint: String,
    /// The probability as a fraction (numerator, denominator).
    pub probability: (u32, u32),
    /// The pod behind the endpoint.
    pub pod: Option<String>,
    /// The node it runs on.
    pub node: Option<String>,
}

/// The Service port a packet was matched to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matched {
    /// Namespace of the Service.
    pub namespace: String,
    /// Name of the Service.
    pub name: String,
    /// Index of the port in `spec.ports`.
    pub port_index: usize,
    /// How the packet entered: `clusterIP`, `externalIP`, `loadBalancer`, `nodePort`.
    pub via: &'static str,
}

/// What kube-proxy does with one packet on one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    /// The verdict.
    pub verdict: Verdict,
    /// One sentence saying why.
    pub reason: String,
    /// Every endpoint the packet may reach, in rule order, with probabilities.
    pub choices: Vec<Choice>,
    /// The endpoint this packet reached (for DNAT).
    pub chosen: Option<ProxyEndpoint>,
    /// Whether the packet leaves SNATed to the node's address.
    pub masquerade: bool,
    /// The steps taken.
    pub hops: Vec<Hop>,
    /// The Service port matched, if any.
    pub matched: Option<Matched>,
}

/// A packet as it arrives at a node's netfilter hooks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    /// The node whose rules evaluate it.
    pub node: String,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Destination port.
    pub dport: i32,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: String,
}

/// Addresses that belong to a node: its status addresses and loopback.
pub fn node_addresses(cluster: &Cluster, node: &str) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = cluster
        .nodes
        .iter()
        .filter(|n| n.metadata.name.as_deref() == Some(node))
        .flat_map(|n| n.status.iter().flat_map(|s| s.addresses.iter().flatten()))
        .filter_map(|a| a.address.parse().ok())
        .collect();
    out.push(IpAddr::from([127, 0, 0, 1]));
    out
}

/// The node's pod network, for `detectLocalMode: NodeCIDR`.
fn node_pod_cidr(cluster: &Cluster, node: &str) -> Option<Cidr> {
    cluster
        .nodes
        .iter()
        .find(|n| n.metadata.name.as_deref() == Some(node))
        .and_then(|n| n.spec.as_ref())
        .and_then(|s| s.pod_cidr.as_deref())
        .and_then(Cidr::parse)
}

/// Whether kube-proxy's local-traffic detector calls `src` pod traffic, or
/// `None` when no detector can be built (kube-proxy then writes neither the
/// "masquerade off-cluster traffic" rule nor the ETP=Local pod short-cut).
fn from_pods(cluster: &Cluster, node: &str, src: IpAddr) -> Option<bool> {
    match cluster.proxy.detect_local_mode.as_str() {
        // The node's own podCIDR only: pods on other nodes count as outside.
        "NodeCIDR" => node_pod_cidr(cluster, node).map(|c| c.contains(src)),
        // These modes match packets arriving on this node's pod interfaces,
        // so only pods scheduled on this node are "local".
        "BridgeInterface" | "InterfaceNamePrefix" => Some(
            node_pod_cidr(cluster, node).is_some_and(|c| c.contains(src))
                || cluster.pods.iter().any(|p| {
                    crate::workloads::pod_ip(p) == Some(src)
                        && p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node)
                }),
        ),
        _ => {
            if cluster.proxy.cluster_cidrs.is_empty() {
                return None;
            }
            Some(
                cluster.proxy.cluster_cidrs.iter().any(|c| c.contains(src))
                    || cluster.nodes.iter().any(|n| {
                        // Nodes whose podCIDR lies outside the configured cluster CIDR
                        // (a dump from another cluster) still count as pod networks.
                        n.spec
                            .as_ref()
                            .and_then(|s| s.pod_cidr.as_deref())
                            .and_then(Cidr::parse)
                            .is_some_and(|c| c.contains(src))
                    }),
            )
        }
    }
}

/// Whether `nodePortAddresses` lets `dst` accept NodePorts. kube-proxy keeps
/// only the CIDRs of the packet's family; when none is left it opens
/// NodePorts on every address of that family (`NewNodePortAddresses`).
fn node_port_address_allowed(cluster: &Cluster, dst: IpAddr) -> bool {
    let same_family: Vec<&Cidr> = cluster
        .proxy
        .node_port_addresses
        .iter()
        .filter(|c| c.network().is_ipv4() == dst.is_ipv4())
        .collect();
    same_family.is_empty() || same_family.iter().any(|c| c.contains(dst))
}

/// The node's primary address: its first InternalIP (else any address),
/// which kube-proxy compares with `loadBalancerSourceRanges`.
fn primary_node_ip(cluster: &Cluster, node: &str) -> Option<IpAddr> {
    let addrs: Vec<(String, IpAddr)> = cluster
        .nodes
        .iter()
        .filter(|n| n.metadata.name.as_deref() == Some(node))
        .flat_map(|n| n.status.iter().flat_map(|s| s.addresses.iter().flatten()))
        .filter_map(|a| Some((a.type_.clone(), a.address.parse().ok()?)))
        .collect();
    addrs
        .iter()
        .find(|(t, _)| t == "InternalIP")
        .or_else(|| addrs.first())
        .map(|(_, ip)| *ip)
}

fn pod_of(cluster: &Cluster, ip: IpAddr) -> Option<String> {
    cluster.pods.iter().find_map(|p| {
        (crate::workloads::pod_ip(p) == Some(ip))
            .then(|| p.metadata.name.clone().unwrap_or_default())
    })
}

/// The state kube-proxy's ClientIP session affinity keeps in the kernel
/// (the iptables `recent` lists, one per `KUBE-SEP-…` chain): which endpoint
/// a client address was last sent to, and when. `evaluate` has no memory, so
/// a caller that does (the simulation) answers through this trait.
pub trait AffinityTable {
    /// The endpoint (`IP:port`, as `ProxyEndpoint::key`) that `client` was
    /// sent to for the `service` port within the last `timeout_seconds`
    /// (the Service's current `sessionAffinityConfig.clientIP.timeoutSeconds`),
    /// if any. Asked only for Services with `sessionAffinity: ClientIP`.
    fn pinned(&mut self, service: &Matched, client: IpAddr, timeout_seconds: i32)
    -> Option<String>;
}

struct Ctx<'a> {
    cluster: &'a Cluster,
    packet: &'a Packet,
    hops: Vec<Hop>,
    masquerade: bool,
    affinity: Option<&'a mut dyn AffinityTable>,
}

impl Ctx<'_> {
    fn hop(&mut self, chain: &str, action: impl Into<String>, text: impl Into<String>) {
        self.hops.push(Hop {
            at: self.packet.node.clone(),
            chain: chain.to_owned(),
            action: action.into(),
            text: text.into(),
        });
    }

    fn end(&mut self, verdict: Verdict, reason: String, matched: Option<Matched>) -> Evaluation {
        Evaluation {
            verdict,
            reason,
            choices: Vec::new(),
            chosen: None,
            masquerade: self.masquerade,
            hops: std::mem::take(&mut self.hops),
            matched,
        }
    }
}

/// Evaluates one packet on one node. `roll` is a random number from the
/// caller's seeded generator; it picks the endpoint the way the statistic
/// rules would (uniformly).
pub fn evaluate(cluster: &Cluster, packet: &Packet, roll: u64) -> Evaluation {
    evaluate_with(cluster, packet, roll, None)
}

/// `evaluate`, with the session-affinity memory of earlier packets: when the
/// matched Service has `sessionAffinity: ClientIP` and `affinity` names an
/// endpoint of the chain's set for this client, that endpoint is taken instead
/// of the random one (as the `recent` match rules before the statistic rules
/// do). `roll` is consumed either way.
pub fn evaluate_with(
    cluster: &Cluster,
    packet: &Packet,
    roll: u64,
    affinity: Option<&mut dyn AffinityTable>,
) -> Evaluation {
    let mut ctx = Ctx {
        cluster,
        packet,
        hops: Vec::new(),
        masquerade: false,
        // Shortens the trait object's lifetime to the context's (a coercion
        // `Option` does not apply by itself).
        affinity: affinity.map(|a| -> &mut dyn AffinityTable { a }),
    };
    let node = packet.node.as_str();
    let local_addrs = node_addresses(cluster, node);
    let dst_is_local = local_addrs.contains(&packet.dst);
    // KUBE-SERVICES: one rule per (service port, destination); NodePorts last.
    for svc in &cluster.services {
        let Some(spec) = svc.spec.as_ref() else {
            continue;
        };
        if spec.type_.as_deref() == Some("ExternalName") {
            continue;
        }
        let cluster_ip = spec.cluster_ip.as_deref().unwrap_or("");
        if cluster_ip.is_empty() || cluster_ip == "None" {
            continue;
        }
        for (i, port) in spec.ports.iter().flatten().enumerate() {
            if port.protocol.as_deref().unwrap_or("TCP") != packet.protocol
                || port.port != packet.dport
            {
                continue;
            }
            let lb_ips = lb_ips(svc);
            let external_ips: Vec<IpAddr> = spec
                .external_ips
                .iter()
                .flatten()
                .filter_map(|ip| ip.parse().ok())
                .collect();
            let via = if spec
                .cluster_ips
                .iter()
                .flatten()
                .any(|ip| ip.parse() == Ok(packet.dst))
                || cluster_ip.parse() == Ok(packet.dst)
            {
                "clusterIP"
            } else if external_ips.contains(&packet.dst) {
                "externalIP"
            } else if lb_ips.contains(&packet.dst) {
                "loadBalancer"
            } else {
                continue;
            };
            return service_port(&mut ctx, svc, port, i, via, roll);
        }
    }
    if dst_is_local {
        for svc in &cluster.services {
            let Some(spec) = svc.spec.as_ref() else {
                continue;
            };
            for (i, port) in spec.ports.iter().flatten().enumerate() {
                if port.node_port != Some(packet.dport)
                    || port.protocol.as_deref().unwrap_or("TCP") != packet.protocol
                {
                    continue;
                }
                if spec.type_.as_deref() == Some("ExternalName") {
                    continue;
                }
                return node_port(ctx, svc, port, i, roll);
            }
            if spec.health_check_node_port == Some(packet.dport) && packet.protocol == "TCP" {
                let name = svc.metadata.name.clone().unwrap_or_default();
                let ns = svc.metadata.namespace.clone().unwrap_or_default();
                let any_local = spec.ports.iter().flatten().any(|p| {
                    let eps = endpoints_for(cluster, svc, p);
                    !categorize(&eps, node).1.is_empty()
                });
                let code = if any_local {
                    "200 OK"
                } else {
                    "503 Service Unavailable"
                };
                ctx.hop(
                    "KUBE-NODEPORTS",
                    "ACCEPT",
                    format!(
                        "Port {} is the health-check NodePort of {ns}/{name}; kube-proxy's health server answers {code} because {node} has {} local endpoints.",
                        packet.dport,
                        if any_local { "ready" } else { "no ready" }
                    ),
                );
                return ctx.end(
                    Verdict::Accept,
                    format!("kube-proxy's health check for {ns}/{name} answers {code} on {node}"),
                    None,
                );
            }
        }
    }
    ctx.hop(
        "KUBE-SERVICES",
        "none",
        format!(
            "No kube-proxy rule matches {}:{}/{}, so the packet is routed as it is.",
            packet.dst, packet.dport, packet.protocol
        ),
    );
    ctx.end(
        Verdict::None,
        format!(
            "no Service uses {}:{}/{}; kube-proxy leaves the packet alone",
            packet.dst, packet.dport, packet.protocol
        ),
        None,
    )
}

/// The LB ingress IPs kube-proxy captures: entries with an `ip` whose
/// `ipMode` is not `Proxy` (a proxying LB delivers to node IP:nodePort).
fn lb_ips(svc: &Service) -> Vec<IpAddr> {
    svc.status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|l| l.ingress.as_ref())
        .map(|ing| {
            ing.iter()
                .filter(|i| i.ip_mode.as_deref() != Some("Proxy"))
                .filter_map(|i| i.ip.as_deref()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn svc_id(svc: &Service) -> (String, String) {
    (
        svc.metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into()),
        svc.metadata.name.clone().unwrap_or_default(),
    )
}

fn describe_port(svc: &Service, port: &ServicePort) -> String {
    let (ns, name) = svc_id(svc);
    match port.name.as_deref() {
        Some(n) if !n.is_empty() => format!("{ns}/{name} (port {n})"),
        _ => format!("{ns}/{name}"),
    }
}

/// A packet that matched a ClusterIP, externalIP or load-balancer IP rule.
fn service_port(
    ctx: &mut Ctx<'_>,
    svc: &Service,
    port: &ServicePort,
    index: usize,
    via: &'static str,
    roll: u64,
) -> Evaluation {
    let (ns, name) = svc_id(svc);
    let pname = port_name(&ns, &name, port);
    let proto = port.protocol.clone().unwrap_or_else(|| "TCP".into());
    let chains = Chains::new(&pname, &proto);
    let spec = svc.spec.clone().unwrap_or_default();
    let matched = Matched {
        namespace: ns.clone(),
        name: name.clone(),
        port_index: index,
        via,
    };
    let eps = endpoints_for(ctx.cluster, svc, port);
    let node = ctx.packet.node.clone();
    let (cluster_set, local_set, any) = categorize(&eps, &node);
    let what = describe_port(svc, port);
    let dst = format!("{}:{}", ctx.packet.dst, ctx.packet.dport);
    if via == "clusterIP" {
        if !any {
            ctx.hop(
                "KUBE-SERVICES",
                "REJECT",
                format!("{dst} is the ClusterIP of {what}, which has no ready endpoints, so the filter table rejects the packet (connection refused)."),
            );
            return ctx.end(
                Verdict::Reject,
                format!("{what} has no endpoints"),
                Some(matched),
            );
        }
        let local_policy = spec.internal_traffic_policy.as_deref() == Some("Local");
        if local_policy {
            ctx.hop(
                "KUBE-SERVICES",
                format!("jump {}", chains.svl),
                format!("{dst} is the ClusterIP of {what}; internalTrafficPolicy is Local, so only endpoints on {node} may answer."),
            );
            if local_set.is_empty() {
                ctx.hop(
                    "KUBE-SERVICES",
                    "DROP",
                    format!("{what} has no endpoints on {node}, so the packet is dropped (the client times out)."),
                );
                return ctx.end(
                    Verdict::Drop,
                    format!(
                        "{what} has no local endpoints on {node} (internalTrafficPolicy: Local)"
                    ),
                    Some(matched),
                );
            }
            return choose(
                ctx,
                &chains.svl,
                &pname,
                &proto,
                local_set,
                matched,
                roll,
                &spec,
            );
        }
        ctx.hop(
            "KUBE-SERVICES",
            format!("jump {}", chains.svc),
            format!("{dst} is the ClusterIP of {what}."),
        );
        let src = ctx.packet.src;
        let masq = if ctx.cluster.proxy.masquerade_all {
            Some("masqueradeAll is on, so every packet to a ClusterIP is SNATed.".to_owned())
        } else if from_pods(ctx.cluster, &node, src) == Some(false) {
            Some(format!(
                "The source {src} is not a pod address, so the packet is marked for SNAT (KUBE-MARK-MASQ) to make the reply return through {node}."
            ))
        } else {
            None
        };
        if let Some(text) = masq {
            ctx.masquerade = true;
            ctx.hop(&chains.svc, "jump KUBE-MARK-MASQ", text);
        }
        return choose(
            ctx,
            &chains.svc,
            &pname,
            &proto,
            cluster_set,
            matched,
            roll,
            &spec,
        );
    }
    let label = if via == "externalIP" {
        "an externalIP"
    } else {
        "the load balancer IP"
    };
    if via == "loadBalancer"
        && let Some(ranges) = spec
            .load_balancer_source_ranges
            .as_ref()
            .filter(|r| !r.is_empty())
    {
        ctx.hop(
            "KUBE-SERVICES",
            format!("jump {}", chains.fw),
            format!("{dst} is {label} of {what}; loadBalancerSourceRanges apply."),
        );
        let cidrs: Vec<Cidr> = ranges
            .iter()
            .filter_map(|r| Cidr::parse(r.trim()))
            .collect();
        let src = ctx.packet.src;
        // A node reaching its own LB IP is often SNATed to that LB IP by the
        // cloud's routing, so when a range holds the node's IP kube-proxy
        // also accepts packets whose source is one of the service's LB IPs.
        let node_allowed = primary_node_ip(ctx.cluster, &node)
            .is_some_and(|ip| cidrs.iter().any(|c| c.contains(ip)));
        let in_range = cidrs.iter().any(|c| c.contains(src));
        let from_lb = node_allowed && lb_ips(svc).contains(&src);
        if !in_range && !from_lb {
            ctx.hop(
                "KUBE-PROXY-FIREWALL",
                "DROP",
                format!("The source {src} is not in loadBalancerSourceRanges ({}), so the packet is dropped.", ranges.join(", ")),
            );
            return ctx.end(
                Verdict::Drop,
                format!("{src} is not allowed by loadBalancerSourceRanges of {what}"),
                Some(matched),
            );
        }
        let why = if in_range {
            format!("{src} is inside an allowed source range.")
        } else {
            format!(
                "{src} is a load balancer IP of {what}, and a source range holds {node}'s IP, so it is allowed."
            )
        };
        ctx.hop(&chains.fw, format!("jump {}", chains.ext), why);
    } else {
        ctx.hop(
            "KUBE-SERVICES",
            format!("jump {}", chains.ext),
            format!("{dst} is {label} of {what}, so it takes the external-traffic path."),
        );
    }
    external(
        ctx,
        svc,
        &chains,
        &pname,
        &proto,
        cluster_set,
        local_set,
        any,
        matched,
        roll,
        &spec,
    )
}

/// A packet to a node address on a NodePort.
fn node_port(
    mut ctx: Ctx<'_>,
    svc: &Service,
    port: &ServicePort,
    index: usize,
    roll: u64,
) -> Evaluation {
    let (ns, name) = svc_id(svc);
    let pname = port_name(&ns, &name, port);
    let proto = port.protocol.clone().unwrap_or_else(|| "TCP".into());
    let chains = Chains::new(&pname, &proto);
    let spec = svc.spec.clone().unwrap_or_default();
    let node = ctx.packet.node.clone();
    let what = describe_port(svc, port);
    let matched = Matched {
        namespace: ns.clone(),
        name: name.clone(),
        port_index: index,
        via: "nodePort",
    };
    let dst = ctx.packet.dst;
    let loopback = dst.is_loopback();
    let allowed_addr = if ctx.cluster.proxy.node_port_primary {
        // `nodePortAddresses: [primary]`: only the node's primary IP.
        primary_node_ip(ctx.cluster, &ctx.packet.node) == Some(dst)
    } else if loopback {
        dst.is_ipv4()
            && ctx.cluster.proxy.localhost_node_ports
            && node_port_address_allowed(ctx.cluster, dst)
    } else {
        node_port_address_allowed(ctx.cluster, dst)
    };
    if !allowed_addr {
        ctx.hop(
            "KUBE-SERVICES",
            "none",
            if loopback {
                format!("NodePorts on {dst} are off (localhostNodePorts is false or nodePortAddresses excludes it), so no rule matches.")
            } else {
                format!("nodePortAddresses does not include {dst}, so kube-proxy does not open NodePorts on it.")
            },
        );
        return ctx.end(
            Verdict::None,
            format!("{dst} does not accept NodePort traffic on {node}"),
            None,
        );
    }
    ctx.hop(
        "KUBE-SERVICES",
        "jump KUBE-NODEPORTS",
        format!("{dst} is an address of {node}, so the last KUBE-SERVICES rule sends the packet to KUBE-NODEPORTS."),
    );
    ctx.hop(
        "KUBE-NODEPORTS",
        format!("jump {}", chains.ext),
        format!(
            "Port {}/{proto} is the NodePort of {what}.",
            ctx.packet.dport
        ),
    );
    if loopback {
        ctx.masquerade = true;
        ctx.hop(
            &chains.ext,
            "jump KUBE-MARK-MASQ",
            "Traffic to 127.0.0.1 on a NodePort is always SNATed.".to_owned(),
        );
    }
    let eps = endpoints_for(ctx.cluster, svc, port);
    let (cluster_set, local_set, any) = categorize(&eps, &node);
    external(
        &mut ctx,
        svc,
        &chains,
        &pname,
        &proto,
        cluster_set,
        local_set,
        any,
        matched,
        roll,
        &spec,
    )
}

/// The `KUBE-EXT-…` chain: externalTrafficPolicy decides masquerade and which endpoints.
#[allow(
    clippy::too_many_arguments,
    reason = "one call site per entry path; a struct would only rename the arguments"
)]
fn external(
    ctx: &mut Ctx<'_>,
    svc: &Service,
    chains: &Chains,
    pname: &str,
    proto: &str,
    cluster_set: Vec<ProxyEndpoint>,
    local_set: Vec<ProxyEndpoint>,
    any: bool,
    matched: Matched,
    roll: u64,
    spec: &crate::k8s::core::ServiceSpec,
) -> Evaluation {
    let what = format!("{}/{}", matched.namespace, matched.name);
    let node = ctx.packet.node.clone();
    if !any {
        ctx.hop(
            "KUBE-EXTERNAL-SERVICES",
            "REJECT",
            format!("{what} has no ready endpoints, so the filter table rejects the packet (connection refused)."),
        );
        return ctx.end(
            Verdict::Reject,
            format!("{what} has no endpoints"),
            Some(matched),
        );
    }
    let _ = svc;
    let src = ctx.packet.src;
    if spec.external_traffic_policy.as_deref() == Some("Local") {
        if from_pods(ctx.cluster, &node, src) == Some(true) {
            ctx.hop(
                &chains.ext,
                format!("jump {}", chains.svc),
                format!("externalTrafficPolicy is Local, but {src} is a pod address: in-cluster traffic may use any endpoint, without SNAT."),
            );
            return choose(
                ctx,
                &chains.svc,
                pname,
                proto,
                cluster_set,
                matched,
                roll,
                spec,
            );
        }
        if node_addresses(ctx.cluster, &node).contains(&src) {
            ctx.masquerade = true;
            ctx.hop(
                &chains.ext,
                format!("jump {}", chains.svc),
                format!("{src} is an address of {node} itself, so the packet is SNATed and may use any endpoint."),
            );
            return choose(
                ctx,
                &chains.svc,
                pname,
                proto,
                cluster_set,
                matched,
                roll,
                spec,
            );
        }
        ctx.hop(
            &chains.ext,
            format!("jump {}", chains.svl),
            format!("externalTrafficPolicy is Local: only endpoints on {node} may answer, and the client's IP {src} is kept."),
        );
        if local_set.is_empty() {
            ctx.hop(
                "KUBE-EXTERNAL-SERVICES",
                "DROP",
                format!("{what} has no endpoints on {node}, so the packet is dropped (the client times out)."),
            );
            return ctx.end(
                Verdict::Drop,
                format!("{what} has no local endpoints on {node} (externalTrafficPolicy: Local)"),
                Some(matched),
            );
        }
        return choose(
            ctx,
            &chains.svl,
            pname,
            proto,
            local_set,
            matched,
            roll,
            spec,
        );
    }
    ctx.masquerade = true;
    ctx.hop(
        &chains.ext,
        "jump KUBE-MARK-MASQ",
        format!("externalTrafficPolicy is Cluster: the packet is marked for SNAT so the reply returns through {node}; the pod will see {node}'s address, not the client's."),
    );
    ctx.hop(
        &chains.ext,
        format!("jump {}", chains.svc),
        "Any endpoint in the cluster may answer.".to_owned(),
    );
    choose(
        ctx,
        &chains.svc,
        pname,
        proto,
        cluster_set,
        matched,
        roll,
        spec,
    )
}

/// The statistic rules of a SVC/SVL chain, then the chosen SEP's DNAT.
#[allow(
    clippy::too_many_arguments,
    reason = "the chain's whole context; called from three places"
)]
fn choose(
    ctx: &mut Ctx<'_>,
    chain: &str,
    pname: &str,
    proto: &str,
    set: Vec<ProxyEndpoint>,
    matched: Matched,
    roll: u64,
    spec: &crate::k8s::core::ServiceSpec,
) -> Evaluation {
    let n = set.len() as u32;
    let choices: Vec<Choice> = set
        .iter()
        .map(|e| Choice {
            endpoint: e.key(),
            probability: (1, n),
            pod: e.pod.clone().or_else(|| pod_of(ctx.cluster, e.ip)),
            node: e.node.clone(),
        })
        .collect();
    let affinity = spec.session_affinity.as_deref() == Some("ClientIP");
    let timeout = spec
        .session_affinity_config
        .as_ref()
        .and_then(|c| c.client_ip.as_ref())
        .and_then(|c| c.timeout_seconds)
        .unwrap_or(crate::defaults::DEFAULT_AFFINITY_TIMEOUT);
    let src = ctx.packet.src;
    let pinned = match ctx.affinity.as_mut() {
        Some(table) if affinity => table
            .pinned(&matched, src, timeout)
            .and_then(|key| set.iter().position(|e| e.key() == key)),
        _ => None,
    };
    let index = pinned.unwrap_or((roll % u64::from(n.max(1))) as usize);
    let Some(chosen) = set.get(index).cloned() else {
        // Unreachable in practice: callers check the set is not empty.
        return ctx.end(Verdict::Drop, "no endpoint".into(), Some(matched));
    };
    let sep = sep_chain(pname, proto, &chosen.key());
    let share = if n == 1 {
        "the only endpoint".to_owned()
    } else {
        format!("one of {n} endpoints at random (1/{n} each)")
    };
    let mut text = if pinned.is_some() {
        format!(
            "sessionAffinity is ClientIP and {src} reached {} less than {timeout}s ago, so kube-proxy sends it there again.",
            chosen.key()
        )
    } else {
        format!(
            "kube-proxy picks {share}; this packet got {}.",
            chosen.key()
        )
    };
    if affinity && pinned.is_none() {
        text.push_str(&format!(
            " sessionAffinity is ClientIP: later connections from {src} reach the same endpoint until it is idle for {timeout}s."
        ));
    }
    ctx.hop(chain, format!("jump {sep}"), text);
    if chosen.ip == ctx.packet.src {
        ctx.masquerade = true;
        ctx.hop(
            &sep,
            "jump KUBE-MARK-MASQ",
            "The pod is reaching itself through the Service (hairpin), so the packet is SNATed."
                .to_owned(),
        );
    }
    let pod = chosen
        .pod
        .clone()
        .or_else(|| pod_of(ctx.cluster, chosen.ip));
    let on = match (&pod, &chosen.node) {
        (Some(p), Some(n)) => format!(" (pod {p} on {n})"),
        (Some(p), None) => format!(" (pod {p})"),
        (None, Some(n)) => format!(" (on {n})"),
        (None, None) => String::new(),
    };
    ctx.hop(
        &sep,
        "DNAT",
        format!("The destination is rewritten to {}{on}.", chosen.key()),
    );
    if ctx.masquerade {
        let node = ctx.packet.node.clone();
        ctx.hop(
            "KUBE-POSTROUTING",
            "MASQUERADE",
            format!("The packet leaves {node} with {node}'s address as its source."),
        );
    }
    let mut e = ctx.end(
        Verdict::Dnat,
        format!("DNAT to {}{on}", chosen.key()),
        Some(matched),
    );
    e.choices = choices;
    e.chosen = Some(chosen);
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::core::ServicePort;

    #[test]
    fn chain_names_match_kube_proxy() {
        // From SEMANTICS §7.2 (proxier_test.go expectations).
        let port = ServicePort {
            name: Some("p80".into()),
            port: 80,
            ..ServicePort::default()
        };
        let pname = port_name("ns1", "svc1", &port);
        assert_eq!(Chains::new(&pname, "TCP").svc, "KUBE-SVC-XPGD46QRK7WJZT7O");
        assert_eq!(
            sep_chain(&pname, "TCP", "10.180.0.1:80"),
            "KUBE-SEP-SXIVWICOYRO3J4NJ"
        );
        let https = ServicePort {
            name: Some("https".into()),
            port: 443,
            ..ServicePort::default()
        };
        assert_eq!(
            Chains::new(&port_name("default", "kubernetes", &https), "TCP").svc,
            "KUBE-SVC-NPX46M4PTMTKRN6Y"
        );
    }

    #[test]
    fn endpoints_sort_as_strings() {
        let mk = |ip: &str| ProxyEndpoint {
            ip: ip.parse().expect("ip"),
            port: 80,
            ready: true,
            serving: true,
            terminating: false,
            node: None,
            pod: None,
        };
        let mut v = [mk("10.0.0.2"), mk("10.0.0.10")];
        crate::order::sort_by_key(&mut v, ProxyEndpoint::key);
        assert_eq!(v[0].key(), "10.0.0.10:80");
    }
}
