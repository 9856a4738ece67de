// kubeplay's YAML editor: a plain <textarea>, which the browser edits (typing,
// selection, undo, input methods, screen readers, phones), under a painted
// layer that shows the same text with YAML colours, the core's diagnostics
// and search matches. Line numbers, completion of Kubernetes fields, a find
// bar and a status line sit around it. The Rust app calls it after
// `import("./editor.js")`:
//
//   const ed = createEditor(parent, { doc, dark, readOnly, onChange, ariaLabel });
//   ed.getText(); ed.setText(text); ed.setDiagnostics([...]); ed.setDark(true);
//   ed.setReadOnly(false); ed.focus(); ed.destroy();
//
// Keyboard: Tab and Shift-Tab indent and outdent; Escape then Tab (or Ctrl-M
// to switch Tab's meaning) moves focus out. Ctrl-Space completes, Ctrl-F finds,
// F8 and Shift-F8 go to the next and previous diagnostic.
//
// The painted layer holds only the lines in view, so a long manifest costs a
// keystroke no more than a short one. It lies on top of the textarea (whose
// own text is transparent) and lets every pointer event through.
import { kubernetesCompletions } from "./complete.js";
import { paintLine, blockIndent, indentOf } from "./highlight.js";
import { Doc, changed } from "./doc.js";

const STYLE = `
.kpe{--kpe-bg:#fff;--kpe-fg:#1b1f24;--kpe-gut:#f6f8fa;--kpe-gfg:#57606a;--kpe-line:#d0d7de;--kpe-act:#eaeef2a0;
--kpe-sel:#b6d4fe;--kpe-focus:#326ce5;--kpe-key:#0550ae;--kpe-str:#0a3069;--kpe-spec:#8250df;--kpe-com:#57606a;
--kpe-num:#953800;--kpe-atom:#116329;--kpe-error:#cf222e;--kpe-warning:#9a6700;--kpe-info:#0969da;
--kpe-match:#fae17d99;--kpe-cur:#f2cc60;--kpe-lh:20px;
position:relative;display:flex;flex-direction:column;border:1px solid var(--kpe-line);border-radius:6px;
background:var(--kpe-bg);color:var(--kpe-fg);font:13px/var(--kpe-lh) ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
/* Touch screens: 16 px, so that focusing the text does not zoom the page (iOS). */
.kpe-touch{--kpe-lh:24px;font-size:16px}
.kpe-dark{--kpe-bg:#0d1117;--kpe-fg:#e6edf3;--kpe-gut:#161b22;--kpe-gfg:#8d96a0;--kpe-line:#30363d;--kpe-act:#6e76811f;
--kpe-sel:#264f78;--kpe-focus:#6e9bff;--kpe-key:#79c0ff;--kpe-str:#a5d6ff;--kpe-spec:#d2a8ff;--kpe-com:#8d96a0;
--kpe-num:#ffa657;--kpe-atom:#7ee787;--kpe-error:#ff7b72;--kpe-warning:#d29922;--kpe-info:#58a6ff;
--kpe-match:#bb800966;--kpe-cur:#bb8009cc}
.kpe [hidden]{display:none}
.kpe:focus-within{outline:2px solid var(--kpe-focus);outline-offset:1px}
.kpe-body{display:flex;min-height:0;position:relative}
.kpe-gutter{flex:none;overflow:hidden;background:var(--kpe-gut);color:var(--kpe-gfg);border-right:1px solid var(--kpe-line);
border-radius:6px 0 0 6px;text-align:right;user-select:none;position:relative}
.kpe-gutter>div{position:absolute;top:4px;left:0;right:0}
.kpe-gl{height:var(--kpe-lh);padding:0 6px 0 16px;position:relative}
.kpe-gl.kpe-at{color:var(--kpe-fg);background:var(--kpe-act)}
.kpe-mark{position:absolute;left:5px;top:calc(50% - 4px);width:8px;height:8px;border-radius:50%}
.kpe-mark-error{background:var(--kpe-error)}.kpe-mark-warning{background:var(--kpe-warning)}.kpe-mark-info{background:var(--kpe-info)}
.kpe-main{position:relative;flex:1;min-width:0;overflow:hidden}
.kpe-input,.kpe-layer{font:inherit;line-height:var(--kpe-lh);tab-size:2;-moz-tab-size:2;white-space:pre;padding:4px 8px;margin:0;
box-sizing:border-box;font-variant-ligatures:none;font-kerning:none;letter-spacing:normal;word-spacing:normal}
.kpe-input{display:block;width:100%;min-height:24rem;max-height:70vh;border:0;outline:0;resize:none;overflow:auto;
color:transparent;caret-color:var(--kpe-fg);background:transparent;overflow-wrap:normal;position:relative}
.kpe-input::selection{background:var(--kpe-sel)}
.kpe-layer{position:absolute;left:0;top:0;overflow:hidden;pointer-events:none;color:var(--kpe-fg)}
.kpe-code{display:block;will-change:transform;font:inherit}
.kpe-l{height:var(--kpe-lh)}
.kpe-band{position:absolute;left:0;right:0;top:0;height:var(--kpe-lh);background:var(--kpe-act);pointer-events:none}
@media (forced-colors:active){.kpe-layer,.kpe-band{display:none}.kpe-input{color:CanvasText}.kpe-mark{forced-color-adjust:none}}
.kpe-k{color:var(--kpe-key)}.kpe-s{color:var(--kpe-str)}.kpe-x{color:var(--kpe-spec)}.kpe-c{color:var(--kpe-com);font-style:italic}
.kpe-m{color:var(--kpe-spec)}.kpe-p{color:var(--kpe-com)}.kpe-n{color:var(--kpe-num)}.kpe-a{color:var(--kpe-atom)}
.kpe-d-error,.kpe-d-warning,.kpe-d-info{text-decoration:underline wavy;text-decoration-skip-ink:none;text-underline-offset:3px}
.kpe-d-error{text-decoration-color:var(--kpe-error)}.kpe-d-warning{text-decoration-color:var(--kpe-warning)}
.kpe-d-info{text-decoration-color:var(--kpe-info)}
.kpe-f{background:var(--kpe-match)}.kpe-fc{background:var(--kpe-cur)}
.kpe-find{display:flex;align-items:center;gap:4px;padding:4px;border-bottom:1px solid var(--kpe-line);font:13px system-ui,sans-serif}
.kpe-find input{font:inherit;min-width:0;flex:0 1 16em;color:var(--kpe-fg);background:var(--kpe-bg);border:1px solid var(--kpe-line);border-radius:4px;padding:1px 4px}
.kpe-find button{font:inherit;color:var(--kpe-fg);background:var(--kpe-gut);border:1px solid var(--kpe-line);border-radius:4px;padding:0 6px;cursor:pointer}
.kpe-status{display:flex;gap:1em;justify-content:space-between;padding:0 8px;min-height:20px;border-top:1px solid var(--kpe-line);
font:12px/20px system-ui,sans-serif;color:var(--kpe-gfg);background:var(--kpe-gut);border-radius:0 0 6px 6px}
.kpe-msg{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0}.kpe-pos{flex:none;white-space:nowrap}
.kpe-hint{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.kpe-pop,.kpe-tip{position:fixed;z-index:50;background:var(--kpe-bg);color:var(--kpe-fg);border:1px solid var(--kpe-line);
border-radius:4px;box-shadow:0 4px 12px #0003}
.kpe-pop{margin:0;padding:2px 0;list-style:none;max-height:14em;overflow:auto;min-width:12em}
.kpe-opt{padding:0 8px;white-space:nowrap;cursor:pointer}.kpe-opt[aria-selected=true]{background:var(--kpe-sel)}
.kpe-det{opacity:.7;font-style:italic;margin-left:1.5em}
.kpe-tip{max-width:32em;padding:2px 0;font:13px/1.4 system-ui,sans-serif;white-space:pre-wrap;pointer-events:none}
.kpe-tip div{padding:2px 8px;border-left:4px solid var(--kpe-error)}
.kpe-tip .kpe-t-warning{border-left-color:var(--kpe-warning)}.kpe-tip .kpe-t-info{border-left-color:var(--kpe-info)}
`;

