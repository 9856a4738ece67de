//! `kubectl get` output: the human-readable tables and the `-o json|yaml`
//! lists.
//!
//! The columns follow kubernetes `pkg/printers/internalversion/printers.go`
//! (`printService`, `printPod`, `printNode`, `printEndpointSlice`,
//! `printIngress`); the layout follows cli-runtime's table printer (upper-case
//! headers, `-o wide` columns, a leading NAMESPACE column with `-A` for
//! namespaced kinds, `kind/` name prefixes when several kinds are printed) and
//! its Go `text/tabwriter` settings (minimum width 6, padding 3, spaces); the
//! grouping, blank lines and "No resources found" follow kubectl's `get`
//! command.
//!
//! Fields the API server always defaults (Service `type` and port
//! `protocol`, object namespace, Pod phase) are read with those defaults when
//! absent, so a table is right whether or not the cluster build defaulted
//! them.

use crate::cluster::Cluster;
use crate::k8s::core::{Node, Pod, Service};
use crate::k8s::discovery::EndpointSlice;
use crate::k8s::meta::{ObjectMeta, Time};
use crate::k8s::networking::Ingress;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A resource kind `kubeplay get` can print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// v1 Service (`services`, `service`, `svc`).
    Service,
    /// v1 Pod (`pods`, `pod`, `po`).
    Pod,
    /// v1 Node (`nodes`, `node`, `no`); cluster-scoped.
    Node,
    /// discovery.k8s.io/v1 EndpointSlice (`endpointslices`, `endpointslice`).
    EndpointSlice,
    /// networking.k8s.io/v1 Ingress (`ingresses`, `ingress`, `ing`).
    Ingress,
}

impl Kind {
    /// Reads one resource name as kubectl accepts it: plural, singular, short
    /// name, or the plural qualified with its group (`ingresses.networking.k8s.io`).
    /// Case-insensitive, as kubectl's RESTMapper is.
    pub fn parse(name: &str) -> Option<Kind> {
        let lower = name.to_ascii_lowercase();
        let kind = match lower.as_str() {
            "services" | "service" | "svc" => Kind::Service,
            "pods" | "pod" | "po" => Kind::Pod,
            "nodes" | "node" | "no" => Kind::Node,
            "endpointslices"
            | "endpointslice"
            | "endpointslices.discovery.k8s.io"
            | "endpointslice.discovery.k8s.io" => Kind::EndpointSlice,
            "ingresses"
            | "ingress"
            | "ing"
            | "ingresses.networking.k8s.io"
            | "ingress.networking.k8s.io" => Kind::Ingress,
            _ => return None,
        };
        Some(kind)
    }

    /// Reads kubectl's comma-separated list (`svc,pods`), dropping repeats
    /// but keeping the order given, which is the order kubectl prints in.
    /// Returns the first unknown name as the error.
    pub fn parse_list(list: &str) -> Result<Vec<Kind>, String> {
        let mut out = Vec::new();
        for part in list.split(',') {
            let kind = Kind::parse(part.trim()).ok_or_else(|| part.to_owned())?;
            if !out.contains(&kind) {
                out.push(kind);
            }
        }
        Ok(out)
    }

    /// The `kind/` prefix kubectl puts before names when several kinds are
    /// printed: the lower-cased GroupKind (`service`, `ingress.networking.k8s.io`).
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Service => "service",
            Kind::Pod => "pod",
            Kind::Node => "node",
            Kind::EndpointSlice => "endpointslice.discovery.k8s.io",
            Kind::Ingress => "ingress.networking.k8s.io",
        }
    }

    /// Whether objects of this kind live in a namespace.
    pub fn namespaced(self) -> bool {
        self != Kind::Node
    }
}

/// Which namespaces `get` lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NamespaceFilter {
    /// One namespace (`-n NS`, or `default`).
    One(String),
    /// Every namespace (`-A`); adds the NAMESPACE column.
    All,
}

/// What a `get` printed, split the way kubectl splits it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Printed {
    /// The tables.
    pub stdout: String,
    /// `No resources found ...` when nothing was printed.
    pub stderr: String,
}

/// The namespace an object is in; the API server puts objects without one in
/// `default`.
fn namespace_of(meta: &ObjectMeta) -> &str {
    meta.namespace.as_deref().unwrap_or("default")
}

