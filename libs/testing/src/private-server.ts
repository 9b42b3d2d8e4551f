import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './compose-file';
import { freePortBelowEphemeralRange } from './free-port';

const execFileAsync = promisify(execFile);
const STACK_SH = join(REPO_ROOT, 'deploy/local/stack.sh');

export type PrivateServerKind = 'kafka' | 'clickhouse';

/**
 * A Kafka broker or ClickHouse server of one suite's own, for fault tests
 * that stop and restart it: the shared servers other suites use are never
 * touched. Started by deploy/local/stack.sh (`private-up`), the same jars,
 * binary and config as the shared server, on free ports (below the
 * ephemeral range, so still free for a restart), data in
 * .stack/private/<name>, log .stack/logs/private-<name>.log.
 */
export interface PrivateServer {
  readonly kind: PrivateServerKind;
  readonly name: string;
  /** Where clients connect: `127.0.0.1:<port>` for Kafka (a KAFKA_BROKERS entry), the HTTP URL for ClickHouse. */
  readonly address: string;
  /** Stops the process (SIGTERM, then SIGKILL after a bound), keeping its data. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data; resolves once it answers. */
  start(): Promise<void>;
  /** Stops it and deletes its data (its log stays until the next fresh start). */
  remove(): Promise<void>;
}

/**
 * Starts a fresh private server. A server of the same name left by an
 * interrupted run is stopped and its data deleted first, so use one name
 * per suite (e.g. `e2e-health-kafka`).
 */
export async function startPrivateServer(kind: PrivateServerKind, name: string): Promise<PrivateServer> {
  const [port, secondPort] = await twoFreePorts(); // Kafka: client and controller listeners; ClickHouse: HTTP and native
  const script = async (...args: string[]): Promise<void> => {
    // The script's messages (and on failure the reason, on stderr) are in the rejection's message.
    await execFileAsync('bash', [STACK_SH, ...args], { timeout: 180_000 });
  };
  const start = () => script('private-up', kind, name, String(port), String(secondPort));
  const stop = () => script('private-down', kind, name);
  await script('private-down', kind, name, '--purge');
  try {
    await start();
  } catch (error) {
    // Not left half-started (a process whose port never opened) for the next run.
    await script('private-down', kind, name).catch((cleanup: unknown) => {
      throw new AggregateError([error, cleanup], `${kind} ${name} did not start, nor stop afterwards`);
    });
    throw error;
  }
  return {
    kind,
    name,
    address: kind === 'kafka' ? `127.0.0.1:${port}` : `http://127.0.0.1:${port}`,
    stop,
    start,
    remove: () => script('private-down', kind, name, '--purge'),
  };
}

/** Below the ephemeral range: the ports must still be free when the server starts again after a stop. */
async function twoFreePorts(): Promise<[number, number]> {
  const first = await freePortBelowEphemeralRange();
  for (;;) {
    const second = await freePortBelowEphemeralRange();
    if (second !== first) return [first, second];
  }
}
