/** Jest runs the TypeScript tests in test/ with ts-jest (unit, integration, e2e). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // examples/ import the package by name, as a user would; in tests that name is the source.
  moduleNameMapper: { '^rtmp-engine$': '<rootDir>/lib/index.ts' },
  testTimeout: 60000,
  // e2e tests spawn servers and ffmpeg; keep parallelism to the 2 cores we have.
  maxWorkers: 2,
};
