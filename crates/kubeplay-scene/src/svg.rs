//! The static SVG renderer: one standalone document (inline style, no
//! scripts, no external references), so it works inside an `<img>`, in a
//! blog post and as `kubeplay render`'s output.
//!
//! Text widths are estimated, not measured (there is no font engine here):
//! an average glyph is taken as [`GLYPH`] times the font size, which is a
//! little generous for system-ui so shortened text never overflows.

use crate::{EdgeKind, Element, Opening, Scene};
use std::collections::BTreeMap;
use std::fmt::Write;

/// How the SVG is drawn.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SvgOptions {
    /// Use the dark palette.
    pub dark: bool,
    /// A document title (`<title>` of the SVG, read by screen readers).
    pub title: Option<String>,
    /// Requests drawn moving along their paths with CSS animations (empty:
    /// a still picture). See [`crate::motions`].
    pub motions: Vec<Motion>,
    /// Mark each object a user can select as a focusable button
    /// (`tabindex="-1"`, `role="button"`), for an interactive viewer that moves
    /// focus among them with the keyboard.
    pub focusable: bool,
}

/// A request an animated SVG draws: a dot moving along its path, forever.
#[derive(Clone, Debug, PartialEq)]
pub struct Motion {
    /// The trace's verdict (`DNAT`, `DROP`, `REJECT`, `NONE`, ...): requests
    /// that end in a drop, a reject or NXDOMAIN are drawn in red.
    pub verdict: String,
    /// The anchors it passes, in order, in scene units (at least two).
    pub points: Vec<(f32, f32)>,
}

/// Seconds a moving request takes for each leg of its path.
const LEG_S: f32 = 0.8;
/// Seconds every request waits at the end of its path before it starts again.
const REST_S: f32 = 1.2;

/// Average glyph width as a fraction of the font size (system-ui's
/// lowercase and digits, with a margin so shortened text never overflows).
const GLYPH: f32 = 0.64;
/// The same for bold headings.
const GLYPH_BOLD: f32 = 0.7;

/// The palette's colours: (name, light, dark). Kubernetes blue is #326ce5.
const PALETTE: &[(&str, &str, &str)] = &[
    ("bg", "#ffffff", "#0f1522"),
    ("text", "#1d2433", "#e6eaf2"),
    ("muted", "#5d6778", "#9aa5b8"),
    ("accent", "#326ce5", "#6f9bff"),
    ("accentsoft", "#e8effc", "#1c2a47"),
    ("cluster", "#f6f8fc", "#141c2c"),
    ("clusterline", "#c7d3ea", "#2c3b58"),
    ("node", "#ffffff", "#19223a"),
    ("nodeline", "#b9c5da", "#34446a"),
    ("svc", "#ffffff", "#18233d"),
    ("pod", "#f3f6fb", "#1e2a44"),
    ("podline", "#cad4e5", "#3a4a70"),
    ("ready", "#2f9e5b", "#4cc283"),
    ("notready", "#d97706", "#f5a524"),
    ("ext", "#f4f5f7", "#1a2130"),
    ("extline", "#aab2c0", "#465066"),
    ("edge", "#8fa8d8", "#5873a8"),
    ("bad", "#d92d20", "#ff6b5e"),
];

fn colour(name: &str, dark: bool) -> &'static str {
    PALETTE
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, l, d)| if dark { *d } else { *l })
        .unwrap_or("#888888")
}

