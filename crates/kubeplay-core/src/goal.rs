//! Lesson goals: a small declarative vocabulary, read from a lesson's YAML
//! front matter and checked against a live cluster model.
//!
//! A goal is a list of checks that must all hold (see `web/lessons/README.md`
//! for the author's view):
//!
//! - `trace: {from: SOURCE, to: TARGET, protocol: TCP}` with
//!   `expect: {verdict, service, reaches, port, endpoint, masquerade}`: the
//!   request is traced with [`crate::trace::trace`] for several seeds, and
//!   every run must meet every expectation. TARGET is the CLI's syntax plus
//!   `loadbalancer/NS/NAME:PORT`, the load-balancer address the cluster gave
//!   that Service (allocated, so an author cannot write it down).
//! - `dns: {name: NAME, type: A, namespace: NS}` with
//!   `expect: {rcode, answer, answers}`: what CoreDNS answers.
//! - `endpoints: NS/NAME` with `expect: {ready: N}`: the Service's ready
//!   endpoint addresses.
//! - `no-diagnostics: error|warning|info`: nothing at that severity or worse.
//!
//! Every check may carry `title:`, the sentence shown to the learner instead
//! of the generated one. Unknown keys are errors with their line.

use crate::cluster::{Analysis, Cluster};
use crate::diag::Severity;
use crate::dns::{QType, Rcode};
use crate::proxy::Verdict;
use crate::trace::{Source, Target};
use crate::yaml::{Node, Value};
use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::net::IpAddr;

/// The seeds every traced check is run with. Load balancers and kube-proxy
/// choose at random; a goal holds only when it holds for each choice made
/// with these seeds, so a lucky pick cannot pass it.
pub const SEEDS: std::ops::Range<u64> = 0..8;

/// A problem in a lesson file, at a 1-based line of the text that was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The line (1-based) in the text given to the reader.
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

/// A goal: a sentence for the learner and checks that must all hold.
#[derive(Clone, Debug, PartialEq)]
pub struct Goal {
    /// What the learner is asked to achieve, in one sentence (Markdown inline).
    pub text: String,
    /// The checks, all of which must hold.
    pub checks: Vec<Check>,
}

/// One check of a goal, with the sentence shown for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// The sentence shown to the learner.
    pub title: String,
    /// What is checked.
    pub kind: CheckKind,
}

/// What a check looks at.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckKind {
    /// A traced request.
    Trace {
        /// The CLI's SOURCE.
        from: String,
        /// The CLI's TARGET, or `loadbalancer/NS/NAME:PORT`.
        to: String,
        /// `TCP`, `UDP` or `SCTP`.
        protocol: String,
        /// What every run must show.
        expect: TraceExpect,
    },
    /// A DNS question asked of CoreDNS.
    Dns {
        /// The name asked.
        name: String,
        /// The record type.
        qtype: QType,
        /// The asking pod's namespace (its search list), if any.
        namespace: Option<String>,
        /// What the answer must be.
        expect: DnsExpect,
    },
    /// How many ready endpoint addresses a Service has.
    Endpoints {
        /// The Service's namespace.
        namespace: String,
        /// The Service's name.
        name: String,
        /// The exact number of distinct ready addresses.
        ready: usize,
    },
    /// No diagnostic at this severity or a more serious one.
    NoDiagnostics(Severity),
}

/// Expectations about a traced request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraceExpect {
    /// The verdict must be one of these.
    pub verdict: Vec<Verdict>,
    /// kube-proxy matched this Service (namespace, name).
    pub service: Option<(String, String)>,
    /// Every endpoint the request may reach is a Ready pod with these labels.
    pub reaches: Option<BTreeMap<String, String>>,
    /// Every endpoint the request may reach has this port.
    pub port: Option<i32>,
    /// Every endpoint the request may reach is this `IP:PORT`.
    pub endpoint: Option<String>,
    /// The packet is (or is not) SNATed to the node's address.
    pub masquerade: Option<bool>,
}

/// Expectations about a DNS answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DnsExpect {
    /// The response code.
    pub rcode: Option<Rcode>,
    /// Some answer record's data equals this (a trailing dot is ignored).
    pub answer: Option<String>,
    /// The number of answer records.
    pub answers: Option<usize>,
}

