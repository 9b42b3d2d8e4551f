/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INDICATORS } from '@sferum/dashboards';
import { percentRounded, thresholdInForce, type Threshold } from '@sferum/domain';
import { REPO_ROOT } from '@sferum/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { BROWSER_CHALLENGE } from '@sferum/infra-http';
import { bearer, type IsolatedPipeline, startIsolatedPipeline } from './isolated-pipeline';

/**
 * The report page in a real browser (Debian's Chromium, driven by
 * playwright-core): the tiny profile through the pipeline, then
 * /report?region=25&week=<last week> opened headless. The page speaks
 * Russian unless asked for English (lang=en). The table must say what the
 * API says, band colours included; the indicators are named as the Grafana
 * dashboards name them; the charts must draw from the locally served
 * library with no request leaving the machine, each with the band edges
 * the registry holds in force. The onboarding funnel's section must show
 * the 8 steps under the names GET /v1/funnel gives them, its counts, a bar
 * per step drawn to the share that reached it, and the organizations stuck
 * longest. Screenshots (the page, and its funnel alone) and a PDF print
 * are kept in .stack/artifacts/ (git-ignored). The browser has only the reader key,
 * typed in as the password when the page asks for it (HTTP Basic), and
 * sends it with the page's own links.
 */
const REGION = '25';
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, '.stack', 'artifacts');
/** The colours the page draws the lower and upper band edges in (its --low and --good). */
const EDGE_RGB = { lower: [183, 28, 28], upper: [46, 125, 50] } as const;

interface Row {
  id: string;
  name: string;
  kpis: Record<string, { value: number | null; band: string | null; suppressed?: string }>;
  minTeacherDenominator?: number;
}

const BANDS = {
  ru: { below_norm: 'ниже нормы', average: 'средний', good: 'хороший' },
  en: { below_norm: 'below norm', average: 'average', good: 'good' },
} as const;

/** A share as the page writes it for its readers, by the browser-independent ICU of Node: "0,32 %" and "0.32%". */
function shareText(value: number, lang: 'ru' | 'en'): string {
  const digits = new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false }).format(value);
  return lang === 'ru' ? `${digits}\u00a0%` : `${digits}%`;
}

