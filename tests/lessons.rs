//! Every lesson under `web/lessons/`: its files read without a problem, its
//! goal is not met by the starting manifest, and its solution meets it.

use kubeplay_core::{analyze, goal, lesson};
use std::path::{Path, PathBuf};

fn lessons_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/lessons")
}

/// Every lesson folder, read, with its path relative to the checkout.
fn read_all() -> Vec<(String, Result<lesson::Lesson, Vec<lesson::Problem>>)> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(lessons_dir())
        .expect("web/lessons exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.iter()
        .map(|d| {
            let id = d
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_owned();
            let read = |f: &str| {
                std::fs::read_to_string(d.join(f))
                    .unwrap_or_else(|e| panic!("web/lessons/{id}/{f}: {e}"))
            };
            let parsed = lesson::parse(
                &id,
                &read("lesson.md"),
                &read("start.yaml"),
                &read("solution.yaml"),
            );
            (id, parsed)
        })
        .collect()
}

#[test]
fn every_lesson_reads_and_its_goal_is_met_only_by_the_solution() {
    let all = read_all();
    assert!(
        all.len() >= 8,
        "expected the eight lessons or more, found {}",
        all.len()
    );
    let mut failures = Vec::new();
    for (id, parsed) in &all {
        let l = match parsed {
            Ok(l) => l,
            Err(problems) => {
                for p in problems {
                    failures.push(format!(
                        "web/lessons/{id}/lesson.md:{}: {}",
                        p.line, p.message
                    ));
                }
                continue;
            }
        };
        for (file, text) in [("start.yaml", &l.start), ("solution.yaml", &l.solution)] {
            let a = analyze(text);
            if let Some(d) = a.manifest.diagnostics.iter().find(|d| d.is_error()) {
                failures.push(format!(
                    "web/lessons/{id}/{file}:{}: {}",
                    d.span.start.line, d.message
                ));
            }
        }
        let on_start = goal::check(&l.goal, &analyze(&l.start));
        if goal::met(&on_start) {
            failures.push(format!(
                "web/lessons/{id}: the goal is already met by start.yaml"
            ));
        }
        let on_solution = goal::check(&l.goal, &analyze(&l.solution));
        for r in on_solution.iter().filter(|r| !r.ok) {
            failures.push(format!(
                "web/lessons/{id}/solution.yaml: {} — saw {}",
                r.title, r.seen
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn lesson_ids_are_unique_and_url_safe() {
    let all = read_all();
    for (id, _) in &all {
        assert!(
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "lesson folder {id:?}: use lower-case letters, digits and '-'"
        );
    }
    let mut orders: Vec<i64> = all
        .iter()
        .filter_map(|(_, l)| l.as_ref().ok().map(|l| l.order))
        .collect();
    let n = orders.len();
    orders.sort_unstable();
    orders.dedup();
    assert_eq!(orders.len(), n, "two lessons share an `order`");
}

#[test]
fn the_lesson_format_is_documented() {
    let readme =
        std::fs::read_to_string(lessons_dir().join("README.md")).expect("web/lessons/README.md");
    for word in [
        "trace",
        "dns",
        "endpoints",
        "no-diagnostics",
        "reaches",
        "loadbalancer/",
        "start.yaml",
        "solution.yaml",
    ] {
        assert!(
            readme.contains(word),
            "web/lessons/README.md does not mention {word}"
        );
    }
}
