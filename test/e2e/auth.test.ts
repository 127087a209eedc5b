/**
 * Authorization with real ffmpeg peers: the TypeScript hook decides each
 * publish and play while the engine holds the session; denials reach ffmpeg
 * as a status it prints; a slow hook holds only its own session; signed URLs;
 * the per-IP failure ban at accept.
 */
import { compareWithSource, framemd5OfFile, parseFramemd5, playFramemd5, publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { startServer, waitForEvent } from './helpers/server';
import { signStreamUrl, signedUrlAuthorizer, type AuthRequest, type RtmpServer, type ServerOptions } from '../../lib';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function authServer(
  hook: ((req: AuthRequest) => unknown) | undefined,
  options: Partial<ServerOptions> = {},
): Promise<{ server: RtmpServer; url: (p: string) => string }> {
  // startServer() listens at once; authorize() must come first, so build the server by hand here.
  // Without a hook, only the options decide (e.g. auth.publishKeys).
  const { createServer } = await import('../../lib');
  const server = createServer({
    ...options,
    rtmp: { host: '127.0.0.1', port: 0 },
    http: false,
    logLevel: 'silent',
  } as ServerOptions);
  if (hook) server.authorize(hook as never);
  const { port } = await server.listen();
  return { server, url: (p: string) => `rtmp://127.0.0.1:${port}/${p}` };
}

describe('auth: the authorize hook', () => {
  let server: RtmpServer;
  let url: (p: string) => string;
  const decisions: AuthRequest[] = [];

  beforeAll(async () => {
    ({ server, url } = await authServer(
      async (req: AuthRequest) => {
        decisions.push(req);
        if (req.name === 'slow') await sleep(2000);
        if (req.name === 'throws') throw new Error('auth backend down');
        if (req.name === 'hangs') return new Promise(() => undefined);
        if (req.action === 'publish' && req.query.key !== 'letmein') return { allow: false, reason: 'wrong stream key' };
        if (req.name === 'secret-key-123') return { allow: true, name: 'public' };
        return { allow: true };
      },
      // Long enough for the 2 s "slow" hook (the deadline is checked once a second).
      { auth: { timeoutMs: 3500, maxFailures: 0 } },
    ));
  });
  afterEach(() => stopAll());
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 1000 });
  });

  it('lets an allowed publisher in, renamed to the public name players use', async () => {
    const clip = makeClip({ seconds: 6, gop: 30 });
    const source = await framemd5OfFile(clip.file);
    const started = waitForEvent(server, 'publish', (e: any) => e.path === 'live/public');
    const pub = publish(clip.file, url('live/secret-key-123?key=letmein'), { loop: true });
    await started;
    const player = playFramemd5(url('live/public'), { seconds: 3 });
    expect(await player.exited).toBe(0);
    expect(compareWithSource(source, parseFramemd5(player.stdout()))).toBeNull();
    const req = decisions.find((d) => d.name === 'secret-key-123');
    expect(req).toMatchObject({ action: 'publish', app: 'live', ip: '127.0.0.1', tls: false, query: { key: 'letmein' } });
    expect(req?.tcUrl).toContain(`/live`);
    pub.child.kill('SIGTERM');
  });

  it('refuses a publisher with the reason ffmpeg prints', async () => {
    const clip = makeClip({ seconds: 4 });
    const pub = publish(clip.file, url('live/cam?key=guess'), { timeoutMs: 20_000 });
    expect(await pub.exited).not.toBe(0);
    expect(pub.stderr()).toContain('wrong stream key');
  });

  it('holds only the session whose hook is slow; another stream flows meanwhile', async () => {
    const clip = makeClip({ seconds: 6, gop: 30 });
    const source = await framemd5OfFile(clip.file);
    const flowing = waitForEvent(server, 'publish', (e: any) => e.path === 'live/flowing');
    const pub = publish(clip.file, url('live/flowing?key=letmein'), { loop: true });
    await flowing;
    const player = playFramemd5(url('live/flowing'), { seconds: 4 });
    await sleep(300);
    const slowStarted = waitForEvent(server, 'publish', (e: any) => e.path === 'live/slow', 30_000);
    const slow = publish(clip.file, url('live/slow?key=letmein'), { loop: true });
    expect(await player.exited).toBe(0);
    // The player of the other stream got every packet, in order, while the hook slept.
    const received = parseFramemd5(player.stdout());
    expect(received.filter((p) => p.stream === 0).length).toBeGreaterThan(60);
    expect(compareWithSource(source, received)).toBeNull();
    await slowStarted; // and the slow one got in once its hook answered
    pub.child.kill('SIGTERM');
    slow.child.kill('SIGTERM');
  });

  it('refuses when the hook throws, without telling the client why', async () => {
    const clip = makeClip({ seconds: 4 });
    const pub = publish(clip.file, url('live/throws?key=letmein'), { timeoutMs: 20_000 });
    expect(await pub.exited).not.toBe(0);
    expect(pub.stderr()).toContain('authorization failed');
    expect(pub.stderr()).not.toContain('auth backend down');
  });

  it('refuses when the hook does not answer in time', async () => {
    const clip = makeClip({ seconds: 4 });
    const pub = publish(clip.file, url('live/hangs?key=letmein'), { timeoutMs: 20_000 });
    expect(await pub.exited).not.toBe(0);
    expect(pub.stderr()).toContain('authorization timed out after 3500 ms');
  });
});