/// The result of one check on one cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    /// The check's sentence.
    pub title: String,
    /// Whether it holds.
    pub ok: bool,
    /// What was seen, in one sentence (why it fails, or what it showed).
    pub seen: String,
}

/// Whether every result holds (and there is at least one).
pub fn met(results: &[CheckResult]) -> bool {
    !results.is_empty() && results.iter().all(|r| r.ok)
}

/// Reads a goal from its YAML node (`text:` and `checks:`).
pub fn parse(node: &Node) -> Result<Goal, Vec<Problem>> {
    let mut problems = Vec::new();
    let map = Fields::new(node, "goal", &["text", "checks"], &mut problems);
    let text = map.string("text", &mut problems, true).unwrap_or_default();
    let mut checks = Vec::new();
    match map.get("checks").map(|n| &n.value) {
        Some(Value::Seq(items)) if !items.is_empty() => {
            for item in items {
                if let Some(c) = parse_check(item, &mut problems) {
                    checks.push(c);
                }
            }
        }
        _ => problems.push(problem(
            node,
            "goal needs `checks:`, a list of one or more checks",
        )),
    }
    if problems.is_empty() {
        Ok(Goal { text, checks })
    } else {
        Err(problems)
    }
}

fn problem(node: &Node, message: impl Into<String>) -> Problem {
    Problem {
        line: node.span.start.line,
        message: message.into(),
    }
}

/// A mapping whose keys are checked against an allowed list.
struct Fields<'a> {
    node: &'a Node,
    what: &'static str,
}

impl<'a> Fields<'a> {
    fn new(
        node: &'a Node,
        what: &'static str,
        allowed: &[&str],
        problems: &mut Vec<Problem>,
    ) -> Fields<'a> {
        match &node.value {
            Value::Map(entries) => {
                for e in entries {
                    let key = e.key.key_text();
                    if !allowed.contains(&key.as_str()) {
                        problems.push(problem(
                            &e.key,
                            format!(
                                "unknown key `{key}` in {what} (allowed: {})",
                                allowed.join(", ")
                            ),
                        ));
                    }
                }
            }
            _ => problems.push(problem(node, format!("{what} must be a mapping"))),
        }
        Fields { node, what }
    }

    fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    /// A scalar as text (numbers too: `port: 80` and `port: "80"` read alike).
    fn string(&self, key: &str, problems: &mut Vec<Problem>, required: bool) -> Option<String> {
        match self.get(key).map(|n| (n, &n.value)) {
            Some((_, Value::Str(s))) => Some(s.clone()),
            Some((_, Value::Int(i))) => Some(i.to_string()),
            Some((_, Value::Bool(b))) => Some(b.to_string()),
            Some((n, _)) => {
                problems.push(problem(
                    n,
                    format!("`{key}` in {} must be a scalar", self.what),
                ));
                None
            }
            None => {
                if required {
                    problems.push(problem(self.node, format!("{} needs `{key}:`", self.what)));
                }
                None
            }
        }
    }

    fn int(&self, key: &str, problems: &mut Vec<Problem>) -> Option<i64> {
        let n = self.get(key)?;
        match n.value {
            Value::Int(i) => Some(i),
            _ => {
                problems.push(problem(
                    n,
                    format!("`{key}` in {} must be a number", self.what),
                ));
                None
            }
        }
    }
}

const CHECK_KINDS: [&str; 4] = ["trace", "dns", "endpoints", "no-diagnostics"];

