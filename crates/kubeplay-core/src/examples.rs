//! Example manifests that ship with kubeplay.

/// The cluster the playground opens with: three nodes, three Deployments and
/// one Service of each type.
pub const DEFAULT: &str = include_str!("examples/default.yaml");

/// The objects every cluster has (the `kubernetes` Service, CoreDNS), added by
/// the cluster build when the manifest does not state them.
pub const SYSTEM: &str = include_str!("examples/system.yaml");

/// A generated manifest of `pods` pods for benchmarks and scale tests: a node
/// per hundred pods (three at least), one Deployment of five replicas per five pods, and a Service for
/// each Deployment (ClusterIP, NodePort and LoadBalancer in turn).
pub fn synthetic(pods: usize) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    // Enough nodes for every pod to run under the kubelet's default maxPods
    // of 110 (three at least, as the default cluster has), each with its own
    // /24 pod network.
    let nodes = (pods + 2).div_ceil(100).max(3);
    for n in 1..=nodes {
        let _ = write!(
            out,
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-{n}\n  labels:\n    kubernetes.io/hostname: node-{n}\nspec:\n  podCIDR: 10.244.{}.0/24\n",
            n % 256
        );
    }
    let groups = pods.div_ceil(5);
    for g in 0..groups {
        let replicas = (pods - g * 5).min(5);
        let ty = ["ClusterIP", "NodePort", "LoadBalancer"][g % 3];
        let _ = write!(
            out,
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{g}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: app-{g}\n  template:\n    metadata:\n      labels:\n        app: app-{g}\n    spec:\n      containers:\n      - name: main\n        image: nginx\n        ports:\n        - name: http\n          containerPort: 8080\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app-{g}\nspec:\n  type: {ty}\n  selector:\n    app: app-{g}\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_synthetic_manifest_has_the_asked_size_and_no_errors() {
        let a = crate::analyze(&super::synthetic(23));
        assert_eq!(a.diagnostics, []);
        // 23 generated pods plus the two CoreDNS pods every cluster has.
        assert_eq!(a.cluster.pods.len(), 23 + 2);
        // 5 Services plus kubernetes and kube-dns.
        assert_eq!(a.cluster.services.len(), 5 + 2);
    }

    #[test]
    fn every_synthetic_pod_runs() {
        for size in [10, 330, 1000] {
            let a = crate::analyze(&super::synthetic(size));
            assert_eq!(a.diagnostics, [], "{size}");
            let pending = a
                .cluster
                .pods
                .iter()
                .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Running"))
                .count();
            assert_eq!(pending, 0, "{size} pods");
        }
    }
}
