import { TEST_NOW } from '@sferum/testing';
import { deadLetter, refusedRowDeadLetter, type RecordOrigin } from './dead-letter';

const origin: RecordOrigin = { topic: 'sferum.activity.v1', partition: 2, offset: '41', key: Buffer.from('k'), value: Buffer.from('{"eventId":"x"}') };

describe('dead letters', () => {
  it('carry the record untouched, the reason and where it came from', () => {
    expect(deadLetter(origin, 'not JSON', new Date(TEST_NOW))).toEqual({
      key: origin.key,
      value: origin.value,
      headers: {
        reason: 'not JSON',
        'origin-topic': 'sferum.activity.v1',
        'origin-partition': '2',
        'origin-offset': '41',
        'dead-lettered-at': new Date(TEST_NOW).toISOString(),
      },
    });
  });

  it('of a row ClickHouse refused, carry its message in the reason and its code and name apart', () => {
    const letter = refusedRowDeadLetter(
      origin,
      { kind: 'refused', code: 395, name: 'FUNCTION_THROW_IF_VALUE_IS_NON_ZERO', message: "Value passed to 'throwIf' function is non zero" },
      new Date(TEST_NOW),
    );
    expect(letter.value).toBe(origin.value);
    expect(letter.headers).toMatchObject({
      reason: "ClickHouse refused the row: Value passed to 'throwIf' function is non zero",
      'clickhouse-code': '395',
      'clickhouse-error': 'FUNCTION_THROW_IF_VALUE_IS_NON_ZERO',
      'origin-offset': '41',
    });
  });
});
