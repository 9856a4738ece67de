// The editor bundle (web/editor/dist/editor.js, built by `npm run build:editor`)
// on its own test page, under the site's Content-Security-Policy.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { serveStatic, launchBrowser, screenshot } from "./helpers.js";

const WEB = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

let server;
let browser;
let page;
let problems;

before(async () => {
  server = await serveStatic(WEB);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

beforeEach(async () => {
  await page?.close();
  page = await browser.newPage();
  problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`exception: ${err.message}`));
  await page.goto(`${server.url}editor/test.html`);
  await page.waitForSelector("body[data-ready=true] .kpe", { timeout: 10000 });
});

const INPUT = ".kpe-input";
const text = () => page.evaluate(() => window.testEditor.getText());
const nextFrames = () => page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));

/** Puts the cursor at the end of the document and focuses the editor. */
async function cursorToEnd() {
  await page.evaluate(() => {
    const ta = window.testEditor.textarea;
    window.testEditor.focus(ta.value.length);
  });
}

/** The text of every painted line, in order, as shown. */
const painted = () => page.$$eval(".kpe-l", (ls) => ls.map((l) => l.textContent));

/** The text under marks of a class, joined per line (a mark may span several coloured parts). */
const marked = (cls) =>
  page.$$eval(".kpe-l", (ls, c) => ls.map((l) => [...l.querySelectorAll(`.${c}`)].map((e) => e.textContent).join("")).filter(Boolean), cls);

/** Moves the mouse over the middle of the first element matching `selector` (marks let pointer events through). */
async function hoverOver(selector) {
  const box = await page.locator(selector).first().boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
}

test("the textarea is labelled, and Escape then Tab leaves the editor", async () => {
  assert.equal(await page.getAttribute(INPUT, "aria-label"), "Manifest YAML");
  await page.click(INPUT);
  assert.ok(await page.evaluate(() => document.activeElement.classList.contains("kpe-input")));
  const outline = await page.$eval(".kpe", (e) => getComputedStyle(e).outlineStyle);
  assert.equal(outline, "solid", "a visible focus ring");
  // Tab indents inside the editor...
  await cursorToEnd();
  await page.keyboard.press("Tab");
  assert.ok((await text()).endsWith("\n  "));
  // ...and Escape then Tab moves on.
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "after");
  assert.deepEqual(problems, []);
});

test("the painted layer shows the same text as the textarea, with YAML colours", async () => {
  const lines = (await text()).split("\n");
  assert.deepEqual(await painted(), lines.slice(0, (await painted()).length));
  assert.equal(await page.$eval(".kpe-l .kpe-k", (e) => e.textContent), "apiVersion");
  assert.equal(await page.locator(".kpe-n", { hasText: "8080" }).count(), 1, "numbers are coloured");
  // The textarea's own text is invisible; the layer's is what shows.
  assert.equal(await page.$eval(INPUT, (e) => getComputedStyle(e).color), "rgba(0, 0, 0, 0)");
  // Typed text shows at once, in the same place.
  await cursorToEnd();
  await page.keyboard.type("# note");
  assert.equal((await painted()).at(-1), "# note");
  assert.equal(await page.locator(".kpe-c").last().textContent(), "# note");
  // Line numbers follow.
  assert.equal(await page.locator(".kpe-gl").last().textContent(), String(lines.length));
  assert.deepEqual(problems, []);
});

test("a long text paints only the lines in view and follows scrolling", async () => {
  const long = Array.from({ length: 3000 }, (_, i) => `key${i}: value${i}`).join("\n");
  await page.evaluate((t) => window.testEditor.setText(t), long);
  const shown = await painted();
  assert.ok(shown.length < 100, `painted ${shown.length} lines`);
  assert.equal(shown[0], "key0: value0");
  await page.$eval(INPUT, (e) => {
    e.scrollTop = 2000 * 20;
  });
  await page.waitForFunction(() => document.querySelector(".kpe-l")?.textContent !== "key0: value0");
  const after = await painted();
  assert.ok(after.some((l) => l === "key2001: value2001"), `after scrolling: ${after[0]}..${after.at(-1)}`);
  assert.ok(after.length < 100, `painted ${after.length} lines`);
  // The painted line sits exactly over the textarea's line.
  const offset = await page.evaluate(() => {
    const ta = document.querySelector(".kpe-input");
    const line = [...document.querySelectorAll(".kpe-l")].find((l) => l.textContent === "key2001: value2001");
    const pad = parseFloat(getComputedStyle(ta).paddingTop);
    return line.getBoundingClientRect().top - (ta.getBoundingClientRect().top + pad + 2001 * 20 - ta.scrollTop);
  });
  assert.ok(Math.abs(offset) < 0.5, `off by ${offset}px`);
  assert.deepEqual(problems, []);
});

