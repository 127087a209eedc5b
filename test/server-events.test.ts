/**
 * RtmpServer over a fake engine: event batches → typed events in order, the
 * close() bookkeeping, and listen/close state rules. No addon needed.
 */
import { ErrorCodes, RtmpEngineError } from '../lib/errors';
import { RtmpServer, type ServerInternals } from '../lib/server';
import type { ServerOptions } from '../lib/options';
import { type FakeEngine, fakeFactory } from './helpers/fake-engine';
import { nativeEvent } from './helpers/native-event';
import { withTimeout } from './helpers/wait';

function setup(options: ServerOptions = {}, internals: ServerInternals = {}) {
  const { factory, engines } = fakeFactory();
  const lines: string[] = [];
  const server = new RtmpServer(
    { rtmp: { host: '127.0.0.1', port: 0 }, http: false, ...options },
    { createEngine: factory, writeLog: (l) => lines.push(l), drainPollMs: 5, ...internals },
  );
  const engine = (): FakeEngine => {
    const e = engines[engines.length - 1];
    if (!e) throw new Error('no engine yet');
    return e;
  };
  const logs = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { server, engines, engine, logs };
}

describe('RtmpServer listen', () => {
  it('creates the engine from the resolved options and reports the port', async () => {
    const { server, engine } = setup({ rtmp: { host: '127.0.0.1', port: 0, chunkSize: 8192 } });
    await expect(server.listen()).resolves.toEqual({ port: 40000, rtmp: 40000 });
    expect(engine().config).toMatchObject({ host: '127.0.0.1', port: 0, outChunkSize: 8192 });
    expect(server.address()).toEqual({ address: '127.0.0.1', family: 'IPv4', port: 40000 });
    await server.close();
  });

  it('logs a listening line with the port', async () => {
    const { server, logs } = setup();
    await server.listen();
    expect(logs()).toContainEqual(expect.objectContaining({ msg: 'listening', port: 40000, level: 30 }));
    await server.close();
  });

  it('rejects with the engine code and the address when start fails', async () => {
    const { server, engines } = setup();
    const { factory } = fakeFactory();
    const failing: ServerInternals['createEngine'] = (config, onEvents) => {
      const e = factory(config, onEvents) as FakeEngine;
      e.startError = Object.assign(new Error('address already in use'), { code: 'ERR_RTMP_ADDRESS_IN_USE' });
      return e;
    };
    const s = new RtmpServer({ rtmp: { host: '127.0.0.1', port: 1935 }, http: false, logLevel: 'silent' }, { createEngine: failing });
    const err = (await s.listen().catch((e: unknown) => e)) as RtmpEngineError;
    expect(err).toBeInstanceOf(RtmpEngineError);
    expect(err.code).toBe('ERR_RTMP_ADDRESS_IN_USE');
    expect(err.message).toContain('127.0.0.1:1935');
    expect(s.address()).toBeNull();
    expect(engines).toHaveLength(0);
    await server.close();
  });

  it('allows listen() again after a failed listen()', async () => {
    let fail = true;
    const { factory, engines } = fakeFactory();
    const s = new RtmpServer(
      { rtmp: { host: '127.0.0.1', port: 0 }, http: false, logLevel: 'silent' },
      {
        createEngine: (config, onEvents) => {
          const e = factory(config, onEvents) as FakeEngine;
          if (fail) e.startError = Object.assign(new Error('busy'), { code: 'ERR_RTMP_ADDRESS_IN_USE' });
          fail = false;
          return e;
        },
      },
    );
    await expect(s.listen()).rejects.toMatchObject({ code: 'ERR_RTMP_ADDRESS_IN_USE' });
    await expect(s.listen()).resolves.toEqual({ port: 40000, rtmp: 40000 });
    expect(engines).toHaveLength(2);
    await s.close();
  });

  it('rejects a second listen()', async () => {
    const { server } = setup();
    await server.listen();
    await expect(server.listen()).rejects.toMatchObject({ code: ErrorCodes.ALREADY_LISTENING });
    await server.close();
  });

  it('passes unref() to the engine created later', async () => {
    const { server, engine } = setup();
    server.unref();
    await server.listen();
    expect(engine().refed).toBe(false);
    server.ref();
    expect(engine().refed).toBe(true);
    await server.close();
  });
});

