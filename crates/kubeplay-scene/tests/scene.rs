//! Layout and SVG tests for kubeplay-scene: the default example's scene,
//! stability under edits, collapsing, scale, and well-formed SVG.

use expect_test::expect;
use kubeplay_core::examples::{DEFAULT, synthetic};
use kubeplay_scene::{EdgeKind, Element, Scene, SvgOptions, layout, to_svg, to_svg_parts};
use std::collections::{BTreeMap, BTreeSet};

fn scene_of(text: &str) -> Scene {
    layout(&kubeplay_core::analyze(text).cluster)
}

/// How many pods the scene draws: pod boxes plus the members of pod groups.
fn pods_drawn(scene: &Scene) -> usize {
    scene.elements.iter().filter(|e| e.kind == "Pod").count()
        + scene
            .elements
            .iter()
            .filter(|e| e.kind == "PodGroup")
            .map(|e| e.members.len())
            .sum::<usize>()
}

fn geometry(scene: &Scene) -> BTreeMap<String, (f32, f32, f32, f32)> {
    scene
        .elements
        .iter()
        .map(|e| (e.id.clone(), (e.x, e.y, e.w, e.h)))
        .collect()
}

#[test]
fn the_default_example_has_one_element_per_object_with_the_design_kinds() {
    let analysis = kubeplay_core::analyze(DEFAULT);
    let cluster = &analysis.cluster;
    let scene = layout(cluster);
    let count = |kind: &str| scene.elements.iter().filter(|e| e.kind == kind).count();
    assert_eq!(count("Node"), cluster.nodes.len());
    assert_eq!(count("Pod"), cluster.pods.len());
    assert_eq!(count("Service"), cluster.services.len());
    assert_eq!(count("Cluster"), 1);
    assert_eq!(count("ExternalClient"), 1);
    assert_eq!(count("CloudLoadBalancer"), 1);
    assert_eq!(count("ExternalHost"), 1);
    assert_eq!(count("IngressController"), 0);
    for p in &cluster.pods {
        let id = format!(
            "Pod/{}/{}",
            p.metadata.namespace.as_deref().unwrap_or("default"),
            p.metadata.name.as_deref().unwrap_or("")
        );
        let e = scene.element(&id).unwrap_or_else(|| panic!("{id} missing"));
        let node = p.spec.as_ref().and_then(|s| s.node_name.clone());
        assert_eq!(e.parent, node.map(|n| format!("Node/{n}")));
        // The pod lies inside its node's box.
        let parent = scene
            .element(e.parent.as_deref().unwrap_or(""))
            .expect("present");
        assert!(e.x >= parent.x && e.x + e.w <= parent.x + parent.w, "{id}");
        assert!(e.y >= parent.y && e.y + e.h <= parent.y + parent.h, "{id}");
    }
    let types: BTreeSet<&str> = scene
        .elements
        .iter()
        .filter_map(|e| e.service_type.as_deref())
        .collect();
    assert_eq!(
        types,
        BTreeSet::from(["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"])
    );
    let web = scene.element("Service/default/web").expect("present");
    assert_eq!(web.lines[0], "LoadBalancer");
    assert!(web.lines[2].starts_with("80:") && web.lines[2].ends_with("/TCP"));
    assert_eq!(
        scene
            .element("Service/default/web-np")
            .expect("present")
            .lines[2],
        "80:30080/TCP"
    );
    // Trace waypoints name scene elements.
    assert!(scene.element("ExternalClient/203.0.113.10").is_some());
    assert!(scene.element("ExternalHost/payments.example.com").is_some());
    assert!(scene.element("Service/kube-system/kube-dns").is_some());
    assert!(scene.element("CloudLoadBalancer/default/web").is_some());
    assert_eq!(
        scene.anchor("Node/node-1"),
        scene.element("Node/node-1").map(Element::centre)
    );
    // Edges of every kind the default example has, between existing ids.
    let kinds: BTreeSet<EdgeKind> = scene.edges.iter().map(|e| e.kind).collect();
    for k in [
        EdgeKind::Selector,
        EdgeKind::NodePort,
        EdgeKind::LoadBalancer,
        EdgeKind::ExternalName,
        EdgeKind::Dns,
    ] {
        assert!(kinds.contains(&k), "{k:?}");
    }
    for e in &scene.edges {
        assert!(scene.element(&e.from).is_some(), "{e:?}");
        assert!(scene.element(&e.to).is_some(), "{e:?}");
    }
    let web_pods = scene
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Selector && e.from == "Service/default/web")
        .count();
    assert_eq!(web_pods, 3);
    // Every element lies inside the picture, and nothing overlaps its siblings.
    for e in &scene.elements {
        assert!(e.x >= 0.0 && e.y >= 0.0, "{}", e.id);
        assert!(
            e.x + e.w <= scene.width && e.y + e.h <= scene.height,
            "{}",
            e.id
        );
    }
    for a in &scene.elements {
        for b in &scene.elements {
            if a.id < b.id && a.parent == b.parent && a.kind != "Cluster" && b.kind != "Cluster" {
                let apart =
                    a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
                assert!(apart, "{} overlaps {}", a.id, b.id);
            }
        }
    }
}