fn style(dark: bool) -> String {
    let c = |n| colour(n, dark);
    format!(
        "svg{{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:12px}}\
text{{fill:{text}}}\
.bg{{fill:{bg}}}\
.muted{{fill:{muted}}}\
.h{{font-weight:600;font-size:13px}}\
.s{{font-size:11px}}\
.cluster{{fill:{cluster};stroke:{clusterline};stroke-width:1.5}}\
.clabel{{fill:{accent};font-weight:600;font-size:13px;letter-spacing:.04em}}\
.node{{fill:{node};stroke:{nodeline};stroke-width:1.2}}\
.node.pend{{fill:none;stroke:{notready};stroke-dasharray:6 4}}\
.svc{{fill:{svc};stroke:{accent};stroke-width:1.5}}\
.svc.sys{{stroke:{clusterline}}}\
.svc.en{{stroke-dasharray:5 3}}\
.svc.hl{{stroke-dasharray:1.5 2.5}}\
.type{{fill:{accent};font-size:11px;font-weight:600}}\
.badge{{fill:{accent}}}\
.badget{{fill:{bg};font-size:11px;font-weight:700}}\
.pod{{fill:{pod};stroke:{podline};stroke-width:1}}\
.ready{{fill:{ready}}}\
.notready{{fill:{notready}}}\
.ext{{fill:{ext};stroke:{extline};stroke-width:1.2}}\
.ext.lb{{fill:{accentsoft};stroke:{accent}}}\
.ext.host{{stroke-dasharray:5 3}}\
.tab{{fill:{accentsoft};stroke:{accent};stroke-width:1}}\
.tabt{{fill:{accent};font-size:11px;font-weight:600}}\
.e{{fill:none;stroke:{edge};stroke-width:1.2;stroke-linejoin:round}}\
.e.sel{{stroke-dasharray:3 3;opacity:.6}}\
.e.np{{stroke:{accent};opacity:.45}}\
.e.lb,.e.ing{{stroke:{accent};stroke-width:1.6}}\
.e.en{{stroke-dasharray:6 3}}\
.e.dns{{stroke-dasharray:1.5 3;opacity:.8}}\
.arrow{{fill:{accent}}}",
        bg = c("bg"),
        text = c("text"),
        muted = c("muted"),
        accent = c("accent"),
        accentsoft = c("accentsoft"),
        cluster = c("cluster"),
        clusterline = c("clusterline"),
        node = c("node"),
        nodeline = c("nodeline"),
        svc = c("svc"),
        pod = c("pod"),
        podline = c("podline"),
        ready = c("ready"),
        notready = c("notready"),
        ext = c("ext"),
        extline = c("extline"),
        edge = c("edge"),
    )
}

/// Escapes text for XML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even when escaped.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Shortens `text` to fit `width` units at font `size`, with an ellipsis in
/// the middle: generated names differ at their ends (`web-5d8f…-x7dz8`).
pub(crate) fn fit(text: &str, width: f32, size: f32) -> String {
    fit_with(text, width, size * GLYPH)
}

/// [`fit`] for bold headings.
fn fit_bold(text: &str, width: f32, size: f32) -> String {
    fit_with(text, width, size * GLYPH_BOLD)
}

fn fit_with(text: &str, width: f32, glyph: f32) -> String {
    let max = ((width / glyph).floor() as usize).max(3);
    let count = text.chars().count();
    if count <= max {
        return text.to_owned();
    }
    let keep = max - 1;
    let head = keep.div_ceil(2);
    let tail = keep - head;
    let mut out: String = text.chars().take(head).collect();
    out.push('…');
    out.extend(text.chars().skip(count - tail));
    out
}

