// Lessons: every lesson opens (from #lesson=ID and from the Lessons menu),
// its goal is not met by the starting manifest, applying the solution through
// the panel meets it, and progress survives a reload.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { openPlayground, screenshot, ARTIFACTS, openSite, closeSite } from "./helpers.js";

const LESSONS_DIR = new URL("../../lessons/", import.meta.url).pathname;
const IDS = readdirSync(LESSONS_DIR)
  .filter((d) => statSync(join(LESSONS_DIR, d)).isDirectory())
  .sort();
const start = (id) => readFileSync(join(LESSONS_DIR, id, "start.yaml"), "utf8");

let server;
let browser;
mkdirSync(ARTIFACTS, { recursive: true });

before(async () => {
  ({ server, browser } = await openSite());
});

after(() => closeSite({ server, browser }));

/** Accepts every confirm() the page asks, and counts them. */
function acceptDialogs(page) {
  page.dialogs = [];
  page.on("dialog", async (d) => {
    page.dialogs.push(d.message());
    await d.accept();
  });
}

/** The lesson panel of `id`, once it is shown. */
async function seeLesson(page, id) {
  const panel = page.locator(`section.kp-lesson[data-lesson="${id}"]`);
  await panel.waitFor({ timeout: 10000 });
  return panel;
}

async function goalState(page) {
  return page.locator(".kp-lesson [role=status]").getAttribute("data-goal");
}

async function applySolution(page) {
  const before = page.dialogs.length;
  await page.getByRole("button", { name: "Show solution" }).click();
  assert.equal(page.dialogs.length, before + 1, "Show solution asks first");
  await page.waitForSelector(".kp-lesson [role=status][data-goal=met]", { timeout: 10000 });
  assert.match(await page.locator(".kp-lesson [role=status]").textContent(), /Goal met/);
}

test(`there are lessons to test (${IDS.length})`, () => {
  assert.ok(IDS.length >= 8, IDS.join(", "));
});

test("each lesson opens from #lesson=ID, is not done on start, and its solution meets the goal", async () => {
  for (const id of IDS) {
    const page = await openPlayground(browser, `${server.url}#lesson=${id}`);
    acceptDialogs(page);
    await seeLesson(page, id);
    assert.equal(await page.evaluate(() => window.kubeplay.getYaml()), start(id), `${id}: the editor holds start.yaml`);
    assert.equal(await goalState(page), "unmet", `${id}: the goal is not met on start`);
    assert.ok((await page.locator(".kp-lesson-checks [data-ok='0']").count()) > 0, `${id}: a failing check is shown`);
    await page.locator("section.kp-lesson").screenshot({ path: join(ARTIFACTS, `lesson-${id}.png`) });
    await applySolution(page);
    assert.equal(await page.locator(".kp-lesson-checks [data-ok='0']").count(), 0, `${id}: every check holds`);
    assert.deepEqual(page.problems, [], id);
    await page.close();
  }
});

