//! Embeds every lesson under `web/lessons/` in the app at compile time, so the
//! site works offline from static files and a new lesson folder needs no Rust.
//! Writes `$OUT_DIR/lessons.rs`: one `(id, lesson.md, start.yaml,
//! solution.yaml)` entry per folder, sorted by id.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let out_dir = std::env::var_os("OUT_DIR").map(PathBuf::from);
    let (Some(manifest_dir), Some(out_dir)) = (manifest_dir, out_dir) else {
        panic!("cargo sets CARGO_MANIFEST_DIR and OUT_DIR for build scripts");
    };
    let root = manifest_dir.join("../../web/lessons");
    println!("cargo::rerun-if-changed={}", root.display());
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    #[allow(clippy::disallowed_methods)] // Runs on the host, not in the wasm.
    dirs.sort();
    let mut code = String::from(
        "/// Every lesson folder: (id, lesson.md, start.yaml, solution.yaml).\npub const LESSONS: &[(&str, &str, &str, &str)] = &[\n",
    );
    for dir in &dirs {
        let id = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let file = |name: &str| -> String {
            let path: &Path = &dir.join(name);
            println!("cargo::rerun-if-changed={}", path.display());
            format!("include_str!({:?})", path.display().to_string())
        };
        let _ = writeln!(
            code,
            "    ({id:?}, {}, {}, {}),",
            file("lesson.md"),
            file("start.yaml"),
            file("solution.yaml")
        );
    }
    code.push_str("];\n");
    if let Err(e) = std::fs::write(out_dir.join("lessons.rs"), code) {
        panic!("cannot write lessons.rs: {e}");
    }
}
