import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@sferum/testing';

/** The three services, in the order data flows through them. */
export const SERVICE_NAMES = ['ingest', 'aggregator', 'kpi'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

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
  return spawn(process.execPath, [join(REPO_ROOT, 'dist/services', name, 'src/main.js')], {
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
