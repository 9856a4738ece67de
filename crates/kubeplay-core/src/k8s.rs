//! The Kubernetes API types kubeplay reads, trimmed to the fields it uses.
//!
//! Names, field names and JSON spellings follow the Kubernetes API reference
//! (and so the k8s-openapi crate, which the core used before): a field is
//! `pub name: Option<T>` when the API marks it optional, a plain `T` when it
//! is required. Like the API server's decoder, every type ignores fields it
//! does not declare, a missing or `null` required field takes its zero value,
//! and a field of the wrong type is an error at that field (`read.rs`).
//!
//! Why not k8s-openapi: its decoders cover every field of every nested type
//! (a Pod's volumes, probes, security contexts...). In the browser build that
//! was about 600 KB of wasm code for fields no simulation reads. The cost of
//! trimming: a wrong type inside a field kubeplay does not read (say
//! `resources.limits.cpu: [1]`) is not reported, and `kubeplay get -o yaml`
//! shows the fields listed here.

use crate::read::{Error, Read};
use crate::yaml::Node;
use serde::{Serialize, Serializer};

/// Declares an API struct and its reader. Each field is written
/// `rust_name "jsonName": T`; fields marked `@required` are plain `T`, the
/// others `Option<T>`.
macro_rules! api_struct {
    (
        $(#[$m:meta])*
        pub struct $name:ident {
            $( @required $rf:ident $rj:literal : $rt:ty, )*
            $( $of:ident $oj:literal : $ot:ty, )*
        }
    ) => {
        #[doc = concat!("`", stringify!($name), "` of the Kubernetes API.")]
        $(#[$m])*
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
        pub struct $name {
            $(
                #[doc = concat!("`", $rj, "` (required).")]
                #[serde(rename = $rj)]
                pub $rf: $rt,
            )*
            $(
                #[doc = concat!("`", $oj, "`.")]
                #[serde(rename = $oj, skip_serializing_if = "Option::is_none")]
                pub $of: Option<$ot>,
            )*
        }

        impl $crate::read::Read for $name {
            fn read(node: &$crate::yaml::Node) -> Result<Self, $crate::read::Error> {
                let mut out = Self::default();
                $crate::read::fields(node, concat!("struct ", stringify!($name)), &mut |key, value| {
                    match key {
                        $( $rj => out.$rf = $crate::read::required(value)?, )*
                        $( $oj => out.$of = $crate::read::Read::read(value)?, )*
                        _ => {}
                    }
                    Ok(())
                })?;
                Ok(out)
            }
        }
    };
}
pub(crate) use api_struct;

/// Declares a top-level kind: metadata plus the given fields (written as for
/// `api_struct!`). It serializes with its `apiVersion` and `kind` first, as
/// the API server writes an object.
macro_rules! api_kind {
    ($name:ident, $version:literal, $kind:literal {
        $( @required $rf:ident $rj:literal : $rt:ty, )*
        $( $of:ident $oj:literal : $ot:ty, )*
    }) => {
        #[doc = concat!("`", $version, "` ", $kind, ".")]
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name {
            /// `metadata`.
            pub metadata: crate::k8s::meta::ObjectMeta,
            $(
                #[doc = concat!("`", $rj, "` (required).")]
                pub $rf: $rt,
            )*
            $(
                #[doc = concat!("`", $oj, "`.")]
                pub $of: Option<$ot>,
            )*
        }

        impl $name {
            /// The `apiVersion` objects of this kind are written with.
            pub const API_VERSION: &'static str = $version;
            /// The `kind`.
            pub const KIND: &'static str = $kind;
        }

        impl crate::read::Read for $name {
            fn read(node: &crate::yaml::Node) -> Result<Self, crate::read::Error> {
                let mut out = Self::default();
                crate::read::fields(node, concat!("struct ", stringify!($name)), &mut |key, value| {
                    match key {
                        "metadata" => out.metadata = crate::read::required(value)?,
                        $( $rj => out.$rf = crate::read::required(value)?, )*
                        $( $oj => out.$of = crate::read::Read::read(value)?, )*
                        _ => {}
                    }
                    Ok(())
                })?;
                Ok(out)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                #[derive(Serialize)]
                struct View<'a> {
                    #[serde(rename = "apiVersion")]
                    api_version: &'static str,
                    kind: &'static str,
                    metadata: &'a crate::k8s::meta::ObjectMeta,
                    $(
                        #[serde(rename = $rj)]
                        $rf: &'a $rt,
                    )*
                    $(
                        #[serde(rename = $oj, skip_serializing_if = "crate::k8s::is_none")]
                        $of: &'a Option<$ot>,
                    )*
                }
                View {
                    api_version: $version,
                    kind: $kind,
                    metadata: &self.metadata,
                    $( $rf: &self.$rf, )*
                    $( $of: &self.$of, )*
                }
                .serialize(s)
            }
        }
    };
}

/// For `skip_serializing_if` on a borrowed optional field.
fn is_none<T>(o: &&Option<T>) -> bool {
    o.is_none()
}

/// `io.k8s.apimachinery.pkg.apis.meta.v1`
pub mod meta {
    use super::*;
    use std::collections::BTreeMap;

    api_struct! {
        /// Standard object metadata.
        pub struct ObjectMeta {
            annotations "annotations": BTreeMap<String, String>,
            creation_timestamp "creationTimestamp": Time,
            deletion_timestamp "deletionTimestamp": Time,
            finalizers "finalizers": Vec<String>,
            generate_name "generateName": String,
            generation "generation": i64,
            labels "labels": BTreeMap<String, String>,
            name "name": String,
            namespace "namespace": String,
            owner_references "ownerReferences": Vec<OwnerReference>,
            resource_version "resourceVersion": String,
            uid "uid": String,
        }
    }

    api_struct! {
        /// A reference to the object that owns this one.
        pub struct OwnerReference {
            @required api_version "apiVersion": String,
            @required kind "kind": String,
            @required name "name": String,
            @required uid "uid": String,
            block_owner_deletion "blockOwnerDeletion": bool,
            controller "controller": bool,
        }
    }

    api_struct! {
        /// A label query.
        pub struct LabelSelector {
            match_expressions "matchExpressions": Vec<LabelSelectorRequirement>,
            match_labels "matchLabels": BTreeMap<String, String>,
        }
    }

    api_struct! {
        /// One `matchExpressions` term.
        pub struct LabelSelectorRequirement {
            @required key "key": String,
            @required operator "operator": String,
            values "values": Vec<String>,
        }
    }

    /// A point in time, to the second, written as RFC 3339 (`2026-01-01T00:00:00Z`).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub struct Time(pub Timestamp);

    /// Seconds since the Unix epoch, UTC.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub struct Timestamp(i64);

    impl Timestamp {
        /// From seconds since the Unix epoch.
        pub fn from_second(seconds: i64) -> Self {
            Timestamp(seconds)
        }

        /// Seconds since the Unix epoch.
        pub fn as_second(self) -> i64 {
            self.0
        }

        /// Reads RFC 3339: `YYYY-MM-DDTHH:MM:SS`, optional fraction (dropped,
        /// as the API server keeps whole seconds), then `Z` or `±HH:MM`.
        pub fn parse_rfc3339(s: &str) -> Option<Self> {
            let b = s.as_bytes();
            let num = |from: usize, len: usize| -> Option<i64> {
                let digits = b.get(from..from + len)?;
                digits.iter().try_fold(0i64, |acc, &c| {
                    c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
                })
            };
            let sep = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
            if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":"))
            {
                return None;
            }
            let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
            let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
            if !(1..=12).contains(&month)
                || day < 1
                || day > days_in_month(year, month)
                || hour > 23
                || minute > 59
                || second > 60
            {
                return None;
            }
            let mut at = 19;
            if b.get(at) == Some(&b'.') {
                at += 1;
                let start = at;
                while b.get(at).is_some_and(u8::is_ascii_digit) {
                    at += 1;
                }
                if at == start {
                    return None;
                }
            }
            let offset = match b.get(at) {
                Some(b'Z' | b'z') if at + 1 == b.len() => 0,
                Some(&sign @ (b'+' | b'-')) if at + 6 == b.len() && sep(at + 3, b":") => {
                    let (h, m) = (num(at + 1, 2)?, num(at + 4, 2)?);
                    if h > 23 || m > 59 {
                        return None;
                    }
                    let o = h * 3600 + m * 60;
                    if sign == b'-' { -o } else { o }
                }
                _ => return None,
            };
            let days = days_from_civil(year, month, day);
            Some(Timestamp(
                days * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset,
            ))
        }
    }

    impl std::fmt::Display for Timestamp {
        /// `YYYY-MM-DDTHH:MM:SSZ`, as the API server writes a Time.
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            let days = self.0.div_euclid(86_400);
            let secs = self.0.rem_euclid(86_400);
            let (y, m, d) = civil_from_days(days);
            write!(
                f,
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
                secs / 3600,
                secs / 60 % 60,
                secs % 60
            )
        }
    }

    fn is_leap(y: i64) -> bool {
        (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    }

    fn days_in_month(y: i64, m: i64) -> i64 {
        match m {
            2 if is_leap(y) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (month 1..=12).
    fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
        // Count from 0000-03-01 so the leap day ends each 4-year cycle.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let year_of_era = y - era * 400;
        let month_from_march = (m + 9) % 12;
        let day_of_year = (153 * month_from_march + 2) / 5 + d - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The inverse of `days_from_civil`.
    fn civil_from_days(days: i64) -> (i64, i64, i64) {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_from_march = (5 * day_of_year + 2) / 153;
        let d = day_of_year - (153 * month_from_march + 2) / 5 + 1;
        let m = if month_from_march < 10 {
            month_from_march + 3
        } else {
            month_from_march - 9
        };
        (year_of_era + era * 400 + i64::from(m <= 2), m, d)
    }

    impl Read for Time {
        fn read(node: &Node) -> Result<Self, Error> {
            let s = String::read(node)?;
            Timestamp::parse_rfc3339(&s).map(Time).ok_or_else(|| {
                crate::read::invalid_value(node, "an RFC 3339 time such as 2026-01-01T00:00:00Z")
            })
        }
    }

    impl Serialize for Time {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(&self.0)
        }
    }
}

/// `io.k8s.apimachinery.pkg.util.intstr`
pub mod intstr {
    use super::*;

    /// A field that holds a 32-bit integer or a string (a port number or name).
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum IntOrString {
        /// A number.
        Int(i32),
        /// A name.
        String(String),
    }

    impl Default for IntOrString {
        fn default() -> Self {
            IntOrString::Int(0)
        }
    }

    impl Read for IntOrString {
        fn read(node: &Node) -> Result<Self, Error> {
            match &node.value {
                crate::yaml::Value::Int(i) => i32::try_from(*i)
                    .map(IntOrString::Int)
                    .map_err(|_| crate::read::invalid_value(node, "a 32-bit integer")),
                crate::yaml::Value::Str(s) => Ok(IntOrString::String(s.clone())),
                _ => Err(crate::read::invalid_type(node, "IntOrString")),
            }
        }
    }

    impl Serialize for IntOrString {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self {
                IntOrString::Int(i) => s.serialize_i32(*i),
                IntOrString::String(v) => s.serialize_str(v),
            }
        }
    }
}

