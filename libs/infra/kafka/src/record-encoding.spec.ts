import { createRecord, readRecord, Reader, Writer, type MessageRecord } from '@platformatic/kafka';
import { HeaderBytes } from './durable-producer';

/**
 * The producer's record encoding is patched (libs/infra/kafka/patches): one
 * buffer a record instead of one per field. These tests hold it to the
 * encoding of @platformatic/kafka 1.35.0 byte for byte (upstream's
 * createRecord, as it was, is `upstreamRecord` below) and to its reader.
 */
function upstreamRecord(message: MessageRecord, offsetDelta: number, firstTimestamp: bigint): Buffer {
  return Writer.create()
    .appendInt8(0)
    .appendVarInt64((message.timestamp ?? BigInt(Date.now())) - firstTimestamp)
    .appendVarInt(offsetDelta)
    .appendVarIntBytes(message.key)
    .appendVarIntBytes(message.value)
    .appendVarIntMap(message.headers, (w, [key, value]) => {
      w.appendVarIntBytes(key).appendVarIntBytes(value);
    })
    .prependVarIntLength().buffer;
}

const nineHeaders = new Map<Buffer, Buffer>(
  ['schema', 'type', 'content-type', 'ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time', 'ce_dataschema'].map((name, i) => [Buffer.from(name), Buffer.from(`value ${i} `.repeat(i + 1))]),
);

const cases: { name: string; message: MessageRecord; offsetDelta: number; delta: bigint }[] = [
  { name: 'a record with nine headers', message: { topic: 't', key: Buffer.from('k'.repeat(32)), value: Buffer.from('v'.repeat(300)), headers: nineHeaders }, offsetDelta: 5, delta: 0n },
  { name: 'no key, no header', message: { topic: 't', value: Buffer.from('{}'), headers: new Map() }, offsetDelta: 0, delta: 0n },
  { name: 'headers absent', message: { topic: 't', key: Buffer.from('k'), value: Buffer.from('x') }, offsetDelta: 63, delta: 1n },
  { name: 'an empty value and an empty header', message: { topic: 't', key: Buffer.alloc(0), value: Buffer.alloc(0), headers: new Map([[Buffer.from('h'), Buffer.alloc(0)]]) }, offsetDelta: 64, delta: -1n },
  { name: 'a value of 20,000 bytes (three-byte lengths)', message: { topic: 't', key: Buffer.from('key'), value: Buffer.alloc(20_000, 7), headers: nineHeaders }, offsetDelta: 8_191, delta: 123_456n },
  { name: 'a large offset delta and a delta of a day', message: { topic: 't', key: Buffer.from('key'), value: Buffer.from('x'.repeat(127)), headers: nineHeaders }, offsetDelta: 100_000, delta: 86_400_000n },
  { name: 'a value of 70,000 bytes, a negative delta', message: { topic: 't', value: Buffer.alloc(70_000, 1), headers: nineHeaders }, offsetDelta: 2_000_000, delta: -86_400_000n },
];

describe('record encoding of the producer (patched @platformatic/kafka)', () => {
  const first = 1_764_547_200_000n;

  it.each(cases)('is byte for byte upstream\'s: $name', ({ message, offsetDelta, delta }) => {
    const withTime = { ...message, timestamp: first + delta };
    expect(createRecord(withTime, offsetDelta, first).buffer.equals(upstreamRecord(withTime, offsetDelta, first))).toBe(true);
  });

  it.each(cases)('reads back with upstream\'s reader: $name', ({ message, offsetDelta, delta }) => {
    const record = readRecord(Reader.from(createRecord({ ...message, timestamp: first + delta }, offsetDelta, first).buffer));
    expect(record.timestampDelta).toBe(delta);
    expect(record.offsetDelta).toBe(offsetDelta);
    expect(record.key).toEqual(message.key ?? null);
    expect(record.value).toEqual(message.value);
    expect(record.headers).toEqual([...(message.headers ?? new Map<Buffer, Buffer>()).entries()]);
  });

  it('makes one buffer a record (the patch is applied)', () => {
    expect(createRecord({ ...cases[0]!.message, timestamp: first }, 0, first).dynamicBuffer.buffers).toHaveLength(1);
  });
});

describe('HeaderBytes', () => {
  it('encodes a name and a repeated header\'s value once, any other value every time', () => {
    const bytes = new HeaderBytes(['ce_type']);
    expect(bytes.name('ce_id')).toBe(bytes.name('ce_id'));
    expect(bytes.value('ce_type', 'ru.sferum.message.sent')).toBe(bytes.value('ce_type', 'ru.sferum.message.sent'));
    expect(bytes.value('ce_id', 'abc')).not.toBe(bytes.value('ce_id', 'abc'));
    expect(bytes.value('ce_id', 'abc').toString()).toBe('abc');
    expect(bytes.value('ce_type', 'тип').toString()).toBe('тип');
  });

  it('keeps at most MAX_ENTRIES texts; past that, it still answers right', () => {
    const bytes = new HeaderBytes(['h']);
    for (let i = 0; i < HeaderBytes.MAX_ENTRIES; i++) bytes.value('h', `v${i}`);
    const late = 'not kept';
    expect(bytes.value('h', late)).not.toBe(bytes.value('h', late));
    expect(bytes.value('h', late).toString()).toBe(late);
    expect(bytes.value('h', 'v0')).toBe(bytes.value('h', 'v0'));
  });
});
