import { type JsonSchema } from '@sferum/contracts';

/**
 * The routes a service documents, read from the OpenAPI document it serves
 * (/docs/json): the fuzz suite sends what these say, so a route added to a
 * service is fuzzed without editing the suite.
 */
export interface RouteParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly schema: JsonSchema | undefined;
}

export interface RouteBody {
  readonly mediaType: string;
  readonly schema: JsonSchema | undefined;
}

export interface FuzzRoute {
  readonly service: string;
  /** Upper case, as sent. */
  readonly method: string;
  /** The path template, for example /v1/registry/regions/{code}/settings. */
  readonly path: string;
  /** "GET /v1/kpi": how counts and failures name the route. */
  readonly key: string;
  readonly tags: readonly string[];
  readonly parameters: readonly RouteParameter[];
  readonly bodies: readonly RouteBody[];
  /** The key roles the route accepts; undefined when it takes no key. */
  readonly roles: readonly string[] | undefined;
  /** The document lets the route be called without a key (reader routes while reads are open). */
  readonly openWithoutKey: boolean;
  /** Per documented status, the media types of its body (empty: no body described). */
  readonly responses: ReadonlyMap<number, readonly string[]>;
}

export interface OpenApiDocumentLike {
  readonly paths: Record<string, Record<string, Record<string, unknown>>>;
  readonly components?: { readonly schemas?: Record<string, JsonSchema> };
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

export function routesOf(service: string, document: OpenApiDocumentLike): FuzzRoute[] {
  const routes: FuzzRoute[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const parameters = ((operation['parameters'] ?? []) as Record<string, unknown>[]).map((p) => ({
        name: String(p['name']),
        in: p['in'] as RouteParameter['in'],
        required: p['required'] === true,
        schema: p['schema'] as JsonSchema | undefined,
      }));
      const content = ((operation['requestBody'] as { content?: Record<string, { schema?: JsonSchema }> } | undefined)?.content ?? {}) as Record<string, { schema?: JsonSchema }>;
      const security = (operation['security'] ?? []) as Record<string, string[]>[];
      const roles = security.length === 0 ? undefined : [...new Set(security.flatMap((requirement) => Object.values(requirement).flat()))];
      const responses = new Map<number, readonly string[]>();
      for (const [status, response] of Object.entries((operation['responses'] ?? {}) as Record<string, { content?: Record<string, unknown> }>)) {
        responses.set(Number(status), Object.keys(response.content ?? {}));
      }
      const upper = method.toUpperCase();
      routes.push({
        service,
        method: upper,
        path,
        key: `${upper} ${path}`,
        tags: (operation['tags'] ?? []) as string[],
        parameters,
        bodies: Object.entries(content).map(([mediaType, media]) => ({ mediaType, schema: media.schema })),
        roles,
        openWithoutKey: security.length === 0 || security.some((requirement) => Object.keys(requirement).length === 0),
        responses,
      });
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}

/** Follows `$ref`s into the document's schema components. */
export function schemaResolver(document: OpenApiDocumentLike): (schema: JsonSchema) => JsonSchema {
  const components = document.components?.schemas ?? {};
  return function resolve(schema: JsonSchema): JsonSchema {
    const ref = schema['$ref'];
    if (typeof ref !== 'string') return schema;
    const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
    const target = name === undefined ? undefined : components[name];
    if (target === undefined) throw new Error(`unresolved schema reference ${ref}`);
    return resolve(target);
  };
}
