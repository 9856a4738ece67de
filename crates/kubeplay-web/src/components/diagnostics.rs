//! The located problems the core reported.

use kubeplay_core::Manifest;
use std::rc::Rc;
use yew::prelude::*;

/// Properties of [`DiagnosticList`].
#[derive(Properties, PartialEq)]
pub struct DiagnosticListProps {
    /// The decoded manifest.
    pub manifest: Rc<Manifest>,
}

/// One line per diagnostic, `line:column severity path: message`.
#[function_component(DiagnosticList)]
pub fn diagnostic_list(props: &DiagnosticListProps) -> Html {
    let diags = &props.manifest.diagnostics;
    if diags.is_empty() {
        return html! { <p class="kp-ok" data-diagnostics="0">{ "No problems found." }</p> };
    }
    html! {
        <ul class="kp-diagnostics" data-diagnostics={diags.len().to_string()}>
            { for diags.iter().map(|d| html! {
                <li class={classes!("kp-diag", format!("kp-diag-{}", d.severity))}>
                    <span class="kp-diag-pos">{ format!("{}:{}", d.span.start.line, d.span.start.column) }</span>
                    { " " }
                    <span class="kp-diag-sev">{ d.severity.as_str() }</span>
                    { " " }
                    if !d.path.is_empty() { <code>{ &d.path }</code>{ ": " } }
                    { &d.message }
                </li>
            }) }
        </ul>
    }
}
