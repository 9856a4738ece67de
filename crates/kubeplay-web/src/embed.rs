//! Embedding. When the page runs in a frame it answers the embedding page's
//! `postMessage` calls (the same methods as `window.kubeplay`), tells it its
//! content height and the events it asked for; `autoplay=1` starts traffic;
//! the "Embed" dialog writes the code an author pastes into a page.
//!
//! Origins: the embedder is the frame's parent, and its origin is taken from
//! `location.ancestorOrigins[0]` where the browser has it (Chromium,
//! WebKit), else from `document.referrer` (the parent's URL, which browsers
//! send to the frame by default), else the page's own origin. A message is
//! answered only when it comes from the parent window and that origin;
//! replies go to that origin only.

use crate::api::Shared;
use crate::url::{self, UrlState, View};
use js_sys::{Array, Function, Object, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// The methods the bridge forwards to `window.kubeplay` (`on` is answered here).
const METHODS: &[&str] = &["getYaml", "setYaml", "send"];

/// The embedding page's window, when this page runs in a frame.
fn parent() -> Option<web_sys::Window> {
    let w = web_sys::window()?;
    let parent = w.parent().ok().flatten()?;
    (!Object::is(&parent, &w)).then_some(parent)
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The origin of the embedding page (see the module documentation).
fn embedder_origin() -> Option<String> {
    let w = web_sys::window()?;
    let location = w.location();
    let ancestor = get(&get(&location, "ancestorOrigins"), "0").as_string();
    let referrer = w
        .document()
        .map(|d| d.referrer())
        .filter(|r| !r.is_empty())
        .and_then(|r| web_sys::Url::new(&r).ok())
        .map(|u| u.origin());
    ancestor
        .or(referrer)
        .or_else(|| location.origin().ok())
        .filter(|o| o != "null")
}

/// A `{kubeplay: 1, ...fields}` message.
fn message(fields: &[(&str, JsValue)]) -> JsValue {
    let m = Object::new();
    let _ = Reflect::set(&m, &"kubeplay".into(), &JsValue::from_f64(1.0));
    for (k, v) in fields {
        let _ = Reflect::set(&m, &JsValue::from_str(k), v);
    }
    m.into()
}

/// Where messages go: the parent window at the embedder's origin.
#[derive(Clone)]
struct Port {
    parent: web_sys::Window,
    origin: String,
}

impl Port {
    fn post(&self, fields: &[(&str, JsValue)]) {
        let _ = self.parent.post_message(&message(fields), &self.origin);
    }

    fn event(&self, name: &str, data: &JsValue) {
        self.post(&[("event", JsValue::from_str(name)), ("data", data.clone())]);
    }
}

/// Starts the bridge when the page is framed: answers calls, reports the
/// content height, and says `ready`. Must run after `api::install`.
pub fn install(shared: Rc<RefCell<Shared>>) {
    let (Some(parent), Some(origin), Some(window)) =
        (parent(), embedder_origin(), web_sys::window())
    else {
        return;
    };
    let port = Port { parent, origin };
    let on_message = {
        let port = port.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let from_parent = e.source().is_some_and(|s| Object::is(&s, &port.parent));
            if e.origin() != port.origin || !from_parent {
                return;
            }
            let data = e.data();
            if get(&data, "kubeplay").as_f64() != Some(1.0) {
                return;
            }
            answer(&shared, &port, &data);
        })
    };
    let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    on_message.forget();
    report_height(port.clone());
    port.event("ready", &JsValue::UNDEFINED);
}

