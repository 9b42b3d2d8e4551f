/** What the simulator asks of the KPI service: the registry, settings, thresholds, answers, the onboarding funnel and unknown organizations. */
import { retryOnceOnReset } from './connection-reset';
import { type ExpectedFunnelUnit, type ExpectedStuckOrganization } from './reference/reference-funnel';
import { type ReferenceSettings, type ReferenceThreshold } from './reference/reference-kpi';
import { isMonth } from './zones';

export interface ApiRegion {
  readonly code: string;
  readonly name: string;
  readonly timeZone: string;
  readonly organizations: number;
}

export interface ApiKpiRow {
  readonly level: string;
  readonly id: string;
  readonly name: string;
  readonly kpis: Record<string, { numerator: number | null; denominator: number; value: number | null; band: string | null; previous: number | null; suppressed?: string }>;
  readonly targets: Record<string, { numerator: number; denominator: number; value: number | null; gap: number | null; previous: number | null }>;
  readonly counters: Record<string, number | null>;
  readonly orgsWithoutHeadcount?: number;
  /** A small cell: its teacher figures are withheld (null), below the region's minimum. */
  readonly suppressed?: string;
  readonly minTeacherDenominator?: number;
}

export interface ApiKpiAnswer {
  readonly region: string;
  /** One of the two: the answer's week, or its month. */
  readonly week?: string;
  readonly month?: string;
  readonly partial: boolean;
  readonly rows: ApiKpiRow[];
}

/**
 * A unit of GET /v1/funnel: its organizations, and per onboarding step how
 * many reached it, stand at it, are stuck at it: what the reference
 * computes for a unit (the answer's shape is the reference's), with the
 * unit's level, id and name.
 */
export interface ApiFunnelRow extends ExpectedFunnelUnit {
  readonly level: string;
  readonly id: string;
  readonly name: string;
}

/** An organization standing at a step for more than stuckDays, as the reference lists it. */
export type ApiStuckOrganization = ExpectedStuckOrganization;

export interface ApiFunnelAnswer {
  readonly region: string;
  readonly regionName: string;
  readonly period: 'week' | 'month';
  readonly week?: string;
  readonly weekStart?: string;
  readonly month?: string;
  readonly monthStart?: string;
  /** The period is not over: the funnel is taken at the start of the current hour. */
  readonly partial: boolean;
  /** The instant the funnel is taken at: the period's end (for a period not over, the start of the current hour). */
  readonly at: string;
  readonly stuckDays: number;
  readonly registryVersion: unknown;
  readonly steps: readonly { readonly step: number; readonly id: string; readonly name: string }[];
  readonly rows: readonly ApiFunnelRow[];
  readonly stuck: readonly ApiStuckOrganization[];
}

/** An organization events named that the registry does not know, per source that named it. */
export interface ApiUnknownOrganization {
  readonly orgId: string;
  readonly source: string;
  /** Distinct events per CloudEvent type. */
  readonly events: Record<string, number>;
  /** Whole seconds, "2026-11-17T03:00:00.000Z". */
  readonly firstEventTime: string;
  readonly lastEventTime: string;
}

export interface ApiUnknownOrganizations {
  readonly total: number;
  readonly items: ApiUnknownOrganization[];
}

/** The keys the simulator sends: a reader key for what it reads (else the admin key, which reads too), the admin key for the registry import. */
export interface KpiKeys {
  readonly read?: string | undefined;
  readonly admin?: string | undefined;
}

/** Times a request answered 429 is sent again, after its Retry-After: the KPI service limits the requests of each key. */
const RATE_LIMITED_RETRIES = 5;

export class KpiClient {
  constructor(
    readonly baseUrl: string,
    private readonly keys: KpiKeys,
  ) {}

  async regions(): Promise<ApiRegion[]> {
    return (await this.get<{ items: ApiRegion[] }>('/v1/registry/regions')).items;
  }

  async settings(region: string): Promise<ReferenceSettings> {
    return this.get<ReferenceSettings>(`/v1/registry/regions/${encodeURIComponent(region)}/settings`);
  }

  async thresholds(): Promise<ReferenceThreshold[]> {
    return (await this.get<{ items: ReferenceThreshold[] }>('/v1/registry/thresholds')).items;
  }

  async importRegistry(csv: string): Promise<{ inserted?: number; updated?: number; unchanged?: number }> {
    // Safe to send again after a reset connection, like the GETs: the import
    // is one transaction (never half done) of upserts, so the same CSV twice
    // leaves the same registry; at worst the second answer counts as
    // unchanged what a lost first answer counted as inserted (only logged).
    const response = await this.send('/v1/registry/organizations/import', {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv; charset=utf-8', ...this.auth(this.keys.admin) },
      body: csv,
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`registry import: the KPI service answered ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as { inserted?: number; updated?: number; unchanged?: number };
  }

  /** GET /v1/kpi of a week ("2026-W47") or a calendar month ("2026-11"). */
  async kpi(region: string, period: string, groupBy?: string): Promise<ApiKpiAnswer> {
    const query = new URLSearchParams({ region, ...(isMonth(period) ? { month: period } : { week: period }), ...(groupBy === undefined ? {} : { groupBy }) });
    return this.get<ApiKpiAnswer>(`/v1/kpi?${query.toString()}`);
  }

  /** GET /v1/funnel of a week or a month; stuckDays left to the service's default when not given. */
  async funnel(region: string, period: string, groupBy?: string, stuckDays?: number): Promise<ApiFunnelAnswer> {
    const query = new URLSearchParams({
      region,
      ...(isMonth(period) ? { period: 'month', month: period } : { period: 'week', week: period }),
      ...(groupBy === undefined ? {} : { groupBy }),
      ...(stuckDays === undefined ? {} : { stuckDays: String(stuckDays) }),
    });
    return this.get<ApiFunnelAnswer>(`/v1/funnel?${query.toString()}`);
  }

  /** `GET /v1/registry/unknown-organizations`: organizations events named that the registry does not know. */
  async unknownOrganizations(limit = 1000): Promise<ApiUnknownOrganizations> {
    return this.get<ApiUnknownOrganizations>(`/v1/registry/unknown-organizations?${new URLSearchParams({ limit: String(limit) }).toString()}`);
  }

  private auth(key: string | undefined): Record<string, string> {
    return key === undefined ? {} : { Authorization: `Bearer ${key}` };
  }

  private async get<T>(path: string): Promise<T> {
    const response = await this.send(path, { headers: this.auth(this.keys.read ?? this.keys.admin) }, 60_000);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`GET ${path}: the KPI service answered ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }

  /** One request, sent again after its Retry-After while it is over the key's rate (429). */
  private async send(path: string, init: RequestInit, timeoutMs?: number): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      const response = await this.sendOnce(path, init, timeoutMs);
      if (response.status !== 429 || attempt > RATE_LIMITED_RETRIES) return response;
      const seconds = Number(response.headers.get('retry-after'));
      await response.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, Math.min(60, Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000));
    }
  }

  /** One request, sent once more if the connection closed under it (every request of this client is safe to repeat). */
  private async sendOnce(path: string, init: RequestInit, timeoutMs?: number): Promise<Response> {
    try {
      // A new timeout signal for each attempt.
      return await retryOnceOnReset(() => fetch(`${this.baseUrl}${path}`, timeoutMs === undefined ? init : { ...init, signal: AbortSignal.timeout(timeoutMs) }));
    } catch (error) {
      throw new Error(`cannot reach the KPI service at ${this.baseUrl}: ${error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)}`);
    }
  }
}
