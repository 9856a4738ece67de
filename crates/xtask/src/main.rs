//! `cargo xtask`: the one entry point that people and CI both run.
//!
//! - `cargo xtask serve`: build the playground and serve it on http://127.0.0.1:8080.
//! - `cargo xtask test`: every check and test the project has, ending with `N passed, N failed`.
//! - `cargo xtask dist`: the optimised static site in `dist/`, with its sizes.
//! - `cargo xtask bench [--smoke] [--quick] [--soak-seconds N]`: the benchmarks
//!   (`bench.rs`), a table and `target/bench/results.json`.
//!
//! Each command first installs what it needs (the wasm32 target, trunk, wasm-bindgen-cli,
//! the npm packages under `web/`, and for tests Debian's chromium), builds the editor
//! bundle `web/editor/dist/editor.js` with esbuild, and skips what is already present
//! at the right version or up to date.

mod bench;
mod split;
mod tools;

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(),
        Some("test") => test(),
        Some("dist") => dist().map(|_| ()),
        Some("bench") => bench::bench(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <serve | test | dist | bench [--smoke] [--quick] [--soak-seconds N]>"
            );
            std::process::exit(2);
        }
    };
    if let Err(err) = result {
        eprintln!("\nxtask: {err:#}");
        std::process::exit(1);
    }
}

/// The workspace root (the parent of `crates/`).
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn serve() -> Result<()> {
    let env = tools::ensure(tools::Need::Build)?;
    println!("Serving the playground on http://127.0.0.1:8080 (Ctrl-C stops)");
    let status = env
        .command("trunk")
        .args([
            "serve",
            "--offline",
            "--address",
            "127.0.0.1",
            "--port",
            "8080",
        ])
        .current_dir(root())
        .status()
        .context("running trunk serve")?;
    if !status.success() {
        bail!("trunk serve failed");
    }
    Ok(())
}

/// Copies every fixture manifest into one flat folder, the fuzzer's seed corpus.
fn copy_seeds(fixtures: &Path, seeds: &Path) -> Result<()> {
    std::fs::create_dir_all(seeds)?;
    let mut files = Vec::new();
    collect_files(fixtures, &mut files);
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "yaml"))
    {
        let name = f
            .strip_prefix(fixtures)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('/', "--");
        std::fs::copy(f, seeds.join(name))?;
    }
    Ok(())
}

/// Builds the optimised site into `dist/` and prints each file's size.
fn dist() -> Result<PathBuf> {
    let env = tools::ensure(tools::Need::Dist)?;
    build_site(&env)?;
    let dist = root().join("dist");
    print_sizes(&dist)?;
    Ok(dist)
}

pub(crate) fn build_site(env: &tools::Env) -> Result<()> {
    run(&mut build_command(env, &root())).context("building the release site with trunk")?;
    finish_site(env, &root().join("dist"))
}

/// What follows trunk's build of the release site in `dist`: the prerendered
/// first diagram, the wasm split in two, and the checks on the result.
/// `KUBEPLAY_SPLIT=0` leaves the wasm whole, to compare the two.
fn finish_site(env: &tools::Env, dist: &Path) -> Result<()> {
    prerender(dist)?;
    if std::env::var_os("KUBEPLAY_SPLIT").is_some_and(|v| v == "0") {
        println!("KUBEPLAY_SPLIT=0: the wasm is left whole");
    } else {
        split::split_site(env, dist)?;
    }
    check_site(dist)
}

/// Writes the first diagram into the built site's `index.html`: the default
/// example drawn by the same core and renderer as the app, light and dark, as
/// two `data:` images in a `#kp-first` block (no request, so it shows as soon
/// as the page and its CSS have arrived; the CSS shows the one for the
/// reader's theme). `web/first.js` hides the block before the first paint when
/// the visit has link state or an autosave (the default example would be the
/// wrong picture); the app removes it once the live diagram is drawn.
/// `trunk serve` (development) has no such block.
fn prerender(dist: &Path) -> Result<()> {
    let cluster = kubeplay_core::analyze(kubeplay_core::examples::DEFAULT).cluster;
    let scene = kubeplay_scene::layout(&cluster);
    let alt = format!(
        "The default example cluster: {} nodes, {} Services and {} pods (a picture; the live diagram replaces it when the playground has loaded)",
        cluster.nodes.len(),
        cluster.services.len(),
        cluster.pods.len()
    );
    let img = |dark: bool| {
        format!(
            r#"<img class="{}" src="data:image/svg+xml,{}" width="{}" height="{}" alt="{alt}" data-first-diagram>"#,
            if dark {
                "kp-first-dark"
            } else {
                "kp-first-light"
            },
            data_uri_text(&kubeplay_scene::export_svg(&cluster, false, dark)),
            scene.width.round(),
            scene.height.round()
        )
    };
    let block = format!(
        r#"<div id="kp-first" role="status"><p>Loading the playground&#8230;</p>{}{}</div>"#,
        img(false),
        img(true)
    );
    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index)?;
    let anchor = r#"<div id="app">"#;
    if !html.contains(anchor) {
        bail!("dist/index.html has no {anchor}");
    }
    std::fs::write(
        &index,
        html.replacen(anchor, &format!("{block}\n    {anchor}"), 1),
    )?;
    println!("dist/index.html has the prerendered first diagram");
    Ok(())
}

