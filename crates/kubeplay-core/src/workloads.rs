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
//!
//! # What-if actions written into the workload
//!
//! The playground's actions ("delete this pod", "make this pod not ready")
//! are edits of the YAML text (see `edit.rs`), so they show in the editor and
//! survive sharing. A pod created by a workload has no text of its own, so
//! the action is recorded as an annotation on the owning workload, which
//! these controllers honour:
//!
//! - [`REPLACED_ANNOTATION`] `kubeplay.dev/replaced: "0:1,2:3"`: comma-separated
//!   `slot:generation` pairs. The slot is the replica's ordinal (Deployment,
//!   ReplicaSet, StatefulSet) or the node's name (DaemonSet). Generation `g > 0`
//!   means the pod of that slot was deleted `g` times: as a ReplicaSet would, the
//!   controller made a new pod with a new random suffix (here: the hash of the
//!   slot and the generation), so it has a new name and a new IP and the old one
//!   leaves the EndpointSlice. A StatefulSet recreates the same name (`db-1`),
//!   as the real controller does; a DaemonSet's replacement stays on its node.
//!   The replacement is scheduled again by the usual rule.
//! - [`NOT_READY_ANNOTATION`] `kubeplay.dev/not-ready: "web-7d4b9c8f5d-x2k9p"`:
//!   comma-separated pod names whose readiness probe fails: they run, keep their
//!   IP, and get `Ready=False` and `ContainersReady=False`, so EndpointSlices list
//!   them as not ready and kube-proxy sends them no traffic.

use crate::alloc::fnv1a;
use crate::k8s::core::{
    ContainerState, ContainerStateRunning, ContainerStatus, Node, Pod, PodCondition, PodIP,
    PodSpec, PodStatus, PodTemplateSpec,
};
use crate::k8s::meta::{ObjectMeta, OwnerReference};
use crate::k8s::resource::Quantity;
use crate::model::{Object, Resource};
use crate::net::Cidr;
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

/// The workload annotation that records deleted (and replaced) pods; see the
/// module documentation.
pub const REPLACED_ANNOTATION: &str = "kubeplay.dev/replaced";

/// The workload annotation that lists its pods whose readiness probe fails;
/// see the module documentation.
pub const NOT_READY_ANNOTATION: &str = "kubeplay.dev/not-ready";

/// Reads [`REPLACED_ANNOTATION`]: slot (ordinal or node name) to generation.
/// Malformed pairs are ignored, as a controller ignores annotations it
/// cannot read.
pub fn replacements(meta: &ObjectMeta) -> BTreeMap<String, u32> {
    let value = meta
        .annotations
        .as_ref()
        .and_then(|a| a.get(REPLACED_ANNOTATION))
        .map_or("", String::as_str);
    crate::order::btree_map(value.split(',').filter_map(|pair| {
        let (slot, generation) = pair.trim().rsplit_once(':')?;
        let generation = generation.trim().parse::<u32>().ok()?;
        let slot = slot.trim();
        (!slot.is_empty()).then(|| (slot.to_owned(), generation))
    }))
}

