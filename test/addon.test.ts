import { engineVersion } from '../lib';
import { EXPECTED_ABI, loadAddon } from '../lib/native';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const pkg = require('../package.json') as { version: string };

describe('native addon', () => {
  it('loads and reports the package version', () => {
    expect(engineVersion()).toBe(pkg.version);
  });

  it('speaks the ABI the SDK expects', () => {
    expect(loadAddon().abiVersion).toBe(EXPECTED_ABI);
  });
});
