/**
 * Where the CLI's options come from: flags > environment > config file >
 * defaults; relative paths in a config file resolved from its folder; the
 * --rtmps-* flags. Unit tests on buildOptions()/readEnv(), then child
 * processes that listen for real (RTMPS with a certificate made by openssl).
 */
import * as os from 'os';
import * as path from 'path';
import * as tls from 'tls';

import { buildOptions } from '../lib/cli';
import { UsageError } from '../lib/cli/config-file';
import { readEnv } from '../lib/cli/env';
import { parseFlags } from '../lib/cli/flags';
import { serverOptionsSchema } from '../lib/options';
import { FILE_OPTIONS } from '../lib/cli/config-file';
import { unservedSections } from '../lib/cli/unserved';
import { selfSigned } from './e2e/helpers/tls';
import { describeWithAddon } from './helpers/addon';
import { collect, CRASH_PATTERN, REPO_ROOT, runTs, spawnTs, waitForJsonLine } from './helpers/child';
import { holdPort } from './helpers/servers';
import { removeTempConfigs, tempConfig, tempDir } from './helpers/temp-config';

afterAll(removeTempConfigs);

describe('cli: precedence (flags > environment > config file > defaults)', () => {
  const file = tempConfig({ rtmp: { port: 1000, chunkSize: 8192 }, http: { port: 2000 }, logLevel: 'error' });

  it('takes the config file alone', () => {
    expect(buildOptions({ config: file })).toEqual({
      rtmp: { port: 1000, chunkSize: 8192 },
      http: { port: 2000 },
      logLevel: 'error',
    });
  });

  it('lets the environment override the file, keeping the rest of each section', () => {
    expect(buildOptions({}, { config: file, port: 1100, httpPort: 2100, logLevel: 'warn' })).toEqual({
      rtmp: { port: 1100, chunkSize: 8192 },
      http: { port: 2100 },
      logLevel: 'warn',
    });
  });

  it('lets flags override the environment', () => {
    const options = buildOptions(
      { port: 1200, httpPort: 2200, logLevel: 'debug' },
      { config: file, port: 1100, httpPort: 2100, logLevel: 'warn' },
    );
    expect(options).toEqual({ rtmp: { port: 1200, chunkSize: 8192 }, http: { port: 2200 }, logLevel: 'debug' });
  });

  it('takes --config (or the plain argument) over RTMP_ENGINE_CONFIG', () => {
    const other = tempConfig({ rtmp: { port: 3000 } });
    expect(buildOptions({ config: other }, { config: file }).rtmp).toEqual({ port: 3000 });
  });

  it('--no-http wins over RTMP_ENGINE_HTTP_PORT; the variable turns a file\'s http: false on', () => {
    expect(buildOptions({ http: false }, { httpPort: 2100 }).http).toBe(false);
    const off = tempConfig({ http: false });
    expect(buildOptions({ http: true }, { config: off, httpPort: 2100 }).http).toEqual({ port: 2100 });
  });
});