test("on a touch screen the text is 16 px (no zoom on focus) and still lines up", async () => {
  const phone = await browser.newPage({ viewport: { width: 390, height: 700 }, hasTouch: true, isMobile: true });
  // Headless Chromium cannot emulate a coarse pointer: answer the query as a phone would.
  await phone.addInitScript(() => {
    const real = window.matchMedia.bind(window);
    window.matchMedia = (q) => (q.replace(/\s/g, "") === "(pointer:coarse)" ? { matches: true, media: q } : real(q));
  });
  await phone.goto(`${server.url}editor/test.html`);
  await phone.waitForSelector("body[data-ready=true] .kpe");
  const got = await phone.evaluate(() => {
    const ta = document.querySelector(".kpe-input");
    const cs = getComputedStyle(ta);
    const lines = [...document.querySelectorAll(".kpe-l")];
    const gutter = [...document.querySelectorAll(".kpe-gl")];
    const top = ta.getBoundingClientRect().top + parseFloat(cs.paddingTop);
    return {
      size: cs.fontSize,
      lh: cs.lineHeight,
      line: lines[4].getBoundingClientRect().top - (top + 4 * parseFloat(cs.lineHeight)),
      number: gutter[4].getBoundingClientRect().top - lines[4].getBoundingClientRect().top,
    };
  });
  await phone.close();
  assert.equal(got.size, "16px");
  assert.equal(got.lh, "24px");
  assert.ok(Math.abs(got.line) < 0.5, `line 5 is off by ${got.line}px`);
  assert.ok(Math.abs(got.number) < 0.5, `its number is off by ${got.number}px`);
});

test("a block scalar far above the view still colours its lines, and an edit to its header is seen", async () => {
  const lines = (header) =>
    [
      ...Array.from({ length: 100 }, (_, i) => `k${i}: v`),
      `script: ${header}`,
      ...Array.from({ length: 99 }, (_, i) => `  echo ${i + 101}: x`),
      ...Array.from({ length: 100 }, (_, i) => `k${i + 200}: v`),
    ].join("\n");
  const kindOf = () =>
    page.evaluate(() => {
      const ta = document.querySelector(".kpe-input");
      ta.scrollTop = 150 * parseFloat(getComputedStyle(ta).lineHeight);
      ta.dispatchEvent(new Event("scroll"));
      const line = [...document.querySelectorAll(".kpe-l")].find((l) => l.textContent === "  echo 150: x");
      return line.querySelector("span").className;
    });
  await page.evaluate((t) => window.testEditor.setText(t), lines("|"));
  assert.equal(await kindOf(), "kpe-s", "inside the block: text");
  await page.evaluate((t) => window.testEditor.setText(t), lines("plain"));
  assert.equal(await kindOf(), "kpe-k", "no block: a key");
  await page.evaluate((t) => window.testEditor.setText(t), lines(">-"));
  assert.equal(await kindOf(), "kpe-s");
  assert.deepEqual(problems, []);
});

