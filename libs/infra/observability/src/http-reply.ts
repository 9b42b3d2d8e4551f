/**
 * The part of Fastify's reply that controllers and filters use with
 * `@Res()` or `getResponse()`: a status, headers, a body. Declared here, not
 * imported from Fastify, so that handlers can be called in unit specs with a
 * plain object; it lives in this lib because the health controller needs it
 * and infra-http already imports infra-observability.
 */
export interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): unknown;
}
