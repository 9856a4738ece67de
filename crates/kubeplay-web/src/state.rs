//! The app's state as a reducer (yew's `use_reducer`): the text being edited,
//! the last cluster that could be built, and what the inspector shows.

use kubeplay_core::alloc::Allocations;
use kubeplay_core::trace::Trace;
use kubeplay_core::{Analysis, Diagnostic, Loader};
use std::cell::RefCell;
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
    /// The reader every edit goes through.
    pub reader: Reader,
}

/// The page's [`Loader`], shared by all its states: it keeps what the last
/// text decoded to, so that an edit re-reads only the documents it changed.
/// States compare equal on it when they share it.
#[derive(Clone, Debug, Default)]
pub struct Reader(Rc<RefCell<Loader>>);

impl PartialEq for Reader {
    fn eq(&self, other: &Reader) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Reader {
    /// Reads `text` and builds its cluster, as `kubeplay_core::analyze` does,
    /// re-using `previous` allocations so that an edit never renumbers what
    /// it did not touch.
    pub fn analyze(&self, text: &str, previous: &Allocations) -> Analysis {
        let manifest = self.0.borrow_mut().load(text);
        let mut diagnostics = manifest.diagnostics.clone();
        let cluster = kubeplay_core::cluster::build_with(&manifest, previous, &mut diagnostics);
        kubeplay_core::order::sort_by_key(&mut diagnostics, |d| d.span.start);
        Analysis {
            manifest,
            cluster,
            diagnostics,
        }
    }
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
        let reader = Reader::default();
        let analysis = reader.analyze(text, &Allocations::default());
        State {
            text: Rc::from(text),
            diagnostics: Rc::new(analysis.diagnostics.clone()),
            stale: !readable(&analysis),
            good: Rc::new(analysis),
            trace: None,
            tab: Tab::Diagnostics,
            sent: 0,
            selected: None,
            reader,
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
                let analysis = next.reader.analyze(&text, &next.good.cluster.allocations);
                next.stale = !readable(&analysis);
                next.diagnostics = Rc::new(analysis.diagnostics.clone());
                if !next.stale {
                    next.good = Rc::new(analysis);
                }
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
    fn edits_read_as_a_fresh_load_does() {
        let start = Rc::new(State::new(kubeplay_core::examples::DEFAULT));
        let text = kubeplay_core::examples::DEFAULT;
        let first = text.find("---").map_or(0, |i| i + 4);
        // A document typed in front moves every later one; then a broken one.
        let moved = format!(
            "{}apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extra\n---\n{}",
            &text[..first],
            &text[first..]
        );
        let broken = format!("{moved}---\nkind: [\n");
        let mut state = start.clone();
        for t in [moved.as_str(), broken.as_str(), moved.as_str(), text] {
            state = edit(state, t);
            assert!(state.reader == start.reader, "one reader per page");
            assert_eq!(*state.diagnostics, kubeplay_core::analyze(t).diagnostics);
            if !state.stale {
                assert_eq!(state.good.manifest, kubeplay_core::load(t));
            }
        }
        assert!(!state.stale && *state.text == *text);
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
