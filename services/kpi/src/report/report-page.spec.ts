import { type KpiRow } from '@sferum/domain';
import { escapeHtml, renderReport, type ReportInput } from './report-page';

const kpi = (value: number | null, band: 'good' | 'average' | 'below_norm' | null) => ({ numerator: 1, denominator: 2, value, band, previous: null });
const row = (id: string, name: string): KpiRow => ({
  level: 'municipality',
  id,
  name,
  kpis: { active_schools: kpi(50, 'below_norm'), active_orgs: kpi(90, 'good'), teachers_10_messages: kpi(25, 'good'), teachers_1_call: kpi(null, null) },
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

const input = (over: Partial<ReportInput> = {}): ReportInput => ({
  region: { code: '54', name: 'Новосибирская область', timeZone: 'Asia/Novosibirsk' },
  week: '2026-W47',
  weekStart: '2026-11-16',
  partial: false,
  previousWeek: '2026-W46',
  nextWeek: '2026-W48',
  regionRow: { ...row('54', 'region'), level: 'region' },
  municipalities: [row('54-m01', 'Новосибирск'), row('54-m02', '<script>alert(1)</script> & "Бердск"')],
  minTeacherDenominator: 5,
  trend: [{ week: '2026-W47', weekStart: '2026-11-16', values: { active_schools: 50, teachers_10_messages: 25, teachers_1_call: null } }],
  generatedAt: '2026-11-29T00:00:00.000Z',
  assets: '/report/assets',
  ...over,
});

describe('report page', () => {
  it('renders one row per municipality with the band as a class and the value as text', () => {
    const html = renderReport(input());
    expect(html.match(/<tr data-id=/g)).toHaveLength(2);
    expect(html).toContain('<td class="num band band-below_norm" data-kpi="active_schools" data-value="50" data-band="below_norm"');
    expect(html).toContain('>25.00%</td>');
    expect(html).toContain('data-kpi="teachers_1_call" data-value="" data-band=""');
    expect(html).toContain('>—</td>');
  });

  it('escapes every text from the registry, in the page and in the script data', () => {
    const html = renderReport(input({ trend: [{ week: '</script><b>', weekStart: '2026-11-16', values: {} }] }));
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Бердск&quot;');
    expect(html).not.toContain('</script><b>');
    expect(escapeHtml(`<a href='x'>&</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('loads the chart library from its own assets, and says when the week is not over', () => {
    const html = renderReport(input({ partial: true, nextWeek: null }));
    expect(html).toContain('<script src="/report/assets/uPlot.iife.min.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('the week is not over');
    expect(html).not.toContain('rel="next"');
  });

  it('a small cell shows the reason in words and no band colour; its organization indicator keeps its band', () => {
    const withheld = { numerator: null, denominator: 4, value: null, band: null, previous: 20, suppressed: 'small_cell' as const };
    const small: KpiRow = {
      ...row('54-m03', 'Маслянино'),
      kpis: { ...row('x', 'x').kpis, teachers_10_messages: withheld, teachers_1_call: withheld },
      counters: { ...row('x', 'x').counters, registered_teachers: 4, teachers_3_messages: null, teachers_10_messages: null, teachers_1_call: null, active_teachers: null },
      suppressed: 'small_cell',
      minTeacherDenominator: 5,
    };
    const html = renderReport(input({ municipalities: [small], regionRow: { ...small, level: 'region' } }));
    const cell = html.match(/<td[^>]*data-kpi="teachers_10_messages"[^>]*>[^<]*<\/td>/)![0];
    expect(cell).toContain('data-suppressed="small_cell"');
    expect(cell).toContain('data-band=""');
    expect(cell).not.toMatch(/band-(good|average|below_norm|none)/);
    expect(cell).toContain('>fewer than 5 teachers</td>');
    expect(html).toContain('<td class="num band band-below_norm" data-kpi="active_schools" data-value="50" data-band="below_norm"');
    expect(html).toContain('<div class="card suppressed" data-kpi="teachers_1_call" data-suppressed="small_cell">');
    expect(html).toContain('small cell: fewer than 5 teachers');
    expect(html).toContain('Fewer than 5 teachers</span>: a small cell');
  });
});
