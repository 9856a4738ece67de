//! The traffic simulation the browser animates: requests (one-off sends and
//! continuous flows) travel along their traced paths in integer simulation
//! time, and `step` reports what happened (delivered, dropped, rejected, ...).
//!
//! Determinism: time is an argument (microseconds, `u64`), every random choice
//! is drawn from one seeded `Rng`, nothing iterates an unordered map and no
//! float takes part in a decision, so the same seed, flows and steps give the
//! same packets and events natively and in wasm.
//!
//! Cost: a request is traced once, when it is sent; its legs, timings and
//! verdict are fixed then. `step` only compares integers per packet, and the
//! views borrow interned waypoint ids, so animating 500 packets allocates
//! nothing per packet per frame.
//!
//! Edits: `step` and `send` take the current cluster. Packets already in
//! flight keep the trace they were sent with (they were routed by the rules of
//! that moment), so a packet to a pod removed mid-flight still lands on it as
//! traced; only later requests see the edit.

use crate::cluster::Cluster;
use crate::proxy::{AffinityTable, Matched, Verdict};
use crate::rng::Rng;
use crate::trace::{Source, Target, Trace, Waypoint, trace_with};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::rc::Rc;

/// How long a packet takes along one leg between two waypoints, in
/// microseconds of simulation time.
pub const LEG_US: u64 = 250_000;
/// How long each of the two legs of a DNS round trip (client to CoreDNS and
/// back) takes, in microseconds: shorter, so the lookup reads as a preamble.
pub const DNS_LEG_US: u64 = 100_000;
/// Microseconds per second.
const SECOND_US: u64 = 1_000_000;

/// A packet's number, unique within one simulation and increasing in send order.
pub type PacketId = u64;
/// A flow's number, unique within one simulation.
pub type FlowId = u64;

/// A continuous source of requests (the app's "rate" control).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    /// Where each request starts.
    pub source: Source,
    /// Where each request goes.
    pub target: Target,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: String,
    /// Requests per second of simulation time (0 sends nothing).
    pub per_second: u32,
    /// For an external source: how many client addresses the flow rotates
    /// over, starting at the source's address (`203.0.113.10`, `.11`, ...), so
    /// per-client effects like session affinity show. 0 and 1 mean one client.
    /// Ignored for pod and node sources, which have one address.
    pub clients: u8,
}

/// Which part of its journey a packet is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The DNS lookup before the request (client to CoreDNS and back).
    Dns,
    /// The request, from the client towards its endpoint.
    Request,
    /// The reply of a delivered (DNAT) request, back along the same path:
    /// through the node that SNATed it when it was masqueraded, and through
    /// the node that un-DNATs it otherwise.
    Reply,
}

/// Where a packet is now, for drawing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketView<'a> {
    /// The packet.
    pub id: PacketId,
    /// The waypoint id (`Waypoint::id`) the current leg starts at.
    pub leg_from: &'a str,
    /// The waypoint id the current leg ends at.
    pub leg_to: &'a str,
    /// How far along the leg, in permille (0..=1000).
    pub progress_permille: u16,
    /// The packet's final verdict, known when it was sent (`data-verdict`).
    pub verdict: Verdict,
    /// DNS lookup, request or reply.
    pub phase: Phase,
    /// Whether the packet carries a masqueraded (SNAT) address on this leg:
    /// between the node whose kube-proxy masqueraded it and the pod, both
    /// ways (the reply is un-SNATed when it gets back to that node).
    pub snat: bool,
}

/// Something that happened during a step. `at_us` is the simulation time it
/// happened (microseconds); events of one step come in time order (then by
/// packet id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A request was sent (by `send` or a flow).
    Sent {
        /// The packet.
        packet: PacketId,
        /// When.
        at_us: u64,
        /// Its final verdict.
        verdict: Verdict,
        /// Its whole trace (shared, not copied): hops and reason for a
        /// tooltip, `path` for the diagram. Outcome events carry only the
        /// reason, because a packet without a reply is gone after its outcome.
        trace: Rc<Trace>,
    },
    /// A request reached its endpoint (verdict DNAT).
    Delivered {
        /// The packet.
        packet: PacketId,
        /// When.
        at_us: u64,
        /// The pod (namespace, name), when the endpoint is a pod.
        pod: Option<(String, String)>,
        /// The endpoint, `IP:port`.
        endpoint: String,
    },
    /// A request was dropped silently (verdict DROP).
    Dropped {
        /// The packet.
        packet: PacketId,
        /// When.
        at_us: u64,
        /// The waypoint id where it happened: the last one it reached. A packet
        /// that kube-proxy drops for a Service ends at that Service's id (the
        /// rules of the node before it on the path dropped it).
        at: String,
        /// The trace's reason.
        reason: String,
    },
    /// A request was refused (verdict REJECT: ICMP port unreachable).
    Rejected {
        /// The packet.
        packet: PacketId,
        /// When.
        at_us: u64,
        /// The waypoint id where it happened.
        at: String,
        /// The trace's reason.
        reason: String,
    },
    /// The name did not resolve (verdict NXDOMAIN).
    NxDomain {
        /// The packet.
        packet: PacketId,
        /// When.
        at_us: u64,
        /// The waypoint id where the client learnt it.
        at: String,
        /// The trace's reason.
        reason: String,
    },
    /// Any other ending (ACCEPT: answered by a node or the Ingress
    /// controller itself; NONE: not proxied, e.g. an ExternalName or a
    /// request that could not start).
    Ended {
        /// The packet.
        packet: PacketId,
        /// When.
        at_us: u64,
        /// The verdict.
        verdict: Verdict,
        /// The waypoint id where it ended.
        at: String,
        /// The trace's reason.
        reason: String,
    },
    /// The reply of a delivered request reached its client; the packet is gone.
    Returned {
        /// The packet.
        packet: PacketId,
        /// When.
        at_us: u64,
    },
}

