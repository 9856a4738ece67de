//! The lessons the app ships (embedded at build time from `web/lessons/` by
//! build.rs), which one the URL asks for, and the learner's progress in
//! localStorage. The format and the goal checks live in the core
//! (`kubeplay_core::lesson`, `kubeplay_core::goal`).

use kubeplay_core::lesson::{self, Lesson};
use std::collections::BTreeSet;
use std::rc::Rc;

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

/// localStorage key of the finished lessons' ids, space-separated.
const DONE_KEY: &str = "kubeplay:lessons-done";
/// localStorage key of the lesson in progress.
const ACTIVE_KEY: &str = "kubeplay:lesson";

/// Every embedded lesson, in `order`. A lesson that does not read is left
/// out with a console warning; the native tests keep that from shipping.
pub fn all() -> Vec<Rc<Lesson>> {
    let mut out: Vec<Rc<Lesson>> = LESSONS
        .iter()
        .filter_map(
            |(id, md, start, solution)| match lesson::parse(id, md, start, solution) {
                Ok(l) => Some(Rc::new(l)),
                Err(problems) => {
                    #[cfg(target_arch = "wasm32")]
                    web_sys::console::warn_1(&format!("lesson {id}: {problems:?}").into());
                    #[cfg(not(target_arch = "wasm32"))]
                    let _ = problems;
                    None
                }
            },
        )
        .collect();
    kubeplay_core::order::sort_by(&mut out, |a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    out
}

/// The value of `lesson=` in a URL fragment such as `#yaml=...&lesson=ID`.
pub fn lesson_in_fragment(fragment: &str) -> Option<String> {
    fragment
        .trim_start_matches('#')
        .split('&')
        .find_map(|kv| kv.strip_prefix("lesson="))
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
}

/// Whether the fragment carries a manifest (`yaml=`), which then wins over a
/// lesson's starting manifest.
pub fn fragment_has_yaml(fragment: &str) -> bool {
    fragment
        .trim_start_matches('#')
        .split('&')
        .any(|kv| kv.starts_with("yaml="))
}

fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The lesson to open at start, and the text to start with when it is not
/// the autosaved one: `#lesson=ID` opens that lesson from its starting
/// manifest, unless it is the lesson already in progress (then the autosaved
/// text, the learner's work, stays) or the fragment has its own manifest.
/// Without `lesson=`, the lesson in progress stays open.
pub fn at_start(lessons: &[Rc<Lesson>]) -> (Option<Rc<Lesson>>, Option<String>) {
    let find = |id: &str| lessons.iter().find(|l| l.id == id).cloned();
    let saved = storage().and_then(|s| s.get_item(ACTIVE_KEY).ok().flatten());
    let hash = fragment();
    match lesson_in_fragment(&hash).and_then(|id| find(&id)) {
        Some(l) => {
            let fresh = saved.as_deref() != Some(l.id.as_str()) && !fragment_has_yaml(&hash);
            save_active(Some(&l.id));
            let text = fresh.then(|| l.start.clone());
            (Some(l), text)
        }
        None => (saved.as_deref().and_then(find), None),
    }
}

/// Remembers the lesson in progress (or that there is none), and shows it in
/// the URL when the fragment holds nothing else, so a reload or a copied
/// link opens it.
pub fn save_active(id: Option<&str>) {
    if let Some(s) = storage() {
        let _ = match id {
            Some(id) => s.set_item(ACTIVE_KEY, id),
            None => s.remove_item(ACTIVE_KEY),
        };
    }
    let hash = fragment();
    let only_lesson = hash
        .trim_start_matches('#')
        .split('&')
        .all(|kv| kv.is_empty() || kv.starts_with("lesson="));
    if only_lesson && let Some(w) = web_sys::window() {
        let url = match id {
            Some(id) => format!("#lesson={id}"),
            None => {
                w.location().pathname().unwrap_or_default()
                    + &w.location().search().unwrap_or_default()
            }
        };
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
}

/// The ids of the lessons whose goal the learner has met.
pub fn done() -> BTreeSet<String> {
    storage()
        .and_then(|s| s.get_item(DONE_KEY).ok().flatten())
        .map(|v| kubeplay_core::order::btree_set(v.split_whitespace().map(str::to_owned)))
        .unwrap_or_default()
}

/// Records a lesson as done; returns the new set.
pub fn mark_done(id: &str) -> BTreeSet<String> {
    let mut set = done();
    if set.insert(id.to_owned())
        && let Some(s) = storage()
    {
        let joined: Vec<&str> = set.iter().map(String::as_str).collect();
        let _ = s.set_item(DONE_KEY, &joined.join(" "));
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_lesson_reads() {
        assert_eq!(all().len(), LESSONS.len());
        assert!(LESSONS.len() >= 8);
    }

    #[test]
    fn the_fragment_names_the_lesson() {
        assert_eq!(
            lesson_in_fragment("#lesson=nodeport").as_deref(),
            Some("nodeport")
        );
        assert_eq!(
            lesson_in_fragment("#yaml=abc&view=split&lesson=etp-local").as_deref(),
            Some("etp-local")
        );
        assert_eq!(lesson_in_fragment("#yaml=abc"), None);
        assert_eq!(lesson_in_fragment("#lesson="), None);
        assert!(fragment_has_yaml("#yaml=abc&lesson=x"));
        assert!(!fragment_has_yaml("#lesson=x"));
    }
}
