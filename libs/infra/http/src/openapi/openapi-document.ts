import { PROBLEM_SCHEMA, type JsonSchema } from '@sferum/contracts';
import { BEARER_CHALLENGE, BROWSER_CHALLENGE } from '../request-key';
import { routeKey, type NestRoute, type RouteKey } from './nest-routes';

/** Any OpenAPI object (a media type, a header, a parameter's example...). */
export type OpenApiObject = { readonly [field: string]: unknown };

export interface MediaTypeDescription {
  readonly schema?: JsonSchema;
  readonly example?: unknown;
}

export interface ResponseDescription {
  readonly description: string;
  readonly headers?: Readonly<Record<string, OpenApiObject>>;
  readonly content?: Readonly<Record<string, MediaTypeDescription>>;
}

export interface ParameterDescription {
  readonly name: string;
  readonly in: 'query' | 'path' | 'header';
  readonly required?: boolean;
  readonly description?: string;
  readonly schema?: JsonSchema;
  readonly example?: unknown;
}

/** What a person writes about one route; the rest of its operation comes from the route itself. */
export interface OperationDescription {
  readonly summary: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  /** Query and header parameters; path parameters are taken from the route, and may be described here by name. */
  readonly parameters?: readonly ParameterDescription[];
  readonly requestBody?: { readonly description?: string; readonly required?: boolean; readonly content: Readonly<Record<string, MediaTypeDescription>> };
  /**
   * Every status the route answers. The statuses that follow from the route
   * (its success status, 401/403 of a key, 400/413/415 of a body, 500) are
   * added when not given here; give them to word them for this route.
   */
  readonly responses: Readonly<Record<number, ResponseDescription>>;
}

/** A service's API as written by hand: what no route metadata can tell. */
export interface ServiceApi {
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  /** Schema components, referenced as #/components/schemas/<name>; Problem is always there. */
  readonly schemas?: Readonly<Record<string, JsonSchema>>;
  readonly operations: Readonly<Partial<Record<RouteKey, OperationDescription>>>;
}

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: ServiceApi['info'];
  readonly paths: Record<string, Record<string, OpenApiObject>>;
  readonly components: { readonly schemas: Record<string, JsonSchema>; readonly securitySchemes?: Record<string, OpenApiObject> };
}

export interface GeneratedOpenApi {
  readonly document: OpenApiDocument;
  /** Where the routes and the descriptions disagree; empty when every route and status is described. */
  readonly problems: readonly string[];
}

const SECURITY_SCHEME = 'key';
/** The same key as the password of HTTP Basic credentials, for browsers (read operations only). */
const BROWSER_SECURITY_SCHEME = 'browser';
const PROBLEM_JSON = 'application/problem+json';
const BODY_METHODS = new Set(['post', 'put', 'patch']);

/** A response whose body is a problem document (RFC 9457). */
export function problemResponse(description: string, headers?: Readonly<Record<string, OpenApiObject>>): ResponseDescription {
  return { description, ...(headers === undefined ? {} : { headers }), content: { [PROBLEM_JSON]: { schema: schemaRef('Problem') } } };
}

/** A JSON response. */
export function jsonResponse(description: string, schema: JsonSchema): ResponseDescription {
  return { description, content: { 'application/json': { schema } } };
}

