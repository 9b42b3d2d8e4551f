import fc from 'fast-check';
import { ORG_CATEGORIES } from '@sferum/contracts';
import { CsvSyntaxError, formatCsvLine, neutralizeFormula, opensAsFormula, parseCsv } from './csv';
import { formatOrganizationCsv, ORGANIZATION_CSV_COLUMNS, validateOrganizationCsv, type OrganizationRecord } from './organization-csv';

const HEADER = ORGANIZATION_CSV_COLUMNS.join(',');
/** The export's header: every column, the organization facts last. */
const EXPORT_HEADER = `${HEADER},connected,journal_linked,gov_label,list_collected,passed_to_coordinators,admins_informed,structure_built`;
/** A registry date of an onboarding step, or none. */
const registryDate = fc.option(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), { nil: null });
const context = { knownRegions: new Set(['54', '42']) };
const file = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';

describe('parseCsv', () => {
  it('reads quoted fields, doubled quotes, CRLF, a BOM, and line numbers', () => {
    const text = '\ufeffa,b\r\n"x, y","say ""hi"""\r\n"multi\nline",z\n\nlast,row';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['multi\nline', 'z'] },
      { line: 6, fields: ['last', 'row'] },
    ]);
  });

  it('keeps empty fields', () => {
    expect(parseCsv('a,,c,\n')).toEqual([{ line: 1, fields: ['a', '', 'c', ''] }]);
  });

  it.each([
    ['"open', 'a quoted field is not closed'],
    ['"a"b,c', 'text after a closing quote'],
    ['a"b,c', 'a quote inside an unquoted field'],
  ])('rejects %j', (text, reason) => {
    expect(() => parseCsv(text)).toThrow(CsvSyntaxError);
    expect(() => parseCsv(text)).toThrow(reason);
  });

  it('reads back whatever it writes (text a spreadsheet could run with its leading quote)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 20 }), (rows) => {
        const text = rows.map((r) => formatCsvLine(r)).join('');
        const parsed = parseCsv(text).map((r) => r.fields);
        // A record that is one empty field is an empty line: skipped by design.
        expect(parsed).toEqual(rows.filter((r) => !(r.length === 1 && r[0] === '')).map((r) => r.map(neutralizeFormula)));
      }),
    );
  });
});