const SEVERITIES = new Set(["error", "warning", "info"]);
/** Lines between the block-scalar checkpoints render keeps. */
const STEP = 64;
let instances = 0;

/** The textarea holds "\n" line ends only; so does everything compared with it. */
const lf = (text) => String(text ?? "").replace(/\r\n?/g, "\n");

/** Creates an element with a class and attributes. */
function el(tag, cls, attrs = {}) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** The core's diagnostics as offset ranges, clamping bad positions. */
function toRanges(doc, list) {
  const out = [];
  for (const d of list ?? []) {
    if (!d) continue;
    const from = doc.offset(d.line, d.column);
    let to = d.endLine == null ? from : doc.offset(d.endLine, d.endColumn ?? 1);
    if (to < from) to = from;
    if (to === from) {
      // An empty span: mark the rest of the word, or else the character before.
      const line = doc.lineAt(from);
      const rest = /^\S*/.exec(line.text.slice(from - line.from))[0].length;
      if (rest > 0) to = from + rest;
      else if (from > line.from) {
        // The character before, whole (a surrogate pair is one).
        const low = doc.text.charCodeAt(from - 1);
        const back = low >= 0xdc00 && low < 0xe000 && from - 2 >= line.from ? 2 : 1;
        out.push(mk(from - back, from, d));
        continue;
      }
    }
    out.push(mk(from, to, d));
  }
  return out;
}

/** How many code points the first `n` UTF-16 units of `text` hold. */
function codePoints(text, n) {
  let count = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) count++;
  }
  return count;
}

