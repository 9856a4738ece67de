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

test("the default example renders with one Service of each type and no console errors", async () => {
  const page = await openPlayground(browser, server.url);
  assert.deepEqual(await serviceTypes(page), ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]);
  assert.equal(await page.locator("[data-kind=Node]").count(), 3);
  assert.equal(await page.locator("[data-kind=Deployment]").count(), 3);
  const web = page.locator('[data-kind=Service][data-name=web]');
  assert.equal(await web.getAttribute("data-namespace"), "default");
  await screenshot(page, "first-page");
  assert.deepEqual(page.problems, []);
});
