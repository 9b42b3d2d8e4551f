/**
 * The terminal table of a week by municipality: the three indicators with
 * their bands in colour (green good, yellow average, red below norm), and
 * the band's name when the output is not a colour terminal.
 */
import { type ApiKpiAnswer } from './kpi-client';

const COLOURS: Record<string, string> = { good: '\x1b[32m', average: '\x1b[33m', below_norm: '\x1b[31m' };
const SHORT: Record<string, string> = { good: 'good', average: 'avg', below_norm: 'LOW' };
/** The band words padded to one width, so the figures stand in one column whatever the band. */
const SHORT_WIDTH = Math.max(...Object.values(SHORT).map((w) => w.length));
const COLUMNS = [
  ['active_schools', 'active schools'],
  ['teachers_10_messages', 'teachers 10+ msgs'],
  ['teachers_1_call', 'teachers 1+ call'],
] as const;

export function municipalityTable(answer: ApiKpiAnswer, colour: boolean): string {
  const cell = (kpi: { value: number | null; band: string | null } | undefined, width: number): string => {
    // Without colour the band word follows the figure: the figure is right-aligned before it.
    const figureWidth = colour ? width : width - SHORT_WIDTH - 1;
    const word = (band: string | null) => (colour ? '' : ` ${(band === null ? '' : (SHORT[band] ?? band)).padEnd(SHORT_WIDTH)}`);
    if (kpi === undefined || kpi.value === null) return `${'—'.padStart(figureWidth)}${word(null)}`;
    const text = `${kpi.value.toFixed(2)}%`.padStart(figureWidth);
    if (kpi.band === null) return `${text}${word(null)}`;
    if (colour) return `${COLOURS[kpi.band] ?? ''}${text}\x1b[0m`;
    return `${text}${word(kpi.band)}`;
  };
  const nameWidth = Math.min(36, Math.max(12, ...answer.rows.map((r) => r.name.length)));
  const widths = COLUMNS.map(([, title]) => Math.max(title.length, colour ? 8 : 13));
  const lines: string[] = [];
  lines.push(`${'municipality'.padEnd(nameWidth)}  ${'orgs'.padStart(5)}  ${'teachers'.padStart(8)}  ${COLUMNS.map(([, t], i) => t.padStart(widths[i]!)).join('  ')}`);
  lines.push('-'.repeat(lines[0]!.length));
  for (const row of answer.rows) {
    const name = row.name.length > nameWidth ? `${row.name.slice(0, nameWidth - 1)}…` : row.name.padEnd(nameWidth);
    lines.push(
      `${name}  ${String(row.counters['orgs'] ?? 0).padStart(5)}  ${String(row.counters['registered_teachers'] ?? 0).padStart(8)}  ${COLUMNS.map(([kpi], i) => cell(row.kpis[kpi], widths[i]!)).join('  ')}`,
    );
  }
  return lines.join('\n');
}

export function bandCounts(answer: ApiKpiAnswer, kpi: string): Record<string, number> {
  const counts: Record<string, number> = { good: 0, average: 0, below_norm: 0 };
  for (const row of answer.rows) {
    const band = row.kpis[kpi]?.band;
    if (band !== null && band !== undefined) counts[band] = (counts[band] ?? 0) + 1;
  }
  return counts;
}
