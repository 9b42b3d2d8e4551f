/** Where the running system is (after `npm run up`) and how to reach it. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readEnvFile } from '@sferum/config';

function workspaceRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'nx.json'))) return dir;
  throw new Error('cannot find the workspace root (nx.json)');
}

export const ROOT = workspaceRoot();

export interface BenchContext {
  readonly root: string;
  readonly env: Record<string, string>;
  readonly urls: { readonly ingest: string; readonly aggregator: string; readonly kpi: string };
  readonly kafkaBrokers: string[];
  readonly clickhouseUrl: string;
  readonly databaseUrl: string;
  readonly kafkaLibs: string;
  readonly pids: { readonly ingest?: number; readonly aggregator?: number; readonly kpi?: number };
  readonly quick: boolean;
  /** With --keep: the databases the kpi part synthesized are left in place (for profiling its queries). */
  readonly keep: boolean;
  /**
   * --kpi-org-ids: the national week's organization ids, "scattered" (default:
   * "nat-<k>", a region's organizations spread over the whole key range) or
   * "by-region" ("nat-<region>-<k>": a region's organizations adjacent in
   * every table ordered by org_id, as ids that begin with the region would be).
   */
  readonly kpiOrgIds: 'scattered' | 'by-region';
  /** With --profile: node flags that write a CPU profile of each service process the benchmark starts. */
  readonly nodeProfileArgs: readonly string[];
  log(line: string): void;
}

export function readDevEnv(): Record<string, string> {
  const env = readEnvFile(join(ROOT, '.stack', 'dev.env'));
  if (Object.keys(env).length === 0) throw new Error('.stack/dev.env is missing: run npm run up first');
  return env;
}

export function pidOf(service: string): number | undefined {
  const file = join(ROOT, '.stack', 'run', `${service}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return existsSync(`/proc/${pid}`) ? pid : undefined;
}
