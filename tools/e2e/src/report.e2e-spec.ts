/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@sferum/testing';
import { type Browser, chromium } from 'playwright-core';
import { BROWSER_CHALLENGE } from '@sferum/infra-http';
import { bearer, type IsolatedPipeline, startIsolatedPipeline } from './isolated-pipeline';

/**
 * The report page in a real browser (Debian's Chromium, driven by
 * playwright-core): the tiny profile through the pipeline, then
 * /report?region=25&week=<last week> opened headless. The table must say
 * what the API says, band colours included; the charts must draw from the
 * locally served library with no request leaving the machine. A screenshot
 * and a PDF print are kept in .stack/artifacts/. The browser has only the
 * reader key, typed in as the password when the page asks for it (HTTP
 * Basic), and sends it with the page's own links.
 */
const REGION = '25';
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, '.stack', 'artifacts');

interface Row {
  id: string;
  name: string;
  kpis: Record<string, { value: number | null; band: string | null; suppressed?: string }>;
  minTeacherDenominator?: number;
}

describe('report page in headless Chromium', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'sferum-report-'));
  let pipeline: IsolatedPipeline;
  let browser: Browser;
  let week: string;

  beforeAll(async () => {
    pipeline = await startIsolatedPipeline({ name: 'report', homeRegion: REGION });
    const run = await pipeline.simulate(['--profile', 'tiny', '--seed', '7', '--out', outDir, '--wait', '--wait-timeout', '120']);
    if (run.code !== 0) throw new Error(`simulator failed:\n${run.output}`);
    week = (JSON.parse(readFileSync(join(outDir, 'expected.json'), 'utf8')) as { weeks: string[] }).weeks[2]!;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('asks a browser for the key: 401 with a Basic challenge, and nothing of the report', async () => {
    const response = await fetch(`${pipeline.urls.kpi}/report?region=${REGION}&week=${week}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(BROWSER_CHALLENGE);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    // The browser takes it as a login prompt; headless, with no credentials to give, it gives up.
    const page = await browser.newPage();
    await expect(page.goto(`${pipeline.urls.kpi}/report?region=${REGION}&week=${week}`)).rejects.toThrow('ERR_INVALID_AUTH_CREDENTIALS');
    await page.close();
  });

  it('shows the municipality table as the API answers it, coloured by band, with charts drawn from local files', async () => {
    // What a person types when the browser asks: any user name, the reader key as the password.
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, httpCredentials: { username: 'analyst', password: pipeline.readerKey } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const response = await page.goto(`${pipeline.urls.kpi}/report?region=${REGION}&week=${week}`);
    expect(response?.status()).toBe(200);
    await page.waitForSelector('body[data-charts-ready="true"]');

    const api = (await (await fetch(`${pipeline.urls.kpi}/v1/kpi?region=${REGION}&week=${week}&groupBy=municipality`, { headers: bearer(pipeline.readerKey) })).json()) as { rows: Row[] };
    const shown = await page.$$eval('#municipalities tbody tr', (trs) =>
      trs.map((tr) => ({
        id: tr.getAttribute('data-id'),
        name: tr.querySelector('td.name')?.textContent,
        cells: [...tr.querySelectorAll('td.band')].map((td) => ({
          kpi: td.getAttribute('data-kpi'),
          text: td.textContent,
          band: td.getAttribute('data-band'),
          background: getComputedStyle(td).backgroundColor,
        })),
      })),
    );
    expect(shown.map((r) => r.id)).toEqual(api.rows.map((r) => r.id));
    for (const row of api.rows) {
      const s = shown.find((x) => x.id === row.id)!;
      expect(s.name).toBe(row.name);
      for (const cell of s.cells) {
        const k = row.kpis[cell.kpi!]!;
        expect({ id: row.id, kpi: cell.kpi, text: cell.text, band: cell.band }).toEqual({
          id: row.id,
          kpi: cell.kpi,
          // A small cell says why instead of a value.
          text: k.suppressed !== undefined ? `fewer than ${row.minTeacherDenominator} teachers` : k.value === null ? '—' : `${k.value.toFixed(2)}%`,
          band: k.band ?? '',
        });
      }
    }
    // The bands are colours on the page: below norm red, good green (the tiny profile has both).
    const colourOf = (band: string) => new Set(shown.flatMap((r) => r.cells.filter((c) => c.band === band).map((c) => c.background)));
    expect([...colourOf('below_norm')]).toEqual(['rgb(255, 205, 210)']);
    expect([...colourOf('good')]).toEqual(['rgb(200, 230, 201)']);

    const canvases = await page.$$eval('.chart canvas', (cs) => cs.map((c) => (c as HTMLCanvasElement).width));
    expect(canvases).toHaveLength(3);
    expect(canvases.every((w) => w > 100)).toBe(true);
    expect(errors).toEqual([]);
    expect(requests.every((u) => u.startsWith(pipeline.urls.kpi))).toBe(true);

    mkdirSync(ARTIFACTS, { recursive: true });
    const png = join(ARTIFACTS, `report-${REGION}-${week}.png`);
    await page.screenshot({ path: png, fullPage: true });
    const pdf = join(ARTIFACTS, `report-${REGION}-${week}.pdf`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('nav')).toBe(false); // printable: no navigation on paper
    await page.pdf({ path: pdf, landscape: true, printBackground: true });
    expect(statSync(png).size).toBeGreaterThan(10_000);
    expect(statSync(pdf).size).toBeGreaterThan(10_000);
    process.stdout.write(`report screenshot: ${png}\nreport print: ${pdf}\n`);

    // The page's JSON and CSV links: the browser sends the credentials it was given for the page with them.
    await page.emulateMedia({ media: 'screen' });
    const json = await Promise.all([page.waitForEvent('response', (r) => r.url().includes('/v1/kpi?')), page.click('nav a:text-is("JSON")')]);
    expect(json[0].status()).toBe(200);
    expect(((await json[0].json()) as { rows: Row[] }).rows.map((r) => r.id)).toEqual(api.rows.map((r) => r.id));
    await page.close();
  }, 60_000);

  it('answers 400 for an unknown region or a bad week, and serves only its own assets', async () => {
    const read = { headers: bearer(pipeline.readerKey) };
    expect((await fetch(`${pipeline.urls.kpi}/report?region=99`, read)).status).toBe(400);
    expect((await fetch(`${pipeline.urls.kpi}/report?region=${REGION}&week=2026-W99`, read)).status).toBe(400);
    expect((await fetch(`${pipeline.urls.kpi}/report?region=${REGION}&colour=red`, read)).status).toBe(400);
    expect((await fetch(`${pipeline.urls.kpi}/report/assets/package.json`, read)).status).toBe(404);
    const js = await fetch(`${pipeline.urls.kpi}/report/assets/uPlot.iife.min.js`, read);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('text/javascript');
  });
});
