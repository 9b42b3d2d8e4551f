import { HttpStatus, RequestMethod, type DynamicModule, type ForwardReference, type Type } from '@nestjs/common';
import {
  GUARDS_METADATA,
  HEADERS_METADATA,
  HTTP_CODE_METADATA,
  METHOD_METADATA,
  MODULE_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
  VERSION_METADATA,
} from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { type ApiKeyRole } from '@sferum/contracts';
import { ApiKeyGuard, authOptionsOf, isBrowserPage, keyAccess, requiredKeyRoles, type AuthOptions, type KeyAccess } from '../api-key.guard';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A route of a Nest application, read from the decorators of its controllers. */
export interface NestRoute {
  readonly method: HttpMethod;
  /** The URL as Nest registers it with Fastify: /v1/registry/regions/:code. */
  readonly url: string;
  /** The path as OpenAPI writes it: /v1/registry/regions/{code}. */
  readonly path: string;
  readonly pathParameters: readonly string[];
  readonly controller: Type;
  /** The name of the handler method of the controller. */
  readonly handler: string;
  /** Roles of RequireKey when the ApiKeyGuard guards the route; undefined: no key is asked. */
  readonly keyRoles: readonly ApiKeyRole[] | undefined;
  /**
   * What the route asks of a request's key, from its metadata and the
   * AuthModule options of the module tree: what the key check enforces and
   * the document describes. Undefined: no key is asked.
   */
  readonly keyAccess: KeyAccess | undefined;
  /** The service limits the requests of each key on this route (AuthOptions.rateLimit). */
  readonly rateLimited: boolean;
  /** The status Nest answers when the handler returns: @HttpCode, else 201 for POST and 200 otherwise. */
  readonly successStatus: number;
  /** The Content-Type of @Header, when the route sets one. */
  readonly contentType: string | undefined;
  /** The handler writes the reply itself (@Res): it may choose another status. */
  readonly writesReply: boolean;
}

/** "GET /v1/kpi": how the description tables name an operation. */
export type RouteKey = `${Uppercase<HttpMethod>} /${string}`;

export function routeKey(route: Pick<NestRoute, 'method' | 'path'>): RouteKey {
  return `${route.method.toUpperCase() as Uppercase<HttpMethod>} ${route.path}` as RouteKey;
}

type ModuleImport = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

/**
 * Every route of a module and the modules it imports, as Nest registers them
 * (controller path + handler path; no global prefix, versioning or
 * RouterModule here: those are refused rather than guessed). Reads only
 * decorator metadata: nothing is instantiated, no client connects.
 */
export function nestRoutes(root: Type | DynamicModule): NestRoute[] {
  const controllers: Type[] = [];
  let auth: AuthOptions | undefined;
  visitModules(root, (moduleClass, dynamic) => {
    controllers.push(...metadataList<Type>(MODULE_METADATA.CONTROLLERS, moduleClass), ...(dynamic.controllers ?? []));
    if ('module' in dynamic) auth ??= authOptionsOf(dynamic as DynamicModule);
  });
  return controllers.flatMap((controller) => controllerRoutes(controller, auth));
}

/** Calls `visit` once for every module of a tree (the root and what it imports, transitively), without instantiating any. */
function visitModules(root: Type | DynamicModule, visit: (moduleClass: Type, dynamic: Partial<DynamicModule>) => void): void {
  const seen = new Set<unknown>();
  const walk = (entry: ModuleImport): void => {
    if (entry instanceof Promise) throw new Error('nestRoutes: an asynchronous module import cannot be read without starting the application');
    if ('forwardRef' in entry) return walk((entry.forwardRef as () => ModuleImport)());
    const moduleClass: Type = 'module' in entry ? entry.module : entry;
    if (seen.has(entry)) return;
    seen.add(entry);
    const dynamic: Partial<DynamicModule> = 'module' in entry ? entry : {};
    visit(moduleClass, dynamic);
    for (const imported of [...metadataList<ModuleImport>(MODULE_METADATA.IMPORTS, moduleClass), ...((dynamic.imports ?? []) as ModuleImport[])]) walk(imported);
  };
  walk(root);
}

