import { ORG_CATEGORIES, type OrgCategory } from '@sferum/contracts';
import { IDENTIFIER_PATTERN, REGION_CODE_PATTERN } from '@sferum/contracts';
import { ProblemException } from '@sferum/infra-http';

/** Query parameters of the registry endpoints, validated with reasons a person can act on. */

export function optionalRegion(value: unknown, known: ReadonlySet<string>): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !REGION_CODE_PATTERN.test(value)) throw badParameter('region', 'must be a two-digit region code, for example 54');
  if (!known.has(value)) throw badParameter('region', `unknown region code "${value}"`);
  return value;
}

/** A region code the request must name (a path parameter): 400 when empty, malformed or unknown. */
export function requiredRegion(name: string, value: unknown, known: ReadonlySet<string>): string {
  if (value === undefined || value === '') throw badParameter(name, 'required: a two-digit region code, for example 54');
  if (typeof value !== 'string' || !REGION_CODE_PATTERN.test(value)) throw badParameter(name, 'must be a two-digit region code, for example 54');
  if (!known.has(value)) throw badParameter(name, `unknown region code "${value}"`);
  return value;
}

export function optionalCategory(value: unknown): OrgCategory | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !(ORG_CATEGORIES as readonly string[]).includes(value)) {
    throw badParameter('category', `must be one of ${ORG_CATEGORIES.join(', ')}`);
  }
  return value as OrgCategory;
}

export function optionalIdentifier(name: string, value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !IDENTIFIER_PATTERN.test(value)) throw badParameter(name, 'must be 1 to 128 characters of A-Z a-z 0-9 . _ : -');
  return value;
}

export function boundedInt(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw badParameter(name, `must be an integer from ${min} to ${max}`);
  }
  return Number(value);
}

export function optionalBool(name: string, value: unknown): boolean {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw badParameter(name, 'must be true or false');
}

function badParameter(name: string, reason: string): ProblemException {
  return new ProblemException(400, `${name}: ${reason}`, { parameter: name });
}
