// Embedding: the demo blog post with several <kube-playground> embeds, each
// independent; the postMessage API and its origin check; an embed on a page
// of another origin; the "Embed" dialog.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { serveStatic, launchBrowser, openPlayground, watchProblems, screenshot } from "./helpers.js";

// Pages without an icon make the browser ask for /favicon.ico (a 404).
const NO_ICON = '<link rel="icon" href="data:,">';

let server;
let other;
let browser;

before(async () => {
  server = await serveStatic();
  // A second origin: a blog that embeds the playground, and a stranger.
  const root = await mkdtemp(join(tmpdir(), "kubeplay-other-origin-"));
  await writeFile(join(root, "blank.html"), `<!doctype html><title>stranger</title>${NO_ICON}<p>another origin</p>`);
  await writeFile(
    join(root, "blog.html"),
    `<!doctype html><title>a blog</title>${NO_ICON}<h1>My post</h1>
<script src="${server.url}embed.js" defer></script>
<kube-playground view="diagram" height="360">
  <script type="text/yaml">
    apiVersion: v1
    kind: Service
    metadata:
      name: from-the-blog
    spec:
      ports:
      - port: 80
  </script>
</kube-playground>
<p>And one from a file beside the post:</p>
<kube-playground src="svc.yaml" view="split"></kube-playground>`,
  );
  await writeFile(
    join(root, "svc.yaml"),
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: from-a-file\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n",
  );
  other = await serveStatic(root);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await other?.close();
});

/** Opens a page with embeds and waits until `count` of them drew a diagram. */
async function openEmbeds(url, count, viewport) {
  const page = watchProblems(await browser.newPage());
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(url);
  const embeds = page.locator("kube-playground");
  await page.waitForFunction((n) => document.querySelectorAll("kube-playground iframe").length >= n, count);
  for (let i = 0; i < count; i++) {
    await embeds.nth(i).scrollIntoViewIfNeeded();
    await embeds.nth(i).frameLocator("iframe").locator("[data-kind=Service]").first().waitFor({ timeout: 20000 });
  }
  return page;
}

/** Calls an element method (getYaml, setYaml, send) on the i-th embed. */
function call(page, i, method, ...args) {
  return page.evaluate(
    ([i, method, args]) => document.querySelectorAll("kube-playground")[i][method](...args),
    [i, method, args],
  );
}

test("the demo post's embeds render, size to their content and work independently", async () => {
  // The reader's own work in the main app, which embeds must not touch.
  const main = await openPlayground(browser, server.url);
  await main.evaluate(() => localStorage.setItem("kubeplay:yaml", "# mine\n"));
  await main.close();

  const page = await openEmbeds(`${server.url}embed-demo.html`, 4);
  const frames = page.locator("kube-playground iframe");
  assert.equal(await frames.count(), 4);
  const entries = await page.evaluate(() => history.length);
  const yamls = [];
  for (let i = 0; i < 4; i++) yamls.push(await call(page, i, "getYaml"));
  assert.match(yamls[0], /^apiVersion: apps\/v1\nkind: Deployment\nmetadata:\n  name: web\n/, "inline YAML, dedented");
  assert.match(yamls[3], /type: ExternalName/);
  // Each frame: no page chrome; diagram-only ones have no editor; heights follow content.
  for (let i = 0; i < 4; i++) {
    const frame = page.locator("kube-playground").nth(i).frameLocator("iframe");
    assert.equal(await frame.locator(".kp-header").count(), 0);
    assert.equal(await frame.locator(".kp-editor-panel").count(), i === 3 ? 1 : 0);
    const h = await frames.nth(i).evaluate((f) => f.getBoundingClientRect().height);
    assert.ok(h > 200 && h !== 480, `embed ${i} sized to its content (${h}px)`);
  }
  // Read-only: no what-ifs; the editable one has them.
  const first = page.locator("kube-playground").nth(0).frameLocator("iframe");
  assert.equal(await first.locator(".kp-whatif").count(), 0);
  // Autoplay: the LoadBalancer embed sends requests by itself.
  const lb = page.locator("kube-playground").nth(2).frameLocator("iframe");
  await lb.locator("#kp-flow[aria-pressed=true]").waitFor();

  // setYaml into one embed changes that one only, and its events reach the page.
  await page.evaluate(() => {
    window.changes = [];
    return document.querySelectorAll("kube-playground")[1].on("change", (t) => window.changes.push(t));
  });
  const replacement = "apiVersion: v1\nkind: Service\nmetadata:\n  name: replaced\nspec:\n  ports:\n  - port: 81\n";
  await call(page, 1, "setYaml", replacement);
  assert.equal(await call(page, 1, "getYaml"), replacement);
  await page.locator("kube-playground").nth(1).frameLocator("iframe").locator("[data-kind=Service][data-name=replaced]").waitFor();
  for (const i of [0, 2, 3]) assert.equal(await call(page, i, "getYaml"), yamls[i], `embed ${i} unchanged`);
  await page.waitForFunction((t) => window.changes.includes(t), replacement);
  const trace = await call(page, 0, "send", { from: "pod/web-0", to: "web:80" }).catch((e) => String(e));
  assert.ok(typeof trace === "object" || /pod/.test(trace), "send answers with a trace or a reason");
  const error = await call(page, 0, "send", { from: "nowhere", to: "web:80" }).catch((e) => e.message);
  assert.match(error, /./, "an error comes back as a rejection");

  // Embeds never write the main app's autosave, nor history entries.
  assert.equal(await page.evaluate(() => localStorage.getItem("kubeplay:yaml")), "# mine\n");
  assert.equal(await page.evaluate(() => history.length), entries);

  await screenshot(page, "embed-demo");
  assert.deepEqual(page.problems, []);
});

