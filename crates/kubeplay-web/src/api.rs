//! `window.kubeplay`: the page's JavaScript API (DESIGN.md), for tests,
//! tutorials and embedding pages. Every method returns a Promise, except the
//! hidden `_parse(text)` that the benchmark times (see `install`).

use crate::state::{Action, State};
use js_sys::{Function, Object, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use yew::{NodeRef, UseReducerHandle};

/// What the API closures share with the app: the latest state and the
/// reducer to dispatch to, replaced on every render.
pub struct Shared {
    /// The state as of the last render.
    pub state: Option<Rc<State>>,
    /// The reducer handle.
    pub handle: Option<UseReducerHandle<State>>,
    /// `on(event, fn)` listeners.
    pub listeners: Vec<(String, Function)>,
    /// The traffic simulation the diagram animates.
    pub sim: kubeplay_core::sim::Simulation,
    /// The anchors of the scene on screen, for the frame loop.
    pub anchors: Option<Rc<crate::packets::Anchors>>,
    /// The overlay group the frame loop draws packets into.
    pub packets: NodeRef,
    /// The packets' circles.
    pub pool: crate::packets::Pool,
    /// Whether packets are drawn as highlighted paths (reduced motion), by
    /// the page, instead of moving circles.
    pub reduced: bool,
    /// Clusters the page no longer shows, freed by [`sweep`] in a task of
    /// their own once nothing else holds them.
    pub retired: Vec<Rc<kubeplay_core::Analysis>>,
    /// Whether a [`sweep`] is scheduled.
    pub sweeping: bool,
}

impl Shared {
    /// The shared state for a simulation seed.
    pub fn new(seed: u64) -> Shared {
        Shared {
            state: None,
            handle: None,
            listeners: Vec::new(),
            sim: kubeplay_core::sim::Simulation::new(seed),
            anchors: None,
            packets: NodeRef::default(),
            pool: crate::packets::Pool::default(),
            reduced: false,
            retired: Vec::new(),
            sweeping: false,
        }
    }

    /// Keeps the cluster the page stopped showing until [`sweep`] frees it.
    /// Freeing a large cluster takes milliseconds (about 4 for 1,000 pods in
    /// an unoptimised build), and the last reference to it is often dropped
    /// during a later render (a callback that captured the old state), which
    /// would put that time inside the next edit.
    pub fn retire(this: &Rc<RefCell<Shared>>, analysis: Rc<kubeplay_core::Analysis>) {
        this.borrow_mut().retired.push(analysis);
        Shared::schedule_sweep(this);
    }

    /// Schedules a [`sweep`] unless one is pending or nothing is retired.
    pub fn schedule_sweep(this: &Rc<RefCell<Shared>>) {
        let mut s = this.borrow_mut();
        if s.sweeping || s.retired.is_empty() {
            return;
        }
        s.sweeping = true;
        let shared = this.clone();
        crate::later(move || sweep(&shared));
    }
}

/// Frees the retired clusters nothing else holds any more; the others wait
/// for the sweep after the next render.
pub fn sweep(shared: &Rc<RefCell<Shared>>) {
    let free: Vec<Rc<kubeplay_core::Analysis>> = {
        let mut s = shared.borrow_mut();
        s.sweeping = false;
        let (free, kept) = std::mem::take(&mut s.retired)
            .into_iter()
            .partition(|a| Rc::strong_count(a) == 1);
        s.retired = kept;
        free
    };
    drop(free);
}

/// Calls every listener of `event` with `arg`.
pub fn emit(shared: &Rc<RefCell<Shared>>, event: &str, arg: &JsValue) {
    let listeners: Vec<Function> = shared
        .borrow()
        .listeners
        .iter()
        .filter(|(e, _)| e == event)
        .map(|(_, f)| f.clone())
        .collect();
    for f in listeners {
        let _ = f.call1(&JsValue::NULL, arg);
    }
}

/// Traces `{from, to}` on the last valid cluster, records it in the state and
/// returns the trace as the CLI's JSON.
pub fn send(shared: &Rc<RefCell<Shared>>, from: &str, to: &str) -> Result<JsValue, JsValue> {
    use kubeplay_core::trace::{Source, Target, trace};
    let source = Source::parse(from).map_err(|e| JsValue::from_str(&e))?;
    let target = Target::parse(to).map_err(|e| JsValue::from_str(&e))?;
    let (state, handle) = {
        let s = shared.borrow();
        (s.state.clone(), s.handle.clone())
    };
    let state = state.ok_or_else(|| JsValue::from_str("kubeplay is not ready yet"))?;
    // The request also flies across the diagram: the simulation traces it
    // (with its session-affinity memory) and animates it.
    let t = {
        let mut s = shared.borrow_mut();
        let id = s.sim.send(&state.good.cluster, &source, &target, "TCP");
        s.sim.trace(id).cloned()
    };
    let t = t.unwrap_or_else(|| {
        Rc::new(trace(
            &state.good.cluster,
            &source,
            &target,
            "TCP",
            state.sent,
        ))
    });
    let json = js_sys::JSON::parse(&kubeplay_core::json::to_string(&t.to_json()))?;
    if let Some(h) = handle {
        h.dispatch(Action::Traced(t));
    }
    emit(shared, "trace", &json);
    Ok(json)
}

fn promise(result: Result<JsValue, JsValue>) -> Promise {
    match result {
        Ok(v) => Promise::resolve(&v),
        Err(e) => Promise::reject(&e),
    }
}

fn method(obj: &Object, name: &str, f: Function) {
    let _ = Reflect::set(obj, &JsValue::from_str(name), &f);
}

/// Installs `window.kubeplay`.
pub fn install(shared: Rc<RefCell<Shared>>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let api = Object::new();
    let s = shared.clone();
    let get_yaml = Closure::<dyn Fn() -> Promise>::new(move || {
        let text = s
            .borrow()
            .state
            .as_ref()
            .map(|st| st.text.to_string())
            .unwrap_or_default();
        Promise::resolve(&JsValue::from_str(&text))
    });
    method(
        &api,
        "getYaml",
        get_yaml.as_ref().unchecked_ref::<Function>().clone(),
    );
    get_yaml.forget();
    let s = shared.clone();
    let set_yaml = Closure::<dyn Fn(JsValue) -> Promise>::new(move |text: JsValue| {
        let Some(text) = text.as_string() else {
            return Promise::reject(&JsValue::from_str("setYaml needs a string"));
        };
        if let Some(h) = s.borrow().handle.clone() {
            h.dispatch(Action::Edit(text));
        }
        Promise::resolve(&JsValue::UNDEFINED)
    });
    method(
        &api,
        "setYaml",
        set_yaml.as_ref().unchecked_ref::<Function>().clone(),
    );
    set_yaml.forget();
    let s = shared.clone();
    let send_fn = Closure::<dyn Fn(JsValue) -> Promise>::new(move |req: JsValue| {
        let field = |k: &str| {
            Reflect::get(&req, &JsValue::from_str(k))
                .ok()
                .and_then(|v| v.as_string())
        };
        match (field("from"), field("to")) {
            (Some(from), Some(to)) => promise(send(&s, &from, &to)),
            _ => Promise::reject(&JsValue::from_str("send needs {from, to}")),
        }
    });
    method(
        &api,
        "send",
        send_fn.as_ref().unchecked_ref::<Function>().clone(),
    );
    send_fn.forget();
    let s = shared;
    let on = Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(
        move |event: JsValue, f: JsValue| match (event.as_string(), f.dyn_into::<Function>()) {
            (Some(e), Ok(f)) => {
                s.borrow_mut().listeners.push((e, f));
                Promise::resolve(&JsValue::UNDEFINED)
            }
            _ => Promise::reject(&JsValue::from_str("on needs (event, function)")),
        },
    );
    method(&api, "on", on.as_ref().unchecked_ref::<Function>().clone());
    on.forget();
    // Hidden, for `web/bench/bench.mjs` only: the YAML front end and decoding
    // of a text (`kubeplay_core::load`), nothing else, returning how many
    // objects were read. Unlike the public methods it returns the number
    // itself, not a Promise, so a benchmark times just the parse.
    let parse = Closure::<dyn Fn(JsValue) -> JsValue>::new(|text: JsValue| {
        let m = kubeplay_core::load(&text.as_string().unwrap_or_default());
        JsValue::from_f64((m.objects.len() + m.unsimulated.len()) as f64)
    });
    method(
        &api,
        "_parse",
        parse.as_ref().unchecked_ref::<Function>().clone(),
    );
    parse.forget();
    let _ = Reflect::set(&window, &JsValue::from_str("kubeplay"), &api);
}
