import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLICKHOUSE_MIGRATIONS_DIR, ClickHouse, runClickHouseMigrations } from '@sferum/infra-clickhouse';
import { KafkaClient } from '@sferum/infra-kafka';
import { createDataSource, createKey, createSource } from '@sferum/infra-postgres';
import { createTestDatabase, freePortBelowEphemeralRange, REPO_ROOT, stackEnv, TEST_NOW, uniqueName } from '@sferum/testing';
import { exitOf, httpStatus, SERVICE_NAMES, startService, type ServiceName } from './services';

/**
 * The services as processes on a PostgreSQL database, a ClickHouse
 * database and a topic of their own, with the clock fixed at TEST_NOW:
 * answers are exact on any machine, whatever the developer's own stack
 * holds, and no suite depends on services someone else started (or on
 * their build). Every end-to-end suite drives the processes it starts here.
 */
export interface IsolatedPipeline<S extends ServiceName = ServiceName> {
  readonly urls: Record<S, string>;
  /**
   * The environment each service runs with, PORT aside: another process
   * started with it (startService) uses the same databases, topic and servers.
   */
  readonly env: Record<S, Readonly<Record<string, string>>>;
  readonly adminKey: string;
  /** A reader key: what every read of the KPI service needs (READ_KEYS_REQUIRED is true by default). */
  readonly readerKey: string;
  /** The pipeline's source (`<name>-bus`): what the events are stored under, and the `source` of the unknown organizations. */
  readonly sourceName: string;
  readonly sourceKey: string;
  /** Runs the simulator CLI against these services, with the services' clock (TEST_NOW); resolves with its exit code and output. */
  simulate(args: readonly string[]): Promise<{ code: number | null; output: string }>;
  /**
   * Stops a service (SIGTERM, waiting for it to exit) and starts a new
   * process of it on the same port with the same environment, its output
   * appended to the same log; resolves once the new process is ready. What
   * the old process kept in memory (the ingest's registry) is gone.
   */
  restart(service: S): Promise<void>;
  /** Stops the processes, then deletes the topics and both databases; every step runs, the failures are thrown together. */
  stop(): Promise<void>;
}

/** The header of a request with `key` (what every read of the KPI service needs). */
export function bearer(key: string): { Authorization: string } {
  return { Authorization: `Bearer ${key}` };
}

export interface IsolatedPipelineOptions<S extends ServiceName> {
  /** Names the topic, the databases, the consumer group, the source and the logs (.stack/logs/test-<name>-<service>.log): a-z, 0-9 and _. */
  readonly name: string;
  /** The home region of the pipeline's source (its SOURCE_KEY). */
  readonly homeRegion: string;
  /** The regions the source may send for: default [homeRegion]; null, every region. */
  readonly allowedRegions?: readonly string[] | null;
  /** The services to start, default all three; `urls` and `env` have these only. */
  readonly services?: readonly S[];
  /** Extra environment of the KPI service. */
  readonly kpiEnv?: Record<string, string>;
  /** Kafka and ClickHouse to use instead of the shared stack's (stackEnv): servers of the suite's own (startPrivateServer). */
  readonly kafkaBrokers?: readonly string[];
  readonly clickhouseUrl?: string;
}

