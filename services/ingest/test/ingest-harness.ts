import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { validateOrganizationCsv } from '@sferum/domain';
import { createServiceApp } from '@sferum/infra-http';
import { createDataSource, createSource, importOrganizations, regionCodes } from '@sferum/infra-postgres';
import { createTestDatabase, expectEventually, stackEnv, uniqueName } from '@sferum/testing';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { type DataSource } from 'typeorm';
import { loadIngestConfig } from '../src/ingest.config';
import { IngestModule } from '../src/ingest.module';

/**
 * The ingest service in-process against the real Kafka and PostgreSQL, for
 * integration specs: its own topic, database and registry, one source
 * (`bus-54`, home region 54, may send for 54 and 42). Kafka is read back by
 * an independent kafkajs consumer, not through the service's code.
 */
export const ORGS_CSV = [
  'org_id,org_name,category,municipality_id,municipality_name,region_code,teacher_headcount',
  'nsk-school-1,Школа 1,general,nsk-city,Новосибирск,54,30',
  'kem-school-1,Школа 1,general,kem-city,Кемерово,42,25',
  'msk-school-1,Школа 1,general,msk-city,Москва,77,50',
].join('\n');

export const SOURCE_NAME = 'bus-54';

export interface IngestHarness {
  /** http://127.0.0.1:port */
  readonly base: string;
  readonly topic: string;
  /** The source key of bus-54. */
  readonly key: string;
  readonly dataSource: DataSource;
  readonly kafka: Kafka;
  /** Messages of the topic, read from the start by a fresh group until `done` holds. */
  readTopicUntil(done: (messages: readonly KafkaMessage[]) => boolean, timeoutMs?: number): Promise<KafkaMessage[]>;
  close(): Promise<void>;
}

/** Starts ingest with the given variables over the test defaults, once it is ready. */
export async function startIngest(env: Record<string, string> = {}): Promise<IngestHarness> {
  const topic = uniqueName('test.activity');
  const kafka = new Kafka({ brokers: stackEnv().kafkaBrokers, clientId: 'ingest-int-spec-reader', logLevel: logLevel.NOTHING });
  const database = await createTestDatabase();
  const dataSource = createDataSource({ url: database.url });
  await dataSource.initialize();
  await dataSource.runMigrations();
  const { records } = validateOrganizationCsv(ORGS_CSV, { knownRegions: await regionCodes(dataSource) });
  await importOrganizations(dataSource, records);
  const key = await createSource(dataSource, { name: SOURCE_NAME, homeRegion: '54', allowedRegions: ['54', '42'] });

  const config = loadIngestConfig({
    ...process.env,
    DATABASE_URL: database.url,
    ACTIVITY_TOPIC: topic,
    ACTIVITY_TOPIC_PARTITIONS: '3',
    REGISTRY_REFRESH_MS: '200',
    LOG_LEVEL: 'error',
    ...env,
  });
  const app: INestApplication = await createServiceApp(IngestModule.forRoot(config), {
    service: 'ingest',
    host: '127.0.0.1',
    port: 0,
    logLevel: 'error',
    bodyLimitBytes: config.MAX_BODY_BYTES,
    jsonContentTypes: ['application/cloudevents+json', 'application/cloudevents-batch+json'],
  });
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  await expectEventually(async () => expect((await fetch(`${base}/health/ready`)).status).toBe(200), { timeoutMs: 30_000 });

  return {
    base,
    topic,
    key,
    dataSource,
    kafka,
    async readTopicUntil(done, timeoutMs = 60_000) {
      const consumer = kafka.consumer({ groupId: uniqueName('reader') });
      const messages: KafkaMessage[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachMessage: ({ message }) => {
            messages.push(message);
            return Promise.resolve();
          },
        });
        await expectEventually(() => expect(done(messages)).toBe(true), { timeoutMs });
        return messages;
      } finally {
        await consumer.disconnect();
      }
    },
    async close() {
      await app.close();
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
      await dataSource.destroy();
      await database.drop();
    },
  };
}
