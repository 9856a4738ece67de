//! kubeplay's core: reads Kubernetes manifests and models the cluster they
//! describe, the way the API server, the controllers, kube-proxy and CoreDNS
//! would.
//!
//! **Architecture Invariant:** this crate does no IO, reads no clock and uses
//! no ambient randomness, and it depends on no browser crate. Time and seeds
//! are arguments. Reading never fails: every entry point returns what it could
//! build plus diagnostics.

pub mod alloc;
pub mod cluster;
pub mod decode;
pub mod defaults;
pub mod diag;
pub mod dns;
pub mod edit;
pub mod endpoints;
pub mod examples;
pub mod goal;
pub mod ingress;
pub mod json;
pub mod k8s;
pub mod lesson;
pub mod model;
pub mod net;
pub mod order;
pub mod printers;
pub mod proxy;
pub mod read;
pub mod rng;
pub mod showcase;
pub mod sim;
pub mod trace;
pub mod validate;
pub mod workloads;
pub mod yaml;
pub mod yamlout;

pub use cluster::{Analysis, Cluster, analyze};
pub use decode::{Loader, Manifest, load};
pub use diag::{Diagnostic, ErrorType, FieldError, Pos, Severity, Span};
