//! Which backend an Ingress controller sends an HTTP request to.
//!
//! Matching follows the Ingress API (kubernetes.io, "Ingress": host first,
//! then path; Exact, Prefix by path elements; the longest matching path wins
//! and Exact beats Prefix on equal length; otherwise `spec.defaultBackend`,
//! otherwise the controller's own 404 backend).
//!
//! Several Ingresses are merged the way ingress-nginx merges them
//! (`internal/ingress/controller/controller.go`, `createServers` and
//! `getBackendServers`), which is what a learner's cluster most likely runs:
//!
//! - Ingresses are read oldest first (creationTimestamp; kubeplay breaks ties
//!   by namespace/name so the order is total).
//! - Every distinct rule host becomes one server; rules without a host go to
//!   the catch-all server. Paths of all Ingresses naming the same host are
//!   merged into that server; when two Ingresses define the same path with
//!   the same pathType, the older one keeps it ("location already configured").
//! - A server's fallback, used when none of its paths match, is the
//!   `spec.defaultBackend` of the first (oldest) Ingress that created the
//!   server, else the controller's 404. The catch-all server's fallback is the
//!   `defaultBackend` of the oldest Ingress that has one and *no rules*;
//!   kubeplay extends that to Ingresses whose rules include a host-less one,
//!   because the API docs' example table sends an unmatched path of such an
//!   Ingress to its default backend (ingress-nginx would answer 404 there).
//! - A request whose host names a server never falls through to the
//!   catch-all server's paths: nginx picks one server by name first.
//!
//! Decisions that go beyond the sources:
//!
//! - `ImplementationSpecific` is matched as `Prefix` (element-wise). The API
//!   leaves it to the controller; ingress-nginx without `use-regex` writes a
//!   plain nginx prefix location, so `/foo` would also match `/foobar` there.
//!   kubeplay keeps the element-wise rule so one rule is taught, and the UI
//!   labels ImplementationSpecific as controller-defined.
//! - The IngressClass is not consulted: the simulated controller serves every
//!   Ingress.
//! - A `resource` backend is reported as such (the API allows it); ingress-nginx
//!   itself ignores such paths and serves its default backend.
//! - Hosts compare case-insensitively without the port; `*.foo.com` matches
//!   exactly one extra leading label (ingress-nginx turns it into the regex
//!   `^[\w-]+\.foo\.com$` for this reason).

use crate::cluster::Cluster;
use crate::k8s::networking::{Ingress, IngressBackend};
use std::collections::BTreeMap;

/// How a rule path is compared with the request path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PathKind {
    /// The whole path, case-sensitively; a trailing slash matters.
    Exact,
    /// Element-wise prefix split on `/`.
    Prefix,
    /// Controller-defined; kubeplay matches it as [`PathKind::Prefix`].
    ImplementationSpecific,
}

impl PathKind {
    /// Reads a `pathType`; unknown values (which validation rejects) read as
    /// ImplementationSpecific, the most permissive, so routing still works.
    pub fn parse(s: &str) -> PathKind {
        match s {
            "Exact" => PathKind::Exact,
            "Prefix" => PathKind::Prefix,
            _ => PathKind::ImplementationSpecific,
        }
    }
}

/// A Service port as an Ingress backend names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackendPort {
    /// `port.number`.
    Number(i32),
    /// `port.name`, a named port of the Service.
    Name(String),
    /// Neither given (validation reports it).
    Missing,
}

/// Where a matched request goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A Service in the Ingress's namespace.
    Service {
        /// The Ingress's (and so the Service's) namespace.
        namespace: String,
        /// The Service name.
        name: String,
        /// The Service port.
        port: BackendPort,
    },
    /// A `resource` backend (an object reference, e.g. a storage bucket).
    Resource {
        /// The Ingress's namespace.
        namespace: String,
        /// The referenced object's API group, if any.
        api_group: Option<String>,
        /// The referenced object's kind.
        kind: String,
        /// The referenced object's name.
        name: String,
    },
}

