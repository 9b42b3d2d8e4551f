import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  Module,
  SetMetadata,
  type DynamicModule,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type ApiKeyRole } from '@sferum/contracts';
import { bearerKey } from '@sferum/domain';
import { findKeyHolder, touchKey, type KeyHolder } from '@sferum/infra-postgres';
import { errorMessage } from '@sferum/util';
import { DataSource } from 'typeorm';
import { ProblemException } from './problem.filter';

const ROLES = 'sferum:roles';

/**
 * Marks a handler (or controller) as needing a key of one of these roles.
 * An admin key is accepted wherever a reader key is. "reader" endpoints are
 * open unless the service requires read keys (AuthOptions.readKeysRequired).
 */
export const RequireKey = (...roles: ApiKeyRole[]) => SetMetadata(ROLES, roles);

/** The roles RequireKey asks of a handler (its own, else its controller's), as the guard reads them; undefined: none. */
export function requiredKeyRoles(controller: object, handler: object): readonly ApiKeyRole[] | undefined {
  return (Reflect.getMetadata(ROLES, handler) ?? Reflect.getMetadata(ROLES, controller)) as ApiKeyRole[] | undefined;
}

export interface AuthOptions {
  readonly readKeysRequired: boolean;
  /** How long a key lookup is trusted; a revoked key stops working after at most this long. */
  readonly cacheTtlMs?: number;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  keyHolder?: KeyHolder;
}

const UNAUTHORIZED_HEADERS = { 'WWW-Authenticate': 'Bearer' };

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

@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger(ApiKeyGuard.name);
  private readonly cache: KeyHolderCache;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {
    this.cache = new KeyHolderCache(options.cacheTtlMs ?? 5_000);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const roles = this.reflector.getAllAndOverride<ApiKeyRole[] | undefined>(ROLES, [context.getHandler(), context.getClass()]);
    if (roles === undefined) return true;
    const readerEndpoint = roles.includes('reader');
    if (readerEndpoint && !this.options.readKeysRequired) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers['authorization'];
    const key = bearerKey(Array.isArray(header) ? header[0] : header);
    if (key === undefined) {
      throw new ProblemException(401, 'send Authorization: Bearer <key>', {}, UNAUTHORIZED_HEADERS);
    }
    const holder = await this.cache.get(key, () => findKeyHolder(this.dataSource, key));
    if (holder === undefined) throw new ProblemException(401, 'unknown or revoked key', {}, UNAUTHORIZED_HEADERS);
    const allowed = roles.includes(holder.role) || (readerEndpoint && holder.role === 'admin');
    if (!allowed) throw new ProblemException(403, `this endpoint needs a key of role ${roles.join(' or ')}`);
    request.keyHolder = holder;
    touchKey(this.dataSource, holder.keyId).catch((error: unknown) =>
      this.logger.warn(`could not record key use: ${errorMessage(error)}`),
    );
    return true;
  }
}

@Module({})
export class AuthModule {
  static forRoot(options: AuthOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [{ provide: AUTH_OPTIONS, useValue: options }, ApiKeyGuard],
      exports: [ApiKeyGuard, AUTH_OPTIONS],
    };
  }
}
