// The editor's YAML painter (web/editor/highlight.js), in Node: tokens,
// block scalars, escaping, and that painting never changes the text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tokenize, paintLine, blockHeader, blockIndent, indentOf } from "../../editor/highlight.js";

/** The line's tokens as [text, class] pairs. */
const parts = (line, inBlock = false) => tokenize(line, inBlock).map(([a, b, c]) => [line.slice(a, b), c]);

/** The text a painted line shows (tags dropped, entities read back). */
const shown = (html) => html.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

test("keys, item markers, numbers, atoms and comments", () => {
  assert.deepEqual(parts("apiVersion: v1"), [["apiVersion", "kpe-k"], [":", "kpe-p"]]);
  assert.deepEqual(parts("  - port: 80 # web"), [
    ["-", "kpe-p"],
    ["port", "kpe-k"],
    [":", "kpe-p"],
    ["80", "kpe-n"],
    ["# web", "kpe-c"],
  ]);
  assert.deepEqual(parts("    enabled: true"), [["enabled", "kpe-k"], [":", "kpe-p"], ["true", "kpe-a"]]);
  assert.deepEqual(parts("# a: |"), [["# a: |", "kpe-c"]]);
  assert.deepEqual(parts("---"), [["---", "kpe-m"]]);
  assert.deepEqual(parts("%YAML 1.2"), [["%YAML 1.2", "kpe-m"]]);
});

test("a '#' inside a value or a quoted string is not a comment", () => {
  assert.deepEqual(parts("url: http://x/#top"), [["url", "kpe-k"], [":", "kpe-p"]]);
  assert.deepEqual(parts("msg: 'it''s # not' # but this is"), [
    ["msg", "kpe-k"],
    [":", "kpe-p"],
    ["'it''s # not'", "kpe-s"],
    ["# but this is", "kpe-c"],
  ]);
  assert.deepEqual(parts('say: "a \\" # b"'), [["say", "kpe-k"], [":", "kpe-p"], ['"a \\" # b"', "kpe-s"]]);
});

test("pretty-printed JSON values and tab-separated comments", () => {
  assert.deepEqual(parts('    "replicas": 3,'), [['"replicas"', "kpe-k"], [":", "kpe-p"], ["3", "kpe-n"], [",", "kpe-p"]]);
  assert.deepEqual(parts('    "ready": true,').slice(2), [["true", "kpe-a"], [",", "kpe-p"]]);
  assert.deepEqual(parts("a: b\t# c").slice(2), [["# c", "kpe-c"]]);
});

test("a very long line is coloured at its start and shown whole", () => {
  const line = `{"items": [${Array.from({ length: 3000 }, (_, i) => `{"port": ${i}}`).join(", ")}]}`;
  const html = paintLine(line, false);
  assert.equal(shown(html), line);
  const spans = html.split("<span").length - 1;
  assert.ok(spans > 100 && spans < 1000, `${spans} coloured parts, all in the first 2,000 characters`);
  assert.ok(!html.slice(html.indexOf("{\"port\": 200}")).includes("<span"), "the rest is plain");
});

test("JSON and flow collections", () => {
  assert.deepEqual(parts('  "kind": "Service",'), [
    ['"kind"', "kpe-k"],
    [":", "kpe-p"],
    ['"Service"', "kpe-s"],
    [",", "kpe-p"],
  ]);
  assert.deepEqual(parts("ports: [{port: 80, name: web}]"), [
    ["ports", "kpe-k"],
    [":", "kpe-p"],
    ["[", "kpe-p"],
    ["{", "kpe-p"],
    ["port", "kpe-k"],
    [":", "kpe-p"],
    ["80", "kpe-n"],
    [",", "kpe-p"],
    ["name", "kpe-k"],
    [":", "kpe-p"],
    ["}", "kpe-p"],
    ["]", "kpe-p"],
  ]);
});

test("anchors, aliases, tags and block scalars", () => {
  assert.deepEqual(parts("base: &b {a: 1}").slice(2, 3), [["&b", "kpe-x"]]);
  assert.deepEqual(parts("<<: *b").slice(2), [["*b", "kpe-x"]]);
  assert.deepEqual(parts("n: !!str 80").slice(2), [["!!str", "kpe-m"], ["80", "kpe-n"]]);
  assert.ok(blockHeader("  script: |"));
  assert.ok(blockHeader("  - >-"));
  assert.ok(blockHeader("data: |2 # indented"));
  assert.ok(!blockHeader("# note: |"));
  assert.ok(!blockHeader("a: b |"));
  assert.ok(!blockHeader("image: nginx"));
  assert.ok(!blockHeader("metadata: # style: |"), "a header in a comment is not one");
  assert.ok(blockHeader("  run: | # keep"));
  // Content must be indented past the key, or past the marker of `- |`.
  assert.equal(blockIndent("  script: |"), 2);
  assert.equal(blockIndent("  - command: |"), 4, "the key's column, not the dash's");
  assert.equal(blockIndent("  - |"), 2);
  assert.equal(blockIndent("image: nginx"), -1);
  assert.deepEqual(parts("    echo # not a comment", true), [["    echo # not a comment", "kpe-s"]]);
  assert.equal(indentOf("    x"), 4);
  assert.equal(indentOf(""), 0);
});

test("text is escaped, and marks wrap exactly their range", () => {
  assert.equal(paintLine("a: <script>&"), '<span class="kpe-k">a</span><span class="kpe-p">:</span> &lt;script&gt;&amp;');
  const html = paintLine("    targetPort: 8080", false, [[16, 20, "kpe-d-error"]]);
  assert.match(html, /<span class="kpe-n kpe-d-error">8080<\/span>$/);
  // Marks past either end are clamped; empty ones vanish.
  assert.equal(shown(paintLine("ab", false, [[-5, 99, "m"], [1, 1, "z"]])), "ab");
  assert.doesNotMatch(paintLine("ab", false, [[1, 1, "z"]]), /z/);
});

test("painting never adds, drops or reorders characters", () => {
  // A fixed-seed generator (xorshift) over YAML's awkward characters.
  let seed = 0x9e3779b9;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const alphabet = [..."ab09 -:#'\"\\|>&*!%[]{},.<>@`\t~é", "ключ", "😀"];
  for (let i = 0; i < 5000; i++) {
    let line = "";
    const n = Math.floor(next() * 24);
    for (let j = 0; j < n; j++) line += alphabet[Math.floor(next() * alphabet.length)];
    const marks = [[Math.floor(next() * 30) - 3, Math.floor(next() * 30), "m"]];
    for (const inBlock of [false, true]) {
      const html = paintLine(line, inBlock, marks);
      assert.equal(shown(html), line, JSON.stringify(line));
      assert.doesNotMatch(html.replace(/<\/?span[^>]*>/g, ""), /[<>]/, "only our own tags");
      let last = 0;
      for (const [a, b] of tokenize(line, inBlock)) {
        assert.ok(a >= last && b > a && b <= line.length, `tokens in order: ${JSON.stringify(line)}`);
        last = b;
      }
    }
  }
});
