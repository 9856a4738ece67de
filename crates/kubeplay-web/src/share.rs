//! Links: the state the page was opened with (the URL fragment, see
//! `url.rs`), history entries for edits so the back button steps through
//! them, and the Share button that copies a link to the current state.

use crate::url::{self, UrlState};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// How long typing must pause before the edit becomes a history entry.
const PAUSE_MS: i32 = 1000;

/// The fragment of the page's URL, without `#`.
fn hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// What the page's URL says, read once when the page opens.
pub fn initial() -> UrlState {
    url::parse_fragment(&hash())
}

/// The page's URL without its fragment.
pub fn base_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

/// The options a shared link keeps: the view, the theme when it is not the
/// system's, the lesson, the seed and anything unknown; never `embed` or
/// `readonly`, which belong to embeds.
pub fn link_state(text: &str, theme: &str, opened: &UrlState) -> UrlState {
    UrlState {
        yaml: Some(text.to_owned()),
        theme: (theme != "system").then(|| theme.to_owned()),
        view: opened.view,
        lesson: opened.lesson.clone(),
        seed: opened.seed,
        other: opened.other.clone(),
        ..UrlState::default()
    }
}

/// A link that opens the current state.
pub fn link(text: &str, theme: &str, opened: &UrlState) -> String {
    format!(
        "{}#{}",
        base_url(),
        url::to_fragment(&link_state(text, theme, opened))
    )
}

/// What [`use_history`] remembers between renders.
struct Sync {
    /// The text the current history entry holds.
    written: Rc<str>,
    /// The text shown when an entry without a manifest is restored.
    initial: Rc<str>,
    /// The pending debounce timer and its callback.
    timer: Option<(i32, Closure<dyn FnMut()>)>,
    /// Called with the text of an entry the back or forward button restored.
    restore: Callback<String>,
}

/// Keeps the browser history in step with the text: once typing pauses for
/// a second (and after a what-if or `setYaml`), the edit becomes a new
/// history entry whose fragment is a share link; back and forward restore
/// each entry's text. Embeds pass `enabled = false`: an iframe's entries
/// would join the embedding page's history.
#[hook]
pub fn use_history(
    enabled: bool,
    text: Rc<str>,
    theme: String,
    opened: Rc<UrlState>,
    restore: Callback<String>,
) {
    let sync = {
        let text = text.clone();
        use_mut_ref(move || Sync {
            written: text.clone(),
            initial: text,
            timer: None,
            restore: Callback::noop(),
        })
    };
    sync.borrow_mut().restore = restore;
    {
        let sync = sync.clone();
        use_effect_with(enabled, move |enabled| {
            let listener = enabled.then(|| listen_popstate(sync));
            move || drop(listener)
        });
    }
    use_effect_with(text, move |text| {
        if !enabled || *sync.borrow().written == **text {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let pending = sync.borrow_mut().timer.take();
        if let Some((id, _)) = pending {
            window.clear_timeout_with_handle(id);
        }
        let text = text.clone();
        let fire = {
            let sync = sync.clone();
            Closure::<dyn FnMut()>::new(move || {
                let fragment = url::to_fragment(&link_state(&text, &theme, &opened));
                if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                    let _ =
                        h.push_state_with_url(&JsValue::NULL, "", Some(&format!("#{fragment}")));
                }
                sync.borrow_mut().written = text.clone();
            })
        };
        if let Ok(id) = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            fire.as_ref().unchecked_ref(),
            PAUSE_MS,
        ) {
            sync.borrow_mut().timer = Some((id, fire));
        }
    });
}

/// An event listener that is removed when dropped.
struct Listener {
    event: &'static str,
    callback: Closure<dyn FnMut()>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            let _ = w.remove_event_listener_with_callback(
                self.event,
                self.callback.as_ref().unchecked_ref(),
            );
        }
    }
}

/// Restores the text of the entry the browser moved to (back, forward, or a
/// link pasted into the address bar of the open page).
fn listen_popstate(sync: Rc<RefCell<Sync>>) -> Listener {
    let callback = Closure::<dyn FnMut()>::new(move || {
        let state = url::parse_fragment(&hash());
        let text: Rc<str> = match state.yaml {
            Some(t) => Rc::from(t),
            None if state.error.is_none() => sync.borrow().initial.clone(),
            // A damaged link typed into the address bar leaves the text alone.
            None => return,
        };
        let restore = {
            let mut s = sync.borrow_mut();
            if let Some((id, _)) = s.timer.take()
                && let Some(w) = web_sys::window()
            {
                w.clear_timeout_with_handle(id);
            }
            s.written = text.clone();
            s.restore.clone()
        };
        restore.emit(text.to_string());
    });
    if let Some(w) = web_sys::window() {
        let _ = w.add_event_listener_with_callback("popstate", callback.as_ref().unchecked_ref());
    }
    Listener {
        event: "popstate",
        callback,
    }
}

/// Copies `text` to the clipboard; resolves to whether it worked.
pub async fn copy(text: &str) -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let promise = w.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// Properties of [`ShareButton`].
#[derive(Properties, PartialEq)]
pub struct ShareProps {
    /// The text to share.
    pub text: Rc<str>,
    /// The theme chosen (`light`, `dark` or `system`).
    pub theme: String,
    /// The state the page was opened with (view, lesson, seed).
    pub opened: Rc<UrlState>,
}

/// "Share": copies a link to the current state. Where the clipboard is out of
/// reach, the link appears selected in a text field to copy by hand.
#[function_component(ShareButton)]
pub fn share_button(props: &ShareProps) -> Html {
    // None: nothing to say; Some(Ok): copied; Some(Err(link)): copy by hand.
    let outcome = use_state(|| None::<Result<(), String>>);
    let field = use_node_ref();
    let onclick = {
        let outcome = outcome.clone();
        let (text, theme, opened) = (
            props.text.clone(),
            props.theme.clone(),
            props.opened.clone(),
        );
        Callback::from(move |_| {
            let link = link(&text, &theme, &opened);
            let outcome = outcome.clone();
            wasm_bindgen_futures::spawn_local(async move {
                outcome.set(Some(if copy(&link).await { Ok(()) } else { Err(link) }));
            });
        })
    };
    {
        let field = field.clone();
        use_effect_with((*outcome).clone(), move |_| {
            if let Some(input) = field.cast::<web_sys::HtmlInputElement>() {
                let _ = input.focus();
                input.select();
            }
        });
    }
    html! {
        <span class="kp-share">
            <button class="kp-button" type="button" id="kp-share" {onclick}>{ "Share" }</button>
            <span class="kp-share-status" role="status">
                { match &*outcome {
                    Some(Ok(())) => html! { { "Link copied" } },
                    Some(Err(link)) => html! {
                        <label>{ "Copy this link: " }
                            <input class="kp-share-link" readonly=true value={link.clone()} ref={field} />
                        </label>
                    },
                    None => html! {},
                } }
            </span>
        </span>
    }
}