/// Running totals. Invariant: `sent = delivered + dropped + rejected +
/// nxdomain + other + pending`. An outcome is counted when it happens (a
/// delivery when the request reaches the endpoint, not when the reply is back).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Requests sent.
    pub sent: u64,
    /// Requests that reached an endpoint (DNAT).
    pub delivered: u64,
    /// Requests dropped.
    pub dropped: u64,
    /// Requests rejected.
    pub rejected: u64,
    /// Requests whose name did not resolve.
    pub nxdomain: u64,
    /// Requests that ended otherwise (ACCEPT, NONE).
    pub other: u64,
    /// Requests whose outcome has not happened yet.
    pub pending: u64,
}

/// One packet, fixed when it was sent.
#[derive(Debug)]
struct Packet {
    id: PacketId,
    trace: Rc<Trace>,
    verdict: Verdict,
    /// Simulation time it was sent, microseconds.
    start_us: u64,
    /// The interned waypoint ids of its request path.
    path: Vec<u32>,
    /// How many of the first legs are the DNS round trip (0 or 2).
    dns_legs: usize,
    /// Whether a reply travels back.
    reply: bool,
    /// The path index of the node that masqueraded the request (SNAT), if
    /// kube-proxy did: legs past it carry the node's address as source.
    snat_from: Option<usize>,
    /// When the outcome happens (the request leg ends), microseconds.
    outcome_us: u64,
    /// When the packet disappears (after the reply, if any), microseconds.
    end_us: u64,
    /// Whether the outcome event was emitted.
    outcome_done: bool,
    /// Whether the `Sent` event was emitted.
    reported: bool,
}

impl Packet {
    fn request_legs(&self) -> usize {
        self.path.len().saturating_sub(1)
    }

    fn leg_us(&self, leg: usize) -> u64 {
        if leg < self.dns_legs {
            DNS_LEG_US
        } else {
            LEG_US
        }
    }

    /// The leg (index, phase, from, to) and progress at `now_us`, or `None`
    /// when the packet has no leg at that time. Legs past the request legs
    /// are the reply, back along `path[dns_legs..]`.
    fn at(&self, now_us: u64) -> Option<(Phase, u32, u32, u16, bool)> {
        if now_us < self.start_us || now_us >= self.end_us {
            return None;
        }
        let mut t = now_us - self.start_us;
        let n = self.request_legs();
        for leg in 0..n {
            let d = self.leg_us(leg);
            if t < d {
                let phase = if leg < self.dns_legs {
                    Phase::Dns
                } else {
                    Phase::Request
                };
                return Some((
                    phase,
                    self.path[leg],
                    self.path[leg + 1],
                    permille(t, d),
                    self.snat_from.is_some_and(|k| leg >= k),
                ));
            }
            t -= d;
        }
        let back = &self.path[self.dns_legs.min(self.path.len())..];
        let m = back.len().saturating_sub(1);
        let leg = (t / LEG_US) as usize;
        if leg >= m {
            return None;
        }
        // Reply leg `leg` goes from back[m - leg] to back[m - leg - 1],
        // that is from path index dns_legs + m - leg.
        let nearer = self.dns_legs + m - leg - 1;
        Some((
            Phase::Reply,
            back[m - leg],
            back[m - leg - 1],
            permille(t % LEG_US, LEG_US),
            self.snat_from.is_some_and(|k| nearer >= k),
        ))
    }

    /// The next moment after `now_us` when this packet reaches a waypoint.
    fn next_arrival(&self, now_us: u64) -> Option<u64> {
        let mut t = self.start_us;
        let n = self.request_legs();
        let reply_legs = if self.reply {
            self.path.len().saturating_sub(1 + self.dns_legs)
        } else {
            0
        };
        for leg in 0..n + reply_legs {
            t += if leg < n { self.leg_us(leg) } else { LEG_US };
            if t > now_us {
                return Some(t);
            }
        }
        None
    }
}

fn permille(part: u64, whole: u64) -> u16 {
    (part.saturating_mul(1000) / whole.max(1)).min(1000) as u16
}

/// A flow and where it is in its schedule.
#[derive(Debug)]
struct FlowState {
    id: FlowId,
    flow: Flow,
    /// Simulation time it was added, microseconds.
    start_us: u64,
    /// How many requests it has sent; request `k` is due at
    /// `start_us + k * 1_000_000 / per_second` (integer, so no drift).
    sent: u64,
}

