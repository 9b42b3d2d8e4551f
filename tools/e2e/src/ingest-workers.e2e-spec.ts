import { type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { expectEventually, freePort, TEST_NOW } from '@sferum/testing';
import { type IsolatedPipeline, startIsolatedPipeline } from './isolated-pipeline';
import { exitOf, startService } from './services';

/**
 * INGEST_WORKERS: the ingest as a primary and several worker processes on
 * one port (node:cluster). Each answer is durable as from one process; the
 * metrics count every worker whichever answers; a worker that dies is
 * replaced while the others serve; SIGTERM stops them all and exits 0.
 */
let pipeline: IsolatedPipeline<'ingest'>;
let primary: ChildProcess;
let url: string;

/** The pids whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === pid ? [Number(name)] : [];
      } catch {
        return []; // gone meanwhile
      }
    });
}

/** One request on a connection of its own (no keep-alive): the primary hands each to the next worker. */
function send(method: 'GET' | 'POST', path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    // A bound on each answer: a request that gets none fails the test at once rather than at the suite's timeout.
    const req = request(`${url}${path}`, { method, agent: false, timeout: 15_000, headers: { Connection: 'close', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 15 s`)));
    req.end(body);
  });
}

const event = (i: number) =>
  JSON.stringify({
    specversion: '1.0',
    id: `workers-${i}`,
    source: 'urn:e2e:workers',
    type: 'ru.sferum.message.sent',
    time: new Date(Date.parse(TEST_NOW) - 3_600_000).toISOString(),
    data: { userId: `u-${i}`, chatId: 'c-1', chatKind: 'group' },
  });

const accepted = (metrics: string): number => {
  const line = metrics.split('\n').find((l) => l.startsWith('ingest_events_total{') && l.includes('outcome="accepted"'));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
};

beforeAll(async () => {
  pipeline = await startIsolatedPipeline({ name: 'workers', homeRegion: '54', services: ['ingest'] });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  primary = startService('ingest', { ...pipeline.env.ingest, PORT: String(port), INGEST_WORKERS: '2' });
  primary.stdout?.resume();
  primary.stderr?.resume();
  await expectEventually(async () => expect((await send('GET', '/health/ready')).status).toBe(200), { timeoutMs: 60_000 });
}, 180_000);

afterAll(async () => {
  try {
    if (primary.exitCode === null) {
      primary.kill('SIGKILL');
      await exitOf(primary, 10_000);
    }
  } finally {
    await pipeline?.stop();
  }
}, 120_000);

describe('the ingest as several processes on one port (INGEST_WORKERS=2)', () => {
  it('runs two workers under the primary; every request is answered durably, and the metrics count both workers whichever answers', async () => {
    expect(childrenOf(primary.pid!)).toHaveLength(2);
    const auth = { 'Content-Type': 'application/cloudevents+json', Authorization: `Bearer ${pipeline.sourceKey}` };
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => send('POST', '/v1/events', event(i), auth)));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 40 }, () => 200));
    expect(answers.every((a) => (JSON.parse(a.text) as { accepted: number }).accepted === 1)).toBe(true);
    // Six scrapes on connections of their own reach both workers: each answers for the whole service.
    for (let i = 0; i < 6; i++) {
      const metrics = await send('GET', '/metrics');
      expect(metrics.status).toBe(200);
      expect(accepted(metrics.text)).toBe(40);
      expect(metrics.text).toContain('readiness_check_up{check="kafka",service="ingest"} 1');
    }
  });

  it('replaces a worker that dies, and serves meanwhile', async () => {
    const [victim, survivor] = childrenOf(primary.pid!);
    process.kill(victim!, 'SIGKILL');
    // Once the primary has reaped it (it then hands no connection to it), the survivor serves while the replacement starts.
    await expectEventually(() => expect(existsSync(`/proc/${victim}`)).toBe(false), { timeoutMs: 30_000 });
    const auth = { 'Content-Type': 'application/cloudevents+json', Authorization: `Bearer ${pipeline.sourceKey}` };
    expect((await send('POST', '/v1/events', event(100), auth)).status).toBe(200);
    await expectEventually(
      async () => {
        const now = childrenOf(primary.pid!);
        expect(now).toHaveLength(2);
        expect(now).toContain(survivor);
        expect(now).not.toContain(victim);
        expect((await send('GET', '/health/ready')).status).toBe(200);
      },
      { timeoutMs: 60_000 },
    );
  });

  it('stops every worker on SIGTERM and exits 0', async () => {
    const workers = childrenOf(primary.pid!);
    primary.kill('SIGTERM');
    expect(await exitOf(primary, 40_000)).toEqual({ code: 0, signal: null });
    expect(workers.filter((pid) => existsSync(`/proc/${pid}`))).toEqual([]);
  });
});
