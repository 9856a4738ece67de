//! The top-level component: the editor, the cluster, the inspector.

use crate::api::{self, Shared};
use crate::components::diagram::{Diagram, PathLine, render_svg};
use crate::components::editor::Editor;
use crate::components::export::Export;
use crate::components::inspector::Inspector;
use crate::components::lesson::{LessonMenu, LessonPanel};
use crate::components::request::RequestForm;
use crate::components::traffic::Traffic;
use crate::components::whatif::WhatIf;
use crate::embed::{self, EmbedDialog};
use crate::lessons;
use crate::packets::Anchors;
use crate::share::{self, ShareButton};
use crate::state::{Action, State};
use crate::storage;
use crate::url::View;
use kubeplay_core::examples;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use yew::prelude::*;

/// The playground page.
#[function_component(App)]
pub fn app() -> Html {
    // The link the page was opened with wins over the autosave; embeds never
    // read the autosave (it is the reader's own work, not the author's).
    let opened = use_memo((), |_| share::initial());
    let embedded = opened.embed;
    // The lessons, and the one `#lesson=ID` (or the last visit) opens.
    let start = use_memo((), |_| {
        let all = lessons::all();
        let (active, text) = lessons::at_start(&all);
        (Rc::new(all), active, text)
    });
    let state = use_reducer(|| {
        let text = opened.yaml.clone().or_else(|| start.2.clone()).or_else(|| {
            (opened.error.is_none() && !opened.embed)
                .then(storage::load)
                .flatten()
        });
        State::new(&text.unwrap_or_else(|| examples::DEFAULT.to_owned()))
    });
    let lesson = use_state(|| start.1.clone());
    let done = use_state(|| Rc::new(lessons::done()));
    let shared = use_mut_ref(|| Shared::new(opened.seed.unwrap_or(0)));
    // Re-render on every animation frame that moved something.
    let frame = use_state(|| 0u64);
    {
        let shared = shared.clone();
        let frame = frame.clone();
        use_effect_with((), move |_| animate(shared, frame));
    }
    {
        let mut s = shared.borrow_mut();
        let retired = s
            .state
            .as_ref()
            .filter(|previous| !Rc::ptr_eq(&previous.good, &state.good))
            .map(|previous| previous.good.clone());
        s.state = Some(Rc::new((*state).clone()));
        s.handle = Some(state.clone());
        drop(s);
        // The cluster no longer shown is freed after the new diagram is drawn.
        match retired {
            Some(old) => Shared::retire(&shared, old),
            None => Shared::schedule_sweep(&shared),
        }
    }
    {
        // Install window.kubeplay once.
        let shared: Rc<RefCell<Shared>> = shared.clone();
        use_effect_with((), move |_| {
            api::install(shared.clone());
            // After window.kubeplay exists: the embedding page's bridge.
            embed::install(shared);
        });
    }
    {
        // Autosave every edit (after the diagram is drawn: writing a long
        // text to localStorage takes a few milliseconds) and tell listeners.
        let shared = shared.clone();
        use_effect_with(state.text.clone(), move |text| {
            if !embedded {
                // Embeds never touch the main app's autosave.
                let text = text.clone();
                crate::later(move || {
                    if *text == *examples::DEFAULT {
                        storage::clear();
                    } else {
                        storage::save(&text);
                    }
                });
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
            if confirm("Replace your manifest with the example? Your edits will be lost.") {
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
    embed::use_autoplay(opened.autoplay, shared.clone(), state.good.clone());
    let on_open_lesson = {
        let (state, lesson, all) = (state.clone(), lesson.clone(), start.0.clone());
        Callback::from(move |id: String| {
            let Some(l) = all.iter().find(|l| l.id == id) else {
                return;
            };
            // Work worth keeping is any text that is not an example or a
            // lesson's own manifest.
            let text: &str = &state.text;
            let known = text == examples::DEFAULT
                || all.iter().any(|l| text == l.start || text == l.solution);
            if known
                || confirm("Replace your manifest with this lesson's? Your edits will be lost.")
            {
                state.dispatch(Action::Edit(l.start.clone()));
                lessons::save_active(Some(&l.id));
                lesson.set(Some(l.clone()));
            }
        })
    };
    let on_close_lesson = {
        let lesson = lesson.clone();
        Callback::from(move |()| {
            lessons::save_active(None);
            lesson.set(None);
        })
    };
    let on_lesson_done = {
        let done = done.clone();
        Callback::from(move |id: String| done.set(Rc::new(lessons::mark_done(&id))))
    };
    let errors = state.diagnostics.iter().filter(|d| d.is_error()).count();
    // Light, dark or the system's choice; the page, the diagram and the editor follow.
    let theme = use_state(|| opened.theme.clone().unwrap_or_else(storage::theme));
    share::use_history(
        !embedded,
        state.text.clone(),
        (*theme).clone(),
        opened.clone(),
        on_edit.clone(),
    );
    // The system's choice, followed when it changes while the page is open.
    let system_dark = use_state(prefers_dark);
    {
        let system_dark = system_dark.clone();
        use_effect_with((), move |_| {
            use wasm_bindgen::JsCast;
            if let Some(query) = web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            {
                let changed = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
                    system_dark.set(prefers_dark());
                });
                let _ = query
                    .add_event_listener_with_callback("change", changed.as_ref().unchecked_ref());
                // The listener lives as long as the page.
                changed.forget();
            }
        });
    }
    let dark = match theme.as_str() {
        "dark" => true,
        "light" => false,
        _ => *system_dark,
    };
    use_effect_with((*theme).clone(), |t| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-theme", t);
        }
    });
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |e: Event| {
            use wasm_bindgen::JsCast;
            if let Some(sel) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                storage::save_theme(&sel.value());
                theme.set(sel.value());
            }
        })
    };
    // The static layer: laid out and rendered only when the cluster changes.
    let drawn = use_memo((ByPtr(state.good.clone()), dark), |(good, dark)| {
        let scene = kubeplay_scene::layout(&good.0.cluster);
        let svg = Rc::new(render_svg(&scene, *dark));
        let anchors = Rc::new(Anchors::new(&scene));
        (Rc::new(scene), svg, anchors)
    });
    let (scene, svg, anchors) = (drawn.0.clone(), drawn.1.clone(), drawn.2.clone());
    // The last request's path, highlighted; with reduced motion, every
    // request in flight is a highlighted path instead of a moving dot.
    let reduced = prefers_reduced_motion();
    {
        // The frame loop draws the packets with these.
        let mut s = shared.borrow_mut();
        s.anchors = Some(anchors.clone());
        s.reduced = reduced;
    }
    let line = |id: u64, t: &kubeplay_core::trace::Trace| PathLine {
        id,
        verdict: t.verdict.as_str(),
        points: t.path.iter().filter_map(|w| anchors.at(&w.id())).collect(),
    };
    let mut lines: Vec<PathLine> = state.trace.iter().map(|t| line(state.sent, t)).collect();
    if reduced {
        let s = shared.borrow();
        let mut ids: Vec<u64> = s.sim.packets_in_flight().map(|p| p.id).collect();
        ids.dedup();
        for id in ids {
            if let Some(t) = s.sim.trace(id) {
                lines.push(line(id, t));
            }
        }
    }
    let paths = Rc::new(lines);
    // Requests delivered per pod, drawn on each pod's top-right corner (a
    // collapsed pod counts towards its group's badge).
    let counts = {
        let s = shared.borrow();
        let mut by_box: std::collections::BTreeMap<String, (f32, f32, u64)> =
            std::collections::BTreeMap::new();
        for ((ns, name), n) in s.sim.delivered_per_pod() {
            if let Some((id, x, y)) = anchors.badge(ns, name) {
                let entry = by_box.entry(id.clone()).or_insert((*x, *y, 0));
                entry.2 += n;
            }
        }
        Rc::new(
            by_box
                .into_iter()
                .map(|(id, (x, y, n))| (id, x, y, n))
                .collect::<Vec<_>>(),
        )
    };
    let packets = shared.borrow().packets.clone();
    let on_select = {
        let shared = shared.clone();
        let good = state.good.clone();
        let state = state.clone();
        Callback::from(move |id: String| {
            // A packet: show the trace it was sent with.
            if let Some(n) = id
                .strip_prefix("Packet/")
                .and_then(|n| n.parse::<u64>().ok())
            {
                let t = shared.borrow().sim.trace(n).cloned();
                if let Some(t) = t {
                    state.dispatch(Action::Traced(t));
                }
                return;
            }
            state.dispatch(Action::Select(id.clone()));
            if let Some((from, to)) = request_for(&good, &id)
                && let Err(e) = api::send(&shared, &from, &to)
            {
                web_sys::console::warn_1(&e);
            }
        })
    };
    // A `view=diagram` link hides the editor; outside an embed the reader
    // can bring it back.
    let show_editor = use_state(|| false);
    let diagram_only = opened.view == View::Diagram && !*show_editor;
    let readonly = opened.readonly;
    let page_class = classes!(
        "kp-page",
        embedded.then_some("kp-embed"),
        diagram_only.then_some("kp-view-diagram")
    );
    html! {
        <div class={page_class}>
            if !embedded {
            <header class="kp-header">
                <h1 class="kp-title">{ "kubeplay" }</h1>
                <p class="kp-tagline">{ "Kubernetes Services, routed as a real cluster would, in your browser." }</p>
                <label class="kp-visually-hidden" for="kp-theme">{ "Theme" }</label>
                <LessonMenu lessons={start.0.clone()} done={(*done).clone()}
                    active={lesson.as_ref().map(|l| l.id.clone())} on_open={on_open_lesson.clone()} />
                <select id="kp-theme" class="kp-theme" onchange={on_theme} aria-label="Theme">
                    <option value="system" selected={*theme == "system"}>{ "System theme" }</option>
                    <option value="light" selected={*theme == "light"}>{ "Light" }</option>
                    <option value="dark" selected={*theme == "dark"}>{ "Dark" }</option>
                </select>
                if diagram_only {
                    <button class="kp-button" type="button" onclick={
                        let show_editor = show_editor.clone();
                        Callback::from(move |_| show_editor.set(true))
                    }>{ "Show the editor" }</button>
                }
                <ShareButton text={state.text.clone()} theme={(*theme).clone()} opened={opened.clone()} />
                <EmbedDialog text={state.text.clone()} theme={(*theme).clone()} />
                if !readonly {
                    <button class="kp-button" type="button" onclick={on_reset}>{ "Reset to example" }</button>
                }
            </header>
            }
            if let Some(id) = opened.lesson.as_deref().filter(|id| !start.0.iter().any(|l| l.id == *id)) {
                <p class="kp-link-error" role="alert">{ format!("This link names a lesson \"{id}\" that does not exist; the Lessons menu lists them all.") }</p>
            }
            if let Some(e) = &opened.error {
                <p class="kp-link-error" role="alert">{ format!("This link could not be opened: {e}. Showing the example instead.") }</p>
            }
            <main class="kp-main">
                if let Some(l) = (*lesson).clone() {
                    <LessonPanel key={l.id.clone()} done={done.contains(&l.id)} lesson={l.clone()}
                        next={start.0.iter().skip_while(|x| x.id != l.id).nth(1).cloned()}
                        on_open={on_open_lesson.clone()}
                        analysis={state.good.clone()} stale={state.stale}
                        on_edit={
                            let state = state.clone();
                            Callback::from(move |text: String| state.dispatch(Action::Edit(text)))
                        }
                        on_send={on_send.clone()} on_done={on_lesson_done} on_close={on_close_lesson} />
                }
                if !diagram_only {
                <section class="kp-panel kp-editor-panel" aria-labelledby="kp-editor-title">
                    <h2 id="kp-editor-title">{ "Manifest" }</h2>
                    <Editor dark={dark} text={state.text.clone()} diagnostics={state.diagnostics.clone()} on_change={on_edit} readonly={readonly} autosave={!embedded} />
                </section>
                }
                <section class="kp-panel kp-diagram-panel" aria-labelledby="kp-diagram-title">
                    <h2 id="kp-diagram-title">{ "Cluster" }
                        if state.stale {
                            <span class="kp-stale" role="status" data-stale="1">{ "showing last valid state" }</span>
                        }
                    </h2>
                    <Diagram scene={scene.clone()} svg={svg} {packets} paths={paths} counts={counts} {on_select} />
                    if !readonly {
                    <WhatIf selected={state.selected.clone()} text={state.text.clone()} cluster={state.good.clone()} on_edit={
                        let state = state.clone();
                        Callback::from(move |text: String| state.dispatch(Action::Edit(text)))
                    } />
                    }
                    <Traffic shared={shared.clone()} cluster={state.good.clone()} tick={*frame} />
                    <RequestForm cluster={state.good.clone()} on_send={on_send.clone()} />
                    <Export cluster={state.good.clone()} />
                </section>
                if !diagram_only {
                <section class="kp-panel kp-inspector-panel" aria-label="Inspector">
                    <Inspector state={Rc::new((*state).clone())} on_tab={
                        let state = state.clone();
                        Callback::from(move |tab| state.dispatch(Action::Show(tab)))
                    } errors={errors} />
                </section>
                }
            </main>
        </div>
    }
}

