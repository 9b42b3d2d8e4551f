import { Controller, Get, HttpStatus, Inject, Injectable, Logger, Module, Optional, Req, Res, type DynamicModule } from '@nestjs/common';
import { errorMessage } from '@sferum/util';
import { Gauge } from 'prom-client';
import { type ReplyLike } from './http-reply';
import { MetricsRegistry } from './metrics';

/** A dependency check: resolves when the dependency answers, rejects otherwise. */
export type ReadinessCheck = () => Promise<void>;

/**
 * Whether a request may see which readiness check fails and why (raw
 * dependency errors can name hosts, users or worse). Provided by the
 * service's key check (infra-http's AuthModule: an admin key); without one,
 * nobody sees them over HTTP: the log and the readiness_check_up gauge tell.
 */
export type ReadinessDetailsAccess = (headers: Record<string, string | string[] | undefined>) => Promise<boolean>;
export const READINESS_DETAILS = Symbol('READINESS_DETAILS');

export interface CheckResult {
  readonly status: 'up' | 'down';
  readonly error?: string;
  readonly ms: number;
}

/**
 * Collects the readiness checks of a service. Each client provider registers
 * its own check at construction, so readiness is exactly "every dependency
 * of this service answers".
 */
@Injectable()
export class Readiness {
  private readonly logger = new Logger('readiness');
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly gauge: Gauge<'check'>;
  /** The last status of each check, so a change is logged once (with the error: the log is where operators read it). */
  private readonly last = new Map<string, CheckResult['status']>();

  constructor(@Inject(MetricsRegistry) registry: MetricsRegistry) {
    this.gauge = new Gauge({
      name: 'readiness_check_up',
      help: 'Whether a dependency answered its last readiness check (1) or not (0)',
      labelNames: ['check'],
      // A service of several processes (cluster-metrics.ts) is up for a check only when every process is.
      aggregator: 'min',
      registers: [registry],
    });
  }

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  async evaluate(timeoutMs = 2_000): Promise<{ ready: boolean; checks: Record<string, CheckResult> }> {
    const entries = await Promise.all(
      [...this.checks.entries()].map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const),
    );
    const checks: Record<string, CheckResult> = {};
    for (const [name, result] of entries) {
      checks[name] = result;
      this.gauge.set({ check: name }, result.status === 'up' ? 1 : 0);
      const before = this.last.get(name);
      if (result.status === 'down' && before !== 'down') this.logger.warn(`${name} is down: ${result.error ?? 'no reason given'}`);
      if (result.status === 'up' && before === 'down') this.logger.log(`${name} is up again`);
      this.last.set(name, result.status);
    }
    return { ready: entries.every(([, r]) => r.status === 'up'), checks };
  }
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up', ms: Date.now() - started };
  } catch (error) {
    return { status: 'down', error: errorMessage(error), ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

@Controller('health')
export class HealthController {
  constructor(
    @Inject(Readiness) private readonly readiness: Readiness,
    @Optional() @Inject(READINESS_DETAILS) private readonly details: ReadinessDetailsAccess | undefined,
  ) {}

  /** The process is up and its event loop turns. */
  @Get('live')
  live(): { status: 'live' } {
    return { status: 'live' };
  }

  /**
   * Every dependency of this service answers: 200, else 503, to anyone (a
   * load balancer needs no key); each check's result only to a request the
   * service's details access admits (an admin key).
   */
  @Get('ready')
  async ready(@Req() request: { headers: Record<string, string | string[] | undefined> }, @Res() reply: ReplyLike): Promise<void> {
    const [result, detailed] = await Promise.all([this.readiness.evaluate(), this.details?.(request.headers) ?? Promise.resolve(false)]);
    const status = result.ready ? 'ready' : 'not_ready';
    reply
      .status(result.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .header('Cache-Control', 'no-store')
      .send(detailed ? { status, checks: result.checks } : { status });
  }
}

@Module({})
export class HealthModule {
  static forRoot(): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      controllers: [HealthController],
      providers: [Readiness],
      exports: [Readiness],
    };
  }
}
