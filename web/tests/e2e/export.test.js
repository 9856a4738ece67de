// Export: the download buttons save the CLI's SVG (still and animated) and a
// PNG, and the exported SVGs work where scripts cannot run: inside an <img>.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { launchBrowser, openPlayground, screenshot, openSite, closeSite } from "./helpers.js";

let server;
let browser;
const files = {};

before(async () => {
  ({ server, browser } = await openSite());
});

after(() => closeSite({ server, browser }));

/** Clicks a download button; resolves to the file's name and bytes. */
async function download(page, button) {
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
  return { name: dl.suggestedFilename(), bytes: await readFile(await dl.path()) };
}

test("the download buttons save an SVG, an animated SVG and a PNG", async () => {
  const page = await openPlayground(browser, server.url);
  await screenshot(page, "export-buttons");
  for (const [button, name] of [
    ["#kp-download-svg", "kubeplay.svg"],
    ["#kp-download-animated", "kubeplay-animated.svg"],
  ]) {
    const file = await download(page, button);
    assert.equal(file.name, name);
    const text = file.bytes.toString("utf8");
    assert.ok(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), text.slice(0, 80));
    // Well-formed XML, as the browser's own XML parser reads it.
    const error = await page.evaluate(
      (t) => new DOMParser().parseFromString(t, "image/svg+xml").querySelector("parsererror")?.textContent ?? null,
      text,
    );
    assert.equal(error, null);
    assert.ok(!text.includes("<script"));
    assert.ok(text.includes('data-kind="Service"'));
    assert.equal(text.includes("@keyframes"), name.includes("animated"));
    files[name] = text;
  }
  const png = await download(page, "#kp-download-png");
  assert.equal(png.name, "kubeplay.png");
  assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // IHDR: twice the SVG's width.
  const width = png.bytes.readUInt32BE(16);
  const svgWidth = Number(/width="(\d+)"/.exec(files["kubeplay.svg"])[1]);
  assert.equal(width, svgWidth * 2);
  assert.deepEqual(page.problems, []);
  await page.close();
});

/** Shows `svg` in an <img> on a blank page of `context`; resolves to the page. */
async function inImg(svg, context = browser) {
  const page = await context.newPage();
  await page.setContent('<body style="margin:0;background:#fff"><img id="img" alt="diagram"></body>');
  await page.evaluate(async (text) => {
    const img = document.getElementById("img");
    img.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(text)))}`;
    await img.decode();
  }, svg);
  return page;
}

/** What the <img> shows: its natural width and the share of non-white canvas pixels. */
function drawn(page) {
  return page.evaluate(() => {
    const img = document.getElementById("img");
    const c = document.createElement("canvas");
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext("2d");
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i + 3] === 255 && px[i] + px[i + 1] + px[i + 2] < 600) ink++;
    return { width: img.naturalWidth, ink: ink / (px.length / 4) };
  });
}

test("exported SVGs render inside an <img>; the animated one moves unless motion is reduced", async () => {
  assert.ok(files["kubeplay.svg"] && files["kubeplay-animated.svg"], "the download test ran first");
  for (const name of ["kubeplay.svg", "kubeplay-animated.svg"]) {
    const page = await inImg(files[name]);
    const { width, ink } = await drawn(page);
    assert.ok(width > 0, `${name} has a size in an <img>`);
    assert.ok(ink > 0.01, `${name} draws something (${ink})`);
    await screenshot(page, `export-img-${name.replace(".svg", "")}`);
    await page.close();
  }
  // Two looks at the animated image 400 ms apart differ: CSS animation runs
  // inside an <img>. With reduced motion the dots are hidden, nothing moves.
  // (Emulated media features do not reach image documents, so that case
  // runs in a Chromium started with --force-prefers-reduced-motion.)
  const still = async (context) => {
    const page = await inImg(files["kubeplay-animated.svg"], context);
    const img = page.locator("#img");
    const a = await img.screenshot();
    await page.waitForTimeout(400);
    const b = await img.screenshot();
    if (context !== browser) await screenshot(page, "export-img-animated-reduced-motion");
    await page.close();
    return a.equals(b);
  };
  assert.equal(await still(browser), false, "the animated SVG moves in an <img>");
  const reduced = await launchBrowser(["--force-prefers-reduced-motion"]);
  try {
    assert.equal(await still(reduced), true, "with reduced motion it stands still");
  } finally {
    await reduced.close();
  }
});