fn selected(meta: &ObjectMeta, kind: Kind, ns: &NamespaceFilter) -> bool {
    match ns {
        _ if !kind.namespaced() => true,
        NamespaceFilter::All => true,
        NamespaceFilter::One(n) => namespace_of(meta) == n,
    }
}

/// One table: the headers (already filtered for `-o wide`) and the rows.
struct Table {
    kind: Kind,
    headers: Vec<&'static str>,
    rows: Vec<(String, Vec<String>)>,
}

/// Prints `kubectl get KINDS [-n NS | -A] [-o wide]` over the cluster, with
/// `now` (Unix seconds) as the clock for AGE.
pub fn table(
    cluster: &Cluster,
    kinds: &[Kind],
    ns: &NamespaceFilter,
    wide: bool,
    now: i64,
) -> Printed {
    let tables: Vec<Table> = kinds
        .iter()
        .map(|&kind| build_table(cluster, kind, ns, wide, now))
        .collect();
    // kubectl prefixes names with their kind when the objects it got span
    // several kinds (`multipleGVKsRequested`), not merely when several were asked for.
    let with_kind = tables.iter().filter(|t| !t.rows.is_empty()).count() > 1;
    let mut stdout = String::new();
    for t in tables.iter().filter(|t| !t.rows.is_empty()) {
        // A blank line separates a table from output already written.
        if !stdout.is_empty() {
            stdout.push('\n');
        }
        let with_ns = *ns == NamespaceFilter::All && t.kind.namespaced();
        let mut lines: Vec<Vec<String>> = Vec::with_capacity(t.rows.len() + 1);
        let mut header: Vec<String> = Vec::new();
        if with_ns {
            header.push("NAMESPACE".to_owned());
        }
        header.extend(t.headers.iter().map(|h| (*h).to_owned()));
        lines.push(header);
        for (namespace, cells) in &t.rows {
            let mut line = Vec::with_capacity(cells.len() + 1);
            if with_ns {
                line.push(namespace.clone());
            }
            for (i, cell) in cells.iter().enumerate() {
                if i == 0 && with_kind {
                    line.push(format!("{}/{}", t.kind.prefix(), cell));
                } else {
                    line.push(cell.clone());
                }
            }
            lines.push(line);
        }
        stdout.push_str(&tabwrite(&lines));
    }
    let stderr = if stdout.is_empty() {
        match ns {
            NamespaceFilter::One(n) => format!("No resources found in {n} namespace.\n"),
            NamespaceFilter::All => "No resources found\n".to_owned(),
        }
    } else {
        String::new()
    };
    Printed { stdout, stderr }
}

