//! What CoreDNS's `kubernetes` plugin answers, as configured by kubeadm's
//! Corefile:
//!
//! ```text
//! kubernetes cluster.local in-addr.arpa ip6.arpa {
//!    pods insecure
//!    fallthrough in-addr.arpa ip6.arpa
//!    ttl 30
//! }
//! forward . /etc/resolv.conf
//! ```
//!
//! The rules follow CoreDNS's `plugin/kubernetes` (kubernetes.go `Records`,
//! `findServices`, `findPods`; parse.go `parseRequest`; reverse.go) and the
//! generic answer builders of `plugin/backend_lookup.go`, checked against its
//! `handler_test.go` cases and the Kubernetes DNS specification
//! (`kubernetes/dns` docs/specification.md). The notable consequences:
//!
//! - A ClusterIP Service answers with its VIP even with zero endpoints; a
//!   headless Service with no ready endpoint is NXDOMAIN (spec §2.4.1).
//! - Endpoint names (`<hostname>.<svc>.<ns>.svc.cluster.local`) are looked up
//!   in the Service's EndpointSlices whatever the Service's kind, as
//!   `findServices` does for any query with an endpoint label.
//! - SRV weights are `100 / n` (integer division, at least 1), where `n`
//!   counts every (address, port) pair found *before* duplicates are dropped,
//!   as `plugin.SRV` computes them; the address records of SRV targets go to
//!   the additional section, as CoreDNS puts them.
//! - Answer owner names keep the case of the question (CoreDNS preserves it);
//!   names CoreDNS builds itself (SRV targets, PTR data) are lower case.
//!
//! Outside the cluster zone, queries go to kubeplay's simulated internet (the
//! `forward` plugin's upstream): it knows exactly the names that ExternalName
//! Services point at, each with one stable IPv4 address in 192.0.2.0/24 (see
//! [`external_address`]) and no IPv6 address; any other name is NXDOMAIN.
//!
//! Answers are in a fixed order (Services and EndpointSlices sorted by
//! namespace and name, endpoints as written) where a real CoreDNS would
//! return its cache's order shuffled by the `loadbalance` plugin.

use crate::cluster::Cluster;
use crate::k8s::core::Service;
use crate::k8s::discovery::EndpointSlice;
use std::collections::BTreeSet;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The cluster domain (kubelet's `clusterDomain`, CoreDNS's zone).
pub const ZONE: &str = "cluster.local";
/// The TTL of every answer from the cluster zone: kubeadm's Corefile sets
/// `ttl 30` (CoreDNS's own default is 5).
pub const TTL: u32 = 30;
/// The TTL CoreDNS hard-codes for the `dns-version` TXT record.
pub const DNS_VERSION_TTL: u32 = 28800;
/// The DNS schema version CoreDNS reports (`DNSSchemaVersion`).
pub const SCHEMA_VERSION: &str = "1.1.0";
/// The TTL of the simulated internet's answers. A real upstream sends its
/// own TTLs; a different value keeps them visibly apart from CoreDNS's.
pub const EXTERNAL_TTL: u32 = 300;
/// `options ndots:5` from a pod's resolv.conf (kubelet writes it for
/// `dnsPolicy: ClusterFirst`).
pub const NDOTS: usize = 5;
/// The longest CNAME chain CoreDNS follows inside its zone (`maxCnameChainLength`).
const MAX_CNAME_CHAIN: usize = 10;
/// The label service-proxies and CoreDNS read to tie a slice to its Service.
const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// A query or record type: the ones CoreDNS's kubernetes plugin answers
/// that kubeplay shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QType {
    /// An IPv4 address.
    A,
    /// An IPv6 address.
    Aaaa,
    /// An alias to another name.
    Cname,
    /// A service location: priority, weight, port and target.
    Srv,
    /// A reverse-lookup pointer.
    Ptr,
    /// Text.
    Txt,
}

impl QType {
    /// The type's name as dig prints it (`AAAA`).
    pub fn as_str(self) -> &'static str {
        match self {
            QType::A => "A",
            QType::Aaaa => "AAAA",
            QType::Cname => "CNAME",
            QType::Srv => "SRV",
            QType::Ptr => "PTR",
            QType::Txt => "TXT",
        }
    }

    /// Parses a type name, case-insensitively as dig does.
    pub fn parse(text: &str) -> Option<QType> {
        [
            QType::A,
            QType::Aaaa,
            QType::Cname,
            QType::Srv,
            QType::Ptr,
            QType::Txt,
        ]
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for QType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The response code. CoreDNS's SERVFAIL (before the first API sync) cannot
/// happen in a model that is always in sync.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rcode {
    /// The name exists; the answer may still be empty (NODATA).
    NoError,
    /// The name does not exist.
    NxDomain,
}

impl Rcode {
    /// The code as dig prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Rcode::NoError => "NOERROR",
            Rcode::NxDomain => "NXDOMAIN",
        }
    }
}

impl fmt::Display for Rcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One resource record, class IN.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Record {
    /// The owner name, fully qualified with its trailing dot.
    pub name: String,
    /// The record's type.
    pub rtype: QType,
    /// Time to live in seconds.
    pub ttl: u32,
    /// The data as in a zone file: `10.96.0.10`,
    /// `0 100 80 web.default.svc.cluster.local.`, `"1.1.0"`.
    pub data: String,
}

impl fmt::Display for Record {
    /// The record as `dig +noall +answer` prints it (tab-separated).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}\t{}\tIN\t{}\t{}",
            self.name, self.ttl, self.rtype, self.data
        )
    }
}

/// One name the resolver asked while walking the search list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// The fully qualified name asked.
    pub name: String,
    /// What came back.
    pub rcode: Rcode,
    /// How many answer records came back.
    pub answers: usize,
}

