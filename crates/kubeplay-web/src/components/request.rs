//! "Send one request": a source and a target chosen from the cluster, by
//! keyboard or mouse.

use kubeplay_core::Analysis;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Properties of [`RequestForm`].
#[derive(Properties)]
pub struct RequestFormProps {
    /// The cluster requests go through.
    pub cluster: Rc<Analysis>,
    /// Called with (source, target) in the CLI's syntax.
    pub on_send: Callback<(String, String)>,
}

// By pointer: the options list is rebuilt only when the cluster changes.
impl PartialEq for RequestFormProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.cluster, &other.cluster)
    }
}

/// The targets worth offering: every Service by DNS name and port, NodePorts
/// on the first node, load-balancer IPs.
fn targets(a: &Analysis) -> Vec<(String, String)> {
    let c = &a.cluster;
    let node_ip = c
        .nodes
        .first()
        .and_then(|n| n.status.as_ref())
        .and_then(|s| s.addresses.as_ref())
        .and_then(|a| {
            a.iter()
                .find(|a| a.type_ == "InternalIP")
                .or_else(|| a.first())
        })
        .map(|a| a.address.clone());
    let mut out = Vec::new();
    for s in &c.services {
        let ns = s.metadata.namespace.as_deref().unwrap_or("default");
        let name = s.metadata.name.as_deref().unwrap_or("");
        if ns == "kube-system" || (ns == "default" && name == "kubernetes") {
            continue;
        }
        let spec = s.spec.as_ref();
        for p in spec.and_then(|s| s.ports.as_ref()).into_iter().flatten() {
            out.push((
                format!("{name}.{ns}:{}", p.port),
                format!("{name}.{ns}:{} (DNS name)", p.port),
            ));
            if let (Some(np), Some(ip)) = (p.node_port, &node_ip) {
                out.push((
                    format!("{ip}:{np}"),
                    format!("{ip}:{np} (NodePort of {name})"),
                ));
            }
        }
        if spec.and_then(|s| s.type_.as_deref()) == Some("ExternalName") {
            out.push((
                format!("{name}.{ns}:443"),
                format!("{name}.{ns}:443 (ExternalName)"),
            ));
        }
        for ing in s
            .status
            .as_ref()
            .and_then(|st| st.load_balancer.as_ref())
            .and_then(|l| l.ingress.as_ref())
            .into_iter()
            .flatten()
        {
            if let Some(ip) = &ing.ip {
                for p in spec.and_then(|s| s.ports.as_ref()).into_iter().flatten() {
                    out.push((
                        format!("{ip}:{}", p.port),
                        format!("{ip}:{} (load balancer of {name})", p.port),
                    ));
                }
            }
        }
    }
    // Through the Ingress controller: one URL per rule path.
    for ing in &c.ingresses {
        let name = ing.metadata.name.as_deref().unwrap_or("");
        for rule in ing.spec.iter().flat_map(|s| s.rules.iter().flatten()) {
            let host = match rule.host.as_deref() {
                Some(h) => h.replacen('*', "www", 1),
                None => kubeplay_core::cluster::INGRESS_CONTROLLER_IP.to_owned(),
            };
            for p in rule.http.iter().flat_map(|h| h.paths.iter()) {
                let path = p.path.clone().unwrap_or_else(|| "/".to_owned());
                let url = format!("http://{host}{path}");
                out.push((url.clone(), format!("{url} (Ingress {name})")));
            }
        }
    }
    out
}

/// The sources: an external client, then every running pod.
fn sources(a: &Analysis) -> Vec<String> {
    let mut out = vec!["external".to_owned()];
    for p in &a.cluster.pods {
        if kubeplay_core::workloads::pod_ip(p).is_some() {
            out.push(format!(
                "pod/{}/{}",
                p.metadata.namespace.as_deref().unwrap_or("default"),
                p.metadata.name.as_deref().unwrap_or("")
            ));
        }
    }
    out
}

fn select_value(id: &str) -> Option<String> {
    web_sys::window()?
        .document()?
        .get_element_by_id(id)?
        .dyn_into::<web_sys::HtmlSelectElement>()
        .ok()
        .map(|s| s.value())
}

/// The form.
#[function_component(RequestForm)]
pub fn request_form(props: &RequestFormProps) -> Html {
    let onsubmit = {
        let cb = props.on_send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let (Some(from), Some(to)) = (select_value("kp-from"), select_value("kp-to")) {
                cb.emit((from, to));
            }
        })
    };
    html! {
        <form class="kp-request" {onsubmit} aria-label="Send one request">
            <label for="kp-from">{ "From" }</label>
            <select id="kp-from" name="from">
                { for sources(&props.cluster).into_iter().enumerate().map(|(i, s)| html! { <option value={s.clone()} selected={i == 0}>{ s }</option> }) }
            </select>
            <label for="kp-to">{ "To" }</label>
            <select id="kp-to" name="to">
                { for targets(&props.cluster).into_iter().enumerate().map(|(i, (v, l))| html! { <option value={v} selected={i == 0}>{ l }</option> }) }
            </select>
            <button class="kp-button kp-primary" type="submit" id="kp-send">{ "Send one request" }</button>
        </form>
    }
}