impl FlowState {
    fn due_us(&self) -> Option<u64> {
        if self.flow.per_second == 0 {
            return None;
        }
        let offset =
            u128::from(self.sent) * u128::from(SECOND_US) / u128::from(self.flow.per_second);
        Some(
            self.start_us
                .saturating_add(u64::try_from(offset).unwrap_or(u64::MAX)),
        )
    }

    /// The source of request number `sent`: external flows rotate their
    /// client address.
    fn source(&self) -> Source {
        match &self.flow.source {
            Source::External(IpAddr::V4(ip)) if self.flow.clients > 1 => {
                let k = (self.sent % u64::from(self.flow.clients)) as u32;
                Source::External(IpAddr::V4(u32::from(*ip).wrapping_add(k).into()))
            }
            s => s.clone(),
        }
    }
}

/// One client's ClientIP affinity: the endpoint it was last sent to and when.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Pin {
    endpoint: String,
    /// When the client last reached it (kube-proxy's `recent --set`), microseconds.
    last_us: u64,
    /// The Service's timeout when that happened, seconds (for pruning).
    timeout_seconds: i32,
}

/// (namespace, name, port index, client address).
type PinKey = (String, String, usize, IpAddr);

/// The affinity table as one trace sees it: lookups at `now_us`, and the
/// last question asked, so the answer can be recorded afterwards.
struct PinLookup<'a> {
    pins: &'a BTreeMap<PinKey, Pin>,
    now_us: u64,
    asked: Option<(PinKey, i32)>,
}

impl AffinityTable for PinLookup<'_> {
    fn pinned(
        &mut self,
        service: &Matched,
        client: IpAddr,
        timeout_seconds: i32,
    ) -> Option<String> {
        let key = (
            service.namespace.clone(),
            service.name.clone(),
            service.port_index,
            client,
        );
        let found = self.pins.get(&key).and_then(|p| {
            fresh(p.last_us, self.now_us, timeout_seconds).then(|| p.endpoint.clone())
        });
        self.asked = Some((key, timeout_seconds));
        found
    }
}

/// Whether an entry last seen at `last_us` still matches at `now_us` with
/// `recent --rcheck --seconds timeout`.
fn fresh(last_us: u64, now_us: u64, timeout_seconds: i32) -> bool {
    let timeout_us = u64::try_from(timeout_seconds.max(0))
        .unwrap_or(0)
        .saturating_mul(SECOND_US);
    now_us.saturating_sub(last_us) < timeout_us
}

/// The simulation: packets in flight, flows, affinity memory and totals.
#[derive(Debug)]
pub struct Simulation {
    rng: Rng,
    /// Simulation time, microseconds.
    now_us: u64,
    paused: bool,
    /// Simulation time per real time, as a fraction (numerator, denominator).
    speed: (u32, u32),
    /// The remainder of real time not yet turned into whole simulation
    /// microseconds (in units of 1/denominator), so slow motion never drifts.
    speed_carry: u64,
    next_packet: PacketId,
    next_flow: FlowId,
    /// In send order (so by id).
    packets: Vec<Packet>,
    flows: Vec<FlowState>,
    pins: BTreeMap<PinKey, Pin>,
    /// Interned waypoint ids; packets refer to them by index.
    names: Vec<String>,
    name_index: BTreeMap<String, u32>,
    /// The events of the last step (reused between steps).
    events: Vec<Event>,
    totals: Totals,
    per_pod: BTreeMap<(String, String), u64>,
}

impl Simulation {
    /// An empty simulation at time 0 whose random choices follow `seed`.
    pub fn new(seed: u64) -> Simulation {
        Simulation {
            rng: Rng::new(seed),
            now_us: 0,
            paused: false,
            speed: (1, 1),
            speed_carry: 0,
            next_packet: 1,
            next_flow: 1,
            packets: Vec::new(),
            flows: Vec::new(),
            pins: BTreeMap::new(),
            names: Vec::new(),
            name_index: BTreeMap::new(),
            events: Vec::new(),
            totals: Totals::default(),
            per_pod: BTreeMap::new(),
        }
    }

    /// The simulation time, microseconds.
    pub fn now_us(&self) -> u64 {
        self.now_us
    }

    /// Adds a continuous flow; its first request leaves at the current time.
    pub fn add_flow(&mut self, flow: Flow) -> FlowId {
        let id = self.next_flow;
        self.next_flow += 1;
        self.flows.push(FlowState {
            id,
            flow,
            start_us: self.now_us,
            sent: 0,
        });
        id
    }

    /// Stops a flow; its packets in flight finish. Returns whether it existed.
    pub fn remove_flow(&mut self, id: FlowId) -> bool {
        let before = self.flows.len();
        self.flows.retain(|f| f.id != id);
        self.flows.len() != before
    }

    /// Stops every flow; packets in flight finish.
    pub fn clear_flows(&mut self) {
        self.flows.clear();
    }

    /// The flows, with their ids, in the order they were added.
    pub fn flows(&self) -> impl Iterator<Item = (FlowId, &Flow)> {
        self.flows.iter().map(|f| (f.id, &f.flow))
    }

