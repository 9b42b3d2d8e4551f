// End-to-end tier: each spec starts the services it drives (as processes on
// databases and a topic of their own, tools/e2e/src/isolated-pipeline.ts) and
// drives them over HTTP.
const preset = require('./jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'e2e',
  testMatch: ['**/*.e2e-spec.ts'],
  testTimeout: 180_000,
  maxWorkers: 1,
  // A spec whose clean-up failed (a server that did not answer) must not keep
  // CI waiting on handles it left: the failure is reported either way.
  forceExit: true,
};
