//! Workload controllers and the scheduler, simplified but deterministic:
//! Deployments (through their ReplicaSet), ReplicaSets, StatefulSets and
//! DaemonSets create pods; pods are placed on nodes and given IPs from their
//! node's podCIDR; a pod without status is taken as Running and Ready.
//!
//! Names follow the controllers' shapes: `web-7d4b9c8f5d-x2k9p` for a
//! Deployment's pod (`<deployment>-<pod-template-hash>-<suffix>`), `db-0` for a
//! StatefulSet's. Every choice comes from a stable hash of the owner's name and
//! the replica's ordinal, so scaling or editing one workload never renames or
//! moves the pods of another.

use crate::alloc::fnv1a;
use crate::model::{Object, Resource};
use crate::net::Cidr;
use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateRunning, ContainerStatus, Node, Pod, PodCondition, PodIP,
    PodSpec, PodStatus, PodTemplateSpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// The alphabet Kubernetes uses for generated name suffixes (no vowels, no
/// look-alike characters: `rand.SafeEncodeString`).
const SAFE: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// `n` characters of the safe alphabet derived from `h`.
pub fn safe_suffix(mut h: u64, n: usize) -> String {
    let mut out = String::with_capacity(n);
    for _ in 0..n {
        out.push(char::from(SAFE[(h % SAFE.len() as u64) as usize]));
        h /= SAFE.len() as u64;
    }
    out
}

/// A pod the controllers want, before scheduling.
struct Wanted {
    pod: Pod,
    /// The node a DaemonSet pinned it to, or the one `spec.nodeName` names.
    node: Option<String>,
    /// The key that spreads this workload's pods over nodes.
    spread_key: String,
    ordinal: usize,
}

/// Where pods may go and which addresses are taken there.
pub struct NodeInfo {
    /// The node's name.
    pub name: String,
    /// The node's labels.
    pub labels: BTreeMap<String, String>,
    /// Whether the node is cordoned (`spec.unschedulable`).
    pub unschedulable: bool,
    /// Taints with effect NoSchedule or NoExecute, as (key, value).
    pub taints: Vec<(String, String)>,
    /// The node's pod network.
    pub pod_cidr: Option<Cidr>,
    /// The node's first InternalIP (or any address).
    pub address: Option<String>,
}

/// Reads what scheduling needs from the cluster's nodes. Nodes without a
/// podCIDR get `10.244.<i+1>.0/24` by their position, as kind would assign.
pub fn node_infos(nodes: &[Node]) -> Vec<NodeInfo> {
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let spec = n.spec.as_ref();
            let pod_cidr = spec
                .and_then(|s| s.pod_cidr.as_deref())
                .and_then(Cidr::parse)
                .or_else(|| Cidr::parse(&format!("10.244.{}.0/24", (i + 1) % 256)));
            NodeInfo {
                name: n.metadata.name.clone().unwrap_or_default(),
                labels: n.metadata.labels.clone().unwrap_or_default(),
                unschedulable: spec.and_then(|s| s.unschedulable).unwrap_or(false),
                taints: spec
                    .and_then(|s| s.taints.as_ref())
                    .map(|ts| {
                        ts.iter()
                            .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
                            .map(|t| (t.key.clone(), t.value.clone().unwrap_or_default()))
                            .collect()
                    })
                    .unwrap_or_default(),
                pod_cidr,
                address: n
                    .status
                    .as_ref()
                    .and_then(|s| s.addresses.as_ref())
                    .and_then(|a| {
                        a.iter()
                            .find(|a| a.type_ == "InternalIP")
                            .or_else(|| a.first())
                            .map(|a| a.address.clone())
                    }),
            }
        })
        .collect()
}

