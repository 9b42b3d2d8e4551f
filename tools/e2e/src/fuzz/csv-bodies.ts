import { ORG_CATEGORIES } from '@sferum/contracts';
import { ORGANIZATION_CSV_COLUMNS } from '@sferum/domain';
import fc from 'fast-check';
import { type FuzzWorld } from './fuzz-world';
import { HOSTILE_STRINGS, hostileString } from './hostile-values';

/** A generated body and what it is, for the failure message. */
export interface GeneratedBody {
  readonly body: Buffer;
  readonly note: string;
}

const HEADER = ORGANIZATION_CSV_COLUMNS.join(',');
const FORMULAS = ['=1+1', '=HYPERLINK("http://example.invalid","click")', '+SUM(1,2)', '-2+3', '@cmd', '\t=1', '\r=1', '=cmd|\' /C calc\'!A0'];
const NAMES = ['Школа № 1', 'Лицей "Гармония"', 'Гимназия, № 5', 'МБОУ СОШ №7 им. А.С. Пушкина', 'Colegio 🏫', 'Школа\nс переносом', 'e\u0301cole'];

/** One CSV field, quoted when it must be (RFC 4180). */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Organization CSV files for the import: valid ones (organizations of the
 * seeded municipalities, in their own regions, so an import never moves a
 * municipality by accident and a later valid file is not refused), and
 * hostile ones (formula cells, NUL bytes, broken quoting, wrong headers and
 * line ends, huge fields, impossible numbers, unknown regions, a
 * municipality moved between regions, invalid UTF-8).
 */
export function csvBody(world: FuzzWorld): fc.Arbitrary<GeneratedBody> {
  const municipality = fc.constantFrom(...world.municipalities);
  const orgId = fc.oneof(fc.constantFrom(...world.organizations.map((o) => o.id)), fc.integer({ min: 1, max: 300 }).map((n) => `fz-new-${n}`));
  const validRow = fc
    .record({
      orgId,
      name: fc.oneof({ arbitrary: fc.constantFrom(...NAMES), weight: 3 }, { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), weight: 1 }),
      category: fc.constantFrom(...ORG_CATEGORIES),
      municipality,
      headcount: fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 5_000 }).map(String)),
    })
    .map((r) => [r.orgId, r.name, r.category, r.municipality.id, r.municipality.name, r.municipality.region, r.headcount]);
  const file = (rows: string[][], options: { header?: string; eol?: string } = {}) =>
    [options.header ?? HEADER, ...rows.map((row) => row.map(field).join(','))].join(options.eol ?? '\n') + (options.eol ?? '\n');
  const text = (note: string) => (csv: string) => ({ body: Buffer.from(csv, 'utf8'), note });
  const rows = fc.array(validRow, { minLength: 1, maxLength: 8 });
  const withCell = (value: fc.Arbitrary<string>, note: string) =>
    fc.tuple(rows, fc.nat(), fc.integer({ min: 0, max: ORGANIZATION_CSV_COLUMNS.length - 1 }), value).map(([generated, at, column, cell]) => {
      const r = generated.map((row) => [...row]);
      r[at % r.length]![column] = cell;
      return { body: Buffer.from(file(r), 'utf8'), note: `${note} in column ${ORGANIZATION_CSV_COLUMNS[column]}` };
    });
  return fc.oneof(
    { arbitrary: rows.map((r) => file(r)).map(text('valid CSV')), weight: 10 },
    { arbitrary: rows.map((r) => file(r, { eol: '\r\n' })).map(text('valid CSV, CRLF')), weight: 2 },
    { arbitrary: rows.map((r) => '\ufeff' + file(r)).map(text('valid CSV with a BOM')), weight: 1 },
    { arbitrary: withCell(fc.constantFrom(...FORMULAS), 'a formula cell'), weight: 3 },
    { arbitrary: withCell(hostileString(), 'a hostile cell'), weight: 4 },
    { arbitrary: withCell(fc.constantFrom('1e9', '-0', '-3', '99999999999999999999', '1.5', ' 5', '٥', '0x10', '2147483648'), 'a hostile headcount'), weight: 2 },
    { arbitrary: withCell(fc.constantFrom('99', '00', '5', '054', '54 ', 'ru-54'), 'an unknown region'), weight: 2 },
    { arbitrary: withCell(fc.constant('x'.repeat(100_000)), 'a 100 kB cell'), weight: 1 },
    {
      arbitrary: fc.constantFrom('54', '42').map((region) => text(`municipality fz-move in region ${region}`)(file([['fz-move-1', 'Переезд', 'general', 'fz-move', 'Переезжий район', region, '3']]))),
      weight: 2,
    },
    {
      arbitrary: fc.constantFrom(
        '',
        '\n',
        HEADER,
        `${HEADER}\n`,
        HEADER.toUpperCase() + '\nx,y,general,m,n,54,1\n',
        [...ORGANIZATION_CSV_COLUMNS].reverse().join(',') + '\n1,54,m,n,general,y,x\n',
        `${HEADER},extra\nfz-x,Школа,general,fz-54-a,Фаззинский район,54,1,surplus\n`,
        `${HEADER}\nfz-x,Школа,general,fz-54-a\n`,
        `${HEADER}\nfz-x,"unterminated,general,fz-54-a,Фаззинский район,54,1\n`,
        `${HEADER}\nfz-x,"a"b",general,fz-54-a,Фаззинский район,54,1\n`,
        `${HEADER}\rfz-x,Школа,general,fz-54-a,Фаззинский район,54,1\r`,
        `${HEADER}\nfz-dup,A,general,fz-54-a,Фаззинский район,54,1\nfz-dup,B,general,fz-54-a,Фаззинский район,54,2\n`,
        `${HEADER}\nfz-x\u0000,Школа\u0000,general,fz-54-a,Фаззинский район,54,1\n`,
        `org_id,org_id,org_id\n1,2,3\n`,
        `${HEADER}\n${',,,,,,\n'.repeat(50)}`,
        `${HEADER}\n${'"'.repeat(5_001)}\n`,
        HOSTILE_STRINGS.filter((s) => s.length < 200).join('\n'),
      ).map(text('a malformed file')),
      weight: 4,
    },
    {
      arbitrary: fc.constant(null).map(() => ({
        body: Buffer.concat([Buffer.from(`${HEADER}\nfz-bad-utf8,`), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(',general,fz-54-a,Фаззинский район,54,1\n')]),
        note: 'invalid UTF-8',
      })),
      weight: 1,
    },
    {
      arbitrary: fc.constant(null).map(() => ({
        body: Buffer.from(file(Array.from({ length: 1_000 }, (_, i) => [`fz-bulk-${i}`, `Школа ${i}`, 'general', 'fz-54-b', 'г. Тестовск', '54', String(i % 50)]))),
        note: '1,000 rows',
      })),
      weight: 1,
    },
  );
}