export function schemaRef(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/** Retry-After, in seconds, of 429 and 503 answers. */
export const RETRY_AFTER_HEADER: Readonly<Record<string, OpenApiObject>> = {
  'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
};

/**
 * The OpenAPI 3.1 document of a service: one operation per route that Nest
 * registers, with its path parameters, key roles, success status and
 * content type taken from the route, and its words, parameters and
 * response schemas from the description table. A route without a
 * description still appears (marked), a description without a route does
 * not: the document never shows a route that does not exist.
 */
export function generateOpenApi(routes: readonly NestRoute[], api: ServiceApi): GeneratedOpenApi {
  const problems: string[] = [];
  const paths: Record<string, Record<string, OpenApiObject>> = {};
  const operationIds = new Set<string>();
  for (const route of routes) {
    const key = routeKey(route);
    const where = `${key} (${route.controller.name}.${route.handler})`;
    const description = api.operations[key];
    if (description === undefined) problems.push(`${where}: the route has no description`);
    let operationId = `${route.controller.name}_${route.handler}`;
    for (let n = 2; operationIds.has(operationId); n++) operationId = `${route.controller.name}_${route.handler}_${n}`;
    operationIds.add(operationId);
    const item = (paths[route.path] ??= {});
    if (item[route.method] !== undefined) problems.push(`${where}: two routes answer it`);
    item[route.method] = operation(route, description, operationId, (problem) => problems.push(`${where}: ${problem}`));
  }
  const known = new Set(routes.map(routeKey));
  for (const key of Object.keys(api.operations)) {
    if (!known.has(key as RouteKey)) problems.push(`${key}: described, but no such route`);
  }
  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: api.info,
    paths,
    components: {
      schemas: { Problem: PROBLEM_SCHEMA, ...api.schemas },
      ...(routes.some((route) => route.keyAccess !== undefined) ? { securitySchemes: securitySchemes(routes) } : {}),
    },
  };
  for (const ref of danglingRefs(document)) problems.push(`${ref}: referenced, but no such component`);
  return { document, problems };
}

function securitySchemes(routes: readonly NestRoute[]): Record<string, OpenApiObject> {
  const open = routes.some((route) => route.keyAccess?.open === true);
  return {
    [SECURITY_SCHEME]: {
      type: 'http',
      scheme: 'bearer',
      description:
        'An API key (Authorization: Bearer <key>). Each operation lists the roles it accepts; an admin key is accepted wherever a reader key is. ' +
        (open
          ? 'This service runs with its reads open: reader operations also answer without a key (the empty alternative of their security).'
          : 'Every operation that lists roles needs a key.'),
    },
    ...(routes.some((route) => route.keyAccess?.basic === true)
      ? {
          [BROWSER_SECURITY_SCHEME]: {
            type: 'http',
            scheme: 'basic',
            description:
              'For browsers, which cannot send a Bearer header when they follow a link: the same key as the password of Basic credentials (any user name). Accepted by read operations only; the report page asks for it with a Basic challenge.',
          },
        }
      : {}),
  };
}

function operation(route: NestRoute, description: OperationDescription | undefined, operationId: string, problem: (text: string) => void): OpenApiObject {
  const given = description?.responses ?? {};
  // Nest sets this status before the handler runs, also for one that writes the reply itself.
  if (description !== undefined && given[route.successStatus] === undefined) problem(`answers ${route.successStatus} (its default status), which is not described`);
  for (const status of Object.keys(given)) {
    if (!/^[1-5]\d\d$/.test(status)) problem(`response status "${status}" is not an HTTP status`);
  }
  const mediaType = route.contentType?.split(';')[0]?.trim();
  if (mediaType !== undefined) {
    const documented = Object.keys(given[route.successStatus]?.content ?? {});
    if (documented.length > 0 && !documented.some((type) => type.toLowerCase() === mediaType.toLowerCase())) {
      problem(`sends Content-Type ${mediaType}, but ${route.successStatus} is described as ${documented.join(', ')}`);
    }
  }
  const responses: Record<string, ResponseDescription> = {};
  const derived = derivedResponses(route);
  for (const status of [...new Set([...Object.keys(derived), ...Object.keys(given)].map(Number))].sort((a, b) => a - b)) {
    const response = given[status] ?? derived[status];
    if (response === undefined) continue;
    responses[String(status)] =
      status === route.successStatus && mediaType !== undefined && response.content === undefined ? { ...response, content: { [mediaType]: {} } } : response;
  }
  const pathParameters = route.pathParameters.map((name) => {
    const described = description?.parameters?.find((p) => p.in === 'path' && p.name === name);
    return { schema: { type: 'string' }, ...described, name, in: 'path', required: true };
  });
  for (const p of description?.parameters ?? []) {
    if (p.in === 'path' && !route.pathParameters.includes(p.name)) problem(`describes a path parameter "${p.name}" the route does not have`);
  }
  const access = route.keyAccess;
  const security =
    access === undefined
      ? []
      : [{ [SECURITY_SCHEME]: [...access.roles] }, ...(access.basic ? [{ [BROWSER_SECURITY_SCHEME]: [...access.roles] }] : []), ...(access.open ? [{}] : [])];
  return {
    operationId,
    summary: description?.summary ?? `${route.controller.name}.${route.handler} (not described)`,
    ...(description?.description === undefined ? {} : { description: description.description }),
    tags: description?.tags ?? [route.controller.name.replace(/Controller$/, '')],
    parameters: [...pathParameters, ...(description?.parameters ?? []).filter((p) => p.in !== 'path')],
    ...(description?.requestBody === undefined ? {} : { requestBody: description.requestBody }),
    responses,
    security,
  };
}

