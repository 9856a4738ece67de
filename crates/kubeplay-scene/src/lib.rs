//! kubeplay's diagram: turns a built [`Cluster`] into a laid-out [`Scene`]
//! (boxes with stable positions, and the edges between them) and renders it
//! as a standalone SVG document ([`to_svg`]).
//!
//! Coordinates are SVG user units with the origin at the top left and y
//! growing downwards; every `x`/`y` is the top-left corner of a box.
//!
//! **Stability:** the layout is a pure function of the cluster. Everything is
//! sorted by name (never by input order or hash), and every box has a fixed
//! size that does not depend on its text, so editing one field of one
//! Service (its port, its type) moves nothing else: the app can animate
//! packets over positions that stay put while the learner types.
//!
//! Like the core, this crate does no IO, reads no clock and knows no browser.

mod svg;

pub use svg::{Motion, SvgOptions, SvgPart, SvgParts, to_svg, to_svg_parts};

use kubeplay_core::Cluster;
use std::collections::{BTreeMap, BTreeSet};

/// The address the simulated internet client uses (`external` in the CLI).
pub const EXTERNAL_CLIENT_IP: &str = "203.0.113.10";

/// More pods than this of one workload on one node collapse into a
/// [`PodGroup`](Element::kind) element, so a 50-replica Deployment stays a
/// readable picture.
pub const COLLAPSE_ABOVE: usize = 6;

/// At most this many nodes side by side; more wrap into further rows, so
/// the picture never gets too wide to read on a phone.
pub const NODES_PER_ROW: usize = 4;

/// A laid-out diagram of one cluster. Units are SVG user units, y down.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    /// The whole picture's width.
    pub width: f32,
    /// The whole picture's height.
    pub height: f32,
    /// Every box, parents before their children (the cluster boundary
    /// first, then the outside world, Services, nodes, pods).
    pub elements: Vec<Element>,
    /// The relations drawn between boxes, in a stable order.
    pub edges: Vec<Edge>,
    /// The NodePort openings drawn on every node's top edge.
    pub openings: Vec<Opening>,
    /// Small headings that are not objects: each workload's name above its
    /// pods inside a node.
    pub captions: Vec<Caption>,
}

/// A small heading drawn in the diagram, e.g. a workload's name above its
/// pods in a node.
#[derive(Clone, Debug, PartialEq)]
pub struct Caption {
    /// The text.
    pub text: String,
    /// Left end of the text's baseline.
    pub x: f32,
    /// The baseline.
    pub y: f32,
    /// The element it sits in.
    pub parent: String,
}

/// One box of the diagram.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Element {
    /// A stable id in [`kubeplay_core::trace::Waypoint::id`]'s format
    /// (`Pod/ns/name`, `Node/name`, `Service/ns/name`,
    /// `CloudLoadBalancer/ns/name`, `ExternalClient/203.0.113.10`,
    /// `IngressController`, `ExternalHost/db.example.com`), plus `Cluster`
    /// for the boundary, `Unscheduled` for the band of Pending pods, and
    /// `Group/ns/workload/node` for collapsed pods (`Group/ns/workload/` when
    /// Pending), so a trace's path maps straight onto boxes.
    pub id: String,
    /// The DOM `data-kind` (DESIGN.md): Service, Pod, Node, ExternalClient,
    /// CloudLoadBalancer, ExternalHost, IngressController, plus Cluster,
    /// Unscheduled (the band of Pending pods) and PodGroup.
    pub kind: &'static str,
    /// The namespace of namespaced kinds (Service, Pod, PodGroup, CloudLoadBalancer).
    pub namespace: Option<String>,
    /// The object's name (for simulated things: their address or host name).
    pub name: String,
    /// Services only: ClusterIP, NodePort, LoadBalancer or ExternalName
    /// (a headless Service is ClusterIP, with "headless" in its lines).
    pub service_type: Option<String>,
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
    /// The heading, in full (renderers shorten it to fit and keep the full
    /// text as a tooltip).
    pub title: String,
    /// The lines under the heading, e.g. `["LoadBalancer", "10.96.1.2", "80:31178/TCP"]`.
    pub lines: Vec<String>,
    /// The enclosing element's id: a pod's node, a node's cluster.
    pub parent: Option<String>,
    /// Pods and pod groups: whether every pod in it is Ready.
    pub ready: Option<bool>,
    /// PodGroups only: the names of the pods it stands for, sorted, so a
    /// trace through one of them can find its box.
    pub members: Vec<String>,
}

impl Element {
    /// The centre of the box, where packets pass.
    pub fn centre(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// What an edge means; renderers style each kind differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeKind {
    /// A Service's selector matches the pod (or the pods of a group).
    Selector,
    /// A NodePort or LoadBalancer Service opens its NodePort on the node.
    NodePort,
    /// The cloud load balancer forwards to its Service's NodePorts.
    LoadBalancer,
    /// The Ingress controller proxies to a backend Service's endpoints.
    Ingress,
    /// An ExternalName Service is a DNS alias for an outside host.
    ExternalName,
    /// CoreDNS answers for the Service (drawn for ExternalName Services,
    /// which exist only in DNS).
    Dns,
}

/// A relation between two elements, by id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    /// The element the relation starts at.
    pub from: String,
    /// The element it points to.
    pub to: String,
    /// What it means.
    pub kind: EdgeKind,
}

