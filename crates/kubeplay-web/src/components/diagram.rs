//! The cluster diagram: a static layer (the scene rendered as SVG by
//! kubeplay-scene, drawn again only when the cluster changes) and an overlay
//! for requests (drawn every frame), as excalidraw splits its static and
//! animated layers. Clicking an element selects it.

use kubeplay_scene::{Scene, SvgOptions, SvgParts};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

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
    /// The scene as SVG parts (computed with the scene, not per frame).
    pub svg: Rc<SvgParts>,
    /// The overlay group the frame loop draws packets in flight into.
    pub packets: NodeRef,
    /// Highlighted request paths.
    pub paths: Rc<Vec<PathLine>>,
    /// Requests delivered per pod, drawn at each pod's corner: (pod id, x, y, count).
    pub counts: Rc<Vec<(String, f32, f32, u64)>>,
    /// Called with the `Kind/namespace/name` id of a clicked element.
    pub on_select: Callback<String>,
}

// By pointer: the scene and its SVG change only with the cluster; packets in
// flight are not props (the frame loop draws them into `packets`). The
// callback's captures change with the scene.
impl PartialEq for DiagramProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.scene, &other.scene)
            && Rc::ptr_eq(&self.svg, &other.svg)
            && Rc::ptr_eq(&self.paths, &other.paths)
            && Rc::ptr_eq(&self.counts, &other.counts)
    }
}

/// Properties of [`StaticLayer`].
#[derive(Properties)]
struct StaticLayerProps {
    svg: Rc<SvgParts>,
}

impl PartialEq for StaticLayerProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.svg, &other.svg)
    }
}

/// What the static layer has put in the DOM: the parts drawn and, for each,
/// its element, so the next scene replaces only the parts that changed.
struct Drawn {
    parts: Rc<SvgParts>,
    svg: web_sys::Element,
    /// The last element before the parts (the definitions).
    before: Option<web_sys::Element>,
    nodes: Vec<web_sys::Element>,
}

/// The scene's SVG. The first drawing (and a new theme or size) inserts the
/// whole document; later scenes replace only the parts whose markup changed
/// and move the others into order, so an edit to one Service of a 1,000-pod
/// cluster re-parses one group instead of the whole diagram. Never per frame.
#[function_component(StaticLayer)]
fn static_layer(props: &StaticLayerProps) -> Html {
    let host = use_node_ref();
    let drawn = use_mut_ref(|| None::<Drawn>);
    {
        let host = host.clone();
        use_effect_with(props.svg.clone(), move |svg| {
            if let Some(host) = host.cast::<web_sys::Element>() {
                let first_drawing = {
                    let mut drawn = drawn.borrow_mut();
                    let previous = drawn.take();
                    let first = previous.is_none();
                    *drawn = patch(&host, previous, svg);
                    first && drawn.is_some()
                };
                // Outside the borrow: listeners of `kubeplay:drawn` may call the app.
                if first_drawing {
                    first_drawing_done(&host);
                }
            }
        });
    }
    html! { <div class="kp-static" ref={host}></div> }
}

/// The live diagram is on screen: the prerendered picture of the default
/// example that the built site shows while the app loads (`#kp-first`, see
/// `cargo xtask`'s prerender step) goes, and the window hears
/// `kubeplay:drawn`, on which the built site's glue starts downloading the
/// part of the wasm the diagram did not need (`crates/xtask/src/split.rs`).
fn first_drawing_done(host: &web_sys::Element) {
    if let Some(first) = host
        .owner_document()
        .and_then(|d| d.get_element_by_id("kp-first"))
    {
        first.remove();
    }
    if let (Some(window), Ok(event)) = (web_sys::window(), web_sys::Event::new("kubeplay:drawn")) {
        // Nothing listens in a development build; nothing to report either way.
        let _ = window.dispatch_event(&event);
    }
}

