import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Readiness } from '@sferum/infra-observability';
import { KafkaClient, type KafkaClientOptions } from './kafka-client';

/** Nest lifecycle of the shared KafkaClient: readiness check, close on shutdown. */
@Injectable()
export class KafkaLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(KafkaClient) private readonly client: KafkaClient,
    @Inject(Readiness) readiness: Readiness,
  ) {
    readiness.register('kafka', () => this.client.ping());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

@Module({})
export class KafkaModule {
  static forRoot(options: KafkaClientOptions): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [
        { provide: KafkaClient, useFactory: () => new KafkaClient(options) },
        KafkaLifecycle,
      ],
      exports: [KafkaClient],
    };
  }
}
