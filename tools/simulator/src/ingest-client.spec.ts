import { type AnyCloudEventV1 } from '@sferum/contracts';
import { type FetchLike, IngestClient, PushError, retryAfterMs } from './ingest-client';

const event = (i: number) => ({ specversion: '1.0', id: `e${i}`, source: 's', type: 'ru.sferum.org.connected', time: '2026-11-20T10:00:00Z', data: { orgId: 'o' } }) as AnyCloudEventV1;
const events = (n: number) => Array.from({ length: n }, (_, i) => event(i));

type Reply = { status: number; body?: unknown; retryAfter?: string } | Error;

/** A scripted ingest: answers in order, recording each request's batch size. */
function scripted(replies: Reply[]) {
  const batches: number[] = [];
  const slept: number[] = [];
  let clock = 0;
  const fetch: FetchLike = (_url, init) => {
    const reply = replies.shift() ?? { status: 200 };
    const batch = (JSON.parse(init.body) as unknown[]).length;
    batches.push(batch);
    if (reply instanceof Error) return Promise.reject(reply);
    const body = reply.body ?? { accepted: batch, rejected: 0, rejections: [] };
    return Promise.resolve({
      status: reply.status,
      headers: { get: (name: string) => (name === 'retry-after' ? (reply.retryAfter ?? null) : null) },
      text: () => Promise.resolve(JSON.stringify(body)),
    });
  };
  const sleep = (ms: number) => {
    slept.push(ms);
    clock += ms;
    return Promise.resolve();
  };
  return { fetch, sleep, now: () => clock, batches, slept };
}

const client = (s: ReturnType<typeof scripted>, overrides: Partial<ConstructorParameters<typeof IngestClient>[0]> = {}) =>
  new IngestClient({ ingestUrl: 'http://ingest', sourceKey: 'k', batchSize: 100, concurrency: 2, ratePerSecond: 0, retryForMs: 60_000, ...s, ...overrides });

describe('ingest client of the simulator', () => {
  it('sends full batches and the rest on flush', async () => {
    const s = scripted([]);
    const c = client(s);
    await c.push(events(250));
    const stats = await c.flush();
    expect(s.batches).toEqual([100, 100, 50]);
    expect(stats).toMatchObject({ events: 250, requests: 3, retries: 0 });
  });

  it('retries 503 and 429 after their Retry-After, and a refused connection with backoff', async () => {
    const s = scripted([{ status: 503, retryAfter: '1' }, { status: 429, retryAfter: '2' }, new TypeError('fetch failed'), { status: 200 }]);
    const c = client(s, { concurrency: 1 });
    await c.push(events(100));
    const stats = await c.flush();
    expect(s.slept).toEqual([1000, 2000, 1000]);
    expect(stats).toMatchObject({ events: 100, requests: 4, retries: 3, retriesBy: { '503': 1, '429': 1, connection: 1 } });
  });

  it('sends a batch whose connection closed under it again at once, then falls back to the backoff', async () => {
    const reset = () => new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    const s = scripted([reset(), { status: 200 }, reset(), reset(), { status: 200 }]);
    const c = client(s, { concurrency: 1 });
    await c.push(events(200));
    const stats = await c.flush();
    expect(s.batches).toEqual([100, 100, 100, 100, 100]);
    expect(s.slept).toEqual([250]);
    expect(stats).toMatchObject({ events: 200, requests: 5, retries: 3, retriesBy: { reset: 2, connection: 1 } });
  });

  it('stops with the reason on another status or on rejected events, and sends nothing after', async () => {
    const bad = scripted([{ status: 400, body: { detail: 'body is not JSON' } }]);
    const c1 = client(bad, { concurrency: 1 });
    await c1.push(events(100));
    await expect(c1.flush()).rejects.toThrow(new PushError('the ingest answered 400: body is not JSON'));

    const rejected = scripted([{ status: 200, body: { accepted: 99, rejected: 1, rejections: [{ index: 3, reason: 'time: too old' }] } }]);
    const c2 = client(rejected, { concurrency: 1 });
    await c2.push(events(100));
    await expect(c2.push(events(100))).rejects.toThrow('the ingest rejected 1 of 100 events: #3: time: too old');
    expect(rejected.batches).toEqual([100]);
  });

  it('gives up after retrying for the allowed time', async () => {
    const s = scripted(Array.from({ length: 100 }, () => ({ status: 503, retryAfter: '5' })));
    const c = client(s, { retryForMs: 20_000, concurrency: 1 });
    await c.push(events(100));
    await expect(c.flush()).rejects.toThrow('kept answering 503 for 20 s');
  });

  it('holds batches to the asked rate', async () => {
    const s = scripted([]);
    const c = client(s, { ratePerSecond: 100, concurrency: 1 });
    await c.push(events(300));
    await c.flush();
    expect(s.slept).toEqual([1000, 1000, 1000]);
  });

  it('reads Retry-After as seconds or a date, within bounds', () => {
    expect(retryAfterMs('3', 250, 0)).toBe(3000);
    expect(retryAfterMs(null, 250, 0)).toBe(250);
    expect(retryAfterMs('0', 250, 0)).toBe(100);
    expect(retryAfterMs('86400', 250, 0)).toBe(60_000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 250, 0)).toBe(10_000);
    expect(retryAfterMs('soon', 250, 0)).toBe(250);
  });
});
