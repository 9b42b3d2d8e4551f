/**
 * ClickHouse, the image docker-compose.yml runs: a cluster `sferum` of two
 * shards of two replicas, coordinated by the ZooKeeper ensemble.
 *
 * Two StatefulSets of two pods (clickhouse-shard0, clickhouse-shard1), not
 * one of four: a StatefulSet is then one shard, so the shard macro is a
 * constant of its pod template and the replica macro the pod's name (no
 * script computing a shard from an ordinal), each shard has its own
 * PodDisruptionBudget (one replica of it down at most, while the other
 * shard may lose one too), and a shard can be resized or rolled alone.
 *
 * The services do not use the cluster yet: the migrations create plain
 * MergeTree tables on the server they run against (no Replicated engines,
 * no ON CLUSTER, no Distributed tables), so CLICKHOUSE_URL names the
 * `clickhouse` Service, which selects one pod (clickhouse-shard0-0). A
 * Service over all four pods would spread rows over four unrelated tables
 * and answer each query from one of them. Once the migrations are
 * cluster-aware, the Service must select every pod (drop
 * CLICKHOUSE_SERVICE_POD from its selector): the spec fails while the two
 * disagree.
 */
import { createHash } from 'node:crypto';
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import { CLUSTER_DOMAIN, dataVolumeClaim, define, disruptionBudget, envOf, labelsOf, NAMESPACE, ordinals, podHost, secretEnv, selectorOf, spreadOverNodes } from './k8s-object';
import { SECRETS } from './secrets';
import { ZOOKEEPER_NODES } from './zookeeper';

export const CLICKHOUSE = {
  name: 'clickhouse',
  /** Same as docker-compose.yml (current LTS; every statement also runs on 18.16). */
  image: 'clickhouse/clickhouse-server:26.8',
  cluster: 'sferum',
  shards: 2,
  replicasPerShard: 2,
  httpPort: 8123,
  nativePort: 9000,
  interserverPort: 9009,
  user: 'sferum',
  /** The ZooKeeper path of the ON CLUSTER statements' queue. */
  ddlPath: '/clickhouse/task_queue/ddl',
  configMap: 'clickhouse-config',
} as const;

export const clickhouseShardName = (shard: number) => `${CLICKHOUSE.name}-shard${shard}`;

/** Every shard, with the DNS names of its replicas. */
export const CLICKHOUSE_SHARDS = ordinals(CLICKHOUSE.shards).map((shard) => ({
  shard,
  statefulSet: clickhouseShardName(shard),
  replicas: ordinals(CLICKHOUSE.replicasPerShard).map((i) => podHost(clickhouseShardName(shard), i)),
}));

/** The one pod the `clickhouse` Service sends the services to, until the migrations create replicated tables (above). */
export const CLICKHOUSE_SERVICE_POD = `${clickhouseShardName(0)}-0`;

/** The variables the configuration reads with from_env, set on every ClickHouse container. */
const FROM_ENV = {
  shard: 'CLICKHOUSE_SHARD',
  replica: 'CLICKHOUSE_REPLICA',
  interserverHost: 'CLICKHOUSE_INTERSERVER_HOST',
  interserverPassword: 'CLICKHOUSE_INTERSERVER_PASSWORD',
  clusterSecret: 'CLICKHOUSE_CLUSTER_SECRET',
} as const;

const text = (value: string | number) =>
  String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const document = (body: string[]) => ['<clickhouse>', ...body.map((line) => `  ${line}`), '</clickhouse>', ''].join('\n');

/** Files of config.d, each one concern. */
export function clickhouseConfigFiles(): Record<string, string> {
  return {
    'remote-servers.xml': document([
      '<remote_servers>',
      `  <${CLICKHOUSE.cluster}>`,
      // Servers of the cluster trust each other's distributed queries by this secret, as the user who sent them.
      `    <secret from_env="${FROM_ENV.clusterSecret}"/>`,
      ...CLICKHOUSE_SHARDS.flatMap((s) => [
        '    <shard>',
        // A write goes to one replica of the shard; the replicated table copies it to the other.
        '      <internal_replication>true</internal_replication>',
        ...s.replicas.flatMap((host) => ['      <replica>', `        <host>${text(host)}</host>`, `        <port>${CLICKHOUSE.nativePort}</port>`, '      </replica>']),
        '    </shard>',
      ]),
      `  </${CLICKHOUSE.cluster}>`,
      '</remote_servers>',
    ]),
    'zookeeper.xml': document([
      '<zookeeper>',
      ...ZOOKEEPER_NODES.flatMap((node) => ['  <node>', `    <host>${text(node.host)}</host>`, `    <port>${node.port}</port>`, '  </node>']),
      '  <session_timeout_ms>30000</session_timeout_ms>',
      '</zookeeper>',
    ]),
    // Each pod's own: its shard from its StatefulSet, its replica name from its pod name.
    'macros.xml': document([
      '<macros>',
      `  <cluster>${CLICKHOUSE.cluster}</cluster>`,
      `  <shard from_env="${FROM_ENV.shard}"/>`,
      `  <replica from_env="${FROM_ENV.replica}"/>`,
      '</macros>',
    ]),
    // The name other replicas fetch this one's parts from, and the credentials they need.
    'interserver.xml': document([
      `<interserver_http_host from_env="${FROM_ENV.interserverHost}"/>`,
      '<interserver_http_credentials>',
      '  <user>interserver</user>',
      `  <password from_env="${FROM_ENV.interserverPassword}"/>`,
      '</interserver_http_credentials>',
    ]),
    'distributed-ddl.xml': document(['<distributed_ddl>', `  <path>${CLICKHOUSE.ddlPath}</path>`, '</distributed_ddl>']),
  };
}

