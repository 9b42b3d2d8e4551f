import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, RequireKey } from '@sferum/infra-http';
import { FunnelService, type FunnelAnswer } from './funnel.service';

/**
 * The onboarding funnel of a region's organizations (a reader key):
 *   GET /v1/funnel?region=54[&groupBy=municipality|category|organization]
 *       [&municipality=..][&category=..][&week=2023-W15 | &period=month&month=2023-04]
 *       [&stuckDays=14][&lang=ru|en]
 * Per unit, how many organizations reached each of the 8 steps, stand at
 * it and have stood there for more than stuckDays days, taken at the
 * period's end; and the organizations stuck, longest first.
 */
@Controller('v1')
@UseGuards(ApiKeyGuard)
@RequireKey('reader')
export class FunnelController {
  constructor(@Inject(FunnelService) private readonly funnel: FunnelService) {}

  @Get('funnel')
  async get(@Query() query: Record<string, unknown>): Promise<FunnelAnswer> {
    return this.funnel.answer(this.funnel.request(query));
  }
}
