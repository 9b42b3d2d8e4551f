import { Module, type DynamicModule } from '@nestjs/common';
import { ClickHouseModule } from '@sferum/infra-clickhouse';
import { AuthModule, ClockModule, keyRequiredWhen } from '@sferum/infra-http';
import { HealthModule, MetricsModule } from '@sferum/infra-observability';
import { PostgresModule } from '@sferum/infra-postgres';
import { AlertsController } from './alerts/alerts.controller';
import { FunnelController } from './funnel/funnel.controller';
import { FunnelService } from './funnel/funnel.service';
import { KpiController } from './kpi/kpi.controller';
import { KpiQueryService } from './kpi/kpi-query.service';
import { WeekFiguresService } from './kpi/week-figures.service';
import { type KpiConfig } from './kpi.config';
import { KPI_CONFIG } from './kpi.tokens';
import { KpiMetrics } from './monitor/kpi-metrics';
import { KpiMonitor } from './monitor/kpi-monitor.service';
import { WebhookNotifier } from './monitor/webhook-notifier.service';
import { RegistryController } from './registry/registry.controller';
import { ReportController } from './report/report.controller';
import { ReportPageService } from './report/report-page.service';
import { WeeklyReportController } from './report/weekly-report.controller';
import { WeeklyReportService } from './report/weekly-report.service';
import { SettingsController } from './registry/settings.controller';
import { RegistryCache } from './registry/registry-cache';
import { RegistryService } from './registry/registry.service';

@Module({})
export class KpiModule {
  static forRoot(config: KpiConfig): DynamicModule {
    return {
      module: KpiModule,
      imports: [
        ClockModule.forRoot(config.CLOCK_START),
        MetricsModule.forRoot('kpi', { controllerDecorators: keyRequiredWhen(config.METRICS_KEY_REQUIRED, 'reader') }),
        HealthModule.forRoot(),
        ClickHouseModule.forRoot({ url: config.CLICKHOUSE_URL, database: config.CLICKHOUSE_DATABASE }),
        PostgresModule.forRoot({ url: config.DATABASE_URL }),
        AuthModule.forRoot({ readKeysRequired: config.READ_KEYS_REQUIRED, rateLimit: { perMinute: config.KPI_RATE_PER_KEY, burst: config.KPI_RATE_BURST } }),
      ],
      controllers: [KpiController, FunnelController, RegistryController, SettingsController, AlertsController, ReportController, WeeklyReportController],
      providers: [{ provide: KPI_CONFIG, useValue: config }, RegistryCache, RegistryService, WeekFiguresService, KpiQueryService, FunnelService, ReportPageService, WeeklyReportService, KpiMetrics, KpiMonitor, WebhookNotifier],
    };
  }
}
