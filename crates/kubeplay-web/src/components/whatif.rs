//! What-ifs for the selected element: scale its workload, delete a pod, fail
//! its readiness probe, cordon or drain a node. Each is an edit of the YAML
//! text (kubeplay_core::edit), so it shows in the editor and can be shared.

use kubeplay_core::Analysis;
use kubeplay_core::edit;
use std::rc::Rc;
use yew::prelude::*;

/// Properties of [`WhatIf`].
#[derive(Properties)]
pub struct WhatIfProps {
    /// The selected element's id, `Kind/namespace/name`.
    pub selected: Option<String>,
    /// The manifest text the edits apply to.
    pub text: Rc<str>,
    /// The cluster built from it.
    pub cluster: Rc<Analysis>,
    /// Called with the edited text.
    pub on_edit: Callback<String>,
}

// By pointer; the callback only dispatches to the app's reducer.
impl PartialEq for WhatIfProps {
    fn eq(&self, other: &Self) -> bool {
        self.selected == other.selected
            && Rc::ptr_eq(&self.text, &other.text)
            && Rc::ptr_eq(&self.cluster, &other.cluster)
    }
}

/// One what-if: the text and the cluster in, the edited text out.
type EditFn = dyn Fn(&str, &Analysis) -> Result<String, edit::EditError>;

/// The workload (kind, name) that owns a pod, as written in the manifest.
fn owner(a: &Analysis, ns: &str, pod: &str) -> Option<(&'static str, String)> {
    let p = a.cluster.pods.iter().find(|p| {
        p.metadata.namespace.as_deref() == Some(ns) && p.metadata.name.as_deref() == Some(pod)
    })?;
    let o = p.metadata.owner_references.as_ref()?.first()?;
    let (kind, name) = match o.kind.as_str() {
        // A Deployment's ReplicaSet is `<deployment>-<pod-template-hash>`.
        "ReplicaSet" => match o.name.rsplit_once('-') {
            Some((d, _))
                if a.manifest
                    .objects
                    .iter()
                    .any(|x| x.kind() == "Deployment" && x.name() == d) =>
            {
                ("Deployment", d.to_owned())
            }
            _ => ("ReplicaSet", o.name.clone()),
        },
        "StatefulSet" => ("StatefulSet", o.name.clone()),
        _ => return None,
    };
    Some((kind, name))
}

fn replicas(a: &Analysis, ns: &str, kind: &str, name: &str) -> i32 {
    use kubeplay_core::model::Resource;
    a.manifest
        .objects
        .iter()
        .find(|o| o.kind() == kind && o.name() == name && o.namespace() == Some(ns))
        .and_then(|o| match &o.resource {
            Resource::Deployment(d) => d.spec.as_ref().and_then(|s| s.replicas),
            Resource::ReplicaSet(r) => r.spec.as_ref().and_then(|s| s.replicas),
            Resource::StatefulSet(s) => s.spec.as_ref().and_then(|s| s.replicas),
            _ => None,
        })
        .unwrap_or(1)
}

/// The what-if buttons for the selection.
#[function_component(WhatIf)]
pub fn what_if(props: &WhatIfProps) -> Html {
    let error = use_state(|| None::<String>);
    let Some(id) = props.selected.as_deref() else {
        return html! { <p class="kp-hint">{ "Click a Service to trace a request to it; click a pod or a node for what-ifs." }</p> };
    };
    let apply = |f: Rc<EditFn>| {
        let (text, cluster, cb, error) = (
            props.text.clone(),
            props.cluster.clone(),
            props.on_edit.clone(),
            error.clone(),
        );
        Callback::from(move |_| match f(&text, &cluster) {
            Ok(t) => {
                error.set(None);
                cb.emit(t);
            }
            Err(e) => error.set(Some(e.to_string())),
        })
    };
    let parts: Vec<&str> = id.splitn(3, '/').collect();
    let mut buttons: Vec<Html> = Vec::new();
    let mut title = id.to_owned();
    match parts.as_slice() {
        ["Pod", ns, name] => {
            let (ns, name) = ((*ns).to_owned(), (*name).to_owned());
            title = format!("pod {name}");
            let ready = props
                .cluster
                .cluster
                .pods
                .iter()
                .find(|p| p.metadata.name.as_deref() == Some(name.as_str()))
                .is_some_and(kubeplay_core::workloads::is_ready);
            let (n1, p1) = (ns.clone(), name.clone());
            buttons.push(html! { <button type="button" class="kp-button" onclick={apply(Rc::new(move |t, a| edit::delete_pod(t, &a.cluster, &n1, &p1)))}>{ "Delete pod" }</button> });
            let (n2, p2) = (ns.clone(), name.clone());
            buttons.push(html! {
                <button type="button" class="kp-button" onclick={apply(Rc::new(move |t, a| edit::set_pod_ready(t, &a.cluster, &n2, &p2, !ready)))}>
                    { if ready { "Mark not ready" } else { "Mark ready" } }
                </button>
            });
            if let Some((kind, w)) = owner(&props.cluster, &ns, &name) {
                let r = replicas(&props.cluster, &ns, kind, &w);
                for (label, to) in [
                    (format!("Scale {w} to {}", (r - 1).max(0)), (r - 1).max(0)),
                    (format!("Scale {w} to {}", r + 1), r + 1),
                ] {
                    let (n3, w3) = (ns.clone(), w.clone());
                    buttons.push(html! { <button type="button" class="kp-button" onclick={apply(Rc::new(move |t, _| edit::scale(t, &n3, kind, &w3, to)))}>{ label }</button> });
                }
            }
        }
        ["Node", name] => {
            let name = (*name).to_owned();
            title = format!("node {name}");
            let cordoned = props
                .cluster
                .cluster
                .nodes
                .iter()
                .find(|n| n.metadata.name.as_deref() == Some(name.as_str()))
                .and_then(|n| n.spec.as_ref())
                .and_then(|s| s.unschedulable)
                .unwrap_or(false);
            let n1 = name.clone();
            buttons.push(html! {
                <button type="button" class="kp-button" onclick={apply(Rc::new(move |t, a| edit::cordon(t, &a.cluster, &n1, !cordoned)))}>
                    { if cordoned { "Uncordon" } else { "Cordon" } }
                </button>
            });
            let n2 = name.clone();
            buttons.push(html! { <button type="button" class="kp-button" onclick={apply(Rc::new(move |t, a| edit::drain(t, &a.cluster, &n2)))}>{ "Drain" }</button> });
        }
        _ => {}
    }
    html! {
        <div class="kp-whatif" role="group" aria-label={format!("What if, for {title}")}>
            if !buttons.is_empty() {
                <span class="kp-whatif-title">{ format!("What if… ({title})") }</span>
                { for buttons.into_iter() }
            }
            if let Some(e) = &*error { <span class="kp-whatif-error" role="alert">{ e.clone() }</span> }
        </div>
    }
}
