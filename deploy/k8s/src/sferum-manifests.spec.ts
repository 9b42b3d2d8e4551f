import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { type IStatefulSet, StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { type IJob, Job } from 'kubernetes-models/batch/v1/Job';
import { type IPodDisruptionBudget, PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { type IService, Service } from 'kubernetes-models/v1/Service';
import { CLICKHOUSE_VARS, POSTGRES_VARS } from '@sferum/config';
import { composeService, REPO_ROOT } from '@sferum/testing';
import { SECRETS } from './secrets';
import { KUSTOMIZATION, MANIFESTS_DIR, manifestFiles, workspaceVersion } from './sferum-manifests';

/** The kinds the install consists of, each with the kubernetes-models class that validates it against its schema. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/StatefulSet': StatefulSet,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

const FILES = manifestFiles();
/** Every Kubernetes object of the install: the files but the kustomization, which lists them. */
const OBJECTS: Manifest[] = Object.entries(FILES)
  .filter(([file]) => file !== KUSTOMIZATION)
  .flatMap(([file, text]) =>
  parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
    return doc.toJS() as Manifest;
  }),
);

const statefulSets = OBJECTS.filter((o): o is IStatefulSet & Manifest => StatefulSet.is(o));
const deployments = OBJECTS.filter((o): o is IDeployment & Manifest => Deployment.is(o));
const jobs = OBJECTS.filter((o): o is IJob & Manifest => Job.is(o));
const services = OBJECTS.filter((o): o is IService & Manifest => Service.is(o));
const budgets = OBJECTS.filter((o): o is IPodDisruptionBudget & Manifest => PodDisruptionBudget.is(o));
const configMaps = OBJECTS.filter((o): o is IConfigMap & Manifest => ConfigMap.is(o));
const workloads = [...statefulSets, ...deployments, ...jobs];

