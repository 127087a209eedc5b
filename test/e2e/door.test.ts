/**
 * IP rules and limits checked by the engine, with real ffmpeg clients: a
 * refused client gets the RTMP status for its step and ffmpeg prints the
 * reason; clients the rules do not touch go on normally.
 */
import { parseFramemd5, playFramemd5, publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { startServer, waitForEvent } from './helpers/server';
import type { RtmpServer } from '../../lib';

describe('door: IP rules', () => {
  let server: RtmpServer;
  let url: (p: string) => string;

  beforeAll(async () => {
    ({ server, url } = await startServer({
      access: {
        rules: [
          { policy: 'deny', cidr: '127.0.0.0/8', on: 'publish', app: 'locked' },
          { policy: 'deny', cidr: '::1/128', on: 'publish', app: 'locked' },
          { policy: 'deny', cidr: '127.0.0.1', on: 'play', app: 'members' },
        ],
      },
    }));
  });
  afterEach(() => stopAll());
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 1000 });
  });

  it('refuses a publish denied by a CIDR rule with a reason ffmpeg prints', async () => {
    const clip = makeClip({ seconds: 4 });
    const refused = waitForEvent<any>(server, 'error', (e) => e.code === 'ERR_RTMP_REJECTED');
    const pub = publish(clip.file, url('locked/cam'), { timeoutMs: 20_000 });
    expect(await pub.exited).not.toBe(0);
    expect(pub.stderr()).toContain('127.0.0.1 may not publish to locked (denied by ip rule 0)');
    expect((await refused).message).toContain('publish refused');
  });

  it('lets the same address publish to an app no rule names, and refuses play where denied', async () => {
    const clip = makeClip({ seconds: 6 });
    const started = waitForEvent(server, 'publish', (e: any) => e.path === 'members/cam');
    const pub = publish(clip.file, url('members/cam'), { loop: true });
    await started;
    const player = playFramemd5(url('members/cam'), { seconds: 2, timeoutMs: 20_000 });
    expect(await player.exited).not.toBe(0);
    expect(player.stderr()).toContain('127.0.0.1 may not play to members (denied by ip rule 2)');
    expect(pub.child.exitCode).toBeNull();
  });
});

describe('door: limits', () => {
  let server: RtmpServer;
  let url: (p: string) => string;

  beforeAll(async () => {
    ({ server, url } = await startServer({ limits: { maxConnections: 2, maxPlayersPerStream: 1 } }));
  });
  afterEach(() => stopAll());
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 1000 });
  });

  it('refuses a second player of a stream and a third connection, and the first player is untouched', async () => {
    const clip = makeClip({ seconds: 6 });
    const started = waitForEvent(server, 'publish', (e: any) => e.path === 'live/limited');
    const pub = publish(clip.file, url('live/limited'), { loop: true });
    await started;
    const playing = waitForEvent(server, 'play', (e: any) => e.path === 'live/limited');
    const first = playFramemd5(url('live/limited'), { seconds: 3 });
    await playing;

    // Two sessions are open (publisher + player): a third connect is refused.
    const third = playFramemd5(url('live/other'), { seconds: 2, timeoutMs: 20_000 });
    expect(await third.exited).not.toBe(0);
    expect(third.stderr()).toContain('server is at its connection limit (2)');

    expect(await first.exited).toBe(0);
    expect(parseFramemd5(first.stdout()).length).toBeGreaterThan(50);
    pub.child.kill('SIGTERM');
  });
});
