//! Every lesson under `web/lessons/`: its files read without a problem, its
//! goal is not met by the starting manifest, and its solution meets it.

use kubeplay_core::{analyze, goal, lesson};
use std::path::{Path, PathBuf};

fn lessons_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/lessons")
}

/// Every lesson folder under `root`, read.
fn read_all(root: &Path) -> Vec<(String, Result<lesson::Lesson, Vec<lesson::Problem>>)> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
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

/// Every problem with the lessons under `root`, one line each, starting
/// with `web/lessons/ID/FILE[:LINE]`.
fn problems(root: &Path) -> Vec<String> {
    let all = read_all(root);
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
    failures
}

#[test]
fn every_lesson_reads_and_its_goal_is_met_only_by_the_solution() {
    let n = read_all(&lessons_dir()).len();
    assert!(n >= 8, "expected the eight lessons or more, found {n}");
    let failures = problems(&lessons_dir());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The check above can fail: a copy of a lesson with an unknown goal key, a
/// start that already meets the goal and a solution that does not.
#[test]
fn a_broken_lesson_is_reported_with_its_file_and_line() {
    let root = std::env::temp_dir().join(format!("kubeplay-lessons-{}", std::process::id()));
    let write = |id: &str, md: &str, start: &str, solution: &str| {
        let dir = root.join(id);
        std::fs::create_dir_all(&dir).expect("temp dir");
        for (f, text) in [
            ("lesson.md", md),
            ("start.yaml", start),
            ("solution.yaml", solution),
        ] {
            std::fs::write(dir.join(f), text).expect("write");
        }
    };
    let src = lessons_dir().join("nodeport");
    let read = |f: &str| std::fs::read_to_string(src.join(f)).expect("nodeport lesson");
    let md = read("lesson.md");
    write(
        "typo",
        &md.replacen("expect: {verdict: DNAT,", "expect: {verdit: DNAT,", 1),
        &read("start.yaml"),
        &read("solution.yaml"),
    );
    write("swapped", &md, &read("solution.yaml"), &read("start.yaml"));
    let found = problems(&root);
    let _ = std::fs::remove_dir_all(&root);
    let typo_line = md
        .lines()
        .position(|l| l.contains("expect: {verdict: DNAT,"))
        .map(|i| i + 1)
        .expect("the nodeport goal has a trace check");
    let want = [
        "web/lessons/swapped: the goal is already met by start.yaml".to_owned(),
        format!("web/lessons/typo/lesson.md:{typo_line}: unknown key `verdit`"),
    ];
    for w in &want {
        assert!(
            found.iter().any(|f| f.starts_with(w.as_str())),
            "{w:?} not in {found:#?}"
        );
    }
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("web/lessons/swapped/solution.yaml: ")),
        "{found:#?}"
    );
}

#[test]
fn lesson_ids_are_unique_and_url_safe() {
    let all = read_all(&lessons_dir());
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
