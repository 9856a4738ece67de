//! The `kubeplay` command line as a library: argument parsing and output
//! formatting over the pure core. All IO goes through [`Host`], so the tests
//! run every command in-process with fixed inputs and a fixed clock.
//!
//! Exit codes: 0 ok, 1 problems found (error-severity diagnostics), 2 usage error.

use kubeplay_core::Diagnostic;
use std::fmt::Write as _;

/// What the command line needs from the outside world.
pub trait Host {
    /// Reads one `-f` argument: a file, a directory (recursively: its `.yaml`,
    /// `.yml` and `.json` files in sorted order) or `-` for standard input.
    fn read(&self, arg: &str) -> Result<Vec<Source>, String>;
    /// Seconds since the Unix epoch, for `kubectl get`'s AGE column.
    fn now(&self) -> i64;
    /// Writes an output file (`render -o OUT.svg`).
    fn write(&self, path: &str, contents: &str) -> Result<(), String>;
}

/// One input text and the name diagnostics use for it.
#[derive(Clone, Debug)]
pub struct Source {
    /// The file's path as given, or `-` for standard input.
    pub name: String,
    /// The whole text.
    pub text: String,
}

/// What a command printed and its exit code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// The exit code: 0, 1 or 2.
    pub code: u8,
}

/// The usage text printed with `--help` and after a usage error.
pub const USAGE: &str = "usage: kubeplay <command> -f FILE [-f FILE ...] [options]

commands:
  check  -f FILE [-o text|json]   report every problem, one located line each
  dns    -f FILE NAME [--type A|AAAA|SRV|PTR|CNAME|TXT] [--namespace NS] [-o text|json]
         what CoreDNS answers for NAME (a plain IP with --type PTR); with
         --namespace, a pod's search list in NS applies (ndots:5)
  trace  -f FILE (--from SOURCE --to TARGET | --node NODE --src IP --dst IP --dport N)
         [--protocol TCP|UDP|SCTP] [--seed N] [-o text|json]
         a request's path through DNS, the load balancer and kube-proxy; SOURCE is
         pod/NAME, pod/NS/NAME, node/NAME, external or external:IP; TARGET is a URL,
         host:port (Service name, ClusterIP, node IP + NodePort, LB IP) or node/NAME:PORT
  render -f FILE -o OUT.svg [--animate] [--dark]
         the playground's diagram as a standalone SVG (works in an <img>); -o - prints
         it; --animate adds requests moving along their paths (CSS, no script);
         --dark draws it in the dark theme
  get    KIND[,KIND...] -f FILE [-n NS | -A] [-o wide|yaml|json]
                                  kubectl's tables; KIND is services (svc), pods (po),
                                  nodes (no), endpointslices or ingresses (ing)

  -f FILE   a manifest file, a directory (read recursively) or - for stdin
  -n NS     the namespace to list (default: default)
  -A        list every namespace (wins over -n, as in kubectl)
  -o FORMAT output format";

/// Parsed common options.
struct Options {
    files: Vec<String>,
    format: Option<String>,
    /// Positional arguments after the command (`dns NAME`, `get KIND`).
    args: Vec<String>,
    /// `-n` / `--namespace`.
    namespace: Option<String>,
    /// `-A` / `--all-namespaces` (get).
    all_namespaces: bool,
    /// `--type` (dns).
    qtype: Option<String>,
    /// `--animate` (render).
    animate: bool,
    /// `--dark` (render).
    dark: bool,
    /// trace's flags, by name (`from`, `to`, `node`, `src`, `dst`, `dport`, `protocol`, `seed`).
    trace: std::collections::BTreeMap<&'static str, String>,
}

/// Runs one command line (without the program name).
pub fn run(args: &[String], host: &dyn Host) -> Output {
    match dispatch(args, host) {
        Ok(out) => out,
        Err(msg) => Output {
            stdout: String::new(),
            stderr: format!("kubeplay: {msg}\nRun 'kubeplay --help' for usage.\n"),
            code: 2,
        },
    }
}

