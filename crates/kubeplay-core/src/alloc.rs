//! Allocation of ClusterIPs, NodePorts, health-check NodePorts and simulated
//! load-balancer IPs, as the API server's allocators and a cloud controller
//! would do it, but deterministic.
//!
//! The real allocators pick at random. kubeplay picks a slot from a hash of the
//! owner's identity (namespace, name, port), probes linearly past taken slots,
//! and first re-uses what the previous build allocated (`previous`), so an
//! edit to one Service never renumbers another. Values the YAML states are
//! honoured; conflicts are reported with the API server's messages.

use crate::diag::FieldError;
use crate::net::Cidr;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// The default NodePort range, `--service-node-port-range=30000-32767`.
pub const NODE_PORT_MIN: i32 = 30000;
/// The last port of the default NodePort range.
pub const NODE_PORT_MAX: i32 = 32767;

/// What the allocators handed out, keyed by owner, so the next build can keep it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Allocations {
    /// `namespace/name` of a Service to its ClusterIP.
    pub cluster_ips: BTreeMap<String, IpAddr>,
    /// (`namespace/name`, port key) to the NodePort.
    pub node_ports: BTreeMap<(String, String), i32>,
    /// `namespace/name` to the healthCheckNodePort.
    pub health_check_node_ports: BTreeMap<String, i32>,
    /// `namespace/name` to the simulated cloud's load-balancer IP.
    pub lb_ips: BTreeMap<String, IpAddr>,
    /// `namespace/name` of a Pod to its IP.
    pub pod_ips: BTreeMap<String, IpAddr>,
}

/// FNV-1a, 64 bits: a stable hash that is the same natively and in wasm.
pub fn fnv1a(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The NodePort range's static band (low) size: `min(max(16, size/32), 128)`.
pub fn node_port_static_band() -> i32 {
    let size = NODE_PORT_MAX - NODE_PORT_MIN + 1;
    (size / 32).clamp(16, 128)
}

/// A bitmap-like allocator over integer offsets `[lo, hi]` with a static
/// (low) band that auto-allocation uses only when the dynamic band is full.
pub struct Range {
    lo: u128,
    hi: u128,
    static_end: u128,
    used: BTreeSet<u128>,
}

impl Range {
    /// Offsets `lo..=hi`; offsets below `static_end` form the static band.
    pub fn new(lo: u128, hi: u128, static_end: u128) -> Range {
        Range {
            lo,
            hi,
            static_end: static_end.clamp(lo, hi.saturating_add(1)),
            used: BTreeSet::new(),
        }
    }

    /// Whether `offset` is inside the range.
    pub fn contains(&self, offset: u128) -> bool {
        (self.lo..=self.hi).contains(&offset)
    }

    /// Whether `offset` is taken.
    pub fn is_used(&self, offset: u128) -> bool {
        self.used.contains(&offset)
    }

    /// Marks `offset` taken; false when it already was.
    pub fn take(&mut self, offset: u128) -> bool {
        self.used.insert(offset)
    }

    /// Picks a free offset for `key`: the dynamic band from a hash-chosen
    /// start, then the static band. `None` when the range is full.
    pub fn pick(&mut self, key: &str) -> Option<u128> {
        let h = u128::from(fnv1a(key));
        let mut bands = vec![(self.static_end, self.hi)];
        if self.static_end > self.lo {
            bands.push((self.lo, self.static_end - 1));
        }
        for (lo, hi) in bands {
            if hi < lo {
                continue;
            }
            let size = hi - lo + 1;
            let start = h % size;
            // Linear probing: a taken slot moves the owner to the next free
            // one. Probing only walks far when the band is nearly full.
            let mut i = 0;
            while i < size {
                let offset = lo + (start + i) % size;
                if self.used.insert(offset) {
                    return Some(offset);
                }
                i += 1;
            }
        }
        None
    }
}

/// The ClusterIP allocator over a Service CIDR: network address (and IPv4
/// broadcast) excluded, static band `min(max(16, size/16), 256)` at the bottom.
pub struct IpRange {
    cidr: Cidr,
    range: Range,
}

impl IpRange {
    /// An allocator over `cidr`.
    pub fn new(cidr: Cidr) -> IpRange {
        let size = cidr.size();
        let last = if cidr.addr.is_ipv4() {
            size.saturating_sub(2)
        } else {
            size.saturating_sub(1)
        };
        let static_band = if size <= 16 {
            0
        } else {
            (size / 16).clamp(16, 256)
        };
        IpRange {
            cidr,
            range: Range::new(1, last, 1 + static_band),
        }
    }

    /// The CIDR.
    pub fn cidr(&self) -> Cidr {
        self.cidr
    }

    /// Claims a stated IP. `Err` carries the allocator's reason.
    pub fn claim(&mut self, ip: IpAddr) -> Result<(), ClaimError> {
        let Some(offset) = self.cidr.offset_of(ip).filter(|o| self.range.contains(*o)) else {
            return Err(ClaimError::OutOfRange);
        };
        if self.range.take(offset) {
            Ok(())
        } else {
            Err(ClaimError::Taken)
        }
    }

    /// Claims `ip` if it is inside the range and free.
    pub fn try_claim(&mut self, ip: IpAddr) -> bool {
        self.claim(ip).is_ok()
    }

    /// Picks a free IP for `key`.
    pub fn pick(&mut self, key: &str) -> Option<IpAddr> {
        let offset = self.range.pick(key)?;
        self.cidr.nth(offset)
    }
}

/// Why a stated value could not be allocated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimError {
    /// Outside the allocator's range.
    OutOfRange,
    /// Already allocated to another owner.
    Taken,
}