describe('cli: environment variables', () => {
  jest.setTimeout(120_000);

  it('reads the four settings, ignoring empty ones', () => {
    expect(
      readEnv({
        RTMP_ENGINE_CONFIG: '/etc/rtmp.json',
        RTMP_ENGINE_PORT: '1940',
        RTMP_ENGINE_HTTP_PORT: ' 8080 ',
        RTMP_ENGINE_LOG_LEVEL: 'warn',
        RTMP_ENGINE_ADMIN_TOKEN: 'read by the admin API, not here',
      }),
    ).toEqual({ config: '/etc/rtmp.json', port: 1940, httpPort: 8080, logLevel: 'warn' });
    expect(readEnv({ RTMP_ENGINE_PORT: '', RTMP_ENGINE_LOG_LEVEL: '  ' })).toEqual({});
  });

  it.each([
    ['RTMP_ENGINE_PORT', 'abc', 'RTMP_ENGINE_PORT must be a port number in 0..65535 (got "abc")'],
    ['RTMP_ENGINE_PORT', '70000', 'RTMP_ENGINE_PORT must be a port number'],
    ['RTMP_ENGINE_HTTP_PORT', '-1', 'RTMP_ENGINE_HTTP_PORT must be a port number'],
    ['RTMP_ENGINE_LOG_LEVEL', 'verbose', 'RTMP_ENGINE_LOG_LEVEL must be one of trace, debug, info, warn, error, silent'],
  ])('refuses %s=%s, naming the variable', (name, value, message) => {
    expect(() => readEnv({ [name]: value })).toThrow(UsageError);
    expect(() => readEnv({ [name]: value })).toThrow(message);
  });

  it('exits 2 for a bad variable in a real run', async () => {
    const r = await runTs(['lib/cli.ts'], 100_000, { env: { RTMP_ENGINE_LOG_LEVEL: 'loud' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rtmp-engine: RTMP_ENGINE_LOG_LEVEL must be one of/);
  });
});

describe('cli: relative paths in a config file', () => {
  it('resolves rtmps.cert, rtmps.key and hls.folder from the file\'s folder', () => {
    const dir = tempDir();
    const file = tempConfig({
      rtmps: { cert: 'tls/cert.pem', key: './tls/key.pem' },
      hls: { folder: '../media/hls' },
    }, dir);
    const options = buildOptions({ config: path.relative(process.cwd(), file) });
    expect(options.rtmps).toEqual({ cert: path.join(dir, 'tls/cert.pem'), key: path.join(dir, 'tls/key.pem') });
    expect(options.hls).toEqual({ folder: path.resolve(dir, '../media/hls') });
  });

  it('keeps absolute paths, "" and values of the wrong type (for validation to judge)', () => {
    const file = tempConfig({ rtmps: { cert: '/abs/cert.pem', key: 7 }, hls: { folder: '' } });
    const options = buildOptions({ config: file });
    expect(options.rtmps).toEqual({ cert: '/abs/cert.pem', key: 7 });
    expect(options.hls).toEqual({ folder: '' });
  });

  it('lists only options the schema has (a renamed option must be renamed here too)', () => {
    for (const [section, key] of FILE_OPTIONS) {
      const parsed = serverOptionsSchema.safeParse({ [section]: { [key]: 1 } });
      const unknown = parsed.success ? [] : parsed.error.issues.filter((i) => i.code === 'unrecognized_keys');
      expect({ option: `${section}.${key}`, unknown }).toEqual({ option: `${section}.${key}`, unknown: [] });
    }
  });

  it('leaves paths from flags relative to the working directory', () => {
    const options = buildOptions({ rtmpsCert: 'c.pem', rtmpsKey: 'k.pem' });
    expect(options.rtmps).toEqual({ cert: 'c.pem', key: 'k.pem' });
  });
});

describe('cli: RTMPS flags', () => {
  it('builds rtmps from --rtmps-cert/--rtmps-key/--rtmps-port over the file\'s rtmps', () => {
    const dir = tempDir();
    const file = tempConfig({ rtmps: { cert: 'a.pem', key: 'b.pem', port: 1937, ciphers: 'HIGH' } }, dir);
    expect(buildOptions({ config: file, rtmpsPort: 0, rtmpsCert: '/x/c.pem' }).rtmps).toEqual({
      cert: '/x/c.pem',
      key: path.join(dir, 'b.pem'),
      port: 0,
      ciphers: 'HIGH',
    });
  });

  it('refuses --rtmps-port without a certificate and key', () => {
    expect(() => buildOptions({ rtmpsPort: 1936 })).toThrow('RTMPS needs a certificate and its key: --rtmps-cert FILE --rtmps-key FILE');
    expect(() => buildOptions({ rtmpsCert: 'c.pem' })).toThrow(UsageError);
  });

  it('parses the flags', () => {
    expect(parseFlags(['node', 'cli', '--rtmps-cert', 'c.pem', '--rtmps-key', 'k.pem', '--rtmps-port', '0'])).toMatchObject({
      rtmpsCert: 'c.pem',
      rtmpsKey: 'k.pem',
      rtmpsPort: 0,
    });
    expect(parseFlags(['node', 'cli', 'conf.json']).config).toBe('conf.json');
    expect(parseFlags(['node', 'cli', 'conf.json', '--config', './conf.json']).config).toBe('conf.json');
  });
});

/** Resolves once a TLS handshake with the port completes (the certificate is not checked). */
function tlsHandshake(port: number, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, timeout: timeoutMs });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => socket.destroy(new Error('TLS handshake timed out')));
    socket.once('error', reject);
  });
}

