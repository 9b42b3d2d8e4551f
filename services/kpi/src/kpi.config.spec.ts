import { composeService } from '@sferum/testing';
import { KPI_VARS, loadKpiConfig } from './kpi.config';

describe('kpi config', () => {
  it('has working defaults for the local stack', () => {
    const config = loadKpiConfig({});
    expect(config.PORT).toBe(3003);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/sferum');
  });

  it('is closed by default: reads need a key unless the operator opens them', () => {
    expect(loadKpiConfig({}).READ_KEYS_REQUIRED).toBe(true);
    expect(loadKpiConfig({ READ_KEYS_REQUIRED: 'false' }).READ_KEYS_REQUIRED).toBe(false);
    expect(loadKpiConfig({}).METRICS_KEY_REQUIRED).toBe(false); // Prometheus scrapes as provisioned
    expect(() => loadKpiConfig({ READ_KEYS_REQUIRED: 'false', METRICS_KEY_REQUIRED: 'true' })).toThrow(/METRICS_KEY_REQUIRED needs READ_KEYS_REQUIRED=true/);
  });

  it('docker-compose sets only variables the service reads, and the same port', () => {
    const service = composeService('kpi');
    const names = Object.keys(service.environment ?? {});
    expect(names.filter((name) => !(name in KPI_VARS))).toEqual([]);
    expect(service.environment?.['PORT']).toBe(3003);
    expect(service.ports).toEqual(['127.0.0.1:3003:3003']);
    expect(service.environment?.['READ_KEYS_REQUIRED']).toBeUndefined(); // never opened there
  });
});
