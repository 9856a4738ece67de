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

/// The localStorage key of the chosen theme.
const THEME_KEY: &str = "kubeplay:theme";

/// The saved theme: `light`, `dark` or `system` (the default).
pub fn theme() -> String {
    storage()
        .and_then(|s| s.get_item(THEME_KEY).ok().flatten())
        .filter(|t| matches!(t.as_str(), "light" | "dark" | "system"))
        .unwrap_or_else(|| "system".to_owned())
}

/// Saves the theme.
pub fn save_theme(theme: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(THEME_KEY, theme);
    }
}
