import { ONBOARDING_STEPS } from '@sferum/contracts';
import { type FunnelRow, type KpiRow, type StuckOrganization } from '@sferum/domain';
import { escapeHtml, renderReport, type ReportBandEdges, type ReportInput, type ReportPageFunnel, type ReportTrendPoint } from './report-page';

/** A no-break space, as the page writes "0,32 %". */
const _ = '\u00a0';
const kpi = (value: number | null, band: 'good' | 'average' | 'below_norm' | null) => ({ numerator: 1, denominator: 2, value, band, previous: null });
const target = (numerator: number, denominator: number) => {
  const value = Math.round((numerator / denominator) * 10_000) / 100;
  return { numerator, denominator, value, gap: Math.round((100 - value) * 100) / 100, previous: null };
};
const row = (id: string, name: string): KpiRow => ({
  level: 'municipality',
  id,
  name,
  kpis: { active_schools: kpi(50, 'below_norm'), active_orgs: kpi(90, 'good'), teachers_10_messages: kpi(25, 'good'), teachers_1_call: kpi(null, null) },
  targets: { orgs_connected: target(2, 3), teachers_registered: target(4, 5), schools_journal_linked: target(0, 3), orgs_gov_label: target(1, 3) },
  counters: {
    orgs: 3,
    active_orgs: 1,
    registered_users: 10,
    registered_teachers: 4,
    registered_students: 6,
    registered_parents: 0,
    teacher_headcount: 5,
    teachers_3_messages: 1,
    teachers_10_messages: 1,
    teachers_1_call: 0,
    active_teachers: 2,
  },
});

/** The federal edges of 17 March 2023. */
const FEDERAL: Record<string, ReportBandEdges | null> = {
  active_schools: { lower: '50', upper: '90' },
  teachers_10_messages: { lower: '10', upper: '25' },
  teachers_1_call: { lower: '0.5', upper: '1' },
};

const point = (week: string, weekStart: string, edges = FEDERAL): ReportTrendPoint => ({
  week,
  weekStart,
  values: { active_schools: 50, teachers_10_messages: 25, teachers_1_call: null },
  edges,
});

/** The region's funnel: 23 organizations, 2 not started; reached, at and stuck per step as given. */
const funnelRow = (atStep: readonly number[], stuck: readonly number[]): FunnelRow => ({
  level: 'region',
  id: '54',
  name: 'Новосибирская область',
  organizations: 23,
  notStarted: 2,
  completed: atStep[7]!,
  steps: ONBOARDING_STEPS.map((id, i) => ({ step: i + 1, id, reached: atStep.slice(i).reduce((a, b) => a + b, 0), atStep: atStep[i]!, stuck: stuck[i]! })),
});

/** `n` stuck organizations, the first named dangerously, longest first. */
const stuckOrgs = (n: number): StuckOrganization[] =>
  Array.from({ length: n }, (_, i) => ({
    orgId: `dod-${String(i).padStart(3, '0')}`,
    orgName: i === 0 ? '<b>ДДТ</b> & "Юность"' : `ДДТ ${i}`,
    municipalityId: 'maslyanino',
    municipalityName: 'Маслянинский район',
    category: 'additional',
    step: 1,
    stepId: 'list_collected' as const,
    since: '2023-03-26T17:00:00.000Z',
    days: 49 - Math.min(i, 30),
  }));

const funnel = (over: Partial<ReportPageFunnel> = {}): ReportPageFunnel => ({
  at: '2026-11-22T17:00:00.000Z',
  partial: false,
  stuckDays: 14,
  row: funnelRow([3, 3, 2, 2, 2, 0, 4, 5], [2, 1, 1, 1, 1, 0, 4, 0]),
  stuck: stuckOrgs(10),
  ...over,
});

