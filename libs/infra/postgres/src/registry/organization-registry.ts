import { municipalityMoves, MunicipalityMovesRefused, type MunicipalityMove, type OrganizationRecord } from '@sferum/domain';
import { ORG_FACTS, REGISTRY_ONBOARDING_STEPS, type OrgCategory, type OrgFact, type RegistryOnboardingStep } from '@sferum/contracts';
import { type DataSource, type EntityManager } from 'typeorm';

export interface ImportCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface ImportReport {
  readonly rows: number;
  readonly municipalities: ImportCounts;
  readonly organizations: ImportCounts;
  /** The municipalities the import moved to another region (only with allowMunicipalityMoves). */
  readonly municipalityMoves: readonly MunicipalityMove[];
}

export interface ImportOptions {
  /**
   * Apply a file that places existing municipalities in other regions.
   * Without it such a file applies nothing and MunicipalityMovesRefused
   * lists the moves. Moving organizations between municipalities needs no flag.
   */
  readonly allowMunicipalityMoves?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

const CHUNK = 5_000;

/**
 * The name of the transaction-level advisory lock every import takes (as
 * the alert store names its locks): imports run one after the other, so no
 * concurrent import can create or move a municipality between the move
 * check and the upsert of this one.
 */
const IMPORT_LOCK = 'registry-import';

/**
 * Upserts organizations (and their municipalities) in one transaction: the
 * whole file applies or nothing does. Rows whose values do not change are
 * not written, so a re-import reports them as unchanged and keeps their
 * updated_at. Organizations absent from the file are kept. A municipality
 * the file places in another region than the registry does is refused
 * (MunicipalityMovesRefused) unless `allowMunicipalityMoves`; the check
 * reads PostgreSQL inside the import's own transaction.
 */
export async function importOrganizations(
  dataSource: DataSource,
  records: readonly OrganizationRecord[],
  options: ImportOptions = {},
): Promise<ImportReport> {
  return dataSource.transaction(async (manager) => {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [IMPORT_LOCK]);
    const moves = await movesOf(manager, records);
    if (moves.length > 0 && options.allowMunicipalityMoves !== true) throw new MunicipalityMovesRefused(moves);

    const municipalities = new Map<string, { name: string; regionCode: string }>();
    for (const r of records) municipalities.set(r.municipalityId, { name: r.municipalityName, regionCode: r.regionCode });
    const municipalityCounts = await upsertMunicipalities(manager, municipalities);

    // The optional columns the file states (a file states a column for every row or for none): written; the others kept.
    const stated = ORG_FACTS.filter((f) => records.length > 0 && records.every((r) => r.facts[f] !== undefined));
    const statedSteps = REGISTRY_ONBOARDING_STEPS.filter((s) => records.length > 0 && records.every((r) => r.onboarding[s] !== undefined));
    const columns = ['name', 'category', 'municipality_id', 'teacher_headcount', ...stated, ...statedSteps];
    const organizations: ImportCounts = { inserted: 0, updated: 0, unchanged: 0 };
    for (let start = 0; start < records.length; start += CHUNK) {
      const chunk = records.slice(start, start + CHUNK);
      const written: { inserted: boolean }[] = await manager.query(
        `INSERT INTO organization (id, ${columns.join(', ')})
         SELECT * FROM unnest($1::varchar[], $2::text[], $3::varchar[], $4::varchar[], $5::int[]${stated.map((_, i) => `, $${6 + i}::boolean[]`).join('')}${statedSteps.map((_, i) => `, $${6 + stated.length + i}::date[]`).join('')})
         ON CONFLICT (id) DO UPDATE SET
           ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()
         WHERE (${columns.map((c) => `organization.${c}`).join(', ')}) IS DISTINCT FROM (${columns.map((c) => `EXCLUDED.${c}`).join(', ')})
         RETURNING (xmax = 0) AS inserted`,
        [
          chunk.map((r) => r.orgId),
          chunk.map((r) => r.orgName),
          chunk.map((r) => r.category),
          chunk.map((r) => r.municipalityId),
          chunk.map((r) => r.teacherHeadcount),
          ...stated.map((f) => chunk.map((r) => r.facts[f] === true)),
          ...statedSteps.map((s) => chunk.map((r) => r.onboarding[s] ?? null)),
        ],
      );
      count(organizations, written, chunk.length);
      options.onProgress?.(Math.min(start + CHUNK, records.length), records.length);
    }
    return { rows: records.length, municipalities: municipalityCounts, organizations, municipalityMoves: moves };
  });
}

