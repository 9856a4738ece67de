//! Workspace tests: one binary, one module per area (ripgrep's layout).

mod cluster;
mod corpus;
mod fixtures;
mod lessons;
#[cfg(not(target_arch = "wasm32"))]
mod loader;
#[cfg(not(target_arch = "wasm32"))]
mod properties;
#[cfg(not(target_arch = "wasm32"))]
mod sim;
