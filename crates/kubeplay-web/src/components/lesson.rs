//! Lessons in the page: the "Lessons" menu in the header, and the panel of
//! the lesson in progress (steps, the goal checked live, hints, solution,
//! reset). Goals are checked by `kubeplay_core::goal` on the cluster the
//! diagram shows.

use crate::app::confirm;
use kubeplay_core::Analysis;
use kubeplay_core::goal::{self, CheckResult};
use kubeplay_core::lesson::{Block, Inline, Lesson};
use std::collections::BTreeSet;
use std::rc::Rc;
use yew::prelude::*;

fn inline(spans: &[Inline]) -> Html {
    spans
        .iter()
        .map(|s| match s {
            Inline::Text(t) => html! { { t.clone() } },
            Inline::Code(t) => html! { <code>{ t.clone() }</code> },
            Inline::Strong(t) => html! { <strong>{ t.clone() }</strong> },
            Inline::Emphasis(t) => html! { <em>{ t.clone() }</em> },
        })
        .collect()
}

fn blocks(body: &[Block]) -> Html {
    body.iter()
        .map(|b| match b {
            Block::Paragraph(spans) => html! { <p>{ inline(spans) }</p> },
            Block::List(items) => html! {
                <ul>{ for items.iter().map(|i| html! { <li>{ inline(i) }</li> }) }</ul>
            },
            Block::Code(code) => {
                html! { <pre class="kp-lesson-code"><code>{ code.clone() }</code></pre> }
            }
        })
        .collect()
}

/// Properties of [`LessonMenu`].
#[derive(Properties)]
pub struct LessonMenuProps {
    /// Every lesson, in order.
    pub lessons: Rc<Vec<Rc<Lesson>>>,
    /// The ids of finished lessons.
    pub done: Rc<BTreeSet<String>>,
    /// The lesson in progress.
    pub active: Option<String>,
    /// Called with the id of the lesson chosen.
    pub on_open: Callback<String>,
}

// By pointer: the app re-renders on every animation frame, and the lessons
// and the done set are new Rcs exactly when they change.
impl PartialEq for LessonMenuProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.lessons, &other.lessons)
            && Rc::ptr_eq(&self.done, &other.done)
            && self.active == other.active
    }
}

/// The "Lessons" button and its list.
#[function_component(LessonMenu)]
pub fn lesson_menu(props: &LessonMenuProps) -> Html {
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    let button = use_node_ref();
    // Escape closes the list and gives the focus back to its button.
    let onkeydown = {
        let (open, button) = (open.clone(), button.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" && *open {
                open.set(false);
                if let Some(b) = button.cast::<web_sys::HtmlElement>() {
                    let _ = b.focus();
                }
            }
        })
    };
    // Focus leaving the menu (a click or Tab elsewhere) closes the list.
    // (yew delegates events, so the menu is found by its ref, not as the
    // event's current target.)
    let menu_ref = use_node_ref();
    let onfocusout = {
        let (open, menu_ref) = (open.clone(), menu_ref.clone());
        Callback::from(move |e: FocusEvent| {
            use wasm_bindgen::JsCast;
            let menu = menu_ref.cast::<web_sys::Node>();
            let to = e
                .related_target()
                .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            let inside = menu.is_some_and(|m| m.contains(to.as_ref()));
            if !inside && *open {
                open.set(false);
            }
        })
    };
    let finished = props
        .lessons
        .iter()
        .filter(|l| props.done.contains(&l.id))
        .count();
    html! {
        <div class="kp-lesson-menu" ref={menu_ref} {onkeydown} {onfocusout}>
            <button ref={button} class="kp-button" type="button" aria-expanded={if *open { "true" } else { "false" }}
                aria-controls="kp-lesson-list" onclick={toggle}>
                { format!("Lessons ({finished}/{})", props.lessons.len()) }
            </button>
            if *open {
                <nav id="kp-lesson-list" class="kp-lesson-list" aria-label="Lessons">
                    <ol>
                        { for props.lessons.iter().map(|l| {
                            let done = props.done.contains(&l.id);
                            let current = props.active.as_deref() == Some(l.id.as_str());
                            let onclick = {
                                let (open, on_open, id) = (open.clone(), props.on_open.clone(), l.id.clone());
                                Callback::from(move |_| {
                                    open.set(false);
                                    on_open.emit(id.clone());
                                })
                            };
                            html! {
                                <li>
                                    <button type="button" class="kp-lesson-item" data-lesson={l.id.clone()}
                                        data-done={if done { "1" } else { "0" }}
                                        aria-current={current.then_some("true")} {onclick}>
                                        <span class="kp-lesson-mark" aria-hidden="true">{ if done { "✓" } else { "" } }</span>
                                        <span class="kp-lesson-item-text">
                                            <span class="kp-lesson-item-title">{ l.title.clone() }</span>
                                            if done { <span class="kp-visually-hidden">{ " (done)" }</span> }
                                            <span class="kp-lesson-item-summary">{ l.summary.clone() }</span>
                                        </span>
                                    </button>
                                </li>
                            }
                        }) }
                    </ol>
                </nav>
            }
        </div>
    }
}

