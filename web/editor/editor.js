// kubeplay's YAML editor: CodeMirror 6 with a hand-picked set of extensions,
// behind a small API that the Rust app calls after `import("./editor.js")`.
//
//   const ed = createEditor(parent, { doc, dark, readOnly, onChange, ariaLabel });
//   ed.getText(); ed.setText(text); ed.setDiagnostics([...]); ed.setDark(true);
//   ed.setReadOnly(false); ed.focus(); ed.destroy();
//
// Keyboard: Tab indents; Escape then Tab (or Ctrl-M to toggle) moves focus
// out of the editor, as CodeMirror documents for accessibility.
import { EditorState, Compartment, Annotation } from "@codemirror/state";
import {
  EditorView,
  keymap,
  lineNumbers,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  drawSelection,
} from "@codemirror/view";
import { history, defaultKeymap, historyKeymap, indentWithTab, isolateHistory } from "@codemirror/commands";
import { HighlightStyle, syntaxHighlighting, bracketMatching, indentOnInput, indentUnit } from "@codemirror/language";
import { search, searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { lintGutter, setDiagnostics as cmSetDiagnostics, lintKeymap } from "@codemirror/lint";
import { yamlLanguage } from "@codemirror/lang-yaml";
import { tags as t } from "@lezer/highlight";
import { kubernetesCompletions } from "./complete.js";

// Colours follow web/style.css (GitHub-like light and dark palettes).
const lightStyle = HighlightStyle.define([
  { tag: t.definition(t.propertyName), color: "#0550ae" },
  { tag: t.string, color: "#0a3069" },
  { tag: t.special(t.string), color: "#8250df" },
  { tag: t.content, color: "#1b1f24" },
  { tag: t.lineComment, color: "#57606a", fontStyle: "italic" },
  { tag: [t.meta, t.keyword], color: "#8250df" },
  { tag: t.separator, color: "#57606a" },
  { tag: t.typeName, color: "#953800" },
  { tag: t.labelName, color: "#116329" },
  { tag: t.attributeValue, color: "#0a3069" },
]);

const darkStyle = HighlightStyle.define(
  [
    { tag: t.definition(t.propertyName), color: "#79c0ff" },
    { tag: t.string, color: "#a5d6ff" },
    { tag: t.special(t.string), color: "#d2a8ff" },
    { tag: t.content, color: "#e6edf3" },
    { tag: t.lineComment, color: "#8d96a0", fontStyle: "italic" },
    { tag: [t.meta, t.keyword], color: "#d2a8ff" },
    { tag: t.separator, color: "#8d96a0" },
    { tag: t.typeName, color: "#ffa657" },
    { tag: t.labelName, color: "#7ee787" },
    { tag: t.attributeValue, color: "#a5d6ff" },
  ],
  { themeType: "dark" },
);

const mono = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';

// Shared layout; focus ring drawn inside the editor's box so it is never clipped.
const baseTheme = EditorView.theme({
  "&": { fontSize: "14px", height: "100%", border: "1px solid var(--kp-editor-line)", borderRadius: "6px" },
  "&.cm-focused": { outline: "2px solid var(--kp-editor-focus)", outlineOffset: "1px" },
  ".cm-scroller": { fontFamily: mono, lineHeight: "1.5" },
  ".cm-content": { padding: "4px 0" },
  ".cm-gutters": { borderRight: "1px solid var(--kp-editor-line)", borderRadius: "6px 0 0 6px" },
  ".cm-tooltip-lint": { maxWidth: "32em" },
});

const lightTheme = EditorView.theme(
  {
    "&": {
      "--kp-editor-line": "#d0d7de",
      "--kp-editor-focus": "#326ce5",
      backgroundColor: "#ffffff",
      color: "#1b1f24",
    },
    ".cm-gutters": { backgroundColor: "#f6f8fa", color: "#57606a" },
    ".cm-activeLine": { backgroundColor: "#eaeef2a0" },
    ".cm-activeLineGutter": { backgroundColor: "#eaeef2", color: "#1b1f24" },
    "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground": {
      backgroundColor: "#b6d4fe",
    },
    ".cm-cursor": { borderLeftColor: "#1b1f24" },
  },
  { dark: false },
);

const darkTheme = EditorView.theme(
  {
    "&": {
      "--kp-editor-line": "#30363d",
      "--kp-editor-focus": "#6e9bff",
      backgroundColor: "#0d1117",
      color: "#e6edf3",
    },
    ".cm-gutters": { backgroundColor: "#161b22", color: "#8d96a0" },
    ".cm-activeLine": { backgroundColor: "#6e76811f" },
    ".cm-activeLineGutter": { backgroundColor: "#6e768133", color: "#e6edf3" },
    "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground": {
      backgroundColor: "#264f78",
    },
    ".cm-cursor": { borderLeftColor: "#e6edf3" },
    ".cm-panels": { backgroundColor: "#161b22", color: "#e6edf3" },
    ".cm-tooltip": { backgroundColor: "#161b22", color: "#e6edf3", border: "1px solid #30363d" },
    ".cm-searchMatch": { backgroundColor: "#bb800966" },
    ".cm-searchMatch-selected": { backgroundColor: "#bb8009aa" },
  },
  { dark: true },
);

const looks = (dark) => (dark ? [darkTheme, syntaxHighlighting(darkStyle)] : [lightTheme, syntaxHighlighting(lightStyle)]);

const editability = (readOnly) => [
  EditorState.readOnly.of(readOnly),
  // Keep the content focusable when read-only, so it can still be selected, searched and copied.
  EditorView.contentAttributes.of({ "aria-readonly": readOnly ? "true" : "false" }),
];

/** Marks transactions made through the API (setText), which onChange does not echo. */
const fromApi = Annotation.define();

const SEVERITIES = new Set(["error", "warning", "info"]);

/** Offset of 1-based (line, column in characters) in `doc`, clamped into the document. */
function offsetOf(doc, line, column) {
  const n = Math.min(Math.max(1, Math.floor(Number(line)) || 1), doc.lines);
  const l = doc.line(n);
  let chars = Math.max(1, Math.floor(Number(column)) || 1) - 1;
  let i = 0;
  // Walk code points so astral characters count once, as Rust's chars() does.
  while (chars > 0 && i < l.text.length) {
    const c = l.text.charCodeAt(i);
    i += c >= 0xd800 && c < 0xdc00 && i + 1 < l.text.length ? 2 : 1;
    chars--;
  }
  return l.from + i;
}

/** Converts the core's diagnostics into CodeMirror's, clamping bad positions. */
function toCodeMirror(doc, list) {
  const out = [];
  for (const d of list ?? []) {
    if (!d) continue;
    const from = offsetOf(doc, d.line, d.column);
    let to = d.endLine == null ? from : offsetOf(doc, d.endLine, d.endColumn ?? 1);
    if (to < from) to = from;
    if (to === from) {
      // An empty span: mark the rest of the word, or the character before at a line end.
      const line = doc.lineAt(from);
      const rest = /^\S*/.exec(line.text.slice(from - line.from))[0].length;
      if (rest > 0) to = from + rest;
    }
    out.push({
      from,
      to,
      severity: SEVERITIES.has(d.severity) ? d.severity : "error",
      message: String(d.message ?? ""),
    });
  }
  return out;
}

/** Creates an editor in `parent`; returns its handle. */
export function createEditor(parent, options = {}) {
  const { doc = "", dark = false, readOnly = false, onChange, ariaLabel = "Kubernetes YAML" } = options;
  const looksSlot = new Compartment();
  const editSlot = new Compartment();
  // Edits are reported in a task of their own right after the keystroke's
  // (a MessageChannel message: no timer clamping, no wait for the next frame),
  // so keystrokes that arrive while the app is still busy with the last one
  // are reported together, once.
  let scheduled = false;
  let pending = false;
  const channel = new MessageChannel();

  const report = () => {
    scheduled = false;
    if (!pending) return;
    pending = false;
    if (typeof onChange === "function") onChange(view.state.doc.toString());
  };
  channel.port1.onmessage = report;

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentUnit.of("  "),
        EditorState.tabSize.of(2),
        yamlLanguage,
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        autocompletion({ override: [kubernetesCompletions], icons: false }),
        highlightActiveLine(),
        highlightSelectionMatches(),
        search({ top: true }),
        lintGutter(),
        keymap.of([
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...searchKeymap,
          ...historyKeymap,
          ...completionKeymap,
          ...lintKeymap,
          indentWithTab,
        ]),
        EditorView.contentAttributes.of({ "aria-label": ariaLabel }),
        baseTheme,
        looksSlot.of(looks(dark)),
        editSlot.of(editability(readOnly)),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          if (update.transactions.every((tr) => tr.annotation(fromApi))) return;
          pending = true;
          if (!scheduled) {
            scheduled = true;
            channel.port2.postMessage(0);
          }
        }),
      ],
    }),
  });

  return {
    view,
    getText: () => view.state.doc.toString(),
    setText(text) {
      text = String(text ?? "");
      const old = view.state.doc.toString();
      if (text === old) return;
      // Replace only the part that differs, so the cursor and marks outside it stay put.
      let start = 0;
      const max = Math.min(old.length, text.length);
      while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++;
      let end = 0;
      while (
        end < max - start &&
        old.charCodeAt(old.length - 1 - end) === text.charCodeAt(text.length - 1 - end)
      )
        end++;
      view.dispatch({
        changes: { from: start, to: old.length - end, insert: text.slice(start, text.length - end) },
        annotations: [fromApi.of(true), isolateHistory.of("full")],
        userEvent: "input.replace",
      });
      // The caller knows the new text: an edit still waiting to be reported is superseded.
      pending = false;
    },
    setDiagnostics(list) {
      view.dispatch(cmSetDiagnostics(view.state, toCodeMirror(view.state.doc, list)));
    },
    setDark(on) {
      view.dispatch({ effects: looksSlot.reconfigure(looks(!!on)) });
    },
    setReadOnly(on) {
      view.dispatch({ effects: editSlot.reconfigure(editability(!!on)) });
    },
    focus: () => view.focus(),
    destroy() {
      channel.port1.close();
      scheduled = false;
      pending = false;
      view.destroy();
    },
  };
}
