// The built site loads from a static server and shows the default example.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serveStatic, launchBrowser, openPlayground, serviceTypes, screenshot } from "./helpers.js";

let server;
let browser;

before(async () => {
  server = await serveStatic();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

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