/// The resolver's result for one question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnsResponse {
    /// The fully qualified name whose response this is: the one that
    /// answered, else the first that existed without data, else the last
    /// one tried.
    pub name: String,
    /// The question's type.
    pub qtype: QType,
    /// The response code.
    pub rcode: Rcode,
    /// The answer section.
    pub answers: Vec<Record>,
    /// The additional section (addresses of SRV targets).
    pub additional: Vec<Record>,
    /// Every name asked, in order, so a learner sees the search list at work.
    pub tried: Vec<Attempt>,
}

/// Answers `name` as a pod's resolver would with CoreDNS behind it.
///
/// With `search_namespace`, `name` is expanded as glibc does with a pod's
/// resolv.conf (`search <ns>.svc.cluster.local svc.cluster.local
/// cluster.local`, `options ndots:5`): a name with fewer than 5 dots tries
/// each search suffix first and then itself, a longer one itself first; the
/// first name with answers wins. NXDOMAIN and NODATA both move on to the
/// next name (glibc's `res_nsearch`); when no name answers but one existed,
/// the result is that name's empty NOERROR. A trailing dot, or no
/// namespace, asks the name as it is. Names are case-insensitive.
///
/// For `PTR`, a plain IP address is accepted and asked as its
/// `in-addr.arpa` / `ip6.arpa` name.
pub fn query(
    cluster: &Cluster,
    name: &str,
    qtype: QType,
    search_namespace: Option<&str>,
) -> DnsResponse {
    let name = name.trim();
    let plain_ip = name.strip_suffix('.').unwrap_or(name).parse::<IpAddr>();
    let name = match (qtype, plain_ip) {
        (QType::Ptr, Ok(ip)) => reverse_name(ip),
        _ => name.to_owned(),
    };
    let candidates = match search_namespace.filter(|ns| !ns.is_empty()) {
        Some(ns) => search_list(&name, ns),
        None => vec![fqdn(&name)],
    };
    let server = Server::new(cluster);
    let mut tried = Vec::new();
    let mut nodata: Option<(String, Vec<Record>)> = None;
    let mut last = String::new();
    for candidate in candidates {
        let (rcode, answers, additional) = server.answer(&candidate, qtype);
        tried.push(Attempt {
            name: candidate.clone(),
            rcode,
            answers: answers.len(),
        });
        if rcode == Rcode::NoError && !answers.is_empty() {
            return DnsResponse {
                name: candidate,
                qtype,
                rcode,
                answers,
                additional,
                tried,
            };
        }
        if rcode == Rcode::NoError && nodata.is_none() {
            nodata = Some((candidate.clone(), additional));
        }
        last = candidate;
    }
    let (name, rcode, additional) = match nodata {
        Some((name, additional)) => (name, Rcode::NoError, additional),
        None => (last, Rcode::NxDomain, Vec::new()),
    };
    DnsResponse {
        name,
        qtype,
        rcode,
        answers: Vec::new(),
        additional,
        tried,
    }
}

/// The fully qualified names a pod in `namespace` asks for `name`, in order
/// (see [`query`]).
pub fn search_list(name: &str, namespace: &str) -> Vec<String> {
    if name.ends_with('.') {
        return vec![name.to_owned()];
    }
    let namespace = namespace.to_ascii_lowercase();
    let suffixes = [
        format!("{namespace}.svc.{ZONE}"),
        format!("svc.{ZONE}"),
        ZONE.to_owned(),
    ];
    let mut out: Vec<String> = suffixes.iter().map(|s| format!("{name}.{s}.")).collect();
    if name.matches('.').count() >= NDOTS {
        out.insert(0, format!("{name}."));
    } else {
        out.push(format!("{name}."));
    }
    out
}

/// The simulated internet's address for an external name: 192.0.2.x where
/// x = 1 + (32-bit FNV-1a of the lower-case name without its trailing dot)
/// mod 254, so x is 1..=254, the same name always gets the same address and
/// editing one Service never moves another's. Two names may share an
/// address, as virtual hosts do.
pub fn external_address(name: &str) -> Ipv4Addr {
    let name = name.strip_suffix('.').unwrap_or(name);
    let mut hash: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        hash ^= u32::from(b.to_ascii_lowercase());
        hash = hash.wrapping_mul(0x0100_0193);
    }
    // `hash % 254` is below 254, so the cast cannot truncate.
    let host = u8::try_from(hash % 254).unwrap_or(0) + 1;
    Ipv4Addr::new(192, 0, 2, host)
}

/// The reverse-lookup name of an address: `10.0.96.10.in-addr.arpa.` or
/// the 32 nibbles of an IPv6 address under `ip6.arpa.`.
pub fn reverse_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            format!("{d}.{c}.{b}.{a}.in-addr.arpa.")
        }
        IpAddr::V6(v6) => {
            let mut out = String::new();
            for byte in v6.octets().iter().rev() {
                out.push_str(&format!("{:x}.{:x}.", byte & 0xf, byte >> 4));
            }
            out.push_str("ip6.arpa.");
            out
        }
    }
}

/// Appends the trailing dot of a fully qualified name if it is missing.
fn fqdn(name: &str) -> String {
    if name.ends_with('.') {
        name.to_owned()
    } else {
        format!("{name}.")
    }
}

/// The lower-case name without its trailing dot: the form lookups compare.
fn key(name: &str) -> String {
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

/// What a lookup found behind a name: CoreDNS's `msg.Service`.
#[derive(Clone, Debug)]
struct Entry {
    /// An address, or (for ExternalName) the name it aliases.
    target: Target,
    /// The port; -1 where the Service or slice declares none (CoreDNS's
    /// sentinel, which SRV skips).
    port: i32,
    /// The lower-case fully qualified name of the thing found: the
    /// Service's or the endpoint's name. SRV targets it.
    owner: String,
}

#[derive(Clone, Debug)]
enum Target {
    Ip(IpAddr),
    Name(String),
}

/// The answer and additional sections of one response.
type Sections = (Vec<Record>, Vec<Record>);

/// A name that does not exist (CoreDNS's errNoItems / errInvalidRequest /
/// errNsNotExposed, which all answer NXDOMAIN).
#[derive(Clone, Copy, Debug)]
struct NxDomain;

/// The parts of a name in the cluster zone (parse.go `recordRequest`).
#[derive(Default)]
struct Request<'a> {
    port: &'a str,
    protocol: &'a str,
    endpoint: &'a str,
    service: &'a str,
    namespace: &'a str,
    pod: bool,
}

