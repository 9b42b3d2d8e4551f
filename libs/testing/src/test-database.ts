import { Client } from 'pg';
import { stackEnv, uniqueName } from './stack-env';

/**
 * A fresh PostgreSQL database for one test file, on the server of
 * DATABASE_URL. `drop` removes it (and any connection still open to it).
 */
export async function createTestDatabase(prefix = 'sferum_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = new URL(stackEnv().databaseUrl);
  const name = uniqueName(prefix).toLowerCase();
  const admin = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(serverUrl, name),
    drop: async () => {
      const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

function withDatabase(url: URL, database: string): string {
  const copy = new URL(url.toString());
  copy.pathname = `/${database}`;
  return copy.toString();
}
