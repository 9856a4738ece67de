//! The native half of `cargo xtask bench`: times the core on generated
//! manifests (`kubeplay_core::examples::synthetic`: a Deployment of five pods
//! and a Service per five pods, a node per hundred pods) and prints one JSON object per
//! line, `{"name", "value", "unit", "budget"}`, for xtask to collect.
//!
//! `core.load` reads the text alone; `core.edit_load` is the editor's
//! `Loader` reading one keystroke (`_newline`: a typed line break, which moves
//! every later document), where the other documents come from its cache.
//!
//! `cargo run --release -p kubeplay-tests --bin bench [-- --smoke]`. The clock
//! is read here, never in the core. Every figure is the median of several
//! repetitions (at least five, more while they take under a second in all).
//! `--smoke` uses tiny sizes and two repetitions, so `cargo xtask test` can run
//! it in a second to keep it from rotting; its numbers mean nothing.

use kubeplay_core::sim::Simulation;
use kubeplay_core::trace::{Source, Target, trace};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// How many packets the simulation step is measured with (DESIGN.md's
/// animation budget is for 500 in flight).
const IN_FLIGHT: usize = 500;
/// One animation frame at 60 Hz, in microseconds of simulation time.
const FRAME_US: u64 = 16_667;

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let sizes: &[usize] = if smoke {
        &[10, 20]
    } else {
        &[10, 100, 1_000, 5_000]
    };
    let reps = if smoke { (2, 2) } else { (5, 50) };
    if let Some(dir) = arg_value("--manifests") {
        write_manifests(std::path::Path::new(&dir), smoke);
    }
    let mut build_ms = Vec::new();
    let mut scene_ms_by_size = Vec::new();
    for &pods in sizes {
        let text = kubeplay_core::examples::synthetic(pods);
        let ms = median_ms(reps, || {
            black_box(kubeplay_core::analyze(black_box(&text)));
        });
        emit(&format!("core.build.{pods}_pods"), ms, "ms");
        build_ms.push((pods, ms));

        // One keystroke in the editor: a character typed in the middle
        // document, read by the editor's `Loader` (which re-reads only that
        // document), against a fresh `load` of the same text. A typed line
        // break also moves every later document.
        let (typed, newline) = edits(&text);
        let ms = median_ms(reps, || {
            black_box(kubeplay_core::load(black_box(&typed)));
        });
        emit(&format!("core.load.{pods}_pods"), ms, "ms");
        for (name, edited) in [("edit_load", &typed), ("edit_load_newline", &newline)] {
            let mut loader = kubeplay_core::Loader::new();
            // The app keeps the previous manifest while it reads the next.
            let mut previous = loader.load(&text);
            let mut flip = false;
            let ms = median_ms(reps, || {
                flip = !flip;
                let t = if flip { edited } else { &text };
                previous = black_box(loader.load(black_box(t)));
            });
            black_box(previous);
            emit(&format!("core.{name}.{pods}_pods"), ms, "ms");
        }

        let analysis = kubeplay_core::analyze(&text);
        let scene_ms = median_ms(reps, || {
            let scene = kubeplay_scene::layout(black_box(&analysis.cluster));
            black_box(kubeplay_scene::to_svg(
                &scene,
                &kubeplay_scene::SvgOptions::default(),
            ));
        });
        emit(&format!("scene.layout_svg.{pods}_pods"), scene_ms, "ms");
        scene_ms_by_size.push((pods, scene_ms));

        // A pod calling a Service by name: DNS through CoreDNS, then
        // kube-proxy's chains on the pod's node.
        let (source, target) = request(&analysis.cluster, pods);
        let trace_ms = median_ms(reps, || {
            black_box(trace(
                &analysis.cluster,
                &source,
                &target,
                "TCP",
                black_box(7),
            ));
        });
        emit(&format!("core.trace.{pods}_pods"), trace_ms * 1000.0, "µs");
    }
    // Scaling exponent between consecutive sizes: time grows as size^k.
    for (series, times) in [
        ("core.build", &build_ms),
        ("scene.layout_svg", &scene_ms_by_size),
    ] {
        for w in times.windows(2) {
            let ((a, ta), (b, tb)) = (w[0], w[1]);
            let k = (tb / ta).ln() / (b as f64 / a as f64).ln();
            emit(&format!("{series}.scaling.{a}_to_{b}"), k, "exponent");
        }
    }

    // One simulation step (a 60 Hz frame) with 500 packets in flight, on the
    // largest cluster measured up to 1,000 pods.
    let pods = sizes
        .iter()
        .copied()
        .filter(|&p| p <= 1_000)
        .max()
        .unwrap_or(10);
    let cluster = kubeplay_core::analyze(&kubeplay_core::examples::synthetic(pods)).cluster;
    let (source, target) = request(&cluster, pods);
    let mut samples = Vec::new();
    let started = Instant::now();
    while samples.len() < reps.0 || (samples.len() < reps.1 && started.elapsed() < SPEND) {
        let mut sim = Simulation::new(samples.len() as u64);
        for _ in 0..IN_FLIGHT {
            sim.send(&cluster, &source, &target, "TCP");
        }
        // Report the sends first, so the timed step only moves packets.
        sim.step(&cluster, 1_000);
        let t = Instant::now();
        black_box(sim.step(&cluster, FRAME_US).len());
        black_box(sim.packets_in_flight().count());
        samples.push(t.elapsed());
        assert_eq!(sim.packets_in_flight().count(), IN_FLIGHT);
    }
    emit(
        &format!("core.sim_step.{IN_FLIGHT}_packets"),
        median(samples) * 1000.0,
        "µs",
    );
}