/// `io.k8s.apimachinery.pkg.api.resource`
pub mod resource {
    use super::*;

    /// A resource amount as written (`110`, `"500m"`, `"1Gi"`). The API
    /// accepts a number or a string; both are kept as text.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct Quantity(pub String);

    impl Quantity {
        /// The amount as a whole number when it is one without a suffix
        /// (`110`, `"110"`), as a pod count is written.
        pub fn as_count(&self) -> Option<u64> {
            self.0.trim().parse().ok()
        }
    }

    impl Read for Quantity {
        fn read(node: &Node) -> Result<Self, Error> {
            match &node.value {
                crate::yaml::Value::Str(s) => Ok(Quantity(s.clone())),
                crate::yaml::Value::Int(i) => Ok(Quantity(i.to_string())),
                crate::yaml::Value::Float(f) if f.is_finite() => Ok(Quantity(f.to_string())),
                _ => Err(crate::read::invalid_type(
                    node,
                    "a quantity (a number or a string)",
                )),
            }
        }
    }

    impl Serialize for Quantity {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&self.0)
        }
    }
}

/// `io.k8s.api.core.v1`
pub mod core {
    use super::intstr::IntOrString;
    use super::meta::{ObjectMeta, Time};
    use super::*;
    use std::collections::BTreeMap;

