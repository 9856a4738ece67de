// Runs before the first paint (a classic script in <head>). The built site
// shows a prerendered picture of the default example while the app loads
// (`#kp-first`, written by `cargo xtask`); it is right only for a visit with
// no link state (`#yaml=`, `#lesson=`...) and no autosaved manifest, so any
// other visit hides it at once and waits for the live diagram. A theme chosen
// earlier applies from the start, to the picture as to the page.
try {
  if (location.hash.length > 1 || localStorage.getItem("kubeplay:yaml") !== null) {
    document.documentElement.classList.add("kp-live-only");
  }
  const theme = localStorage.getItem("kubeplay:theme");
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
} catch {
  document.documentElement.classList.add("kp-live-only");
}
