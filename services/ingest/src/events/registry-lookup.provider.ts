import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { MetricsRegistry, Readiness } from '@sferum/infra-observability';
import { RegistryLookup } from '@sferum/infra-postgres';
import { errorMessage, RetryUntilDone } from '@sferum/util';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { type IngestConfig } from '../ingest.config';
import { INGEST_CONFIG } from '../ingest.tokens';

/**
 * The registry in memory for the hot path: which region each known
 * organization is in, to check a source's scope (nothing is placed at
 * ingest). Loads at start (retrying while PostgreSQL is down; readiness
 * says so, and requests get 503 until then) and then refreshes itself.
 */
@Injectable()
export class RegistryLookupProvider implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('registry');
  readonly lookup: RegistryLookup;
  private readonly startup: RetryUntilDone;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(INGEST_CONFIG) config: IngestConfig,
    @Inject(Readiness) readiness: Readiness,
    @Inject(MetricsRegistry) metrics: MetricsRegistry,
  ) {
    this.lookup = new RegistryLookup(dataSource, {
      refreshMs: config.REGISTRY_REFRESH_MS,
      onError: (error) => this.logger.warn(`refresh failed, keeping the last copy: ${errorMessage(error)}`),
    });
    this.startup = new RetryUntilDone(
      async () => {
        await this.lookup.start();
        this.logger.log(`loaded ${this.lookup.size} organizations`);
      },
      { retryMs: 2_000, onRetry: (error, ms) => this.logger.warn(`cannot load the registry yet, retrying in ${ms / 1000} s: ${errorMessage(error)}`) },
    );
    const lookup = this.lookup;
    // How many organizations the ingest can check source scopes against
    // (it refreshes every REGISTRY_REFRESH_MS).
    new Gauge({
      name: 'ingest_registry_organizations',
      help: 'Organizations in the in-memory registry the ingest checks source scopes with',
      registers: [metrics],
      // Of several processes (INGEST_WORKERS), the one with the fewest.
      aggregator: 'min',
      collect() {
        this.set(lookup.size);
      },
    });
    readiness.register('registry', () =>
      this.lookup.isLoaded ? Promise.resolve() : Promise.reject(new Error('organization registry not loaded yet')),
    );
  }

  onModuleInit(): void {
    void this.startup.start();
  }

  onApplicationShutdown(): void {
    this.startup.stop();
    this.lookup.stop();
  }
}
