/**
 * server.snapshot() over a fake engine: option checks with stable codes, the
 * flat options handed to the engine, the image shape, engine errors passed
 * through with their codes, and every way a pending snapshot ends (timeout,
 * wait timeout, abort, server close) cancelling the native request once.
 * No addon needed.
 */
import type { ImageFormat, Snapshot, SnapshotOptions } from '../../lib';
import { RtmpServer } from '../../lib/server';
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
  const publish = () => engine.deliver([nativeEvent({ kind: 'publish', app: 'live', stream: 'cam' })]);
  const only = () => {
    const [id, s] = [...engine.snapshots][0] ?? [];
    if (!s) throw new Error('no snapshot request');
    return { id: id as number, ...s };
  };
  return { server, engine, publish, only };
}

describe('snapshot() options', () => {
  it('rejects bad options with ERR_RTMP_INVALID_OPTIONS and a readable message', async () => {
    const { server, engine } = await setup();
    const bad: Array<[unknown, RegExp]> = [
      [{ format: 'gif' }, /format must be one of jpeg, png, rgba/],
      [{ width: 0 }, /width must be an integer from 1/],
      [{ height: 1.5 }, /height must be an integer/],
      [{ quality: 101 }, /quality must be an integer from 1 to 100/],
      [{ wait: -1 }, /wait must be/],
      [{ timeoutMs: 0 }, /timeoutMs must be an integer/],
      [{ signal: {} }, /signal must be an AbortSignal/],
      [{ size: 3 }, /unknown option size/],
    ];
    for (const [options, message] of bad) {
      await expect(server.snapshot('live/cam', options as never)).rejects.toMatchObject({
        code: 'ERR_RTMP_INVALID_OPTIONS',
        message: expect.stringMatching(message),
      });
    }
    await expect(server.snapshot('nopath')).rejects.toMatchObject({ code: 'ERR_RTMP_INVALID_OPTIONS' });
    expect(engine.snapshots.size).toBe(0);
    await server.close({ graceMs: 0 });
  });

  it('not published and not waiting: ERR_RTMP_STREAM_NOT_FOUND without asking the engine', async () => {
    const { server, engine } = await setup();
    await expect(server.snapshot('live/cam')).rejects.toMatchObject({ code: 'ERR_RTMP_STREAM_NOT_FOUND' });
    expect(engine.snapshots.size).toBe(0);
    await server.close({ graceMs: 0 });
  });
});

describe('snapshot() results', () => {
  it('hands the engine flat options and resolves to the image', async () => {
    const { server, engine, only } = await setup();
    const pending = server.snapshot('live/cam', { format: 'png', width: 320, wait: true });
    const request = only();
    expect(request.key).toBe('live/cam');
    expect(request.options).toEqual({ format: 'png', width: 320, height: 0, quality: 80 });
    const data = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    engine.snapshots.delete(request.id);
    request.onDone(null, { data, format: 'png', width: 320, height: 180, pts: 2080, keyframe: true });
    await expect(pending).resolves.toEqual({ data, format: 'png', width: 320, height: 180, timestamp: 2080, keyframe: true });
    expect(engine.cancelledSnapshots).toEqual([]); // the engine ended it itself
    await server.close({ graceMs: 0 });
  });

  it('an engine error rejects with its code', async () => {
    const { server, engine, only } = await setup();
    const pending = server.snapshot('live/cam', { wait: true });
    const request = only();
    engine.snapshots.delete(request.id);
    request.onDone(Object.assign(new Error('no decoder for this codec'), { code: 'ERR_RTMP_UNSUPPORTED' }));
    await expect(pending).rejects.toMatchObject({ code: 'ERR_RTMP_UNSUPPORTED', message: /no decoder/ });
    expect(engine.cancelledSnapshots).toEqual([]);
    await server.close({ graceMs: 0 });
  });
});

describe('snapshot() endings', () => {
  it('published but no picture within timeoutMs: ERR_RTMP_TIMEOUT, the request cancelled', async () => {
    const { server, engine, publish, only } = await setup();
    const pending = server.snapshot('live/cam', { wait: true, timeoutMs: 20 });
    const { id } = only();
    publish(); // the picture timeout starts here
    await expect(pending).rejects.toMatchObject({ code: 'ERR_RTMP_TIMEOUT' });
    expect(engine.cancelledSnapshots).toEqual([id]);
    await server.close({ graceMs: 0 });
  });

  it('a wait that runs out: ERR_RTMP_STREAM_NOT_FOUND, the request cancelled', async () => {
    const { server, engine, only } = await setup();
    const pending = server.snapshot('live/cam', { wait: 20 });
    const { id } = only();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_RTMP_STREAM_NOT_FOUND', message: /within 20 ms/ });
    expect(engine.cancelledSnapshots).toEqual([id]);
    await server.close({ graceMs: 0 });
  });

  it('an abort rejects with AbortError and cancels; an aborted signal never asks the engine', async () => {
    const { server, engine, only } = await setup();
    const controller = new AbortController();
    const pending = server.snapshot('live/cam', { wait: true, signal: controller.signal });
    const { id } = only();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    expect(engine.cancelledSnapshots).toEqual([id]);
    await expect(server.snapshot('live/cam', { wait: true, signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(engine.snapshots.size).toBe(0);
    await server.close({ graceMs: 0 });
  });

  it('the server closing rejects a pending snapshot with ERR_RTMP_SERVER_CLOSED; closed: the same at once', async () => {
    const { server, engine, only } = await setup();
    const pending = server.snapshot('live/cam', { wait: true });
    only();
    await server.close({ graceMs: 0 });
    await expect(pending).rejects.toMatchObject({ code: 'ERR_RTMP_SERVER_CLOSED' });
    expect(engine.snapshots.size).toBe(0);
    await expect(server.snapshot('live/cam')).rejects.toMatchObject({ code: 'ERR_RTMP_SERVER_CLOSED' });
  });
});

describe('snapshot() public types', () => {
  it('types the options and the image (checked by tsc)', async () => {
    const { server, engine, only } = await setup();
    const options: SnapshotOptions = { format: 'jpeg', width: 320, quality: 80, wait: 1000, timeoutMs: 5000 };
    const pending: Promise<Snapshot> = server.snapshot('live/cam', options);
    const request = only();
    engine.snapshots.delete(request.id);
    request.onDone(null, { data: Buffer.alloc(4), format: 'jpeg', width: 320, height: 240, pts: 0, keyframe: true });
    const shot = await pending;
    const data: Buffer = shot.data;
    const format: ImageFormat = shot.format;
    const size: [number, number, number, boolean] = [shot.width, shot.height, shot.timestamp, shot.keyframe];
    expect([data.length, format, ...size]).toEqual([4, 'jpeg', 320, 240, 0, true]);
    // @ts-expect-error: not an image format
    const gif: SnapshotOptions = { format: 'gif' };
    // @ts-expect-error: quality is a number
    const quality: SnapshotOptions = { quality: 'high' };
    void gif;
    void quality;
    await server.close({ graceMs: 0 });
  });
});
