//! The Kubernetes API types kubeplay reads, trimmed to the fields it uses.
//!
//! Names, field names and JSON spellings follow the Kubernetes API reference
//! (and so the k8s-openapi crate, which the core used before): a field is
//! `pub name: Option<T>` when the API marks it optional, a plain `T` when it
//! is required. Like the API server's decoder, every type ignores fields it
//! does not declare, a missing or `null` required field takes its zero value,
//! and a field of the wrong type is an error at that field.
//!
//! Why not k8s-openapi: its decoders cover every field of every nested type
//! (a Pod's volumes, probes, security contexts...). In the browser build that
//! was about 380 KB of wasm code for fields no simulation reads. The cost of
//! trimming: a wrong type inside a field kubeplay does not read (say
//! `resources.limits.cpu: [1]`) is not reported, and `kubeplay get -o yaml`
//! shows the fields listed here.
//!
//! Field docs are the API reference's; they are not repeated here.

#![allow(
    missing_docs,
    reason = "the fields are the Kubernetes API's, documented upstream"
)]

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Reads a required field: `null` is its zero value, as for a missing one.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Declares an API struct. Fields marked `@required` are required (plain types);
/// the others are optional and written as `Option<T>` with their `T` given.
macro_rules! api_struct {
    (
        $(#[$m:meta])*
        pub struct $name:ident {
            $( @required $(#[$rm:meta])* $rf:ident : $rt:ty, )*
            $( $(#[$om:meta])* $of:ident : $ot:ty, )*
        }
    ) => {
        $(#[$m])*
        #[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
        #[serde(rename_all = "camelCase", default)]
        pub struct $name {
            $(
                $(#[$rm])*
                #[serde(deserialize_with = "crate::k8s::nullable")]
                pub $rf: $rt,
            )*
            $(
                $(#[$om])*
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $of: Option<$ot>,
            )*
        }
    };
}

/// Declares a top-level kind: metadata plus the given fields (marked as for
/// `api_struct!`). It serializes with its `apiVersion` and `kind` first, as
/// the API server writes an object.
macro_rules! api_kind {
    ($name:ident, $version:literal, $kind:literal {
        $( @required $(#[$rm:meta])* $rf:ident : $rt:ty, )*
        $( $(#[$om:meta])* $of:ident : $ot:ty, )*
    }) => {
        #[doc = concat!("`", $version, "` ", $kind, ".")]
        #[derive(Clone, Debug, Default, PartialEq, Deserialize)]
        #[serde(rename_all = "camelCase", default)]
        pub struct $name {
            #[serde(deserialize_with = "crate::k8s::nullable")]
            pub metadata: crate::k8s::meta::ObjectMeta,
            $(
                $(#[$rm])*
                #[serde(deserialize_with = "crate::k8s::nullable")]
                pub $rf: $rt,
            )*
            $(
                $(#[$om])*
                pub $of: Option<$ot>,
            )*
        }

        impl $name {
            /// The `apiVersion` objects of this kind are written with.
            pub const API_VERSION: &'static str = $version;
            /// The `kind`.
            pub const KIND: &'static str = $kind;
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                #[derive(Serialize)]
                #[serde(rename_all = "camelCase")]
                struct View<'a> {
                    api_version: &'static str,
                    kind: &'static str,
                    metadata: &'a crate::k8s::meta::ObjectMeta,
                    $( $(#[$rm])* $rf: &'a $rt, )*
                    $(
                        $(#[$om])*
                        #[serde(skip_serializing_if = "crate::k8s::is_none")]
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
            annotations: BTreeMap<String, String>,
            creation_timestamp: Time,
            deletion_timestamp: Time,
            finalizers: Vec<String>,
            generate_name: String,
            generation: i64,
            labels: BTreeMap<String, String>,
            name: String,
            namespace: String,
            owner_references: Vec<OwnerReference>,
            resource_version: String,
            uid: String,
        }
    }

    api_struct! {
        /// A reference to the object that owns this one.
        pub struct OwnerReference {
            @required api_version: String,
            @required kind: String,
            @required name: String,
            @required uid: String,
            block_owner_deletion: bool,
            controller: bool,
        }
    }

    api_struct! {
        /// A label query.
        pub struct LabelSelector {
            match_expressions: Vec<LabelSelectorRequirement>,
            match_labels: BTreeMap<String, String>,
        }
    }

    api_struct! {
        /// One `matchExpressions` term.
        pub struct LabelSelectorRequirement {
            @required key: String,
            @required operator: String,
            values: Vec<String>,
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

    impl<'de> Deserialize<'de> for Time {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let s = String::deserialize(d)?;
            Timestamp::parse_rfc3339(&s).map(Time).ok_or_else(|| {
                serde::de::Error::invalid_value(
                    serde::de::Unexpected::Str(&s),
                    &"an RFC 3339 time such as 2026-01-01T00:00:00Z",
                )
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

    struct IntOrStringVisitor;

    impl serde::de::Visitor<'_> for IntOrStringVisitor {
        type Value = IntOrString;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("IntOrString")
        }

        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<IntOrString, E> {
            i32::try_from(v).map(IntOrString::Int).map_err(|_| {
                E::invalid_value(serde::de::Unexpected::Signed(v), &"a 32-bit integer")
            })
        }

        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<IntOrString, E> {
            i32::try_from(v).map(IntOrString::Int).map_err(|_| {
                E::invalid_value(serde::de::Unexpected::Unsigned(v), &"a 32-bit integer")
            })
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<IntOrString, E> {
            Ok(IntOrString::String(v.to_owned()))
        }
    }

    impl<'de> Deserialize<'de> for IntOrString {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(IntOrStringVisitor)
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

/// `io.k8s.api.core.v1`
pub mod core {
    use super::intstr::IntOrString;
    use super::meta::{ObjectMeta, Time};
    use super::*;
    use std::collections::BTreeMap;

    api_kind!(Service, "v1", "Service" {
        spec: ServiceSpec,
        status: ServiceStatus,
    });

    api_struct! {
        pub struct ServiceSpec {
            allocate_load_balancer_node_ports: bool,
            #[serde(rename = "clusterIP")]
            cluster_ip: String,
            #[serde(rename = "clusterIPs")]
            cluster_ips: Vec<String>,
            #[serde(rename = "externalIPs")]
            external_ips: Vec<String>,
            external_name: String,
            external_traffic_policy: String,
            health_check_node_port: i32,
            internal_traffic_policy: String,
            ip_families: Vec<String>,
            ip_family_policy: String,
            load_balancer_class: String,
            #[serde(rename = "loadBalancerIP")]
            load_balancer_ip: String,
            load_balancer_source_ranges: Vec<String>,
            ports: Vec<ServicePort>,
            publish_not_ready_addresses: bool,
            selector: BTreeMap<String, String>,
            session_affinity: String,
            session_affinity_config: SessionAffinityConfig,
            traffic_distribution: String,
            #[serde(rename = "type")]
            type_: String,
        }
    }

    api_struct! {
        pub struct ServicePort {
            @required port: i32,
            app_protocol: String,
            name: String,
            node_port: i32,
            protocol: String,
            target_port: IntOrString,
        }
    }

    api_struct! {
        pub struct SessionAffinityConfig {
            #[serde(rename = "clientIP")]
            client_ip: ClientIPConfig,
        }
    }

    api_struct! {
        pub struct ClientIPConfig {
            timeout_seconds: i32,
        }
    }

    api_struct! {
        pub struct ServiceStatus {
            load_balancer: LoadBalancerStatus,
        }
    }

    api_struct! {
        pub struct LoadBalancerStatus {
            ingress: Vec<LoadBalancerIngress>,
        }
    }

    api_struct! {
        pub struct LoadBalancerIngress {
            hostname: String,
            ip: String,
            ip_mode: String,
            ports: Vec<PortStatus>,
        }
    }

    api_struct! {
        pub struct PortStatus {
            @required port: i32,
            @required protocol: String,
            error: String,
        }
    }

    api_kind!(Pod, "v1", "Pod" {
        spec: PodSpec,
        status: PodStatus,
    });

    api_struct! {
        pub struct PodTemplateSpec {
            metadata: ObjectMeta,
            spec: PodSpec,
        }
    }

    api_struct! {
        pub struct PodSpec {
            @required containers: Vec<Container>,
            dns_policy: String,
            host_network: bool,
            hostname: String,
            init_containers: Vec<Container>,
            node_name: String,
            node_selector: BTreeMap<String, String>,
            readiness_gates: Vec<PodReadinessGate>,
            restart_policy: String,
            subdomain: String,
            tolerations: Vec<Toleration>,
        }
    }

    api_struct! {
        pub struct Container {
            @required name: String,
            image: String,
            ports: Vec<ContainerPort>,
            restart_policy: String,
        }
    }

    api_struct! {
        pub struct ContainerPort {
            @required container_port: i32,
            #[serde(rename = "hostIP")]
            host_ip: String,
            host_port: i32,
            name: String,
            protocol: String,
        }
    }

    api_struct! {
        pub struct PodReadinessGate {
            @required condition_type: String,
        }
    }

    api_struct! {
        pub struct Toleration {
            effect: String,
            key: String,
            operator: String,
            toleration_seconds: i64,
            value: String,
        }
    }

    api_struct! {
        pub struct PodStatus {
            conditions: Vec<PodCondition>,
            container_statuses: Vec<ContainerStatus>,
            #[serde(rename = "hostIP")]
            host_ip: String,
            #[serde(rename = "hostIPs")]
            host_ips: Vec<HostIP>,
            init_container_statuses: Vec<ContainerStatus>,
            message: String,
            nominated_node_name: String,
            phase: String,
            #[serde(rename = "podIP")]
            pod_ip: String,
            #[serde(rename = "podIPs")]
            pod_ips: Vec<PodIP>,
            reason: String,
            start_time: Time,
        }
    }

    api_struct! {
        pub struct PodCondition {
            @required status: String,
            @required #[serde(rename = "type")]
            type_: String,
            last_transition_time: Time,
            message: String,
            reason: String,
        }
    }

    api_struct! {
        pub struct PodIP {
            @required ip: String,
        }
    }

    api_struct! {
        pub struct HostIP {
            @required ip: String,
        }
    }

    api_struct! {
        pub struct ContainerStatus {
            @required image: String,
            @required #[serde(rename = "imageID")]
            image_id: String,
            @required name: String,
            @required ready: bool,
            @required restart_count: i32,
            #[serde(rename = "containerID")]
            container_id: String,
            last_state: ContainerState,
            started: bool,
            state: ContainerState,
        }
    }

    api_struct! {
        pub struct ContainerState {
            running: ContainerStateRunning,
            terminated: ContainerStateTerminated,
            waiting: ContainerStateWaiting,
        }
    }

    api_struct! {
        pub struct ContainerStateRunning {
            started_at: Time,
        }
    }

    api_struct! {
        pub struct ContainerStateTerminated {
            @required exit_code: i32,
            finished_at: Time,
            message: String,
            reason: String,
            signal: i32,
            started_at: Time,
        }
    }

    api_struct! {
        pub struct ContainerStateWaiting {
            message: String,
            reason: String,
        }
    }

    api_kind!(Node, "v1", "Node" {
        spec: NodeSpec,
        status: NodeStatus,
    });

    api_struct! {
        pub struct NodeSpec {
            #[serde(rename = "podCIDR")]
            pod_cidr: String,
            #[serde(rename = "podCIDRs")]
            pod_cidrs: Vec<String>,
            #[serde(rename = "providerID")]
            provider_id: String,
            taints: Vec<Taint>,
            unschedulable: bool,
        }
    }

    api_struct! {
        pub struct Taint {
            @required effect: String,
            @required key: String,
            time_added: Time,
            value: String,
        }
    }

    api_struct! {
        pub struct NodeStatus {
            addresses: Vec<NodeAddress>,
            conditions: Vec<NodeCondition>,
            node_info: NodeSystemInfo,
        }
    }

    api_struct! {
        pub struct NodeAddress {
            @required address: String,
            @required #[serde(rename = "type")]
            type_: String,
        }
    }

    api_struct! {
        pub struct NodeCondition {
            @required status: String,
            @required #[serde(rename = "type")]
            type_: String,
            message: String,
            reason: String,
        }
    }

    api_struct! {
        pub struct NodeSystemInfo {
            @required architecture: String,
            @required #[serde(rename = "bootID")]
            boot_id: String,
            @required container_runtime_version: String,
            @required kernel_version: String,
            @required kube_proxy_version: String,
            @required kubelet_version: String,
            @required #[serde(rename = "machineID")]
            machine_id: String,
            @required operating_system: String,
            @required os_image: String,
            @required #[serde(rename = "systemUUID")]
            system_uuid: String,
        }
    }

    api_kind!(Namespace, "v1", "Namespace" {
        status: NamespaceStatus,
    });

    api_struct! {
        pub struct NamespaceStatus {
            phase: String,
        }
    }

    api_kind!(Endpoints, "v1", "Endpoints" {
        subsets: Vec<EndpointSubset>,
    });

    api_struct! {
        pub struct EndpointSubset {
            addresses: Vec<EndpointAddress>,
            not_ready_addresses: Vec<EndpointAddress>,
            ports: Vec<EndpointPort>,
        }
    }

    api_struct! {
        pub struct EndpointAddress {
            @required ip: String,
            hostname: String,
            node_name: String,
            target_ref: ObjectReference,
        }
    }

    api_struct! {
        /// A port of a v1 Endpoints subset.
        pub struct EndpointPort {
            @required port: i32,
            app_protocol: String,
            name: String,
            protocol: String,
        }
    }

    api_struct! {
        pub struct ObjectReference {
            api_version: String,
            field_path: String,
            kind: String,
            name: String,
            namespace: String,
            resource_version: String,
            uid: String,
        }
    }
}

/// `io.k8s.api.apps.v1`
pub mod apps {
    use super::core::PodTemplateSpec;
    use super::meta::LabelSelector;
    use super::*;

    api_kind!(Deployment, "apps/v1", "Deployment" {
        spec: DeploymentSpec,
    });

    api_struct! {
        pub struct DeploymentSpec {
            @required selector: LabelSelector,
            @required template: PodTemplateSpec,
            min_ready_seconds: i32,
            paused: bool,
            replicas: i32,
            revision_history_limit: i32,
        }
    }

    api_kind!(ReplicaSet, "apps/v1", "ReplicaSet" {
        spec: ReplicaSetSpec,
    });

    api_struct! {
        pub struct ReplicaSetSpec {
            @required selector: LabelSelector,
            min_ready_seconds: i32,
            replicas: i32,
            template: PodTemplateSpec,
        }
    }

    api_kind!(StatefulSet, "apps/v1", "StatefulSet" {
        spec: StatefulSetSpec,
    });

    api_struct! {
        pub struct StatefulSetSpec {
            @required selector: LabelSelector,
            @required template: PodTemplateSpec,
            ordinals: StatefulSetOrdinals,
            pod_management_policy: String,
            replicas: i32,
            service_name: String,
        }
    }

    api_struct! {
        pub struct StatefulSetOrdinals {
            start: i32,
        }
    }

    api_kind!(DaemonSet, "apps/v1", "DaemonSet" {
        spec: DaemonSetSpec,
    });

    api_struct! {
        pub struct DaemonSetSpec {
            @required selector: LabelSelector,
            @required template: PodTemplateSpec,
        }
    }
}

/// `io.k8s.api.discovery.v1`
pub mod discovery {
    use super::core::ObjectReference;
    use super::*;

    api_kind!(EndpointSlice, "discovery.k8s.io/v1", "EndpointSlice" {
        @required address_type: String,
        @required endpoints: Vec<Endpoint>,
        ports: Vec<EndpointPort>,
    });

    api_struct! {
        pub struct Endpoint {
            @required addresses: Vec<String>,
            conditions: EndpointConditions,
            hints: EndpointHints,
            hostname: String,
            node_name: String,
            target_ref: ObjectReference,
            zone: String,
        }
    }

    api_struct! {
        pub struct EndpointConditions {
            ready: bool,
            serving: bool,
            terminating: bool,
        }
    }

    api_struct! {
        pub struct EndpointHints {
            for_nodes: Vec<ForNode>,
            for_zones: Vec<ForZone>,
        }
    }

    api_struct! {
        pub struct ForNode {
            @required name: String,
        }
    }

    api_struct! {
        pub struct ForZone {
            @required name: String,
        }
    }

    api_struct! {
        /// A port of an EndpointSlice.
        pub struct EndpointPort {
            app_protocol: String,
            name: String,
            port: i32,
            protocol: String,
        }
    }
}

/// `io.k8s.api.networking.v1`
pub mod networking {
    use super::*;

    api_kind!(Ingress, "networking.k8s.io/v1", "Ingress" {
        spec: IngressSpec,
        status: IngressStatus,
    });

    api_struct! {
        pub struct IngressSpec {
            default_backend: IngressBackend,
            ingress_class_name: String,
            rules: Vec<IngressRule>,
            tls: Vec<IngressTLS>,
        }
    }

    api_struct! {
        pub struct IngressRule {
            host: String,
            http: HTTPIngressRuleValue,
        }
    }

    api_struct! {
        pub struct HTTPIngressRuleValue {
            @required paths: Vec<HTTPIngressPath>,
        }
    }

    api_struct! {
        pub struct HTTPIngressPath {
            @required backend: IngressBackend,
            @required path_type: String,
            path: String,
        }
    }

    api_struct! {
        pub struct IngressBackend {
            resource: TypedLocalObjectReference,
            service: IngressServiceBackend,
        }
    }

    api_struct! {
        pub struct TypedLocalObjectReference {
            @required kind: String,
            @required name: String,
            api_group: String,
        }
    }

    api_struct! {
        pub struct IngressServiceBackend {
            @required name: String,
            port: ServiceBackendPort,
        }
    }

    api_struct! {
        pub struct ServiceBackendPort {
            name: String,
            number: i32,
        }
    }

    api_struct! {
        pub struct IngressTLS {
            hosts: Vec<String>,
            secret_name: String,
        }
    }

    api_struct! {
        pub struct IngressStatus {
            load_balancer: IngressLoadBalancerStatus,
        }
    }

    api_struct! {
        pub struct IngressLoadBalancerStatus {
            ingress: Vec<IngressLoadBalancerIngress>,
        }
    }

    api_struct! {
        pub struct IngressLoadBalancerIngress {
            hostname: String,
            ip: String,
            ports: Vec<IngressPortStatus>,
        }
    }

    api_struct! {
        pub struct IngressPortStatus {
            @required port: i32,
            @required protocol: String,
            error: String,
        }
    }

    api_kind!(IngressClass, "networking.k8s.io/v1", "IngressClass" {
        spec: IngressClassSpec,
    });

    api_struct! {
        pub struct IngressClassSpec {
            controller: String,
        }
    }

    api_kind!(ServiceCIDR, "networking.k8s.io/v1", "ServiceCIDR" {
        spec: ServiceCIDRSpec,
    });

    api_struct! {
        pub struct ServiceCIDRSpec {
            cidrs: Vec<String>,
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
