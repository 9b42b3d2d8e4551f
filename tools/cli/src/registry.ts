/**
 * npm run registry -- import FILE [--dry-run]
 * npm run registry -- export [--region 54] [--out FILE]
 *
 * Organizations of the registry as CSV (format: libs/domain/src/registry/organization-csv.ts).
 * An import applies the whole file in one transaction or nothing; every bad
 * row is printed with its line, column and reason.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatOrganizationCsv, validateOrganizationCsv } from '@sferum/domain';
import { exportOrganizations, importOrganizations, regionCodes } from '@sferum/infra-postgres';
import { UsageError, withRegistry } from './cli-data-source';
import { runCli } from './cli-runner';
import { Progress } from './progress';

const USAGE = 'usage: npm run registry -- import FILE [--dry-run] | export [--region 54] [--out FILE]';
const LISTED_PROBLEMS = 50;

runCli(async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean' }, region: { type: 'string' }, out: { type: 'string' } },
  });
  const [command, file] = positionals;
  if (command === 'import') {
    if (file === undefined) throw new UsageError(USAGE);
    await importFile(file, values['dry-run'] === true);
  } else if (command === 'export') {
    await exportFile(values.region, values.out);
  } else {
    throw new UsageError(USAGE);
  }
});

async function importFile(file: string, dryRun: boolean): Promise<void> {
  const size = statSync(file).size;
  process.stderr.write(`reading ${file} (${(size / 1024 / 1024).toFixed(1)} MiB)\n`);
  const text = readFileSync(file, 'utf8');
  await withRegistry(async (dataSource) => {
    const validating = new Progress('validating', 'rows');
    const { records, problems } = validateOrganizationCsv(text, { knownRegions: await regionCodes(dataSource) }, (done, total) =>
      validating.update(done, total),
    );
    if (problems.length > 0) {
      validating.done(`${problems.length} problem(s)`);
      for (const p of problems.slice(0, LISTED_PROBLEMS)) {
        console.error(`  line ${p.line}${p.column === null ? '' : `, ${p.column}`}: ${p.reason}`);
      }
      if (problems.length > LISTED_PROBLEMS) console.error(`  ... and ${problems.length - LISTED_PROBLEMS} more`);
      throw new Error(`${file}: ${problems.length} row problem(s); nothing was applied`);
    }
    validating.done(`${records.length} rows valid`);
    if (dryRun) {
      console.log(JSON.stringify({ dryRun: true, rows: records.length }));
      return;
    }
    const applying = new Progress('applying', 'rows');
    const report = await importOrganizations(dataSource, records, (done, total) => applying.update(done, total));
    applying.done(
      `${report.organizations.inserted} inserted, ${report.organizations.updated} updated, ${report.organizations.unchanged} unchanged`,
    );
    console.log(JSON.stringify({ dryRun: false, ...report }));
  });
}

async function exportFile(region: string | undefined, out: string | undefined): Promise<void> {
  await withRegistry(async (dataSource) => {
    if (region !== undefined && !(await regionCodes(dataSource)).has(region)) throw new UsageError(`unknown region code "${region}"`);
    const csv = formatOrganizationCsv(await exportOrganizations(dataSource, region));
    if (out === undefined) process.stdout.write(csv);
    else {
      writeFileSync(out, csv);
      process.stderr.write(`wrote ${csv.split('\n').length - 2} organizations to ${out}\n`);
    }
  });
}