fn parse_check(node: &Node, problems: &mut Vec<Problem>) -> Option<Check> {
    let kinds: Vec<&str> = CHECK_KINDS
        .iter()
        .copied()
        .filter(|k| node.get(k).is_some())
        .collect();
    let [kind] = kinds.as_slice() else {
        problems.push(problem(
            node,
            format!(
                "a check needs exactly one of {} (found {})",
                CHECK_KINDS.join(", "),
                if kinds.is_empty() {
                    "none".to_owned()
                } else {
                    kinds.join(", ")
                }
            ),
        ));
        return None;
    };
    let with_expect = matches!(*kind, "trace" | "dns" | "endpoints");
    let allowed: &[&str] = if with_expect {
        &[kind, "expect", "title"]
    } else {
        &[kind, "title"]
    };
    let fields = Fields::new(node, "a check", allowed, problems);
    let title = fields.string("title", problems, false);
    let value = fields.get(kind)?;
    let expect = if with_expect {
        match fields.get("expect") {
            Some(e) => Some(e),
            None => {
                problems.push(problem(node, format!("a `{kind}` check needs `expect:`")));
                return None;
            }
        }
    } else {
        None
    };
    let before = problems.len();
    let parsed = match (*kind, expect) {
        ("trace", Some(expect)) => parse_trace(value, expect, problems),
        ("dns", Some(expect)) => parse_dns(value, expect, problems),
        ("endpoints", Some(expect)) => parse_endpoints(value, expect, problems),
        _ => parse_no_diagnostics(value, problems),
    };
    let kind = parsed.filter(|_| problems.len() == before)?;
    let title = title.unwrap_or_else(|| describe(&kind));
    Some(Check { title, kind })
}

fn parse_namespaced(
    node: &Node,
    text: &str,
    problems: &mut Vec<Problem>,
) -> Option<(String, String)> {
    match text.split_once('/') {
        Some((ns, name)) if !ns.is_empty() && !name.is_empty() && !name.contains('/') => {
            Some((ns.to_owned(), name.to_owned()))
        }
        _ => {
            problems.push(problem(node, format!("{text:?} is not NAMESPACE/NAME")));
            None
        }
    }
}

fn parse_verdict(node: &Node, text: &str, problems: &mut Vec<Problem>) -> Option<Verdict> {
    let all = [
        Verdict::Dnat,
        Verdict::Drop,
        Verdict::Reject,
        Verdict::Accept,
        Verdict::None,
        Verdict::NxDomain,
    ];
    let found = all.into_iter().find(|v| v.as_str() == text);
    if found.is_none() {
        problems.push(problem(
            node,
            format!("unknown verdict {text:?} (use DNAT, DROP, REJECT, ACCEPT, NONE or NXDOMAIN)"),
        ));
    }
    found
}

fn parse_trace(value: &Node, expect: &Node, problems: &mut Vec<Problem>) -> Option<CheckKind> {
    let f = Fields::new(value, "trace", &["from", "to", "protocol"], problems);
    let from = f.string("from", problems, true);
    let to = f.string("to", problems, true);
    let protocol = f
        .string("protocol", problems, false)
        .unwrap_or_else(|| "TCP".to_owned());
    if !matches!(protocol.as_str(), "TCP" | "UDP" | "SCTP") {
        problems.push(problem(
            value,
            format!("protocol {protocol:?} is not TCP, UDP or SCTP"),
        ));
    }
    if let Some(from) = &from
        && let Err(e) = Source::parse(from)
    {
        problems.push(problem(value, format!("trace.from: {e}")));
    }
    if let Some(to) = &to {
        let checked = match to.strip_prefix("loadbalancer/") {
            Some(rest) => split_lb(rest).map(|_| ()),
            None => Target::parse(to).map(|_| ()),
        };
        if let Err(e) = checked {
            problems.push(problem(value, format!("trace.to: {e}")));
        }
    }
    let e = Fields::new(
        expect,
        "trace's expect",
        &[
            "verdict",
            "service",
            "reaches",
            "port",
            "endpoint",
            "masquerade",
        ],
        problems,
    );
    let mut x = TraceExpect::default();
    match e.get("verdict").map(|n| (n, &n.value)) {
        Some((n, Value::Str(s))) => x.verdict.extend(parse_verdict(n, s, problems)),
        Some((_, Value::Seq(items))) if !items.is_empty() => {
            for n in items {
                match n.as_str() {
                    Some(s) => x.verdict.extend(parse_verdict(n, s, problems)),
                    None => problems.push(problem(n, "a verdict must be a word such as DNAT")),
                }
            }
        }
        Some((n, _)) => problems.push(problem(n, "verdict must be a word or a list of words")),
        None => problems.push(problem(expect, "a trace's expect needs `verdict:`")),
    }
    if let (Some(n), Some(s)) = (e.get("service"), e.string("service", problems, false)) {
        x.service = parse_namespaced(n, &s, problems);
    }
    if let Some(n) = e.get("reaches") {
        let mut labels = BTreeMap::new();
        match &n.value {
            Value::Map(entries) if !entries.is_empty() => {
                for entry in entries {
                    match &entry.value.value {
                        Value::Str(v) => {
                            labels.insert(entry.key.key_text(), v.clone());
                        }
                        Value::Int(i) => {
                            labels.insert(entry.key.key_text(), i.to_string());
                        }
                        _ => problems.push(problem(&entry.value, "a label value must be a string")),
                    }
                }
            }
            _ => problems.push(problem(
                n,
                "reaches must be a mapping of pod labels, such as {app: web}",
            )),
        }
        x.reaches = Some(labels);
    }
    x.port = e.int("port", problems).and_then(|p| i32::try_from(p).ok());
    x.endpoint = e.string("endpoint", problems, false);
    if let Some(n) = e.get("masquerade") {
        match n.value {
            Value::Bool(b) => x.masquerade = Some(b),
            _ => problems.push(problem(n, "masquerade must be true or false")),
        }
    }
    Some(CheckKind::Trace {
        from: from?,
        to: to?,
        protocol,
        expect: x,
    })
}

