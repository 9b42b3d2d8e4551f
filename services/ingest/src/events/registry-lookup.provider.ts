import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { MetricsRegistry, Readiness } from '@sferum/infra-observability';
import { RegistryLookup } from '@sferum/infra-postgres';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { type IngestConfig } from '../ingest.config';
import { INGEST_CONFIG } from '../ingest.tokens';

/**
 * The registry in memory for the hot path. Loads at start (retrying while
 * PostgreSQL is down; readiness says so) and then refreshes itself.
 */
@Injectable()
export class RegistryLookupProvider implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('registry');
  readonly lookup: RegistryLookup;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(INGEST_CONFIG) config: IngestConfig,
    @Inject(Readiness) readiness: Readiness,
    @Inject(MetricsRegistry) metrics: MetricsRegistry,
  ) {
    this.lookup = new RegistryLookup(dataSource, {
      refreshMs: config.REGISTRY_REFRESH_MS,
      onError: (error) => this.logger.warn(`refresh failed, keeping the last copy: ${message(error)}`),
    });
    const lookup = this.lookup;
    // Tells whether the ingest already knows organizations imported a moment ago
    // (it refreshes every REGISTRY_REFRESH_MS); the simulator waits on it.
    new Gauge({
      name: 'ingest_registry_organizations',
      help: 'Organizations in the in-memory registry the ingest places events with',
      registers: [metrics],
      collect() {
        this.set(lookup.size);
      },
    });
    readiness.register('registry', () =>
      this.lookup.isLoaded ? Promise.resolve() : Promise.reject(new Error('organization registry not loaded yet')),
    );
  }

  onModuleInit(): void {
    void this.start();
  }

  private async start(): Promise<void> {
    try {
      await this.lookup.start();
      this.logger.log(`loaded ${this.lookup.size} organizations`);
    } catch (error) {
      if (this.stopped) return;
      this.logger.warn(`cannot load the registry yet, retrying in 2 s: ${message(error)}`);
      this.retry = setTimeout(() => void this.start(), 2_000);
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.lookup.stop();
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
