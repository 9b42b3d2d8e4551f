/** What the simulator asks of the KPI service: the registry, settings, thresholds, answers and unknown organizations. */
import { retryOnceOnReset } from './connection-reset';
import { type ReferenceSettings, type ReferenceThreshold } from './reference/reference-kpi';

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
  readonly kpis: Record<string, { numerator: number; denominator: number; value: number | null; band: string | null; previous: number | null }>;
  readonly counters: Record<string, number>;
  readonly orgsWithoutHeadcount?: number;
}

export interface ApiKpiAnswer {
  readonly region: string;
  readonly week: string;
  readonly partial: boolean;
  readonly rows: ApiKpiRow[];
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

export class KpiClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string | undefined,
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
      headers: { 'Content-Type': 'text/csv; charset=utf-8', ...this.auth() },
      body: csv,
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`registry import: the KPI service answered ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as { inserted?: number; updated?: number; unchanged?: number };
  }

  async kpi(region: string, week: string, groupBy?: string): Promise<ApiKpiAnswer> {
    const query = new URLSearchParams({ region, week, ...(groupBy === undefined ? {} : { groupBy }) });
    return this.get<ApiKpiAnswer>(`/v1/kpi?${query.toString()}`);
  }

  /** `GET /v1/registry/unknown-organizations`: organizations events named that the registry does not know. */
  async unknownOrganizations(limit = 1000): Promise<ApiUnknownOrganizations> {
    return this.get<ApiUnknownOrganizations>(`/v1/registry/unknown-organizations?${new URLSearchParams({ limit: String(limit) }).toString()}`);
  }

  private auth(): Record<string, string> {
    return this.key === undefined ? {} : { Authorization: `Bearer ${this.key}` };
  }

  private async get<T>(path: string): Promise<T> {
    const response = await this.send(path, { headers: this.auth() }, 60_000);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`GET ${path}: the KPI service answered ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }

  /** One request, sent once more if the connection closed under it (every request of this client is safe to repeat). */
  private async send(path: string, init: RequestInit, timeoutMs?: number): Promise<Response> {
    try {
      // A new timeout signal for each attempt.
      return await retryOnceOnReset(() => fetch(`${this.baseUrl}${path}`, timeoutMs === undefined ? init : { ...init, signal: AbortSignal.timeout(timeoutMs) }));
    } catch (error) {
      throw new Error(`cannot reach the KPI service at ${this.baseUrl}: ${error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)}`);
    }
  }
}
