import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, expectEventually, freePort, REPO_ROOT, uniqueName } from '@sferum/testing';

/**
 * A failed start of the compiled KPI service (`npm run build` first) never
 * prints the password of its DATABASE_URL or CLICKHOUSE_URL, in any of the
 * ways a start can fail, and still says what is wrong: a URL that does not
 * parse (the configuration is refused), a server that does not answer (the
 * service keeps retrying and says why), and a server that refuses the login.
 */
const PASSWORD = 'Zebra-7731-do-not-print';

interface Run {
  readonly code: number | null;
  readonly output: string;
  readonly ready: { readonly status: number; readonly body: string } | undefined;
}

/**
 * Starts the service with `env`; once it exited, or (`until` a pattern) once
 * its output matches, reads /health/ready if it still runs, stops it and
 * returns all it printed on stdout and stderr.
 */
async function startFailing(env: Record<string, string>, until: RegExp | 'exit'): Promise<Run> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/services/kpi/src/main.js')], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', MONITOR_INTERVAL_SECONDS: '0', CLICKHOUSE_DATABASE: uniqueName('test_secrets'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let code: number | null | undefined;
  void exited.then((c) => (code = c));
  try {
    const done = () => code !== undefined || (until !== 'exit' && until.test(output));
    await expectEventually(() => expect({ done: done(), output }).toEqual({ done: true, output }), { timeoutMs: 30_000 });
    let ready: Run['ready'];
    if (code === undefined) {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
      if (response !== undefined) ready = { status: response.status, body: await response.text() };
    }
    return { code: code ?? null, output, ready };
  } finally {
    if (code === undefined) child.kill('SIGTERM');
    await exited;
  }
}

function expectNoPassword(run: Run): void {
  for (const text of [run.output, run.ready?.body ?? '']) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(encodeURIComponent(PASSWORD));
    expect(text).not.toContain('Zebra');
  }
}

describe('a failed start prints no URL password', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let closedPort: number;

  beforeAll(async () => {
    database = await createTestDatabase('sferum_test_secrets');
    closedPort = await freePort(); // nothing listens there
  });

  afterAll(async () => {
    await database.drop();
  });

  it('an invalid DATABASE_URL: the configuration is refused (exit 78), the URL shown masked', async () => {
    const run = await startFailing({ DATABASE_URL: `postgres://sferum:${PASSWORD}@127.0.0.1:notaport/sferum` }, 'exit');
    expect(run.code).toBe(78);
    expect(run.output).toContain('DATABASE_URL must be a URL (postgres:// or postgresql://) (got "postgres://sferum:***@127.0.0.1:notaport/sferum")');
    expectNoPassword(run);
  });

  it('a DATABASE_URL whose password has a stray "%": refused at start with the reason, not "URI malformed" later', async () => {
    const run = await startFailing({ DATABASE_URL: `postgres://sferum:${PASSWORD}%zz@127.0.0.1:5432/sferum` }, 'exit');
    expect(run.code).toBe(78);
    expect(run.output).toContain('whose user name and password decode');
    expectNoPassword(run);
  });

  it('a PostgreSQL and a ClickHouse that do not answer: the service retries and says why', async () => {
    const run = await startFailing(
      {
        DATABASE_URL: `postgres://sferum:${PASSWORD}@127.0.0.1:${closedPort}/sferum`,
        CLICKHOUSE_URL: `http://default:${PASSWORD}@127.0.0.1:${closedPort}`,
      },
      /cannot connect yet[^\n]*ECONNREFUSED/,
    );
    expect(run.code).toBeNull(); // still running, not ready, until stopped
    expect(run.output).toMatch(new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${closedPort}`));
    expect(run.ready?.status).toBe(503);
    expectNoPassword(run);
  });

  it('the real PostgreSQL refusing the login: the service says so', async () => {
    // The test server trusts local connections, so a wrong password alone is
    // not refused; an unknown role with the password is, by the server itself.
    const url = new URL(database.url);
    url.username = 'no_such_role_secrets';
    url.password = PASSWORD;
    const run = await startFailing({ DATABASE_URL: url.toString(), CLICKHOUSE_URL: `http://default:${PASSWORD}@127.0.0.1:${closedPort}` }, /role \\?"no_such_role_secrets\\?" does not exist/);
    expect(run.code).toBeNull();
    expect(run.ready?.status).toBe(503);
    expectNoPassword(run);
  });
});
