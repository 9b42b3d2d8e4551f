import { composeService } from '@sferum/testing';
import { KPI_VARS, loadKpiConfig } from './kpi.config';

describe('kpi config', () => {
  it('has working defaults for the local stack', () => {
    const config = loadKpiConfig({});
    expect(config.PORT).toBe(3003);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/sferum');
  });

  it('docker-compose sets only variables the service reads, and the same port', () => {
    const service = composeService('kpi');
    const names = Object.keys(service.environment ?? {});
    expect(names.filter((name) => !(name in KPI_VARS))).toEqual([]);
    expect(service.environment?.['PORT']).toBe(3003);
    expect(service.ports).toEqual(['127.0.0.1:3003:3003']);
  });
});