/// A NodePort opening on a node's top edge ("NodePort 30080"); every node
/// shows one per NodePort of every NodePort or LoadBalancer Service.
/// Openings that do not fit on the edge are summarised as one `+N` opening
/// with `node_port` 0.
#[derive(Clone, Debug, PartialEq)]
pub struct Opening {
    /// The node's element id.
    pub node: String,
    /// The Service's element id (empty for the `+N` summary).
    pub service: String,
    /// The port number, or 0 for the summary.
    pub node_port: i32,
    /// What the tab says: the port, or `+N`.
    pub label: String,
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

impl Scene {
    /// The element with this id.
    pub fn element(&self, id: &str) -> Option<&Element> {
        self.elements.iter().find(|e| e.id == id)
    }

    /// Where packets pass through the element with this id: its centre.
    /// A pod that was collapsed into a group answers with its group's centre.
    pub fn anchor(&self, id: &str) -> Option<(f32, f32)> {
        if let Some(e) = self.element(id) {
            return Some(e.centre());
        }
        let (ns, name) = id.strip_prefix("Pod/")?.split_once('/')?;
        self.elements
            .iter()
            .filter(|e| e.kind == "PodGroup" && e.namespace.as_deref() == Some(ns))
            .find(|e| e.members.iter().any(|m| m == name))
            .map(Element::centre)
    }
}

/// The title of exported SVGs (`kubeplay render` and the app's downloads).
pub const EXPORT_TITLE: &str = "Kubernetes cluster drawn by kubeplay";

/// The SVG `kubeplay render` writes and the app downloads: the light
/// palette, [`EXPORT_TITLE`], and with `animate` the [`motions`] of the
/// cluster's showcase requests.
pub fn export_svg(cluster: &Cluster, animate: bool, dark: bool) -> String {
    let scene = layout(cluster);
    let motions = if animate {
        motions(cluster, &scene)
    } else {
        Vec::new()
    };
    to_svg(
        &scene,
        &SvgOptions {
            dark,
            title: Some(EXPORT_TITLE.to_owned()),
            motions,
            ..SvgOptions::default()
        },
    )
}

/// The requests an animated export draws: the cluster's showcase requests
/// ([`kubeplay_core::showcase::showcase_requests`]), each traced with a fixed
/// seed (its position, so the output is deterministic) and mapped onto the
/// scene's anchors. Waypoints without a box are skipped, as is a request
/// left with fewer than two points.
pub fn motions(cluster: &Cluster, scene: &Scene) -> Vec<Motion> {
    use kubeplay_core::trace::{Source, Target, trace};
    let mut out = Vec::new();
    for (i, (from, to)) in kubeplay_core::showcase::showcase_requests(cluster)
        .into_iter()
        .enumerate()
    {
        let (Ok(source), Ok(target)) = (Source::parse(&from), Target::parse(&to)) else {
            continue;
        };
        let t = trace(cluster, &source, &target, "TCP", i as u64 + 1);
        let mut points: Vec<(f32, f32)> = Vec::new();
        for p in t.path.iter().filter_map(|w| scene.anchor(&w.id())) {
            if points.last() != Some(&p) {
                points.push(p);
            }
        }
        if points.len() >= 2 {
            out.push(Motion {
                verdict: t.verdict.as_str().to_owned(),
                points,
            });
        }
    }
    out
}

// Geometry, in SVG user units. Fixed sizes (never measured from text) keep
// positions independent of what the boxes say.
const MARGIN: f32 = 16.0;
const EXT_W: f32 = 168.0;
const EXT_H: f32 = 52.0;
const EXT_GAP: f32 = 12.0;
/// The cluster boundary's left edge; the gap before it is the gutter
/// where edges from outside run.
pub(crate) const CLUSTER_X: f32 = MARGIN + EXT_W + 40.0;
const CLUSTER_PAD: f32 = 16.0;
const HEADER_H: f32 = 64.0;
const SYS_W: f32 = 128.0;
const SYS_H: f32 = 40.0;
const SVC_W: f32 = 128.0;
const SVC_H: f32 = 72.0;
const SVC_GAP: f32 = 16.0;
const BAND_GAP: f32 = 44.0;
const NODE_W: f32 = 176.0;
const NODE_GAP: f32 = 16.0;
const NODE_HEADER: f32 = 60.0;
const NODE_PAD: f32 = 12.0;
const GROUP_LABEL: f32 = 16.0;
const GROUP_GAP: f32 = 8.0;
pub(crate) const POD_W: f32 = NODE_W - 2.0 * NODE_PAD;
const POD_H: f32 = 36.0;
const POD_GAP: f32 = 6.0;
const TAB_W: f32 = 44.0;
const TAB_H: f32 = 16.0;
const TAB_GAP: f32 = 4.0;
/// The inner width needed for the header: the label and two system Services.
const MIN_INNER_W: f32 = 3.0 * SVC_W + 2.0 * SVC_GAP;

/// What the layout needs of a Service, read once.
struct Svc {
    ns: String,
    name: String,
    ty: String,
    headless: bool,
    cluster_ip: String,
    ports: Vec<String>,
    node_ports: Vec<i32>,
    lb_ip: Option<String>,
    external_name: Option<String>,
    selector: Option<BTreeMap<String, String>>,
}

impl Svc {
    fn id(&self) -> String {
        format!("Service/{}/{}", self.ns, self.name)
    }

