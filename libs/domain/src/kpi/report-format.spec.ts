import { percentRounded } from './percent';
import {
  BAND_WORDS,
  fewerTeachers,
  formatCount,
  formatDate,
  formatInstant,
  formatLocalDay,
  formatPercent,
  formatPercentDigits,
  FUNNEL_WORDS,
  funnelStepLabel,
  INDICATOR_NAMES,
  REPORT_INDICATORS,
  russianPlural,
  smallCellWords,
  TARGET_NAMES,
} from './report-format';

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

  it("an instant's day in the region's zone: the date only, whatever the hour", () => {
    // 17:00 UTC is midnight in Novosibirsk (UTC+7): the next day there.
    expect(formatLocalDay('2023-03-26T17:00:00.000Z', 'Asia/Novosibirsk', 'ru')).toBe('27.03.2023');
    expect(formatLocalDay('2023-03-26T16:59:59.999Z', 'Asia/Novosibirsk', 'ru')).toBe('26.03.2023');
    expect(formatLocalDay('2023-03-26T17:00:00.000Z', 'Asia/Novosibirsk', 'en')).toBe('2023-03-27');
    expect(formatLocalDay('2023-03-26T17:00:00.000Z', 'Europe/Kaliningrad', 'ru')).toBe('26.03.2023');
  });

  it('a Russian noun after a number, and the days of the funnel after "более"', () => {
    const forms = (n: number) => `${n} ${russianPlural(n, 'организация', 'организации', 'организаций')}`;
    expect([0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 112, 1_000].map(forms)).toEqual([
      '0 организаций',
      '1 организация',
      '2 организации',
      '4 организации',
      '5 организаций',
      '11 организаций',
      '12 организаций',
      '14 организаций',
      '21 организация',
      '22 организации',
      '25 организаций',
      '101 организация',
      '111 организаций',
      '112 организаций',
      '1000 организаций',
    ]);
    expect([1, 2, 11, 14, 21, 31, 111].map((n) => FUNNEL_WORDS.ru.stuck(n))).toEqual([
      'На шаге более 1 дня',
      'На шаге более 2 дней',
      'На шаге более 11 дней',
      'На шаге более 14 дней',
      'На шаге более 21 дня',
      'На шаге более 31 дня',
      'На шаге более 111 дней',
    ]);
    expect([FUNNEL_WORDS.en.stuck(1), FUNNEL_WORDS.en.stuck(14)]).toEqual(['At it for more than 1 day', 'At it for more than 14 days']);
    expect([FUNNEL_WORDS.ru.more(1), FUNNEL_WORDS.ru.more(3), FUNNEL_WORDS.ru.more(1_250), FUNNEL_WORDS.en.more(1_250)]).toEqual([
      'и ещё 1 организация',
      'и ещё 3 организации',
      `и ещё 1${_}250 организаций`,
      'and 1,250 more',
    ]);
  });

  it("the funnel's steps numbered, under the names of the coordinators' materials", () => {
    expect(funnelStepLabel(4, 'admin_registered', 'ru')).toBe('4. Администратор зарегистрировался');
    expect(funnelStepLabel(8, 'chats_created', 'en')).toBe('8. Chats of the staff and the classes created');
    expect(FUNNEL_WORDS.ru.heading).toBe('Воронка подключения');
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
