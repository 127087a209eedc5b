import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { buildOptions, failureSentence } from '../lib/cli';
import { RtmpEngineError } from '../lib/errors';
import { FILE_OPTIONS } from '../lib/cli/config-file';
import { ENV } from '../lib/cli/env';
import { helpText } from '../lib/cli/flags';
import { describeWithAddon } from './helpers/addon';
import { collect, CRASH_PATTERN, runTs, spawnTs, waitForJsonLine } from './helpers/child';
import { holdPort } from './helpers/servers';
import { removeTempConfigs, tempConfig } from './helpers/temp-config';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const pkg = require('../package.json') as { version: string };

afterAll(removeTempConfigs);

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

/** Time box of a child that exits at once: generous, since the shared machine can be slow to start Node. */
const CHILD_MS = 100_000;

describe('cli: process', () => {
  jest.setTimeout(120_000);

  it('prints the version', async () => {
    const r = await runTs(['lib/cli.ts', '--version'], CHILD_MS);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 and names the option for a bad port', async () => {
    const r = await runTs(['lib/cli.ts', '--port', '70000'], CHILD_MS);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rtmp.port: must be a port number');
  });

  it('exits 2 for a flag that is not a number', async () => {
    const r = await runTs(['lib/cli.ts', '--port', 'abc'], CHILD_MS);
    expect(r.code).toBe(2);
  });

  it('exits 2 for a missing config file', async () => {
    const r = await runTs(['lib/cli.ts', '--config', path.join(os.tmpdir(), 'no-such-rtmp-engine.json')], CHILD_MS);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read config file');
  });

  it('exits 2 for two different config files', async () => {
    const r = await runTs(['lib/cli.ts', tempConfig('{}'), '--config', tempConfig('{}')], CHILD_MS);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rtmp-engine: two config files given/);
  });

  it('exits 2 for more than one plain argument', async () => {
    const r = await runTs(['lib/cli.ts', 'a.json', 'b.json'], CHILD_MS);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rtmp-engine: too many arguments/);
  });

  it('exits 2 for a plain-argument config file that does not exist, naming it', async () => {
    const missing = path.join(os.tmpdir(), 'no-such-rtmp-engine-positional.json');
    const r = await runTs(['lib/cli.ts', missing], CHILD_MS);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot read config file ${missing}`);
  });

  it('says "not available in this version" for record and relay', async () => {
    const r = await runTs(['lib/cli.ts', tempConfig('{"record":{"path":"/tmp"},"relay":{}}')], CHILD_MS);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('record: not available in this version');
    expect(r.stderr).toContain('relay: not available in this version');
  });

  it('exits 2 for a misspelled key in the config file', async () => {
    const r = await runTs(['lib/cli.ts', '--config', tempConfig('{"rtmp":{"prot":1}}')], CHILD_MS);
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

  it.each([[[] as string[]], [['--log-level', 'silent']]])(
    'when the port is taken (flags %j): one sentence on stderr, prefixed once, no JSON line, exit 1',
    async (extra) => {
      const { port, release } = await holdPort();
      try {
        const r = await runTs(['lib/cli.ts', '--host', '127.0.0.1', '--port', String(port), '--no-http', ...extra], CHILD_MS);
        expect(r.code).toBe(1);
        expect(r.stdout).toBe('');
        const lines = r.stderr.trimEnd().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(new RegExp(`^rtmp-engine: cannot listen on 127\\.0\\.0\\.1:${port}: .*\\(ERR_RTMP_ADDRESS_IN_USE\\)$`));
        expect(lines[0]?.match(/rtmp-engine:/g)).toHaveLength(1);
      } finally {
        await release();
      }
    },
  );

  it('takes a plain argument as the config file (the same as --config)', async () => {
    const { port, release } = await holdPort();
    try {
      const file = tempConfig(JSON.stringify({ rtmp: { host: '127.0.0.1', port }, http: false }));
      const r = await runTs(['lib/cli.ts', file], CHILD_MS);
      // The file's port was used (and is taken): not the default 0.0.0.0:1935.
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}`);
    } finally {
      await release();
    }
  });
});

describe('cli: docs', () => {
  const docs = fs.readFileSync(path.join(__dirname, '..', 'docs', 'cli.md'), 'utf8');

  it('docs/cli.md names every flag of --help and every environment variable', () => {
    const help = helpText();
    const flags = [...help.matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)].map((m) => m[1] ?? '');
    expect(flags.length).toBeGreaterThan(10);
    expect(flags.filter((f) => !docs.includes(`\`${f}`))).toEqual([]);
    expect(Object.values(ENV).filter((name) => !docs.includes(`\`${name}\``))).toEqual([]);
    expect(Object.values(ENV).filter((name) => !help.includes(name))).toEqual([]);
  });

  it('docs/cli.md lists exactly the options whose relative paths follow the config file', () => {
    const listed = /The options this applies to: (.*?)\.(?:\s|$)/.exec(docs.replace(/\n/g, ' '))?.[1] ?? '';
    expect(listed.match(/`[^`]+`/g)).toEqual(FILE_OPTIONS.map(([s, k]) => `\`${s}.${k}\``));
  });
});

describe('cli: failure sentences', () => {
  it('prefixes once and ends with the code', () => {
    const err = new RtmpEngineError(
      'ERR_RTMP_ADDRESS_IN_USE',
      'rtmp-engine: cannot listen on 0.0.0.0:1935: listen 0.0.0.0:1935: EADDRINUSE (address already in use)',
    );
    expect(failureSentence(err)).toBe(
      'rtmp-engine: cannot listen on 0.0.0.0:1935: address already in use; another program holds that port (ERR_RTMP_ADDRESS_IN_USE)\n',
    );
  });

  it('keeps the system\'s words of an OpenSSL file error', () => {
    const err = new RtmpEngineError(
      'ERR_RTMP_TLS',
      "rtmp-engine: cannot listen on 127.0.0.1:0: rtmps: certificate chain file '/x/c.pem': error:80000002:system library::No such file or directory; error:10080002:BIO routines::system lib; error:0A080002:SSL routines::system lib",
    );
    expect(failureSentence(err)).toBe(
      "rtmp-engine: cannot listen on 127.0.0.1:0: rtmps: certificate chain file '/x/c.pem': No such file or directory (ERR_RTMP_TLS)\n",
    );
  });

  it('adds no code to an option list (it says what is wrong line by line)', () => {
    const err = new RtmpEngineError('ERR_RTMP_INVALID_OPTIONS', 'Invalid rtmp-engine options:\n  - rtmp.port: bad');
    expect(failureSentence(err)).toBe('rtmp-engine: Invalid rtmp-engine options:\n  - rtmp.port: bad\n');
  });
});
