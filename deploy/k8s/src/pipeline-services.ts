/**
 * The project's own workloads, all from the one image deploy/docker builds
 * (its entrypoint takes ingest, aggregator, kpi or migrate): the migrations
 * as a Job, and the three services as Deployments of two pods, each with a
 * Service, probes on its health routes and the variables its config reads
 * (the spec checks them against services/<name>/src/<name>.config.ts).
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { IService } from 'kubernetes-models/v1/Service';
import { KAFKA, KAFKA_BROKERS } from './kafka';
import { define, disruptionBudget, envOf, labelsOf, LOCKED_DOWN_CONTAINER, NODE_POD_SECURITY, secretEnv, selectorOf, spreadOverNodes } from './k8s-object';
import { SECRETS } from './secrets';

export type PipelineServiceName = 'ingest' | 'aggregator' | 'kpi';

const kafkaEnv: IEnvVar[] = envOf({
  KAFKA_BROKERS: KAFKA_BROKERS.join(','),
  // The services create the activity topics when missing: on all three brokers
  // (min.insync.replicas of the topic is then 2, libs/infra/kafka topics.initializer.ts).
  ACTIVITY_TOPIC_REPLICATION: KAFKA.replicationFactor,
});
const clickhouseEnv: IEnvVar[] = [secretEnv('CLICKHOUSE_URL', SECRETS.clickhouse.name, 'url'), ...envOf({ CLICKHOUSE_DATABASE: 'sferum' })];
const postgresEnv: IEnvVar[] = [secretEnv('DATABASE_URL', SECRETS.postgres.name, 'database-url')];

/** CPU the ingest may use: it runs one process per core of it (INGEST_WORKERS); by default it would count the node's cores. */
const INGEST_CPUS = 2;

interface PipelineService {
  /** Its PORT: the default of its config, which the spec holds it to. */
  readonly port: number;
  /** Besides PORT. */
  readonly replicas: number;
  readonly env: IEnvVar[];
  readonly resources: IResourceRequirements;
  /** Serves requests from outside: keep serving a few seconds after the pod leaves the Service's endpoints. */
  readonly drainsConnections: boolean;
}

export const PIPELINE_SERVICES: Record<PipelineServiceName, PipelineService> = {
  ingest: {
    port: 3001,
    // Both may take every source's full RATE_LIMIT_* (the limits are per pod).
    replicas: 2,
    env: [
      ...envOf({ LOG_LEVEL: 'info' }),
      ...kafkaEnv,
      ...envOf({ INGEST_WORKERS: INGEST_CPUS }),
      ...postgresEnv,
      secretEnv('PSEUDONYM_KEY', SECRETS.ingest.name, 'pseudonym-key'),
    ],
    // Peak RSS 363 MiB as one process (docs/benchmarks.md, run of 2026-11-29, before
    // INGEST_WORKERS); each worker holds its own registry copy and producer: about
    // twice that with two, not measured yet.
    resources: { requests: { cpu: '1', memory: '768Mi' }, limits: { cpu: String(INGEST_CPUS), memory: '1536Mi' } },
    drainsConnections: true,
  },
  aggregator: {
    port: 3002,
    // One consumer group: the two share the topic's partitions, each record is written once.
    replicas: 2,
    env: [...envOf({ LOG_LEVEL: 'info' }), ...kafkaEnv, ...envOf({ AGGREGATOR_GROUP_ID: 'sferum-aggregator' }), ...clickhouseEnv],
    // Heap capped at 192 MiB (deploy/docker/entrypoint.sh); peak RSS 274 MiB draining a backlog.
    resources: { requests: { cpu: '500m', memory: '384Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    drainsConnections: false,
  },
  kpi: {
    port: 3003,
    // Alerts are evaluated by one instance at a time and each webhook post is sent once (PostgreSQL locks).
    replicas: 2,
    env: [...envOf({ LOG_LEVEL: 'info' }), ...clickhouseEnv, ...postgresEnv],
    // Peak RSS 146 MiB; the rest is room for the answers it keeps.
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    drainsConnections: true,
  },
};

/** The migrations, as tools/cli/src/migrate.ts reads its configuration (PostgreSQL and ClickHouse). */
export const MIGRATE_ENV: IEnvVar[] = [...clickhouseEnv, ...postgresEnv];

/** The project's image, pushed as `sferum-kpi:<version of package.json>`. */
export const imageOf = (version: string) => `sferum-kpi:${version}`;

/** One Job per version: a Job's pod template cannot change, and a new image has new migrations. */
export const migrateJobName = (version: string) => `migrate-${version.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;

/** Every pod of the image: its user, a read-only root and a writable /tmp. */
function imagePodSpec(name: string, command: string, env: IEnvVar[], resources: IResourceRequirements, image: string): IPodSpec {
  return {
    automountServiceAccountToken: false,
    securityContext: NODE_POD_SECURITY,
    containers: [
      {
        name,
        image,
        imagePullPolicy: 'IfNotPresent',
        args: [command],
        env,
        resources,
        securityContext: LOCKED_DOWN_CONTAINER,
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      },
    ],
    volumes: [{ name: 'tmp', emptyDir: {} }],
  };
}

export class PipelineServiceChart extends Chart {
  constructor(scope: Construct, id: string, props: { readonly service: PipelineServiceName; readonly image: string }) {
    super(scope, id);
    const name = props.service;
    const service = PIPELINE_SERVICES[name];
    const selector = selectorOf(name, name);
    const health = (path: '/health/ready' | '/health/live'): IProbe['httpGet'] => ({ path, port: 'http' });
    const pod = imagePodSpec(name, name, [...envOf({ PORT: service.port }), ...service.env], service.resources, props.image);

    define<IDeployment>(this, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels: labelsOf(name, name) },
      spec: {
        replicas: service.replicas,
        selector: { matchLabels: selector },
        // A new pod is ready before an old one stops.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: { labels: labelsOf(name, name) },
          spec: {
            ...pod,
            topologySpreadConstraints: spreadOverNodes(selector, false),
            containers: pod.containers.map((container) => ({
              ...container,
              ports: [{ name: 'http', containerPort: service.port }],
              // Started once it answers at all; ready while every dependency
              // answers (README, "Services"); restarted only when it stops answering.
              startupProbe: { httpGet: health('/health/live'), periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 30 },
              readinessProbe: { httpGet: health('/health/ready'), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
              livenessProbe: { httpGet: health('/health/live'), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
              // SIGTERM stops the service cleanly (exit 0); until the endpoints
              // have dropped the pod, requests still arrive and are answered.
              ...(service.drainsConnections ? { lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } } } : {}),
            })),
          },
        },
      },
    });

    define<IService>(this, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels: labelsOf(name, name) },
      spec: { selector, ports: [{ name: 'http', port: service.port, targetPort: 'http' }] },
    });

    disruptionBudget(this, { name, component: name, selector }, { maxUnavailable: 1 });
  }
}

export class MigrateChart extends Chart {
  constructor(scope: Construct, id: string, props: { readonly version: string; readonly image: string }) {
    super(scope, id);
    const name = 'migrate';
    define<IJob>(this, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: migrateJobName(props.version), labels: labelsOf(name, name) },
      spec: {
        // Until PostgreSQL and ClickHouse answer (with the backoff between tries, about half an hour).
        backoffLimit: 10,
        template: {
          metadata: { labels: labelsOf(name, name) },
          spec: {
            ...imagePodSpec(name, name, MIGRATE_ENV, { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } }, props.image),
            restartPolicy: 'OnFailure',
          },
        },
      },
    });
  }
}

