//! Fuzzes the YAML front end and the cluster build: any text must give a
//! cluster and diagnostics, never a panic, and every diagnostic must point
//! inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let analysis = kubeplay_core::analyze(text);
    let lines = kubeplay_core::yaml::normalise_newlines(text).split('\n').count() as u32;
    for d in &analysis.diagnostics {
        assert!(d.span.start.line >= 1 && d.span.start.line <= lines, "{d:?} is outside the text");
    }
});
