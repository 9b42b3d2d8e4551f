import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';

/** A body as sent: its bytes, the Content-Encoding header (if any), and what the generator made of it. */
export interface EncodedBody {
  readonly body: Buffer;
  readonly contentEncoding?: string | string[];
  readonly note: string;
}

const MiB = 1024 * 1024;
const memo = new Map<string, Buffer>();
const once = (name: string, make: () => Buffer): Buffer => {
  let value = memo.get(name);
  if (value === undefined) memo.set(name, (value = make()));
  return value;
};

/**
 * Small bombs: a few kilobytes that inflate to more than every body limit
 * (ingest: 5 MiB; registry import: 64 MiB), so a service that inflated
 * before counting would show it, while the run stays quick. The gzip one
 * inflates to 8 MiB; the brotli one to 72 MiB (compressed at the fastest
 * level: building it takes milliseconds).
 */
export const bombs = {
  gzip8MiB: () => once('gzip8', () => gzipSync(Buffer.alloc(8 * MiB, 0x30))),
  gzip2MiBSpaces: () => once('gzip2', () => gzipSync(Buffer.alloc(2 * MiB, 0x20))),
  br72MiB: () => once('br72', () => brotliCompressSync(Buffer.alloc(72 * MiB, 0x30), { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } })),
  gzipOfGzip8MiB: () => once('gzgz8', () => gzipSync(gzipSync(Buffer.alloc(8 * MiB, 0x5b)))),
};

const fast = (body: Buffer) => brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });
const as = (body: Buffer, contentEncoding: string | string[] | undefined, note: string): EncodedBody =>
  contentEncoding === undefined ? { body, note } : { body, contentEncoding, note };

/** The ways a client gets Content-Encoding right or wrong, with how often each is sent; built only when chosen. */
const WAYS: readonly { readonly weight: number; readonly make: (plain: Buffer) => EncodedBody }[] = [
  { weight: 60, make: (plain) => as(plain, undefined, 'plain') },
  { weight: 5, make: (plain) => as(gzipSync(plain), 'gzip', 'gzip') },
  { weight: 3, make: (plain) => as(deflateSync(plain), 'deflate', 'deflate') },
  { weight: 3, make: (plain) => as(fast(plain), 'br', 'br') },
  { weight: 2, make: (plain) => as(fast(gzipSync(plain)), 'gzip, br', 'gzip then br') },
  ...['GZIP', ' gzip ', 'gzip;q=1', 'x-gzip'].map((coding) => ({ weight: 1, make: (plain: Buffer) => as(gzipSync(plain), coding, `gzip as ${JSON.stringify(coding)}`) })),
  { weight: 1, make: (plain) => as(plain, 'identity', 'identity') },
  ...['compress', 'zstd', 'chunked', '*', ',', 'gzip, , br', 'ＧＺＩＰ'].map((coding) => ({ weight: 1, make: (plain: Buffer) => as(plain, coding, `unknown coding ${JSON.stringify(coding)}`) })),
  { weight: 2, make: (plain) => as(plain, 'gzip', 'claims gzip, plain bytes') },
  { weight: 1, make: (plain) => { const gz = gzipSync(plain); return as(gz.subarray(0, Math.max(10, Math.floor(gz.length / 2))), 'gzip', 'truncated gzip'); } },
  { weight: 1, make: (plain) => as(Buffer.concat([gzipSync(plain), Buffer.from('trailing garbage')]), 'gzip', 'gzip with trailing garbage') },
  { weight: 1, make: () => as(gzipSync(Buffer.alloc(0)), 'gzip', 'gzip of nothing') },
  { weight: 1, make: (plain) => as(gzipSync(plain), ['gzip', 'gzip'], 'two Content-Encoding headers, one gzip') },
  { weight: 1, make: (plain) => as(deflateSync(plain).subarray(2), 'deflate', 'raw deflate (no zlib header)') },
  { weight: 1, make: () => as(bombs.gzip8MiB(), 'gzip', 'gzip bomb: 8 MiB of "0"') },
  { weight: 1, make: () => as(bombs.gzip2MiBSpaces(), 'gzip', 'gzip bomb: 2 MiB of spaces') },
  { weight: 1, make: () => as(bombs.gzipOfGzip8MiB(), 'gzip, gzip', 'gzip of gzip bomb: 8 MiB of "["') },
  { weight: 1, make: () => as(bombs.br72MiB(), 'br', 'brotli bomb: 72 MiB of "0"') },
];

/** The body compressed (or claimed to be) in one of the ways a client can get it right or wrong. */
export function encodedBody(plain: Buffer): fc.Arbitrary<EncodedBody> {
  return fc.oneof(...WAYS.map((way) => ({ arbitrary: fc.constant(way), weight: way.weight }))).map((way) => way.make(plain));
}
