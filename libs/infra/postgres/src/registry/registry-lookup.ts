import { type OrgCategory, type OrgPlacement } from '@sferum/contracts';
import { PeriodicTask } from '@sferum/util';
import { type DataSource } from 'typeorm';

export interface LookupOptions {
  /** How often the registry is checked for changes, ms. */
  readonly refreshMs?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * The registry in memory for the hot path: org id -> region, municipality,
 * category, time zone, and region code -> time zone. Every `refreshMs` one
 * cheap query fingerprints the registry (row counts and latest changes);
 * only when it differs is everything reloaded. A change is therefore seen
 * within about `refreshMs`, without a query per event. A failed refresh
 * keeps the last good data and is retried.
 */
export class RegistryLookup {
  private orgs = new Map<string, OrgPlacement>();
  private regionZones = new Map<string, string>();
  private fingerprint = '';
  private loadedAtMs = 0;
  private refreshing: Promise<void> | undefined;
  private readonly poll: PeriodicTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: LookupOptions = {},
  ) {
    this.poll = new PeriodicTask(
      () => this.refresh(),
      (error) => this.options.onError?.(error),
    );
  }

  /**
   * Loads once, then refreshes in the background until `stop`; the timer
   * never holds the process. Rejects when the first load fails (the caller
   * retries).
   */
  async start(): Promise<void> {
    await this.refresh();
    this.poll.start(this.options.refreshMs ?? 2_000, { runNow: false, unref: true });
  }

  /** No more refreshes; one in flight is not waited for. */
  stop(): void {
    void this.poll.stop();
  }

  get isLoaded(): boolean {
    return this.loadedAtMs > 0;
  }

  /** When the data was last confirmed current (epoch ms). */
  get checkedAt(): number {
    return this.loadedAtMs;
  }

  get size(): number {
    return this.orgs.size;
  }

  organization(orgId: string): OrgPlacement | undefined {
    return this.orgs.get(orgId);
  }

  regionTimeZone(regionCode: string): string | undefined {
    return this.regionZones.get(regionCode);
  }

  /** Checks the fingerprint now and reloads when the registry changed. */
  async refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const [row] = await this.dataSource.query<[{ fingerprint: string }]>(
      `SELECT (SELECT count(*) FROM organization)::text || '|' || coalesce((SELECT max(updated_at) FROM organization)::text, '') || '|' ||
              (SELECT count(*) FROM municipality)::text || '|' || coalesce((SELECT max(updated_at) FROM municipality)::text, '') || '|' ||
              (SELECT md5(coalesce(string_agg(code || '=' || time_zone, ',' ORDER BY code), '')) FROM region) AS fingerprint`,
    );
    if (row.fingerprint !== this.fingerprint || !this.isLoaded) {
      await this.reload();
      this.fingerprint = row.fingerprint;
    }
    this.loadedAtMs = Date.now();
  }

  private async reload(): Promise<void> {
    const regions: { code: string; time_zone: string }[] = await this.dataSource.query('SELECT code, time_zone FROM region');
    const zones = new Map(regions.map((r) => [r.code, r.time_zone]));
    const rows: { id: string; category: OrgCategory; municipality_id: string; region_code: string }[] =
      await this.dataSource.query(
        `SELECT o.id, o.category, o.municipality_id, m.region_code
         FROM organization o JOIN municipality m ON m.id = o.municipality_id`,
      );
    const orgs = new Map<string, OrgPlacement>();
    for (const r of rows) {
      orgs.set(r.id, {
        regionCode: r.region_code,
        municipalityId: r.municipality_id,
        category: r.category,
        timeZone: zones.get(r.region_code) ?? 'UTC',
      });
    }
    this.orgs = orgs;
    this.regionZones = zones;
  }
}
