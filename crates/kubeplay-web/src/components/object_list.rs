//! A table of the objects the core found, grouped by kind.

use kubeplay_core::Analysis;
use kubeplay_core::model::{Object, Resource};
use std::rc::Rc;
use yew::prelude::*;

/// Properties of [`ObjectList`].
#[derive(Properties, PartialEq)]
pub struct ObjectListProps {
    /// The last valid analysis (its manifest's objects are listed).
    pub cluster: Rc<Analysis>,
}

/// Order in which kinds are listed: infrastructure, workloads, then networking.
const KIND_ORDER: &[&str] = &[
    "Node",
    "Namespace",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Pod",
    "Service",
    "Endpoints",
    "EndpointSlice",
    "Ingress",
    "IngressClass",
    "ServiceCIDR",
    "KubeProxyConfiguration",
];

/// Lists every simulated object with its kind, namespace, name and a short summary.
#[function_component(ObjectList)]
pub fn object_list(props: &ObjectListProps) -> Html {
    let mut objects: Vec<&Object> = props.cluster.manifest.objects.iter().collect();
    objects.sort_by_key(|o| {
        KIND_ORDER
            .iter()
            .position(|k| *k == o.kind())
            .unwrap_or(KIND_ORDER.len())
    });
    if objects.is_empty() {
        return html! { <p class="kp-empty">{ "No objects yet." }</p> };
    }
    html! {
        <table class="kp-table">
            <thead>
                <tr>
                    <th scope="col">{ "Kind" }</th>
                    <th scope="col">{ "Namespace" }</th>
                    <th scope="col">{ "Name" }</th>
                    <th scope="col">{ "Summary" }</th>
                </tr>
            </thead>
            <tbody>
                { for objects.into_iter().map(row) }
            </tbody>
        </table>
    }
}

fn row(o: &Object) -> Html {
    let service_type = match &o.resource {
        Resource::Service(s) => Some(
            s.spec
                .as_ref()
                .and_then(|spec| spec.type_.clone())
                .unwrap_or_else(|| "ClusterIP".to_owned()),
        ),
        _ => None,
    };
    html! {
        <tr data-kind={o.kind()}
            data-name={o.name().to_owned()}
            data-namespace={o.namespace().map(str::to_owned)}
            data-type={service_type}>
            <td><span class={classes!("kp-kind", format!("kp-kind-{}", o.kind().to_lowercase()))}>{ o.kind() }</span></td>
            <td>{ o.namespace().unwrap_or("") }</td>
            <td class="kp-name">{ o.name() }</td>
            <td>{ summary(o) }</td>
        </tr>
    }
}

/// One line about the object, in the words `kubectl get` would use.
fn summary(o: &Object) -> String {
    match &o.resource {
        Resource::Service(s) => {
            let spec = s.spec.as_ref();
            let ty = spec.and_then(|s| s.type_.as_deref()).unwrap_or("ClusterIP");
            if ty == "ExternalName" {
                let target = spec.and_then(|s| s.external_name.as_deref()).unwrap_or("?");
                return format!("ExternalName → {target}");
            }
            let ports: Vec<String> = spec
                .and_then(|s| s.ports.as_ref())
                .map(|ports| {
                    ports
                        .iter()
                        .map(|p| match p.node_port {
                            Some(np) => format!(
                                "{}:{np}/{}",
                                p.port,
                                p.protocol.as_deref().unwrap_or("TCP")
                            ),
                            None => {
                                format!("{}/{}", p.port, p.protocol.as_deref().unwrap_or("TCP"))
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            format!("{ty} {}", ports.join(","))
        }
        Resource::Deployment(d) => {
            let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            format!("{replicas} replica{}", if replicas == 1 { "" } else { "s" })
        }
        Resource::Node(n) => n
            .status
            .as_ref()
            .and_then(|s| s.addresses.as_ref())
            .and_then(|a| a.first())
            .map(|a| format!("{} {}", a.type_, a.address))
            .unwrap_or_default(),
        _ => String::new(),
    }
}
