import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './compose-file';

const execFileAsync = promisify(execFile);

/** Stops or starts one server of the local stack (deploy/local/stack.sh), for fault tests. */
export async function stack(action: 'up' | 'down', component: 'kafka' | 'clickhouse'): Promise<void> {
  await execFileAsync('bash', [join(REPO_ROOT, 'deploy/local/stack.sh'), action, component], { timeout: 180_000 });
}