describe('validateOrganizationCsv', () => {
  it('accepts a good file', () => {
    const result = validateOrganizationCsv(
      file(
        'sch-1,"Школа № 1, Новосибирск",general,nsk-city,г. Новосибирск,54,120',
        'col-7,Колледж,spo,nsk-city,г. Новосибирск,54,',
        'kem-3,Школа,general,kem-1,Кемерово,42,0',
      ),
      context,
    );
    expect(result.problems).toEqual([]);
    expect(result.records).toEqual([
      { orgId: 'sch-1', orgName: 'Школа № 1, Новосибирск', category: 'general', municipalityId: 'nsk-city', municipalityName: 'г. Новосибирск', regionCode: '54', teacherHeadcount: 120, facts: {}, onboarding: {} },
      { orgId: 'col-7', orgName: 'Колледж', category: 'spo', municipalityId: 'nsk-city', municipalityName: 'г. Новосибирск', regionCode: '54', teacherHeadcount: null, facts: {}, onboarding: {} },
      { orgId: 'kem-3', orgName: 'Школа', category: 'general', municipalityId: 'kem-1', municipalityName: 'Кемерово', regionCode: '42', teacherHeadcount: 0, facts: {}, onboarding: {} },
    ]);
  });

  it('reads the optional columns of the onboarding steps as the dates they were done, empty not yet; without one, states nothing of it', () => {
    const text = [`${HEADER},structure_built,connected,list_collected`, 'sch-1,Школа,general,nsk-city,Н,54,120,2023-04-03,1,2023-02-28', 'sch-2,Школа,general,nsk-city,Н,54,,,0,2024-02-29'].join('\n');
    const result = validateOrganizationCsv(text, context);
    expect(result.problems).toEqual([]);
    expect(result.records.map((r) => [r.facts, r.onboarding])).toEqual([
      [{ connected: true }, { structure_built: '2023-04-03', list_collected: '2023-02-28' }],
      [{ connected: false }, { structure_built: null, list_collected: '2024-02-29' }],
    ]);
    const bad = (value: string) => validateOrganizationCsv(`${HEADER},admins_informed\nsch-1,Школа,general,nsk-city,Н,54,120,${value}\n`, context).problems;
    for (const value of ['2023-02-30', '2023-2-01', '01.03.2023', '1', '1999-12-31', '2100-01-01', '2023-13-01']) {
      expect(bad(value)).toEqual([
        { line: 2, column: 'admins_informed', reason: `must be the date the step was done, YYYY-MM-DD (2000 to 2099), or empty (not yet), got "${value}"` },
      ]);
    }
    expect(bad('2099-12-31')).toEqual([]);
    expect(validateOrganizationCsv(`${HEADER},list_collected,list_collected\n`, context).problems).toHaveLength(1);
  });

  it('reads the optional columns of the organization facts, in any order, 1 yes and 0 or empty no; without one, states nothing of it', () => {
    const text = [`${HEADER},gov_label,connected`, 'sch-1,Школа,general,nsk-city,Н,54,120,1,', 'sch-2,Школа,general,nsk-city,Н,54,,0,1'].join('\n');
    const result = validateOrganizationCsv(text, context);
    expect(result.problems).toEqual([]);
    expect(result.records.map((r) => r.facts)).toEqual([
      { gov_label: true, connected: false },
      { gov_label: false, connected: true },
    ]);
    expect(validateOrganizationCsv(`${HEADER},journal_linked\nsch-1,Школа,general,nsk-city,Н,54,120,да\n`, context).problems).toEqual([
      { line: 2, column: 'journal_linked', reason: 'must be 1 (yes), 0 or empty (no), got "да"' },
    ]);
    expect(validateOrganizationCsv(`${HEADER},journal_linked\nsch-1,Школа,general,nsk-city,Н,54,120\n`, context).problems).toEqual([
      { line: 2, column: null, reason: 'expected 8 fields, found 7' },
    ]);
  });

  it('names every bad row with its line, column and reason, and applies nothing', () => {
    const result = validateOrganizationCsv(
      file(
        'ok-1,Школа,general,m1,М1,54,10',
        'bad-cat,Школа,university,m1,М1,54,10',
        'bad-region,Школа,general,m1,М1,99,10',
        'bad-count,Школа,general,m1,М1,54,-5',
        'ok-1,Школа,general,m1,М1,54,10',
        'bad id!,Школа,general,m1,М1,54,10',
        'short,row',
        'bad-mun,Школа,general,m1,Другое имя,54,10',
        'frac,Школа,general,m1,М1,54,1.5',
        'noname,,general,m1,М1,54,',
      ),
      context,
    );
    expect(result.records).toEqual([]);
    expect(result.problems).toEqual([
      { line: 3, column: 'category', reason: expect.stringContaining('unknown category "university"') },
      { line: 4, column: 'region_code', reason: 'unknown region code "99"' },
      { line: 5, column: 'teacher_headcount', reason: 'must not be negative (got -5)' },
      { line: 6, column: 'org_id', reason: 'duplicate org_id "ok-1", first on line 2' },
      { line: 7, column: 'org_id', reason: expect.stringContaining('must be 1 to 128 characters') },
      { line: 8, column: null, reason: 'expected 7 fields, found 2' },
      { line: 9, column: 'municipality_name', reason: expect.stringContaining('municipality "m1" is "М1" in region 54 on line 2') },
      { line: 10, column: 'teacher_headcount', reason: 'must be a whole number or empty (got "1.5")' },
      { line: 11, column: 'org_name', reason: 'must not be empty' },
    ]);
  });

  it.each(['=', '+', '-', '@'])('refuses names and ids that begin with %j, each with its line and column', (c) => {
    const result = validateOrganizationCsv(
      file(
        `ok-1,Школа,general,m1,М1,54,10`,
        `o-2,"${c}HYPERLINK(""http://evil.example"")",general,m1,М1,54,10`,
        `o-3,Школа,general,m2,${c}1+1,54,10`,
        `o-4,Школа;${c}1+1,general,m1,М1,54,10`,
        ...(c === '-' ? ['-5,Школа,general,m1,М1,54,10', 'o-6,Школа,general,-m3,М3,54,10'] : []),
      ),
      context,
    );
    expect(result.records).toEqual([]);
    const formula = expect.stringContaining('a spreadsheet opening the export would read it as a formula');
    expect(result.problems).toEqual([
      { line: 3, column: 'org_name', reason: formula },
      { line: 4, column: 'municipality_name', reason: formula },
      { line: 5, column: 'org_name', reason: formula },
      ...(c === '-'
        ? [
            { line: 6, column: 'org_id', reason: 'must not begin with "-": a spreadsheet opening the export would read it as a formula' },
            { line: 7, column: 'municipality_id', reason: 'must not begin with "-": a spreadsheet opening the export would read it as a formula' },
          ]
        : []),
    ]);
    expect(result.problems[0]?.reason).toBe(
      'must not begin with =, +, -, @, a tab or a carriage return, nor have one right after a semicolon: a spreadsheet opening the export would read it as a formula',
    );
  });

  it('refuses a tab or a carriage return where a spreadsheet would start a cell (the edges are trimmed first)', () => {
    const result = validateOrganizationCsv(file('o-1,"Школа;\t=1",general,m1,М1,54,1', 'o-2,Школа,general,m1,"М1;\r+1",54,1', 'o-3,"\t=1+1",general,m1,М1,54,1'), context);
    expect(result.problems.map((p) => [p.line, p.column])).toEqual([
      [2, 'org_name'],
      [3, 'municipality_name'],
      [4, 'org_name'],
    ]);
  });

  it('accepts names with those characters inside, where no spreadsheet starts a cell', () => {
    const result = validateOrganizationCsv(file('o-1,Школа - филиал,general,m1,"М1, г. Новосибирск",54,1', 'o-2,"a=b, x@y, 1+1",general,m1,"М1, г. Новосибирск",54,1'), context);
    expect(result.problems).toEqual([]);
  });

  it('rejects a wrong header, an empty file and broken quoting with the line', () => {
    const reason = `the header must be ${HEADER}, then any of connected, journal_linked, gov_label, list_collected, passed_to_coordinators, admins_informed, structure_built (each once, in any order)`;
    expect(validateOrganizationCsv('id,name\n', context).problems).toEqual([{ line: 1, column: null, reason }]);
    expect(validateOrganizationCsv(`${HEADER},connected,connected\n`, context).problems).toEqual([{ line: 1, column: null, reason }]);
    expect(validateOrganizationCsv(`${HEADER},label\n`, context).problems).toEqual([{ line: 1, column: null, reason }]);
    expect(validateOrganizationCsv('', context).problems[0]?.reason).toContain('empty');
    expect(validateOrganizationCsv(file('a,"broken,general,m,M,54,1'), context).problems).toEqual([
      { line: 2, column: null, reason: 'a quoted field is not closed' },
    ]);
  });

  it('reports progress', () => {
    const rows = Array.from({ length: 12_000 }, (_, i) => `o${i},Школа,general,m1,М1,54,1`);
    const seen: number[] = [];
    validateOrganizationCsv(file(...rows), context, (done) => seen.push(done));
    expect(seen).toEqual([5000, 10000, 12000]);
  });
});

