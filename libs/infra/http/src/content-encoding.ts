import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ProblemException } from './problem.filter';

/**
 * Request bodies with a Content-Encoding (RFC 9110 8.4): what an upstream
 * pushing thousands of events a request sends. The body is decoded as a
 * stream, and the size limit holds for both sizes: the bytes received and
 * the bytes decoded. A small gzip bomb (kilobytes that inflate to
 * gigabytes) is cut off at the limit with a 413, holding at most the limit
 * plus a chunk in memory, instead of filling the heap.
 */
export const CONTENT_CODINGS = ['gzip', 'deflate', 'br'] as const;
export type ContentCoding = (typeof CONTENT_CODINGS)[number];

const ALIASES: Readonly<Record<string, ContentCoding>> = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate', br: 'br' };
const ACCEPT_ENCODING = CONTENT_CODINGS.join(', ');

/** A body stream as Fastify's body reader expects it after a preParsing hook (it checks Content-Length against receivedEncodedLength). */
export type DecodedBody = Readable & { receivedEncodedLength: number };

/**
 * The codings of a Content-Encoding value, in the order the sender applied
 * them (`identity` dropped). An unknown coding is a 415 problem whose
 * Accept-Encoding header lists the supported ones (RFC 9110 15.5.16).
 */
export function contentCodings(header: string | readonly string[] | undefined): ContentCoding[] {
  if (header === undefined) return [];
  const names = (typeof header === 'string' ? [header] : header)
    .flatMap((value) => value.split(','))
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0 && name !== 'identity');
  return names.map((name) => {
    const coding = ALIASES[name];
    if (coding === undefined) {
      throw new ProblemException(415, `Content-Encoding ${name} is not supported; send the body as ${CONTENT_CODINGS.join(', ')} or uncompressed`, {}, {
        'Accept-Encoding': ACCEPT_ENCODING,
      });
    }
    return coding;
  });
}

/**
 * The body of `raw` decoded from `codings` (applied by the sender in this
 * order, so undone in reverse). Fails with a 413 problem as soon as the
 * received or the decoded bytes exceed `limitBytes`, with a 400 problem
 * when the body is not valid data of its coding. On failure the decoders
 * are destroyed and the rest of the request is drained (not kept), so the
 * client still reads the answer; the raw request itself is never destroyed.
 */
export function decodedBody(raw: Readable, codings: readonly ContentCoding[], limitBytes: number): DecodedBody {
  let started = false;
  let failed = false;
  let decodedBytes = 0;

  const received = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      output.receivedEncodedLength += chunk.length;
      if (output.receivedEncodedLength > limitBytes) done(tooLarge(limitBytes, 'received'));
      else done(null, chunk);
    },
  });
  const decoders = [...codings].reverse().map((coding) => decoderOf(coding).on('error', (error: Error) => fail(notDecodable(coding, error))));
  const output: Transform & DecodedBody = Object.assign(
    new Transform({
      // Nothing flows before the body reader asks for data: by then it
      // listens for errors, so a failure always reaches it.
      read(size: number) {
        if (!started) {
          started = true;
          raw.pipe(received);
        }
        Transform.prototype._read.call(this, size);
      },
      transform(chunk: Buffer, _encoding, done: TransformCallback) {
        decodedBytes += chunk.length;
        done(null, decodedBytes > limitBytes ? undefined : chunk);
        if (decodedBytes > limitBytes) fail(tooLarge(limitBytes, 'decompressed'));
      },
    }),
    { receivedEncodedLength: 0 },
  );
  received.on('error', (error: Error) => fail(error));

  function fail(error: Error): void {
    if (failed) return;
    failed = true;
    if (started) raw.unpipe(received);
    raw.resume();
    for (const decoder of decoders) decoder.destroy();
    received.destroy();
    output.destroy(error);
  }

  let tail: Readable = received;
  for (const decoder of decoders) tail = tail.pipe(decoder);
  tail.pipe(output);
  return output;
}

function decoderOf(coding: ContentCoding): Transform {
  switch (coding) {
    case 'gzip':
      return createGunzip();
    case 'deflate':
      // RFC 9110 8.4.1.2: "deflate" is the zlib format (RFC 1950).
      return createInflate();
    case 'br':
      return createBrotliDecompress();
  }
}

function tooLarge(limitBytes: number, which: 'received' | 'decompressed'): ProblemException {
  return new ProblemException(413, `the ${which} body is larger than the limit of ${limitBytes} bytes`);
}

function notDecodable(coding: ContentCoding, error: Error): ProblemException {
  return new ProblemException(400, `the body is not valid ${coding} data (Content-Encoding: ${coding}): ${error.message}`);
}