    api_kind!(Service, "v1", "Service" {
        spec "spec": ServiceSpec,
        status "status": ServiceStatus,
    });

    api_struct! {
        pub struct ServiceSpec {
            allocate_load_balancer_node_ports "allocateLoadBalancerNodePorts": bool,
            cluster_ip "clusterIP": String,
            cluster_ips "clusterIPs": Vec<String>,
            external_ips "externalIPs": Vec<String>,
            external_name "externalName": String,
            external_traffic_policy "externalTrafficPolicy": String,
            health_check_node_port "healthCheckNodePort": i32,
            internal_traffic_policy "internalTrafficPolicy": String,
            ip_families "ipFamilies": Vec<String>,
            ip_family_policy "ipFamilyPolicy": String,
            load_balancer_class "loadBalancerClass": String,
            load_balancer_ip "loadBalancerIP": String,
            load_balancer_source_ranges "loadBalancerSourceRanges": Vec<String>,
            ports "ports": Vec<ServicePort>,
            publish_not_ready_addresses "publishNotReadyAddresses": bool,
            selector "selector": BTreeMap<String, String>,
            session_affinity "sessionAffinity": String,
            session_affinity_config "sessionAffinityConfig": SessionAffinityConfig,
            traffic_distribution "trafficDistribution": String,
            type_ "type": String,
        }
    }

