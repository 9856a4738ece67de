//! The Kubernetes objects kubeplay understands, as read from the manifest.

use crate::diag::Span;
use crate::k8s::apps::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use crate::k8s::core::{Endpoints, Namespace, Node as K8sNode, Pod, Service};
use crate::k8s::discovery::EndpointSlice;
use crate::k8s::meta::ObjectMeta;
use crate::k8s::networking::{Ingress, IngressClass, ServiceCIDR};
use crate::yaml::Node;

crate::k8s::api_struct! {
    /// `kubeproxy.config.k8s.io/v1alpha1` KubeProxyConfiguration: only the
    /// fields that change routing (`clusterCIDR`: the pod CIDRs, comma-separated,
    /// that tell pod traffic from other traffic; `detectLocalMode`: how local
    /// traffic is detected; `nodePortAddresses`: the CIDRs whose addresses
    /// accept NodePort traffic, empty meaning every address).
    pub struct KubeProxyConfiguration {
        cluster_cidr "clusterCIDR": String,
        detect_local_mode "detectLocalMode": String,
        node_port_addresses "nodePortAddresses": Vec<String>,
        iptables "iptables": KubeProxyIptables,
    }
}

crate::k8s::api_struct! {
    /// The `iptables` section of a KubeProxyConfiguration: `masqueradeAll`
    /// SNATs every packet sent to a ClusterIP; `localhostNodePorts` says whether
    /// `127.0.0.1:<nodePort>` works (default true).
    pub struct KubeProxyIptables {
        masquerade_all "masqueradeAll": bool,
        localhost_node_ports "localhostNodePorts": bool,
    }
}

/// One decoded object of a simulated kind.
#[derive(Clone, Debug, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "objects are built once per edit; boxing every variant buys nothing measurable"
)]
pub enum Resource {
    /// v1 Service.
    Service(Service),
    /// v1 Pod.
    Pod(Pod),
    /// v1 Node.
    Node(K8sNode),
    /// v1 Namespace.
    Namespace(Namespace),
    /// v1 Endpoints (legacy, read only).
    Endpoints(Endpoints),
    /// apps/v1 Deployment.
    Deployment(Deployment),
    /// apps/v1 ReplicaSet.
    ReplicaSet(ReplicaSet),
    /// apps/v1 StatefulSet.
    StatefulSet(StatefulSet),
    /// apps/v1 DaemonSet.
    DaemonSet(DaemonSet),
    /// discovery.k8s.io/v1 EndpointSlice.
    EndpointSlice(EndpointSlice),
    /// networking.k8s.io/v1 Ingress.
    Ingress(Ingress),
    /// networking.k8s.io/v1 IngressClass.
    IngressClass(IngressClass),
    /// networking.k8s.io/v1 ServiceCIDR.
    ServiceCidr(ServiceCIDR),
    /// kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration.
    KubeProxyConfiguration(KubeProxyConfiguration),
}

impl Resource {
    /// The kind as spelled in YAML.
    pub fn kind(&self) -> &'static str {
        match self {
            Resource::Service(_) => "Service",
            Resource::Pod(_) => "Pod",
            Resource::Node(_) => "Node",
            Resource::Namespace(_) => "Namespace",
            Resource::Endpoints(_) => "Endpoints",
            Resource::Deployment(_) => "Deployment",
            Resource::ReplicaSet(_) => "ReplicaSet",
            Resource::StatefulSet(_) => "StatefulSet",
            Resource::DaemonSet(_) => "DaemonSet",
            Resource::EndpointSlice(_) => "EndpointSlice",
            Resource::Ingress(_) => "Ingress",
            Resource::IngressClass(_) => "IngressClass",
            Resource::ServiceCidr(_) => "ServiceCIDR",
            Resource::KubeProxyConfiguration(_) => "KubeProxyConfiguration",
        }
    }

    /// The object's metadata, for kinds that have one.
    pub fn metadata(&self) -> Option<&ObjectMeta> {
        Some(match self {
            Resource::Service(o) => &o.metadata,
            Resource::Pod(o) => &o.metadata,
            Resource::Node(o) => &o.metadata,
            Resource::Namespace(o) => &o.metadata,
            Resource::Endpoints(o) => &o.metadata,
            Resource::Deployment(o) => &o.metadata,
            Resource::ReplicaSet(o) => &o.metadata,
            Resource::StatefulSet(o) => &o.metadata,
            Resource::DaemonSet(o) => &o.metadata,
            Resource::EndpointSlice(o) => &o.metadata,
            Resource::Ingress(o) => &o.metadata,
            Resource::IngressClass(o) => &o.metadata,
            Resource::ServiceCidr(o) => &o.metadata,
            Resource::KubeProxyConfiguration(_) => return None,
        })
    }

    /// Whether objects of this kind live in a namespace.
    pub fn is_namespaced(&self) -> bool {
        !matches!(
            self,
            Resource::Node(_)
                | Resource::Namespace(_)
                | Resource::IngressClass(_)
                | Resource::ServiceCidr(_)
                | Resource::KubeProxyConfiguration(_)
        )
    }
}

/// Where an object came from in the manifest.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    /// Index of the YAML document in the stream (0-based).
    pub document: usize,
    /// Path of the object inside its document: empty, or `items[i]` in a List.
    pub prefix: String,
    /// The object's text.
    pub span: Span,
    /// The object's spanned source, to locate fields for later diagnostics;
    /// shared, because builds copy objects and a source tree is large.
    pub node: std::sync::Arc<Node>,
}

impl Origin {
    /// The span of a field path inside this object (`spec.ports[0].port`).
    pub fn locate(&self, path: &str) -> Span {
        self.node.locate(path)
    }
}

/// One object of the manifest, decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    /// The typed object.
    pub resource: Resource,
    /// Where it was written.
    pub origin: Origin,
}

impl Object {
    /// The kind as spelled in YAML.
    pub fn kind(&self) -> &'static str {
        self.resource.kind()
    }

    /// `metadata.name`, empty when absent.
    pub fn name(&self) -> &str {
        self.resource
            .metadata()
            .and_then(|m| m.name.as_deref())
            .unwrap_or("")
    }

    /// The namespace for namespaced kinds (`default` when not written), else `None`.
    pub fn namespace(&self) -> Option<&str> {
        if !self.resource.is_namespaced() {
            return None;
        }
        Some(
            self.resource
                .metadata()
                .and_then(|m| m.namespace.as_deref())
                .filter(|ns| !ns.is_empty())
                .unwrap_or("default"),
        )
    }
}

/// An object of a kind that kubeplay reads but does not simulate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsimulated {
    /// The `apiVersion` as written.
    pub api_version: String,
    /// The `kind` as written.
    pub kind: String,
    /// `metadata.name`, empty when absent.
    pub name: String,
    /// `metadata.namespace` as written, empty when absent.
    pub namespace: String,
    /// The object's text.
    pub span: Span,
}
