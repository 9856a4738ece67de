// Static hosting: the built site works from a sub-path under the strict
// Content-Security-Policy the README documents, and asks nothing of any
// other origin or of the server outside its folder.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { DIST, openPlayground, watchProblems, screenshot, openSite, closeSite } from "./helpers.js";

/** The policy README.md recommends, word for word. */
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; object-src 'none'; base-uri 'self'; form-action 'none'";
const PREFIX = "/some/sub/path/";

let server;
let browser;

before(async () => {
  ({ server, browser } = await openSite(DIST, { prefix: PREFIX, headers: { "content-security-policy": CSP } }));
});

after(() => closeSite({ server, browser }));

/** Records CSP violations (also reported on the console) and every request's URL. */
async function watch(page) {
  page.requests = [];
  page.on("request", (r) => page.requests.push(r.url()));
  await page.addInitScript(() => {
    window.violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.violations.push(`${e.violatedDirective}: ${e.blockedURI}`),
    );
  });
}

function outside(page) {
  return page.requests.filter((u) => !u.startsWith(server.url) && !u.startsWith("data:") && !u.startsWith("blob:"));
}

test("the policy README.md documents is the one tested", async () => {
  const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
  assert.ok(readme.includes(`Content-Security-Policy: ${CSP}`), "README.md states the tested policy");
});

test("no HTML file of the site has an inline script", async () => {
  const html = (await readdir(DIST)).filter((f) => f.endsWith(".html"));
  assert.ok(html.includes("index.html") && html.includes("embed-demo.html"));
  assert.ok((await readdir(DIST)).includes("embed.js"));
  for (const f of html) {
    const text = await readFile(join(DIST, f), "utf8");
    for (const [tag] of text.matchAll(/<script\b[^>]*>/g)) {
      const inert = /type="text\/yaml"/.test(tag);
      assert.ok(inert || /\bsrc=/.test(tag), `${f}: inline script ${tag}`);
    }
    assert.ok(!/\son[a-z]+=/.test(text), `${f}: inline event handler`);
  }
});

test("the app runs from a sub-path under the CSP: diagram, editor, no violation, nothing outside", async () => {
  const page = watchProblems(await browser.newPage());
  await watch(page);
  await page.goto(server.url);
  await page.waitForSelector("[data-kind=Service]", { timeout: 15000 });
  await page.waitForSelector("[data-editor=rich]", { timeout: 15000 });
  assert.ok((await page.locator("[data-kind=Pod]").count()) > 0);
  // Requests animate under the policy too: clicking a Service sends one.
  await page.click("[data-kind=Service][data-name=web]");
  await page.waitForSelector("[data-packet][data-verdict=DNAT]", { state: "attached", timeout: 10000 });
  assert.deepEqual(await page.evaluate(() => window.violations), []);
  assert.deepEqual(outside(page), []);
  await screenshot(page, "hosting-sub-path-csp");
  assert.deepEqual(page.problems, []);
});

test("the embed demo runs from the sub-path under the CSP", async () => {
  const page = watchProblems(await browser.newPage());
  await watch(page);
  await page.goto(`${server.url}embed-demo.html`);
  const first = page.locator("kube-playground").first();
  await first.frameLocator("iframe").locator("[data-kind=Service]").first().waitFor({ timeout: 20000 });
  assert.match(await first.evaluate((el) => el.getYaml()), /kind: Deployment/);
  assert.deepEqual(await page.evaluate(() => window.violations), []);
  assert.deepEqual(outside(page), []);
  assert.deepEqual(page.problems, []);
});

test("a share link works from the sub-path", async () => {
  const page = await openPlayground(browser, `${server.url}index.html#theme=dark&view=diagram`);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  assert.equal(await page.locator(".kp-editor-panel").count(), 0);
  assert.deepEqual(page.problems, []);
});