    api_struct! {
        pub struct ServicePort {
            @required port "port": i32,
            app_protocol "appProtocol": String,
            name "name": String,
            node_port "nodePort": i32,
            protocol "protocol": String,
            target_port "targetPort": IntOrString,
        }
    }

    api_struct! {
        pub struct SessionAffinityConfig {
            client_ip "clientIP": ClientIPConfig,
        }
    }

    api_struct! {
        pub struct ClientIPConfig {
            timeout_seconds "timeoutSeconds": i32,
        }
    }

    api_struct! {
        pub struct ServiceStatus {
            load_balancer "loadBalancer": LoadBalancerStatus,
        }
    }

    api_struct! {
        pub struct LoadBalancerStatus {
            ingress "ingress": Vec<LoadBalancerIngress>,
        }
    }

    api_struct! {
        pub struct LoadBalancerIngress {
            hostname "hostname": String,
            ip "ip": String,
            ip_mode "ipMode": String,
            ports "ports": Vec<PortStatus>,
        }
    }

    api_struct! {
        pub struct PortStatus {
            @required port "port": i32,
            @required protocol "protocol": String,
            error "error": String,
        }
    }

    api_kind!(Pod, "v1", "Pod" {
        spec "spec": PodSpec,
        status "status": PodStatus,
    });

    api_struct! {
        pub struct PodTemplateSpec {
            metadata "metadata": ObjectMeta,
            spec "spec": PodSpec,
        }
    }

    api_struct! {
        pub struct PodSpec {
            @required containers "containers": Vec<Container>,
            dns_policy "dnsPolicy": String,
            host_network "hostNetwork": bool,
            hostname "hostname": String,
            init_containers "initContainers": Vec<Container>,
            node_name "nodeName": String,
            node_selector "nodeSelector": BTreeMap<String, String>,
            readiness_gates "readinessGates": Vec<PodReadinessGate>,
            restart_policy "restartPolicy": String,
            subdomain "subdomain": String,
            tolerations "tolerations": Vec<Toleration>,
        }
    }

    api_struct! {
        pub struct Container {
            @required name "name": String,
            image "image": String,
            ports "ports": Vec<ContainerPort>,
            restart_policy "restartPolicy": String,
        }
    }

    api_struct! {
        pub struct ContainerPort {
            @required container_port "containerPort": i32,
            host_ip "hostIP": String,
            host_port "hostPort": i32,
            name "name": String,
            protocol "protocol": String,
        }
    }

    api_struct! {
        pub struct PodReadinessGate {
            @required condition_type "conditionType": String,
        }
    }

