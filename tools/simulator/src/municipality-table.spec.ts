import { type ApiKpiAnswer } from './kpi-client';
import { municipalityTable } from './municipality-table';

const kpi = (value: number | null, band: string | null) => ({ value, band });
const row = (name: string, bands: [number | null, string | null][]) => ({
  level: 'municipality',
  id: name,
  name,
  counters: { orgs: 3, registered_teachers: 120 },
  kpis: { active_schools: kpi(...bands[0]!), teachers_10_messages: kpi(...bands[1]!), teachers_1_call: kpi(...bands[2]!) },
});
const answer = {
  region: '54',
  week: '2026-W47',
  partial: false,
  rows: [
    row('Новосибирск', [[94.55, 'good'], [10.89, 'average'], [0.98, 'average']]),
    row('Искитим', [[89.66, 'average'], [5, 'below_norm'], [null, null]]),
    row('Бердск', [[100, 'good'], [25, 'good'], [1.5, null]]),
  ],
} as unknown as ApiKpiAnswer;

describe('the municipality table', () => {
  it('without colour, every figure ends in the same column whatever the band word', () => {
    const lines = municipalityTable(answer, false).split('\n').slice(2);
    expect(lines).toHaveLength(3);
    for (const column of [0, 1, 2]) {
      const ends = lines.map((l) => {
        const figures = [...l.matchAll(/(\d+\.\d{2}%|—)/g)];
        return figures[column]!.index + figures[column]![0].length;
      });
      expect(new Set(ends).size).toBe(1);
    }
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[1]).toContain('89.66% avg ');
    expect(lines[1]).toContain('5.00% LOW ');
  });

  it('in colour, figures are right-aligned under their titles', () => {
    const plain = municipalityTable(answer, true).replace(/\x1b\[\d+m/g, '').split('\n');
    expect(new Set(plain.slice(2).map((l) => l.length)).size).toBe(1);
    expect(plain[2]!.length).toBe(plain[0]!.length);
  });
});