/// Writes the value of [`REPLACED_ANNOTATION`]: numeric slots in numeric
/// order, then node names, so the text reads naturally.
pub fn format_replacements(map: &BTreeMap<String, u32>) -> String {
    let mut pairs: Vec<(&String, &u32)> = map.iter().filter(|(_, g)| **g > 0).collect();
    crate::order::sort_by_key(&mut pairs, |(slot, _)| {
        (slot.parse::<u64>().map_or(u64::MAX, |n| n), (*slot).clone())
    });
    pairs
        .iter()
        .map(|(slot, g)| format!("{slot}:{g}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads [`NOT_READY_ANNOTATION`]: the names of the pods that are not ready.
pub fn not_ready(meta: &ObjectMeta) -> BTreeSet<String> {
    let value = meta
        .annotations
        .as_ref()
        .and_then(|a| a.get(NOT_READY_ANNOTATION))
        .map_or("", String::as_str);
    crate::order::btree_set(
        value
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned),
    )
}

/// The hash input for a replica's name suffix: generation 0 keeps the
/// original name, so adding the annotation renames only the replaced pod.
fn seed(base: String, generation: u32) -> String {
    if generation == 0 {
        base
    } else {
        format!("{base}#{generation}")
    }
}

/// Which workload created a pod, and in which slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodSource {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod's name.
    pub name: String,
    /// Index of the creating object in the `objects` passed in (a Pod
    /// written in the manifest is its own source).
    pub object: usize,
    /// The replica's slot: its ordinal, or the node's name for a DaemonSet.
    pub slot: String,
    /// How many times this slot's pod was replaced.
    pub generation: u32,
}

/// A pod the controllers want, before scheduling.
struct Wanted {
    pod: Pod,
    /// Index of the object that made it.
    source: usize,
    /// The replica's slot (ordinal or node name) and its generation.
    slot: String,
    generation: u32,
    /// Listed in the owner's [`NOT_READY_ANNOTATION`].
    not_ready: bool,
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
    /// How many pods the node takes: `status.allocatable.pods` (the
    /// `capacity` map stands in for an absent `allocatable` one), else the
    /// kubelet's default `maxPods` of 110 for a node that states neither.
    pub max_pods: usize,
}

/// The kubelet's default `maxPods`.
pub const DEFAULT_MAX_PODS: usize = 110;

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
                max_pods: {
                    // The API server copies capacity into allocatable only
                    // when allocatable is absent; the scheduler reads
                    // allocatable.pods (none stated: no room). A node with
                    // neither is one whose kubelet reports the default.
                    let status = n.status.as_ref();
                    let stated = status
                        .and_then(|s| s.allocatable.as_ref())
                        .or_else(|| status.and_then(|s| s.capacity.as_ref()));
                    match stated {
                        Some(m) => m
                            .get("pods")
                            .and_then(Quantity::as_count)
                            .map_or(0, |c| usize::try_from(c).unwrap_or(usize::MAX)),
                        None => DEFAULT_MAX_PODS,
                    }
                },
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

/// The `pod-template-hash` of a Deployment: a stable hash of its template as
/// written (every field, those kubeplay does not read included, so changing an
/// image or an env var rolls out a new ReplicaSet as it would), in the safe
/// alphabet, as the Deployment controller labels ReplicaSets and pods.
fn template_hash(o: &Object) -> String {
    let template = o.origin.node.get("spec").and_then(|s| s.get("template"));
    let json = template
        .map(|t| crate::json::to_string(&t.to_json()))
        .unwrap_or_default();
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
    schedule_and_address(wanted(objects, nodes), nodes, previous_ips)
}

/// Every pod the objects make (before scheduling), with what made it: the
/// what-if edits use it to find the workload that owns a pod.
pub fn pod_sources(objects: &[Object], nodes: &[NodeInfo]) -> Vec<PodSource> {
    wanted(objects, nodes)
        .into_iter()
        .map(|w| PodSource {
            namespace: w.pod.metadata.namespace.clone().unwrap_or_default(),
            name: w.pod.metadata.name.clone().unwrap_or_default(),
            object: w.source,
            slot: w.slot,
            generation: w.generation,
        })
        .collect()
}

fn wanted(objects: &[Object], nodes: &[NodeInfo]) -> Vec<Wanted> {
    let mut wanted: Vec<Wanted> = Vec::new();
    for (source, o) in objects.iter().enumerate() {
        let ns = namespace_of(o);
        let name = o.name().to_owned();
        let meta = o.resource.metadata();
        let replaced = meta.map(replacements).unwrap_or_default();
        let unready = meta.map(not_ready).unwrap_or_default();
        let generation = |slot: &str| replaced.get(slot).copied().unwrap_or(0);
        let mut push = |pod: Pod, node: Option<String>, ordinal: usize, slot: String| {
            let not_ready = pod
                .metadata
                .name
                .as_ref()
                .is_some_and(|n| unready.contains(n));
            wanted.push(Wanted {
                generation: generation(&slot),
                pod,
                source,
                slot,
                not_ready,
                node,
                spread_key: format!("{ns}/{name}"),
                ordinal,
            });
        };
        match &o.resource {
            Resource::Pod(p) => {
                let mut pod = p.clone();
                pod.metadata.namespace = Some(ns.clone());
                let node = p.spec.as_ref().and_then(|s| s.node_name.clone());
                push(pod, node, 0, String::new());
            }
            Resource::Deployment(d) => {
                let spec = d.spec.as_ref();
                let template = spec.map(|s| &s.template);
                let hash = template_hash(o);
                let rs = format!("{name}-{hash}");
                let replicas = spec.and_then(|s| s.replicas).unwrap_or(1).max(0) as usize;
                for i in 0..replicas {
                    let g = generation(&i.to_string());
                    let key = seed(format!("{ns}/{rs}/{i}"), g);
                    let pod_name = format!("{rs}-{}", safe_suffix(fnv1a(&key), 5));
                    let pod = pod_from_template(
                        template,
                        &ns,
                        pod_name,
                        &[("pod-template-hash", hash.clone())],
                        owner("apps/v1", "ReplicaSet", &rs),
                    );
                    push(pod, None, i, i.to_string());
                }
            }
            Resource::ReplicaSet(r) => {
                let spec = r.spec.as_ref();
                let template = spec.and_then(|s| s.template.as_ref());
                let replicas = spec.and_then(|s| s.replicas).unwrap_or(1).max(0) as usize;
                for i in 0..replicas {
                    let g = generation(&i.to_string());
                    let key = seed(format!("{ns}/{name}/{i}"), g);
                    let pod_name = format!("{name}-{}", safe_suffix(fnv1a(&key), 5));
                    let pod = pod_from_template(
                        template,
                        &ns,
                        pod_name,
                        &[],
                        owner("apps/v1", "ReplicaSet", &name),
                    );
                    push(pod, None, i, i.to_string());
                }
            }
            Resource::StatefulSet(s) => {
                let spec = s.spec.as_ref();
                let template = spec.map(|s| &s.template);
                let replicas = spec.and_then(|s| s.replicas).unwrap_or(1).max(0) as usize;
                let service_name = spec.and_then(|s| s.service_name.clone());
                for i in 0..replicas {
                    // A StatefulSet recreates a deleted pod under the same
                    // name: the identity belongs to the ordinal.
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
                    push(pod, None, i, i.to_string());
                }
            }
            Resource::DaemonSet(d) => {
                let template = d.spec.as_ref().map(|s| &s.template);
                let tspec = template.and_then(|t| t.spec.as_ref());
                for n in nodes.iter().filter(|n| fits(tspec, n, true)) {
                    let key = seed(format!("{ns}/{name}/{}", n.name), generation(&n.name));
                    let pod_name = format!("{name}-{}", safe_suffix(fnv1a(&key), 5));
                    let mut pod = pod_from_template(
                        template,
                        &ns,
                        pod_name,
                        &[],
                        owner("apps/v1", "DaemonSet", &name),
                    );
                    pod.spec.get_or_insert_with(PodSpec::default).node_name = Some(n.name.clone());
                    push(pod, Some(n.name.clone()), 0, n.name.clone());
                }
            }
            _ => {}
        }
    }
    wanted
}

/// Whether a pod with `spec` may run on `node`: nodeSelector, taints (a
/// toleration with no key and operator Exists tolerates everything) and, for
/// the scheduler but not DaemonSets, cordoning.
fn fits(spec: Option<&PodSpec>, node: &NodeInfo, daemon: bool) -> bool {
    misfit(spec, node, daemon).is_none()
}

/// Why a pod with `spec` may not run on `node`, in the scheduler's words,
/// or `None` when it may. The filters run in the default profile's order
/// (NodeUnschedulable, TaintToleration, NodeAffinity) and the first that
/// fails names the node's reason.
fn misfit(spec: Option<&PodSpec>, node: &NodeInfo, daemon: bool) -> Option<&'static str> {
    if node.unschedulable && !daemon {
        return Some("node(s) were unschedulable");
    }
    let tolerations = spec
        .and_then(|s| s.tolerations.as_deref())
        .unwrap_or_default();
    let untolerated = node.taints.iter().any(|(key, value)| {
        !tolerations.iter().any(|t| {
            let op = t.operator.as_deref().unwrap_or("Equal");
            match t.key.as_deref() {
                None | Some("") => op == "Exists",
                Some(k) if k == key => op == "Exists" || t.value.as_deref().unwrap_or("") == value,
                _ => false,
            }
        })
    });
    if untolerated {
        return Some("node(s) had untolerated taint(s)");
    }
    if let Some(sel) = spec.and_then(|s| s.node_selector.as_ref())
        && !sel.iter().all(|(k, v)| node.labels.get(k) == Some(v))
    {
        return Some("node(s) didn't match Pod's node affinity/selector");
    }
    None
}

