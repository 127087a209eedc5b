/** A second publisher on a live name is refused; the first one is untouched. */
import { parseFramemd5, playFramemd5, publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { startServer, waitForEvent } from './helpers/server';
import type { RtmpServer } from '../../lib';

describe('duplicate publish', () => {
  let server: RtmpServer;
  let url: (p: string) => string;

  beforeAll(async () => {
    ({ server, url } = await startServer());
  });
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 1000 });
  });

  it('refuses the second publisher with NetStream.Publish.BadName and keeps the first', async () => {
    const clip = makeClip({ seconds: 6 });
    const started = waitForEvent(server, 'publish', (e: any) => e.path === 'live/dup');
    const first = publish(clip.file, url('live/dup'), { loop: true });
    await started;

    const refused = waitForEvent<any>(server, 'error', (e) => e.code === 'ERR_RTMP_STREAM_BUSY');
    const second = publish(clip.file, url('live/dup'), { loop: true, timeoutMs: 20_000 });
    const code = await second.exited;
    expect(code).not.toBe(0);
    expect(second.stderr()).toMatch(/already being published|BadName/);
    const event = await refused;
    expect(event.path).toBe('live/dup');

    // The first publisher still feeds players.
    const player = playFramemd5(url('live/dup'), { seconds: 2 });
    expect(await player.exited).toBe(0);
    expect(parseFramemd5(player.stdout()).length).toBeGreaterThan(50);
    expect(first.child.exitCode).toBeNull();
    first.child.kill('SIGTERM');
  });
});
