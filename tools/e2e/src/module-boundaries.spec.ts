import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The module boundaries are real: lint rejects an import that crosses
 * them. Each case is a probe file written for this run only (the
 * type-aware parser lints files that exist), linted in one ESLint process,
 * and always removed.
 */
const ROOT = join(__dirname, '..', '..', '..');
/** A package's command-line entry, from its package.json `bin`. */
function binOf(pkg: string, name: string): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }).bin[name];
  if (bin === undefined) throw new Error(`${pkg} has no bin ${name}`);
  return join(manifest, '..', bin);
}

const RUN = `${process.pid}_${Date.now().toString(36)}`;

interface Probe {
  readonly file: string;
  readonly code: string;
}

const PROBES = {
  domainImportsInfra: {
    file: `libs/domain/src/boundary_probe_${RUN}_a.ts`,
    // An infra lib that does not itself import the domain (else lint reports a cycle instead).
    code: "import { MetricsRegistry } from '@sferum/infra-observability';\nexport const x = MetricsRegistry;\n",
  },
  domainImportsFrameworks: {
    file: `libs/domain/src/boundary_probe_${RUN}_b.ts`,
    code: "import { Injectable } from '@nestjs/common';\nimport { Kafka } from 'kafkajs';\nexport const x = [Injectable, Kafka];\n",
  },
  domainImportsService: {
    file: `libs/domain/src/boundary_probe_${RUN}_c.ts`,
    code: "import { loadIngestConfig } from '../../../services/ingest/src/ingest.config';\nexport const x = loadIngestConfig;\n",
  },
  serviceImportsService: {
    file: `services/kpi/src/boundary_probe_${RUN}_d.ts`,
    code: "import { loadIngestConfig } from '../../ingest/src/ingest.config';\nexport const x = loadIngestConfig;\n",
  },
  serviceImportsInfraAndDomain: {
    file: `services/kpi/src/boundary_probe_${RUN}_e.ts`,
    code: "import { ClickHouse } from '@sferum/infra-clickhouse';\nimport { bandOf } from '@sferum/domain';\nexport const x = [ClickHouse, bandOf];\n",
  },
} satisfies Record<string, Probe>;

type ProbeName = keyof typeof PROBES;

describe('module boundaries', () => {
  const errors = new Map<ProbeName, string[]>();

  beforeAll(() => {
    // The boundary rule reads Nx's cached project graph; without it the rule skips.
    execFileSync(process.execPath, [binOf('nx', 'nx'), 'show', 'projects'], {
      cwd: ROOT,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: 'ignore',
    });
    const probes = Object.entries(PROBES) as [ProbeName, Probe][];
    try {
      for (const [, probe] of probes) writeFileSync(join(ROOT, probe.file), probe.code);
      const result = spawnSync(
        process.execPath,
        [binOf('eslint', 'eslint'), '--format', 'json', ...probes.map(([, p]) => p.file)],
        { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      );
      const reports = JSON.parse(result.stdout) as { filePath: string; messages: { ruleId: string | null; message: string }[] }[];
      for (const [name, probe] of probes) {
        const report = reports.find((r) => r.filePath === join(ROOT, probe.file));
        if (report === undefined) throw new Error(`ESLint gave no report for ${probe.file}: ${result.stderr}`);
        const parseErrors = report.messages.filter((m) => m.ruleId === null);
        if (parseErrors.length > 0) throw new Error(`ESLint could not parse ${probe.file}: ${parseErrors[0]?.message}`);
        errors.set(
          name,
          report.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message),
        );
      }
    } finally {
      for (const [, probe] of probes) rmSync(join(ROOT, probe.file), { force: true });
    }
  }, 120_000);

  it('the domain lib may not import infrastructure', () => {
    expect(errors.get('domainImportsInfra')).toEqual([
      expect.stringContaining('A project tagged with "type:domain" can only depend on libs tagged with'),
    ]);
  });

  it('the domain lib may not import a framework or a client library', () => {
    const messages = errors.get('domainImportsFrameworks') ?? [];
    expect(messages).toHaveLength(2);
    expect(messages.join('\n')).toContain('is not allowed to import "@nestjs/common"');
    expect(messages.join('\n')).toContain('is not allowed to import "kafkajs"');
  });

  it("the domain lib may not import a service's code", () => {
    expect(errors.get('domainImportsService')?.length).toBeGreaterThan(0);
  });

  it('a service may not import another service', () => {
    expect(errors.get('serviceImportsService')?.length).toBeGreaterThan(0);
  });

  it('a service may import infrastructure and the domain', () => {
    expect(errors.get('serviceImportsInfraAndDomain')).toEqual([]);
  });
});
