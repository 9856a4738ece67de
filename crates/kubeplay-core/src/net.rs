//! IP addresses and CIDRs, with the integer arithmetic allocation needs.
//! Only std types; no floating point.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An IP network: an address and a prefix length. The address is kept as
/// written (it may have host bits set, as in `10.96.0.1/12`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cidr {
    /// The address part.
    pub addr: IpAddr,
    /// The prefix length in bits.
    pub prefix: u8,
}

impl Cidr {
    /// Parses `10.96.0.0/12` or `fd00::/108`. Surrounding spaces are not allowed.
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = text.split_once('/')?;
        let addr: IpAddr = addr.parse().ok()?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) || prefix.len() > 3 {
            return None;
        }
        let prefix: u8 = prefix.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then_some(Cidr { addr, prefix })
    }

    /// Whether `ip` lies inside this network (same family, same prefix bits).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = mask_v4(self.prefix);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = mask_v6(self.prefix);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }

    /// The network address (host bits cleared).
    pub fn network(&self) -> IpAddr {
        match self.addr {
            IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(u32::from(a) & mask_v4(self.prefix))),
            IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask_v6(self.prefix))),
        }
    }

    /// The number of addresses in the network, saturating at `u128::MAX`.
    pub fn size(&self) -> u128 {
        let bits = u32::from(if self.addr.is_ipv4() { 32 } else { 128 } - self.prefix);
        1u128.checked_shl(bits).unwrap_or(u128::MAX)
    }

    /// The address at `offset` from the network address, if inside the network.
    pub fn nth(&self, offset: u128) -> Option<IpAddr> {
        if offset >= self.size() {
            return None;
        }
        Some(match self.network() {
            IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(
                u32::from(a).checked_add(u32::try_from(offset).ok()?)?,
            )),
            IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(u128::from(a).checked_add(offset)?)),
        })
    }

    /// The offset of `ip` from the network address, if inside the network.
    pub fn offset_of(&self, ip: IpAddr) -> Option<u128> {
        if !self.contains(ip) {
            return None;
        }
        Some(match (self.network(), ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => u128::from(u32::from(i) - u32::from(n)),
            (IpAddr::V6(n), IpAddr::V6(i)) => u128::from(i) - u128::from(n),
            _ => return None,
        })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

fn mask_v4(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask_v6(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

/// Parses an IP the way kube-proxy reads EndpointSlice addresses ("sloppy"):
/// IPv4 parts with leading zeros are accepted (`10.180.00.001` is `10.180.0.1`).
pub fn parse_ip_sloppy(text: &str) -> Option<IpAddr> {
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut octets = [0u8; 4];
    for (o, p) in octets.iter_mut().zip(&parts) {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = p.parse().ok()?;
    }
    Some(IpAddr::V4(Ipv4Addr::from(octets)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_parse_and_contain() {
        let c = Cidr::parse("10.96.0.0/12").expect("valid");
        assert!(c.contains("10.96.0.10".parse().expect("ip")));
        assert!(c.contains("10.111.255.255".parse().expect("ip")));
        assert!(!c.contains("10.112.0.0".parse().expect("ip")));
        assert_eq!(c.size(), 1 << 20);
        assert_eq!(c.nth(10), Some("10.96.0.10".parse().expect("ip")));
        assert_eq!(c.offset_of("10.96.1.0".parse().expect("ip")), Some(256));
        assert_eq!(Cidr::parse("10.0.0.0/33"), None);
        assert_eq!(Cidr::parse("10.0.0.0/"), None);
        assert!(Cidr::parse("fd00::/108").is_some());
    }

    #[test]
    fn sloppy_parsing_drops_leading_zeros() {
        assert_eq!(
            parse_ip_sloppy("10.180.00.001"),
            Some("10.180.0.1".parse().expect("ip"))
        );
        assert_eq!(parse_ip_sloppy("10.180.0"), None);
    }
}
