import { expectEventually, freePort, type PrivateServer, startPrivateServer, uniqueName } from '@sferum/testing';
import { bearer, type IsolatedPipeline, startIsolatedPipeline } from './isolated-pipeline';
import { exitOf, httpStatus, SERVICE_NAMES, startService, type ServiceName } from './services';

/**
 * Health and lifecycle of the three services. The readiness tests stop
 * Kafka and ClickHouse and start them again, so the services here run on a
 * broker and a ClickHouse server of this suite's own (deploy/local/stack.sh
 * private-up), never on the shared servers other suites use; PostgreSQL is
 * the shared server, with a database of this suite's own.
 */
const DEPENDENCIES: Record<ServiceName, string[]> = {
  ingest: ['kafka', 'postgres', 'registry'],
  aggregator: ['kafka', 'clickhouse', 'consumer'],
  kpi: ['clickhouse', 'postgres', 'registry'],
};

let kafka: PrivateServer;
let clickhouse: PrivateServer;
let pipeline: IsolatedPipeline;

beforeAll(async () => {
  kafka = await startPrivateServer('kafka', 'e2e-health-kafka');
  clickhouse = await startPrivateServer('clickhouse', 'e2e-health-clickhouse');
  pipeline = await startIsolatedPipeline({ name: 'health', homeRegion: '54', kafkaBrokers: [kafka.address], clickhouseUrl: clickhouse.address });
}, 300_000);

afterAll(async () => {
  try {
    await pipeline?.stop();
  } finally {
    await Promise.all([kafka?.remove(), clickhouse?.remove()]);
  }
}, 180_000);

describe('the three services', () => {
  it.each(SERVICE_NAMES)('%s is live, ready on exactly its own dependencies, and exports metrics', async (name) => {
    const base = pipeline.urls[name];
    expect(await httpStatus(`${base}/health/live`)).toBe(200);
    // The status to anyone; which check is up, and its error, only to an admin key (the aggregator holds no keys: never).
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const detailed = (await (await fetch(`${base}/health/ready`, { headers: bearer(pipeline.adminKey) })).json()) as { status: string; checks?: Record<string, { status: string }> };
    expect(detailed.status).toBe('ready');
    expect(Object.keys(detailed.checks ?? {}).sort()).toEqual(name === 'aggregator' ? [] : DEPENDENCIES[name].sort());
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain(`process_resident_memory_bytes{service="${name}"}`);
    expect(metrics).toContain(`nodejs_eventloop_lag_seconds{service="${name}"}`);
    // Each check, up or down, without its error: what tells the aggregator's.
    const checks = [...metrics.matchAll(/^readiness_check_up\{check="([^"]+)"[^}]*\} 1$/gm)].map((m) => m[1]);
    expect(checks.sort()).toEqual(DEPENDENCIES[name].sort());
  });
});

describe('readiness follows the dependencies', () => {
  // How long to wait, not a claim about speed (no duration is asserted); each readiness check gives up after 2 s.
  const DOWN_TIMEOUT_MS = 30_000;
  const BACK_TIMEOUT_MS = 90_000;
  const waitStatus = (name: ServiceName, status: number, timeoutMs: number) =>
    expectEventually(async () => expect(await httpStatus(`${pipeline.urls[name]}/health/ready`)).toBe(status), {
      timeoutMs,
      intervalMs: 250,
    });

  it('Kafka down: ingest and aggregator answer 503, kpi stays ready; 200 again once Kafka is back', async () => {
    await kafka.stop();
    try {
      await Promise.all([waitStatus('ingest', 503, DOWN_TIMEOUT_MS), waitStatus('aggregator', 503, DOWN_TIMEOUT_MS)]);
      expect(await httpStatus(`${pipeline.urls.kpi}/health/ready`)).toBe(200);
    } finally {
      await kafka.start();
    }
    await Promise.all([waitStatus('ingest', 200, BACK_TIMEOUT_MS), waitStatus('aggregator', 200, BACK_TIMEOUT_MS)]);
  }, 240_000);

  it('ClickHouse down: aggregator and kpi answer 503, ingest stays ready; 200 again once ClickHouse is back', async () => {
    await clickhouse.stop();
    try {
      await Promise.all([waitStatus('aggregator', 503, DOWN_TIMEOUT_MS), waitStatus('kpi', 503, DOWN_TIMEOUT_MS)]);
      expect(await httpStatus(`${pipeline.urls.ingest}/health/ready`)).toBe(200);
    } finally {
      await clickhouse.start();
    }
    await Promise.all([waitStatus('aggregator', 200, BACK_TIMEOUT_MS), waitStatus('kpi', 200, BACK_TIMEOUT_MS)]);
  }, 240_000);
});

describe('process lifecycle', () => {
  it.each(SERVICE_NAMES)('%s shuts down cleanly on SIGTERM', async (name) => {
    const port = await freePort();
    // A second process of the service on this suite's servers, databases and topic, logging at the default level;
    // the aggregator in a consumer group of its own, so the pipeline's aggregator keeps its partitions.
    const child = startService(name, {
      ...pipeline.env[name],
      LOG_LEVEL: 'info',
      ...(name === 'aggregator' ? { AGGREGATOR_GROUP_ID: uniqueName('health-sigterm') } : {}),
      PORT: String(port),
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = exitOf(child, 60_000);
    try {
      await expectEventually(async () => expect(await httpStatus(`http://127.0.0.1:${port}/health/ready`)).toBe(200), {
        timeoutMs: 30_000,
      });
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); // not left running by a failure
    }
    expect(stdout).toContain('SIGTERM: stopping');
    expect(stdout).toContain('"message":"stopped"');
    expect(await httpStatus(`http://127.0.0.1:${port}/health/live`)).toBe(0);
  });

  it('a bad configuration stops the service at start with every bad variable listed', async () => {
    const child = startService('ingest', { PORT: '99999', KAFKA_BROKERS: 'nohost', PSEUDONYM_KEY: 'short' });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const { code } = await exitOf(child, 30_000);
    expect(code).toBe(78);
    expect(stderr).toContain('ingest: invalid configuration (3 problems)');
    expect(stderr).toMatch(/PORT must be an integer from 1 to 65535/);
    expect(stderr).toMatch(/KAFKA_BROKERS must be a comma-separated list of host:port/);
    expect(stderr).toMatch(/PSEUDONYM_KEY must be a secret of at least 32 characters/);
    expect(stderr).not.toContain('short');
  });
});