/// The `PodScheduled=False` message of a pod no node takes, as the scheduler
/// writes it: each node's reason, counted, the `"<count> <reason>"` strings
/// sorted, then what preemption found (all pods have the default priority, so
/// a full node has no victims, and preemption cannot help a node a filter
/// rejects): `0/3 nodes are available: 1 node(s) were unschedulable, 2 Too
/// many pods. preemption: 0/3 nodes are available: 1 Preemption is not
/// helpful for scheduling, 2 No preemption victims found for incoming pod.`
fn unschedulable_message(spec: Option<&PodSpec>, nodes: &[NodeInfo], load: &[usize]) -> String {
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    let mut preemption: BTreeMap<&str, usize> = BTreeMap::new();
    for (n, &count) in nodes.iter().zip(load) {
        let (reason, after) = match misfit(spec, n, false) {
            Some(r) => (r, "Preemption is not helpful for scheduling"),
            None if count >= n.max_pods => (
                "Too many pods",
                "No preemption victims found for incoming pod",
            ),
            None => continue,
        };
        *reasons.entry(reason).or_default() += 1;
        *preemption.entry(after).or_default() += 1;
    }
    let counted = |m: &BTreeMap<&str, usize>| {
        let mut parts: Vec<String> = m.iter().map(|(r, c)| format!("{c} {r}")).collect();
        crate::order::sort(&mut parts);
        parts.join(", ")
    };
    let n = nodes.len();
    if reasons.is_empty() {
        format!("0/{n} nodes are available.")
    } else {
        format!(
            "0/{n} nodes are available: {}. preemption: 0/{n} nodes are available: {}.",
            counted(&reasons),
            counted(&preemption)
        )
    }
}

