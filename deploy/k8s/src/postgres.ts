/**
 * PostgreSQL 15 (as docker-compose.yml): one StatefulSet of one pod, the
 * registry, thresholds and keys. It holds little and changes seldom; a
 * second instance would need replication this install does not run. To
 * use a managed or existing PostgreSQL instead, leave out this file and put
 * its URL in the Secret's database-url (secrets.ts).
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import { dataVolumeClaim, define, disruptionBudget, envOf, labelsOf, secretEnv, selectorOf } from './k8s-object';
import { SECRETS } from './secrets';

export const POSTGRES = {
  name: 'postgres',
  image: 'postgres:15',
  port: 5432,
  user: 'sferum',
  database: 'sferum',
} as const;

export class PostgresChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { name } = POSTGRES;
    const selector = selectorOf(name, name);
    const isReady: IProbe['exec'] = { command: ['pg_isready', '-U', POSTGRES.user, '-d', POSTGRES.database, '-h', '127.0.0.1'] };

    define<IService>(this, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels: labelsOf(name, name) },
      // Headless, as a StatefulSet's Service is: postgres.sferum.svc... is the pod, once it is ready.
      spec: { clusterIP: 'None', selector, ports: [{ name: 'postgres', port: POSTGRES.port, targetPort: 'postgres' }] },
    });

    define<IStatefulSet>(this, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, labels: labelsOf(name, name) },
      spec: {
        serviceName: name,
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: labelsOf(name, name) },
          spec: {
            automountServiceAccountToken: false,
            // The image's entrypoint starts as root, owns the data directory to postgres and runs as it.
            containers: [
              {
                name,
                image: POSTGRES.image,
                env: [
                  ...envOf({
                    POSTGRES_USER: POSTGRES.user,
                    POSTGRES_DB: POSTGRES.database,
                    // A directory of the volume, not its root (which may hold lost+found, and initdb wants it empty).
                    PGDATA: '/var/lib/postgresql/data/pgdata',
                  }),
                  secretEnv('POSTGRES_PASSWORD', SECRETS.postgres.name, 'password'),
                ],
                ports: [{ name: 'postgres', containerPort: POSTGRES.port }],
                readinessProbe: { exec: isReady, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
                livenessProbe: { exec: isReady, initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
                resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
                volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
              },
            ],
          },
        },
        volumeClaimTemplates: [dataVolumeClaim('20Gi')],
      },
    });

    // The only instance: a node drain waits until someone moves it on purpose
    // (kubectl delete pod), instead of the registry and the keys going away
    // in the middle of an unattended node upgrade.
    disruptionBudget(this, { name, component: name, selector }, { minAvailable: 1 });
  }
}
