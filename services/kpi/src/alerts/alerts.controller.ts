import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ALERT_KINDS, type AlertKind } from '@sferum/contracts';
import { ApiKeyGuard, ProblemException, RequireKey } from '@sferum/infra-http';
import { ALERT_STATES, type AlertState } from '@sferum/infra-postgres';
import { RegistryService } from '../registry/registry.service';

/** GET /v1/alerts: active and resolved alerts, newest first, with first-seen and resolved times. */
@Controller('v1')
@UseGuards(ApiKeyGuard)
@RequireKey('reader')
export class AlertsController {
  constructor(@Inject(RegistryService) private readonly registry: RegistryService) {}

  @Get('alerts')
  async list(@Query() query: Record<string, unknown>) {
    const unknown = Object.keys(query).filter((k) => !['state', 'region', 'kind', 'limit'].includes(k));
    if (unknown.length > 0) throw new ProblemException(400, `unknown parameter(s): ${unknown.join(', ')}; use state, region, kind, limit`);
    const state = optionalOf('state', query['state'], ALERT_STATES);
    const kind = optionalOf('kind', query['kind'], ALERT_KINDS);
    let region: string | undefined;
    if (query['region'] !== undefined) {
      if (typeof query['region'] !== 'string' || !this.registry.regionCodes().has(query['region'])) {
        throw new ProblemException(400, `region: unknown region ${JSON.stringify(query['region'])}`);
      }
      region = query['region'];
    }
    const limitRaw = query['limit'] ?? '500';
    const limit = typeof limitRaw === 'string' && /^\d{1,5}$/.test(limitRaw) ? Number(limitRaw) : NaN;
    if (!(limit >= 1 && limit <= 10_000)) throw new ProblemException(400, 'limit: expected an integer from 1 to 10000');
    const items = await this.registry.listAlerts({
      limit,
      ...(state === undefined ? {} : { state: state as AlertState }),
      ...(kind === undefined ? {} : { kind: kind as AlertKind }),
      ...(region === undefined ? {} : { region }),
    });
    return { items };
  }
}

function optionalOf(name: string, value: unknown, allowed: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !allowed.includes(value)) throw new ProblemException(400, `${name}: expected one of ${allowed.join(', ')}`);
  return value;
}