/// Properties of [`LessonPanel`].
#[derive(Properties)]
pub struct LessonPanelProps {
    /// The lesson in progress.
    pub lesson: Rc<Lesson>,
    /// The cluster the diagram shows.
    pub analysis: Rc<Analysis>,
    /// Whether the current text could not be read (then no goal is met).
    pub stale: bool,
    /// Whether the learner met this goal before.
    pub done: bool,
    /// Replaces the manifest (solution, reset).
    pub on_edit: Callback<String>,
    /// Sends one request (source, target), to show a check's request.
    pub on_send: Callback<(String, String)>,
    /// Called with the lesson's id when its goal is met.
    pub on_done: Callback<String>,
    /// Leaves the lesson.
    pub on_close: Callback<()>,
    /// The lesson after this one, offered once the goal is met.
    pub next: Option<Rc<Lesson>>,
    /// Opens a lesson by id.
    pub on_open: Callback<String>,
}

// By pointer: the goal is re-checked only when the cluster changes, not on
// every animation frame; the callbacks only dispatch to the app.
impl PartialEq for LessonPanelProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.lesson, &other.lesson)
            && Rc::ptr_eq(&self.analysis, &other.analysis)
            && self.stale == other.stale
            && self.done == other.done
            && match (&self.next, &other.next) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (a, b) => a.is_none() && b.is_none(),
            }
    }
}