/// The NodePort allocator over 30000-32767.
pub struct PortRange {
    range: Range,
}

impl Default for PortRange {
    fn default() -> Self {
        PortRange::new()
    }
}

impl PortRange {
    /// The default range with its static band.
    pub fn new() -> PortRange {
        let hi = (NODE_PORT_MAX - NODE_PORT_MIN) as u128;
        PortRange {
            range: Range::new(0, hi, node_port_static_band() as u128),
        }
    }

    /// Claims a stated port.
    pub fn claim(&mut self, port: i32) -> Result<(), ClaimError> {
        if !(NODE_PORT_MIN..=NODE_PORT_MAX).contains(&port) {
            return Err(ClaimError::OutOfRange);
        }
        if self.range.take((port - NODE_PORT_MIN) as u128) {
            Ok(())
        } else {
            Err(ClaimError::Taken)
        }
    }

    /// Whether a port is free and in range.
    pub fn is_free(&self, port: i32) -> bool {
        (NODE_PORT_MIN..=NODE_PORT_MAX).contains(&port)
            && !self.range.is_used((port - NODE_PORT_MIN) as u128)
    }

    /// Picks a free port for `key`.
    pub fn pick(&mut self, key: &str) -> Option<i32> {
        self.range
            .pick(key)
            .and_then(|o| i32::try_from(o).ok())
            .map(|o| o + NODE_PORT_MIN)
    }
}

/// The field error for a stated NodePort the allocator refused.
pub fn node_port_error(path: &str, port: i32, err: ClaimError) -> FieldError {
    let detail = match err {
        ClaimError::OutOfRange => format!(
            "provided port is not in the valid range. The range of valid ports is {NODE_PORT_MIN}-{NODE_PORT_MAX}"
        ),
        ClaimError::Taken => "provided port is already allocated".to_owned(),
    };
    FieldError::invalid_int(path, i64::from(port), detail)
}

/// The field error for a stated ClusterIP the allocator refused.
pub fn cluster_ip_error(path: &str, ip: &str, cidr: Cidr, err: ClaimError) -> FieldError {
    let detail = match err {
        ClaimError::OutOfRange => format!(
            "failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. The range of valid IPs is {cidr}"
        ),
        ClaimError::Taken => {
            format!("failed to allocate IP {ip}: provided IP is already allocated")
        }
    };
    FieldError::invalid_str(path, ip, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_node_port_range_has_an_86_port_static_band() {
        assert_eq!(node_port_static_band(), 86);
        let mut r = PortRange::new();
        for i in 0..50 {
            let p = r.pick(&format!("svc-{i}")).expect("free ports");
            assert!((30086..=32767).contains(&p), "{p} is in the dynamic band");
        }
    }

    #[test]
    fn stated_ports_are_checked() {
        let mut r = PortRange::new();
        assert_eq!(r.claim(30080), Ok(()));
        assert_eq!(r.claim(30080), Err(ClaimError::Taken));
        assert_eq!(r.claim(1), Err(ClaimError::OutOfRange));
        assert_eq!(
            node_port_error("spec.ports[0].nodePort", 1, ClaimError::OutOfRange).message(),
            "Invalid value: 1: provided port is not in the valid range. The range of valid ports is 30000-32767"
        );
    }

    #[test]
    fn the_whole_range_can_be_allocated_then_it_is_full() {
        let mut r = PortRange::new();
        let mut seen = BTreeSet::new();
        for i in 0..2768 {
            let p = r.pick(&format!("k{i}")).expect("a free port");
            assert!(seen.insert(p), "{p} handed out twice");
        }
        assert_eq!(r.pick("one-more"), None);
    }

    #[test]
    fn cluster_ips_prefer_the_upper_band() {
        let cidr = Cidr::parse("10.96.0.0/12").expect("cidr");
        let mut r = IpRange::new(cidr);
        assert!(r.try_claim("10.96.0.1".parse().expect("ip")));
        let ip = r.pick("default/web").expect("an ip");
        let offset = cidr.offset_of(ip).expect("inside");
        assert!(offset > 256, "{ip} is above the static band");
        assert_eq!(
            r.claim("10.95.0.1".parse().expect("ip")),
            Err(ClaimError::OutOfRange)
        );
        assert_eq!(
            r.claim("10.96.0.1".parse().expect("ip")),
            Err(ClaimError::Taken)
        );
    }
}
