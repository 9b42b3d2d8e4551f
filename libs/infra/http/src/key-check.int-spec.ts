import 'reflect-metadata';
import { connect } from 'node:net';
import { Body, Controller, Get, HttpCode, Module, Post, Put, Req, UseGuards, type DynamicModule } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { HealthModule, MetricsModule } from '@sferum/infra-observability';
import { createDataSource, createKey, createSource, findKeyHolder, PostgresModule } from '@sferum/infra-postgres';
import { createTestDatabase, expectEventually } from '@sferum/testing';
import { type DataSource } from 'typeorm';
import { ApiKeyGuard, AuthModule, BrowserPage, keyRequiredWhen, RequireKey, type AuthenticatedRequest, type AuthOptions } from './api-key.guard';
import { createServiceApp } from './bootstrap-service';
import { BROWSER_CHALLENGE } from './request-key';

/**
 * The key check of every service, on a PostgreSQL database of its own:
 * which request gets through to which route, what the refused ones are
 * answered (before their body is read), rate limits per key and per
 * address, body limits per route, readiness details and /metrics.
 */
@Controller('v1/things')
@UseGuards(ApiKeyGuard)
@RequireKey('reader')
class ThingsController {
  @Get()
  list(@Req() request: AuthenticatedRequest): { role: string | null } {
    return { role: request.keyHolder?.role ?? null };
  }

  @Put('settings')
  @RequireKey('admin')
  settings(@Body() body: unknown): { type: string } {
    return { type: typeof body };
  }

  @Post('import')
  @RequireKey('admin')
  @HttpCode(200)
  import(@Body() body: string): { bytes: number } {
    return { bytes: Buffer.byteLength(body) };
  }
}

@Controller('page')
@UseGuards(ApiKeyGuard)
@RequireKey('reader')
@BrowserPage()
class PageController {
  @Get()
  page(): string {
    return 'the page';
  }
}

@Module({})
class ThingsModule {
  static forRoot(databaseUrl: string, auth: AuthOptions, metricsKeyRequired: boolean): DynamicModule {
    return {
      module: ThingsModule,
      imports: [
        MetricsModule.forRoot('key-check', { controllerDecorators: keyRequiredWhen(metricsKeyRequired, 'reader') }),
        HealthModule.forRoot(),
        PostgresModule.forRoot({ url: databaseUrl }),
        AuthModule.forRoot(auth),
      ],
      controllers: [ThingsController, PageController],
    };
  }
}

const MiB = 1024 * 1024;
/** Every key gets two requests (the burst) and then one a minute: a third request of a test is refused however slow the machine. */
const RATE = { perMinute: 1, burst: 2 };

