import { composeService } from '@sferum/testing';
import { INGEST_VARS, loadIngestConfig } from './ingest.config';

const KEY = 'k'.repeat(64);

describe('ingest config', () => {
  it('has working defaults for the local stack; only the pseudonym key is required', () => {
    const config = loadIngestConfig({ PSEUDONYM_KEY: KEY });
    expect(config.PORT).toBe(3001);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.ACTIVITY_TOPIC).toBe('sferum.activity.v1');
    expect(() => loadIngestConfig({})).toThrow(/PSEUDONYM_KEY is required/);
  });

  it('runs one process by default; each process must be able to take a full batch of its share of the burst', () => {
    expect(loadIngestConfig({ PSEUDONYM_KEY: KEY }).INGEST_WORKERS).toBe(1);
    expect(loadIngestConfig({ PSEUDONYM_KEY: KEY, INGEST_WORKERS: '4', RATE_LIMIT_BURST: '20000', MAX_BATCH_EVENTS: '5000' }).INGEST_WORKERS).toBe(4);
    expect(() => loadIngestConfig({ PSEUDONYM_KEY: KEY, INGEST_WORKERS: '5', RATE_LIMIT_BURST: '20000', MAX_BATCH_EVENTS: '5000' })).toThrow(
      /RATE_LIMIT_BURST must be at least MAX_BATCH_EVENTS \(5000\) for each of the INGEST_WORKERS \(5\)/,
    );
    expect(() => loadIngestConfig({ PSEUDONYM_KEY: KEY, INGEST_WORKERS: '0' })).toThrow(/INGEST_WORKERS/);
  });

    it('docker-compose sets only variables the service reads, and the same port', () => {
    const service = composeService('ingest');
    const names = Object.keys(service.environment ?? {});
    expect(names.filter((name) => !(name in INGEST_VARS))).toEqual([]);
    expect(service.environment?.['PORT']).toBe(3001);
    expect(service.ports).toEqual(['127.0.0.1:3001:3001']);
    expect(() => loadIngestConfig({ ...stringify(service.environment), PSEUDONYM_KEY: KEY })).not.toThrow();
  });
});

function stringify(env: Record<string, string | number> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, String(v)]));
}
