/**
 * Typed, validated configuration from environment variables.
 *
 * A service declares one spec (variable name -> parser), reads it once at
 * start with `loadConfig`, and gets a typed object or a ConfigError that
 * lists every bad variable at once. Secrets are never echoed back, and a
 * value that is echoed has the password of any URL in it masked.
 */
import { maskUrl } from '@sferum/util';

export interface VarParser<T> {
  /** What a good value looks like, shown in error messages. */
  readonly expected: string;
  readonly secret?: boolean;
  parse(raw: string | undefined): ParseResult<T>;
}

type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = <T>(reason: string): ParseResult<T> => ({ ok: false, reason });

interface Common<T> {
  default?: T;
}

function withDefault<T>(
  expected: string,
  options: Common<T>,
  convert: (raw: string) => ParseResult<T>,
  secret = false,
): VarParser<T> {
  return {
    expected,
    secret,
    parse(raw) {
      if (raw === undefined || raw.trim() === '') {
        return options.default !== undefined ? ok(options.default) : fail('is required');
      }
      return convert(raw.trim());
    },
  };
}

export const env = {
  string(options: Common<string> & { pattern?: RegExp; expected?: string } = {}): VarParser<string> {
    const expected = options.expected ?? (options.pattern ? `text matching ${String(options.pattern)}` : 'text');
    return withDefault(expected, options, (raw) =>
      options.pattern && !options.pattern.test(raw) ? fail(`must be ${expected}`) : ok(raw),
    );
  },

  /** A secret: required to be at least `minLength` long, never printed. */
  secret(options: { minLength: number }): VarParser<string> {
    const expected = `a secret of at least ${options.minLength} characters`;
    return withDefault(
      expected,
      {},
      (raw) => (raw.length < options.minLength ? fail(`must be ${expected}`) : ok(raw)),
      true,
    );
  },

  int(options: Common<number> & { min?: number; max?: number } = {}): VarParser<number> {
    const min = options.min ?? Number.MIN_SAFE_INTEGER;
    const max = options.max ?? Number.MAX_SAFE_INTEGER;
    const expected = `an integer from ${min} to ${max}`;
    return withDefault(expected, options, (raw) => {
      if (!/^-?\d+$/.test(raw)) return fail(`must be ${expected}`);
      const value = Number(raw) + 0; // normalizes -0
      return Number.isSafeInteger(value) && value >= min && value <= max ? ok(value) : fail(`must be ${expected}`);
    });
  },

  port(options: Common<number> = {}): VarParser<number> {
    return env.int({ ...options, min: 1, max: 65535 });
  },

  bool(options: Common<boolean> = {}): VarParser<boolean> {
    const expected = 'true or false';
    return withDefault(expected, options, (raw) => {
      const lower = raw.toLowerCase();
      if (['true', '1', 'yes'].includes(lower)) return ok(true);
      if (['false', '0', 'no'].includes(lower)) return ok(false);
      return fail(`must be ${expected}`);
    });
  },

  oneOf<const V extends string>(values: readonly V[], options: Common<V> = {}): VarParser<V> {
    const expected = `one of ${values.join(', ')}`;
    return withDefault(expected, options, (raw) =>
      (values as readonly string[]).includes(raw) ? ok(raw as V) : fail(`must be ${expected}`),
    );
  },

  url(options: Common<string> & { protocols: readonly string[] }): VarParser<string> {
    const expected = `a URL (${options.protocols.map((p) => `${p}//`).join(' or ')})`;
    return withDefault(expected, options, (raw) => {
      try {
        const url = new URL(raw);
        if (!options.protocols.includes(url.protocol)) return fail(`must be ${expected}`);
        // The clients decode the user name and password: a stray "%" would
        // stop the service later with nothing but "URI malformed".
        if (!decodes(url.username) || !decodes(url.password)) {
          return fail(`must be ${expected} whose user name and password decode (write a "%" in them as %25)`);
        }
        return ok(raw);
      } catch {
        return fail(`must be ${expected}`);
      }
    });
  },

  /** Comma-separated URLs (for example webhooks); empty means none. */
  urlList(options: Common<string[]> & { protocols: readonly string[] }): VarParser<string[]> {
    const expected = `a comma-separated list of URLs (${options.protocols.map((p) => `${p}//`).join(' or ')})`;
    return withDefault(expected, options, (raw) => {
      const items = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
      const bad = items.filter((item) => {
        try {
          return !options.protocols.includes(new URL(item).protocol);
        } catch {
          return true;
        }
      });
      return bad.length === 0 ? ok(items) : fail(`must be ${expected}`);
    });
  },

  /**
   * An instant in RFC 3339 with an offset (2026-11-25T12:00:00Z), as epoch ms;
   * a day that does not exist (2023-02-30) is refused.
   */
  instant(options: Common<number | null> = {}): VarParser<number | null> {
    const expected = 'an RFC 3339 instant with an offset, for example 2026-11-25T12:00:00Z';
    return withDefault(expected, options, (raw) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/.exec(raw);
      if (m === null) return fail(`must be ${expected}`);
      const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      const real = day.getUTCFullYear() === Number(m[1]) && day.getUTCMonth() === Number(m[2]) - 1 && day.getUTCDate() === Number(m[3]);
      if (!real) return fail(`must be ${expected} (${m[1]}-${m[2]}-${m[3]} is not a day)`);
      // Date.parse reads 24:00:00 as the next midnight; a clock time is 00:00:00 to 23:59:59.
      if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return fail(`must be ${expected} (${m[4]}:${m[5]}:${m[6]} is not a time of day)`);
      const ms = Date.parse(raw);
      return Number.isNaN(ms) ? fail(`must be ${expected}`) : ok(ms);
    });
  },

  /** Comma-separated host:port list, for example Kafka brokers. */
  hostPorts(options: Common<string[]> = {}): VarParser<string[]> {
    const expected = 'a comma-separated list of host:port';
    return withDefault(expected, options, (raw) => {
      const items = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
      const bad = items.filter((item) => !/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(item));
      return items.length > 0 && bad.length === 0 ? ok(items) : fail(`must be ${expected}`);
    });
  },
};

