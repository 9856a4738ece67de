//! The manifest editor. The page first shows an accessible textarea, so the
//! text is editable from the first frame; right after, it loads the editor
//! bundle (`editor.js`, built from web/editor: the same kind of textarea with
//! YAML colours, line numbers, located diagnostics, completion and find) and
//! puts it in the first one's place. If the bundle is missing the textarea
//! stays.

use kubeplay_core::{Diagnostic, Severity};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[wasm_bindgen(
    inline_js = "export function load_editor() { return import(new URL('editor.js', document.baseURI).href); }"
)]
extern "C" {
    /// Loads the editor bundle next to index.html (resolved against the
    /// page, so the site works under any sub-path).
    fn load_editor() -> js_sys::Promise;
}

/// Properties of [`Editor`].
#[derive(Properties)]
pub struct EditorProps {
    /// The text to show.
    pub text: Rc<str>,
    /// The current text's diagnostics, underlined in the editor.
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// Called with the new text on every edit.
    pub on_change: Callback<String>,
    /// Use the dark palette.
    pub dark: bool,
    /// The text cannot be edited (read-only embeds).
    #[prop_or_default]
    pub readonly: bool,
    /// Save the text to localStorage when the page goes away (not in embeds,
    /// which must never overwrite the main app's autosave).
    #[prop_or(true)]
    pub autosave: bool,
}

// By pointer (see DiagnosticListProps); the callback only dispatches to the
// app's reducer, so a newer copy of it changes nothing.
impl PartialEq for EditorProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.text, &other.text)
            && Rc::ptr_eq(&self.diagnostics, &other.diagnostics)
            && self.dark == other.dark
            && self.readonly == other.readonly
            && self.autosave == other.autosave
    }
}

fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Option<JsValue> {
    let f = js_sys::Reflect::get(target, &JsValue::from_str(method))
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let array: js_sys::Array = args.iter().collect();
    f.apply(target, &array).ok()
}

fn diagnostics_js(diags: &[Diagnostic]) -> JsValue {
    let list: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let message = if d.path.is_empty() {
                d.message.clone()
            } else {
                format!("{}: {}", d.path, d.message)
            };
            serde_json::json!({
                "line": d.span.start.line,
                "column": d.span.start.column,
                "endLine": d.span.end.line,
                "endColumn": d.span.end.column,
                "severity": match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Info => "info",
                },
                "message": message,
            })
        })
        .collect();
    js_sys::JSON::parse(&kubeplay_core::json::to_string(&serde_json::Value::Array(
        list,
    )))
    .unwrap_or(JsValue::NULL)
}

/// Text set from outside that waits to be copied into the editor.
struct Pending {
    /// The editor's text as last known: when the first waiting text arrived,
    /// or as the editor last reported it since. If the editor holds anything
    /// else when the copy runs, the user typed in between and the copy is
    /// dropped (the editor reports the typing itself).
    expected: String,
    /// The newest text set from outside.
    wanted: Rc<str>,
}

