// Copies the non-TypeScript files the compiled code reads at run time into
// dist/, at the same relative paths (part of `npm run build`).
const { cpSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const ASSETS = ['libs/infra/clickhouse/migrations'];

for (const asset of ASSETS) {
  const from = join(root, asset);
  if (!existsSync(from)) throw new Error(`asset missing: ${asset}`);
  cpSync(from, join(root, 'dist', asset), { recursive: true });
}
