import { createServiceApp, listen, runService } from '@sferum/infra-http';
import { loadIngestConfig } from './ingest.config';
import { IngestModule } from './ingest.module';

runService(async () => {
  const config = loadIngestConfig();
  const settings = { service: 'ingest', host: config.HOST, port: config.PORT, logLevel: config.LOG_LEVEL };
  const app = await createServiceApp(IngestModule.forRoot(config), settings);
  await listen(app, settings);
});
