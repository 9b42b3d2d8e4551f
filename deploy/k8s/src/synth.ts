/**
 * npm run k8s:synth            writes deploy/k8s/manifests/*.yaml from the code
 * npm run k8s:synth -- --check fails when a file differs from what the code gives
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFESTS_DIR, manifestFiles } from './sferum-manifests';

/** Files that differ from the code, or that the code no longer makes. */
export function staleManifests(dir = MANIFESTS_DIR): string[] {
  const wanted = manifestFiles();
  const stale = Object.entries(wanted)
    .filter(([file, text]) => !existsSync(join(dir, file)) || readFileSync(join(dir, file), 'utf8') !== text)
    .map(([file]) => file);
  const extra = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml') && !(f in wanted)) : [];
  return [...stale, ...extra].sort();
}

function main(): void {
  if (process.argv.includes('--check')) {
    const stale = staleManifests();
    if (stale.length > 0) {
      console.error(`stale manifests (run npm run k8s:synth): ${stale.join(', ')}`);
      process.exit(1);
    }
    console.log('manifests are up to date');
    return;
  }
  const wanted = manifestFiles();
  mkdirSync(MANIFESTS_DIR, { recursive: true });
  for (const file of readdirSync(MANIFESTS_DIR).filter((f) => f.endsWith('.yaml') && !(f in wanted))) {
    rmSync(join(MANIFESTS_DIR, file));
    console.log(`removed ${join('deploy/k8s/manifests', file)}`);
  }
  for (const [file, text] of Object.entries(wanted)) {
    writeFileSync(join(MANIFESTS_DIR, file), text);
    console.log(`wrote ${join('deploy/k8s/manifests', file)}`);
  }
}

if (require.main === module) main();
