//! The app's components, one module each.

pub mod diagnostics;
pub mod object_list;