test("setYaml into an editable embed leaves the focus on the page around it", async () => {
  const page = await openEmbeds(`${server.url}embed-demo.html`, 4);
  await page.locator("kube-playground").nth(3).frameLocator("iframe").locator("[data-editor=rich]").waitFor();
  await page.evaluate(() => {
    const input = document.createElement("input");
    input.id = "host-input";
    document.body.prepend(input);
    input.focus();
  });
  const text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: outside\nspec:\n  type: ExternalName\n  externalName: db.example.com\n";
  await call(page, 3, "setYaml", text);
  const frame = page.locator("kube-playground").nth(3).frameLocator("iframe");
  await frame.locator(".kpe-input").evaluate((e, t) => new Promise((ok) => {
    const check = () => (e.value === t ? ok() : setTimeout(check, 20));
    check();
  }), text);
  assert.equal(await page.evaluate(() => document.activeElement.id), "host-input");
  await page.keyboard.type("typed");
  assert.equal(await page.inputValue("#host-input"), "typed");
  assert.deepEqual(page.problems, []);
});

test("the demo post reads well at phone width", async () => {
  const page = await openEmbeds(`${server.url}embed-demo.html`, 2, { width: 360, height: 780 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px too wide)`);
  await screenshot(page, "embed-demo-phone");
  assert.deepEqual(page.problems, []);
});

test("messages from another origin are ignored; an embed on another origin's page works", async () => {
  const page = await openEmbeds(`${server.url}embed-demo.html`, 1);
  const before = await call(page, 0, "getYaml");
  // A frame of another origin on the same page posts to the first embed.
  await page.evaluate((src) => {
    const f = document.createElement("iframe");
    f.src = src;
    f.id = "stranger";
    document.body.append(f);
    return new Promise((ok) => (f.onload = ok));
  }, `${other.url}blank.html`);
  const stranger = page.frames().find((f) => f.url().endsWith("blank.html"));
  const answered = await stranger.evaluate(async () => {
    const target = parent.frames[0];
    let reply = null;
    addEventListener("message", (e) => (reply = e.data));
    target.postMessage({ kubeplay: 1, id: 7, method: "setYaml", args: ["# hijacked\n"] }, "*");
    target.postMessage({ kubeplay: 1, id: 8, method: "getYaml", args: [] }, "*");
    await new Promise((ok) => setTimeout(ok, 700));
    return reply;
  });
  assert.equal(answered, null, "no answer to a stranger");
  assert.equal(await call(page, 0, "getYaml"), before, "the stranger's setYaml was ignored");
  assert.deepEqual(page.problems, []);

  // The usual blog case: the page is on another origin than the playground.
  const blog = await openEmbeds(`${other.url}blog.html`, 2);
  assert.match(await call(blog, 0, "getYaml"), /name: from-the-blog/);
  // The second one read its manifest from a same-site file (src).
  assert.match(await call(blog, 1, "getYaml"), /name: from-a-file/);
  assert.equal(await blog.locator("kube-playground").nth(1).frameLocator("iframe").locator("[data-kind=Service][data-name=from-a-file]").getAttribute("data-type"), "NodePort");
  await call(blog, 0, "setYaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: changed\nspec:\n  ports:\n  - port: 80\n");
  await blog.locator("kube-playground").first().frameLocator("iframe").locator("[data-kind=Service][data-name=changed]").waitFor();
  assert.match(await call(blog, 1, "getYaml"), /name: from-a-file/, "the other embed is unchanged");
  const h = await blog.locator("kube-playground iframe").first().evaluate((f) => f.getBoundingClientRect().height);
  assert.equal(h, 360, "a fixed height stays");
  assert.deepEqual(blog.problems, []);
});

test("the Embed dialog writes code that opens the same diagram, and behaves as a dialog", async () => {
  const page = await openPlayground(browser, server.url);
  const opener = page.getByRole("button", { name: "Embed" });
  await opener.click();
  const dialog = page.getByRole("dialog", { name: "Embed this diagram" });
  await dialog.waitFor();
  await page.waitForFunction(() => document.querySelector("#kp-embed-code").value.startsWith("<iframe"));
  await screenshot(page, "embed-dialog");
  const code = await page.locator("#kp-embed-code").inputValue();
  const src = code.match(/src="([^"]+)"/)[1].replaceAll("&amp;", "&");
  assert.match(src, /index\.html#yaml=[A-Za-z0-9_-]+&view=diagram&readonly=1&embed=1$/);
  await page.selectOption(".kp-embed-options select >> nth=2", "element");
  assert.match(await page.locator("#kp-embed-code").inputValue(), /<script src="[^"]*embed\.js" defer><\/script>\n<kube-playground view="diagram" readonly>/);
  // Focus stays inside while open; Escape closes and gives focus back.
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    assert.ok(await page.evaluate(() => !!document.activeElement.closest("dialog") || document.activeElement === document.body));
  }
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement.id), "kp-embed-open");

  // The iframe code, opened as is, shows the example as a read-only diagram.
  const embed = await openPlayground(browser, src, { fresh: false });
  assert.equal(await embed.locator(".kp-header").count(), 0);
  assert.equal(await embed.locator(".kp-editor-panel").count(), 0);
  assert.deepEqual(page.problems, []);
  assert.deepEqual(embed.problems, []);
});