fn dispatch(args: &[String], host: &dyn Host) -> Result<Output, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args.iter().cloned());
    let command = match parser.next().map_err(|e| e.to_string())? {
        Some(Value(v)) => v.string().map_err(|e| e.to_string())?,
        Some(Long("help") | Short('h')) => {
            return Ok(Output {
                stdout: format!("{USAGE}\n"),
                ..Output::default()
            });
        }
        Some(other) => return Err(other.unexpected().to_string()),
        None => return Err("a command is required".into()),
    };
    let mut opts = Options {
        files: Vec::new(),
        format: None,
        args: Vec::new(),
        namespace: None,
        qtype: None,
        all_namespaces: false,
        animate: false,
        dark: false,
        trace: std::collections::BTreeMap::new(),
    };
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Short('f') | Long("filename") => opts.files.push(value(&mut parser)?),
            Short('o') | Long("output") => opts.format = Some(value(&mut parser)?),
            Short('n') | Long("namespace") => opts.namespace = Some(value(&mut parser)?),
            Long("type") => opts.qtype = Some(value(&mut parser)?),
            Long(
                flag @ ("from" | "to" | "node" | "src" | "dst" | "dport" | "protocol" | "seed"),
            ) => {
                let key: &'static str = match flag {
                    "from" => "from",
                    "to" => "to",
                    "node" => "node",
                    "src" => "src",
                    "dst" => "dst",
                    "dport" => "dport",
                    "protocol" => "protocol",
                    _ => "seed",
                };
                let v = value(&mut parser)?;
                opts.trace.insert(key, v);
            }
            Short('A') | Long("all-namespaces") => opts.all_namespaces = true,
            Long("animate") => opts.animate = true,
            Long("dark") => opts.dark = true,
            Value(v) => opts.args.push(v.string().map_err(|e| e.to_string())?),
            other => return Err(other.unexpected().to_string()),
        }
    }
    if opts.animate && command != "render" {
        return Err("--animate is an option of render only".into());
    }
    if opts.dark && command != "render" {
        return Err("--dark is an option of render only".into());
    }
    match command.as_str() {
        "check" => check(&opts, host),
        "dns" => dns(&opts, host),
        "trace" => trace(&opts, host),
        "render" => render(&opts, host),
        "get" => get(&opts, host),
        other => Err(format!("unknown command {other:?}")),
    }
}

fn value(parser: &mut lexopt::Parser) -> Result<String, String> {
    use lexopt::ValueExt;
    parser
        .value()
        .map_err(|e| e.to_string())?
        .string()
        .map_err(|e| e.to_string())
}

fn read_sources(opts: &Options, host: &dyn Host) -> Result<Vec<Source>, Output> {
    let mut out = Vec::new();
    for f in &opts.files {
        match host.read(f) {
            Ok(mut s) => out.append(&mut s),
            Err(e) => {
                return Err(Output {
                    stdout: String::new(),
                    stderr: format!("kubeplay: {e}\n"),
                    code: 2,
                });
            }
        }
    }
    Ok(out)
}