/// One ready endpoint address of a Service, as CoreDNS's endpoint cache
/// holds it.
struct EndpointAddr<'a> {
    ip: IpAddr,
    hostname: String,
    /// The slice's ports: (port, name, protocol); [(-1, "", "")] for none.
    ports: Vec<(i32, &'a str, &'a str)>,
}

/// CoreDNS serving one cluster: the cluster plus its derived indexes.
struct Server<'a> {
    cluster: &'a Cluster,
    /// Namespaces that exist: the well-known ones plus every namespace an
    /// object lives in (the Cluster holds no Namespace objects).
    namespaces: BTreeSet<String>,
    /// Lower-case names (no trailing dot) the simulated internet knows.
    external_names: BTreeSet<String>,
}

fn namespace_of(ns: Option<&String>) -> &str {
    ns.map_or("default", String::as_str)
}

impl<'a> Server<'a> {
    fn new(cluster: &'a Cluster) -> Server<'a> {
        let mut namespaces: BTreeSet<String> = crate::order::btree_set(
            ["default", "kube-system", "kube-public", "kube-node-lease"].map(str::to_owned),
        );
        let metas = cluster
            .services
            .iter()
            .map(|s| &s.metadata)
            .chain(cluster.pods.iter().map(|p| &p.metadata))
            .chain(cluster.endpoint_slices.iter().map(|s| &s.metadata));
        for m in metas {
            namespaces.insert(namespace_of(m.namespace.as_ref()).to_ascii_lowercase());
        }
        let external_names = crate::order::btree_set(
            cluster
                .services
                .iter()
                .filter(|s| is_external_name(s))
                .filter_map(|s| s.spec.as_ref()?.external_name.as_deref())
                .map(key)
                .filter(|n| !n.is_empty() && !in_zone(n)),
        );
        Server {
            cluster,
            namespaces,
            external_names,
        }
    }

    /// One question to the DNS server, no search list: CoreDNS for the
    /// cluster and reverse zones, the simulated upstream for the rest.
    fn answer(&self, qname: &str, qtype: QType) -> (Rcode, Vec<Record>, Vec<Record>) {
        let lname = key(qname);
        let result = if in_zone(&lname) {
            self.zone_answer(qname, &lname, qtype)
        } else if in_reverse_zone(&lname) {
            // A miss falls through to `forward` (kubeadm's `fallthrough
            // in-addr.arpa ip6.arpa`); the simulated upstream has no
            // reverse records either, so it stays NXDOMAIN.
            match qtype {
                QType::Ptr => self.ptr(qname, &lname).map(|a| (a, Vec::new())),
                _ => Err(NxDomain),
            }
        } else {
            self.upstream(qname, &lname, qtype).map(|a| (a, Vec::new()))
        };
        match result {
            Ok((answers, additional)) => (Rcode::NoError, answers, additional),
            Err(NxDomain) => (Rcode::NxDomain, Vec::new(), Vec::new()),
        }
    }

    /// The simulated internet: ExternalName targets have one A record.
    fn upstream(&self, qname: &str, lname: &str, qtype: QType) -> Result<Vec<Record>, NxDomain> {
        if !self.external_names.contains(lname) {
            return Err(NxDomain);
        }
        Ok(match qtype {
            QType::A => vec![Record {
                name: fqdn(qname),
                rtype: QType::A,
                ttl: EXTERNAL_TTL,
                data: external_address(lname).to_string(),
            }],
            _ => Vec::new(),
        })
    }

    /// The kubernetes plugin's `ServeDNS` for a name in the cluster zone.
    fn zone_answer(&self, qname: &str, lname: &str, qtype: QType) -> Result<Sections, NxDomain> {
        match qtype {
            QType::A | QType::Aaaa => {
                let mut chain = Vec::new();
                self.addresses(qname, qtype, &mut chain)
                    .map(|a| (a, Vec::new()))
            }
            QType::Srv => self.srv(qname, lname),
            QType::Cname => {
                let entries = self.records(lname)?;
                let answers = match entries.first().map(|e| &e.target) {
                    Some(Target::Name(target)) => vec![cname(qname, target)],
                    _ => Vec::new(),
                };
                Ok((answers, Vec::new()))
            }
            QType::Txt => {
                if lname == format!("dns-version.{ZONE}") {
                    return Ok((
                        vec![Record {
                            name: fqdn(qname),
                            rtype: QType::Txt,
                            ttl: DNS_VERSION_TTL,
                            data: format!("\"{SCHEMA_VERSION}\""),
                        }],
                        Vec::new(),
                    ));
                }
                // CoreDNS answers an empty NOERROR only when the name has
                // records of another type; a name that exists without any
                // (`svc.cluster.local`) is NXDOMAIN for TXT.
                match self.records(lname) {
                    Ok(entries) if !entries.is_empty() => Ok((Vec::new(), Vec::new())),
                    _ => Err(NxDomain),
                }
            }
            // A PTR question for a forward name: the name exists or not.
            QType::Ptr => self.records(lname).map(|_| (Vec::new(), Vec::new())),
        }
    }

    /// `plugin.A` / `plugin.AAAA`: addresses, following CNAMEs inside the
    /// zone and asking the upstream for names outside it.
    fn addresses(
        &self,
        qname: &str,
        qtype: QType,
        chain: &mut Vec<Record>,
    ) -> Result<Vec<Record>, NxDomain> {
        let lname = key(qname);
        let entries = self.records(&lname)?;
        let mut out: Vec<Record> = Vec::new();
        let mut seen: BTreeSet<IpAddr> = BTreeSet::new();
        for entry in entries {
            match entry.target {
                Target::Name(target) => {
                    let tkey = key(&target);
                    // `x CNAME x` is a loop; so is a chain longer than CoreDNS follows.
                    if tkey == lname || chain.len() > MAX_CNAME_CHAIN {
                        continue;
                    }
                    let record = cname(qname, &target);
                    if chain.iter().any(|r| r.data == record.data) {
                        continue;
                    }
                    if in_zone(&tkey) {
                        chain.push(record.clone());
                        let next = self.addresses(&fqdn(&target), qtype, chain);
                        chain.pop();
                        // CoreDNS adds the CNAME only when its target answered.
                        if let Ok(next) = next
                            && !next.is_empty()
                        {
                            out.push(record);
                            out.extend(next);
                        }
                    } else {
                        // The upstream always replies; the CNAME goes in
                        // with whatever addresses it had.
                        let next = self
                            .upstream(&fqdn(&target), &tkey, qtype)
                            .unwrap_or_default();
                        out.push(record);
                        out.extend(next);
                    }
                }
                Target::Ip(ip) => {
                    if family(ip) == qtype && seen.insert(ip) {
                        out.push(address(qname, ip, TTL));
                    }
                }
            }
        }
        Ok(out)
    }

    /// `plugin.SRV`: one SRV per distinct (target, port), the targets'
    /// addresses in the additional section.
    fn srv(&self, qname: &str, lname: &str) -> Result<Sections, NxDomain> {
        // CoreDNS drops ExternalName aliases from SRV answers ("not yet
        // implemented"), leaving the name existing but empty.
        let entries: Vec<Entry> = self
            .records(lname)?
            .into_iter()
            .filter(|e| matches!(e.target, Target::Ip(_)))
            .collect();
        // Every entry weighs 100 and all have priority 0, so each record's
        // share is 100 * 100 / (100 * n), floored, at least 1.
        let count = i32::try_from(entries.len()).unwrap_or(i32::MAX).max(1);
        let weight = (100 / count).max(1);
        let mut answers = Vec::new();
        let mut additional = Vec::new();
        let mut seen_srv: BTreeSet<(String, i32)> = BTreeSet::new();
        let mut seen_addr: BTreeSet<(String, IpAddr)> = BTreeSet::new();
        for e in entries {
            let Target::Ip(ip) = e.target else { continue };
            if e.port == -1 {
                continue;
            }
            if seen_srv.insert((e.owner.clone(), e.port)) {
                answers.push(Record {
                    name: fqdn(qname),
                    rtype: QType::Srv,
                    ttl: TTL,
                    data: format!("0 {weight} {} {}", e.port, e.owner),
                });
            }
            if seen_addr.insert((e.owner.clone(), ip)) {
                additional.push(address(&e.owner, ip, TTL));
            }
        }
        Ok((answers, additional))
    }

    /// reverse.go `serviceRecordForIP`: a ClusterIP names its Service (the
    /// first one holding it); otherwise every ready endpoint with that
    /// address names its endpoint.
    fn ptr(&self, qname: &str, lname: &str) -> Result<Vec<Record>, NxDomain> {
        let ip = address_from_reverse(lname).ok_or(NxDomain)?;
        let ptr = |data: String| Record {
            name: fqdn(qname),
            rtype: QType::Ptr,
            ttl: TTL,
            data,
        };
        for svc in &self.cluster.services {
            if cluster_ips(svc).iter().any(|c| parse_ip(c) == Some(ip)) {
                let (ns, name) = names(&svc.metadata);
                return Ok(vec![ptr(format!("{name}.{ns}.svc.{ZONE}."))]);
            }
        }
        let mut out: Vec<Record> = Vec::new();
        for slice in &self.cluster.endpoint_slices {
            let Some(service) = slice_service(slice) else {
                continue;
            };
            let ns = namespace_of(slice.metadata.namespace.as_ref()).to_ascii_lowercase();
            for addr in ready_addresses(slice) {
                if addr.ip != ip {
                    continue;
                }
                let data = format!(
                    "{}.{}.{ns}.svc.{ZONE}.",
                    addr.hostname.to_ascii_lowercase(),
                    service.to_ascii_lowercase()
                );
                if !out.iter().any(|r| r.data == data) {
                    out.push(ptr(data));
                }
            }
        }
        if out.is_empty() {
            Err(NxDomain)
        } else {
            Ok(out)
        }
    }

    /// kubernetes.go `Records`: what a name in the cluster zone holds.
    /// `Ok(vec![])` is a name that exists without records (NODATA).
    fn records(&self, lname: &str) -> Result<Vec<Entry>, NxDomain> {
        let base = if lname == ZONE {
            ""
        } else {
            lname
                .strip_suffix(ZONE)
                .and_then(|b| b.strip_suffix('.'))
                .ok_or(NxDomain)?
        };
        let r = parse_request(base)?;
        let Some(r) = r else { return Ok(Vec::new()) };
        if !self.namespaces.contains(r.namespace) {
            return Err(NxDomain);
        }
        if r.service.is_empty() {
            return Ok(Vec::new());
        }
        if r.pod {
            return find_pod(&r);
        }
        self.find_services(&r)
    }

    /// kubernetes.go `findServices`.
    fn find_services(&self, r: &Request<'_>) -> Result<Vec<Entry>, NxDomain> {
        let mut found = false;
        let mut out = Vec::new();
        for svc in &self.cluster.services {
            let (ns, name) = names(&svc.metadata);
            if !ns.eq_ignore_ascii_case(r.namespace) || !name.eq_ignore_ascii_case(r.service) {
                continue;
            }
            let svc_name = format!(
                "{}.{}.svc.{ZONE}.",
                name.to_ascii_lowercase(),
                ns.to_ascii_lowercase()
            );
            let spec = svc.spec.as_ref();
            if is_external_name(svc) {
                // ExternalName has no endpoints and no ports: sub-names and
                // SRV-form names under it do not exist.
                if !r.endpoint.is_empty() || !r.port.is_empty() || !r.protocol.is_empty() {
                    continue;
                }
                let target = spec.and_then(|s| s.external_name.as_deref()).unwrap_or("");
                // CoreDNS only aliases a host name; an IP here answers nothing.
                if !target.is_empty() && parse_ip(target.trim_end_matches('.')).is_none() {
                    out.push(Entry {
                        target: Target::Name(fqdn(target)),
                        port: 0,
                        owner: svc_name,
                    });
                    found = true;
                }
                continue;
            }
            let ips = cluster_ips(svc);
            let headless = ips.first().is_some_and(|ip| ip == "None");
            if headless || !r.endpoint.is_empty() {
                for addr in self.endpoints(ns, name) {
                    if !r.endpoint.is_empty() && !addr.hostname.eq_ignore_ascii_case(r.endpoint) {
                        continue;
                    }
                    for &(port, pname, proto) in &addr.ports {
                        if !port_matches(r, pname, proto) {
                            continue;
                        }
                        found = true;
                        out.push(Entry {
                            target: Target::Ip(addr.ip),
                            port,
                            owner: format!("{}.{svc_name}", addr.hostname.to_ascii_lowercase()),
                        });
                    }
                }
                continue;
            }
            let ports: Vec<(i32, &str, &str)> = match spec.and_then(|s| s.ports.as_ref()) {
                Some(ports) if !ports.is_empty() => ports
                    .iter()
                    .map(|p| {
                        (
                            p.port,
                            p.name.as_deref().unwrap_or(""),
                            p.protocol.as_deref().unwrap_or("TCP"),
                        )
                    })
                    .collect(),
                _ => vec![(-1, "", "")],
            };
            for (port, pname, proto) in ports {
                if !port_matches(r, pname, proto) {
                    continue;
                }
                found = true;
                for ip in ips.iter().filter_map(|ip| parse_ip(ip)) {
                    out.push(Entry {
                        target: Target::Ip(ip),
                        port,
                        owner: svc_name.clone(),
                    });
                }
            }
        }
        if found { Ok(out) } else { Err(NxDomain) }
    }

    /// Ready addresses of every slice labelled for `namespace/service`.
    fn endpoints(&self, namespace: &str, service: &str) -> Vec<EndpointAddr<'a>> {
        self.cluster
            .endpoint_slices
            .iter()
            .filter(|s| {
                namespace_of(s.metadata.namespace.as_ref()) == namespace
                    && slice_service(s) == Some(service)
            })
            .flat_map(ready_addresses)
            .collect()
    }
}