fn build_table(cluster: &Cluster, kind: Kind, ns: &NamespaceFilter, wide: bool, now: i64) -> Table {
    // Wide-only columns come last in every kind we print, so `-o wide` is a
    // count of extra columns.
    let (all_headers, narrow): (&[&'static str], usize) = match kind {
        Kind::Service => (
            &[
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
                "SELECTOR",
            ],
            6,
        ),
        Kind::Pod => (
            &[
                "NAME",
                "READY",
                "STATUS",
                "RESTARTS",
                "AGE",
                "IP",
                "NODE",
                "NOMINATED NODE",
                "READINESS GATES",
            ],
            5,
        ),
        Kind::Node => (
            &[
                "NAME",
                "STATUS",
                "ROLES",
                "AGE",
                "VERSION",
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
            5,
        ),
        Kind::EndpointSlice => (&["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], 5),
        Kind::Ingress => (&["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], 6),
    };
    let headers = if wide {
        all_headers.to_vec()
    } else {
        all_headers[..narrow].to_vec()
    };
    let mut rows = Vec::new();
    let mut push = |meta: &ObjectMeta, cells: Vec<String>| {
        if selected(meta, kind, ns) {
            rows.push((namespace_of(meta).to_owned(), cells));
        }
    };
    match kind {
        Kind::Service => {
            for s in &cluster.services {
                push(&s.metadata, service_row(s, wide, now));
            }
        }
        Kind::Pod => {
            for p in &cluster.pods {
                push(&p.metadata, pod_row(p, wide, now));
            }
        }
        Kind::Node => {
            for n in &cluster.nodes {
                push(&n.metadata, node_row(n, wide, now));
            }
        }
        Kind::EndpointSlice => {
            for s in &cluster.endpoint_slices {
                push(&s.metadata, endpoint_slice_row(s, now));
            }
        }
        Kind::Ingress => {
            for i in &cluster.ingresses {
                push(&i.metadata, ingress_row(i, wide, now));
            }
        }
    }
    Table {
        kind,
        headers,
        rows,
    }
}

/// Lays out tab-separated cells as Go's `text/tabwriter` does with kubectl's
/// settings: every column but a line's last is as wide as its widest cell plus
/// 3, and at least 6; the last cell is written as is. Widths count characters.
pub fn tabwrite(lines: &[Vec<String>]) -> String {
    const MIN_WIDTH: usize = 6;
    const PADDING: usize = 3;
    let mut widths: Vec<usize> = Vec::new();
    for line in lines {
        for (i, cell) in line.iter().enumerate().take(line.len().saturating_sub(1)) {
            let w = (cell.chars().count() + PADDING).max(MIN_WIDTH);
            if i >= widths.len() {
                widths.push(w);
            } else if w > widths[i] {
                widths[i] = w;
            }
        }
    }
    let mut out = String::new();
    for line in lines {
        let last = line.len().saturating_sub(1);
        for (i, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if i < last {
                let width = widths.get(i).copied().unwrap_or(MIN_WIDTH);
                for _ in cell.chars().count()..width {
                    out.push(' ');
                }
            }
        }
        out.push('\n');
    }
    out
}

/// apimachinery's `duration.HumanDuration`, on whole seconds: about two
/// significant figures (`45s`, `5m30s`, `15m`, `3h20m`, `10h`, `3d4h`, `20d`, `2y30d`).
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".to_owned();
    }
    if seconds < 0 {
        return "0s".to_owned();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// AGE: `<unknown>` without a timestamp (kubectl's `translateTimestampSince`).
fn age(ts: Option<&Time>, now: i64) -> String {
    match ts {
        Some(t) => human_duration(now - t.0.as_second()),
        None => "<unknown>".to_owned(),
    }
}

/// `labels.FormatLabels`: `k=v` sorted by key, `<none>` when empty.
fn format_labels(labels: Option<&BTreeMap<String, String>>) -> String {
    match labels {
        Some(m) if !m.is_empty() => m
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
        _ => "<none>".to_owned(),
    }
}

/// Load-balancer ingress points: IPs, or hostnames where no IP is set, sorted
/// and de-duplicated, cut to 13 characters + `...` beyond 16 unless wide.
fn lb_addresses<'a>(
    points: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>,
    wide: bool,
) -> String {
    const WIDTH: usize = 16;
    let mut set = BTreeSet::new();
    for (ip, hostname) in points {
        match (
            ip.filter(|s| !s.is_empty()),
            hostname.filter(|s| !s.is_empty()),
        ) {
            (Some(ip), _) => {
                set.insert(ip);
            }
            (None, Some(h)) => {
                set.insert(h);
            }
            _ => {}
        }
    }
    let joined = set.into_iter().collect::<Vec<_>>().join(",");
    if !wide && joined.len() > WIDTH {
        let cut: String = joined.chars().take(WIDTH - 3).collect();
        format!("{cut}...")
    } else {
        joined
    }
}

fn service_row(svc: &Service, wide: bool, now: i64) -> Vec<String> {
    let spec = svc.spec.as_ref();
    let svc_type = spec.and_then(|s| s.type_.as_deref()).unwrap_or("ClusterIP");
    let cluster_ip = spec
        .and_then(|s| {
            s.cluster_ips
                .as_ref()
                .and_then(|ips| ips.first().cloned())
                .or_else(|| s.cluster_ip.clone().filter(|ip| !ip.is_empty()))
        })
        .unwrap_or_else(|| "<none>".to_owned());
    let external_ips: Vec<String> = spec
        .and_then(|s| s.external_ips.clone())
        .unwrap_or_default();
    let external = match svc_type {
        "ClusterIP" | "NodePort" => {
            if external_ips.is_empty() {
                "<none>".to_owned()
            } else {
                external_ips.join(",")
            }
        }
        "LoadBalancer" => {
            let points = svc
                .status
                .as_ref()
                .and_then(|s| s.load_balancer.as_ref())
                .and_then(|lb| lb.ingress.as_ref())
                .map(|v| v.as_slice())
                .unwrap_or(&[]);
            let lb = lb_addresses(
                points
                    .iter()
                    .map(|p| (p.ip.as_deref(), p.hostname.as_deref())),
                wide,
            );
            if !external_ips.is_empty() {
                let mut all: Vec<String> = Vec::new();
                if !lb.is_empty() {
                    all.extend(lb.split(',').map(str::to_owned));
                }
                all.extend(external_ips);
                all.join(",")
            } else if !lb.is_empty() {
                lb
            } else {
                "<pending>".to_owned()
            }
        }
        "ExternalName" => spec
            .and_then(|s| s.external_name.clone())
            .unwrap_or_default(),
        _ => "<unknown>".to_owned(),
    };
    let ports: Vec<String> = spec
        .and_then(|s| s.ports.as_ref())
        .map(|ports| {
            ports
                .iter()
                .map(|p| {
                    let proto = p.protocol.as_deref().unwrap_or("TCP");
                    match p.node_port {
                        Some(np) if np > 0 => format!("{}:{np}/{proto}", p.port),
                        _ => format!("{}/{proto}", p.port),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let ports = if ports.is_empty() {
        "<none>".to_owned()
    } else {
        ports.join(",")
    };
    let mut row = vec![
        svc.metadata.name.clone().unwrap_or_default(),
        svc_type.to_owned(),
        cluster_ip,
        external,
        ports,
        age(svc.metadata.creation_timestamp.as_ref(), now),
    ];
    if wide {
        row.push(format_labels(spec.and_then(|s| s.selector.as_ref())));
    }
    row
}

fn pod_row(pod: &Pod, wide: bool, now: i64) -> Vec<String> {
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let conditions = status.and_then(|s| s.conditions.as_deref()).unwrap_or(&[]);
    // The API server sets phase Pending on create, so a pod always has one.
    let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or("Pending");
    let mut reason = status
        .and_then(|s| s.reason.clone())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| phase.to_owned());
    if conditions
        .iter()
        .any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"))
    {
        reason = "SchedulingGated".to_owned();
    }
    let init_containers = spec
        .and_then(|s| s.init_containers.as_deref())
        .unwrap_or(&[]);
    let restartable = |name: &str| -> bool {
        init_containers
            .iter()
            .any(|c| c.name == name && c.restart_policy.as_deref() == Some("Always"))
    };
    let total = spec.map_or(0, |s| s.containers.len())
        + init_containers
            .iter()
            .filter(|c| c.restart_policy.as_deref() == Some("Always"))
            .count();
    let mut ready = 0usize;
    let mut restarts: i64 = 0;
    let mut sidecar_restarts: i64 = 0;
    let mut last_restart: Option<i64> = None;
    let mut last_sidecar_restart: Option<i64> = None;
    let finished = |st: &crate::k8s::core::ContainerStatus| -> Option<i64> {
        st.last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .map(|t| t.finished_at.as_ref().map_or(i64::MIN, |f| f.0.as_second()))
    };
    let later = |a: Option<i64>, b: Option<i64>| match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    };
    let mut initializing = false;
    let init_statuses = status
        .and_then(|s| s.init_container_statuses.as_deref())
        .unwrap_or(&[]);
    for (i, c) in init_statuses.iter().enumerate() {
        restarts += i64::from(c.restart_count);
        last_restart = later(last_restart, finished(c));
        let sidecar = restartable(&c.name);
        if sidecar {
            sidecar_restarts += i64::from(c.restart_count);
            last_sidecar_restart = later(last_sidecar_restart, finished(c));
        }
        let state = c.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        let waiting = state.and_then(|s| s.waiting.as_ref());
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if sidecar && c.started == Some(true) {
            if c.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = terminated {
            reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None => match t.signal.filter(|s| *s != 0) {
                    Some(sig) => format!("Init:Signal:{sig}"),
                    None => format!("Init:ExitCode:{}", t.exit_code),
                },
            };
        } else if let Some(r) = waiting
            .and_then(|w| w.reason.as_deref())
            .filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{i}/{}", init_containers.len());
        }
        initializing = true;
        break;
    }
    let initialized = conditions
        .iter()
        .any(|c| c.type_ == "Initialized" && c.status == "True");
    if !initializing || initialized {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        let statuses = status
            .and_then(|s| s.container_statuses.as_deref())
            .unwrap_or(&[]);
        // kubectl walks the statuses backwards, so the first container's
        // state wins the STATUS column.
        for c in statuses.iter().rev() {
            restarts += i64::from(c.restart_count);
            last_restart = later(last_restart, finished(c));
            let state = c.state.as_ref();
            let waiting = state.and_then(|s| s.waiting.as_ref());
            let terminated = state.and_then(|s| s.terminated.as_ref());
            if let Some(r) = waiting
                .and_then(|w| w.reason.as_deref())
                .filter(|r| !r.is_empty())
            {
                reason = r.to_owned();
            } else if let Some(t) = terminated {
                reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                    Some(r) => r.to_owned(),
                    None => match t.signal.filter(|s| *s != 0) {
                        Some(sig) => format!("Signal:{sig}"),
                        None => format!("ExitCode:{}", t.exit_code),
                    },
                };
            } else if c.ready && state.and_then(|s| s.running.as_ref()).is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = conditions
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == "True");
            reason = if pod_ready { "Running" } else { "NotReady" }.to_owned();
        }
    }
    if pod.metadata.deletion_timestamp.is_some() {
        if status.and_then(|s| s.reason.as_deref()) == Some("NodeLost") {
            reason = "Unknown".to_owned();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".to_owned();
        }
    }
    let restarts_cell = match last_restart {
        // A termination without finishedAt counts as the zero time, which
        // kubectl treats as "no date".
        Some(t) if restarts != 0 && t != i64::MIN => {
            format!("{restarts} ({} ago)", human_duration(now - t))
        }
        _ => restarts.to_string(),
    };
    let mut row = vec![
        pod.metadata.name.clone().unwrap_or_default(),
        format!("{ready}/{total}"),
        reason,
        restarts_cell,
        age(pod.metadata.creation_timestamp.as_ref(), now),
    ];
    if wide {
        let ip = status
            .and_then(|s| s.pod_ips.as_ref())
            .and_then(|ips| ips.first())
            .map(|ip| ip.ip.clone())
            .or_else(|| status.and_then(|s| s.pod_ip.clone()))
            .filter(|ip| !ip.is_empty())
            .unwrap_or_else(|| "<none>".to_owned());
        let node = spec
            .and_then(|s| s.node_name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "<none>".to_owned());
        let nominated = status
            .and_then(|s| s.nominated_node_name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "<none>".to_owned());
        let gates = spec
            .and_then(|s| s.readiness_gates.as_deref())
            .unwrap_or(&[]);
        let gates_cell = if gates.is_empty() {
            "<none>".to_owned()
        } else {
            let true_count = gates
                .iter()
                .filter(|g| {
                    conditions
                        .iter()
                        .find(|c| c.type_ == g.condition_type)
                        .is_some_and(|c| c.status == "True")
                })
                .count();
            format!("{true_count}/{}", gates.len())
        };
        row.extend([ip, node, nominated, gates_cell]);
    }
    row
}

fn node_row(node: &Node, wide: bool, now: i64) -> Vec<String> {
    let status = node.status.as_ref();
    let mut states: Vec<String> = Vec::new();
    // kubectl reports only the Ready condition (the last one of that type wins).
    if let Some(c) = status
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or(&[])
        .iter()
        .rev()
        .find(|c| c.type_ == "Ready")
    {
        states.push(if c.status == "True" {
            "Ready".to_owned()
        } else {
            "NotReady".to_owned()
        });
    }
    if states.is_empty() {
        states.push("Unknown".to_owned());
    }
    if node
        .spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false)
    {
        states.push("SchedulingDisabled".to_owned());
    }
    let mut roles = BTreeSet::new();
    for (k, v) in node.metadata.labels.iter().flatten() {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.insert(role.to_owned());
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.insert(v.clone());
        }
    }
    let roles = if roles.is_empty() {
        "<none>".to_owned()
    } else {
        roles.into_iter().collect::<Vec<_>>().join(",")
    };
    let info = status.and_then(|s| s.node_info.as_ref());
    let mut row = vec![
        node.metadata.name.clone().unwrap_or_default(),
        states.join(","),
        roles,
        age(node.metadata.creation_timestamp.as_ref(), now),
        info.map(|i| i.kubelet_version.clone()).unwrap_or_default(),
    ];
    if wide {
        let address = |kind: &str| {
            status
                .and_then(|s| s.addresses.as_deref())
                .unwrap_or(&[])
                .iter()
                .find(|a| a.type_ == kind)
                .map(|a| a.address.clone())
                .unwrap_or_else(|| "<none>".to_owned())
        };
        let or_unknown = |s: Option<&String>| {
            s.filter(|s| !s.is_empty())
                .cloned()
                .unwrap_or_else(|| "<unknown>".to_owned())
        };
        row.extend([
            address("InternalIP"),
            address("ExternalIP"),
            or_unknown(info.map(|i| &i.os_image)),
            or_unknown(info.map(|i| &i.kernel_version)),
            or_unknown(info.map(|i| &i.container_runtime_version)),
        ]);
    }
    row
}

/// kubectl's `listWithMoreString`: the first three, then `+ N more...`;
/// `<unset>` for none.
fn list_with_more(items: &[String]) -> String {
    const MAX: usize = 3;
    if items.is_empty() {
        return "<unset>".to_owned();
    }
    let shown = items[..items.len().min(MAX)].join(",");
    if items.len() > MAX {
        format!("{shown} + {} more...", items.len() - MAX)
    } else {
        shown
    }
}

fn endpoint_slice_row(slice: &EndpointSlice, now: i64) -> Vec<String> {
    let ports: Vec<String> = slice
        .ports
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .map(|p| match (p.port, &p.name) {
            (Some(n), _) => n.to_string(),
            (None, Some(name)) => name.clone(),
            (None, None) => "*".to_owned(),
        })
        .collect();
    let addresses: Vec<String> = slice
        .endpoints
        .iter()
        .flat_map(|e| e.addresses.iter().cloned())
        .collect();
    vec![
        slice.metadata.name.clone().unwrap_or_default(),
        slice.address_type.clone(),
        list_with_more(&ports),
        list_with_more(&addresses),
        age(slice.metadata.creation_timestamp.as_ref(), now),
    ]
}

fn ingress_row(ing: &Ingress, wide: bool, now: i64) -> Vec<String> {
    let spec = ing.spec.as_ref();
    let class = spec
        .and_then(|s| s.ingress_class_name.clone())
        .unwrap_or_else(|| "<none>".to_owned());
    // kubectl's formatHosts: up to three hosts; once three are listed, the
    // count of *rules* beyond three is reported (host-less rules included).
    let rules = spec.and_then(|s| s.rules.as_deref()).unwrap_or(&[]);
    let mut hosts: Vec<&str> = Vec::new();
    let mut more = false;
    for r in rules {
        if hosts.len() == 3 {
            more = true;
        }
        if let Some(h) = r.host.as_deref().filter(|h| !h.is_empty())
            && !more
        {
            hosts.push(h);
        }
    }
    let hosts_cell = if hosts.is_empty() {
        "*".to_owned()
    } else if more {
        format!("{} + {} more...", hosts.join(","), rules.len() - 3)
    } else {
        hosts.join(",")
    };
    let points = ing
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.as_deref())
        .unwrap_or(&[]);
    let address = lb_addresses(
        points
            .iter()
            .map(|p| (p.ip.as_deref(), p.hostname.as_deref())),
        wide,
    );
    let ports = if spec
        .and_then(|s| s.tls.as_ref())
        .is_some_and(|t| !t.is_empty())
    {
        "80, 443"
    } else {
        "80"
    };
    vec![
        ing.metadata.name.clone().unwrap_or_default(),
        class,
        hosts_cell,
        address,
        ports.to_owned(),
        age(ing.metadata.creation_timestamp.as_ref(), now),
    ]
}

/// The objects of `kinds` in `ns` as kubectl's `-o json|yaml` shows them: a
/// `v1 List` whose items carry apiVersion and kind, in the tables' order.
pub fn list(cluster: &Cluster, kinds: &[Kind], ns: &NamespaceFilter) -> Value {
    let mut items = Vec::new();
    for &kind in kinds {
        let mut add = |meta: &ObjectMeta, value: Result<Value, serde_json::Error>| {
            if !selected(meta, kind, ns) {
                return;
            }
            let Ok(mut value) = value else { return };
            // The API server always records the namespace it stored the object in.
            if kind.namespaced()
                && meta.namespace.is_none()
                && let Some(m) = value.get_mut("metadata").and_then(Value::as_object_mut)
            {
                m.insert("namespace".into(), Value::String("default".into()));
            }
            items.push(value);
        };
        match kind {
            Kind::Service => cluster
                .services
                .iter()
                .for_each(|o| add(&o.metadata, serde_json::to_value(o))),
            Kind::Pod => cluster
                .pods
                .iter()
                .for_each(|o| add(&o.metadata, serde_json::to_value(o))),
            Kind::Node => cluster
                .nodes
                .iter()
                .for_each(|o| add(&o.metadata, serde_json::to_value(o))),
            Kind::EndpointSlice => cluster
                .endpoint_slices
                .iter()
                .for_each(|o| add(&o.metadata, serde_json::to_value(o))),
            Kind::Ingress => cluster
                .ingresses
                .iter()
                .for_each(|o| add(&o.metadata, serde_json::to_value(o))),
        }
    }
    serde_json::json!({
        "apiVersion": "v1",
        "items": items,
        "kind": "List",
        "metadata": { "resourceVersion": "" },
    })
}

/// JSON as kubectl's printer writes it (Go's `json.MarshalIndent` with four
/// spaces): keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped, and a
/// final newline.
pub fn to_json(value: &Value) -> String {
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    if serde::Serialize::serialize(value, &mut ser).is_err() {
        return String::new();
    }
    let text = String::from_utf8_lossy(&buf);
    // These characters only occur inside strings, so escaping them everywhere
    // is what Go's HTML-safe encoder does.
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_duration_matches_apimachinery() {
        // Cases from apimachinery's duration_test.go TestHumanDuration.
        let cases: &[(i64, &str)] = &[
            (1, "1s"),
            (70, "70s"),
            (190, "3m10s"),
            (70 * 60, "70m"),
            (47 * 60, "47m"),
            (8 * 3600 + 10 * 60, "8h"),
            (47 * 3600 + 59 * 60, "47h"),
            (49 * 3600 + 59 * 60, "2d1h"),
            (7 * 24 * 3600 + 3600, "7d1h"),
            (8 * 24 * 3600, "8d"),
            (367 * 24 * 3600, "367d"),
            (2 * 365 * 24 * 3600, "2y"),
            (3 * 365 * 24 * 3600 + 30 * 24 * 3600, "3y30d"),
            (8 * 365 * 24 * 3600, "8y"),
            (-1, "0s"),
            (-2, "<invalid>"),
            (0, "0s"),
            (300, "5m"),
            (3 * 3600 + 20 * 60, "3h20m"),
        ];
        for (secs, want) in cases {
            assert_eq!(human_duration(*secs), *want, "{secs}s");
        }
    }

    #[test]
    fn tabwriter_pads_to_widest_plus_three_with_minimum_six() {
        let lines = vec![
            vec!["NAME".to_owned(), "AGE".to_owned()],
            vec!["a".to_owned(), "5m".to_owned()],
        ];
        assert_eq!(tabwrite(&lines), "NAME   AGE\na      5m\n");
    }

    #[test]
    fn kinds_parse_like_kubectl() {
        assert_eq!(
            Kind::parse_list("svc,PODS,no,endpointslices,ing,svc"),
            Ok(vec![
                Kind::Service,
                Kind::Pod,
                Kind::Node,
                Kind::EndpointSlice,
                Kind::Ingress
            ])
        );
        assert_eq!(Kind::parse_list("svc,deploy"), Err("deploy".to_owned()));
    }

    #[test]
    fn json_escapes_html_like_go() {
        let v = serde_json::json!({"b": "<a&b>", "a": 1});
        assert_eq!(
            to_json(&v),
            "{\n    \"a\": 1,\n    \"b\": \"\\u003ca\\u0026b\\u003e\"\n}\n"
        );
    }
}
