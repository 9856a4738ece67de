//! Autosave: the edited text lives in localStorage, so a reload keeps it.

/// The localStorage key of the autosaved manifest.
const KEY: &str = "kubeplay:yaml";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The autosaved text, if any.
pub fn load() -> Option<String> {
    storage()?.get_item(KEY).ok()?
}

/// Saves the text; storage being full or disabled is not worth an error.
pub fn save(text: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, text);
    }
}

/// Forgets the autosaved text.
pub fn clear() {
    if let Some(s) = storage() {
        let _ = s.remove_item(KEY);
    }
}
