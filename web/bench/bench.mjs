// The browser half of `cargo xtask bench`: the release site (dist/) in
// headless Chromium, measured against DESIGN.md's budgets, plus the peer
// comparison (the npm `yaml` package against kubeplay's wasm front end).
//
//   node bench/bench.mjs --manifests DIR --out FILE [--smoke] [--quick] [--soak-seconds N]
//
// DIR holds `large.yaml` (1,000 pods, 200 Services) and `peer.yaml` (1,000
// objects), written by the native bench from the same generator. FILE gets a
// JSON list of {name, value, unit, budget} (budget null when none; every
// budget is an upper bound). Progress goes to stderr. What each figure means:
//
// - first_load.*: files fetched, as `gzip -9` of the file served (zlib level
//   9), kB = 1,000 bytes, on one load over a slow link (SLOW_LINK, so that
//   "before" means what it would for a reader; on localhost every file
//   arrives at once). "before_diagram" counts the page and every resource
//   whose response ended before the first diagram was on screen: on this
//   fresh visit (no link state, no autosave) that is the prerendered picture
//   of the default example (`#kp-first`, see xtask's prerender), at the first
//   frame after it has loaded (a frame also waits for the stylesheet). "before_live_diagram" counts up to the first `[data-kind]`
//   element in the DOM, the app's own diagram, which is also the first
//   diagram of any visit with a link or an autosave. "all" counts everything
//   fetched once the editor bundle has loaded and the network is idle. Cache
//   disabled.
// - first_diagram / live_diagram: navigation start to the same two moments,
//   median of several fresh loads from the local server (slow_link.*: the
//   same on the slow load, for the record).
// - edit.<manifest>: `window.kubeplay.setYaml(text)` to the moment the edited
//   Service is in the diagram's DOM and a forced layout (getBoundingClientRect)
//   has run, so parsing, the cluster build, layout, SVG, yew's diff and the
//   browser's style and layout are all inside. Each edit renames one Service
//   (`bench-edit-<i>`, appended to the manifest). ".painted" goes on to the
//   first task after the next frame's paint (requestAnimationFrame, then a
//   MessageChannel message), so it includes waiting for the frame.
// - typing.<manifest>: a keystroke in the editor (text inserted into its
//   textarea) to the renamed Service in the diagram with layout done, so the
//   editor's own handling of the keystroke (repainting the lines in view) and
//   its report of the new text (in a task right after the keystroke's) are
//   inside. Held to the
//   same budget as edit.<manifest>.
// - frame.*: Chrome DevTools Protocol Performance metrics ScriptDuration and
//   TaskDuration, their growth over a span of frames divided by the frames
//   counted with requestAnimationFrame, while a flow keeps ~500 packets in
//   flight on the default example.
// - heap.*: JSHeapUsedSize after a forced garbage collection, before and after
//   the soak (traffic running throughout); heap.growth is signed (the budget
//   is on growth: a leak grows, a shrink is collection noise); wasm.memory is
//   the module's linear memory, which never shrinks.
// - peer.*: the same 1,000-object manifest parsed in the same page, median of
//   alternating runs: `YAML.parseAllDocuments(text).map(d => d.toJS())` versus
//   `window.kubeplay._parse(text)` (kubeplay's YAML front end and decoding
//   into Kubernetes objects). ratio = kubeplay / yaml (below 1: kubeplay is faster).
import { parseArgs } from "node:util";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic, launchBrowser, DIST } from "../tests/e2e/helpers.js";

const { values: opts } = parseArgs({
  options: {
    manifests: { type: "string" },
    out: { type: "string" },
    smoke: { type: "boolean", default: false },
    quick: { type: "boolean", default: false },
    "soak-seconds": { type: "string" },
  },
});
const HERE = dirname(fileURLToPath(import.meta.url));
const smoke = opts.smoke;
const soakSeconds = Number(
  opts["soak-seconds"] ?? process.env.KUBEPLAY_BENCH_SOAK_SECONDS ?? (smoke ? 3 : opts.quick ? 30 : 300),
);
const EDITS = smoke ? 5 : 50;
const LOADS = smoke ? 1 : 5;
const FRAMES = smoke ? 30 : 600;
const IN_FLIGHT = 500;

