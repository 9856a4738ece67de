//! The kubeplay playground, compiled to WebAssembly and mounted by trunk.

fn main() {
    kubeplay_web::start();
}