    /// `default/kubernetes` and `kube-system` Services go to the small
    /// "system" corner: every cluster has them, and they are not the lesson.
    fn is_system(&self) -> bool {
        self.ns == "kube-system" || (self.ns == "default" && self.name == "kubernetes")
    }
}

/// What the layout needs of a pod.
struct PodInfo {
    ns: String,
    name: String,
    /// Empty for a pod no node took (Pending).
    node: String,
    /// Why it is not scheduled: the PodScheduled condition's message.
    pending: Option<String>,
    workload: String,
    ip: String,
    ready: bool,
    labels: BTreeMap<String, String>,
}

fn services(cluster: &Cluster) -> Vec<Svc> {
    let mut out: Vec<Svc> = cluster
        .services
        .iter()
        .map(|s| {
            let spec = s.spec.as_ref();
            let ty = spec
                .and_then(|s| s.type_.clone())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| "ClusterIP".to_owned());
            let cluster_ip = spec.and_then(|s| s.cluster_ip.clone()).unwrap_or_default();
            let headless = cluster_ip == "None";
            let mut ports = Vec::new();
            let mut node_ports = Vec::new();
            for p in spec.and_then(|s| s.ports.as_ref()).into_iter().flatten() {
                let proto = p.protocol.as_deref().unwrap_or("TCP");
                match p.node_port {
                    Some(np) if ty == "NodePort" || ty == "LoadBalancer" => {
                        ports.push(format!("{}:{np}/{proto}", p.port));
                        node_ports.push(np);
                    }
                    _ => ports.push(format!("{}/{proto}", p.port)),
                }
            }
            let lb_ip = kubeplay_core::cluster::first_lb_ingress(s)
                .and_then(|i| i.ip.clone().or_else(|| i.hostname.clone()))
                .filter(|_| ty == "LoadBalancer");
            Svc {
                ns: s
                    .metadata
                    .namespace
                    .clone()
                    .unwrap_or_else(|| "default".to_owned()),
                name: s.metadata.name.clone().unwrap_or_default(),
                external_name: spec
                    .and_then(|s| s.external_name.as_deref())
                    .filter(|_| ty == "ExternalName")
                    .map(|n| n.trim_end_matches('.').to_owned())
                    .filter(|n| !n.is_empty()),
                selector: spec
                    .and_then(|s| s.selector.clone())
                    .filter(|s| !s.is_empty() && ty != "ExternalName"),
                ty,
                headless,
                cluster_ip,
                ports,
                node_ports,
                lb_ip,
            }
        })
        .collect();
    kubeplay_core::order::sort_by(&mut out, |a, b| (&a.ns, &a.name).cmp(&(&b.ns, &b.name)));
    out
}

/// The workload a pod belongs to: its controller's name, with a
/// ReplicaSet's pod-template-hash dropped so a Deployment's pods read as
/// the Deployment; a pod without owner is its own workload.
fn workload_of(name: &str, owners: Option<&[(String, String)]>) -> String {
    if let Some((kind, owner)) = owners.and_then(|o| o.first()) {
        if kind == "ReplicaSet"
            && let Some((head, hash)) = owner.rsplit_once('-')
            && !head.is_empty()
            && hash.len() >= 5
            && hash.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return head.to_owned();
        }
        return owner.clone();
    }
    name.to_owned()
}

