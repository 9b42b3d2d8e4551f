/**
 * node dist/tools/bench/src/top-functions.js FILE.cpuprofile [N]
 * The functions where a CPU profile spent the most time (self time).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

export function topFunctions(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }, count: number): { name: string; ms: number; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    if (node === undefined) return;
    const where = node.callFrame.url.split('/').slice(-3).join('/');
    const key = `${node.callFrame.functionName || '(anonymous)'} ${where}${where === '' ? '' : `:${node.callFrame.lineNumber + 1}`}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: Math.round((us / total) * 1000) / 10 }));
}

if (require.main === module) {
  const [file, count] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: top-functions FILE.cpuprofile [N]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Parameters<typeof topFunctions>[0];
  for (const f of topFunctions(profile, Number(count ?? 15))) console.log(`${String(f.share).padStart(5)}%  ${String(f.ms).padStart(7)} ms  ${f.name}`);
}
