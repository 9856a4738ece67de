//! Shared helpers for the workspace tests.

use std::path::{Path, PathBuf};

/// Every file under `dir`, recursively, sorted by path.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The shared corpus of real-world manifests: `$KUBEPLAY_CORPUS` when set,
/// else `../shared/corpus` beside the checkout, when it exists.
pub fn corpus_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("KUBEPLAY_CORPUS") {
        return Some(PathBuf::from(dir));
    }
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    beside.is_dir().then_some(beside)
}

/// A compact, reviewable text form of a cluster: one line per Service, Pod and
/// EndpointSlice with the fields allocation and the controllers decide.
pub fn summary(c: &kubeplay_core::Cluster) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for s in &c.services {
        let spec = s.spec.as_ref();
        let ports: Vec<String> = spec
            .and_then(|s| s.ports.as_ref())
            .map(|ps| {
                ps.iter()
                    .map(|p| {
                        let np = p.node_port.map(|n| format!(":{n}")).unwrap_or_default();
                        format!("{}{np}/{}", p.port, p.protocol.as_deref().unwrap_or(""))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let lb: Vec<String> = s
            .status
            .as_ref()
            .and_then(|st| st.load_balancer.as_ref())
            .and_then(|l| l.ingress.as_ref())
            .map(|i| i.iter().filter_map(|i| i.ip.clone()).collect())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "service {}/{} {} ip={} ports={} lb={}",
            s.metadata.namespace.as_deref().unwrap_or(""),
            s.metadata.name.as_deref().unwrap_or(""),
            spec.and_then(|s| s.type_.as_deref()).unwrap_or(""),
            spec.and_then(|s| s.cluster_ip.as_deref()).unwrap_or("-"),
            ports.join(","),
            lb.join(","),
        );
    }
    for p in &c.pods {
        let _ = writeln!(
            out,
            "pod {}/{} node={} ip={} ready={}",
            p.metadata.namespace.as_deref().unwrap_or(""),
            p.metadata.name.as_deref().unwrap_or(""),
            p.spec
                .as_ref()
                .and_then(|s| s.node_name.as_deref())
                .unwrap_or("-"),
            p.status
                .as_ref()
                .and_then(|s| s.pod_ip.as_deref())
                .unwrap_or("-"),
            kubeplay_core::workloads::is_ready(p),
        );
    }
    for s in &c.endpoint_slices {
        let eps: Vec<String> = s
            .endpoints
            .iter()
            .map(|e| {
                let ready = e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true);
                format!(
                    "{}{}",
                    e.addresses.join("/"),
                    if ready { "" } else { "(not ready)" }
                )
            })
            .collect();
        let ports: Vec<String> = s
            .ports
            .iter()
            .flatten()
            .map(|p| {
                format!(
                    "{}={}",
                    p.name.as_deref().unwrap_or(""),
                    p.port.map_or("-".into(), |n| n.to_string())
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "slice {}/{} ports=[{}] endpoints=[{}]",
            s.metadata.namespace.as_deref().unwrap_or(""),
            s.metadata.name.as_deref().unwrap_or(""),
            ports.join(","),
            eps.join(","),
        );
    }
    out
}
