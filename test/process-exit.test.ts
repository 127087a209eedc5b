/**
 * The process ends with engines running: process.exit() (with live publish,
 * play and handshake sessions, and from inside an event callback), an
 * uncaught exception from a listener, and a natural end with the server
 * unref'd. Each must exit with the expected code and no crash.
 */
import * as path from 'path';

import { describeWithAddon } from './helpers/addon';
import { CRASH_PATTERN, runTs } from './helpers/child';

const CHILD = path.join(__dirname, 'helpers', 'exit-child.ts');

describeWithAddon('process exit with a live server', () => {
  jest.setTimeout(120_000); // sanitizer builds start slowly; the child's own box is 60 s

  async function run(mode: string) {
    const r = await runTs([CHILD, mode], 60_000);
    expect(r.signal).toBeNull();
    expect(r.stderr).not.toMatch(CRASH_PATTERN);
    expect(r.stdout).toMatch(/ready \d+/);
    return r;
  }

  it('process.exit(0) with sessions live exits 0', async () => {
    expect((await run('exit')).code).toBe(0);
  });

  it('process.exit(0) from inside an event listener exits 0', async () => {
    const r = await run('exit-in-listener');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('exiting from a listener');
  });

  it('a throwing listener becomes an uncaught exception (exit 1), not a crash', async () => {
    const r = await run('listener-throws');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('listener failure 4711');
  });

  it('an unref()ed server lets the process end by itself', async () => {
    expect((await run('unref')).code).toBe(0);
  });

  it('the raw addon: process.exit(0) with sessions live exits 0 (native exit guard)', async () => {
    expect((await run('native-exit')).code).toBe(0);
  });

  it('the raw addon: an unref()ed engine ends with the environment (cleanup hook)', async () => {
    expect((await run('native-unref')).code).toBe(0);
  });
});