/// `namespace/name`, the key of a pod's remembered IP.
fn pod_key(p: &Pod) -> String {
    format!(
        "{}/{}",
        p.metadata.namespace.as_deref().unwrap_or("default"),
        p.metadata.name.as_deref().unwrap_or("")
    )
}

fn schedule_and_address(
    wanted: Vec<Wanted>,
    nodes: &[NodeInfo],
    previous_ips: &BTreeMap<String, IpAddr>,
) -> Vec<Pod> {
    let mut pods: Vec<Pod> = Vec::with_capacity(wanted.len());
    let not_ready: Vec<bool> = wanted.iter().map(|w| w.not_ready).collect();
    // Pods per node, against each node's maxPods: first those whose node is
    // already fixed (a stated status, a nodeName, a DaemonSet's), then each
    // pod the scheduler places, in manifest order.
    let index_of = |name: &str| nodes.iter().position(|n| n.name == name);
    let mut load: Vec<usize> = vec![0; nodes.len()];
    for w in &wanted {
        let fixed = match &w.pod.status {
            // A finished pod holds no place (the kubelet counts active pods).
            Some(s) if matches!(s.phase.as_deref(), Some("Succeeded" | "Failed")) => None,
            Some(_) => w.pod.spec.as_ref().and_then(|s| s.node_name.as_deref()),
            None => w.node.as_deref(),
        };
        if let Some(i) = fixed.and_then(index_of) {
            load[i] += 1;
        }
    }
    // A pod that ran in the previous build keeps its node, as a bound pod
    // does, while the node still takes it (a cordoned node lets its pods go,
    // see `edit::cordon`): scaling one workload up never pushes another's
    // running pods out, the new pods wait instead. Its node is the one whose
    // podCIDR holds its previous IP.
    let mut kept: Vec<Option<usize>> = vec![None; wanted.len()];
    for (k, w) in wanted.iter().enumerate() {
        if w.pod.status.is_some() || w.node.is_some() {
            continue;
        }
        let Some(ip) = previous_ips.get(&pod_key(&w.pod)) else {
            continue;
        };
        let spec = w.pod.spec.as_ref();
        if let Some(i) = (0..nodes.len()).find(|&i| {
            nodes[i].pod_cidr.is_some_and(|c| c.contains(*ip))
                && fits(spec, &nodes[i], false)
                && load[i] < nodes[i].max_pods
        }) {
            load[i] += 1;
            kept[k] = Some(i);
        }
    }
    let mut unplaced: Vec<Option<String>> = Vec::with_capacity(wanted.len());
    for (w, kept) in wanted.into_iter().zip(kept) {
        let mut pod = w.pod;
        if pod.status.is_some() {
            // A pod with a stated status is a fact from a live cluster: a
            // Pending one stays unscheduled, a Running one stays where it is.
            pods.push(pod);
            unplaced.push(None);
            continue;
        }
        let fixed = w.node.is_some() || kept.is_some();
        let node = w
            .node
            .or_else(|| kept.map(|i| nodes[i].name.clone()))
            .or_else(|| {
                // Cordoning is left out of the round so that cordoning (or
                // draining) a node moves only the pods that were on it, as a
                // drain does: the others keep their place.
                let fitting: Vec<usize> = (0..nodes.len())
                    .filter(|&i| fits(pod.spec.as_ref(), &nodes[i], true))
                    .collect();
                if fitting.is_empty() {
                    return None;
                }
                // Spread one workload's replicas round-robin from a start chosen by
                // its name: stable when other workloads change. A replica whose
                // node is cordoned or full goes to the next one in the round.
                let len = fitting.len();
                let first = (fnv1a(&w.spread_key) % len as u64) as usize + w.ordinal;
                (0..len)
                    .map(|k| fitting[(first + k) % len])
                    .find(|&i| {
                        fits(pod.spec.as_ref(), &nodes[i], false) && load[i] < nodes[i].max_pods
                    })
                    .map(|i| nodes[i].name.clone())
            });
        match &node {
            Some(n) => {
                if !fixed && let Some(i) = index_of(n) {
                    load[i] += 1;
                }
                pod.spec.get_or_insert_with(PodSpec::default).node_name = Some(n.clone());
                unplaced.push(None);
            }
            None => unplaced.push(Some(unschedulable_message(pod.spec.as_ref(), nodes, &load))),
        }
        pods.push(pod);
    }
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
    let key = pod_key;
    // Addresses are handed out in name order, so collisions resolve the
    // same way whatever order the manifest lists its objects in.
    let mut order: Vec<usize> = (0..pods.len()).collect();
    crate::order::sort_by_cached_key(&mut order, |&i| key(&pods[i]));
    let mut need: Vec<usize> = Vec::new();
    for i in order {
        let p = &mut pods[i];
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
    let mut full: Vec<Cidr> = Vec::new();
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
                    message: unplaced[i].clone(),
                    ..PodCondition::default()
                }]),
                ..PodStatus::default()
            });
            continue;
        };
        // Host offsets 2.. leave .1 for the node's bridge, as CNIs do.
        let size = cidr.size().min(1 << 16);
        let span = size.saturating_sub(3).max(1);
        // A full range is remembered so that each further pod does not probe
        // every address again (quadratic on large manifests).
        if full.contains(&cidr) {
            continue;
        }
        let start = u128::from(fnv1a(&key(p))) % span;
        let ip = (0..span)
            .filter_map(|j| cidr.nth(2 + (start + j) % span))
            .find(|ip| !used.contains(ip));
        match ip {
            Some(ip) => {
                used.insert(ip);
                set_running(p, ip, nodes);
            }
            None => full.push(cidr),
        }
    }
    for (p, not_ready) in pods.iter_mut().zip(not_ready) {
        if not_ready {
            fail_readiness(p);
        }
    }
    pods
}

