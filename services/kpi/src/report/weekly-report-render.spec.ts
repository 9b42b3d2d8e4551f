import { type WeeklyReport, type WeeklyReportFunnel, type WeeklyReportSheet } from '@sferum/domain';
import ExcelJS from 'exceljs';
import { BAND_COLOURS, WITHHELD_COLOURS } from './band-colours';
import { renderWeeklyReport } from './weekly-report-page';
import { weeklyReportXlsx } from './weekly-report-xlsx';

/**
 * The two writers of the weekly report (libs/domain/src/kpi/weekly-report.ts
 * decides what it says): the workbook and the printable page, from one
 * report, each checked for what it must keep: every text as given, a tone
 * per cell, a name a spreadsheet or a browser could run kept inert.
 */
const DANGEROUS = '=HYPERLINK("http://x","<script>alert(1)</script>")';

const STEP_NAMES = ['1. Собран список', '2. Список передан', '3. Проинформированы', '4. Администратор', '5. Структура', '6. Сотрудники', '7. Пользуются', '8. Чаты'];

/** A funnel with `stuck` organizations stuck (the first named dangerously), of which the page shows `pageRows`. */
const funnel = (stuck: number, pageRows = 2): WeeklyReportFunnel => ({
  heading: 'Воронка подключения',
  lines: ['Организаций – 23; не начинали подключение – 2; прошли все 8 шагов – 5', 'На 15.05.2023 00:00 (Asia/Novosibirsk), конец недели'],
  steps: {
    header: ['Шаг подключения', 'Дошли до шага', 'На шаге', 'На шаге более 14 дней'],
    rows: STEP_NAMES.map((name, i) => ({
      id: `step${i + 1}`,
      total: false,
      cells: [{ text: name, tone: 'none' }, { text: String(21 - i), count: 21 - i, tone: 'none' }, { text: '1', count: 1, tone: 'none' }, { text: '0', count: 0, tone: 'none' }],
    })),
  },
  stuck: {
    heading: `Организации на шаге более 14 дней – ${stuck}`,
    header: ['Организация', 'Дней на шаге', 'На шаге с', 'Шаг подключения', 'Муниципальное образование', 'Идентификатор организации'],
    rows: Array.from({ length: stuck }, (_, i) => ({
      id: `org-${i}`,
      total: false,
      cells: [
        { text: i === 0 ? DANGEROUS : `Школа ${i}`, tone: 'none' as const },
        { text: String(49 - i), count: 49 - i, tone: 'none' as const },
        { text: '27.03.2023', tone: 'none' as const },
        { text: '1. Собран список', tone: 'none' as const, name: true },
        { text: 'Маслянинский район', tone: 'none' as const, name: true },
        { text: `org-${i}`, tone: 'none' as const, name: true },
      ],
    })),
    none: stuck === 0 ? 'Нет организаций, которые стоят на шаге более 14 дней.' : null,
    pageRows,
    pageMore: stuck > pageRows ? `и ещё ${stuck - pageRows} (полный список — в XLSX)` : null,
  },
});

const sheet = (category: 'general' | 'spo', sheetName: string, funnelOf: WeeklyReportFunnel = category === 'general' ? funnel(3) : funnel(0)): WeeklyReportSheet => ({
  category,
  sheetName,
  title: `Новосибирская область — ${sheetName}`,
  sections: [
    { id: 'counters', heading: 'Основные показатели', blocks: [{ id: 'active_schools', text: 'Активных школ (есть 2 и более пользователей) – 94%', tone: 'none' }] },
    { id: 'targets', heading: 'Федеральные цели (100\u00a0%)', blocks: [] },
    {
      id: 'indicators',
      heading: 'Федеральные показатели с оценкой',
      blocks: [
        { id: 'active_schools', text: 'Доля активных школ – 94,02\u00a0% – хороший', tone: 'good' },
        { id: 'teachers_10_messages', text: 'Учителя … – малая группа: менее 5 педагогов', tone: 'withheld' },
      ],
    },
  ],
  table: {
    heading: 'Муниципальные образования',
    header: ['Муниципальное образование', 'Организации', 'Зарегистрированные учителя', 'A', 'B', 'C'],
    rows: [
      {
        id: 'm1',
        total: false,
        cells: [
          { text: DANGEROUS, tone: 'none' },
          { text: '1\u00a0004', count: 1_004, tone: 'none' },
          { text: '16\u00a0010', count: 16_010, tone: 'none' },
          { text: '80,00\u00a0% – средний', tone: 'average' },
          { text: '0,32\u00a0% – ниже нормы', tone: 'below_norm' },
          { text: 'малая группа: менее 5 педагогов', tone: 'withheld' },
        ],
      },
      {
        id: category,
        total: true,
        cells: [
          { text: 'Итого', tone: 'none' },
          { text: '1\u00a0004', count: 1_004, tone: 'none' },
          { text: '16\u00a0010', count: 16_010, tone: 'none' },
          { text: '94,02\u00a0% – хороший', tone: 'good' },
          { text: '—', tone: 'none' },
          { text: '1,00\u00a0% – хороший', tone: 'good' },
        ],
      },
    ],
  },
  funnel: funnelOf,
  notes: ['Оценка — по федеральным порогам.'],
});

