import { type ApiKeyRole } from '@sferum/contracts';
import { generateApiKey, hashApiKey, looksLikeApiKey } from '@sferum/domain';
import { type DataSource, type EntityManager } from 'typeorm';

export interface KeyHolder {
  readonly keyId: number;
  readonly role: ApiKeyRole;
  /** For role "source": the source's name, home region and allowed regions (null: all). */
  readonly source: { readonly name: string; readonly homeRegion: string; readonly allowedRegions: readonly string[] | null } | null;
}

export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

async function insertKey(manager: EntityManager, role: ApiKeyRole, sourceName: string | null): Promise<string> {
  const { key, hash, prefix } = generateApiKey();
  await manager.query('INSERT INTO api_key (role, source_name, key_hash, key_prefix) VALUES ($1, $2, $3, $4)', [
    role,
    sourceName,
    hash,
    prefix,
  ]);
  return key;
}

/** Creates an admin or reader key; returns the key (shown once, never stored). */
export async function createKey(dataSource: DataSource, role: Exclude<ApiKeyRole, 'source'>): Promise<string> {
  return insertKey(dataSource.manager, role, null);
}

/** The holder of a presented key, or undefined for an unknown or revoked key. */
export async function findKeyHolder(dataSource: DataSource, presented: string): Promise<KeyHolder | undefined> {
  if (!looksLikeApiKey(presented)) return undefined;
  const rows: {
    id: number;
    role: ApiKeyRole;
    source_name: string | null;
    home_region: string | null;
    allowed_regions: string[] | null;
  }[] = await dataSource.query(
    `SELECT k.id, k.role, k.source_name, s.home_region, s.allowed_regions
     FROM api_key k LEFT JOIN source s ON s.name = k.source_name
     WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
    [hashApiKey(presented)],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    keyId: row.id,
    role: row.role,
    source:
      row.source_name === null
        ? null
        : { name: row.source_name, homeRegion: row.home_region ?? '', allowedRegions: row.allowed_regions },
  };
}

/** Records use; at most once a minute per key, so the hot path writes rarely. */
export async function touchKey(dataSource: DataSource, keyId: number): Promise<void> {
  await dataSource.query(
    `UPDATE api_key SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [keyId],
  );
}

const SOURCE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface SourceSpec {
  readonly name: string;
  readonly homeRegion: string;
  /** null: every region. */
  readonly allowedRegions: readonly string[] | null;
}

async function assertRegions(manager: EntityManager, codes: readonly string[]): Promise<void> {
  const rows: { code: string }[] = await manager.query('SELECT code FROM region WHERE code = ANY($1::varchar[])', [codes]);
  const known = new Set(rows.map((r) => r.code));
  const unknown = codes.filter((c) => !known.has(c));
  if (unknown.length > 0) throw new RegistryError(`unknown region code(s): ${unknown.join(', ')}`);
}

/** Registers an upstream system and returns its first key. */
export async function createSource(dataSource: DataSource, spec: SourceSpec): Promise<string> {
  if (!SOURCE_NAME.test(spec.name)) {
    throw new RegistryError('source name must be 1 to 64 characters of a-z 0-9 . _ -, starting with a letter or digit');
  }
  return dataSource.transaction(async (manager) => {
    await assertRegions(manager, [spec.homeRegion, ...(spec.allowedRegions ?? [])]);
    const existing: unknown[] = await manager.query('SELECT 1 FROM source WHERE name = $1', [spec.name]);
    if (existing.length > 0) throw new RegistryError(`source "${spec.name}" exists already (rotate its key instead)`);
    await manager.query('INSERT INTO source (name, home_region, allowed_regions) VALUES ($1, $2, $3)', [
      spec.name,
      spec.homeRegion,
      spec.allowedRegions === null ? null : [...new Set(spec.allowedRegions)].sort(),
    ]);
    return insertKey(manager, 'source', spec.name);
  });
}

export interface SourceView extends SourceSpec {
  readonly activeKeys: { readonly prefix: string; readonly createdAt: Date; readonly lastUsedAt: Date | null }[];
  readonly createdAt: Date;
}

export async function listSources(dataSource: DataSource): Promise<SourceView[]> {
  const sources: { name: string; home_region: string; allowed_regions: string[] | null; created_at: Date }[] =
    await dataSource.query('SELECT name, home_region, allowed_regions, created_at FROM source ORDER BY name');
  const keys: { source_name: string; key_prefix: string; created_at: Date; last_used_at: Date | null }[] =
    await dataSource.query(
      `SELECT source_name, key_prefix, created_at, last_used_at FROM api_key
       WHERE role = 'source' AND revoked_at IS NULL ORDER BY created_at`,
    );
  return sources.map((s) => ({
    name: s.name,
    homeRegion: s.home_region,
    allowedRegions: s.allowed_regions,
    createdAt: s.created_at,
    activeKeys: keys
      .filter((k) => k.source_name === s.name)
      .map((k) => ({ prefix: k.key_prefix, createdAt: k.created_at, lastUsedAt: k.last_used_at })),
  }));
}

/** Revokes every key of a source; returns how many were active. */
export async function revokeSource(dataSource: DataSource, name: string): Promise<number> {
  await assertSourceExists(dataSource.manager, name);
  // TypeORM answers an UPDATE on PostgreSQL with [rows, affected row count].
  const [, revoked] = await dataSource.query<[unknown[], number]>(
    `UPDATE api_key SET revoked_at = now() WHERE source_name = $1 AND revoked_at IS NULL`,
    [name],
  );
  return revoked;
}

/** Issues a new key for a source and revokes the previous ones, atomically. */
export async function rotateSource(dataSource: DataSource, name: string): Promise<string> {
  return dataSource.transaction(async (manager) => {
    await assertSourceExists(manager, name);
    await manager.query(`UPDATE api_key SET revoked_at = now() WHERE source_name = $1 AND revoked_at IS NULL`, [name]);
    return insertKey(manager, 'source', name);
  });
}

async function assertSourceExists(manager: EntityManager, name: string): Promise<void> {
  const rows: unknown[] = await manager.query('SELECT 1 FROM source WHERE name = $1', [name]);
  if (rows.length === 0) throw new RegistryError(`no source named "${name}"`);
}
