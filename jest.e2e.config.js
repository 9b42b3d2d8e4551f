// End-to-end tier: drives the three running services over HTTP.
const preset = require('./jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'e2e',
  testMatch: ['**/*.e2e-spec.ts'],
  testTimeout: 180_000,
  maxWorkers: 1,
};