/// Brings the DOM under `host` from `previous` to `parts`.
fn patch(host: &web_sys::Element, previous: Option<Drawn>, parts: &Rc<SvgParts>) -> Option<Drawn> {
    let Some(old) = previous.filter(|d| d.parts.head == parts.head) else {
        return draw_whole(host, parts);
    };
    let index: std::collections::BTreeMap<&str, usize> = kubeplay_core::order::btree_map(
        old.parts
            .parts
            .iter()
            .enumerate()
            .map(|(i, p)| (p.key.as_str(), i)),
    );
    // Which old element each new part keeps, if its markup is unchanged.
    let kept: Vec<Option<usize>> = parts
        .parts
        .iter()
        .map(|p| {
            index
                .get(p.key.as_str())
                .copied()
                .filter(|&j| old.parts.parts[j].markup == p.markup)
        })
        .collect();
    let fresh: Vec<&str> = parts
        .parts
        .iter()
        .zip(&kept)
        .filter(|(_, k)| k.is_none())
        .map(|(p, _)| p.markup.as_str())
        .collect();
    if fresh.len() * 2 > parts.parts.len() {
        // Most of it changed: one parse of the whole is cheaper.
        return draw_whole(host, parts);
    }
    // Parse every changed part at once, in a detached SVG element.
    let document = host.owner_document()?;
    let scratch = document
        .create_element_ns(Some("http://www.w3.org/2000/svg"), "svg")
        .ok()?;
    scratch.set_inner_html(&fresh.concat());
    let parsed = scratch.children();
    if parsed.length() as usize != fresh.len() {
        return draw_whole(host, parts);
    }
    let mut next_fresh = 0;
    let mut nodes = Vec::with_capacity(parts.parts.len());
    let mut reused = vec![false; old.nodes.len()];
    for k in &kept {
        let node = match k {
            Some(j) => {
                reused[*j] = true;
                old.nodes[*j].clone()
            }
            None => {
                let node = parsed.item(next_fresh)?;
                next_fresh += 1;
                node
            }
        };
        nodes.push(node);
    }
    // Drop what is not kept first, so that it does not stand between kept
    // parts and make the pass below move every part after it.
    for (node, kept) in old.nodes.iter().zip(&reused) {
        if !kept {
            node.remove();
        }
    }
    // Put each part right after the one before it; parts already in place
    // are not touched.
    for (i, node) in nodes.iter().enumerate() {
        let before = if i == 0 {
            old.before.clone()
        } else {
            Some(nodes[i - 1].clone())
        };
        let reference: Option<web_sys::Node> = match before {
            Some(b) => b.next_sibling(),
            None => old.svg.first_child(),
        };
        let node_ref: &web_sys::Node = node;
        if reference.as_ref() != Some(node_ref) {
            old.svg.insert_before(node, reference.as_ref()).ok()?;
        }
    }
    Some(Drawn {
        parts: parts.clone(),
        svg: old.svg,
        before: old.before,
        nodes,
    })
}

/// Inserts the whole document and remembers its parts' elements.
fn draw_whole(host: &web_sys::Element, parts: &Rc<SvgParts>) -> Option<Drawn> {
    let mut markup = String::with_capacity(
        parts.head.len() + parts.parts.iter().map(|p| p.markup.len()).sum::<usize>() + 8,
    );
    markup.push_str(&parts.head);
    for p in &parts.parts {
        markup.push_str(&p.markup);
    }
    markup.push_str("</svg>");
    host.set_inner_html(&markup);
    let svg = host.first_element_child()?;
    let children = svg.children();
    let count = children.length();
    let skip = count.checked_sub(parts.parts.len() as u32)?;
    let before = skip.checked_sub(1).and_then(|i| children.item(i));
    let nodes = (skip..count).filter_map(|i| children.item(i)).collect();
    Some(Drawn {
        parts: parts.clone(),
        svg,
        before,
        nodes,
    })
}

/// The `Kind/namespace/name` id of a drawn object, from its DOM attributes.
fn element_id(el: &web_sys::Element) -> String {
    let kind = el.get_attribute("data-kind").unwrap_or_default();
    let name = el.get_attribute("data-name").unwrap_or_default();
    match el.get_attribute("data-namespace") {
        Some(ns) => format!("{kind}/{ns}/{name}"),
        None => format!("{kind}/{name}"),
    }
}

