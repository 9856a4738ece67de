// YAML colours for one line of the editor, as HTML. A small tokenizer that
// reads a line on its own (the editor tells it whether the line sits inside a
// block scalar), so it can paint just the lines in view.

const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
const esc = (s) => s.replace(/[&<>]/g, (c) => ESC[c]);

/** Leading spaces. */
export function indentOf(text) {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) === 32) i++;
  return i;
}

const HEADER = /(?:^|:|-|^---)\s+(?:![^\s]*\s+)?[|>][-+1-9]{0,2}\s*$/;

/**
 * If the line ends in a block scalar's header (`key: |`, `- >-`), the column
 * its content must be indented past (the key's, or the item marker's for
 * `- |`); otherwise -1.
 */
export function blockIndent(text) {
  const t = text.replace(/(^|[ \t])#.*$/, "").trimEnd();
  const start = indentOf(t);
  if (t.startsWith("#", start) || !HEADER.test(t.slice(start))) return -1;
  let col = start;
  let i = start;
  // Past "- " markers to the key, if there is one: its column counts.
  while (t[i] === "-" && t[i + 1] === " ") {
    col = i;
    i += 2;
    while (t[i] === " ") i++;
  }
  return /^[|>!]/.test(t.slice(i)) ? col : i;
}

/** Whether the line ends in a block scalar's header. */
export function blockHeader(text) {
  return blockIndent(text) >= 0;
}

const KEY = /^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"[\]{},:|>!&*%@`][^#]*?|:[^\s#][^#]*?)(?=[ \t]*:(?:[ \t]|$))/;
const FLOW_KEY = /^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"[\]{},:][^,[\]{}#]*?)(?=[ \t]*:(?:[ \t,\]}]|$))/;
const NUMBER = /^[-+]?(?:\.inf|\.Inf|\.INF|\.nan|\.NaN|\.NAN|0x[0-9a-fA-F]+|0o[0-7]+|(?:\d[\d_]*)?\.?\d+(?:[eE][-+]?\d+)?)$/;
const ATOM = /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL|~)$/;

/** The line's tokens: [from, to, class] in order; gaps are plain text. */
export function tokenize(text, inBlock) {
  const out = [];
  const n = text.length;
  if (inBlock) {
    if (n) out.push([0, n, "kpe-s"]);
    return out;
  }
  let i = indentOf(text);
  if (/^(?:---|\.\.\.)(?:\s|$)/.test(text)) {
    out.push([0, 3, "kpe-m"]);
    i = 3;
  } else if (text.startsWith("%")) {
    out.push([0, n, "kpe-m"]);
    return out;
  }
  const skip = () => {
    while (i < n && (text[i] === " " || text[i] === "\t")) i++;
  };
  skip();
  // Item markers.
  while (text[i] === "-" && (i + 1 === n || text[i + 1] === " ")) {
    out.push([i, i + 1, "kpe-p"]);
    i++;
    skip();
  }
  const key = KEY.exec(text.slice(i));
  if (key && !text.startsWith("#", i)) {
    out.push([i, i + key[0].length, "kpe-k"]);
    i += key[0].length;
    skip();
    out.push([i, i + 1, "kpe-p"]);
    i++;
  }
  let depth = 0;
  while (i < n) {
    skip();
    if (i >= n) break;
    const c = text[i];
    const start = i;
    if (c === "#") {
      out.push([i, n, "kpe-c"]);
      break;
    } else if (c === "&" || c === "*") {
      i++;
      while (i < n && !/[\s,[\]{}]/.test(text[i])) i++;
      out.push([start, i, "kpe-x"]);
    } else if (c === "!") {
      while (i < n && text[i] !== " ") i++;
      out.push([start, i, "kpe-m"]);
    } else if (c === '"' || c === "'") {
      i++;
      while (i < n) {
        if (c === '"' && text[i] === "\\") i += 2;
        else if (text[i] === c) {
          if (c === "'" && text[i + 1] === "'") i += 2;
          else {
            i++;
            break;
          }
        } else i++;
      }
      i = Math.min(i, n);
      out.push([start, i, "kpe-s"]);
    } else if ((c === "|" || c === ">") && depth === 0) {
      i++;
      while (i < n && /[-+1-9]/.test(text[i])) i++;
      out.push([start, i, "kpe-m"]);
    } else if ("[]{},".includes(c)) {
      depth += c === "[" || c === "{" ? 1 : c === "]" || c === "}" ? -1 : 0;
      i++;
      out.push([start, i, "kpe-p"]);
    } else if (c === ":" && (i + 1 === n || " \t,]}".includes(text[i + 1]))) {
      i++;
      out.push([start, i, "kpe-p"]);
    } else {
      const fk = depth > 0 ? FLOW_KEY.exec(text.slice(i)) : null;
      if (fk) {
        i += fk[0].length;
        out.push([start, i, "kpe-k"]);
        continue;
      }
      // A plain scalar: to a comment, or in a flow collection to its punctuation.
      while (i < n) {
        if ((text[i] === " " || text[i] === "\t") && text[i + 1] === "#") break;
        if (depth > 0 && ",[]{}".includes(text[i])) break;
        if (depth > 0 && text[i] === ":" && (i + 1 === n || " \t,]}".includes(text[i + 1]))) break;
        i++;
      }
      let end = i;
      while (end > start && (text[end - 1] === " " || text[end - 1] === "\t")) end--;
      // Pretty-printed JSON: `3,` is a number and its comma.
      const comma = end - 1 > start && text[end - 1] === ",";
      const word = text.slice(start, comma ? end - 1 : end);
      if (NUMBER.test(word)) out.push([start, start + word.length, "kpe-n"]);
      else if (ATOM.test(word)) out.push([start, start + word.length, "kpe-a"]);
      if (comma && (NUMBER.test(word) || ATOM.test(word))) out.push([end - 1, end, "kpe-p"]);
      if (i === start) i++;
    }
  }
  return out;
}

/** Lines longer than this are coloured up to it only (a minified manifest is one long line). */
const COLOURED = 2000;

/**
 * One line as HTML: its tokens' colours plus `marks` ([from, to, class]
 * relative to the line, clamped to it; diagnostics and search matches).
 */
export function paintLine(text, inBlock, marks = []) {
  const tokens = tokenize(text.length > COLOURED ? text.slice(0, COLOURED) : text, inBlock);
  const n = text.length;
  const cuts = new Set([0, n]);
  for (const [a, b] of tokens) cuts.add(a).add(b);
  const live = [];
  for (const [a, b, cls] of marks) {
    const from = Math.max(0, Math.min(n, a));
    const to = Math.max(0, Math.min(n, b));
    if (to > from) {
      cuts.add(from).add(to);
      live.push([from, to, cls]);
    }
  }
  const points = [...cuts].sort((x, y) => x - y);
  let out = "";
  let t = 0;
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k];
    const b = points[k + 1];
    while (t < tokens.length && tokens[t][1] <= a) t++;
    const classes = [];
    if (t < tokens.length && tokens[t][0] <= a) classes.push(tokens[t][2]);
    for (const [from, to, cls] of live) if (from <= a && b <= to) classes.push(cls);
    const part = esc(text.slice(a, b));
    out += classes.length ? `<span class="${classes.join(" ")}">${part}</span>` : part;
  }
  return out;
}