/** How many line breaks `text` holds. */
function newlines(text) {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

function mk(from, to, d) {
  return { from, to, severity: SEVERITIES.has(d.severity) ? d.severity : "error", message: String(d.message ?? "") };
}

/** Creates an editor in `parent`; returns its handle. */
export function createEditor(parent, options = {}) {
  const { doc: given = "", dark = false, readOnly = false, onChange, ariaLabel = "Kubernetes YAML" } = options;
  if (!document.getElementById("kpe-style")) {
    const style = el("style", "", { id: "kpe-style" });
    style.textContent = STYLE;
    document.head.append(style);
  }
  const id = `kpe${++instances}`;
  const root = el("div", dark ? "kpe kpe-dark" : "kpe");
  if (window.matchMedia?.("(pointer: coarse)").matches) root.classList.add("kpe-touch");
  const find = el("div", "kpe-find", { role: "search" });
  find.hidden = true;
  const query = el("input", "", { type: "search", name: "search", "aria-label": "Find", placeholder: "Find", spellcheck: "false" });
  const count = el("span", "", { "aria-live": "polite" });
  const prevBtn = el("button", "", { type: "button", "aria-label": "Previous match" });
  prevBtn.textContent = "↑";
  const nextBtn = el("button", "", { type: "button", "aria-label": "Next match" });
  nextBtn.textContent = "↓";
  const closeBtn = el("button", "", { type: "button", "aria-label": "Close find" });
  closeBtn.textContent = "×";
  find.append(query, count, prevBtn, nextBtn, closeBtn);

  const body = el("div", "kpe-body");
  const gutter = el("div", "kpe-gutter", { "aria-hidden": "true" });
  const gutterInner = el("div");
  gutter.append(gutterInner);
  const main = el("div", "kpe-main");
  const ta = el("textarea", "kpe-input", {
    "aria-label": ariaLabel,
    spellcheck: "false",
    autocapitalize: "off",
    autocomplete: "off",
    autocorrect: "off",
    wrap: "off",
    "aria-autocomplete": "list",
    "aria-describedby": `${id}-hint ${id}-msg`,
  });
  // The current line's band lies under the textarea, so the caret and the
  // selection are drawn over it.
  const band = el("div", "kpe-band");
  const layer = el("pre", "kpe-layer", { "aria-hidden": "true" });
  const code = el("code", "kpe-code");
  layer.append(code);
  main.append(band, ta, layer);
  body.append(gutter, main);
  const hint = el("span", "kpe-hint", { id: `${id}-hint` });
  hint.textContent = "Tab indents. To leave the editor, press Escape, then Tab.";
  const status = el("div", "kpe-status");
  const msg = el("span", "kpe-msg", { id: `${id}-msg`, "aria-live": "polite" });
  const pos = el("span", "kpe-pos");
  status.append(hint, msg, pos);
  const pop = el("ul", "kpe-pop", { role: "listbox", id: `${id}-list`, "aria-label": "Completions" });
  pop.hidden = true;
  const tip = el("div", "kpe-tip", { role: "tooltip" });
  tip.hidden = true;
  root.append(find, body, status, pop, tip);
  parent.append(root);

  const initial = lf(given);
  ta.value = initial;
  ta.setSelectionRange(0, 0);
  let doc = new Doc(initial);
  let diags = [];
  let matches = [];
  let current = -1;
  let lh = 20;
  let cw = 8;
  let pad = { top: 4, left: 8 };
  let escaped = false;
  let tabMoves = false;
  let applying = false;
  let completion = null; // { from, options, selected }
  let destroyed = false;
  let version = 0; // counts text changes, so a caret move can skip a repaint that already happened
  let painted = ""; // what the last render drew: version and caret
  let firstPainted = 0; // the index of the first line the layer holds
  // Block-scalar state before line i * STEP, for i < length (see render).
  const checkpoints = [-1];
  // The last text set from outside that the browser's undo cannot take back:
  // { before, after, undone }. Ctrl+Z / Ctrl+Shift+Z swap between the two
  // while the text is still one of them.
  let outside = null;
  let waiting = null; // diagnostics for a text the editor does not hold yet: { text, list }

  // Edits are reported in a task of their own right after the keystroke's
  // (a MessageChannel message: no timer clamping, no wait for the next frame),
  // so keystrokes that arrive while the app is still busy with the last one
  // are reported together, once.
  let scheduled = false;
  let pending = false;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    scheduled = false;
    if (!pending || destroyed) return;
    pending = false;
    // The model holds the textarea's text as of the last input event.
    if (typeof onChange === "function") onChange(doc.text);
  };

  function measure() {
    const cs = getComputedStyle(ta);
    lh = parseFloat(cs.lineHeight) || 20;
    pad = { top: parseFloat(cs.paddingTop) || 0, left: parseFloat(cs.paddingLeft) || 0 };
    const probe = el("span");
    probe.textContent = "x".repeat(64);
    code.append(probe);
    cw = probe.getBoundingClientRect().width / 64 || 8;
    probe.remove();
  }

  function fitHeight() {
    // Grow with the text between the CSS min-height and max-height.
    ta.style.height = `${doc.lines * lh + pad.top * 2 + 16}px`;
  }

  /** Takes the textarea's text as the new model, moving marks past the edit. */
  function sync() {
    const text = ta.value;
    const old = doc.text;
    if (text === old) return false;
    const [start, oldEnd] = changed(old, text);
    const delta = text.length - old.length;
    const move = (p) => (p <= start ? p : p >= oldEnd ? p + delta : start);
    diags = diags.map((d) => ({ ...d, from: move(d.from), to: Math.max(move(d.from), move(d.to)) }));
    const lines = doc.lines;
    // Checkpoints past the edited line no longer hold.
    checkpoints.length = Math.min(checkpoints.length, Math.floor(doc.indexAt(start) / STEP) + 1);
    doc = doc.edit(text, start, oldEnd);
    if (doc.lines !== lines) fitHeight();
    if (!find.hidden) search(false);
    version++;
    return true;
  }

  function render() {
    if (destroyed) return;
    const top = ta.scrollTop;
    const height = ta.clientHeight;
    layer.style.width = `${ta.clientWidth}px`;
    layer.style.height = `${height}px`;
    const first = Math.max(0, Math.floor((top - pad.top) / lh) - 1);
    const last = Math.min(doc.lines, Math.ceil((top + height) / lh) + 1);
    // Reading the selection of a long text is not free: once per render.
    const sel = ta.selectionStart;
    painted = `${version}:${sel}`;
    firstPainted = first;
    const at = doc.indexAt(sel);
    band.style.transform = `translateY(${pad.top + at * lh - top}px)`;
    // Whether `first` is inside a block scalar: read the headers above it,
    // from the last checkpoint (every STEP lines, kept until an edit above).
    const k = Math.floor(first / STEP);
    while (checkpoints.length <= k) {
      const j = checkpoints.length;
      let b = checkpoints[j - 1];
      for (let i = (j - 1) * STEP; i < j * STEP; i++) b = nextBlock(doc.texts[i], b);
      checkpoints.push(b);
    }
    let block = checkpoints[k];
    for (let i = k * STEP; i < first; i++) block = nextBlock(doc.texts[i], block);
    const marks = visibleMarks(doc.starts[first], last < doc.lines ? doc.starts[last] : doc.text.length + 1);
    let lines = "";
    let numbers = "";
    for (let i = first; i < last; i++) {
      const text = doc.texts[i];
      const from = doc.starts[i];
      const inBlock = block >= 0 && (text.trim() === "" || indentOf(text) > block);
      const lineMarks = marks.filter((m) => m.to >= from && m.from <= from + text.length);
      const cls = i === at ? "kpe-l kpe-at" : "kpe-l";
      lines += `<div class="${cls}">${paintLine(text, inBlock, lineMarks.map((m) => [m.from - from, m.to - from, m.cls]))}</div>`;
      const sev = worst(diags, from, from + text.length);
      numbers += `<div class="kpe-gl${i === at ? " kpe-at" : ""}">${sev ? `<span class="kpe-mark kpe-mark-${sev}"></span>` : ""}${i + 1}</div>`;
      block = nextBlock(text, block);
    }
    code.innerHTML = lines;
    code.style.transform = `translate(${-ta.scrollLeft}px,${first * lh - top}px)`;
    gutterInner.innerHTML = numbers;
    gutterInner.style.transform = `translateY(${first * lh - top}px)`;
    gutter.style.width = `${String(doc.lines).length + 3}ch`;
    const col = codePoints(doc.texts[at], sel - doc.starts[at]) + 1;
    pos.textContent = `Ln ${at + 1}, Col ${col}`;
    const here = diags.filter((d) => d.from <= sel && sel <= Math.max(d.to, d.from + 1));
    const text = here.map((d) => `${d.severity}: ${d.message}`).join(" · ");
    if (msg.textContent !== text) msg.textContent = text;
  }

  function nextBlock(text, block) {
    if (block >= 0 && (text.trim() === "" || indentOf(text) > block)) return block;
    return blockIndent(text);
  }

  function worst(list, from, to) {
    let best = null;
    for (const d of list) {
      if (d.from > to || Math.max(d.to, d.from + 1) <= from) continue;
      if (d.severity === "error") return "error";
      if (d.severity === "warning" || !best) best = d.severity;
    }
    return best;
  }

  function visibleMarks(from, to) {
    const out = [];
    for (const d of diags) if (d.to >= from && d.from < to) out.push({ from: d.from, to: d.to, cls: `kpe-d-${d.severity}` });
    matches.forEach(([a, b], i) => {
      if (b >= from && a < to) out.push({ from: a, to: b, cls: i === current ? "kpe-fc" : "kpe-f" });
    });
    return out;
  }

  function report() {
    pending = true;
    if (!scheduled) {
      scheduled = true;
      channel.port2.postMessage(0);
    }
  }

  /**
   * Replaces [from, to) as typing would (one undo step; returns true), or
   * directly when it cannot (returns false; the browser's undo history is then
   * gone, and `outside` below stands in for it).
   */
  function replace(from, to, text, keepFocus = true) {
    applying = true;
    const focused = document.activeElement;
    try {
      // Chromium types multi-line text into a textarea slowly (about 60 ms
      // for 100 lines, 200 ms for 300, over a second for 1,000), so only
      // replacements up to 200 lines (a lesson's solution) are undoable.
      const small = to - from + text.length <= 8000 && newlines(text) + newlines(doc.text.slice(from, to)) <= 200;
      // Only while this page has the focus: an embed must never take it from
      // the page around it.
      if (!ta.readOnly && small && (focused === ta || document.hasFocus())) {
        if (focused !== ta) ta.focus({ preventScroll: true });
        // execCommand types into whatever has focus: only ever into this textarea.
        if (document.activeElement === ta) {
          ta.setSelectionRange(from, to);
          if (document.execCommand("insertText", false, text)) return true;
        }
      }
      ta.setRangeText(text, from, to, "end");
      return false;
    } finally {
      applying = false;
      if (!keepFocus && focused !== ta && document.activeElement === ta) {
        if (focused && focused !== document.body && typeof focused.focus === "function") focused.focus({ preventScroll: true });
        else ta.blur();
      }
    }
  }

  function scrollTo(offset) {
    const line = doc.indexAt(offset);
    const y = line * lh;
    if (y < ta.scrollTop) ta.scrollTop = Math.max(0, y - lh);
    else if (y + lh + pad.top * 2 > ta.scrollTop + ta.clientHeight) ta.scrollTop = y + 2 * lh + pad.top * 2 - ta.clientHeight;
    const x = (offset - doc.starts[line]) * cw;
    if (x < ta.scrollLeft) ta.scrollLeft = Math.max(0, x - 4 * cw);
    else if (x + pad.left * 2 > ta.scrollLeft + ta.clientWidth) ta.scrollLeft = x + 8 * cw - ta.clientWidth;
  }

  /**
   * The viewport x of column `col` (UTF-16) of line `line`, measured on the
   * painted line when it is in view (tabs, emoji and wide characters are then
   * exact), else counted in character widths.
   */
  function xOf(line, col) {
    const div = code.children[line - firstPainted];
    if (div && col > 0) {
      // The text node and offset holding the character before `col`.
      const walk = document.createTreeWalker(div, NodeFilter.SHOW_TEXT);
      let left = col;
      for (let node = walk.nextNode(); node; node = walk.nextNode()) {
        if (left <= node.length) {
          const range = document.createRange();
          range.setStart(node, left - 1);
          range.setEnd(node, left);
          const rects = range.getClientRects();
          if (rects.length) return rects[rects.length - 1].right;
          break;
        }
        left -= node.length;
      }
    }
    const r = ta.getBoundingClientRect();
    return r.left + pad.left + col * cw - ta.scrollLeft;
  }

  /** The column of line `line` under viewport x (the nearest character boundary). */
  function colAt(line, x) {
    let lo = 0;
    let hi = doc.texts[line].length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xOf(line, mid + 1) <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Where the caret at `offset` is drawn, in the viewport. */
  function caretBox(offset) {
    const line = doc.indexAt(offset);
    const r = ta.getBoundingClientRect();
    return { x: xOf(line, offset - doc.starts[line]), y: r.top + pad.top + line * lh - ta.scrollTop };
  }

  /**
   * Puts a popup (fixed, so no scrolling panel clips it) under the line at
   * viewport `y`, or above it when there is no room below.
   */
  function place(box, x, y) {
    const w = box.offsetWidth;
    const h = box.offsetHeight;
    box.style.left = `${Math.max(0, Math.min(x, innerWidth - w - 4))}px`;
    const below = y + lh + 2;
    box.style.top = `${below + h <= innerHeight || y - h - 2 < 0 ? below : y - h - 2}px`;
  }

  // --- Completion ---------------------------------------------------------
  function complete(explicit) {
    const at = ta.selectionStart;
    if (ta.readOnly || at !== ta.selectionEnd) return close();
    const result = kubernetesCompletions(doc, at, explicit);
    if (!result) return close();
    const word = doc.text.slice(result.from, at);
    const typed = word.toLowerCase();
    const ranked = [];
    result.options.forEach((o, i) => {
      const label = o.label.toLowerCase();
      const rank = label.startsWith(typed) ? 0 : label.includes(typed) ? 1 : -1;
      if (rank >= 0) ranked.push({ o, rank, i });
    });
    ranked.sort((a, b) => a.rank - b.rank || (b.o.boost ?? 0) - (a.o.boost ?? 0) || a.i - b.i);
    // Nothing to offer, or the word typed is already the best option in full.
    if (ranked.length === 0) return close();
    const best = ranked[0].o;
    if (best.label === word && (typeof best.apply !== "string" || best.apply === word)) return close();
    completion = { from: result.from, options: ranked.map((r) => r.o), selected: 0 };
    pop.innerHTML = "";
    completion.options.forEach((o, i) => {
      const li = el("li", "kpe-opt", { role: "option", id: `${id}-o${i}` });
      li.textContent = o.label;
      if (o.detail) {
        const det = el("span", "kpe-det");
        det.textContent = o.detail;
        li.append(det);
      }
      li.addEventListener("mousedown", (e) => {
        e.preventDefault();
        completion.selected = i;
        accept();
      });
      pop.append(li);
    });
    pop.hidden = false;
    const { x, y } = caretBox(result.from);
    place(pop, x - 8, y);
    ta.setAttribute("aria-controls", pop.id);
    select(0);
  }

  /** Moves the open completion list with its line, or closes it once the line is out of view. */
  function follow() {
    if (!completion) return;
    const { x, y } = caretBox(completion.from);
    const r = ta.getBoundingClientRect();
    if (y + lh <= r.top || y >= r.bottom) return close();
    place(pop, x - 8, y);
  }

  function select(i) {
    const n = completion.options.length;
    completion.selected = ((i % n) + n) % n;
    [...pop.children].forEach((li, j) => li.setAttribute("aria-selected", String(j === completion.selected)));
    const li = pop.children[completion.selected];
    ta.setAttribute("aria-activedescendant", li.id);
    // Scroll the list only (scrollIntoView would scroll the page's panels too).
    if (li.offsetTop < pop.scrollTop) pop.scrollTop = li.offsetTop;
    else if (li.offsetTop + li.offsetHeight > pop.scrollTop + pop.clientHeight) pop.scrollTop = li.offsetTop + li.offsetHeight - pop.clientHeight;
  }

  function close() {
    if (!completion) return;
    completion = null;
    pop.hidden = true;
    ta.removeAttribute("aria-activedescendant");
    ta.removeAttribute("aria-controls");
  }

  function accept() {
    const o = completion.options[completion.selected];
    const from = completion.from;
    close();
    if (ta.readOnly) return;
    replace(from, ta.selectionStart, typeof o.apply === "string" ? o.apply : o.label);
    afterEdit();
  }

  // --- Find -----------------------------------------------------------------
  function openFind() {
    find.hidden = false;
    const selected = ta.value.slice(ta.selectionStart, ta.selectionEnd);
    if (selected && !selected.includes("\n")) query.value = selected;
    query.focus();
    query.select();
    search(true);
  }

  /** Finds the query's matches; with `jump`, selects the first one from the caret on. */
  function search(jump) {
    const q = query.value;
    matches = [];
    if (q) {
      // Case-insensitive on the text itself (lower-casing can change lengths).
      const re = new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "giu");
      for (const m of doc.text.matchAll(re)) {
        matches.push([m.index, m.index + m[0].length]);
        if (matches.length >= 10000) break;
      }
    }
    if (jump) {
      current = matches.findIndex(([a]) => a >= ta.selectionStart);
      if (current < 0) current = matches.length ? 0 : -1;
      showMatch();
    } else {
      // The text changed under the find bar: recount, but leave the caret alone.
      current = Math.min(current, matches.length - 1);
      counted();
    }
  }

  function counted() {
    const n = matches.length;
    count.textContent = !query.value ? "" : !n ? "No matches" : current < 0 ? `${n} ${n === 1 ? "match" : "matches"}` : `${current + 1} of ${n}`;
  }

  function step(by) {
    if (!matches.length) return;
    current = (current + by + matches.length) % matches.length;
    showMatch();
  }

  function showMatch() {
    counted();
    if (current >= 0) {
      ta.setSelectionRange(matches[current][0], matches[current][1]);
      scrollTo(matches[current][0]);
    }
    render();
  }

  /** Hides the find bar and its matches. */
  function hideFind() {
    find.hidden = true;
    matches = [];
    current = -1;
    render();
  }

  function closeFind() {
    ta.focus();
    hideFind();
  }

  query.addEventListener("input", () => search(true));
  query.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "f") {
      e.preventDefault();
      query.select();
    } else if (e.key === "Enter" || e.key === "F3") {
      e.preventDefault();
      step(e.shiftKey ? -1 : 1);
    } else if (e.key === "Escape") {
      e.preventDefault();
      closeFind();
      // As Escape in the text does: the next Tab leaves the editor.
      escaped = true;
    }
  });
  prevBtn.addEventListener("click", () => step(-1));
  nextBtn.addEventListener("click", () => step(1));
  closeBtn.addEventListener("click", closeFind);

  // --- Keys -----------------------------------------------------------------
  /** Indents (or, with `out`, outdents) every line the selection touches. */
  function indentLines(out) {
    const a = ta.selectionStart;
    const b = ta.selectionEnd;
    const first = doc.indexAt(a);
    const last = doc.indexAt(b > a && b === doc.starts[doc.indexAt(b)] ? b - 1 : b);
    const from = doc.starts[first];
    const to = doc.starts[last] + doc.texts[last].length;
    const lines = doc.texts.slice(first, last + 1);
    const changed = lines.map((l) => (out ? l.replace(/^ {1,2}/, "") : l ? `  ${l}` : l));
    if (changed.every((l, i) => l === lines[i])) return;
    replace(from, to, changed.join("\n"));
    const shift = (i) => changed[i].length - lines[i].length;
    const endShift = changed.reduce((s, _, i) => s + shift(i), 0);
    ta.setSelectionRange(Math.max(from, a + shift(0)), Math.max(from, b + endShift));
    afterEdit();
  }

  function goToDiagnostic(by) {
    if (!diags.length) return;
    const sorted = [...diags].sort((x, y) => x.from - y.from);
    const at = ta.selectionStart;
    const d = by > 0 ? sorted.find((x) => x.from > at) ?? sorted[0] : sorted.reverse().find((x) => x.from < at) ?? sorted[0];
    ta.setSelectionRange(d.from, Math.max(d.to, d.from));
    scrollTo(d.from);
    render();
  }

  ta.addEventListener("keydown", (e) => {
    // A modifier on its own (the Shift of Shift-Tab) changes nothing.
    if (e.key === "Shift" || e.key === "Control" || e.key === "Alt" || e.key === "Meta") return;
    const mod = e.ctrlKey || e.metaKey;
    if (completion) {
      const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: 8, PageUp: -8 };
      if (e.key in moves) {
        e.preventDefault();
        select(completion.selected + moves[e.key]);
        return;
      }
      if (e.key === "Enter" || (e.key === "Tab" && !e.shiftKey)) {
        e.preventDefault();
        accept();
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        close();
        return;
      }
    }
    if (e.key === "Escape") {
      escaped = true;
      hideTip();
      if (!find.hidden) hideFind();
      return;
    }
    const wasEscaped = escaped;
    escaped = false;
    const key = e.key.toLowerCase();
    const undo = mod && !e.altKey && key === "z" && !e.shiftKey;
    const redo = mod && !e.altKey && ((key === "z" && e.shiftKey) || (key === "y" && !e.shiftKey));
    if ((undo || redo) && outside && !ta.readOnly && outside.undone === redo && ta.value === (redo ? outside.before : outside.after)) {
      e.preventDefault();
      swapOutside();
    } else if (mod && key === "m") {
      e.preventDefault();
      tabMoves = !tabMoves;
      msg.textContent = tabMoves ? "Tab now moves focus (Ctrl-M to indent with it again)" : "Tab now indents";
    } else if (e.key === "Tab" && !wasEscaped && !tabMoves && !mod && !e.altKey && !ta.readOnly) {
      e.preventDefault();
      if (e.shiftKey || ta.selectionStart !== ta.selectionEnd) indentLines(e.shiftKey);
      else {
        replace(ta.selectionStart, ta.selectionEnd, "  ");
        afterEdit();
      }
    } else if (e.key === "Enter" && !mod && !e.shiftKey && !e.altKey && !ta.readOnly && !e.isComposing) {
      e.preventDefault();
      const line = doc.lineAt(ta.selectionStart);
      const before = line.text.slice(0, ta.selectionStart - line.from);
      const item = /^( *)- +/.exec(before);
      let indent = item ? item[0].length : indentOf(before);
      if (/:\s*(#.*)?$/.test(before) || /:\s*[|>][-+0-9]*\s*$/.test(before)) indent = indentOf(before) + (item ? 4 : 2);
      replace(ta.selectionStart, ta.selectionEnd, `\n${" ".repeat(indent)}`);
      afterEdit();
    } else if (mod && e.key === " ") {
      e.preventDefault();
      complete(true);
    } else if (mod && key === "f" && !e.shiftKey && !e.altKey) {
      e.preventDefault();
      openFind();
    } else if (e.key === "F8") {
      e.preventDefault();
      goToDiagnostic(e.shiftKey ? -1 : 1);
    }
  });

  /** Takes back (or brings back) the last text set from outside that the browser cannot undo. */
  function swapOutside() {
    const want = outside.undone ? outside.after : outside.before;
    outside.undone = !outside.undone;
    applying = true;
    try {
      ta.setRangeText(want, 0, ta.value.length, "start");
    } finally {
      applying = false;
    }
    afterEdit();
  }

  function afterEdit() {
    if (sync()) report();
    render();
  }

  ta.addEventListener("input", (e) => {
    if (applying) return;
    waiting = null;
    if (sync()) report();
    hideTip();
    if (e.inputType === "insertText" && e.data && !e.data.includes("\n")) complete(false);
    else if (completion && e.inputType?.startsWith("delete")) complete(false);
    else close();
    render();
  });
  ta.addEventListener("scroll", () => {
    follow();
    hideTip();
    render();
  });
  // Caret moves (keys, clicks) repaint the current line and the status line.
  let caret = -1;
  document.addEventListener("selectionchange", onSelection);
  function onSelection() {
    if (document.activeElement !== ta) return;
    const at = ta.selectionStart;
    if (at === caret) return;
    caret = at;
    if (completion && (caret < completion.from || doc.indexAt(caret) !== doc.indexAt(completion.from))) close();
    // Typing already repainted for this text and caret.
    if (painted !== `${version}:${caret}`) render();
  }
  ta.addEventListener("mousedown", () => {
    escaped = false;
  });
  ta.addEventListener("blur", () => {
    close();
    escaped = false;
  });

  // --- Diagnostics on hover -------------------------------------------------
  function hideTip() {
    tip.hidden = true;
  }
  ta.addEventListener("mousemove", (e) => {
    const r = ta.getBoundingClientRect();
    const line = Math.floor((e.clientY - r.top - pad.top + ta.scrollTop) / lh);
    if (line < 0 || line >= doc.lines) return hideTip();
    const text = doc.texts[line];
    if (e.clientX < xOf(line, 0) || e.clientX > xOf(line, text.length)) return hideTip();
    const col = colAt(line, e.clientX);
    const at = doc.starts[line] + col;
    const here = diags.filter((d) => d.from <= at && at < Math.max(d.to, d.from + 1));
    if (!here.length) return hideTip();
    tip.innerHTML = "";
    for (const d of here) {
      const row = el("div", `kpe-t-${d.severity}`);
      row.textContent = d.message;
      tip.append(row);
    }
    tip.hidden = false;
    place(tip, e.clientX, r.top + pad.top + line * lh - ta.scrollTop);
  });
  ta.addEventListener("mouseleave", hideTip);

  // A fixed popup would float away from its line when anything scrolls:
  // it follows the line, and closes when the line leaves the view.
  const onScroll = (e) => {
    if (e.target === ta || pop.contains(e.target)) return;
    follow();
    hideTip();
  };
  window.addEventListener("scroll", onScroll, true);
  const resize = new ResizeObserver(() => render());
  resize.observe(ta);
  measure();
  fitHeight();
  setReadOnly(readOnly);
  render();
  // A web font may arrive after the first measure.
  document.fonts?.ready.then(() => {
    if (destroyed) return;
    measure();
    render();
  });

  function invalid() {
    ta.setAttribute("aria-invalid", diags.some((d) => d.severity === "error") ? "true" : "false");
  }

  function setReadOnly(on) {
    if (on) close();
    ta.readOnly = !!on;
    ta.setAttribute("aria-readonly", on ? "true" : "false");
    if (on) ta.removeAttribute("aria-autocomplete");
    else ta.setAttribute("aria-autocomplete", "list");
  }

  return {
    textarea: ta,
    getText: () => ta.value,
    setText(text) {
      text = lf(text);
      const old = ta.value;
      if (text === old) return;
      // Replace only the part that differs, so the caret and marks outside it
      // stay put, as one undo step.
      const [start, oldEnd] = changed(old, text);
      const newEnd = oldEnd + text.length - old.length;
      const { selectionStart: a, selectionEnd: b } = ta;
      const undoable = replace(start, oldEnd, text.slice(start, newEnd), false);
      outside = undoable ? null : { before: old, after: text, undone: false };
      hideTip();
      // The selection keeps its place in the unchanged parts, or ends the new one.
      const move = (p) => (p <= start ? p : p >= oldEnd ? p + newEnd - oldEnd : newEnd);
      ta.setSelectionRange(move(a), move(b));
      sync();
      if (waiting && waiting.text === ta.value) {
        diags = toRanges(doc, waiting.list);
        invalid();
      }
      waiting = null;
      close();
      render();
      // The caller knows the new text: an edit still waiting to be reported is superseded.
      pending = false;
    },
    /**
     * Shows `list`. With `forText`, the text the list describes: if the editor
     * does not hold that text yet (text set from outside comes a moment later),
     * the list waits for it and the current marks stay.
     */
    setDiagnostics(list, forText) {
      const text = forText == null ? null : lf(forText);
      if (text != null && text !== ta.value) {
        waiting = { text, list };
        return;
      }
      waiting = null;
      diags = toRanges(doc, list);
      invalid();
      hideTip();
      render();
    },
    setDark(on) {
      root.classList.toggle("kpe-dark", !!on);
    },
    setReadOnly(on) {
      setReadOnly(on);
    },
    /**
     * Focuses the text; with `offset`, selects from there to `end` (default:
     * a caret at `offset`) and, with `scrollTop`, scrolls there, else to it.
     */
    focus(offset, end, scrollTop) {
      ta.focus({ preventScroll: true });
      if (offset != null) {
        ta.setSelectionRange(offset, end ?? offset);
        if (scrollTop != null) ta.scrollTop = scrollTop;
        else scrollTo(offset);
      }
      render();
    },
    destroy() {
      destroyed = true;
      channel.port1.close();
      scheduled = false;
      pending = false;
      resize.disconnect();
      document.removeEventListener("selectionchange", onSelection);
      window.removeEventListener("scroll", onScroll, true);
      root.remove();
    },
  };
}
