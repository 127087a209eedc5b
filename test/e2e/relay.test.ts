/**
 * Publish → play through the engine with real ffmpeg peers; what the player
 * receives is compared packet by packet (framemd5) with the source file.
 */
import * as path from 'path';

import { compareWithSource, framemd5OfFile, parseFramemd5, playDecode, playFramemd5, playToFile, publish, stopAll, videoKeyFlags } from './helpers/ffmpeg';
import { makeClip, workDir } from './helpers/media';
import { startServer, waitForEvent } from './helpers/server';
import type { RtmpServer } from '../../lib';

describe('relay: publish → play with real ffmpeg', () => {
  let server: RtmpServer;
  let url: (p: string) => string;

  beforeAll(async () => {
    ({ server, url } = await startServer());
  });
  afterEach(() => stopAll());
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 1000 });
  });

  it('a late joiner receives the source packets byte for byte', async () => {
    const clip = makeClip({ seconds: 6, gop: 30 });
    const source = await framemd5OfFile(clip.file);
    const published = waitForEvent(server, 'publish', (e: any) => e.path === 'live/exact');
    const pub = publish(clip.file, url('live/exact'), { loop: true });
    await published;
    await new Promise((r) => setTimeout(r, 1500)); // join mid-GOP
    const player = playFramemd5(url('live/exact'), { seconds: 4 });
    expect(await player.exited).toBe(0);
    const received = parseFramemd5(player.stdout());
    expect(received.filter((p) => p.stream === 0).length).toBeGreaterThan(60);
    expect(received.filter((p) => p.stream === 1).length).toBeGreaterThan(60);
    expect(compareWithSource(source, received)).toBeNull();
    pub.child.kill('SIGTERM');
  });

  it("a late joiner's first video packet is a keyframe and decodes without errors", async () => {
    const clip = makeClip({ seconds: 6, gop: 60 });
    const published = waitForEvent(server, 'publish', (e: any) => e.path === 'live/late');
    const pub = publish(clip.file, url('live/late'), { loop: true });
    await published;
    await new Promise((r) => setTimeout(r, 1300)); // well inside a 2 s GOP
    const file = path.join(workDir(), 'late.flv');
    const recorder = playToFile(url('live/late'), file, 3);
    const decoder = playDecode(url('live/late'), 3);
    expect(await recorder.exited).toBe(0);
    expect(await decoder.exited).toBe(0);
    expect(decoder.stderr()).toBe('');
    const keys = await videoKeyFlags(file);
    expect(keys.length).toBeGreaterThan(30);
    expect(keys[0]).toBe(true);
    pub.child.kill('SIGTERM');
  });

  it('reports codec info on publish', async () => {
    const clip = makeClip({ seconds: 4, size: '640x360' });
    const published = waitForEvent<any>(server, 'publish', (e) => e.path === 'live/codec');
    const pub = publish(clip.file, url('live/codec'), { loop: true });
    const event = await published;
    expect(event.codec.video).toMatchObject({ codec: 'H264', width: 640, height: 360 });
    expect(event.codec.audio).toMatchObject({ codec: 'AAC', sampleRate: 44100, channels: 2 });
    // ffmpeg's FLV muxer names itself in onMetaData ("Lavf59.27.100" on Debian 12).
    expect(event.codec.encoder).toMatch(/^Lavf\d/);
    expect(server.streams().find((s: any) => s.path === 'live/codec')).toBeTruthy();
    pub.child.kill('SIGTERM');
  });
});
