import { createServiceApp, listen, runService } from '@sferum/infra-http';
import { loadKpiConfig } from './kpi.config';
import { KpiModule } from './kpi.module';
import { KPI_API } from './openapi';

runService(async () => {
  const config = loadKpiConfig();
  const settings = {
    service: 'kpi',
    host: config.HOST,
    port: config.PORT,
    logLevel: config.LOG_LEVEL,
    textBodies: [{ contentType: 'text/csv', limitBytes: config.REGISTRY_IMPORT_MAX_BYTES }],
    openApi: KPI_API,
  };
  const app = await createServiceApp(KpiModule.forRoot(config), settings);
  await listen(app, settings);
});
