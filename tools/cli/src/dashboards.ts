/**
 * npm run dashboards            writes deploy/grafana/dashboards/*.json from the code
 * npm run dashboards -- --check fails when a file differs from what the code gives
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { allDashboards, dashboardJson } from '@sferum/dashboards';

/** The workspace root (where nx.json is), from the sources or from dist/. */
function workspaceRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'nx.json'))) return dir;
  throw new Error('cannot find the workspace root (nx.json)');
}

export const DASHBOARDS_DIR = join(workspaceRoot(), 'deploy', 'grafana', 'dashboards');

/** Files that differ from the code, or that the code no longer makes. */
export function staleDashboards(dir = DASHBOARDS_DIR): string[] {
  const wanted = allDashboards();
  const stale = Object.entries(wanted)
    .filter(([file, d]) => !existsSync(join(dir, file)) || readFileSync(join(dir, file), 'utf8') !== dashboardJson(d))
    .map(([file]) => file);
  const extra = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json') && !(f in wanted)) : [];
  return [...stale, ...extra].sort();
}

function main(): void {
  if (process.argv.includes('--check')) {
    const stale = staleDashboards();
    if (stale.length > 0) {
      console.error(`stale dashboards (run npm run dashboards): ${stale.join(', ')}`);
      process.exit(1);
    }
    console.log('dashboards are up to date');
    return;
  }
  for (const [file, d] of Object.entries(allDashboards())) {
    writeFileSync(join(DASHBOARDS_DIR, file), dashboardJson(d));
    console.log(`wrote ${join('deploy/grafana/dashboards', file)}`);
  }
}

if (require.main === module) main();
