import { composeService } from '@sferum/testing';
import { AGGREGATOR_VARS, loadAggregatorConfig } from './aggregator.config';

describe('aggregator config', () => {
  it('has working defaults for the local stack', () => {
    const config = loadAggregatorConfig({});
    expect(config.PORT).toBe(3002);
    expect(config.CLICKHOUSE_URL).toBe('http://127.0.0.1:8123');
    expect(config.AGGREGATOR_GROUP_ID).toBe('sferum-aggregator');
    expect(config.FETCH_MIN_BYTES).toBe(64 * 1024);
    expect(config.FETCH_MAX_WAIT_MS).toBe(250);
  });

  it('refuses a fetch wait outside 10 ms to 10 s, naming the variable', () => {
    expect(() => loadAggregatorConfig({ FETCH_MAX_WAIT_MS: '0' })).toThrow(/FETCH_MAX_WAIT_MS/);
    expect(() => loadAggregatorConfig({ FETCH_MAX_WAIT_MS: '60000' })).toThrow(/FETCH_MAX_WAIT_MS/);
    expect(loadAggregatorConfig({ FETCH_MIN_BYTES: '1', FETCH_MAX_WAIT_MS: '10' })).toMatchObject({ FETCH_MIN_BYTES: 1, FETCH_MAX_WAIT_MS: 10 });
  });

  it('docker-compose sets only variables the service reads, and the same port', () => {
    const service = composeService('aggregator');
    const names = Object.keys(service.environment ?? {});
    expect(names.filter((name) => !(name in AGGREGATOR_VARS))).toEqual([]);
    expect(service.environment?.['PORT']).toBe(3002);
    expect(service.ports).toEqual(['127.0.0.1:3002:3002']);
  });
});