const results = [];
function emit(name, value, unit, budget = null) {
  results.push({ name, value, unit, budget });
  const b = budget === null ? "" : ` (budget ${budget})`;
  console.error(`bench: ${name} = ${round(value)} ${unit}${b}`);
}
const round = (v) => Math.round(v * 1000) / 1000;
const log = (msg) => console.error(`bench: ${msg}`);

function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

const manifests = resolve(opts.manifests ?? "../target/bench");
const large = await readFile(join(manifests, "large.yaml"), "utf8");
const peer = await readFile(join(manifests, "peer.yaml"), "utf8");
const server = await serveStatic(DIST, { mounts: { "/__bench/yaml/": join(HERE, "../node_modules/yaml/") }, gzip: true });
const browser = await launchBrowser();

/**
 * Records when the prerendered picture has loaded, when the first live diagram
 * element enters the DOM, and the wasm exports.
 */
function instrument() {
  // A load event of an element reaches the document, never the window.
  document.addEventListener(
    "load",
    (e) => {
      if (e.target instanceof HTMLImageElement && e.target.matches("[data-first-diagram]")) {
        // On screen at the next frame, which waits for the render-blocking
        // stylesheet too.
        requestAnimationFrame(() => {
          window.__kpFirstPicture ??= performance.now();
        });
      }
    },
    true,
  );
  new MutationObserver((_, obs) => {
    if (document.querySelector("[data-kind]")) {
      window.__kpFirstDiagram = performance.now();
      obs.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
  addEventListener("TrunkApplicationStarted", (e) => {
    window.__kpWasm = e.detail?.wasm;
  });
}

/** A fresh page (no cache, no autosave) with the app loaded. */
/**
 * The link the byte counts are taken over: 1.6 Mbit/s down, 750 kbit/s up,
 * 150 ms round trip (DevTools' "Fast 3G"), files served gzipped as a static
 * host would. On localhost every file arrives at
 * once, so "fetched before the first diagram" would only reflect the order of
 * requests; on a slow link it is what a reader waits for.
 */
const SLOW_LINK = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6e6 / 8) | 0,
  uploadThroughput: (750e3 / 8) | 0,
};

async function openPage({ slow = false } = {}) {
  const page = await browser.newPage();
  page.problems = [];
  page.on("pageerror", (err) => page.problems.push(err.message));
  page.on("console", (m) => m.type() === "error" && page.problems.push(m.text()));
  await page.addInitScript(instrument);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  if (slow) await cdp.send("Network.emulateNetworkConditions", SLOW_LINK);
  page.cdp = cdp;
  const responses = [];
  page.on("response", (r) => responses.push(r.url()));
  page.responses = responses;
  await page.goto(server.url);
  await page.waitForFunction(() => window.__kpFirstDiagram !== undefined && window.kubeplay, null, {
    timeout: 60000,
  });
  return page;
}

async function gzipOf(url) {
  const path = decodeURIComponent(new URL(url).pathname);
  const file = join(DIST, path.endsWith("/") ? `${path}index.html` : path);
  return gzipSync(await readFile(file), { level: 9 }).length;
}

async function firstLoad() {
  // The first diagram on screen: the prerendered picture if it loaded first.
  const firstSeen = () => Math.min(window.__kpFirstPicture ?? Infinity, window.__kpFirstDiagram);
  {
    // Bytes, over a slow link.
    const page = await openPage({ slow: true });
    await page.waitForSelector("[data-editor=rich]", { timeout: 60000 });
    await page.waitForLoadState("networkidle");
    const fetchedBy = (moment) =>
      page.evaluate((t) => {
        return [
          location.href,
          ...performance
            .getEntriesByType("resource")
            .filter((e) => e.responseEnd <= t)
            .map((e) => e.name),
        ];
      }, moment);
    const pictured = await page.evaluate(() => window.__kpFirstPicture !== undefined);
    const before = await fetchedBy(await page.evaluate(firstSeen));
    const beforeLive = await fetchedBy(await page.evaluate(() => window.__kpFirstDiagram));
    const local = (u) => u.startsWith(server.url);
    const all = [...new Set([...page.responses, ...before])].filter(local);
    const sum = async (urls) => (await Promise.all([...new Set(urls)].filter(local).map(gzipOf))).reduce((a, b) => a + b, 0);
    const names = (urls) => urls.map((u) => u.slice(server.url.length) || "/").join(", ");
    log(`first diagram: ${pictured ? "the prerendered picture" : "the live diagram (no prerendered picture in this build)"}`);
    log(`fetched before the first diagram: ${names(before)}`);
    log(`fetched before the live diagram: ${names(beforeLive)}`);
    log(`fetched in all: ${names(all)}`);
    emit("first_load.before_diagram_gzip", (await sum(before)) / 1000, "kB", 350);
    emit("first_load.before_live_diagram_gzip", (await sum(beforeLive)) / 1000, "kB", 350);
    emit("first_load.all_gzip", (await sum(all)) / 1000, "kB", 500);
    emit("first_load.slow_link.first_diagram", await page.evaluate(firstSeen), "ms");
    emit("first_load.slow_link.live_diagram", await page.evaluate(() => window.__kpFirstDiagram), "ms");
    if (page.responses.some((u) => !local(u))) throw new Error(`requests outside the site: ${page.responses}`);
    await page.close();
  }
  // Times, from the local server.
  const times = [];
  const liveTimes = [];
  for (let i = 0; i < LOADS; i++) {
    const page = await openPage();
    times.push(await page.evaluate(firstSeen));
    liveTimes.push(await page.evaluate(() => window.__kpFirstDiagram));
    await page.close();
  }
  emit("first_diagram.median", percentile(times, 50), "ms", 1000);
  emit("live_diagram.median", percentile(liveTimes, 50), "ms", 1000);
}

/** The manifest with one extra Service, `bench-edit-<i>`. */
function edited(base, i) {
  return `${base.trimEnd()}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: bench-edit-${i}\nspec:\n  selector:\n    app: bench\n  ports:\n  - port: 80\n`;
}

/**
 * Installs the in-page timing both latency loops share:
 * `kpQuiet()` resolves just after a frame (each sample starts at a quiet
 * moment); `kpShown(sel)`, set up before the change, resolves to the time the
 * element matching `sel` is in the diagram with layout done.
 */
async function installProbes(page) {
  await page.evaluate(() => {
    window.kpQuiet = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    window.kpShown = (sel) =>
      new Promise((resolve) => {
        const panel = document.querySelector(".kp-diagram") ?? document.body;
        const obs = new MutationObserver(() => {
          const el = document.querySelector(sel);
          if (!el) return;
          obs.disconnect();
          el.getBoundingClientRect();
          resolve(performance.now());
        });
        obs.observe(panel, { childList: true, subtree: true });
      });
  });
}

async function editLatency(page, label, base, budget) {
  await installProbes(page);
  await page.evaluate((t) => window.kubeplay.setYaml(t), edited(base, 0));
  await page.waitForSelector('[data-kind=Service][data-name="bench-edit-0"]', { timeout: 60000 });
  const texts = Array.from({ length: EDITS }, (_, i) => edited(base, i + 1));
  const samples = await page.evaluate(async (texts) => {
    const out = [];
    for (let i = 0; i < texts.length; i++) {
      await window.kpQuiet();
      const shown = window.kpShown(`[data-kind=Service][data-name="bench-edit-${i + 1}"]`);
      const t0 = performance.now();
      window.kubeplay.setYaml(texts[i]);
      const laidOut = await shown;
      // Then on to the first task after the next frame's paint.
      const painted = await new Promise((resolve) =>
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => resolve(performance.now());
          ch.port2.postMessage(0);
        }),
      );
      out.push([laidOut - t0, painted - t0]);
    }
    return out;
  }, texts);
  const dom = samples.map((s) => s[0]);
  const painted = samples.map((s) => s[1]);
  emit(`edit.${label}.p50`, percentile(dom, 50), "ms", null);
  emit(`edit.${label}.p95`, percentile(dom, 95), "ms", budget);
  emit(`edit.${label}.painted.p50`, percentile(painted, 50), "ms", null);
  emit(`edit.${label}.painted.p95`, percentile(painted, 95), "ms", null);
}

