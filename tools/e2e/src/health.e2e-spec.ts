import { expectEventually, freePort, stack } from '@sferum/testing';
import { exitOf, httpStatus, SERVICE_URLS, startService, type ServiceName } from './services';

const DEPENDENCIES: Record<ServiceName, string[]> = {
  ingest: ['kafka', 'postgres', 'registry'],
  aggregator: ['kafka', 'clickhouse', 'consumer'],
  kpi: ['clickhouse', 'postgres'],
};

describe('the three services', () => {
  it.each(Object.keys(SERVICE_URLS) as ServiceName[])('%s is live, ready on exactly its own dependencies, and exports metrics', async (name) => {
    const base = SERVICE_URLS[name];
    expect(await httpStatus(`${base}/health/live`)).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks).sort()).toEqual(DEPENDENCIES[name].sort());
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain(`process_resident_memory_bytes{service="${name}"}`);
    expect(metrics).toContain(`nodejs_eventloop_lag_seconds{service="${name}"}`);
  });
});

describe('readiness follows the dependencies', () => {
  const waitStatus = (name: ServiceName, status: number, timeoutMs: number) =>
    expectEventually(async () => expect(await httpStatus(`${SERVICE_URLS[name]}/health/ready`)).toBe(status), {
      timeoutMs,
      intervalMs: 250,
    });

  it('Kafka down: ingest and aggregator answer 503 within seconds, kpi stays ready; back to 200 after restart', async () => {
    await stack('down', 'kafka');
    try {
      const stoppedAt = Date.now();
      await Promise.all([waitStatus('ingest', 503, 10_000), waitStatus('aggregator', 503, 10_000)]);
      expect(Date.now() - stoppedAt).toBeLessThan(10_000);
      expect(await httpStatus(`${SERVICE_URLS.kpi}/health/ready`)).toBe(200);
    } finally {
      await stack('up', 'kafka');
    }
    await Promise.all([waitStatus('ingest', 200, 60_000), waitStatus('aggregator', 200, 60_000)]);
  });

  it('ClickHouse down: aggregator and kpi answer 503 within seconds, ingest stays ready; back to 200 after restart', async () => {
    await stack('down', 'clickhouse');
    try {
      await Promise.all([waitStatus('aggregator', 503, 10_000), waitStatus('kpi', 503, 10_000)]);
      expect(await httpStatus(`${SERVICE_URLS.ingest}/health/ready`)).toBe(200);
    } finally {
      await stack('up', 'clickhouse');
    }
    await Promise.all([waitStatus('aggregator', 200, 60_000), waitStatus('kpi', 200, 60_000)]);
  });
});

describe('process lifecycle', () => {
  it.each(Object.keys(SERVICE_URLS) as ServiceName[])('%s shuts down cleanly on SIGTERM', async (name) => {
    const port = await freePort();
    const child = startService(name, { PORT: String(port), HOST: '127.0.0.1' });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = exitOf(child, 60_000);
    await expectEventually(async () => expect(await httpStatus(`http://127.0.0.1:${port}/health/ready`)).toBe(200), {
      timeoutMs: 30_000,
    });
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
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
