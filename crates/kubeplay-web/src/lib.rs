//! The kubeplay playground: a yew app around the pure core.
//!
//! **Architecture Invariant:** this is the only crate that knows the DOM, the
//! URL, browser storage and the frame clock. It turns user input into core
//! calls and core output into DOM; it holds no Kubernetes rules itself.

pub mod api;
pub mod app;
pub mod components;
pub mod embed;
pub mod lessons;
pub mod packets;
pub mod share;
pub mod state;
pub mod storage;
pub mod url;

/// Runs `f` in a task of its own, after the current one: after the diagram is
/// drawn and (usually) painted. For work an edit causes that the updated
/// diagram need not wait for, such as mirroring text set from outside into the
/// editor, or the autosave.
pub fn later(f: impl FnOnce() + 'static) {
    use wasm_bindgen::JsCast;
    let callback = wasm_bindgen::closure::Closure::once_into_js(f);
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), 0);
    }
}

/// Mounts the app on the page's `<main id="app">`, or on `<body>` when absent.
pub fn start() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => yew::Renderer::<app::App>::with_root(root).render(),
        None => yew::Renderer::<app::App>::new().render(),
    };
}