/**
 * Keystroke to updated diagram, typing in the editor as a user does: after
 * `editLatency`, the manifest ends with the Service `bench-edit-<last>`; each
 * keystroke appends an "x" to its name (inserted into the editor's textarea
 * as the browser's own text input is), and the sample ends when the renamed
 * Service is in the diagram with layout done. The editor's handling of the
 * keystroke and its report of the text (in a task of its own) are inside.
 */
async function typingLatency(page, label, last, budget) {
  await installProbes(page);
  // setYaml reaches the editor in a task after the diagram; let it land.
  await page.waitForTimeout(500);
  await page.click(".kpe-input");
  await page.keyboard.press("Control+End");
  // The last document ends "name: NAME / spec: / selector: / app: bench / ports: / - port: 80" and a newline.
  for (let i = 0; i < 6; i++) await page.keyboard.press("ArrowUp");
  await page.keyboard.press("End");
  const line = await page.evaluate(() => {
    const ta = document.querySelector(".kpe-input");
    const at = ta.selectionStart;
    return ta.value.slice(ta.value.lastIndexOf("\n", at - 1) + 1, at);
  });
  if (line !== `  name: bench-edit-${last}`) throw new Error(`typing: the cursor is on ${JSON.stringify(line)}`);
  const samples = await page.evaluate(
    async ([name, count]) => {
      const out = [];
      for (let i = 1; i <= count; i++) {
        await window.kpQuiet();
        const shown = window.kpShown(`[data-kind=Service][data-name="${name}${"x".repeat(i)}"]`);
        const t0 = performance.now();
        document.execCommand("insertText", false, "x");
        out.push((await shown) - t0);
      }
      return out;
    },
    [`bench-edit-${last}`, Math.min(EDITS, 40)],
  );
  emit(`typing.${label}.p50`, percentile(samples, 50), "ms", null);
  emit(`typing.${label}.p95`, percentile(samples, 95), "ms", budget);
}

