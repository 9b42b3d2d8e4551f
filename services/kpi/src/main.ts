import { Logger } from '@nestjs/common';
import { createServiceApp, listen, runService } from '@sferum/infra-http';
import { loadKpiConfig } from './kpi.config';
import { KpiModule } from './kpi.module';
import { KPI_API } from './openapi';

/** The largest body of every route but the registry import, bytes: a settings or threshold document is under 1 KiB. */
const BODY_LIMIT_BYTES = 64 * 1024;

runService(async () => {
  const config = loadKpiConfig();
  const settings = {
    service: 'kpi',
    host: config.HOST,
    port: config.PORT,
    logLevel: config.LOG_LEVEL,
    // Only the registry import reads a large body; settings, thresholds and any other body stay small.
    bodyLimitBytes: BODY_LIMIT_BYTES,
    textBodies: [{ contentType: 'text/csv', limitBytes: config.REGISTRY_IMPORT_MAX_BYTES, routes: ['POST /v1/registry/organizations/import' as const] }],
    openApi: KPI_API,
  };
  const app = await createServiceApp(KpiModule.forRoot(config), settings);
  if (!config.READ_KEYS_REQUIRED) {
    new Logger('kpi').warn('READ_KEYS_REQUIRED=false: every read endpoint (KPIs, exports, report page, alerts, registry) answers anyone without a key');
  }
  await listen(app, settings);
});