    /// Sends one request now, traced against `cluster`. Its `Sent` event (and
    /// its outcome, if it has no leg to travel) comes with the next step that
    /// runs (`step` while not paused, or `step_one_packet`).
    pub fn send(
        &mut self,
        cluster: &Cluster,
        source: &Source,
        target: &Target,
        protocol: &str,
    ) -> PacketId {
        self.launch(cluster, source, target, protocol, self.now_us)
    }

    /// Stops time: `step` does nothing until `resume`.
    pub fn pause(&mut self) {
        self.paused = true;
    }

    /// Lets time run again.
    pub fn resume(&mut self) {
        self.paused = false;
    }

    /// Whether time is stopped.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Sets how much simulation time passes per real time, as
    /// `numerator / denominator` (1/4 is slow motion, 2/1 double speed). A
    /// zero denominator is read as 1.
    pub fn set_speed(&mut self, numerator: u32, denominator: u32) {
        self.speed = (numerator, denominator.max(1));
        self.speed_carry = 0;
    }

    /// The speed as (numerator, denominator).
    pub fn speed(&self) -> (u32, u32) {
        self.speed
    }

    /// The running totals.
    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    /// Requests delivered per pod (namespace, name): the load distribution.
    pub fn delivered_per_pod(&self) -> &BTreeMap<(String, String), u64> {
        &self.per_pod
    }

    /// Sets every total and per-pod count back to zero (requests still
    /// pending stay counted as pending and sent).
    pub fn reset_counters(&mut self) {
        let pending = self.totals.pending;
        self.totals = Totals {
            sent: pending,
            pending,
            ..Totals::default()
        };
        self.per_pod.clear();
    }

    /// The trace of a packet still in flight.
    pub fn trace(&self, id: PacketId) -> Option<&Rc<Trace>> {
        self.packets
            .binary_search_by_key(&id, |p| p.id)
            .ok()
            .map(|i| &self.packets[i].trace)
    }

