//! The moving packets, drawn outside yew: the frame loop moves a pool of SVG
//! circles directly (only the attributes that changed), so an animation frame
//! with hundreds of packets in flight costs a few attribute writes each,
//! not a virtual-DOM render of the page.

use kubeplay_scene::Scene;
use std::collections::BTreeMap;

/// Where packets pass, per waypoint id, for one scene: element centres, and
/// a pod collapsed into a group answers with its group's centre. Built once
/// per scene, so each frame looks anchors up instead of scanning the scene.
#[derive(Debug, Default, PartialEq)]
pub struct Anchors {
    centre: BTreeMap<String, (f32, f32)>,
    /// Where a pod's delivered-requests badge goes: (box id, top-right corner).
    badge: BTreeMap<String, (String, f32, f32)>,
}

impl Anchors {
    /// The anchors of a scene.
    pub fn new(scene: &Scene) -> Anchors {
        let mut a = Anchors::default();
        for e in &scene.elements {
            a.centre.insert(e.id.clone(), e.centre());
            let corner = (e.id.clone(), e.x + e.w - 2.0, e.y + 2.0);
            match e.kind {
                "Pod" => {
                    a.badge.insert(e.id.clone(), corner);
                }
                "PodGroup" => {
                    let ns = e.namespace.as_deref().unwrap_or("default");
                    for m in &e.members {
                        let id = format!("Pod/{ns}/{m}");
                        a.centre.entry(id.clone()).or_insert_with(|| e.centre());
                        a.badge.entry(id).or_insert_with(|| corner.clone());
                    }
                }
                _ => {}
            }
        }
        a
    }

    /// The anchor of a waypoint id. Rotating external clients share the one
    /// client drawn.
    pub fn at(&self, id: &str) -> Option<(f32, f32)> {
        self.centre.get(id).copied().or_else(|| {
            id.starts_with("ExternalClient/")
                .then(|| {
                    self.centre
                        .get(&format!(
                            "ExternalClient/{}",
                            kubeplay_core::trace::EXTERNAL_CLIENT
                        ))
                        .copied()
                })
                .flatten()
        })
    }

    /// Where the badge of pod `ns/name` goes: its box's id and corner.
    pub fn badge(&self, ns: &str, name: &str) -> Option<&(String, f32, f32)> {
        self.badge.get(&format!("Pod/{ns}/{name}"))
    }
}

/// A packet as drawn: what its circle's attributes say.
#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    /// `data-packet`.
    pub id: u64,
    /// `data-verdict`: the final verdict, known when it was sent.
    pub verdict: &'static str,
    /// The centre, in scene units.
    pub at: (f32, f32),
    /// Whether it carries a masqueraded (SNAT) source on this leg.
    pub snat: bool,
}

/// Where each packet in flight is now: between the anchors of its leg.
pub fn dots(sim: &kubeplay_core::sim::Simulation, anchors: &Anchors) -> Vec<Dot> {
    sim.packets_in_flight()
        .filter_map(|p| {
            let (a, b) = (anchors.at(p.leg_from)?, anchors.at(p.leg_to)?);
            let t = f32::from(p.progress_permille) / 1000.0;
            Some(Dot {
                id: p.id,
                verdict: p.verdict.as_str(),
                at: (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t),
                snat: p.snat,
            })
        })
        .collect()
}

/// One packet's circle, with handles on its centre so that moving it writes
/// two numbers, not two attribute strings.
struct Circle {
    el: web_sys::Element,
    cx: web_sys::SvgLength,
    cy: web_sys::SvgLength,
    at: (f32, f32),
    snat: bool,
}

/// The circles drawn so far, by packet id: a packet keeps its circle for its
/// whole flight, so its class and data attributes are written once (and
/// again only when it is SNATed).
#[derive(Default)]
pub struct Pool {
    layer: Option<web_sys::Element>,
    circles: BTreeMap<u64, Circle>,
}

const SVG_NS: &str = "http://www.w3.org/2000/svg";

