// The built site loads from a static server and shows the default example.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openPlayground, serviceTypes, screenshot, watchProblems, openSite, closeSite } from "./helpers.js";

let server;
let browser;

before(async () => {
  ({ server, browser } = await openSite());
});

after(() => closeSite({ server, browser }));

test("the default example renders as a diagram with all four Service types and no console errors", async () => {
  const page = await openPlayground(browser, server.url);
  assert.deepEqual([...new Set(await serviceTypes(page))], ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]);
  assert.equal(await page.locator("[data-kind=Node]").count(), 3);
  // web ×3, api ×2, cache ×1, and CoreDNS ×2.
  assert.equal(await page.locator("[data-kind=Pod]").count(), 8);
  const web = page.locator('[data-kind=Service][data-name=web]');
  assert.equal(await web.getAttribute("data-namespace"), "default");
  assert.equal(await web.getAttribute("data-type"), "LoadBalancer");
  assert.equal(await page.locator("[data-kind=CloudLoadBalancer]").count(), 1);
  assert.equal(await page.locator("[data-kind=ExternalHost]").count(), 1);
  await screenshot(page, "first-page");
  assert.deepEqual(page.problems, []);
});

/**
 * Opens `url` with the wasm held back until `release()` is called, after
 * `prepare` ran on the site's origin (for its localStorage).
 */