test("typing updates getText, and edits made together fire onChange once", async () => {
  const original = await text();
  await cursorToEnd();
  await page.keyboard.type("# hello", { delay: 0 });
  await nextFrames();
  assert.equal(await text(), original + "# hello");
  const changes = await page.evaluate(() => window.changes);
  assert.ok(changes.length >= 1 && changes.length <= 7, `onChange calls: ${changes.length}`);
  assert.equal(changes.at(-1), original + "# hello");
  // setText is not echoed, and is one undoable step that keeps the cursor where it can.
  await page.evaluate(() => {
    window.changes.length = 0;
    window.testEditor.setText(window.testEditor.getText().replace("name: web", "name: website"));
  });
  await nextFrames();
  assert.deepEqual(await page.evaluate(() => window.changes), []);
  assert.equal(await page.$eval(INPUT, (e) => e.selectionStart), (await text()).length);
  assert.ok((await painted()).includes("  name: website"), "the layer shows text set from outside");
  await page.keyboard.press("Control+z");
  assert.equal(await text(), original + "# hello");
  // The browser groups typing into undo steps as it does in any textarea.
  for (let i = 0; i < 8 && (await text()) !== original; i++) await page.keyboard.press("Control+z");
  assert.equal(await text(), original, "undo restores the original text");
  for (let i = 0; i < 8 && (await text()) !== original + "# hello"; i++) await page.keyboard.press("Control+Shift+z");
  assert.equal(await text(), original + "# hello", "redo");
  // Many edits within one task: one call, with the final text.
  const burst = await page.evaluate(async () => {
    window.changes.length = 0;
    for (let i = 0; i < 20; i++) document.execCommand("insertText", false, "!");
    await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
    return window.changes;
  });
  assert.deepEqual(burst, [original + "# hello" + "!".repeat(20)]);
  assert.deepEqual(problems, []);
});

test("setText leaves the focus where it was", async () => {
  await page.focus("#before");
  await page.evaluate(() => window.testEditor.setText("kind: Service\n"));
  assert.equal(await page.evaluate(() => document.activeElement.id), "before");
  await page.evaluate(() => document.activeElement.blur());
  await page.evaluate(() => window.testEditor.setText("kind: Pod\n"));
  assert.notEqual(await page.evaluate(() => document.activeElement.className), "kpe-input");
  assert.equal(await text(), "kind: Pod\n");
  assert.deepEqual(problems, []);
});

test("Enter keeps the indentation and indents after a key that opens a block", async () => {
  await page.evaluate(() => window.testEditor.setText("spec:"));
  await cursorToEnd();
  await page.keyboard.press("Enter");
  await page.keyboard.type("ports:");
  await page.keyboard.press("Enter");
  await page.keyboard.type("- port: 80");
  await page.keyboard.press("Enter");
  await page.keyboard.type("protocol: TCP");
  assert.equal(await text(), "spec:\n  ports:\n    - port: 80\n      protocol: TCP");
  // Shift-Tab outdents the line; Tab indents the selected lines back.
  await page.keyboard.press("Shift+Tab");
  assert.ok((await text()).endsWith("\n    protocol: TCP"));
  await page.keyboard.press("Shift+ArrowUp");
  await page.keyboard.press("Tab");
  assert.ok((await text()).endsWith("\n      - port: 80\n      protocol: TCP"));
  await page.keyboard.press("Shift+Tab");
  assert.ok((await text()).endsWith("\n    - port: 80\n    protocol: TCP"));
  // With no selection, Tab types two spaces at the caret.
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Tab");
  assert.ok((await text()).endsWith("\n    protocol: TCP  "));
  assert.deepEqual(problems, []);
});

test("setDiagnostics underlines the right range and shows the message on hover", async () => {
  await page.evaluate(() =>
    window.testEditor.setDiagnostics([
      { line: 11, column: 17, endLine: 11, endColumn: 21, severity: "error", message: "spec.ports[0].targetPort: Invalid value: 8080: no such port" },
      { line: 999, column: 999, severity: "warning", message: "clamped to the end" },
      { line: 0, column: -3, endLine: 1, endColumn: 3, severity: "info", message: "clamped to the start" },
    ]),
  );
  await page.locator(".kpe-d-error").first().waitFor();
  assert.deepEqual(await marked("kpe-d-error"), ["8080"]);
  const lineIndex = await page.$eval(".kpe-d-error", (e) => [...e.closest(".kpe-code").children].indexOf(e.closest(".kpe-l")));
  assert.equal(lineIndex, 10, "on the 11th line");
  assert.equal(await page.$eval(".kpe-d-error", (e) => e.closest(".kpe-l").textContent), "    targetPort: 8080");
  assert.deepEqual(await marked("kpe-d-info"), ["ap"]);
  assert.equal(await page.locator(".kpe-gutter .kpe-mark-error").count(), 1);
  await hoverOver(".kpe-d-error");
  const tip = page.locator(".kpe-tip");
  await tip.waitFor();
  assert.match(await tip.textContent(), /targetPort: Invalid value: 8080/);
  await screenshot(page, "editor-light");
  // Typing before a mark moves it with its text.
  await page.evaluate(() => window.testEditor.focus(0));
  await page.keyboard.type("# x\n");
  assert.deepEqual(await marked("kpe-d-error"), ["8080"]);
  // F8 goes to it, and the status line reads its message.
  await page.evaluate(() => window.testEditor.focus(0));
  await page.keyboard.press("F8");
  assert.equal(await page.$eval(INPUT, (e) => e.value.slice(e.selectionStart, e.selectionEnd)), "8080");
  assert.match(await page.locator(".kpe-msg").textContent(), /^error: spec\.ports\[0\]\.targetPort/);
  assert.deepEqual(problems, []);
});