describe('RtmpServer events', () => {
  it('emits a batch as typed events, in order', async () => {
    const { server, engine } = setup({ logLevel: 'silent' });
    await server.listen();
    const seen: string[] = [];
    for (const name of ['connect', 'publish', 'metadata', 'play', 'stop', 'unpublish', 'disconnect'] as const) {
      server.on(name, (e: { sessionId: number }) => seen.push(`${name}:${e.sessionId}`));
    }
    engine().deliver([
      nativeEvent({ kind: 'connect', sessionId: 1 }),
      nativeEvent({ kind: 'publish', sessionId: 1, stream: 'cam' }),
      nativeEvent({ kind: 'connect', sessionId: 2 }),
      nativeEvent({ kind: 'metadata', sessionId: 1, stream: 'cam' }),
      nativeEvent({ kind: 'play', sessionId: 2, stream: 'cam' }),
    ]);
    engine().deliver([
      nativeEvent({ kind: 'stop', sessionId: 2, stream: 'cam' }),
      nativeEvent({ kind: 'unpublish', sessionId: 1, stream: 'cam' }),
      nativeEvent({ kind: 'disconnect', sessionId: 2 }),
      nativeEvent({ kind: 'disconnect', sessionId: 1 }),
    ]);
    expect(seen).toEqual([
      'connect:1',
      'publish:1',
      'connect:2',
      'metadata:1',
      'play:2',
      'stop:2',
      'unpublish:1',
      'disconnect:2',
      'disconnect:1',
    ]);
    await server.close();
  });

  it('gives listeners the typed payload', async () => {
    const { server, engine } = setup({ logLevel: 'silent' });
    await server.listen();
    const got: unknown[] = [];
    server.on('publish', (e) => got.push({ path: e.path, query: e.query, video: e.codec.video }));
    engine().deliver([nativeEvent({ kind: 'publish', app: 'live', stream: 'cam', query: 'key=k1' })]);
    expect(got).toEqual([{ path: 'live/cam', query: { key: 'k1' }, video: null }]);
    await server.close();
  });

  it('keeps emitting the batch when a listener throws, then rethrows on the next tick', async () => {
    const { server, engine } = setup({ logLevel: 'silent' });
    await server.listen();
    const seen: number[] = [];
    server.on('connect', (e) => {
      seen.push(e.sessionId);
      if (e.sessionId === 1) throw new Error('listener bug');
    });
    const ticks: Array<() => void> = [];
    const spy = jest.spyOn(process, 'nextTick').mockImplementation(((fn: () => void) => {
      ticks.push(fn);
    }) as typeof process.nextTick);
    try {
      engine().deliver([nativeEvent({ kind: 'connect', sessionId: 1 }), nativeEvent({ kind: 'connect', sessionId: 2 })]);
    } finally {
      spy.mockRestore();
    }
    expect(seen).toEqual([1, 2]);
    expect(ticks).toHaveLength(1);
    expect(() => ticks[0]?.()).toThrow('listener bug');
    await server.close();
  });

  it('does not throw a session error nobody listens for, but logs it', async () => {
    const { server, engine, logs } = setup();
    await server.listen();
    expect(() =>
      engine().deliver([nativeEvent({ kind: 'error', sessionId: 5, code: 'ERR_RTMP_MALFORMED', reason: 'bad chunk' })]),
    ).not.toThrow();
    expect(logs()).toContainEqual(
      expect.objectContaining({ level: 40, msg: 'session error', sessionId: 5, code: 'ERR_RTMP_MALFORMED', reason: 'bad chunk' }),
    );
    await server.close();
  });

  it('emits session errors to an error listener', async () => {
    const { server, engine } = setup({ logLevel: 'silent' });
    await server.listen();
    const errors: RtmpEngineError[] = [];
    server.on('error', (e) => errors.push(e));
    engine().deliver([nativeEvent({ kind: 'error', sessionId: 5, code: 'ERR_RTMP_TIMEOUT', reason: 'idle' })]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'ERR_RTMP_TIMEOUT', message: 'idle', sessionId: 5 });
    await server.close();
  });

  it('sends native log lines through the logger and the log event', async () => {
    const { server, engine, logs } = setup({ logLevel: 'debug' });
    await server.listen();
    const events: unknown[] = [];
    server.on('log', (e) => events.push(e));
    engine().deliver([
      nativeEvent({ kind: 'log', sessionId: 0, level: 20, component: 'net', message: 'accepted fd 12' }),
      nativeEvent({ kind: 'log', sessionId: 3, level: 10, component: 'session', message: 'too verbose' }),
      nativeEvent({
        kind: 'log',
        sessionId: 4,
        level: 20,
        component: 'session',
        message: 'handshake done',
        app: 'live',
        ip: '10.0.0.2',
        port: 5000,
      }),
    ]);
    expect(logs()).toContainEqual(expect.objectContaining({ level: 20, component: 'net', msg: 'accepted fd 12' }));
    expect(logs()).toContainEqual(
      expect.objectContaining({ level: 20, sessionId: 4, stream: 'live', remote: '10.0.0.2:5000', msg: 'handshake done' }),
    );
    expect(logs().some((l) => l.msg === 'too verbose')).toBe(false);
    expect(events).toHaveLength(3);
    await server.close();
  });

  it('logs session lifecycle lines with sessionId, stream and reason', async () => {
    const { server, engine, logs } = setup();
    await server.listen();
    engine().deliver([nativeEvent({ kind: 'disconnect', sessionId: 8, stream: 'cam', reason: 'kicked' })]);
    expect(logs()).toContainEqual(
      expect.objectContaining({ msg: 'session disconnected', sessionId: 8, stream: 'live/cam', reason: 'kicked' }),
    );
    await server.close();
  });
});

