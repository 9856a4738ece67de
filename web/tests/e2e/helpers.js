// Helpers for the end-to-end tests: a static server for the built site and a
// headless Debian Chromium driven by playwright-core. Page helpers are named by
// what a user does (openPlayground, seeService), as in leptos' e2e tests.
import { createServer } from "node:http";
import { gzipSync } from "node:zlib";
import { readFile, mkdir, mkdtemp } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { tmpdir } from "node:os";
import { chromium } from "playwright-core";

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

export const DIST = resolve(process.env.KUBEPLAY_DIST ?? "../dist");
export const ARTIFACTS = resolve(process.env.KUBEPLAY_ARTIFACTS ?? "../target/e2e-artifacts");

/**
 * Serves `root` on 127.0.0.1 at a free port; resolves to { url, origin, close }.
 * `prefix` mounts the site under a sub-path (`/some/sub/path/`; anything
 * outside it is a 404), `headers` are added to every response (a
 * Content-Security-Policy, for instance), and `mounts` maps URL prefixes
 * (`/__bench/yaml/`) to other folders (the benchmark serves the npm `yaml`
 * package this way; the site never does). With `gzip`, a client that accepts
 * it gets every file gzipped (level 9), as a static host would serve it.
 */
export async function serveStatic(root = DIST, { prefix = "/", headers = {}, mounts = {}, gzip = false } = {}) {
  const gzipped = new Map();
  const server = createServer(async (req, res) => {
    const full = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (!full.startsWith(prefix)) {
      res.writeHead(404).end("not found");
      return;
    }
    let path = "/" + full.slice(prefix.length);
    let base = root;
    for (const [mount, dir] of Object.entries(mounts)) {
      if (path.startsWith(mount)) {
        base = resolve(dir);
        path = path.slice(mount.length - 1);
      }
    }
    let file = normalize(join(base, path));
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    if (path.endsWith("/")) file = join(file, "index.html");
    try {
      let body = await readFile(file);
      const type = { "content-type": MIME[extname(file)] ?? "application/octet-stream" };
      if (gzip && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "")) {
        if (!gzipped.has(file)) gzipped.set(file, gzipSync(body, { level: 9 }));
        body = gzipped.get(file);
        type["content-encoding"] = "gzip";
      }
      res.writeHead(200, { ...headers, ...type });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return { url: `${origin}${prefix}`, origin, close: () => new Promise((ok) => server.close(ok)) };
}

/**
 * The usual test file's set-up: the site (`serveStatic(root, options)`) and a
 * browser, resolved as { server, browser }; `closeSite` undoes it.
 */
export async function openSite(root = DIST, options = {}) {
  const server = await serveStatic(root, options);
  try {
    return { server, browser: await launchBrowser() };
  } catch (err) {
    await server.close();
    throw err;
  }
}

/** Closes what `openSite` opened (nothing, after a failed start). */
export async function closeSite({ server, browser } = {}) {
  await browser?.close();
  await server?.close();
}

/** Starts Debian's Chromium headless, with the flags this sandbox needs (plus `extraArgs`). */
export async function launchBrowser(extraArgs = []) {
  const userDataDir = await mkdtemp(join(tmpdir(), "kubeplay-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
  return context;
}

/**
 * Opens the playground in a new page (with autosave cleared unless
 * `fresh: false`) and records every console error, uncaught exception, failed
 * request and HTTP error in `page.problems`, so a test can fail on any of them.
 */
export async function openPlayground(context, url, { fresh = true, setup } = {}) {
  if (fresh) {
    // Each test starts from the default example: forget earlier autosaves,
    // from a throwaway page of the same origin that does not run the app (so
    // the app cannot save again after the clear, and its 404 is not ours).
    const scratch = await context.newPage();
    await scratch.goto(new URL("no-app-here", url).href);
    await scratch.evaluate(() => localStorage.clear());
    await scratch.close();
  }
  const page = watchProblems(await context.newPage());
  // Routes and the like that must be in place before the page loads.
  if (setup) await setup(page);
  await page.goto(url);
  await page.waitForSelector("[data-kind]", { timeout: 15000 });
  return page;
}

/**
 * Records every console error, uncaught exception, failed request and HTTP
 * error of `page` (and of the frames in it) in `page.problems`.
 */
export function watchProblems(page) {
  page.problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") page.problems.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => page.problems.push(`exception: ${err.message}`));
  page.on("requestfailed", (req) => page.problems.push(`request failed: ${req.url()}`));
  page.on("response", (res) => {
    if (res.status() >= 400) page.problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return page;
}

/** The `data-type` of every rendered Service, sorted. */
export async function serviceTypes(page) {
  const types = await page.$$eval("[data-kind=Service]", (els) => els.map((e) => e.dataset.type));
  return types.sort();
}

/** Saves a full-page screenshot as a test artifact (never committed). */
export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Replaces the manifest through the page's API, as a tutorial would. */
export async function setYaml(page, text) {
  await page.evaluate((t) => window.kubeplay.setYaml(t), text);
}

/** Types at the end of the editor's text, as a user would. */
export async function typeAtEnd(page, text) {
  await page.click(".kpe-input");
  await page.keyboard.press("Control+End");
  await page.keyboard.type(text);
}

/**
 * Waits until the app's manifest (`window.kubeplay.getYaml()`, a promise, so
 * `page.waitForFunction` cannot wait on it) satisfies `test`; returns it.
 */
export async function waitForYaml(page, test, timeout = 10000) {
  const end = Date.now() + timeout;
  for (;;) {
    const text = await page.evaluate(() => window.kubeplay.getYaml());
    if (test(text)) return text;
    if (Date.now() > end) throw new Error(`timed out waiting for the manifest; it is:\n${text}`);
    await page.waitForTimeout(25);
  }
}

/** Sends one request through `window.kubeplay.send`; resolves to the trace JSON. */
export async function sendRequest(page, from, to) {
  return page.evaluate(([f, t]) => window.kubeplay.send({ from: f, to: t }), [from, to]);
}

/** Types into the manifest editor as a user would (select all, then type). */
export async function typeYaml(page, text) {
  // The full editor replaces the first-frame textarea right after load.
  await page.waitForSelector("[data-editor=rich]");
  const editor = page.getByLabel("Kubernetes YAML manifest");
  await editor.fill(text);
}
