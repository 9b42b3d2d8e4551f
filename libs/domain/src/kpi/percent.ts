/**
 * Exact decimal percentages. Threshold edges arrive as decimal strings
 * ("0.5", "90"), are held as integer parts-per-million of the whole, and
 * compared with a fraction by cross-multiplication in BigInt, so an edge is
 * never blurred by floating point.
 */

const PPM_PER_PERCENT = 10_000n;
const DECIMAL_PERCENT = /^(\d{1,3})(?:\.(\d{1,4}))?$/;

export class InvalidPercentError extends Error {
  constructor(readonly input: string) {
    super(`invalid percentage "${input}": expected 0 to 100 with at most 4 decimals, for example 0.5`);
    this.name = 'InvalidPercentError';
  }
}

/** "0.5" -> 5000n (parts per million of the whole). 0 <= value <= 100. */
export function parsePercentPpm(input: string): bigint {
  const match = DECIMAL_PERCENT.exec(input.trim());
  if (match === null) throw new InvalidPercentError(input);
  const whole = BigInt(match[1] ?? '0');
  const fraction = BigInt((match[2] ?? '').padEnd(4, '0'));
  const ppm = whole * PPM_PER_PERCENT + fraction;
  if (ppm > 100n * PPM_PER_PERCENT) throw new InvalidPercentError(input);
  return ppm;
}

/** 5000n -> "0.5". */
export function formatPercentPpm(ppm: bigint): string {
  const whole = ppm / PPM_PER_PERCENT;
  const fraction = (ppm % PPM_PER_PERCENT).toString().padStart(4, '0').replace(/0+$/, '');
  return fraction.length > 0 ? `${whole}.${fraction}` : whole.toString();
}

/** Sign of (numerator / denominator) - (ppm / 1,000,000). denominator > 0. */
export function compareFractionToPpm(numerator: number, denominator: number, ppm: bigint): -1 | 0 | 1 {
  const left = BigInt(numerator) * 1_000_000n;
  const right = ppm * BigInt(denominator);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * numerator / denominator as a percentage rounded half-up to two decimals
 * (52 / 16010 -> 0.32), or to `decimals` (0: the whole percentages the
 * ministries' slides print, 944 / 1004 -> 94). Rounded once from the exact
 * fraction: rounding the two-decimal value again would round 73.495 up to
 * 74. Null for an empty denominator.
 */
export function percentRounded(numerator: number, denominator: number, decimals: 0 | 1 | 2 = 2): number | null {
  assertCount(numerator, 'numerator');
  assertCount(denominator, 'denominator');
  if (denominator === 0) return null;
  const unitsPerPercent = 10n ** BigInt(decimals);
  const scaled = BigInt(numerator) * 100n * unitsPerPercent; // units of 10^-decimals percent, times denominator
  const d = BigInt(denominator);
  const units = (scaled * 2n + d) / (2n * d);
  return Number(units) / Number(unitsPerPercent);
}

export function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}
