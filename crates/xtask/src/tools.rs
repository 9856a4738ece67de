//! Installs the tools the project needs, skipping what is already present at
//! the right version. Versions come from the repository itself: Cargo.lock for
//! wasm-bindgen, Trunk.toml's pins, web/package-lock.json for npm packages.

use anyhow::{Context, Result, bail};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The trunk release that installs on stable 1.95 (0.22 needs a newer rustc).
const TRUNK_VERSION: &str = "0.21.14";

/// What a command is about to do.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Build the development site (`trunk serve`).
    Build,
    /// Build the release site, which profiles its wasm in a browser.
    Dist,
    /// Build the site and run every test, which also needs a browser.
    Test,
    /// Build the site and benchmark it in a browser.
    Bench,
}

/// The environment for child processes: PATH with cargo's bin directory and
/// the npm tools (wasm-opt) in front.
pub struct Env {
    path: OsString,
}

impl Env {
    /// A command that sees the project's tools on PATH.
    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("PATH", &self.path);
        c
    }

    fn output(&self, program: &str, args: &[&str]) -> Option<String> {
        let out = self.command(program).args(args).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }
}

/// Makes sure every tool `need` requires is installed.
pub fn ensure(need: Need) -> Result<Env> {
    let root = super::root();
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let mut paths = vec![root.join("web/node_modules/.bin"), home.join(".cargo/bin")];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let env = Env {
        path: std::env::join_paths(paths).context("building PATH")?,
    };
    println!("=== tools");
    wasm_target(&env)?;
    npm_packages(&env, &root)?;
    editor_bundle(&env, &root)?;
    wasm_bindgen(&env, &root)?;
    trunk(&env)?;
    if need != Need::Build {
        chromium(&env)?;
    }
    if need == Need::Test {
        cargo_fuzz(&env)?;
    }
    println!("=== tools: ready");
    Ok(env)
}

fn wasm_target(env: &Env) -> Result<()> {
    let installed = env
        .output("rustup", &["target", "list", "--installed"])
        .unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("wasm32-unknown-unknown target: present");
        return Ok(());
    }
    println!("wasm32-unknown-unknown target: installing");
    status(
        env.command("rustup")
            .args(["target", "add", "wasm32-unknown-unknown"]),
    )
}

fn npm_packages(env: &Env, root: &Path) -> Result<()> {
    let web = root.join("web");
    if env.output("node", &["--version"]).is_none() || env.output("npm", &["--version"]).is_none() {
        bail!("Node.js and npm are needed. Install them with: apt-get install -y nodejs npm");
    }
    let lock = web.join("package-lock.json");
    let installed = web.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&installed)) {
        (Ok(l), Ok(i)) => match (l.modified(), i.modified()) {
            (Ok(l), Ok(i)) => i >= l,
            _ => false,
        },
        _ => false,
    };
    if fresh {
        println!("npm packages (web/): present");
        return Ok(());
    }
    println!("npm packages (web/): installing from package-lock.json");
    status(
        env.command("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&web),
    )
}

/// Builds `web/editor/dist/editor.js` (the editor and its completion data, bundled by
/// esbuild), which index.html copies into the site for the app to `import()`.
/// Skipped when the bundle is newer than every source file under `web/editor/`,
/// `web/package.json` and `web/package-lock.json`.
fn editor_bundle(env: &Env, root: &Path) -> Result<()> {
    let web = root.join("web");
    if editor_bundle_fresh(&web) {
        println!("editor bundle (web/editor/dist/editor.js): up to date");
        return Ok(());
    }
    println!("editor bundle (web/editor/dist/editor.js): building with esbuild");
    status(
        env.command("npm")
            .args(["run", "--silent", "build:editor"])
            .current_dir(&web),
    )
}

/// Whether `web/editor/dist/editor.js` is newer than everything it is built from.
fn editor_bundle_fresh(web: &Path) -> bool {
    let modified = |f: &Path| std::fs::metadata(f).and_then(|m| m.modified()).ok();
    let Some(built) = modified(&web.join("editor/dist/editor.js")) else {
        return false;
    };
    let dist = web.join("editor/dist");
    let mut sources = vec![web.join("package.json"), web.join("package-lock.json")];
    super::collect_files(&web.join("editor"), &mut sources);
    sources
        .iter()
        .filter(|f| {
            !f.starts_with(&dist) && f.extension().is_some_and(|e| e == "js" || e == "json")
        })
        .all(|f| modified(f).is_some_and(|m| m < built))
}

/// The wasm-bindgen version locked in Cargo.lock.
fn locked_wasm_bindgen(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
        {
            return Ok(v.trim_matches('"').to_owned());
        }
    }
    bail!("Cargo.lock has no wasm-bindgen entry")
}