/// Text for a `data:` URL inside a double-quoted HTML attribute: what a URL
/// or the attribute would misread is percent-encoded.
fn data_uri_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '%' | '#' | '"' | '&' | '<' | '>' | '\n' | '\r' | '\t' => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The built site must run under `script-src 'self'`: no HTML file may hold
/// an inline script (trunk's loader is `web/boot.js` through Trunk.toml's
/// `pattern_script`), and the files DESIGN.md names must be at its root.
fn check_site(dist: &Path) -> Result<()> {
    for name in ["index.html", "boot.js", "embed.js", "embed-demo.html"] {
        if !dist.join(name).is_file() {
            bail!("dist/{name} is missing");
        }
    }
    for entry in std::fs::read_dir(dist)?.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(&path)?;
        for tag in html.split("<script").skip(1) {
            let tag = tag.split('>').next().unwrap_or_default();
            if !tag.contains("src=") && !tag.contains("type=\"text/yaml\"") {
                bail!(
                    "{} has an inline <script{tag}>: the site must run under script-src 'self' (see Trunk.toml pattern_script)",
                    path.display()
                );
            }
        }
    }
    println!("dist/ has no inline script");
    Ok(())
}

fn print_sizes(dist: &Path) -> Result<()> {
    let mut files = Vec::new();
    collect_files(dist, &mut files);
    files.sort();
    let (mut raw_total, mut gz_total) = (0, 0);
    println!("{:<48} {:>10} {:>10}", "dist/", "raw", "gzip -9");
    for f in files {
        let bytes = std::fs::read(&f)?;
        let gz = gzip_len(&bytes)?;
        raw_total += bytes.len();
        gz_total += gz;
        let name = f.strip_prefix(dist).unwrap_or(&f).display().to_string();
        println!("{name:<48} {:>10} {gz:>10}", bytes.len());
    }
    println!("{:<48} {raw_total:>10} {gz_total:>10}", "total");
    Ok(())
}

fn gzip_len(bytes: &[u8]) -> Result<usize> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len())
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                collect_files(&p, out);
            } else {
                out.push(p);
            }
        }
    }
}

/// Pass and fail counts summed over every test runner.
#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
}

impl Tally {
    /// Reads `test result: ok. 3 passed; 0 failed` (cargo, wasm-bindgen-test)
    /// and `# pass 3` / `# fail 0` (node's test runner).
    fn read(&mut self, line: &str) {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("test result:") {
            for part in rest.split([';', '.']) {
                let mut words = part.split_whitespace();
                if let (Some(n), Some(what)) = (words.next(), words.next())
                    && let Ok(n) = n.parse::<u64>()
                {
                    match what {
                        "passed" => self.passed += n,
                        "failed" => self.failed += n,
                        _ => {}
                    }
                }
            }
        } else if let Some(n) = line
            .strip_prefix("# pass ")
            .and_then(|n| n.parse::<u64>().ok())
        {
            self.passed += n;
        } else if let Some(n) = line
            .strip_prefix("# fail ")
            .and_then(|n| n.parse::<u64>().ok())
        {
            self.failed += n;
        }
    }
}

