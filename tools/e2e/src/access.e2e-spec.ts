import { type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { ORGANIZATION_CSV_COLUMNS } from '@sferum/domain';
import { createDataSource, createKey } from '@sferum/infra-postgres';
import { expectEventually, freePortBelowEphemeralRange } from '@sferum/testing';
import { bearer, type IsolatedPipeline, startIsolatedPipeline } from './isolated-pipeline';
import { exitOf, httpStatus, startService } from './services';

/**
 * Who may read what on the KPI service as it starts by default (no
 * variable set but the databases): every route its OpenAPI document lists
 * is tried, so a new route cannot be left open by forgetting it here. Then
 * the key check before the body of a 60 MiB import, the rate limit per key,
 * a key on /metrics, and the reads opened on purpose.
 */
const REGION = '54';
const ORG = 'access-school-1';
/** A value for each parameter a route requires, by name: a route with a parameter not listed here fails the suite until one is given. */
const SAMPLES: Record<string, string> = {
  region: REGION,
  code: REGION,
  week: '2026-W47',
  from: '2026-W46',
  to: '2026-W47',
  kpi: 'active_schools',
  id: ORG,
  file: 'uPlot.min.css',
};
/** The only routes anyone may call without a key: what load balancers and Prometheus ask. */
const OPEN_ROUTES = ['GET /health/live', 'GET /health/ready', 'GET /metrics'];

interface Operation {
  readonly key: string;
  readonly method: string;
  readonly url: string;
  readonly roles: readonly string[];
  readonly bodyType: string | undefined;
}

let pipeline: IsolatedPipeline<'kpi'>;
let operations: Operation[];
const extra: ChildProcess[] = [];

/** A new key in the pipeline's database: each may make only KPI_RATE_BURST requests at once. */
async function newKey(role: 'admin' | 'reader'): Promise<string> {
  const ds = createDataSource({ url: pipeline.env.kpi['DATABASE_URL']! });
  await ds.initialize();
  try {
    return await createKey(ds, role);
  } finally {
    await ds.destroy();
  }
}

/** Another KPI process on the pipeline's databases, with more variables; resolves once it is ready, with its URL and its output so far. */
async function startKpi(env: Record<string, string>): Promise<{ url: string; output: () => string }> {
  const port = await freePortBelowEphemeralRange();
  const child = startService('kpi', { ...pipeline.env.kpi, ...env, LOG_LEVEL: 'info', PORT: String(port) });
  extra.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await expectEventually(async () => expect(await httpStatus(`${url}/health/ready`)).toBe(200), { timeoutMs: 60_000, intervalMs: 250 });
  return { url, output: () => output };
}

beforeAll(async () => {
  pipeline = await startIsolatedPipeline({ name: 'access', homeRegion: REGION, services: ['kpi'] });
  const csv = [ORGANIZATION_CSV_COLUMNS.join(','), `${ORG},Школа 1,general,access-mun,Тестовый район,${REGION},10`].join('\n') + '\n';
  const imported = await fetch(`${pipeline.urls.kpi}/v1/registry/organizations/import`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv', ...bearer(pipeline.adminKey) },
    body: csv,
  });
  expect(imported.status).toBe(200);
  const document = (await (await fetch(`${pipeline.urls.kpi}/docs/json`)).json()) as {
    paths: Record<string, Record<string, { security: Record<string, string[]>[]; parameters?: { name: string; in: string; required?: boolean }[]; requestBody?: { content: Record<string, unknown> } }>>;
  };
  operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => {
      const key = `${method.toUpperCase()} ${path}`;
      const query = new URLSearchParams();
      let url = path;
      for (const p of (operation.parameters ?? []).filter((p) => p.in === 'path' || p.required === true)) {
        const value = SAMPLES[p.name];
        if (value === undefined) throw new Error(`${key}: no sample value for its parameter "${p.name}"; add one to SAMPLES`);
        if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(value));
        else query.set(p.name, value);
      }
      return {
        key,
        method: method.toUpperCase(),
        url: `${url}${query.size > 0 ? `?${query.toString()}` : ''}`,
        roles: [...new Set(operation.security.flatMap((s) => Object.values(s).flat()))],
        bodyType: Object.keys(operation.requestBody?.content ?? {})[0],
      };
    }),
  );
}, 120_000);

afterAll(async () => {
  for (const child of extra) child.kill('SIGTERM');
  await Promise.all(extra.filter((child) => child.exitCode === null && child.signalCode === null).map((child) => exitOf(child, 20_000).catch(() => child.kill('SIGKILL'))));
  await pipeline?.stop();
}, 60_000);

const send = (base: string, operation: Operation, headers: Record<string, string> = {}) =>
  fetch(`${base}${operation.url}`, {
    method: operation.method,
    headers: { ...(operation.bodyType === undefined ? {} : { 'Content-Type': operation.bodyType }), ...headers },
    ...(operation.bodyType === undefined ? {} : { body: operation.bodyType === 'text/csv' ? `${ORGANIZATION_CSV_COLUMNS.join(',')}\n` : '{}' }),
  });