describe('formatOrganizationCsv', () => {
  const record = fc.record<OrganizationRecord>({
    orgId: fc.stringMatching(/^[A-Za-z0-9._:][A-Za-z0-9._:-]{0,19}$/),
    orgName: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s.length > 0 && !opensAsFormula(s)),
    category: fc.constantFrom(...ORG_CATEGORIES),
    municipalityId: fc.constantFrom('m1', 'm2'),
    municipalityName: fc.constant('М'),
    regionCode: fc.constant('54'),
    teacherHeadcount: fc.option(fc.nat(100_000), { nil: null }),
    facts: fc.record({ connected: fc.boolean(), journal_linked: fc.boolean(), gov_label: fc.boolean() }),
    onboarding: fc.record({
      list_collected: registryDate,
      passed_to_coordinators: registryDate,
      admins_informed: registryDate,
      structure_built: registryDate,
    }),
  });

  it('export -> import -> export gives the same bytes', () => {
    fc.assert(
      fc.property(fc.uniqueArray(record, { selector: (r) => r.orgId, maxLength: 30 }), (records) => {
        const exported = formatOrganizationCsv(records);
        const imported = validateOrganizationCsv(exported, context);
        expect(imported.problems).toEqual([]);
        expect(formatOrganizationCsv(imported.records)).toBe(exported);
      }),
    );
  });

  it('export neutralizes what the import refuses, so a file it accepts needs nothing neutralized', () => {
    const legacy = { orgId: 'o-1', orgName: '=1+1', category: 'general', municipalityId: 'm', municipalityName: 'М;@x', regionCode: '54', teacherHeadcount: 7, facts: { journal_linked: true }, onboarding: { admins_informed: '2023-03-01' } } as const;
    const exported = formatOrganizationCsv([legacy]);
    expect(exported).toBe(`${EXPORT_HEADER}\no-1,"'=1+1",general,m,"М;'@x",54,7,0,1,0,,,2023-03-01,\n`);
    // Neutralized, it imports (the quote is part of the name now) and exports to the same bytes.
    const imported = validateOrganizationCsv(exported, context);
    expect(imported.problems).toEqual([]);
    expect(imported.records[0]).toMatchObject({ orgName: "'=1+1", municipalityName: "М;'@x" });
    expect(formatOrganizationCsv(imported.records)).toBe(exported);
  });

  it('orders rows by org_id', () => {
    const csv = formatOrganizationCsv([
      { orgId: 'b', orgName: 'B', category: 'general', municipalityId: 'm', municipalityName: 'M', regionCode: '54', teacherHeadcount: null, facts: {}, onboarding: {} },
      { orgId: 'a', orgName: 'A, "quoted"', category: 'spo', municipalityId: 'm', municipalityName: 'M', regionCode: '54', teacherHeadcount: 3, facts: { connected: true }, onboarding: { list_collected: '2023-02-28', structure_built: null } },
    ]);
    expect(csv).toBe(`${EXPORT_HEADER}\na,"A, ""quoted""",spo,m,M,54,3,1,0,0,2023-02-28,,,\nb,B,general,m,M,54,,0,0,0,,,,\n`);
  });
});
