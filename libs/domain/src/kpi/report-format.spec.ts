import { percentRounded } from './percent';
import { BAND_WORDS, fewerTeachers, formatCount, formatDate, formatInstant, formatPercent, formatPercentDigits, INDICATOR_NAMES, REPORT_INDICATORS, smallCellWords, TARGET_NAMES } from './report-format';

const _ = '\u00a0';

describe('how the reports write the figures', () => {
  it('counts: a no-break space between thousands in Russian, a comma in English; a dash for none', () => {
    expect([0, 52, 1_004, 16_010, 116_288, 1_234_567].map((n) => formatCount(n, 'ru'))).toEqual(['0', '52', `1${_}004`, `16${_}010`, `116${_}288`, `1${_}234${_}567`]);
    expect(formatCount(16_010, 'en')).toBe('16,010');
    expect(formatCount(-1_500, 'ru')).toBe(`−1${_}500`);
    expect(formatCount(null, 'ru')).toBe('—');
  });

  it('percentages: two decimals, a comma and a no-break space before % in Russian', () => {
    expect(formatPercent(0.32, 'ru')).toBe(`0,32${_}%`);
    expect(formatPercent(94, 'ru')).toBe(`94,00${_}%`);
    expect(formatPercent(0.32, 'en')).toBe('0.32%');
    expect(formatPercent(null, 'en')).toBe('—');
    expect(formatPercentDigits('0.5', 'ru')).toBe(`0,5${_}%`);
  });

  it('whole percentages as the slides print them, rounded half-up once from the exact fraction', () => {
    expect(percentRounded(944, 1004, 0)).toBe(94);
    expect(percentRounded(16_010, 21_635, 0)).toBe(74); // 73.99998...
    expect(percentRounded(14_699, 20_000, 0)).toBe(73); // 73.495: 73.50 rounded again would be 74
    expect(percentRounded(1, 2, 0)).toBe(50);
    expect(percentRounded(199, 200, 0)).toBe(100); // 99.5, half up
    expect(percentRounded(14_699, 20_000, 1)).toBe(73.5);
    expect(percentRounded(14_699, 20_000)).toBe(73.5);
    expect(percentRounded(0, 0, 0)).toBeNull();
  });

  it('dates and instants for the readers: the region zone in Russian, ISO in English', () => {
    expect(formatDate('2023-05-08', 'ru')).toBe('08.05.2023');
    expect(formatDate('2023-05-08', 'en')).toBe('2023-05-08');
    expect(formatInstant('2023-05-14T17:30:00.000Z', 'Asia/Novosibirsk', 'ru')).toBe('15.05.2023 00:30 (Asia/Novosibirsk)');
    expect(formatInstant('2023-05-14T17:30:00.000Z', 'Asia/Novosibirsk', 'en')).toBe('2023-05-14T17:30:00.000Z');
  });

  it('a small cell in words, with the minimum in the right case', () => {
    expect([1, 2, 5, 11, 21, 101, 111].map((n) => fewerTeachers(n, 'ru'))).toEqual([
      'менее 1 педагога',
      'менее 2 педагогов',
      'менее 5 педагогов',
      'менее 11 педагогов',
      'менее 21 педагога',
      'менее 101 педагога',
      'менее 111 педагогов',
    ]);
    expect(smallCellWords(5, 'ru')).toBe('малая группа: менее 5 педагогов');
    expect(smallCellWords(5, 'en')).toBe('small cell: fewer than 5 teachers');
  });

  it('band words, the official indicator names, every target named in both languages', () => {
    expect(BAND_WORDS.ru).toEqual({ below_norm: 'ниже нормы', average: 'средний', good: 'хороший' });
    expect(REPORT_INDICATORS.map((i) => [i.kpi, i.name.ru])).toEqual([
      ['active_schools', 'Доля активных школ (есть 2 и более пользователей)'],
      ['teachers_10_messages', 'Учителя, написавшие не менее 10 сообщений в групповых чатах за неделю'],
      ['teachers_1_call', 'Учителя, совершившие не менее 1 звонка за неделю'],
    ]);
    for (const names of [...Object.values(INDICATOR_NAMES), ...Object.values(TARGET_NAMES)]) {
      expect(names.ru).toMatch(/[а-яё]/i);
      expect(names.en).not.toMatch(/[а-яё]/i);
    }
  });
});
