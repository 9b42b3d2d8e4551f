// Unit tier: pure logic, no server. `npm run test:unit`.
const preset = require('./jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'unit',
  testMatch: ['**/*.spec.ts'],
};
