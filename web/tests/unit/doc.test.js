// The editor's text model (web/editor/doc.js): an edited model equals one
// built afresh from the new text, for any edit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Doc, changed } from "../../editor/doc.js";

/** The part the two texts share at the start and the end: the edit between them. */
function diff(old, text) {
  let start = 0;
  const max = Math.min(old.length, text.length);
  while (start < max && old[start] === text[start]) start++;
  let end = 0;
  while (end < max - start && old[old.length - 1 - end] === text[text.length - 1 - end]) end++;
  return [start, old.length - end];
}

const same = (a, b, what) => {
  assert.equal(a.text, b.text, what);
  assert.deepEqual(a.texts, b.texts, what);
  assert.deepEqual(a.starts, b.starts, what);
};

test("lines, starts and lookups", () => {
  const d = new Doc("a: 1\n\nb: 2");
  assert.equal(d.lines, 3);
  assert.deepEqual(d.starts, [0, 5, 6]);
  assert.deepEqual(d.lineAt(5), { number: 2, from: 5, text: "" });
  assert.equal(d.indexAt(99), 2);
  assert.equal(d.offset(3, 2), 7);
  assert.equal(d.offset(0, -4), 0, "clamped to the start");
  assert.equal(d.offset(9, 99), 10, "clamped to the end");
  // Columns count code points, as the core does.
  assert.equal(new Doc("😀x: y").offset(1, 2), 2);
});

test("an edited model equals a fresh one, for random edits", () => {
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const pieces = ["\n", "a", "b: c", "\n\n", "- ", "😀", "  ", ""];
  const piece = () => {
    let s = "";
    const n = Math.floor(next() * 4);
    for (let i = 0; i < n; i++) s += pieces[Math.floor(next() * pieces.length)];
    return s;
  };
  for (let round = 0; round < 300; round++) {
    let text = piece() + piece();
    let doc = new Doc(text);
    for (let step = 0; step < 30; step++) {
      const a = Math.floor(next() * (text.length + 1));
      const b = Math.min(text.length, a + Math.floor(next() * 6));
      const edited = text.slice(0, a) + piece() + text.slice(b);
      const [start, oldEnd] = diff(text, edited);
      doc = doc.edit(edited, start, oldEnd);
      same(doc, new Doc(edited), JSON.stringify([text, edited]));
      text = edited;
    }
  }
});

test("changed() finds the same edit as walking both texts", () => {
  let seed = 777;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const alphabet = ["a", "b", "\n", " ", "😀"];
  const word = (n) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
  for (let i = 0; i < 3000; i++) {
    const old = word(Math.floor(next() * 30));
    const a = Math.floor(next() * (old.length + 1));
    const b = Math.min(old.length, a + Math.floor(next() * 5));
    const text = old.slice(0, a) + word(Math.floor(next() * 4)) + old.slice(b);
    assert.deepEqual(changed(old, text), diff(old, text), JSON.stringify([old, text]));
  }
  assert.deepEqual(changed("abc", "abc"), [3, 3]);
  assert.deepEqual(changed("", "x"), [0, 0]);
  assert.deepEqual(changed("aaaa", "aa"), [2, 4]);
});
