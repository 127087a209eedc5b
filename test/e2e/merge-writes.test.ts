/**
 * Write-merge budget (players.mergeWritesMs): media is gathered per player
 * and sent in fewer writes. What players receive must still be the source,
 * packet for packet, for a player that joined mid-GOP and one that was there
 * from the start (statuses and media keep their order).
 */
import { compareWithSource, framemd5OfFile, parseFramemd5, playFramemd5, publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { startServer, waitForEvent } from './helpers/server';
import type { RtmpServer } from '../../lib';

describe('mergeWritesMs: gathered writes stay byte-exact', () => {
  let server: RtmpServer;
  let url: (p: string) => string;

  beforeAll(async () => {
    ({ server, url } = await startServer({ players: { mergeWritesMs: 100 } }));
  });
  afterEach(() => stopAll());
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 1000 });
  });

  it('early and late players both receive the source packets exactly', async () => {
    const clip = makeClip({ seconds: 6, gop: 30 });
    const source = await framemd5OfFile(clip.file);
    const early = playFramemd5(url('live/merged'), { seconds: 5 });
    const published = waitForEvent(server, 'publish', (e: any) => e.path === 'live/merged');
    const pub = publish(clip.file, url('live/merged'), { loop: true });
    await published;
    await new Promise((r) => setTimeout(r, 1500)); // join mid-GOP
    const late = playFramemd5(url('live/merged'), { seconds: 3 });
    expect(await early.exited).toBe(0);
    expect(await late.exited).toBe(0);
    for (const player of [early, late]) {
      const received = parseFramemd5(player.stdout());
      expect(received.filter((p) => p.stream === 0).length).toBeGreaterThan(45);
      expect(compareWithSource(source, received)).toBeNull();
    }
    pub.child.kill('SIGTERM');
  });
});