fn pods(cluster: &Cluster) -> Vec<PodInfo> {
    let known: BTreeSet<&str> = kubeplay_core::order::btree_set(
        cluster
            .nodes
            .iter()
            .filter_map(|n| n.metadata.name.as_deref()),
    );
    let mut out: Vec<PodInfo> = cluster
        .pods
        .iter()
        .map(|p| {
            let named = p
                .spec
                .as_ref()
                .and_then(|s| s.node_name.clone())
                .filter(|n| !n.is_empty());
            // A pod bound to a node the cluster does not have runs nowhere:
            // it is drawn with the Pending pods, not lost.
            let (node, pending) = match named {
                Some(n) if known.contains(n.as_str()) => (n, None),
                Some(n) => (
                    String::new(),
                    Some(format!("nodeName {n:?} is not a node of this cluster")),
                ),
                None => (
                    String::new(),
                    Some(
                        p.status
                            .as_ref()
                            .and_then(|s| s.conditions.as_ref())
                            .and_then(|c| c.iter().find(|c| c.type_ == "PodScheduled"))
                            .and_then(|c| c.message.clone().or_else(|| c.reason.clone()))
                            .unwrap_or_else(|| "no node takes it".to_owned()),
                    ),
                ),
            };
            let name = p.metadata.name.clone().unwrap_or_default();
            let owners: Option<Vec<(String, String)>> = p
                .metadata
                .owner_references
                .as_ref()
                .map(|o| o.iter().map(|r| (r.kind.clone(), r.name.clone())).collect());
            PodInfo {
                ns: p
                    .metadata
                    .namespace
                    .clone()
                    .unwrap_or_else(|| "default".to_owned()),
                workload: workload_of(&name, owners.as_deref()),
                name,
                node,
                pending,
                ip: kubeplay_core::workloads::pod_ip(p)
                    .map(|ip| ip.to_string())
                    .unwrap_or_else(|| "<none>".to_owned()),
                ready: kubeplay_core::workloads::is_ready(p),
                labels: p.metadata.labels.clone().unwrap_or_default(),
            }
        })
        .collect();
    kubeplay_core::order::sort_by(&mut out, |a, b| (&a.ns, &a.name).cmp(&(&b.ns, &b.name)));
    out
}

/// A node's name, InternalIP and podCIDR.
fn nodes(cluster: &Cluster) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = cluster
        .nodes
        .iter()
        .map(|n| {
            let addrs = n.status.as_ref().and_then(|s| s.addresses.as_ref());
            let ip = addrs
                .and_then(|a| {
                    a.iter()
                        .find(|a| a.type_ == "InternalIP")
                        .or_else(|| a.first())
                })
                .map(|a| a.address.clone())
                .unwrap_or_default();
            let cidr = n
                .spec
                .as_ref()
                .and_then(|s| s.pod_cidr.clone())
                .unwrap_or_default();
            (n.metadata.name.clone().unwrap_or_default(), ip, cidr)
        })
        .collect();
    kubeplay_core::order::sort(&mut out);
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// The Services every Ingress sends to, as `(namespace, name)`.
fn ingress_backends(cluster: &Cluster) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for ing in &cluster.ingresses {
        let ns = ing.metadata.namespace.as_deref().unwrap_or("default");
        let Some(spec) = ing.spec.as_ref() else {
            continue;
        };
        let default = spec
            .default_backend
            .as_ref()
            .and_then(|b| b.service.as_ref());
        let paths = spec
            .rules
            .iter()
            .flatten()
            .filter_map(|r| r.http.as_ref())
            .flat_map(|h| h.paths.iter())
            .filter_map(|p| p.backend.service.as_ref());
        for s in default.into_iter().chain(paths) {
            out.insert((ns.to_owned(), s.name.clone()));
        }
    }
    out
}

/// Places one workload's pods at `(x, y)` inside `parent`: its caption, then
/// a box per pod, or one PodGroup box beyond [`COLLAPSE_ABOVE`]. `node` is the
/// node's name, empty in the Pending band (whose pods show "Pending" rather
/// than an address). Returns the bottom of the last box.
fn place_group(
    (ns, workload): (&str, &str),
    group: &[&PodInfo],
    node: &str,
    parent: &str,
    (x, y): (f32, f32),
    captions: &mut Vec<Caption>,
    out: &mut Vec<Element>,
) -> f32 {
    captions.push(Caption {
        text: if ns == "default" {
            workload.to_owned()
        } else {
            format!("{ns}/{workload}")
        },
        x: x + 2.0,
        y: y + GROUP_LABEL - 4.0,
        parent: parent.to_owned(),
    });
    let mut y = y + GROUP_LABEL;
    if group.len() > COLLAPSE_ABOVE {
        let ready = group.iter().filter(|p| p.ready).count();
        let mut e = boxed(
            "PodGroup",
            format!("Group/{ns}/{workload}/{node}"),
            workload.to_owned(),
            (x, y, POD_W, POD_H),
        );
        e.namespace = Some(ns.to_owned());
        e.title = format!("{workload} ×{}", group.len());
        e.lines = vec![if node.is_empty() {
            format!("{} pending", group.len())
        } else {
            format!("{ready}/{} ready", group.len())
        }];
        e.members = group.iter().map(|p| p.name.clone()).collect();
        e.parent = Some(parent.to_owned());
        e.ready = Some(ready == group.len());
        out.push(e);
        return y + POD_H;
    }
    for p in group {
        let mut e = boxed(
            "Pod",
            format!("Pod/{}/{}", p.ns, p.name),
            p.name.clone(),
            (x, y, POD_W, POD_H),
        );
        e.namespace = Some(p.ns.clone());
        e.title = p.name.clone();
        e.lines = vec![if node.is_empty() {
            "Pending".to_owned()
        } else {
            p.ip.clone()
        }];
        e.parent = Some(parent.to_owned());
        e.ready = Some(p.ready);
        out.push(e);
        y += POD_H + POD_GAP;
    }
    y - POD_GAP
}