/// An Ingress by namespace and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct IngressRef {
    /// Namespace (`default` when absent).
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// The outcome of routing one request through the Ingress controller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IngressRoute {
    /// A rule path matched.
    Path {
        /// The Ingress holding the path.
        ingress: IngressRef,
        /// Index into that Ingress's `spec.rules`.
        rule: usize,
        /// Index into that rule's `http.paths`.
        path: usize,
        /// The path's type as written.
        path_type: PathKind,
        /// The rule path that matched (`/` when empty).
        matched: String,
        /// Where the request goes.
        backend: Backend,
    },
    /// No path matched; an Ingress's `spec.defaultBackend` takes the request.
    DefaultBackend {
        /// The Ingress whose default backend is used.
        ingress: IngressRef,
        /// Where the request goes.
        backend: Backend,
    },
    /// Nothing matched: the controller's own default backend answers 404.
    NotFound,
}

/// One path of one Ingress, as merged into a server.
struct Location<'a> {
    ingress: &'a Ingress,
    rule: usize,
    path: usize,
    kind: PathKind,
    text: String,
    backend: &'a IngressBackend,
}

/// One virtual host of the controller.
#[derive(Default)]
struct Server<'a> {
    fallback: Option<&'a Ingress>,
    locations: Vec<Location<'a>>,
}

fn ingress_ref(ing: &Ingress) -> IngressRef {
    IngressRef {
        namespace: ing
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_owned()),
        name: ing.metadata.name.clone().unwrap_or_default(),
    }
}

fn backend(ing: &Ingress, b: &IngressBackend) -> Option<Backend> {
    let namespace = ingress_ref(ing).namespace;
    if let Some(s) = &b.service {
        let port = match &s.port {
            Some(p) => match (p.number, &p.name) {
                (Some(n), _) => BackendPort::Number(n),
                (None, Some(name)) if !name.is_empty() => BackendPort::Name(name.clone()),
                _ => BackendPort::Missing,
            },
            None => BackendPort::Missing,
        };
        return Some(Backend::Service {
            namespace,
            name: s.name.clone(),
            port,
        });
    }
    b.resource.as_ref().map(|r| Backend::Resource {
        namespace,
        api_group: r.api_group.clone(),
        kind: r.kind.clone(),
        name: r.name.clone(),
    })
}

/// The request's host as the controller compares it: without a port, lower case.
fn normalize_host(host: &str) -> String {
    let host = host.trim();
    let bare = if let Some(rest) = host.strip_prefix('[') {
        // [v6]:port
        rest.split(']').next().unwrap_or(rest)
    } else if host.matches(':').count() == 1 {
        host.split(':').next().unwrap_or(host)
    } else {
        host
    };
    bare.to_ascii_lowercase()
}

/// Whether a wildcard host `*.foo.com` covers `host`: exactly one extra label.
fn wildcard_matches(pattern: &str, host: &str) -> bool {
    let Some(suffix) = pattern.strip_prefix("*.") else {
        return false;
    };
    match host.split_once('.') {
        Some((label, rest)) => !label.is_empty() && rest == suffix,
        None => false,
    }
}

/// Element-wise prefix match: `/foo/bar` covers `/foo/bar`, `/foo/bar/` and
/// `/foo/bar/baz` but not `/foo/barbaz`; a trailing slash on either side is
/// ignored; `/` covers every path.
pub fn prefix_matches(rule: &str, request: &str) -> bool {
    let rule = rule.trim_end_matches('/');
    if rule.is_empty() {
        return true;
    }
    let rule_elems: Vec<&str> = rule.split('/').collect();
    let req_elems: Vec<&str> = request.split('/').collect();
    req_elems.len() >= rule_elems.len() && req_elems[..rule_elems.len()] == rule_elems[..]
}

/// The length "longest match" compares: a Prefix path without its trailing
/// slash, since `/foo/` and `/foo` are the same prefix.
fn match_len(kind: PathKind, text: &str) -> usize {
    match kind {
        PathKind::Exact => text.len(),
        _ => text.trim_end_matches('/').len(),
    }
}

