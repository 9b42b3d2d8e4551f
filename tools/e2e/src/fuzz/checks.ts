import { type Outcome } from './fuzz-runner';
import { type FuzzRequest } from './requests';

/** RFC 9110 reason phrases of the client errors (with the RFC 7231 names some libraries still use). */
const REASONS: Readonly<Record<number, readonly string[]>> = {
  400: ['Bad Request'],
  401: ['Unauthorized'],
  403: ['Forbidden'],
  404: ['Not Found'],
  405: ['Method Not Allowed'],
  406: ['Not Acceptable'],
  408: ['Request Timeout'],
  409: ['Conflict'],
  411: ['Length Required'],
  413: ['Content Too Large', 'Payload Too Large'],
  414: ['URI Too Long'],
  415: ['Unsupported Media Type'],
  416: ['Range Not Satisfiable'],
  422: ['Unprocessable Content', 'Unprocessable Entity'],
  429: ['Too Many Requests'],
  431: ['Request Header Fields Too Large'],
};

export interface CheckOptions {
  /** The service answers reader routes without a key (READ_KEYS_REQUIRED=false). */
  readonly readsOpen: boolean;
}

/**
 * What is wrong with an answer, empty when nothing is:
 * - no answer, or a 5xx (but a readiness 503: a dependency slow or down);
 * - a 4xx that is not a problem document (RFC 9457: Content-Type
 *   application/problem+json, `status` the answer's status, `title` its
 *   reason phrase, a `detail`), unless the route's document describes that
 *   status with another body (the ingest's 422 is its per-event result);
 * - a 2xx of a route that needs a key, to a request without a valid key of
 *   a role the route accepts;
 * - any other answer than 401 or 403 to such a request (its key is checked
 *   before its body or parameters are read), but 404 and 429, and the
 *   answers to a path no route is chosen for (not valid percent-encoding,
 *   or a segment longer than Fastify's 100-character limit of a parameter).
 */
export function problemsOf(outcome: Outcome, options: CheckOptions): string[] {
  const { request, status } = outcome;
  if (status === undefined) return [`no answer: ${outcome.error ?? 'unknown'}`];
  // Readiness answers 503 when a dependency is slow or down: what it is for, not an answer to the input (the counts show how often).
  if (status === 503 && request.route.tags.includes('operations') && request.route.responses.has(503)) return [];
  if (status >= 500) return [`answered ${status}: ${excerpt(outcome.body, 300)}`];
  if (status >= 400) return [...clientErrorProblems(outcome, status), ...keyFirstProblems(request, status, options)];
  if (status >= 200 && status < 300) return keyProblems(request, options);
  return [];
}

/** Whether the request must present a key of another kind than it does: the route needs one, and this one is none it accepts. */
function lacksKey(request: FuzzRequest, options: CheckOptions): boolean {
  const { route, key } = request;
  if (route.roles === undefined || request.method !== route.method) return false;
  if (route.openWithoutKey && route.roles.includes('reader') && options.readsOpen) return false;
  return !(route.roles.includes(key) || (key === 'admin' && route.roles.includes('reader')));
}

function keyFirstProblems(request: FuzzRequest, status: number, options: CheckOptions): string[] {
  if (!lacksKey(request, options) || [401, 403, 404, 429].includes(status) || !routable(request.path)) return [];
  return [`answered ${status} to a request with key ${request.key}: a route that needs ${request.route.roles?.join(' or ')} answers 401 or 403 before it reads the rest`];
}

/** Fastify's longest path parameter (maxParamLength): a longer one matches no route. */
const MAX_PARAM_LENGTH = 100;

