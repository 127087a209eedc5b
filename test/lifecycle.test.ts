/** listen/close, events from a real engine, snapshots, kick. Loopback, port 0 only. */
import { ErrorCodes, RtmpEngineError } from '../lib/errors';
import { describeWithAddon } from './helpers/addon';
import { RtmpTestClient } from './helpers/rtmp-test-client';
import {
  closeAllTestServers,
  connectionRefused,
  holdPort,
  nextEvent,
  recordEvents,
  testServer,
} from './helpers/servers';
import { waitFor, withTimeout } from './helpers/wait';

describeWithAddon('server lifecycle', () => {
  const clients: RtmpTestClient[] = [];
  async function client(port: number, app = 'live'): Promise<RtmpTestClient> {
    const c = await RtmpTestClient.connect(port, app);
    clients.push(c);
    return c;
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await closeAllTestServers();
  });

  it('listens on port 0, reports the bound port, and frees it on close', async () => {
    const server = testServer();
    const { port } = await server.listen();
    expect(port).toBeGreaterThan(0);
    expect(server.address()).toEqual({ address: '127.0.0.1', family: 'IPv4', port });
    expect(await connectionRefused(port)).toBe(false);
    await expect(server.close()).resolves.toEqual({ publishers: 0, players: 0, forced: 0 });
    expect(server.address()).toBeNull();
    expect(await connectionRefused(port)).toBe(true);
  });

  it('rejects listen() on a taken port with ERR_RTMP_ADDRESS_IN_USE', async () => {
    const held = await holdPort();
    try {
      const server = testServer({ rtmp: { port: held.port } });
      const err = (await server.listen().catch((e: unknown) => e)) as RtmpEngineError;
      expect(err).toBeInstanceOf(RtmpEngineError);
      expect(err.code).toBe(ErrorCodes.ADDRESS_IN_USE);
      expect(err.message).toContain(`127.0.0.1:${held.port}`);
      expect(server.address()).toBeNull();
      await expect(server.close()).resolves.toEqual({ publishers: 0, players: 0, forced: 0 });
    } finally {
      await held.release();
    }
  });

  it('runs two servers side by side in one process', async () => {
    const a = testServer();
    const b = testServer();
    const [pa, pb] = await Promise.all([a.listen(), b.listen()]);
    expect(pa.port).not.toBe(pb.port);
    const ca = await client(pa.port);
    const cb = await client(pb.port);
    await waitFor('a session on each server', () => a.sessions().length === 1 && b.sessions().length === 1);
    ca.destroy();
    cb.destroy();
    await Promise.all([a.close(), b.close()]);
  });

  it('emits connect with the parsed query and the peer address', async () => {
    const server = testServer();
    const { port } = await server.listen();
    const connected = nextEvent(server, 'connect');
    await client(port, 'live?token=abc%20def&exp=1');
    const e = await connected;
    expect(e).toMatchObject({
      app: 'live',
      ip: '127.0.0.1',
      path: 'live',
      query: { token: 'abc def', exp: '1' },
    });
    expect(e.sessionId).toBeGreaterThan(0);
    expect(e.tcUrl).toContain(`127.0.0.1:${port}/live`);
  });

  it('emits publish (with codec info), play, stop, unpublish and disconnect in order', async () => {
    const server = testServer();
    const { port } = await server.listen();
    const seen = recordEvents(server, ['connect', 'publish', 'play', 'stop', 'unpublish', 'disconnect']);
    const publisher = await client(port);
    const published = nextEvent(server, 'publish');
    expect(await publisher.publish('cam?key=k1')).toMatchObject({ code: 'NetStream.Publish.Start' });
    publisher.sendAacAudio();
    const pub = await published;
    expect(pub).toMatchObject({ path: 'live/cam', stream: 'cam', query: { key: 'k1' } });
    expect(pub.codec.audio).toMatchObject({ codec: 'AAC' });

    const player = await client(port);
    const played = nextEvent(server, 'play');
    await player.play('cam');
    expect(await played).toMatchObject({ path: 'live/cam' });

    player.destroy();
    await nextEvent(server, 'disconnect');
    publisher.destroy();
    await waitFor('both sessions gone', () => seen.filter((e) => e.name === 'disconnect').length === 2);
    const ids = { pub: pub.sessionId };
    const forPublisher = seen.filter((e) => e.sessionId === ids.pub).map((e) => e.name);
    expect(forPublisher).toEqual(['connect', 'publish', 'unpublish', 'disconnect']);
    const forPlayer = seen.filter((e) => e.sessionId !== ids.pub).map((e) => e.name);
    expect(forPlayer).toEqual(['connect', 'play', 'stop', 'disconnect']);
  });

  it('lists sessions and streams', async () => {
    const server = testServer();
    const { port } = await server.listen();
    const publisher = await client(port);
    await publisher.publish('cam');
    const player = await client(port);
    await player.play('cam');
    await waitFor('a stream with one player', () => server.streams()[0]?.players === 1);
    const [stream] = server.streams();
    expect(stream).toMatchObject({ path: 'live/cam', app: 'live', stream: 'cam', players: 1 });
    const roles = server.sessions().map((s) => s.role).sort();
    expect(roles).toEqual(['player', 'publisher']);
    const pubSession = server.sessions().find((s) => s.role === 'publisher');
    expect(stream?.publisherId).toBe(pubSession?.id);
    expect(server.stats().acceptedTotal).toBeGreaterThanOrEqual(2);
  });

  it('counts drops by reason in stats(): ingest per stream and publisher, player drops per track', async () => {
    const server = testServer();
    const { port } = await server.listen();
    const publisher = await client(port);
    await publisher.publish('cam');
    const player = await client(port);
    await player.play('cam');
    publisher.sendMedia(9, Buffer.from([0x17])); // AVC tag cut after its first byte: malformed
    publisher.sendMedia(8, Buffer.alloc(0)); // audio with no payload: empty
    publisher.sendAacAudio(); // forwarded
    await waitFor('two ingest drops', () => (server.streams()[0]?.ingestDrops.empty ?? 0) === 1);
    const { streams, sessions } = server.stats();
    const noDrops = { malformed: 0, empty: 0, tooLarge: 0, notPublishing: 0, authDenied: 0, authOverflow: 0, metadataTooLarge: 0 };
    expect(streams[0]?.ingestDrops).toEqual({ ...noDrops, malformed: 1, empty: 1 });
    expect(streams[0]?.gopCache).toEqual(expect.objectContaining({ overflows: 0 }));
    const pub = sessions.find((s) => s.role === 'publisher');
    expect(pub?.ingestDrops).toEqual({ ...noDrops, malformed: 1, empty: 1 });
    const viewer = sessions.find((s) => s.role === 'player');
    expect(viewer).toMatchObject({ droppedVideo: 0, droppedAudio: 0, droppedFrames: 0, ingestDrops: noDrops });
  });

  it('kicks a session by id: the peer is closed and disconnect carries the reason', async () => {
    const server = testServer();
    const { port } = await server.listen();
    const connected = nextEvent(server, 'connect');
    const c = await client(port);
    const { sessionId } = await connected;
    const gone = nextEvent(server, 'disconnect');
    expect(server.kick(sessionId, 'bye now')).toBe(true);
    const d = await gone;
    expect(d.sessionId).toBe(sessionId);
    expect(d.reason).toContain('bye now');
    await withTimeout('the kicked socket to close', c.closed);
    expect(server.kick(sessionId)).toBe(false);
  });

  it('returns false when kicking an unknown session', async () => {
    const server = testServer();
    await server.listen();
    expect(server.kick(987654)).toBe(false);
  });

  it('forwards native log lines to a custom logger', async () => {
    const lines: Array<{ fields: Record<string, unknown>; msg: string }> = [];
    const push = (fields: Record<string, unknown>, msg: string): void => void lines.push({ fields, msg });
    const server = testServer({ logLevel: 'info', logger: { info: push, warn: push, error: push } });
    await server.listen();
    await server.close();
    expect(lines.some((l) => l.msg === 'listening')).toBe(true);
    expect(lines.some((l) => typeof l.fields.component === 'string')).toBe(true);
  });

  it('lets close() be called twice and listen() not after', async () => {
    const server = testServer();
    await server.listen();
    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
    await expect(server.listen()).rejects.toMatchObject({ code: ErrorCodes.SERVER_CLOSED });
  });
});
