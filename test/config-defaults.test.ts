// One truth for defaults: the C++ EngineConfig{} (what native tests run on)
// must equal the TypeScript defaults mapped through lib/native-config.ts (what
// production runs on). test/native/server/engine_config_defaults_test.cc
// writes EngineConfig{} into engine_config_defaults.json and fails when the
// file is stale; this test compares the same file with the TypeScript side.
// A field added on one side only, or a default changed on one side only,
// fails one of the two.
import { toNativeConfig } from '../lib/native-config';
import { resolveOptions } from '../lib/options';
import type { NativeEngineConfig } from '../types/native';
import cppDefaults from './native/server/engine_config_defaults.json';

/** Sent by the SDK but read into BindingConfig, not EngineConfig (no C++ default in use). */
const BINDING_ONLY: ReadonlyArray<keyof NativeEngineConfig> = ['logLevel', 'frameBuffers'];

/** The TypeScript defaults as the flat struct, with RTMPS fields as an `rtmps` object gets them. */
function tsDefaults(): Record<string, unknown> {
  const off: Record<string, unknown> = { ...toNativeConfig(resolveOptions({})) };
  // rtmps is off by default, so its fields are sent empty; the C++ defaults
  // hold what an enabled `rtmps: { cert, key }` gets (cert and key have none).
  const on = toNativeConfig(resolveOptions({ rtmps: { cert: 'cert.pem', key: 'key.pem' } }));
  Object.assign(off, {
    rtmpsHost: on.rtmpsHost,
    rtmpsPort: on.rtmpsPort,
    tlsCiphers: on.tlsCiphers,
    tlsCipherSuites: on.tlsCipherSuites,
  });
  for (const key of BINDING_ONLY) delete off[key];
  return off;
}

describe('config defaults: C++ EngineConfig{} and the TypeScript defaults', () => {
  it('name the same fields', () => {
    expect(Object.keys(cppDefaults.sdk).sort()).toEqual(Object.keys(tsDefaults()).sort());
  });

  it('hold the same values', () => {
    expect(cppDefaults.sdk).toEqual(tsDefaults());
  });

  it('keep engine-only bounds out of the SDK contract', () => {
    const sent = Object.keys(toNativeConfig(resolveOptions({})));
    for (const key of Object.keys(cppDefaults.engineOnly)) expect(sent).not.toContain(key);
  });

  it('would notice a default changed on the TypeScript side only', () => {
    // The comparison itself, fed a TypeScript side with one value off.
    const changed = { ...tsDefaults(), maxPublishers: 11 };
    expect(cppDefaults.sdk).not.toEqual(changed);
    const extra = { ...tsDefaults(), newField: 1 };
    expect(Object.keys(cppDefaults.sdk).sort()).not.toEqual(Object.keys(extra).sort());
  });
});