test("diagnostics for a text the editor does not hold yet wait for it", async () => {
  const next = (await text()).replace("  type: NodePort\n", "");
  await page.evaluate(
    (t) => window.testEditor.setDiagnostics([{ line: 10, column: 17, endLine: 10, endColumn: 21, severity: "error", message: "later" }], t),
    next,
  );
  assert.equal(await page.locator(".kpe-d-error").count(), 0, "not drawn on the text it does not describe");
  await page.evaluate((t) => window.testEditor.setText(t), next);
  assert.deepEqual(await marked("kpe-d-error"), ["8080"]);
  // For the text it holds, a list shows at once.
  await page.evaluate((t) => window.testEditor.setDiagnostics([{ line: 1, column: 1, endLine: 1, endColumn: 11, severity: "warning", message: "now" }], t), next);
  assert.deepEqual(await marked("kpe-d-warning"), ["apiVersion"]);
  assert.equal(await page.locator(".kpe-d-error").count(), 0);
  assert.deepEqual(problems, []);
});

test("typing while the find bar is open keeps the caret where the typing is", async () => {
  await page.click(INPUT);
  await page.keyboard.press("Control+f");
  await page.keyboard.type("web");
  await page.evaluate(() => window.testEditor.focus(14));
  await page.keyboard.type("XY");
  assert.ok((await text()).startsWith("apiVersion: v1XY\n"), JSON.stringify((await text()).slice(0, 40)));
  assert.ok((await text()).includes("name: web\n"), "the match is untouched");
  assert.match(await page.locator(".kpe-find [aria-live]").textContent(), / of 2$/);
  // Escape in the text closes the find bar.
  await page.keyboard.press("Escape");
  assert.ok(await page.locator(".kpe-find").isHidden());
  assert.deepEqual(problems, []);
});

test("find matches case-insensitively without shifting (İ lowers to two characters)", async () => {
  await page.evaluate(() => window.testEditor.setText("name: İstanbul\nport: 80\n"));
  await page.click(INPUT);
  await page.keyboard.press("Control+Home");
  await page.keyboard.press("Control+f");
  await page.keyboard.type("PORT");
  await page.keyboard.press("Escape");
  assert.equal(await page.$eval(INPUT, (e) => e.value.slice(e.selectionStart, e.selectionEnd)), "port");
  assert.deepEqual(problems, []);
});

test("Escape then Shift-Tab leaves the editor backwards", async () => {
  await page.click(INPUT);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "before");
  assert.deepEqual(problems, []);
});

test("CRLF text is held with LF line ends, and its diagnostics still apply", async () => {
  const crlf = "apiVersion: v1\r\nkind: Bogus\r\nmetadata:\r\n  name: x\r\n";
  await page.evaluate((t) => window.testEditor.setText(t), crlf);
  assert.equal(await text(), crlf.replace(/\r/g, ""));
  assert.deepEqual((await painted()).slice(0, 4), ["apiVersion: v1", "kind: Bogus", "metadata:", "  name: x"]);
  await page.evaluate(
    (t) => window.testEditor.setDiagnostics([{ line: 2, column: 7, endLine: 2, endColumn: 12, severity: "error", message: "no such kind" }], t),
    crlf,
  );
  assert.deepEqual(await marked("kpe-d-error"), ["Bogus"]);
  assert.deepEqual(problems, []);
});