/**
 * The municipalities `records` would move to another region, as the
 * registry stands now: what a dry run reports. The import itself checks
 * again inside its transaction.
 */
export async function findMunicipalityMoves(dataSource: DataSource, records: readonly OrganizationRecord[]): Promise<MunicipalityMove[]> {
  return movesOf(dataSource.manager, records);
}

async function movesOf(manager: EntityManager, records: readonly OrganizationRecord[]): Promise<MunicipalityMove[]> {
  const ids = [...new Set(records.map((r) => r.municipalityId))];
  if (ids.length === 0) return [];
  const rows: { id: string; region_code: string }[] = await manager.query('SELECT id, region_code FROM municipality WHERE id = ANY($1::varchar[])', [ids]);
  return municipalityMoves(records, new Map(rows.map((r) => [r.id, r.region_code])));
}

async function upsertMunicipalities(
  manager: EntityManager,
  municipalities: Map<string, { name: string; regionCode: string }>,
): Promise<ImportCounts> {
  const counts: ImportCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const entries = [...municipalities.entries()];
  for (let start = 0; start < entries.length; start += CHUNK) {
    const chunk = entries.slice(start, start + CHUNK);
    const written: { inserted: boolean }[] = await manager.query(
      `INSERT INTO municipality (id, name, region_code)
       SELECT * FROM unnest($1::varchar[], $2::text[], $3::varchar[])
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, region_code = EXCLUDED.region_code, updated_at = now()
       WHERE (municipality.name, municipality.region_code) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.region_code)
       RETURNING (xmax = 0) AS inserted`,
      [chunk.map(([id]) => id), chunk.map(([, m]) => m.name), chunk.map(([, m]) => m.regionCode)],
    );
    count(counts, written, chunk.length);
  }
  return counts;
}

function count(counts: ImportCounts, written: { inserted: boolean }[], total: number): void {
  const inserted = written.filter((w) => w.inserted).length;
  counts.inserted += inserted;
  counts.updated += written.length - inserted;
  counts.unchanged += total - written.length;
}

interface OrganizationRow {
  id: string;
  name: string;
  category: string;
  municipality_id: string;
  municipality_name: string;
  region_code: string;
  teacher_headcount: number | null;
  connected: boolean;
  journal_linked: boolean;
  gov_label: boolean;
  list_collected: string | null;
  passed_to_coordinators: string | null;
  admins_informed: string | null;
  structure_built: string | null;
}

/**
 * The onboarding dates of an organization's row (o.), as YYYY-MM-DD text
 * (the pg driver would turn a date into a Date at the client's midnight).
 */
export const ONBOARDING_DATES_SQL = REGISTRY_ONBOARDING_STEPS.map((s) => `to_char(o.${s}, 'YYYY-MM-DD') AS ${s}`).join(', ');

/** The columns of an organization's row, its facts (named as ORG_FACTS) and onboarding dates included. */
const ORGANIZATION_COLUMNS = `o.id, o.name, o.category, o.municipality_id, m.name AS municipality_name, m.region_code, o.teacher_headcount, ${ORG_FACTS.map((f) => `o.${f}`).join(', ')}, ${ONBOARDING_DATES_SQL}`;

const factsOf = (row: OrganizationRow): Record<OrgFact, boolean> => Object.fromEntries(ORG_FACTS.map((f) => [f, row[f]])) as Record<OrgFact, boolean>;

/** The registry's onboarding dates of a row selected with ONBOARDING_DATES_SQL. */
export const onboardingOfRow = (row: Readonly<Record<RegistryOnboardingStep, string | null>>): Record<RegistryOnboardingStep, string | null> =>
  Object.fromEntries(REGISTRY_ONBOARDING_STEPS.map((s) => [s, row[s]])) as Record<RegistryOnboardingStep, string | null>;

const toRecord = (row: OrganizationRow): OrganizationRecord => ({
  orgId: row.id,
  orgName: row.name,
  category: row.category as OrgCategory,
  municipalityId: row.municipality_id,
  municipalityName: row.municipality_name,
  regionCode: row.region_code,
  teacherHeadcount: row.teacher_headcount,
  facts: factsOf(row),
  onboarding: onboardingOfRow(row),
});

/** Every organization (of one region, when given), in the CSV's order. */
export async function exportOrganizations(dataSource: DataSource, regionCode?: string): Promise<OrganizationRecord[]> {
  const rows: OrganizationRow[] = await dataSource.query(
    `SELECT ${ORGANIZATION_COLUMNS}
     FROM organization o JOIN municipality m ON m.id = o.municipality_id
     WHERE ($1::varchar IS NULL OR m.region_code = $1)
     ORDER BY o.id COLLATE "C"`,
    [regionCode ?? null],
  );
  return rows.map(toRecord);
}

