import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectEventually, freePort } from '@sferum/testing';
import { bearer, type IsolatedPipeline, startIsolatedPipeline } from './isolated-pipeline';

/**
 * Drop alerts with the simulator: the `small` profile (Kemerovo oblast,
 * 3 municipalities, 4 weeks, the services' and the simulator's clock fixed
 * at TEST_NOW) with the last week's messages and calls of municipality
 * 42-m01 held back (its activity shares fall to 0) and every teacher of
 * 42-m02 writing 10 group messages and starting a call (its shares rise to
 * 100%). The alerts the KPI service raises must be exactly those the rules
 * give on the simulator's reference values; a webhook (failing its first
 * post) receives one fire per alert; when the held-back events arrive the
 * alerts resolve and it receives one resolve each, and nothing more.
 */
const REGION = '42';
const KPIS = ['active_schools', 'active_orgs', 'teachers_10_messages', 'teachers_1_call'];
const BANDS = ['below_norm', 'average', 'good'];
const ACTIVITY_KPIS = ['teachers_10_messages', 'teachers_1_call'];
const SETTINGS = { dropPoints: 5, dropRelativePercent: 30, baselineWeeks: 3 }; // the defaults

interface Expected {
  weeks: string[];
  regions: Record<string, Record<string, { units: Record<string, { kpis: Record<string, { value: number | null; band: string | null }> }> }>>;
}
interface Alert {
  key: string;
  kind: string;
  municipality: string | null;
  kpi: string | null;
  state: string;
  firstSeenAt: string;
  resolvedAt: string | null;
}
interface Post {
  event: string;
  key: string;
  idempotencyKey: string;
  status: number;
}

/** The alerts the rules give for the last week, from the reference values (written apart from the service's code). */
function expectedAlerts(expected: Expected): string[] {
  const weeks = expected.regions[REGION]!;
  const order = expected.weeks;
  const keys: string[] = [];
  for (const unit of Object.keys(weeks[order[order.length - 1]!]!.units)) {
    if (unit !== 'region' && !unit.startsWith('municipality:')) continue;
    const municipality = unit === 'region' ? '*' : unit.slice('municipality:'.length);
    for (const kpi of KPIS) {
      const points = order.map((w) => weeks[w]!.units[unit]!.kpis[kpi]!);
      const last = points[points.length - 1]!;
      const previous = points[points.length - 2]!;
      if (last.value === null) continue;
      if (last.band !== null && previous.band !== null && BANDS.indexOf(last.band) < BANDS.indexOf(previous.band)) keys.push(`band_worse|${REGION}|${municipality}|${kpi}`);
      const base = points.slice(-1 - SETTINGS.baselineWeeks, -1).filter((p) => p.value !== null).map((p) => p.value!);
      if (base.length === 0) continue;
      const mean = base.reduce((a, b) => a + b, 0) / base.length;
      const fall = mean - last.value;
      if (fall > 0 && (fall >= SETTINGS.dropPoints - 1e-9 || fall / mean >= SETTINGS.dropRelativePercent / 100 - 1e-9)) keys.push(`drop|${REGION}|${municipality}|${kpi}`);
    }
  }
  return keys.sort();
}

