/**
 * npm run registry -- import FILE [--dry-run] [--allow-municipality-moves]
 * npm run registry -- export [--region 54] [--out FILE]
 *
 * Organizations of the registry as CSV (format: libs/domain/src/registry/organization-csv.ts).
 * An import applies the whole file in one transaction or nothing; every bad
 * row is printed with its line, column and reason. A file that places an
 * existing municipality in another region applies nothing unless
 * --allow-municipality-moves (each move is printed).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeMunicipalityMove, formatOrganizationCsv, MunicipalityMovesRefused, validateOrganizationCsv, type MunicipalityMove } from '@sferum/domain';
import { exportOrganizations, findMunicipalityMoves, importOrganizations, regionCodes } from '@sferum/infra-postgres';
import { UsageError, withRegistry } from './cli-data-source';
import { runCli } from './cli-runner';
import { Progress } from './progress';

const USAGE = 'usage: npm run registry -- import FILE [--dry-run] [--allow-municipality-moves] | export [--region 54] [--out FILE]';
const LISTED_PROBLEMS = 50;

runCli(async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean' }, 'allow-municipality-moves': { type: 'boolean' }, region: { type: 'string' }, out: { type: 'string' } },
  });
  const [command, file] = positionals;
  if (command === 'import') {
    if (file === undefined) throw new UsageError(USAGE);
    await importFile(file, { dryRun: values['dry-run'] === true, allowMunicipalityMoves: values['allow-municipality-moves'] === true });
  } else if (command === 'export') {
    await exportFile(values.region, values.out);
  } else {
    throw new UsageError(USAGE);
  }
});

async function importFile(file: string, { dryRun, allowMunicipalityMoves }: { readonly dryRun: boolean; readonly allowMunicipalityMoves: boolean }): Promise<void> {
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
      const moves = await findMunicipalityMoves(dataSource, records);
      if (moves.length > 0 && !allowMunicipalityMoves) refuseMoves(file, moves);
      console.log(JSON.stringify({ dryRun: true, rows: records.length }));
      return;
    }
    const applying = new Progress('applying', 'rows');
    let report;
    try {
      report = await importOrganizations(dataSource, records, { allowMunicipalityMoves, onProgress: (done, total) => applying.update(done, total) });
    } catch (error) {
      if (error instanceof MunicipalityMovesRefused) {
        applying.done('refused');
        refuseMoves(file, error.moves);
      }
      throw error;
    }
    applying.done(
      `${report.organizations.inserted} inserted, ${report.organizations.updated} updated, ${report.organizations.unchanged} unchanged`,
    );
    for (const move of report.municipalityMoves) console.error(`  moved municipality "${move.municipalityId}" (${move.municipalityName}) from region ${move.fromRegion} to region ${move.toRegion}`);
    console.log(JSON.stringify({ dryRun: false, ...report }));
  });
}

function refuseMoves(file: string, moves: readonly MunicipalityMove[]): never {
  for (const move of moves.slice(0, LISTED_PROBLEMS)) console.error(`  ${describeMunicipalityMove(move)}`);
  if (moves.length > LISTED_PROBLEMS) console.error(`  ... and ${moves.length - LISTED_PROBLEMS} more`);
  throw new Error(`${file}: ${moves.length} municipality move(s) to another region; nothing was applied (pass --allow-municipality-moves to apply them)`);
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