/** What the municipality table shows, cell by cell. */
function tableOf(page: Page) {
  return page.$$eval('#municipalities tbody tr', (trs) =>
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
}

/** The region's cards: the indicator's name, its band word and the band it shows. */
function cardsOf(page: Page) {
  return page.$$eval('.cards .card', (cards) =>
    cards.map((c) => ({ kpi: c.getAttribute('data-kpi'), band: c.getAttribute('data-band'), title: c.querySelector('.card-title')?.textContent, words: c.querySelector('.card-band')?.textContent })),
  );
}

/** Each chart's band edges as the page states them (attributes and words), and whether its canvas holds pixels of the edge colours. */
function chartsOf(page: Page) {
  return page.$$eval(
    '.chart',
    (figures, rgb) =>
      figures.map((figure) => {
        const canvas = figure.querySelector('canvas');
        // Per row of the canvas, the pixels of each edge's colour (opaque and close to it; the average band between
        // the edges is translucent). A dashed line across the plot puts more than half of the plot's width in one
        // row; the glyphs of its label, a few dozen at most.
        const rows = { lower: new Map<number, number>(), upper: new Map<number, number>() };
        if (canvas !== null) {
          const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          const near = (i: number, [r, g, b]: readonly number[]) => data[i + 3]! > 128 && Math.abs(data[i]! - r!) < 40 && Math.abs(data[i + 1]! - g!) < 40 && Math.abs(data[i + 2]! - b!) < 40;
          for (let i = 0; i < data.length; i += 4) {
            const row = Math.floor(i / 4 / canvas.width);
            for (const edge of ['lower', 'upper'] as const) if (near(i, rgb[edge])) rows[edge].set(row, (rows[edge].get(row) ?? 0) + 1);
          }
        }
        const longest = (edge: 'lower' | 'upper') => Math.max(0, ...rows[edge].values());
        return {
          kpi: figure.getAttribute('data-kpi'),
          lower: figure.getAttribute('data-lower'),
          upper: figure.getAttribute('data-upper'),
          drawn: figure.getAttribute('data-drawn'),
          canvasWidth: canvas?.width ?? 0,
          edgeWords: figure.querySelector('.edges')?.textContent,
          /** Whether each edge's line crosses the plot: one row with its colour over more than a quarter of the canvas's width. */
          lines: { lower: longest('lower') > (canvas?.width ?? 0) / 4, upper: longest('upper') > (canvas?.width ?? 0) / 4 },
          longestRows: { lower: longest('lower'), upper: longest('upper') },
        };
      }),
    EDGE_RGB,
  );
}

interface FunnelAnswer {
  at: string;
  stuckDays: number;
  steps: { step: number; id: string; name: string }[];
  rows: { organizations: number; notStarted: number; completed: number; steps: { step: number; id: string; reached: number; atStep: number; stuck: number }[] }[];
  stuck: { orgId: string; orgName: string; days: number; step: number }[];
}

/** A count as the Russian page writes it: "1 004". */
const countText = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');

/** The funnel's section as shown: its heading, each step's name, counts and drawn bar (against its track), the stuck organizations listed. */
function funnelOf(page: Page) {
  return page.$eval('#funnel', (section) => ({
    heading: section.querySelector('h2')?.textContent,
    visible: (section as HTMLElement).offsetHeight > 0,
    steps: [...section.querySelectorAll('#funnel-steps tbody tr')].map((tr) => {
      const fill = tr.querySelector('rect.bar-fill')!.getBoundingClientRect();
      const track = tr.querySelector('rect.bar-track')!.getBoundingClientRect();
      return {
        step: Number(tr.getAttribute('data-step')),
        id: tr.getAttribute('data-id'),
        name: tr.querySelector('td.name')?.textContent,
        share: tr.querySelector('.bar-share')?.textContent,
        reached: tr.querySelector('[data-count="reached"]')?.textContent,
        atStep: tr.querySelector('[data-count="atStep"]')?.textContent,
        stuck: tr.querySelector('[data-count="stuck"]')?.textContent,
        /** The bar's drawn length as a share of its track, in percent. */
        drawn: track.width > 0 ? (fill.width / track.width) * 100 : -1,
        trackWidth: track.width,
      };
    }),
    stuckHeading: section.querySelector('#funnel-stuck-heading')?.textContent,
    stuck: [...section.querySelectorAll('#funnel-stuck tbody tr')].map((tr) => tr.getAttribute('data-id')),
    more: section.querySelector('.more')?.textContent ?? null,
    none: section.querySelector('.none')?.textContent ?? null,
  }));
}

describe('report page in headless Chromium', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'sferum-report-'));
  let pipeline: IsolatedPipeline;
  let browser: Browser;
  let week: string;
  let weekStart: string;

  beforeAll(async () => {
    pipeline = await startIsolatedPipeline({ name: 'report', homeRegion: REGION });
    const run = await pipeline.simulate(['--profile', 'tiny', '--seed', '7', '--out', outDir, '--wait', '--wait-timeout', '120']);
    if (run.code !== 0) throw new Error(`simulator failed:\n${run.output}`);
    week = (JSON.parse(readFileSync(join(outDir, 'expected.json'), 'utf8')) as { weeks: string[] }).weeks[2]!;
    weekStart = ((await (await fetch(`${pipeline.urls.kpi}/v1/kpi?region=${REGION}&week=${week}`, { headers: bearer(pipeline.readerKey) })).json()) as { weekStart: string }).weekStart;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  /** A page with the reader key as its Basic credentials (what a person types when the browser asks: any user name, the key as the password). */
  const readerPage = async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, httpCredentials: { username: 'analyst', password: pipeline.readerKey } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    return { page, requests, errors };
  };

  /** Opens the report of the week and waits until each of its three charts has drawn. */
  const open = async (page: Page, query = '') => {
    const response = await page.goto(`${pipeline.urls.kpi}/report?region=${REGION}&week=${week}${query}`);
    expect(response?.status()).toBe(200);
    await page.waitForSelector('body[data-charts-ready="true"]');
    await page.waitForFunction(() => document.querySelectorAll('.chart[data-drawn="true"]').length === 3);
    return response!;
  };

  const apiRows = async () =>
    ((await (await fetch(`${pipeline.urls.kpi}/v1/kpi?region=${REGION}&week=${week}&groupBy=municipality`, { headers: bearer(pipeline.readerKey) })).json()) as { rows: Row[] }).rows;

  const thresholds = async () => ((await (await fetch(`${pipeline.urls.kpi}/v1/registry/thresholds`, { headers: bearer(pipeline.readerKey) })).json()) as { items: Threshold[] }).items;

  const screenshot = async (page: Page, name: string) => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const png = join(ARTIFACTS, `report-${REGION}-${week}-${name}.png`);
    await page.screenshot({ path: png, fullPage: true });
    expect(statSync(png).size).toBeGreaterThan(10_000);
    process.stdout.write(`report screenshot: ${png}\n`);
    return png;
  };

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

  it('speaks Russian by default: the table as the API answers it, coloured by band, the indicators under their official names, charts with the band edges in force, drawn from local files', async () => {
    const { page, requests, errors } = await readerPage();
    const response = await open(page);
    expect(response.headers()['content-language']).toBe('ru');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru');
    expect(await page.title()).toMatch(new RegExp(`: неделя ${week} — показатели «Сферума»$`));
    const [year, month, day] = weekStart.split('-');
    expect(await page.textContent('header .sub')).toContain(`Неделя ${week} (с понедельника ${day}.${month}.${year})`);

    const api = await apiRows();
    const shown = await tableOf(page);
    expect(shown.map((r) => r.id)).toEqual(api.map((r) => r.id));
    for (const row of api) {
      const s = shown.find((x) => x.id === row.id)!;
      expect(s.name).toBe(row.name);
      for (const cell of s.cells) {
        const k = row.kpis[cell.kpi!]!;
        expect({ id: row.id, kpi: cell.kpi, text: cell.text, band: cell.band }).toEqual({
          id: row.id,
          kpi: cell.kpi,
          // A small cell says why instead of a value.
          text: k.suppressed !== undefined ? expect.stringMatching(new RegExp(`^менее ${row.minTeacherDenominator} педагог(а|ов)$`)) : k.value === null ? '—' : shareText(k.value, 'ru'),
          band: k.band ?? '',
        });
      }
    }
    // The bands are colours on the page: below norm red, good green (the tiny profile has both).
    const colourOf = (band: string) => new Set(shown.flatMap((r) => r.cells.filter((c) => c.band === band).map((c) => c.background)));
    expect([...colourOf('below_norm')]).toEqual(['rgb(255, 205, 210)']);
    expect([...colourOf('good')]).toEqual(['rgb(200, 230, 201)']);

    // The region's indicators, named with the words of the Grafana dashboards, their bands in Russian words.
    const cards = await cardsOf(page);
    expect(cards.map((c) => [c.kpi, c.title])).toEqual(INDICATORS.map((i) => [i.kpi, i.name.ru]));
    for (const card of cards) {
      if (card.band !== null && card.band !== '') expect(card.words).toMatch(new RegExp(`^${BANDS.ru[card.band as keyof typeof BANDS.ru]} · \\d+ из \\d+`));
    }
    expect(await page.textContent('.legend')).toContain('Оценка: хорошийсреднийниже нормы');

    // Each chart: the edges the registry holds in force on the week's Monday, stated and drawn.
    const inForce = await thresholds();
    const charts = await chartsOf(page);
    expect(charts.map((c) => c.kpi)).toEqual(INDICATORS.map((i) => i.kpi));
    for (const chart of charts) {
      const t = thresholdInForce(inForce, chart.kpi as Threshold['kpi'], weekStart)!;
      expect({ kpi: chart.kpi, lower: chart.lower, upper: chart.upper, drawn: chart.drawn }).toEqual({ kpi: chart.kpi, lower: t.lower, upper: t.upper, drawn: 'true' });
      expect(chart.edgeWords).toBe(`нижняя граница ${t.lower.replace('.', ',')}\u00a0%верхняя граница ${t.upper.replace('.', ',')}\u00a0%`);
      expect(chart.canvasWidth).toBeGreaterThan(100);
      // The canvas rendered both edge lines across the plot.
      expect({ kpi: chart.kpi, lines: chart.lines, longestRows: chart.longestRows }).toEqual({ kpi: chart.kpi, lines: { lower: true, upper: true }, longestRows: chart.longestRows });
    }
    expect(errors).toEqual([]);
    expect(requests.every((u) => u.startsWith(pipeline.urls.kpi))).toBe(true);

    // The onboarding funnel of the region at the week's end, as GET /v1/funnel answers it in Russian.
    const answer = (await (await fetch(`${pipeline.urls.kpi}/v1/funnel?region=${REGION}&week=${week}&lang=ru`, { headers: bearer(pipeline.readerKey) })).json()) as FunnelAnswer;
    const [region] = answer.rows;
    expect(region!.organizations).toBeGreaterThan(0);
    const funnel = await funnelOf(page);
    expect(funnel.heading).toBe('Воронка подключения');
    expect(funnel.visible).toBe(true);
    expect(funnel.steps.map((s) => [s.step, s.id, s.name])).toEqual(answer.steps.map((s) => [s.step, s.id, `${s.step}. ${s.name}`]));
    expect(funnel.steps.map((s) => s.name)).toEqual([
      '1. Собран список организаций без профиля и контакты администраторов',
      '2. Список передан федеральным координаторам, профиль создан',
      '3. Администраторы проинформированы о регистрации',
      '4. Администратор зарегистрировался',
      '5. Создана структура организации и ссылки-приглашения',
      '6. Сотрудники зарегистрировались',
      '7. Сотрудники пользуются мессенджером или веб-версией',
      '8. Созданы чаты коллектива и классов',
    ]);
    for (const [i, shown] of funnel.steps.entries()) {
      const s = region!.steps[i]!;
      const share = (s.reached / region!.organizations) * 100;
      expect({ step: shown.step, reached: shown.reached, atStep: shown.atStep, stuck: shown.stuck, share: shown.share }).toEqual({
        step: s.step,
        reached: countText(s.reached),
        atStep: countText(s.atStep),
        stuck: countText(s.stuck),
        share: shareText(percentRounded(s.reached, region!.organizations)!, 'ru'),
      });
      // The bar is drawn to the share that reached the step (within a pixel of its track).
      expect(shown.trackWidth).toBeGreaterThan(50);
      expect(Math.abs(shown.drawn - share)).toBeLessThan((100 / shown.trackWidth) * 1.5);
    }
    // Reached can only shrink step by step; the first steps reached by someone in this profile.
    expect(region!.steps.map((s) => s.reached)).toEqual([...region!.steps.map((s) => s.reached)].sort((a, b) => b - a));
    expect(region!.steps[0]!.reached).toBeGreaterThan(0);
    expect(funnel.stuckHeading).toBe(`Организации на шаге более 14 дней – ${countText(answer.stuck.length)}`);
    expect(funnel.stuck).toEqual(answer.stuck.slice(0, 50).map((o) => o.orgId));
    if (answer.stuck.length > 50) expect(funnel.more).toMatch(new RegExp(`^и ещё ${countText(answer.stuck.length - 50)} организаци(я|и|й): JSON$`));
    else expect(funnel.more).toBeNull();
    if (answer.stuck.length === 0) expect(funnel.none).toBe('Нет организаций, которые стоят на шаге более 14 дней.');

    await screenshot(page, 'ru');
    const funnelPng = join(ARTIFACTS, `report-${REGION}-${week}-funnel-ru.png`);
    await page.locator('#funnel').screenshot({ path: funnelPng });
    expect(statSync(funnelPng).size).toBeGreaterThan(10_000);
    process.stdout.write(`report funnel screenshot: ${funnelPng}\n`);
    const pdf = join(ARTIFACTS, `report-${REGION}-${week}-ru.pdf`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('nav')).toBe(false); // printable: no navigation on paper
    await page.pdf({ path: pdf, landscape: true, printBackground: true });
    expect(statSync(pdf).size).toBeGreaterThan(10_000);
    process.stdout.write(`report print: ${pdf}\n`);

    // The page's JSON and CSV links: the browser sends the credentials it was given for the page with them.
    await page.emulateMedia({ media: 'screen' });
    const json = await Promise.all([page.waitForEvent('response', (r) => r.url().includes('/v1/kpi?')), page.click('nav a:text-is("JSON")')]);
    expect(json[0].status()).toBe(200);
    expect(((await json[0].json()) as { rows: Row[] }).rows.map((r) => r.id)).toEqual(api.map((r) => r.id));
    await page.close();
  }, 60_000);

  it('speaks English with lang=en, and each page links to the other language', async () => {
    const { page, errors } = await readerPage();
    await open(page);
    // From the Russian page to the English one, by its link.
    await Promise.all([page.waitForURL(/lang=en/), page.click('nav a[hreflang="en"]')]);
    await page.waitForFunction(() => document.querySelectorAll('.chart[data-drawn="true"]').length === 3);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.title()).toMatch(new RegExp(`: ${week} — Sferum KPI$`));
    expect(await page.textContent('header .sub')).toContain(`Week ${week} from Monday ${weekStart}`);

    const api = await apiRows();
    for (const s of await tableOf(page)) {
      const row = api.find((r) => r.id === s.id)!;
      for (const cell of s.cells) {
        const k = row.kpis[cell.kpi!]!;
        expect({ id: row.id, kpi: cell.kpi, text: cell.text }).toEqual({
          id: row.id,
          kpi: cell.kpi,
          text: k.suppressed !== undefined ? `fewer than ${row.minTeacherDenominator} teachers` : k.value === null ? '—' : shareText(k.value, 'en'),
        });
      }
    }
    const cards = await cardsOf(page);
    expect(cards.map((c) => [c.kpi, c.title])).toEqual(INDICATORS.map((i) => [i.kpi, i.name.en]));
    for (const card of cards) {
      if (card.band !== null && card.band !== '') expect(card.words).toMatch(new RegExp(`^${BANDS.en[card.band as keyof typeof BANDS.en]} · \\d+ of \\d+`));
    }
    for (const chart of await chartsOf(page)) {
      expect(chart.edgeWords).toBe(`lower edge ${chart.lower}%upper edge ${chart.upper}%`);
      expect({ kpi: chart.kpi, lines: chart.lines }).toEqual({ kpi: chart.kpi, lines: { lower: true, upper: true } });
    }
    expect(errors).toEqual([]);
    await screenshot(page, 'en');
    // And back: the English page's link to Russian is the page without lang.
    expect(await page.getAttribute('nav a[hreflang="ru"]', 'href')).toBe(`?region=${REGION}&week=${week}`);
    await page.close();
  }, 60_000);

  it('draws each week against the thresholds in force on its Monday: a new threshold from the report week moves that week only', async () => {
    const before = await thresholds();
    const previous = thresholdInForce(before, 'teachers_1_call', weekStart)!;
    const put = await fetch(`${pipeline.urls.kpi}/v1/registry/thresholds/teachers_1_call`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', ...bearer(pipeline.adminKey) },
      body: JSON.stringify({ lower: '20', upper: '30', effectiveFrom: weekStart }),
    });
    expect(put.status).toBe(200);
    const raised = thresholdInForce(await thresholds(), 'teachers_1_call', weekStart)!;
    expect(raised.effectiveFrom).toBe(weekStart);

    const { page, errors } = await readerPage();
    await open(page);
    const calls = (await chartsOf(page)).find((c) => c.kpi === 'teachers_1_call')!;
    expect([calls.lower, calls.upper]).toEqual([raised.lower, raised.upper]);
    expect(calls.lines).toEqual({ lower: true, upper: true });
    // The series the chart draws: the eleven weeks before keep the edges they were judged by.
    // (A top-level const of the page's script: a binding of its global scope, not a property of window.)
    const series = await page.evaluate<{ kpi: string; lower: (number | null)[]; upper: (number | null)[] }[]>('SERIES');
    const drawn = series.find((s) => s.kpi === 'teachers_1_call')!;
    expect(drawn.lower).toEqual([...Array<number>(11).fill(Number(previous.lower)), Number(raised.lower)]);
    expect(drawn.upper).toEqual([...Array<number>(11).fill(Number(previous.upper)), Number(raised.upper)]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('answers 400 for an unknown region, a bad week, an unknown parameter or language, and serves only its own assets', async () => {
    const read = { headers: bearer(pipeline.readerKey) };
    expect((await fetch(`${pipeline.urls.kpi}/report?region=99`, read)).status).toBe(400);
    expect((await fetch(`${pipeline.urls.kpi}/report?region=${REGION}&week=2026-W99`, read)).status).toBe(400);
    expect((await fetch(`${pipeline.urls.kpi}/report?region=${REGION}&colour=red`, read)).status).toBe(400);
    const de = await fetch(`${pipeline.urls.kpi}/report?region=${REGION}&lang=de`, read);
    expect(de.status).toBe(400);
    expect(((await de.json()) as { detail: string }).detail).toBe('lang: expected one of ru, en (default ru)');
    const en = await fetch(`${pipeline.urls.kpi}/report?region=${REGION}&lang=en`, read);
    expect([en.status, en.headers.get('content-language')]).toEqual([200, 'en']);
    expect((await fetch(`${pipeline.urls.kpi}/report/assets/package.json`, read)).status).toBe(404);
    const js = await fetch(`${pipeline.urls.kpi}/report/assets/uPlot.iife.min.js`, read);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('text/javascript');
  });
});