describe('drop alerts: a municipality cut in half, another raised, then the held-back half arriving', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'sferum-alerts-'));
  const posts: Post[] = [];
  let failNext = 1; // the receiver fails its first post: the notifier must retry it
  let receiver: Server;
  let pipeline: IsolatedPipeline;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const payload = JSON.parse(body) as { event: string; alert: Alert };
        const status = failNext-- > 0 ? 500 : 200;
        posts.push({ event: payload.event, key: payload.alert.key, idempotencyKey: String(req.headers['idempotency-key']), status });
        res.writeHead(status).end();
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    pipeline = await startIsolatedPipeline({
      name: 'alerts',
      homeRegion: REGION,
      kpiEnv: { MONITOR_INTERVAL_SECONDS: '1', ALERT_WEBHOOK_URLS: hook, WEBHOOK_POLL_MS: '200' },
    });
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
    rmSync(outDir, { recursive: true, force: true });
  });

  const simulate = (out: string, extra: string[] = []) =>
    pipeline.simulate(['--profile', 'small', '--seed', '7', '--hold-back', '42-m01', '--boost', '42-m02', '--out', join(outDir, out), '--wait', '--wait-timeout', '120', ...extra]);
  const alerts = async (state: string): Promise<Alert[]> => {
    const response = await fetch(`${pipeline.urls.kpi}/v1/alerts?state=${state}&region=${REGION}`, { headers: bearer(pipeline.readerKey) });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: Alert[] }).items;
  };
  const delivered = (event: string) => posts.filter((p) => p.status === 200 && p.event === event).map((p) => p.key).sort();
  let fired: string[];

  const alertSettings = (body: Record<string, unknown>) =>
    fetch(`${pipeline.urls.kpi}/v1/registry/regions/${REGION}/alert-settings`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${pipeline.adminKey}` },
      body: JSON.stringify(body),
    });

  it('raises exactly the alerts the rules give: the halved municipality drops, the raised one does not', async () => {
    // Four weeks arrive in minutes here (in life, week by week): the region is muted while they load.
    expect((await alertSettings({ enabled: false })).status).toBe(200);
    const run = await simulate('drop');
    expect((await alertSettings({ enabled: true })).status).toBe(200);
    expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.stringContaining('agrees with the reference') });
    const expected = JSON.parse(readFileSync(join(outDir, 'drop', 'expected.json'), 'utf8')) as Expected;
    fired = expectedAlerts(expected);
    // What the scenario guarantees by construction, checked on the reference first.
    const lastWeek = expected.weeks[expected.weeks.length - 1]!;
    const earlier = expected.weeks.slice(-1 - SETTINGS.baselineWeeks, -1);
    const kpiOf = (week: string, unit: string, kpi: string) => expected.regions[REGION]![week]!.units[unit]!.kpis[kpi]!;
    for (const kpi of ACTIVITY_KPIS) {
      expect(kpiOf(lastWeek, 'municipality:42-m01', kpi).value).toBe(0);
      expect(kpiOf(lastWeek, 'municipality:42-m02', kpi)).toMatchObject({ value: 100, band: 'good' });
    }
    // A precondition of this seed and clock (a fixture, the same on any day): the held-back municipality
    // had teachers with 10+ messages before, so its fall to 0 is a drop.
    expect(earlier.some((w) => (kpiOf(w, 'municipality:42-m01', 'teachers_10_messages').value ?? 0) > 0)).toBe(true);
    expect(fired).toContain('drop|42|42-m01|teachers_10_messages');
    expect(fired.filter((k) => k.includes('42-m02') && ACTIVITY_KPIS.some((kpi) => k.endsWith(`|${kpi}`)))).toEqual([]);

    await expectEventually(async () => expect((await alerts('active')).map((a) => a.key).sort()).toEqual(fired), { timeoutMs: 30_000 });
    const metrics = await (await fetch(`${pipeline.urls.kpi}/metrics`)).text();
    expect(metrics).toMatch(/^kpi_alert_active\{kind="drop",region="42",municipality="42-m01",kpi="teachers_10_messages"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^kpi_value\{region="42",municipality="42-m01",kpi="teachers_10_messages",week="last"[^}]*\} [\d.]+$/m);
  }, 240_000);

  it('the webhook receives one fire per alert, the failed post retried, with an idempotency key', async () => {
    await expectEventually(() => expect(delivered('fire')).toEqual(fired), { timeoutMs: 30_000 });
    expect(posts[0]!.status).toBe(500);
    expect(posts.filter((p) => p.status === 500)).toHaveLength(1);
    const failed = posts[0]!;
    expect(posts.filter((p) => p.idempotencyKey === failed.idempotencyKey).map((p) => p.status)).toEqual([500, 200]);
  }, 60_000);

  it('when the held-back half arrives, the alerts resolve, each webhook gets one resolve, and nothing is posted twice', async () => {
    const run = await simulate('recovered', ['--deliver-held']);
    expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.stringContaining('agrees with the reference') });
    const still = expectedAlerts(JSON.parse(readFileSync(join(outDir, 'recovered', 'expected.json'), 'utf8')) as Expected);
    expect(still.filter((k) => k.includes('42-m01'))).toEqual([]);
    const resolved = fired.filter((k) => !still.includes(k));
    expect(resolved).toContain('drop|42|42-m01|teachers_10_messages');

    await expectEventually(async () => expect((await alerts('active')).map((a) => a.key).sort()).toEqual(still), { timeoutMs: 30_000 });
    const done = (await alerts('resolved')).filter((a) => resolved.includes(a.key));
    expect(done.map((a) => a.key).sort()).toEqual(resolved);
    for (const a of done) expect(Date.parse(a.resolvedAt!)).toBeGreaterThan(Date.parse(a.firstSeenAt));
    await expectEventually(() => expect(delivered('resolve')).toEqual(resolved), { timeoutMs: 30_000 });

    // Several more monitor runs and webhook rounds: no alert and no post twice.
    const before = posts.length;
    await new Promise((r) => setTimeout(r, 4_000));
    expect(posts.length).toBe(before);
    expect(delivered('fire')).toEqual(fired);
    expect(new Set(posts.filter((p) => p.status === 200).map((p) => p.idempotencyKey)).size).toBe(fired.length + resolved.length);
  }, 240_000);

  it('lists alerts with filters and rejects bad ones', async () => {
    const read = { headers: bearer(pipeline.readerKey) };
    expect((await fetch(`${pipeline.urls.kpi}/v1/alerts?state=open`, read)).status).toBe(400);
    expect((await fetch(`${pipeline.urls.kpi}/v1/alerts?region=99`, read)).status).toBe(400);
    expect((await fetch(`${pipeline.urls.kpi}/v1/alerts?kind=drop&limit=0`, read)).status).toBe(400);
    const drops = await fetch(`${pipeline.urls.kpi}/v1/alerts?kind=drop&limit=5`, read);
    expect(drops.status).toBe(200);
    const items = ((await drops.json()) as { items: Alert[] }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((a) => a.kind === 'drop')).toBe(true);
  });
});