    /// The packets to draw now, in send order. Borrows the simulation; no
    /// allocation.
    pub fn packets_in_flight(&self) -> impl Iterator<Item = PacketView<'_>> {
        let now = self.now_us;
        self.packets.iter().filter_map(move |p| {
            let (phase, from, to, progress, snat) = p.at(now)?;
            Some(PacketView {
                id: p.id,
                leg_from: self.name(from),
                leg_to: self.name(to),
                progress_permille: progress,
                verdict: p.verdict,
                phase,
                snat,
            })
        })
    }

    /// Advances real time by `dt_us` microseconds (scaled by the speed):
    /// flows send the requests that fall due, packets move, and outcomes are
    /// reported. Returns this step's events, in time order. Does nothing
    /// while paused.
    pub fn step(&mut self, cluster: &Cluster, dt_us: u64) -> &[Event] {
        self.events.clear();
        if self.paused {
            return &self.events;
        }
        let (num, den) = (u64::from(self.speed.0), u64::from(self.speed.1.max(1)));
        let scaled = dt_us.saturating_mul(num).saturating_add(self.speed_carry);
        self.speed_carry = scaled % den;
        let until = self.now_us.saturating_add(scaled / den);
        self.advance(cluster, until);
        &self.events
    }

    /// The Step control: advances simulation time (even while paused) to the
    /// next moment a packet reaches a waypoint or a flow sends, and returns
    /// that moment's events. Does nothing when nothing would happen.
    pub fn step_one_packet(&mut self, cluster: &Cluster) -> &[Event] {
        self.events.clear();
        let now = self.now_us;
        // A packet sent but not yet reported counts as happening now.
        let unreported = self
            .packets
            .iter()
            .any(|p| !p.reported || (!p.outcome_done && p.outcome_us <= now));
        let next = self
            .packets
            .iter()
            .filter_map(|p| p.next_arrival(now))
            .chain(self.flows.iter().filter_map(FlowState::due_us))
            .min();
        let until = if unreported { Some(now) } else { next };
        if let Some(until) = until {
            self.advance(cluster, until.max(now));
        }
        &self.events
    }

    /// Moves time to `until_us`, sending due flow requests and reporting
    /// outcomes. Appends to `self.events`.
    fn advance(&mut self, cluster: &Cluster, until_us: u64) {
        // Flow requests due by `until_us`, earliest first (ties by flow order).
        loop {
            let mut best: Option<(u64, usize)> = None;
            for (i, f) in self.flows.iter().enumerate() {
                if let Some(due) = f.due_us()
                    && due <= until_us
                    && best.is_none_or(|(b, _)| due < b)
                {
                    best = Some((due, i));
                }
            }
            let Some((due, i)) = best else { break };
            let source = self.flows[i].source();
            let target = self.flows[i].flow.target.clone();
            let protocol = self.flows[i].flow.protocol.clone();
            self.flows[i].sent += 1;
            self.launch(cluster, &source, &target, &protocol, due);
        }
        self.now_us = until_us;
        // Sends not yet reported, outcomes reached, packets finished.
        let events = &mut self.events;
        for p in &mut self.packets {
            if !p.reported {
                p.reported = true;
                events.push(Event::Sent {
                    packet: p.id,
                    at_us: p.start_us,
                    verdict: p.verdict,
                    trace: Rc::clone(&p.trace),
                });
            }
            if !p.outcome_done && p.outcome_us <= until_us {
                p.outcome_done = true;
                outcome(events, &mut self.totals, &mut self.per_pod, &self.names, p);
            }
            if p.reply && p.end_us <= until_us {
                events.push(Event::Returned {
                    packet: p.id,
                    at_us: p.end_us,
                });
            }
        }
        self.packets.retain(|p| p.end_us > until_us);
        // A total order (a packet has at most one event of each rank), so the
        // stable sort puts events where an unstable one would.
        crate::order::sort_by_key(&mut self.events, |e| {
            (event_time(e), event_packet(e), event_rank(e))
        });
        // Forget affinity entries no rule could match any more.
        let now = self.now_us;
        self.pins
            .retain(|_, p| fresh(p.last_us, now, p.timeout_seconds));
    }

    /// Traces a request sent at `at_us` and puts it in flight.
    fn launch(
        &mut self,
        cluster: &Cluster,
        source: &Source,
        target: &Target,
        protocol: &str,
        at_us: u64,
    ) -> PacketId {
        let seed = self.rng.next_u64();
        let mut lookup = PinLookup {
            pins: &self.pins,
            now_us: at_us,
            asked: None,
        };
        let trace = trace_with(cluster, source, target, protocol, seed, Some(&mut lookup));
        let asked = lookup.asked;
        if let (Some((key, timeout_seconds)), Verdict::Dnat, Some(chosen)) = (
            asked,
            trace.verdict,
            trace.evaluation.as_ref().and_then(|e| e.chosen.as_ref()),
        ) {
            self.pins.insert(
                key,
                Pin {
                    endpoint: chosen.key(),
                    last_us: at_us,
                    timeout_seconds,
                },
            );
        }
        let mut ids: Vec<String> = trace.path.iter().map(Waypoint::id).collect();
        // An unresolved cluster name was still asked of CoreDNS; show the
        // round trip (the trace records no path for it).
        if trace.verdict == Verdict::NxDomain
            && !matches!(source, Source::External(_))
            && ids.len() == 1
        {
            ids.push(Waypoint::CoreDns.id());
            ids.push(ids[0].clone());
        }
        let dns_legs = if ids.len() >= 3 && ids[1] == Waypoint::CoreDns.id() {
            2
        } else {
            0
        };
        // SNAT happens on the node whose kube-proxy DNATs and masquerades.
        let snat_from = trace
            .masquerade()
            .then(|| {
                let node = Waypoint::Node(trace.node.clone()?).id();
                ids.iter().skip(dns_legs).position(|i| *i == node)
            })
            .flatten()
            .map(|i| i + dns_legs);
        let path: Vec<u32> = ids.into_iter().map(|s| self.intern(s)).collect();
        let id = self.next_packet;
        self.next_packet += 1;
        let reply = trace.verdict == Verdict::Dnat && path.len() > dns_legs + 1;
        let mut packet = Packet {
            id,
            verdict: trace.verdict,
            trace: Rc::new(trace),
            start_us: at_us,
            path,
            dns_legs,
            reply,
            snat_from,
            outcome_us: at_us,
            end_us: at_us,
            outcome_done: false,
            reported: false,
        };
        let request: u64 = (0..packet.request_legs()).map(|l| packet.leg_us(l)).sum();
        let back = if reply {
            (packet.path.len() - dns_legs - 1) as u64 * LEG_US
        } else {
            0
        };
        packet.outcome_us = at_us + request;
        packet.end_us = packet.outcome_us + back;
        self.totals.sent += 1;
        self.totals.pending += 1;
        self.packets.push(packet);
        id
    }

    fn intern(&mut self, name: String) -> u32 {
        if let Some(&i) = self.name_index.get(&name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.clone());
        self.name_index.insert(name, i);
        i
    }

    fn name(&self, i: u32) -> &str {
        self.names.get(i as usize).map_or("", String::as_str)
    }
}

/// Reports a packet's outcome and counts it.
fn outcome(
    events: &mut Vec<Event>,
    totals: &mut Totals,
    per_pod: &mut BTreeMap<(String, String), u64>,
    names: &[String],
    p: &Packet,
) {
    totals.pending = totals.pending.saturating_sub(1);
    let at = p
        .path
        .last()
        .and_then(|&i| names.get(i as usize))
        .cloned()
        .unwrap_or_default();
    let (packet, at_us) = (p.id, p.outcome_us);
    let reason = p.trace.reason.clone();
    events.push(match p.verdict {
        Verdict::Dnat => {
            totals.delivered += 1;
            if let Some(pod) = &p.trace.delivered_to {
                *per_pod.entry(pod.clone()).or_insert(0) += 1;
            }
            Event::Delivered {
                packet,
                at_us,
                pod: p.trace.delivered_to.clone(),
                endpoint: p
                    .trace
                    .evaluation
                    .as_ref()
                    .and_then(|e| e.chosen.as_ref())
                    .map(crate::proxy::ProxyEndpoint::key)
                    .unwrap_or_default(),
            }
        }
        Verdict::Drop => {
            totals.dropped += 1;
            Event::Dropped {
                packet,
                at_us,
                at,
                reason,
            }
        }
        Verdict::Reject => {
            totals.rejected += 1;
            Event::Rejected {
                packet,
                at_us,
                at,
                reason,
            }
        }
        Verdict::NxDomain => {
            totals.nxdomain += 1;
            Event::NxDomain {
                packet,
                at_us,
                at,
                reason,
            }
        }
        verdict @ (Verdict::Accept | Verdict::None) => {
            totals.other += 1;
            Event::Ended {
                packet,
                at_us,
                verdict,
                at,
                reason,
            }
        }
    });
}

