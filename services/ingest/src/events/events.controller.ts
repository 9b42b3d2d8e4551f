import { Body, Controller, Headers, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { type IngestResult } from '@sferum/contracts';
import { ApiKeyGuard, ProblemException, RequireKey, type AuthenticatedRequest } from '@sferum/infra-http';
import { EventsService } from './events.service';
import { IngestMetrics } from './ingest.metrics';

const SINGLE = 'application/cloudevents+json';
const BATCH = ['application/cloudevents-batch+json', 'application/json'];

interface ReplyLike {
  status(code: number): ReplyLike;
  send(body: unknown): unknown;
}

/**
 * POST /v1/events: CloudEvents 1.0 in JSON, one (application/cloudevents+json)
 * or a batch (application/cloudevents-batch+json, application/json). Answers
 * 200 with per-event results when at least one event was stored (or all were
 * valid), 422 when every event was rejected.
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
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @Res() reply: ReplyLike,
  ): Promise<void> {
    const timer = this.metrics.requests.startTimer();
    let status = 500;
    try {
      const source = request.keyHolder?.source;
      if (source === null || source === undefined) throw new ProblemException(403, 'only a source key may push events');
      const result: IngestResult = await this.events.ingest(source, this.eventsOf(contentType, body));
      status = result.accepted === 0 && result.rejected > 0 ? 422 : 200;
      reply.status(status).send(result);
    } catch (error) {
      status = error instanceof ProblemException ? error.getStatus() : 500;
      throw error;
    } finally {
      timer({ status: String(status) });
    }
  }

  private eventsOf(contentType: string | undefined, body: unknown): unknown[] {
    const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type === SINGLE) {
      if (Array.isArray(body)) throw new ProblemException(400, `${SINGLE} carries one event; send a batch as application/cloudevents-batch+json`);
      return [body];
    }
    if (BATCH.includes(type)) {
      if (!Array.isArray(body)) throw new ProblemException(400, `${type} must be a JSON array of events; send one event as ${SINGLE}`);
      return body;
    }
    throw new ProblemException(415, `send ${SINGLE}, application/cloudevents-batch+json or application/json`);
  }
}
