import { ConfigError, env, loadConfig } from './env-config';

const spec = {
  PORT: env.port({ default: 3001 }),
  KAFKA_BROKERS: env.hostPorts(),
  CLICKHOUSE_URL: env.url({ protocols: ['http:', 'https:'], default: 'http://127.0.0.1:8123' }),
  PSEUDONYM_KEY: env.secret({ minLength: 32 }),
  LOG_LEVEL: env.oneOf(['debug', 'info', 'warn', 'error'] as const, { default: 'info' }),
  STRICT: env.bool({ default: false }),
  TOPIC: env.string({ pattern: /^[a-z.]+v\d+$/, default: 'sferum.activity.v1' }),
};

describe('loadConfig', () => {
  it('applies defaults and parses types', () => {
    const config = loadConfig('ingest', spec, { KAFKA_BROKERS: '127.0.0.1:9092, kafka:9092', PSEUDONYM_KEY: 'k'.repeat(32) });
    expect(config).toEqual({
      PORT: 3001,
      KAFKA_BROKERS: ['127.0.0.1:9092', 'kafka:9092'],
      CLICKHOUSE_URL: 'http://127.0.0.1:8123',
      PSEUDONYM_KEY: 'k'.repeat(32),
      LOG_LEVEL: 'info',
      STRICT: false,
      TOPIC: 'sferum.activity.v1',
    });
  });

  it('lists every bad variable at once and never echoes a secret', () => {
    let error: unknown;
    try {
      loadConfig('ingest', spec, {
        PORT: '70000',
        KAFKA_BROKERS: 'localhost',
        CLICKHOUSE_URL: 'ftp://x',
        PSEUDONYM_KEY: 'short-secret-value',
        LOG_LEVEL: 'loud',
        STRICT: 'maybe',
        TOPIC: 'Bad Topic',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.variable);
    expect(problems).toEqual(['PORT', 'KAFKA_BROKERS', 'CLICKHOUSE_URL', 'PSEUDONYM_KEY', 'LOG_LEVEL', 'STRICT', 'TOPIC']);
    const message = (error as Error).message;
    expect(message).toContain('ingest: invalid configuration (7 problems)');
    expect(message).toContain('PORT must be an integer from 1 to 65535');
    expect(message).toContain('(got "70000")');
    expect(message).not.toContain('short-secret-value');
  });

  it('masks the password of a URL it echoes, also when the URL is invalid or longer than what it shows', () => {
    const urls = {
      DATABASE_URL: env.url({ protocols: ['postgres:'] }),
      CLICKHOUSE_URL: env.url({ protocols: ['http:'] }),
      WEBHOOKS: env.urlList({ protocols: ['https:'] }),
      LONG: env.url({ protocols: ['postgres:'] }),
    };
    const password = 'Hunter2-s3cret';
    let error: unknown;
    try {
      loadConfig('kpi', urls, {
        DATABASE_URL: `postgres://sferum:${password}@127.0.0.1:notaport/db`,
        CLICKHOUSE_URL: `https://default:${password}@ch:8123`,
        WEBHOOKS: `https://hooks.example/a?token=${password}, ftp://x`,
        // The password starts before the 80th character and ends after it.
        LONG: `postgres://${'u'.repeat(60)}:${password}${password}@host:bad/db`,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('Hunter2');
    expect(message).not.toContain('s3cret');
    expect(message).toContain('DATABASE_URL must be a URL (postgres://) (got "postgres://sferum:***@127.0.0.1:notaport/db")');
    expect(message).toContain('CLICKHOUSE_URL must be a URL (http://) (got "https://default:***@ch:8123")');
    expect(message).toContain('WEBHOOKS must be a comma-separated list of URLs (https://) (got "https://hooks.example/a?token=*** ftp://x")');
    expect(message).toContain(`LONG must be a URL (postgres://) (got "postgres://${'u'.repeat(60)}:***@h`);
  });

  it('refuses a URL whose password would not decode, and says why', () => {
    const parser = env.url({ protocols: ['postgres:'] });
    expect(parser.parse('postgres://u:50%25off@host/db')).toEqual({ ok: true, value: 'postgres://u:50%25off@host/db' });
    expect(parser.parse('postgres://u:50%off@host/db')).toEqual({ ok: false, reason: 'must be a URL (postgres://) whose user name and password decode (write a "%" in them as %25)' });
    expect(parser.parse('postgres://%zz:x@host/db').ok).toBe(false);
  });

  it('reports missing required variables', () => {
    expect(() => loadConfig('ingest', spec, {})).toThrow(/KAFKA_BROKERS is required[\s\S]*PSEUDONYM_KEY is required/);
  });

  it.each([
    [env.int({ min: 0, max: 10 }), '5', 5],
    [env.int({ min: 0, max: 10 }), '-0', 0],
    [env.bool(), 'YES', true],
    [env.bool(), '0', false],
  ])('parses %#', (parser, raw, value) => {
    expect(parser.parse(raw)).toEqual({ ok: true, value });
  });

  it.each([
    [env.int({ min: 0, max: 10 }), '11'],
    [env.int(), '1.5'],
    [env.int(), '1e3'],
    [env.hostPorts(), 'a:1,,b'],
    [env.url({ protocols: ['postgres:'] }), 'not a url'],
  ])('rejects %#', (parser, raw) => {
    expect(parser.parse(raw).ok).toBe(false);
  });
});

describe('env.urlList', () => {
  const parser = env.urlList({ protocols: ['http:', 'https:'], default: [] });
  it('reads a comma-separated list; empty is none', () => {
    expect(parser.parse('https://a.example/hook, http://127.0.0.1:9000/x')).toEqual({ ok: true, value: ['https://a.example/hook', 'http://127.0.0.1:9000/x'] });
    expect(parser.parse(undefined)).toEqual({ ok: true, value: [] });
    expect(parser.parse('')).toMatchObject({ ok: true, value: [] });
  });
  it('rejects anything that is not a URL of the protocols', () => {
    expect(parser.parse('https://ok.example, ftp://x')).toMatchObject({ ok: false });
    expect(parser.parse('not a url')).toMatchObject({ ok: false });
  });
});

describe('env.instant', () => {
  const parser = env.instant({ default: null });
  it('reads an RFC 3339 instant with an offset as epoch ms; empty means none', () => {
    expect(parser.parse('2026-11-25T12:00:00Z')).toEqual({ ok: true, value: Date.parse('2026-11-25T12:00:00Z') });
    expect(parser.parse('2027-01-04T07:00:00+07:00')).toEqual({ ok: true, value: Date.parse('2027-01-04T00:00:00Z') });
    expect(parser.parse(undefined)).toEqual({ ok: true, value: null });
  });
  it('refuses days and times of day that do not exist, and times without an offset', () => {
    expect(parser.parse('2023-02-30T10:00:00Z').ok).toBe(false);
    expect(parser.parse('2023-05-14T24:00:00Z')).toEqual({ ok: false, reason: expect.stringContaining('24:00:00 is not a time of day') });
    expect(parser.parse('2023-05-14T23:59:60Z').ok).toBe(false);
    expect(parser.parse('2023-05-14T23:60:00Z').ok).toBe(false);
    expect(parser.parse('2023-05-14T23:59:59Z').ok).toBe(true);
    expect(parser.parse('2026-11-25T12:00:00').ok).toBe(false);
    expect(parser.parse('tomorrow').ok).toBe(false);
  });
});
