/**
 * server.frames() / onFrames() over a fake engine: option checks with stable
 * codes, the options handed to the engine, frame objects (release, close,
 * copyTo), decode errors to onError, and every way a subscription ends
 * freeing the native side once and giving back the frames nobody took.
 * No addon needed.
 */
import { RtmpServer } from '../../lib/server';
import type { NativeFrameItem, NativeVideoFrame } from '../../types/native';
import { type FakeEngine, fakeFactory } from '../helpers/fake-engine';
import { nativeEvent } from '../helpers/native-event';

async function setup() {
  const { factory, engines } = fakeFactory();
  const server = new RtmpServer(
    { rtmp: { host: '127.0.0.1', port: 0 }, http: false, logLevel: 'silent' },
    { createEngine: factory, drainPollMs: 5 },
  );
  await server.listen();
  const engine = engines[0] as FakeEngine;
  const sub = () => {
    const [id, s] = [...engine.frameSubs][0] ?? [];
    if (!s) throw new Error('no subscription');
    return { id, ...s, feed: (...items: NativeFrameItem[]) => s.onItems(items) };
  };
  return { server, engine, sub };
}

let nextToken = 1;
function videoItem(pts: number, extra: Partial<NativeVideoFrame> = {}): NativeVideoFrame {
  const buffer = new ArrayBuffer(64 * 4 + 32 * 2 * 2);
  return {
    kind: 'video',
    pts,
    dts: pts,
    keyframe: pts === 0,
    width: 4,
    height: 4,
    format: 'yuv420p',
    planes: [
      { data: new Uint8Array(buffer, 0, 4 * 32).fill(1), stride: 32 },
      { data: new Uint8Array(buffer, 256, 2 * 32).fill(2), stride: 32 },
      { data: new Uint8Array(buffer, 320, 2 * 32).fill(3), stride: 32 },
    ],
    byteLength: 384,
    droppedBefore: 0,
    discontinuity: false,
    token: nextToken++,
    ...extra,
  };
}

describe('frames() options', () => {
  it('rejects bad options with ERR_RTMP_INVALID_OPTIONS and a readable message', async () => {
    const { server } = await setup();
    const bad: Array<[unknown, RegExp]> = [
      [{ video: false, audio: false }, /both false/],
      [{ video: { format: 'yuv444p' } }, /video.format must be one of/],
      [{ video: { width: 0 } }, /video.width must be an integer from 1/],
      [{ video: { width: 321 } }, /even video.width/],
      [{ video: { maxFps: 0 } }, /maxFps must be a number > 0/],
      [{ video: 'rgba' }, /video must be a boolean or an object/],
      [{ audio: { format: 'u8' } }, /audio.format must be one of/],
      [{ audio: { channels: 9 } }, /audio.channels/],
      [{ audio: { rate: 48000 } }, /unknown option audio.rate/],
      [{ queue: { videoFrames: 0 } }, /queue.videoFrames/],
      [{ wait: -1 }, /wait must be/],
      [{ colour: true }, /unknown option colour/],
    ];
    for (const [options, message] of bad) {
      expect(() => server.frames('live/cam', options as never)).toThrow(
        expect.objectContaining({ code: 'ERR_RTMP_INVALID_OPTIONS', message: expect.stringMatching(message) }),
      );
    }
    expect(() => server.frames('nopath')).toThrow(expect.objectContaining({ code: 'ERR_RTMP_INVALID_OPTIONS' }));
    expect(() => server.onFrames('live/cam', {}, 'x' as never)).toThrow(expect.objectContaining({ code: 'ERR_RTMP_INVALID_OPTIONS' }));
    await server.close({ graceMs: 0 });
  });

  it('hands the engine flat options with the defaults filled in', async () => {
    const { server, sub } = await setup();
    const it = server.frames('live/cam', { wait: true, video: { format: 'rgba', width: 640, maxFps: 5 }, audio: { format: 'f32p', sampleRate: 48000 }, queue: { videoFrames: 4 } });
    const pending = it.next();
    expect(sub().options).toEqual({
      video: true,
      audio: true,
      pixelFormat: 'rgba',
      width: 640,
      height: 0,
      maxFps: 5,
      sampleFormat: 'f32p',
      sampleRate: 48000,
      channels: 0,
      maxVideoFrames: 4,
      maxAudioMs: 200,
    });
    await it.return?.();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    await server.close({ graceMs: 0 });
  });
});

