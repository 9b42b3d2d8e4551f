// Lint rules of the whole workspace. Module boundaries are enforced from the
// Nx tags of each project.json:
//   type:contract  event and API types, JSON Schemas; imports nothing else
//   type:domain    KPI rules, week math, normalization; contracts only
//   type:util      framework-free helpers (config parsing; errors, timers, retries)
//   type:infra     Kafka, ClickHouse, PostgreSQL, metrics clients
//   type:testing   test helpers (only specs and tools use them)
//   type:tool      command-line tools (migrate, registry, simulator)
//   type:service   NestJS applications; the only importers of infra
//   type:deploy    deployment as code (deploy/k8s): config tables and test helpers only
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const FRAMEWORKS_AND_CLIENTS = [
  '@nestjs/*',
  'kafkajs',
  '@clickhouse/*',
  'typeorm',
  'pg',
  'prom-client',
  'fastify',
  'rxjs',
];

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '.stack/**', '.nx/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: true,
          checkDynamicDependenciesExceptions: [],
          depConstraints: [
            {
              sourceTag: 'type:contract',
              onlyDependOnLibsWithTags: ['type:contract'],
              bannedExternalImports: FRAMEWORKS_AND_CLIENTS,
            },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:contract', 'type:domain'],
              bannedExternalImports: FRAMEWORKS_AND_CLIENTS,
            },
            {
              sourceTag: 'type:util',
              onlyDependOnLibsWithTags: ['type:util'],
              bannedExternalImports: FRAMEWORKS_AND_CLIENTS,
            },
            {
              sourceTag: 'type:infra',
              onlyDependOnLibsWithTags: ['type:contract', 'type:domain', 'type:util', 'type:infra', 'type:testing'],
            },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:contract', 'type:domain', 'type:util'],
            },
            {
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: ['type:contract', 'type:domain', 'type:util', 'type:infra', 'type:testing', 'type:dashboards'],
            },
            {
              // Grafana dashboards as code: only the Grafana SDK, nothing of the services.
              sourceTag: 'type:dashboards',
              onlyDependOnLibsWithTags: [],
              bannedExternalImports: FRAMEWORKS_AND_CLIENTS,
            },
            {
              // Kubernetes manifests as code: cdk8s and the Kubernetes models; the
              // config tables (libs/config) and, in its spec, the test helpers.
              sourceTag: 'type:deploy',
              onlyDependOnLibsWithTags: ['type:util', 'type:testing'],
              bannedExternalImports: FRAMEWORKS_AND_CLIENTS,
            },
            {
              sourceTag: 'type:service',
              onlyDependOnLibsWithTags: ['type:contract', 'type:domain', 'type:util', 'type:infra', 'type:testing'],
            },
          ],
        },
      ],
    },
  },
  {
    // The simulator's reference answers are an independent implementation of the
    // KPI rules: they may not call the project's KPI, week or aggregation code.
    files: ['tools/simulator/src/reference/**/*.ts', 'tools/simulator/src/zones.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@sferum/*', '!@sferum/contracts'], message: 'The reference must not share code with what it checks; only the contract types.' },
            { group: ['../events', '../profiles/*', '../world', '../simulation'], message: 'The reference sees only the events and the registry.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.chdb-spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      // Jest's asymmetric matchers (expect.any, expect.stringContaining) are typed any.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      'no-restricted-properties': [
        'error',
        { object: 'it', property: 'only', message: 'Focused tests hide the rest of the suite.' },
        { object: 'describe', property: 'only', message: 'Focused tests hide the rest of the suite.' },
        { object: 'test', property: 'only', message: 'Focused tests hide the rest of the suite.' },
        { object: 'it', property: 'skip', message: 'A skipped test asserts nothing.' },
        { object: 'describe', property: 'skip', message: 'A skipped test asserts nothing.' },
        { object: 'test', property: 'skip', message: 'A skipped test asserts nothing.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'fit', message: 'Focused tests hide the rest of the suite.' },
        { name: 'fdescribe', message: 'Focused tests hide the rest of the suite.' },
        { name: 'xit', message: 'A skipped test asserts nothing.' },
        { name: 'xdescribe', message: 'A skipped test asserts nothing.' },
      ],
    },
  },
);