    api_struct! {
        pub struct Toleration {
            effect "effect": String,
            key "key": String,
            operator "operator": String,
            toleration_seconds "tolerationSeconds": i64,
            value "value": String,
        }
    }

    api_struct! {
        pub struct PodStatus {
            conditions "conditions": Vec<PodCondition>,
            container_statuses "containerStatuses": Vec<ContainerStatus>,
            host_ip "hostIP": String,
            host_ips "hostIPs": Vec<HostIP>,
            init_container_statuses "initContainerStatuses": Vec<ContainerStatus>,
            message "message": String,
            nominated_node_name "nominatedNodeName": String,
            phase "phase": String,
            pod_ip "podIP": String,
            pod_ips "podIPs": Vec<PodIP>,
            reason "reason": String,
            start_time "startTime": Time,
        }
    }

    api_struct! {
        pub struct PodCondition {
            @required status "status": String,
            @required type_ "type": String,
            last_transition_time "lastTransitionTime": Time,
            message "message": String,
            reason "reason": String,
        }
    }

    api_struct! {
        pub struct PodIP {
            @required ip "ip": String,
        }
    }

    api_struct! {
        pub struct HostIP {
            @required ip "ip": String,
        }
    }

    api_struct! {
        pub struct ContainerStatus {
            @required image "image": String,
            @required image_id "imageID": String,
            @required name "name": String,
            @required ready "ready": bool,
            @required restart_count "restartCount": i32,
            container_id "containerID": String,
            last_state "lastState": ContainerState,
            started "started": bool,
            state "state": ContainerState,
        }
    }

    api_struct! {
        pub struct ContainerState {
            running "running": ContainerStateRunning,
            terminated "terminated": ContainerStateTerminated,
            waiting "waiting": ContainerStateWaiting,
        }
    }

    api_struct! {
        pub struct ContainerStateRunning {
            started_at "startedAt": Time,
        }
    }

    api_struct! {
        pub struct ContainerStateTerminated {
            @required exit_code "exitCode": i32,
            finished_at "finishedAt": Time,
            message "message": String,
            reason "reason": String,
            signal "signal": i32,
            started_at "startedAt": Time,
        }
    }

    api_struct! {
        pub struct ContainerStateWaiting {
            message "message": String,
            reason "reason": String,
        }
    }

    api_kind!(Node, "v1", "Node" {
        spec "spec": NodeSpec,
        status "status": NodeStatus,
    });

    api_struct! {
        pub struct NodeSpec {
            pod_cidr "podCIDR": String,
            pod_cidrs "podCIDRs": Vec<String>,
            provider_id "providerID": String,
            taints "taints": Vec<Taint>,
            unschedulable "unschedulable": bool,
        }
    }

    api_struct! {
        pub struct Taint {
            @required effect "effect": String,
            @required key "key": String,
            time_added "timeAdded": Time,
            value "value": String,
        }
    }

    api_struct! {
        pub struct NodeStatus {
            addresses "addresses": Vec<NodeAddress>,
            allocatable "allocatable": BTreeMap<String, super::resource::Quantity>,
            capacity "capacity": BTreeMap<String, super::resource::Quantity>,
            conditions "conditions": Vec<NodeCondition>,
            node_info "nodeInfo": NodeSystemInfo,
        }
    }

    api_struct! {
        pub struct NodeAddress {
            @required address "address": String,
            @required type_ "type": String,
        }
    }

    api_struct! {
        pub struct NodeCondition {
            @required status "status": String,
            @required type_ "type": String,
            message "message": String,
            reason "reason": String,
        }
    }

    api_struct! {
        pub struct NodeSystemInfo {
            @required architecture "architecture": String,
            @required boot_id "bootID": String,
            @required container_runtime_version "containerRuntimeVersion": String,
            @required kernel_version "kernelVersion": String,
            @required kube_proxy_version "kubeProxyVersion": String,
            @required kubelet_version "kubeletVersion": String,
            @required machine_id "machineID": String,
            @required operating_system "operatingSystem": String,
            @required os_image "osImage": String,
            @required system_uuid "systemUUID": String,
        }
    }

    api_kind!(Namespace, "v1", "Namespace" {
        status "status": NamespaceStatus,
    });

    api_struct! {
        pub struct NamespaceStatus {
            phase "phase": String,
        }
    }