/// `NS/NAME:PORT` of a `loadbalancer/` target.
fn split_lb(rest: &str) -> Result<(String, String, i32), String> {
    let bad = || format!("loadbalancer/{rest} is not loadbalancer/NAMESPACE/NAME:PORT");
    let (svc, port) = rest.rsplit_once(':').ok_or_else(bad)?;
    let (ns, name) = svc.split_once('/').ok_or_else(bad)?;
    let port: i32 = port.parse().map_err(|_| bad())?;
    if ns.is_empty() || name.is_empty() || !(1..=65535).contains(&port) {
        return Err(bad());
    }
    Ok((ns.to_owned(), name.to_owned(), port))
}

fn parse_dns(value: &Node, expect: &Node, problems: &mut Vec<Problem>) -> Option<CheckKind> {
    let f = Fields::new(value, "dns", &["name", "type", "namespace"], problems);
    let name = f.string("name", problems, true);
    let qtype = match f.string("type", problems, false) {
        Some(t) => match QType::parse(&t) {
            Some(q) => Some(q),
            None => {
                problems.push(problem(value, format!("unknown DNS type {t:?}")));
                None
            }
        },
        None => Some(QType::A),
    };
    let namespace = f.string("namespace", problems, false);
    let e = Fields::new(
        expect,
        "dns's expect",
        &["rcode", "answer", "answers"],
        problems,
    );
    let mut x = DnsExpect::default();
    if let Some(r) = e.string("rcode", problems, false) {
        x.rcode = match r.as_str() {
            "NOERROR" => Some(Rcode::NoError),
            "NXDOMAIN" => Some(Rcode::NxDomain),
            _ => {
                problems.push(problem(
                    expect,
                    format!("rcode {r:?} is not NOERROR or NXDOMAIN"),
                ));
                None
            }
        };
    }
    x.answer = e.string("answer", problems, false);
    x.answers = e
        .int("answers", problems)
        .and_then(|n| usize::try_from(n).ok());
    if x == DnsExpect::default() {
        problems.push(problem(
            expect,
            "dns's expect needs rcode, answer or answers",
        ));
    }
    Some(CheckKind::Dns {
        name: name?,
        qtype: qtype?,
        namespace,
        expect: x,
    })
}

fn parse_endpoints(value: &Node, expect: &Node, problems: &mut Vec<Problem>) -> Option<CheckKind> {
    let Some(text) = value.as_str() else {
        problems.push(problem(value, "endpoints names a Service: NAMESPACE/NAME"));
        return None;
    };
    let (namespace, name) = parse_namespaced(value, text, problems)?;
    let e = Fields::new(expect, "endpoints's expect", &["ready"], problems);
    let Some(ready) = e
        .int("ready", problems)
        .and_then(|n| usize::try_from(n).ok())
    else {
        problems.push(problem(
            expect,
            "endpoints's expect needs `ready:`, a count",
        ));
        return None;
    };
    Some(CheckKind::Endpoints {
        namespace,
        name,
        ready,
    })
}

fn parse_no_diagnostics(value: &Node, problems: &mut Vec<Problem>) -> Option<CheckKind> {
    let severity = match value.as_str() {
        Some("error") => Severity::Error,
        Some("warning") => Severity::Warning,
        Some("info") => Severity::Info,
        _ => {
            problems.push(problem(value, "no-diagnostics is error, warning or info"));
            return None;
        }
    };
    Some(CheckKind::NoDiagnostics(severity))
}

