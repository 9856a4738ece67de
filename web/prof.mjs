// scratch profiler (not committed)
import { serveStatic, launchBrowser } from "./tests/e2e/helpers.js";
import { readFileSync } from "node:fs";
const yaml = readFileSync("/tmp/syn.yaml", "utf8");
const srv = await serveStatic();
const ctx = await launchBrowser();
const page = await ctx.newPage();
page.on("console", (m) => console.log("console:", m.text()));
await page.goto(srv.url);
await page.waitForSelector("[data-kind=Service]");
const t0 = Date.now();
await page.evaluate((y) => window.kubeplay.setYaml(y), yaml);
await page.waitForSelector('[data-name="app-199"]');
console.log("first big render", Date.now() - t0);
const cdp = await ctx.newCDPSession(page);
await cdp.send("Performance.enable");
const m0 = Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
await cdp.send("Profiler.start");
const lat = await page.evaluate(async (y) => {
  const out = [];
  for (let i = 0; i < 10; i++) {
    const t = y.replace("name: app-7\nspec:\n  type: NodePort", `name: app-7\nspec:\n  type: NodePort\n  clusterIP: 10.96.100.${i + 10}`);
    const s = performance.now();
    await window.kubeplay.setYaml(t);
    await new Promise((ok) => {
      const check = () => {
        const el = document.querySelector('[data-kind=Service][data-name="app-7"]');
        if (el && el.textContent.includes(`10.96.100.${i + 10}`)) ok(); else requestAnimationFrame(check);
      };
      check();
    });
    out.push(performance.now() - s);
  }
  return out;
}, yaml);
const { profile } = await cdp.send("Profiler.stop");
const m1 = Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
for (const k of ["TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "LayoutCount", "RecalcStyleCount", "Nodes"]) console.log("METRIC", k, (m1[k] - m0[k]).toFixed(3), m1[k]);
console.log("latencies", lat.map((x) => x.toFixed(0)).join(" "));
const self = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas; let total = 0;
profile.samples.forEach((id, i) => { const n = byId.get(id); const k = n.callFrame.functionName + " " + n.callFrame.url.split("/").pop() + ":" + n.callFrame.lineNumber; self.set(k, (self.get(k) ?? 0) + dt[i]); total += dt[i]; });
const cat = new Map(); profile.samples.forEach((id, i) => { const n = byId.get(id); const u = n.callFrame.url; const k = u.endsWith(".wasm") ? "wasm" : u.includes("editor") ? "editor" : u ? "glue:" + n.callFrame.functionName.slice(0, 30) : n.callFrame.functionName; cat.set(k, (cat.get(k) ?? 0) + dt[i]); });
[...cat].sort((a, b) => b[1] - a[1]).slice(0, 12).forEach(([k, v]) => console.log("CAT", (v / 1000).toFixed(1).padStart(8), k));
{
const selfT = new Map(); profile.samples.forEach((id, i) => selfT.set(id, (selfT.get(id) ?? 0) + dt[i]));
const incl = new Map();
const walk = (id, active) => { const n = byId.get(id); const name = n.callFrame.functionName.replace(/::h[0-9a-f]{16}$/, "").replace(/\[[0-9a-f]+\]/g, ""); const short = name.length > 110 ? name.slice(0, 110) : name; let t = selfT.get(id) ?? 0; for (const c of n.children ?? []) t += walk(c, active.includes(short) ? active : [...active, short]); if (!active.includes(short)) incl.set(short, (incl.get(short) ?? 0) + (selfT.get(id) ?? 0)); return t; };
// inclusive: sum self of all descendants attributed to every ancestor name once
const acc = new Map();
const walk2 = (id, names) => { const n = byId.get(id); const name = n.callFrame.functionName.replace(/::h[0-9a-f]{16}$/, "").replace(/\[[0-9a-f]+\]/g, "").slice(0, 120); const set = names.has(name) ? names : new Set([...names, name]); const st = selfT.get(id) ?? 0; for (const k of set) acc.set(k, (acc.get(k) ?? 0) + st); for (const c of n.children ?? []) walk2(c, set); };
walk2(profile.nodes[0].id, new Set());
[...acc].filter(([k]) => /kubeplay|yew::|setText|setDiagnostics|dispatch|analy|layout|serde|saphyr|html/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 45).forEach(([k, v]) => console.log("INCL", (v / 1000).toFixed(1).padStart(8), k));
}
console.log("total ms", (total / 1000).toFixed(0));
const parent = new Map(); profile.nodes.forEach((n) => (n.children ?? []).forEach((c) => parent.set(c, n.id)));
const eqs = profile.nodes.filter((n) => n.callFrame.functionName === "eq" && n.hitCount > 20);
for (const n of eqs.slice(0, 3)) { let chain = []; let id = n.id; while (id) { const x = byId.get(id); chain.push(x.callFrame.functionName + ":" + x.callFrame.columnNumber); id = parent.get(id); } console.log("EQ", n.hitCount, chain.slice(0, 14).join(" < ")); }
[...self].sort((a, b) => b[1] - a[1]).slice(0, 30).forEach(([k, v]) => console.log((v / 1000).toFixed(1).padStart(8), k));
await ctx.close(); await srv.close();
