// Lists the WebAssembly functions the playground runs up to its live diagram.
//
// `cargo xtask dist` serves the built site with its wasm instrumented (each
// function sets an exported flag `__kp_ran<N>` when it first runs), opens it
// in headless Chromium through the visits below, and keeps the union of the
// flags set once each visit's diagram has settled. The result, one function
// index per line, decides which functions stay in the primary module (see
// crates/xtask/src/split.rs).
//
// Usage: node build/profile.mjs SITE_DIR OUT_FILE
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { deflateRawSync } from "node:zlib";
import { launchBrowser, openPlayground, serveStatic } from "../tests/e2e/helpers.js";

const [site, out] = process.argv.slice(2);
if (!site || !out) {
  console.error("usage: node build/profile.mjs SITE_DIR OUT_FILE");
  process.exit(2);
}

// Runs in the page before its scripts: keeps the wasm exports, whose
// `__kp_ran<N>` flags say which functions have run.
function watch() {
  window.__kpRan = () => {
    if (!window.__kpExports) return null;
    const ran = [];
    for (const [name, value] of Object.entries(window.__kpExports)) {
      if (name.startsWith("__kp_ran") && value.value) ran.push(Number(name.slice(8)));
    }
    return ran;
  };
  addEventListener("TrunkApplicationStarted", (e) => {
    window.__kpExports = e.detail.wasm;
  });
}

// What a visit runs until its diagram has settled: the live diagram, then
// SETTLE_MS of what runs by itself after it (the first animation frames, the
// editor's arrival), so that the rest is not needed before its download,
// started at the live diagram, has arrived.
//
// The visits are the ones a live diagram should come quickly for: a first
// visit, a shared link (also to a manifest with mistakes), an autosave, an
// embed in a blog post. A lesson's panel (its text and checks, 17 kB gzip of
// code) is left out: a `#lesson=` visit reaches a function of the rest before
// its diagram and loads the rest at once, as every visit did before the split.
const SETTLE_MS = 1500;

const fixture = (path) => readFileSync(new URL(`../../tests/fixtures/${path}`, import.meta.url), "utf8");
const link = (yaml, options = "") =>
  `#yaml=${deflateRawSync(Buffer.from(yaml)).toString("base64url")}${options}`;
// A manifest with mistakes in it: the diagnostics panel and the editor's marks.
const broken = `${fixture("realistic/helm-release.yaml")}
---
apiVersion: v1
kind: Service
metadata:
  name: Bad_Name
spec:
  type: NodePort
  ports:
  - port: 99999
    nodePort: 5
`;

const visits = [
  { name: "a fresh visit (the default example)", hash: "" },
  { name: "a fresh visit, reduced motion", hash: "", reducedMotion: "reduce" },
  { name: "a link, dark, diagram only", hash: link(fixture("realistic/kubectl-dump.yaml"), "&theme=dark&view=diagram") },
  { name: "a link to a manifest with mistakes", hash: link(broken) },
  { name: "an autosaved manifest", hash: "", autosave: fixture("ingress/fanout-by-address.yaml") },
  { name: "a read-only embed", hash: link(fixture("ingress/default-backend.yaml"), "&embed=1&readonly=1") },
];

const server = await serveStatic(site);
const browser = await launchBrowser();
const all = new Set();
try {
  for (const visit of visits) {
    const page = await openPlayground(browser, server.url + visit.hash, {
      setup: async (page) => {
        if (visit.reducedMotion) await page.emulateMedia({ reducedMotion: visit.reducedMotion });
        if (visit.autosave) await page.addInitScript((text) => localStorage.setItem("kubeplay:yaml", text), visit.autosave);
        await page.addInitScript(watch);
      },
    });
    await page.waitForFunction(() => window.__kpExports !== undefined, null, { timeout: 30000 });
    await page.waitForTimeout(SETTLE_MS);
    const ran = await page.evaluate(() => window.__kpRan());
    if (page.problems.length > 0) throw new Error(`${visit.name}: ${page.problems.join("; ")}`);
    ran.forEach((n) => all.add(n));
    console.log(`profile: ${visit.name}: ${ran.length} functions ran`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
await writeFile(out, [...all].sort((a, b) => a - b).join("\n") + "\n");
console.log(`profile: ${all.size} functions in all, written to ${out}`);
