/** What a process costs, from /proc: CPU seconds so far and peak resident memory. */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface ProcessSample {
  readonly cpuSeconds: number;
  readonly rssMiB: number;
  readonly peakRssMiB: number;
}

export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { cpuSeconds, rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
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
