//! Prints the SVG of a manifest (the default example when no file is given):
//! `cargo run -p kubeplay-scene --example render -- [FILE] [--dark] > out.svg`.

use std::io::Read;

fn main() {
    let mut dark = false;
    let mut text = kubeplay_core::examples::DEFAULT.to_owned();
    for arg in std::env::args().skip(1) {
        if arg == "--dark" {
            dark = true;
        } else if arg == "-" {
            text.clear();
            let _ = std::io::stdin().read_to_string(&mut text);
        } else {
            text = std::fs::read_to_string(&arg).unwrap_or_default();
        }
    }
    let scene = kubeplay_scene::layout(&kubeplay_core::analyze(&text).cluster);
    let options = kubeplay_scene::SvgOptions {
        dark,
        title: Some("kubeplay".to_owned()),
        ..Default::default()
    };
    print!("{}", kubeplay_scene::to_svg(&scene, &options));
}
