import { createServiceApp, listen, runService } from '@sferum/infra-http';
import { loadAggregatorConfig } from './aggregator.config';
import { AggregatorModule } from './aggregator.module';

runService(async () => {
  const config = loadAggregatorConfig();
  const settings = { service: 'aggregator', host: config.HOST, port: config.PORT, logLevel: config.LOG_LEVEL };
  const app = await createServiceApp(AggregatorModule.forRoot(config), settings);
  await listen(app, settings);
});