#[test]
fn the_same_cluster_gives_the_same_scene() {
    assert_eq!(scene_of(DEFAULT), scene_of(DEFAULT));
    // The layout never depends on the order of the cluster's lists.
    let cluster = kubeplay_core::analyze(DEFAULT).cluster;
    let mut reversed = cluster.clone();
    reversed.nodes.reverse();
    reversed.pods.reverse();
    reversed.services.reverse();
    reversed.ingresses.reverse();
    assert_eq!(layout(&reversed), layout(&cluster));
}

/// Editing one Service moves nothing else: only that Service (and the
/// simulated things that exist because of its type) may differ.
#[test]
fn editing_one_service_moves_nothing_else() {
    let before = geometry(&scene_of(DEFAULT));
    let edits = [
        // The port of the NodePort Service.
        (
            "web-np",
            "    port: 80\n    targetPort: http\n    nodePort: 30080",
            "    port: 8080\n    targetPort: http\n    nodePort: 30080",
        ),
        // ClusterIP -> NodePort.
        (
            "api",
            "  name: api\nspec:\n  type: ClusterIP",
            "  name: api\nspec:\n  type: NodePort",
        ),
        // ClusterIP -> LoadBalancer (adds a cloud load balancer).
        (
            "api",
            "  name: api\nspec:\n  type: ClusterIP",
            "  name: api\nspec:\n  type: LoadBalancer",
        ),
        // LoadBalancer -> ClusterIP (removes one).
        (
            "web",
            "  name: web\nspec:\n  type: LoadBalancer",
            "  name: web\nspec:\n  type: ClusterIP",
        ),
        // NodePort -> ExternalName.
        (
            "web-np",
            "  name: web-np\nspec:\n  type: NodePort",
            "  name: web-np\nspec:\n  externalName: db.example.com\n  type: ExternalName",
        ),
    ];
    for (edited, from, to) in edits {
        assert!(DEFAULT.contains(from), "{from}");
        let after = geometry(&scene_of(&DEFAULT.replacen(from, to, 1)));
        for (id, g) in &before {
            if *id == format!("Service/default/{edited}") {
                continue;
            }
            if let Some(a) = after.get(id) {
                assert_eq!(a, g, "{id} moved after {to:?}");
            } else {
                // Only the edited Service's own cloud load balancer may go.
                assert!(
                    *id == format!("CloudLoadBalancer/default/{edited}"),
                    "{id} vanished after {to:?}"
                );
            }
        }
    }
}