/// Asks the user to confirm; a browser without dialogs counts as "no".
pub(crate) fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The request that shows a clicked element best: for a Service, the
/// core's [`kubeplay_core::showcase::request_for_service`].
pub(crate) fn request_for(a: &kubeplay_core::Analysis, id: &str) -> Option<(String, String)> {
    let mut parts = id.splitn(3, '/');
    let (kind, ns, name) = (parts.next()?, parts.next()?, parts.next()?);
    if kind != "Service" {
        return None;
    }
    kubeplay_core::showcase::request_for_service(&a.cluster, ns, name)
}

/// The frame loop's requestAnimationFrame callback.
type FrameCallback = wasm_bindgen::closure::Closure<dyn FnMut(f64)>;

/// The frame loop: advances the simulation by the frame's time (clamped, so
/// a hidden tab does not flood the next frame) and re-renders when anything
/// is in flight. The core only ever sees whole microseconds.
fn animate(shared: Rc<RefCell<Shared>>, frame: UseStateHandle<u64>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let cb: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
    let again = cb.clone();
    let mut last: Option<f64> = None;
    let mut tick = 0u64;
    // When the page last re-rendered for the counters, and whether they
    // changed since.
    let mut rendered_at = 0.0;
    let mut dirty = false;
    *cb.borrow_mut() = Some(Closure::new(move |now: f64| {
        let dt_ms = last.map_or(0.0, |l| (now - l).clamp(0.0, 100.0));
        last = Some(now);
        let (events, flying, reduced) = {
            let mut guard = shared.borrow_mut();
            let s = &mut *guard;
            let cluster = s.state.as_ref().map(|st| st.good.clone());
            match cluster {
                Some(good) => {
                    let events = s.sim.step(&good.cluster, (dt_ms * 1000.0) as u64).len();
                    let flying = s.sim.packets_in_flight().next().is_some();
                    // Packets move here, outside yew: a few attribute writes each.
                    if let (Some(layer), Some(anchors)) =
                        (s.packets.cast::<web_sys::Element>(), s.anchors.clone())
                    {
                        let dots = if s.reduced {
                            Vec::new()
                        } else {
                            crate::packets::dots(&s.sim, &anchors)
                        };
                        s.pool.show(&layer, &dots);
                    }
                    (events, flying, s.reduced)
                }
                None => (0, false, false),
            }
        };
        // The page (counters, badges, highlighted paths) re-renders when
        // something happened, at most ten times a second; with reduced motion
        // the paths of packets in flight are the animation, so every frame.
        dirty |= events > 0;
        if (dirty && now - rendered_at >= 100.0) || (reduced && flying) {
            dirty = false;
            rendered_at = now;
            tick += 1;
            frame.set(tick);
        }
        if let (Some(w), Some(f)) = (web_sys::window(), again.borrow().as_ref()) {
            let _ = w.request_animation_frame(f.as_ref().unchecked_ref());
        }
    }));
    if let (Some(w), Some(f)) = (web_sys::window(), cb.borrow().as_ref()) {
        let _ = w.request_animation_frame(f.as_ref().unchecked_ref());
    }
    // The loop lives as long as the page.
    std::mem::forget(cb);
}

/// An Rc compared by pointer, for hook dependencies: the reducer makes a new
/// Rc exactly when the content changes, and comparing whole clusters on
/// every animation frame would cost more than the frame.
struct ByPtr<T>(Rc<T>);

impl<T> PartialEq for ByPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
