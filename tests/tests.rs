//! Workspace tests: one binary, one module per area (ripgrep's layout).

mod cluster;
mod corpus;
mod fixtures;