/// The generated sentence for a check without a `title:`.
fn describe(kind: &CheckKind) -> String {
    match kind {
        CheckKind::Trace {
            from, to, expect, ..
        } => {
            let verdicts: Vec<&str> = expect.verdict.iter().map(|v| v.as_str()).collect();
            let mut s = format!("{from} → {to}: {}", verdicts.join(" or "));
            if let Some((ns, name)) = &expect.service {
                s.push_str(&format!(" through Service {ns}/{name}"));
            }
            if let Some(l) = &expect.reaches {
                let labels: Vec<String> = l.iter().map(|(k, v)| format!("{k}={v}")).collect();
                s.push_str(&format!(" to a ready pod labelled {}", labels.join(",")));
            }
            if let Some(p) = expect.port {
                s.push_str(&format!(" on port {p}"));
            }
            if let Some(e) = &expect.endpoint {
                s.push_str(&format!(" to {e}"));
            }
            s
        }
        CheckKind::Dns {
            name,
            qtype,
            expect,
            ..
        } => {
            let mut s = format!("DNS {} {name}", qtype.as_str());
            if let Some(r) = expect.rcode {
                s.push_str(&format!(": {}", r.as_str()));
            }
            if let Some(a) = &expect.answer {
                s.push_str(&format!(", answers {a}"));
            }
            s
        }
        CheckKind::Endpoints {
            namespace,
            name,
            ready,
        } => format!("Service {namespace}/{name} has {ready} ready endpoints"),
        CheckKind::NoDiagnostics(Severity::Error) => "no errors in the manifest".to_owned(),
        CheckKind::NoDiagnostics(s) => format!("no diagnostics of severity {s} or worse"),
    }
}

/// Checks a goal against a built cluster.
pub fn check(goal: &Goal, analysis: &Analysis) -> Vec<CheckResult> {
    goal.checks
        .iter()
        .map(|c| {
            let outcome = match &c.kind {
                CheckKind::Trace {
                    from,
                    to,
                    protocol,
                    expect,
                } => check_trace(&analysis.cluster, from, to, protocol, expect),
                CheckKind::Dns {
                    name,
                    qtype,
                    namespace,
                    expect,
                } => check_dns(
                    &analysis.cluster,
                    name,
                    *qtype,
                    namespace.as_deref(),
                    expect,
                ),
                CheckKind::Endpoints {
                    namespace,
                    name,
                    ready,
                } => check_endpoints(&analysis.cluster, namespace, name, *ready),
                CheckKind::NoDiagnostics(worst) => {
                    match analysis.diagnostics.iter().find(|d| d.severity <= *worst) {
                        Some(d) => Err(format!(
                            "line {}: {} {}",
                            d.span.start.line, d.path, d.message
                        )
                        .replace("  ", " ")),
                        None => Ok("no diagnostics".to_owned()),
                    }
                }
            };
            let (ok, seen) = match outcome {
                Ok(s) => (true, s),
                Err(s) => (false, s),
            };
            CheckResult {
                title: c.title.clone(),
                ok,
                seen,
            }
        })
        .collect()
}

fn find_service<'a>(
    cluster: &'a Cluster,
    ns: &str,
    name: &str,
) -> Option<&'a crate::k8s::core::Service> {
    cluster.services.iter().find(|s| {
        s.metadata.namespace.as_deref().unwrap_or("default") == ns
            && s.metadata.name.as_deref() == Some(name)
    })
}

/// The request a `trace` check sends, as the CLI's SOURCE and TARGET, with
/// a `loadbalancer/` target resolved to the address: what the app sends when
/// the learner asks to see a check's request. `None` for other checks, or
/// when the Service has no load balancer.
pub fn request(kind: &CheckKind, cluster: &Cluster) -> Option<(String, String)> {
    let CheckKind::Trace { from, to, .. } = kind else {
        return None;
    };
    if !to.starts_with("loadbalancer/") {
        return Some((from.clone(), to.clone()));
    }
    let t = resolve_target(cluster, to).ok()?;
    Some((from.clone(), format!("{}:{}", t.host, t.port)))
}