/// parse.go `parseRequest` for `base` (the name without the zone).
/// `Ok(None)` is a name that exists but names nothing (`svc`, `pod`, the apex).
fn parse_request(base: &str) -> Result<Option<Request<'_>>, NxDomain> {
    if base.is_empty() || base == "svc" || base == "pod" {
        return Ok(None);
    }
    let segs: Vec<&str> = base.split('.').collect();
    let Some((&kind, rest)) = segs.split_last() else {
        return Ok(None);
    };
    if kind != "svc" && kind != "pod" {
        return Err(NxDomain);
    }
    let mut r = Request {
        pod: kind == "pod",
        ..Request::default()
    };
    let Some((&namespace, rest)) = rest.split_last() else {
        return Ok(None);
    };
    r.namespace = namespace;
    let Some((&service, rest)) = rest.split_last() else {
        return Ok(Some(r));
    };
    r.service = service;
    match rest {
        [] => {}
        [endpoint] => r.endpoint = endpoint,
        [port, protocol] => {
            r.port = port.strip_prefix('_').unwrap_or(port);
            r.protocol = protocol.strip_prefix('_').unwrap_or(protocol);
        }
        // CoreDNS's zone-scoped names (`zonal`) are off by default: too long.
        _ => return Err(NxDomain),
    }
    Ok(Some(r))
}

