// Shared Jest settings of the three test tiers (unit, integration, e2e).
// Type checking is `npm run typecheck`'s job: ts-jest only transpiles here.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

process.env.TZ = 'UTC';

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/services', '<rootDir>/libs', '<rootDir>/tools'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
    // @platformatic/kafka (the producer) and its own packages are ES modules,
    // which Node loads with require() but Jest's module runtime does not:
    // Jest gets them as CommonJS, import.meta.url read from __filename. So do
    // kubernetes-models and the ES modules it imports (deploy/k8s's spec
    // validates the manifests with it; jest.resolver.js finds them).
    '^.+/node_modules/(@platformatic|kubernetes-models|@kubernetes-models|is-cidr|cidr-regex)/.+\\.js$': [
      'babel-jest',
      { babelrc: false, configFile: false, plugins: [['babel-plugin-transform-import-meta', { module: 'ES6' }], '@babel/plugin-transform-export-namespace-from', '@babel/plugin-transform-modules-commonjs'] },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@platformatic|kubernetes-models|@kubernetes-models|is-cidr|cidr-regex)/)'],
  resolver: '<rootDir>/jest.resolver.js',
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  setupFiles: ['<rootDir>/libs/testing/src/setup-env.js'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.stack/'],
  errorOnDeprecated: true,
};
