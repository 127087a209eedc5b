/**
 * server.snapshot() against a real publisher (Debian's ffmpeg, H.264 + AAC
 * FLV, 320x240): a JPEG that ffprobe reads as mjpeg at the width asked for
 * (height from the aspect), a PNG likewise, raw RGBA of width × height × 4
 * bytes; stable codes for an unknown stream and bad options; a snapshot taken
 * while a frames() subscription decodes the stream joins its decoder; and no
 * decoder is left running once a snapshot has settled.
 */
import * as fs from 'fs';
import * as path from 'path';

import { describeWithAddon } from '../helpers/addon';
import { execText, publish, stopAll } from './helpers/ffmpeg';
import { makeClip, workDir } from './helpers/media';
import { startServer, waitUntil } from './helpers/server';

interface Probed {
  codec_name: string;
  width: number;
  height: number;
}

/** What ffprobe decodes from the image bytes (written to a file first). */
async function probe(data: Buffer, name: string): Promise<Probed> {
  const file = path.join(workDir(), name);
  fs.writeFileSync(file, data);
  const json = await execText('ffprobe', [
    '-v', 'error',
    '-show_entries', 'stream=codec_name,width,height',
    '-of', 'json',
    file,
  ]);
  const stream = (JSON.parse(json) as { streams: Probed[] }).streams[0];
  if (!stream) throw new Error(`ffprobe found no picture in ${name}`);
  return { codec_name: stream.codec_name, width: stream.width, height: stream.height };
}

describeWithAddon('snapshot() e2e', () => {
  afterEach(() => stopAll());

  it('JPEG, PNG and RGBA of a live stream; no decoder stays', async () => {
    const clip = makeClip({ seconds: 4 });
    const { server, url } = await startServer();
    try {
      publish(clip.file, url('live/snap'), { loop: true, timeoutMs: 60_000 });
      // wait: the first snapshot waits for the publish, then for a picture.
      const jpeg = await server.snapshot('live/snap', { format: 'jpeg', width: 160, quality: 70, wait: 20_000, timeoutMs: 20_000 });
      expect(server.frameDecoderCount()).toBe(0);
      expect({ format: jpeg.format, width: jpeg.width, height: jpeg.height }).toEqual({ format: 'jpeg', width: 160, height: 120 });
      expect(jpeg.keyframe).toBe(true); // nobody decodes the stream: its cached keyframe
      expect(typeof jpeg.timestamp).toBe('number');
      await expect(probe(jpeg.data, 'snap.jpg')).resolves.toEqual({ codec_name: 'mjpeg', width: 160, height: 120 });

      const png = await server.snapshot('live/snap', { format: 'png', width: 200, timeoutMs: 20_000 });
      expect(server.frameDecoderCount()).toBe(0);
      expect([png.width, png.height]).toEqual([200, 150]);
      await expect(probe(png.data, 'snap.png')).resolves.toEqual({ codec_name: 'png', width: 200, height: 150 });

      const rgba = await server.snapshot('live/snap', { format: 'rgba', timeoutMs: 20_000 });
      expect(server.frameDecoderCount()).toBe(0);
      expect([rgba.width, rgba.height]).toEqual([320, 240]);
      expect(rgba.data.length).toBe(320 * 240 * 4);
      // testsrc is colourful: not a blank (grey or black) picture.
      const distinct = new Set<number>();
      for (let i = 0; i < rgba.data.length; i += 4 * 97) distinct.add(rgba.data.readUInt32BE(i));
      expect(distinct.size).toBeGreaterThan(8);
    } finally {
      await server.close({ graceMs: 2000 });
    }
  });

  it('stable codes for an unknown stream, bad options and a stream that never publishes', async () => {
    const { server } = await startServer();
    try {
      await expect(server.snapshot('live/nobody')).rejects.toMatchObject({ code: 'ERR_RTMP_STREAM_NOT_FOUND' });
      await expect(server.snapshot('live/nobody', { format: 'gif' as never })).rejects.toMatchObject({
        code: 'ERR_RTMP_INVALID_OPTIONS',
      });
      await expect(server.snapshot('live/nobody', { quality: 0 })).rejects.toMatchObject({ code: 'ERR_RTMP_INVALID_OPTIONS' });
      await expect(server.snapshot('live/nobody', { wait: 100 })).rejects.toMatchObject({
        code: 'ERR_RTMP_STREAM_NOT_FOUND',
        message: expect.stringMatching(/within 100 ms/),
      });
      expect(server.frameDecoderCount()).toBe(0);
    } finally {
      await server.close({ graceMs: 500 });
    }
    await expect(server.snapshot('live/nobody')).rejects.toMatchObject({ code: 'ERR_RTMP_SERVER_CLOSED' });
  });

  it('a snapshot pending at server.close() rejects with ERR_RTMP_SERVER_CLOSED and frees its decoder', async () => {
    const { server } = await startServer();
    const pending = server.snapshot('live/later', { wait: true });
    await waitUntil(() => server.frameDecoderCount() === 1, 'the snapshot decoder');
    await server.close({ graceMs: 500 });
    await expect(pending).rejects.toMatchObject({ code: 'ERR_RTMP_SERVER_CLOSED' });
    expect(server.frameDecoderCount()).toBe(0);
  });

  it('a snapshot while frames() decodes the stream joins its decoder and leaves it running', async () => {
    const clip = makeClip({ seconds: 4 });
    const { server, url } = await startServer();
    try {
      publish(clip.file, url('live/both'), { loop: true, timeoutMs: 60_000 });
      let frames = 0;
      const unsubscribe = server.onFrames('live/both', { wait: 20_000, audio: false, video: { format: 'gray' } }, (f) => {
        frames++;
        f.release();
      });
      await waitUntil(() => frames >= 10, 'frames from the subscription');
      expect(server.frameDecoderCount()).toBe(1);
      const shots = await Promise.all([
        server.snapshot('live/both', { format: 'jpeg', width: 320, timeoutMs: 20_000 }),
        server.snapshot('live/both', { format: 'rgba', width: 64, timeoutMs: 20_000 }),
      ]);
      expect(shots.map((s) => [s.width, s.height])).toEqual([
        [320, 240],
        [64, 48],
      ]);
      expect(shots[1]!.data.length).toBe(64 * 48 * 4);
      await expect(probe(shots[0]!.data, 'both.jpg')).resolves.toEqual({ codec_name: 'mjpeg', width: 320, height: 240 });
      expect(server.frameDecoderCount()).toBe(1); // the frames() subscriber's decoder
      const before = frames;
      await waitUntil(() => frames > before + 5, 'frames after the snapshots');
      unsubscribe();
      expect(server.frameDecoderCount()).toBe(0);
    } finally {
      await server.close({ graceMs: 2000 });
    }
  });
});