/// The editor.
#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let host = use_node_ref();
    // The first-frame textarea, whose focus and selection the editor takes over.
    let first = use_node_ref();
    let handle: Rc<RefCell<Option<JsValue>>> = use_mut_ref(|| None);
    let loaded = use_state(|| false);
    // The latest callback, for the editor's onChange closure.
    let on_change = use_mut_ref(|| props.on_change.clone());
    *on_change.borrow_mut() = props.on_change.clone();
    // The latest text, diagnostics, theme and read-only flag, for when the
    // bundle has loaded (a setYaml or typing in the textarea may come before).
    let latest = use_mut_ref(|| {
        (
            props.text.clone(),
            props.diagnostics.clone(),
            props.dark,
            props.readonly,
        )
    });
    *latest.borrow_mut() = (
        props.text.clone(),
        props.diagnostics.clone(),
        props.dark,
        props.readonly,
    );
    let pending: Rc<RefCell<Option<Pending>>> = use_mut_ref(|| None);
    // The text the editor last reported: a state holding it came from the
    // editor, which already shows it (or has moved on), so it is not copied
    // back.
    let reported: Rc<RefCell<Option<String>>> = use_mut_ref(|| None);
    {
        let host = host.clone();
        let handle = handle.clone();
        let loaded = loaded.clone();
        let latest = latest.clone();
        let pending = pending.clone();
        let reported = reported.clone();
        let on_change = on_change.clone();
        let first = first.clone();
        let autosave = props.autosave;
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let Ok(module) = wasm_bindgen_futures::JsFuture::from(load_editor()).await else {
                    // No bundle (component tests): keep the textarea.
                    return;
                };
                let Some(parent) = host.cast::<web_sys::Element>() else {
                    return;
                };
                let cb = Closure::<dyn Fn(String)>::new(move |t: String| {
                    if let Some(p) = pending.borrow_mut().as_mut() {
                        p.expected.clone_from(&t);
                    }
                    *reported.borrow_mut() = Some(t.clone());
                    let cb = on_change.borrow().clone();
                    cb.emit(t);
                });
                let options = js_sys::Object::new();
                let set = |k: &str, v: &JsValue| {
                    let _ = js_sys::Reflect::set(&options, &JsValue::from_str(k), v);
                };
                let (text, diags, dark, readonly) = latest.borrow().clone();
                set("doc", &JsValue::from_str(&text));
                set("dark", &JsValue::from_bool(dark));
                set("readOnly", &JsValue::from_bool(readonly));
                set("ariaLabel", &JsValue::from_str("Kubernetes YAML manifest"));
                set("onChange", cb.as_ref());
                cb.forget();
                // Someone already typing in the first-frame textarea keeps
                // the focus and the caret in the editor that replaces it.
                let active = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element());
                let caret = first
                    .cast::<web_sys::HtmlTextAreaElement>()
                    .filter(|a| active.as_ref() == Some(a.as_ref()))
                    .and_then(|a| {
                        let start = a.selection_start().ok().flatten()?;
                        let end = a.selection_end().ok().flatten().unwrap_or(start);
                        Some((start, end, a.scroll_top()))
                    });
                let Some(ed) = call(&module, "createEditor", &[parent.into(), options.into()])
                else {
                    return;
                };
                call(
                    &ed,
                    "setDiagnostics",
                    &[diagnostics_js(&diags), JsValue::from_str(&text)],
                );
                if let Some((start, end, top)) = caret {
                    call(
                        &ed,
                        "focus",
                        &[JsValue::from(start), JsValue::from(end), JsValue::from(top)],
                    );
                }
                // The editor reports edits in a task after the keystroke's; a
                // reload or a closed tab in between must not lose the last
                // keystrokes.
                let last = ed.clone();
                let save = Closure::<dyn Fn()>::new(move || {
                    if let Some(text) = call(&last, "getText", &[]).and_then(|v| v.as_string())
                        && text != kubeplay_core::examples::DEFAULT
                    {
                        crate::storage::save(&text);
                    }
                });
                if let Some(w) = web_sys::window().filter(|_| autosave) {
                    let _ = w.add_event_listener_with_callback(
                        "pagehide",
                        save.as_ref().unchecked_ref(),
                    );
                }
                save.forget();
                *handle.borrow_mut() = Some(ed);
                loaded.set(true);
            });
        });
    }
    {
        // Text set from outside (setYaml, a what-if, reset) reaches the editor,
        // in a task of its own, so the new diagram does not wait for it. Sets that
        // arrive before it runs replace the text it will copy.
        let handle = handle.clone();
        use_effect_with(props.text.clone(), move |text| {
            let Some(ed) = handle.borrow().clone() else {
                return;
            };
            if let Some(p) = pending.borrow_mut().as_mut() {
                p.wanted = text.clone();
                return;
            }
            if reported.borrow().as_deref() == Some(text.as_ref()) {
                return;
            }
            let Some(seen) = call(&ed, "getText", &[]).and_then(|v| v.as_string()) else {
                return;
            };
            if seen == **text {
                return;
            }
            *pending.borrow_mut() = Some(Pending {
                expected: seen,
                wanted: text.clone(),
            });
            let pending = pending.clone();
            let reported = reported.clone();
            crate::later(move || {
                let Some(p) = pending.borrow_mut().take() else {
                    return;
                };
                // Keystrokes the editor has not reported yet win: it will
                // report them itself, and replacing them would lose work.
                let now = call(&ed, "getText", &[]).and_then(|v| v.as_string());
                if now.as_deref() == Some(p.expected.as_str()) {
                    call(&ed, "setText", &[JsValue::from_str(&p.wanted)]);
                    // The editor no longer holds what it last reported: that
                    // text, set again from outside, must be copied in.
                    *reported.borrow_mut() = None;
                }
            });
        });
    }
    {
        let handle = handle.clone();
        use_effect_with(props.dark, move |dark| {
            if let Some(ed) = handle.borrow().as_ref() {
                call(ed, "setDark", &[JsValue::from_bool(*dark)]);
            }
        });
    }
    {
        let handle = handle.clone();
        use_effect_with(props.readonly, move |readonly| {
            if let Some(ed) = handle.borrow().as_ref() {
                call(ed, "setReadOnly", &[JsValue::from_bool(*readonly)]);
            }
        });
    }
    {
        // The diagnostics go with the text they describe: the editor shows
        // them once it holds that text (text set from outside arrives later).
        // A new text sends them again even when they are equal: their old
        // marks moved with the edit, and only the new list is placed right.
        let handle = handle.clone();
        use_effect_with(
            (props.text.clone(), props.diagnostics.clone()),
            move |(text, diags)| {
                if let Some(ed) = handle.borrow().as_ref() {
                    call(
                        ed,
                        "setDiagnostics",
                        &[diagnostics_js(diags), JsValue::from_str(text)],
                    );
                }
            },
        );
    }
    let oninput = {
        let cb = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            {
                cb.emit(area.value());
            }
        })
    };
    let errors = props.diagnostics.iter().filter(|d| d.is_error()).count();
    html! {
        <div class="kp-editor" data-editor={if *loaded { "rich" } else { "textarea" }}>
            <div class="kp-editor-host" ref={host}></div>
            if !*loaded {
                <textarea
                    ref={first}
                    class="kp-textarea"
                    aria-label="Kubernetes YAML manifest"
                    aria-invalid={if errors > 0 { "true" } else { "false" }}
                    spellcheck="false"
                    readonly={props.readonly}
                    autocapitalize="off"
                    autocomplete="off"
                    value={props.text.to_string()}
                    {oninput} />
            }
        </div>
    }
}
