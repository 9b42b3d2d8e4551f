import { bandOf, edgesOf, FEDERAL_THRESHOLDS_2023, InvalidThresholdError, thresholdInForce, type Threshold } from './kpi-bands';
import { compareFractionToPpm, formatPercentPpm, InvalidPercentError, parsePercentPpm, percentRounded } from './percent';

const federal = (kpi: Threshold['kpi']) => {
  const t = thresholdInForce(FEDERAL_THRESHOLDS_2023, kpi, '2023-05-08');
  if (t === undefined) throw new Error('seed missing');
  return edgesOf(t);
};

describe('band edges of the federal indicators', () => {
  it.each([
    // active schools: <=50 below, >=90 good
    ['active_schools', 499, 1000, 'below_norm'],
    ['active_schools', 500, 1000, 'below_norm'],
    ['active_schools', 501, 1000, 'average'],
    ['active_schools', 899, 1000, 'average'],
    ['active_schools', 900, 1000, 'good'],
    ['active_schools', 944, 1004, 'good'],
    // teachers with 10 messages: <=10 below, >=25 good
    ['teachers_10_messages', 1, 10, 'below_norm'],
    ['teachers_10_messages', 1001, 10000, 'average'],
    ['teachers_10_messages', 2499, 10000, 'average'],
    ['teachers_10_messages', 1, 4, 'good'],
    ['teachers_10_messages', 52, 16010, 'below_norm'],
    // teachers with 1 call: <=0.5 below, >=1 good
    ['teachers_1_call', 1, 200, 'below_norm'],
    ['teachers_1_call', 50001, 10_000_000, 'average'],
    ['teachers_1_call', 99999, 10_000_000, 'average'],
    ['teachers_1_call', 1, 100, 'good'],
    ['teachers_1_call', 66, 16010, 'below_norm'],
  ] as const)('%s %d/%d is %s', (kpi, n, d, band) => {
    expect(bandOf(n, d, federal(kpi))).toBe(band);
  });

  it('decides on the exact fraction, not the rounded value', () => {
    // 5001/1000000 = 0.5001% rounds to 0.50 but is above the lower edge.
    expect(percentRounded(5001, 1_000_000)).toBe(0.5);
    expect(bandOf(5001, 1_000_000, federal('teachers_1_call'))).toBe('average');
    // 8999995/10000000 = 89.99995% rounds to 90.00 but is below the upper edge.
    expect(percentRounded(8_999_995, 10_000_000)).toBe(90);
    expect(bandOf(8_999_995, 10_000_000, federal('active_schools'))).toBe('average');
  });

  it('an empty denominator has no band', () => {
    expect(bandOf(0, 0, federal('active_schools'))).toBeNull();
  });

  it('handles national magnitudes exactly', () => {
    // 2.1 million teachers, exactly 1% -> good; one fewer -> average.
    expect(bandOf(21_000, 2_100_000, federal('teachers_1_call'))).toBe('good');
    expect(bandOf(20_999, 2_100_000, federal('teachers_1_call'))).toBe('average');
  });

  it('rejects negative or fractional counts', () => {
    expect(() => bandOf(-1, 10, federal('active_schools'))).toThrow(RangeError);
    expect(() => bandOf(1.5, 10, federal('active_schools'))).toThrow(RangeError);
  });

  it('rejects a threshold whose lower edge is above its upper edge', () => {
    expect(() => edgesOf({ kpi: 'active_orgs', lower: '60', upper: '50', effectiveFrom: '2024-01-01' })).toThrow(InvalidThresholdError);
  });
});

describe('thresholds over time', () => {
  const history: Threshold[] = [
    ...FEDERAL_THRESHOLDS_2023,
    { kpi: 'teachers_1_call', lower: '1', upper: '2', effectiveFrom: '2024-09-02' },
  ];

  it('a week takes the thresholds in force on its Monday', () => {
    expect(thresholdInForce(history, 'teachers_1_call', '2024-08-26')?.upper).toBe('1');
    expect(thresholdInForce(history, 'teachers_1_call', '2024-09-02')?.upper).toBe('2');
    expect(thresholdInForce(history, 'teachers_1_call', '2025-01-06')?.upper).toBe('2');
  });

  it('no threshold before the first effective date', () => {
    expect(thresholdInForce(history, 'teachers_1_call', '2023-03-13')).toBeUndefined();
  });

  it('the same fraction changes band when the thresholds change', () => {
    const before = edgesOf(thresholdInForce(history, 'teachers_1_call', '2024-08-26')!);
    const after = edgesOf(thresholdInForce(history, 'teachers_1_call', '2024-09-02')!);
    expect(bandOf(15, 1000, before)).toBe('good');
    expect(bandOf(15, 1000, after)).toBe('average');
  });

  it('rejects a malformed date', () => {
    expect(() => thresholdInForce(history, 'active_orgs', '2024-9-2')).toThrow(InvalidThresholdError);
  });
});

describe('percent arithmetic', () => {
  it.each([
    ['0.5', 5000n],
    ['1', 10000n],
    ['90', 900000n],
    ['100', 1000000n],
    ['0.0001', 1n],
    ['25.25', 252500n],
  ])('parses %s', (input, ppm) => {
    expect(parsePercentPpm(input)).toBe(ppm);
    expect(parsePercentPpm(formatPercentPpm(ppm))).toBe(ppm);
  });

  it.each(['-1', '100.01', '1e2', 'abc', '', '0.00001', '101'])('rejects %j', (input) => {
    expect(() => parsePercentPpm(input)).toThrow(InvalidPercentError);
  });

  it('formats', () => {
    expect(formatPercentPpm(5000n)).toBe('0.5');
    expect(formatPercentPpm(900000n)).toBe('90');
  });

  it('compares fractions exactly', () => {
    expect(compareFractionToPpm(1, 200, 5000n)).toBe(0);
    expect(compareFractionToPpm(1, 199, 5000n)).toBe(1);
    expect(compareFractionToPpm(1, 201, 5000n)).toBe(-1);
  });

  it('rounds half up to two decimals', () => {
    expect(percentRounded(52, 16010)).toBe(0.32);
    expect(percentRounded(66, 16010)).toBe(0.41);
    expect(percentRounded(944, 1004)).toBe(94.02);
    expect(percentRounded(1, 8)).toBe(12.5);
    expect(percentRounded(1, 80000)).toBe(0); // 0.00125 -> 0.00
    expect(percentRounded(1, 40000)).toBe(0); // 0.0025 -> 0.00
    expect(percentRounded(1, 20000)).toBe(0.01); // 0.005 -> 0.01 (half up)
    expect(percentRounded(3, 40000)).toBe(0.01); // 0.0075 -> 0.01
    expect(percentRounded(0, 0)).toBeNull();
  });
});
