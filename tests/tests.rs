//! Workspace tests: one binary, one module per area (ripgrep's layout).

mod corpus;
mod fixtures;