describe('RtmpServer close', () => {
  it('resolves at once with zeros before listen(), and listen() then fails', async () => {
    const { server, engines } = setup();
    await expect(server.close()).resolves.toEqual({ publishers: 0, players: 0, forced: 0 });
    await expect(server.listen()).rejects.toMatchObject({ code: ErrorCodes.SERVER_CLOSED });
    expect(engines).toHaveLength(0);
  });

  it('is idempotent: every call returns the same promise', async () => {
    const { server } = setup({ logLevel: 'silent' });
    await server.listen();
    const a = server.close();
    const b = server.close({ graceMs: 1 });
    expect(b).toBe(a);
    await a;
  });

  it('counts who left within the grace period and who was forced', async () => {
    const { server, engine } = setup({ logLevel: 'silent' });
    await server.listen();
    const e = engine();
    e.addSession(1, 'publisher');
    e.addSession(2, 'player');
    e.addSession(3, 'player');
    e.addSession(4, 'unknown');
    e.onBeginShutdown = () => {
      // the publisher and one player leave at once; 3 and 4 hang on
      e.removeSession(1);
      e.removeSession(2);
    };
    e.pendingAtStop = [nativeEvent({ kind: 'disconnect', sessionId: 3 }), nativeEvent({ kind: 'disconnect', sessionId: 4 })];
    const disconnected: number[] = [];
    server.on('disconnect', (d) => disconnected.push(d.sessionId));
    const result = await withTimeout('close', server.close({ graceMs: 50 }));
    expect(result).toEqual({ publishers: 1, players: 1, forced: 2 });
    expect(e.shutdownBegun).toBe(true);
    expect(e.stopped).toBe(true);
    // the events handed back by stop() were emitted before close() resolved
    expect(disconnected).toEqual([3, 4]);
    expect(server.address()).toBeNull();
  });

  it('stops waiting as soon as the last session leaves', async () => {
    const { server, engine } = setup({ logLevel: 'silent' });
    await server.listen();
    const e = engine();
    e.addSession(1, 'player');
    e.onBeginShutdown = () => {
      setTimeout(() => {
        e.removeSession(1);
        e.deliver([nativeEvent({ kind: 'disconnect', sessionId: 1 })]);
      }, 5);
    };
    // grace far beyond the test timeout: resolving proves it did not wait for it
    const result = await withTimeout('close', server.close({ graceMs: 10 * 60_000 }), 5000);
    expect(result).toEqual({ publishers: 0, players: 1, forced: 0 });
  });

  it('with graceMs 0 forces everyone still there', async () => {
    const { server, engine } = setup({ logLevel: 'silent' });
    await server.listen();
    engine().addSession(1, 'publisher');
    engine().addSession(2, 'player');
    await expect(server.close({ graceMs: 0 })).resolves.toEqual({ publishers: 0, players: 0, forced: 2 });
  });

  it('rejects a bad graceMs', async () => {
    const { server } = setup();
    await expect(server.close({ graceMs: -1 })).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTIONS });
  });

  it('answers snapshots and kick with nothing once closed', async () => {
    const { server, engine } = setup({ logLevel: 'silent' });
    await server.listen();
    engine().addSession(1, 'publisher');
    expect(server.sessions()).toHaveLength(1);
    expect(server.sessions()[0]).toMatchObject({ id: 1, role: 'publisher', path: 'live/cam' });
    expect(server.kick(1)).toBe(true);
    expect(engine().kicked).toEqual([{ id: 1, reason: 'kicked' }]);
    await server.close({ graceMs: 0 });
    expect(server.sessions()).toEqual([]);
    expect(server.streams()).toEqual([]);
    expect(server.kick(1)).toBe(false);
  });

  it('stopNow() (the exit guard) stops the engine synchronously', async () => {
    const { server, engine } = setup({ logLevel: 'silent' });
    await server.listen();
    server.stopNow();
    expect(engine().stopped).toBe(true);
    await expect(server.close()).resolves.toEqual({ publishers: 0, players: 0, forced: 0 });
  });
});