    api_kind!(Endpoints, "v1", "Endpoints" {
        subsets "subsets": Vec<EndpointSubset>,
    });

    api_struct! {
        pub struct EndpointSubset {
            addresses "addresses": Vec<EndpointAddress>,
            not_ready_addresses "notReadyAddresses": Vec<EndpointAddress>,
            ports "ports": Vec<EndpointPort>,
        }
    }

    api_struct! {
        pub struct EndpointAddress {
            @required ip "ip": String,
            hostname "hostname": String,
            node_name "nodeName": String,
            target_ref "targetRef": ObjectReference,
        }
    }

    api_struct! {
        /// A port of a v1 Endpoints subset.
        pub struct EndpointPort {
            @required port "port": i32,
            app_protocol "appProtocol": String,
            name "name": String,
            protocol "protocol": String,
        }
    }

    api_struct! {
        pub struct ObjectReference {
            api_version "apiVersion": String,
            field_path "fieldPath": String,
            kind "kind": String,
            name "name": String,
            namespace "namespace": String,
            resource_version "resourceVersion": String,
            uid "uid": String,
        }
    }
}

/// `io.k8s.api.apps.v1`
pub mod apps {
    use super::core::PodTemplateSpec;
    use super::meta::LabelSelector;
    use super::*;

    api_kind!(Deployment, "apps/v1", "Deployment" {
        spec "spec": DeploymentSpec,
    });

    api_struct! {
        pub struct DeploymentSpec {
            @required selector "selector": LabelSelector,
            @required template "template": PodTemplateSpec,
            min_ready_seconds "minReadySeconds": i32,
            paused "paused": bool,
            replicas "replicas": i32,
            revision_history_limit "revisionHistoryLimit": i32,
        }
    }

    api_kind!(ReplicaSet, "apps/v1", "ReplicaSet" {
        spec "spec": ReplicaSetSpec,
    });

    api_struct! {
        pub struct ReplicaSetSpec {
            @required selector "selector": LabelSelector,
            min_ready_seconds "minReadySeconds": i32,
            replicas "replicas": i32,
            template "template": PodTemplateSpec,
        }
    }

    api_kind!(StatefulSet, "apps/v1", "StatefulSet" {
        spec "spec": StatefulSetSpec,
    });

    api_struct! {
        pub struct StatefulSetSpec {
            @required selector "selector": LabelSelector,
            @required template "template": PodTemplateSpec,
            ordinals "ordinals": StatefulSetOrdinals,
            pod_management_policy "podManagementPolicy": String,
            replicas "replicas": i32,
            service_name "serviceName": String,
        }
    }

    api_struct! {
        pub struct StatefulSetOrdinals {
            start "start": i32,
        }
    }

    api_kind!(DaemonSet, "apps/v1", "DaemonSet" {
        spec "spec": DaemonSetSpec,
    });

    api_struct! {
        pub struct DaemonSetSpec {
            @required selector "selector": LabelSelector,
            @required template "template": PodTemplateSpec,
        }
    }
}

/// `io.k8s.api.discovery.v1`
pub mod discovery {
    use super::core::ObjectReference;
    use super::*;

    api_kind!(EndpointSlice, "discovery.k8s.io/v1", "EndpointSlice" {
        @required address_type "addressType": String,
        @required endpoints "endpoints": Vec<Endpoint>,
        ports "ports": Vec<EndpointPort>,
    });

    api_struct! {
        pub struct Endpoint {
            @required addresses "addresses": Vec<String>,
            conditions "conditions": EndpointConditions,
            hints "hints": EndpointHints,
            hostname "hostname": String,
            node_name "nodeName": String,
            target_ref "targetRef": ObjectReference,
            zone "zone": String,
        }
    }

    api_struct! {
        pub struct EndpointConditions {
            ready "ready": bool,
            serving "serving": bool,
            terminating "terminating": bool,
        }
    }

    api_struct! {
        pub struct EndpointHints {
            for_nodes "forNodes": Vec<ForNode>,
            for_zones "forZones": Vec<ForZone>,
        }
    }

    api_struct! {
        pub struct ForNode {
            @required name "name": String,
        }
    }