describe('auth: signed URLs', () => {
  const secret = 'test-secret-never-use';
  let server: RtmpServer;
  let url: (p: string) => string;

  beforeAll(async () => {
    ({ server, url } = await authServer(signedUrlAuthorizer({ secret }), { auth: { maxFailures: 0 } }));
  });
  afterEach(() => stopAll());
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 1000 });
  });

  it('accepts a valid signature and refuses a bad one or an expired one', async () => {
    const clip = makeClip({ seconds: 4 });
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    const good = signStreamUrl('live/signed', { secret, expiresAt: inAnHour });
    const started = waitForEvent(server, 'publish', (e: any) => e.path === 'live/signed');
    const pub = publish(clip.file, url(good), { loop: true });
    await started;
    pub.child.kill('SIGTERM');

    const forged = signStreamUrl('live/signed2', { secret: 'another-secret', expiresAt: inAnHour });
    const bad = publish(clip.file, url(forged), { timeoutMs: 20_000 });
    expect(await bad.exited).not.toBe(0);
    expect(bad.stderr()).toMatch(/signature/i);

    const past = signStreamUrl('live/signed3', { secret, expiresAt: Math.floor(Date.now() / 1000) - 3600 });
    const expired = publish(clip.file, url(past), { timeoutMs: 20_000 });
    expect(await expired.exited).not.toBe(0);
    expect(expired.stderr()).toMatch(/expired/i);
  });
});

describe('auth: failure ban at accept', () => {
  let server: RtmpServer;
  let url: (p: string) => string;

  beforeAll(async () => {
    ({ server, url } = await authServer(() => ({ allow: false, reason: 'nope' }), {
      // From 127.0.0.1, which is exempt by default: exempt nothing here.
      auth: { maxFailures: 5, failureWindowMs: 60_000, banMs: 2_000, exemptCidrs: [] },
    }));
  });
  afterEach(() => stopAll());
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 1000 });
  });

  it('refuses the address after 5 failures, and lets it try again after the ban', async () => {
    const clip = makeClip({ seconds: 4 });
    for (let i = 0; i < 5; i++) {
      const p = publish(clip.file, url(`live/try${i}`), { timeoutMs: 20_000 });
      expect(await p.exited).not.toBe(0);
      expect(p.stderr()).toContain('nope');
    }
    // Banned: the hook is not asked; connect is rejected with the reason, which ffmpeg prints.
    const banned = publish(clip.file, url('live/try5'), { timeoutMs: 20_000 });
    expect(await banned.exited).not.toBe(0);
    expect(banned.stderr()).not.toContain('nope');
    expect(banned.stderr()).toMatch(/banned for \d+ s/);
    await sleep(2_500);
    // The ban is over: the hook is asked again (and says no again).
    const again = publish(clip.file, url('live/try6'), { timeoutMs: 20_000 });
    expect(await again.exited).not.toBe(0);
    expect(again.stderr()).toContain('nope');
  });
});

describe('auth: static publish keys from config', () => {
  let server: RtmpServer;
  let url: (p: string) => string;

  beforeAll(async () => {
    ({ server, url } = await authServer(undefined, { auth: { publishKeys: { 'sk-live-7f2c': 'studio' }, maxFailures: 0 } }));
  });
  afterEach(() => stopAll());
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 1000 });
  });

  it('serves a publisher with a listed key under its public name and refuses others', async () => {
    const clip = makeClip({ seconds: 6, gop: 30 });
    const source = await framemd5OfFile(clip.file);
    const started = waitForEvent(server, 'publish', (e: any) => e.path === 'live/studio');
    const pub = publish(clip.file, url('live/sk-live-7f2c'), { loop: true });
    await started;
    const player = playFramemd5(url('live/studio'), { seconds: 2 });
    expect(await player.exited).toBe(0);
    expect(compareWithSource(source, parseFramemd5(player.stdout()))).toBeNull();

    const intruder = publish(clip.file, url('live/sk-guess'), { timeoutMs: 20_000 });
    expect(await intruder.exited).not.toBe(0);
    expect(intruder.stderr()).toContain('unknown stream key');
    pub.child.kill('SIGTERM');
  });
});
