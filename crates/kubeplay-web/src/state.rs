//! The app's state as a reducer (yew's `use_reducer`): the text being edited,
//! the last cluster that could be built, and what the inspector shows.

use kubeplay_core::trace::Trace;
use kubeplay_core::{Analysis, Diagnostic};
use std::rc::Rc;
use yew::prelude::*;

/// Which inspector tab is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// The selected request's trace.
    Trace,
    /// `kubectl get`-style tables.
    Tables,
    /// The located problems.
    Diagnostics,
}

/// Everything the page shows.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// The manifest text, exactly as typed.
    pub text: Rc<str>,
    /// The last analysis whose manifest could be read (no syntax or decoding
    /// error); the diagram keeps showing it while the text is broken.
    pub good: Rc<Analysis>,
    /// The diagnostics of the current text.
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// Whether the current text could not be read, so `good` is older than it.
    pub stale: bool,
    /// The trace of the last request sent, if any.
    pub trace: Option<Rc<Trace>>,
    /// The open inspector tab.
    pub tab: Tab,
    /// How many requests have been sent (also the seed of the next one).
    pub sent: u64,
    /// The diagram element last clicked (`Kind/namespace/name`).
    pub selected: Option<String>,
}

/// Something that changes the state.
pub enum Action {
    /// The text changed (typing, `setYaml`, a what-if, reset).
    Edit(String),
    /// A request was traced.
    Traced(Rc<Trace>),
    /// Open another inspector tab.
    Show(Tab),
    /// Select a diagram element.
    Select(String),
}

impl State {
    /// The state for a text, with nothing earlier to fall back on.
    pub fn new(text: &str) -> State {
        let analysis = kubeplay_core::analyze(text);
        State {
            text: Rc::from(text),
            diagnostics: Rc::new(analysis.diagnostics.clone()),
            stale: !readable(&analysis),
            good: Rc::new(analysis),
            trace: None,
            tab: Tab::Diagnostics,
            sent: 0,
            selected: None,
        }
    }
}

/// A manifest is readable when the front end reported no error: every
/// document parsed and every object decoded. Validation errors still leave a
/// cluster worth drawing.
pub fn readable(a: &Analysis) -> bool {
    !a.manifest.diagnostics.iter().any(Diagnostic::is_error)
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Edit(text) => {
                if *next.text == *text {
                    return self;
                }
                let previous = next.good.cluster.allocations.clone();
                let manifest = kubeplay_core::load(&text);
                let mut diagnostics = manifest.diagnostics.clone();
                // Re-use the previous build's allocations so that an edit
                // never renumbers what it did not touch.
                let cluster =
                    kubeplay_core::cluster::build_with(&manifest, &previous, &mut diagnostics);
                kubeplay_core::order::sort_by_key(&mut diagnostics, |d| d.span.start);
                let analysis = Analysis {
                    manifest,
                    cluster,
                    diagnostics: diagnostics.clone(),
                };
                next.stale = !readable(&analysis);
                if !next.stale {
                    next.good = Rc::new(analysis);
                }
                next.diagnostics = Rc::new(diagnostics);
                next.text = Rc::from(text.as_str());
            }
            Action::Traced(t) => {
                next.trace = Some(t);
                next.tab = Tab::Trace;
                next.sent += 1;
            }
            Action::Show(tab) => next.tab = tab,
            Action::Select(id) => next.selected = Some(id),
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(state: Rc<State>, text: &str) -> Rc<State> {
        state.reduce(Action::Edit(text.to_owned()))
    }

    #[test]
    fn broken_text_keeps_the_last_valid_cluster() {
        let start = Rc::new(State::new(kubeplay_core::examples::DEFAULT));
        assert!(!start.stale);
        let broken = edit(
            start.clone(),
            "apiVersion: v1\nkind: Service\nmetadata: {name: [\n",
        );
        assert!(broken.stale, "a syntax error marks the picture stale");
        assert!(
            Rc::ptr_eq(&broken.good, &start.good),
            "the last valid cluster stays"
        );
        assert!(broken.diagnostics.iter().any(|d| d.is_error()));
        let fixed = edit(
            broken,
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: 80\n",
        );
        assert!(!fixed.stale);
        assert!(
            fixed
                .good
                .cluster
                .services
                .iter()
                .any(|s| s.metadata.name.as_deref() == Some("a"))
        );
    }

    #[test]
    fn an_edit_keeps_the_other_services_addresses() {
        let start = Rc::new(State::new(kubeplay_core::examples::DEFAULT));
        let ip = |s: &State, name: &str| {
            s.good
                .cluster
                .services
                .iter()
                .find(|x| x.metadata.name.as_deref() == Some(name))
                .and_then(|x| x.spec.as_ref())
                .and_then(|x| x.cluster_ip.clone())
        };
        let text = format!(
            "{}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: aaa\nspec:\n  ports:\n  - port: 80\n",
            kubeplay_core::examples::DEFAULT
        );
        let next = edit(start.clone(), &text);
        for name in ["api", "web", "web-np"] {
            assert_eq!(
                ip(&start, name),
                ip(&next, name),
                "{name} kept its ClusterIP"
            );
        }
    }
}