/// The lesson in progress.
#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonPanelProps) -> Html {
    let lesson = &props.lesson;
    let step = use_state(|| 0usize);
    let hints = use_state(|| 0usize);
    let open = use_state(|| true);
    let results: Vec<CheckResult> = if props.stale {
        Vec::new()
    } else {
        goal::check(&lesson.goal, &props.analysis)
    };
    let met = goal::met(&results);
    {
        let (on_done, id) = (props.on_done.clone(), lesson.id.clone());
        use_effect_with(met, move |met| {
            if *met {
                on_done.emit(id);
            }
        });
    }
    let last = lesson.steps.len().saturating_sub(1);
    let at = (*step).min(last);
    let go = |to: usize| {
        let step = step.clone();
        Callback::from(move |_| step.set(to))
    };
    let show_hint = {
        let hints = hints.clone();
        Callback::from(move |_| hints.set(*hints + 1))
    };
    let show_solution = {
        let (on_edit, solution) = (props.on_edit.clone(), lesson.solution.clone());
        Callback::from(move |_| {
            if confirm(
                "Replace your manifest with this lesson's solution? (Ctrl+Z in the editor undoes it.)",
            ) {
                on_edit.emit(solution.clone());
            }
        })
    };
    let reset = {
        let (on_edit, start) = (props.on_edit.clone(), lesson.start.clone());
        let (step, hints) = (step.clone(), hints.clone());
        Callback::from(move |_| {
            if confirm("Start this lesson again from its first manifest? Your edits will be lost.")
            {
                on_edit.emit(start.clone());
                step.set(0);
                hints.set(0);
            }
        })
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_| on_close.emit(()))
    };
    let status = if props.stale {
        "The manifest has errors; fix them to check the goal.".to_owned()
    } else if met {
        "Goal met! Well done.".to_owned()
    } else {
        let ok = results.iter().filter(|r| r.ok).count();
        format!("Not yet: {ok} of {} checks hold.", results.len())
    };
    let current = lesson.steps.get(at);
    // The status is one element: in the goal box, or in the head when the
    // panel is folded (on a phone the panel would otherwise hide the editor).
    let status = html! {
        <p role="status" class={classes!("kp-lesson-status", met.then_some("kp-lesson-met"))}
            data-goal={if met { "met" } else { "unmet" }}>{ status }</p>
    };
    let fold = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    html! {
        <section class="kp-panel kp-lesson" aria-labelledby="kp-lesson-title" data-lesson={lesson.id.clone()}>
            <div class="kp-lesson-head">
                <h2 id="kp-lesson-title">
                    <span class="kp-lesson-kicker">{ "Lesson" }</span>
                    { lesson.title.clone() }
                    if props.done { <span class="kp-lesson-done" title="You finished this lesson">{ "✓ done" }</span> }
                </h2>
                <div class="kp-lesson-tools">
                    <button class="kp-button" type="button" aria-expanded={if *open { "true" } else { "false" }}
                        aria-controls="kp-lesson-body" onclick={fold}>{ if *open { "Fold" } else { "Unfold" } }</button>
                    <button class="kp-button kp-lesson-close" type="button" onclick={close}>{ "Leave lesson" }</button>
                </div>
                if !*open { { status.clone() } }
            </div>
            <div class="kp-lesson-body" id="kp-lesson-body" hidden={!*open}>
                <div class="kp-lesson-steps">
                    if let Some(s) = current {
                        <h3 class="kp-lesson-step-title">
                            <span class="kp-lesson-step-count">{ format!("Step {} of {}", at + 1, lesson.steps.len()) }</span>
                            { s.title.clone() }
                        </h3>
                        <div class="kp-lesson-text">{ blocks(&s.body) }</div>
                    }
                    <div class="kp-lesson-nav">
                        <button class="kp-button" type="button" disabled={at == 0} onclick={go(at.saturating_sub(1))}>{ "Previous" }</button>
                        <button class="kp-button" type="button" disabled={at >= last} onclick={go((at + 1).min(last))}>{ "Next" }</button>
                    </div>
                </div>
                <div class="kp-lesson-goal">
                    <h3>{ "Goal" }</h3>
                    <p class="kp-lesson-goal-text">{ inline(&kubeplay_core::lesson::inline(&lesson.goal.text)) }</p>
                    if *open { { status } }
                    if let Some(n) = props.next.as_ref().filter(|_| met) {
                        <button class="kp-button kp-primary kp-lesson-next" type="button" onclick={
                            let (on_open, id) = (props.on_open.clone(), n.id.clone());
                            Callback::from(move |_| on_open.emit(id.clone()))
                        }>{ format!("Next lesson: {}", n.title) }</button>
                    }
                    <ul class="kp-lesson-checks">
                        { for results.iter().zip(&lesson.goal.checks).map(|(r, c)| {
                            let request = goal::request(&c.kind, &props.analysis.cluster);
                            html! {
                                <li class={if r.ok { "kp-check-ok" } else { "kp-check-no" }} data-ok={if r.ok { "1" } else { "0" }}>
                                    <span class="kp-check-mark" aria-hidden="true">{ if r.ok { "✓" } else { "✗" } }</span>
                                    <span class="kp-visually-hidden">{ if r.ok { "holds: " } else { "does not hold yet: " } }</span>
                                    <span class="kp-check-title">{ r.title.clone() }</span>
                                    <span class="kp-check-seen">{ r.seen.clone() }</span>
                                    if let Some((from, to)) = request {
                                        <button class="kp-button kp-check-try" type="button"
                                            aria-label={format!("Send this request: {from} to {to}")}
                                            onclick={
                                                let on_send = props.on_send.clone();
                                                Callback::from(move |_| on_send.emit((from.clone(), to.clone())))
                                            }>{ "Send" }</button>
                                    }
                                </li>
                            }
                        }) }
                    </ul>
                    if *hints > 0 {
                        <ol class="kp-lesson-hints" aria-label="Hints">
                            { for lesson.hints.iter().take(*hints).map(|h| html! { <li>{ inline(&kubeplay_core::lesson::inline(h)) }</li> }) }
                        </ol>
                    }
                    <div class="kp-lesson-actions">
                        if *hints < lesson.hints.len() {
                            <button class="kp-button" type="button" onclick={show_hint}>
                                { if *hints == 0 { "Show hint".to_owned() } else { format!("Show another hint ({} left)", lesson.hints.len() - *hints) } }
                            </button>
                        }
                        <button class="kp-button" type="button" onclick={show_solution}>{ "Show solution" }</button>
                        <button class="kp-button" type="button" onclick={reset}>{ "Reset lesson" }</button>
                    </div>
                </div>
            </div>
        </section>
    }
}
