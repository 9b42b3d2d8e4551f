import cluster, { type Worker } from 'node:cluster';
import { createLogger, serveClusterMetrics, type LogLevelName } from '@sferum/infra-observability';

export interface ClusterOptions {
  readonly service: string;
  /** Processes serving the port; 1 runs the service in this process, as without a cluster. */
  readonly workers: number;
  readonly logLevel: LogLevelName;
}

/**
 * How many processes serve the port, as seen from this one: `workers` in
 * a worker of runClustered, 1 otherwise (a single process, or a test's
 * application in its own process). What a process takes its share of
 * service-wide limits by.
 */
export function servingProcesses(workers: number): number {
  return cluster.isWorker ? workers : 1;
}

/** A worker that dies this soon after another did is not replaced at once. */
const RESTART_DELAY_MS = 1_000;
/** More deaths than this within RESTART_WINDOW_MS stop the whole service (exit 1): something is wrong with it, not with one process. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
/** How long the primary waits for its workers to stop before it exits 1. */
const STOP_TIMEOUT_MS = 30_000;

/**
 * Runs a stateless service as `workers` processes sharing one port
 * (node:cluster: the primary accepts connections and hands them to the
 * workers in turn). Each worker runs `start`, with the same environment,
 * and so its own clients and caches (the ingest's registry, its producer).
 * The primary serves nothing itself: it answers the workers' requests for
 * the cluster's metrics (cluster-metrics.ts, so GET /metrics counts every
 * process), replaces a worker that dies, and on SIGTERM or SIGINT stops
 * the workers (each drains as a single process does) and exits 0 once all
 * have, 1 if one failed or they took longer than 30 s. Resolves once the
 * workers are forked (in the primary) or `start` has (in a worker, or
 * with one process): call it from runService, which reports its errors.
 */
export async function runClustered(options: ClusterOptions, start: () => Promise<void>): Promise<void> {
  if (options.workers <= 1 || cluster.isWorker) {
    await start();
    return;
  }
  const logger = createLogger(options.service, options.logLevel);
  const context = 'cluster';
  serveClusterMetrics();
  let stopping = false;
  let failed = false;
  const deaths: number[] = [];

  const fork = (index: number): void => {
    const worker = cluster.fork();
    worker.on('exit', (code, signal) => onExit(worker, index, code, signal));
  };
  const onExit = (worker: Worker, index: number, code: number | null, signal: string | null): void => {
    if (stopping) {
      // Killed by the SIGTERM sent to it: a worker still starting (no handler yet) had nothing to drain.
      if (code !== 0 && signal !== 'SIGTERM') {
        failed = true;
        logger.error(`worker ${index} (pid ${worker.process.pid}) stopped with ${signal ?? `code ${code}`}`, context);
      }
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    const now = Date.now();
    deaths.push(now);
    while (deaths.length > 0 && deaths[0]! < now - RESTART_WINDOW_MS) deaths.shift();
    logger.error(`worker ${index} (pid ${worker.process.pid}) exited (${signal ?? `code ${code}`}); ${deaths.length} in the last minute`, context);
    if (deaths.length > MAX_RESTARTS) {
      logger.error(`more than ${MAX_RESTARTS} workers died within a minute: stopping the service`, context);
      stop('SIGTERM', 1);
      return;
    }
    setTimeout(() => {
      if (!stopping) fork(index);
    }, RESTART_DELAY_MS).unref();
  };
  const stop = (signal: NodeJS.Signals, exitCode = 0): void => {
    if (stopping) return;
    stopping = true;
    if (exitCode !== 0) failed = true;
    logger.log(`${signal}: stopping ${Object.keys(cluster.workers ?? {}).length} workers`, context);
    const timer = setTimeout(() => {
      logger.error(`the workers did not stop within ${STOP_TIMEOUT_MS} ms; exiting`, context);
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    timer.unref();
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    if (workers.length === 0) process.exit(failed ? 1 : 0);
    for (const worker of workers) worker.process.kill('SIGTERM');
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  logger.log(`starting ${options.workers} workers`, context);
  for (let i = 0; i < options.workers; i++) fork(i);
}
