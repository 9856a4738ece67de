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
#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    /// The laid-out scene.
    pub scene: Rc<Scene>,
    /// The scene as SVG text (computed with the scene, not per frame).
    pub svg: Rc<str>,
    /// Requests in flight.
    pub dots: Rc<Vec<Dot>>,
    /// Highlighted request paths.
    pub paths: Rc<Vec<PathLine>>,
    /// Called with the `Kind/namespace/name` id of a clicked element.
    pub on_select: Callback<String>,
}

/// Renders an SVG scene: `dark` follows the system setting.
pub fn render_svg(scene: &Scene, dark: bool) -> String {
    kubeplay_scene::to_svg(
        scene,
        &SvgOptions {
            dark,
            title: Some("The cluster described by the manifest".into()),
        },
    )
}

/// The diagram.
#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let onclick = {
        let cb = props.on_select.clone();
        Callback::from(move |e: MouseEvent| {
            let el = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|t| t.closest("[data-kind]").ok().flatten());
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
    html! {
        <div class="kp-diagram" {onclick}>
            <div class="kp-static">{ Html::from_html_unchecked(AttrValue::from(props.svg.to_string())) }</div>
            <svg class="kp-overlay" viewBox={view_box} preserveAspectRatio="xMidYMin meet" aria-hidden="true">
                { for props.paths.iter().map(|p| {
                    let points = p.points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
                    html! {
                        <polyline class={classes!("kp-path", format!("kp-verdict-{}", p.verdict.to_lowercase()))}
                            data-packet={p.id.to_string()} data-verdict={p.verdict} points={points} />
                    }
                }) }
                { for props.dots.iter().map(|d| html! {
                    <circle class={classes!("kp-packet", format!("kp-verdict-{}", d.verdict.to_lowercase()))}
                        data-packet={d.id.to_string()} data-verdict={d.verdict}
                        cx={format!("{:.1}", d.at.0)} cy={format!("{:.1}", d.at.1)} r="6" />
                }) }
            </svg>
        </div>
    }
}
