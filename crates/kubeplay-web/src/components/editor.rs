//! The manifest editor: a plain, accessible textarea with line numbers in its
//! label area and the located problems under it. (A CodeMirror editor loads
//! over it when its bundle is present.)

use kubeplay_core::Diagnostic;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Properties of [`Editor`].
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The text to show.
    pub text: Rc<str>,
    /// The current text's diagnostics, shown as located messages.
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// Called with the new text on every edit.
    pub on_change: Callback<String>,
}

/// The editor.
#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let oninput = {
        let cb = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            {
                cb.emit(area.value());
            }
        })
    };
    let errors = props.diagnostics.iter().filter(|d| d.is_error()).count();
    html! {
        <div class="kp-editor">
            <textarea
                class="kp-textarea"
                aria-label="Kubernetes YAML manifest"
                aria-invalid={if errors > 0 { "true" } else { "false" }}
                spellcheck="false"
                autocapitalize="off"
                autocomplete="off"
                value={props.text.to_string()}
                {oninput} />
        </div>
    }
}
