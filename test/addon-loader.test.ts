/**
 * The loader (lib/native.ts) in folders laid out by the test: the error a
 * consumer sees when no binary is there, and a prebuilt binary found through
 * node-gyp-build when there is no build/ folder.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { RtmpEngineError } from '../lib/errors';
import { EXPECTED_ABI, loadAddonFrom, REBUILD_COMMAND } from '../lib/native';

const ROOT = path.resolve(__dirname, '..');
const BUILT = path.join(ROOT, 'build', 'Release', 'rtmp_engine.node');

function tempPackage(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmp-engine-loader-'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'rtmp-engine', version: '0.0.0' }));
  return dir;
}

function loadError(root: string, override?: string): RtmpEngineError {
  try {
    loadAddonFrom(root, override);
  } catch (err) {
    return err as RtmpEngineError;
  }
  throw new Error('loadAddonFrom() loaded an addon from a folder without one');
}

describe('addon loader', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('explains a missing addon in readable lines, with the fix that works in an app', () => {
    const root = tempPackage();
    dirs.push(root);
    const missing = path.join(root, 'nowhere', 'rtmp_engine.node');
    const err = loadError(root, missing);
    expect(err).toBeInstanceOf(RtmpEngineError);
    expect(err.code).toBe('ERR_RTMP_ADDON_LOAD');
    const lines = err.message.split('\n');
    expect(lines[0]).toBe('rtmp-engine: the native engine could not be loaded. Tried:');
    // Every place searched, in order: the override, build/Release, build/Debug, prebuilds/.
    expect(lines.slice(1, 5)).toEqual([
      `  - ${missing}: not found`,
      `  - ${path.join(root, 'build', 'Release', 'rtmp_engine.node')}: not found`,
      `  - ${path.join(root, 'build', 'Debug', 'rtmp_engine.node')}: not found`,
      expect.stringMatching(new RegExp(`^  - ${path.join(root, 'prebuilds')}: no prebuilt binary fits for platform=`)),
    ]);
    expect(lines).toContain(`  - compile it for this machine: \`${REBUILD_COMMAND}\``);
    expect(REBUILD_COMMAND).toBe('npm rebuild rtmp-engine');
    // Nothing that only exists in a checkout of this repository, no escaped newlines.
    expect(err.message).not.toContain('build:addon');
    expect(err.message).not.toContain('\\n');
    const fixes = lines.slice(lines.indexOf('Fixes:'));
    expect(fixes.length).toBeGreaterThan(2);
    expect(fixes.every((l) => l.length <= 100)).toBe(true);
  });

  const linuxX64 = process.platform === 'linux' && process.arch === 'x64';
  (linuxX64 && fs.existsSync(BUILT) ? it : it.skip)('loads a prebuilt binary from prebuilds/linux-x64 when there is no build/', () => {
    const root = tempPackage();
    dirs.push(root);
    const dir = path.join(root, 'prebuilds', 'linux-x64');
    fs.mkdirSync(dir, { recursive: true });
    // The name scripts/prebuild.js (prebuildify --napi --tag-libc) gives it.
    fs.copyFileSync(BUILT, path.join(dir, 'rtmp-engine.glibc.node'));
    expect(loadAddonFrom(root, undefined).abiVersion).toBe(EXPECTED_ABI);
  });
});
