import { Global, Module, type DynamicModule } from '@nestjs/common';
import { clockFrom, type Clock } from '@sferum/domain';

/** The service's Clock (`@Inject(CLOCK)`): the machine's, or one started at CLOCK_START. */
export const CLOCK = Symbol('CLOCK');

@Global()
@Module({})
export class ClockModule {
  static forRoot(startMs: number | null): DynamicModule {
    const clock: Clock = clockFrom(startMs);
    return { module: ClockModule, providers: [{ provide: CLOCK, useValue: clock }], exports: [CLOCK] };
  }
}