/// kubernetes.go `findPods` with `pods insecure`: the name's IP, unchecked.
/// CoreDNS ignores any labels left of the pod label here.
fn find_pod(r: &Request<'_>) -> Result<Vec<Entry>, NxDomain> {
    let label = r.service;
    let text = if label.matches('-').count() == 3 && !label.contains("--") {
        label.replace('-', ".")
    } else {
        label.replace('-', ":")
    };
    let ip = parse_ip(&text).ok_or(NxDomain)?;
    Ok(vec![Entry {
        target: Target::Ip(ip),
        port: 0,
        owner: format!("{label}.{}.pod.{ZONE}.", r.namespace),
    }])
}

/// An empty port or protocol in the question matches any (CoreDNS's
/// `matchPortAndProtocol`, case-insensitive).
fn port_matches(r: &Request<'_>, name: &str, protocol: &str) -> bool {
    (r.port.is_empty() || r.port.eq_ignore_ascii_case(name))
        && (r.protocol.is_empty() || r.protocol.eq_ignore_ascii_case(protocol))
}

/// The ready addresses of one slice with the slice's ports.
/// `ready` unset counts as ready (the API's documented reading, CoreDNS's
/// `endpointsliceReady`); publishNotReadyAddresses is already folded into
/// `ready` by the EndpointSlice controller.
fn ready_addresses(slice: &EndpointSlice) -> Vec<EndpointAddr<'_>> {
    let ports: Vec<(i32, &str, &str)> = match slice.ports.as_ref() {
        Some(ports) if !ports.is_empty() => ports
            .iter()
            .map(|p| {
                (
                    p.port.unwrap_or(-1),
                    p.name.as_deref().unwrap_or(""),
                    // The API server defaults a slice port's protocol to TCP.
                    p.protocol.as_deref().unwrap_or("TCP"),
                )
            })
            .collect(),
        _ => vec![(-1, "", "")],
    };
    let mut out = Vec::new();
    for ep in &slice.endpoints {
        let ready = ep.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true);
        if !ready {
            continue;
        }
        for text in &ep.addresses {
            // CoreDNS keeps unparsable addresses but can never answer them.
            let Some(ip) = parse_ip(text) else { continue };
            let hostname = match ep.hostname.as_deref() {
                Some(h) if !h.is_empty() => h.to_owned(),
                _ => ip_hostname(text),
            };
            out.push(EndpointAddr {
                ip,
                hostname,
                ports: ports.clone(),
            });
        }
    }
    out
}

