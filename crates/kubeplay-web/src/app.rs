//! The top-level component: holds the manifest text and what the core made of it.

use crate::components::diagnostics::DiagnosticList;
use crate::components::object_list::ObjectList;
use kubeplay_core::examples;
use yew::prelude::*;

/// The playground page.
#[function_component(App)]
pub fn app() -> Html {
    // The editor arrives with the playground issue; until then the page shows
    // what the core reads from the default example.
    let text = examples::DEFAULT;
    let manifest = use_memo(text, |text| kubeplay_core::load(text));
    html! {
        <div class="kp-page">
            <header class="kp-header">
                <h1 class="kp-title">{ "kubeplay" }</h1>
                <p class="kp-tagline">{ "A playground for Kubernetes Services, running entirely in your browser." }</p>
            </header>
            <main class="kp-main">
                <section class="kp-panel" aria-labelledby="kp-objects-title">
                    <h2 id="kp-objects-title">{ "Objects in the example cluster" }</h2>
                    <ObjectList manifest={manifest.clone()} />
                </section>
                <section class="kp-panel" aria-labelledby="kp-diag-title">
                    <h2 id="kp-diag-title">{ "Diagnostics" }</h2>
                    <DiagnosticList manifest={manifest} />
                </section>
            </main>
        </div>
    }
}