impl Pool {
    /// Makes the circles under `layer` show `dots`: moves the circles of
    /// packets still flying, adds circles for new ones, removes the rest.
    pub fn show(&mut self, layer: &web_sys::Element, dots: &[Dot]) {
        if self.layer.as_ref() != Some(layer) {
            // A new layer (the diagram was drawn afresh): start over.
            self.circles.clear();
            self.layer = Some(layer.clone());
        }
        let flying: std::collections::BTreeSet<u64> =
            kubeplay_core::order::btree_set(dots.iter().map(|d| d.id));
        self.circles.retain(|id, c| {
            let keep = flying.contains(id);
            if !keep {
                c.el.remove();
            }
            keep
        });
        for d in dots {
            match self.circles.entry(d.id) {
                std::collections::btree_map::Entry::Occupied(mut o) => {
                    let c = o.get_mut();
                    if c.snat != d.snat {
                        set_class(&c.el, d);
                        c.snat = d.snat;
                    }
                    if c.at.0 != d.at.0 {
                        let _ = c.cx.set_value(d.at.0);
                    }
                    if c.at.1 != d.at.1 {
                        let _ = c.cy.set_value(d.at.1);
                    }
                    c.at = d.at;
                }
                std::collections::btree_map::Entry::Vacant(v) => {
                    let Some(c) = new_circle(layer, d) else {
                        return;
                    };
                    v.insert(c);
                }
            }
        }
    }
}

/// A circle for a packet, appended to `layer`.
fn new_circle(layer: &web_sys::Element, d: &Dot) -> Option<Circle> {
    use wasm_bindgen::JsCast;
    let el = layer
        .owner_document()?
        .create_element_ns(Some(SVG_NS), "circle")
        .ok()?;
    let circle = el.clone().dyn_into::<web_sys::SvgCircleElement>().ok()?;
    let _ = el.set_attribute("r", "6");
    let _ = el.set_attribute("data-packet", &d.id.to_string());
    let _ = el.set_attribute("data-verdict", d.verdict);
    let (cx, cy) = (circle.cx().base_val(), circle.cy().base_val());
    let _ = cx.set_value(d.at.0);
    let _ = cy.set_value(d.at.1);
    set_class(&el, d);
    layer.append_child(&el).ok()?;
    Some(Circle {
        el,
        cx,
        cy,
        at: d.at,
        snat: d.snat,
    })
}

/// The class and `data-snat` of a packet's circle.
fn set_class(el: &web_sys::Element, d: &Dot) {
    let class = format!(
        "kp-packet kp-verdict-{}{}",
        d.verdict.to_ascii_lowercase(),
        if d.snat { " kp-snat" } else { "" }
    );
    let _ = el.set_attribute("class", &class);
    let _ = if d.snat {
        el.set_attribute("data-snat", "true")
    } else {
        el.remove_attribute("data-snat")
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_find_elements_collapsed_pods_and_rotating_clients() {
        let a = kubeplay_core::analyze(kubeplay_core::examples::DEFAULT);
        let scene = kubeplay_scene::layout(&a.cluster);
        let anchors = Anchors::new(&scene);
        for e in &scene.elements {
            assert_eq!(anchors.at(&e.id), Some(e.centre()), "{}", e.id);
        }
        assert_eq!(
            anchors.at("ExternalClient/203.0.113.77"),
            anchors.at(&format!(
                "ExternalClient/{}",
                kubeplay_core::trace::EXTERNAL_CLIENT
            ))
        );
        // Eight replicas on one node collapse into a group: each member
        // answers with the group.
        let many = kubeplay_core::examples::DEFAULT.replacen("replicas: 3", "replicas: 24", 1);
        let a = kubeplay_core::analyze(&many);
        let scene = kubeplay_scene::layout(&a.cluster);
        let anchors = Anchors::new(&scene);
        let group = scene
            .elements
            .iter()
            .find(|e| e.kind == "PodGroup")
            .unwrap_or_else(|| panic!("a group in {:?}", scene.elements));
        let ns = group.namespace.as_deref().unwrap_or("default");
        for m in &group.members {
            assert_eq!(anchors.at(&format!("Pod/{ns}/{m}")), Some(group.centre()));
            assert_eq!(
                anchors.badge(ns, m).map(|b| b.0.as_str()),
                Some(group.id.as_str())
            );
        }
    }
}