/// CoreDNS's `endpointHostname` for an address without a hostname: the
/// address as written with `.` or `:` turned into `-` (`172-0-0-2`,
/// `5678-abcd--1`), a trailing `-` completed with `0`.
fn ip_hostname(text: &str) -> String {
    if text.contains('.') {
        return text.replace('.', "-");
    }
    let out = text.replace(':', "-");
    if out.ends_with('-') {
        format!("{out}0")
    } else {
        out
    }
}

/// The Service a slice belongs to, from its `kubernetes.io/service-name` label.
fn slice_service(slice: &EndpointSlice) -> Option<&str> {
    slice
        .metadata
        .labels
        .as_ref()?
        .get(SERVICE_NAME_LABEL)
        .map(String::as_str)
        .filter(|s| !s.is_empty())
}

/// `spec.clusterIPs`, else `[spec.clusterIP]`, as CoreDNS's `ToService` reads them.
fn cluster_ips(svc: &Service) -> Vec<String> {
    let Some(spec) = svc.spec.as_ref() else {
        return Vec::new();
    };
    match spec.cluster_ips.as_ref() {
        Some(ips) if !ips.is_empty() => ips.clone(),
        _ => spec.cluster_ip.iter().cloned().collect(),
    }
}

fn is_external_name(svc: &Service) -> bool {
    svc.spec
        .as_ref()
        .and_then(|s| s.type_.as_deref())
        .is_some_and(|t| t == "ExternalName")
}

fn names(meta: &crate::k8s::meta::ObjectMeta) -> (&str, &str) {
    (
        namespace_of(meta.namespace.as_ref()),
        meta.name.as_deref().unwrap_or(""),
    )
}

/// Parses an IP strictly, as Go's `net.ParseIP` does (no leading zeros).
fn parse_ip(text: &str) -> Option<IpAddr> {
    text.parse().ok()
}

fn family(ip: IpAddr) -> QType {
    if ip.is_ipv4() { QType::A } else { QType::Aaaa }
}

fn address(owner: &str, ip: IpAddr, ttl: u32) -> Record {
    Record {
        name: fqdn(owner),
        rtype: family(ip),
        ttl,
        data: ip.to_string(),
    }
}

fn cname(owner: &str, target: &str) -> Record {
    Record {
        name: fqdn(owner),
        rtype: QType::Cname,
        ttl: TTL,
        data: fqdn(target),
    }
}

fn in_zone(lname: &str) -> bool {
    lname == ZONE
        || lname
            .strip_suffix(ZONE)
            .is_some_and(|rest| rest.ends_with('.'))
}

fn in_reverse_zone(lname: &str) -> bool {
    ["in-addr.arpa", "ip6.arpa"].iter().any(|z| {
        lname == *z
            || lname
                .strip_suffix(z)
                .is_some_and(|rest| rest.ends_with('.'))
    })
}