fn test() -> Result<()> {
    let started = Instant::now();
    let env = tools::ensure(tools::Need::Test)?;
    let root = root();
    let mut tally = Tally::default();
    let corpus = root.join("../shared/corpus");
    let corpus = corpus
        .is_dir()
        .then(|| corpus.canonicalize().unwrap_or(corpus));

    let step = |name: &str, cmd: &mut Command, tally: &mut Tally| -> Result<()> {
        let t = Instant::now();
        println!("\n=== {name}");
        let result = run_counting(cmd, tally);
        println!(
            "=== {name}: {} in {:.1}s",
            if result.is_ok() { "ok" } else { "FAILED" },
            t.elapsed().as_secs_f64()
        );
        result.with_context(|| format!("step `{name}` failed"))
    };

    step(
        "rustfmt",
        env.command("cargo")
            .args(["fmt", "--all", "--", "--check"])
            .current_dir(&root),
        &mut tally,
    )?;
    step(
        "clippy (native)",
        env.command("cargo")
            .args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ])
            .current_dir(&root),
        &mut tally,
    )?;
    step(
        "clippy (wasm32)",
        env.command("cargo")
            .args([
                "clippy",
                "-p",
                "kubeplay-core",
                "-p",
                "kubeplay-scene",
                "-p",
                "kubeplay-web",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ])
            .current_dir(&root),
        &mut tally,
    )?;
    println!("\n=== crate boundaries");
    check_core_boundary(&env, &root, "kubeplay-core")?;
    check_core_boundary(&env, &root, "kubeplay-scene")?;
    println!("=== crate boundaries: ok");

    let mut native = env.command("cargo");
    native.args(["test", "--workspace"]).current_dir(&root);
    match &corpus {
        Some(dir) => {
            println!("\ncorpus: checking every manifest in {}", dir.display());
            native.env("KUBEPLAY_CORPUS", dir);
        }
        None => println!(
            "\ncorpus: ../shared/corpus NOT FOUND beside the checkout; the corpus checks are skipped (CI always has it)"
        ),
    }
    step("native tests", &mut native, &mut tally)?;
    let seeds = root.join("target/fuzz-seeds");
    copy_seeds(&root.join("tests/fixtures"), &seeds)?;
    step(
        "fuzz target (build, then 15 s of fuzzing from the fixtures)",
        env.command("cargo")
            .args(["fuzz", "run", "--sanitizer", "none", "front_end"])
            .arg(&seeds)
            .args(["--", "-max_total_time=15", "-max_len=8192"])
            .current_dir(&root),
        &mut tally,
    )?;
    step(
        "wasm-bindgen-test (headless Chromium)",
        env.command("cargo")
            .args([
                "test",
                "-p",
                "kubeplay-web",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .current_dir(&root),
        &mut tally,
    )?;
    step(
        "editor units (Node)",
        env.command("node")
            .args(["--test", "tests/unit/"])
            .current_dir(root.join("web")),
        &mut tally,
    )?;
    step(
        "release site build",
        &mut build_command(&env, &root),
        &mut tally,
    )?;
    finish_site(&env, &root.join("dist"))?;
    step(
        "end-to-end (Playwright, Chromium)",
        env.command("node")
            .args(["--test", "--test-concurrency=1", "tests/e2e/"])
            .env("KUBEPLAY_DIST", root.join("dist"))
            .env("KUBEPLAY_ARTIFACTS", root.join("target/e2e-artifacts"))
            .current_dir(root.join("web")),
        &mut tally,
    )?;

    // The benchmarks' smoke run (tiny sizes, seconds) on the site just built,
    // so `cargo xtask bench` cannot rot; its numbers are not looked at.
    let t = Instant::now();
    println!("\n=== bench (smoke run)");
    let smoke = bench::run(&env, &root, &bench::Options::smoke());
    println!(
        "=== bench (smoke run): {} in {:.1}s",
        if smoke.is_ok() { "ok" } else { "FAILED" },
        t.elapsed().as_secs_f64()
    );
    match smoke {
        Ok(()) => tally.passed += 1,
        Err(e) => {
            tally.failed += 1;
            println!("{} passed, {} failed", tally.passed, tally.failed);
            return Err(e.context("step `bench (smoke run)` failed"));
        }
    }

    println!(
        "\nall steps ok in {:.0}s; screenshots in target/e2e-artifacts/",
        started.elapsed().as_secs_f64()
    );
    println!("{} passed, {} failed", tally.passed, tally.failed);
    if tally.failed > 0 {
        bail!("{} tests failed", tally.failed);
    }
    Ok(())
}

/// `trunk build` of the release site. `--public-url ./` makes every asset URL
/// relative, so the site works under any sub-path.
fn build_command(env: &tools::Env, root: &Path) -> Command {
    let mut c = env.command("trunk");
    c.args(["build", "--release", "--offline", "--public-url", "./"])
        .current_dir(root);
    c
}

/// The pure crates must not depend on any browser crate (rust-analyzer checks
/// its boundaries the same way, with `cargo tree`).
fn check_core_boundary(env: &tools::Env, root: &Path, krate: &str) -> Result<()> {
    const FORBIDDEN: &[&str] = &["yew", "web-sys", "js-sys", "wasm-bindgen", "gloo"];
    let out = env
        .command("cargo")
        .args([
            "tree",
            "-p",
            krate,
            "--edges",
            "normal,build",
            "--target",
            "all",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .current_dir(root)
        .output()
        .context("running cargo tree")?;
    if !out.status.success() {
        bail!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let tree = String::from_utf8_lossy(&out.stdout);
    let bad: Vec<&str> = tree
        .lines()
        .filter(|l| {
            let name = l.split_whitespace().next().unwrap_or("");
            FORBIDDEN
                .iter()
                .any(|f| name == *f || name.starts_with("gloo"))
        })
        .collect();
    if !bad.is_empty() {
        bail!(
            "kubeplay-core depends on browser crates: {}",
            bad.join(", ")
        );
    }
    println!("kubeplay-core depends on none of {}", FORBIDDEN.join(", "));
    Ok(())
}

/// Runs a command, echoing its output, and fails when it fails.
pub(crate) fn run(cmd: &mut Command) -> Result<()> {
    let mut ignored = Tally::default();
    run_counting(cmd, &mut ignored)
}

/// Runs a command, echoing its standard output line by line into `tally`.
fn run_counting(cmd: &mut Command, tally: &mut Tally) -> Result<()> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {:?}", cmd.get_program()))?;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line?;
            println!("{line}");
            tally.read(&line);
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("{:?} exited with {status}", cmd.get_program());
    }
    Ok(())
}
