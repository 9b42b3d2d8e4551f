import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  Module,
  SetMetadata,
  UseGuards,
  type DynamicModule,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type ApiKeyRole } from '@sferum/contracts';
import { READINESS_DETAILS, type ReadinessDetailsAccess } from '@sferum/infra-observability';
import { findKeyHolder, touchKey, type KeyHolder } from '@sferum/infra-postgres';
import { KeyUseThrottle } from './key-use';
import { errorMessage } from '@sferum/util';
import { DataSource } from 'typeorm';
import { ProblemException } from './problem.filter';
import { BEARER_CHALLENGE, BROWSER_CHALLENGE, presentedKey } from './request-key';
import { RequestRateLimiter, tooManyRequests, type RequestRateLimits } from './request-rate';

const ROLES = 'sferum:roles';
const BROWSER_PAGE = 'sferum:browser-page';

/**
 * Marks a handler (or controller) as needing a key of one of these roles.
 * An admin key is accepted wherever a reader key is. "reader" endpoints are
 * answered without a key only when the service opens its reads
 * (AuthOptions.readKeysRequired false).
 */
export const RequireKey = (...roles: ApiKeyRole[]) => SetMetadata(ROLES, roles);

/**
 * Marks a handler (or controller) as a page people open in a browser: a
 * missing key is answered with a Basic challenge, which the browser turns
 * into a login prompt (the key as the password).
 */
export const BrowserPage = () => SetMetadata(BROWSER_PAGE, true);

/** The roles RequireKey asks of a handler (its own, else its controller's), as the guard reads them; undefined: none. */
export function requiredKeyRoles(controller: object, handler: object): readonly ApiKeyRole[] | undefined {
  return (Reflect.getMetadata(ROLES, handler) ?? Reflect.getMetadata(ROLES, controller)) as ApiKeyRole[] | undefined;
}

/** Whether BrowserPage marks the handler or its controller. */
export function isBrowserPage(controller: object, handler: object): boolean {
  return (Reflect.getMetadata(BROWSER_PAGE, handler) ?? Reflect.getMetadata(BROWSER_PAGE, controller)) === true;
}

/** The guard and roles of a controller, when `required`; nothing otherwise (for a route a setting closes, such as /metrics). */
export function keyRequiredWhen(required: boolean, ...roles: ApiKeyRole[]): ClassDecorator[] {
  return required ? [UseGuards(ApiKeyGuard), RequireKey(...roles)] : [];
}

export interface AuthOptions {
  /** False opens the "reader" routes: they answer without a key (an admin key is still needed to write). */
  readonly readKeysRequired: boolean;
  /** Requests per key (per client address where reads are open) on the routes that ask a key; none: no limit. */
  readonly rateLimit?: RequestRateLimits;
  /** How long a key lookup is trusted; a revoked key stops working after at most this long. */
  readonly cacheTtlMs?: number;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

/** What a route asks of a request, decided from its RequireKey and BrowserPage metadata and the service's AuthOptions. */
export interface KeyAccess {
  readonly roles: readonly ApiKeyRole[];
  /** A reader route of a service whose reads are open: answered without a key. */
  readonly open: boolean;
  /**
   * The key is also taken as the password of Basic credentials: on reader
   * routes that only read (GET, HEAD), where a browser sends them. Never on
   * a write, so credentials a browser remembers cannot authorize one
   * (cross-site request forgery).
   */
  readonly basic: boolean;
  /** A 401 challenges with Basic (BrowserPage) rather than Bearer. */
  readonly browserPage: boolean;
}

export function keyAccess(roles: readonly ApiKeyRole[], options: Pick<AuthOptions, 'readKeysRequired'>, route: { method: string; browserPage: boolean }): KeyAccess {
  const reader = roles.includes('reader');
  const reads = route.method.toUpperCase() === 'GET' || route.method.toUpperCase() === 'HEAD';
  return { roles, open: reader && !options.readKeysRequired, basic: reader && reads, browserPage: route.browserPage };
}

/** A request as the key check sees it: Fastify's (its hooks and Nest's handlers get the same object). */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  socket?: { readonly remoteAddress?: string | undefined };
  keyHolder?: KeyHolder;
}

/** Seconds a client should wait when PostgreSQL, where keys are, does not answer. */
const KEY_STORE_RETRY_AFTER_SECONDS = 2;

/** Key lookups for a few seconds, so the hot path does not query per request. */
export class KeyHolderCache {
  private readonly entries = new Map<string, { holder: KeyHolder | undefined; until: number }>();

  constructor(private readonly ttlMs: number, private readonly maxEntries = 10_000) {}

  async get(key: string, load: () => Promise<KeyHolder | undefined>): Promise<KeyHolder | undefined> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.until > now) return hit.holder;
    const holder = await load();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { holder, until: now + this.ttlMs });
    return holder;
  }
}

/**
 * The one place that admits or refuses a request by its key: the Fastify
 * hook that runs before a body is read and the guard both call `admit`.
 */
