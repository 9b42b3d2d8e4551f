/** What a process costs, from /proc: CPU seconds so far and peak resident memory. */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface ProcessSample {
  readonly cpuSeconds: number;
  readonly rssMiB: number;
  readonly peakRssMiB: number;
}

/**
 * A process and its descendants (a clustered service's workers: INGEST_WORKERS),
 * summed: CPU seconds of the live ones and of the children they have reaped
 * (cutime, cstime: a worker that died and was replaced), resident memory
 * and each one's peak. Undefined when the process is gone.
 */
export function sampleProcess(pid: number): ProcessSample | undefined {
  const own = readProcess(pid);
  if (own === undefined) return undefined;
  let { cpuSeconds, rssMiB, peakRssMiB } = own;
  for (const child of descendantsOf(pid)) {
    const c = readProcess(child);
    if (c === undefined) continue;
    cpuSeconds += c.cpuSeconds;
    rssMiB += c.rssMiB;
    peakRssMiB += c.peakRssMiB;
  }
  return { cpuSeconds, rssMiB, peakRssMiB };
}

function readProcess(pid: number): (ProcessSample & { readonly ppid: number }) | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime
    const cpuSeconds = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { ppid: Number(fields[1]), cpuSeconds, rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Every live descendant of a process (Linux /proc). */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProcess(Number(name));
    if (p !== undefined) parents.set(p.ppid, [...(parents.get(p.ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const walk = (parent: number) => {
    for (const child of parents.get(parent) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** Samples a process every `everyMs` and keeps the highest RSS seen (VmHWM covers the whole life; this covers a window). */
export class RssWatcher {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, everyMs = 200) {
    this.timer = setInterval(() => {
      const s = sampleProcess(this.pid);
      if (s !== undefined) this.peak = Math.max(this.peak, s.rssMiB);
    }, everyMs);
  }

  stop(): number {
    clearInterval(this.timer);
    const s = sampleProcess(this.pid);
    return Math.max(this.peak, s?.rssMiB ?? 0);
  }
}
