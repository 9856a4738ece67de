//! The cluster diagram: a static layer (the scene rendered as SVG by
//! kubeplay-scene, drawn again only when the cluster changes) and an overlay
//! for requests (drawn every frame), as excalidraw splits its static and
//! animated layers. Clicking an element selects it.

use kubeplay_scene::{Scene, SvgOptions};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// A request drawn on the overlay.
#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    /// The packet's id (`data-packet`).
    pub id: u64,
    /// Its final verdict (`data-verdict`), known when it was sent.
    pub verdict: &'static str,
    /// Where it is now, in scene units.
    pub at: (f32, f32),
}

/// A highlighted path, for reduced motion or a selected trace.
#[derive(Clone, Debug, PartialEq)]
pub struct PathLine {
    /// The packet's id.
    pub id: u64,
    /// Its final verdict.
    pub verdict: &'static str,
    /// The points it passes, in scene units.
    pub points: Vec<(f32, f32)>,
}

/// Properties of [`Diagram`].
#[derive(Properties)]
pub struct DiagramProps {
    /// The laid-out scene.
    pub scene: Rc<Scene>,
    /// The scene as SVG text (computed with the scene, not per frame).
    pub svg: Rc<str>,
    /// Requests in flight.
    pub dots: Rc<Vec<Dot>>,
    /// Highlighted request paths.
    pub paths: Rc<Vec<PathLine>>,
    /// Requests delivered per pod, drawn at each pod's corner: (pod id, x, y, count).
    pub counts: Rc<Vec<(String, f32, f32, u64)>>,
    /// Called with the `Kind/namespace/name` id of a clicked element.
    pub on_select: Callback<String>,
}

// By pointer: the scene and its SVG change only with the cluster; the dots
// change every frame. The callback's captures change with the scene.
impl PartialEq for DiagramProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.scene, &other.scene)
            && Rc::ptr_eq(&self.svg, &other.svg)
            && Rc::ptr_eq(&self.dots, &other.dots)
            && Rc::ptr_eq(&self.paths, &other.paths)
            && Rc::ptr_eq(&self.counts, &other.counts)
    }
}

/// Properties of [`StaticLayer`].
#[derive(Properties)]
struct StaticLayerProps {
    svg: Rc<str>,
}

impl PartialEq for StaticLayerProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.svg, &other.svg)
    }
}

/// The scene's SVG, inserted as markup; re-rendered only when it changes,
/// never per animation frame.
#[function_component(StaticLayer)]
fn static_layer(props: &StaticLayerProps) -> Html {
    html! { <div class="kp-static">{ Html::from_html_unchecked(AttrValue::from(props.svg.to_string())) }</div> }
}

/// Renders an SVG scene: `dark` follows the system setting.
pub fn render_svg(scene: &Scene, dark: bool) -> String {
    kubeplay_scene::to_svg(
        scene,
        &SvgOptions {
            dark,
            title: Some("The cluster described by the manifest".into()),
            motions: Vec::new(),
        },
    )
}

/// Zoom and pan of the diagram: a scale and an offset in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
struct View {
    scale: f64,
    x: f64,
    y: f64,
}

impl View {
    const FIT: View = View {
        scale: 1.0,
        x: 0.0,
        y: 0.0,
    };

    fn zoom(self, factor: f64) -> View {
        View {
            scale: (self.scale * factor).clamp(0.5, 6.0),
            ..self
        }
    }
}