describe('frames() delivery', () => {
  it('frame objects: fields, release once, copyTo, close', async () => {
    const { server, engine, sub } = await setup();
    const it = server.frames('live/cam', { wait: true });
    const item = videoItem(0, { droppedBefore: 2 });
    const next = it.next();
    sub().feed(item);
    const { value: f } = await next;
    expect(f).toMatchObject({ kind: 'video', pts: 0, timestamp: 0, width: 4, height: 4, format: 'yuv420p', droppedBefore: 2, keyframe: true });
    expect(f.allocationSize()).toBe(4 * 32 + 2 * 32 * 2);
    const dest = new Uint8Array(f.allocationSize());
    await expect(f.copyTo(dest)).resolves.toEqual([
      { offset: 0, stride: 32 },
      { offset: 128, stride: 32 },
      { offset: 192, stride: 32 },
    ]);
    expect([dest[0], dest[128], dest[255]]).toEqual([1, 2, 3]);
    await expect(f.copyTo(new Uint8Array(10))).rejects.toMatchObject({ code: 'ERR_RTMP_INVALID_ARGUMENT' });
    f.release();
    f.close();
    expect(engine.releasedFrames).toEqual([item.token]);
    await it.return?.();
    await server.close({ graceMs: 0 });
  });

  it('break gives back the frames queued but not taken, and unsubscribes once', async () => {
    const { server, engine, sub } = await setup();
    const items = [videoItem(0), videoItem(33), videoItem(67)];
    const it = server.frames('live/cam', { wait: true });
    const first = it.next();
    sub().feed(...items);
    await first;
    await it.return?.();
    expect(engine.frameSubs.size).toBe(0);
    // The first was taken (its owner releases it); the two queued ones went back.
    expect(engine.releasedFrames).toEqual([items[1]!.token, items[2]!.token]);
    await server.close({ graceMs: 0 });
  });

  it('decode errors go to onError and the iteration goes on; abort ends it', async () => {
    const { server, engine, sub } = await setup();
    const errors: Error[] = [];
    const controller = new AbortController();
    const it = server.frames('live/cam', { wait: true, signal: controller.signal, onError: (e) => errors.push(e) });
    const next = it.next();
    sub().feed({ kind: 'error', code: 'ERR_RTMP_MEDIA', message: 'corrupt NAL' }, videoItem(0));
    await expect(next).resolves.toMatchObject({ value: { kind: 'video' } });
    expect(errors).toEqual([expect.objectContaining({ code: 'ERR_RTMP_MEDIA' })]);
    controller.abort();
    await expect(it.next()).rejects.toMatchObject({ code: 'ABORT_ERR' });
    expect(engine.frameSubs.size).toBe(0);
    await server.close({ graceMs: 0 });
  });

  it('not published and not waiting: ERR_RTMP_STREAM_NOT_FOUND, nothing left open', async () => {
    const { server, engine } = await setup();
    await expect(server.frames('live/none').next()).rejects.toMatchObject({ code: 'ERR_RTMP_STREAM_NOT_FOUND' });
    expect(engine.frameSubs.size).toBe(0);
    await server.close({ graceMs: 0 });
  });

  it('wait: a publish ends the wait; endOnUnpublish ends the iteration on unpublish', async () => {
    const { server, engine, sub } = await setup();
    const it = server.frames('live/cam', { wait: 50, endOnUnpublish: true });
    engine.deliver([nativeEvent({ kind: 'publish', app: 'live', stream: 'cam' })]);
    await new Promise((r) => setTimeout(r, 100)); // past the wait: it was cleared
    const next = it.next();
    sub().feed(videoItem(0));
    await expect(next).resolves.toMatchObject({ value: { kind: 'video' }, done: false });
    engine.deliver([nativeEvent({ kind: 'unpublish', app: 'live', stream: 'other' })]);
    expect(engine.frameSubs.size).toBe(1);
    engine.deliver([nativeEvent({ kind: 'unpublish', app: 'live', stream: 'cam' })]);
    await expect(it.next()).resolves.toEqual({ value: undefined, done: true });
    expect(engine.frameSubs.size).toBe(0);
    await server.close({ graceMs: 0 });
  });

  it('a wait that runs out rejects with ERR_RTMP_STREAM_NOT_FOUND', async () => {
    const { server, engine } = await setup();
    await expect(server.frames('live/late', { wait: 20 }).next()).rejects.toMatchObject({
      code: 'ERR_RTMP_STREAM_NOT_FOUND',
      message: expect.stringMatching(/within 20 ms/),
    });
    expect(engine.frameSubs.size).toBe(0);
    await server.close({ graceMs: 0 });
  });

  it('the callback form: unsubscribe, and server close ends it with onEnd', async () => {
    const { server, engine, sub } = await setup();
    const got: number[] = [];
    const ended: Array<Error | undefined> = [];
    server.onFrames('live/cam', { wait: true, onEnd: (e) => ended.push(e) }, (f) => {
      got.push(f.pts);
      f.release();
    });
    sub().feed(videoItem(0), videoItem(33));
    expect(got).toEqual([0, 33]);
    expect(engine.releasedFrames).toHaveLength(2);
    await server.close({ graceMs: 0 });
    expect(ended).toEqual([undefined]);
    expect(engine.frameSubs.size).toBe(0);
  });
});
