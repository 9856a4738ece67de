//! The EndpointSlice controller (SEMANTICS §6): slices from Service selectors
//! and pods, and the mirroring controller's slices for selector-less Services
//! with a legacy v1 Endpoints object. Slices the manifest states itself are
//! honoured: a Service that already has slices gets no generated ones.

use crate::alloc::fnv1a;
use crate::k8s::core::{Endpoints, Node, ObjectReference, Pod, Service, ServicePort};
use crate::k8s::discovery::{Endpoint, EndpointConditions, EndpointPort, EndpointSlice};
use crate::k8s::intstr::IntOrString;
use crate::k8s::meta::ObjectMeta;
use crate::workloads::{is_ready, pod_ip, safe_suffix};
use std::collections::{BTreeMap, BTreeSet};

/// The label tying a slice to its Service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
/// The label naming the controller that manages a slice.
pub const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
/// The most endpoints one generated slice holds (the controller's default).
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;

/// One Service port as a pod resolves it: (port name, protocol, container port).
type PortKey = (String, String, Option<i32>);

/// The Service a slice belongs to, from its label.
pub fn slice_service(slice: &EndpointSlice) -> Option<&str> {
    slice
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(SERVICE_NAME_LABEL))
        .map(String::as_str)
}

/// The container port a Service port's targetPort means on one pod
/// (`FindPort`): a number as is; a name resolved to the first container port
/// of that name and protocol (regular containers, then restartable init
/// containers). `None` when the pod has no such named port.
pub fn resolve_target_port(port: &ServicePort, pod: &Pod) -> Option<i32> {
    match port.target_port.as_ref() {
        None => Some(port.port),
        Some(IntOrString::Int(n)) => Some(*n),
        Some(IntOrString::String(name)) => {
            let protocol = port.protocol.as_deref().unwrap_or("TCP");
            let spec = pod.spec.as_ref()?;
            let sidecars = spec
                .init_containers
                .iter()
                .flatten()
                .filter(|c| c.restart_policy.as_deref() == Some("Always"));
            spec.containers
                .iter()
                .chain(sidecars)
                .flat_map(|c| c.ports.iter().flatten())
                .find(|p| {
                    p.name.as_deref() == Some(name.as_str())
                        && p.protocol.as_deref().unwrap_or("TCP") == protocol
                })
                .map(|p| p.container_port)
        }
    }
}

