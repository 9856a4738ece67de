//! Example manifests that ship with kubeplay.

/// The cluster the playground opens with: three nodes, three Deployments and
/// one Service of each type.
pub const DEFAULT: &str = include_str!("examples/default.yaml");

/// The objects every cluster has (the `kubernetes` Service, CoreDNS), added by
/// the cluster build when the manifest does not state them.
pub const SYSTEM: &str = include_str!("examples/system.yaml");
