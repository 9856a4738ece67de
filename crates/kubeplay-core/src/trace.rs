//! A request's whole path: from a source (a pod, a node, an external client)
//! to a target (a Service name, an IP and port, a NodePort, a load-balancer
//! IP, a URL), through DNS, the cloud load balancer and kube-proxy, to the pod
//! that answers, with one plain sentence per hop.

use crate::cluster::Cluster;
use crate::dns::QType;
use crate::k8s::core::Pod;
use crate::proxy::{self, Evaluation, Hop, Packet, Verdict};
use crate::rng::Rng;
use std::net::IpAddr;

/// The address an external client has when none is given.
pub const EXTERNAL_CLIENT: &str = "203.0.113.10";
/// The cluster's DNS zone.
pub const ZONE: &str = "cluster.local";

/// Where a request starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A pod, by namespace and name.
    Pod {
        /// Namespace.
        namespace: String,
        /// Name.
        name: String,
    },
    /// A node's own network (host processes).
    Node(String),
    /// A client on the internet.
    External(IpAddr),
}

impl Source {
    /// Parses `pod/NAME`, `pod/NS/NAME`, `node/NAME`, `external` or `external:IP`.
    pub fn parse(text: &str) -> Result<Source, String> {
        if let Some(rest) = text.strip_prefix("pod/") {
            return Ok(match rest.split_once('/') {
                Some((ns, name)) => Source::Pod {
                    namespace: ns.to_owned(),
                    name: name.to_owned(),
                },
                None => Source::Pod {
                    namespace: "default".to_owned(),
                    name: rest.to_owned(),
                },
            });
        }
        if let Some(name) = text.strip_prefix("node/") {
            return Ok(Source::Node(name.to_owned()));
        }
        if text == "external" {
            return Ok(Source::External(
                EXTERNAL_CLIENT.parse().map_err(|_| "bad default")?,
            ));
        }
        if let Some(ip) = text.strip_prefix("external:") {
            return ip
                .parse()
                .map(Source::External)
                .map_err(|_| format!("{ip:?} is not an IP address"));
        }
        Err(format!(
            "unknown source {text:?}: use pod/NAME, pod/NS/NAME, node/NAME, external or external:IP"
        ))
    }
}

/// Where a request goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// A host name or an IP address.
    pub host: String,
    /// The destination port.
    pub port: i32,
    /// The URL path, for HTTP targets (Ingress routing).
    pub path: Option<String>,
    /// A `node/NAME:PORT` target names the node.
    pub node: Option<String>,
}

impl Target {
    /// Parses `http://host[:port]/path`, `host:port` or `node/NAME:PORT`.
    pub fn parse(text: &str) -> Result<Target, String> {
        let (rest, default_port, is_url) = if let Some(r) = text.strip_prefix("http://") {
            (r, Some(80), true)
        } else if let Some(r) = text.strip_prefix("https://") {
            (r, Some(443), true)
        } else {
            (text, None, false)
        };
        let (authority, path) = match rest.find('/') {
            Some(i) if is_url => (&rest[..i], Some(rest[i..].to_owned())),
            _ => (rest, is_url.then(|| "/".to_owned())),
        };
        let (authority, node) = match authority.strip_prefix("node/") {
            Some(a) => (a, true),
            None => (authority, false),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') || h.starts_with('[') => {
                let port: i32 = p
                    .parse()
                    .map_err(|_| format!("{p:?} is not a port number"))?;
                (h.trim_matches(['[', ']']).to_owned(), port)
            }
            _ => match default_port {
                Some(p) => (authority.trim_matches(['[', ']']).to_owned(), p),
                None => {
                    return Err(format!(
                        "target {text:?} needs a port: use host:port or a URL"
                    ));
                }
            },
        };
        if !(1..=65535).contains(&port) {
            return Err(format!("port {port} is not between 1 and 65535"));
        }
        Ok(Target {
            node: node.then(|| host.clone()),
            host,
            port,
            path,
        })
    }
}

/// How a name was resolved on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnsStep {
    /// The name asked for.
    pub query: String,
    /// The fully qualified name that answered.
    pub name: String,
    /// `A` or `CNAME`.
    pub record: String,
    /// The answer: an IP, or the CNAME target.
    pub data: String,
}