/// Writes the manifests the browser bench uses, from the same generator:
/// `large.yaml`, 1,000 pods and 200 Services (DESIGN.md's edit budget), and
/// `peer.yaml`, 1,000 objects (500 Deployments and 500 Services) for the
/// parser comparison. The smoke run writes tiny ones under the same names.
fn write_manifests(dir: &std::path::Path, smoke: bool) {
    let (large, peer) = if smoke { (20, 25) } else { (1_000, 2_500) };
    let written = std::fs::create_dir_all(dir).and_then(|()| {
        std::fs::write(
            dir.join("large.yaml"),
            kubeplay_core::examples::synthetic(large),
        )?;
        std::fs::write(
            dir.join("peer.yaml"),
            kubeplay_core::examples::synthetic(peer),
        )
    });
    if let Err(e) = written {
        eprintln!("bench: cannot write manifests to {}: {e}", dir.display());
        std::process::exit(1);
    }
}

/// The text with one character typed into its middle document (a
/// replica count changed), and with a line break typed there instead.
fn edits(text: &str) -> (String, String) {
    let starts: Vec<usize> = text.match_indices("---\n").map(|(i, _)| i).collect();
    let middle = starts.get(starts.len() / 2).copied().unwrap_or(0);
    let at = text[middle..]
        .find("replicas: ")
        .map_or(middle, |i| middle + i + "replicas: ".len());
    let typed = format!("{}1{}", &text[..at], &text[at..]);
    let newline = format!("{}\n{}", &text[..middle + 4], &text[middle + 4..]);
    (typed, newline)
}

/// The value after `flag` on the command line.
fn arg_value(flag: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let i = args.iter().position(|a| a == flag)?;
    args.get(i + 1).cloned()
}

/// Total time spent repeating one measurement beyond the minimum count.
const SPEND: Duration = Duration::from_secs(1);

/// A request from the first generated pod to the Service `app-1` (or `app-0`
/// in a cluster of at most five pods).
fn request(cluster: &kubeplay_core::Cluster, pods: usize) -> (Source, Target) {
    let pod = cluster
        .pods
        .iter()
        .filter_map(|p| p.metadata.name.as_deref())
        .find(|n| n.starts_with("app-0-"))
        .unwrap_or("app-0");
    let service = if pods > 5 { "app-1" } else { "app-0" };
    let source = Source::parse(&format!("pod/default/{pod}"));
    let target = Target::parse(&format!("{service}:80"));
    match (source, target) {
        (Ok(s), Ok(t)) => (s, t),
        (s, t) => panic!("bench request does not parse: {s:?} {t:?}"),
    }
}

/// Runs `f` `min..=max` times (more while under [`SPEND`]) and returns the
/// median in milliseconds.
fn median_ms((min, max): (usize, usize), mut f: impl FnMut()) -> f64 {
    let mut samples = Vec::new();
    let started = Instant::now();
    while samples.len() < min || (samples.len() < max && started.elapsed() < SPEND) {
        let t = Instant::now();
        f();
        samples.push(t.elapsed());
    }
    median(samples)
}

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

fn emit(name: &str, value: f64, unit: &str) {
    println!(
        "{}",
        serde_json::json!({"name": name, "value": value, "unit": unit, "budget": null})
    );
}
