//! The traffic simulation from outside the core: its totals always add up
//! under random flows, speeds and steps (property test), and the cost of one
//! step with 500 packets in flight (printed, not asserted: budgets are
//! measured by `cargo xtask bench`).

use kubeplay_core::analyze;
use kubeplay_core::sim::{Flow, Simulation};
use kubeplay_core::trace::{Source, Target};
use proptest::prelude::*;

fn flow(source: &str, target: &str, per_second: u32, clients: u8) -> Flow {
    Flow {
        source: Source::parse(source).unwrap_or_else(|e| panic!("{e}")),
        target: Target::parse(target).unwrap_or_else(|e| panic!("{e}")),
        protocol: "TCP".into(),
        per_second,
        clients,
    }
}

/// Flows covering every outcome in the default example: delivered (DNAT),
/// rejected/dropped (no such NodePort), NXDOMAIN (a cluster name from
/// outside), NONE (ExternalName) and the Ingress-free LB path.
fn flows() -> Vec<Flow> {
    vec![
        flow("external", "node/node-1:30080", 0, 3),
        flow("external", "node/node-2:31999", 0, 1),
        flow("external", "web.default:80", 0, 1),
        flow("node/node-3", "payments:443", 0, 1),
        flow("node/node-2", "web.default.svc.cluster.local:80", 0, 1),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn sent_is_delivered_plus_the_other_outcomes_plus_pending(
        seed in any::<u64>(),
        rates in proptest::collection::vec(0u32..60, 5),
        speed in (1u32..4, 1u32..5),
        steps in proptest::collection::vec((0u64..300_000, any::<bool>()), 1..80),
    ) {
        let cluster = analyze(kubeplay_core::examples::DEFAULT).cluster;
        let mut sim = Simulation::new(seed);
        for (mut f, rate) in flows().into_iter().zip(rates) {
            f.per_second = rate;
            sim.add_flow(f);
        }
        sim.set_speed(speed.0, speed.1);
        for (dt, one) in steps {
            if one {
                sim.step_one_packet(&cluster);
            } else {
                sim.step(&cluster, dt);
            }
            let t = sim.totals();
            prop_assert_eq!(
                t.sent,
                t.delivered + t.dropped + t.rejected + t.nxdomain + t.other + t.pending
            );
            // Every pending request is drawn (replies may add more).
            prop_assert!(sim.packets_in_flight().count() as u64 >= t.pending);
            for v in sim.packets_in_flight() {
                prop_assert!(v.progress_permille <= 1000);
            }
        }
    }
}

#[test]
fn a_step_with_500_packets_in_flight_is_cheap() {
    let cluster = analyze(kubeplay_core::examples::DEFAULT).cluster;
    let mut sim = Simulation::new(1);
    // About 2 s in flight per request: 280 requests/s keeps ~500 in the air.
    sim.add_flow(flow("external", "node/node-1:30080", 280, 8));
    for _ in 0..240 {
        sim.step(&cluster, 16_667);
    }
    let in_flight = sim.packets_in_flight().count();
    assert!(in_flight >= 500, "{in_flight} in flight");
    let frames = 600u32;
    let started = std::time::Instant::now();
    let mut drawn = 0usize;
    for _ in 0..frames {
        sim.step(&cluster, 16_667);
        drawn += sim
            .packets_in_flight()
            .map(|v| usize::from(v.progress_permille) + v.leg_from.len())
            .sum::<usize>();
    }
    let per_frame = started.elapsed() / frames;
    println!(
        "sim step + views, {in_flight} packets in flight, about 5 new traces per frame: {per_frame:?} per frame (checksum {drawn})"
    );
    // Without new requests: the pure cost of moving packets.
    sim.clear_flows();
    let started = std::time::Instant::now();
    for _ in 0..60 {
        sim.step(&cluster, 1);
        drawn += sim.packets_in_flight().count();
    }
    println!(
        "sim step + views, no new requests: {:?} per frame ({drawn})",
        started.elapsed() / 60
    );
}