async function listenThenStop(child: ReturnType<typeof spawnTs>): Promise<Record<string, unknown>> {
  const done = collect(child, 90_000);
  let listening: Record<string, unknown>;
  try {
    listening = await waitForJsonLine(child, (r) => r.msg === 'listening', 60_000);
    if (typeof listening.rtmpsPort === 'number') await tlsHandshake(listening.rtmpsPort);
  } catch (err) {
    child.kill('SIGKILL');
    const r = await done.catch(() => undefined);
    throw new Error(`${(err as Error).message}\nstderr: ${r?.stderr ?? ''}`);
  }
  child.kill('SIGTERM');
  const r = await done;
  expect(r.code).toBe(0);
  expect(r.stderr).not.toMatch(CRASH_PATTERN);
  return listening;
}

describeWithAddon('cli: listening from the environment and a config folder', () => {
  jest.setTimeout(180_000);

  it('listens for RTMPS with a config whose relative cert/key sit next to it, run from another folder', async () => {
    const dir = tempDir();
    selfSigned('localhost', path.join(dir, 'tls'));
    const file = tempConfig({
      rtmp: { host: '127.0.0.1', port: 0, ioThreads: 1 },
      rtmps: { cert: 'tls/localhost.crt', key: 'tls/localhost.key', port: 0 },
      http: false,
    }, dir);
    // Started from the temp root, as a service manager would: "tls/localhost.crt" is not there.
    const listening = await listenThenStop(spawnTs([path.join(REPO_ROOT, 'lib/cli.ts'), file], { cwd: os.tmpdir() }));
    expect(listening.rtmpsPort).toEqual(expect.any(Number));
    expect(listening.rtmpsPort).toBeGreaterThan(0);
  });

  it('listens for RTMPS with --rtmps-cert/--rtmps-key/--rtmps-port', async () => {
    const { cert, key } = selfSigned('localhost', tempDir());
    const listening = await listenThenStop(
      spawnTs(['lib/cli.ts', '--host', '127.0.0.1', '--port', '0', '--no-http', '--io-threads', '1',
        '--rtmps-cert', cert, '--rtmps-key', key, '--rtmps-port', '0']),
    );
    expect(listening.rtmpsPort).toBeGreaterThan(0);
  });

  it('takes RTMP_ENGINE_CONFIG, RTMP_ENGINE_PORT, RTMP_ENGINE_HTTP_PORT and RTMP_ENGINE_LOG_LEVEL', async () => {
    const file = tempConfig({
      rtmp: { host: '127.0.0.1', port: 1, ioThreads: 1 }, // 1: overridden by RTMP_ENGINE_PORT
      http: { host: '127.0.0.1', port: 1 }, // overridden by RTMP_ENGINE_HTTP_PORT
      logLevel: 'error', // overridden by RTMP_ENGINE_LOG_LEVEL (else no "listening" line)
    });
    const listening = await listenThenStop(
      spawnTs(['lib/cli.ts'], {
        env: {
          RTMP_ENGINE_CONFIG: file,
          RTMP_ENGINE_PORT: '0',
          RTMP_ENGINE_HTTP_PORT: '0',
          RTMP_ENGINE_LOG_LEVEL: 'info',
        },
      }),
    );
    expect(listening.port).toBeGreaterThan(1);
    expect(listening.httpPort).toBeGreaterThan(1);
  });

  it('lets --port win over RTMP_ENGINE_PORT', async () => {
    const { port, release } = await holdPort();
    try {
      const r = await runTs(['lib/cli.ts', '--host', '127.0.0.1', '--port', String(port), '--no-http'], 100_000, {
        env: { RTMP_ENGINE_PORT: '0' },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}`);
    } finally {
      await release();
    }
  });
});

describe('cli: sections nothing would serve', () => {
  it('names admin, metrics and hls set explicitly while http is off', () => {
    expect(unservedSections({ http: false, admin: { tokens: ['x'.repeat(16)] }, metrics: {}, hls: { segmentDuration: 4 } })).toEqual([
      'admin',
      'metrics',
      'hls',
    ]);
  });

  it('says nothing when http is on, the section is off or defaulted, or hls writes to a folder', () => {
    expect(unservedSections({ admin: {}, metrics: {}, hls: {} })).toEqual([]);
    expect(unservedSections({ http: false })).toEqual([]);
    expect(unservedSections({ http: false, admin: false, metrics: { enabled: false }, hls: { folder: '/srv/hls' } })).toEqual([]);
  });
});