/// The whole path of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// The final verdict.
    pub verdict: Verdict,
    /// One sentence saying why.
    pub reason: String,
    /// kube-proxy's evaluation, when a node's rules saw the packet.
    pub evaluation: Option<Evaluation>,
    /// The DNS step, when a name was resolved.
    pub dns: Option<DnsStep>,
    /// Every hop, from the client to the pod.
    pub hops: Vec<Hop>,
    /// The pod that received the request, if any (namespace, name).
    pub delivered_to: Option<(String, String)>,
    /// The node whose kube-proxy rules evaluated the packet.
    pub node: Option<String>,
    /// The places the request passes, in order, for drawing it.
    pub path: Vec<Waypoint>,
}

/// A place a request passes through, named like the diagram's elements
/// (`data-kind` values of DESIGN.md).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Waypoint {
    /// A client on the internet, by address.
    ExternalClient(String),
    /// The simulated cloud load balancer of a Service (namespace, name).
    CloudLoadBalancer(String, String),
    /// The simulated Ingress controller.
    IngressController,
    /// CoreDNS (the `kube-system/kube-dns` Service).
    CoreDns,
    /// A host outside the cluster (an ExternalName target).
    ExternalHost(String),
    /// A node, by name.
    Node(String),
    /// A Service's virtual IP (namespace, name).
    Service(String, String),
    /// A pod (namespace, name).
    Pod(String, String),
}

impl Waypoint {
    /// A stable id: `Kind/namespace/name`, `Kind/name` or `Kind`.
    pub fn id(&self) -> String {
        match self {
            Waypoint::ExternalClient(ip) => format!("ExternalClient/{ip}"),
            Waypoint::CloudLoadBalancer(ns, n) => format!("CloudLoadBalancer/{ns}/{n}"),
            Waypoint::IngressController => "IngressController".to_owned(),
            Waypoint::CoreDns => "Service/kube-system/kube-dns".to_owned(),
            Waypoint::ExternalHost(h) => format!("ExternalHost/{h}"),
            Waypoint::Node(n) => format!("Node/{n}"),
            Waypoint::Service(ns, n) => format!("Service/{ns}/{n}"),
            Waypoint::Pod(ns, n) => format!("Pod/{ns}/{n}"),
        }
    }
}

impl Trace {
    /// Whether the packet leaves SNATed.
    pub fn masquerade(&self) -> bool {
        self.evaluation.as_ref().is_some_and(|e| e.masquerade)
    }

