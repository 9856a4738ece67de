//! The app's components, one module each.

pub mod diagnostics;
pub mod diagram;
pub mod editor;
pub mod export;
pub mod inspector;
pub mod lesson;
pub mod request;
pub mod traffic;
pub mod whatif;