    api_struct! {
        pub struct ForZone {
            @required name "name": String,
        }
    }

    api_struct! {
        /// A port of an EndpointSlice.
        pub struct EndpointPort {
            app_protocol "appProtocol": String,
            name "name": String,
            port "port": i32,
            protocol "protocol": String,
        }
    }
}

/// `io.k8s.api.networking.v1`
pub mod networking {
    use super::*;

    api_kind!(Ingress, "networking.k8s.io/v1", "Ingress" {
        spec "spec": IngressSpec,
        status "status": IngressStatus,
    });

    api_struct! {
        pub struct IngressSpec {
            default_backend "defaultBackend": IngressBackend,
            ingress_class_name "ingressClassName": String,
            rules "rules": Vec<IngressRule>,
            tls "tls": Vec<IngressTLS>,
        }
    }

    api_struct! {
        pub struct IngressRule {
            host "host": String,
            http "http": HTTPIngressRuleValue,
        }
    }

    api_struct! {
        pub struct HTTPIngressRuleValue {
            @required paths "paths": Vec<HTTPIngressPath>,
        }
    }

    api_struct! {
        pub struct HTTPIngressPath {
            @required backend "backend": IngressBackend,
            @required path_type "pathType": String,
            path "path": String,
        }
    }

    api_struct! {
        pub struct IngressBackend {
            resource "resource": TypedLocalObjectReference,
            service "service": IngressServiceBackend,
        }
    }

    api_struct! {
        pub struct TypedLocalObjectReference {
            @required kind "kind": String,
            @required name "name": String,
            api_group "apiGroup": String,
        }
    }

    api_struct! {
        pub struct IngressServiceBackend {
            @required name "name": String,
            port "port": ServiceBackendPort,
        }
    }

    api_struct! {
        pub struct ServiceBackendPort {
            name "name": String,
            number "number": i32,
        }
    }

    api_struct! {
        pub struct IngressTLS {
            hosts "hosts": Vec<String>,
            secret_name "secretName": String,
        }
    }

    api_struct! {
        pub struct IngressStatus {
            load_balancer "loadBalancer": IngressLoadBalancerStatus,
        }
    }

    api_struct! {
        pub struct IngressLoadBalancerStatus {
            ingress "ingress": Vec<IngressLoadBalancerIngress>,
        }
    }

    api_struct! {
        pub struct IngressLoadBalancerIngress {
            hostname "hostname": String,
            ip "ip": String,
            ports "ports": Vec<IngressPortStatus>,
        }
    }

    api_struct! {
        pub struct IngressPortStatus {
            @required port "port": i32,
            @required protocol "protocol": String,
            error "error": String,
        }
    }

    api_kind!(IngressClass, "networking.k8s.io/v1", "IngressClass" {
        spec "spec": IngressClassSpec,
    });

    api_struct! {
        pub struct IngressClassSpec {
            controller "controller": String,
        }
    }

    api_kind!(ServiceCIDR, "networking.k8s.io/v1", "ServiceCIDR" {
        spec "spec": ServiceCIDRSpec,
    });

    api_struct! {
        pub struct ServiceCIDRSpec {
            cidrs "cidrs": Vec<String>,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::meta::Timestamp;

    #[test]
    fn rfc3339_round_trips_and_rejects_nonsense() {
        for (text, secs) in [
            ("1970-01-01T00:00:00Z", 0),
            ("2026-01-01T00:00:00Z", 1_767_225_600),
            ("2024-02-29T12:34:56Z", 1_709_210_096),
            ("1969-12-31T23:59:59Z", -1),
        ] {
            let t = Timestamp::parse_rfc3339(text).expect(text);
            assert_eq!(t.as_second(), secs, "{text}");
            assert_eq!(t.to_string(), text);
        }
        let t = |s| Timestamp::parse_rfc3339(s).map(Timestamp::as_second);
        assert_eq!(t("2026-01-01T01:00:00.123456+01:00"), Some(1_767_225_600));
        assert_eq!(t("2025-12-31T19:00:00-05:00"), Some(1_767_225_600));
        for bad in [
            "",
            "2026-01-01",
            "2026-13-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00:00Zjunk",
            "yesterday",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
    }
}
