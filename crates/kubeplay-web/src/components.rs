//! The app's components, one module each.

pub mod diagnostics;
pub mod editor;
pub mod inspector;
pub mod object_list;
pub mod request;
