/**
 * What every object of the production install shares: its namespace, its
 * labels, the DNS names of StatefulSet pods, and the typed way to add an
 * object to a cdk8s chart.
 *
 * Objects are written as kubernetes-models' interfaces of their kind
 * (`IStatefulSet`, `IDeployment`, ...), so a misspelt field or a number
 * where the API wants a string fails the type check; the spec then
 * validates every synthesized object against the Kubernetes schemas.
 */
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { IStatefulSetSpec } from 'kubernetes-models/apps/v1/StatefulSetSpec';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IPodDisruptionBudgetSpec } from 'kubernetes-models/policy/v1/PodDisruptionBudgetSpec';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { ITopologySpreadConstraint } from 'kubernetes-models/v1/TopologySpreadConstraint';

export const NAMESPACE = 'sferum';
/** The cluster's DNS domain (kubelet --cluster-domain); `cluster.local` unless the cluster was set up otherwise. */
export const CLUSTER_DOMAIN = 'cluster.local';
export const PART_OF = 'sferum-kpi';

interface TypedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

/** Adds one object to a chart, in the namespace (but a Namespace itself), named as given. */
export function define<T extends TypedObject>(scope: Construct, object: T & { readonly metadata: { readonly name: string } }): T {
  const metadata = object.kind === 'Namespace' ? object.metadata : { ...object.metadata, namespace: NAMESPACE };
  new ApiObject(scope, `${object.kind}-${object.metadata.name}`, { ...object, metadata });
  return object;
}

/** The labels a workload's pods are selected by: its component and its own name. */
export function selectorOf(component: string, instance: string): Record<string, string> {
  return { 'app.kubernetes.io/name': component, 'app.kubernetes.io/instance': instance };
}

export function labelsOf(component: string, instance: string): Record<string, string> {
  return { ...selectorOf(component, instance), 'app.kubernetes.io/part-of': PART_OF };
}

/** The stable DNS name of pod `ordinal` of a StatefulSet whose headless Service has the StatefulSet's name. */
export function podHost(statefulSet: string, ordinal: number): string {
  return `${statefulSet}-${ordinal}.${statefulSet}.${NAMESPACE}.svc.${CLUSTER_DOMAIN}`;
}

/** The DNS name of a Service of the namespace. */
export function serviceHost(service: string): string {
  return `${service}.${NAMESPACE}.svc.${CLUSTER_DOMAIN}`;
}

export function ordinals(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

/** Plain environment variables, in the order given. */
export function envOf(values: Record<string, string | number>): IEnvVar[] {
  return Object.entries(values).map(([name, value]) => ({ name, value: String(value) }));
}

export function secretEnv(name: string, secret: string, key: string): IEnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/**
 * Pods of one workload on different nodes where the cluster has them: a
 * node drained or lost takes one broker, one ZooKeeper node, one replica of
 * a shard. `hard` refuses to place a pod where that spread cannot hold
 * (quorums and replicas); otherwise it is a preference.
 */
export function spreadOverNodes(selector: Record<string, string>, hard: boolean): ITopologySpreadConstraint[] {
  return [
    {
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: hard ? 'DoNotSchedule' : 'ScheduleAnyway',
      labelSelector: { matchLabels: selector },
    },
  ];
}

/** The project's image runs as `node` (uid 1000, deploy/docker/Dockerfile); Kubernetes can only check a numeric user. */
export const NODE_POD_SECURITY: IPodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};

export const LOCKED_DOWN_CONTAINER: IContainer['securityContext'] = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

/** A StatefulSet's volume claim template `data` of `storage` (ReadWriteOnce, the cluster's default storage class). */
export function dataVolumeClaim(storage: string): NonNullable<IStatefulSetSpec['volumeClaimTemplates']>[number] {
  return { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } };
}

/** The PodDisruptionBudget of a workload: `budget` (minAvailable or maxUnavailable) over the pods its selector picks. */
export function disruptionBudget(
  scope: Construct,
  workload: { readonly name: string; readonly component: string; readonly selector: Record<string, string> },
  budget: Omit<IPodDisruptionBudgetSpec, 'selector'>,
): IPodDisruptionBudget {
  return define<IPodDisruptionBudget>(scope, {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: workload.name, labels: labelsOf(workload.component, workload.name) },
    spec: { ...budget, selector: { matchLabels: workload.selector } },
  });
}