/// Renders an SVG scene, cut into parts: `dark` follows the system setting.
pub fn render_svg(scene: &Scene, dark: bool) -> SvgParts {
    kubeplay_scene::to_svg_parts(
        scene,
        &SvgOptions {
            dark,
            title: Some("The cluster described by the manifest".into()),
            focusable: true,
            ..SvgOptions::default()
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
                cb.emit(element_id(&el));
            }
        })
    };
    // The keyboard: the viewport is one tab stop; arrow keys move focus
    // through the objects (in drawing order: nodes, then Services, pods and
    // the things outside), Enter or Space selects the focused one.
    let onkeydown = {
        let cb = props.on_select.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(frame) = e
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            let focused = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element());
            let key = e.key();
            if matches!(key.as_str(), "Enter" | " ") {
                if let Some(el) = focused.filter(|f| f.has_attribute("data-kind")) {
                    e.prevent_default();
                    cb.emit(element_id(&el));
                }
                return;
            }
            let Ok(list) = frame.query_selector_all(".kp-static [data-kind][tabindex]") else {
                return;
            };
            let last = list.length().saturating_sub(1);
            let current = (0..list.length()).find(|&i| {
                let node = list.item(i);
                node.is_some()
                    && node.as_ref().map(JsCast::unchecked_ref::<web_sys::Node>)
                        == focused.as_ref().map(|f| f.unchecked_ref::<web_sys::Node>())
            });
            let next = match (key.as_str(), current) {
                ("Home", _) | ("ArrowDown" | "ArrowRight", None) => 0,
                ("End", _) | ("ArrowUp" | "ArrowLeft", None) => last,
                ("ArrowDown" | "ArrowRight", Some(i)) => (i + 1).min(last),
                ("ArrowUp" | "ArrowLeft", Some(i)) => i.saturating_sub(1),
                _ => return,
            };
            e.prevent_default();
            if let Some(el) = list
                .item(next)
                .and_then(|n| n.dyn_into::<web_sys::SvgElement>().ok())
            {
                let _ = el.focus();
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
        <div class="kp-viewport" tabindex="0" role="group"
            aria-label="Cluster diagram: arrow keys move between objects, Enter selects"
            {onkeydown} {onpointerdown} {onpointermove} onpointerup={onpointerup.clone()} onpointerleave={onpointerup} {onwheel}>
        <div class="kp-diagram" style={transform} {onclick}>
            <StaticLayer svg={props.svg.clone()} />
            <svg class="kp-overlay" viewBox={view_box} preserveAspectRatio="xMidYMin meet" aria-hidden="true">
                { for props.paths.iter().map(|p| {
                    let points = p.points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
                    html! {
                        <polyline class={classes!("kp-path", format!("kp-verdict-{}", p.verdict.to_ascii_lowercase()))}
                            data-packet={p.id.to_string()} data-verdict={p.verdict} points={points} />
                    }
                }) }
                { for props.counts.iter().map(|(id, x, y, n)| html! {
                    <g class="kp-count" data-pod={id.clone()} data-count={n.to_string()}>
                        <rect x={format!("{:.1}", x - 30.0)} y={format!("{:.1}", y - 8.0)} width="30" height="15" rx="7" />
                        <text x={format!("{:.1}", x - 15.0)} y={format!("{:.1}", y + 3.5)} text-anchor="middle">{ n.to_string() }</text>
                    </g>
                }) }
                <g class="kp-packets" ref={props.packets.clone()}></g>
            </svg>
        </div>
        </div>
        <p class="kp-legend">
            <span><svg viewBox="0 0 16 16" aria-hidden="true"><circle class="kp-packet" cx="8" cy="8" r="5" /></svg>{ "request" }</span>
            <span><svg viewBox="0 0 16 16" aria-hidden="true"><circle class="kp-packet kp-snat" cx="8" cy="8" r="5" /></svg>{ "after SNAT (source is the node's IP)" }</span>
            <span><svg viewBox="0 0 16 16" aria-hidden="true"><circle class="kp-packet kp-verdict-drop" cx="8" cy="8" r="5" /></svg>{ "dropped or rejected" }</span>
        </p>
        </div>
    }
}
