import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { isConnectionReset, retryOnceOnReset } from './connection-reset';
import { IngestClient } from './ingest-client';
import { KpiClient } from './kpi-client';

/** A real HTTP server on 127.0.0.1 that counts the requests and connections it sees. */
interface TestServer {
  readonly url: string;
  readonly server: Server;
  requests: number;
  connections: number;
  /** Resolves when the server has closed the connection it accepted first. */
  readonly firstConnectionClosed: Promise<void>;
}

const servers: Server[] = [];

async function startServer(
  handle: (request: IncomingMessage, response: ServerResponse, seen: TestServer) => void,
  options: { keepAliveTimeout?: number } = {},
): Promise<TestServer> {
  let firstClosed!: () => void;
  const server = createServer(options);
  const seen: TestServer = {
    url: '',
    server,
    requests: 0,
    connections: 0,
    firstConnectionClosed: new Promise<void>((resolve) => (firstClosed = resolve)),
  };
  server.on('connection', (socket) => {
    seen.connections++;
    if (seen.connections === 1) socket.once('close', () => firstClosed());
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    seen.requests++;
    request.resume();
    request.once('end', () => handle(request, response, seen));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(seen, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

const json = (response: ServerResponse, body: unknown): void => {
  response.setHeader('Content-Type', 'application/json');
  response.end(JSON.stringify(body));
};

/** Closes the connection before answering: what a client sees when it reuses a connection the server is closing. */
const hangUp = (request: IncomingMessage): void => {
  request.socket.destroy();
};

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('a connection closed under a request', () => {
  it('is told from other failures', async () => {
    const server = await startServer(hangUp);
    const reset = await fetch(server.url).catch((error: unknown) => error);
    expect(isConnectionReset(reset)).toBe(true);
    const errno = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(`read ${code}`), { code }) });
    expect(isConnectionReset(errno('ECONNRESET'))).toBe(true);
    expect(isConnectionReset(errno('EPIPE'))).toBe(true);
    expect(isConnectionReset(errno('ECONNREFUSED'))).toBe(false);
    expect(isConnectionReset(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe(false);
    expect(isConnectionReset(new Error('boom'))).toBe(false);
    expect(isConnectionReset('other side closed')).toBe(false);
  });

  it('is sent once more, and only once; other failures are not retried', async () => {
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    const scripted = (outcomes: (Error | string)[]) => {
      const calls = { sends: 0, retries: 0 };
      const send = () => {
        calls.sends++;
        const outcome = outcomes.shift() ?? 'ok';
        return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
      };
      return { calls, run: () => retryOnceOnReset(send, () => calls.retries++) };
    };

    const once = scripted([reset, 'answer']);
    await expect(once.run()).resolves.toBe('answer');
    expect(once.calls).toEqual({ sends: 2, retries: 1 });

    const twice = scripted([reset, reset, 'answer']);
    await expect(twice.run()).rejects.toBe(reset);
    expect(twice.calls).toEqual({ sends: 2, retries: 1 });

    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    const other = scripted([refused, 'answer']);
    await expect(other.run()).rejects.toBe(refused);
    expect(other.calls).toEqual({ sends: 1, retries: 0 });
  });
});

describe('the simulator clients against a real server', () => {
  it('KPI client: a request after an idle gap longer than the server keep-alive succeeds', async () => {
    // The server closes an idle connection after 200 ms (Node adds 1 s) and
    // sends no Keep-Alive hint, so the client keeps the connection pooled
    // for its own 4 s: the client idles longer than the server, as in the
    // failure this guards against.
    const server = await startServer(
      (_request, response) => {
        response.setHeader('Connection', 'keep-alive');
        json(response, { items: [] });
      },
      { keepAliveTimeout: 200 },
    );
    const kpi = new KpiClient(server.url, {});
    await expect(kpi.regions()).resolves.toEqual([]);
    await server.firstConnectionClosed; // a real wait, longer than the server's keep-alive timeout
    await expect(kpi.regions()).resolves.toEqual([]);
    expect(server.connections).toBe(2);
  });

  it('KPI client: a GET and the registry import whose connection closes before the answer are sent once more', async () => {
    const server = await startServer((request, response, seen) => {
      if (seen.requests % 2 === 1) hangUp(request);
      else json(response, request.method === 'POST' ? { inserted: 3 } : { items: [] });
    });
    const kpi = new KpiClient(server.url, { admin: 'admin-key' });
    await expect(kpi.regions()).resolves.toEqual([]);
    expect(server.requests).toBe(2);
    await expect(kpi.importRegistry('org_id\nnsk-1\n')).resolves.toEqual({ inserted: 3 });
    expect(server.requests).toBe(4);
  });

  it('KPI client: a second closed connection is reported, after exactly two requests', async () => {
    const server = await startServer(hangUp);
    const kpi = new KpiClient(server.url, {});
    await expect(kpi.thresholds()).rejects.toThrow(`cannot reach the KPI service at ${server.url}: `);
    expect(server.requests).toBe(2);
  });

  it('KPI client: reads with the reader key, imports with the admin key, and waits out a 429', async () => {
    const seen: string[] = [];
    const server = await startServer((request, response, counts) => {
      seen.push(`${request.method} ${request.headers.authorization}`);
      if (counts.requests === 1) {
        response.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'application/problem+json' });
        response.end('{"status":429}');
      } else {
        json(response, request.method === 'POST' ? { inserted: 1 } : { items: [] });
      }
    });
    const kpi = new KpiClient(server.url, { read: 'reader-key', admin: 'admin-key' });
    await expect(kpi.regions()).resolves.toEqual([]);
    await expect(kpi.importRegistry('org_id\nnsk-1\n')).resolves.toEqual({ inserted: 1 });
    expect(seen).toEqual(['GET Bearer reader-key', 'GET Bearer reader-key', 'POST Bearer admin-key']);
  });

  it('ingest client: a batch whose connection closes before the answer is sent again at once', async () => {
    const server = await startServer((request, response, seen) => {
      if (seen.requests === 1) hangUp(request);
      else json(response, { accepted: 2, rejected: 0, rejections: [] });
    });
    const slept: number[] = [];
    const client = new IngestClient({
      ingestUrl: server.url,
      sourceKey: 'k',
      batchSize: 2,
      concurrency: 1,
      ratePerSecond: 0,
      retryForMs: 60_000,
      sleep: (ms) => {
        slept.push(ms);
        return Promise.resolve();
      },
    });
    const event = (id: string) => ({ specversion: '1.0', id, source: 's', type: 'ru.sferum.org.connected', time: '2026-11-20T10:00:00Z', data: { orgId: 'o' } }) as const;
    await client.push([event('e1'), event('e2')]);
    const stats = await client.flush();
    expect(stats).toMatchObject({ events: 2, requests: 2, retries: 1, retriesBy: { reset: 1 } });
    expect(server.requests).toBe(2);
    expect(slept).toEqual([]);
  });
});