fn wasm_bindgen(env: &Env, root: &Path) -> Result<()> {
    let version = locked_wasm_bindgen(root)?;
    let trunk_toml =
        std::fs::read_to_string(root.join("Trunk.toml")).context("reading Trunk.toml")?;
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{version}\"")) {
        bail!(
            "Trunk.toml must pin wasm_bindgen = \"{version}\" (the version in Cargo.lock), or trunk tries to download it"
        );
    }
    let want = format!("wasm-bindgen {version}");
    if env
        .output("wasm-bindgen", &["--version"])
        .is_some_and(|v| v == want)
    {
        println!("wasm-bindgen-cli {version}: present");
        return Ok(());
    }
    println!("wasm-bindgen-cli {version}: installing (about 2 minutes)");
    // Not --locked: the registry lacks one of its locked dependency versions.
    status(
        env.command("cargo")
            .args(["install", "wasm-bindgen-cli", "--version", &version]),
    )
}

fn trunk(env: &Env) -> Result<()> {
    let want = format!("trunk {TRUNK_VERSION}");
    if env
        .output("trunk", &["--version"])
        .is_some_and(|v| v == want)
    {
        println!("trunk {TRUNK_VERSION}: present");
        return Ok(());
    }
    println!("trunk {TRUNK_VERSION}: installing (about 7 minutes on 2 cores)");
    status(
        env.command("cargo")
            .args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]),
    )
}

/// cargo-fuzz builds and runs the front end's fuzz target on stable Rust
/// (`--sanitizer none`).
const CARGO_FUZZ_VERSION: &str = "0.13.2";

fn cargo_fuzz(env: &Env) -> Result<()> {
    let want = format!("cargo-fuzz {CARGO_FUZZ_VERSION}");
    if env
        .output("cargo", &["fuzz", "--version"])
        .is_some_and(|v| v == want)
    {
        println!("cargo-fuzz {CARGO_FUZZ_VERSION}: present");
        return Ok(());
    }
    println!("cargo-fuzz {CARGO_FUZZ_VERSION}: installing (about 3 minutes)");
    status(env.command("cargo").args([
        "install",
        "cargo-fuzz",
        "--version",
        CARGO_FUZZ_VERSION,
        "--locked",
    ]))
}

fn chromium(env: &Env) -> Result<()> {
    let have = |p: &str| Path::new(p).exists();
    if have("/usr/bin/chromium") && have("/usr/bin/chromedriver") {
        println!("chromium and chromedriver: present");
        return Ok(());
    }
    let root_user = env.output("id", &["-u"]).is_some_and(|u| u == "0");
    if !root_user {
        bail!(
            "the browser tests need Debian's chromium and chromium-driver. As root, run:\n    apt-get update && apt-get install -y chromium chromium-driver"
        );
    }
    println!("chromium and chromedriver: installing with apt-get");
    status(env.command("apt-get").arg("update"))?;
    status(
        env.command("apt-get")
            .args([
                "install",
                "-y",
                "--no-install-recommends",
                "chromium",
                "chromium-driver",
            ])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

fn status(cmd: &mut Command) -> Result<()> {
    let s = cmd
        .status()
        .with_context(|| format!("starting {:?}", cmd.get_program()))?;
    if !s.success() {
        bail!("{:?} failed with {s}", cmd.get_program());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::editor_bundle_fresh;
    use std::path::Path;
    use std::time::{Duration, SystemTime};

    fn touch(path: &Path, secs_ago: u64) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, "x")?;
        std::fs::File::options()
            .write(true)
            .open(path)?
            .set_modified(SystemTime::now() - Duration::from_secs(secs_ago))
    }

    #[test]
    fn editor_bundle_is_rebuilt_only_when_a_source_is_newer() -> std::io::Result<()> {
        let web = std::env::temp_dir().join(format!("xtask-editor-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&web);
        touch(&web.join("package.json"), 100)?;
        touch(&web.join("package-lock.json"), 100)?;
        touch(&web.join("editor/editor.js"), 100)?;
        assert!(!editor_bundle_fresh(&web), "no bundle yet");
        touch(&web.join("editor/dist/editor.js"), 50)?;
        assert!(editor_bundle_fresh(&web));
        touch(&web.join("editor/test.html"), 0)?;
        assert!(editor_bundle_fresh(&web), "html is not a source");
        touch(&web.join("editor/schema.js"), 10)?;
        assert!(!editor_bundle_fresh(&web), "a newer source");
        touch(&web.join("editor/dist/editor.js"), 0)?;
        assert!(editor_bundle_fresh(&web), "rebuilt");
        touch(&web.join("package-lock.json"), 0)?;
        assert!(!editor_bundle_fresh(&web), "new npm packages");
        std::fs::remove_dir_all(&web)
    }
}
