// kubeplay's embed loader: defines <kube-playground>, which shows a live
// diagram of a manifest in an iframe of the playground.
//
//   <script src="https://example.org/kubeplay/embed.js" defer></script>
//   <kube-playground view="diagram" theme="dark" readonly autoplay>
//     <script type="text/yaml">
//       apiVersion: v1
//       kind: Service
//       ...
//     </script>
//   </kube-playground>
//
// The manifest is the element's <script type="text/yaml"> child (or its
// text), or a same-site file named by `src`. Attributes: view="diagram|split",
// theme="light|dark|system", readonly, autoplay, height="N" (fixed CSS pixels;
// without it the frame follows its content's height), seed="N", lesson="ID".
// The element's methods mirror window.kubeplay and return Promises:
// getYaml(), setYaml(text), send({from, to}), on(event, fn).
//
// The playground is loaded from beside this file (index.html in the same
// folder), so the site works from any sub-path. Calls travel by postMessage
// ({kubeplay: 1, id, method, args} answered by {kubeplay: 1, id, result} or
// {kubeplay: 1, id, error}); only messages from the element's own frame and
// the playground's origin are read. A classic script (use defer or async).
(() => {
  "use strict";
  if (customElements.get("kube-playground")) return;

  const scriptUrl =
    document.currentScript?.src ??
    document.querySelector('script[src$="embed.js"]')?.src ??
    location.href;
  const APP = new URL("index.html", scriptUrl);

  // Deflate (raw) and base64url, as the playground's URL fragment expects.
  async function encodeYaml(text) {
    const stream = new Blob([new TextEncoder().encode(text)])
      .stream()
      .pipeThrough(new CompressionStream("deflate-raw"));
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // Removes the indentation common to every line, so a manifest can be
  // indented inside the page's HTML.
  function dedent(text) {
    const lines = text.replace(/^\s*\n/, "").replace(/\s+$/, "").split("\n");
    const indents = lines.filter((l) => l.trim()).map((l) => l.match(/^[ \t]*/)[0].length);
    const cut = indents.length ? Math.min(...indents) : 0;
    return lines.map((l) => l.slice(cut)).join("\n") + "\n";
  }

  class KubePlayground extends HTMLElement {
    #frame = null;
    #ready = null;
    #calls = new Map();
    #listeners = new Map();
    #next = 1;
    #onMessage = (e) => this.#receive(e);

    connectedCallback() {
      if (this.#frame) {
        // Moved in the document: listen again (the frame reloads by itself).
        window.addEventListener("message", this.#onMessage);
        return;
      }
      // Inline manifests are read once the element's children are parsed.
      if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", () => this.#start(), { once: true });
      } else {
        this.#start();
      }
    }

    disconnectedCallback() {
      window.removeEventListener("message", this.#onMessage);
    }

    async #manifest() {
      const src = this.getAttribute("src");
      if (src) {
        const res = await fetch(new URL(src, document.baseURI));
        if (!res.ok) throw new Error(`kube-playground: ${src}: HTTP ${res.status}`);
        return res.text();
      }
      const script = this.querySelector('script[type="text/yaml"]');
      const raw = script ? script.textContent : this.textContent;
      return dedent(raw.replace(/<\\\/script/gi, "</script"));
    }

    async #start() {
      if (this.#frame) return;
      const frame = document.createElement("iframe");
      this.#frame = frame;
      let signalReady;
      this.#ready = new Promise((ok) => (signalReady = ok));
      this.#signalReady = signalReady;
      window.addEventListener("message", this.#onMessage);

      const yaml = await this.#manifest().catch((err) => {
        console.warn(String(err));
        return null;
      });
      const options = ["embed=1"];
      const view = this.getAttribute("view");
      if (view === "diagram" || view === "split") options.push(`view=${view}`);
      const theme = this.getAttribute("theme");
      if (["light", "dark", "system"].includes(theme)) options.push(`theme=${theme}`);
      for (const flag of ["readonly", "autoplay"]) {
        if (this.hasAttribute(flag) && this.getAttribute(flag) !== "false") options.push(`${flag}=1`);
      }
      for (const key of ["seed", "lesson"]) {
        const v = this.getAttribute(key);
        if (v) options.push(`${key}=${encodeURIComponent(v)}`);
      }
      // Without CompressionStream (old browsers) the manifest follows by setYaml.
      let pending = null;
      if (yaml !== null) {
        if ("CompressionStream" in window) options.unshift(`yaml=${await encodeYaml(yaml)}`);
        else pending = yaml;
      }

      const height = parseInt(this.getAttribute("height") ?? "", 10);
      this.#fixedHeight = height > 0;
      frame.style.cssText = `display:block;width:100%;border:0;height:${this.#fixedHeight ? height : 480}px`;
      frame.title = this.getAttribute("title") ?? "kubeplay: a live Kubernetes Services diagram";
      frame.loading = "lazy";
      const url = new URL(APP);
      url.hash = options.join("&");
      frame.src = url.href;
      // The inline manifest is replaced by the frame.
      this.replaceChildren(frame);
      if (pending !== null) this.#ready.then(() => this.setYaml(pending));
    }

    #signalReady = null;
    #fixedHeight = false;

    #receive(e) {
      if (!this.#frame || e.source !== this.#frame.contentWindow || e.origin !== APP.origin) return;
      const m = e.data;
      if (!m || m.kubeplay !== 1) return;
      if (m.event === "ready") {
        this.#signalReady?.();
        this.dispatchEvent(new CustomEvent("ready"));
      } else if (m.event === "resize") {
        if (!this.#fixedHeight && m.data > 0) this.#frame.style.height = `${Math.ceil(m.data)}px`;
      } else if (m.event) {
        for (const fn of this.#listeners.get(m.event) ?? []) fn(m.data);
      } else if (this.#calls.has(m.id)) {
        const { ok, fail } = this.#calls.get(m.id);
        this.#calls.delete(m.id);
        if ("error" in m) fail(new Error(m.error));
        else ok(m.result);
      }
    }

    async #call(method, ...args) {
      if (!this.#ready) this.#start();
      await this.#ready;
      const id = this.#next++;
      return new Promise((ok, fail) => {
        this.#calls.set(id, { ok, fail });
        this.#frame.contentWindow.postMessage({ kubeplay: 1, id, method, args }, APP.origin);
      });
    }

    /** The manifest, as typed. */
    getYaml() {
      return this.#call("getYaml");
    }

    /** Replaces the manifest. */
    setYaml(text) {
      return this.#call("setYaml", String(text));
    }

    /** Sends one request ({from, to} as the CLI's SOURCE and TARGET); resolves to the trace. */
    send(request) {
      return this.#call("send", { from: request.from, to: request.to });
    }

    /** Calls fn on each `change` (the text) or `trace` (a request's trace). */
    async on(event, fn) {
      const first = !this.#listeners.has(event);
      if (first) this.#listeners.set(event, []);
      this.#listeners.get(event).push(fn);
      if (first) await this.#call("on", event);
    }
  }

  customElements.define("kube-playground", KubePlayground);
})();