/// Routes a request for `host` and `path` through every Ingress in the
/// cluster. `host` may carry a port; `path` may carry a query string.
pub fn route(cluster: &Cluster, host: &str, path: &str) -> IngressRoute {
    // Oldest first, as ingress-nginx sorts; absent timestamps sort first
    // (Go's zero time), and namespace/name make the order total.
    let mut ingresses: Vec<&Ingress> = cluster.ingresses.iter().collect();
    crate::order::sort_by(&mut ingresses, |a, b| {
        let key = |i: &Ingress| {
            (
                i.metadata
                    .creation_timestamp
                    .as_ref()
                    .map(|t| t.0.as_second()),
                ingress_ref(i),
            )
        };
        key(a).cmp(&key(b))
    });

    // The catch-all server is keyed by the empty host.
    let mut servers: BTreeMap<String, Server> = BTreeMap::new();
    servers.insert(String::new(), Server::default());
    for ing in &ingresses {
        let Some(spec) = ing.spec.as_ref() else {
            continue;
        };
        let rules = spec.rules.as_deref().unwrap_or(&[]);
        let has_default = spec.default_backend.is_some();
        // ingress-nginx gives the catch-all server only the default backend
        // of a rule-less Ingress; kubeplay also gives it that of an Ingress
        // with host-less rules, as the API documents (the docs' example
        // table: `/aaa` vs `/ccc` "uses default backend").
        let hostless = rules
            .iter()
            .any(|r| r.host.as_deref().is_none_or(str::is_empty));
        if has_default && (rules.is_empty() || hostless) {
            let catch_all = servers.entry(String::new()).or_default();
            if catch_all.fallback.is_none() {
                catch_all.fallback = Some(ing);
            }
        }
        for rule in rules {
            let host = rule.host.as_deref().unwrap_or("").to_ascii_lowercase();
            servers.entry(host).or_insert_with(|| Server {
                fallback: has_default.then_some(*ing),
                locations: Vec::new(),
            });
        }
        for (ri, rule) in rules.iter().enumerate() {
            let host = rule.host.as_deref().unwrap_or("").to_ascii_lowercase();
            let Some(server) = servers.get_mut(&host) else {
                continue;
            };
            let paths = rule
                .http
                .as_ref()
                .map(|h| h.paths.as_slice())
                .unwrap_or(&[]);
            for (pi, p) in paths.iter().enumerate() {
                let kind = PathKind::parse(&p.path_type);
                let text = p
                    .path
                    .clone()
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| "/".to_owned());
                // The older Ingress keeps a host+path+pathType it defined first.
                if server
                    .locations
                    .iter()
                    .any(|l| l.text == text && l.kind == kind)
                {
                    continue;
                }
                server.locations.push(Location {
                    ingress: ing,
                    rule: ri,
                    path: pi,
                    kind,
                    text,
                    backend: &p.backend,
                });
            }
        }
    }

    let host = normalize_host(host);
    let server_key = if !host.is_empty() && servers.contains_key(&host) && !host.starts_with("*.") {
        host.clone()
    } else {
        servers
            .keys()
            .find(|k| wildcard_matches(k, &host))
            .cloned()
            .unwrap_or_default()
    };
    let Some(server) = servers.get(&server_key) else {
        return IngressRoute::NotFound;
    };

    let request = path.split(['?', '#']).next().unwrap_or("");
    let request = if request.is_empty() { "/" } else { request };
    let mut best: Option<&Location> = None;
    for loc in &server.locations {
        let hit = match loc.kind {
            PathKind::Exact => loc.text == request,
            PathKind::Prefix | PathKind::ImplementationSpecific => {
                prefix_matches(&loc.text, request)
            }
        };
        if !hit {
            continue;
        }
        let better = match best {
            None => true,
            Some(b) => {
                let (lb, ll) = (match_len(b.kind, &b.text), match_len(loc.kind, &loc.text));
                // Longer wins; on equal length Exact beats the prefix kinds;
                // otherwise the earlier (older) location stays.
                ll > lb || (ll == lb && loc.kind == PathKind::Exact && b.kind != PathKind::Exact)
            }
        };
        if better {
            best = Some(loc);
        }
    }
    if let Some(loc) = best
        && let Some(b) = backend(loc.ingress, loc.backend)
    {
        return IngressRoute::Path {
            ingress: ingress_ref(loc.ingress),
            rule: loc.rule,
            path: loc.path,
            path_type: loc.kind,
            matched: loc.text.clone(),
            backend: b,
        };
    }
    if let Some(ing) = server.fallback
        && let Some(b) = ing
            .spec
            .as_ref()
            .and_then(|s| s.default_backend.as_ref())
            .and_then(|d| backend(ing, d))
    {
        return IngressRoute::DefaultBackend {
            ingress: ingress_ref(ing),
            backend: b,
        };
    }
    IngressRoute::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One Ingress `test` with the given (path, pathType, service) paths on
    /// host `host` (none when empty) and optionally a default backend `default-svc`.
    fn ingress_yaml(name: &str, host: &str, paths: &[(&str, &str, &str)], default: bool) -> String {
        let mut y = format!(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\nspec:\n"
        );
        if default {
            y.push_str("  defaultBackend:\n    service:\n      name: default-svc\n      port:\n        number: 80\n");
        }
        if !paths.is_empty() {
            y.push_str("  rules:\n  - ");
            if !host.is_empty() {
                y.push_str(&format!("host: \"{host}\"\n    "));
            }
            y.push_str("http:\n      paths:\n");
            for (p, t, svc) in paths {
                y.push_str(&format!(
                    "      - path: {p}\n        pathType: {t}\n        backend:\n          service:\n            name: {svc}\n            port:\n              number: 80\n"
                ));
            }
        }
        y
    }

    fn cluster(docs: &[String]) -> Cluster {
        crate::analyze(&docs.join("---\n")).cluster
    }

    /// The Service a request reaches, `default-svc` for the default backend,
    /// or `404`.
    fn target(c: &Cluster, host: &str, path: &str) -> String {
        match route(c, host, path) {
            IngressRoute::Path {
                backend: Backend::Service { name, .. },
                ..
            }
            | IngressRoute::DefaultBackend {
                backend: Backend::Service { name, .. },
                ..
            } => name,
            IngressRoute::Path { .. } | IngressRoute::DefaultBackend { .. } => "resource".into(),
            IngressRoute::NotFound => "404".into(),
        }
    }

    /// Rule paths (path, pathType), the request path, the expected Service.
    type Row<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);

    /// Every row of the "Examples" table in kubernetes.io's Ingress page
    /// (content/en/docs/concepts/services-networking/ingress.md).
    #[test]
    fn kubernetes_docs_path_matching_examples() {
        // (kind, rule paths, request, expected service or default)
        let rows: &[Row] = &[
            (&[("/", "Prefix")], "/anything/at/all", "p0"),
            (&[("/foo", "Exact")], "/foo", "p0"),
            (&[("/foo", "Exact")], "/bar", "default-svc"),
            (&[("/foo", "Exact")], "/foo/", "default-svc"),
            (&[("/foo/", "Exact")], "/foo", "default-svc"),
            (&[("/foo", "Prefix")], "/foo", "p0"),
            (&[("/foo", "Prefix")], "/foo/", "p0"),
            (&[("/foo/", "Prefix")], "/foo", "p0"),
            (&[("/foo/", "Prefix")], "/foo/", "p0"),
            (&[("/aaa/bb", "Prefix")], "/aaa/bbb", "default-svc"),
            (&[("/aaa/bbb", "Prefix")], "/aaa/bbb", "p0"),
            (&[("/aaa/bbb/", "Prefix")], "/aaa/bbb", "p0"),
            (&[("/aaa/bbb", "Prefix")], "/aaa/bbb/", "p0"),
            (&[("/aaa/bbb", "Prefix")], "/aaa/bbb/ccc", "p0"),
            (&[("/aaa/bbb", "Prefix")], "/aaa/bbbxyz", "default-svc"),
            (&[("/", "Prefix"), ("/aaa", "Prefix")], "/aaa/ccc", "p1"),
            (
                &[("/", "Prefix"), ("/aaa", "Prefix"), ("/aaa/bbb", "Prefix")],
                "/aaa/bbb",
                "p2",
            ),
            (
                &[("/", "Prefix"), ("/aaa", "Prefix"), ("/aaa/bbb", "Prefix")],
                "/ccc",
                "p0",
            ),
            (&[("/aaa", "Prefix")], "/ccc", "default-svc"),
            (&[("/foo", "Prefix"), ("/foo", "Exact")], "/foo", "p1"),
        ];
        for (paths, request, want) in rows {
            let named: Vec<(&str, &str, String)> = paths
                .iter()
                .enumerate()
                .map(|(i, (p, t))| (*p, *t, format!("p{i}")))
                .collect();
            let refs: Vec<(&str, &str, &str)> =
                named.iter().map(|(p, t, s)| (*p, *t, s.as_str())).collect();
            let c = cluster(&[ingress_yaml("test", "", &refs, true)]);
            assert_eq!(
                target(&c, "example.com", request),
                *want,
                "{paths:?} {request}"
            );
        }
    }

    #[test]
    fn exact_beats_prefix_whatever_the_order() {
        let c = cluster(&[ingress_yaml(
            "t",
            "",
            &[("/foo", "Exact", "exact"), ("/foo", "Prefix", "prefix")],
            false,
        )]);
        assert_eq!(target(&c, "", "/foo"), "exact");
        assert_eq!(target(&c, "", "/foo/x"), "prefix");
    }

    #[test]
    fn longest_wins_and_trailing_slash_does_not_lengthen_a_prefix() {
        let c = cluster(&[ingress_yaml(
            "t",
            "",
            &[("/a/", "Prefix", "short"), ("/a/b", "Prefix", "long")],
            false,
        )]);
        assert_eq!(target(&c, "", "/a/b/c"), "long");
        assert_eq!(target(&c, "", "/a/c"), "short");
    }

    #[test]
    fn exact_with_trailing_slash_is_longer_than_the_prefix() {
        let c = cluster(&[ingress_yaml(
            "t",
            "",
            &[("/foo/", "Exact", "exact"), ("/foo", "Prefix", "prefix")],
            false,
        )]);
        assert_eq!(target(&c, "", "/foo/"), "exact");
        assert_eq!(target(&c, "", "/foo"), "prefix");
    }

    #[test]
    fn implementation_specific_is_an_element_wise_prefix() {
        let c = cluster(&[ingress_yaml(
            "t",
            "",
            &[("/app", "ImplementationSpecific", "app")],
            false,
        )]);
        assert_eq!(target(&c, "", "/app/x"), "app");
        assert_eq!(target(&c, "", "/apple"), "404");
    }

    #[test]
    fn hosts_match_case_insensitively_without_port() {
        let c = cluster(&[ingress_yaml(
            "t",
            "foo.bar.com",
            &[("/", "Prefix", "foo")],
            false,
        )]);
        assert_eq!(target(&c, "FOO.bar.com:8080", "/"), "foo");
        assert_eq!(target(&c, "other.com", "/"), "404");
    }

    #[test]
    fn wildcard_host_matches_exactly_one_label() {
        let c = cluster(&[ingress_yaml(
            "t",
            "*.foo.com",
            &[("/", "Prefix", "wild")],
            false,
        )]);
        assert_eq!(target(&c, "bar.foo.com", "/"), "wild");
        assert_eq!(target(&c, "baz.bar.foo.com", "/"), "404");
        assert_eq!(target(&c, "foo.com", "/"), "404");
    }

    #[test]
    fn exact_host_beats_wildcard() {
        let c = cluster(&[
            ingress_yaml("a", "*.foo.com", &[("/", "Prefix", "wild")], false),
            ingress_yaml("b", "www.foo.com", &[("/", "Prefix", "www")], false),
        ]);
        assert_eq!(target(&c, "www.foo.com", "/"), "www");
        assert_eq!(target(&c, "api.foo.com", "/"), "wild");
    }

    #[test]
    fn hostless_rules_catch_other_hosts_but_a_named_host_does_not_fall_through() {
        let c = cluster(&[
            ingress_yaml("a", "", &[("/", "Prefix", "any")], false),
            ingress_yaml("b", "foo.com", &[("/api", "Prefix", "api")], false),
        ]);
        assert_eq!(target(&c, "other.com", "/x"), "any");
        assert_eq!(target(&c, "foo.com", "/api/v1"), "api");
        // nginx picked the foo.com server; its paths do not match and it has no default.
        assert_eq!(target(&c, "foo.com", "/x"), "404");
    }

    #[test]
    fn paths_of_several_ingresses_merge_per_host_and_the_older_keeps_a_duplicate() {
        let older = ingress_yaml("zz-older", "foo.com", &[("/a", "Prefix", "older")], false)
            .replace(
                "  name: zz-older\n",
                "  name: zz-older\n  creationTimestamp: \"2025-01-01T00:00:00Z\"\n",
            );
        let newer = ingress_yaml(
            "aa-newer",
            "foo.com",
            &[("/a", "Prefix", "newer"), ("/b", "Prefix", "b")],
            false,
        )
        .replace(
            "  name: aa-newer\n",
            "  name: aa-newer\n  creationTimestamp: \"2025-06-01T00:00:00Z\"\n",
        );
        let c = cluster(&[newer, older]);
        assert_eq!(target(&c, "foo.com", "/a"), "older");
        assert_eq!(target(&c, "foo.com", "/b"), "b");
        match route(&c, "foo.com", "/b") {
            IngressRoute::Path {
                ingress,
                rule,
                path,
                ..
            } => {
                assert_eq!(ingress.name, "aa-newer");
                assert_eq!((rule, path), (0, 1));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn default_backend_of_a_ruleless_ingress_serves_unknown_hosts() {
        let c = cluster(&[
            ingress_yaml("catch", "", &[], true),
            ingress_yaml("foo", "foo.com", &[("/a", "Exact", "a")], false),
        ]);
        assert_eq!(target(&c, "unknown.com", "/"), "default-svc");
        assert_eq!(target(&c, "foo.com", "/b"), "404");
        assert!(matches!(
            route(&c, "unknown.com", "/"),
            IngressRoute::DefaultBackend { ingress, .. } if ingress.name == "catch"
        ));
    }

    #[test]
    fn an_ingress_default_backend_covers_its_own_hosts() {
        let c = cluster(&[ingress_yaml(
            "foo",
            "foo.com",
            &[("/a", "Exact", "a")],
            true,
        )]);
        assert_eq!(target(&c, "foo.com", "/b"), "default-svc");
        // It has rules, so it does not take over the catch-all server.
        assert_eq!(target(&c, "bar.com", "/b"), "404");
    }

    #[test]
    fn query_strings_are_not_part_of_the_path_and_ports_are_reported() {
        let y = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: t\n  namespace: shop\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /x\n        pathType: Exact\n        backend:\n          service:\n            name: web\n            port:\n              name: http\n";
        let c = crate::analyze(y).cluster;
        assert_eq!(
            route(&c, "h", "/x?y=1"),
            IngressRoute::Path {
                ingress: IngressRef {
                    namespace: "shop".into(),
                    name: "t".into()
                },
                rule: 0,
                path: 0,
                path_type: PathKind::Exact,
                matched: "/x".into(),
                backend: Backend::Service {
                    namespace: "shop".into(),
                    name: "web".into(),
                    port: BackendPort::Name("http".into()),
                },
            }
        );
    }

    #[test]
    fn no_ingress_means_404() {
        assert_eq!(route(&Cluster::default(), "a", "/"), IngressRoute::NotFound);
    }
}