const report = (over: Partial<WeeklyReport> = {}): WeeklyReport => ({
  lang: 'ru',
  region: '54',
  week: '2023-W19',
  month: '2023-04',
  partial: false,
  title: 'Новосибирская область: отчёт «Сферума» за неделю 2023-W19',
  lines: ['Неделя 2023-W19: с 08.05.2023 по 14.05.2023, часовой пояс Asia/Novosibirsk', 'Активность за месяц: апрель 2023'],
  sheets: [sheet('general', 'Общее образование'), sheet('spo', 'СПО')],
  footer: 'Показатели «Сферума» · сформировано 15.05.2023 09:00 (Asia/Novosibirsk)',
  generatedAt: '2023-05-15T02:00:00.000Z',
  ...over,
});

const argb = (hex: string) => `FF${hex.slice(1).toUpperCase()}`;
/** A cell's solid fill as ExcelJS reads it back; undefined for none. */
const fillOf = (cell: ExcelJS.Cell) => (cell.fill?.type === 'pattern' && cell.fill.pattern === 'solid' ? cell.fill.fgColor?.argb : undefined);

async function read(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  return workbook;
}

describe('the weekly report as a workbook', () => {
  it('a sheet per category, each line a merged row, the table cell by cell with a fill per tone, counts as numbers', async () => {
    const workbook = await read(await weeklyReportXlsx(report()));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Общее образование', 'СПО']);
    const ws = workbook.getWorksheet('Общее образование')!;
    const column = (n: number) => ws.getRow(n).getCell(1).value;
    expect([1, 2, 3].map(column)).toEqual([
      'Новосибирская область — Общее образование',
      'Неделя 2023-W19: с 08.05.2023 по 14.05.2023, часовой пояс Asia/Novosibirsk',
      'Активность за месяц: апрель 2023',
    ]);
    expect(ws.getRow(1).getCell(1).font).toMatchObject({ bold: true, size: 14 });
    // Blocks span the table's six columns, so their fill does too.
    expect(ws.getCell('A1').isMerged && ws.getCell('F1').isMerged).toBe(true);
    const texts: { row: number; text: unknown; fill?: string }[] = [];
    ws.eachRow((row, n) => {
      const cell = row.getCell(1);
      const fill = fillOf(cell);
      texts.push({ row: n, text: cell.value, ...(fill === undefined ? {} : { fill }) });
      row.eachCell((c) => expect(c.formula).toBeUndefined());
    });
    expect(texts.find((t) => t.text === 'Доля активных школ – 94,02\u00a0% – хороший')?.fill).toBe(argb(BAND_COLOURS.good.fill));
    expect(texts.find((t) => t.text === 'Учителя … – малая группа: менее 5 педагогов')?.fill).toBe(argb(WITHHELD_COLOURS.fill));
    expect(texts.find((t) => t.text === 'Основные показатели')?.fill).toBeUndefined();
    const header = texts.find((t) => t.text === 'Муниципальное образование')!.row;
    const line = ws.getRow(header + 1);
    // A name a spreadsheet could read as a formula is a text cell, exactly as given.
    expect(line.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(line.getCell(1).value).toBe(DANGEROUS);
    expect([line.getCell(2).value, line.getCell(3).value, line.getCell(2).numFmt]).toEqual([1_004, 16_010, '#,##0']);
    expect([4, 5, 6].map((c) => fillOf(line.getCell(c)))).toEqual([argb(BAND_COLOURS.average.fill), argb(BAND_COLOURS.below_norm.fill), argb(WITHHELD_COLOURS.fill)]);
    const total = ws.getRow(header + 2);
    expect(total.getCell(1)).toMatchObject({ value: 'Итого' });
    expect(total.getCell(1).font?.bold).toBe(true);
    expect([4, 5, 6].map((c) => fillOf(total.getCell(c)))).toEqual([argb(BAND_COLOURS.good.fill), undefined, argb(BAND_COLOURS.good.fill)]);
    expect(ws.getRow(ws.rowCount).getCell(1).value).toBe('Показатели «Сферума» · сформировано 15.05.2023 09:00 (Asia/Novosibirsk)');
    expect(workbook.created.toISOString()).toBe('2023-05-15T02:00:00.000Z');
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
  });

  it('the funnel after the table: its heading and lines, the steps with counts as numbers, every stuck organization (the page shows fewer), or why none', async () => {
    const workbook = await read(await weeklyReportXlsx(report()));
    const general = workbook.getWorksheet('Общее образование')!;
    const values: { row: number; cells: unknown[] }[] = [];
    general.eachRow((row, n) => {
      const cells: unknown[] = [];
      for (let c = 1; c <= 6; c++) {
        const cell = row.getCell(c);
        if (cell.isMerged && cell.master.address !== cell.address) continue;
        if (cell.value !== null && cell.value !== undefined) cells.push(cell.value);
        expect(cell.formula).toBeUndefined();
      }
      values.push({ row: n, cells });
    });
    const at = values.findIndex((v) => v.cells[0] === 'Воронка подключения');
    expect(general.getRow(values[at]!.row).getCell(1).font).toMatchObject({ bold: true, size: 12 });
    // Empty rows are not listed by eachRow: the stuck heading follows the steps' last row directly here.
    expect(values.slice(at, at + 14).map((v) => v.cells)).toEqual([
      ['Воронка подключения'],
      ['Организаций – 23; не начинали подключение – 2; прошли все 8 шагов – 5'],
      ['На 15.05.2023 00:00 (Asia/Novosibirsk), конец недели'],
      ['Шаг подключения', 'Дошли до шага', 'На шаге', 'На шаге более 14 дней'],
      ...STEP_NAMES.map((name, i) => [name, 21 - i, 1, 0]),
      ['Организации на шаге более 14 дней – 3'],
      ['Организация', 'Дней на шаге', 'На шаге с', 'Шаг подключения', 'Муниципальное образование', 'Идентификатор организации'],
    ]);
    // All three stuck organizations, though the page shows two; a name a spreadsheet could run stays text.
    const stuck = values.slice(at + 14, at + 17);
    expect(stuck.map((v) => v.cells)).toEqual([
      [DANGEROUS, 49, '27.03.2023', '1. Собран список', 'Маслянинский район', 'org-0'],
      ['Школа 1', 48, '27.03.2023', '1. Собран список', 'Маслянинский район', 'org-1'],
      ['Школа 2', 47, '27.03.2023', '1. Собран список', 'Маслянинский район', 'org-2'],
    ]);
    const first = general.getRow(stuck[0]!.row);
    expect(first.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect([first.getCell(2).type, first.getCell(2).numFmt]).toEqual([ExcelJS.ValueType.Number, '#,##0']);
    expect([first.getCell(3).alignment, first.getCell(5).alignment]).toEqual([{ horizontal: 'right' }, { wrapText: true, vertical: 'top' }]);
    expect(values[at + 17]?.cells).toEqual(['Оценка — по федеральным порогам.']);

    const spo = workbook.getWorksheet('СПО')!;
    const texts: unknown[] = [];
    spo.eachRow((row) => texts.push(row.getCell(1).value));
    const heading = texts.indexOf('Организации на шаге более 14 дней – 0');
    expect(texts.slice(heading, heading + 3)).toEqual(['Организации на шаге более 14 дней – 0', 'Нет организаций, которые стоят на шаге более 14 дней.', 'Оценка — по федеральным порогам.']);
    expect(texts).not.toContain('Организация');
  });

  it('a region without organizations: one sheet, named by the week, that says so', async () => {
    const workbook = await read(await weeklyReportXlsx(report({ sheets: [], lines: ['Неделя 2023-W19', 'В реестре нет организаций региона.'] })));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['2023-W19']);
    expect(workbook.worksheets[0]!.getRow(3).getCell(1).value).toBe('В реестре нет организаций региона.');
  });
});

describe('the weekly report as a printable page', () => {
  const html = renderWeeklyReport(report());

  it('a section per category, printed from a new A4 portrait page each, in the language of the report', () => {
    expect(html).toMatch(/^<!doctype html>\n<html lang="ru">/);
    expect(html).toContain('@page { size: A4 portrait; margin: 12mm; }');
    expect(html).toContain('.sheet + .sheet { break-before: page; margin-top: 0; }');
    expect([...html.matchAll(/<section class="sheet" data-category="(\w+)">/g)].map((m) => m[1])).toEqual(['general', 'spo']);
    expect(html).toContain('<h1>Новосибирская область: отчёт «Сферума» за неделю 2023-W19</h1>');
    expect(html).toContain('<footer>Показатели «Сферума» · сформировано 15.05.2023 09:00 (Asia/Novosibirsk)</footer>');
    expect(html).not.toContain('<script');
  });

  it('the blocks in their sections, coloured by tone as the report page colours its bands', () => {
    expect(html).toContain(
      '<ul class="blocks" data-section="indicators"><li class="band-good" data-block="active_schools" data-tone="good">Доля активных школ – 94,02\u00a0% – хороший</li><li class="suppressed" data-block="teachers_10_messages" data-tone="withheld">Учителя … – малая группа: менее 5 педагогов</li></ul>',
    );
    expect(html).toContain(`.band-good { background: var(--good-bg); color: var(--good); }`);
    expect(html).toContain(`--good-bg: ${BAND_COLOURS.good.fill};`);
  });

  it('the table: names escaped, counts unbroken, each indicator cell with its tone; the total row marked', () => {
    expect(html).toContain(
      '<tr data-id="m1"><td class="name">=HYPERLINK(&quot;http://x&quot;,&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;)</td><td class="num count">1\u00a0004</td><td class="num count">16\u00a0010</td>' +
        '<td class="num band-average" data-tone="average">80,00\u00a0% – средний</td><td class="num band-below_norm" data-tone="below_norm">0,32\u00a0% – ниже нормы</td>' +
        '<td class="num suppressed" data-tone="withheld">малая группа: менее 5 педагогов</td></tr>',
    );
    expect(html).toContain('<tr data-id="general" class="total"><td class="name">Итого</td>');
    expect(html).toContain('<td class="num plain" data-tone="none">—</td>');
  });

  it('the funnel: the steps as a table of counts, the first stuck organizations with how many more the workbook has, or why none', () => {
    const general = /<section class="sheet" data-category="general">([\s\S]*?)<\/section>/.exec(html)![1]!;
    expect(general).toContain('<h3>Воронка подключения</h3>');
    expect(general).toContain('<p class="funnel-line">Организаций – 23; не начинали подключение – 2; прошли все 8 шагов – 5</p>');
    expect(general).toContain(
      '<table class="funnel-steps" data-category="general">\n      <thead><tr><th>Шаг подключения</th><th>Дошли до шага</th><th>На шаге</th><th>На шаге более 14 дней</th></tr></thead>',
    );
    expect(general).toContain('<tr data-id="step4"><td class="name">4. Администратор</td><td class="num count">18</td><td class="num count">1</td><td class="num count">0</td></tr>');
    expect(general).toContain('<h4>Организации на шаге более 14 дней – 3</h4>');
    const stuck = /<table class="funnel-stuck"[\s\S]*?<\/table>/.exec(general)![0];
    expect([...stuck.matchAll(/<tr data-id="([^"]+)"/g)].map((m) => m[1])).toEqual(['org-0', 'org-1']);
    expect(stuck).toContain(
      '<tr data-id="org-0"><td class="name">=HYPERLINK(&quot;http://x&quot;,&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;)</td><td class="num count">49</td><td class="num plain" data-tone="none">27.03.2023</td>' +
        '<td class="name">1. Собран список</td><td class="name">Маслянинский район</td><td class="name">org-0</td></tr>',
    );
    expect(general).toContain('<p class="more">и ещё 1 (полный список — в XLSX)</p>');
    const spo = /<section class="sheet" data-category="spo">([\s\S]*?)<\/section>/.exec(html)![1]!;
    expect(spo).toContain('<p class="none">Нет организаций, которые стоят на шаге более 14 дней.</p>');
    expect(spo).not.toContain('funnel-stuck');
    const all = renderWeeklyReport(report({ sheets: [sheet('general', 'Общее образование', funnel(3, 50))] }));
    expect([...all.matchAll(/<tr data-id="org-\d+"/g)]).toHaveLength(3);
    expect(all).not.toContain('<p class="more">');
  });

  it('links the weeks around it, the workbook and the other language; no next week while the week is not over', () => {
    expect(html).toContain('<a href="?region=54&amp;week=2023-W18" rel="prev">← 2023-W18</a><a href="?region=54&amp;week=2023-W20" rel="next">2023-W20 →</a>');
    expect(html).toContain('<a href="/v1/report.xlsx?region=54&amp;week=2023-W19" download>Скачать XLSX</a>');
    expect(html).toContain('<a href="?region=54&amp;week=2023-W19&amp;lang=en" hreflang="en" lang="en" rel="alternate">English</a>');
    const partial = renderWeeklyReport(report({ partial: true }));
    expect(partial).not.toContain('rel="next"');
    const en = renderWeeklyReport(report({ lang: 'en', week: '2023-W01' }));
    expect(en).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(en).toContain('<a href="?region=54&amp;week=2022-W52&amp;lang=en" rel="prev">← 2022-W52</a>');
    expect(en).toContain('<a href="/v1/report.xlsx?region=54&amp;week=2023-W01&amp;lang=en" download>Download XLSX</a>');
    expect(en).toContain('<a href="?region=54&amp;week=2023-W01" hreflang="ru" lang="ru" rel="alternate">Русский</a>');
  });
});