/// A running pod whose readiness probe fails: it keeps its node and IP, but
/// its containers and the pod are not ready.
fn fail_readiness(p: &mut Pod) {
    let Some(status) = p.status.as_mut() else {
        return;
    };
    if status.phase.as_deref() != Some("Running") {
        return;
    }
    for c in status.conditions.iter_mut().flatten() {
        if c.type_ == "Ready" || c.type_ == "ContainersReady" {
            c.status = "False".to_owned();
            c.reason = Some("ContainersNotReady".to_owned());
        }
    }
    for c in status.container_statuses.iter_mut().flatten() {
        c.ready = false;
    }
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

    /// Pods of the whole cluster built from `text` (its own nodes, if any).
    fn built(text: &str) -> Vec<Pod> {
        crate::analyze(text).cluster.pods
    }

    fn scheduled_message(p: &Pod) -> Option<String> {
        p.status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == "PodScheduled"))
            .filter(|c| c.status == "False")
            .and_then(|c| c.message.clone())
    }

    #[test]
    fn a_full_node_takes_no_more_pods() {
        // Two nodes: one takes 2 pods (allocatable), one is cordoned.
        let nodes = "apiVersion: v1\nkind: Node\nmetadata: {name: a}\nstatus:\n  allocatable: {pods: \"2\"}\n  capacity: {pods: 110}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: b}\nspec: {unschedulable: true}\nstatus:\n  capacity: {pods: 4}\n";
        let text = format!(
            "{nodes}---\n{}",
            DEPLOY.replace("replicas: 3", "replicas: 4")
        );
        let web: Vec<Pod> = built(&text)
            .into_iter()
            .filter(|p| {
                p.metadata
                    .name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("web-"))
            })
            .collect();
        assert_eq!(web.len(), 4);
        let on_a = web
            .iter()
            .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some("a"))
            .count();
        // CoreDNS's two pods came first (system objects) and filled node a.
        let coredns_on_a = built(&text)
            .iter()
            .filter(|p| {
                p.metadata
                    .name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("coredns-"))
                    && p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some("a")
            })
            .count();
        assert_eq!(
            on_a + coredns_on_a,
            2,
            "allocatable.pods wins over capacity.pods"
        );
        let pending: Vec<String> = web.iter().filter_map(scheduled_message).collect();
        assert_eq!(pending.len(), 4 - on_a);
        assert!(
            pending.iter().all(|m| m
                == "0/2 nodes are available: 1 Too many pods, 1 node(s) were unschedulable. \
                        preemption: 0/2 nodes are available: 1 No preemption victims found for \
                        incoming pod, 1 Preemption is not helpful for scheduling."),
            "{pending:?}"
        );
    }

    #[test]
    fn the_default_max_pods_is_110() {
        let node = "apiVersion: v1\nkind: Node\nmetadata: {name: only}\n---\n";
        let text = format!("{node}{}", DEPLOY.replace("replicas: 3", "replicas: 120"));
        let pods = built(&text);
        let running = pods
            .iter()
            .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
            .count();
        assert_eq!(running, DEFAULT_MAX_PODS);
        let messages: BTreeSet<String> = pods.iter().filter_map(scheduled_message).collect();
        assert_eq!(
            messages,
            BTreeSet::from([
                "0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: \
                 1 No preemption victims found for incoming pod."
                    .to_owned()
            ])
        );
    }

    fn node_of_pod<'a>(pods: &'a [Pod], prefix: &str) -> Vec<Option<&'a str>> {
        pods.iter()
            .filter(|p| {
                p.metadata
                    .name
                    .as_deref()
                    .is_some_and(|n| n.starts_with(prefix))
            })
            .map(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()))
            .collect()
    }

    #[test]
    fn scaling_one_workload_up_never_pushes_out_anothers_running_pods() {
        let one = |name: &str, replicas: usize| {
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec: {{containers: [{{name: c, image: nginx}}]}}\n---\n"
            )
        };
        let node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {allocatable: {pods: \"4\"}}\n---\n";
        let before_text = format!("{node}{}{}", one("a", 1), one("b", 1));
        let before = crate::analyze(&before_text);
        assert_eq!(node_of_pod(&before.cluster.pods, "b-"), [Some("n1")]);
        let after_text = format!("{node}{}{}", one("a", 2), one("b", 1));
        let mut diagnostics = Vec::new();
        let after = crate::cluster::build_with(
            &crate::decode::load(&after_text),
            &before.cluster.allocations,
            &mut diagnostics,
        );
        // b keeps its node; a's new replica is the one that waits.
        assert_eq!(node_of_pod(&after.pods, "b-"), [Some("n1")]);
        let mut a = node_of_pod(&after.pods, "a-");
        crate::order::sort(&mut a);
        assert_eq!(a, [None, Some("n1")]);
        // Built fresh, the manifest places in its own order (no history).
        let fresh = crate::analyze(&after_text);
        assert_eq!(node_of_pod(&fresh.cluster.pods, "b-"), [None]);
    }

    #[test]
    fn stated_allocatable_without_pods_takes_none_and_finished_pods_hold_no_place() {
        let nodes = "apiVersion: v1\nkind: Node\nmetadata: {name: full}\nstatus:\n  allocatable: {cpu: \"2\"}\n  capacity: {pods: 110}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: one}\nstatus:\n  capacity: {pods: 1}\n---\n";
        let done = "apiVersion: v1\nkind: Pod\nmetadata: {name: done}\nspec: {nodeName: one, containers: [{name: c}]}\nstatus: {phase: Succeeded}\n---\n";
        let text = format!(
            "{nodes}{done}{}",
            DEPLOY.replace("replicas: 3", "replicas: 1")
        );
        let pods = built(&text);
        // CoreDNS takes the one place on `one` (node `full` states no pods);
        // the finished pod does not count.
        assert_eq!(node_of_pod(&pods, "coredns-").iter().flatten().count(), 1);
        let web = node_of_pod(&pods, "web-");
        assert_eq!(web, [None]);
    }

    #[test]
    fn a_tainted_node_reports_its_taint_before_a_selector_mismatch() {
        let node = "apiVersion: v1\nkind: Node\nmetadata: {name: gpu}\nspec:\n  taints: [{key: dedicated, value: gpu, effect: NoSchedule}]\n---\n";
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector: {disk: ssd}\n  containers: [{name: c}]\n";
        let pods = built(&format!("{node}{pod}"));
        let p = pods
            .iter()
            .find(|p| p.metadata.name.as_deref() == Some("p"))
            .and_then(scheduled_message);
        assert_eq!(
            p.as_deref(),
            Some(
                "0/1 nodes are available: 1 node(s) had untolerated taint(s). preemption: 0/1 nodes \
                 are available: 1 Preemption is not helpful for scheduling."
            )
        );
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

    #[test]
    fn a_replaced_ordinal_gets_a_new_name_and_the_others_keep_theirs() {
        let before = load(DEPLOY);
        let text = DEPLOY.replace(
            "  name: web\n",
            "  name: web\n  annotations:\n    kubeplay.dev/replaced: \"1:1\"\n",
        );
        let after = load(&text);
        let names = |pods: &[Pod]| -> Vec<String> {
            pods.iter()
                .filter_map(|p| p.metadata.name.clone())
                .collect()
        };
        let (b, a) = (names(&before), names(&after));
        assert_eq!(a.len(), 3);
        assert_eq!((b[0].clone(), b[2].clone()), (a[0].clone(), a[2].clone()));
        assert_ne!(a[1], b[1]);
        assert!(a[1].starts_with(&b[1][..b[1].len() - 5]), "same ReplicaSet");
    }

    #[test]
    fn the_replaced_annotation_reads_and_writes_slot_generation_pairs() {
        let meta = ObjectMeta {
            annotations: Some(BTreeMap::from([(
                REPLACED_ANNOTATION.to_owned(),
                " 10:1, 2:3,node-1:2,bad,x:y".to_owned(),
            )])),
            ..ObjectMeta::default()
        };
        let map = replacements(&meta);
        assert_eq!(map.len(), 3);
        assert_eq!(format_replacements(&map), "2:3,10:1,node-1:2");
    }

    #[test]
    fn a_listed_pod_is_running_but_not_ready() {
        let name = load(DEPLOY)[0].metadata.name.clone().unwrap_or_default();
        let text = DEPLOY.replace(
            "  name: web\n",
            &format!("  name: web\n  annotations:\n    kubeplay.dev/not-ready: \"{name}\"\n"),
        );
        let pods = load(&text);
        assert!(!is_ready(&pods[0]));
        assert!(pod_ip(&pods[0]).is_some(), "keeps its IP");
        assert!(is_ready(&pods[1]) && is_ready(&pods[2]));
    }

    #[test]
    fn cordoning_moves_only_the_pods_on_that_node() {
        let nodes = node_infos(&crate::cluster::default_nodes());
        let m = crate::decode::load(DEPLOY);
        let before = pods(&m.objects, &nodes, &BTreeMap::new());
        let node_of = |p: &Pod| p.spec.as_ref().and_then(|s| s.node_name.clone());
        let victim = node_of(&before[0]).unwrap_or_default();
        let mut cordoned = node_infos(&crate::cluster::default_nodes());
        for n in &mut cordoned {
            n.unschedulable = n.name == victim;
        }
        let after = pods(&m.objects, &cordoned, &BTreeMap::new());
        assert_ne!(node_of(&after[0]), Some(victim.clone()));
        assert_eq!(node_of(&after[1]), node_of(&before[1]));
        assert_eq!(node_of(&after[2]), node_of(&before[2]));
    }
}
