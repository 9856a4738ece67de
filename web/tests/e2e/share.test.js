// Links: the whole state travels in the URL fragment (DESIGN.md), the Share
// button copies it, the back button steps through edits, and a damaged or
// oversized link shows a message and the example instead of a blank page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { launchBrowser, openPlayground, setYaml, screenshot, openSite, closeSite } from "./helpers.js";

let server;
let browser;

before(async () => {
  ({ server, browser } = await openSite());
  await browser.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.origin });
});

after(() => closeSite({ server, browser }));

const getYaml = (page) => page.evaluate(() => window.kubeplay.getYaml());

/**
 * A manifest of `n` Services, each with a distinct selector and port and an
 * annotation of pseudo-random hex (as real dumps carry uids and hashes), so
 * it does not compress unrealistically well.
 */
function services(n) {
  let text = "";
  let x = 12345;
  const hex = () => {
    let h = "";
    for (let k = 0; k < 4; k++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      h += x.toString(16).padStart(8, "0");
    }
    return h;
  };
  for (let i = 0; i < n; i++) {
    text += `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  annotations: {checksum: "${hex()}"}\nspec:\n  selector: {app: app-${i}}\n  ports:\n  - name: http\n    port: ${80 + (i % 50)}\n    targetPort: ${8000 + i}\n`;
  }
  return text;
}

/** Clicks Share and returns the link it copied. */
async function share(page) {
  await page.getByRole("button", { name: "Share" }).click();
  await page.getByText("Link copied").waitFor();
  return page.evaluate(() => navigator.clipboard.readText());
}

test("a share link opened in a fresh browser restores the text, theme and view", async () => {
  const page = await openPlayground(browser, `${server.url}#view=diagram`);
  assert.equal(await page.locator(".kp-editor-panel").count(), 0, "diagram view has no editor");
  const text = services(3);
  await setYaml(page, text);
  await page.waitForFunction(() => document.querySelectorAll("[data-kind=Service]").length >= 5);
  await page.selectOption("#kp-theme", "dark");
  const link = await share(page);
  assert.match(link, /#yaml=[A-Za-z0-9_-]+&view=diagram&theme=dark$/);

  const other = await launchBrowser();
  try {
    const fresh = await openPlayground(other, link);
    assert.equal(await getYaml(fresh), text);
    assert.equal(await fresh.evaluate(() => document.documentElement.dataset.theme), "dark");
    assert.equal(await fresh.locator(".kp-editor-panel").count(), 0);
    assert.equal(await fresh.locator("[data-kind=Service][data-name=svc-2]").count(), 1);
    await screenshot(fresh, "share-link-opened");
    // Outside an embed, the reader can bring the editor back.
    await fresh.getByRole("button", { name: "Show the editor" }).click();
    await fresh.waitForSelector(".kp-editor-panel");
    assert.equal(await fresh.getByRole("button", { name: "Show the editor" }).count(), 0);
    assert.deepEqual(fresh.problems, []);
  } finally {
    await other.close();
  }
  assert.deepEqual(page.problems, []);
});

test("the back button returns to the previous edit", async () => {
  const page = await openPlayground(browser, server.url);
  const example = await getYaml(page);
  const hash = () => page.evaluate(() => location.hash);
  const first = services(1);
  const second = services(2);
  await setYaml(page, first);
  // An edit becomes a history entry once typing pauses for a second.
  await page.waitForFunction(() => location.hash.startsWith("#yaml="), null, { timeout: 5000 });
  const firstHash = await hash();
  await setYaml(page, second);
  await page.waitForFunction((h) => location.hash !== h, firstHash, { timeout: 5000 });

  await page.goBack();
  await page.waitForFunction((t) => window.kubeplay.getYaml().then((y) => y === t), first);
  assert.equal(await hash(), firstHash);
  await page.waitForSelector("[data-kind=Service][data-name=svc-0]");
  assert.equal(await page.locator("[data-kind=Service][data-name=svc-1]").count(), 0);

  await page.goBack();
  await page.waitForFunction((t) => window.kubeplay.getYaml().then((y) => y === t), example);
  await page.goForward();
  await page.waitForFunction((t) => window.kubeplay.getYaml().then((y) => y === t), first);
  assert.deepEqual(page.problems, []);
});

test("a corrupt or oversized link shows a message and the example, and wins over the autosave", async () => {
  const page = await openPlayground(browser, server.url);
  const example = await getYaml(page);
  // Something autosaved, which a link must not bring back.
  await setYaml(page, services(1));
  await page.waitForTimeout(200);
  await page.close();

  const cut = `${server.url}#yaml=fVLBbtswDL37K4jcbAy2k2GXACu6tcNuw4D0VhSDYjG2FlsyJLleMOzfR0px0g7YbhT5-Pj4qA-bj5--FzQQ&theme=light`;
  const broken = await openPlayground(browser, cut, { fresh: false });
  const alert = broken.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /could not be opened.*damaged.*example/s);
  assert.equal(await getYaml(broken), example, "the example, not the autosave");
  assert.equal(await broken.evaluate(() => document.documentElement.dataset.theme), "light", "options still apply");
  await screenshot(broken, "share-corrupt-link");
  assert.deepEqual(broken.problems, []);
  await broken.close();

  // 2 MiB of text that deflates to a few kilobytes: refused, not inflated.
  const bomb = deflateRawSync(Buffer.alloc(2 << 20, "a")).toString("base64url");
  const big = await openPlayground(browser, `${server.url}#yaml=${bomb}`, { fresh: false });
  await big.getByRole("alert").waitFor();
  assert.match(await big.getByRole("alert").textContent(), /larger than the 1 MiB a link may carry. Showing the example/);
  assert.equal(await getYaml(big), example);
  assert.deepEqual(big.problems, []);
  await big.close();

  // A good link wins over the autosave; the autosave itself is still there.
  const linked = `${server.url}#yaml=${deflateRawSync(Buffer.from(services(2))).toString("base64url")}`;
  const good = await openPlayground(browser, linked, { fresh: false });
  assert.equal(await getYaml(good), services(2));
  assert.equal(await good.getByRole("alert").count(), 0);
  assert.deepEqual(good.problems, []);
});

test("a 64 KB manifest round-trips through a link", async () => {
  const page = await openPlayground(browser, server.url);
  let n = 0;
  while (services(n).length < 64 * 1024) n++;
  const text = services(n);
  await setYaml(page, text);
  await page.waitForSelector(`[data-kind=Service][data-name=svc-${n - 1}]`, { timeout: 30000 });
  const link = await share(page);
  console.log(`64 KB manifest (${text.length} bytes, ${n} Services): link of ${link.length} characters`);
  const opened = await openPlayground(browser, link, { fresh: false });
  assert.equal(await getYaml(opened), text);
  await opened.waitForSelector(`[data-kind=Service][data-name=svc-${n - 1}]`, { timeout: 30000 });
  assert.deepEqual(page.problems, []);
  assert.deepEqual(opened.problems, []);
});

test("where the clipboard refuses, the link appears selected in a field", async () => {
  const context = await launchBrowser();
  try {
    await context.addInitScript(() => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException("denied", "NotAllowedError"));
    });
    const page = await openPlayground(context, server.url);
    await page.getByRole("button", { name: "Share" }).click();
    const field = page.getByLabel("Copy this link:");
    await field.waitFor();
    const link = await field.inputValue();
    assert.match(link, /#yaml=[A-Za-z0-9_-]+$/);
    assert.ok(await field.evaluate((el) => document.activeElement === el && el.selectionEnd - el.selectionStart === el.value.length));
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
