//! The shared corpus of real manifests written by others: every file must
//! load and build without a panic, and the only error-severity diagnostics
//! are the genuine API-server rejections listed in `corpus-errors.txt`.

use kubeplay_core::Severity;
use kubeplay_tests::{corpus_dir, files_under};
use std::path::Path;

#[test]
fn every_corpus_file_loads_with_only_genuine_errors() {
    let Some(dir) = corpus_dir() else {
        // `cargo xtask test` says so loudly when the corpus is missing; CI always has it.
        eprintln!("corpus: ../shared/corpus not found; corpus checks skipped");
        return;
    };
    let files: Vec<_> = files_under(&dir)
        .into_iter()
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        })
        .collect();
    assert!(
        files.len() >= 100,
        "expected the whole corpus in {}, found {} files",
        dir.display(),
        files.len()
    );
    let mut errors = Vec::new();
    let (mut objects, mut pods, mut services) = (0, 0, 0);
    for path in &files {
        let text = std::fs::read_to_string(path).expect("corpus files are UTF-8");
        let a = kubeplay_core::analyze(&text);
        objects += a.manifest.objects.len();
        pods += a.cluster.pods.len();
        services += a.cluster.services.len();
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        for d in a
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
        {
            errors.push(format!("{name}:{d}"));
        }
    }
    eprintln!(
        "corpus: {} files, {objects} objects, {services} services and {pods} pods built",
        files.len()
    );
    let expected_file = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus-errors.txt");
    let expected: Vec<String> = std::fs::read_to_string(&expected_file)
        .expect("tests/corpus-errors.txt exists")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    assert_eq!(
        errors, expected,
        "the corpus's error diagnostics differ from tests/corpus-errors.txt (only genuine API-server rejections belong there)"
    );
}
