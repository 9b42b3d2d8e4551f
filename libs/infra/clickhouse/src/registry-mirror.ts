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
 * Writes version `version` of the registry and commits it. No ALTER runs
 * before or while writing (on 18.16 an ALTER waits for every query of the
 * table and holds up the ones after it): a write interrupted by a crash and
 * done again leaves some rows twice, which readers collapse (they group by
 * org_id). A committed version is not written again; callers hold a lock so
 * that two never write at once, and write only when the placement changed.
 * Old versions are deleted in one go (a mutation) once more than
 * `keepVersions` + 20 are kept, so the ALTER is rare; the last
 * `keepVersions` (3) stay for instances still on an older one.
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
  const kept = (await clickhouse.query<{ version: string | number }>('SELECT DISTINCT version FROM registry_organizations ORDER BY version')).map((r) =>
    Number(r.version),
  );
  const old = kept.slice(0, Math.max(0, kept.length - keep));
  if (old.length > PRUNE_AFTER) {
    // A mutation, not DROP PARTITION: on 18.16 DROP PARTITION takes the table's structure lock exclusively, and a
    // KPI query reads this table in several subqueries, taking the shared lock once for each: one that took a
    // lock before the ALTER queued and asks for the next after it waits for the ALTER, which waits for it, and
    // both hang for good (four concurrent KPI queries and one DROP PARTITION did, at once; DELETE did not in 300).
    // A mutation is registered and applied in the background like a merge, under the shared lock; until then the
    // old rows stay, never read (a query names its version).
    await clickhouse.command(`ALTER TABLE registry_organizations DELETE WHERE version IN (${old.map((v) => sqlUInt(v)).join(', ')})`);
  }
}

/** Old versions kept before they are dropped together. */
const PRUNE_AFTER = 20;
