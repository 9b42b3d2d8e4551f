import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLICKHOUSE_MIGRATIONS_DIR, ClickHouse, runClickHouseMigrations } from '@sferum/infra-clickhouse';
import { KafkaClient } from '@sferum/infra-kafka';
import { createDataSource, createKey, createSource } from '@sferum/infra-postgres';
import { createTestDatabase, freePort, REPO_ROOT, stackEnv, TEST_NOW, uniqueName } from '@sferum/testing';
import { exitOf, httpStatus, startService, type ServiceName } from './services';

/**
 * The three services as processes on a PostgreSQL database, a ClickHouse
 * database and a topic of their own: answers are exact on any machine,
 * whatever the developer's own stack holds. For suites that push simulated
 * regions through the whole pipeline.
 */
export interface IsolatedPipeline {
  readonly urls: Record<ServiceName, string>;
  readonly adminKey: string;
  readonly sourceKey: string;
  /** Runs the simulator CLI against these services, with the services' clock (TEST_NOW); resolves with its exit code and output. */
  simulate(args: readonly string[]): Promise<{ code: number | null; output: string }>;
  stop(): Promise<void>;
}

export async function startIsolatedPipeline(options: { readonly name: string; readonly homeRegion: string; readonly kpiEnv?: Record<string, string> }): Promise<IsolatedPipeline> {
  const topic = uniqueName(`test.${options.name}.activity`);
  const chDatabase = uniqueName(`test_${options.name}`);
  const pg = await createTestDatabase();
  const ds = createDataSource({ url: pg.url });
  await ds.initialize();
  await ds.runMigrations();
  await runClickHouseMigrations({ url: stackEnv().clickhouseUrl, database: chDatabase }, CLICKHOUSE_MIGRATIONS_DIR);
  const adminKey = await createKey(ds, 'admin');
  const sourceKey = await createSource(ds, { name: `${options.name}-bus`, homeRegion: options.homeRegion, allowedRegions: [options.homeRegion] });
  await ds.destroy();

  const ports = { ingest: await freePort(), aggregator: await freePort(), kpi: await freePort() };
  const common = { DATABASE_URL: pg.url, CLICKHOUSE_DATABASE: chDatabase, ACTIVITY_TOPIC: topic, ACTIVITY_TOPIC_PARTITIONS: '3', HOST: '127.0.0.1', LOG_LEVEL: 'warn', CLOCK_START: TEST_NOW };
  const own: Record<ServiceName, Record<string, string>> = {
    ingest: { PSEUDONYM_KEY: `${options.name}-pseudonym-key`.padEnd(48, 'k'), REGISTRY_REFRESH_MS: '300' },
    aggregator: { AGGREGATOR_GROUP_ID: uniqueName(options.name), ACTIVITY_DLQ_TOPIC: `${topic}.dlq`, FLUSH_MAX_DELAY_MS: '200' },
    kpi: { MONITOR_INTERVAL_SECONDS: '0', ...options.kpiEnv },
  };
  const urls = { ingest: `http://127.0.0.1:${ports.ingest}`, aggregator: `http://127.0.0.1:${ports.aggregator}`, kpi: `http://127.0.0.1:${ports.kpi}` };
  // Each service's output goes to .stack/logs/test-<suite>-<service>.log (a pipe nobody reads would block it once full).
  const logDir = join(REPO_ROOT, '.stack', 'logs');
  mkdirSync(logDir, { recursive: true });
  const processes: ChildProcess[] = (['ingest', 'aggregator', 'kpi'] as const).map((name) => {
    const child = startService(name, { ...common, ...own[name], PORT: String(ports[name]) });
    const log = createWriteStream(join(logDir, `test-${options.name}-${name}.log`));
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    return child;
  });
  for (const url of Object.values(urls)) {
    const deadline = Date.now() + 60_000;
    while ((await httpStatus(`${url}/health/ready`)) !== 200) {
      if (Date.now() > deadline) throw new Error(`${url} did not become ready within 60 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  return {
    urls,
    adminKey,
    sourceKey,
    simulate: (args) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/tools/simulator/src/main.js'), '--now', TEST_NOW, ...args], {
          env: { ...process.env, ADMIN_KEY: adminKey, SOURCE_KEY: sourceKey, INGEST_URL: urls.ingest, KPI_URL: urls.kpi },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (d: Buffer) => (output += d.toString()));
        child.stderr.on('data', (d: Buffer) => (output += d.toString()));
        child.on('exit', (code) => resolve({ code, output }));
      }),
    stop: async () => {
      for (const child of processes) child.kill('SIGTERM');
      await Promise.all(
        processes.map(async (child) => {
          if (child.exitCode !== null) return;
          await exitOf(child, 20_000).catch(() => child.kill('SIGKILL'));
        }),
      );
      const kafka = new KafkaClient({ brokers: stackEnv().kafkaBrokers, clientId: `${options.name}-spec` });
      await (await kafka.connectedAdmin()).deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
      await kafka.close();
      const ch = new ClickHouse({ url: stackEnv().clickhouseUrl, database: chDatabase });
      await ch.command(`DROP DATABASE IF EXISTS ${chDatabase}`);
      await ch.close();
      await pg.drop();
    },
  };
}