#[test]
fn more_than_six_pods_of_a_workload_on_a_node_collapse_into_a_group() {
    let one_node = "apiVersion: v1\nkind: Node\nmetadata:\n  name: solo\n---\n";
    let deploy = |replicas: usize| {
        format!(
            "{one_node}apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: c\n        image: nginx\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n"
        )
    };
    let six = scene_of(&deploy(6));
    let web_pods = |s: &Scene| {
        s.elements
            .iter()
            .filter(|e| e.kind == "Pod" && e.name.starts_with("web-"))
            .count()
    };
    assert_eq!(web_pods(&six), 6);
    assert!(six.elements.iter().all(|e| e.kind != "PodGroup"));

    let twelve = scene_of(&deploy(12));
    assert_eq!(web_pods(&twelve), 0);
    let group = twelve
        .element("Group/default/web/solo")
        .expect("a group for the 12 pods");
    assert_eq!(group.kind, "PodGroup");
    assert_eq!(group.title, "web ×12");
    assert_eq!(group.lines, ["12/12 ready"]);
    assert_eq!(group.ready, Some(true));
    assert_eq!(group.members.len(), 12);
    assert_eq!(group.parent.as_deref(), Some("Node/solo"));
    // One selector edge to the group, not twelve; a member pod's anchor is the group's.
    let to_group: Vec<_> = twelve
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Selector && e.from == "Service/default/web")
        .collect();
    assert_eq!(to_group.len(), 1);
    assert_eq!(to_group[0].to, "Group/default/web/solo");
    let member = format!("Pod/default/{}", group.members[0]);
    assert_eq!(twelve.anchor(&member), Some(group.centre()));
}

