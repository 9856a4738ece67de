// Completion of Kubernetes field names and common values, from the YAML
// indentation alone (it works on half-typed text that does not parse).
import { SCHEMA, VALUES, API_VERSIONS } from "./schema.js";

const DOC_MARK = /^(---|\.\.\.)(\s|$)/;

// indent, any "- " item markers, then an optional `key:` and the rest.
const LINE = /^( *)((?:- +)*)(?:([\w./-]+|"[^"]*"|'[^']*') *:(?: +|$))?(.*)$/;

/** Reads one line: { keyCol, dashCol, key, value } or null for blank/comment lines. */
function readLine(text) {
  if (/^\s*(#.*)?$/.test(text)) return null;
  if (DOC_MARK.test(text)) return { docEnd: true };
  const m = LINE.exec(text);
  if (!m) return null;
  const indent = m[1].length;
  const keyCol = indent + m[2].length;
  return {
    keyCol,
    dashCol: m[2] ? indent : -1,
    key: m[3] ? m[3].replace(/^["']|["']$/g, "") : null,
    value: m[4].replace(/(^|\s)#.*$/, "").trim(),
  };
}

/**
 * The keys of the mappings that enclose column `col` on line `lineNo`,
 * outermost first, and the keys already present beside it.
 */
export function context(doc, lineNo, col) {
  const path = [];
  const siblings = new Set();
  let want = col;
  let allowEqual = false; // just left a "- " item: an indentless list's key may sit at the same column
  let sameLevel = true;
  for (let n = lineNo - 1; n >= 1; n--) {
    const info = readLine(doc.line(n).text);
    if (!info) continue;
    if (info.docEnd) break;
    if (info.key !== null && (info.keyCol < want || (allowEqual && info.keyCol === want && info.dashCol < 0))) {
      path.unshift(info.key);
      sameLevel = false;
      if (info.dashCol >= 0) {
        want = info.dashCol;
        allowEqual = true;
      } else {
        want = info.keyCol;
        allowEqual = false;
      }
      if (want === 0 && !allowEqual) break;
      continue;
    }
    if (sameLevel && info.key !== null && info.keyCol === want) siblings.add(info.key);
    if (info.dashCol >= 0 && info.dashCol < want) {
      want = info.dashCol;
      allowEqual = true;
      sameLevel = false;
    }
  }
  // Keys below the cursor in the same mapping.
  for (let n = lineNo + 1; n <= doc.lines; n++) {
    const info = readLine(doc.line(n).text);
    if (!info) continue;
    if (info.docEnd || info.keyCol < col || (info.dashCol >= 0 && info.dashCol <= col)) break;
    if (info.key !== null && info.keyCol === col) siblings.add(info.key);
  }
  return { path, siblings, kind: findKind(doc, lineNo) };
}

/** The document's top-level `kind:`, searched within its `---` boundaries. */
function findKind(doc, at) {
  let from = at;
  while (from > 1 && !DOC_MARK.test(doc.line(from - 1).text)) from--;
  for (let n = from; n <= doc.lines; n++) {
    const text = doc.line(n).text;
    if (n > at && DOC_MARK.test(text)) break;
    const m = /^kind: *["']?(\w+)/.exec(text);
    if (m) return m[1];
  }
  return null;
}

function fieldOption(field, col) {
  const m = /^(.*?)(\{\}|\[\]|\[s\])?$/.exec(field);
  const name = m[1];
  const inner = " ".repeat(col + 2);
  let apply = `${name}: `;
  let detail;
  if (m[2] === "{}") {
    apply = `${name}:\n${inner}`;
    detail = "mapping";
  } else if (m[2] === "[]") {
    apply = `${name}:\n${inner}- `;
    detail = "list";
  } else if (m[2] === "[s]") {
    apply = `${name}:\n${inner}- `;
    detail = "list";
  }
  return { label: name, apply, detail };
}

/**
 * What completes the word before `pos` in `doc` (a `Doc`): `{ from, options }`,
 * each option `{ label, apply?, detail?, boost? }`, or null. Without `explicit`
 * (Ctrl+Space), an empty key offers nothing.
 */
export function kubernetesCompletions(doc, pos, explicit) {
  const line = doc.lineAt(pos);
  const before = line.text.slice(0, pos - line.from);
  if (before.includes("#")) return null;

  // A value after `key: `.
  const v = /^( *)((?:- +)*)([\w./-]+) *: +["']?([\w./-]*)$/.exec(before);
  if (v) {
    const col = v[1].length + v[2].length;
    const { path, kind } = context(doc, line.number, col);
    const field = v[3];
    const key = `${kind} ${[...path, field].join(".")}`;
    let words = VALUES[key] ?? (Object.prototype.hasOwnProperty.call(VALUES, field) ? VALUES[field] : null);
    if (!words) return null;
    words = words.split(" ");
    if (field === "apiVersion" && kind && API_VERSIONS[kind]) {
      words = [API_VERSIONS[kind], ...words.filter((w) => w !== API_VERSIONS[kind])];
    }
    return { from: pos - v[4].length, options: words.map((w, i) => ({ label: w, boost: -i })) };
  }

  // A key: only indentation and item markers before the word.
  const k = /^( *)((?:- +)*)([\w./-]*)$/.exec(before);
  if (!k) return null;
  if (!k[3] && !explicit) return null;
  const col = k[1].length + k[2].length;
  const { path, siblings, kind } = context(doc, line.number, col);
  const schema = kind ? SCHEMA[kind] : null;
  let fields;
  if (schema) fields = schema[path.join(".")];
  else if (path.length === 0) fields = ["apiVersion", "kind", "metadata{}", "spec{}"];
  if (!fields) return null;
  const options = fields
    .map((f) => fieldOption(f, col))
    .filter((o) => !siblings.has(o.label) || o.label === k[3]);
  return { from: pos - k[3].length, options };
}
