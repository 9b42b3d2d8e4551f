import { Inject, Injectable } from '@nestjs/common';
import { ClickHouse, type FactWrites, type PeriodFigures, periodWrites, readFactWrites, regionFigures, type RegionFiguresQuery } from '@sferum/infra-clickhouse';
import { VersionedCache } from '@sferum/util';

/**
 * Figures kept per region and period (about 100 units each, a few hundred
 * with organizations): a thousand is a few weeks of history for every
 * region of the country in a few tens of megabytes.
 */
const KEPT_FIGURES = 1_000;

/**
 * The figures of a region's period, computed in ClickHouse once for each
 * state of the facts that could change them: kept, keyed by the query
 * (region, mirrored registry version, period, counted activities, unit
 * levels), with the parts of the facts that could change the period as
 * their version (fact-writes.ts: ClickHouse's active parts, never ahead of
 * the rows). A repeated question (a dashboard refreshing, the previous week
 * of every answer, a history) is answered from memory until an event, a
 * registration or a registry change touches it; then it is computed again,
 * so an answer is never older than the facts it was asked after.
 */
@Injectable()
export class WeekFiguresService {
  private readonly kept = new VersionedCache<PeriodFigures>(KEPT_FIGURES);

  constructor(@Inject(ClickHouse) private readonly clickhouse: ClickHouse) {}

  /** The writes the facts have received so far: read once per answer, before any figure of it. */
  writes(): Promise<FactWrites> {
    return readFactWrites(this.clickhouse);
  }

  figures(query: RegionFiguresQuery, writes: FactWrites): Promise<PeriodFigures> {
    const key = JSON.stringify([query.region, query.registryVersion, query.startMs, query.endMs, [...query.countedActivities].sort(), query.callActivity, [...query.levels].sort()]);
    return this.kept.get(key, periodWrites(writes, query.startMs, query.endMs), () => regionFigures(this.clickhouse, query));
  }

  /** Figures answered from memory and computed, since the start. */
  stats(): { readonly hits: number; readonly misses: number; readonly entries: number } {
    return this.kept.stats();
  }
}