fn event_time(e: &Event) -> u64 {
    match e {
        Event::Sent { at_us, .. }
        | Event::Delivered { at_us, .. }
        | Event::Dropped { at_us, .. }
        | Event::Rejected { at_us, .. }
        | Event::NxDomain { at_us, .. }
        | Event::Ended { at_us, .. }
        | Event::Returned { at_us, .. } => *at_us,
    }
}

fn event_packet(e: &Event) -> PacketId {
    match e {
        Event::Sent { packet, .. }
        | Event::Delivered { packet, .. }
        | Event::Dropped { packet, .. }
        | Event::Rejected { packet, .. }
        | Event::NxDomain { packet, .. }
        | Event::Ended { packet, .. }
        | Event::Returned { packet, .. } => *packet,
    }
}

/// Orders one packet's events at the same instant: sent, outcome, returned.
fn event_rank(e: &Event) -> u8 {
    match e {
        Event::Sent { .. } => 0,
        Event::Returned { .. } => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze;

    /// One frame at 60 Hz, microseconds.
    const FRAME_US: u64 = 16_667;

    fn web(replicas: u32, extra: &str) -> String {
        format!(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
        ports:
        - name: http
          containerPort: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: client
spec:
  replicas: 1
  selector:
    matchLabels:
      app: client
  template:
    metadata:
      labels:
        app: client
    spec:
      containers:
      - name: c
        image: busybox
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: http
    nodePort: 30080
{extra}"
        )
    }

    fn client_pod(cluster: &Cluster) -> Source {
        let pod = cluster
            .pods
            .iter()
            .find(|p| {
                p.metadata
                    .name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("client-"))
            })
            .and_then(|p| p.metadata.name.clone())
            .unwrap_or_default();
        Source::Pod {
            namespace: "default".into(),
            name: pod,
        }
    }

    fn flow(source: Source, target: &str, per_second: u32) -> Flow {
        Flow {
            source,
            target: Target::parse(target).unwrap_or_else(|e| panic!("{e}")),
            protocol: "TCP".into(),
            per_second,
            clients: 1,
        }
    }

    /// Steps `frames` frames and returns every event and, per frame, the views.
    fn run(sim: &mut Simulation, cluster: &Cluster, frames: usize) -> (Vec<Event>, Vec<String>) {
        let mut events = Vec::new();
        let mut views = Vec::new();
        for _ in 0..frames {
            events.extend_from_slice(sim.step(cluster, FRAME_US));
            views.push(format!("{:?}", sim.packets_in_flight().collect::<Vec<_>>()));
        }
        (events, views)
    }

    fn delivered_pods(events: &[Event]) -> Vec<String> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Delivered {
                    pod: Some((_, n)), ..
                } => Some(n.clone()),
                _ => None,
            })
            .collect()
    }

    fn check_totals(sim: &Simulation) {
        let t = sim.totals();
        assert_eq!(
            t.sent,
            t.delivered + t.dropped + t.rejected + t.nxdomain + t.other + t.pending,
            "{t:?}"
        );
        let pending = sim.packets.iter().filter(|p| !p.outcome_done).count() as u64;
        assert_eq!(t.pending, pending);
    }

    #[test]
    fn the_same_seed_gives_the_same_packets_and_events() {
        let a = analyze(crate::examples::DEFAULT).cluster;
        let go = |seed: u64| {
            let mut sim = Simulation::new(seed);
            let ext = Source::parse("external").unwrap_or_else(|e| panic!("{e}"));
            let mut f = flow(ext, "node/node-1:30080", 40);
            f.clients = 4;
            sim.add_flow(f);
            let pod = a
                .pods
                .iter()
                .find_map(|p| p.metadata.name.clone().filter(|n| n.starts_with("api-")));
            let pod = Source::Pod {
                namespace: "default".into(),
                name: pod.unwrap_or_default(),
            };
            sim.add_flow(flow(pod.clone(), "web:80", 25));
            sim.add_flow(flow(pod, "payments:443", 3));
            run(&mut sim, &a, 300)
        };
        let (e1, v1) = go(7);
        let (e2, v2) = go(7);
        assert_eq!(e1, e2);
        assert_eq!(v1, v2);
        assert!(e1.iter().any(|e| matches!(e, Event::Returned { .. })));
        assert!(e1.iter().any(|e| matches!(
            e,
            Event::Ended {
                verdict: Verdict::None,
                ..
            }
        )));
        assert!(v1.iter().any(|v| v.contains("Reply")) && v1.iter().any(|v| v.contains("Dns")));
        let (e3, _) = go(8);
        assert_ne!(delivered_pods(&e1), delivered_pods(&e3));
    }

    #[test]
    fn totals_always_add_up() {
        let a = analyze(crate::examples::DEFAULT).cluster;
        let mut sim = Simulation::new(3);
        let ext = Source::parse("external").unwrap_or_else(|e| panic!("{e}"));
        sim.add_flow(flow(ext.clone(), "node/node-2:30080", 50));
        sim.add_flow(flow(ext.clone(), "node/node-2:31999", 7));
        sim.add_flow(flow(ext, "web.default:80", 5));
        sim.add_flow(flow(Source::Node("node-3".into()), "nothing-here:80", 9));
        sim.set_speed(1, 3);
        let mut dice = Rng::new(99);
        for i in 0..400 {
            sim.step(&a, dice.next_u64() % 200_000);
            check_totals(&sim);
            if i % 50 == 0 {
                sim.step_one_packet(&a);
                check_totals(&sim);
            }
        }
        let t = sim.totals().clone();
        assert!(t.delivered > 0 && t.nxdomain > 0 && t.pending > 0, "{t:?}");
        assert!(t.rejected + t.dropped + t.other > 0, "{t:?}");
    }

    #[test]
    fn load_spreads_over_three_endpoints() {
        let c = analyze(&web(3, "")).cluster;
        let mut sim = Simulation::new(42);
        let id = sim.add_flow(flow(client_pod(&c), "web:80", 1000));
        sim.step(&c, 2_999_999);
        assert!(sim.remove_flow(id));
        sim.step(&c, 5_000_000);
        let counts: Vec<u64> = sim.delivered_per_pod().values().copied().collect();
        assert_eq!(sim.totals().delivered, 3000);
        assert_eq!(counts.len(), 3, "{counts:?}");
        for n in counts {
            assert!((750..=1260).contains(&n), "{n} of 3000");
        }
    }

    const AFFINITY: &str = "  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10