/// Formats a coordinate with at most one decimal, for compact output.
fn n(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

fn text(out: &mut String, x: f32, y: f32, class: &str, body: &str) {
    let _ = write!(
        out,
        r#"<text x="{}" y="{}" class="{class}">{}</text>"#,
        n(x),
        n(y),
        escape(body)
    );
}

fn open_group(out: &mut String, e: &Element, focusable: bool) {
    let _ = write!(
        out,
        r#"<g data-id="{}" data-kind="{}""#,
        escape(&e.id),
        e.kind
    );
    if focusable && e.kind != "Cluster" {
        out.push_str(r#" tabindex="-1" role="button""#);
    }
    if let Some(ns) = &e.namespace {
        let _ = write!(out, r#" data-namespace="{}""#, escape(ns));
    }
    let _ = write!(out, r#" data-name="{}""#, escape(&e.name));
    if let Some(t) = &e.service_type {
        let _ = write!(out, r#" data-type="{}""#, escape(t));
    }
    if let Some(r) = e.ready {
        let _ = write!(out, r#" data-ready="{r}""#);
    }
    out.push('>');
    let mut tip = e.title.clone();
    for l in &e.lines {
        tip.push('\n');
        tip.push_str(l);
    }
    let _ = write!(out, "<title>{}</title>", escape(&tip));
}

fn rect(out: &mut String, e: &Element, rx: f32, class: &str) {
    let _ = write!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" class="{class}"/>"#,
        n(e.x),
        n(e.y),
        n(e.w),
        n(e.h),
        n(rx)
    );
}

/// Writes the heading and lines of a box, each shortened to its width.
fn body(out: &mut String, e: &Element, left: f32, first: f32, step: f32, line_class: &str) {
    let width = e.w - left - 8.0;
    text(
        out,
        e.x + left,
        e.y + first,
        "h",
        &fit_bold(&e.title, width, 13.0),
    );
    for (i, l) in e.lines.iter().enumerate() {
        let class = if i == 0 && e.kind == "Service" {
            "type"
        } else {
            line_class
        };
        let y = e.y + first + step * (i as f32 + 1.0);
        text(out, e.x + left, y, class, &fit(l, width, 11.5));
    }
}

fn service(out: &mut String, e: &Element) {
    let system = e.h < 50.0;
    let ty = e.service_type.as_deref().unwrap_or("ClusterIP");
    let headless = e.lines.first().is_some_and(|l| l.ends_with("headless"));
    let class = match (system, ty, headless) {
        (true, _, _) => "svc sys",
        (_, "ExternalName", _) => "svc en",
        (_, _, true) => "svc hl",
        _ => "svc",
    };
    rect(out, e, 8.0, class);
    if system {
        text(
            out,
            e.x + 10.0,
            e.y + 16.0,
            "h",
            &fit_bold(&e.title, e.w - 18.0, 13.0),
        );
        if let Some(ip) = e.lines.first() {
            text(out, e.x + 10.0, e.y + 31.0, "s muted", ip);
        }
        return;
    }
    match ty {
        // A NodePort Service has a port tab on its bottom edge, as the
        // node edges have their openings.
        "NodePort" | "LoadBalancer" => {
            let _ = write!(
                out,
                r#"<rect x="{}" y="{}" width="28" height="8" rx="2" class="badge"/>"#,
                n(e.x + e.w / 2.0 - 14.0),
                n(e.y + e.h - 4.0)
            );
        }
        _ => {}
    }
    if ty == "LoadBalancer" {
        // The cloud badge: the Service gets an address outside the cluster.
        let (cx, cy) = (e.x + e.w - 4.0, e.y + 4.0);
        let _ = write!(
            out,
            r#"<circle cx="{}" cy="{}" r="11" class="badge"/><text x="{}" y="{}" text-anchor="middle" class="badget">LB</text>"#,
            n(cx),
            n(cy),
            n(cx),
            n(cy + 4.0)
        );
    }
    body(out, e, 10.0, 18.0, 16.0, "s muted");
}

fn pod(out: &mut String, e: &Element) {
    let ready = if e.ready == Some(true) {
        "ready"
    } else {
        "notready"
    };
    if e.kind == "PodGroup" {
        // Two offset cards behind: a stack of pods.
        for d in [6.0, 3.0] {
            let _ = write!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}" rx="6" class="pod"/>"#,
                n(e.x + d),
                n(e.y - d),
                n(e.w - d),
                n(e.h)
            );
        }
    }
    rect(out, e, 6.0, "pod");
    let _ = write!(
        out,
        r#"<rect x="{}" y="{}" width="4" height="{}" rx="2" class="{ready}"/>"#,
        n(e.x + 3.0),
        n(e.y + 4.0),
        n(e.h - 8.0)
    );
    let width = e.w - 20.0;
    text(out, e.x + 12.0, e.y + 15.0, "", &fit(&e.title, width, 12.0));
    if let Some(l) = e.lines.first() {
        text(out, e.x + 12.0, e.y + 29.0, "s muted", &fit(l, width, 11.0));
    }
}

fn outside(out: &mut String, e: &Element) {
    let (rx, class) = match e.kind {
        "ExternalClient" => (e.h / 2.0, "ext"),
        "CloudLoadBalancer" => (14.0, "ext lb"),
        "ExternalHost" => (8.0, "ext host"),
        _ => (8.0, "ext lb"),
    };
    rect(out, e, rx, class);
    let left = if e.kind == "ExternalClient" {
        18.0
    } else {
        12.0
    };
    body(out, e, left, 21.0, 17.0, "s muted");
}

fn opening(out: &mut String, o: &Opening, names: &BTreeMap<&str, &Element>) {
    let tip = match names.get(o.service.as_str()) {
        Some(s) => format!("NodePort {} → Service {}", o.node_port, s.title),
        None => format!("{} more NodePorts", o.label.trim_start_matches('+')),
    };
    let _ = write!(
        out,
        r#"<g class="opening"><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" rx="3" class="tab"/><text x="{}" y="{}" text-anchor="middle" class="tabt">{}</text></g>"#,
        escape(&tip),
        n(o.x),
        n(o.y),
        n(o.w),
        n(o.h),
        n(o.x + o.w / 2.0),
        n(o.y + o.h - 4.0),
        escape(&o.label)
    );
}

/// The path of one edge: soft cubic curves between the sides that face
/// each other, so lines leave Services downwards and enter pods from the left.
fn edge_path(
    kind: EdgeKind,
    from: &Element,
    to: &Element,
    tabs: &BTreeMap<(&str, &str), &Opening>,
) -> String {
    let (fx, fy, c1x, c1y, c2x, c2y, tx, ty);
    match kind {
        EdgeKind::Selector => {
            (fx, fy) = (from.x + from.w / 2.0, from.y + from.h);
            (tx, ty) = (to.x, to.y + to.h / 2.0);
            (c1x, c1y) = (fx, fy + 36.0);
            (c2x, c2y) = (tx - 28.0, ty);
        }
        EdgeKind::NodePort => {
            (fx, fy) = (from.x + from.w / 2.0, from.y + from.h);
            let tab = tabs
                .get(&(to.id.as_str(), from.id.as_str()))
                .or_else(|| tabs.get(&(to.id.as_str(), "")));
            (tx, ty) = match tab {
                Some(t) => (t.x + t.w / 2.0, t.y),
                None => (to.x + to.w / 2.0, to.y),
            };
            (c1x, c1y) = (fx, fy + 24.0);
            (c2x, c2y) = (tx, ty - 24.0);
        }
        // From outside, edges run along the gutter between the outside
        // column and the cluster, then along the free lane just above (or
        // below) the Service, so they never cut across nodes or other boxes.
        EdgeKind::LoadBalancer | EdgeKind::Ingress => {
            let gutter = crate::CLUSTER_X - 14.0;
            let lane = to.y - 8.0;
            return format!(
                "M{} {}H{}V{}H{}V{}",
                n(from.x + from.w),
                n(from.y + from.h / 2.0),
                n(gutter),
                n(lane),
                n(to.x + to.w / 2.0),
                n(to.y)
            );
        }
        EdgeKind::ExternalName => {
            let gutter = crate::CLUSTER_X - 14.0;
            let lane = from.y + from.h + 8.0;
            return format!(
                "M{} {}V{}H{}V{}H{}",
                n(from.x + from.w / 2.0),
                n(from.y + from.h),
                n(lane),
                n(gutter),
                n(to.y + to.h / 2.0),
                n(to.x + to.w)
            );
        }
        EdgeKind::Dns => {
            (fx, fy) = (from.x, from.y + from.h / 2.0);
            (tx, ty) = (to.x + to.w / 2.0, to.y);
            (c1x, c1y) = (fx - 60.0, fy);
            (c2x, c2y) = (tx, ty - 30.0);
        }
    }
    format!(
        "M{} {}C{} {} {} {} {} {}",
        n(fx),
        n(fy),
        n(c1x),
        n(c1y),
        n(c2x),
        n(c2y),
        n(tx),
        n(ty)
    )
}

/// Renders a scene as a standalone SVG document.
///
/// Every element is a `<g>` with `data-kind`, `data-namespace` (namespaced
/// kinds), `data-name` and, for Services, `data-type` (DESIGN.md's DOM
/// contract), plus `data-id` (the scene id) and a `<title>` tooltip with the
/// full text that the box may show shortened.
pub fn to_svg(scene: &Scene, options: &SvgOptions) -> String {
    let parts = to_svg_parts(scene, options);
    let mut out = parts.head;
    out.reserve(parts.parts.iter().map(|p| p.markup.len()).sum::<usize>() + 8);
    for p in &parts.parts {
        out.push_str(&p.markup);
    }
    animation(&mut out, &options.motions, options.dark);
    out.push_str("</svg>\n");
    out
}

/// An SVG document cut at its top-level drawings, so that a viewer can
/// replace only the drawings an edit changed (the browser's static layer
/// does; re-parsing a whole large diagram on every keystroke is slow).
#[derive(Clone, Debug, PartialEq)]
pub struct SvgParts {
    /// The opening `<svg>` tag with its title, style and definitions.
    pub head: String,
    /// The drawings back to front; each is exactly one SVG element.
    pub parts: Vec<SvgPart>,
}

/// One top-level drawing of an [`SvgParts`].
#[derive(Clone, Debug, PartialEq)]
pub struct SvgPart {
    /// Unique within the document and stable across edits: the scene id for
    /// elements, the endpoints for edges.
    pub key: String,
    /// The element's markup.
    pub markup: String,
}

/// Collects parts, making each key unique by counting repeats.
#[derive(Default)]
struct Parts {
    list: Vec<SvgPart>,
    seen: BTreeMap<String, usize>,
}

impl Parts {
    fn push(&mut self, key: String, markup: String) {
        let n = self.seen.entry(key.clone()).or_insert(0);
        *n += 1;
        let key = if *n == 1 { key } else { format!("{key}#{n}") };
        self.list.push(SvgPart { key, markup });
    }

    /// Adds the markup `draw` writes, under `key`.
    fn draw(&mut self, key: String, draw: impl FnOnce(&mut String)) {
        let mut out = String::new();
        draw(&mut out);
        self.push(key, out);
    }
}

/// [`to_svg`] cut into parts; `to_svg` is their concatenation plus `</svg>`
/// (and, before it, the animation of `options.motions`, which has no part).
pub fn to_svg_parts(scene: &Scene, options: &SvgOptions) -> SvgParts {
    let mut head = String::with_capacity(4096);
    let _ = write!(
        head,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img">"#,
        w = n(scene.width),
        h = n(scene.height)
    );
    if let Some(t) = &options.title {
        let _ = write!(head, "<title>{}</title>", escape(t));
    }
    let _ = write!(
        head,
        "<style>{}</style><defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0L8 4L0 8z\" class=\"arrow\"/></marker></defs>",
        style(options.dark)
    );
    let mut parts = Parts::default();
    parts.push(
        "bg".to_owned(),
        format!(
            r#"<rect width="{}" height="{}" class="bg"/>"#,
            n(scene.width),
            n(scene.height)
        ),
    );
    let by_id: BTreeMap<&str, &Element> =
        kubeplay_core::order::btree_map(scene.elements.iter().map(|e| (e.id.as_str(), e)));
    let tabs: BTreeMap<(&str, &str), &Opening> = kubeplay_core::order::btree_map(
        scene
            .openings
            .iter()
            .map(|o| ((o.node.as_str(), o.service.as_str()), o)),
    );

    // Back to front: the boundary, nodes, edges, then the boxes edges
    // point at, so lines run under Services and pods but over node fills.
    let of = |kinds: &'static [&'static str]| {
        scene
            .elements
            .iter()
            .filter(move |e| kinds.contains(&e.kind))
    };
    for e in of(&["Cluster"]) {
        parts.draw(e.id.clone(), |out| {
            open_group(out, e, options.focusable);
            rect(out, e, 18.0, "cluster");
            text(out, e.x + 16.0, e.y + 22.0, "clabel", "CLUSTER");
            if let Some(l) = e.lines.first() {
                text(out, e.x + 16.0, e.y + 40.0, "s muted", l);
            }
            out.push_str("</g>");
        });
    }
    if let Some(first) = scene.elements.iter().find(|e| e.kind == "ExternalClient") {
        parts.draw("caption:outside".to_owned(), |out| {
            text(
                out,
                first.x,
                first.y - 12.0,
                "s muted",
                "outside the cluster (simulated)",
            );
        });
    }
    for e in of(&["Node", "Unscheduled"]) {
        parts.draw(e.id.clone(), |out| {
            open_group(out, e, options.focusable);
            let class = if e.kind == "Node" {
                "node"
            } else {
                "node pend"
            };
            rect(out, e, 10.0, class);
            body(out, e, 12.0, 24.0, 16.0, "s muted");
            out.push_str("</g>");
        });
    }
    for c in &scene.captions {
        parts.draw(format!("caption:{}", c.text), |out| {
            text(out, c.x, c.y, "s muted", &fit(&c.text, crate::POD_W, 11.0));
        });
    }
    for o in &scene.openings {
        parts.draw(
            format!("opening:{}/{}/{}", o.node, o.service, o.label),
            |out| {
                opening(out, o, &by_id);
            },
        );
    }
    for edge in &scene.edges {
        let (Some(from), Some(to)) = (by_id.get(edge.from.as_str()), by_id.get(edge.to.as_str()))
        else {
            continue;
        };
        let (class, arrow) = match edge.kind {
            EdgeKind::Selector => ("e sel", false),
            EdgeKind::NodePort => ("e np", false),
            EdgeKind::LoadBalancer => ("e lb", true),
            EdgeKind::Ingress => ("e ing", true),
            EdgeKind::ExternalName => ("e en", true),
            EdgeKind::Dns => ("e dns", false),
        };
        parts.draw(
            format!("edge:{:?}:{}>{}", edge.kind, edge.from, edge.to),
            |out| {
                let _ = write!(
                    out,
                    r#"<path d="{}" class="{class}"{} data-edge="{:?}" data-from="{}" data-to="{}"/>"#,
                    edge_path(edge.kind, from, to, &tabs),
                    if arrow {
                        r#" marker-end="url(#arrow)""#
                    } else {
                        ""
                    },
                    edge.kind,
                    escape(&edge.from),
                    escape(&edge.to)
                );
            },
        );
    }
    for e in &scene.elements {
        match e.kind {
            "Cluster" | "Node" | "Unscheduled" => continue,
            _ => {}
        }
        parts.draw(e.id.clone(), |out| {
            open_group(out, e, options.focusable);
            match e.kind {
                "Service" => service(out, e),
                "Pod" | "PodGroup" => pod(out, e),
                _ => outside(out, e),
            }
            out.push_str("</g>");
        });
    }
    SvgParts {
        head,
        parts: parts.list,
    }
}

/// The moving requests, on top of everything: each is a faint line along its
/// path and a dot whose CSS animation (`transform: translate`, relative to
/// where the dot is drawn, so a renderer without CSS animation shows it at
/// the start) visits every point, one leg per [`LEG_S`] seconds. All share
/// one cycle, the longest path plus [`REST_S`], and start spread over it
/// (negative delays), so the first frame already shows requests on their
/// way. Under `prefers-reduced-motion: reduce` the dots are hidden and the
/// paths highlighted instead, as the app does. Output depends only on the
/// motions: the same cluster gives the same bytes.
fn animation(out: &mut String, motions: &[Motion], dark: bool) {
    let motions: Vec<&Motion> = motions.iter().filter(|m| m.points.len() >= 2).collect();
    if motions.is_empty() {
        return;
    }
    let legs = |m: &Motion| (m.points.len() - 1) as f32;
    let cycle = motions.iter().map(|m| legs(m)).fold(0.0, f32::max) * LEG_S + REST_S;
    let _ = write!(
        out,
        "<style>.pkp{{fill:none;stroke:{accent};stroke-width:3;stroke-linecap:round;stroke-linejoin:round;opacity:.18}}\
.pkp.bad{{stroke:{bad}}}\
.pk{{fill:{accent};stroke:{bg};stroke-width:2}}\
.pk.bad{{fill:{bad}}}\
@media (prefers-reduced-motion:reduce){{.pk{{animation:none!important;visibility:hidden}}.pkp{{opacity:.6}}}}",
        accent = colour("accent", dark),
        bad = colour("bad", dark),
        bg = colour("bg", dark),
    );
    let pct = |t: f32| format!("{:.2}%", t / cycle * 100.0);
    for (i, m) in motions.iter().enumerate() {
        let (x0, y0) = m.points[0];
        let delay = cycle * i as f32 / motions.len() as f32;
        let _ = write!(
            out,
            ".pk{i}{{animation:kp{i} {}s linear {}s infinite}}@keyframes kp{i}{{",
            n(cycle),
            n(-delay)
        );
        for (k, (x, y)) in m.points.iter().enumerate() {
            let opacity = if k == 0 { "opacity:1;" } else { "" };
            let _ = write!(
                out,
                "{}{{{opacity}transform:translate({}px,{}px)}}",
                pct(k as f32 * LEG_S),
                n(x - x0),
                n(y - y0)
            );
        }
        let (xl, yl) = m.points[m.points.len() - 1];
        let end = legs(m) * LEG_S;
        let _ = write!(
            out,
            "{}{{opacity:1}}{}{{opacity:0}}100%{{opacity:0;transform:translate({}px,{}px)}}}}",
            pct(end),
            pct(end + 0.01),
            n(xl - x0),
            n(yl - y0)
        );
    }
    out.push_str("</style><g class=\"requests\" aria-hidden=\"true\">");
    for (i, m) in motions.iter().enumerate() {
        let bad = matches!(m.verdict.as_str(), "DROP" | "REJECT" | "NXDOMAIN");
        let class = if bad { " bad" } else { "" };
        let points: Vec<String> = m
            .points
            .iter()
            .map(|(x, y)| format!("{},{}", n(*x), n(*y)))
            .collect();
        let _ = write!(
            out,
            r#"<polyline points="{}" class="pkp{class}" data-verdict="{}"/><circle cx="{}" cy="{}" r="6" class="pk pk{i}{class}" data-verdict="{}"/>"#,
            points.join(" "),
            escape(&m.verdict),
            n(m.points[0].0),
            n(m.points[0].1),
            escape(&m.verdict)
        );
    }
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_short_text_and_shortens_long_text_in_the_middle() {
        assert_eq!(fit("web", 100.0, 12.0), "web");
        let s = fit("web-p8dpvwkmqm-9lhvd-and-more-text", 80.0, 12.0);
        assert!(s.contains('…'), "{s}");
        assert!(s.chars().count() <= 11, "{s}");
        assert!(s.starts_with("web-") && s.ends_with("text"), "{s}");
    }

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a & "b" 'c'>"#),
            "&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;"
        );
    }
}
