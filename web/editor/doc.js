// The editor's text model: the lines of a text and where each starts (the
// shape complete.js reads), updated line by line as the text is edited.

/** Lines of a text and where each starts; the shape complete.js reads. */
export class Doc {
  constructor(text) {
    this.text = text;
    this.texts = text.split("\n");
    this.starts = new Array(this.texts.length);
    let at = 0;
    for (let i = 0; i < this.texts.length; i++) {
      this.starts[i] = at;
      at += this.texts[i].length + 1;
    }
  }
  /**
   * The same text after an edit: `text` is the new text, which equals the old
   * one before `start` and from the old `oldEnd` on. Only the lines the edit
   * touches are split again; the later ones move.
   */
  edit(text, start, oldEnd) {
    const delta = text.length - this.text.length;
    const first = this.indexAt(start);
    const last = this.indexAt(oldEnd);
    const from = this.starts[first];
    // The new text of the touched lines runs to the end of the last one.
    const oldLineEnd = this.starts[last] + this.texts[last].length;
    const fresh = text.slice(from, oldLineEnd + delta).split("\n");
    const next = Object.create(Doc.prototype);
    next.text = text;
    next.texts = this.texts.slice(0, first).concat(fresh, this.texts.slice(last + 1));
    next.starts = this.starts.slice(0, first);
    let at = from;
    for (const line of fresh) {
      next.starts.push(at);
      at += line.length + 1;
    }
    for (let i = last + 1; i < this.starts.length; i++) next.starts.push(this.starts[i] + delta);
    return next;
  }
  get lines() {
    return this.texts.length;
  }
  /** 1-based line `n`: { number, from, text }. */
  line(n) {
    return { number: n, from: this.starts[n - 1], text: this.texts[n - 1] };
  }
  /** 0-based index of the line holding `offset`. */
  indexAt(offset) {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  lineAt(offset) {
    return this.line(this.indexAt(offset) + 1);
  }
  /** Offset of 1-based (line, column in characters), clamped into the text. */
  offset(line, column) {
    const n = Math.min(Math.max(1, Math.floor(Number(line)) || 1), this.lines);
    const text = this.texts[n - 1];
    let chars = Math.max(1, Math.floor(Number(column)) || 1) - 1;
    let i = 0;
    // Code points count once, as Rust's chars() does.
    while (chars > 0 && i < text.length) {
      const c = text.charCodeAt(i);
      i += c >= 0xd800 && c < 0xdc00 && i + 1 < text.length ? 2 : 1;
      chars--;
    }
    return this.starts[n - 1] + i;
  }
}

/**
 * Where two texts differ: `[start, oldEnd]`, such that `text` equals `old`
 * before `start` and, from `oldEnd` on, `old`'s rest (the two shared parts
 * never overlap). Compares by halves with the engine's own string matching,
 * so a keystroke at the end of a long text does not walk it character by
 * character.
 */
export function changed(old, text) {
  const max = Math.min(old.length, text.length);
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (old.startsWith(text.slice(lo, mid), lo)) lo = mid;
    else hi = mid - 1;
  }
  const start = lo;
  lo = 0;
  hi = max - start;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (old.endsWith(text.slice(text.length - mid, text.length - lo), old.length - lo)) lo = mid;
    else hi = mid - 1;
  }
  return [start, old.length - lo];
}
