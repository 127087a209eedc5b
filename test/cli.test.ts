import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { buildOptions } from '../lib/cli';
import { describeWithAddon } from './helpers/addon';
import { collect, CRASH_PATTERN, runTs, spawnTs, waitForJsonLine } from './helpers/child';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const pkg = require('../package.json') as { version: string };

function tempConfig(content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmp-engine-cli-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, content);
  return file;
}

describe('cli: options', () => {
  it('uses flags alone when there is no config file', () => {
    expect(buildOptions({ host: '127.0.0.1', port: 0, ioThreads: 2, logLevel: 'warn' })).toEqual({
      rtmp: { host: '127.0.0.1', port: 0, ioThreads: 2 },
      logLevel: 'warn',
    });
  });

  it('lets flags override the config file and keeps the rest', () => {
    const file = tempConfig(JSON.stringify({ rtmp: { port: 1936, chunkSize: 8192 }, players: { lowLatency: true } }));
    expect(buildOptions({ config: file, port: 0 })).toEqual({
      rtmp: { port: 0, chunkSize: 8192 },
      players: { lowLatency: true },
    });
  });

  it('puts --merge-writes-ms into players and keeps the file\'s other player options', () => {
    const file = tempConfig(JSON.stringify({ players: { lowLatency: true } }));
    expect(buildOptions({ config: file, mergeWritesMs: 33 })).toEqual({
      rtmp: {},
      players: { lowLatency: true, mergeWritesMs: 33 },
    });
  });

  it('refuses a config file that is not a JSON object', () => {
    expect(() => buildOptions({ config: tempConfig('[1]') })).toThrow('must hold a JSON object');
  });

  it('maps --http-port/--http-host onto http, and --no-http to http: false', () => {
    expect(buildOptions({ http: true }).http).toBeUndefined();
    expect(buildOptions({ http: false, httpPort: 9000 }).http).toBe(false);
    expect(buildOptions({ http: true, httpPort: 0, httpHost: '127.0.0.1' }).http).toEqual({ port: 0, host: '127.0.0.1' });
    const file = tempConfig('{"http": false}');
    expect(buildOptions({ config: file, http: true, httpPort: 8080 }).http).toEqual({ port: 8080 });
    expect(buildOptions({ config: file, http: true }).http).toBe(false);
    expect(() => buildOptions({ config: tempConfig('{ nope') })).toThrow('not valid JSON');
  });
});

describe('cli: process', () => {
  it('prints the version', async () => {
    const r = await runTs(['lib/cli.ts', '--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 and names the option for a bad port', async () => {
    const r = await runTs(['lib/cli.ts', '--port', '70000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rtmp.port: must be a port number');
  });

  it('exits 2 for a flag that is not a number', async () => {
    const r = await runTs(['lib/cli.ts', '--port', 'abc']);
    expect(r.code).toBe(2);
  });

  it('exits 2 for a missing config file', async () => {
    const r = await runTs(['lib/cli.ts', '--config', path.join(os.tmpdir(), 'no-such-rtmp-engine.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read config file');
  });

  it('exits 2 for a misspelled key in the config file', async () => {
    const r = await runTs(['lib/cli.ts', '--config', tempConfig('{"rtmp":{"prot":1}}')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean "rtmp.port"');
  });
});

describeWithAddon('cli: serving', () => {
  jest.setTimeout(120_000);

  it('logs one JSON listening line, then closes on SIGTERM and exits 0', async () => {
    const child = spawnTs(['lib/cli.ts', '--host', '127.0.0.1', '--port', '0', '--http-port', '0', '--http-host', '127.0.0.1', '--io-threads', '1']);
    const done = collect(child, 60_000);
    try {
      const listening = await waitForJsonLine(child, (r) => r.msg === 'listening', 30_000);
      expect(listening).toMatchObject({ level: 30, host: '127.0.0.1' });
      expect(listening.port).toEqual(expect.any(Number));
      expect(listening.port).toBeGreaterThan(0);
      expect(listening.httpPort).toBeGreaterThan(0);
    } catch (err) {
      child.kill('SIGKILL');
      await done.catch(() => undefined);
      throw err;
    }
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"msg":"closed"');
    expect(r.stderr).not.toMatch(CRASH_PATTERN);
  });

  it('exits 1 with the code when the port is taken', async () => {
    const net = await import('net');
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const r = await runTs(['lib/cli.ts', '--host', '127.0.0.1', '--port', String(port), '--no-http'], 60_000);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('ERR_RTMP_ADDRESS_IN_USE');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