/// Answers one call: `{kubeplay: 1, id, method, args}` gets
/// `{kubeplay: 1, id, result}` or `{kubeplay: 1, id, error}`.
fn answer(shared: &Rc<RefCell<Shared>>, port: &Port, data: &JsValue) {
    let id = get(data, "id");
    let method = get(data, "method").as_string().unwrap_or_default();
    let args: Array = get(data, "args").dyn_into().unwrap_or_default();
    let reply_error = |msg: &str| {
        port.post(&[("id", id.clone()), ("error", JsValue::from_str(msg))]);
    };
    if method == "on" {
        let Some(event) = args.get(0).as_string() else {
            return reply_error("on needs an event name");
        };
        let forward = {
            let (port, event) = (port.clone(), event.clone());
            Closure::<dyn Fn(JsValue)>::new(move |v: JsValue| port.event(&event, &v))
        };
        let f: Function = forward.as_ref().unchecked_ref::<Function>().clone();
        forward.forget();
        shared.borrow_mut().listeners.push((event, f));
        port.post(&[("id", id), ("result", JsValue::UNDEFINED)]);
        return;
    }
    let api = web_sys::window().map_or(JsValue::UNDEFINED, |w| get(&w, "kubeplay"));
    let f = METHODS
        .contains(&method.as_str())
        .then(|| get(&api, &method).dyn_into::<Function>().ok())
        .flatten();
    let Some(f) = f else {
        return reply_error(&format!("unknown method {method:?}"));
    };
    let promise = f
        .apply(&api, &args)
        .ok()
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
    let Some(promise) = promise else {
        return reply_error(&format!("{method} failed"));
    };
    let port = port.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(v) => port.post(&[("id", id), ("result", v)]),
            Err(e) => {
                let text = e.as_string().unwrap_or_else(|| {
                    js_sys::JSON::stringify(&e).map_or_else(|_| "error".into(), String::from)
                });
                port.post(&[("id", id), ("error", JsValue::from_str(&text))]);
            }
        }
    });
}

/// Posts `{kubeplay: 1, event: "resize", data: height}` whenever the page's
/// content height (in CSS pixels) changes, so the loader sizes the frame.
fn report_height(port: Port) {
    let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    else {
        return;
    };
    let last = Rc::new(RefCell::new(0.0f64));
    let measured = body.clone();
    let on_resize = Closure::<dyn FnMut()>::new(move || {
        let h = measured.get_bounding_client_rect().height().ceil();
        if (h - *last.borrow()).abs() >= 1.0 {
            *last.borrow_mut() = h;
            port.event("resize", &JsValue::from_f64(h));
        }
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
        observer.observe(&body);
        // Observed for the page's whole life.
        std::mem::forget(observer);
    }
    on_resize.forget();
}

/// `autoplay=1`: traffic starts by itself, to the first Service of the
/// manifest, sent the way clicking that Service would send it (from outside
/// through its load balancer or NodePort when it has one, else from a pod).
#[hook]
pub fn use_autoplay(
    autoplay: bool,
    shared: Rc<RefCell<Shared>>,
    cluster: Rc<kubeplay_core::Analysis>,
) {
    use kubeplay_core::sim::Flow;
    use kubeplay_core::trace::{Source, Target};
    use_effect_with(autoplay, move |autoplay| {
        if !*autoplay {
            return;
        }
        let request = cluster
            .cluster
            .services
            .iter()
            .filter_map(|s| {
                let (ns, name) = (
                    s.metadata.namespace.as_deref()?,
                    s.metadata.name.as_deref()?,
                );
                let system = ns == "kube-system" || (ns == "default" && name == "kubernetes");
                (!system).then(|| format!("Service/{ns}/{name}"))
            })
            .find_map(|id| crate::app::request_for(&cluster, &id));
        if let Some((from, to)) = request
            && let (Ok(source), Ok(target)) = (Source::parse(&from), Target::parse(&to))
        {
            shared.borrow_mut().sim.add_flow(Flow {
                source,
                target,
                protocol: "TCP".into(),
                per_second: 5,
                clients: 4,
            });
        }
    });
}

/// The options an author picks in the Embed dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmbedOptions {
    /// Diagram only, or editor and diagram.
    pub view: View,
    /// `light`, `dark` or `system`.
    pub theme: String,
    /// The editor is read-only and what-ifs are off.
    pub readonly: bool,
    /// Traffic starts by itself.
    pub autoplay: bool,
    /// A fixed height in CSS pixels; `None` sizes the frame to its content
    /// (with the loader) or 480 px (a plain iframe).
    pub height: Option<u32>,
    /// `<kube-playground>` with embed.js, rather than a plain `<iframe>`.
    pub element: bool,
}

