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
  await page.waitForSelector("body[data-ready=true] .cm-editor", { timeout: 10000 });
});

const text = () => page.evaluate(() => window.testEditor.getText());
const nextFrames = () => page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));

/** Puts the cursor at the end of the document and focuses the editor. */
async function cursorToEnd() {
  await page.evaluate(() => {
    const v = window.testEditor.view;
    v.dispatch({ selection: { anchor: v.state.doc.length } });
    window.testEditor.focus();
  });
}

test("the content is labelled, and Escape then Tab leaves the editor", async () => {
  assert.equal(await page.getAttribute(".cm-content", "aria-label"), "Manifest YAML");
  await page.click(".cm-content");
  assert.ok(await page.evaluate(() => document.activeElement.classList.contains("cm-content")));
  const outline = await page.$eval(".cm-editor", (e) => getComputedStyle(e).outlineStyle);
  assert.equal(outline, "solid", "a visible focus ring");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "after");
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
  // Many edits within one task: one call, with the final text.
  const burst = await page.evaluate(async () => {
    window.changes.length = 0;
    const v = window.testEditor.view;
    for (let i = 0; i < 20; i++) v.dispatch({ changes: { from: v.state.doc.length, insert: "!" }, userEvent: "input.type" });
    await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
    return window.changes;
  });
  assert.deepEqual(burst, [original + "# hello" + "!".repeat(20)]);
  await page.evaluate(() => {
    const v = window.testEditor.view;
    v.dispatch({ changes: { from: v.state.doc.length - 20, to: v.state.doc.length } });
  });
  // setText is not echoed, and is one undoable step that keeps the cursor where it can.
  await page.evaluate(() => {
    window.changes.length = 0;
    window.testEditor.setText(window.testEditor.getText().replace("name: web", "name: website"));
  });
  await nextFrames();
  assert.deepEqual(await page.evaluate(() => window.changes), []);
  assert.equal(await page.evaluate(() => window.testEditor.view.state.selection.main.head), (await text()).length);
  await page.keyboard.press("Control+z");
  assert.equal(await text(), original + "# hello");
  await page.keyboard.press("Control+z");
  assert.equal(await text(), original, "undo restores the original text");
  await page.keyboard.press("Control+Shift+z");
  assert.equal(await text(), original + "# hello", "redo");
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
  const mark = page.locator(".cm-lintRange-error");
  await mark.waitFor();
  assert.equal(await mark.textContent(), "8080");
  const lineText = await mark.evaluate((e) => e.closest(".cm-line").textContent);
  assert.equal(lineText, "    targetPort: 8080");
  const lineIndex = await mark.evaluate((e) => [...e.closest(".cm-content").children].indexOf(e.closest(".cm-line")));
  assert.equal(lineIndex, 10, "on the 11th line");
  assert.equal(await page.locator(".cm-lintRange-info").textContent(), "ap");
  assert.equal(await page.locator(".cm-gutter-lint .cm-lint-marker-error").count(), 1);
  await mark.hover();
  const tip = page.locator(".cm-tooltip-lint");
  await tip.waitFor();
  assert.match(await tip.textContent(), /targetPort: Invalid value: 8080/);
  await screenshot(page, "editor-light");
  assert.deepEqual(problems, []);
});

test("Ctrl-F opens the search panel", async () => {
  await page.click(".cm-content");
  await page.keyboard.press("Control+f");
  await page.locator(".cm-search").waitFor();
  assert.ok(await page.evaluate(() => document.activeElement.matches(".cm-search input[name=search]")));
  await page.keyboard.type("port");
  await page.keyboard.press("Enter");
  assert.ok((await page.locator(".cm-searchMatch").count()) >= 2);
  assert.deepEqual(problems, []);
});

test("setDark switches the theme at run time, and setReadOnly stops edits", async () => {
  const bg = () => page.$eval(".cm-editor", (e) => getComputedStyle(e).backgroundColor);
  const keyColor = () => page.$eval(".cm-line span", (e) => getComputedStyle(e).color);
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
  await page.locator(".cm-lintRange-warning").hover();
  await page.locator(".cm-tooltip-lint").waitFor();
  await screenshot(page, "editor-dark");
  await page.evaluate(() => window.testEditor.setDark(false));
  assert.equal(await bg(), lightBg);

  const before = await text();
  await page.evaluate(() => window.testEditor.setReadOnly(true));
  await cursorToEnd();
  await page.keyboard.type("x");
  assert.equal(await text(), before);
  assert.equal(await page.getAttribute(".cm-content", "aria-readonly"), "true");
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
  const list = page.locator(".cm-tooltip-autocomplete");
  await list.waitFor();
  const labels = await list.locator("li").allTextContents();
  assert.ok(labels.some((l) => l.startsWith("targetPort")), `offered: ${labels}`);
  assert.ok(!labels.some((l) => l.startsWith("port")), "port is already there");
  await screenshot(page, "editor-completion");
  await page.keyboard.press("Enter");
  assert.match(await text(), /\n {4}targetPort: $/);

  // Values too: a Service's type.
  await page.evaluate(() => window.testEditor.setText("apiVersion: v1\nkind: Service\nspec:\n  type: "));
  await cursorToEnd();
  await page.keyboard.type("N");
  await list.waitFor();
  assert.ok((await list.locator("li").allTextContents()).includes("NodePort"));

  // And deeper, in a Deployment's pod template.
  await page.evaluate(() =>
    window.testEditor.setText(
      "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        ports:\n        - containerPort: 80\n          ",
    ),
  );
  await cursorToEnd();
  await page.keyboard.type("pro");
  await list.waitFor();
  assert.ok((await list.locator("li").allTextContents()).some((l) => l.startsWith("protocol")));
  assert.deepEqual(problems, []);
});
