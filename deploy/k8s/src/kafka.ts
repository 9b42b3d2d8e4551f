/**
 * Kafka 4.4.0 in KRaft mode: three nodes, each broker and controller
 * (combined roles), the image docker-compose.yml runs. Every topic is kept
 * on three brokers and a write is acknowledged by two (acks=all with
 * min.insync.replicas=2): one broker down, the pipeline still accepts and
 * loses nothing; two down, producers are refused rather than risk a loss.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IService } from 'kubernetes-models/v1/Service';
import { CLUSTER_DOMAIN, dataVolumeClaim, define, disruptionBudget, envOf, labelsOf, NAMESPACE, ordinals, podHost, selectorOf, spreadOverNodes } from './k8s-object';

export const KAFKA = {
  name: 'kafka',
  image: 'apache/kafka:4.4.0',
  replicas: 3,
  port: 9092,
  controllerPort: 9093,
  /**
   * The cluster's id, written into every node's volume when it is first
   * formatted (`kafka-storage.sh random-uuid`, once). A node refuses a
   * volume of another id: never change it on an installed cluster.
   */
  clusterId: 'kVI4Dx9IiGqTBGeS_MHYEw',
  /** Copies of every partition, and how many must have a write before it is acknowledged. */
  replicationFactor: 3,
  minInsyncReplicas: 2,
} as const;

/** The bootstrap list every client is given: all three brokers, so any one of them down does not matter at start. */
export const KAFKA_BROKERS = ordinals(KAFKA.replicas).map((i) => `${podHost(KAFKA.name, i)}:${KAFKA.port}`);

/**
 * The broker configuration every node shares, as server.properties names
 * it. node.id and advertised.listeners are the pod's own (set at start).
 */
export const KAFKA_PROPERTIES: Record<string, string | number | boolean> = {
  'process.roles': 'broker,controller',
  'controller.quorum.voters': ordinals(KAFKA.replicas)
    .map((i) => `${i}@${podHost(KAFKA.name, i)}:${KAFKA.controllerPort}`)
    .join(','),
  'controller.listener.names': 'CONTROLLER',
  listeners: `PLAINTEXT://:${KAFKA.port},CONTROLLER://:${KAFKA.controllerPort}`,
  'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
  'inter.broker.listener.name': 'PLAINTEXT',
  // A directory of the volume, not its root (which may hold lost+found).
  'log.dirs': '/var/lib/kafka/data/logs',
  'num.partitions': 6,
  'default.replication.factor': KAFKA.replicationFactor,
  'min.insync.replicas': KAFKA.minInsyncReplicas,
  'offsets.topic.replication.factor': KAFKA.replicationFactor,
  'transaction.state.log.replication.factor': KAFKA.replicationFactor,
  'transaction.state.log.min.isr': KAFKA.minInsyncReplicas,
  'share.coordinator.state.topic.replication.factor': KAFKA.replicationFactor,
  'share.coordinator.state.topic.min.isr': KAFKA.minInsyncReplicas,
  'unclean.leader.election.enable': false,
  // Topics are created by the services with their partitions and replication (ACTIVITY_TOPIC_*).
  'auto.create.topics.enable': false,
  // README: Kafka keeps 7 days; ClickHouse keeps the facts.
  'log.retention.hours': 168,
};

/** The image turns KAFKA_* variables into server.properties: `.` is `_`, upper case (`_` itself would be `__`). */
export function kafkaVariable(property: string): string {
  if (/[_-]/.test(property)) throw new Error(`${property}: write it with the image's escapes for _ and -`);
  return `KAFKA_${property.replace(/\./g, '_').toUpperCase()}`;
}

export class KafkaChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { name } = KAFKA;
    const selector = selectorOf(name, name);

    define<IService>(this, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels: labelsOf(name, name) },
      spec: {
        // Headless: clients and the controllers reach each node by its own
        // name (kafka-0.kafka...), published before it is ready, or the
        // controllers could never elect their first leader.
        clusterIP: 'None',
        publishNotReadyAddresses: true,
        selector,
        ports: [
          { name: 'broker', port: KAFKA.port, targetPort: 'broker' },
          { name: 'controller', port: KAFKA.controllerPort, targetPort: 'controller' },
        ],
      },
    });

    const brokerPort = { tcpSocket: { port: 'broker' } };
    define<IStatefulSet>(this, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, labels: labelsOf(name, name) },
      spec: {
        serviceName: name,
        replicas: KAFKA.replicas,
        // All at once: a controller quorum forms only when two voters run.
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: labelsOf(name, name) },
          spec: {
            automountServiceAccountToken: false,
            // The image's appuser is uid 1000; the volume is made writable for it.
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            topologySpreadConstraints: spreadOverNodes(selector, true),
            // A clean shutdown moves leadership away first; give it time.
            terminationGracePeriodSeconds: 120,
            containers: [
              {
                name,
                image: KAFKA.image,
                // node.id is the pod's ordinal, the name it advertises its own;
                // then the image's start script (it formats the volume on first start).
                args: [
                  'bash',
                  '-c',
                  `export KAFKA_NODE_ID=\${HOSTNAME##*-} KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://\${HOSTNAME}.${name}.${NAMESPACE}.svc.${CLUSTER_DOMAIN}:${KAFKA.port} && exec /etc/kafka/docker/run`,
                ],
                env: envOf({
                  CLUSTER_ID: KAFKA.clusterId,
                  KAFKA_HEAP_OPTS: '-Xms1g -Xmx1g',
                  ...Object.fromEntries(Object.entries(KAFKA_PROPERTIES).map(([property, value]) => [kafkaVariable(property), String(value)])),
                }),
                ports: [
                  { name: 'broker', containerPort: KAFKA.port },
                  { name: 'controller', containerPort: KAFKA.controllerPort },
                ],
                // Recovering a large log after an unclean stop can take minutes: no liveness restart meanwhile.
                startupProbe: { ...brokerPort, periodSeconds: 10, failureThreshold: 60 },
                readinessProbe: { ...brokerPort, periodSeconds: 10, failureThreshold: 3 },
                livenessProbe: { ...brokerPort, periodSeconds: 20, failureThreshold: 6 },
                resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } },
                volumeMounts: [{ name: 'data', mountPath: '/var/lib/kafka/data' }],
              },
            ],
          },
        },
        volumeClaimTemplates: [dataVolumeClaim('50Gi')],
      },
    });

    // One broker at a time: with two of three the quorum and min.insync.replicas hold.
    disruptionBudget(this, { name, component: name, selector }, { maxUnavailable: 1 });
  }
}