/// Resolves `loadbalancer/NS/NAME:PORT` to the Service's load-balancer address.
fn resolve_target(cluster: &Cluster, to: &str) -> Result<Target, String> {
    let Some(rest) = to.strip_prefix("loadbalancer/") else {
        return Target::parse(to);
    };
    let (ns, name, port) = split_lb(rest)?;
    let svc = find_service(cluster, &ns, &name)
        .ok_or_else(|| format!("there is no Service {ns}/{name}"))?;
    let ip = crate::cluster::first_lb_ingress(svc)
        .and_then(|i| i.ip.clone())
        .ok_or_else(|| {
            format!("Service {ns}/{name} has no load balancer (it is not of type LoadBalancer)")
        })?;
    Target::parse(&format!("{ip}:{port}"))
}

fn check_trace(
    cluster: &Cluster,
    from: &str,
    to: &str,
    protocol: &str,
    x: &TraceExpect,
) -> Result<String, String> {
    let source = Source::parse(from)?;
    let target = resolve_target(cluster, to)?;
    let mut seen = String::new();
    for seed in SEEDS {
        let t = crate::trace::trace(cluster, &source, &target, protocol, seed);
        // Reasons often start with the verdict ("DNAT to 10.244.1.5:80").
        let got = if t.reason.starts_with(t.verdict.as_str()) {
            t.reason.clone()
        } else {
            format!("{}: {}", t.verdict.as_str(), t.reason)
        };
        if !x.verdict.contains(&t.verdict) {
            return Err(got);
        }
        let eval = t.evaluation.as_ref();
        if let Some((ns, name)) = &x.service {
            let matched = eval.and_then(|e| e.matched.as_ref());
            if matched.is_none_or(|m| m.namespace != *ns || m.name != *name) {
                return Err(match matched {
                    Some(m) => format!(
                        "{got} (through Service {}/{}, not {ns}/{name})",
                        m.namespace, m.name
                    ),
                    None => format!("{got} (no Service {ns}/{name} on the way)"),
                });
            }
        }
        let choices = eval.map(|e| e.choices.as_slice()).unwrap_or_default();
        let needs_endpoints = x.reaches.is_some() || x.port.is_some() || x.endpoint.is_some();
        if needs_endpoints && choices.is_empty() {
            return Err(format!("{got} (no endpoint is reached)"));
        }
        for c in choices {
            let (ip, port) = split_endpoint(&c.endpoint);
            if let Some(want) = x.port
                && port != Some(want)
            {
                return Err(format!(
                    "{got} (endpoint {} is not on port {want})",
                    c.endpoint
                ));
            }
            if let Some(want) = &x.endpoint
                && c.endpoint != *want
            {
                return Err(format!("{got} (endpoint {} is not {want})", c.endpoint));
            }
            if let Some(labels) = &x.reaches {
                let pod = ip.and_then(|ip| {
                    cluster
                        .pods
                        .iter()
                        .find(|p| crate::workloads::pod_ip(p) == Some(ip))
                });
                let Some(pod) = pod else {
                    return Err(format!("{got} (endpoint {} is not a pod)", c.endpoint));
                };
                let name = pod.metadata.name.as_deref().unwrap_or("");
                let has = pod.metadata.labels.clone().unwrap_or_default();
                if !labels.iter().all(|(k, v)| has.get(k) == Some(v)) {
                    return Err(format!(
                        "{got} (pod {name} does not carry the labels asked for)"
                    ));
                }
                if !crate::workloads::is_ready(pod) {
                    return Err(format!("{got} (pod {name} is not ready)"));
                }
            }
        }
        if let Some(want) = x.masquerade
            && t.masquerade() != want
        {
            return Err(format!(
                "{got} ({})",
                if want {
                    "the source address is not rewritten"
                } else {
                    "the source address is rewritten to the node's (SNAT)"
                }
            ));
        }
        if seen.is_empty() {
            seen = got;
        }
    }
    Ok(seen)
}

fn split_endpoint(key: &str) -> (Option<IpAddr>, Option<i32>) {
    match key.rsplit_once(':') {
        Some((ip, port)) => (ip.trim_matches(['[', ']']).parse().ok(), port.parse().ok()),
        None => (None, None),
    }
}