fn check(opts: &Options, host: &dyn Host) -> Result<Output, String> {
    if !opts.args.is_empty() || opts.namespace.is_some() || opts.all_namespaces {
        return Err("check takes only -f and -o".into());
    }
    if opts.files.is_empty() {
        return Err("check needs at least one -f FILE".into());
    }
    if let Some(arg) = opts.args.first() {
        return Err(format!("unexpected argument {arg:?}"));
    }
    let format = opts.format.as_deref().unwrap_or("text");
    if format != "text" && format != "json" {
        return Err(format!("unknown output format {format:?} (text or json)"));
    }
    let sources = match read_sources(opts, host) {
        Ok(s) => s,
        Err(out) => return Ok(out),
    };
    let mut found: Vec<(String, Diagnostic)> = Vec::new();
    for source in &sources {
        let analysis = kubeplay_core::analyze(&source.text);
        found.extend(
            analysis
                .diagnostics
                .into_iter()
                .map(|d| (source.name.clone(), d)),
        );
    }
    let mut stdout = String::new();
    if format == "json" {
        let list: Vec<serde_json::Value> = found
            .iter()
            .map(|(file, d)| {
                serde_json::json!({
                    "severity": d.severity.as_str(),
                    "path": d.path,
                    "type": d.error_type.as_str(),
                    "message": d.message,
                    "file": file,
                    "line": d.span.start.line,
                    "column": d.span.start.column,
                })
            })
            .collect();
        let _ = writeln!(stdout, "{}", serde_json::json!({ "diagnostics": list }));
    } else {
        for (file, d) in &found {
            let _ = writeln!(stdout, "{file}:{d}");
        }
    }
    let code = u8::from(found.iter().any(|(_, d)| d.is_error()));
    Ok(Output {
        stdout,
        stderr: String::new(),
        code,
    })
}

/// Reads every `-f` input as one manifest (kubectl applies them together)
/// and builds its cluster.
fn load_cluster(opts: &Options, host: &dyn Host) -> Result<kubeplay_core::Cluster, Output> {
    let sources = read_sources(opts, host)?;
    let text = sources
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join("\n---\n");
    Ok(kubeplay_core::analyze(&text).cluster)
}

/// `kubeplay dns -f F NAME [--type T] [--namespace NS] [-o text|json]`:
/// CoreDNS's answer, printed like `dig +noall +answer` (plus the additional
/// section and a status line) or as JSON. A completed query exits 0
/// whatever its rcode.
fn dns(opts: &Options, host: &dyn Host) -> Result<Output, String> {
    use kubeplay_core::dns::{DnsResponse, QType, Record};
    if opts.files.is_empty() {
        return Err("dns needs at least one -f FILE".into());
    }
    let name = match opts.args.as_slice() {
        [name] if !name.is_empty() => name,
        [] => return Err("dns needs a NAME to look up".into()),
        [_, extra, ..] => return Err(format!("unexpected argument {extra:?}")),
        [_] => return Err("dns needs a non-empty NAME".into()),
    };
    let qtype = match opts.qtype.as_deref() {
        None => QType::A,
        Some(t) => QType::parse(t)
            .ok_or_else(|| format!("unknown query type {t:?} (A, AAAA, SRV, PTR, CNAME or TXT)"))?,
    };
    let format = opts.format.as_deref().unwrap_or("text");
    if format != "text" && format != "json" {
        return Err(format!("unknown output format {format:?} (text or json)"));
    }
    let cluster = match load_cluster(opts, host) {
        Ok(c) => c,
        Err(out) => return Ok(out),
    };
    let resp: DnsResponse =
        kubeplay_core::dns::query(&cluster, name, qtype, opts.namespace.as_deref());
    let mut stdout = String::new();
    if format == "json" {
        let records = |list: &[Record]| -> Vec<serde_json::Value> {
            list.iter()
                .map(|r| {
                    serde_json::json!({
                        "name": r.name,
                        "type": r.rtype.as_str(),
                        "ttl": r.ttl,
                        "data": r.data,
                    })
                })
                .collect()
        };
        let tried: Vec<serde_json::Value> = resp
            .tried
            .iter()
            .map(|a| serde_json::json!({"name": a.name, "rcode": a.rcode.as_str(), "answers": a.answers}))
            .collect();
        let _ = writeln!(
            stdout,
            "{}",
            serde_json::json!({
                "rcode": resp.rcode.as_str(),
                "name": resp.name,
                "type": resp.qtype.as_str(),
                "answers": records(&resp.answers),
                "additional": records(&resp.additional),
                "tried": tried,
            })
        );
    } else {
        for r in &resp.answers {
            let _ = writeln!(stdout, "{r}");
        }
        if !resp.additional.is_empty() {
            let _ = writeln!(stdout, ";; ADDITIONAL SECTION:");
            for r in &resp.additional {
                let _ = writeln!(stdout, "{r}");
            }
        }
        let status = match (resp.rcode, resp.answers.is_empty()) {
            (kubeplay_core::dns::Rcode::NoError, true) => "NOERROR (no answers)",
            (rcode, _) => rcode.as_str(),
        };
        let _ = writeln!(stdout, ";; {status} for {} {}", resp.name, resp.qtype);
        // The search list is worth showing only when it did something.
        if resp.tried.len() > 1 {
            for a in &resp.tried {
                let _ = writeln!(stdout, ";; tried {} {}", a.name, a.rcode);
            }
        }
    }
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}