async function openHeld(url, prepare = () => localStorage.clear()) {
  const scratch = await browser.newPage();
  await scratch.goto(new URL("no-app-here", url).href);
  await scratch.evaluate(prepare);
  await scratch.close();
  const page = watchProblems(await browser.newPage());
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route(/_bg\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(url);
  return { page, release };
}

test("a fresh visit shows the prerendered default diagram at once, and the live diagram replaces it", async () => {
  const { page, release } = await openHeld(server.url);
  const picture = page.locator("#kp-first img.kp-first-light");
  await picture.waitFor({ state: "visible", timeout: 15000 });
  await page.waitForFunction(() => {
    const img = document.querySelector("#kp-first img.kp-first-light");
    return img && img.complete && img.naturalWidth > 0;
  });
  assert.match(await picture.getAttribute("alt"), /default example cluster: 3 nodes/);
  assert.equal(await page.locator("[data-kind]").count(), 0, "the app has not started yet");
  assert.equal(await page.locator("#kp-first img.kp-first-dark").isVisible(), false);
  await screenshot(page, "first-diagram-prerendered");
  release();
  await page.waitForSelector("[data-kind=Service][data-name=web]", { timeout: 15000 });
  assert.equal(await page.locator("#kp-first").count(), 0, "removed once the live diagram is drawn");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("a theme chosen earlier applies to the prerendered picture", async () => {
  const { page, release } = await openHeld(server.url, () => {
    localStorage.clear();
    localStorage.setItem("kubeplay:theme", "dark");
  });
  await page.locator("#kp-first img.kp-first-dark").waitFor({ state: "visible", timeout: 15000 });
  assert.equal(await page.locator("#kp-first img.kp-first-light").isVisible(), false);
  release();
  await page.waitForSelector("[data-kind=Service]", { timeout: 15000 });
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("a visit with link state or an autosave never shows the default picture", async () => {
  for (const [what, url, prepare] of [
    ["link state", `${server.url}#view=split`, () => localStorage.clear()],
    [
      "an autosave",
      server.url,
      () => localStorage.setItem("kubeplay:yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: mine}\nspec: {ports: [{port: 80}]}\n"),
    ],
  ]) {
    const { page, release } = await openHeld(url, prepare);
    await page.waitForSelector("#kp-first", { state: "attached", timeout: 15000 });
    assert.equal(await page.locator("#kp-first").isVisible(), false, what);
    assert.equal(await page.locator("html.kp-live-only").count(), 1, what);
    release();
    await page.waitForSelector("[data-kind=Service]", { timeout: 15000 });
    assert.equal(await page.locator("#kp-first").count(), 0, what);
    if (what === "an autosave") {
      assert.equal(await page.locator("[data-kind=Service][data-name=mine]").count(), 1);
    }
    assert.deepEqual(page.problems, [], what);
    await page.close();
  }
});

// The built site's wasm is split (crates/xtask/src/split.rs): what a first
// visit runs before its live diagram, and the rest, which downloads once the
// diagram is drawn. If the profile missed a function of the first visit, the
// rest would be fetched synchronously instead (an XMLHttpRequest) and earlier.
test("the live diagram needs only the first part of the wasm; the rest is fetched once, after it", async () => {
  const page = await openPlayground(browser, server.url, {
    setup: (page) =>
      page.addInitScript(() => {
        addEventListener("kubeplay:drawn", () => {
          window.__drawn = { at: performance.now(), diagram: document.querySelector("#app [data-kind]") !== null };
        });
      }),
  });
  await page.waitForFunction(() => performance.getEntriesByType("resource").some((e) => e.name.endsWith("_rest.wasm")));
  const { drawn, wasm } = await page.evaluate(() => ({
    drawn: window.__drawn,
    wasm: performance
      .getEntriesByType("resource")
      .filter((e) => e.name.endsWith(".wasm"))
      .map((e) => ({ file: e.name.split("/").pop().replace(/-[0-9a-f]{16}_/, "-HASH_"), by: e.initiatorType, start: e.startTime })),
  }));
  assert.ok(drawn?.diagram, "the app announces kubeplay:drawn with its diagram in the page");
  // The first part comes through the page's preload link, the rest once.
  assert.deepEqual(
    wasm.map(({ file, by }) => ({ file, by })),
    [
      { file: "kubeplay-web-HASH_bg.wasm", by: "link" },
      { file: "kubeplay-web-HASH_rest.wasm", by: "fetch" },
    ],
  );
  assert.ok(wasm[1].start >= drawn.at, "the rest is requested after the live diagram is drawn");
  // A request's trace runs code from the rest.
  const pod = await page.getAttribute('#app [data-kind=Pod][data-name^="api-"]', "data-name");
  const trace = await page.evaluate((from) => window.kubeplay.send({ from, to: "web:80" }), `pod/${pod}`);
  assert.equal(trace.verdict, "DNAT");
  assert.ok(trace.path.at(-1).startsWith("Pod/default/web-"));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("a function of the rest reached before its download has arrived loads it at once", async () => {
  let delayed = false;
  const page = await openPlayground(browser, server.url, {
    // Hold the download the live diagram starts, so the rest is not in yet.
    setup: (page) =>
      page.route(/_rest\.wasm$/, async (route) => {
        if (!delayed) {
          delayed = true;
          await new Promise((resolve) => setTimeout(resolve, 4000));
        }
        await route.continue().catch(() => {});
      }),
  });
  const pod = await page.getAttribute('#app [data-kind=Pod][data-name^="api-"]', "data-name");
  const started = Date.now();
  const trace = await page.evaluate((from) => window.kubeplay.send({ from, to: "web:80" }), `pod/${pod}`);
  assert.equal(trace.verdict, "DNAT");
  assert.ok(Date.now() - started < 3000, "the trace did not wait for the held download");
  const by = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .filter((e) => e.name.endsWith("_rest.wasm"))
      .map((e) => e.initiatorType),
  );
  assert.ok(by.includes("xmlhttprequest"), `the rest came synchronously (${by})`);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("a failed download of the rest is tried again, and then the app works", async () => {
  let failed = 0;
  const page = await openPlayground(browser, server.url, {
    setup: (page) =>
      page.route(/_rest\.wasm$/, async (route) => {
        if (failed === 0) {
          failed += 1;
          await route.fulfill({ status: 503, body: "busy" });
        } else {
          await route.continue();
        }
      }),
  });
  // The second background download (2 s after the first failed).
  await page.waitForFunction(
    () => performance.getEntriesByType("resource").filter((e) => e.name.endsWith("_rest.wasm")).length >= 2,
    null,
    { timeout: 10000 },
  );
  await page.waitForTimeout(300);
  const pod = await page.getAttribute('#app [data-kind=Pod][data-name^="api-"]', "data-name");
  const trace = await page.evaluate((from) => window.kubeplay.send({ from, to: "web:80" }), `pod/${pod}`);
  assert.equal(trace.verdict, "DNAT");
  const by = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .filter((e) => e.name.endsWith("_rest.wasm"))
      .map((e) => e.initiatorType),
  );
  assert.deepEqual(by, ["fetch", "fetch"], "the rest came from the retried download, not synchronously");
  // The only problems are the 503 this test answered (whose body also fails
  // the download's integrity check).
  assert.deepEqual(
    page.problems.filter((p) => !/503|_rest\.wasm/.test(p)),
    [],
  );
  await page.close();
});
