import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');

export const SERVICE_URLS = {
  ingest: process.env['INGEST_URL'] ?? 'http://127.0.0.1:3001',
  aggregator: process.env['AGGREGATOR_URL'] ?? 'http://127.0.0.1:3002',
  kpi: process.env['KPI_URL'] ?? 'http://127.0.0.1:3003',
} as const;
export type ServiceName = keyof typeof SERVICE_URLS;

export async function httpStatus(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** Starts a compiled service as a child process with the given environment. */
export function startService(name: ServiceName, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [join(ROOT, 'dist/services', name, 'src/main.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function exitOf(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process did not exit within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}