";

    #[test]
    fn client_ip_affinity_holds_until_the_timeout() {
        let c = analyze(&web(3, AFFINITY)).cluster;
        let mut sim = Simulation::new(5);
        let id = sim.add_flow(flow(client_pod(&c), "web:80", 20));
        let ext = Source::parse("external").unwrap_or_else(|e| panic!("{e}"));
        let mut ext_flow = flow(ext, "node/node-1:30080", 20);
        ext_flow.clients = 3;
        let ext_id = sim.add_flow(ext_flow);
        // 30 s of requests, never idle for 10 s: one pod per client.
        let mut per_client: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for _ in 0..300 {
            let events = sim.step(&c, 100_000).to_vec();
            for e in events {
                if let Event::Delivered {
                    packet,
                    pod: Some((_, pod)),
                    ..
                } = e
                {
                    // The reply is still to come, so the trace is still here.
                    let client = sim
                        .trace(packet)
                        .and_then(|t| t.path.first())
                        .map(Waypoint::id)
                        .unwrap_or_default();
                    let pods = per_client.entry(client).or_default();
                    if !pods.contains(&pod) {
                        pods.push(pod);
                    }
                }
            }
        }
        assert_eq!(per_client.len(), 4, "{per_client:?}");
        assert!(
            per_client.values().all(|pods| pods.len() == 1),
            "{per_client:?}"
        );
        assert!(sim.totals().delivered > 1000);
        assert!(sim.remove_flow(id) && sim.remove_flow(ext_id));
        // After an idle gap longer than the timeout the choice is random
        // again: over many gaps the pod changes.
        let src = client_pod(&c);
        let target = Target::parse("web:80").unwrap_or_else(|e| panic!("{e}"));
        let mut seen = Vec::new();
        for _ in 0..20 {
            sim.step(&c, 11_000_000);
            sim.send(&c, &src, &target, "TCP");
            seen.extend(delivered_pods(sim.step(&c, 2_000_000)));
        }
        crate::order::sort(&mut seen);
        seen.dedup();
        assert!(seen.len() > 1, "{seen:?}");
    }

    #[test]
    fn scaling_to_zero_rejects_new_requests_while_old_ones_land() {
        let before = analyze(&web(3, "")).cluster;
        let after = analyze(&web(0, "")).cluster;
        let mut sim = Simulation::new(1);
        sim.add_flow(flow(client_pod(&before), "web:80", 20));
        let (events, _) = run(&mut sim, &before, 150);
        assert!(delivered_pods(&events).len() > 10);
        let in_flight: Vec<PacketId> = sim
            .packets_in_flight()
            .filter(|v| v.phase != Phase::Reply)
            .map(|v| v.id)
            .collect();
        assert!(!in_flight.is_empty());
        let (events, _) = run(&mut sim, &after, 120);
        for id in &in_flight {
            assert!(
                events
                    .iter()
                    .any(|e| matches!(e, Event::Delivered { packet, .. } if packet == id)),
                "{id} did not land"
            );
        }
        let new: Vec<&Event> = events
            .iter()
            .filter(|e| matches!(e, Event::Sent { .. }))
            .collect();
        assert!(new.len() > 10);
        assert!(new.iter().all(|e| matches!(
            e,
            Event::Sent {
                verdict: Verdict::Reject,
                ..
            }
        )));
        assert!(events.iter().any(|e| matches!(e, Event::Rejected { .. })));
        check_totals(&sim);
    }

    #[test]
    fn etp_local_node_port_drops_on_a_node_without_endpoints() {
        let c = analyze(&web(1, "  externalTrafficPolicy: Local\n")).cluster;
        let with_pod = c
            .pods
            .iter()
            .find(|p| {
                p.metadata
                    .name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("web-"))
            })
            .and_then(|p| p.spec.as_ref()?.node_name.clone())
            .unwrap_or_default();
        let without = c
            .nodes
            .iter()
            .filter_map(|n| n.metadata.name.clone())
            .find(|n| *n != with_pod)
            .unwrap_or_default();
        let mut sim = Simulation::new(1);
        let ext = Source::parse("external").unwrap_or_else(|e| panic!("{e}"));
        let t = |node: &str| {
            Target::parse(&format!("node/{node}:30080")).unwrap_or_else(|e| panic!("{e}"))
        };
        let dropped = sim.send(&c, &ext, &t(&without), "TCP");
        let delivered = sim.send(&c, &ext, &t(&with_pod), "TCP");
        let (events, _) = run(&mut sim, &c, 120);
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::Dropped { packet, .. } if *packet == dropped)),
            "{events:?}"
        );
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::Delivered { packet, .. } if *packet == delivered))
        );
        assert_eq!(sim.totals().dropped, 1);
    }

    /// An external request to a NodePort is masqueraded by the node it
    /// reaches: it carries the node's address from there to the pod, and so
    /// does the reply until it is back at that node.
    #[test]
    fn snat_shows_between_the_masquerading_node_and_the_pod_both_ways() {
        let c = analyze(&web(1, "")).cluster;
        let mut sim = Simulation::new(1);
        let ext = Source::parse("external").unwrap_or_else(|e| panic!("{e}"));
        let to = Target::parse("node/node-1:30080").unwrap_or_else(|e| panic!("{e}"));
        sim.send(&c, &ext, &to, "TCP");
        let mut legs: Vec<(String, String, Phase, bool)> = Vec::new();
        for _ in 0..200 {
            sim.step(&c, FRAME_US);
            for p in sim.packets_in_flight() {
                let leg = (p.leg_from.to_owned(), p.leg_to.to_owned(), p.phase, p.snat);
                if legs.last() != Some(&leg) {
                    legs.push(leg);
                }
            }
        }
        let shown: Vec<String> = legs
            .iter()
            .map(|(a, b, phase, snat)| {
                let kind = |id: &str| id.split('/').next().unwrap_or_default().to_owned();
                format!("{phase:?} {}>{} snat={snat}", kind(a), kind(b))
            })
            .collect();
        assert_eq!(
            shown,
            [
                "Request ExternalClient>Node snat=false",
                "Request Node>Service snat=true",
                "Request Service>Node snat=true",
                "Request Node>Pod snat=true",
                "Reply Pod>Node snat=true",
                "Reply Node>Service snat=true",
                "Reply Service>Node snat=true",
                "Reply Node>ExternalClient snat=false",
            ],
            "{legs:?}"
        );
        // A pod-to-Service request on the same node is not masqueraded.
        let mut sim = Simulation::new(1);
        let to = Target::parse("web:80").unwrap_or_else(|e| panic!("{e}"));
        sim.send(&c, &client_pod(&c), &to, "TCP");
        for _ in 0..200 {
            sim.step(&c, FRAME_US);
            assert!(sim.packets_in_flight().all(|p| !p.snat));
        }
    }

    #[test]
    fn legs_follow_the_path_and_the_reply_comes_back() {
        let c = analyze(&web(1, "")).cluster;
        let mut sim = Simulation::new(1);
        let src = client_pod(&c);
        let id = sim.send(
            &c,
            &src,
            &Target::parse("web:80").unwrap_or_else(|e| panic!("{e}")),
            "TCP",
        );
        let path: Vec<String> = sim
            .trace(id)
            .map(|t| t.path.iter().map(Waypoint::id).collect())
            .unwrap_or_default();
        let mut legs: Vec<(String, String, Phase)> = Vec::new();
        for _ in 0..1000 {
            sim.step(&c, 5_000);
            if let Some(v) = sim.packets_in_flight().next() {
                let leg = (v.leg_from.to_owned(), v.leg_to.to_owned(), v.phase);
                if legs.last() != Some(&leg) {
                    legs.push(leg);
                }
            }
        }
        assert_eq!(path[1], "Service/kube-system/kube-dns");
        let request: Vec<&str> = legs
            .iter()
            .filter(|l| l.2 != Phase::Reply)
            .flat_map(|l| [l.0.as_str()])
            .collect();
        assert_eq!(request, path[..path.len() - 1]);
        let reply: Vec<&str> = legs
            .iter()
            .filter(|l| l.2 == Phase::Reply)
            .map(|l| l.1.as_str())
            .collect();
        let mut back: Vec<&str> = path[2..path.len() - 1].iter().map(String::as_str).collect();
        back.reverse();
        assert_eq!(reply, back);
        assert_eq!(sim.packets_in_flight().count(), 0);
    }
}