test("the painted text has the textarea's font and width, glyph for glyph", async () => {
  const fonts = await page.evaluate(() => [".kpe-input", ".kpe-code"].map((s) => getComputedStyle(document.querySelector(s)).fontFamily));
  assert.equal(fonts[1], fonts[0]);
  const long = "x: " + "ab9 -_".repeat(40);
  await page.evaluate((t) => window.testEditor.setText(t), long);
  const widths = await page.evaluate(() => {
    const ta = document.querySelector(".kpe-input");
    const line = document.querySelector(".kpe-l");
    const range = document.createRange();
    range.selectNodeContents(line);
    const cs = getComputedStyle(ta);
    // A textarea's scrollWidth holds its left padding and its text.
    return [range.getBoundingClientRect().width, ta.scrollWidth - parseFloat(cs.paddingLeft)];
  });
  assert.ok(Math.abs(widths[0] - widths[1]) < 1, `painted ${widths[0]}px, textarea ${widths[1]}px`);
  assert.deepEqual(problems, []);
});

test("read-only also stops an open completion from applying", async () => {
  await page.evaluate(() => window.testEditor.setText("apiVersion: v1\nkind: Service\nspec:\n  "));
  await cursorToEnd();
  await page.keyboard.type("ty");
  await page.locator(".kpe-pop").waitFor();
  await page.evaluate(() => window.testEditor.setReadOnly(true));
  await page.keyboard.press("Enter");
  assert.ok((await text()).endsWith("\n  ty"));
  assert.deepEqual(problems, []);
});

test("a large text set from outside is undone and redone with Ctrl+Z and Ctrl+Shift+Z", async () => {
  const original = await text();
  const big = Array.from({ length: 400 }, (_, i) => `key${i}: ${i}`).join("\n");
  await page.focus("#before");
  await page.evaluate((t) => window.testEditor.setText(t), big);
  assert.equal(await text(), big);
  await page.click(INPUT);
  await page.keyboard.press("Control+z");
  assert.equal(await text(), original, "undone");
  assert.deepEqual((await painted())[0], original.split("\n")[0]);
  await page.keyboard.press("Control+Shift+z");
  assert.equal(await text(), big, "redone");
  // Once the text is edited, the keys are the browser's own again.
  await page.keyboard.press("Control+End");
  await page.keyboard.type("!");
  await page.keyboard.press("Control+z");
  assert.notEqual(await text(), original);
  assert.deepEqual(problems, []);
});

test("Escape in the find bar, then Tab, leaves the editor without indenting", async () => {
  const before = await text();
  await page.click(INPUT);
  await page.keyboard.press("Control+f");
  await page.keyboard.type("name: web");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  assert.equal(await text(), before);
  assert.equal(await page.evaluate(() => document.activeElement.id), "after");
  assert.deepEqual(problems, []);
});

test("hovering a mark after emoji, wide characters and a tab finds it", async () => {
  await page.evaluate(() => {
    window.testEditor.setText("note: 😀😀😀😀😀😀😀😀中文\tbad\n");
    // "bad" is column 18 in code points: note: (6) + 8 emoji + 2 + a tab.
    window.testEditor.setDiagnostics([{ line: 1, column: 18, endLine: 1, endColumn: 21, severity: "error", message: "after wide text" }]);
  });
  assert.deepEqual(await marked("kpe-d-error"), ["bad"]);
  // Over its first character: an emoji is two UTF-16 units but not two
  // characters wide, so counting units would land inside the emoji.
  const mark = await page.locator(".kpe-d-error").first().boundingBox();
  await page.mouse.move(mark.x + 2, mark.y + mark.height / 2);
  await page.locator(".kpe-tip").waitFor();
  assert.match(await page.locator(".kpe-tip").textContent(), /after wide text/);
  // And not over the wide text before it.
  await hoverOver(".kpe-l");
  const box = await page.locator(".kpe-l").first().boundingBox();
  await page.mouse.move(box.x + 60, box.y + box.height / 2);
  assert.ok(await page.locator(".kpe-tip").isHidden());
  assert.deepEqual(problems, []);
});

