//! Export: download the diagram as the SVG `kubeplay render` writes (still or
//! `--animate`d, from `kubeplay_scene::export_svg`, so the bytes are the
//! CLI's for the same manifest) or as a PNG of the still SVG.

use kubeplay_core::Analysis;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[wasm_bindgen(inline_js = r#"
function save(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
export function download_svg(name, svg) {
  save(name, new Blob([svg], { type: "image/svg+xml" }));
}
export function download_png(name, svg, scale) {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
    const img = new Image();
    img.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = Math.ceil(img.naturalWidth * scale);
      canvas.height = Math.ceil(img.naturalHeight * scale);
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      canvas.toBlob((png) => {
        if (png) { save(name, png); resolve(); } else { reject(new Error("the PNG could not be encoded")); }
      }, "image/png");
    };
    img.onerror = () => { URL.revokeObjectURL(url); reject(new Error("the SVG could not be drawn")); };
    img.src = url;
  });
}
"#)]
extern "C" {
    /// Saves `svg` as a file called `name` (an `<a download>` on a blob URL).
    fn download_svg(name: &str, svg: &str);
    /// Draws `svg` into a canvas `scale` times its size (through an `<img>` on
    /// a blob URL) and saves it as a PNG called `name`.
    fn download_png(name: &str, svg: &str, scale: f64) -> js_sys::Promise;
}

/// PNGs are drawn at twice the SVG's size, sharp on high-density screens.
const PNG_SCALE: f64 = 2.0;

/// Properties of [`Export`].
#[derive(Properties)]
pub struct ExportProps {
    /// The cluster on screen (the last valid one).
    pub cluster: Rc<Analysis>,
}

impl PartialEq for ExportProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.cluster, &other.cluster)
    }
}

/// The download buttons.
#[function_component(Export)]
pub fn export(props: &ExportProps) -> Html {
    let svg = |animate: bool| {
        let cluster = props.cluster.clone();
        Callback::from(move |_: MouseEvent| {
            let text = kubeplay_scene::export_svg(&cluster.cluster, animate, false);
            let name = if animate {
                "kubeplay-animated.svg"
            } else {
                "kubeplay.svg"
            };
            download_svg(name, &text);
        })
    };
    let png = {
        let cluster = props.cluster.clone();
        Callback::from(move |_: MouseEvent| {
            let text = kubeplay_scene::export_svg(&cluster.cluster, false, false);
            let done = download_png("kubeplay.png", &text, PNG_SCALE);
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = wasm_bindgen_futures::JsFuture::from(done).await {
                    web_sys::console::warn_1(&e);
                }
            });
        })
    };
    html! {
        <div class="kp-export" role="group" aria-label="Download the diagram">
            <button type="button" class="kp-button" id="kp-download-svg" onclick={svg(false)}>{ "Download SVG" }</button>
            <button type="button" class="kp-button" id="kp-download-animated" onclick={svg(true)}
                title="The SVG with requests moving along their paths (works in an <img>)">{ "Download animated SVG" }</button>
            <button type="button" class="kp-button" id="kp-download-png" onclick={png}>{ "Download PNG" }</button>
        </div>
    }
}