test("the Lessons menu closes when the focus leaves it", async () => {
  const page = await openPlayground(browser, server.url);
  const menu = page.getByRole("button", { name: /^Lessons/ });
  await menu.click();
  await page.waitForSelector("#kp-lesson-list");
  await page.locator("#kp-theme").focus();
  await page.waitForSelector("#kp-lesson-list", { state: "detached" });
  assert.equal(await menu.getAttribute("aria-expanded"), "false");
  await menu.click();
  await page.waitForSelector("#kp-lesson-list");
  // A click on something that cannot take the focus, away from the list.
  await page.locator(".kp-inspector-panel").click({ position: { x: 5, y: 5 } });
  await page.waitForSelector("#kp-lesson-list", { state: "detached" });
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("a link to a lesson that does not exist says so and opens the example", async () => {
  const page = await openPlayground(browser, `${server.url}#lesson=no-such-lesson`);
  await page.waitForSelector("[data-kind=Service][data-name=payments]");
  assert.match(await page.getByRole("alert").textContent(), /lesson "no-such-lesson" that does not exist/);
  assert.equal(await page.locator("section.kp-lesson").count(), 0);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("each lesson opens from the Lessons menu; steps, hints and progress work and survive a reload", async () => {
  const page = await openPlayground(browser, server.url);
  acceptDialogs(page);
  const menu = page.getByRole("button", { name: /^Lessons/ });
  assert.match(await menu.textContent(), new RegExp(`0/${IDS.length}`));
  for (const id of IDS) {
    await menu.click();
    await page.locator(`.kp-lesson-item[data-lesson="${id}"]`).click();
    await seeLesson(page, id);
    assert.equal(await page.evaluate(() => window.kubeplay.getYaml()), start(id), `${id}: the editor holds start.yaml`);
    assert.equal(await goalState(page), "unmet", id);
    await applySolution(page);
  }
  // Opening a lesson over one's own work asks first.
  await page.evaluate(() => window.kubeplay.setYaml("# my own work\n"));
  const asked = page.dialogs.length;
  await menu.click();
  await page.locator(`.kp-lesson-item[data-lesson="${IDS[0]}"]`).click();
  assert.equal(page.dialogs.length, asked + 1, "replacing the learner's own text asks first");
  const panel = await seeLesson(page, IDS[0]);
  // Steps: next and previous.
  const title = panel.locator(".kp-lesson-step-title");
  const first = await title.textContent();
  await panel.getByRole("button", { name: "Next" }).click();
  assert.notEqual(await title.textContent(), first);
  assert.match(await title.textContent(), /Step 2 of/);
  await panel.getByRole("button", { name: "Previous" }).click();
  assert.equal(await title.textContent(), first);
  // Hints, one at a time.
  await panel.getByRole("button", { name: "Show hint" }).click();
  assert.equal(await panel.locator(".kp-lesson-hints li").count(), 1);
  // A check's request can be sent, and shows in the inspector.
  await panel.locator(".kp-check-try").first().click();
  await page.waitForSelector(".kp-trace[data-verdict]");
  // The solution is one undo step in the editor.
  await applySolution(page);
  await page.locator(".kpe-input").click();
  await page.keyboard.press("Control+z");
  await page.waitForSelector(".kp-lesson [role=status][data-goal=unmet]");
  assert.equal(await page.evaluate(() => window.kubeplay.getYaml()), start(IDS[0]), "Ctrl+Z undoes the solution");
  // Reset returns to the starting manifest.
  await applySolution(page);
  await panel.getByRole("button", { name: "Reset lesson" }).click();
  await page.waitForSelector(".kp-lesson [role=status][data-goal=unmet]");
  assert.equal(await page.evaluate(() => window.kubeplay.getYaml()), start(IDS[0]));
  // Progress survives a reload: every lesson is marked done.
  await page.reload();
  await seeLesson(page, IDS[0]);
  assert.match(await page.locator(".kp-lesson-done").textContent(), /done/);
  assert.match(await menu.textContent(), new RegExp(`${IDS.length}/${IDS.length}`));
  await menu.click();
  assert.equal(await page.locator(".kp-lesson-item[data-done='1']").count(), IDS.length);
  await page.locator(".kp-lesson-item").nth(2).focus();
  await page.keyboard.press("Escape");
  await page.waitForSelector(".kp-lesson-list", { state: "detached" });
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute("aria-controls")),
    "kp-lesson-list",
    "Escape gives the focus back to the Lessons button",
  );
  // Folding the panel keeps the title and the goal's status.
  const unfolded = await goalState(page);
  await page.getByRole("button", { name: "Fold" }).click();
  assert.equal(await page.locator("#kp-lesson-body").isVisible(), false);
  assert.equal(await goalState(page), unfolded);
  await page.getByRole("button", { name: "Unfold" }).click();
  assert.equal(await page.locator("#kp-lesson-body").isVisible(), true);
  // A met goal offers the next lesson.
  await applySolution(page);
  await page.locator(".kp-lesson-next").click();
  await page.waitForSelector(`section.kp-lesson:not([data-lesson="${IDS[0]}"])`);
  assert.equal(await goalState(page), "unmet");
  // Leaving the lesson closes the panel and it stays closed after a reload.
  await page.getByRole("button", { name: "Leave lesson" }).click();
  await page.waitForSelector("section.kp-lesson", { state: "detached" });
  await page.reload();
  await page.waitForSelector("[data-kind]");
  assert.equal(await page.locator("section.kp-lesson").count(), 0);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("screenshots: the lesson panel and menu, desktop and 360 px phone, light and dark", async () => {
  const id = IDS.includes("nodeport") ? "nodeport" : IDS[0];
  for (const [width, height, label] of [[1280, 900, "desktop"], [360, 800, "phone"]]) {
    for (const theme of ["light", "dark"]) {
      const page = await openPlayground(browser, `${server.url}#lesson=${id}`);
      acceptDialogs(page);
      await page.setViewportSize({ width, height });
      await page.selectOption("#kp-theme", theme);
      await seeLesson(page, id);
      await page.getByRole("button", { name: "Show hint" }).click();
      await screenshot(page, `lesson-${label}-${theme}`);
      await applySolution(page);
      await screenshot(page, `lesson-${label}-${theme}-met`);
      await page.getByRole("button", { name: /^Lessons/ }).click();
      await page.waitForSelector(".kp-lesson-list");
      await page.screenshot({ path: join(ARTIFACTS, `lesson-${label}-${theme}-menu.png`) });
      assert.deepEqual(page.problems, []);
      await page.close();
    }
  }
});
