/** The 89 federal subjects as simulated regions: code, name and time zone (the project's table of them). */
import { FEDERAL_SUBJECTS } from '@sferum/domain';
import { type SimRegion } from '../world';

export const FEDERAL_REGIONS: readonly SimRegion[] = FEDERAL_SUBJECTS.map((s) => ({ code: s.code, name: s.name, zone: s.timeZone }));

const BY_CODE = new Map(FEDERAL_REGIONS.map((r) => [r.code, r]));

export function isFederalSubject(code: string): boolean {
  return BY_CODE.has(code);
}

export function federalSubject(code: string): SimRegion {
  const region = BY_CODE.get(code);
  if (region === undefined) throw new Error(`no federal subject ${code}`);
  return region;
}

/** Region code -> time zone, of every federal subject. */
export const FEDERAL_ZONES: ReadonlyMap<string, string> = new Map(FEDERAL_REGIONS.map((r) => [r.code, r.zone]));
