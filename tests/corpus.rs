//! The shared corpus of real manifests written by others: every file must
//! load without a panic and without an error-severity diagnostic.

use kubeplay_core::Severity;
use kubeplay_tests::{corpus_dir, files_under};

#[test]
fn every_corpus_file_loads_without_errors() {
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
    let mut failures = Vec::new();
    let mut objects = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("corpus files are UTF-8");
        let m = kubeplay_core::load(&text);
        objects += m.objects.len();
        for d in m
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
        {
            failures.push(format!("{}:{d}", path.display()));
        }
    }
    eprintln!("corpus: {} files, {objects} simulated objects", files.len());
    assert!(
        failures.is_empty(),
        "spurious errors:\n{}",
        failures.join("\n")
    );
}