describe('keys, checked before bodies are read', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let closed: NestFastifyApplication;
  let open: NestFastifyApplication;
  let closedUrl: string;
  let openUrl: string;

  const start = async (auth: AuthOptions, metricsKeyRequired: boolean): Promise<[NestFastifyApplication, string]> => {
    const app = await createServiceApp(ThingsModule.forRoot(database.url, auth, metricsKeyRequired), {
      service: 'key-check',
      host: '127.0.0.1',
      port: 0,
      logLevel: 'error',
      bodyLimitBytes: 64 * 1024,
      textBodies: [{ contentType: 'text/csv', limitBytes: 64 * MiB, routes: ['POST /v1/things/import'] }],
    });
    await app.listen(0, '127.0.0.1');
    return [app, (await app.getUrl()).replace('[::1]', '127.0.0.1')];
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    ds = createDataSource({ url: database.url });
    await ds.initialize();
    await ds.runMigrations();
    [closed, closedUrl] = await start({ readKeysRequired: true, rateLimit: RATE, cacheTtlMs: 0 }, true);
    [open, openUrl] = await start({ readKeysRequired: false, rateLimit: RATE, cacheTtlMs: 0 }, false);
  });

  afterAll(async () => {
    await closed?.close();
    await open?.close();
    await ds?.destroy();
    await database?.drop();
  });

  /** A new key of its own for each use: every key may make two requests in this file. */
  const key = (role: 'admin' | 'reader') => createKey(ds, role);
  const bearer = (k: string) => ({ Authorization: `Bearer ${k}` });
  const basic = (k: string) => ({ Authorization: `Basic ${Buffer.from(`analyst:${k}`).toString('base64')}` });
  const problemOf = async (response: Response) => ({
    status: response.status,
    type: response.headers.get('content-type'),
    challenge: response.headers.get('www-authenticate'),
    body: (await response.json()) as Record<string, unknown>,
  });

  it('asks a key of a read: 401 with a Bearer challenge, a problem document; a reader or admin key, as Bearer or as the Basic password, reads', async () => {
    expect(await problemOf(await fetch(`${closedUrl}/v1/things`))).toEqual({
      status: 401,
      type: 'application/problem+json; charset=utf-8',
      challenge: 'Bearer',
      body: expect.objectContaining({ status: 401, title: 'Unauthorized', detail: expect.stringContaining('Authorization: Bearer <key>') }) as unknown,
    });
    expect((await fetch(`${closedUrl}/v1/things`, { headers: bearer(`sfk_${'x'.repeat(43)}`) })).status).toBe(401);
    const reader = await fetch(`${closedUrl}/v1/things`, { headers: bearer(await key('reader')) });
    expect({ status: reader.status, body: await reader.json() }).toEqual({ status: 200, body: { role: 'reader' } });
    expect(await (await fetch(`${closedUrl}/v1/things`, { headers: bearer(await key('admin')) })).json()).toEqual({ role: 'admin' });
    expect(await (await fetch(`${closedUrl}/v1/things`, { headers: basic(await key('reader')) })).json()).toEqual({ role: 'reader' });
    const source = await createSource(ds, { name: 'key-check-bus', homeRegion: '54', allowedRegions: null });
    expect((await fetch(`${closedUrl}/v1/things`, { headers: bearer(source) })).status).toBe(403);
  });

  it('records when a key was used (api_key.last_used_at, once a minute at most: one request is enough to see it)', async () => {
    const reader = await key('reader');
    const holder = await findKeyHolder(ds, reader);
    const usedAt = async () => {
      const rows: { last_used_at: Date | null }[] = await ds.query('SELECT last_used_at FROM api_key WHERE id = $1', [holder?.keyId]);
      return rows[0]?.last_used_at ?? null;
    };
    expect(await usedAt()).toBeNull();
    expect((await fetch(`${closedUrl}/v1/things`, { headers: bearer(reader) })).status).toBe(200);
    await expectEventually(async () => expect(await usedAt()).toBeInstanceOf(Date));
  });

  it('asks an admin key of a write, and never takes it from Basic credentials (a browser could send them cross-site)', async () => {
    const json = { 'Content-Type': 'application/json' };
    const put = (headers: Record<string, string>) => fetch(`${closedUrl}/v1/things/settings`, { method: 'PUT', headers: { ...json, ...headers }, body: '{}' });
    expect((await put(bearer(await key('reader')))).status).toBe(403);
    const admin = await key('admin');
    expect(await problemOf(await put(basic(admin)))).toMatchObject({ status: 401, challenge: 'Bearer' });
    expect(await (await put(bearer(admin))).json()).toEqual({ type: 'object' });
  });

  it('asks for the key of a browser page with a Basic challenge, and takes it as the password', async () => {
    expect(await problemOf(await fetch(`${closedUrl}/page`))).toMatchObject({ status: 401, challenge: BROWSER_CHALLENGE });
    expect(BROWSER_CHALLENGE).toBe('Basic realm="Sferum report", charset="UTF-8"');
    const page = await fetch(`${closedUrl}/page`, { headers: basic(await key('reader')) });
    expect({ status: page.status, text: await page.text() }).toEqual({ status: 200, text: 'the page' });
  });

  /** Sends the head of a request and none of its body; resolves with what the server answered and whether it then closed the connection. */
  const headOnly = (url: string, lines: readonly string[]): Promise<{ answer: string; closedByServer: boolean }> =>
    new Promise((resolve, reject) => {
      const { hostname, port } = new URL(url);
      const socket = connect(Number(port), hostname);
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('end', () => {
        resolve({ answer, closedByServer: true });
        socket.destroy();
      });
      socket.on('error', reject);
      socket.write([...lines, '', ''].join('\r\n'));
    });

  it('answers an unauthenticated 60 MiB import 401 from its headers alone, and closes the connection instead of reading the body', async () => {
    const head = (authorization: string[]) => [
      'POST /v1/things/import HTTP/1.1',
      `Host: 127.0.0.1`,
      'Content-Type: text/csv',
      `Content-Length: ${60 * MiB}`,
      ...authorization,
    ];
    // Not one byte of the body is sent: the answers below can only come from the headers.
    const none = await headOnly(closedUrl, head([]));
    expect(none.answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(none.answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(none.answer).toMatch(/\r\nwww-authenticate: Bearer\r\n/i);
    expect(none.answer).toContain('"status":401');
    expect(none.closedByServer).toBe(true);
    const reader = await headOnly(closedUrl, head([`Authorization: Bearer ${await key('reader')}`]));
    expect(reader.answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(reader.closedByServer).toBe(true);
  });

  it('holds every route to the small body limit, but the one that takes large files of its type', async () => {
    const admin = await key('admin');
    const big = 'x'.repeat(100 * 1024);
    const put = (type: string) =>
      fetch(`${closedUrl}/v1/things/settings`, { method: 'PUT', headers: { 'Content-Type': type, ...bearer(admin) }, body: type === 'application/json' ? JSON.stringify({ big }) : big });
    expect(await problemOf(await put('application/json'))).toMatchObject({ status: 413, challenge: null });
    expect((await put('text/csv')).status).toBe(413);
    const file = `org_id\n${'x'.repeat(2 * MiB)}`;
    const imported = await fetch(`${closedUrl}/v1/things/import`, { method: 'POST', headers: { 'Content-Type': 'text/csv', ...bearer(await key('admin')) }, body: file });
    expect(await imported.json()).toEqual({ bytes: file.length });
  });

  it('limits the requests of each key: the burst, then 429 with Retry-After; another key is not affected', async () => {
    const k = await key('reader');
    expect((await fetch(`${closedUrl}/v1/things`, { headers: bearer(k) })).status).toBe(200);
    expect((await fetch(`${closedUrl}/v1/things`, { headers: bearer(k) })).status).toBe(200);
    const limited = await fetch(`${closedUrl}/v1/things`, { headers: bearer(k) });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await problemOf(limited)).toMatchObject({ status: 429, type: 'application/problem+json; charset=utf-8', body: { status: 429, title: 'Too Many Requests' } });
    expect((await fetch(`${closedUrl}/v1/things`, { headers: bearer(await key('reader')) })).status).toBe(200);
  });

  it('where reads are open, reads without a key, limited per client address; writes still need an admin key', async () => {
    expect(await (await fetch(`${openUrl}/v1/things`)).json()).toEqual({ role: null });
    expect((await fetch(`${openUrl}/page`)).status).toBe(200);
    const limited = await fetch(`${openUrl}/v1/things`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const put = await fetch(`${openUrl}/v1/things/settings`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(await problemOf(put)).toMatchObject({ status: 401, challenge: 'Bearer' });
  });

  it('answers readiness to anyone, and says which check is up and how only to an admin key', async () => {
    const ready = async (headers: Record<string, string> = {}) => {
      const response = await fetch(`${closedUrl}/health/ready`, { headers });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect(await ready()).toEqual({ status: 200, body: { status: 'ready' } });
    expect(await ready(bearer(await key('reader')))).toEqual({ status: 200, body: { status: 'ready' } });
    expect(await ready(bearer(`sfk_${'y'.repeat(43)}`))).toEqual({ status: 200, body: { status: 'ready' } });
    expect(await ready(bearer(await key('admin')))).toEqual({ status: 200, body: { status: 'ready', checks: { postgres: { status: 'up', ms: expect.any(Number) as unknown } } } });
  });

  it('serves /metrics to anyone by default, and only to a reader key when the service requires one', async () => {
    expect((await fetch(`${openUrl}/metrics`)).status).toBe(200);
    expect(await problemOf(await fetch(`${closedUrl}/metrics`))).toMatchObject({ status: 401, challenge: 'Bearer' });
    const metrics = await fetch(`${closedUrl}/metrics`, { headers: bearer(await key('reader')) });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('readiness_check_up{check="postgres",service="key-check"} 1');
  });
});