/// `kubeplay get KIND[,KIND] -f F [-n NS | -A] [-o wide|yaml|json]`: the
/// cluster built from every input, printed as kubectl prints it.
fn get(opts: &Options, host: &dyn Host) -> Result<Output, String> {
    use kubeplay_core::printers::{self, Kind, NamespaceFilter};
    let kinds = match opts.args.as_slice() {
        [one] => Kind::parse_list(one)
            .map_err(|bad| format!("the server doesn't have a resource type {bad:?}"))?,
        [] => return Err("get needs a resource type, e.g. get svc".into()),
        _ => return Err("get takes one KIND[,KIND...] argument".into()),
    };
    if opts.files.is_empty() {
        return Err("get needs at least one -f FILE".into());
    }
    let format = opts.format.as_deref().unwrap_or("");
    if !matches!(format, "" | "wide" | "yaml" | "json") {
        return Err(format!(
            "unknown output format {format:?} (wide, yaml or json)"
        ));
    }
    // As in kubectl, -A wins over -n.
    let ns = if opts.all_namespaces {
        NamespaceFilter::All
    } else {
        NamespaceFilter::One(opts.namespace.clone().unwrap_or_else(|| "default".into()))
    };
    let cluster = match load_cluster(opts, host) {
        Ok(c) => c,
        Err(out) => return Ok(out),
    };
    let out = match format {
        "yaml" => Output {
            stdout: kubeplay_core::yamlout::to_yaml(&printers::list(&cluster, &kinds, &ns)),
            ..Output::default()
        },
        "json" => Output {
            stdout: printers::to_json(&printers::list(&cluster, &kinds, &ns)),
            ..Output::default()
        },
        _ => {
            let printed = printers::table(&cluster, &kinds, &ns, format == "wide", host.now());
            Output {
                stdout: printed.stdout,
                stderr: printed.stderr,
                code: 0,
            }
        }
    };
    Ok(out)
}

