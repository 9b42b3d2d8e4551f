import { Agent, type ClientRequest, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { type FuzzRequest } from './requests';

/** What a service answered to one request, or why it did not. */
export interface Outcome {
  /** The request's place in the generated sequence (with the seed, it reproduces the request). */
  readonly index: number;
  readonly request: FuzzRequest;
  readonly status?: number;
  readonly headers: IncomingHttpHeaders;
  /** The first bytes of the body (enough to check a problem document). */
  readonly body: Buffer;
  readonly error?: string;
}

const KEPT_BODY_BYTES = 256 * 1024;
const ANSWER_TIMEOUT_MS = 60_000;

/**
 * Sends the requests in their order, at most `concurrency` in flight in
 * all, over keep-alive connections; resolves when every one has an
 * outcome. A request never rejects: no answer is an outcome too.
 */
export async function sendAll(requests: readonly FuzzRequest[], baseUrls: Readonly<Record<string, string>>, concurrency: number): Promise<Outcome[]> {
  const agents = new Map(Object.keys(baseUrls).map((service) => [service, new Agent({ keepAlive: true, maxSockets: concurrency })]));
  const outcomes: Outcome[] = new Array<Outcome>(requests.length);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests.length) {
          const index = next++;
          const r = requests[index]!;
          const baseUrl = baseUrls[r.route.service];
          if (baseUrl === undefined) throw new Error(`no URL for the service ${r.route.service}`);
          outcomes[index] = await send(index, r, baseUrl, agents.get(r.route.service)!);
        }
      }),
    );
  } finally {
    for (const agent of agents.values()) agent.destroy();
  }
  return outcomes;
}

/**
 * One request. A keep-alive connection the server closed after its last
 * answer (as it may after a 4xx whose body it did not read) can fail the
 * next request sent on it before the close arrives: such a request (on a
 * reused connection, reset before any answer) is sent once more on a new
 * connection, as HTTP clients do (RFC 9112, 9.3.1). Any other failure to
 * answer is the outcome.
 */
function send(index: number, r: FuzzRequest, baseUrl: string, agent: Agent | false): Promise<Outcome> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    let request: ClientRequest;
    try {
      request = httpRequest({ host: url.hostname, port: url.port, method: r.method, path: r.path, headers: r.headers, agent });
    } catch (error) {
      // The client itself refuses it (a character Node will not put in a request line): a generator's mistake, shown as such.
      settle({ index, request: r, headers: {}, body: Buffer.alloc(0), error: `the client refused to send it: ${(error as Error).message}` });
      return;
    }
    request.setTimeout(ANSWER_TIMEOUT_MS, () => request.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS / 1000} s`)));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      response.on('data', (chunk: Buffer) => {
        if (kept < KEPT_BODY_BYTES) chunks.push(chunk);
        kept += chunk.length;
      });
      const done = () => settle({ index, request: r, status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).subarray(0, KEPT_BODY_BYTES) });
      response.on('end', done);
      // The server may close the connection right after its answer (an early 4xx before the body was read).
      response.on('error', done);
      response.on('aborted', done);
    });
    request.on('error', (error) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (!settled && agent !== false && request.reusedSocket && code === 'ECONNRESET') {
        settled = true;
        resolve(send(index, r, baseUrl, false));
        return;
      }
      settle({ index, request: r, headers: {}, body: Buffer.alloc(0), error: `${code ?? ''} ${error.message}`.trim() });
    });
    if (r.body === undefined) {
      request.end();
    } else if (r.chunked) {
      // Node frames a GET, DELETE or OPTIONS body in chunks only when asked to (it sends none by default).
      request.setHeader('transfer-encoding', 'chunked');
      request.write(r.body.subarray(0, Math.ceil(r.body.length / 2)));
      request.end(r.body.subarray(Math.ceil(r.body.length / 2)));
    } else {
      request.setHeader('content-length', r.body.length);
      request.end(r.body);
    }
  });
}
