/**
 * The Secrets the manifests read and never contain: the operator creates
 * them once, before the first `kubectl apply` (README, "Kubernetes"). A pod
 * whose Secret is missing waits in CreateContainerConfigError, it does not
 * start with a default. The spec holds the manifests to this list: every
 * key they reference is here, and every key here is referenced.
 */
export const SECRETS = {
  postgres: {
    name: 'sferum-postgres',
    keys: {
      password: 'the password of the PostgreSQL user sferum (the postgres StatefulSet creates it on its first start)',
      'database-url': 'DATABASE_URL of the services: postgres://sferum:<password>@postgres.sferum.svc.cluster.local:5432/sferum',
    },
  },
  clickhouse: {
    name: 'sferum-clickhouse',
    keys: {
      password: 'the password of the ClickHouse user sferum, on every ClickHouse pod',
      url: 'CLICKHOUSE_URL of the services: http://sferum:<password>@clickhouse.sferum.svc.cluster.local:8123',
      'cluster-secret': "the shared secret of the cluster's servers for distributed queries (remote_servers)",
      'interserver-password': 'the password replicas fetch parts from each other with (interserver_http_credentials)',
    },
  },
  ingest: {
    name: 'sferum-ingest',
    keys: {
      'pseudonym-key': 'PSEUDONYM_KEY: at least 32 characters (openssl rand -hex 32); a new key gives every person a new pseudonym, splitting their counters',
    },
  },
} as const;

type Catalogue = typeof SECRETS;
export type SecretKey<S extends keyof Catalogue> = keyof Catalogue[S]['keys'] & string;
