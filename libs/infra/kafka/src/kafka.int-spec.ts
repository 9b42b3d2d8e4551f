import { expectEventually, stackEnv, uniqueName } from '@sferum/testing';
import { BatchConsumer, type PartitionBatch } from './batch-consumer';
import { DurableProducer } from './durable-producer';
import { KafkaClient } from './kafka-client';

/**
 * Proves the pinned broker works end to end with kafkajs through the
 * project's own Kafka lib: topic creation, idempotent acks=all produce,
 * consumption in a group, offsets committed only after the handler.
 */
describe('Kafka lib against the real broker', () => {
  const client = new KafkaClient({ brokers: stackEnv().kafkaBrokers, clientId: 'kafka-int-spec' });
  const producer = new DurableProducer(client);
  const topic = uniqueName('test.kafka');
  const groupId = uniqueName('test-group');

  // Topics are deleted only after the shared producer is closed: kafkajs
  // keeps a deleted topic among a producer's metadata targets, and every
  // later metadata refresh of that producer then fails.
  const createdTopics = [topic];
  afterAll(async () => {
    await producer.close();
    const admin = await client.connectedAdmin();
    await admin.deleteTopics({ topics: createdTopics }).catch(() => undefined);
    await client.close();
  });

  it('answers a ping', async () => {
    await expect(client.ping()).resolves.toBeUndefined();
  });

  it('creates a topic once', async () => {
    expect(await client.ensureTopics([{ topic, partitions: 3, replicationFactor: 1 }])).toEqual([topic]);
    expect(await client.ensureTopics([{ topic, partitions: 3, replicationFactor: 1 }])).toEqual([]);
    const metadata = await (await client.connectedAdmin()).fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });

  it('consumes every acknowledged record in a group and commits what it handled', async () => {
    const first = Array.from({ length: 300 }, (_, i) => ({ key: `user-${i % 17}`, value: `record-${i}` }));
    // Concurrent sends share the single-flight producer; every one is acknowledged.
    await Promise.all([producer.send(topic, first.slice(0, 100)), producer.send(topic, first.slice(100, 250)), producer.send(topic, first.slice(250))]);

    // Ledger of every (partition, offset) seen: nothing skipped, nothing twice.
    const ledger = new Map<string, string>();
    const handle = (batch: PartitionBatch) => {
      for (const m of batch.messages) {
        const key = `${batch.partition}:${m.offset}`;
        expect(ledger.has(key)).toBe(false);
        ledger.set(key, m.value?.toString() ?? '');
      }
      return Promise.resolve({ written: Promise.resolve() });
    };
    const consumer = new BatchConsumer(client, { groupId, topics: [topic], handle });
    await consumer.start();
    await expectEventually(() => expect(ledger.size).toBe(300), { timeoutMs: 60_000 });
    expect(new Set(ledger.values())).toEqual(new Set(first.map((m) => m.value)));

    const admin = await client.connectedAdmin();
    const high = await admin.fetchTopicOffsets(topic);
    await expectEventually(async () => {
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      const byPartition = new Map(committed[0]?.partitions.map((p) => [p.partition, p.offset]));
      for (const p of high) expect(byPartition.get(p.partition)).toBe(p.high);
    });
    await consumer.stop();

    // A new member of the same group starts from the committed offsets:
    // it sees only what was produced after.
    const second = Array.from({ length: 20 }, (_, i) => ({ key: `late-${i}`, value: `late-${i}` }));
    await producer.send(topic, second);
    const seenAfterRestart: string[] = [];
    const restarted = new BatchConsumer(client, {
      groupId,
      topics: [topic],
      handle: (batch) => {
        for (const m of batch.messages) seenAfterRestart.push(m.value?.toString() ?? '');
        return Promise.resolve({ written: Promise.resolve() });
      },
    });
    await restarted.start();
    await expectEventually(() => expect(seenAfterRestart.sort()).toEqual(second.map((m) => m.value).sort()), {
      timeoutMs: 60_000,
    });
    await restarted.stop();
  });

  it("stores a send over the broker's message size for one partition, in parts, each record once", async () => {
    const bigTopic = uniqueName('test.kafka.big');
    await client.ensureTopics([{ topic: bigTopic, partitions: 2, replicationFactor: 1 }]);
    createdTopics.push(bigTopic);
    // 5,000 records of 400 bytes under one key: about 2 MB for one partition, over the broker's 1 MB.
    const value = 'x'.repeat(400);
    await producer.send(bigTopic, Array.from({ length: 5_000 }, () => ({ key: 'one-user', value })));
    const offsets = await (await client.connectedAdmin()).fetchTopicOffsets(bigTopic);
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(5_000);
  });

  it('many concurrent sends on the idempotent producer all land, once each', async () => {
    const concurrentTopic = uniqueName('test.kafka.concurrent');
    await client.ensureTopics([{ topic: concurrentTopic, partitions: 2, replicationFactor: 1 }]);
    await Promise.all(Array.from({ length: 200 }, (_, i) => producer.send(concurrentTopic, [{ key: `k${i % 7}`, value: `v${i}` }])));
    const offsets = await (await client.connectedAdmin()).fetchTopicOffsets(concurrentTopic);
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(200);
    createdTopics.push(concurrentTopic);
  });

  it('with a linger, sends that find the producer idle within it go as one broker request; without one, the first goes alone', async () => {
    const sizes = (lingerMs: number) => {
      const sent: number[] = [];
      return { sent, producer: new DurableProducer(client, { lingerMs, onSend: (records) => sent.push(records) }) };
    };
    const lingering = sizes(50);
    const eager = sizes(0);
    try {
      // Three sends in one tick: a linger gathers them; without one the first leaves at once and the others follow together.
      for (const { producer } of [lingering, eager]) {
        await Promise.all([producer.send(topic, [{ value: 'a' }]), producer.send(topic, [{ value: 'b' }, { value: 'c' }]), producer.send(topic, [{ value: 'd' }])]);
      }
      expect(lingering.sent).toEqual([4]);
      expect(eager.sent).toEqual([1, 3]);
      // A send waiting out its linger when the producer closes is sent, not dropped.
      const waiting = lingering.producer.send(topic, [{ value: 'e' }]);
      await lingering.producer.close();
      await expect(waiting).resolves.toBeUndefined();
      expect(lingering.sent).toEqual([4, 1]);
    } finally {
      await lingering.producer.close();
      await eager.producer.close();
    }
  });

  it('does not commit a batch whose handler failed: it is delivered again', async () => {
    const failingTopic = uniqueName('test.kafka.retry');
    await client.ensureTopics([{ topic: failingTopic, partitions: 1, replicationFactor: 1 }]);
    await producer.send(failingTopic, [{ value: 'only' }]);
    let attempts = 0;
    const consumer = new BatchConsumer(client, {
      groupId: uniqueName('test-retry'),
      topics: [failingTopic],
      handle: () => {
        attempts += 1;
        return attempts === 1 ? Promise.reject(new Error('write failed')) : Promise.resolve({ written: Promise.resolve() });
      },
    });
    await consumer.start();
    await expectEventually(() => expect(attempts).toBeGreaterThanOrEqual(2), { timeoutMs: 60_000 });
    await consumer.stop();
    createdTopics.push(failingTopic);
  });

  it('takes the next batches while a write is under way, commits in order after the writes, and delivers again from a write that failed', async () => {
    const pipelinedTopic = uniqueName('test.kafka.pipelined');
    createdTopics.push(pipelinedTopic);
    await client.ensureTopics([{ topic: pipelinedTopic, partitions: 1, replicationFactor: 1 }]);
    for (let i = 0; i < 3; i++) await producer.send(pipelinedTopic, [{ value: `r${i}` }]);
    const group = uniqueName('test-pipelined');
    const admin = await client.connectedAdmin();
    const committed = async () => (await admin.fetchOffsets({ groupId: group, topics: [pipelinedTopic] }))[0]?.partitions[0]?.offset;
    // The first write is held open, then fails: the batches after it are
    // taken meanwhile, and nothing commits until the partition has been
    // delivered again from the failed batch's first offset and written.
    let releaseFirst: (error: Error) => void = () => undefined;
    const firstWrite = new Promise<void>((_, reject) => {
      releaseFirst = reject;
    });
    const taken: string[] = [];
    let deliveries = 0;
    const consumer = new BatchConsumer(client, {
      groupId: group,
      topics: [pipelinedTopic],
      maxBytesPerPartition: 1, // one record a batch
      handle: (batch) => {
        deliveries += 1;
        taken.push(...batch.messages.map((m) => m.offset));
        return Promise.resolve({ written: deliveries === 1 ? firstWrite : Promise.resolve() });
      },
    });
    await consumer.start();
    await expectEventually(() => expect(taken).toEqual(['0', '1', '2']), { timeoutMs: 60_000 });
    expect(await committed()).toBe('-1');
    releaseFirst(new Error('write failed'));
    await expectEventually(async () => expect(await committed()).toBe('3'), { timeoutMs: 60_000 });
    // Delivered again from offset 0 after the failure: every record is written after it.
    expect(taken.slice(0, 4)).toEqual(['0', '1', '2', '0']);
    expect(taken.slice(3)).toEqual(expect.arrayContaining(['0', '1', '2']));
    await consumer.stop();
  });
});