const metric = async (cdp, name) =>
  (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === name)?.value ?? NaN;

/** Counts frames in the page from now on (window.__kpFrames). */
async function countFrames(page) {
  await page.evaluate(() => {
    window.__kpFrames = 0;
    const tick = () => {
      window.__kpFrames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

const inFlight = (page) => page.evaluate(() => document.querySelectorAll("circle[data-packet]").length);

async function startTraffic(page, rate) {
  const to = await page.$$eval("#kp-to option", (os) => {
    const pick = os.find((o) => o.textContent.includes("load balancer of")) ?? os.find((o) => o.textContent.includes("NodePort")) ?? os[0];
    return pick.value;
  });
  await page.selectOption("#kp-from", "external");
  await page.selectOption("#kp-to", to);
  await page.fill("#kp-rate", String(rate));
  await page.click("#kp-flow");
  log(`traffic: external -> ${to} at ${rate}/s`);
}

async function stopTraffic(page) {
  if ((await page.getAttribute("#kp-flow", "aria-pressed")) === "true") await page.click("#kp-flow");
}

async function animation(page, base) {
  await page.evaluate((t) => window.kubeplay.setYaml(t), base);
  await page.waitForFunction(() => !document.querySelector('[data-name^="bench-edit"]'));
  // Find the rate that keeps ~500 packets in flight: in flight = rate x lifetime.
  let rate = 100;
  await startTraffic(page, rate);
  await page.waitForTimeout(4000);
  const seen = Math.max(1, await inFlight(page));
  await stopTraffic(page);
  rate = Math.max(1, Math.round((rate * IN_FLIGHT) / seen));
  await page.waitForTimeout(3000);
  await startTraffic(page, rate);
  await page.waitForTimeout(4000);
  const cdp = page.cdp;
  await cdp.send("Performance.enable", { timeDomain: "timeTicks" });
  await countFrames(page);
  const packets = [];
  const s0 = await metric(cdp, "ScriptDuration");
  const k0 = await metric(cdp, "TaskDuration");
  const f0 = await page.evaluate(() => window.__kpFrames);
  const w0 = Date.now();
  while ((await page.evaluate(() => window.__kpFrames)) - f0 < FRAMES) {
    packets.push(await inFlight(page));
    await page.waitForTimeout(250);
  }
  const s1 = await metric(cdp, "ScriptDuration");
  const k1 = await metric(cdp, "TaskDuration");
  const frames = (await page.evaluate(() => window.__kpFrames)) - f0;
  const seconds = (Date.now() - w0) / 1000;
  emit("frame.packets_in_flight", packets.reduce((a, b) => a + b, 0) / packets.length, "packets", null);
  emit("frame.script", ((s1 - s0) * 1000) / frames, "ms/frame", 4);
  emit("frame.task", ((k1 - k0) * 1000) / frames, "ms/frame", null);
  emit("frame.rate", frames / seconds, "frames/s", null);
  return rate;
}

async function heap(page) {
  const cdp = page.cdp;
  await cdp.send("HeapProfiler.enable");
  await cdp.send("HeapProfiler.collectGarbage");
  const used = await metric(cdp, "JSHeapUsedSize");
  const wasm = await page.evaluate(() => window.__kpWasm?.memory?.buffer?.byteLength ?? 0);
  return { used, wasm };
}

async function soak(page) {
  const before = await heap(page);
  log(`soak: ${soakSeconds} s of traffic`);
  await page.waitForTimeout(soakSeconds * 1000);
  const after = await heap(page);
  emit("heap.before", before.used / 1e6, "MB", null);
  emit("heap.after", after.used / 1e6, "MB", null);
  // Signed: a leak grows the heap; a smaller heap after the soak is GC noise.
  emit("heap.growth", ((after.used - before.used) / before.used) * 100, "%", 5);
  emit("heap.soak_seconds", soakSeconds, "s", null);
  if (before.wasm > 0) {
    emit("wasm.memory.before", before.wasm / 1e6, "MB", null);
    emit("wasm.memory.after", after.wasm / 1e6, "MB", null);
  }
}

async function peerParse(page) {
  const r = await page.evaluate(async (text) => {
    const YAML = await import("/__bench/yaml/browser/index.js");
    const viaYaml = () => YAML.parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o).length;
    const viaKubeplay = () => window.kubeplay._parse(text);
    const time = (f) => {
      const t = performance.now();
      const n = f();
      return [performance.now() - t, n];
    };
    // Warm up both (JIT, wasm tiering), then alternate.
    for (let i = 0; i < 2; i++) {
      viaYaml();
      viaKubeplay();
    }
    const y = [];
    const k = [];
    let counts = [];
    for (let i = 0; i < 9; i++) {
      const a = time(viaYaml);
      const b = time(viaKubeplay);
      y.push(a[0]);
      k.push(b[0]);
      counts = [a[1], b[1]];
    }
    return { y, k, counts };
  }, peer);
  if (r.counts[0] !== r.counts[1]) throw new Error(`peer parse counts differ: yaml ${r.counts[0]}, kubeplay ${r.counts[1]}`);
  const y = percentile(r.y, 50);
  const k = percentile(r.k, 50);
  emit("peer.objects", r.counts[1], "objects", null);
  emit("peer.parse.yaml_npm", y, "ms", null);
  emit("peer.parse.kubeplay_wasm", k, "ms", null);
  emit("peer.parse.ratio", k / y, "kubeplay/yaml", null);
}

let failed = null;
try {
  log(`site ${DIST}, manifests ${manifests}${smoke ? " (smoke run)" : ""}`);
  await firstLoad();
  const page = await openPage();
  const base = await page.evaluate(() => window.kubeplay.getYaml());
  await editLatency(page, "default", base, 16.7);
  await peerParse(page);
  await page.evaluate((t) => window.kubeplay.setYaml(t), large);
  await editLatency(page, smoke ? "smoke_large" : "1000_pods", large, 100);
  await typingLatency(page, smoke ? "smoke_large" : "1000_pods", EDITS, 100);
  await animation(page, base);
  await soak(page);
  await stopTraffic(page);
  if (page.problems.length) throw new Error(`the page reported errors: ${page.problems.join("; ")}`);
  await page.close();
} catch (e) {
  failed = e;
} finally {
  await browser.close();
  await server.close();
}
if (opts.out) {
  await mkdir(dirname(resolve(opts.out)), { recursive: true });
  await writeFile(opts.out, JSON.stringify(results, null, 2));
}
if (failed) {
  console.error(`bench: FAILED: ${failed.stack ?? failed}`);
  process.exit(1);
}