const input = (over: Partial<ReportInput> = {}): ReportInput => ({
  lang: 'en',
  region: { code: '54', name: 'Новосибирская область', timeZone: 'Asia/Novosibirsk' },
  week: '2026-W47',
  weekStart: '2026-11-16',
  partial: false,
  previousWeek: '2026-W46',
  nextWeek: '2026-W48',
  regionRow: { ...row('54', 'region'), level: 'region' },
  municipalities: [row('54-m01', 'Новосибирск'), row('54-m02', '<script>alert(1)</script> & "Бердск"')],
  minTeacherDenominator: 5,
  trend: [point('2026-W47', '2026-11-16')],
  funnel: funnel(),
  generatedAt: '2026-11-29T00:00:00.000Z',
  assets: '/report/assets',
  ...over,
});

/** The reference region's week of the domain brief: 94% active schools, 52 and 66 of 16,010 teachers. */
const reference = (): Pick<ReportInput, 'regionRow' | 'municipalities'> => {
  const base = row('54-m01', 'Новосибирск');
  const r: KpiRow = {
    ...base,
    kpis: {
      ...base.kpis,
      active_schools: { numerator: 944, denominator: 1004, value: 94.02, band: 'good', previous: 93.5 },
      teachers_10_messages: { numerator: 52, denominator: 16_010, value: 0.32, band: 'below_norm', previous: null },
      teachers_1_call: { numerator: 66, denominator: 16_010, value: 0.41, band: 'below_norm', previous: 0.4 },
    },
    counters: { ...base.counters, orgs: 1_004, registered_teachers: 16_010 },
  };
  return { regionRow: { ...r, level: 'region' }, municipalities: [r] };
};

/** The small cell of a municipality with `teachers` registered teachers. */
const smallCell = (teachers: number, minimum: number): KpiRow => {
  const withheld = { numerator: null, denominator: teachers, value: null, band: null, previous: 20, suppressed: 'small_cell' as const };
  return {
    ...row('54-m03', 'Маслянино'),
    kpis: { ...row('x', 'x').kpis, teachers_10_messages: withheld, teachers_1_call: withheld },
    counters: { ...row('x', 'x').counters, registered_teachers: teachers, teachers_3_messages: null, teachers_10_messages: null, teachers_1_call: null, active_teachers: null },
    suppressed: 'small_cell',
    minTeacherDenominator: minimum,
  };
};

const cellOf = (html: string, kpi: string) => html.match(new RegExp(`<td[^>]*data-kpi="${kpi}"[^>]*>[^<]*</td>`))![0];
const chartOf = (html: string, kpi: string) => html.match(new RegExp(`<figure class="chart" data-kpi="${kpi}"[^>]*>.*?</figure>`))![0];
/** The data the page's script draws its charts from. */
const seriesOf = (html: string) =>
  JSON.parse(html.match(/const SERIES = (.*);\n/)![1]!) as { kpi: string; values: (number | null)[]; lower: (number | null)[]; upper: (number | null)[] }[];

