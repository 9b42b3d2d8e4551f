/**
 * ZooKeeper 3.9, three nodes: the coordination ClickHouse's replicated
 * tables and ON CLUSTER statements need (Kafka runs KRaft and does not use
 * it). Three nodes keep a quorum with one down, hence minAvailable 2.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import { dataVolumeClaim, define, disruptionBudget, envOf, labelsOf, ordinals, podHost, selectorOf, spreadOverNodes } from './k8s-object';

export const ZOOKEEPER = {
  name: 'zookeeper',
  /** The official image's 3.9 line; its patch releases come with the tag, as clickhouse-server:26.8 in docker-compose.yml. */
  image: 'zookeeper:3.9',
  replicas: 3,
  clientPort: 2181,
  peerPort: 2888,
  electionPort: 3888,
} as const;

/** `host:port` of every node, as ClickHouse's <zookeeper> section lists them. */
export const ZOOKEEPER_NODES = ordinals(ZOOKEEPER.replicas).map((i) => ({ host: podHost(ZOOKEEPER.name, i), port: ZOOKEEPER.clientPort }));

/** A four-letter command to the local server; the image has nc and these commands are allowed below. */
function fourLetterProbe(command: 'ruok' | 'srvr', expect: string, periodSeconds: number, failureThreshold: number): IProbe {
  return {
    exec: { command: ['bash', '-c', `echo ${command} | nc -w 2 127.0.0.1 ${ZOOKEEPER.clientPort} | grep -q '${expect}'`] },
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold,
  };
}

export class ZooKeeperChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { name } = ZOOKEEPER;
    const selector = selectorOf(name, name);
    const ports = [
      { name: 'client', port: ZOOKEEPER.clientPort },
      { name: 'peer', port: ZOOKEEPER.peerPort },
      { name: 'election', port: ZOOKEEPER.electionPort },
    ];

    define<IService>(this, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels: labelsOf(name, name) },
      spec: {
        // Headless: every node has its own DNS name, published before it is
        // ready, or no node could find the others to form the first quorum.
        clusterIP: 'None',
        publishNotReadyAddresses: true,
        selector,
        ports: ports.map((p) => ({ ...p, targetPort: p.name })),
      },
    });

    define<IStatefulSet>(this, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, labels: labelsOf(name, name) },
      spec: {
        serviceName: name,
        replicas: ZOOKEEPER.replicas,
        // All at once: with OrderedReady the first node, alone, is never ready.
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: labelsOf(name, name) },
          spec: {
            automountServiceAccountToken: false,
            // The image's user zookeeper is uid/gid 1000; the volume is made writable for it.
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            topologySpreadConstraints: spreadOverNodes(selector, true),
            containers: [
              {
                name,
                image: ZOOKEEPER.image,
                // myid is the pod's ordinal + 1 (zookeeper-0 is server.1); the
                // image's entrypoint writes it and zoo.cfg from the variables below.
                command: ['bash', '-c', 'declare -ix ZOO_MY_ID=${HOSTNAME##*-}+1 && exec /docker-entrypoint.sh zkServer.sh start-foreground'],
                env: envOf({
                  ZOO_SERVERS: ordinals(ZOOKEEPER.replicas)
                    .map((i) => `server.${i + 1}=${podHost(name, i)}:${ZOOKEEPER.peerPort}:${ZOOKEEPER.electionPort};${ZOOKEEPER.clientPort}`)
                    .join(' '),
                  ZOO_STANDALONE_ENABLED: 'false',
                  // The quorum ports on every address, not only the one the pod's own name had when it started.
                  ZOO_CFG_EXTRA: 'quorumListenOnAllIPs=true',
                  ZOO_4LW_COMMANDS_WHITELIST: 'ruok,srvr,mntr',
                  ZOO_ADMINSERVER_ENABLED: 'false',
                  // Snapshots and transaction logs on the volume (the image's default
                  // /datalog is outside it), the old ones purged daily, not never.
                  ZOO_DATA_DIR: '/data',
                  ZOO_DATA_LOG_DIR: '/data/datalog',
                  ZOO_AUTOPURGE_PURGEINTERVAL: 24,
                  ZOO_AUTOPURGE_SNAPRETAINCOUNT: 3,
                  // Heap in MB (zkEnv.sh); the memory limit leaves room for the JVM's own.
                  ZK_SERVER_HEAP: 512,
                }),
                ports: ports.map((p) => ({ name: p.name, containerPort: p.port })),
                // Ready when it serves (srvr names its mode: leader or follower), alive while it answers at all.
                readinessProbe: fourLetterProbe('srvr', '^Mode: ', 10, 3),
                livenessProbe: fourLetterProbe('ruok', 'imok', 15, 4),
                resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
              },
            ],
          },
        },
        volumeClaimTemplates: [dataVolumeClaim('10Gi')],
      },
    });

    disruptionBudget(this, { name, component: name, selector }, { minAvailable: 2 });
  }
}