@Injectable()
export class KeyAuthenticator {
  private readonly logger = new Logger('auth');
  private readonly cache: KeyHolderCache;
  private readonly keyUse = new KeyUseThrottle();
  private readonly limiter: RequestRateLimiter | undefined;
  /** Requests already admitted (by the hook, before the guard runs): checked and counted once. */
  private readonly admitted = new WeakSet<object>();

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(AUTH_OPTIONS) readonly options: AuthOptions,
  ) {
    this.cache = new KeyHolderCache(options.cacheTtlMs ?? 5_000);
    this.limiter = options.rateLimit === undefined ? undefined : new RequestRateLimiter(options.rateLimit);
  }

  /**
   * Admits a request to a route, or throws the problem to answer (401, 403,
   * 429, or 503 when keys cannot be looked up). Sets `keyHolder` (none on
   * an open route) and marks the request admitted, so it is checked once.
   */
  async admit(access: KeyAccess, request: AuthenticatedRequest): Promise<void> {
    if (this.admitted.has(request)) return;
    let client: string;
    if (access.open) {
      // X-Forwarded-For is not trusted here: any client could write it to get a fresh bucket per request.
      client = `address:${request.socket?.remoteAddress ?? 'unknown'}`;
    } else {
      const holder = await this.holderOf(access, request);
      request.keyHolder = holder;
      client = `key:${holder.keyId}`;
    }
    if (this.limiter !== undefined) {
      const allowance = this.limiter.take(client);
      if (!allowance.ok) {
        throw tooManyRequests(
          `over the rate of ${this.limiter.limits.perMinute} requests a minute (bursts of ${this.limiter.limits.burst}) of this ${access.open ? 'address' : 'key'}`,
          allowance.retryAfterSeconds,
        );
      }
    }
    this.admitted.add(request);
    const keyId = request.keyHolder?.keyId;
    if (keyId !== undefined && this.keyUse.shouldRecord(keyId)) {
      touchKey(this.dataSource, keyId).catch((error: unknown) => {
        this.keyUse.failed(keyId);
        this.logger.warn(`could not record key use: ${errorMessage(error)}`);
      });
    }
  }

  /** Whether the request presents an admin key (Bearer or Basic); false for none, an unknown key, or keys that cannot be looked up now. */
  async isAdmin(headers: AuthenticatedRequest['headers']): Promise<boolean> {
    const key = presentedKey(headers['authorization'], { basic: true });
    if (key === undefined) return false;
    try {
      return (await this.lookUp(key))?.role === 'admin';
    } catch {
      return false;
    }
  }

  private async holderOf(access: KeyAccess, request: AuthenticatedRequest): Promise<KeyHolder> {
    const challenge = { 'WWW-Authenticate': access.browserPage ? BROWSER_CHALLENGE : BEARER_CHALLENGE };
    const key = presentedKey(request.headers['authorization'], { basic: access.basic });
    if (key === undefined) {
      const how = access.basic ? 'send Authorization: Bearer <key> (or, from a browser, the key as the password)' : 'send Authorization: Bearer <key>';
      throw new ProblemException(401, how, {}, challenge);
    }
    let holder: KeyHolder | undefined;
    try {
      holder = await this.lookUp(key);
    } catch (error) {
      this.logger.warn(`cannot look keys up: ${errorMessage(error)}`);
      throw new ProblemException(503, 'keys cannot be checked right now; retry shortly', {}, { 'Retry-After': String(KEY_STORE_RETRY_AFTER_SECONDS) });
    }
    if (holder === undefined) throw new ProblemException(401, 'unknown or revoked key', {}, challenge);
    const allowed = access.roles.includes(holder.role) || (access.roles.includes('reader') && holder.role === 'admin');
    if (!allowed) throw new ProblemException(403, `this endpoint needs a key of role ${access.roles.join(' or ')}`);
    return holder;
  }

  private lookUp(key: string): Promise<KeyHolder | undefined> {
    return this.cache.get(key, () => findKeyHolder(this.dataSource, key));
  }
}

/**
 * The key check of the routes RequireKey marks. Services built with
 * createServiceApp check keys in a Fastify hook before the body is read;
 * the guard then finds the request admitted. It checks by itself a request
 * no hook saw.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(KeyAuthenticator) private readonly authenticator: KeyAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const roles = this.reflector.getAllAndOverride<ApiKeyRole[] | undefined>(ROLES, targets);
    if (roles === undefined) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & { method: string }>();
    const browserPage = this.reflector.getAllAndOverride<boolean | undefined>(BROWSER_PAGE, targets) === true;
    await this.authenticator.admit(keyAccess(roles, this.authenticator.options, { method: request.method, browserPage }), request);
    return true;
  }
}

@Module({})
export class AuthModule {
  static forRoot(options: AuthOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AUTH_OPTIONS, useValue: options },
        KeyAuthenticator,
        ApiKeyGuard,
        // Readiness shows which dependency fails, and how, only to an admin key.
        {
          provide: READINESS_DETAILS,
          useFactory: (authenticator: KeyAuthenticator): ReadinessDetailsAccess => (headers) => authenticator.isAdmin(headers),
          inject: [KeyAuthenticator],
        },
      ],
      exports: [ApiKeyGuard, KeyAuthenticator, AUTH_OPTIONS, READINESS_DETAILS],
    };
  }
}

/** The options AuthModule.forRoot was given in a module tree, as Nest would provide them; undefined: no AuthModule. */
export function authOptionsOf(module: DynamicModule): AuthOptions | undefined {
  if (module.module !== AuthModule) return undefined;
  for (const provider of module.providers ?? []) {
    if (typeof provider === 'object' && 'provide' in provider && provider.provide === AUTH_OPTIONS && 'useValue' in provider) return provider.useValue as AuthOptions;
  }
  return undefined;
}