function metadataList<T>(key: string, target: object): T[] {
  return (Reflect.getMetadata(key, target) as T[] | undefined) ?? [];
}

function controllerRoutes(controller: Type, auth: AuthOptions | undefined): NestRoute[] {
  if (Reflect.getMetadata(VERSION_METADATA, controller) !== undefined) throw new Error(`nestRoutes: ${controller.name} is versioned; not supported`);
  const prototype = controller.prototype as Record<string, unknown>;
  const routes: NestRoute[] = [];
  for (const handler of Object.getOwnPropertyNames(prototype)) {
    if (handler === 'constructor') continue;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, handler);
    const fn: unknown = descriptor?.value;
    if (typeof fn !== 'function') continue;
    const requestMethod = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
    const methodPaths = Reflect.getMetadata(PATH_METADATA, fn) as string | string[] | undefined;
    if (requestMethod === undefined || methodPaths === undefined) continue;
    if (Reflect.getMetadata(VERSION_METADATA, fn) !== undefined) throw new Error(`nestRoutes: ${controller.name}.${handler} is versioned; not supported`);
    const method = httpMethod(requestMethod, `${controller.name}.${handler}`);
    const guards = [...metadataList<unknown>(GUARDS_METADATA, controller), ...metadataList<unknown>(GUARDS_METADATA, fn)];
    const headers = metadataList<{ name: string; value: string }>(HEADERS_METADATA, fn);
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as Record<string, unknown>;
    const httpCode = Reflect.getMetadata(HTTP_CODE_METADATA, fn) as number | undefined;
    const keyRoles = guards.includes(ApiKeyGuard) ? (requiredKeyRoles(controller, fn) ?? undefined) : undefined;
    if (keyRoles !== undefined && auth === undefined) throw new Error(`nestRoutes: ${controller.name}.${handler} asks a key, but the module imports no AuthModule`);
    const access = keyRoles === undefined || auth === undefined ? undefined : keyAccess(keyRoles, auth, { method, browserPage: isBrowserPage(controller, fn) });
    for (const controllerPath of asArray(Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined)) {
      for (const methodPath of asArray(methodPaths)) {
        const url = joinPaths(controllerPath, methodPath);
        const { path, parameters } = openApiPath(url, `${controller.name}.${handler}`);
        routes.push({
          method,
          url,
          path,
          pathParameters: parameters,
          controller,
          handler,
          keyRoles,
          keyAccess: access,
          rateLimited: access !== undefined && auth?.rateLimit !== undefined,
          successStatus: httpCode ?? (method === 'post' ? HttpStatus.CREATED : HttpStatus.OK),
          contentType: headers.find((header) => header.name.toLowerCase() === 'content-type')?.value,
          // Keys of the route arguments are "<paramtype>:<index>".
          writesReply: Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.RESPONSE)),
        });
      }
    }
  }
  return routes;
}

function httpMethod(method: RequestMethod, where: string): HttpMethod {
  const name = RequestMethod[method]?.toLowerCase();
  if (name === undefined || !(HTTP_METHODS as readonly string[]).includes(name)) {
    throw new Error(`nestRoutes: ${where} answers ${RequestMethod[method] ?? String(method)}, which an OpenAPI operation cannot name`);
  }
  return name as HttpMethod;
}

function asArray(paths: string | string[] | undefined): string[] {
  if (paths === undefined) return ['/'];
  return Array.isArray(paths) ? paths : [paths];
}

/** As Nest joins a controller's and a handler's paths: one leading slash, no trailing one. */
function joinPaths(controllerPath: string, methodPath: string): string {
  const joined = [controllerPath, methodPath]
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part !== '')
    .join('/');
  return `/${joined}`;
}

function openApiPath(url: string, where: string): { path: string; parameters: string[] } {
  const parameters: string[] = [];
  const path = url
    .split('/')
    .map((segment) => {
      if (/[*?()]/.test(segment)) throw new Error(`nestRoutes: ${where} has a wildcard or pattern segment "${segment}"; describe it by hand`);
      if (!segment.startsWith(':')) return segment;
      parameters.push(segment.slice(1));
      return `{${segment.slice(1)}}`;
    })
    .join('/');
  return { path, parameters };
}