export async function startIsolatedPipeline<S extends ServiceName = ServiceName>(options: IsolatedPipelineOptions<S>): Promise<IsolatedPipeline<S>> {
  if (!/^[a-z0-9_]+$/.test(options.name)) throw new Error(`pipeline name ${JSON.stringify(options.name)}: a-z, 0-9 and _ only (it names a ClickHouse database)`);
  const names: readonly S[] = options.services ?? (SERVICE_NAMES as readonly ServiceName[] as readonly S[]);
  const kafkaBrokers = options.kafkaBrokers ?? stackEnv().kafkaBrokers;
  const clickhouseUrl = options.clickhouseUrl ?? stackEnv().clickhouseUrl;
  const topic = uniqueName(`test.${options.name}.activity`);
  const chDatabase = uniqueName(`test_${options.name}`);
  const processes = new Map<ServiceName, ChildProcess>();
  // What stop() undoes, in reverse order of creation; filled as each thing is made, so a failed start undoes what it made.
  const undo: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const step of undo.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, `stopping the ${options.name} pipeline: ${errors.length} step(s) failed`);
  };

  try {
    const pg = await createTestDatabase();
    undo.push(() => pg.drop());
    const ds = createDataSource({ url: pg.url });
    await ds.initialize();
    let adminKey: string;
    let readerKey: string;
    let sourceKey: string;
    const sourceName = `${options.name}-bus`;
    try {
      await ds.runMigrations();
      adminKey = await createKey(ds, 'admin');
      readerKey = await createKey(ds, 'reader');
      sourceKey = await createSource(ds, { name: sourceName, homeRegion: options.homeRegion, allowedRegions: options.allowedRegions === undefined ? [options.homeRegion] : options.allowedRegions });
    } finally {
      await ds.destroy();
    }
    undo.push(async () => {
      const ch = new ClickHouse({ url: clickhouseUrl, database: chDatabase });
      try {
        await ch.command(`DROP DATABASE IF EXISTS ${chDatabase}`);
      } finally {
        await ch.close();
      }
    });
    await runClickHouseMigrations({ url: clickhouseUrl, database: chDatabase }, CLICKHOUSE_MIGRATIONS_DIR);
    undo.push(async () => {
      const kafka = new KafkaClient({ brokers: kafkaBrokers, clientId: `${options.name}-spec` });
      try {
        const admin = await kafka.connectedAdmin();
        const existing = new Set(await admin.listTopics());
        const topics = [topic, `${topic}.dlq`].filter((t) => existing.has(t)); // not every subset of services creates both
        if (topics.length > 0) await admin.deleteTopics({ topics });
      } finally {
        await kafka.close();
      }
    });

    const common = {
      DATABASE_URL: pg.url,
      KAFKA_BROKERS: kafkaBrokers.join(','),
      CLICKHOUSE_URL: clickhouseUrl,
      CLICKHOUSE_DATABASE: chDatabase,
      ACTIVITY_TOPIC: topic,
      ACTIVITY_TOPIC_PARTITIONS: '3',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      CLOCK_START: TEST_NOW,
    };
    const own: Record<ServiceName, Record<string, string>> = {
      ingest: { PSEUDONYM_KEY: `${options.name}-pseudonym-key`.padEnd(48, 'k'), REGISTRY_REFRESH_MS: '300' },
      aggregator: { AGGREGATOR_GROUP_ID: uniqueName(options.name), ACTIVITY_DLQ_TOPIC: `${topic}.dlq`, FLUSH_MAX_DELAY_MS: '200' },
      kpi: { MONITOR_INTERVAL_SECONDS: '0', ...options.kpiEnv },
    };
    const env = {} as Record<S, Record<string, string>>;
    const urls = {} as Record<S, string>;
    // Ports below the ephemeral range: one there can be taken, between the pick and the listen or while
    // a restarted service is down, by any outgoing connection (or a retrying client's self-connect).
    const ports = new Set<number>();
    for (const name of names) {
      env[name] = { ...common, ...own[name] };
      let port = await freePortBelowEphemeralRange();
      while (ports.has(port)) port = await freePortBelowEphemeralRange();
      ports.add(port);
      urls[name] = `http://127.0.0.1:${port}`;
    }

    undo.push(async () => {
      const children = [...processes.values()];
      for (const child of children) child.kill('SIGTERM');
      await Promise.all(
        children.map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          await exitOf(child, 20_000).catch(() => child.kill('SIGKILL'));
        }),
      );
    });
    // Each service's output goes to .stack/logs/test-<suite>-<service>.log (a pipe nobody reads would block it once full).
    const logDir = join(REPO_ROOT, '.stack', 'logs');
    mkdirSync(logDir, { recursive: true });
    const logOf = (name: ServiceName) => join(logDir, `test-${options.name}-${name}.log`);
    const launch = (name: S, append: boolean): ChildProcess => {
      const child = startService(name, { ...env[name], PORT: new URL(urls[name]).port });
      const log = createWriteStream(logOf(name), { flags: append ? 'a' : 'w' });
      if (append) log.write(`\n--- restarted by the test ---\n`);
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
      processes.set(name, child);
      return child;
    };
    const ready = async (name: S, child: ChildProcess): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while ((await httpStatus(`${urls[name]}/health/ready`)) !== 200) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready, see ${logOf(name)}`);
        if (Date.now() > deadline) throw new Error(`${name} (${urls[name]}) did not become ready within 60 s, see ${logOf(name)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const children = names.map((name) => [name, launch(name, false)] as const);
    for (const [name, child] of children) await ready(name, child);

    const restart = async (name: S): Promise<void> => {
      const old = processes.get(name);
      if (old === undefined) throw new Error(`${name} is not a service of the ${options.name} pipeline`);
      if (old.exitCode === null && old.signalCode === null) {
        const exited = exitOf(old, 20_000);
        old.kill('SIGTERM');
        await exited;
      }
      await ready(name, launch(name, true));
    };

    const serviceUrls: Partial<Record<ServiceName, string>> = urls;
    return {
      urls,
      env,
      adminKey,
      readerKey,
      sourceName,
      sourceKey,
      restart,
      simulate: (args) =>
        new Promise((resolve) => {
          const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/tools/simulator/src/main.js'), '--now', TEST_NOW, ...args], {
            env: {
              ...process.env,
              ADMIN_KEY: adminKey,
              READER_KEY: readerKey,
              SOURCE_KEY: sourceKey,
              ...(serviceUrls.ingest === undefined ? {} : { INGEST_URL: serviceUrls.ingest }),
              ...(serviceUrls.kpi === undefined ? {} : { KPI_URL: serviceUrls.kpi }),
            },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let output = '';
          child.stdout.on('data', (d: Buffer) => (output += d.toString()));
          child.stderr.on('data', (d: Buffer) => (output += d.toString()));
          child.on('exit', (code) => resolve({ code, output }));
        }),
      stop,
    };
  } catch (error) {
    await stop().catch((cleanup: unknown) => {
      throw new AggregateError([error, cleanup], `the ${options.name} pipeline did not start, nor clean up afterwards`);
    });
    throw error;
  }
}