#[test]
fn pods_no_node_takes_show_in_a_pending_band_with_the_reason() {
    // One node that takes 4 pods; CoreDNS, running before the manifest was
    // applied, is scheduled first.
    let node = "apiVersion: v1\nkind: Node\nmetadata:\n  name: solo\nstatus:\n  capacity: {pods: 4}\n---\n";
    let deploy = |name: &str, replicas: usize| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n---\n"
        )
    };
    let np = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  selector:\n    app: web\n  ports:\n  - port: 80\n---\n";
    let ghost = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: lost\nspec:\n  nodeName: ghost\n  containers: [{name: c}]\n---\n";
    let text = format!(
        "{node}{}{}{np}{ghost}",
        deploy("web", 3),
        deploy("batch", 9)
    );
    let cluster = kubeplay_core::analyze(&text).cluster;
    let scene = layout(&cluster);
    let band = scene
        .element("Unscheduled")
        .expect("a band for Pending pods");
    assert_eq!(band.kind, "Unscheduled");
    assert_eq!(band.parent.as_deref(), Some("Cluster"));
    // 2 CoreDNS + 3 web + 9 batch = 14 pods, 4 fit: 10 pending, plus the
    // pod bound to a node that does not exist.
    assert_eq!(band.title, "Pending: 11 pod(s) not scheduled");
    assert_eq!(
        band.lines,
        [
            "0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
            "nodeName \"ghost\" is not a node of this cluster",
        ]
    );
    assert!(
        scene
            .element("Pod/default/lost")
            .is_some_and(|e| e.parent.as_deref() == Some("Unscheduled"))
    );
    let solo = scene.element("Node/solo").expect("node");
    assert!(band.y >= solo.y + solo.h, "under the nodes");
    let cluster_box = scene.element("Cluster").expect("boundary");
    assert!(
        band.y + band.h <= cluster_box.y + cluster_box.h,
        "inside the cluster"
    );
    // Every pod is drawn once: on its node or in the band.
    assert_eq!(pods_drawn(&scene), cluster.pods.len());
    let pending: Vec<&Element> = scene
        .elements
        .iter()
        .filter(|e| e.parent.as_deref() == Some("Unscheduled"))
        .collect();
    assert!(pending.iter().all(|e| e.ready == Some(false)));
    assert!(
        pending.iter().all(|e| !e.name.starts_with("coredns-")),
        "CoreDNS keeps its place"
    );
    // The nine batch pods collapse into one pending group.
    // A pending pod has no address: no selector line goes to it.
    let pending_ids: BTreeSet<&str> = pending.iter().map(|e| e.id.as_str()).collect();
    assert!(
        scene
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Selector)
            .all(|e| !pending_ids.contains(e.to.as_str()))
    );
    assert!(
        scene
            .edges
            .iter()
            .any(|e| e.kind == EdgeKind::Selector && e.from == "Service/default/web"),
        "the scheduled web pods are selected"
    );
    // NodePort edges and openings belong to nodes, never to the band.
    assert!(scene.edges.iter().all(|e| e.to != "Unscheduled"));
    assert!(scene.openings.iter().all(|o| o.node != "Unscheduled"));
    let group = scene.element("Group/default/batch/").expect("batch group");
    assert_eq!(group.lines, ["9 pending"]);
    let svg = to_svg(&scene, &SvgOptions::default());
    check_xml(&svg);
    assert!(svg.contains(r#"data-kind="Unscheduled""#));
    assert!(svg.contains("0/1 nodes are available: 1 Too many pods. preemption:"));
}

#[test]
fn nodes_wrap_into_rows_of_four() {
    let nodes: String = (1..=6)
        .map(|i| format!("apiVersion: v1\nkind: Node\nmetadata:\n  name: n{i}\n---\n"))
        .collect();
    let scene = scene_of(&nodes);
    let ys: BTreeSet<i64> = scene
        .elements
        .iter()
        .filter(|e| e.kind == "Node")
        .map(|e| e.y as i64)
        .collect();
    assert_eq!(ys.len(), 2);
    let n5 = scene.element("Node/n5").expect("present");
    let n1 = scene.element("Node/n1").expect("present");
    assert_eq!(n5.x, n1.x);
    assert!(n5.y > n1.y + n1.h);
}

#[test]
fn an_ingress_adds_the_controller_and_edges_to_its_backends() {
    let text = format!(
        "{DEFAULT}\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /api\n        pathType: Prefix\n        backend:\n          service:\n            name: api\n            port:\n              number: 80\n"
    );
    let scene = scene_of(&text);
    let ctrl = scene.element("IngressController").expect("the controller");
    assert_eq!(ctrl.lines, ["198.51.100.1"]);
    assert!(scene.edges.iter().any(|e| e.kind == EdgeKind::Ingress
        && e.from == "IngressController"
        && e.to == "Service/default/api"));
}

#[test]
// The time is printed for the record only; the budget is measured by
// `cargo xtask bench`, never asserted in a test.
#[allow(clippy::disallowed_methods)]
fn a_thousand_pods_and_two_hundred_services_lay_out() {
    let cluster = kubeplay_core::analyze(&synthetic(1000)).cluster;
    let start = std::time::Instant::now();
    let scene = layout(&cluster);
    let laid = start.elapsed();
    let svg = to_svg(&scene, &SvgOptions::default());
    eprintln!(
        "1,000 pods / {} Services: layout {laid:?}, layout + SVG {:?} ({} bytes)",
        cluster.services.len(),
        start.elapsed(),
        svg.len()
    );
    assert_eq!(pods_drawn(&scene), cluster.pods.len());
    assert_eq!(
        scene
            .elements
            .iter()
            .filter(|e| e.kind == "Service")
            .count(),
        cluster.services.len()
    );
    let ids: BTreeSet<&str> = scene.elements.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), scene.elements.len(), "ids are unique");
    check_xml(&svg);
}

/// Parses the document with a real XML parser (roxmltree): well-formed,
/// escaped, one `<svg>` root in the SVG namespace.
fn check_xml(doc: &str) {
    let parsed = roxmltree::Document::parse(doc).unwrap_or_else(|e| panic!("not XML: {e}"));
    let root = parsed.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
}

/// How many elements a fragment has at its top level (tags must balance).
fn top_level_elements(fragment: &str) -> usize {
    let mut depth = 0usize;
    let mut count = 0;
    let mut rest = fragment;
    while let Some(lt) = rest.find('<') {
        let gt = rest[lt..].find('>').expect("a tag ends") + lt;
        let tag = &rest[lt + 1..gt];
        if tag.starts_with('/') {
            depth = depth
                .checked_sub(1)
                .expect("a closing tag closes something");
        } else {
            if depth == 0 {
                count += 1;
            }
            if !tag.ends_with('/') {
                depth += 1;
            }
        }
        rest = &rest[gt + 1..];
    }
    assert_eq!(depth, 0, "tags balance in {fragment}");
    count
}

