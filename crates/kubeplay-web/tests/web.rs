//! Component tests in a real browser (wasm-bindgen-test, headless Chromium).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> web_sys::Element {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    root
}

#[wasm_bindgen_test]
async fn the_app_draws_one_service_of_each_type() {
    let root = mount();
    yew::Renderer::<kubeplay_web::app::App>::with_root(root.clone()).render();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    let types: Vec<String> = {
        let found = root
            .query_selector_all("[data-kind=Service]")
            .expect("a valid selector");
        (0..found.length())
            .filter_map(|i| found.item(i))
            .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            .filter_map(|e| e.get_attribute("data-type"))
            .collect()
    };
    let mut sorted = types.clone();
    kubeplay_core::order::sort(&mut sorted);
    // default/api, default/kubernetes and kube-system/kube-dns are all ClusterIP.
    assert_eq!(sorted.iter().filter(|t| *t == "ClusterIP").count(), 3);
    sorted.dedup();
    assert_eq!(
        sorted,
        ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
    );
    let nodes = root
        .query_selector_all("[data-kind=Node]")
        .expect("a valid selector");
    assert_eq!(nodes.length(), 3);
}
