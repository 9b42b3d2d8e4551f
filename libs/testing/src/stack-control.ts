import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './compose-file';

const execFileAsync = promisify(execFile);

/**
 * Stops or starts one shared server of the local stack (deploy/local/stack.sh).
 * Every suite running at the time loses it too: a fault test is better off
 * with a server of its own (startPrivateServer, private-server.ts).
 */
export async function stack(action: 'up' | 'down', component: 'kafka' | 'clickhouse'): Promise<void> {
  await execFileAsync('bash', [join(REPO_ROOT, 'deploy/local/stack.sh'), action, component], { timeout: 180_000 });
}
