/**
 * npm run replay -- --from-beginning
 * npm run replay -- --from 2023-05-01T00:00:00Z
 *   [--group sferum-aggregator] [--topic sferum.activity.v1]
 *
 * Moves the aggregator's consumer group back so it reads the activity topic
 * again, from the start or from the first record at or after a time. Safe:
 * it refuses while any member of the group is running (stop the aggregators
 * first), and every KPI stays the same after the replay, because counters
 * are idempotent in event ids.
 */
import { parseArgs } from 'node:util';
import { KAFKA_VARS, loadConfig } from '@sferum/config';
import { parseRfc3339 } from '@sferum/domain';
import { KafkaClient } from '@sferum/infra-kafka';
import { UsageError } from './cli-data-source';
import { runCli } from './cli-runner';

const USAGE = 'usage: npm run replay -- (--from-beginning | --from 2023-05-01T00:00:00Z) [--group NAME] [--topic NAME]';

runCli(async () => {
  const { values } = parseArgs({
    options: {
      'from-beginning': { type: 'boolean' },
      from: { type: 'string' },
      group: { type: 'string', default: 'sferum-aggregator' },
      topic: { type: 'string' },
    },
  });
  const config = loadConfig('replay', KAFKA_VARS);
  const topic = values.topic ?? config.ACTIVITY_TOPIC;
  const groupId = values.group;
  if ((values['from-beginning'] === true) === (values.from !== undefined)) throw new UsageError(USAGE);
  let fromMs: number | undefined;
  if (values.from !== undefined) {
    // The ingest's own parser: a day or a time of day that does not exist (2023-02-30, 24:00:00, 23:59:60) is refused, not rolled over.
    fromMs = parseRfc3339(values.from);
    if (fromMs === undefined) throw new UsageError(`--from must be an RFC 3339 time with an offset that exists, for example 2023-05-01T00:00:00Z (got "${values.from}"): ${USAGE}`);
  }

  const client = new KafkaClient({ brokers: config.KAFKA_BROKERS, clientId: 'sferum-replay' });
  try {
    const admin = await client.connectedAdmin();
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    if (group !== undefined && group.members.length > 0) {
      throw new Error(
        `group ${groupId} has ${group.members.length} running member(s) (${group.state}); stop the aggregators first (npm run down, or stop the service), then replay`,
      );
    }
    if (fromMs === undefined) {
      await admin.resetOffsets({ groupId, topic, earliest: true });
      console.log(`group ${groupId} will read ${topic} again from the start`);
    } else {
      const partitions = await admin.fetchTopicOffsetsByTimestamp(topic, fromMs);
      await admin.setOffsets({ groupId, topic, partitions: partitions.map((p) => ({ partition: p.partition, offset: p.offset })) });
      console.log(`group ${groupId} will read ${topic} again from ${new Date(fromMs).toISOString()}: ${partitions.map((p) => `${p.partition}@${p.offset}`).join(', ')}`);
    }
    console.log('start the aggregator to replay; the KPIs will not change');
  } finally {
    await client.close();
  }
});
