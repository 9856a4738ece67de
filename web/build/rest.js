// --- kubeplay: the rest of the WebAssembly (appended by `cargo xtask dist`) ---
// The built site's wasm is split in two (crates/xtask/src/split.rs): this
// module's wasm holds what runs before the live diagram, and REST_FILE the
// rest. The app fires `kubeplay:drawn` once its diagram is on screen; the
// rest downloads then. A function of the rest called before it has arrived
// (its stub calls `kpRestNow`) fetches and instantiates it synchronously.
const kpRestUrl = new URL("REST_FILE", import.meta.url);
let kpRestStarted = false;
let kpRestCompiled = null;

function kpRestInstantiate(module) {
    if (wasm.__kp_split_loaded.value) return;
    new WebAssembly.Instance(module, { primary: wasm });
    wasm.__kp_split_loaded.value = 1;
}

function kpRestNow() {
    if (wasm.__kp_split_loaded.value) return;
    if (kpRestCompiled) {
        kpRestInstantiate(kpRestCompiled);
        return;
    }
    const request = new XMLHttpRequest();
    request.open("GET", kpRestUrl, false);
    // Bytes through a synchronous request: each byte becomes one character.
    request.overrideMimeType("text/plain; charset=x-user-defined");
    request.send();
    if (request.status !== 200) {
        throw new Error(`kubeplay: could not load ${kpRestUrl} (HTTP ${request.status})`);
    }
    const text = request.responseText;
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    kpRestInstantiate(new WebAssembly.Module(bytes));
}

// The download in the background; a failed one is tried again when the
// browser is back online, or after a pause that doubles up to a minute.
let kpRestPause = 2000;
function kpRestLater() {
    if (kpRestStarted || !wasm || wasm.__kp_split_loaded.value) return;
    kpRestStarted = true;
    fetch(kpRestUrl, { integrity: "REST_INTEGRITY" })
        .then((response) => {
            if (!response.ok) throw new Error(`HTTP ${response.status}`);
            return response.arrayBuffer();
        })
        .then((bytes) => WebAssembly.compile(bytes))
        .then((module) => {
            kpRestCompiled = module;
            kpRestInstantiate(module);
        })
        .catch((err) => {
            console.warn(`kubeplay: ${kpRestUrl} did not load (${err}); trying again`);
            kpRestStarted = false;
            setTimeout(kpRestLater, kpRestPause);
            kpRestPause = Math.min(kpRestPause * 2, 60000);
        });
}

addEventListener("kubeplay:drawn", kpRestLater, { once: true });
addEventListener("online", () => kpRestStarted || kpRestLater());