/** The answers every route of its kind can give, whatever its handler does. */
function derivedResponses(route: NestRoute): Record<number, ResponseDescription> {
  const responses: Record<number, ResponseDescription> = {
    [route.successStatus]: { description: 'done' },
    500: problemResponse('an unexpected error; it has been logged'),
  };
  const access = route.keyAccess;
  if (access !== undefined && !access.open) {
    const challenge = access.browserPage ? BROWSER_CHALLENGE : BEARER_CHALLENGE;
    const why = access.browserPage ? ' (a browser then asks for the key: any user name, the key as the password)' : '';
    responses[401] = problemResponse(`no key, or an unknown or revoked one${why}`, { 'WWW-Authenticate': { schema: { const: challenge } } });
    responses[403] = problemResponse(`a key of another role than ${access.roles.join(' or ')}`);
    responses[503] = problemResponse('keys cannot be checked right now (PostgreSQL does not answer)', RETRY_AFTER_HEADER);
  }
  if (route.rateLimited) {
    responses[429] = problemResponse(`over the request rate of the ${access?.open === true ? 'client address' : 'key'}`, RETRY_AFTER_HEADER);
  }
  if (BODY_METHODS.has(route.method)) {
    responses[400] = problemResponse('a body that cannot be parsed');
    responses[413] = problemResponse('a body over the size limit');
    responses[415] = problemResponse('a content type the route does not read');
  }
  return responses;
}

function danglingRefs(document: OpenApiDocument): string[] {
  const dangling = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value !== 'object' || value === null) return;
    for (const [field, inner] of Object.entries(value)) {
      if (field === '$ref' && typeof inner === 'string') {
        const name = /^#\/components\/schemas\/(.+)$/.exec(inner)?.[1];
        if (name === undefined || !Object.hasOwn(document.components.schemas, name)) dangling.add(inner);
      } else {
        walk(inner);
      }
    }
  };
  walk(document);
  return [...dangling];
}

/**
 * The statuses a route can answer (found outside the document, for example
 * in the code of its handler) that its operation does not describe.
 */
export function undescribedStatuses(document: OpenApiDocument, statuses: ReadonlyMap<RouteKey, Iterable<number>>): string[] {
  const problems: string[] = [];
  for (const [key, codes] of statuses) {
    const [method, path] = key.split(' ') as [string, string];
    const responses = document.paths[path]?.[method.toLowerCase()]?.['responses'] as Record<string, unknown> | undefined;
    if (responses === undefined) {
      problems.push(`${key}: no such operation`);
      continue;
    }
    for (const code of codes) if (responses[String(code)] === undefined) problems.push(`${key}: can answer ${code}, which is not described`);
  }
  return problems;
}
