/**
 * RtmpServer.authorize over a fake engine: authorize events are answered
 * through answerAuth with what the hook decided (or the onError policy), are
 * never emitted, and the engine is told to wait for a hook only when one is set.
 */
import { RtmpEngineError } from '../../lib/errors';
import type { AuthRequest } from '../../lib/auth';
import type { ServerOptions } from '../../lib/options';
import { RtmpServer } from '../../lib/server';
import { type FakeEngine, fakeFactory } from '../helpers/fake-engine';
import { nativeEvent } from '../helpers/native-event';

function setup(options: ServerOptions = {}) {
  const { factory, engines } = fakeFactory();
  const lines: string[] = [];
  const server = new RtmpServer(
    { rtmp: { host: '127.0.0.1', port: 0 }, http: false, ...options },
    { createEngine: factory, writeLog: (l) => lines.push(l), drainPollMs: 5 },
  );
  const engine = (): FakeEngine => engines[engines.length - 1] as FakeEngine;
  const logs = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { server, engine, logs };
}

const request = nativeEvent({
  kind: 'authorize',
  sessionId: 7,
  requestId: 3,
  action: 'publish',
  app: 'live',
  stream: 'cam',
  query: 'token=abc&exp=99',
  tcUrl: 'rtmp://example/live',
  flashVer: 'FMLE/3.0',
  swfUrl: '',
  pageUrl: 'https://example/page',
  ip: '203.0.113.9',
  port: 50123,
});

/** Lets the hook's promise chain run. */
const settle = () => new Promise((r) => setImmediate(r));

describe('RtmpServer.authorize', () => {
  it('tells the engine to wait for a hook only when one is set', async () => {
    const plain = setup();
    await plain.server.listen();
    expect(plain.engine().config.authHook).toBe(false);
    await plain.server.close();

    const hooked = setup();
    hooked.server.authorize(() => ({ allow: true }));
    await hooked.server.listen();
    expect(hooked.engine().config.authHook).toBe(true);
    await hooked.server.close();
  });

  it('gives the hook the request and answers with its decision', async () => {
    const { server, engine } = setup();
    const seen: AuthRequest[] = [];
    server.authorize(async (req) => {
      seen.push(req);
      return { allow: true, name: 'public-cam' };
    });
    const emitted: string[] = [];
    server.on('publish', () => emitted.push('publish'));
    await server.listen();
    engine().onEvents([request]);
    await settle();
    expect(seen).toEqual([
      {
        action: 'publish',
        protocol: 'rtmp',
        app: 'live',
        name: 'cam',
        query: { token: 'abc', exp: '99' },
        tcUrl: 'rtmp://example/live',
        flashVer: 'FMLE/3.0',
        pageUrl: 'https://example/page',
        ip: '203.0.113.9',
        port: 50123,
        tls: false,
        sessionId: 7,
      },
    ]);
    expect(engine().authAnswers).toEqual([{ id: 7, requestId: 3, allow: true, name: 'public-cam', reason: '' }]);
    expect(emitted).toEqual([]);
    await server.close();
  });

  it('passes a denial with its reason and logs it', async () => {
    const { server, engine, logs } = setup();
    server.authorize(() => ({ allow: false, reason: 'bad key' }));
    await server.listen();
    engine().onEvents([request]);
    await settle();
    expect(engine().authAnswers).toEqual([{ id: 7, requestId: 3, allow: false, name: '', reason: 'bad key' }]);
    expect(logs()).toContainEqual(expect.objectContaining({ msg: 'not authorized', reason: 'bad key', sessionId: 7 }));
    await server.close();
  });

  it('denies when the hook throws, logging the error but not telling the client', async () => {
    const { server, engine, logs } = setup();
    server.authorize(async () => {
      throw new Error('database down');
    });
    await server.listen();
    engine().onEvents([request]);
    await settle();
    expect(engine().authAnswers).toEqual([
      { id: 7, requestId: 3, allow: false, name: '', reason: 'authorization failed' },
    ]);
    expect(logs()).toContainEqual(
      expect.objectContaining({ msg: 'authorizer failed', err: 'the authorizer threw: database down' }),
    );
    await server.close();
  });

  it('allows on a failing hook when auth.onError is "allow"', async () => {
    const { server, engine } = setup({ auth: { onError: 'allow' } });
    server.authorize(() => undefined as never);
    await server.listen();
    engine().onEvents([request]);
    await settle();
    expect(engine().authAnswers).toEqual([{ id: 7, requestId: 3, allow: true, name: '', reason: '' }]);
    await server.close();
  });

  it.each([
    [true, ['hls']],
    [false, ['!hls']],
  ])('turns HLS on or off for the publish with hls: %p (taps %p)', async (hls, taps) => {
    const { server, engine } = setup();
    server.authorize(() => ({ allow: true, hls }));
    await server.listen();
    engine().onEvents([request]);
    await settle();
    expect(engine().authAnswers).toEqual([{ id: 7, requestId: 3, allow: true, name: '', reason: '', taps }]);
    await server.close();
  });

  it.each([
    [null],
    [{}],
    [{ allow: 'yes' }],
    [{ allow: true, name: '' }],
    [{ allow: true, name: 5 }],
    [{ allow: true, hls: 'yes' }],
  ])(
    'treats the malformed decision %p as a failure',
    async (decision) => {
      const { server, engine } = setup();
      server.authorize(() => decision as never);
      await server.listen();
      engine().onEvents([request]);
      await settle();
      expect(engine().authAnswers[0]).toMatchObject({ allow: false, reason: 'authorization failed' });
      await server.close();
    },
  );

  it('gives a denial without a reason a generic one', async () => {
    const { server, engine } = setup();
    server.authorize(() => ({ allow: false }) as never);
    await server.listen();
    engine().onEvents([request]);
    await settle();
    expect(engine().authAnswers[0]).toMatchObject({ allow: false, reason: 'not authorized' });
    await server.close();
  });

  it('must be set before listen() and must be a function', async () => {
    const { server } = setup();
    expect(() => server.authorize('nope' as never)).toThrow(RtmpEngineError);
    await server.listen();
    expect(() => server.authorize(() => ({ allow: true }))).toThrow('before listen()');
    await server.close();
  });
});
