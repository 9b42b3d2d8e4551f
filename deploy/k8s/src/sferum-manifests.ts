/**
 * The production install as files of Kubernetes manifests, one chart each:
 * the namespace, the servers, the migrations, the services; and a
 * kustomization of them, so `kubectl apply -k deploy/k8s/manifests` installs
 * it and an overlay can name the registry's image (kustomize `images:`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { App, Chart, Yaml } from 'cdk8s';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import { ClickHouseChart } from './clickhouse';
import { KafkaChart } from './kafka';
import { define, labelsOf, NAMESPACE } from './k8s-object';
import { imageOf, MigrateChart, PipelineServiceChart } from './pipeline-services';
import { PostgresChart } from './postgres';
import { ZooKeeperChart } from './zookeeper';

/** The workspace root (where nx.json is), from the sources or from dist/. */
export function workspaceRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'nx.json'))) return dir;
  throw new Error('cannot find the workspace root (nx.json)');
}

export const MANIFESTS_DIR = join(workspaceRoot(), 'deploy', 'k8s', 'manifests');

const HEADER = '# Generated from deploy/k8s/src by `npm run k8s:synth`: edit the code, not this file.\n';

/** The version of package.json: the tag of the image and the name of its migrations' Job. */
export function workspaceVersion(): string {
  return (JSON.parse(readFileSync(join(workspaceRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

class NamespaceChart extends Chart {
  constructor(scope: App, id: string) {
    super(scope, id);
    define<INamespace>(this, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: labelsOf('namespace', NAMESPACE) } });
  }
}

/** Every chart of the install, by the file it is written to. */
function charts(version = workspaceVersion()): Record<string, Chart> {
  const app = new App();
  const image = imageOf(version);
  return {
    '00-namespace.yaml': new NamespaceChart(app, 'namespace'),
    '10-zookeeper.yaml': new ZooKeeperChart(app, 'zookeeper'),
    '20-kafka.yaml': new KafkaChart(app, 'kafka'),
    '30-clickhouse.yaml': new ClickHouseChart(app, 'clickhouse'),
    '40-postgres.yaml': new PostgresChart(app, 'postgres'),
    '50-migrate.yaml': new MigrateChart(app, 'migrate', { version, image }),
    '60-ingest.yaml': new PipelineServiceChart(app, 'ingest', { service: 'ingest', image }),
    '61-aggregator.yaml': new PipelineServiceChart(app, 'aggregator', { service: 'aggregator', image }),
    '62-kpi.yaml': new PipelineServiceChart(app, 'kpi', { service: 'kpi', image }),
  };
}

/** The kustomization of the directory: `kubectl apply -k`, and the base an overlay names (its image, its sizes). */
export const KUSTOMIZATION = 'kustomization.yaml';

/** The text of every file of deploy/k8s/manifests: the charts' objects, and the kustomization listing them. */
export function manifestFiles(version?: string): Record<string, string> {
  const files = Object.fromEntries(
    Object.entries(charts(version)).map(([file, chart]) => [file, HEADER + Yaml.stringify(...(chart.toJson() as unknown[]))]),
  );
  const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: Object.keys(files) };
  return { ...files, [KUSTOMIZATION]: HEADER + Yaml.stringify(kustomization) };
}
