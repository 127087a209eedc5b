/**
 * server.packets() / onPackets() over a fake engine: option checks, the
 * WebCodecs shape, wait / endOnUnpublish decisions from the engine's state
 * items, credits given back as the consumer takes packets, and every way a
 * subscription ends (break, return(), abort, server close) freeing the native
 * side exactly once. No addon needed.
 */
import { RtmpServer } from '../../lib/server';
import type { NativePacket, NativePacketItem } from '../../types/native';
import { type FakeEngine, fakeFactory } from '../helpers/fake-engine';
import { withTimeout } from '../helpers/wait';

async function setup() {
  const { factory, engines } = fakeFactory();
  const server = new RtmpServer(
    { rtmp: { host: '127.0.0.1', port: 0 }, http: false, logLevel: 'silent' },
    { createEngine: factory, drainPollMs: 5 },
  );
  await server.listen();
  const engine = engines[0] as FakeEngine;
  const sub = () => {
    const [id, s] = [...engine.packetSubs][0] ?? [];
    if (!s) throw new Error('no subscription');
    return { id, ...s, feed: (...items: NativePacketItem[]) => s.onItems(items) };
  };
  return { server, engine, sub };
}

const published: NativePacketItem = { kind: 'state', publishing: true };
const gone: NativePacketItem = { kind: 'state', publishing: false };

function video(pts: number, extra: Partial<NativePacket> = {}): NativePacket {
  return {
    kind: 'video',
    codec: 'avc1.64001f',
    timestamp: pts,
    pts,
    dts: pts,
    keyframe: false,
    data: Buffer.from([0, 0, 0, 1, pts & 0xff]),
    width: 320,
    height: 240,
    droppedBefore: 0,
    discontinuity: false,
    ...extra,
  };
}

describe('packets(): options', () => {
  it('rejects bad paths and options with ERR_RTMP_INVALID_OPTIONS, naming the problem', async () => {
    const { server } = await setup();
    const bad: Array<[unknown, unknown, RegExp]> = [
      ['cam', {}, /app\/name/],
      ['live/cam', { vidoe: true }, /unknown option vidoe/],
      ['live/cam', { video: false, audio: false }, /nothing to deliver/],
      ['live/cam', { queue: { maxPackets: 0 } }, /maxPackets must be an integer >= 1/],
      ['live/cam', { queue: { size: 3 } }, /unknown option queue.size/],
      ['live/cam', { wait: -1 }, /wait must be/],
      ['live/cam', { video: 'yes' }, /video must be a boolean/],
    ];
    for (const [path, options, message] of bad) {
      expect(() => server.packets(path as string, options as object)).toThrow(
        expect.objectContaining({ code: 'ERR_RTMP_INVALID_OPTIONS', message: expect.stringMatching(message) }),
      );
    }
    await server.close();
  });

  it('passes kinds and queue bounds to the engine', async () => {
    const { server, sub } = await setup();
    const it = server.packets('live/cam', { audio: false, queue: { maxPackets: 8, maxBytes: 4096 } });
    expect(sub()).toMatchObject({ key: 'live/cam', options: { video: true, audio: false, maxItems: 8, maxBytes: 4096 } });
    await it.return?.();
    await server.close();
  });

  it('needs a listening server', async () => {
    const server = new RtmpServer({ http: false, logLevel: 'silent' });
    await expect(server.packets('live/cam').next()).rejects.toMatchObject({ code: 'ERR_RTMP_SERVER_CLOSED' });
  });
});

