import { Readable } from 'node:stream';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { contentCodings, decodedBody } from './content-encoding';
import { ProblemException } from './problem.filter';

const body = Buffer.from(JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: `e-${i}`, data: { userId: `u-${i}` } }))));

/** A request body arriving in chunks. */
const rawOf = (bytes: Buffer, chunkBytes = 16 * 1024) => {
  let at = 0;
  const stream = new Readable({
    read() {
      if (at >= bytes.length) {
        this.push(null);
        return;
      }
      const chunk = bytes.subarray(at, at + chunkBytes);
      at += chunk.length;
      this.push(chunk);
    },
  });
  return { stream };
};

/** Reads the decoded body as Fastify does (data events); resolves with its bytes or the error. */
const readAll = (stream: Readable): Promise<{ bytes: number; text: string } | { error: unknown; bytes: number }> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      chunks.push(chunk);
    });
    stream.on('end', () => resolve({ bytes, text: Buffer.concat(chunks).toString('utf8') }));
    stream.on('error', (error) => resolve({ error, bytes }));
  });

const statusOf = (error: unknown): number | undefined => (error instanceof ProblemException ? error.getStatus() : undefined);

describe('Content-Encoding of request bodies', () => {
  it.each([
    ['gzip', gzipSync(body)],
    ['x-gzip', gzipSync(body)],
    ['deflate', deflateSync(body)],
    ['br', brotliCompressSync(body)],
    ['deflate, gzip', gzipSync(deflateSync(body))],
    ['identity, GZIP', gzipSync(body)],
  ])('decodes %s, counting the bytes received for the Content-Length check', async (header, encoded) => {
    const { stream } = rawOf(encoded);
    const decoded = decodedBody(stream, contentCodings(header), 1024 * 1024);
    const result = await readAll(decoded);
    expect(result).toEqual({ bytes: body.length, text: body.toString('utf8') });
    expect(decoded.receivedEncodedLength).toBe(encoded.length);
  });

  it('no header or identity: nothing to decode', () => {
    expect(contentCodings(undefined)).toEqual([]);
    expect(contentCodings('identity')).toEqual([]);
  });

  it('an unsupported coding is a 415 that lists the supported ones in Accept-Encoding', () => {
    for (const header of ['zstd', 'compress', 'gzip, zstd']) {
      let thrown: unknown;
      try {
        contentCodings(header);
      } catch (error) {
        thrown = error;
      }
      expect(statusOf(thrown)).toBe(415);
      expect((thrown as ProblemException).headers).toEqual({ 'Accept-Encoding': 'gzip, deflate, br' });
    }
  });

  it('a bomb is cut off at the limit: 413, at most the limit passed on, the rest of the compressed body not decoded', async () => {
    // 256 MiB of spaces in 256 gzip members (RFC 1952 2.2), about 270 KB.
    const member = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    const bomb = Buffer.concat(Array.from({ length: 256 }, () => member));
    const limit = 1024 * 1024;
    const decoded = decodedBody(rawOf(bomb, 1024).stream, ['gzip'], limit);
    const result = await readAll(decoded);
    expect('error' in result && statusOf(result.error)).toBe(413);
    expect(result.bytes).toBeLessThanOrEqual(limit);
    // Decoding stopped near the limit: the decoders were fed a small part of
    // the bomb (what fits in the stream buffers); the rest of the request is
    // drained, never decoded.
    expect(decoded.receivedEncodedLength).toBeLessThan(bomb.length / 4);
  });

  it('more bytes received than the limit is a 413 too, whatever they decode to', async () => {
    const encoded = gzipSync(Buffer.from(Array.from({ length: 40_000 }, (_, i) => String(i * 7919)).join(',')));
    const result = await readAll(decodedBody(rawOf(encoded).stream, ['gzip'], 1024));
    expect('error' in result && statusOf(result.error)).toBe(413);
  });

  it.each([
    ['gzip', Buffer.from('not gzip at all')],
    ['deflate', deflateRawSync(body)],
    ['br', Buffer.from([0xff, 0xff, 0xff, 0xff])],
    ['gzip', gzipSync(body).subarray(0, 100)],
  ] as const)('a body that is not valid %s is a 400 problem, not a 500', async (coding, encoded) => {
    const result = await readAll(decodedBody(rawOf(encoded).stream, [coding], 1024 * 1024));
    expect('error' in result && statusOf(result.error)).toBe(400);
    expect('error' in result && (result.error as ProblemException).message).toBeDefined();
  });
});