/// `kubeplay trace`: a request's whole path (`--from`/`--to`), or one packet
/// as kube-proxy on one node sees it (`--node --src --dst --dport`). A trace
/// that completes exits 0 whatever its verdict.
fn trace(opts: &Options, host: &dyn Host) -> Result<Output, String> {
    use kubeplay_core::proxy::{self, Packet};
    use kubeplay_core::trace::{self as tr, Source, Target, Trace};
    if opts.files.is_empty() {
        return Err("trace needs at least one -f FILE".into());
    }
    if let Some(extra) = opts.args.first() {
        return Err(format!("unexpected argument {extra:?}"));
    }
    let format = opts.format.as_deref().unwrap_or("text");
    if format != "text" && format != "json" {
        return Err(format!("unknown output format {format:?} (text or json)"));
    }
    let flag = |k: &str| opts.trace.get(k).map(String::as_str);
    let protocol = flag("protocol").unwrap_or("TCP").to_ascii_uppercase();
    if !matches!(protocol.as_str(), "TCP" | "UDP" | "SCTP") {
        return Err(format!("unknown protocol {protocol:?} (TCP, UDP or SCTP)"));
    }
    let seed: u64 = match flag("seed") {
        Some(s) => s
            .parse()
            .map_err(|_| format!("--seed {s:?} is not a number"))?,
        None => 0,
    };
    enum Query {
        Path(Source, Target),
        Packet(Packet),
    }
    let query = match (flag("from"), flag("to"), flag("node")) {
        (Some(from), Some(to), None) => Query::Path(Source::parse(from)?, Target::parse(to)?),
        (None, None, Some(node)) => {
            let ip = |k: &str| -> Result<std::net::IpAddr, String> {
                let v = flag(k).ok_or_else(|| format!("--node needs --{k}"))?;
                v.parse()
                    .map_err(|_| format!("--{k} {v:?} is not an IP address"))
            };
            let dport = flag("dport").ok_or("--node needs --dport")?;
            let dport: i32 = dport
                .parse()
                .ok()
                .filter(|p| (1..=65535).contains(p))
                .ok_or_else(|| format!("--dport {dport:?} is not a port number"))?;
            Query::Packet(Packet {
                node: node.to_owned(),
                src: ip("src")?,
                dst: ip("dst")?,
                dport,
                protocol: protocol.clone(),
            })
        }
        _ => {
            return Err(
                "trace needs --from and --to, or --node with --src, --dst and --dport".into(),
            );
        }
    };
    let cluster = match load_cluster(opts, host) {
        Ok(c) => c,
        Err(out) => return Ok(out),
    };
    let t: Trace = match query {
        Query::Path(source, target) => tr::trace(&cluster, &source, &target, &protocol, seed),
        Query::Packet(packet) => {
            if !cluster
                .nodes
                .iter()
                .any(|n| n.metadata.name.as_deref() == Some(packet.node.as_str()))
            {
                return Err(format!("there is no node {:?}", packet.node));
            }
            let mut rng = kubeplay_core::rng::Rng::new(seed);
            let eval = proxy::evaluate(&cluster, &packet, rng.next_u64());
            Trace {
                verdict: eval.verdict,
                reason: eval.reason.clone(),
                hops: eval.hops.clone(),
                evaluation: Some(eval),
                dns: None,
                delivered_to: None,
                node: Some(packet.node.clone()),
                path: Vec::new(),
            }
        }
    };
    let stdout = if format == "json" {
        format!(
            "{}\n",
            serde_json::to_string_pretty(&t.to_json()).unwrap_or_default()
        )
    } else {
        t.to_text()
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}

/// `kubeplay render -f F -o OUT.svg [--animate] [--dark]`: the diagram the playground
/// draws, as a standalone SVG file (`-o -` prints it). Here `-o` names the
/// file. `--animate` adds the showcase requests moving along their paths
/// (`kubeplay_scene::motions`), as CSS animations that run inside an `<img>`.
fn render(opts: &Options, host: &dyn Host) -> Result<Output, String> {
    if opts.files.is_empty() {
        return Err("render needs at least one -f FILE".into());
    }
    if let Some(extra) = opts.args.first() {
        return Err(format!("unexpected argument {extra:?}"));
    }
    let Some(out) = opts.format.as_deref() else {
        return Err("render needs -o OUT.svg (or -o - for standard output)".into());
    };
    let cluster = match load_cluster(opts, host) {
        Ok(c) => c,
        Err(o) => return Ok(o),
    };
    let svg = kubeplay_scene::export_svg(&cluster, opts.animate, opts.dark);
    if out == "-" {
        return Ok(Output {
            stdout: svg,
            ..Output::default()
        });
    }
    match host.write(out, &svg) {
        Ok(()) => Ok(Output::default()),
        Err(e) => Ok(Output {
            stdout: String::new(),
            stderr: format!("kubeplay: {e}\n"),
            code: 1,
        }),
    }
}
