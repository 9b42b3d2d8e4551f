/**
 * A progress line on stderr for long work. On a terminal it redraws one
 * line (at most ten times a second); in a log it prints at each quarter.
 */
export class Progress {
  private lastDraw = 0;
  private lastQuarter = -1;
  private readonly tty = process.stderr.isTTY === true;
  private readonly started = Date.now();

  constructor(private readonly label: string, private readonly unit: string) {}

  update(done: number, total: number): void {
    const fraction = total === 0 ? 1 : done / total;
    if (this.tty) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && done < total) return;
      this.lastDraw = now;
      const width = 30;
      const filled = Math.round(fraction * width);
      process.stderr.write(
        `\r${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(fraction * 100)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${this.unit}`,
      );
    } else {
      const quarter = Math.floor(fraction * 4);
      if (quarter === this.lastQuarter) return;
      this.lastQuarter = quarter;
      process.stderr.write(`${this.label}: ${Math.floor(fraction * 100)}% (${done}/${total} ${this.unit})\n`);
    }
  }

  done(summary: string): void {
    if (this.tty) process.stderr.write('\n');
    process.stderr.write(`${this.label}: ${summary} in ${((Date.now() - this.started) / 1000).toFixed(1)} s\n`);
  }
}