fn owner(api_version: &str, kind: &str, name: &str) -> OwnerReference {
    OwnerReference {
        api_version: api_version.to_owned(),
        kind: kind.to_owned(),
        name: name.to_owned(),
        uid: format!("kubeplay-{:016x}", fnv1a(&format!("{kind}/{name}"))),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

fn pod_from_template(
    template: Option<&PodTemplateSpec>,
    namespace: &str,
    name: String,
    extra_labels: &[(&str, String)],
    owner_ref: OwnerReference,
) -> Pod {
    let t = template.cloned().unwrap_or_default();
    let mut meta = t.metadata.unwrap_or_default();
    let mut labels = meta.labels.take().unwrap_or_default();
    for (k, v) in extra_labels {
        labels.insert((*k).to_owned(), v.clone());
    }
    Pod {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(namespace.to_owned()),
            labels: Some(labels),
            annotations: meta.annotations.take(),
            owner_references: Some(vec![owner_ref]),
            ..ObjectMeta::default()
        },
        spec: t.spec,
        status: None,
    }
}

/// The `pod-template-hash` of a template: a stable hash of its JSON, in the
/// safe alphabet, as the Deployment controller labels ReplicaSets and pods.
fn template_hash(template: Option<&PodTemplateSpec>) -> String {
    let json = serde_json::to_string(&template).unwrap_or_default();
    safe_suffix(fnv1a(&json), 10)
}

fn namespace_of(o: &Object) -> String {
    o.namespace().unwrap_or("default").to_owned()
}

/// Builds every pod: the manifest's own and those its workloads create,
/// scheduled, addressed and with a status. `previous_ips` keeps pod IPs stable
/// across edits (pod name to IP).
pub fn pods(
    objects: &[Object],
    nodes: &[NodeInfo],
    previous_ips: &BTreeMap<String, IpAddr>,
) -> Vec<Pod> {
    let mut wanted: Vec<Wanted> = Vec::new();
    for o in objects {
        let ns = namespace_of(o);
        let name = o.name().to_owned();
        match &o.resource {
            Resource::Pod(p) => {
                let mut pod = p.clone();
                pod.metadata.namespace = Some(ns.clone());
                let node = p.spec.as_ref().and_then(|s| s.node_name.clone());
                wanted.push(Wanted {
                    pod,
                    node,
                    spread_key: format!("{ns}/{name}"),
                    ordinal: 0,
                });
            }
            Resource::Deployment(d) => {
                let spec = d.spec.as_ref();
                let template = spec.map(|s| &s.template);
                let hash = template_hash(template);
                let rs = format!("{name}-{hash}");
                let replicas = spec.and_then(|s| s.replicas).unwrap_or(1).max(0) as usize;
                for i in 0..replicas {
                    let pod_name =
                        format!("{rs}-{}", safe_suffix(fnv1a(&format!("{ns}/{rs}/{i}")), 5));
                    wanted.push(Wanted {
                        pod: pod_from_template(
                            template,
                            &ns,
                            pod_name,
                            &[("pod-template-hash", hash.clone())],
                            owner("apps/v1", "ReplicaSet", &rs),
                        ),
                        node: None,
                        spread_key: format!("{ns}/{name}"),
                        ordinal: i,
                    });
                }
            }
            Resource::ReplicaSet(r) => {
                let spec = r.spec.as_ref();
                let template = spec.and_then(|s| s.template.as_ref());
                let replicas = spec.and_then(|s| s.replicas).unwrap_or(1).max(0) as usize;
                for i in 0..replicas {
                    let pod_name = format!(
                        "{name}-{}",
                        safe_suffix(fnv1a(&format!("{ns}/{name}/{i}")), 5)
                    );
                    wanted.push(Wanted {
                        pod: pod_from_template(
                            template,
                            &ns,
                            pod_name,
                            &[],
                            owner("apps/v1", "ReplicaSet", &name),
                        ),
                        node: None,
                        spread_key: format!("{ns}/{name}"),
                        ordinal: i,
                    });
                }
            }
            Resource::StatefulSet(s) => {
                let spec = s.spec.as_ref();
                let template = spec.map(|s| &s.template);
                let replicas = spec.and_then(|s| s.replicas).unwrap_or(1).max(0) as usize;
                let service_name = spec.and_then(|s| s.service_name.clone());
                for i in 0..replicas {
                    let pod_name = format!("{name}-{i}");
                    let mut pod = pod_from_template(
                        template,
                        &ns,
                        pod_name.clone(),
                        &[("statefulset.kubernetes.io/pod-name", pod_name.clone())],
                        owner("apps/v1", "StatefulSet", &name),
                    );
                    // The StatefulSet controller gives each pod a stable DNS
                    // identity under the governing (headless) Service.
                    let pspec = pod.spec.get_or_insert_with(PodSpec::default);
                    pspec.hostname = Some(pod_name);
                    if let Some(svc) = &service_name {
                        pspec.subdomain = Some(svc.clone());
                    }
                    wanted.push(Wanted {
                        pod,
                        node: None,
                        spread_key: format!("{ns}/{name}"),
                        ordinal: i,
                    });
                }
            }
            Resource::DaemonSet(d) => {
                let template = d.spec.as_ref().map(|s| &s.template);
                let tspec = template.and_then(|t| t.spec.as_ref());
                for n in nodes.iter().filter(|n| fits(tspec, n, true)) {
                    let pod_name = format!(
                        "{name}-{}",
                        safe_suffix(fnv1a(&format!("{ns}/{name}/{}", n.name)), 5)
                    );
                    let mut pod = pod_from_template(
                        template,
                        &ns,
                        pod_name,
                        &[],
                        owner("apps/v1", "DaemonSet", &name),
                    );
                    pod.spec.get_or_insert_with(PodSpec::default).node_name = Some(n.name.clone());
                    wanted.push(Wanted {
                        pod,
                        node: Some(n.name.clone()),
                        spread_key: format!("{ns}/{name}"),
                        ordinal: 0,
                    });
                }
            }
            _ => {}
        }
    }
    schedule_and_address(wanted, nodes, previous_ips)
}

/// Whether a pod with `spec` may run on `node`: nodeSelector, taints (a
/// toleration with no key and operator Exists tolerates everything) and, for
/// the scheduler but not DaemonSets, cordoning.
fn fits(spec: Option<&PodSpec>, node: &NodeInfo, daemon: bool) -> bool {
    if node.unschedulable && !daemon {
        return false;
    }
    if let Some(sel) = spec.and_then(|s| s.node_selector.as_ref())
        && !sel.iter().all(|(k, v)| node.labels.get(k) == Some(v))
    {
        return false;
    }
    let tolerations = spec
        .and_then(|s| s.tolerations.as_deref())
        .unwrap_or_default();
    node.taints.iter().all(|(key, value)| {
        tolerations.iter().any(|t| {
            let op = t.operator.as_deref().unwrap_or("Equal");
            match t.key.as_deref() {
                None | Some("") => op == "Exists",
                Some(k) if k == key => op == "Exists" || t.value.as_deref().unwrap_or("") == value,
                _ => false,
            }
        })
    })
}

fn schedule_and_address(
    wanted: Vec<Wanted>,
    nodes: &[NodeInfo],
    previous_ips: &BTreeMap<String, IpAddr>,
) -> Vec<Pod> {
    let mut pods: Vec<Pod> = Vec::with_capacity(wanted.len());
    for w in wanted {
        let mut pod = w.pod;
        if pod.status.is_some() {
            // A pod with a stated status is a fact from a live cluster: a
            // Pending one stays unscheduled, a Running one stays where it is.
            pods.push(pod);
            continue;
        }
        let node = w.node.or_else(|| {
            let eligible: Vec<&NodeInfo> = nodes
                .iter()
                .filter(|n| fits(pod.spec.as_ref(), n, false))
                .collect();
            if eligible.is_empty() {
                return None;
            }
            // Spread one workload's replicas round-robin from a start chosen by
            // its name: stable when other workloads change.
            let start = (fnv1a(&w.spread_key) % eligible.len() as u64) as usize;
            Some(eligible[(start + w.ordinal) % eligible.len()].name.clone())
        });
        if let Some(n) = &node {
            pod.spec.get_or_insert_with(PodSpec::default).node_name = Some(n.clone());
        }
        pods.push(pod);
    }
    // Addresses are handed out in name order, so collisions resolve the
    // same way whatever order the manifest lists its objects in.
    pods.sort_by(|a, b| {
        (&a.metadata.namespace, &a.metadata.name).cmp(&(&b.metadata.namespace, &b.metadata.name))
    });
    // Addresses: honour stated pod IPs first, then the previous build's,
    // then a hash-chosen free address in the node's podCIDR.
    let mut used: BTreeSet<IpAddr> = BTreeSet::new();
    for p in &pods {
        if let Some(ip) = p
            .status
            .as_ref()
            .and_then(|s| s.pod_ip.as_deref())
            .and_then(|ip| ip.parse().ok())
        {
            used.insert(ip);
        }
    }
    let key = |p: &Pod| {
        format!(
            "{}/{}",
            p.metadata.namespace.as_deref().unwrap_or("default"),
            p.metadata.name.as_deref().unwrap_or("")
        )
    };
    let mut need: Vec<usize> = Vec::new();
    for (i, p) in pods.iter_mut().enumerate() {
        if p.status.is_some() {
            continue;
        }
        let node = p.spec.as_ref().and_then(|s| s.node_name.as_deref());
        let cidr = node
            .and_then(|n| nodes.iter().find(|x| x.name == n))
            .and_then(|n| n.pod_cidr);
        match (previous_ips.get(&key(p)), cidr) {
            (Some(ip), Some(c)) if c.contains(*ip) && used.insert(*ip) => {
                set_running(p, *ip, nodes)
            }
            _ => need.push(i),
        }
    }
    for i in need {
        let p = &mut pods[i];
        let node = p.spec.as_ref().and_then(|s| s.node_name.clone());
        let cidr = node
            .as_deref()
            .and_then(|n| nodes.iter().find(|x| x.name == n))
            .and_then(|n| n.pod_cidr);
        let Some(cidr) = cidr else {
            // Unschedulable: Pending, no IP, as a real cluster would show it.
            p.status = Some(PodStatus {
                phase: Some("Pending".to_owned()),
                conditions: Some(vec![PodCondition {
                    type_: "PodScheduled".to_owned(),
                    status: "False".to_owned(),
                    reason: Some("Unschedulable".to_owned()),
                    ..PodCondition::default()
                }]),
                ..PodStatus::default()
            });
            continue;
        };
        // Host offsets 2.. leave .1 for the node's bridge, as CNIs do.
        let size = cidr.size().min(1 << 16);
        let span = size.saturating_sub(3).max(1);
        let start = u128::from(fnv1a(&key(p))) % span;
        let ip = (0..span)
            .filter_map(|j| cidr.nth(2 + (start + j) % span))
            .find(|ip| !used.contains(ip));
        if let Some(ip) = ip {
            used.insert(ip);
            set_running(p, ip, nodes);
        }
    }
    pods
}

fn set_running(p: &mut Pod, ip: IpAddr, nodes: &[NodeInfo]) {
    let node = p.spec.as_ref().and_then(|s| s.node_name.as_deref());
    let host_ip = node
        .and_then(|n| nodes.iter().find(|x| x.name == n))
        .and_then(|n| n.address.clone());
    let condition = |t: &str| PodCondition {
        type_: t.to_owned(),
        status: "True".to_owned(),
        ..PodCondition::default()
    };
    let container_statuses = p.spec.as_ref().map(|s| {
        s.containers
            .iter()
            .map(|c| ContainerStatus {
                name: c.name.clone(),
                image: c.image.clone().unwrap_or_default(),
                ready: true,
                started: Some(true),
                restart_count: 0,
                state: Some(ContainerState {
                    running: Some(ContainerStateRunning::default()),
                    ..ContainerState::default()
                }),
                ..ContainerStatus::default()
            })
            .collect()
    });
    p.status = Some(PodStatus {
        phase: Some("Running".to_owned()),
        container_statuses,
        pod_ip: Some(ip.to_string()),
        pod_ips: Some(vec![PodIP { ip: ip.to_string() }]),
        host_ip,
        conditions: Some(vec![
            condition("PodScheduled"),
            condition("Initialized"),
            condition("ContainersReady"),
            condition("Ready"),
        ]),
        ..PodStatus::default()
    });
}

/// Whether the pod's Ready condition is True.
pub fn is_ready(p: &Pod) -> bool {
    p.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// The pod's IP, when it has one.
pub fn pod_ip(p: &Pod) -> Option<IpAddr> {
    p.status
        .as_ref()
        .and_then(|s| s.pod_ip.as_deref())
        .and_then(|ip| ip.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Vec<Pod> {
        let m = crate::decode::load(text);
        let nodes = node_infos(&crate::cluster::default_nodes());
        pods(&m.objects, &nodes, &BTreeMap::new())
    }

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n";

    #[test]
    fn a_deployment_makes_ready_pods_spread_over_nodes() {
        let pods = load(DEPLOY);
        assert_eq!(pods.len(), 3);
        let nodes: BTreeSet<_> = pods
            .iter()
            .filter_map(|p| p.spec.as_ref().and_then(|s| s.node_name.clone()))
            .collect();
        assert_eq!(nodes.len(), 3, "one replica per node");
        for p in &pods {
            assert!(is_ready(p));
            let name = p.metadata.name.as_deref().unwrap_or("");
            assert!(
                name.starts_with("web-") && name.len() == "web-".len() + 10 + 1 + 5,
                "{name}"
            );
            let ip = pod_ip(p).expect("an IP");
            let node = p
                .spec
                .as_ref()
                .and_then(|s| s.node_name.clone())
                .unwrap_or_default();
            let i: u8 = node.trim_start_matches("node-").parse().expect("node-N");
            assert!(
                Cidr::parse(&format!("10.244.{i}.0/24"))
                    .expect("cidr")
                    .contains(ip)
            );
        }
    }

    #[test]
    fn scaling_up_keeps_existing_pods() {
        let before = load(DEPLOY);
        let after = load(&DEPLOY.replace("replicas: 3", "replicas: 4"));
        for p in &before {
            assert!(after.contains(p), "{:?} kept", p.metadata.name);
        }
    }

    #[test]
    fn statefulset_pods_have_ordinal_names_and_a_dns_identity() {
        let pods = load(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  replicas: 2\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers:\n      - name: pg\n        image: postgres\n",
        );
        let names: Vec<_> = pods
            .iter()
            .filter_map(|p| p.metadata.name.clone())
            .collect();
        assert_eq!(names, ["db-0", "db-1"]);
        assert_eq!(
            pods[1].spec.as_ref().and_then(|s| s.subdomain.as_deref()),
            Some("db")
        );
    }
}
