//! Requests that show a cluster's Services at work: what the app sends when a
//! Service is clicked, and the packets an animated SVG export draws. Each is a
//! (SOURCE, TARGET) pair in the CLI's `trace --from/--to` syntax.

use crate::Cluster;
use crate::k8s::core::Service;

/// The request that shows a Service best: from outside through its load
/// balancer, else through its NodePort on the first node; else from the
/// first running pod of its namespace by DNS name (port 443 for an
/// ExternalName Service without ports).
pub fn request_for_service(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
) -> Option<(String, String)> {
    let svc = cluster.services.iter().find(|s| {
        s.metadata.namespace.as_deref() == Some(namespace)
            && s.metadata.name.as_deref() == Some(name)
    })?;
    let spec = svc.spec.as_ref()?;
    let port = spec.ports.as_ref().and_then(|p| p.first());
    let lb = svc
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|l| l.ingress.as_ref())
        .and_then(|i| i.first())
        .and_then(|i| i.ip.clone());
    if let (Some(ip), Some(p)) = (lb, port) {
        return Some(("external".into(), format!("{ip}:{}", p.port)));
    }
    if let Some(np) = port.and_then(|p| p.node_port) {
        let node_ip = cluster
            .nodes
            .first()
            .and_then(|n| n.status.as_ref())
            .and_then(|s| s.addresses.as_ref())
            .and_then(|a| a.iter().find(|a| a.type_ == "InternalIP"))
            .map(|a| a.address.clone())?;
        return Some(("external".into(), format!("{node_ip}:{np}")));
    }
    let pod = cluster.pods.iter().find(|p| {
        crate::workloads::pod_ip(p).is_some() && p.metadata.namespace.as_deref() == Some(namespace)
    })?;
    let from = format!(
        "pod/{namespace}/{}",
        pod.metadata.name.as_deref().unwrap_or("")
    );
    let port = port.map_or(
        if spec.type_.as_deref() == Some("ExternalName") {
            443
        } else {
            80
        },
        |p| p.port,
    );
    Some((from, format!("{name}.{namespace}:{port}")))
}

/// The order Service types are shown in: outside in, as each builds on the next.
const TYPES: [&str; 4] = ["LoadBalancer", "NodePort", "ClusterIP", "ExternalName"];

/// A few representative requests: for each Service type the manifest uses
/// (LoadBalancer, NodePort, ClusterIP, ExternalName, in that order), the
/// [`request_for_service`] of its first Service by namespace and name; then
/// one through the Ingress controller when there is an Ingress rule. The
/// system Services (`default/kubernetes`, `kube-system/*`) are left out.
pub fn showcase_requests(cluster: &Cluster) -> Vec<(String, String)> {
    let shown = |s: &&Service| {
        let ns = s.metadata.namespace.as_deref().unwrap_or("default");
        let name = s.metadata.name.as_deref().unwrap_or("");
        ns != "kube-system" && !(ns == "default" && name == "kubernetes")
    };
    let mut services: Vec<&Service> = cluster.services.iter().filter(shown).collect();
    crate::order::sort_by_key(&mut services, |s| (&s.metadata.namespace, &s.metadata.name));
    let mut out = Vec::new();
    for ty in TYPES {
        let first = services.iter().find(|s| {
            s.spec
                .as_ref()
                .and_then(|sp| sp.type_.as_deref())
                .unwrap_or("ClusterIP")
                == ty
        });
        if let Some(s) = first
            && let Some(r) = request_for_service(
                cluster,
                s.metadata.namespace.as_deref().unwrap_or("default"),
                s.metadata.name.as_deref().unwrap_or(""),
            )
        {
            out.push(r);
        }
    }
    let rule = cluster
        .ingresses
        .iter()
        .flat_map(|i| i.spec.iter().flat_map(|s| s.rules.iter().flatten()))
        .find_map(|r| {
            let path = r.http.as_ref()?.paths.first()?.path.clone();
            let host = match r.host.as_deref() {
                Some(h) => h.replacen('*', "www", 1),
                None => crate::cluster::INGRESS_CONTROLLER_IP.to_owned(),
            };
            Some(format!(
                "http://{host}{}",
                path.unwrap_or_else(|| "/".into())
            ))
        });
    if let Some(url) = rule {
        out.push(("external".into(), url));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_example_shows_one_request_per_service_type_from_outside_in() {
        let c = crate::analyze(crate::examples::DEFAULT).cluster;
        let r = showcase_requests(&c);
        let targets: Vec<&str> = r.iter().map(|(_, t)| t.as_str()).collect();
        // web is the LoadBalancer (its cloud IP), web-np the NodePort on
        // node-1, api the ClusterIP and payments the ExternalName, both
        // reached from a pod by name.
        assert_eq!(r.len(), 4, "{r:?}");
        assert!(
            targets[0].starts_with("198.51.100.") && targets[0].ends_with(":80"),
            "{r:?}"
        );
        assert_eq!(targets[1], "172.18.0.2:30080", "{r:?}");
        assert_eq!(
            targets[2..],
            ["api.default:80", "payments.default:443"],
            "{r:?}"
        );
        assert!(r[..2].iter().all(|(from, _)| from == "external"), "{r:?}");
        assert!(r[2].0.starts_with("pod/default/"), "{r:?}");
    }
}
