import { Logger } from '@nestjs/common';
import { HealthController, Readiness } from './health';
import { type ReplyLike } from './http-reply';
import { MetricsRegistry } from './metrics';

/** A reply that records what the handler sent. */
function recordingReply(): ReplyLike & { sent: { status: number; body: unknown } } {
  const reply = {
    sent: { status: 0, body: undefined as unknown },
    status(code: number) {
      reply.sent.status = code;
      return reply;
    },
    header() {
      return reply;
    },
    send(body: unknown) {
      reply.sent.body = body;
      return reply;
    },
  };
  return reply;
}

describe('GET /health/ready', () => {
  let warnings: jest.SpyInstance;
  beforeEach(() => {
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warnings.mockRestore());

  const readiness = () => {
    const r = new Readiness(new MetricsRegistry());
    r.register('postgres', () => Promise.resolve());
    r.register('clickhouse', () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:8123 as user sferum')));
    return r;
  };
  const ask = async (details: ((headers: Record<string, string | string[] | undefined>) => Promise<boolean>) | undefined, headers: Record<string, string> = {}) => {
    const reply = recordingReply();
    await new HealthController(readiness(), details).ready({ headers }, reply);
    return reply.sent;
  };

  it('tells anyone the status only, never which dependency fails or its error', async () => {
    expect(await ask(undefined)).toEqual({ status: 503, body: { status: 'not_ready' } });
    expect(await ask(() => Promise.resolve(false), { authorization: 'Bearer reader' })).toEqual({ status: 503, body: { status: 'not_ready' } });
  });

  it('shows each check and its error to a request the details access admits (an admin key)', async () => {
    const seen: unknown[] = [];
    const admin = (headers: Record<string, string | string[] | undefined>) => {
      seen.push(headers['authorization']);
      return Promise.resolve(headers['authorization'] === 'Bearer admin');
    };
    expect(await ask(admin, { authorization: 'Bearer admin' })).toEqual({
      status: 503,
      body: {
        status: 'not_ready',
        checks: {
          postgres: { status: 'up', ms: expect.any(Number) as unknown },
          clickhouse: { status: 'down', error: 'connect ECONNREFUSED 10.0.0.7:8123 as user sferum', ms: expect.any(Number) as unknown },
        },
      },
    });
    expect(seen).toEqual(['Bearer admin']);
  });

  it('logs a check that goes down once, with its error: the log is where operators read it', async () => {
    const r = readiness();
    await r.evaluate();
    await r.evaluate();
    expect(warnings.mock.calls).toEqual([['clickhouse is down: connect ECONNREFUSED 10.0.0.7:8123 as user sferum']]);
  });
});
