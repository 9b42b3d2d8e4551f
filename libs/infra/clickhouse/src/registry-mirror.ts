import { type ClickHouse } from './clickhouse-client';
import { sqlUInt } from './sql-literal';

/**
 * The registry where the queries run (migrations/0002): PostgreSQL is the
 * system of record; its placement of every organization is copied here as
 * a numbered version on every import or change. A version's rows are
 * written first and the version is committed after them, in
 * registry_versions: a reader takes the highest committed version and so
 * sees one registry, never half of an import.
 */
export interface MirroredOrganization {
  readonly orgId: string;
  readonly municipalityId: string;
  readonly regionCode: string;
  readonly category: string;
  /** The official teacher headcount, null when the registry has none. */
  readonly headcount: number | null;
}

/** The highest committed version of the mirror, 0 when none was ever mirrored. */
export async function mirroredRegistryVersion(clickhouse: ClickHouse): Promise<number> {
  const rows = await clickhouse.query<{ version: string | number }>('SELECT max(version) AS version FROM registry_versions');
  return Number(rows[0]?.version ?? 0);
}

/**
 * Writes version `version` of the registry and commits it. Safe to run
 * again after a crash (the version's partition is cleared first) and by
 * two instances one after the other (a committed version is not written
 * again); callers hold a lock so that two never write at once. Keeps the
 * last `keepVersions` (3) for instances and queries still on an older one,
 * drops the rest.
 */
export async function mirrorRegistry(
  clickhouse: ClickHouse,
  version: number,
  organizations: readonly MirroredOrganization[],
  options: { readonly keepVersions?: number } = {},
): Promise<void> {
  if (!Number.isSafeInteger(version) || version < 1) throw new Error(`registry version must be a positive integer, got ${version}`);
  const committed = await clickhouse.query<{ n: string | number }>(`SELECT count() AS n FROM registry_versions WHERE version = ${sqlUInt(version)}`);
  if (Number(committed[0]?.n ?? 0) > 0) return;
  await dropVersion(clickhouse, version);
  const CHUNK = 50_000;
  for (let start = 0; start < organizations.length; start += CHUNK) {
    await clickhouse.insert(
      'registry_organizations',
      organizations.slice(start, start + CHUNK).map((o) => ({
        version,
        org_id: o.orgId,
        municipality_id: o.municipalityId,
        region_code: o.regionCode,
        category: o.category,
        headcount: o.headcount ?? 0,
        has_headcount: o.headcount === null ? 0 : 1,
      })),
    );
  }
  await clickhouse.insert('registry_versions', [{ version, organizations: organizations.length, mirrored_at: Math.floor(Date.now() / 1000) }]);
  const keep = options.keepVersions ?? 3;
  const older = await clickhouse.query<{ version: string | number }>(
    `SELECT DISTINCT version FROM registry_organizations WHERE version <= ${sqlUInt(Math.max(0, version - keep))}`,
  );
  for (const row of older) await dropVersion(clickhouse, Number(row.version));
}

async function dropVersion(clickhouse: ClickHouse, version: number): Promise<void> {
  // PARTITION BY version: the partition's name is the version number.
  await clickhouse.command(`ALTER TABLE registry_organizations DROP PARTITION ${sqlUInt(version)}`);
}
