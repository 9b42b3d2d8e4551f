import { composeService } from '@sferum/testing';
import { AGGREGATOR_VARS, loadAggregatorConfig } from './aggregator.config';

describe('aggregator config', () => {
  it('has working defaults for the local stack', () => {
    const config = loadAggregatorConfig({});
    expect(config.PORT).toBe(3002);
    expect(config.CLICKHOUSE_URL).toBe('http://127.0.0.1:8123');
    expect(config.AGGREGATOR_GROUP_ID).toBe('sferum-aggregator');
  });

  it('docker-compose sets only variables the service reads, and the same port', () => {
    const service = composeService('aggregator');
    const names = Object.keys(service.environment ?? {});
    expect(names.filter((name) => !(name in AGGREGATOR_VARS))).toEqual([]);
    expect(service.environment?.['PORT']).toBe(3002);
    expect(service.ports).toEqual(['127.0.0.1:3002:3002']);
  });
});