function routable(path: string): boolean {
  const pathname = path.split('?')[0]!;
  if (pathname.split('/').some((segment) => segment.length > MAX_PARAM_LENGTH)) return false;
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function clientErrorProblems(outcome: Outcome, status: number): string[] {
  const contentType = String(outcome.headers['content-type'] ?? '');
  const documented = outcome.request.method === outcome.request.route.method ? outcome.request.route.responses.get(status) : undefined;
  if (documented !== undefined && documented.length > 0 && !documented.some((type) => type.includes('problem+json'))) {
    return documented.some((type) => contentType.toLowerCase().startsWith(type.toLowerCase()))
      ? []
      : [`answered ${status} as ${JSON.stringify(contentType)}, documented as ${documented.join(', ')}`];
  }
  if (!/^application\/problem\+json\b/i.test(contentType)) {
    return [`answered ${status} with Content-Type ${JSON.stringify(contentType)}, not application/problem+json: ${excerpt(outcome.body, 200)}`];
  }
  const problems: string[] = [];
  let body: unknown;
  try {
    body = JSON.parse(outcome.body.toString('utf8'));
  } catch {
    return [`answered ${status} with a body that is not JSON: ${excerpt(outcome.body, 200)}`];
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [`answered ${status} with a body that is not a JSON object: ${excerpt(outcome.body, 200)}`];
  const problem = body as Record<string, unknown>;
  if (problem['status'] !== status) problems.push(`answered ${status} with a problem whose status is ${JSON.stringify(problem['status'])}`);
  const reasons = REASONS[status];
  if (typeof problem['title'] !== 'string' || (reasons !== undefined && !reasons.includes(problem['title']))) {
    problems.push(`answered ${status} with a problem titled ${JSON.stringify(problem['title'])} (expected ${reasons?.join(' or ') ?? 'a title'})`);
  }
  if (typeof problem['detail'] !== 'string' || problem['detail'].trim() === '') problems.push(`answered ${status} with a problem without detail`);
  return problems;
}

function keyProblems(request: FuzzRequest, options: CheckOptions): string[] {
  return lacksKey(request, options) ? [`answered 2xx to a request with key ${request.key}; the route needs ${request.route.roles?.join(' or ')}`] : [];
}

export function excerpt(body: Buffer | string, length: number): string {
  const text = typeof body === 'string' ? body : body.subarray(0, length * 4).toString('utf8');
  return JSON.stringify(text.length > length ? `${text.slice(0, length)}…` : text);
}

/** A request as a failure message shows it: enough to send it again by hand. */
export function describeRequest(outcome: Outcome, seed: number): string {
  const r = outcome.request;
  const headers = Object.entries(r.headers)
    .map(([name, value]) => `${name}: ${excerpt([value].flat().join(' | '), 120)}`)
    .join('\n      ');
  return [
    `#${outcome.index} (seed ${seed}) ${r.method} ${r.path.length > 400 ? `${r.path.slice(0, 400)}…` : r.path}`,
    `    route ${r.route.key}; ${r.note}`,
    `    headers:\n      ${headers || '(none)'}`,
    `    body (${r.body?.length ?? 0} bytes${r.chunked ? ', chunked' : ''}): ${r.body === undefined ? '-' : excerpt(r.body, 200)}`,
    `    answer: ${outcome.status ?? outcome.error ?? '-'} ${String(outcome.headers['content-type'] ?? '')} ${excerpt(outcome.body, 200)}`,
  ].join('\n');
}

export interface Tally {
  /** service -> status ("no answer" when none) -> requests */
  readonly byService: Map<string, Map<string, number>>;
  /** route -> status -> requests */
  readonly byRoute: Map<string, Map<string, number>>;
  /** route -> statuses answered that its document does not describe (the route's own method only) */
  readonly undocumented: Map<string, Set<number>>;
}

export function tally(outcomes: readonly Outcome[]): Tally {
  const byService = new Map<string, Map<string, number>>();
  const byRoute = new Map<string, Map<string, number>>();
  const undocumented = new Map<string, Set<number>>();
  const add = (map: Map<string, Map<string, number>>, key: string, status: string) => {
    const counts = map.get(key) ?? new Map<string, number>();
    counts.set(status, (counts.get(status) ?? 0) + 1);
    map.set(key, counts);
  };
  for (const o of outcomes) {
    const status = o.status === undefined ? 'no answer' : String(o.status);
    add(byService, o.request.route.service, status);
    add(byRoute, `${o.request.route.service} ${o.request.route.key}`, status);
    // 404: a hostile path segment ('..', '%2F') makes the path another route's, or none.
    if (o.status !== undefined && o.status !== 404 && o.request.method === o.request.route.method && !o.request.route.responses.has(o.status)) {
      const set = undocumented.get(o.request.route.key) ?? new Set<number>();
      set.add(o.status);
      undocumented.set(o.request.route.key, set);
    }
  }
  return { byService, byRoute, undocumented };
}

const total = (counts: ReadonlyMap<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);
const statuses = (counts: ReadonlyMap<string, number>) =>
  [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');

export function formatTally(t: Tally, seed: number): string {
  const lines = [`fuzz (seed ${seed}): requests tried per service and status`];
  for (const [service, counts] of [...t.byService].sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${service}: ${total(counts)} (${statuses(counts)})`);
  lines.push('per route:');
  for (const [route, counts] of [...t.byRoute].sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${route}: ${total(counts)} (${statuses(counts)})`);
  if (t.undocumented.size > 0) {
    lines.push('statuses answered that the route document does not describe:');
    for (const [route, set] of t.undocumented) lines.push(`  ${route}: ${[...set].sort().join(', ')}`);
  }
  return lines.join('\n');
}

export { total as totalOf };
