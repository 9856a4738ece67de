// Starts the playground. trunk would inline this loader into index.html; it
// lives in a file instead (Trunk.toml `pattern_script`), so the site needs no
// inline script and runs under `script-src 'self' 'wasm-unsafe-eval'`.
// The script tag carries the hashed file names; they sit beside this file,
// so the site works from any sub-path.
const tag = document.getElementById("kp-boot");
const beside = (name) => new URL(name, import.meta.url).href;
const { default: init } = await import(beside(tag.dataset.js));
const wasm = await init({ module_or_path: beside(tag.dataset.wasm) });
dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
