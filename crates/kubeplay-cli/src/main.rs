//! `kubeplay`: the command line over kubeplay's core.
//!
//! Exit codes: 0 ok, 1 problems found (error-severity diagnostics), 2 usage error.

mod input;

use kubeplay_core::Diagnostic;
use std::process::ExitCode;

const USAGE: &str = "usage: kubeplay check -f FILE [-f FILE ...] [-o text|json]

  -f FILE   a manifest file, a directory (read recursively) or - for stdin
  -o FORMAT text (default) or json";

/// A command-line mistake: reported with the usage text, exit code 2.
struct Usage(String);

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    match run(args) {
        Ok(code) => code,
        Err(Usage(msg)) => {
            eprintln!("kubeplay: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<std::ffi::OsString>) -> Result<ExitCode, Usage> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let command = match parser.next().map_err(|e| Usage(e.to_string()))? {
        Some(Value(v)) => v.string().map_err(|e| Usage(e.to_string()))?,
        Some(Long("help") | Short('h')) => {
            println!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        Some(other) => return Err(Usage(other.unexpected().to_string())),
        None => return Err(Usage("a command is required".into())),
    };
    let mut files = Vec::new();
    let mut format = "text".to_owned();
    while let Some(arg) = parser.next().map_err(|e| Usage(e.to_string()))? {
        match arg {
            Short('f') | Long("filename") => {
                files.push(parser.value().map_err(|e| Usage(e.to_string()))?)
            }
            Short('o') | Long("output") => {
                format = parser
                    .value()
                    .map_err(|e| Usage(e.to_string()))?
                    .string()
                    .map_err(|e| Usage(e.to_string()))?
            }
            other => return Err(Usage(other.unexpected().to_string())),
        }
    }
    match command.as_str() {
        "check" => {
            if files.is_empty() {
                return Err(Usage("check needs at least one -f FILE".into()));
            }
            if format != "text" && format != "json" {
                return Err(Usage(format!(
                    "unknown output format {format:?} (text or json)"
                )));
            }
            Ok(check(&files, &format))
        }
        other => Err(Usage(format!("unknown command {other:?}"))),
    }
}

fn check(files: &[std::ffi::OsString], format: &str) -> ExitCode {
    let sources = match input::read_all(files) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kubeplay: {e:#}");
            return ExitCode::from(2);
        }
    };
    let mut found: Vec<(String, Diagnostic)> = Vec::new();
    for source in &sources {
        let manifest = kubeplay_core::load(&source.text);
        found.extend(
            manifest
                .diagnostics
                .into_iter()
                .map(|d| (source.name.clone(), d)),
        );
    }
    if format == "json" {
        let list: Vec<serde_json::Value> = found
            .iter()
            .map(|(file, d)| {
                serde_json::json!({
                    "severity": d.severity.as_str(),
                    "path": d.path,
                    "type": d.error_type.as_str(),
                    "message": d.message,
                    "file": file,
                    "line": d.span.start.line,
                    "column": d.span.start.column,
                })
            })
            .collect();
        println!("{}", serde_json::json!({ "diagnostics": list }));
    } else {
        for (file, d) in &found {
            println!("{file}:{d}");
        }
    }
    if found.iter().any(|(_, d)| d.is_error()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
