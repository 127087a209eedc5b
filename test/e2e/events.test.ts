/** The events JavaScript sees for a real publisher and player, with their fields. */
import { parseFramemd5, playFramemd5, publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { startServer, waitForEvent } from './helpers/server';
import type { RtmpServer } from '../../lib';

describe('events from a real session', () => {
  let server: RtmpServer;
  let url: (p: string) => string;
  let port: number;

  beforeAll(async () => {
    ({ server, url, port } = await startServer());
  });
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 1000 });
  });

  it('connect, publish, play, stop, unpublish and disconnect carry session facts', async () => {
    const clip = makeClip({ seconds: 3 });
    const seen: Array<{ name: string; e: any }> = [];
    for (const name of ['connect', 'publish', 'play', 'stop', 'unpublish', 'disconnect']) {
      server.on(name as any, (e: any) => seen.push({ name, e }));
    }
    const unpublished = waitForEvent<any>(server, 'unpublish', (e) => e.stream === 'cam');
    const published = waitForEvent<any>(server, 'publish', (e) => e.stream === 'cam');
    const pub = publish(clip.file, `rtmp://127.0.0.1:${port}/live?tenant=acme/cam?key=s3cr3t`);
    const p = await published;
    expect(p).toMatchObject({ app: 'live', stream: 'cam', path: 'live/cam', ip: '127.0.0.1' });
    expect(p.query).toMatchObject({ tenant: 'acme', key: 's3cr3t' });
    expect(typeof p.sessionId).toBe('number');
    expect(p.port).toBeGreaterThan(0);

    const player = playFramemd5(url('live/cam'), { seconds: 1 });
    expect(await player.exited).toBe(0);
    expect(parseFramemd5(player.stdout()).length).toBeGreaterThan(10);
    await pub.exited;
    const u = await unpublished;
    expect(u.sessionId).toBe(p.sessionId);
    await waitForEvent(server, 'disconnect', (e: any) => e.sessionId === p.sessionId).catch(() => undefined);

    const names = (id: number) => seen.filter((s) => s.e.sessionId === id).map((s) => s.name);
    expect(names(p.sessionId)).toEqual(['connect', 'publish', 'unpublish', 'disconnect']);
    const playEvent = seen.find((s) => s.name === 'play');
    expect(playEvent?.e).toMatchObject({ app: 'live', stream: 'cam', path: 'live/cam' });
    const playerId = playEvent!.e.sessionId as number;
    expect(names(playerId)).toEqual(expect.arrayContaining(['connect', 'play', 'stop']));
    const connect = seen.find((s) => s.name === 'connect' && s.e.sessionId === p.sessionId)!.e;
    expect(connect.tcUrl).toContain(`127.0.0.1:${port}/live`);
    const disconnect = seen.find((s) => s.name === 'disconnect' && s.e.sessionId === p.sessionId)!.e;
    expect(disconnect.bytesIn).toBeGreaterThan(10_000);
  });
});