fn check_dns(
    cluster: &Cluster,
    name: &str,
    qtype: QType,
    namespace: Option<&str>,
    x: &DnsExpect,
) -> Result<String, String> {
    let r = crate::dns::query(cluster, name, qtype, namespace);
    let data: Vec<&str> = r.answers.iter().map(|a| a.data.as_str()).collect();
    let seen = if data.is_empty() {
        r.rcode.as_str().to_owned()
    } else {
        format!("{} {}", r.rcode.as_str(), data.join(", "))
    };
    let trim = |s: &str| s.trim_end_matches('.').to_ascii_lowercase();
    let ok = x.rcode.is_none_or(|c| c == r.rcode)
        && x.answers.is_none_or(|n| n == r.answers.len())
        && x.answer
            .as_ref()
            .is_none_or(|want| data.iter().any(|d| trim(d) == trim(want)));
    if ok { Ok(seen) } else { Err(seen) }
}

fn check_endpoints(cluster: &Cluster, ns: &str, name: &str, want: usize) -> Result<String, String> {
    let svc = find_service(cluster, ns, name)
        .ok_or_else(|| format!("there is no Service {ns}/{name}"))?;
    let ready: BTreeSet<IpAddr> = crate::order::btree_set(
        svc.spec
            .as_ref()
            .and_then(|s| s.ports.as_ref())
            .into_iter()
            .flatten()
            .flat_map(|p| crate::proxy::endpoints_for(cluster, svc, p))
            .filter(|e| e.ready)
            .map(|e| e.ip),
    );
    let seen = format!("{} ready endpoints", ready.len());
    if ready.len() == want {
        Ok(seen)
    } else {
        Err(seen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn goal(yaml: &str) -> Result<Goal, Vec<Problem>> {
        let (docs, diags) = crate::yaml::parse_stream(yaml);
        assert!(diags.is_empty(), "{diags:?}");
        parse(&docs[0].root)
    }

    #[test]
    fn unknown_keys_are_reported_at_their_line() {
        let e = goal("text: t\nchecks:\n- trace: {from: external, to: \"node/node-1:30080\"}\n  expect:\n    verdict: DNAT\n    pods: 3\n")
            .expect_err("pods is not a key");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 6);
        assert!(
            e[0].message.contains("unknown key `pods`"),
            "{}",
            e[0].message
        );
    }

    #[test]
    fn a_check_needs_one_kind_and_valid_words() {
        let e = goal("text: t\nchecks:\n- expect: {verdict: DNAT}\n- trace: {from: external, to: web}\n  expect: {verdict: ROUTED}\n")
            .expect_err("invalid");
        let lines: Vec<u32> = e.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![3, 4, 5], "{e:?}");
    }

    #[test]
    fn checks_hold_on_the_default_example() {
        let a = crate::analyze(crate::examples::DEFAULT);
        let g = goal(concat!(
            "text: t\nchecks:\n",
            "- trace: {from: external, to: \"node/node-1:30080\"}\n  expect: {verdict: DNAT, service: default/web-np, reaches: {app: web}, port: 80}\n",
            "- trace: {from: external, to: \"loadbalancer/default/web:80\"}\n  expect: {verdict: DNAT, reaches: {app: web}}\n",
            "- dns: {name: payments.default.svc.cluster.local, type: CNAME}\n  expect: {rcode: NOERROR, answer: payments.example.com}\n",
            "- endpoints: default/web\n  expect: {ready: 3}\n",
            "- no-diagnostics: error\n",
        ))
        .expect("valid");
        let r = check(&g, &a);
        assert!(met(&r), "{r:?}");
        let g = goal(concat!(
            "text: t\nchecks:\n",
            "- trace: {from: external, to: \"node/node-1:30080\"}\n  expect: {verdict: DNAT, reaches: {app: api}}\n",
            "- endpoints: default/web\n  expect: {ready: 2}\n",
            "- trace: {from: external, to: \"loadbalancer/default/api:80\"}\n  expect: {verdict: DNAT}\n",
        ))
        .expect("valid");
        let r = check(&g, &a);
        assert!(r.iter().all(|r| !r.ok), "{r:?}");
        assert!(
            r[2].seen.contains("not of type LoadBalancer"),
            "{}",
            r[2].seen
        );
    }
}
