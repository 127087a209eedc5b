/**
 * Failed-authorization bans as a new user meets them (issue 14): five bad keys
 * from 127.0.0.1 do not ban loopback by default; with the exemption off the
 * ban happens, bans() lists it, the next client is told why (and the refusal
 * is logged with the time left), ffmpeg prints it, and unban() lifts it so a
 * publish with the right key succeeds. Sessions come from the small test
 * client (no media needed) and one real ffmpeg.
 */
import { publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { RtmpTestClient } from '../helpers/rtmp-test-client';
import { withTimeout } from '../helpers/wait';
import { createServer, type LogEvent, type RtmpServer, type ServerOptions } from '../../lib';

const KEYS = { 'sk-right-key': 'studio' };

async function keyServer(auth: ServerOptions['auth']): Promise<{ server: RtmpServer; port: number; logs: LogEvent[] }> {
  const quiet = () => undefined;
  const server = createServer({
    rtmp: { host: '127.0.0.1', port: 0 },
    http: false,
    logLevel: 'info',
    logger: { info: quiet, warn: quiet, error: quiet },
    auth,
  });
  const logs: LogEvent[] = [];
  server.on('log', (e) => logs.push(e));
  const { port } = await server.listen();
  return { server, port, logs };
}

/** One publish with `key` on a fresh connection: the first onStatus code. */
async function tryKey(port: number, key: string): Promise<string> {
  const client = await RtmpTestClient.connect(port, 'live');
  try {
    const status = await client.publish(key);
    return String(status.code);
  } finally {
    client.destroy();
    await withTimeout('the client connection closed', client.closed, 10_000);
  }
}

async function connectError(port: number): Promise<string> {
  try {
    const client = await RtmpTestClient.connect(port, 'live');
    client.destroy();
    return 'connected';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('auth bans: loopback is exempt by default', () => {
  let server: RtmpServer;
  let port: number;
  beforeAll(async () => {
    ({ server, port } = await keyServer({ publishKeys: KEYS }));
  });
  afterAll(() => server.close({ graceMs: 500 }));

  it('lets 127.0.0.1 in after six bad keys, and the right key publishes', async () => {
    expect(server.options.auth.exemptCidrs).toEqual(['127.0.0.0/8', '::1']);
    for (let i = 0; i < 6; i++) {
      expect(await tryKey(port, `guess-${i}`)).toBe('NetStream.Publish.Unauthorized');
    }
    expect(server.bans()).toEqual([]);
    expect(server.stats().limitRefusals.authBan).toBe(0);
    expect(await tryKey(port, 'sk-right-key')).toBe('NetStream.Publish.Start');
  });
});

describe('auth bans: with the exemption off', () => {
  let server: RtmpServer;
  let port: number;
  let logs: LogEvent[];
  beforeAll(async () => {
    ({ server, port, logs } = await keyServer({ publishKeys: KEYS, exemptCidrs: [] }));
  });
  afterEach(() => stopAll());
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 500 });
  });

  it('bans after five bad keys, tells the next client why, and unban() lets a publish through', async () => {
    for (let i = 0; i < 5; i++) {
      expect(await tryKey(port, `guess-${i}`)).toBe('NetStream.Publish.Unauthorized');
    }
    const bans = server.bans();
    expect(bans).toHaveLength(1);
    expect(bans[0]).toMatchObject({ ip: '127.0.0.1' });
    expect(bans[0]?.reason).toMatch(/^5 failed authorizations within 60 s \(last: .*key/);
    expect(bans[0]?.remainingMs).toBeGreaterThan(0);
    expect(bans[0]?.remainingMs).toBeLessThanOrEqual(600_000);
    expect(bans[0]?.untilMs).toBeGreaterThan(Date.now());

    // The next client hears why: connect answered _error NetConnection.Connect.Rejected.
    const refused = await connectError(port);
    expect(refused).toContain('NetConnection.Connect.Rejected');
    expect(refused).toMatch(/address 127\.0\.0\.1 banned for \d+ s after failed authorizations/);
    expect(logs.some((l) => /banned for \d+ s after failed authorizations/.test(l.msg))).toBe(true);
    expect(server.stats().limitRefusals.authBan).toBeGreaterThanOrEqual(1);

    // ffmpeg prints the reason instead of "Connection reset by peer".
    const clip = makeClip({ seconds: 2 });
    const pub = publish(clip.file, `rtmp://127.0.0.1:${port}/live/sk-right-key`, { timeoutMs: 20_000 });
    expect(await pub.exited).not.toBe(0);
    expect(pub.stderr()).toMatch(/banned for \d+ s/);

    expect(server.unban('::ffff:127.0.0.1')).toBe(true);
    expect(server.unban('127.0.0.1')).toBe(false);
    expect(server.unban('not an address')).toBe(false);
    expect(server.bans()).toEqual([]);
    expect(await tryKey(port, 'sk-right-key')).toBe('NetStream.Publish.Start');
  });
});

describe('auth bans: before listen()', () => {
  it('has none and lifts none', () => {
    const server = createServer({ rtmp: { port: 0 }, http: false, logLevel: 'silent' });
    expect(server.bans()).toEqual([]);
    expect(server.unban('127.0.0.1')).toBe(false);
  });

  it('refuses an exempt entry that is not an address or CIDR block', () => {
    expect(() => createServer({ http: false, auth: { exemptCidrs: ['10.0.0.0/33'] } })).toThrow(/exemptCidrs/);
  });
});
