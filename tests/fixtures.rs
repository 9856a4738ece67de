//! Data-driven fixtures: every `tests/fixtures/<family>/<name>.yaml` is a
//! manifest whose header names the upstream rule it comes from and the
//! `kubeplay` commands to run on it:
//!
//! ```text
//! # upstream: kubernetes pkg/apis/core/validation TestValidateService "nodePort on ClusterIP"
//! # run: check -f -
//! ```
//!
//! The manifest is the command's standard input (`-f -`). The output of every
//! `run` line is compared with `<name>.out`; `UPDATE_EXPECT=1 cargo test`
//! rewrites the snapshots. A snapshot without its fixture is an error.

use kubeplay_cli::{Host, Source};
use kubeplay_tests::files_under;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// 2026-01-01T00:00:00Z: the fixtures' fixed "now" for AGE columns.
const NOW: i64 = 1_767_225_600;

struct FixtureHost<'a> {
    dir: &'a Path,
    stdin: &'a str,
}

impl Host for FixtureHost<'_> {
    fn read(&self, arg: &str) -> Result<Vec<Source>, String> {
        if arg == "-" {
            return Ok(vec![Source {
                name: "-".into(),
                text: self.stdin.to_owned(),
            }]);
        }
        let path = self.dir.join(arg);
        std::fs::read_to_string(&path)
            .map(|text| {
                vec![Source {
                    name: arg.to_owned(),
                    text,
                }]
            })
            .map_err(|e| format!("cannot read {arg}: {e}"))
    }

    fn now(&self) -> i64 {
        NOW
    }

    fn write(&self, path: &str, _contents: &str) -> Result<(), String> {
        // Fixtures print with `-o -`; any other path is refused so a test
        // never writes into the tree.
        Err(format!("fixtures do not write files ({path})"))
    }
}

/// Splits a command line on spaces, keeping "double-quoted" words together.
fn split_args(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// Runs every `# run:` line of one fixture and renders the transcript.
fn transcript(path: &Path, text: &str) -> Result<String, String> {
    let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
    if !header.iter().any(|l| l.starts_with("# upstream: ")) {
        return Err("the header has no `# upstream:` line naming the rule's source".into());
    }
    let runs: Vec<&str> = header
        .iter()
        .filter_map(|l| l.strip_prefix("# run: "))
        .collect();
    if runs.is_empty() {
        return Err("the header has no `# run:` line".into());
    }
    let host = FixtureHost {
        dir: path.parent().unwrap_or(Path::new(".")),
        stdin: text,
    };
    let mut out = String::new();
    for run in runs {
        let result = kubeplay_cli::run(&split_args(run), &host);
        out.push_str(&format!("$ kubeplay {run}\n{}", result.stdout));
        if !result.stderr.is_empty() {
            out.push_str(&format!("[stderr]\n{}", result.stderr));
        }
        out.push_str(&format!("[exit {}]\n\n", result.code));
    }
    Ok(out)
}

#[test]
fn fixtures_match_their_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let files = files_under(&root);
    let mut failures = Vec::new();
    let mut per_family: BTreeMap<String, usize> = BTreeMap::new();
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
    {
        let family = path
            .parent()
            .and_then(Path::file_name)
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        *per_family.entry(family).or_default() += 1;
        let text = std::fs::read_to_string(path).expect("fixtures are UTF-8");
        let snapshot = path.with_extension("out");
        let actual = match transcript(path, &text) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        if update {
            std::fs::write(&snapshot, &actual).expect("snapshot written");
            continue;
        }
        match std::fs::read_to_string(&snapshot) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "{}: output differs from its snapshot (UPDATE_EXPECT=1 to accept)\n--- expected\n{expected}--- actual\n{actual}",
                path.display()
            )),
            Err(_) => failures.push(format!(
                "{}: no snapshot {} (UPDATE_EXPECT=1 writes it)",
                path.display(),
                snapshot.display()
            )),
        }
    }
    // Reject snapshots that no fixture produces.
    for out in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "out"))
    {
        let fixture: PathBuf = out.with_extension("yaml");
        if !fixture.exists() {
            failures.push(format!("{}: snapshot without a fixture", out.display()));
        }
    }
    let counts: Vec<String> = per_family.iter().map(|(f, n)| format!("{f} {n}")).collect();
    eprintln!("fixtures: {}", counts.join(", "));
    assert!(
        !per_family.is_empty(),
        "no fixtures found under {}",
        root.display()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn fixture_arguments_split_like_a_shell() {
    assert_eq!(
        split_args(r#"trace --from "pod/a b" --to web:80"#),
        ["trace", "--from", "pod/a b", "--to", "web:80"]
    );
}