/// Escapes text for an HTML attribute value.
fn attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// The code to paste into a page. `site` is the URL of the folder holding
/// index.html and embed.js (ending in `/`).
pub fn embed_code(site: &str, text: &str, o: &EmbedOptions) -> String {
    if o.element {
        let mut tag = String::from("<kube-playground");
        if o.view == View::Diagram {
            tag.push_str(" view=\"diagram\"");
        }
        if o.theme != "system" {
            tag.push_str(&format!(" theme=\"{}\"", attr(&o.theme)));
        }
        if o.readonly {
            tag.push_str(" readonly");
        }
        if o.autoplay {
            tag.push_str(" autoplay");
        }
        if let Some(h) = o.height {
            tag.push_str(&format!(" height=\"{h}\""));
        }
        // A script element ends at the first `</script`; embed.js turns
        // `<\/script` back into `</script`.
        let yaml = text.replace("</script", "<\\/script");
        return format!(
            "<script src=\"{}embed.js\" defer></script>\n{tag}>\n<script type=\"text/yaml\">\n{}\n</script>\n</kube-playground>\n",
            attr(site),
            yaml.trim_end_matches('\n')
        );
    }
    let state = UrlState {
        yaml: Some(text.to_owned()),
        view: o.view,
        theme: (o.theme != "system").then(|| o.theme.clone()),
        readonly: o.readonly,
        embed: true,
        autoplay: o.autoplay,
        height: o.height,
        ..UrlState::default()
    };
    format!(
        "<iframe src=\"{}\" title=\"kubeplay: a live Kubernetes Services diagram\" loading=\"lazy\" style=\"width:100%;height:{}px;border:0\"></iframe>\n",
        attr(&format!("{site}index.html#{}", url::to_fragment(&state))),
        o.height.unwrap_or(480)
    )
}

/// Properties of [`EmbedDialog`].
#[derive(Properties, PartialEq)]
pub struct EmbedProps {
    /// The manifest to embed.
    pub text: Rc<str>,
    /// The page's theme, the dialog's first choice.
    pub theme: String,
}

fn input_value(e: &Event) -> Option<(String, bool)> {
    let t = e.target()?;
    if let Ok(i) = t.clone().dyn_into::<web_sys::HtmlInputElement>() {
        return Some((i.value(), i.checked()));
    }
    t.dyn_into::<web_sys::HtmlSelectElement>()
        .ok()
        .map(|s| (s.value(), false))
}

