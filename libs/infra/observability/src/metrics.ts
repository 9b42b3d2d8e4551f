import { Controller, Get, Header, Inject, Module, type DynamicModule, type Type } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { clusterMetrics, isClusterWorker, shareWithPrimary } from './cluster-metrics';

export const SERVICE_NAME = Symbol('SERVICE_NAME');

/** The registry every metric of a service is registered in. */
export class MetricsRegistry extends Registry {}

export interface MetricsOptions {
  /**
   * Decorators of the /metrics controller: the key check of infra-http
   * (keyRequiredWhen), which this lib cannot import. Each forRoot gets a
   * controller class of its own, so one app's decorators never reach another's.
   */
  readonly controllerDecorators?: readonly ClassDecorator[];
}

/** GET /metrics: the Prometheus text format of the service's registry (of every process, when the service runs as several: cluster-metrics.ts). */
function metricsController(decorators: readonly ClassDecorator[]): Type {
  @Controller()
  class MetricsController {
    constructor(@Inject(MetricsRegistry) private readonly registry: MetricsRegistry) {}

    @Get('metrics')
    @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
    async metrics(): Promise<string> {
      return isClusterWorker() ? clusterMetrics() : this.registry.metrics();
    }
  }
  for (const decorate of decorators) decorate(MetricsController);
  return MetricsController;
}

export function createMetricsRegistry(service: string): MetricsRegistry {
  const registry = new MetricsRegistry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  if (isClusterWorker()) shareWithPrimary(registry);
  return registry;
}

@Module({})
export class MetricsModule {
  static forRoot(service: string, options: MetricsOptions = {}): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [metricsController(options.controllerDecorators ?? [])],
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: MetricsRegistry, useFactory: () => createMetricsRegistry(service) },
      ],
      exports: [MetricsRegistry, SERVICE_NAME],
    };
  }
}
