//! `cargo xtask bench`: runs the native benchmarks (`tests/bench.rs`, a
//! release build) and the browser ones (`web/bench/bench.mjs`, headless
//! Chromium on the release site), prints one table and writes every figure to
//! `target/bench/results.json` as `[{"name", "value", "unit", "budget"}]`.
//!
//! Budgets (DESIGN.md's, written next to each browser figure; `null` when a
//! figure has none) are upper bounds. A missed budget prints `MISS` and never
//! fails the command; a benchmark that cannot run does.

use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::path::Path;
use std::process::Stdio;

/// What to run.
pub struct Options {
    /// Tiny sizes and a few seconds, for `cargo xtask test`.
    pub smoke: bool,
    /// A 30-second soak instead of five minutes.
    pub quick: bool,
    /// The soak's length in seconds, when given.
    pub soak_seconds: Option<String>,
    /// Build the release site first (the test command has just built it).
    pub build: bool,
}

impl Options {
    /// The smoke run `cargo xtask test` ends with.
    pub fn smoke() -> Options {
        Options {
            smoke: true,
            quick: false,
            soak_seconds: None,
            build: false,
        }
    }
}

/// `cargo xtask bench [--smoke] [--quick] [--soak-seconds N]`.
pub fn bench(args: &[String]) -> Result<()> {
    let mut opts = Options {
        smoke: false,
        quick: false,
        soak_seconds: None,
        build: true,
    };
    let mut args = args.iter();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--smoke" => opts.smoke = true,
            "--quick" => opts.quick = true,
            "--soak-seconds" => {
                opts.soak_seconds = Some(
                    args.next()
                        .context("--soak-seconds needs a number")?
                        .clone(),
                )
            }
            other => bail!("unknown bench option {other}"),
        }
    }
    let env = crate::tools::ensure(crate::tools::Need::Bench)?;
    let root = crate::root();
    if opts.build {
        crate::build_site(&env)?;
    }
    run(&env, &root, &opts)
}

/// Runs both halves on the site in `dist/` and reports.
pub fn run(env: &crate::tools::Env, root: &Path, opts: &Options) -> Result<()> {
    // The smoke run writes beside, never over, the last full results.
    let out = if opts.smoke {
        root.join("target/bench/smoke")
    } else {
        root.join("target/bench")
    };
    let manifests = out.join("manifests");
    let mut results = native(env, root, opts, &manifests)?;
    results.extend(browser(env, root, opts, &manifests, &out)?);
    print_table(&results);
    std::fs::create_dir_all(&out)?;
    let file = out.join("results.json");
    std::fs::write(&file, serde_json::to_string_pretty(&results)? + "\n")?;
    println!("written to {}", file.display());
    Ok(())
}

/// `tests/bench.rs`, built in release (the smoke run reuses the test build).
fn native(
    env: &crate::tools::Env,
    root: &Path,
    opts: &Options,
    manifests: &Path,
) -> Result<Vec<Value>> {
    println!("\n--- native (kubeplay-core, kubeplay-scene)");
    let mut cmd = env.command("cargo");
    cmd.args(["run", "--quiet", "-p", "kubeplay-tests", "--bin", "bench"]);
    if !opts.smoke {
        cmd.arg("--release");
    }
    cmd.arg("--").arg("--manifests").arg(manifests);
    if opts.smoke {
        cmd.arg("--smoke");
    }
    let out = cmd
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .context("running the native bench")?;
    if !out.status.success() {
        bail!("the native bench failed ({})", out.status);
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).with_context(|| format!("native bench printed {l:?}")))
        .collect()
}

/// `web/bench/bench.mjs` in headless Chromium.
fn browser(
    env: &crate::tools::Env,
    root: &Path,
    opts: &Options,
    manifests: &Path,
    out: &Path,
) -> Result<Vec<Value>> {
    println!("\n--- browser (release site in headless Chromium)");
    let file = out.join("browser.json");
    let _ = std::fs::remove_file(&file);
    let mut cmd = env.command("node");
    cmd.arg("bench/bench.mjs")
        .arg("--manifests")
        .arg(manifests)
        .arg("--out")
        .arg(&file)
        .env("KUBEPLAY_DIST", root.join("dist"))
        .current_dir(root.join("web"));
    if opts.smoke {
        cmd.arg("--smoke");
    }
    if opts.quick {
        cmd.arg("--quick");
    }
    if let Some(s) = &opts.soak_seconds {
        cmd.args(["--soak-seconds", s]);
    }
    crate::run(&mut cmd).context("the browser bench failed")?;
    let text =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    match serde_json::from_str(&text)? {
        Value::Array(list) => Ok(list),
        _ => bail!("{} is not a list", file.display()),
    }
}

/// Prints `name value unit budget status`, one figure a line.
fn print_table(results: &[Value]) {
    println!(
        "\n{:<38} {:>12} {:<14} {:>8}  status",
        "benchmark", "value", "unit", "budget"
    );
    let (mut ok, mut miss) = (0, 0);
    for r in results {
        let name = r["name"].as_str().unwrap_or("?");
        let value = r["value"].as_f64().unwrap_or(f64::NAN);
        let unit = r["unit"].as_str().unwrap_or("");
        let (budget, status) = match r["budget"].as_f64() {
            Some(b) if value <= b => {
                ok += 1;
                (format_value(b), "ok")
            }
            Some(b) => {
                miss += 1;
                (format_value(b), "MISS")
            }
            None => (String::new(), ""),
        };
        println!(
            "{name:<38} {:>12} {unit:<14} {budget:>8}  {status}",
            format_value(value)
        );
    }
    println!("budgets: {ok} met, {miss} missed (a miss never fails the bench)");
}

fn format_value(v: f64) -> String {
    match v.abs() {
        a if a >= 100.0 => format!("{v:.0}"),
        a if a >= 10.0 => format!("{v:.1}"),
        _ => format!("{v:.2}"),
    }
}