fn selector_matches(selector: &BTreeMap<String, String>, pod: &Pod) -> bool {
    let labels = pod.metadata.labels.as_ref();
    selector
        .iter()
        .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

/// Generates slices for every Service with a selector, and mirrors legacy
/// Endpoints of selector-less Services. `given` are the manifest's own slices.
pub fn generate(
    services: &[Service],
    pods: &[Pod],
    nodes: &[Node],
    endpoints: &[Endpoints],
    given: &[EndpointSlice],
) -> Vec<EndpointSlice> {
    let covered: BTreeSet<(String, String)> =
        crate::order::btree_set(given.iter().filter_map(|s| {
            Some((
                s.metadata
                    .namespace
                    .clone()
                    .unwrap_or_else(|| "default".into()),
                slice_service(s)?.to_owned(),
            ))
        }));
    let zone_of = |node: &str| -> Option<String> {
        nodes
            .iter()
            .find(|n| n.metadata.name.as_deref() == Some(node))
            .and_then(|n| n.metadata.labels.as_ref())
            .and_then(|l| l.get("topology.kubernetes.io/zone").cloned())
    };
    // Pods by (namespace, label key, label value), so that matching a
    // selector does not scan every pod of the cluster for every Service.
    let mut by_label: BTreeMap<(&str, &str, &str), Vec<usize>> = BTreeMap::new();
    for (i, p) in pods.iter().enumerate() {
        let pod_ns = p.metadata.namespace.as_deref().unwrap_or("default");
        for (k, v) in p.metadata.labels.iter().flatten() {
            by_label
                .entry((pod_ns, k.as_str(), v.as_str()))
                .or_default()
                .push(i);
        }
    }
    let mut out = Vec::new();
    for svc in services {
        let ns = svc
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        let name = svc.metadata.name.clone().unwrap_or_default();
        if covered.contains(&(ns.clone(), name.clone())) {
            continue;
        }
        let Some(spec) = svc.spec.as_ref() else {
            continue;
        };
        if spec.type_.as_deref() == Some("ExternalName") {
            continue;
        }
        let selector = spec.selector.clone().unwrap_or_default();
        if selector.is_empty() {
            if let Some(ep) = endpoints.iter().find(|e| {
                e.metadata.name.as_deref() == Some(name.as_str())
                    && e.metadata.namespace.as_deref().unwrap_or("default") == ns
            }) {
                out.extend(mirror(ep, &ns, &name));
            }
            continue;
        }
        let publish_not_ready = spec.publish_not_ready_addresses.unwrap_or(false);
        let ports = spec.ports.clone().unwrap_or_default();
        // Group endpoints by their resolved port list: pods whose named
        // targetPort resolves differently land in different slices.
        let mut groups: BTreeMap<Vec<PortKey>, Vec<Endpoint>> = BTreeMap::new();
        // Candidates: the pods carrying the selector's rarest label, in
        // manifest order; the full selector is then checked on each.
        let candidates = selector
            .iter()
            .map(|(k, v)| {
                by_label
                    .get(&(ns.as_str(), k.as_str(), v.as_str()))
                    .map_or(&[][..], Vec::as_slice)
            })
            .min_by_key(|c| c.len())
            .unwrap_or_default();
        for pod in candidates
            .iter()
            .map(|&i| &pods[i])
            .filter(|p| selector_matches(&selector, p))
        {
            let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
            if matches!(phase, Some("Succeeded" | "Failed")) {
                continue;
            }
            let Some(ip) = pod_ip(pod) else { continue };
            let node = pod.spec.as_ref().and_then(|s| s.node_name.clone());
            if node.is_none() {
                continue;
            }
            let key: Vec<PortKey> = ports
                .iter()
                .map(|p| {
                    (
                        p.name.clone().unwrap_or_default(),
                        p.protocol.clone().unwrap_or_else(|| "TCP".into()),
                        resolve_target_port(p, pod),
                    )
                })
                .collect();
            let serving = is_ready(pod);
            let terminating = pod.metadata.deletion_timestamp.is_some();
            let pspec = pod.spec.as_ref();
            let hostname = pspec
                .and_then(|s| s.hostname.clone())
                .filter(|_| pspec.and_then(|s| s.subdomain.as_deref()) == Some(name.as_str()));
            groups.entry(key).or_default().push(Endpoint {
                addresses: vec![ip.to_string()],
                conditions: Some(EndpointConditions {
                    ready: Some(publish_not_ready || (serving && !terminating)),
                    serving: Some(serving),
                    terminating: Some(terminating),
                }),
                hostname,
                node_name: node.clone(),
                zone: node.as_deref().and_then(zone_of),
                target_ref: Some(ObjectReference {
                    kind: Some("Pod".into()),
                    namespace: Some(ns.clone()),
                    name: pod.metadata.name.clone(),
                    ..ObjectReference::default()
                }),
                ..Endpoint::default()
            });
        }
        if groups.is_empty() {
            // The controller keeps one empty slice per Service ("placeholder").
            groups.insert(
                ports
                    .iter()
                    .map(|p| {
                        (
                            p.name.clone().unwrap_or_default(),
                            p.protocol.clone().unwrap_or_default(),
                            None,
                        )
                    })
                    .collect(),
                Vec::new(),
            );
        }
        for (key, mut eps) in groups {
            crate::order::sort_by(&mut eps, |a, b| {
                a.target_ref
                    .as_ref()
                    .map(|r| &r.name)
                    .cmp(&b.target_ref.as_ref().map(|r| &r.name))
            });
            let slice_ports: Vec<EndpointPort> = key
                .iter()
                .zip(&ports)
                .filter(|((_, _, n), _)| n.is_some())
                .map(|((pname, proto, number), sp)| EndpointPort {
                    name: Some(pname.clone()),
                    protocol: Some(proto.clone()),
                    port: *number,
                    app_protocol: sp.app_protocol.clone(),
                })
                .collect();
            let chunks: Vec<Vec<Endpoint>> = if eps.is_empty() {
                vec![Vec::new()]
            } else {
                eps.chunks(MAX_ENDPOINTS_PER_SLICE)
                    .map(<[Endpoint]>::to_vec)
                    .collect()
            };
            for chunk in chunks {
                let first = chunk
                    .first()
                    .and_then(|e| e.target_ref.as_ref())
                    .and_then(|r| r.name.clone())
                    .unwrap_or_default();
                let seed = format!("{ns}/{name}/{key:?}/{first}");
                out.push(slice(
                    &ns,
                    &name,
                    safe_suffix(fnv1a(&seed), 5),
                    "endpointslice-controller.k8s.io",
                    chunk,
                    slice_ports.clone(),
                ));
            }
        }
    }
    out
}

fn slice(
    ns: &str,
    svc: &str,
    suffix: String,
    manager: &str,
    endpoints: Vec<Endpoint>,
    ports: Vec<EndpointPort>,
) -> EndpointSlice {
    let mut labels = BTreeMap::new();
    labels.insert(SERVICE_NAME_LABEL.to_owned(), svc.to_owned());
    labels.insert(MANAGED_BY_LABEL.to_owned(), manager.to_owned());
    EndpointSlice {
        metadata: ObjectMeta {
            name: Some(format!("{svc}-{suffix}")),
            namespace: Some(ns.to_owned()),
            labels: Some(labels),
            ..ObjectMeta::default()
        },
        address_type: "IPv4".to_owned(),
        endpoints,
        ports: Some(ports),
    }
}

/// The mirroring controller: one slice per Endpoints subset.
fn mirror(ep: &Endpoints, ns: &str, name: &str) -> Vec<EndpointSlice> {
    let mut out = Vec::new();
    for (i, subset) in ep.subsets.iter().flatten().enumerate() {
        let mut endpoints = Vec::new();
        let mut add = |addrs: Option<&Vec<crate::k8s::core::EndpointAddress>>, ready: bool| {
            for a in addrs.into_iter().flatten() {
                endpoints.push(Endpoint {
                    addresses: vec![a.ip.clone()],
                    conditions: Some(EndpointConditions {
                        ready: Some(ready),
                        serving: Some(ready),
                        terminating: Some(false),
                    }),
                    hostname: a.hostname.clone(),
                    node_name: a.node_name.clone(),
                    target_ref: a.target_ref.clone(),
                    ..Endpoint::default()
                });
            }
        };
        add(subset.addresses.as_ref(), true);
        add(subset.not_ready_addresses.as_ref(), false);
        let ports = subset
            .ports
            .iter()
            .flatten()
            .map(|p| EndpointPort {
                name: Some(p.name.clone().unwrap_or_default()),
                protocol: Some(p.protocol.clone().unwrap_or_else(|| "TCP".into())),
                port: Some(p.port),
                app_protocol: p.app_protocol.clone(),
            })
            .collect();
        let suffix = safe_suffix(fnv1a(&format!("{ns}/{name}/mirror/{i}")), 5);
        out.push(slice(
            ns,
            name,
            suffix,
            "endpointslicemirroring-controller.k8s.io",
            endpoints,
            ports,
        ));
    }
    out
}