test("Ctrl-F opens the find bar, which finds, steps and closes", async () => {
  await page.click(INPUT);
  await page.keyboard.press("Control+Home");
  await page.keyboard.press("Control+f");
  await page.locator(".kpe-find").waitFor();
  assert.ok(await page.evaluate(() => document.activeElement.matches(".kpe-find input[name=search]")));
  await page.keyboard.type("port");
  assert.ok((await page.locator(".kpe-f, .kpe-fc").count()) >= 2);
  assert.match(await page.locator(".kpe-find [aria-live]").textContent(), /^1 of [3-9]/);
  await page.keyboard.press("Enter");
  assert.match(await page.locator(".kpe-find [aria-live]").textContent(), /^2 of /);
  await page.keyboard.press("Escape");
  assert.ok(await page.locator(".kpe-find").isHidden());
  assert.ok(await page.evaluate(() => document.activeElement.classList.contains("kpe-input")));
  assert.equal(await page.$eval(INPUT, (e) => e.value.slice(e.selectionStart, e.selectionEnd).toLowerCase()), "port");
  assert.deepEqual(problems, []);
});

test("setDark switches the theme at run time, and setReadOnly stops edits", async () => {
  const bg = () => page.$eval(".kpe", (e) => getComputedStyle(e).backgroundColor);
  const keyColor = () => page.$eval(".kpe-k", (e) => getComputedStyle(e).color);
  const lightBg = await bg();
  const lightKey = await keyColor();
  await page.evaluate(() => {
    document.body.classList.add("dark");
    window.testEditor.setDark(true);
  });
  assert.equal(await bg(), "rgb(13, 17, 23)");
  assert.notEqual(await keyColor(), lightKey);
  await page.evaluate(() =>
    window.testEditor.setDiagnostics([{ line: 6, column: 9, endLine: 6, endColumn: 17, severity: "warning", message: "NodePort: every node opens port 30000-32767" }]),
  );
  await hoverOver(".kpe-d-warning");
  await page.locator(".kpe-tip").waitFor();
  await screenshot(page, "editor-dark");
  await page.evaluate(() => window.testEditor.setDark(false));
  assert.equal(await bg(), lightBg);

  const before = await text();
  await page.evaluate(() => window.testEditor.setReadOnly(true));
  await cursorToEnd();
  await page.keyboard.type("x");
  await page.keyboard.press("Enter");
  assert.equal(await text(), before);
  assert.equal(await page.getAttribute(INPUT, "aria-readonly"), "true");
  await page.evaluate(() => window.testEditor.setReadOnly(false));
  await page.keyboard.type("x");
  assert.equal(await text(), before + "x");
  assert.deepEqual(problems, []);
});

test("completion offers targetPort inside a Service's ports", async () => {
  await page.evaluate(() =>
    window.testEditor.setText("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n    "),
  );
  await cursorToEnd();
  await page.keyboard.type("ta");
  const list = page.locator(".kpe-pop[role=listbox]");
  await list.waitFor();
  const labels = await list.locator("[role=option]").allTextContents();
  assert.ok(labels.some((l) => l.startsWith("targetPort")), `offered: ${labels}`);
  assert.ok(!labels.some((l) => l.startsWith("port")), "port is already there");
  // The textarea points at the list and its chosen option.
  assert.equal(await page.getAttribute(INPUT, "aria-controls"), await list.getAttribute("id"));
  const active = await page.getAttribute(INPUT, "aria-activedescendant");
  assert.equal(await page.getAttribute(`#${active}`, "aria-selected"), "true");
  await screenshot(page, "editor-completion");
  await page.keyboard.press("Enter");
  assert.match(await text(), /\n {4}targetPort: $/);
  assert.ok(await list.isHidden());
  // Accepting is one undo step.
  await page.keyboard.press("Control+z");
  assert.match(await text(), /\n {4}ta$/);

  // Values too: a Service's type.
  await page.evaluate(() => window.testEditor.setText("apiVersion: v1\nkind: Service\nspec:\n  type: "));
  await cursorToEnd();
  await page.keyboard.type("N");
  await list.waitFor();
  assert.ok((await list.locator("[role=option]").allTextContents()).includes("NodePort"));
  await page.keyboard.press("Escape");
  assert.ok(await list.isHidden());

  // And deeper, in a Deployment's pod template, and on request with Ctrl-Space.
  await page.evaluate(() =>
    window.testEditor.setText(
      "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        ports:\n        - containerPort: 80\n          ",
    ),
  );
  await cursorToEnd();
  await page.keyboard.press("Control+Space");
  await list.waitFor();
  await page.keyboard.type("pro");
  assert.ok((await list.locator("[role=option]").allTextContents()).some((l) => l.startsWith("protocol")));
  assert.deepEqual(problems, []);
});
