import { createServiceApp, listen, runClustered, runService } from '@sferum/infra-http';
import { loadIngestConfig } from './ingest.config';
import { IngestModule } from './ingest.module';
import { ingestApi } from './openapi';

runService(async () => {
  const config = loadIngestConfig();
  const settings = {
    service: 'ingest',
    host: config.HOST,
    port: config.PORT,
    logLevel: config.LOG_LEVEL,
    bodyLimitBytes: config.MAX_BODY_BYTES,
    jsonContentTypes: ['application/cloudevents+json', 'application/cloudevents-batch+json'],
    openApi: ingestApi(config),
  };
  // INGEST_WORKERS processes on the one port, each with its own registry cache and producer.
  await runClustered({ service: 'ingest', workers: config.INGEST_WORKERS, logLevel: config.LOG_LEVEL }, async () => {
    const app = await createServiceApp(IngestModule.forRoot(config), settings);
    await listen(app, settings);
  });
});
