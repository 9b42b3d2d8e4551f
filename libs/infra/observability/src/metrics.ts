import { Controller, Get, Header, Inject, Module, type DynamicModule } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

export const SERVICE_NAME = Symbol('SERVICE_NAME');

/** The registry every metric of a service is registered in. */
export class MetricsRegistry extends Registry {}

@Controller()
export class MetricsController {
  constructor(@Inject(MetricsRegistry) private readonly registry: MetricsRegistry) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

export function createMetricsRegistry(service: string): MetricsRegistry {
  const registry = new MetricsRegistry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

@Module({})
export class MetricsModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: MetricsRegistry, useFactory: () => createMetricsRegistry(service) },
      ],
      exports: [MetricsRegistry, SERVICE_NAME],
    };
  }
}