#[test]
fn the_svg_is_well_formed_and_carries_the_dom_contract() {
    // Names that need escaping reach the SVG safely.
    let text = format!(
        "{DEFAULT}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: odd\n  namespace: a-b\nspec:\n  type: ExternalName\n  externalName: \"x<y>&z.example.com\"\n"
    );
    for dark in [false, true] {
        let svg = to_svg(
            &scene_of(&text),
            &SvgOptions {
                dark,
                title: Some("A & B <shop>".to_owned()),
                ..SvgOptions::default()
            },
        );
        check_xml(&svg);
        assert!(svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 "#));
        assert!(svg.contains("A &amp; B &lt;shop&gt;"));
        assert!(svg.contains("<style>"));
        assert!(!svg.contains("<script"));
        assert!(!svg.contains("href"), "no external references");
        assert!(svg.contains(
            r#"data-kind="Service" data-namespace="default" data-name="web" data-type="LoadBalancer""#
        ));
        assert!(svg.contains(r#"data-kind="Node" data-name="node-1""#));
        assert!(svg.contains(r#"data-kind="Pod" data-namespace="default" data-name="web-"#));
        assert!(svg.contains(r#"data-kind="ExternalClient" data-name="203.0.113.10""#));
        assert!(
            svg.contains(
                r#"data-kind="CloudLoadBalancer" data-namespace="default" data-name="web""#
            )
        );
        assert!(svg.contains(r#"data-kind="ExternalHost" data-name="payments.example.com""#));
        assert!(svg.contains(r#"data-type="ExternalName""#));
        assert!(svg.contains(r#"data-type="NodePort""#));
        assert!(svg.contains(r#"data-type="ClusterIP""#));
    }
    let light = to_svg(&scene_of(DEFAULT), &SvgOptions::default());
    let dark = to_svg(
        &scene_of(DEFAULT),
        &SvgOptions {
            dark: true,
            ..SvgOptions::default()
        },
    );
    assert_ne!(light, dark);
}

#[test]
fn the_svg_cut_into_parts_is_the_svg_and_each_part_is_one_element() {
    for text in [DEFAULT.to_owned(), synthetic(60)] {
        let scene = scene_of(&text);
        let options = SvgOptions::default();
        let parts = to_svg_parts(&scene, &options);
        let joined: String = parts.parts.iter().map(|p| p.markup.as_str()).collect();
        assert_eq!(
            format!("{}{joined}</svg>\n", parts.head),
            to_svg(&scene, &options)
        );
        let keys: BTreeSet<&str> = parts.parts.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys.len(), parts.parts.len(), "keys are unique");
        for p in &parts.parts {
            assert_eq!(top_level_elements(&p.markup), 1, "{}: {}", p.key, p.markup);
        }
    }
}

/// The browser replaces only the parts an edit changed: changing one
/// Service's port must change that Service's drawings and nothing else.
#[test]
fn editing_one_service_changes_only_its_own_parts() {
    let options = SvgOptions::default();
    let before = to_svg_parts(&scene_of(DEFAULT), &options);
    let (from, to) = (
        "    port: 80\n    targetPort: http\n    nodePort: 30080",
        "    port: 8080\n    targetPort: http\n    nodePort: 30080",
    );
    assert!(DEFAULT.contains(from));
    let after = to_svg_parts(&scene_of(&DEFAULT.replacen(from, to, 1)), &options);
    let old: BTreeMap<&str, &str> = before
        .parts
        .iter()
        .map(|p| (p.key.as_str(), p.markup.as_str()))
        .collect();
    let changed: Vec<&str> = after
        .parts
        .iter()
        .filter(|p| old.get(p.key.as_str()) != Some(&p.markup.as_str()))
        .map(|p| p.key.as_str())
        .collect();
    assert!(!changed.is_empty(), "the edit shows");
    for key in &changed {
        assert!(key.contains("Service/default/web-np"), "{key} changed");
    }
    assert_eq!(before.parts.len(), after.parts.len());
}

#[test]
fn snapshot_of_the_default_example() {
    let scene = scene_of(DEFAULT);
    let mut out = format!("scene {} x {}\n", scene.width, scene.height);
    for e in &scene.elements {
        out.push_str(&format!(
            "{} {} {} {} {} {}\n",
            e.id, e.kind, e.x, e.y, e.w, e.h
        ));
    }
    expect![[r#"
        scene 832 x 532
        Cluster Cluster 224 16 592 500
        ExternalClient/203.0.113.10 ExternalClient 16 80 168 52
        ExternalHost/payments.example.com ExternalHost 16 208 168 52
        CloudLoadBalancer/default/web CloudLoadBalancer 16 272 168 52
        Service/default/kubernetes Service 528 28 128 40
        Service/kube-system/kube-dns Service 672 28 128 40
        Service/default/api Service 240 80 128 72
        Service/default/payments Service 384 80 128 72
        Service/default/web Service 528 80 128 72
        Service/default/web-np Service 672 80 128 72
        Node/node-1 Node 240 196 176 304
        Node/node-2 Node 432 196 176 304
        Node/node-3 Node 624 196 176 304
        Pod/default/api-dz4q2tjzqd-55lwx Pod 252 272 152 36
        Pod/default/web-p8dpvwkmqm-x7dz8 Pod 252 332 152 36
        Pod/kube-system/coredns-gq7gmbbwq6-6vgz6 Pod 252 392 152 36
        Pod/default/api-dz4q2tjzqd-fkps5 Pod 444 272 152 36
        Pod/default/cache-6l7gbs2j62-db6x9 Pod 444 332 152 36
        Pod/default/web-p8dpvwkmqm-k2krj Pod 444 392 152 36
        Pod/kube-system/coredns-gq7gmbbwq6-thd5z Pod 444 452 152 36
        Pod/default/web-p8dpvwkmqm-9lhvd Pod 636 272 152 36
    "#]]
    .assert_eq(&out);
}

#[test]
fn the_animated_export_moves_one_dot_per_showcase_request_along_its_path() {
    let cluster = kubeplay_core::analyze(DEFAULT).cluster;
    let scene = layout(&cluster);
    let motions = kubeplay_scene::motions(&cluster, &scene);
    let requests = kubeplay_core::showcase::showcase_requests(&cluster);
    assert_eq!(motions.len(), requests.len(), "{requests:?}");
    // external -> cloud LB -> node -> pod first: the LoadBalancer request
    // starts at the drawn external client and ends on a pod of web.
    let client = scene.anchor("ExternalClient/203.0.113.10");
    assert_eq!(motions[0].points.first().copied(), client);
    assert!(motions[0].points.len() >= 3, "{:?}", motions[0]);
    assert!(motions.iter().all(|m| m.points.len() >= 2));

    let animated = kubeplay_scene::export_svg(&cluster, true, false);
    check_xml(&animated);
    assert_eq!(
        animated,
        kubeplay_scene::export_svg(&cluster, true, false),
        "deterministic"
    );
    assert_eq!(animated.matches("@keyframes kp").count(), motions.len());
    assert_eq!(
        animated.matches(r#"<circle cx="#).count(),
        motions.len() + 1,
        "dots and the LB badge"
    );
    assert!(animated.contains("@media (prefers-reduced-motion:reduce)"));
    assert!(!animated.contains("<script"));
    // Each dot sits at its path's start, where its keyframes translate from.
    let (x, y) = motions[0].points[0];
    assert!(animated.contains(&format!(
        r#"<circle cx="{x}" cy="{y}" r="6" class="pk pk0""#
    )));

    let still = kubeplay_scene::export_svg(&cluster, false, false);
    check_xml(&still);
    assert!(!still.contains("@keyframes"));
    assert!(animated.starts_with(still.trim_end().trim_end_matches("</svg>")));
}
