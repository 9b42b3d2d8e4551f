/**
 * Bands of the federal indicators.
 *
 * Edge rule of the source table, whose edges overlap: a value at or below
 * the lower edge is "below_norm", at or above the upper edge is "good",
 * anything strictly between is "average". The band is decided on the exact
 * fraction, never on a rounded percentage. Thresholds are data with an
 * effective date: a week takes those in force on its Monday.
 */
import { type Band, ISO_DATE_PATTERN, type KpiId } from '@sferum/contracts';
import { assertCount, compareFractionToPpm, parsePercentPpm } from './percent';

export interface Threshold {
  readonly kpi: KpiId;
  /** Percentage as a decimal string, for example "0.5". */
  readonly lower: string;
  /** Percentage as a decimal string, for example "1". */
  readonly upper: string;
  /** First day in force, "YYYY-MM-DD". */
  readonly effectiveFrom: string;
}

export interface BandEdges {
  readonly lowerPpm: bigint;
  readonly upperPpm: bigint;
}

export class InvalidThresholdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidThresholdError';
  }
}

const ISO_DATE = ISO_DATE_PATTERN;

export function edgesOf(threshold: Threshold): BandEdges {
  const lowerPpm = parsePercentPpm(threshold.lower);
  const upperPpm = parsePercentPpm(threshold.upper);
  if (lowerPpm > upperPpm) {
    throw new InvalidThresholdError(
      `threshold ${threshold.kpi} from ${threshold.effectiveFrom}: lower edge ${threshold.lower} is above upper edge ${threshold.upper}`,
    );
  }
  return { lowerPpm, upperPpm };
}

/** The band of numerator / denominator; null when the denominator is 0. */
export function bandOf(numerator: number, denominator: number, edges: BandEdges): Band | null {
  assertCount(numerator, 'numerator');
  assertCount(denominator, 'denominator');
  if (denominator === 0) return null;
  if (compareFractionToPpm(numerator, denominator, edges.lowerPpm) <= 0) return 'below_norm';
  if (compareFractionToPpm(numerator, denominator, edges.upperPpm) >= 0) return 'good';
  return 'average';
}

/**
 * The threshold of `kpi` in force on `date` ("YYYY-MM-DD", the week's
 * Monday): the one with the latest effective date not after it. Undefined
 * when none was in force yet.
 */
export function thresholdInForce(thresholds: readonly Threshold[], kpi: KpiId, date: string): Threshold | undefined {
  if (!ISO_DATE.test(date)) throw new InvalidThresholdError(`expected a date YYYY-MM-DD, got "${date}"`);
  let best: Threshold | undefined;
  for (const t of thresholds) {
    if (t.kpi !== kpi || t.effectiveFrom > date) continue;
    if (best === undefined || t.effectiveFrom > best.effectiveFrom) best = t;
  }
  return best;
}

/** The federal bands in force since 17 March 2023 (seed data of the registry). */
export const FEDERAL_THRESHOLDS_2023: readonly Threshold[] = [
  { kpi: 'active_schools', lower: '50', upper: '90', effectiveFrom: '2023-03-17' },
  { kpi: 'active_orgs', lower: '50', upper: '90', effectiveFrom: '2023-03-17' },
  { kpi: 'teachers_10_messages', lower: '10', upper: '25', effectiveFrom: '2023-03-17' },
  { kpi: 'teachers_1_call', lower: '0.5', upper: '1', effectiveFrom: '2023-03-17' },
];
