//! Traffic controls: start and stop a continuous flow, pause, step, speed,
//! and the per-pod counters that show how the load is spread.

use crate::api::Shared;
use kubeplay_core::Analysis;
use kubeplay_core::sim::Flow;
use kubeplay_core::trace::{Source, Target};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Properties of [`Traffic`].
#[derive(Properties)]
pub struct TrafficProps {
    /// The simulation, shared with the frame loop and the API.
    pub shared: Rc<RefCell<Shared>>,
    /// The cluster requests go through.
    pub cluster: Rc<Analysis>,
    /// The frame counter (changes when packets moved).
    pub tick: u64,
}

impl PartialEq for TrafficProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.shared, &other.shared)
            && Rc::ptr_eq(&self.cluster, &other.cluster)
            && self.tick == other.tick
    }
}

fn value(id: &str) -> Option<String> {
    let el = web_sys::window()?.document()?.get_element_by_id(id)?;
    if let Ok(s) = el.clone().dyn_into::<web_sys::HtmlSelectElement>() {
        return Some(s.value());
    }
    el.dyn_into::<web_sys::HtmlInputElement>()
        .ok()
        .map(|i| i.value())
}

/// The controls and counters.
#[function_component(Traffic)]
pub fn traffic(props: &TrafficProps) -> Html {
    let redraw = use_force_update();
    // The rate as typed; kept here so re-renders (every frame) do not reset it.
    let rate = use_state(|| "5".to_owned());
    let on_rate = {
        let rate = rate.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                rate.set(i.value());
            }
        })
    };
    let (flowing, paused, speed, totals, per_pod) = {
        let s = props.shared.borrow();
        (
            s.sim.flows().next().is_some(),
            s.sim.is_paused(),
            s.sim.speed(),
            s.sim.totals().clone(),
            s.sim.delivered_per_pod().clone(),
        )
    };
    let start = {
        let shared = props.shared.clone();
        let redraw = redraw.clone();
        Callback::from(move |_| {
            let mut s = shared.borrow_mut();
            if s.sim.flows().next().is_some() {
                s.sim.clear_flows();
            } else if let (Some(from), Some(to)) = (value("kp-from"), value("kp-to"))
                && let (Ok(source), Ok(target)) = (Source::parse(&from), Target::parse(&to))
            {
                let rate = value("kp-rate").and_then(|r| r.parse().ok()).unwrap_or(5);
                s.sim.add_flow(Flow {
                    source,
                    target,
                    protocol: "TCP".into(),
                    per_second: rate,
                    clients: 4,
                });
            }
            redraw.force_update();
        })
    };
    let pause = {
        let shared = props.shared.clone();
        let redraw = redraw.clone();
        Callback::from(move |_| {
            let mut s = shared.borrow_mut();
            if s.sim.is_paused() {
                s.sim.resume();
            } else {
                s.sim.pause();
            }
            redraw.force_update();
        })
    };
    let step = {
        let shared = props.shared.clone();
        let cluster = props.cluster.clone();
        let redraw = redraw.clone();
        Callback::from(move |_| {
            shared.borrow_mut().sim.step_one_packet(&cluster.cluster);
            redraw.force_update();
        })
    };
    let on_speed = {
        let shared = props.shared.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                let den = sel.value().parse().unwrap_or(1);
                shared.borrow_mut().sim.set_speed(1, den);
            }
        })
    };
    html! {
        <div class="kp-traffic">
            <div class="kp-controls" role="group" aria-label="Traffic">
                <label for="kp-rate">{ "Rate" }</label>
                <input id="kp-rate" type="number" min="1" max="200" value={(*rate).clone()} oninput={on_rate} aria-label="Requests per second" />
                <button type="button" class="kp-button" id="kp-flow" aria-pressed={if flowing { "true" } else { "false" }} onclick={start}>
                    { if flowing { "Stop traffic" } else { "Start traffic" } }
                </button>
                <button type="button" class="kp-button" id="kp-pause" aria-pressed={if paused { "true" } else { "false" }} onclick={pause}>
                    { if paused { "Resume" } else { "Pause" } }
                </button>
                <button type="button" class="kp-button" id="kp-step" onclick={step}>{ "Step" }</button>
                <label for="kp-speed">{ "Speed" }</label>
                <select id="kp-speed" onchange={on_speed}>
                    <option value="1" selected={speed.1 == 1}>{ "1×" }</option>
                    <option value="4" selected={speed.1 == 4}>{ "¼×" }</option>
                    <option value="10" selected={speed.1 == 10}>{ "⅒×" }</option>
                </select>
            </div>
            <p class="kp-totals" aria-live="polite">
                { format!("sent {} · delivered {} · dropped {} · rejected {}", totals.sent, totals.delivered, totals.dropped, totals.rejected) }
            </p>
            if !per_pod.is_empty() {
                <ul class="kp-counters" aria-label="Requests delivered per pod">
                    { for per_pod.iter().map(|((ns, name), n)| html! {
                        <li data-pod={format!("{ns}/{name}")} data-count={n.to_string()}><code>{ name }</code>{ format!(" {n}") }</li>
                    }) }
                </ul>
            }
        </div>
    }
}
