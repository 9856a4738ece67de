//! `kubeplay`: the command line over kubeplay's core.

mod input;

use std::io::Write;
use std::process::ExitCode;

/// The real world: files, standard input and the system clock.
struct RealHost;

impl kubeplay_cli::Host for RealHost {
    fn read(&self, arg: &str) -> Result<Vec<kubeplay_cli::Source>, String> {
        input::read(arg).map_err(|e| format!("{e:#}"))
    }

    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    }

    fn write(&self, path: &str, contents: &str) -> Result<(), String> {
        std::fs::write(path, contents).map_err(|e| format!("cannot write {path}: {e}"))
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = kubeplay_cli::run(&args, &RealHost);
    // A closed pipe (`kubeplay get ... | head`) is not an error worth a panic.
    let _ = std::io::stdout().write_all(out.stdout.as_bytes());
    let _ = std::io::stderr().write_all(out.stderr.as_bytes());
    ExitCode::from(out.code)
}
