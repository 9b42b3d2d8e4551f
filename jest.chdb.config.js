// Cross-version tier: every ClickHouse statement of the project on the 18.16
// server (started by deploy/local/test.sh) and on a current ClickHouse
// embedded in the test process (npm chdb), with the answers compared.
// One process: libchdb binds one data directory per process.
const preset = require('./jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'clickhouse-versions',
  testMatch: ['**/*.chdb-spec.ts'],
  testTimeout: 120_000,
  maxWorkers: 1,
};