/// The "Embed" button and its dialog: choose the options, copy the code. A
/// modal `<dialog>`: focus stays inside while it is open, Escape closes it,
/// and focus returns to the button.
#[function_component(EmbedDialog)]
pub fn embed_dialog(props: &EmbedProps) -> Html {
    let dialog = use_node_ref();
    let opener = use_node_ref();
    let copied = use_state(|| false);
    // The code is written only while the dialog is open: deflating the text
    // on every keystroke would cost the editor time for nothing.
    let shown = use_state(|| false);
    let options = use_state(|| EmbedOptions {
        view: View::Diagram,
        theme: props.theme.clone(),
        readonly: true,
        autoplay: false,
        height: None,
        element: false,
    });
    let open = {
        let (dialog, copied, shown) = (dialog.clone(), copied.clone(), shown.clone());
        Callback::from(move |_| {
            copied.set(false);
            shown.set(true);
            if let Some(d) = dialog.cast::<web_sys::HtmlDialogElement>() {
                let _ = d.show_modal();
            }
        })
    };
    let close = {
        let dialog = dialog.clone();
        Callback::from(move |_| {
            if let Some(d) = dialog.cast::<web_sys::HtmlDialogElement>() {
                d.close();
            }
        })
    };
    let on_closed = {
        let (opener, shown) = (opener.clone(), shown.clone());
        Callback::from(move |_| {
            shown.set(false);
            if let Some(b) = opener.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        })
    };
    let change = |apply: fn(&mut EmbedOptions, String, bool)| {
        let options = options.clone();
        Callback::from(move |e: Event| {
            if let Some((value, checked)) = input_value(&e) {
                let mut next = (*options).clone();
                apply(&mut next, value, checked);
                options.set(next);
            }
        })
    };
    let site = {
        let base = crate::share::base_url();
        match base.rfind('/') {
            Some(i) => base[..=i].to_owned(),
            None => base,
        }
    };
    let code = if *shown {
        embed_code(&site, &props.text, &options)
    } else {
        String::new()
    };
    let copy = {
        let (code, copied) = (code.clone(), copied.clone());
        Callback::from(move |_| {
            let (code, copied) = (code.clone(), copied.clone());
            wasm_bindgen_futures::spawn_local(async move {
                copied.set(crate::share::copy(&code).await);
            });
        })
    };
    let o = &*options;
    html! {
        <>
            <button class="kp-button" type="button" id="kp-embed-open" aria-haspopup="dialog" ref={opener} onclick={open}>{ "Embed" }</button>
            <dialog class="kp-dialog" ref={dialog} aria-labelledby="kp-embed-title" onclose={on_closed}>
                <h2 id="kp-embed-title">{ "Embed this diagram" }</h2>
                <p class="kp-dialog-note">{ "Paste the code into any page. The manifest travels inside it; no server is involved." }</p>
                <div class="kp-embed-options">
                    <label>{ "Show " }
                        <select onchange={change(|o, v, _| o.view = if v == "split" { View::Split } else { View::Diagram })}>
                            <option value="diagram" selected={o.view == View::Diagram}>{ "Diagram only" }</option>
                            <option value="split" selected={o.view == View::Split}>{ "Editor and diagram" }</option>
                        </select>
                    </label>
                    <label>{ "Theme " }
                        <select onchange={change(|o, v, _| o.theme = v)}>
                            <option value="system" selected={o.theme == "system"}>{ "Reader's system" }</option>
                            <option value="light" selected={o.theme == "light"}>{ "Light" }</option>
                            <option value="dark" selected={o.theme == "dark"}>{ "Dark" }</option>
                        </select>
                    </label>
                    <label>{ "Height (px) " }
                        <input type="number" min="120" max="4000" placeholder="fit" value={o.height.map(|h| h.to_string()).unwrap_or_default()}
                            onchange={change(|o, v, _| o.height = v.parse().ok().filter(|h| *h > 0))} />
                    </label>
                    <label><input type="checkbox" checked={o.readonly} onchange={change(|o, _, c| o.readonly = c)} />{ " Read-only" }</label>
                    <label><input type="checkbox" checked={o.autoplay} onchange={change(|o, _, c| o.autoplay = c)} />{ " Start traffic" }</label>
                    <label>{ "Code " }
                        <select onchange={change(|o, v, _| o.element = v == "element")}>
                            <option value="iframe" selected={!o.element}>{ "<iframe>" }</option>
                            <option value="element" selected={o.element}>{ "<kube-playground> (sized to fit)" }</option>
                        </select>
                    </label>
                </div>
                <label class="kp-embed-code-label" for="kp-embed-code">{ "Embed code" }</label>
                <textarea id="kp-embed-code" class="kp-embed-code" readonly=true rows="6" value={code} />
                <div class="kp-dialog-actions">
                    <button class="kp-button kp-primary" type="button" onclick={copy}>{ "Copy code" }</button>
                    <button class="kp-button" type="button" onclick={close}>{ "Close" }</button>
                    <span role="status">{ if *copied { "Code copied" } else { "" } }</span>
                </div>
            </dialog>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(element: bool) -> EmbedOptions {
        EmbedOptions {
            view: View::Diagram,
            theme: "dark".into(),
            readonly: true,
            autoplay: false,
            height: Some(300),
            element,
        }
    }

    #[test]
    fn the_iframe_code_carries_the_manifest_and_options() {
        let code = embed_code("https://x.test/kp/", "kind: Service\n", &options(false));
        let src = code
            .split("src=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default()
            .replace("&amp;", "&");
        let fragment = src
            .strip_prefix("https://x.test/kp/index.html#")
            .unwrap_or_default();
        let state = url::parse_fragment(fragment);
        assert_eq!(state.yaml.as_deref(), Some("kind: Service\n"));
        assert!(state.embed && state.readonly && !state.autoplay);
        assert_eq!(state.view, View::Diagram);
        assert_eq!(state.theme.as_deref(), Some("dark"));
        assert!(code.contains("height:300px"));
    }

    #[test]
    fn the_element_code_keeps_the_yaml_inside_its_script() {
        let code = embed_code("https://x.test/", "a: \"</script>\"\n", &options(true));
        assert!(code.starts_with("<script src=\"https://x.test/embed.js\" defer></script>"));
        assert!(
            code.contains(
                "<kube-playground view=\"diagram\" theme=\"dark\" readonly height=\"300\">"
            )
        );
        assert!(code.contains("a: \"<\\/script>\""));
        assert_eq!(code.matches("</script>").count(), 2);
    }
}