function pingProbe(periodSeconds: number, failureThreshold: number): IProbe {
  return { httpGet: { path: '/ping', port: 'http' }, periodSeconds, timeoutSeconds: 5, failureThreshold };
}

export class ClickHouseChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const files = clickhouseConfigFiles();
    // A change of the configuration rolls the pods (each file is mounted with
    // subPath, which a running pod does not see change).
    const configHash = createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 16);
    const ports = [
      { name: 'http', port: CLICKHOUSE.httpPort },
      { name: 'native', port: CLICKHOUSE.nativePort },
      { name: 'interserver', port: CLICKHOUSE.interserverPort },
    ];

    define<IConfigMap>(this, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: CLICKHOUSE.configMap, labels: labelsOf(CLICKHOUSE.name, CLICKHOUSE.name) },
      data: files,
    });

    for (const { shard, statefulSet } of CLICKHOUSE_SHARDS) {
      const selector = selectorOf(CLICKHOUSE.name, statefulSet);
      define<IService>(this, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: statefulSet, labels: labelsOf(CLICKHOUSE.name, statefulSet) },
        // Headless: each replica by its own name, for remote_servers and for fetching parts.
        spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector, ports: ports.map((p) => ({ ...p, targetPort: p.name })) },
      });

      define<IStatefulSet>(this, {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: statefulSet, labels: labelsOf(CLICKHOUSE.name, statefulSet) },
        spec: {
          serviceName: statefulSet,
          replicas: CLICKHOUSE.replicasPerShard,
          podManagementPolicy: 'Parallel',
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: labelsOf(CLICKHOUSE.name, statefulSet), annotations: { 'sferum.io/config-hash': configHash } },
            spec: {
              automountServiceAccountToken: false,
              topologySpreadConstraints: spreadOverNodes(selector, true),
              // The image's entrypoint starts as root, prepares the data directory and
              // runs the server as its user clickhouse. Open files: the container
              // runtime's limit (docker-compose.yml raises Docker's to 262144).
              containers: [
                {
                  name: CLICKHOUSE.name,
                  image: CLICKHOUSE.image,
                  env: [
                    ...envOf({ [FROM_ENV.shard]: shard }),
                    { name: FROM_ENV.replica, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                    // $(...) is Kubernetes' own expansion of the variable above.
                    ...envOf({ [FROM_ENV.interserverHost]: `$(${FROM_ENV.replica}).${statefulSet}.${NAMESPACE}.svc.${CLUSTER_DOMAIN}` }),
                    secretEnv(FROM_ENV.interserverPassword, SECRETS.clickhouse.name, 'interserver-password'),
                    secretEnv(FROM_ENV.clusterSecret, SECRETS.clickhouse.name, 'cluster-secret'),
                    // The image's entrypoint replaces the user default with this one.
                    ...envOf({ CLICKHOUSE_USER: CLICKHOUSE.user, CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT: 0 }),
                    secretEnv('CLICKHOUSE_PASSWORD', SECRETS.clickhouse.name, 'password'),
                  ],
                  ports: ports.map((p) => ({ name: p.name, containerPort: p.port })),
                  // Loading many parts after a restart can take minutes.
                  startupProbe: pingProbe(10, 60),
                  readinessProbe: pingProbe(10, 3),
                  livenessProbe: pingProbe(20, 6),
                  // Memory: request = limit; ClickHouse sizes its own limit from the cgroup's (90%).
                  resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '4', memory: '4Gi' } },
                  volumeMounts: [
                    { name: 'data', mountPath: '/var/lib/clickhouse' },
                    ...Object.keys(files).map((file) => ({ name: 'config', mountPath: `/etc/clickhouse-server/config.d/${file}`, subPath: file, readOnly: true })),
                  ],
                },
              ],
              // Into config.d beside the image's own files (docker_related_config.xml: listen on every address).
              volumes: [{ name: 'config', configMap: { name: CLICKHOUSE.configMap } }],
            },
          },
          volumeClaimTemplates: [dataVolumeClaim('100Gi')],
        },
      });

      // At most one replica of this shard down: the other still holds all its rows.
      disruptionBudget(this, { name: statefulSet, component: CLICKHOUSE.name, selector }, { maxUnavailable: 1 });
    }

    define<IService>(this, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: CLICKHOUSE.name, labels: labelsOf(CLICKHOUSE.name, CLICKHOUSE.name) },
      spec: {
        selector: { 'app.kubernetes.io/name': CLICKHOUSE.name, 'statefulset.kubernetes.io/pod-name': CLICKHOUSE_SERVICE_POD },
        ports: [
          { name: 'http', port: CLICKHOUSE.httpPort, targetPort: 'http' },
          { name: 'native', port: CLICKHOUSE.nativePort, targetPort: 'native' },
        ],
      },
    });
  }
}
