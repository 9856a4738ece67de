//! The top-level component: the editor, the cluster, the inspector.

use crate::api::{self, Shared};
use crate::components::editor::Editor;
use crate::components::inspector::Inspector;
use crate::components::object_list::ObjectList;
use crate::components::request::RequestForm;
use crate::state::{Action, State};
use crate::storage;
use kubeplay_core::examples;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use yew::prelude::*;

/// The playground page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        State::new(&storage::load().unwrap_or_else(|| examples::DEFAULT.to_owned()))
    });
    let shared = use_mut_ref(Shared::default);
    {
        let mut s = shared.borrow_mut();
        s.state = Some(Rc::new((*state).clone()));
        s.handle = Some(state.clone());
    }
    {
        // Install window.kubeplay once.
        let shared: Rc<RefCell<Shared>> = shared.clone();
        use_effect_with((), move |_| api::install(shared));
    }
    {
        // Autosave every edit and tell listeners.
        let shared = shared.clone();
        use_effect_with(state.text.clone(), move |text| {
            if *text.as_ref() == *examples::DEFAULT {
                storage::clear();
            } else {
                storage::save(text);
            }
            api::emit(&shared, "change", &JsValue::from_str(text));
        });
    }
    let on_edit = {
        let state = state.clone();
        Callback::from(move |text: String| state.dispatch(Action::Edit(text)))
    };
    let on_reset = {
        let state = state.clone();
        Callback::from(move |_| {
            let sure = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(
                        "Replace your manifest with the example? Your edits will be lost.",
                    )
                    .ok()
                })
                .unwrap_or(false);
            if sure {
                state.dispatch(Action::Edit(examples::DEFAULT.to_owned()));
            }
        })
    };
    let on_send = {
        let shared = shared.clone();
        Callback::from(move |(from, to): (String, String)| {
            if let Err(e) = api::send(&shared, &from, &to) {
                web_sys::console::warn_1(&e);
            }
        })
    };
    let errors = state.diagnostics.iter().filter(|d| d.is_error()).count();
    html! {
        <div class="kp-page">
            <header class="kp-header">
                <h1 class="kp-title">{ "kubeplay" }</h1>
                <p class="kp-tagline">{ "Kubernetes Services, routed as a real cluster would, in your browser." }</p>
                <button class="kp-button" type="button" onclick={on_reset}>{ "Reset to example" }</button>
            </header>
            <main class="kp-main">
                <section class="kp-panel kp-editor-panel" aria-labelledby="kp-editor-title">
                    <h2 id="kp-editor-title">{ "Manifest" }</h2>
                    <Editor text={state.text.clone()} diagnostics={state.diagnostics.clone()} on_change={on_edit} />
                </section>
                <section class="kp-panel kp-diagram-panel" aria-labelledby="kp-diagram-title">
                    <h2 id="kp-diagram-title">{ "Cluster" }
                        if state.stale {
                            <span class="kp-stale" role="status" data-stale="1">{ "showing last valid state" }</span>
                        }
                    </h2>
                    <ObjectList cluster={state.good.clone()} />
                    <RequestForm cluster={state.good.clone()} on_send={on_send} />
                </section>
                <section class="kp-panel kp-inspector-panel" aria-label="Inspector">
                    <Inspector state={Rc::new((*state).clone())} on_tab={
                        let state = state.clone();
                        Callback::from(move |tab| state.dispatch(Action::Show(tab)))
                    } errors={errors} />
                </section>
            </main>
        </div>
    }
}
