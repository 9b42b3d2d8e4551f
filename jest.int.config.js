// Integration tier: real Kafka, ClickHouse and PostgreSQL (started by
// deploy/local/test.sh). Files run one at a time: they share one broker.
const preset = require('./jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'integration',
  testMatch: ['**/*.int-spec.ts'],
  testTimeout: 120_000,
  maxWorkers: 1,
};