describe('report page', () => {
  it('renders one row per municipality with the band as a class and the value as text', () => {
    const html = renderReport(input());
    expect(/<table id="municipalities">[\s\S]*?<\/table>/.exec(html)![0].match(/<tr data-id=/g)).toHaveLength(2);
    expect(html).toContain('<td class="num band band-below_norm" data-kpi="active_schools" data-value="50" data-band="below_norm"');
    expect(html).toContain('>25.00%</td>');
    expect(html).toContain('data-kpi="teachers_1_call" data-value="" data-band=""');
    expect(html).toContain('>—</td>');
  });

  it('escapes every text from the registry, in the page and in the script data', () => {
    for (const lang of ['ru', 'en'] as const) {
      const html = renderReport(input({ lang, trend: [{ ...point('</script><b>', '2026-11-16'), edges: { ...FEDERAL, teachers_1_call: { lower: '"><i>', upper: '1' } } }] }));
      expect(html).not.toContain('<script>alert(1)</script>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Бердск&quot;');
      expect(html).not.toContain('</script><b>');
      expect(html).not.toContain('"><i>');
      expect(chartOf(html, 'teachers_1_call')).toContain('data-lower="&quot;&gt;&lt;i&gt;"');
    }
    expect(escapeHtml(`<a href='x'>&</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('loads the chart library from its own assets, and says when the week is not over', () => {
    const html = renderReport(input({ partial: true, nextWeek: null }));
    expect(html).toContain('<script src="/report/assets/uPlot.iife.min.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('the week is not over');
    expect(html).not.toContain('rel="next"');
    expect(renderReport(input({ lang: 'ru', partial: true }))).toContain('неделя ещё не закончилась');
  });

  it('a small cell shows the reason in words and no band colour; its organization indicator keeps its band', () => {
    const small = smallCell(4, 5);
    const html = renderReport(input({ municipalities: [small], regionRow: { ...small, level: 'region' } }));
    const cell = cellOf(html, 'teachers_10_messages');
    expect(cell).toContain('data-suppressed="small_cell"');
    expect(cell).toContain('data-band=""');
    expect(cell).not.toMatch(/band-(good|average|below_norm|none)/);
    expect(cell).toContain('>fewer than 5 teachers</td>');
    expect(html).toContain('<td class="num band band-below_norm" data-kpi="active_schools" data-value="50" data-band="below_norm"');
    expect(html).toContain('<div class="card suppressed" data-kpi="teachers_1_call" data-suppressed="small_cell">');
    expect(html).toContain('small cell: fewer than 5 teachers');
    expect(html).toContain('Fewer than 5 teachers</span>: a small cell');
  });

  describe('in Russian', () => {
    const html = renderReport(input({ lang: 'ru', ...reference() }));

    it('says so to the browser, and titles the page in Russian', () => {
      expect(html).toMatch(/^<!doctype html>\n<html lang="ru">/);
      expect(html).toContain('<title>Новосибирская область: неделя 2026-W47 — показатели «Сферума»</title>');
      expect(html).toContain('Неделя 2026-W47 (с понедельника 16.11.2026), часовой пояс Asia/Novosibirsk');
      // Made at 00:00 UTC: 07:00 in Novosibirsk.
      expect(html).toContain('сформировано 29.11.2026 07:00 (Asia/Novosibirsk)');
      // What a reader sees (text and tooltips; the script and the class names aside) has no English word of the page.
      const seen = [...html.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, '').replace(/<[^>]*>/g, ' ').split(/\s+/), ...[...html.matchAll(/title="([^"]*)"/g)].map((m) => m[1]!)].join(' ');
      expect(seen).toContain('ниже нормы');
      expect(seen).not.toMatch(/\b(good|average|below|norm|Week|Municipality|fewer|teachers|withheld|generated|edge)\b/i);
    });

    it('names the indicators with their official wording, in the cards, the charts and the table', () => {
      for (const name of [
        'Доля активных школ (есть 2 и более пользователей)',
        'Учителя, написавшие не менее 10 сообщений в групповых чатах за неделю',
        'Учителя, совершившие не менее 1 звонка за неделю',
      ]) {
        expect(html).toContain(`<div class="card-title">${name}</div>`);
        expect(html).toContain(`<figcaption>${name}, 12 недель</figcaption>`);
        expect(html).toContain(`<th>${name}</th>`);
      }
      expect(html).toContain('<th>Муниципальное образование</th><th>Организации</th><th>Зарегистрированные учителя</th>');
    });

    it('writes numbers and percentages as Russian readers do, and the bands in words', () => {
      // 52 of 16,010 is 0.32%, below norm (the brief's worked example).
      expect(html).toContain('<div class="card-value">0,32\u00a0%</div><div class="card-band">ниже нормы · 52 из 16\u00a0010</div>');
      expect(html).toContain('<div class="card-value">94,02\u00a0%</div><div class="card-band">хороший · 944 из 1\u00a0004</div>');
      expect(html).toContain('<td class="num">1\u00a0004</td><td class="num">16\u00a0010</td>');
      expect(cellOf(html, 'teachers_1_call')).toContain('title="66 / 16\u00a0010, ниже нормы; неделей ранее 0,40\u00a0%">0,41\u00a0%</td>');
      expect(html).toContain('<span class="band-good">хороший</span><span class="band-average">средний</span><span class="band-below_norm">ниже нормы</span>');
      expect(renderReport(input({ lang: 'ru', regionRow: { ...row('54', 'region'), level: 'region', kpis: { ...row('x', 'x').kpis, active_schools: kpi(70, 'average') } } }))).toContain(
        '<div class="card-band">средний · 1 из 2</div>',
      );
    });

    it('says in Russian why a small cell shows no share, with the number in the right case', () => {
      const words = (teachers: number, minimum: number) => {
        const small = smallCell(teachers, minimum);
        const page = renderReport(input({ lang: 'ru', municipalities: [small], regionRow: { ...small, level: 'region' } }));
        return { cell: cellOf(page, 'teachers_10_messages'), page };
      };
      const { cell, page } = words(4, 5);
      expect(cell).toContain('title="малая группа: менее 5 педагогов (в знаменателе 4), поэтому доля не показывается">менее 5 педагогов</td>');
      expect(cell).toContain('data-suppressed="small_cell" ');
      expect(page).toContain('<div class="card-value">не показано</div><div class="card-band">малая группа: менее 5 педагогов</div>');
      expect(page).toContain('<span class="suppressed">Менее 5 педагогов</span>: малая группа');
      expect(words(0, 1).cell).toContain('>менее 1 педагога</td>');
      expect(words(3, 11).cell).toContain('>менее 11 педагогов</td>');
      expect(words(3, 21).cell).toContain('>менее 21 педагога</td>');
      expect(words(1, 2).cell).toContain('>менее 2 педагогов</td>');
    });

    it('links the weeks in Russian and offers the English page', () => {
      expect(html).toContain('<a href="?region=54&amp;week=2026-W46" rel="prev">← 2026-W46</a>');
      expect(html).toContain('<a href="?region=54&amp;week=2026-W47&amp;lang=en" hreflang="en" lang="en" rel="alternate">English</a>');
      const en = renderReport(input({ lang: 'en' }));
      expect(en).toMatch(/^<!doctype html>\n<html lang="en">/);
      expect(en).toContain('<a href="?region=54&amp;week=2026-W46&amp;lang=en" rel="prev">');
      expect(en).toContain('<a href="?region=54&amp;week=2026-W47" hreflang="ru" lang="ru" rel="alternate">Русский</a>');
    });
  });

  describe('the onboarding funnel', () => {
    const stepsOf = (html: string) =>
      [...html.matchAll(/<tr data-step="(\d)" data-id="(\w+)"><td class="name">([^<]*)<\/td><td class="bar" title="([^"]*)">.*?<rect class="bar-fill" width="([\d.]+)".*?<span class="bar-share">([^<]*)<\/span><\/td><td class="num" data-count="reached">([^<]*)<\/td><td class="num" data-count="atStep">([^<]*)<\/td><td class="num[^"]*" data-count="stuck">([^<]*)<\/td><\/tr>/g)].map(
        (m) => m.slice(1),
      );
    const stuckIds = (html: string) => [...(/<table id="funnel-stuck">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '').matchAll(/<tr data-id="([^"]+)"/g)].map((m) => m[1]);

    it('in Russian: its heading, totals and instant, a bar per step of the share that reached it, with reached, at the step and stuck', () => {
      const html = renderReport(input({ lang: 'ru' }));
      expect(html).toContain('<h2 id="funnel-heading">Воронка подключения</h2>');
      // The week ends on Monday 00:00 in Novosibirsk: 17:00 UTC on Sunday.
      expect(html).toContain('<p class="sub">Организаций – 23; не начинали подключение – 2; прошли все 8 шагов – 5 · На 23.11.2026 00:00 (Asia/Novosibirsk), конец недели</p>');
      expect(html).toContain('<tr><th>Шаг подключения</th><th>Доля организаций, дошедших до шага</th><th>Дошли до шага</th><th>На шаге</th><th>На шаге более 14 дней</th></tr>');
      expect(stepsOf(html)).toEqual([
        ['1', 'list_collected', '1. Собран список организаций без профиля и контакты администраторов', `21 из 23 (91,30${_}%)`, '91.3', `91,30${_}%`, '21', '3', '2'],
        ['2', 'passed_to_coordinators', '2. Список передан федеральным координаторам, профиль создан', `18 из 23 (78,26${_}%)`, '78.26', `78,26${_}%`, '18', '3', '1'],
        ['3', 'admins_informed', '3. Администраторы проинформированы о регистрации', `15 из 23 (65,22${_}%)`, '65.22', `65,22${_}%`, '15', '2', '1'],
        ['4', 'admin_registered', '4. Администратор зарегистрировался', `13 из 23 (56,52${_}%)`, '56.52', `56,52${_}%`, '13', '2', '1'],
        ['5', 'structure_built', '5. Создана структура организации и ссылки-приглашения', `11 из 23 (47,83${_}%)`, '47.83', `47,83${_}%`, '11', '2', '1'],
        ['6', 'staff_registered', '6. Сотрудники зарегистрировались', `9 из 23 (39,13${_}%)`, '39.13', `39,13${_}%`, '9', '0', '0'],
        ['7', 'staff_active', '7. Сотрудники пользуются мессенджером или веб-версией', `9 из 23 (39,13${_}%)`, '39.13', `39,13${_}%`, '9', '4', '4'],
        ['8', 'chats_created', '8. Созданы чаты коллектива и классов', `5 из 23 (21,74${_}%)`, '21.74', `21,74${_}%`, '5', '5', '0'],
      ]);
      // Stuck counts above zero stand out; none is drawn from an asset.
      expect(html).toContain('<td class="num stuck-some" data-count="stuck">4</td>');
      expect(html).toContain('<td class="num" data-count="stuck">0</td>');
      expect(html).not.toMatch(/https?:\/\//);
    });

    it('the organizations stuck at their step, longest first, escaped, with their municipality, category, step and since when', () => {
      const html = renderReport(input({ lang: 'ru' }));
      expect(html).toContain('<h3 id="funnel-stuck-heading">Организации на шаге более 14 дней – 10</h3>');
      expect(html).toContain('<tr><th>Организация</th><th>Муниципальное образование</th><th>Категория</th><th>Шаг подключения</th><th>На шаге с</th><th>Дней на шаге</th></tr>');
      expect(stuckIds(html)).toEqual(stuckOrgs(10).map((o) => o.orgId));
      expect(html).toContain(
        '<tr data-id="dod-000" data-step="1"><td class="name">&lt;b&gt;ДДТ&lt;/b&gt; &amp; &quot;Юность&quot;</td><td>Маслянинский район</td><td>Доп. образование детей</td>' +
          '<td>1. Собран список организаций без профиля и контакты администраторов</td><td class="num">27.03.2023</td><td class="num" data-count="days">49</td></tr>',
      );
      expect(html).not.toContain('<b>ДДТ</b>');
      expect(html).not.toContain('<p class="more">');
      expect(html).toContain('<p class="funnel-note">Воронка подключения: шаг организации — последний из 8 шагов');
    });

    it('at most 50 stuck organizations, then how many more with a link to them all; none stuck says so', () => {
      const many = renderReport(input({ lang: 'ru', funnel: funnel({ stuck: stuckOrgs(72) }) }));
      expect(stuckIds(many)).toEqual(stuckOrgs(50).map((o) => o.orgId));
      expect(many).toContain('<h3 id="funnel-stuck-heading">Организации на шаге более 14 дней – 72</h3>');
      expect(many).toContain('<p class="more">и ещё 22 организации: <a href="/v1/funnel?region=54&amp;week=2026-W47">JSON</a></p>');
      const en = renderReport(input({ lang: 'en', funnel: funnel({ stuck: stuckOrgs(51) }) }));
      expect(en).toContain('<p class="more">and 1 more: <a href="/v1/funnel?region=54&amp;week=2026-W47&amp;lang=en">JSON</a></p>');
      const none = renderReport(input({ lang: 'ru', funnel: funnel({ stuck: [], stuckDays: 21 }) }));
      expect(none).toContain('<p class="none">Нет организаций, которые стоят на шаге более 21 дня.</p>');
      expect(none).not.toContain('id="funnel-stuck"');
    });

    it('in English, and so far while the week is not over; a region without organizations draws empty bars', () => {
      const en = renderReport(input({ lang: 'en' }));
      expect(en).toContain('<h2 id="funnel-heading">Onboarding funnel</h2>');
      expect(en).toContain('Organizations – 23; not started – 2; all 8 steps done – 5 · As at 2026-11-22T17:00:00.000Z, the week&#39;s end');
      expect(stepsOf(en)[3]?.slice(2, 4)).toEqual(['4. Administrator registered', '13 of 23 (56.52%)']);
      expect(en).toContain('<td>Additional education</td>');
      expect(renderReport(input({ lang: 'ru', funnel: funnel({ partial: true, at: '2026-11-20T05:00:00.000Z' }) }))).toContain('На 20.11.2026 12:00 (Asia/Novosibirsk): неделя ещё не закончилась');
      const empty = renderReport(input({ lang: 'ru', funnel: funnel({ row: { ...funnelRow([0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]), organizations: 0, notStarted: 0 }, stuck: [] }) }));
      expect(stepsOf(empty).map((s) => [s[4], s[5]])).toEqual(Array(8).fill(['0', '—']));
    });
  });

  describe('band edges on the trend charts', () => {
    it('puts the edges of the report week on each chart, as attributes and in words', () => {
      const ru = renderReport(input({ lang: 'ru' }));
      expect(chartOf(ru, 'active_schools')).toMatch(/^<figure class="chart" data-kpi="active_schools" data-lower="50" data-upper="90">/);
      expect(chartOf(ru, 'teachers_10_messages')).toContain('<span class="edge edge-lower">нижняя граница 10\u00a0%</span><span class="edge edge-upper">верхняя граница 25\u00a0%</span>');
      expect(chartOf(ru, 'teachers_1_call')).toContain('data-lower="0.5" data-upper="1"');
      expect(chartOf(ru, 'teachers_1_call')).toContain('нижняя граница 0,5\u00a0%');
      const en = renderReport(input({ lang: 'en' }));
      expect(chartOf(en, 'teachers_1_call')).toContain('<span class="edge edge-lower">lower edge 0.5%</span><span class="edge edge-upper">upper edge 1%</span>');
    });

    it('draws each week against the edges in force on its Monday, and none where none was', () => {
      const raised = { ...FEDERAL, teachers_1_call: { lower: '1', upper: '2.5' } };
      const none = { ...FEDERAL, teachers_1_call: null };
      const trend = [point('2026-W45', '2026-11-02', none), point('2026-W46', '2026-11-09'), point('2026-W47', '2026-11-16', raised)];
      const html = renderReport(input({ lang: 'ru', trend }));
      const calls = seriesOf(html).find((s) => s.kpi === 'teachers_1_call')!;
      expect(calls).toEqual({ kpi: 'teachers_1_call', values: [null, null, null], lower: [null, 0.5, 1], upper: [null, 1, 2.5] });
      expect(seriesOf(html).map((s) => s.kpi)).toEqual(['active_schools', 'teachers_10_messages', 'teachers_1_call']);
      // The frame shows the report week's edges (the last point).
      expect(chartOf(html, 'teachers_1_call')).toContain('data-lower="1" data-upper="2.5"');
      expect(chartOf(html, 'teachers_1_call')).toContain('верхняя граница 2,5\u00a0%');
      const withoutThresholds = renderReport(input({ lang: 'ru', trend: [point('2026-W47', '2026-11-16', none)] }));
      expect(chartOf(withoutThresholds, 'teachers_1_call')).toContain('data-lower="" data-upper=""');
      expect(chartOf(withoutThresholds, 'teachers_1_call')).toContain('<span class="edge-none">пороги не заданы</span>');
    });

    it('labels the edge lines in the page language and marks each chart once drawn', () => {
      expect(renderReport(input({ lang: 'ru' }))).toContain('const EDGE_LABELS = {"lower":"нижняя граница","upper":"верхняя граница"};');
      expect(renderReport(input({ lang: 'en' }))).toContain('const EDGE_LABELS = {"lower":"lower edge","upper":"upper edge"};');
      expect(renderReport(input())).toContain("u.root.closest('figure').dataset.drawn = 'true';");
    });
  });
});