const named = <T extends Manifest>(objects: T[], name: string): T => {
  const found = objects.find((o) => o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${objects[0]?.kind ?? 'object'} named ${name}`);
  return found;
};
const podLabels = (w: IStatefulSet | IDeployment | IJob) => w.spec?.template.metadata?.labels ?? {};
const containersOf = (w: IStatefulSet | IDeployment | IJob): IContainer[] => w.spec?.template.spec?.containers ?? [];
const only = <T>(items: T[]): T => {
  expect(items).toHaveLength(1);
  return items[0]!;
};
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
/** The plain value of a variable, or the `secret/key` it is read from. */
function envOf(container: IContainer): Record<string, string> {
  return Object.fromEntries(
    (container.env ?? []).map((e) => {
      const ref = e.valueFrom?.secretKeyRef;
      return [e.name, ref !== undefined ? `secret:${ref.name}/${ref.key}` : (e.value ?? `field:${e.valueFrom?.fieldRef?.fieldPath}`)];
    }),
  );
}
/** The DNS names of a StatefulSet's pods through its headless Service. */
const podHosts = (s: IStatefulSet & Manifest) =>
  Array.from({ length: s.spec?.replicas ?? 0 }, (_, i) => `${s.metadata.name}-${i}.${s.spec?.serviceName}.${s.metadata.namespace}.svc.cluster.local`);

/** What the Secrets hold, for loading the services' configs with the manifests' variables. */
const SECRET_VALUES: Record<string, string> = {
  [`${SECRETS.postgres.name}/database-url`]: 'postgres://sferum:pw@postgres.sferum.svc.cluster.local:5432/sferum',
  [`${SECRETS.clickhouse.name}/url`]: 'http://sferum:pw@clickhouse.sferum.svc.cluster.local:8123',
  [`${SECRETS.ingest.name}/pseudonym-key`]: 'k'.repeat(64),
};

type ServiceName = 'ingest' | 'aggregator' | 'kpi';
const SERVICE_NAMES: ServiceName[] = ['ingest', 'aggregator', 'kpi'];

/**
 * A service's own configuration: its table of variables and its loader.
 * Read at run time from services/<name>/src/<name>.config.ts (no deploy
 * code may import a service, and none does: the chart itself knows nothing
 * of them); project.json names the services as implicit dependencies, so
 * a change of their config reruns this spec.
 */
function serviceConfig(name: ServiceName) {
  const module = jest.requireActual<Record<string, unknown>>(join(REPO_ROOT, 'services', name, 'src', `${name}.config`));
  const vars = module[`${name.toUpperCase()}_VARS`] as Record<string, unknown> | undefined;
  const load = module[`load${name[0]!.toUpperCase()}${name.slice(1)}Config`] as ((env: Record<string, string>) => Record<string, unknown>) | undefined;
  if (vars === undefined || load === undefined) throw new Error(`services/${name}/src/${name}.config.ts no longer exports its variables and loader`);
  return { vars, load };
}

/** A container's variables as the process would see them, the Secrets' keys replaced by working values. */
function processEnv(container: IContainer): Record<string, string> {
  return Object.fromEntries(
    Object.entries(envOf(container)).map(([name, value]) => {
      if (!value.startsWith('secret:')) return [name, value];
      const secret = SECRET_VALUES[value.slice('secret:'.length)];
      if (secret === undefined) throw new Error(`no test value for ${value}`);
      return [name, secret];
    }),
  );
}

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('the YAML in deploy/k8s/manifests is what the code generates (run npm run k8s:synth)', () => {
    expect(readdirSync(MANIFESTS_DIR).filter((f) => f.endsWith('.yaml')).sort()).toEqual(Object.keys(FILES).sort());
    for (const [file, text] of Object.entries(FILES)) {
      expect({ file, upToDate: readFileSync(join(MANIFESTS_DIR, file), 'utf8') === text }).toEqual({ file, upToDate: true });
    }
  });

  it('the kustomization lists every other file, namespace first', () => {
    const kustomization = parseAllDocuments(FILES[KUSTOMIZATION] ?? '').map((d) => d.toJS() as { kind: string; resources: string[] });
    expect(only(kustomization).kind).toBe('Kustomization');
    expect(only(kustomization).resources).toEqual(Object.keys(FILES).filter((f) => f !== KUSTOMIZATION));
    expect(only(kustomization).resources[0]).toBe('00-namespace.yaml');
  });

  it('every object is valid against the Kubernetes schema of its kind, and no kind goes unvalidated', () => {
    const results = OBJECTS.map((o) => {
      const Model = MODELS[`${o.apiVersion}/${o.kind}`];
      if (Model === undefined) return `${o.apiVersion}/${o.kind} ${o.metadata.name}: no schema validates this kind here`;
      try {
        new Model(o as never).validate();
        return 'valid';
      } catch (error) {
        return `${o.kind} ${o.metadata.name}: ${(error as Error).message}`;
      }
    });
    expect(results.filter((r) => r !== 'valid')).toEqual([]);
    expect(new Set(OBJECTS.map((o) => o.kind))).toEqual(new Set(['Namespace', 'ConfigMap', 'Service', 'StatefulSet', 'Deployment', 'Job', 'PodDisruptionBudget']));
  });

  it('the validation is real: a broken object fails it', () => {
    const kafka = named(statefulSets, 'kafka');
    expect(() => new StatefulSet({ ...kafka, spec: { ...kafka.spec!, replicas: 'three' as unknown as number } }).validate()).toThrow(/replicas must be integer/);
    const ingest = named(deployments, 'ingest');
    const broken = { ...ingest.spec!.template.spec!, containers: [{ ...containersOf(ingest)[0]!, resources: { limits: { memory: '1 GB' } } }] };
    expect(() => new Deployment({ ...ingest, spec: { ...ingest.spec!, template: { ...ingest.spec!.template, spec: broken } } }).validate()).toThrow(/quantity/);
  });

  it('everything is in the namespace sferum, each name once per kind', () => {
    expect(only(OBJECTS.filter((o) => o.kind === 'Namespace')).metadata).toEqual(expect.objectContaining({ name: 'sferum' }));
    expect(OBJECTS.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== 'sferum').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    const ids = OBJECTS.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  describe('Kafka', () => {
    const kafka = named(statefulSets, 'kafka');
    const container = only(containersOf(kafka));
    /** server.properties as the image writes it from KAFKA_* (`_` is `.`, `__` would be `_`). */
    const properties = Object.fromEntries(
      Object.entries(envOf(container))
        .filter(([name]) => name.startsWith('KAFKA_') && name !== 'KAFKA_HEAP_OPTS')
        .map(([name, value]) => [name.slice('KAFKA_'.length).toLowerCase().replace(/_/g, '.'), value]),
    );

    it('three broker-controllers in KRaft mode, the image of docker-compose.yml, on their own volumes', () => {
      expect(kafka.spec?.replicas).toBe(3);
      expect(container.image).toBe(composeService('kafka').image);
      expect(container.image).toBe('apache/kafka:4.4.0');
      expect(properties['process.roles']).toBe('broker,controller');
      expect(properties).not.toHaveProperty('zookeeper.connect');
      expect(envOf(container)['CLUSTER_ID']).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const voters = (properties['controller.quorum.voters'] ?? '').split(',');
      expect(voters).toEqual(podHosts(kafka).map((host, i) => `${i}@${host}:9093`));
      expect(kafka.spec?.volumeClaimTemplates?.map((t) => t.metadata?.name)).toEqual(['data']);
      expect(container.volumeMounts).toEqual([expect.objectContaining({ name: 'data' })]);
      expect(properties['log.dirs']?.startsWith(`${container.volumeMounts?.[0]?.mountPath}/`)).toBe(true);
    });

    it('every partition on three brokers, a write acknowledged by two, internal topics too', () => {
      expect(properties['default.replication.factor']).toBe('3');
      expect(properties['min.insync.replicas']).toBe('2');
      expect(properties['offsets.topic.replication.factor']).toBe('3');
      expect(properties['transaction.state.log.replication.factor']).toBe('3');
      expect(properties['transaction.state.log.min.isr']).toBe('2');
      expect(properties['share.coordinator.state.topic.replication.factor']).toBe('3');
      expect(properties['unclean.leader.election.enable']).toBe('false');
      expect(properties['auto.create.topics.enable']).toBe('false');
    });

    it('each broker advertises its own stable name, behind a headless Service that publishes it before it is ready', () => {
      const script = container.args?.join(' ') ?? '';
      expect(script).toContain('KAFKA_NODE_ID=${HOSTNAME##*-}');
      expect(script).toContain('KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://${HOSTNAME}.kafka.sferum.svc.cluster.local:9092');
      const headless = named(services, kafka.spec!.serviceName!);
      expect(headless.spec).toEqual(expect.objectContaining({ clusterIP: 'None', publishNotReadyAddresses: true }));
    });
  });

  describe('ZooKeeper', () => {
    const zookeeper = named(statefulSets, 'zookeeper');
    const container = only(containersOf(zookeeper));
    const env = envOf(container);

    it('three nodes of ZooKeeper 3.9 that know each other, their data and transaction logs on the volume', () => {
      expect(zookeeper.spec?.replicas).toBe(3);
      expect(container.image).toMatch(/^zookeeper:3\.9(\.\d+)?$/);
      expect(env['ZOO_SERVERS']?.split(' ')).toEqual(podHosts(zookeeper).map((host, i) => `server.${i + 1}=${host}:2888:3888;2181`));
      const volume = container.volumeMounts?.[0]?.mountPath ?? '';
      expect(env['ZOO_DATA_DIR']).toBe(volume);
      expect(env['ZOO_DATA_LOG_DIR']?.startsWith(`${volume}/`)).toBe(true);
      expect(named(services, zookeeper.spec!.serviceName!).spec).toEqual(expect.objectContaining({ clusterIP: 'None', publishNotReadyAddresses: true }));
    });
  });

  describe('ClickHouse', () => {
    const shards = statefulSets.filter((s) => podLabels(s)['app.kubernetes.io/name'] === 'clickhouse');
    const config = named(configMaps, 'clickhouse-config').data ?? {};
    const xml = (file: string) => config[file] ?? '';
    const hostsIn = (text: string) => [...text.matchAll(/<host>([^<]+)<\/host>/g)].map((m) => m[1]);

    it('two shards of two replicas, the image of docker-compose.yml', () => {
      expect(shards.map((s) => [s.metadata.name, s.spec?.replicas])).toEqual([
        ['clickhouse-shard0', 2],
        ['clickhouse-shard1', 2],
      ]);
      for (const s of shards) expect(only(containersOf(s)).image).toBe(composeService('clickhouse').image);
    });

    it('remote_servers: the cluster sferum, each shard the two pods of one StatefulSet', () => {
      const cluster = /<remote_servers>\s*<sferum>([\s\S]*)<\/sferum>\s*<\/remote_servers>/.exec(xml('remote-servers.xml'))?.[1] ?? '';
      const shardBlocks = [...cluster.matchAll(/<shard>([\s\S]*?)<\/shard>/g)].map((m) => m[1] ?? '');
      expect(shardBlocks.map((block) => hostsIn(block))).toEqual(shards.map((s) => podHosts(s)));
      for (const block of shardBlocks) expect(block).toContain('<internal_replication>true</internal_replication>');
    });

    it('zookeeper: the three ZooKeeper pods; distributed_ddl: its queue', () => {
      expect(hostsIn(xml('zookeeper.xml'))).toEqual(podHosts(named(statefulSets, 'zookeeper')));
      expect(xml('distributed-ddl.xml')).toMatch(/<distributed_ddl>\s*<path>\/clickhouse\/task_queue\/ddl<\/path>\s*<\/distributed_ddl>/);
    });

    it("macros per pod: the shard its StatefulSet's, the replica its pod name; every from_env variable set on every pod", () => {
      expect(xml('macros.xml')).toMatch(/<shard from_env="CLICKHOUSE_SHARD"\/>/);
      expect(xml('macros.xml')).toMatch(/<replica from_env="CLICKHOUSE_REPLICA"\/>/);
      const fromEnv = Object.values(config).flatMap((text) => [...text.matchAll(/from_env="([A-Z_]+)"/g)].map((m) => m[1]!));
      const shardMacros = shards.map((s) => {
        const env = envOf(only(containersOf(s)));
        expect(fromEnv.filter((name) => env[name] === undefined)).toEqual([]);
        expect(env['CLICKHOUSE_REPLICA']).toBe('field:metadata.name');
        expect(env['CLICKHOUSE_INTERSERVER_HOST']).toBe(`$(CLICKHOUSE_REPLICA).${s.spec?.serviceName}.sferum.svc.cluster.local`);
        return env['CLICKHOUSE_SHARD'];
      });
      expect(new Set(shardMacros).size).toBe(shards.length);
    });

    it('every file of the ConfigMap is mounted into config.d of every pod, which rolls when it changes', () => {
      for (const s of shards) {
        const mounts = only(containersOf(s)).volumeMounts ?? [];
        expect(Object.keys(config).map((file) => mounts.some((m) => m.mountPath === `/etc/clickhouse-server/config.d/${file}` && m.subPath === file))).toEqual(
          Object.keys(config).map(() => true),
        );
        expect(s.spec?.template.metadata?.annotations?.['sferum.io/config-hash']).toMatch(/^[0-9a-f]{16}$/);
      }
    });

    it('the clickhouse Service selects one pod while the migrations create no replicated table, and every pod once they do', () => {
      const dir = join(REPO_ROOT, 'libs', 'infra', 'clickhouse', 'migrations');
      const sql = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
      const clusterAware = /ON\s+CLUSTER|ENGINE\s*=\s*Replicated|ENGINE\s*=\s*Distributed/i.test(sql);
      const selector = named(services, 'clickhouse').spec?.selector ?? {};
      const selected = shards.flatMap((s) => Array.from({ length: s.spec?.replicas ?? 0 }, (_, i) => `${s.metadata.name}-${i}`)).filter((pod) =>
        matches(selector, { ...podLabels(shards.find((s) => pod.startsWith(`${s.metadata.name}-`))!), 'statefulset.kubernetes.io/pod-name': pod }),
      );
      expect(selected).toEqual(clusterAware ? ['clickhouse-shard0-0', 'clickhouse-shard0-1', 'clickhouse-shard1-0', 'clickhouse-shard1-1'] : ['clickhouse-shard0-0']);
    });
  });

  describe('disruption budgets', () => {
    const budgetOf = (w: IStatefulSet | IDeployment) => only(budgets.filter((b) => matches(b.spec?.selector?.matchLabels, podLabels(w))));

    it('one for every StatefulSet and Deployment, selecting its pods and no others', () => {
      for (const w of [...statefulSets, ...deployments]) budgetOf(w);
      for (const b of budgets) only(workloads.filter((w) => matches(b.spec?.selector?.matchLabels, podLabels(w))));
    });

    it('Kafka one broker at a time, ZooKeeper two of three up, ClickHouse one replica of each shard at most', () => {
      expect(budgetOf(named(statefulSets, 'kafka')).spec?.maxUnavailable).toBe(1);
      expect(budgetOf(named(statefulSets, 'zookeeper')).spec?.minAvailable).toBe(2);
      for (const name of ['clickhouse-shard0', 'clickhouse-shard1']) {
        const shard = named(statefulSets, name);
        expect(budgetOf(shard).spec?.maxUnavailable).toBe(1);
        expect(shard.spec?.replicas).toBe(2);
      }
    });
  });

  describe('the services', () => {
    const image = `sferum-kpi:${workspaceVersion()}`;

    it.each(SERVICE_NAMES)('%s: two pods of the image deploy/docker builds, probes on /health/ready and /health/live at the port its config reads', (name) => {
      const deployment = named(deployments, name);
      const container = only(containersOf(deployment));
      const { load } = serviceConfig(name);
      const port = load(processEnv(container))['PORT'];
      const defaultPort = load({ ...processEnv(container), PORT: '' })['PORT'];
      expect(deployment.spec?.replicas).toBe(2);
      expect(container.image).toBe(image);
      expect(container.args).toEqual(composeService(name).command);
      expect(port).toBe(defaultPort);
      expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(named(services, name).spec?.ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);
    });

    it.each(SERVICE_NAMES)("%s: only variables its config reads, every one docker-compose.yml sets, values the config accepts", (name) => {
      const container = only(containersOf(named(deployments, name)));
      const { vars, load } = serviceConfig(name);
      const names = Object.keys(envOf(container));
      expect(names.filter((n) => !(n in vars))).toEqual([]);
      expect(Object.keys(composeService(name).environment ?? {}).filter((n) => !names.includes(n))).toEqual([]);
      expect(() => load(processEnv(container))).not.toThrow();
    });

    it('the migrations: a Job of the same image, with only the variables the migrate tool reads', () => {
      const job = only(jobs);
      const container = only(containersOf(job));
      expect(container.image).toBe(image);
      expect(container.args).toEqual(composeService('migrate').command);
      const migrateVars = { ...POSTGRES_VARS, ...CLICKHOUSE_VARS };
      expect(Object.keys(envOf(container)).filter((n) => !(n in migrateVars))).toEqual([]);
      expect(Object.keys(composeService('migrate').environment ?? {}).filter((n) => !(n in envOf(container)))).toEqual([]);
    });

    it('the ingest and the aggregator know all three brokers and create topics kept on all three', () => {
      const kafka = named(statefulSets, 'kafka');
      for (const name of ['ingest', 'aggregator'] as const) {
        const config = serviceConfig(name).load(processEnv(only(containersOf(named(deployments, name)))));
        expect(config['KAFKA_BROKERS']).toEqual(podHosts(kafka).map((host) => `${host}:9092`));
        expect(config['ACTIVITY_TOPIC_REPLICATION']).toBe(kafka.spec?.replicas);
      }
    });

    it('the aggregators are one consumer group; the ingest runs as many workers as the cores it may use', () => {
      expect(envOf(only(containersOf(named(deployments, 'aggregator'))))['AGGREGATOR_GROUP_ID']).toBe('sferum-aggregator');
      const ingest = only(containersOf(named(deployments, 'ingest')));
      expect(envOf(ingest)['INGEST_WORKERS']).toBe(String(ingest.resources?.limits?.['cpu']));
    });
  });

  describe('every workload', () => {
    it('has probes, and requests and limits of CPU and memory, on every container', () => {
      for (const w of workloads) {
        for (const c of containersOf(w)) {
          const id = `${w.metadata.name}/${c.name}`;
          expect({ id, cpu: c.resources?.requests?.['cpu'] !== undefined && c.resources.limits?.['cpu'] !== undefined }).toEqual({ id, cpu: true });
          expect({ id, memory: c.resources?.requests?.['memory'] !== undefined && c.resources.limits?.['memory'] !== undefined }).toEqual({ id, memory: true });
          if (w.kind !== 'Job') expect({ id, probes: c.readinessProbe !== undefined && c.livenessProbe !== undefined }).toEqual({ id, probes: true });
        }
      }
    });

    it('passes what the API server checks beyond the schemas: selectors, named ports, volumes, unique variables, DNS names', () => {
      const problems: string[] = [];
      for (const o of OBJECTS) if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(o.metadata.name)) problems.push(`${o.kind}/${o.metadata.name}: not a DNS label`);
      for (const w of workloads) {
        const id = `${w.kind}/${w.metadata.name}`;
        if (w.kind !== 'Job' && !matches(w.spec?.selector?.matchLabels, podLabels(w))) problems.push(`${id}: selector does not match its pod labels`);
        const volumes = new Set([
          ...(w.spec?.template.spec?.volumes ?? []).map((v) => v.name),
          ...(StatefulSet.is(w) ? (w.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name) : []),
        ]);
        for (const c of containersOf(w)) {
          const ports = new Set((c.ports ?? []).map((p) => p.name));
          for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) {
            const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
            if (typeof port === 'string' && !ports.has(port)) problems.push(`${id}/${c.name}: a probe names port ${port}, which it does not declare`);
          }
          for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) problems.push(`${id}/${c.name}: mounts ${m.name}, which is not a volume`);
          const names = (c.env ?? []).map((e) => e.name);
          for (const name of names.filter((n, i) => names.indexOf(n) !== i)) problems.push(`${id}/${c.name}: ${name} set twice`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('reads every Secret key that secrets.ts lists, and no other', () => {
      const referenced = new Set(workloads.flatMap((w) => containersOf(w).flatMap((c) => Object.values(envOf(c)).filter((v) => v.startsWith('secret:')))));
      const listed = new Set(Object.values(SECRETS).flatMap((s) => Object.keys(s.keys).map((key) => `secret:${s.name}/${key}`)));
      expect([...referenced].sort()).toEqual([...listed].sort());
    });

    it('the URLs secrets.ts tells the operator to store name Services of the install, at their ports', () => {
      const urls = Object.values(SECRETS).flatMap((s) => Object.values<string>(s.keys).flatMap((about) => [...about.matchAll(/\w+:\/\/[^@\s]+@([^:/\s]+):(\d+)/g)]));
      expect(urls.length).toBeGreaterThanOrEqual(2);
      for (const [, host, port] of urls) {
        const [service, namespace] = (host ?? '').split('.');
        expect({ host, port: named(services, service ?? '').spec?.ports?.some((p) => String(p.port) === port), namespace }).toEqual({ host, port: true, namespace: 'sferum' });
      }
    });

    it('every Service selects the pods of one component, at ports they name', () => {
      const withPodNames = (w: IStatefulSet | IDeployment) =>
        Array.from({ length: w.spec?.replicas ?? 1 }, (_, i) => ({ ...podLabels(w), 'statefulset.kubernetes.io/pod-name': `${w.metadata?.name}-${i}` }));
      for (const s of services) {
        const targets = [...statefulSets, ...deployments].filter((w) => withPodNames(w).some((labels) => matches(s.spec?.selector, labels)));
        expect({ service: s.metadata.name, components: [...new Set(targets.map((w) => podLabels(w)['app.kubernetes.io/name']))].length }).toEqual({
          service: s.metadata.name,
          components: 1,
        });
        for (const target of targets) {
          const portNames = containersOf(target).flatMap((c) => (c.ports ?? []).map((p) => p.name));
          expect({ service: s.metadata.name, missing: (s.spec?.ports ?? []).map((p) => String(p.targetPort)).filter((t) => !portNames.includes(t)) }).toEqual({
            service: s.metadata.name,
            missing: [],
          });
        }
      }
    });
  });
});
