//! The located problems the core reported.

use kubeplay_core::Diagnostic;
use std::rc::Rc;
use yew::prelude::*;

/// Properties of [`DiagnosticList`].
#[derive(Properties)]
pub struct DiagnosticListProps {
    /// The diagnostics of the current text.
    pub diagnostics: Rc<Vec<Diagnostic>>,
}

// Props compare by pointer: the app hands out a new Rc exactly when the
// content changed, and deep comparison on every animation frame is costly.
impl PartialEq for DiagnosticListProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.diagnostics, &other.diagnostics)
    }
}

/// One line per diagnostic, `line:column severity path: message`.
#[function_component(DiagnosticList)]
pub fn diagnostic_list(props: &DiagnosticListProps) -> Html {
    let diags = &props.diagnostics;
    if diags.is_empty() {
        return html! { <p class="kp-ok" data-diagnostics="0">{ "No problems found." }</p> };
    }
    html! {
        <ul class="kp-diagnostics" data-diagnostics={diags.len().to_string()}>
            { for diags.iter().map(|d| html! {
                <li class={classes!("kp-diag", format!("kp-diag-{}", d.severity))}
                    data-line={d.span.start.line.to_string()} data-column={d.span.start.column.to_string()}>
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
