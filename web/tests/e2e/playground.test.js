// What a learner does in the playground: edit, break and fix YAML, reload,
// send requests by keyboard and through window.kubeplay.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openPlayground, screenshot, setYaml, sendRequest, typeYaml, openSite, closeSite, waitForYaml, typeAtEnd } from "./helpers.js";

let server;
let browser;

before(async () => {
  ({ server, browser } = await openSite());
});

after(() => closeSite({ server, browser }));

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - name: http
          containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    targetPort: http
    nodePort: 30080
`;

test("broken YAML shows a located error and keeps the last valid cluster", async () => {
  const page = await openPlayground(browser, server.url);
  await typeYaml(page, WEB.replace("  - port: 80\n", "  - port: [80\n"));
  await page.waitForSelector("[data-stale]");
  // The last valid cluster (the default example) is still drawn.
  assert.equal(await page.locator("[data-kind=Service][data-name=payments]").count(), 1);
  await page.getByRole("tab", { name: /Diagnostics/ }).click();
  const first = page.locator(".kp-diag-error").first();
  assert.match(await first.textContent(), /YAML syntax error/);
  assert.ok(Number(await first.getAttribute("data-line")) >= 27);
  await screenshot(page, "broken-yaml");
  // Fixing it replaces the picture.
  await typeYaml(page, WEB);
  await page.waitForSelector("[data-stale]", { state: "detached" });
  assert.equal(await page.locator("[data-kind=Service][data-name=web]").getAttribute("data-type"), "NodePort");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("an error in text set through setYaml is marked on its own line in the editor", async () => {
  const page = await openPlayground(browser, server.url);
  await page.waitForSelector("[data-editor=rich]");
  const bad = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80x\n";
  await setYaml(page, bad);
  // The text reaches the editor a moment after its diagnostics; they are kept for it.
  await page.waitForFunction(() => document.querySelector(".kpe-input")?.value.includes("port: 80x"));
  await page.waitForSelector(".kpe-gutter .kpe-mark-error");
  assert.deepEqual(await page.$$eval(".kpe-gl:has(.kpe-mark-error)", (ls) => ls.map((l) => l.textContent)), ["7"]);
  assert.equal(await page.$$eval(".kpe-d-error", (ms) => ms.map((m) => m.textContent).join("")), "80x");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("text set from outside back to what was typed reaches the editor", async () => {
  const page = await openPlayground(browser, server.url);
  await page.waitForSelector("[data-editor=rich]");
  await typeAtEnd(page, "\n# typed");
  const typed = await waitForYaml(page, (t) => t.endsWith("# typed"));
  const value = () => page.$eval(".kpe-input", (e) => e.value);
  await setYaml(page, WEB);
  await page.waitForFunction((t) => document.querySelector(".kpe-input").value === t, WEB);
  await setYaml(page, typed);
  await page.waitForFunction((t) => document.querySelector(".kpe-input").value === t, typed);
  assert.equal(await value(), typed);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("someone typing in the first-frame textarea keeps the focus, caret and text when the editor takes over", async () => {
  // Hold the editor bundle back until the typing is done.
  let release;
  const held = new Promise((ok) => (release = ok));
  const page = await openPlayground(browser, server.url, {
    setup: (p) =>
      p.route("**/editor.js", async (route) => {
        await held;
        await route.continue();
      }),
  });
  await page.waitForSelector("[data-editor=textarea] .kp-textarea");
  await page.click(".kp-textarea");
  await page.keyboard.press("Control+Home");
  await page.keyboard.type("# first\n");
  release();
  await page.waitForSelector("[data-editor=rich]");
  assert.ok(await page.evaluate(() => document.activeElement?.classList.contains("kpe-input")), "the focus moved along");
  assert.equal(await page.$eval(".kpe-input", (e) => e.selectionStart), "# first\n".length, "and the caret");
  await page.keyboard.type("# second\n");
  const text = await waitForYaml(page, (t) => t.startsWith("# first\n# second\n"));
  assert.ok(text.includes("kind: Service"));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("marks follow a new text even when its diagnostics equal the old ones", async () => {
  const page = await openPlayground(browser, server.url);
  await page.waitForSelector("[data-editor=rich]");
  const base = (port, c) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: ${port}\n  type: Bogus\n# ${c}\n`;
  const markedLines = () => page.$$eval(".kpe-gl:has(.kpe-mark-error)", (ls) => ls.map((l) => l.textContent));
  await setYaml(page, base(80, "x"));
  await page.waitForFunction(() => document.querySelector(".kpe-input").value.includes("# x"));
  await page.waitForFunction(() => document.querySelector(".kpe-gl:has(.kpe-mark-error)"));
  assert.deepEqual(await markedLines(), ["8"]);
  await setYaml(page, base(81, "y"));
  await page.waitForFunction(() => document.querySelector(".kpe-input").value.includes("# y"));
  await page.waitForTimeout(100);
  assert.deepEqual(await markedLines(), ["8"]);
  assert.equal(await page.$$eval(".kpe-d-error", (ms) => ms.map((m) => m.textContent).join("")), "Bogus");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("completion opens in full inside the editor panel and its arrows scroll no panel", async () => {
  const page = await openPlayground(browser, server.url);
  await page.setViewportSize({ width: 1280, height: 700 });
  await page.waitForSelector("[data-editor=rich]");
  // A Service whose last line is near the bottom of the editor's view.
  const filler = Array.from({ length: 40 }, (_, i) => `# line ${i}`).join("\n");
  await setYaml(page, `${filler}\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  `);
  await page.waitForFunction(() => document.querySelector(".kpe-input").value.endsWith("spec:\n  "));
  await page.click(".kpe-input");
  await page.keyboard.press("Control+End");
  await page.keyboard.type("t");
  const pop = page.locator(".kpe-pop");
  await pop.waitFor();
  const box = await pop.boundingBox();
  const inView = await page.evaluate(([y, h]) => y >= 0 && y + h <= innerHeight, [box.y, box.height]);
  assert.ok(inView, `the list is on screen (${box.y}+${box.height})`);
  // Nothing clips it: its top and bottom edges are the list's own pixels.
  for (const y of [box.y + 3, box.y + box.height - 3]) {
    const hit = await page.evaluate(([x, y]) => !!document.elementFromPoint(x, y)?.closest(".kpe-pop"), [box.x + 10, y]);
    assert.ok(hit, `the list shows at y=${y}`);
  }
  await screenshot(page, "editor-completion-in-app");
  const scrolls = () => page.evaluate(() => [...document.querySelectorAll(".kp-panel")].map((p) => p.scrollTop + "," + p.scrollLeft).join(" ") + " " + scrollY);
  const before = await scrolls();
  for (let i = 0; i < 6; i++) await page.keyboard.press("ArrowDown");
  assert.equal(await scrolls(), before);
  await page.keyboard.press("Escape");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("with the system theme, the editor follows the system's switch to dark and back", async () => {
  const page = await openPlayground(browser, server.url);
  await page.waitForSelector("[data-editor=rich]");
  await page.emulateMedia({ colorScheme: "light" });
  await page.waitForFunction(() => !document.querySelector(".kpe").classList.contains("kpe-dark"));
  await page.emulateMedia({ colorScheme: "dark" });
  await page.waitForFunction(() => document.querySelector(".kpe").classList.contains("kpe-dark"));
  await page.emulateMedia({ colorScheme: "light" });
  await page.waitForFunction(() => !document.querySelector(".kpe").classList.contains("kpe-dark"));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("a request from an external client to a NodePort reaches a pod", async () => {
  const page = await openPlayground(browser, server.url);
  await setYaml(page, WEB);
  const trace = await sendRequest(page, "external", "172.18.0.3:30080");
  assert.equal(trace.verdict, "DNAT");
  assert.equal(trace.choices.length, 2);
  assert.ok(trace.path.at(-1).startsWith("Pod/default/web-"));
  await page.waitForSelector(".kp-trace[data-verdict=DNAT]");
  // The request's path is highlighted on the diagram.
  await page.waitForSelector("polyline[data-packet][data-verdict=DNAT]");
  await screenshot(page, "nodeport-trace");
  // kube-proxy masquerades external NodePort traffic: once past the node the
  // packet is drawn as SNATed, and the trace says so.
  assert.equal(trace.masquerade, true);
  await page.waitForSelector("circle.kp-packet.kp-snat[data-snat=true]");
  await screenshot(page, "nodeport-snat");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("scaling the Deployment to 0 makes requests get REJECTed", async () => {
  const page = await openPlayground(browser, server.url);
  await setYaml(page, WEB.replace("replicas: 2", "replicas: 0"));
  const trace = await sendRequest(page, "external", "172.18.0.2:30080");
  assert.equal(trace.verdict, "REJECT");
  assert.match(trace.reason, /no endpoints/);
  await page.close();
});

test("externalTrafficPolicy: Local drops on a node without local pods", async () => {
  const page = await openPlayground(browser, server.url);
  const local = WEB.replace("replicas: 2", "replicas: 1").replace("  type: NodePort\n", "  type: NodePort\n  externalTrafficPolicy: Local\n");
  await setYaml(page, local);
  const verdicts = [];
  for (const ip of ["172.18.0.2", "172.18.0.3", "172.18.0.4"]) {
    verdicts.push((await sendRequest(page, "external", `${ip}:30080`)).verdict);
  }
  // One node runs the single pod; the two others drop.
  assert.deepEqual(verdicts.filter((v) => v === "DROP").length, 2);
  assert.deepEqual(verdicts.filter((v) => v === "DNAT").length, 1);
  await page.close();
});

test("an ExternalName request shows a DNS CNAME and no proxying", async () => {
  const page = await openPlayground(browser, server.url);
  const pod = (await page.locator("#kp-from option").allTextContents()).find((s) => s.startsWith("pod/default/web-"));
  const trace = await sendRequest(page, pod, "payments:443");
  assert.equal(trace.verdict, "NONE");
  assert.equal(trace.dns.type, "CNAME");
  assert.equal(trace.dns.data, "payments.example.com.");
  assert.equal(trace.endpoints.length, 0);
  await page.close();
});

test("a reload keeps the edit", async () => {
  const page = await openPlayground(browser, server.url);
  await typeYaml(page, WEB);
  // The editor reports edits once per animation frame; reload once the app has it.
  await page.waitForFunction((w) => window.kubeplay.getYaml().then((t) => t === w), WEB);
  await page.waitForFunction((w) => localStorage.getItem("kubeplay:yaml") === w, WEB);
  await page.reload();
  await page.waitForSelector("[data-kind=Service][data-name=web]");
  assert.equal(await page.evaluate(() => window.kubeplay.getYaml()), WEB);
  // Back to the example for the other tests (autosave is per origin).
  page.on("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Reset to example" }).click();
  await page.waitForSelector("[data-kind=Service][data-name=payments]");
  await page.close();
});

test("keyboard-only use can send a request", async () => {
  const page = await openPlayground(browser, server.url);
  await page.focus("#kp-from");
  await page.keyboard.press("Tab"); // to the target select
  await page.keyboard.press("Tab"); // to the send button
  assert.equal(await page.evaluate(() => document.activeElement.id), "kp-send");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".kp-trace[data-verdict]");
  assert.equal(await page.getByRole("tab", { name: "Trace" }).getAttribute("aria-selected"), "true");
  await screenshot(page, "keyboard-send");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("changing a Service's type in the editor changes the diagram", async () => {
  const page = await openPlayground(browser, server.url);
  await typeYaml(page, WEB);
  await page.waitForSelector("[data-kind=Service][data-name=web][data-type=NodePort]");
  await typeYaml(page, WEB.replace("type: NodePort", "type: LoadBalancer"));
  await page.waitForSelector("[data-kind=Service][data-name=web][data-type=LoadBalancer]");
  assert.equal(await page.locator("[data-kind=CloudLoadBalancer]").count(), 1);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("clicking a Service shows a request's trace to it", async () => {
  const page = await openPlayground(browser, server.url);
  await page.locator("[data-kind=Service][data-name=web-np]").first().click();
  await page.waitForSelector(".kp-trace[data-verdict=DNAT]");
  assert.match(await page.locator(".kp-trace").textContent(), /NodePort of default\/web-np/);
  await screenshot(page, "click-service");
  await page.close();
});

test("traffic flows: packets carry their verdict and the load spreads over pods", async () => {
  const page = await openPlayground(browser, server.url);
  await page.selectOption("#kp-from", "external");
  const lb = (await page.locator("#kp-to option").allTextContents()).find((t) => t.includes("load balancer of web"));
  await page.selectOption("#kp-to", { label: lb });
  await page.fill("#kp-rate", "40");
  await page.click("#kp-flow");
  await page.waitForSelector("circle[data-packet][data-verdict=DNAT]");
  assert.equal(await page.inputValue("#kp-rate"), "40", "the rate survives re-renders");
  await page.waitForFunction(() => document.querySelectorAll(".kp-counters li").length === 3, null, { timeout: 10000 });
  await screenshot(page, "traffic");
  await page.click("#kp-flow"); // stop
  const counts = await page.$$eval(".kp-counters li", (els) => els.map((e) => Number(e.dataset.count)));
  assert.ok(counts.every((n) => n > 0), `every web pod got requests: ${counts}`);
  // The same counts are drawn on the pods in the diagram.
  const badges = await page.$$eval("g.kp-count", (els) => els.map((e) => Number(e.dataset.count)));
  // (Packets still in flight may land between the two reads, so compare shapes.)
  assert.equal(badges.length, 3);
  assert.ok(badges.every((n) => n > 0), `every web pod shows a count: ${badges}`);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("with reduced motion a request is a highlighted path carrying its verdict", async () => {
  const page = await browser.newPage();
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto(server.url);
  await page.waitForSelector("[data-kind=Service]");
  await page.selectOption("#kp-from", "external");
  const lb = (await page.locator("#kp-to option").allTextContents()).find((t) => t.includes("load balancer of web"));
  await page.selectOption("#kp-to", { label: lb });
  await page.fill("#kp-rate", "20");
  await page.click("#kp-flow");
  await page.waitForFunction(() => document.querySelectorAll("polyline[data-packet][data-verdict=DNAT]").length >= 2);
  assert.equal(await page.locator("circle[data-packet]").count(), 0);
  await page.click("#kp-flow");
  await page.close();
});

test("what-ifs edit the YAML: scale a Deployment from one of its pods, cordon a node", async () => {
  const page = await openPlayground(browser, server.url);
  await page.locator("[data-kind=Pod][data-name^=api-]").first().click();
  await page.getByRole("button", { name: "Scale api to 3" }).click();
  await waitForYaml(page, (t) => t.includes("replicas: 3\n  selector:\n    matchLabels:\n      app: api"));
  assert.equal(await page.locator("[data-kind=Pod][data-name^=api-]").count(), 3);
  await page.locator("[data-kind=Node][data-name=node-3]").first().click({ position: { x: 10, y: 10 } });
  await page.getByRole("button", { name: "Cordon" }).click();
  await waitForYaml(page, (t) => t.includes("unschedulable: true"));
  // No workload pod runs on the cordoned node any more (kubeplay re-schedules from the YAML).
  const podsOnNode3 = await page.evaluate(() => {
    const node = document.querySelector("[data-kind=Node][data-name=node-3]").getBoundingClientRect();
    return [...document.querySelectorAll("[data-kind=Pod]")].filter((p) => {
      const r = p.getBoundingClientRect();
      return r.left >= node.left && r.right <= node.right && r.top >= node.top && r.bottom <= node.bottom;
    }).length;
  });
  assert.equal(podsOnNode3, 0);
  await screenshot(page, "what-if");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("keyboard-only use reaches the diagram's objects: select a pod with the arrow keys and scale its Deployment", async () => {
  const page = await openPlayground(browser, server.url);
  await page.focus(".kp-viewport");
  await page.keyboard.press("Home");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.kind), "Node");
  // Walk forward until an api pod has the focus (drawing order: nodes, Services, pods...).
  for (let i = 0; i < 60; i++) {
    const focused = await page.evaluate(() => document.activeElement.dataset.kind + "/" + document.activeElement.dataset.name);
    if (/^Pod\/api-/.test(focused)) break;
    await page.keyboard.press("ArrowDown");
  }
  assert.match(await page.evaluate(() => document.activeElement.dataset.name ?? ""), /^api-/);
  await screenshot(page, "keyboard-diagram-focus");
  await page.keyboard.press("Enter");
  const scale = page.getByRole("button", { name: "Scale api to 3" });
  await scale.waitFor();
  // Tab on to the what-if buttons.
  for (let i = 0; i < 40; i++) {
    if ((await page.evaluate(() => document.activeElement.textContent)) === "Scale api to 3") break;
    await page.keyboard.press("Tab");
  }
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Scale api to 3");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelectorAll("[data-kind=Pod][data-name^=api-]").length === 3);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("the dark theme applies to the page, the diagram and the editor, and is remembered", async () => {
  const page = await openPlayground(browser, server.url);
  await page.waitForSelector("[data-editor=rich]");
  await page.selectOption("#kp-theme", "dark");
  await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, "rgb(13, 17, 23)");
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  await page.waitForSelector("[data-editor=rich]");
  await screenshot(page, "dark-theme");
  await page.selectOption("#kp-theme", "system");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("at 360 px wide the panels stack and nothing overflows the page", async () => {
  const page = await openPlayground(browser, server.url);
  await page.setViewportSize({ width: 360, height: 800 });
  await page.waitForSelector("[data-kind=Service]");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await screenshot(page, "phone");
  await page.close();
});

test("the diagram zooms with its buttons, and clicking a packet shows its trace", async () => {
  const page = await openPlayground(browser, server.url);
  await page.getByRole("button", { name: "Zoom in" }).click();
  assert.match(await page.locator(".kp-diagram").getAttribute("style"), /scale\(1\.250\)/);
  await page.getByRole("button", { name: "Fit the diagram" }).click();
  assert.match(await page.locator(".kp-diagram").getAttribute("style"), /scale\(1\.000\)/);
  await page.selectOption("#kp-speed", "10"); // slow motion, so the packet is easy to catch
  await page.selectOption("#kp-from", "external");
  const np = (await page.locator("#kp-to option").allTextContents()).find((t) => t.includes("NodePort of web-np"));
  await page.selectOption("#kp-to", { label: np });
  await page.click("#kp-send");
  const dot = page.locator("circle[data-packet]").first();
  await dot.waitFor();
  await page.getByRole("tab", { name: /Diagnostics/ }).click();
  await dot.click({ force: true });
  await page.waitForSelector(".kp-trace[data-verdict=DNAT]");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("an external client reaches a pod through an Ingress host, drawn as an Ingress", async () => {
  const page = await openPlayground(browser, server.url);
  await setYaml(page, `${WEB}---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
`);
  await page.waitForSelector("[data-kind=Ingress][data-name=shop]");
  assert.equal(await page.locator("[data-kind=IngressController]").count(), 1);
  await page.selectOption("#kp-from", "external");
  await page.selectOption("#kp-to", "http://shop.example.com/");
  await page.click("#kp-send");
  await page.waitForSelector(".kp-trace[data-verdict=DNAT]");
  assert.match(await page.locator(".kp-trace").textContent(), /Ingress default\/shop/);
  await screenshot(page, "ingress");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("a reload right after typing keeps the last keystrokes", async () => {
  const page = await openPlayground(browser, server.url);
  await typeYaml(page, WEB);
  await page.reload(); // no wait: the page saves on pagehide
  await page.waitForSelector("[data-kind=Service][data-name=web][data-type=NodePort]");
  assert.equal(await page.evaluate(() => window.kubeplay.getYaml()), WEB);
  await page.close();
});

test("text set through the API reaches the editor, and typing after it is kept", async () => {
  const page = await openPlayground(browser, server.url);
  await page.waitForSelector("[data-editor=rich]");
  await setYaml(page, WEB);
  // The editor takes the text in a task after the diagram is drawn.
  await page.waitForSelector("[data-kind=Service][data-name=web][data-type=NodePort]");
  await page.waitForFunction(() => document.querySelector(".kpe-input")?.value.includes("type: NodePort"));
  await typeAtEnd(page, "# typed after setYaml\n");
  assert.equal(await waitForYaml(page, (t) => t.endsWith("# typed after setYaml\n")), `${WEB}# typed after setYaml\n`);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("two texts set through the API in a row: the editor ends on the second", async () => {
  const page = await openPlayground(browser, server.url);
  await page.waitForSelector("[data-editor=rich]");
  const first = WEB.replace("name: web\n", "name: first\n");
  // Both sets land before the editor's copy runs (it waits for a task of its own).
  await page.evaluate(async ([a, b]) => {
    await window.kubeplay.setYaml(a);
    await window.kubeplay.setYaml(b);
  }, [first, WEB]);
  await page.waitForSelector("[data-kind=Service][data-name=web]");
  await page.waitForFunction(() => document.querySelector(".kpe-input")?.value.includes("type: NodePort"));
  await typeAtEnd(page, "# after two sets\n");
  assert.equal(await waitForYaml(page, (t) => t.endsWith("# after two sets\n")), `${WEB}# after two sets\n`);
  assert.deepEqual(page.problems, []);
  await page.close();
});
