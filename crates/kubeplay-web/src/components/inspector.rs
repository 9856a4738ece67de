//! The inspector: the selected request's trace, `kubectl get` tables and the
//! diagnostics, as tabs.

use crate::components::diagnostics::DiagnosticList;
use crate::state::{State, Tab};
use kubeplay_core::printers::{self, Kind, NamespaceFilter};
use std::rc::Rc;
use yew::prelude::*;

/// Properties of [`Inspector`].
#[derive(Properties)]
pub struct InspectorProps {
    /// The app state.
    pub state: Rc<State>,
    /// Called when a tab is chosen.
    pub on_tab: Callback<Tab>,
    /// How many error diagnostics there are (shown on the tab).
    pub errors: usize,
}

// Only what the inspector shows, by pointer: the app builds a new State Rc
// on every render.
impl PartialEq for InspectorProps {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.state, &other.state);
        a.tab == b.tab
            && self.errors == other.errors
            && Rc::ptr_eq(&a.good, &b.good)
            && Rc::ptr_eq(&a.diagnostics, &b.diagnostics)
            && match (&a.trace, &b.trace) {
                (Some(x), Some(y)) => Rc::ptr_eq(x, y),
                (None, None) => true,
                _ => false,
            }
    }
}

/// The tabbed inspector.
#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let tab = props.state.tab;
    let button = |t: Tab, label: String| {
        let cb = props.on_tab.clone();
        let id = format!("kp-tab-{t:?}").to_ascii_lowercase();
        html! {
            <button role="tab" type="button" id={id} class="kp-tab"
                aria-selected={if t == tab { "true" } else { "false" }}
                onclick={Callback::from(move |_| cb.emit(t))}>{ label }</button>
        }
    };
    let problems = if props.errors > 0 {
        format!("Diagnostics ({})", props.errors)
    } else {
        "Diagnostics".to_owned()
    };
    let body = match tab {
        Tab::Trace => match &props.state.trace {
            Some(t) => html! {
                <div class="kp-trace" data-verdict={t.verdict.as_str()}>
                    <p class="kp-verdict"><strong>{ t.verdict.as_str() }</strong>{ ": " }{ &t.reason }</p>
                    <ol class="kp-hops">
                        { for t.hops.iter().map(|h| html! {
                            <li>
                                <span class="kp-hop-at">{ &h.at }</span>
                                if !h.chain.is_empty() { <code class="kp-hop-chain">{ format!("{} {}", h.chain, h.action) }</code> }
                                <span class="kp-hop-text">{ &h.text }</span>
                            </li>
                        }) }
                    </ol>
                </div>
            },
            None => html! { <p class="kp-empty">{ "Send a request to see its path here." }</p> },
        },
        Tab::Tables => {
            let printed = printers::table(
                &props.state.good.cluster,
                &[Kind::Service, Kind::Pod, Kind::EndpointSlice],
                &NamespaceFilter::All,
                false,
                0,
            );
            html! { <pre class="kp-tables" aria-label="kubectl get output">{ printed.stdout }</pre> }
        }
        Tab::Diagnostics => {
            html! { <DiagnosticList diagnostics={props.state.diagnostics.clone()} /> }
        }
    };
    html! {
        <div class="kp-inspector">
            <div role="tablist" aria-label="Inspector" class="kp-tabs">
                { button(Tab::Trace, "Trace".into()) }
                { button(Tab::Tables, "kubectl get".into()) }
                { button(Tab::Diagnostics, problems) }
            </div>
            <div role="tabpanel" class="kp-tabpanel">{ body }</div>
        </div>
    }
}
