import { IDENTIFIER_SCHEMA } from './events/event-schemas';
import { IDENTIFIER_PATTERN, ISO_DATE_PATTERN, ISO_WEEK_PATTERN, REGION_CODE_PATTERN } from './patterns';

describe('identifier patterns', () => {
  it('the event contract publishes the same identifier pattern the code checks', () => {
    expect(IDENTIFIER_SCHEMA.pattern).toBe(IDENTIFIER_PATTERN.source);
  });
  it('accept the documented forms and nothing around them', () => {
    expect(['nsk-sch.1', 'a:b_c', 'x'.repeat(128)].every((v) => IDENTIFIER_PATTERN.test(v))).toBe(true);
    expect(['', 'x'.repeat(129), 'a b', 'школа'].some((v) => IDENTIFIER_PATTERN.test(v))).toBe(false);
    expect(REGION_CODE_PATTERN.test('54')).toBe(true);
    expect(['5', '540', ' 54'].some((v) => REGION_CODE_PATTERN.test(v))).toBe(false);
    expect(ISO_WEEK_PATTERN.exec('2026-W47')?.slice(1)).toEqual(['2026', '47']);
    expect(ISO_WEEK_PATTERN.test('2026-47')).toBe(false);
    expect(ISO_DATE_PATTERN.exec('2023-03-17')?.slice(1)).toEqual(['2023', '03', '17']);
    expect(ISO_DATE_PATTERN.test('2023-3-17')).toBe(false);
  });
});
