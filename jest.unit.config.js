// Unit tier: pure logic, no server. `npm run test:unit`.
const preset = require('./jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'unit',
  // deploy/k8s: the Kubernetes manifests' spec (synthesized and validated, no cluster).
  roots: [...preset.roots, '<rootDir>/deploy/k8s'],
  testMatch: ['**/*.spec.ts'],
};
