// A compact schema of the Kubernetes fields people write most often, for
// completion. Each kind maps a path of parent keys ("spec.ports") to the
// field names allowed there. A field ending in "{}" holds a mapping, "[]" a
// list of mappings, "[s]" a list of scalars; anything else is a scalar.

const meta = "name namespace labels{} annotations{}";
const selector = "matchLabels{} matchExpressions[]";
const selectorExpr = "key operator values[s]";
const lbStatus = { "": "ingress[]", ingress: "ip hostname ipMode ports[]", "ingress.ports": "port protocol error" };
const probe = {
  "": "httpGet{} tcpSocket{} exec{} grpc{} initialDelaySeconds periodSeconds timeoutSeconds successThreshold failureThreshold",
  httpGet: "path port scheme host httpHeaders[]",
  tcpSocket: "port host",
  exec: "command[s]",
  grpc: "port service",
};
const container = {
  "": "name image command[s] args[s] ports[] env[] envFrom[] resources{} readinessProbe{} livenessProbe{} startupProbe{} imagePullPolicy volumeMounts[] workingDir",
  ports: "name containerPort protocol hostPort hostIP",
  env: "name value valueFrom{}",
  resources: "requests{} limits{}",
  "resources.requests": "cpu memory",
  "resources.limits": "cpu memory",
  volumeMounts: "name mountPath readOnly subPath",
  readinessProbe: probe,
  livenessProbe: probe,
  startupProbe: probe,
};
const podSpec = {
  "": "containers[] initContainers[] nodeName nodeSelector{} hostNetwork restartPolicy serviceAccountName volumes[] affinity{} tolerations[] hostname subdomain dnsPolicy terminationGracePeriodSeconds",
  containers: container,
  initContainers: container,
  tolerations: "key operator value effect tolerationSeconds",
  volumes: "name configMap{} secret{} emptyDir{}",
};
const podStatus = {
  "": "phase podIP podIPs[] hostIP hostIPs[] conditions[] startTime",
  podIPs: "ip",
  hostIPs: "ip",
  conditions: "type status lastTransitionTime reason message",
};
const objectTop = (rest) => "apiVersion kind metadata{} " + rest;

const KINDS = {
  Service: {
    "": objectTop("spec{} status{}"),
    metadata: meta,
    spec: {
      "":
        "type selector{} ports[] clusterIP clusterIPs[s] externalName externalTrafficPolicy internalTrafficPolicy " +
        "sessionAffinity sessionAffinityConfig{} loadBalancerIP loadBalancerClass loadBalancerSourceRanges[s] " +
        "externalIPs[s] ipFamilies[s] ipFamilyPolicy healthCheckNodePort publishNotReadyAddresses " +
        "allocateLoadBalancerNodePorts trafficDistribution",
      ports: "name protocol port targetPort nodePort appProtocol",
    },
    status: { "": "loadBalancer{}", loadBalancer: lbStatus },
  },
  Deployment: {
    "": objectTop("spec{} status{}"),
    metadata: meta,
    spec: {
      "": "replicas selector{} template{} strategy{} minReadySeconds revisionHistoryLimit progressDeadlineSeconds paused",
      selector,
      "selector.matchExpressions": selectorExpr,
      template: { "": "metadata{} spec{}", metadata: meta, spec: podSpec },
      strategy: { "": "type rollingUpdate{}", rollingUpdate: "maxSurge maxUnavailable" },
    },
    status: "replicas readyReplicas availableReplicas updatedReplicas observedGeneration",
  },
  Pod: { "": objectTop("spec{} status{}"), metadata: meta, spec: podSpec, status: podStatus },
  Ingress: {
    "": objectTop("spec{} status{}"),
    metadata: meta,
    spec: {
      "": "ingressClassName rules[] tls[] defaultBackend{}",
      rules: "host http{}",
      "rules.http": "paths[]",
      "rules.http.paths": "path pathType backend{}",
      "rules.http.paths.backend": "service{} resource{}",
      "rules.http.paths.backend.service": "name port{}",
      "rules.http.paths.backend.service.port": "number name",
      defaultBackend: "service{} resource{}",
      "defaultBackend.service": "name port{}",
      "defaultBackend.service.port": "number name",
      tls: "hosts[s] secretName",
    },
    status: { "": "loadBalancer{}", loadBalancer: lbStatus },
  },
  EndpointSlice: {
    "": "apiVersion kind metadata{} addressType endpoints[] ports[]",
    metadata: { "": meta, labels: "kubernetes.io/service-name endpointslice.kubernetes.io/managed-by" },
    endpoints: {
      "": "addresses[s] conditions{} hostname nodeName zone targetRef{}",
      conditions: "ready serving terminating",
      targetRef: "kind name namespace uid",
    },
    ports: "name port protocol appProtocol",
  },
  Node: {
    "": objectTop("spec{} status{}"),
    metadata: meta,
    spec: { "": "podCIDR podCIDRs[s] providerID unschedulable taints[]", taints: "key value effect" },
    status: {
      "": "addresses[] conditions[] capacity{} allocatable{}",
      addresses: "type address",
      conditions: "type status reason message",
      capacity: "cpu memory pods",
      allocatable: "cpu memory pods",
    },
  },
};

/** Flattens nested schema objects into { "spec.ports": [fields] }. */
function flatten(node, prefix, out) {
  if (typeof node === "string") {
    out[prefix] = node.split(" ");
    return out;
  }
  for (const [k, v] of Object.entries(node)) {
    flatten(v, k === "" ? prefix : prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

export const SCHEMA = Object.fromEntries(Object.entries(KINDS).map(([kind, s]) => [kind, flatten(s, "", {})]));

export const API_VERSIONS = {
  Service: "v1",
  Pod: "v1",
  Node: "v1",
  Namespace: "v1",
  Deployment: "apps/v1",
  ReplicaSet: "apps/v1",
  StatefulSet: "apps/v1",
  DaemonSet: "apps/v1",
  Ingress: "networking.k8s.io/v1",
  IngressClass: "networking.k8s.io/v1",
  EndpointSlice: "discovery.k8s.io/v1",
};

/** Values offered after `field: `, keyed by "Kind path.field", then by "field". */
export const VALUES = {
  "Service spec.type": "ClusterIP NodePort LoadBalancer ExternalName",
  "Deployment spec.strategy.type": "RollingUpdate Recreate",
  "Node status.addresses.type": "InternalIP ExternalIP Hostname",
  kind: Object.keys(API_VERSIONS).join(" "),
  apiVersion: "v1 apps/v1 networking.k8s.io/v1 discovery.k8s.io/v1",
  protocol: "TCP UDP SCTP",
  externalTrafficPolicy: "Cluster Local",
  internalTrafficPolicy: "Cluster Local",
  sessionAffinity: "None ClientIP",
  ipFamilyPolicy: "SingleStack PreferDualStack RequireDualStack",
  pathType: "Prefix Exact ImplementationSpecific",
  addressType: "IPv4 IPv6 FQDN",
  restartPolicy: "Always OnFailure Never",
  imagePullPolicy: "IfNotPresent Always Never",
  effect: "NoSchedule PreferNoSchedule NoExecute",
  ready: "true false",
  serving: "true false",
  terminating: "true false",
  phase: "Pending Running Succeeded Failed Unknown",
};
