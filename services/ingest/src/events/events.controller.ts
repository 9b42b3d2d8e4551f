import { Body, Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { type IngestResult } from '@sferum/contracts';
import { eventsOfHttpRequest } from '@sferum/domain';
import { ApiKeyGuard, ProblemException, RequireKey, type AuthenticatedRequest } from '@sferum/infra-http';
import { type ReplyLike } from '@sferum/infra-observability';
import { EventsService } from './events.service';
import { IngestMetrics } from './ingest.metrics';

/**
 * POST /v1/events: CloudEvents 1.0 in every content mode of the HTTP binding
 * 1.0.2 (binary: ce-* headers and the data as application/json; structured:
 * application/cloudevents+json; batched: application/cloudevents-batch+json)
 * and a plain application/json array, any of them gzip, deflate or br
 * compressed. Answers 200 with per-event results when at least one event was
 * stored (or all were valid), 422 when every event was rejected.
 */
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class EventsController {
  constructor(
    @Inject(EventsService) private readonly events: EventsService,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
  ) {}

  @Post('events')
  @RequireKey('source')
  @HttpCode(200)
  async ingest(
    @Req() request: AuthenticatedRequest,
    @Body() body: unknown,
    @Res() reply: ReplyLike,
  ): Promise<void> {
    const timer = this.metrics.requests.startTimer();
    let status = 500;
    try {
      const source = request.keyHolder?.source;
      if (source === null || source === undefined) throw new ProblemException(403, 'only a source key may push events');
      const carried = eventsOfHttpRequest(request.headers, body);
      if (!carried.ok) throw new ProblemException(carried.status, carried.detail);
      const result: IngestResult = await this.events.ingest(source, carried.events);
      status = result.accepted === 0 && result.rejected > 0 ? 422 : 200;
      reply.status(status).send(result);
    } catch (error) {
      status = error instanceof ProblemException ? error.getStatus() : 500;
      throw error;
    } finally {
      timer({ status: String(status) });
    }
  }
}