/// The address a full reverse name stands for (dnsutil
/// `ExtractAddressFromReverse`); partial names stand for none.
fn address_from_reverse(lname: &str) -> Option<IpAddr> {
    if let Some(rest) = lname.strip_suffix(".in-addr.arpa") {
        let labels: Vec<&str> = rest.split('.').collect();
        if labels.len() != 4 {
            return None;
        }
        let text = labels.iter().rev().copied().collect::<Vec<_>>().join(".");
        return text.parse::<Ipv4Addr>().ok().map(IpAddr::V4);
    }
    let rest = lname.strip_suffix(".ip6.arpa")?;
    let labels: Vec<&str> = rest.split('.').collect();
    if labels.len() != 32 {
        return None;
    }
    let mut value: u128 = 0;
    for label in labels.iter().rev() {
        if label.len() != 1 {
            return None;
        }
        let nibble = u128::from_str_radix(label, 16).ok()?;
        value = (value << 4) | nibble;
    }
    Some(IpAddr::V6(Ipv6Addr::from(value)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::core::{ServicePort, ServiceSpec};
    use crate::k8s::discovery::{Endpoint, EndpointConditions, EndpointPort};
    use crate::k8s::meta::ObjectMeta;
    use std::collections::BTreeMap;

    fn meta(ns: &str, name: &str) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.into()),
            namespace: Some(ns.into()),
            ..ObjectMeta::default()
        }
    }

    fn service(ns: &str, name: &str, ips: &[&str], ports: &[(&str, i32)]) -> Service {
        Service {
            metadata: meta(ns, name),
            spec: Some(ServiceSpec {
                type_: Some("ClusterIP".into()),
                cluster_ip: ips.first().map(|s| (*s).to_owned()),
                cluster_ips: Some(ips.iter().map(|s| (*s).to_owned()).collect()),
                ports: Some(
                    ports
                        .iter()
                        .map(|(n, p)| ServicePort {
                            name: (!n.is_empty()).then(|| (*n).to_owned()),
                            port: *p,
                            protocol: Some("TCP".into()),
                            ..ServicePort::default()
                        })
                        .collect(),
                ),
                ..ServiceSpec::default()
            }),
            ..Service::default()
        }
    }

    fn external(ns: &str, name: &str, target: &str) -> Service {
        Service {
            metadata: meta(ns, name),
            spec: Some(ServiceSpec {
                type_: Some("ExternalName".into()),
                external_name: Some(target.into()),
                ..ServiceSpec::default()
            }),
            ..Service::default()
        }
    }

    /// Endpoints as (address, hostname, ready).
    fn slice(
        ns: &str,
        svc: &str,
        eps: &[(&str, Option<&str>, Option<bool>)],
        ports: &[(&str, i32)],
    ) -> EndpointSlice {
        let mut m = meta(ns, &format!("{svc}-abcde"));
        m.labels = Some(BTreeMap::from([(
            SERVICE_NAME_LABEL.to_owned(),
            svc.to_owned(),
        )]));
        EndpointSlice {
            metadata: m,
            address_type: "IPv4".into(),
            endpoints: eps
                .iter()
                .map(|(ip, host, ready)| Endpoint {
                    addresses: vec![(*ip).to_owned()],
                    hostname: host.map(str::to_owned),
                    conditions: Some(EndpointConditions {
                        ready: *ready,
                        ..EndpointConditions::default()
                    }),
                    ..Endpoint::default()
                })
                .collect(),
            ports: Some(
                ports
                    .iter()
                    .map(|(n, p)| EndpointPort {
                        name: Some((*n).to_owned()),
                        port: Some(*p),
                        protocol: Some("TCP".into()),
                        ..EndpointPort::default()
                    })
                    .collect(),
            ),
        }
    }

    fn cluster() -> Cluster {
        Cluster {
            services: vec![
                service("default", "db", &["None"], &[("pg", 5432)]),
                external("default", "ext", "api.example.com"),
                external("default", "inner", "web.default.svc.cluster.local"),
                service("default", "lonely", &["None"], &[("http", 80)]),
                service("default", "web", &["10.96.0.50"], &[("http", 80)]),
                service(
                    "prod",
                    "dual",
                    &["10.96.0.60", "fd00::60"],
                    &[("http", 80), ("", 9090)],
                ),
            ],
            endpoint_slices: vec![
                slice(
                    "default",
                    "db",
                    &[
                        ("10.244.1.5", Some("db-0"), Some(true)),
                        ("10.244.2.6", None, None),
                        ("10.244.3.7", None, Some(false)),
                    ],
                    &[("pg", 5432)],
                ),
                slice(
                    "default",
                    "lonely",
                    &[("10.244.1.9", None, Some(false))],
                    &[("http", 8080)],
                ),
                slice(
                    "default",
                    "web",
                    &[("10.244.1.10", None, Some(true))],
                    &[("http", 8080)],
                ),
            ],
            ..Cluster::default()
        }
    }

    fn lines(resp: &DnsResponse) -> Vec<String> {
        resp.answers
            .iter()
            .chain(&resp.additional)
            .map(ToString::to_string)
            .collect()
    }

    fn ask(name: &str, qtype: QType) -> DnsResponse {
        query(&cluster(), name, qtype, None)
    }

    #[test]
    fn cluster_ip_service_answers_its_vip() {
        let r = ask("web.default.svc.cluster.local", QType::A);
        assert_eq!(r.rcode, Rcode::NoError);
        assert_eq!(
            lines(&r),
            ["web.default.svc.cluster.local.\t30\tIN\tA\t10.96.0.50"]
        );
        // The other family exists but is empty (NODATA).
        let r = ask("web.default.svc.cluster.local", QType::Aaaa);
        assert_eq!((r.rcode, r.answers.len()), (Rcode::NoError, 0));
    }

    #[test]
    fn dual_stack_answers_each_family_and_srv_weighs_every_pair() {
        let r = ask("dual.prod.svc.cluster.local", QType::Aaaa);
        assert_eq!(
            lines(&r),
            ["dual.prod.svc.cluster.local.\t30\tIN\tAAAA\tfd00::60"]
        );
        // Bare SRV: 2 ports x 2 IPs = 4 entries, so weight 25; one record per port.
        let r = ask("dual.prod.svc.cluster.local", QType::Srv);
        assert_eq!(
            lines(&r),
            [
                "dual.prod.svc.cluster.local.\t30\tIN\tSRV\t0 25 80 dual.prod.svc.cluster.local.",
                "dual.prod.svc.cluster.local.\t30\tIN\tSRV\t0 25 9090 dual.prod.svc.cluster.local.",
                "dual.prod.svc.cluster.local.\t30\tIN\tA\t10.96.0.60",
                "dual.prod.svc.cluster.local.\t30\tIN\tAAAA\tfd00::60",
            ]
        );
    }

    #[test]
    fn headless_answers_ready_endpoints_only() {
        let r = ask("db.default.svc.cluster.local", QType::A);
        assert_eq!(
            lines(&r),
            [
                "db.default.svc.cluster.local.\t30\tIN\tA\t10.244.1.5",
                "db.default.svc.cluster.local.\t30\tIN\tA\t10.244.2.6",
            ]
        );
        // No ready endpoint: the name does not exist (spec 2.4.1).
        assert_eq!(
            ask("lonely.default.svc.cluster.local", QType::A).rcode,
            Rcode::NxDomain
        );
    }

    #[test]
    fn endpoint_names_and_srv_of_headless() {
        let r = ask("db-0.db.default.svc.cluster.local", QType::A);
        assert_eq!(
            lines(&r),
            ["db-0.db.default.svc.cluster.local.\t30\tIN\tA\t10.244.1.5"]
        );
        let r = ask("10-244-2-6.db.default.svc.cluster.local", QType::A);
        assert_eq!(r.answers.len(), 1);
        let r = ask("_pg._tcp.db.default.svc.cluster.local", QType::Srv);
        assert_eq!(
            lines(&r),
            [
                "_pg._tcp.db.default.svc.cluster.local.\t30\tIN\tSRV\t0 50 5432 db-0.db.default.svc.cluster.local.",
                "_pg._tcp.db.default.svc.cluster.local.\t30\tIN\tSRV\t0 50 5432 10-244-2-6.db.default.svc.cluster.local.",
                "db-0.db.default.svc.cluster.local.\t30\tIN\tA\t10.244.1.5",
                "10-244-2-6.db.default.svc.cluster.local.\t30\tIN\tA\t10.244.2.6",
            ]
        );
        assert_eq!(
            ask("_http._tcp.db.default.svc.cluster.local", QType::Srv).rcode,
            Rcode::NxDomain
        );
    }

    #[test]
    fn external_name_is_a_cname_and_has_no_sub_names() {
        let r = ask("ext.default.svc.cluster.local", QType::A);
        let addr = external_address("api.example.com");
        assert_eq!(
            lines(&r),
            [
                "ext.default.svc.cluster.local.\t30\tIN\tCNAME\tapi.example.com.".to_owned(),
                format!("api.example.com.\t300\tIN\tA\t{addr}"),
            ]
        );
        let r = ask("ext.default.svc.cluster.local", QType::Aaaa);
        assert_eq!(r.answers.len(), 1);
        assert_eq!(
            ask("x.ext.default.svc.cluster.local", QType::Cname).rcode,
            Rcode::NxDomain
        );
        // An alias to a name inside the zone is followed.
        let r = ask("inner.default.svc.cluster.local", QType::A);
        assert_eq!(
            lines(&r),
            [
                "inner.default.svc.cluster.local.\t30\tIN\tCNAME\tweb.default.svc.cluster.local.",
                "web.default.svc.cluster.local.\t30\tIN\tA\t10.96.0.50",
            ]
        );
    }

    #[test]
    fn external_addresses_are_stable_and_in_the_documentation_range() {
        let a = external_address("api.example.com");
        assert_eq!(a, external_address("API.example.com."));
        let [x, y, z, w] = a.octets();
        assert_eq!((x, y, z), (192, 0, 2));
        assert!((1..=254).contains(&w));
    }

    #[test]
    fn ptr_names_services_and_endpoints() {
        let r = ask("10.96.0.50", QType::Ptr);
        assert_eq!(
            lines(&r),
            ["50.0.96.10.in-addr.arpa.\t30\tIN\tPTR\tweb.default.svc.cluster.local."]
        );
        let r = ask("5.1.244.10.in-addr.arpa.", QType::Ptr);
        assert_eq!(r.answers[0].data, "db-0.db.default.svc.cluster.local.");
        let r = ask("fd00::60", QType::Ptr);
        assert_eq!(r.answers[0].data, "dual.prod.svc.cluster.local.");
        assert!(r.name.ends_with(".ip6.arpa."));
        assert_eq!(ask("10.1.2.3", QType::Ptr).rcode, Rcode::NxDomain);
    }

    #[test]
    fn pods_are_answered_insecurely() {
        let r = ask("10-244-9-9.default.pod.cluster.local", QType::A);
        assert_eq!(r.answers[0].data, "10.244.9.9");
        assert_eq!(
            ask("blah.default.pod.cluster.local", QType::A).rcode,
            Rcode::NxDomain
        );
        assert_eq!(
            ask("10-244-9-9.nons.pod.cluster.local", QType::A).rcode,
            Rcode::NxDomain
        );
    }

    #[test]
    fn unknown_names_and_structure() {
        for name in [
            "nope.default.svc.cluster.local",
            "web.nons.svc.cluster.local",
            "foo.cluster.local",
            "a.b.c.web.default.svc.cluster.local",
        ] {
            assert_eq!(ask(name, QType::A).rcode, Rcode::NxDomain, "{name}");
        }
        for name in [
            "cluster.local",
            "svc.cluster.local",
            "default.svc.cluster.local",
        ] {
            let r = ask(name, QType::A);
            assert_eq!((r.rcode, r.answers.len()), (Rcode::NoError, 0), "{name}");
        }
    }

    #[test]
    fn txt_schema_version() {
        let r = ask("dns-version.cluster.local", QType::Txt);
        assert_eq!(
            lines(&r),
            ["dns-version.cluster.local.\t28800\tIN\tTXT\t\"1.1.0\""]
        );
        let r = ask("web.default.svc.cluster.local", QType::Txt);
        assert_eq!((r.rcode, r.answers.len()), (Rcode::NoError, 0));
        assert_eq!(ask("svc.cluster.local", QType::Txt).rcode, Rcode::NxDomain);
    }

    #[test]
    fn search_list_and_case() {
        let r = query(&cluster(), "WEB", QType::A, Some("default"));
        assert_eq!(r.name, "WEB.default.svc.cluster.local.");
        assert_eq!(r.answers[0].name, "WEB.default.svc.cluster.local.");
        assert_eq!(r.tried.len(), 1);
        let r = query(&cluster(), "web.default", QType::A, Some("prod"));
        let tried: Vec<&str> = r.tried.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            tried,
            [
                "web.default.prod.svc.cluster.local.",
                "web.default.svc.cluster.local."
            ]
        );
        // NODATA keeps searching, and is the result when nothing answers.
        let r = query(&cluster(), "web", QType::Aaaa, Some("default"));
        assert_eq!(r.tried.len(), 4);
        assert_eq!(
            (r.rcode, r.name.as_str()),
            (Rcode::NoError, "web.default.svc.cluster.local.")
        );
        // A trailing dot disables the search.
        let r = query(&cluster(), "web.", QType::A, Some("default"));
        assert_eq!((r.rcode, r.tried.len()), (Rcode::NxDomain, 1));
        assert_eq!(
            search_list("a.b.c.d.e.f", "ns")[0],
            "a.b.c.d.e.f.",
            "5 dots or more: as is first"
        );
    }
}
