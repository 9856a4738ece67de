//! Example manifests that ship with kubeplay.

/// The cluster the playground opens with: three nodes, three Deployments and
/// one Service of each type.
pub const DEFAULT: &str = include_str!("examples/default.yaml");

/// The objects every cluster has (the `kubernetes` Service, CoreDNS), added by
/// the cluster build when the manifest does not state them.
pub const SYSTEM: &str = include_str!("examples/system.yaml");

/// A generated manifest of `pods` pods for benchmarks and scale tests: three
/// nodes, one Deployment of five replicas per five pods, and a Service for
/// each Deployment (ClusterIP, NodePort and LoadBalancer in turn).
pub fn synthetic(pods: usize) -> String {
    use std::fmt::Write;
    let mut out = String::new();
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
}
