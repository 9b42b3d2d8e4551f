import { isMessageTooLarge } from './durable-producer';

describe('isMessageTooLarge', () => {
  it("finds Kafka's MESSAGE_TOO_LARGE inside the client's nested errors, and nothing else", () => {
    // The shape @platformatic/kafka 1.35.0 throws (MultipleErrors > ResponseError > ProtocolError).
    const tooLarge = { code: 'PLT_KFK_MULTIPLE', errors: [{ code: 'PLT_KFK_RESPONSE', errors: [{ code: 'PLT_KFK_PROTOCOL', apiCode: 10, apiId: 'MESSAGE_TOO_LARGE' }] }] };
    expect(isMessageTooLarge(tooLarge)).toBe(true);
    expect(isMessageTooLarge({ cause: { apiId: 'MESSAGE_TOO_LARGE' } })).toBe(true);
    const notEnoughReplicas = { code: 'PLT_KFK_MULTIPLE', errors: [{ errors: [{ apiCode: 19, apiId: 'NOT_ENOUGH_REPLICAS' }] }] };
    expect(isMessageTooLarge(notEnoughReplicas)).toBe(false);
    expect(isMessageTooLarge(new Error('timeout'))).toBe(false);
    expect(isMessageTooLarge(null)).toBe(false);
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(isMessageTooLarge(loop)).toBe(false);
  });
});