fn boxed(kind: &'static str, id: String, name: String, rect: (f32, f32, f32, f32)) -> Element {
    Element {
        id,
        kind,
        name,
        x: rect.0,
        y: rect.1,
        w: rect.2,
        h: rect.3,
        ..Element::default()
    }
}

fn service_element(s: &Svc, rect: (f32, f32, f32, f32), system: bool) -> Element {
    let mut e = boxed("Service", s.id(), s.name.clone(), rect);
    e.namespace = Some(s.ns.clone());
    e.service_type = Some(s.ty.clone());
    e.title = if s.ns == "default" || system {
        s.name.clone()
    } else {
        format!("{}/{}", s.ns, s.name)
    };
    e.parent = Some("Cluster".to_owned());
    let ty = if s.headless {
        format!("{} · headless", s.ty)
    } else {
        s.ty.clone()
    };
    e.lines = match &s.external_name {
        Some(host) => vec![ty, format!("CNAME {host}")],
        None if system => vec![s.cluster_ip.clone()],
        None => vec![ty, s.cluster_ip.clone(), s.ports.join(",")],
    };
    e
}

/// Lays a cluster out. See the crate documentation for the rules; the
/// result depends only on the cluster's contents, never on input order.
pub fn layout(cluster: &Cluster) -> Scene {
    let svcs = services(cluster);
    let pods = pods(cluster);
    let nodes = nodes(cluster);
    let backends = ingress_backends(cluster);
    let mut elements = Vec::new();
    let mut edges = Vec::new();

    // Inside the cluster: the widths follow from the node count alone, so
    // Service edits never reflow the rows.
    let per_row = nodes.len().clamp(1, NODES_PER_ROW);
    let inner_w = (per_row as f32 * (NODE_W + NODE_GAP) - NODE_GAP).max(MIN_INNER_W);
    let cols = (((inner_w + SVC_GAP) / (SVC_W + SVC_GAP)).floor() as usize).max(1);
    let top = MARGIN;
    let left = CLUSTER_X + CLUSTER_PAD;

    // The system corner: top right, small boxes.
    let (system, user): (Vec<&Svc>, Vec<&Svc>) = svcs.iter().partition(|s| s.is_system());
    let mut svc_elements = Vec::new();
    for (i, s) in system.iter().rev().enumerate() {
        let x = left + inner_w - (i as f32 + 1.0) * (SYS_W + SVC_GAP) + SVC_GAP;
        let y = top + (HEADER_H - SYS_H) / 2.0;
        svc_elements.push(service_element(s, (x, y, SYS_W, SYS_H), true));
    }
    svc_elements.reverse();
    let svc_top = top + HEADER_H;
    for (i, s) in user.iter().enumerate() {
        let x = left + (i % cols) as f32 * (SVC_W + SVC_GAP);
        let y = svc_top + (i / cols) as f32 * (SVC_H + SVC_GAP);
        svc_elements.push(service_element(s, (x, y, SVC_W, SVC_H), false));
    }
    let svc_rows = user.len().div_ceil(cols);
    let nodes_top = svc_top + svc_rows as f32 * (SVC_H + SVC_GAP) - SVC_GAP + BAND_GAP;
    let nodes_top = nodes_top.max(svc_top + BAND_GAP);

    // Pods, by node, then by workload (BTreeMap keeps both sorted by name).
    let mut by_node: BTreeMap<&str, BTreeMap<(&str, &str), Vec<&PodInfo>>> = BTreeMap::new();
    for p in pods.iter().filter(|p| !p.node.is_empty()) {
        by_node
            .entry(p.node.as_str())
            .or_default()
            .entry((p.ns.as_str(), p.workload.as_str()))
            .or_default()
            .push(p);
    }
    let empty = BTreeMap::new();
    let node_h = |name: &str| -> f32 {
        let groups = by_node.get(name).unwrap_or(&empty);
        let body: f32 = groups
            .values()
            .map(|g| {
                let n = if g.len() > COLLAPSE_ABOVE { 1 } else { g.len() };
                GROUP_LABEL + n as f32 * (POD_H + POD_GAP) - POD_GAP + GROUP_GAP
            })
            .sum();
        NODE_HEADER + body.max(POD_H) + NODE_PAD - if groups.is_empty() { 0.0 } else { GROUP_GAP }
    };
    let mut node_elements = Vec::new();
    let mut pod_elements = Vec::new();
    let mut captions = Vec::new();
    let mut row_y = nodes_top;
    for row in nodes.chunks(per_row) {
        // Nodes of one row share a height, so the row reads as one band.
        let h = row.iter().map(|n| node_h(&n.0)).fold(0.0, f32::max);
        for (i, (name, ip, cidr)) in row.iter().enumerate() {
            let x = left + i as f32 * (NODE_W + NODE_GAP);
            let id = format!("Node/{name}");
            let mut e = boxed("Node", id.clone(), name.clone(), (x, row_y, NODE_W, h));
            e.title = name.clone();
            e.lines = vec![ip.clone(), format!("pods {cidr}")];
            e.parent = Some("Cluster".to_owned());
            node_elements.push(e);
            let mut y = row_y + NODE_HEADER;
            for ((ns, workload), group) in by_node.get(name.as_str()).unwrap_or(&empty) {
                let bottom = place_group(
                    (ns, workload),
                    group,
                    name,
                    &id,
                    (x + NODE_PAD, y),
                    &mut captions,
                    &mut pod_elements,
                );
                y = bottom + GROUP_GAP;
            }
        }
        row_y += h + NODE_GAP;
    }
    // Pods no node takes (Pending): a dashed band under the nodes, one
    // column per workload in the nodes' grid, so they are seen, not lost.
    let mut pending: BTreeMap<(&str, &str), Vec<&PodInfo>> = BTreeMap::new();
    for p in pods.iter().filter(|p| p.node.is_empty()) {
        pending
            .entry((p.ns.as_str(), p.workload.as_str()))
            .or_default()
            .push(p);
    }
    let mut pending_band = None;
    if !pending.is_empty() {
        let group_h = |g: &[&PodInfo]| {
            let n = if g.len() > COLLAPSE_ABOVE { 1 } else { g.len() };
            GROUP_LABEL + n as f32 * (POD_H + POD_GAP) - POD_GAP
        };
        let groups: Vec<(&(&str, &str), &Vec<&PodInfo>)> = pending.iter().collect();
        // As many columns as node widths fit the band (at least the nodes').
        let cols = (((inner_w + NODE_GAP) / (NODE_W + NODE_GAP)).floor() as usize).max(1);
        let body: f32 = groups
            .chunks(cols)
            .map(|row| row.iter().map(|(_, g)| group_h(g)).fold(0.0, f32::max) + GROUP_GAP)
            .sum();
        // Each distinct reason once, in the order the groups show them.
        let mut reasons: Vec<String> = Vec::new();
        for p in groups.iter().flat_map(|(_, g)| g.iter()) {
            if let Some(r) = &p.pending
                && !reasons.contains(r)
            {
                reasons.push(r.clone());
            }
        }
        // A line of header for each reason past the first.
        let header = NODE_HEADER + 16.0 * reasons.len().saturating_sub(1) as f32;
        let h = header + body - GROUP_GAP + NODE_PAD;
        let id = "Unscheduled".to_owned();
        let count: usize = groups.iter().map(|(_, g)| g.len()).sum();
        let mut band = boxed(
            "Unscheduled",
            id.clone(),
            "pending".to_owned(),
            (left, row_y, inner_w, h),
        );
        band.title = format!("Pending: {count} pod(s) not scheduled");
        band.lines = reasons;
        band.parent = Some("Cluster".to_owned());
        pending_band = Some(band);
        let mut y = row_y + header;
        for row in groups.chunks(cols) {
            for (i, ((ns, workload), group)) in row.iter().enumerate() {
                place_group(
                    (ns, workload),
                    group,
                    "",
                    &id,
                    (left + i as f32 * (NODE_W + NODE_GAP) + NODE_PAD, y),
                    &mut captions,
                    &mut pod_elements,
                );
            }
            y += row.iter().map(|(_, g)| group_h(g)).fold(0.0, f32::max) + GROUP_GAP;
        }
        row_y += h + NODE_GAP;
    }
    let cluster_bottom = (row_y - NODE_GAP + CLUSTER_PAD).max(nodes_top + CLUSTER_PAD);

    // NodePort openings: one tab per NodePort on every node's top edge,
    // ordered by port number, as many as fit plus a "+N" tab.
    let mut ports: Vec<(i32, String)> = svcs
        .iter()
        .flat_map(|s| s.node_ports.iter().map(move |np| (*np, s.id())))
        .collect();
    kubeplay_core::order::sort(&mut ports);
    ports.dedup();
    let fit = ((NODE_W - 2.0 * NODE_PAD + TAB_GAP) / (TAB_W + TAB_GAP)).floor() as usize;
    let mut openings = Vec::new();
    for n in &node_elements {
        let shown = if ports.len() > fit {
            fit - 1
        } else {
            ports.len()
        };
        for (i, (np, svc)) in ports.iter().take(shown).enumerate() {
            openings.push(Opening {
                node: n.id.clone(),
                service: svc.clone(),
                node_port: *np,
                label: np.to_string(),
                x: n.x + n.w - NODE_PAD - (i as f32 + 1.0) * (TAB_W + TAB_GAP) + TAB_GAP,
                y: n.y - TAB_H / 2.0,
                w: TAB_W,
                h: TAB_H,
            });
        }
        if ports.len() > shown {
            openings.push(Opening {
                node: n.id.clone(),
                service: String::new(),
                node_port: 0,
                label: format!("+{}", ports.len() - shown),
                x: n.x + n.w - NODE_PAD - (shown as f32 + 1.0) * (TAB_W + TAB_GAP) + TAB_GAP,
                y: n.y - TAB_H / 2.0,
                w: TAB_W,
                h: TAB_H,
            });
        }
    }

    // The outside world, on the left: the client, the Ingress controller,
    // then one slot per (non-system) Service, in the Services' order. A
    // LoadBalancer's cloud load balancer or an ExternalName's outside host
    // sits in its Service's slot, so a Service that changes type adds or
    // removes its own box and moves nothing else (compacting the column
    // would shift every box below).
    let mut outside = Vec::new();
    let mut y = svc_top;
    let mut client = boxed(
        "ExternalClient",
        format!("ExternalClient/{EXTERNAL_CLIENT_IP}"),
        EXTERNAL_CLIENT_IP.to_owned(),
        (MARGIN, y, EXT_W, EXT_H),
    );
    client.title = "internet client".to_owned();
    client.lines = vec![EXTERNAL_CLIENT_IP.to_owned()];
    outside.push(client);
    y += EXT_H + EXT_GAP;
    if !cluster.ingresses.is_empty() {
        let mut e = boxed(
            "IngressController",
            "IngressController".to_owned(),
            "ingress-controller".to_owned(),
            (MARGIN, y, EXT_W, EXT_H),
        );
        e.title = "Ingress controller".to_owned();
        e.lines = vec![kubeplay_core::cluster::INGRESS_CONTROLLER_IP.to_owned()];
        outside.push(e);
        y += EXT_H + EXT_GAP;
        // The Ingress objects the controller serves, each a small box under
        // it listing its hosts (sorted by namespace and name).
        let mut ingresses: Vec<&kubeplay_core::k8s::networking::Ingress> =
            cluster.ingresses.iter().collect();
        kubeplay_core::order::sort_by_key(&mut ingresses, |i| {
            (i.metadata.namespace.clone(), i.metadata.name.clone())
        });
        for ing in ingresses {
            let ns = ing
                .metadata
                .namespace
                .clone()
                .unwrap_or_else(|| "default".to_owned());
            let name = ing.metadata.name.clone().unwrap_or_default();
            let hosts: Vec<String> = ing
                .spec
                .iter()
                .flat_map(|s| s.rules.iter().flatten())
                .map(|r| r.host.clone().unwrap_or_else(|| "*".to_owned()))
                .collect();
            let h = EXT_H * 0.75;
            let mut e = boxed(
                "Ingress",
                format!("Ingress/{ns}/{name}"),
                name.clone(),
                (MARGIN + 12.0, y, EXT_W - 12.0, h),
            );
            e.namespace = Some(ns);
            e.title = format!("Ingress {name}");
            e.lines = vec![if hosts.is_empty() {
                "default backend".to_owned()
            } else {
                hosts.join(", ")
            }];
            outside.push(e);
            y += h + EXT_GAP;
        }
        for (ns, name) in &backends {
            edges.push(Edge {
                from: "IngressController".to_owned(),
                to: format!("Service/{ns}/{name}"),
                kind: EdgeKind::Ingress,
            });
        }
    }
    let mut hosts_done = BTreeSet::new();
    for (k, s) in user.iter().enumerate() {
        let slot = (MARGIN, y + k as f32 * (EXT_H + EXT_GAP), EXT_W, EXT_H);
        if let Some(ip) = &s.lb_ip {
            let id = format!("CloudLoadBalancer/{}/{}", s.ns, s.name);
            let mut e = boxed("CloudLoadBalancer", id.clone(), s.name.clone(), slot);
            e.namespace = Some(s.ns.clone());
            e.title = format!("cloud LB: {}", s.name);
            e.lines = vec![ip.clone()];
            outside.push(e);
            edges.push(Edge {
                from: id,
                to: s.id(),
                kind: EdgeKind::LoadBalancer,
            });
        }
        // A host named by several Services sits in the first one's slot.
        if let Some(h) = &s.external_name
            && hosts_done.insert(h.as_str())
        {
            let mut e = boxed("ExternalHost", format!("ExternalHost/{h}"), h.clone(), slot);
            e.title = h.clone();
            e.lines = vec!["outside the cluster".to_owned()];
            outside.push(e);
        }
    }
    // System Services are never LoadBalancers or ExternalNames in practice;
    // if one is, its box goes below the slots.
    let mut y = y + user.len() as f32 * (EXT_H + EXT_GAP);
    for s in &system {
        let slot = (MARGIN, y, EXT_W, EXT_H);
        if let Some(ip) = &s.lb_ip {
            let id = format!("CloudLoadBalancer/{}/{}", s.ns, s.name);
            let mut e = boxed("CloudLoadBalancer", id.clone(), s.name.clone(), slot);
            e.namespace = Some(s.ns.clone());
            e.title = format!("cloud LB: {}", s.name);
            e.lines = vec![ip.clone()];
            outside.push(e);
            edges.push(Edge {
                from: id,
                to: s.id(),
                kind: EdgeKind::LoadBalancer,
            });
            y += EXT_H + EXT_GAP;
        }
        if let Some(h) = &s.external_name
            && hosts_done.insert(h.as_str())
        {
            let mut e = boxed("ExternalHost", format!("ExternalHost/{h}"), h.clone(), slot);
            e.title = h.clone();
            e.lines = vec!["outside the cluster".to_owned()];
            outside.push(e);
            y += EXT_H + EXT_GAP;
        }
    }
    kubeplay_core::order::sort_by(&mut outside, |a, b| a.y.total_cmp(&b.y));
    let outside_bottom = y - EXT_GAP;

    // Edges from Services: selectors (to each pod, or once to its group),
    // NodePorts, ExternalName targets and the DNS that answers for them.
    // Scheduled pods by (namespace, label, value), in pod order: a selector
    // looks up its first label's pods and checks the rest on those alone
    // (scanning every pod for every Service was quadratic at scale). Pending
    // pods get no line: they have no address to receive traffic at.
    let mut pods_by_label: BTreeMap<(&str, &str, &str), Vec<&PodInfo>> = BTreeMap::new();
    for p in pods.iter().filter(|p| !p.node.is_empty()) {
        for (k, v) in &p.labels {
            pods_by_label
                .entry((p.ns.as_str(), k.as_str(), v.as_str()))
                .or_default()
                .push(p);
        }
    }
    let collapsed: BTreeSet<(&str, &str, &str)> =
        kubeplay_core::order::btree_set(by_node.iter().flat_map(|(node, groups)| {
            groups
                .iter()
                .filter(|(_, g)| g.len() > COLLAPSE_ABOVE)
                .map(move |((ns, w), _)| (*ns, *w, *node))
        }));
    let has_dns = svcs
        .iter()
        .any(|s| s.ns == "kube-system" && s.name == "kube-dns");
    for s in &svcs {
        let sid = s.id();
        if let Some(sel) = &s.selector {
            let mut seen_groups = BTreeSet::new();
            let candidates = sel
                .iter()
                .next()
                .and_then(|(k, v)| pods_by_label.get(&(s.ns.as_str(), k.as_str(), v.as_str())));
            for p in candidates.into_iter().flatten() {
                if !sel.iter().all(|(k, v)| p.labels.get(k) == Some(v)) {
                    continue;
                }
                let key = (p.ns.as_str(), p.workload.as_str(), p.node.as_str());
                let to = if collapsed.contains(&key) {
                    if !seen_groups.insert(key) {
                        continue;
                    }
                    format!("Group/{}/{}/{}", p.ns, p.workload, p.node)
                } else {
                    format!("Pod/{}/{}", p.ns, p.name)
                };
                edges.push(Edge {
                    from: sid.clone(),
                    to,
                    kind: EdgeKind::Selector,
                });
            }
        }
        if !s.node_ports.is_empty() {
            // Every node opens the port (each node's tabs show it); the lines
            // go to the first row only, so they stay readable, and linear in
            // size, when nodes wrap into many rows.
            for n in node_elements.iter().take(per_row) {
                edges.push(Edge {
                    from: sid.clone(),
                    to: n.id.clone(),
                    kind: EdgeKind::NodePort,
                });
            }
        }
        if let Some(h) = &s.external_name {
            if has_dns {
                edges.push(Edge {
                    from: "Service/kube-system/kube-dns".to_owned(),
                    to: sid.clone(),
                    kind: EdgeKind::Dns,
                });
            }
            edges.push(Edge {
                from: sid.clone(),
                to: format!("ExternalHost/{h}"),
                kind: EdgeKind::ExternalName,
            });
        }
    }

    let width = CLUSTER_X + inner_w + 2.0 * CLUSTER_PAD + MARGIN;
    let height = cluster_bottom.max(outside_bottom) + MARGIN;
    let mut boundary = boxed(
        "Cluster",
        "Cluster".to_owned(),
        "cluster".to_owned(),
        (
            CLUSTER_X,
            top,
            inner_w + 2.0 * CLUSTER_PAD,
            cluster_bottom - top,
        ),
    );
    boundary.title = "cluster".to_owned();
    boundary.lines = vec![format!(
        "{} nodes · {} pods · {} Services",
        nodes.len(),
        pods.len(),
        svcs.len()
    )];
    elements.push(boundary);
    elements.extend(outside);
    elements.extend(svc_elements);
    elements.extend(node_elements);
    elements.extend(pending_band);
    elements.extend(pod_elements);
    Scene {
        width,
        height,
        elements,
        edges,
        openings,
        captions,
    }
}
