//! The cluster build on the default example, as a reviewed text snapshot:
//! allocation, scheduling, pod IPs and EndpointSlices all show here.

use kubeplay_core::analyze;
use kubeplay_tests::summary;

#[test]
fn the_default_example_builds_the_expected_cluster() {
    let a = analyze(kubeplay_core::examples::DEFAULT);
    assert_eq!(a.diagnostics, []);
    expect_test::expect_file!["snapshots/default-cluster.txt"].assert_eq(&summary(&a.cluster));
}

#[test]
fn the_same_manifest_builds_the_same_cluster() {
    let a = analyze(kubeplay_core::examples::DEFAULT);
    let b = analyze(kubeplay_core::examples::DEFAULT);
    assert_eq!(a.cluster, b.cluster);
}

#[test]
fn the_order_of_documents_does_not_matter() {
    let docs: Vec<&str> = kubeplay_core::examples::DEFAULT.split("\n---\n").collect();
    let reversed = docs
        .iter()
        .rev()
        .copied()
        .collect::<Vec<_>>()
        .join("\n---\n");
    let a = analyze(kubeplay_core::examples::DEFAULT);
    let b = analyze(&reversed);
    assert_eq!(summary(&a.cluster), summary(&b.cluster));
}