/// The diagram.
#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let view = use_state(|| View::FIT);
    // Where a drag started (pointer position and the view then).
    let drag = use_mut_ref(|| None::<(f64, f64, View)>);
    let dragged = use_mut_ref(|| false);
    let zoom = |factor: f64| {
        let view = view.clone();
        Callback::from(move |_| {
            view.set(if factor == 0.0 {
                View::FIT
            } else {
                view.zoom(factor)
            })
        })
    };
    let onpointerdown = {
        let (drag, dragged, view) = (drag.clone(), dragged.clone(), view.clone());
        Callback::from(move |e: PointerEvent| {
            *drag.borrow_mut() = Some((f64::from(e.client_x()), f64::from(e.client_y()), *view));
            *dragged.borrow_mut() = false;
        })
    };
    let onpointermove = {
        let (drag, dragged, view) = (drag.clone(), dragged.clone(), view.clone());
        Callback::from(move |e: PointerEvent| {
            if let Some((x0, y0, v0)) = *drag.borrow() {
                let (dx, dy) = (f64::from(e.client_x()) - x0, f64::from(e.client_y()) - y0);
                if dx.abs() + dy.abs() > 4.0 {
                    *dragged.borrow_mut() = true;
                    view.set(View {
                        x: v0.x + dx,
                        y: v0.y + dy,
                        ..v0
                    });
                }
            }
        })
    };
    let onpointerup = {
        let drag = drag.clone();
        Callback::from(move |_: PointerEvent| *drag.borrow_mut() = None)
    };
    let onwheel = {
        let view = view.clone();
        Callback::from(move |e: WheelEvent| {
            // Ctrl+wheel (and pinch on touchpads) zooms; plain wheel scrolls the page.
            if e.ctrl_key() {
                e.prevent_default();
                view.set(view.zoom(if e.delta_y() < 0.0 { 1.15 } else { 1.0 / 1.15 }));
            }
        })
    };
    let onclick = {
        let cb = props.on_select.clone();
        let dragged = dragged.clone();
        Callback::from(move |e: MouseEvent| {
            if *dragged.borrow() {
                return;
            }
            let target = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            if let Some(p) = target
                .as_ref()
                .and_then(|t| t.closest("[data-packet]").ok().flatten())
            {
                cb.emit(format!(
                    "Packet/{}",
                    p.get_attribute("data-packet").unwrap_or_default()
                ));
                return;
            }
            let el = target.and_then(|t| t.closest("[data-kind]").ok().flatten());
            if let Some(el) = el {
                let kind = el.get_attribute("data-kind").unwrap_or_default();
                let ns = el.get_attribute("data-namespace");
                let name = el.get_attribute("data-name").unwrap_or_default();
                let id = match ns {
                    Some(ns) => format!("{kind}/{ns}/{name}"),
                    None => format!("{kind}/{name}"),
                };
                cb.emit(id);
            }
        })
    };
    let (w, h) = (props.scene.width, props.scene.height);
    let view_box = format!("0 0 {w} {h}");
    let transform = format!(
        "transform: translate({:.0}px, {:.0}px) scale({:.3});",
        view.x, view.y, view.scale
    );
    html! {
        <div class="kp-diagram-frame">
        <div class="kp-zoom" role="group" aria-label="Zoom">
            <button type="button" class="kp-button" aria-label="Zoom in" onclick={zoom(1.25)}>{ "+" }</button>
            <button type="button" class="kp-button" aria-label="Zoom out" onclick={zoom(0.8)}>{ "−" }</button>
            <button type="button" class="kp-button" aria-label="Fit the diagram" onclick={zoom(0.0)}>{ "Fit" }</button>
        </div>
        <div class="kp-viewport" {onpointerdown} {onpointermove} onpointerup={onpointerup.clone()} onpointerleave={onpointerup} {onwheel}>
        <div class="kp-diagram" style={transform} {onclick}>
            <StaticLayer svg={props.svg.clone()} />
            <svg class="kp-overlay" viewBox={view_box} preserveAspectRatio="xMidYMin meet" aria-hidden="true">
                { for props.paths.iter().map(|p| {
                    let points = p.points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
                    html! {
                        <polyline class={classes!("kp-path", format!("kp-verdict-{}", p.verdict.to_lowercase()))}
                            data-packet={p.id.to_string()} data-verdict={p.verdict} points={points} />
                    }
                }) }
                { for props.counts.iter().map(|(id, x, y, n)| html! {
                    <g class="kp-count" data-pod={id.clone()} data-count={n.to_string()}>
                        <rect x={format!("{:.1}", x - 30.0)} y={format!("{:.1}", y - 8.0)} width="30" height="15" rx="7" />
                        <text x={format!("{:.1}", x - 15.0)} y={format!("{:.1}", y + 3.5)} text-anchor="middle">{ n.to_string() }</text>
                    </g>
                }) }
                { for props.dots.iter().map(|d| html! {
                    <circle class={classes!("kp-packet", format!("kp-verdict-{}", d.verdict.to_lowercase()))}
                        data-packet={d.id.to_string()} data-verdict={d.verdict}
                        cx={format!("{:.1}", d.at.0)} cy={format!("{:.1}", d.at.1)} r="6" />
                }) }
            </svg>
        </div>
        </div>
        </div>
    }
}