function decodes(part: string): boolean {
  try {
    decodeURIComponent(part);
    return true;
  } catch {
    return false;
  }
}

export type ConfigSpec = Record<string, VarParser<unknown>>;
export type ConfigOf<S extends ConfigSpec> = { readonly [K in keyof S]: S[K] extends VarParser<infer T> ? T : never };

export interface ConfigProblem {
  readonly variable: string;
  readonly reason: string;
}

export class ConfigError extends Error {
  constructor(readonly service: string, readonly problems: readonly ConfigProblem[]) {
    super(
      `${service}: invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable} ${p.reason}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Reads every variable of `spec` from `source`; throws ConfigError listing all problems. */
export function loadConfig<S extends ConfigSpec>(
  service: string,
  spec: S,
  source: Record<string, string | undefined> = process.env,
): ConfigOf<S> {
  const problems: ConfigProblem[] = [];
  const result: Record<string, unknown> = {};
  for (const [variable, parser] of Object.entries(spec)) {
    const raw = source[variable];
    const parsed = parser.parse(raw);
    if (parsed.ok) {
      result[variable] = parsed.value;
    } else {
      // Masked before it is cut: a cut inside the user info would leave the password's start unmasked.
      const shown = parser.secret || raw === undefined || raw.trim() === '' ? '' : ` (got "${maskUrl(raw.trim()).slice(0, 80)}")`;
      const reason = parsed.reason === 'is required' ? `is required: expected ${parser.expected}` : parsed.reason;
      problems.push({ variable, reason: `${reason}${shown}` });
    }
  }
  if (problems.length > 0) throw new ConfigError(service, problems);
  return result as ConfigOf<S>;
}