export interface OrganizationFilter {
  readonly regionCode?: string;
  readonly municipalityId?: string;
  readonly category?: OrgCategory;
  readonly limit: number;
  readonly offset: number;
}

/** An organization as the API shows it: its record, and what the registry states of it (its facts, and the dates of its onboarding steps). */
export interface OrganizationView extends Omit<OrganizationRecord, 'facts' | 'onboarding'> {
  readonly connected: boolean;
  readonly journalLinked: boolean;
  readonly govLabel: boolean;
  readonly onboarding: Readonly<Record<RegistryOnboardingStep, string | null>>;
}

const VIEW_SELECT = `SELECT ${ORGANIZATION_COLUMNS}
  FROM organization o JOIN municipality m ON m.id = o.municipality_id`;

type ViewRow = OrganizationRow;

const toView = (r: ViewRow): OrganizationView => {
  const { facts: _facts, onboarding: _onboarding, ...record } = toRecord(r);
  return { ...record, connected: r.connected, journalLinked: r.journal_linked, govLabel: r.gov_label, onboarding: onboardingOfRow(r) };
};

export async function findOrganizations(
  dataSource: DataSource,
  filter: OrganizationFilter,
): Promise<{ total: number; items: OrganizationView[] }> {
  const params = [filter.regionCode ?? null, filter.municipalityId ?? null, filter.category ?? null];
  const where = `($1::varchar IS NULL OR m.region_code = $1) AND ($2::varchar IS NULL OR o.municipality_id = $2)
                 AND ($3::varchar IS NULL OR o.category = $3)`;
  const [{ total }] = await dataSource.query<[{ total: number }]>(
    `SELECT count(*)::int AS total FROM organization o JOIN municipality m ON m.id = o.municipality_id WHERE ${where}`,
    params,
  );
  const rows: ViewRow[] = await dataSource.query(`${VIEW_SELECT} WHERE ${where} ORDER BY o.id COLLATE "C" LIMIT $4 OFFSET $5`, [
    ...params,
    filter.limit,
    filter.offset,
  ]);
  return { total, items: rows.map(toView) };
}

export async function findOrganization(dataSource: DataSource, orgId: string): Promise<OrganizationView | undefined> {
  const rows: ViewRow[] = await dataSource.query(`${VIEW_SELECT} WHERE o.id = $1`, [orgId]);
  return rows.map(toView)[0];
}

export interface RegionView {
  readonly code: string;
  readonly name: string;
  readonly timeZone: string;
  readonly municipalities: number;
  readonly organizations: number;
}

export async function listRegions(dataSource: DataSource): Promise<RegionView[]> {
  const rows: { code: string; name: string; time_zone: string; municipalities: number; organizations: number }[] =
    await dataSource.query(
      `SELECT r.code, r.name, r.time_zone,
              (SELECT count(*)::int FROM municipality m WHERE m.region_code = r.code) AS municipalities,
              (SELECT count(*)::int FROM organization o JOIN municipality m ON m.id = o.municipality_id WHERE m.region_code = r.code) AS organizations
       FROM region r ORDER BY r.code`,
    );
  return rows.map((r) => ({ code: r.code, name: r.name, timeZone: r.time_zone, municipalities: r.municipalities, organizations: r.organizations }));
}

/** One region (code, name, time zone), or undefined; a single-row query for hot paths. */
export async function findRegion(dataSource: DataSource, code: string): Promise<{ code: string; name: string; timeZone: string } | undefined> {
  const rows = await dataSource.query<{ code: string; name: string; time_zone: string }[]>('SELECT code, name, time_zone FROM region WHERE code = $1', [code]);
  const row = rows[0];
  return row === undefined ? undefined : { code: row.code, name: row.name, timeZone: row.time_zone };
}

export async function regionCodes(dataSource: DataSource): Promise<Set<string>> {
  const rows: { code: string }[] = await dataSource.query('SELECT code FROM region');
  return new Set(rows.map((r) => r.code));
}

export async function listMunicipalities(
  dataSource: DataSource,
  regionCode: string,
): Promise<{ id: string; name: string; organizations: number }[]> {
  return dataSource.query(
    `SELECT m.id, m.name, (SELECT count(*)::int FROM organization o WHERE o.municipality_id = m.id) AS organizations
     FROM municipality m WHERE m.region_code = $1 ORDER BY m.name, m.id`,
    [regionCode],
  );
}
