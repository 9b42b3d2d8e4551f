import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeService, REPO_ROOT } from '@sferum/testing';

/** docker-compose.yml cannot run on machines without Docker: keep it in step with the native stack. */
describe('docker-compose.yml matches the native stack', () => {
  it('runs the same Kafka version as deploy/kafka/pom.xml', () => {
    const pom = readFileSync(join(REPO_ROOT, 'deploy/kafka/pom.xml'), 'utf8');
    const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
    expect(version).toBeDefined();
    expect(composeService('kafka').image).toBe(`apache/kafka:${version}`);
  });

  it('publishes the native ports', () => {
    expect(composeService('kafka').ports).toEqual(['127.0.0.1:9092:9092']);
    expect(composeService('clickhouse').ports).toEqual(['127.0.0.1:8123:8123']);
    expect(composeService('postgres').ports).toEqual(['127.0.0.1:5432:5432']);
  });

  it('runs migrations before the services, with the image entrypoint commands', () => {
    expect(composeService('migrate').command).toEqual(['migrate']);
    for (const name of ['ingest', 'aggregator', 'kpi']) expect(composeService(name).command).toEqual([name]);
    const entrypoint = readFileSync(join(REPO_ROOT, 'deploy/docker/entrypoint.sh'), 'utf8');
    for (const name of ['ingest', 'aggregator', 'kpi']) expect(entrypoint).toContain(`${name}) exec node`);
    // The Node flags of each service as the local stack gives them (deploy/local/services.sh).
    const services = readFileSync(join(REPO_ROOT, 'deploy/local/services.sh'), 'utf8');
    const flags = /SERVICE_NODE_FLAGS=\(\[ingest\]="([^"]*)" \[aggregator\]="([^"]*)" \[kpi\]="([^"]*)"\)/.exec(services);
    expect(flags).not.toBeNull();
    ['ingest', 'aggregator', 'kpi'].forEach((name, i) => {
      const line = entrypoint.split('\n').find((l) => l.trimStart().startsWith(`${name}) exec node`)) ?? '';
      expect(line.replace(/--enable-source-maps|exec node|dist\S*|;;|\S+\)/g, '').trim()).toBe(flags![i + 1]);
    });
    expect(entrypoint).toContain('dist/tools/cli/src/migrate.js');
  });

  it('wires Prometheus, Alertmanager and Grafana to the files in deploy/', () => {
    const prometheus = composeService('prometheus');
    expect(prometheus.volumes).toEqual(
      expect.arrayContaining(['./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro', './deploy/prometheus/rules:/etc/prometheus/rules:ro']),
    );
    const config = readFileSync(join(REPO_ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8');
    expect(config).toContain("targets: ['alertmanager:9093']");
    expect(config).toContain("targets: ['ingest:3001', 'aggregator:3002', 'kpi:3003']");
    expect(composeService('alertmanager').volumes).toEqual(['./deploy/alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro']);
    const grafana = composeService('grafana');
    expect(grafana.volumes).toEqual(['./deploy/grafana/provisioning:/etc/grafana/provisioning:ro', './deploy/grafana/dashboards:/var/lib/grafana/dashboards/sferum:ro']);
    expect(grafana.environment?.['GF_INSTALL_PLUGINS']).toBe('yesoreyeram-infinity-datasource');
    const provider = readFileSync(join(REPO_ROOT, 'deploy/grafana/provisioning/dashboards/dashboards.yml'), 'utf8');
    expect(provider).toContain('path: /var/lib/grafana/dashboards/sferum');
  });

  it('runs the aggregator with the same heap cap natively, in Docker and in the benchmark', () => {
    const flag = '--max-old-space-size=192';
    expect(readFileSync(join(REPO_ROOT, 'deploy/local/services.sh'), 'utf8')).toContain(`[aggregator]="${flag}"`);
    expect(readFileSync(join(REPO_ROOT, 'deploy/docker/entrypoint.sh'), 'utf8')).toContain(`aggregator) exec node --enable-source-maps ${flag} `);
    expect(readFileSync(join(REPO_ROOT, 'tools/bench/src/aggregation-bench.ts'), 'utf8')).toContain(`AGGREGATOR_NODE_FLAGS = ['${flag}']`);
  });
});
