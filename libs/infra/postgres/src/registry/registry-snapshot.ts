import { ORG_FACTS, type OrgCategory, type OrgFact, type RegistryOnboardingStep } from '@sferum/contracts';
import { type Threshold } from '@sferum/domain';
import { type DataSource } from 'typeorm';
import { ONBOARDING_DATES_SQL, onboardingOfRow } from './organization-registry';
import { listThresholds, type RegionKpiSettings, REGION_SETTINGS_COLUMNS, type RegionSettingsRow, settingsOfRow } from './kpi-settings';

/**
 * The whole registry and its settings as one consistent picture, with the
 * version number migration 0004 keeps (raised with every change): what the
 * KPI service holds in memory and mirrors into ClickHouse. Read in one
 * REPEATABLE READ transaction, so the version names exactly these rows.
 */
export interface RegistrySnapshot {
  readonly version: number;
  readonly regions: readonly { readonly code: string; readonly name: string; readonly timeZone: string }[];
  readonly municipalities: readonly { readonly id: string; readonly name: string; readonly regionCode: string }[];
  readonly organizations: readonly SnapshotOrganization[];
  /** Per region code; regions without a row use DEFAULT_KPI_SETTINGS. */
  readonly settings: ReadonlyMap<string, RegionKpiSettings>;
  readonly thresholds: readonly Threshold[];
}

export interface SnapshotOrganization {
  readonly id: string;
  readonly name: string;
  readonly category: OrgCategory;
  readonly municipalityId: string;
  readonly regionCode: string;
  readonly headcount: number | null;
  /** What the registry states of it (its CSV's columns connected, journal_linked, gov_label). */
  readonly facts: Readonly<Record<OrgFact, boolean>>;
  /** The dates of the onboarding steps only the registry states (its CSV's columns list_collected, ...), null when not yet. */
  readonly onboarding: Readonly<Record<RegistryOnboardingStep, string | null>>;
}

/** The registry's version alone: one row, for cheap polling. */
export async function registryVersion(dataSource: DataSource): Promise<number> {
  const rows = await dataSource.query<{ version: string }[]>('SELECT version::text AS version FROM registry_state WHERE id = 1');
  return Number(rows[0]?.version ?? 0);
}

export async function registrySnapshot(dataSource: DataSource): Promise<RegistrySnapshot> {
  return dataSource.transaction('REPEATABLE READ', async (manager) => {
    const [state] = await manager.query<{ version: string }[]>('SELECT version::text AS version FROM registry_state WHERE id = 1');
    const version = Number(state?.version ?? 0);
    const regions = await manager.query<{ code: string; name: string; time_zone: string }[]>('SELECT code, name, time_zone FROM region ORDER BY code');
    const municipalities = await manager.query<{ id: string; name: string; region_code: string }[]>('SELECT id, name, region_code FROM municipality ORDER BY id COLLATE "C"');
    const organizations = await manager.query<
      ({ id: string; name: string; category: OrgCategory; municipality_id: string; region_code: string; teacher_headcount: number | null } & Record<OrgFact, boolean> &
        Record<RegistryOnboardingStep, string | null>)[]
    >(
      `SELECT o.id, o.name, o.category, o.municipality_id, m.region_code, o.teacher_headcount, ${ORG_FACTS.map((f) => `o.${f}`).join(', ')}, ${ONBOARDING_DATES_SQL}
       FROM organization o JOIN municipality m ON m.id = o.municipality_id ORDER BY o.id COLLATE "C"`,
    );
    const settingsRows = await manager.query<(RegionSettingsRow & { region_code: string })[]>(`SELECT region_code, ${REGION_SETTINGS_COLUMNS} FROM region_settings`);
    const thresholds = await listThresholds(manager);
    return {
      version,
      regions: regions.map((r) => ({ code: r.code, name: r.name, timeZone: r.time_zone })),
      municipalities: municipalities.map((m) => ({ id: m.id, name: m.name, regionCode: m.region_code })),
      organizations: organizations.map((o) => ({
        id: o.id,
        name: o.name,
        category: o.category,
        municipalityId: o.municipality_id,
        regionCode: o.region_code,
        headcount: o.teacher_headcount,
        facts: Object.fromEntries(ORG_FACTS.map((f) => [f, o[f]])) as Record<OrgFact, boolean>,
        onboarding: onboardingOfRow(o),
      })),
      settings: new Map(settingsRows.map((s) => [s.region_code, settingsOfRow(s)])),
      thresholds,
    };
  });
}