    /// The trace as the CLI's and the browser API's JSON.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let eval = self.evaluation.as_ref();
        let choices: Vec<serde_json::Value> = eval
            .map(|e| {
                e.choices
                    .iter()
                    .map(|c| {
                        json!({
                            "endpoint": c.endpoint,
                            "probability": f64::from(c.probability.0) / f64::from(c.probability.1),
                            "pod": c.pod,
                            "node": c.node,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut v = json!({
            "verdict": self.verdict.as_str(),
            "reason": self.reason,
            "endpoints": eval.map(|e| e.choices.iter().map(|c| c.endpoint.clone()).collect::<Vec<_>>()).unwrap_or_default(),
            "choices": choices,
            "masquerade": self.masquerade(),
            "path": self.path.iter().map(Waypoint::id).collect::<Vec<_>>(),
            "hops": self.hops.iter().map(|h| json!({"at": h.at, "chain": h.chain, "action": h.action, "text": h.text})).collect::<Vec<_>>(),
        });
        if let (Some(d), Some(obj)) = (&self.dns, v.as_object_mut()) {
            obj.insert(
                "dns".into(),
                json!({"query": d.query, "name": d.name, "type": d.record, "data": d.data}),
            );
        }
        v
    }

    /// The trace as text: the verdict, then one numbered line per hop.
    pub fn to_text(&self) -> String {
        let mut out = format!("{}: {}\n", self.verdict.as_str(), self.reason);
        for (i, h) in self.hops.iter().enumerate() {
            let chain = if h.chain.is_empty() {
                String::new()
            } else {
                format!(" [{} {}]", h.chain, h.action)
            };
            out.push_str(&format!("{:>2}. {}{chain}: {}\n", i + 1, h.at, h.text));
        }
        if let Some(e) = &self.evaluation
            && e.choices.len() > 1
        {
            out.push_str("endpoints:\n");
            for c in &e.choices {
                out.push_str(&format!(
                    "  {} {}/{} {}\n",
                    c.endpoint,
                    c.probability.0,
                    c.probability.1,
                    c.pod.as_deref().unwrap_or("")
                ));
            }
        }
        out
    }
}

fn hop(at: &str, text: String) -> Hop {
    Hop {
        at: at.to_owned(),
        chain: String::new(),
        action: String::new(),
        text,
    }
}

fn find_pod<'a>(cluster: &'a Cluster, ns: &str, name: &str) -> Option<&'a Pod> {
    cluster.pods.iter().find(|p| {
        p.metadata.namespace.as_deref() == Some(ns) && p.metadata.name.as_deref() == Some(name)
    })
}

fn node_ip(cluster: &Cluster, node: &str) -> Option<IpAddr> {
    proxy::node_addresses(cluster, node)
        .into_iter()
        .find(|ip| !ip.is_loopback())
}

/// Traces one request. The seed drives every random choice (the load
/// balancer's node, kube-proxy's endpoint), so the same inputs give the same trace.
pub fn trace(
    cluster: &Cluster,
    source: &Source,
    target: &Target,
    protocol: &str,
    seed: u64,
) -> Trace {
    trace_with(cluster, source, target, protocol, seed, None)
}

/// `trace`, with a memory of earlier requests for ClientIP session affinity
/// (see `proxy::evaluate_with`); the simulation passes its own table.
pub fn trace_with(
    cluster: &Cluster,
    source: &Source,
    target: &Target,
    protocol: &str,
    seed: u64,
    affinity: Option<&mut dyn proxy::AffinityTable>,
) -> Trace {
    let mut t = trace_hops(cluster, source, target, protocol, seed, affinity);
    t.path = waypoints(cluster, source, target, &t);
    t
}

/// The places a traced request passed, derived from what the trace recorded.
fn waypoints(cluster: &Cluster, source: &Source, target: &Target, t: &Trace) -> Vec<Waypoint> {
    let start = match source {
        Source::Pod { namespace, name } => Waypoint::Pod(namespace.clone(), name.clone()),
        Source::Node(n) => Waypoint::Node(n.clone()),
        Source::External(ip) => Waypoint::ExternalClient(ip.to_string()),
    };
    let mut path = vec![start.clone()];
    if let Some(d) = &t.dns {
        path.push(Waypoint::CoreDns);
        path.push(start);
        if d.record == "CNAME" {
            path.push(Waypoint::ExternalHost(
                d.data.trim_end_matches('.').to_owned(),
            ));
            return path;
        }
    }
    let pod_node = |ns: &str, name: &str| {
        cluster
            .pods
            .iter()
            .find(|p| {
                p.metadata.namespace.as_deref() == Some(ns)
                    && p.metadata.name.as_deref() == Some(name)
            })
            .and_then(|p| p.spec.as_ref())
            .and_then(|s| s.node_name.clone())
    };
    if t.hops.iter().any(|h| h.at == "ingress controller") {
        path.push(Waypoint::IngressController);
        if let Some((ns, name)) = &t.delivered_to {
            if let Some(n) = pod_node(ns, name) {
                path.push(Waypoint::Node(n));
            }
            path.push(Waypoint::Pod(ns.clone(), name.clone()));
        }
        return path;
    }
    if matches!(source, Source::External(_))
        && let Ok(ip) = target.host.parse::<IpAddr>()
        && let Some(svc) = cluster.services.iter().find(|s| {
            s.status
                .as_ref()
                .and_then(|st| st.load_balancer.as_ref())
                .and_then(|l| l.ingress.as_ref())
                .is_some_and(|i| {
                    i.iter()
                        .any(|i| i.ip.as_deref().and_then(|x| x.parse().ok()) == Some(ip))
                })
        })
    {
        path.push(Waypoint::CloudLoadBalancer(
            svc.metadata.namespace.clone().unwrap_or_default(),
            svc.metadata.name.clone().unwrap_or_default(),
        ));
    }
    if let Some(node) = &t.node
        && path.last() != Some(&Waypoint::Node(node.clone()))
    {
        path.push(Waypoint::Node(node.clone()));
    }
    if let Some(m) = t.evaluation.as_ref().and_then(|e| e.matched.as_ref()) {
        path.push(Waypoint::Service(m.namespace.clone(), m.name.clone()));
    }
    if let Some((ns, name)) = &t.delivered_to {
        if let Some(n) = pod_node(ns, name)
            && t.node.as_deref() != Some(n.as_str())
        {
            path.push(Waypoint::Node(n));
        }
        path.push(Waypoint::Pod(ns.clone(), name.clone()));
    }
    path
}

fn trace_hops(
    cluster: &Cluster,
    source: &Source,
    target: &Target,
    protocol: &str,
    seed: u64,
    affinity: Option<&mut dyn proxy::AffinityTable>,
) -> Trace {
    let mut rng = Rng::new(seed);
    let mut hops = Vec::new();
    // Where the request starts and which node's rules it meets first.
    let (src_ip, src_label, src_node, search_ns) = match source {
        Source::Pod { namespace, name } => match find_pod(cluster, namespace, name) {
            Some(p) => match crate::workloads::pod_ip(p) {
                Some(ip) => (
                    ip,
                    format!("pod/{name}"),
                    p.spec.as_ref().and_then(|s| s.node_name.clone()),
                    Some(namespace.clone()),
                ),
                None => {
                    return failed(format!(
                        "pod {namespace}/{name} has no IP (it is not running)"
                    ));
                }
            },
            None => return failed(format!("there is no pod {namespace}/{name}")),
        },
        Source::Node(n) => match node_ip(cluster, n) {
            Some(ip) => (ip, format!("node/{n}"), Some(n.clone()), None),
            None => return failed(format!("there is no node {n}")),
        },
        Source::External(ip) => (*ip, format!("external {ip}"), None, None),
    };
    // Resolve the host.
    let mut dns = None;
    let dst: IpAddr = if let Some(node) = &target.node {
        match node_ip(cluster, node) {
            Some(ip) => ip,
            None => return failed(format!("there is no node {node}")),
        }
    } else if let Ok(ip) = target.host.parse::<IpAddr>() {
        if matches!(source, Source::External(_))
            && target.path.is_some()
            && !cluster.ingresses.is_empty()
            && target.host == crate::cluster::INGRESS_CONTROLLER_IP
        {
            return ingress(cluster, &src_label, target, &mut rng);
        }
        ip
    } else if matches!(source, Source::External(_))
        && target.path.is_some()
        && !cluster.ingresses.is_empty()
    {
        return ingress(cluster, &src_label, target, &mut rng);
    } else if matches!(source, Source::External(_)) {
        return with_hops(
            Verdict::NxDomain,
            format!(
                "{} is not a public DNS name; cluster names resolve only inside the cluster",
                target.host
            ),
            vec![hop(
                &src_label,
                format!(
                    "The client looks up {} in public DNS and gets no answer.",
                    target.host
                ),
            )],
        );
    } else {
        // A pod asks CoreDNS with its namespace's search list; a node's own
        // resolver does not know cluster names, so it asks for the name as is.
        let resp = crate::dns::query(cluster, &target.host, QType::A, search_ns.as_deref());
        let cname = resp.answers.iter().find(|r| r.rtype == QType::Cname);
        let addrs: Vec<IpAddr> = resp
            .answers
            .iter()
            .filter(|r| r.rtype == QType::A)
            .filter_map(|r| r.data.parse().ok())
            .collect();
        let answered = resp
            .answers
            .first()
            .map_or_else(|| resp.name.clone(), |r| r.name.clone());
        let answered = answered.trim_end_matches('.').to_owned();
        if let Some(cname) = cname {
            let target_name = cname.data.trim_end_matches('.').to_owned();
            let step = DnsStep {
                query: target.host.clone(),
                name: answered.clone(),
                record: "CNAME".into(),
                data: cname.data.clone(),
            };
            let external = addrs
                .first()
                .map_or_else(|| "its address".to_owned(), IpAddr::to_string);
            hops.push(hop(
                &src_label,
                format!("The pod asks CoreDNS (kube-dns, 10.96.0.10) for {}; {answered} is an ExternalName Service, so the answer is a CNAME to {target_name} ({external}).", target.host),
            ));
            hops.push(hop(
                &src_label,
                format!("The pod connects to {target_name}:{} directly. kube-proxy has no rules for ExternalName Services: nothing is proxied and the port is not rewritten.", target.port),
            ));
            let mut t = with_hops(
                Verdict::None,
                format!(
                    "{answered} is an ExternalName Service: DNS answers a CNAME to {target_name}; no proxying"
                ),
                hops,
            );
            t.dns = Some(step);
            return t;
        }
        if addrs.is_empty() {
            let tried: Vec<String> = resp
                .tried
                .iter()
                .map(|a| a.name.trim_end_matches('.').to_owned())
                .collect();
            return with_hops(
                Verdict::NxDomain,
                format!("no Service answers to {}", target.host),
                vec![hop(
                    &src_label,
                    format!(
                        "CoreDNS has no address for {} (tried {}).",
                        target.host,
                        tried.join(", ")
                    ),
                )],
            );
        }
        // A headless Service answers every ready endpoint; the client takes one.
        let ip = addrs[(rng.next_u64() % addrs.len() as u64) as usize];
        let many = if addrs.len() > 1 {
            format!(
                " (one of {} endpoint addresses of a headless Service)",
                addrs.len()
            )
        } else {
            String::new()
        };
        hops.push(hop(
            &src_label,
            format!("The pod asks CoreDNS (kube-dns, 10.96.0.10) for {}; it answers {answered} A {ip}{many}.", target.host),
        ));
        dns = Some(DnsStep {
            query: target.host.clone(),
            name: answered,
            record: "A".into(),
            data: ip.to_string(),
        });
        ip
    };
    hops.push(hop(
        &src_label,
        format!(
            "Sends a {protocol} packet from {src_ip} to {dst}:{}.",
            target.port
        ),
    ));
    // Which node's rules see the packet first.
    let (node, packet_dst, packet_src) = match source {
        Source::External(_) => {
            match route_from_outside(cluster, dst, target.port, protocol, &mut rng, &mut hops) {
                Ok(x) => x,
                Err(t) => return t.prepend(hops),
            }
        }
        _ => match src_node {
            Some(n) => (n, dst, src_ip),
            None => return failed("the source runs on no node".into()),
        },
    };
    let packet = Packet {
        node: node.clone(),
        src: if matches!(source, Source::External(_)) {
            packet_src
        } else {
            src_ip
        },
        dst: packet_dst,
        dport: target.port,
        protocol: protocol.to_owned(),
    };
    let eval = proxy::evaluate_with(cluster, &packet, rng.next_u64(), affinity);
    hops.extend(eval.hops.iter().cloned());
    let mut delivered_to = None;
    if eval.verdict == Verdict::Dnat
        && let Some(ep) = &eval.chosen
    {
        let from = if eval.masquerade {
            node_ip(cluster, &node).map_or_else(|| node.clone(), |ip| ip.to_string())
        } else {
            packet.src.to_string()
        };
        if let Some(ep_node) = ep.node.as_deref().filter(|n| *n != node) {
            hops.push(hop(
                &node,
                format!("The packet crosses the pod network from {node} to {ep_node}."),
            ));
        }
        let pod = cluster
            .pods
            .iter()
            .find(|p| crate::workloads::pod_ip(p) == Some(ep.ip));
        let at = pod.map_or_else(
            || ep.ip.to_string(),
            |p| format!("pod/{}", p.metadata.name.as_deref().unwrap_or("")),
        );
        hops.push(hop(
            &at,
            format!("Receives the packet on port {} from {from}.", ep.port),
        ));
        delivered_to = pod.map(|p| {
            (
                p.metadata.namespace.clone().unwrap_or_default(),
                p.metadata.name.clone().unwrap_or_default(),
            )
        });
    } else if eval.verdict == Verdict::None
        && let Some(pod) = cluster
            .pods
            .iter()
            .find(|p| crate::workloads::pod_ip(p) == Some(dst))
    {
        let name = pod.metadata.name.clone().unwrap_or_default();
        hops.push(hop(
            &format!("pod/{name}"),
            format!("No Service is involved: the packet goes straight to pod {name}."),
        ));
        delivered_to = Some((pod.metadata.namespace.clone().unwrap_or_default(), name));
    }
    Trace {
        verdict: eval.verdict,
        reason: eval.reason.clone(),
        evaluation: Some(eval),
        dns,
        hops,
        delivered_to,
        node: Some(node),
        path: Vec::new(),
    }
}

/// An HTTP request from outside to the simulated Ingress controller: public
/// DNS gives the controller's address, the controller matches host and path
/// (SEMANTICS §9) and proxies to a ready endpoint of the backend Service
/// directly, as ingress-nginx does (it reads EndpointSlices itself; kube-proxy
/// is not on this path).
fn ingress(cluster: &Cluster, src_label: &str, target: &Target, rng: &mut Rng) -> Trace {
    use crate::ingress::{Backend, BackendPort, IngressRoute, PathKind};
    let controller = crate::cluster::INGRESS_CONTROLLER_IP;
    let path = target.path.clone().unwrap_or_else(|| "/".into());
    let mut hops = Vec::new();
    if target.host.parse::<IpAddr>().is_err() {
        hops.push(hop(
            src_label,
            format!(
                "Public DNS resolves {} to {controller}, the Ingress controller's load balancer.",
                target.host
            ),
        ));
    }
    hops.push(hop(
        src_label,
        format!(
            "Sends an HTTP request for {}{path} to {controller}:{}.",
            target.host, target.port
        ),
    ));
    let at = "ingress controller";
    let (backend, how) = match crate::ingress::route(cluster, &target.host, &path) {
        IngressRoute::Path {
            ingress,
            rule,
            path_type,
            matched,
            backend,
            ..
        } => {
            let kind = match path_type {
                PathKind::Exact => "Exact",
                PathKind::Prefix => "Prefix",
                PathKind::ImplementationSpecific => "ImplementationSpecific (matched as Prefix)",
            };
            (
                backend,
                format!(
                    "Ingress {}/{} (spec.rules[{rule}]) matches host {} and path {matched} ({kind}).",
                    ingress.namespace, ingress.name, target.host
                ),
            )
        }
        IngressRoute::DefaultBackend { ingress, backend } => (
            backend,
            format!(
                "No rule path matches {path}; the defaultBackend of Ingress {}/{} takes the request.",
                ingress.namespace, ingress.name
            ),
        ),
        IngressRoute::NotFound => {
            hops.push(hop(at, format!("No Ingress rule matches host {} and path {path}, so the controller answers 404 Not Found.", target.host)));
            return with_hops(
                Verdict::Accept,
                format!(
                    "no Ingress rule matches {}{path}: 404 from the controller",
                    target.host
                ),
                hops,
            );
        }
    };
    hops.push(hop(at, how));
    let (ns, name, port) = match backend {
        Backend::Service {
            namespace,
            name,
            port,
        } => (namespace, name, port),
        Backend::Resource { kind, name, .. } => {
            hops.push(hop(at, format!("The backend is a {kind} resource ({name}), not a Service; kubeplay does not simulate it.")));
            return with_hops(
                Verdict::Accept,
                format!("the backend is the {kind} {name}, not a Service"),
                hops,
            );
        }
    };
    let svc = cluster.services.iter().find(|s| {
        s.metadata.namespace.as_deref() == Some(ns.as_str())
            && s.metadata.name.as_deref() == Some(name.as_str())
    });
    let sp = svc
        .and_then(|s| s.spec.as_ref())
        .and_then(|s| s.ports.as_ref())
        .and_then(|ports| {
            ports.iter().find(|p| match &port {
                BackendPort::Number(n) => p.port == *n,
                BackendPort::Name(n) => p.name.as_deref() == Some(n.as_str()),
                BackendPort::Missing => false,
            })
        });
    let (Some(svc), Some(sp)) = (svc, sp) else {
        hops.push(hop(at, format!("The backend Service {ns}/{name} (or its port) does not exist, so the controller answers 503 Service Unavailable.")));
        return with_hops(
            Verdict::Accept,
            format!("backend {ns}/{name} not found: 503 from the controller"),
            hops,
        );
    };
    let eps: Vec<proxy::ProxyEndpoint> = proxy::endpoints_for(cluster, svc, sp)
        .into_iter()
        .filter(|e| e.ready)
        .collect();
    if eps.is_empty() {
        hops.push(hop(at, format!("{ns}/{name} has no ready endpoints, so the controller answers 503 Service Unavailable.")));
        return with_hops(
            Verdict::Accept,
            format!("{ns}/{name} has no ready endpoints: 503 from the controller"),
            hops,
        );
    }
    let chosen = eps[(rng.next_u64() % eps.len() as u64) as usize].clone();
    let n = eps.len() as u32;
    let pod = cluster
        .pods
        .iter()
        .find(|p| crate::workloads::pod_ip(p) == Some(chosen.ip));
    let pod_name = pod.and_then(|p| p.metadata.name.clone());
    hops.push(hop(
        at,
        format!(
            "The controller proxies to {} ({}, read from its EndpointSlices; kube-proxy is not involved).",
            chosen.key(),
            if n == 1 {
                format!("the only ready endpoint of {ns}/{name}")
            } else {
                format!("one of {n} ready endpoints of {ns}/{name}")
            }
        ),
    ));
    let pod_at = pod_name
        .as_ref()
        .map_or_else(|| chosen.ip.to_string(), |p| format!("pod/{p}"));
    hops.push(hop(
        &pod_at,
        format!(
            "Receives the request on port {} from the Ingress controller.",
            chosen.port
        ),
    ));
    let choices = eps
        .iter()
        .map(|e| proxy::Choice {
            endpoint: e.key(),
            probability: (1, n),
            pod: e.pod.clone(),
            node: e.node.clone(),
        })
        .collect();
    Trace {
        verdict: Verdict::Dnat,
        reason: format!("the Ingress controller proxies to {}", chosen.key()),
        evaluation: Some(proxy::Evaluation {
            verdict: Verdict::Dnat,
            reason: format!("the Ingress controller proxies to {}", chosen.key()),
            choices,
            chosen: Some(chosen),
            masquerade: true,
            hops: Vec::new(),
            matched: None,
        }),
        dns: None,
        hops,
        delivered_to: pod.map(|p| {
            (
                p.metadata.namespace.clone().unwrap_or_default(),
                p.metadata.name.clone().unwrap_or_default(),
            )
        }),
        node: None,
        path: Vec::new(),
    }
}

impl Trace {
    fn prepend(mut self, mut hops: Vec<Hop>) -> Trace {
        hops.append(&mut self.hops);
        self.hops = hops;
        self
    }
}

/// A packet from the internet: which node receives it, and as what.
fn route_from_outside(
    cluster: &Cluster,
    dst: IpAddr,
    port: i32,
    protocol: &str,
    rng: &mut Rng,
    hops: &mut Vec<Hop>,
) -> Result<(String, IpAddr, IpAddr), Box<Trace>> {
    let src = hops_src(hops);
    let node_names: Vec<String> = cluster
        .nodes
        .iter()
        .filter_map(|n| n.metadata.name.clone())
        .collect();
    // A node address: the packet arrives at that node.
    for n in &node_names {
        if node_ip(cluster, n) == Some(dst)
            || proxy::node_addresses(cluster, n)
                .iter()
                .any(|ip| *ip == dst && !ip.is_loopback())
        {
            return Ok((n.clone(), dst, src));
        }
    }
    // A load-balancer IP: the simulated cloud load balancer picks a healthy node.
    for svc in &cluster.services {
        let ingress = svc
            .status
            .as_ref()
            .and_then(|s| s.load_balancer.as_ref())
            .and_then(|l| l.ingress.as_ref());
        let Some(entry) = ingress.and_then(|i| {
            i.iter()
                .find(|i| i.ip.as_deref().and_then(|ip| ip.parse().ok()) == Some(dst))
        }) else {
            continue;
        };
        let spec = svc.spec.clone().unwrap_or_default();
        let (ns, name) = (
            svc.metadata.namespace.clone().unwrap_or_default(),
            svc.metadata.name.clone().unwrap_or_default(),
        );
        let Some(sp) = spec
            .ports
            .iter()
            .flatten()
            .find(|p| p.port == port && p.protocol.as_deref().unwrap_or("TCP") == protocol)
        else {
            return Err(Box::new(with_hops(
                Verdict::Drop,
                format!("the load balancer of {ns}/{name} does not listen on {port}/{protocol}"),
                vec![hop(
                    "cloud load balancer",
                    format!(
                        "The load balancer {dst} of {ns}/{name} has no listener on port {port}/{protocol}, so the packet is dropped."
                    ),
                )],
            )));
        };
        let eps = proxy::endpoints_for(cluster, svc, sp);
        let local = spec.external_traffic_policy.as_deref() == Some("Local");
        let healthy: Vec<String> = node_names
            .iter()
            .filter(|n| !local || !proxy::categorize(&eps, n).1.is_empty())
            .cloned()
            .collect();
        if healthy.is_empty() {
            return Err(Box::new(with_hops(
                Verdict::Drop,
                format!("the load balancer of {ns}/{name} has no healthy nodes"),
                vec![hop(
                    "cloud load balancer",
                    format!(
                        "externalTrafficPolicy is Local and no node passes the health check on port {} (no node runs a ready endpoint), so the load balancer drops the packet.",
                        spec.health_check_node_port.unwrap_or(0)
                    ),
                )],
            )));
        }
        let node = healthy[(rng.next_u64() % healthy.len() as u64) as usize].clone();
        let why = if local {
            format!(
                "only nodes whose health check on port {} answers 200 (nodes with a local endpoint) are healthy",
                spec.health_check_node_port.unwrap_or(0)
            )
        } else {
            "every node is a healthy target with externalTrafficPolicy: Cluster".to_owned()
        };
        let proxy_mode = entry.ip_mode.as_deref() == Some("Proxy");
        if proxy_mode {
            let np = sp.node_port.unwrap_or(0);
            let nip = node_ip(cluster, &node).unwrap_or(dst);
            hops.push(hop("cloud load balancer", format!("The load balancer {dst} (ipMode: Proxy) opens its own connection to {node} {nip}:{np}; {why}.")));
            return Ok((node, nip, dst));
        }
        hops.push(hop("cloud load balancer", format!("The load balancer {dst} forwards the packet to {node}, keeping its destination; {why}.")));
        return Ok((node, dst, src));
    }
    // An externalIP: the network routes it to a node; kubeplay assumes the first.
    for svc in &cluster.services {
        if svc
            .spec
            .as_ref()
            .and_then(|s| s.external_ips.as_ref())
            .is_some_and(|ips| ips.iter().any(|ip| ip.parse() == Ok(dst)))
            && let Some(first) = node_names.first()
        {
            hops.push(hop("network", format!("{dst} is an externalIP; kubeplay assumes the network routes it to {first} (kube-proxy does not configure the address itself).")));
            return Ok((first.clone(), dst, src));
        }
    }
    let in_cluster = cluster.service_cidr.is_some_and(|c| c.contains(dst))
        || cluster
            .pods
            .iter()
            .any(|p| crate::workloads::pod_ip(p) == Some(dst));
    if in_cluster {
        return Err(Box::new(with_hops(
            Verdict::Drop,
            format!("{dst} is a cluster-internal address; the internet has no route to it"),
            vec![hop(
                "internet",
                format!(
                    "{dst} is a ClusterIP or pod IP: it is only reachable inside the cluster, so the packet never arrives."
                ),
            )],
        )));
    }
    Err(Box::new(with_hops(
        Verdict::None,
        format!("{dst} is not an address of this cluster"),
        vec![hop(
            "internet",
            format!("{dst} belongs to no node, load balancer or externalIP of this cluster."),
        )],
    )))
}

fn hops_src(hops: &[Hop]) -> IpAddr {
    hops.iter()
        .rev()
        .find_map(|h| {
            h.at.strip_prefix("external ")
                .and_then(|ip| ip.parse().ok())
        })
        .unwrap_or(IpAddr::from([203, 0, 113, 10]))
}

fn with_hops(verdict: Verdict, reason: String, hops: Vec<Hop>) -> Trace {
    Trace {
        verdict,
        reason,
        evaluation: None,
        dns: None,
        hops,
        delivered_to: None,
        node: None,
        path: Vec::new(),
    }
}

fn failed(reason: String) -> Trace {
    with_hops(Verdict::None, reason, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse() {
        let t = Target::parse("http://shop.example.com/cart").expect("valid");
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_deref()),
            ("shop.example.com", 80, Some("/cart"))
        );
        let t = Target::parse("web.default:8080").expect("valid");
        assert_eq!(
            (t.host.as_str(), t.port, t.path),
            ("web.default", 8080, None)
        );
        let t = Target::parse("node/node-2:30080").expect("valid");
        assert_eq!(t.node.as_deref(), Some("node-2"));
        assert!(Target::parse("web").is_err());
        assert!(Target::parse("web:0").is_err());
    }

    #[test]
    fn sources_parse() {
        assert_eq!(
            Source::parse("pod/kube-system/coredns-1"),
            Ok(Source::Pod {
                namespace: "kube-system".into(),
                name: "coredns-1".into()
            })
        );
        assert!(Source::parse("external:1.2.3.4").is_ok());
        assert!(Source::parse("elsewhere").is_err());
    }
}
