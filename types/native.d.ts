// The contract of the compiled addon's exports (build/Release/rtmp_engine.node).
// test/addon-contract.test.ts checks it against what the addon really exports.
// Only lib/native.ts imports the addon; everything else goes through the SDK.

export interface NativeAddon {
  /** Engine version, equal to package.json "version". */
  version(): string;
  /** Bumped when this contract changes; the loader refuses a mismatching binary. */
  abiVersion: number;
}
