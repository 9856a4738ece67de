//! Example manifests that ship with kubeplay.

/// The cluster the playground opens with: three nodes, three Deployments and
/// one Service of each type.
pub const DEFAULT: &str = include_str!("examples/default.yaml");
