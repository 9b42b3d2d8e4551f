/** The registry CSV of simulated organizations, in the import format of the KPI service. */
import { type RegionWorld } from './world';

export const REGISTRY_HEADER = 'org_id,org_name,category,municipality_id,municipality_name,region_code,teacher_headcount';

function field(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function registryCsvRows(world: RegionWorld): string[] {
  return world.organizations.map((o) =>
    [o.id, o.name, o.category, o.municipalityId, o.municipalityName, world.region.code, o.headcount === null ? '' : String(o.headcount)].map(field).join(','),
  );
}
