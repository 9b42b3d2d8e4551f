/**
 * Queries of the Infinity data source (yesoreyeram-infinity-datasource)
 * over the KPI API: the SDK has no builder for this plugin, so this is one
 * (the SDK's documented way to add a query type).
 */
import { type Builder, type Dataquery } from '@grafana/grafana-foundation-sdk/cog';

export const KPI_API_DATASOURCE = { type: 'yesoreyeram-infinity-datasource', uid: 'sferum-kpi-api' } as const;

export interface InfinityColumn {
  readonly selector: string;
  readonly text: string;
  readonly type: 'string' | 'number' | 'timestamp' | 'timestamp_epoch';
  readonly timestampFormat?: string;
}

export interface InfinityQuery extends Dataquery {
  refId?: string;
  hide?: boolean;
  datasource: typeof KPI_API_DATASOURCE;
  type: 'json';
  source: 'url';
  format: 'table' | 'timeseries';
  parser: 'backend';
  /** Path of the KPI API, relative to the data source's URL. */
  url: string;
  url_options: { method: 'GET' };
  root_selector: string;
  columns: InfinityColumn[];
  filterExpression?: string;
}

export class InfinityQueryBuilder implements Builder<Dataquery> {
  private readonly internal: InfinityQuery;

  constructor(url: string) {
    this.internal = {
      datasource: KPI_API_DATASOURCE,
      type: 'json',
      source: 'url',
      format: 'table',
      parser: 'backend',
      url,
      url_options: { method: 'GET' },
      root_selector: '',
      columns: [],
      _implementsDataqueryVariant() {},
    };
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  format(format: InfinityQuery['format']): this {
    this.internal.format = format;
    return this;
  }

  rootSelector(selector: string): this {
    this.internal.root_selector = selector;
    return this;
  }

  column(selector: string, text: string, type: InfinityColumn['type'] = 'string', timestampFormat?: string): this {
    this.internal.columns.push({ selector, text, type, ...(timestampFormat === undefined ? {} : { timestampFormat }) });
    return this;
  }

  /** Rows kept (Infinity's backend filter expression). */
  filter(expression: string): this {
    this.internal.filterExpression = expression;
    return this;
  }

  build(): InfinityQuery {
    return this.internal;
  }
}