describe('the KPI service as it starts by default', () => {
  it('asks a key of every route but health and metrics', () => {
    expect(operations.filter((o) => o.roles.length === 0).map((o) => o.key).sort()).toEqual([...OPEN_ROUTES].sort());
    // The reads the issue names are among them.
    expect(operations.filter((o) => o.roles.includes('reader')).map((o) => o.key)).toEqual(
      expect.arrayContaining([
        'GET /v1/kpi',
        'GET /v1/kpi/history',
        'GET /v1/kpi/export.csv',
        'GET /v1/kpi/export.xlsx',
        'GET /report',
        'GET /v1/alerts',
        'GET /v1/registry/organizations/export',
        'GET /v1/registry/regions/{code}/settings',
        'GET /v1/registry/thresholds',
        'GET /v1/registry/unknown-organizations',
      ]),
    );
  });

  it('answers 401 without a key on every route that asks one: a problem document with a challenge', async () => {
    const answers = [];
    for (const operation of operations.filter((o) => o.roles.length > 0)) {
      const response = await send(pipeline.urls.kpi, operation);
      const body = (await response.json()) as { status?: number };
      answers.push({ route: operation.key, status: response.status, type: response.headers.get('content-type'), challenge: response.headers.get('www-authenticate'), problem: body.status });
    }
    expect(answers).toEqual(
      answers.map(({ route }) => ({
        route,
        status: 401,
        type: 'application/problem+json; charset=utf-8',
        // The pages a browser opens, and the weekly workbook their links download, ask for Basic credentials.
        challenge: route.startsWith('GET /report') || route === 'GET /v1/report.xlsx' ? 'Basic realm="Sferum report", charset="UTF-8"' : 'Bearer',
        problem: 401,
      })),
    );
  });

  it('answers 200 to a reader key on every read, and 403 on every write', async () => {
    const reader = pipeline.readerKey;
    const reads = operations.filter((o) => o.roles.includes('reader'));
    // The first KPI answers wait for the registry to be mirrored into ClickHouse.
    await expectEventually(async () => expect((await send(pipeline.urls.kpi, reads.find((o) => o.key === 'GET /v1/kpi')!, bearer(reader))).status).toBe(200), { timeoutMs: 60_000 });
    const answers = [];
    for (const operation of operations.filter((o) => o.roles.length > 0)) {
      const response = await send(pipeline.urls.kpi, operation, bearer(reader));
      await response.arrayBuffer();
      answers.push({ route: operation.key, status: response.status });
    }
    expect(answers).toEqual(answers.map(({ route }) => ({ route, status: reads.some((o) => o.key === route) ? 200 : 403 })));
  });

  it('answers an unauthenticated 60 MiB registry import 401 from its headers, before a byte of the body is sent, and closes the connection', async () => {
    const { hostname, port } = new URL(pipeline.urls.kpi);
    const answer = await new Promise<{ text: string; closed: boolean }>((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => {
        resolve({ text, closed: true });
        socket.destroy();
      });
      socket.on('error', reject);
      // The head of the request only: the answer can come from nothing but the headers.
      socket.write(['POST /v1/registry/organizations/import HTTP/1.1', `Host: ${hostname}`, 'Content-Type: text/csv', `Content-Length: ${60 * 1024 * 1024}`, '', ''].join('\r\n'));
    });
    expect(answer.text).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer.text).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer.text).toMatch(/\r\ncontent-type: application\/problem\+json/i);
    expect(answer.closed).toBe(true);
  });

  it('refuses a large body on every route but the import (413 before it is read)', async () => {
    const put = await fetch(`${pipeline.urls.kpi}/v1/registry/regions/${REGION}/settings`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', ...bearer(pipeline.adminKey) },
      body: JSON.stringify({ callMode: 'initiated', padding: 'x'.repeat(100 * 1024) }),
    });
    expect(put.status).toBe(413);
    expect(put.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('the KPI service with its limits and keys set', () => {
  it('limits each key: a burst of 2, then 429 with Retry-After, another key unaffected; /metrics asks a reader key', async () => {
    const { url } = await startKpi({ KPI_RATE_PER_KEY: '1', KPI_RATE_BURST: '2', METRICS_KEY_REQUIRED: 'true' });
    const key = await newKey('reader');
    const regions = () => fetch(`${url}/v1/registry/regions`, { headers: bearer(key) });
    expect((await regions()).status).toBe(200);
    expect((await regions()).status).toBe(200);
    const limited = await regions();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect((await fetch(`${url}/v1/registry/regions`, { headers: bearer(await newKey('reader')) })).status).toBe(200);

    const metrics = await fetch(`${url}/metrics`);
    expect({ status: metrics.status, challenge: metrics.headers.get('www-authenticate') }).toEqual({ status: 401, challenge: 'Bearer' });
    const scraped = await fetch(`${url}/metrics`, { headers: bearer(await newKey('reader')) });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('process_resident_memory_bytes{service="kpi"}');
  }, 120_000);

  it('with READ_KEYS_REQUIRED=false reads answer without a key, limited per address, and the start says so', async () => {
    const { url, output } = await startKpi({ READ_KEYS_REQUIRED: 'false', KPI_RATE_PER_KEY: '1', KPI_RATE_BURST: '2' });
    expect(output()).toContain('READ_KEYS_REQUIRED=false: every read endpoint');
    expect(output()).toMatch(/"level":"warn"[^\n]*READ_KEYS_REQUIRED=false/);
    expect((await fetch(`${url}/v1/registry/regions`)).status).toBe(200);
    expect((await fetch(`${url}/v1/registry/thresholds`)).status).toBe(200);
    expect((await fetch(`${url}/v1/registry/regions`)).status).toBe(429);
    // Writes still need an admin key.
    const put = await fetch(`${url}/v1/registry/thresholds/active_orgs`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(put.status).toBe(401);
  }, 120_000);
});