describe('packets(): delivery', () => {
  it('shapes packets for WebCodecs and configures on the first packet and on a change', async () => {
    const { server, sub } = await setup();
    const it = server.packets('live/cam');
    const description = Buffer.from([1, 0x64, 0, 0x1f]);
    sub().feed(published, video(0, { keyframe: true, description }), video(33, { pts: 66 }), video(66, { width: 640 }));
    const first = (await it.next()).value;
    expect(first).toMatchObject({
      kind: 'video',
      type: 'key',
      timestampUs: 0,
      decoderConfig: { codec: 'avc1.64001f', description, codedWidth: 320, codedHeight: 240 },
    });
    const second = (await it.next()).value;
    expect(second).toMatchObject({ type: 'delta', timestampUs: 66_000, dts: 33 });
    expect(second.decoderConfig).toBeUndefined();
    expect((await it.next()).value.decoderConfig).toMatchObject({ codedWidth: 640 });
    await it.return?.();
    await server.close();
  });

  it('gives a credit back for each packet the consumer takes, not before', async () => {
    const { server, sub } = await setup();
    const it = server.packets('live/cam');
    sub().feed(published, video(0, { keyframe: true }), video(33));
    expect(server.packetSubscriptions()[0]).toMatchObject({ queued: 0 });
    await it.next();
    expect(server.packetSubscriptions()[0]).toMatchObject({ queued: -1, queuedBytes: -5 });
    await it.next();
    expect(server.packetSubscriptions()[0]).toMatchObject({ queued: -2, queuedBytes: -10 });
    await it.return?.();
    await server.close();
  });

  it('the callback form gets each packet and unsubscribes', async () => {
    const { server, engine, sub } = await setup();
    const got: number[] = [];
    const stop = server.onPackets('live/cam', {}, (p) => got.push(p.pts));
    sub().feed(published, video(0, { keyframe: true }), video(33));
    expect(got).toEqual([0, 33]);
    expect(sub()).toMatchObject({ queued: -2 });
    stop();
    expect(engine.packetSubs.size).toBe(0);
    await server.close();
  });
});

describe('packets(): not published, unpublish, ends', () => {
  it('not published: rejects with ERR_RTMP_STREAM_NOT_FOUND, or waits', async () => {
    const { server, engine, sub } = await setup();
    const it = server.packets('live/none');
    sub().feed(gone);
    await expect(it.next()).rejects.toMatchObject({ code: 'ERR_RTMP_STREAM_NOT_FOUND' });
    expect(engine.packetSubs.size).toBe(0);
    await expect(it.next()).resolves.toEqual({ value: undefined, done: true });

    const waiting = server.packets('live/later', { wait: true });
    sub().feed(gone);
    const next = waiting.next();
    sub().feed(published, video(0, { keyframe: true }));
    await expect(next).resolves.toMatchObject({ done: false, value: { pts: 0 } });
    await waiting.return?.();

    const timed = server.packets('live/never', { wait: 30 });
    sub().feed(gone);
    await expect(withTimeout('wait timeout', timed.next())).rejects.toMatchObject({
      code: 'ERR_RTMP_STREAM_NOT_FOUND',
      message: expect.stringMatching(/within 30 ms/),
    });
    expect(engine.packetSubs.size).toBe(0);
    await server.close();
  });

  it('endOnUnpublish: the queued packets, then done; without it the iteration goes on', async () => {
    const { server, engine, sub } = await setup();
    const ending = server.packets('live/cam', { endOnUnpublish: true });
    sub().feed(published, video(0, { keyframe: true }), gone);
    expect(engine.packetSubs.size).toBe(0);
    await expect(ending.next()).resolves.toMatchObject({ done: false });
    await expect(ending.next()).resolves.toMatchObject({ done: true });

    const going = server.packets('live/cam');
    sub().feed(published, gone, published, video(0, { keyframe: true, discontinuity: true }));
    await expect(going.next()).resolves.toMatchObject({ value: { discontinuity: true } });
    await going.return?.();
    await server.close();
  });

  it('break, abort and server close each free the native subscription once', async () => {
    const { server, engine, sub } = await setup();
    const spy = jest.spyOn(engine, 'unsubscribePackets');
    const it = server.packets('live/cam');
    sub().feed(published, video(0, { keyframe: true }), video(33));
    for await (const p of it) {
      if (p.pts === 0) break;
    }
    expect(spy).toHaveBeenCalledTimes(1);
    expect(engine.packetSubs.size).toBe(0);

    const controller = new AbortController();
    const aborted = server.packets('live/cam', { signal: controller.signal });
    sub().feed(published);
    const pending = aborted.next();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    expect(spy).toHaveBeenCalledTimes(2);
    await expect(aborted.next()).resolves.toMatchObject({ done: true });

    const pre = new AbortController();
    pre.abort();
    await expect(server.packets('live/cam', { signal: pre.signal }).next()).rejects.toMatchObject({ code: 'ABORT_ERR' });
    expect(engine.packetSubs.size).toBe(0);

    const open = server.packets('live/cam');
    const ended = jest.fn();
    server.onPackets('live/cam', { onEnd: ended }, () => {});
    const waiting = open.next();
    await server.close();
    await expect(waiting).resolves.toMatchObject({ done: true });
    expect(ended).toHaveBeenCalledWith(undefined);
    expect(spy).toHaveBeenCalledTimes(4);
  });
});
