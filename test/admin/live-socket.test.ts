/**
 * Live stats over the WebSocket (/api/v1/ws) with real RTMP sessions: a
 * snapshot on connect and then periodically, lifecycle events in the order
 * they happened, the stream filter, the same access rule as the REST API
 * (token in the header or as access_token, 401 without), authDenied and kick
 * events, and a client that stops reading dropped instead of buffered.
 */
import * as http from 'http';
import * as net from 'net';
import { WebSocket } from 'ws';

import { createAdminHandler, type RtmpServer } from '../../lib';
import { describeWithAddon } from '../helpers/addon';
import { RtmpTestClient } from '../helpers/rtmp-test-client';
import { closeAllTestServers, testServer } from '../helpers/servers';
import { withTimeout } from '../helpers/wait';

jest.setTimeout(60_000);

interface Message {
  type: string;
  name?: string;
  path?: string;
  streams?: Array<{ path: string; viewers: { rtmp: number } }>;
  [key: string]: unknown;
}

/** A connected client that records every message. */
async function connect(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; messages: Message[] }> {
  const ws = new WebSocket(url, { headers });
  const messages: Message[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as Message));
  await withTimeout('the WebSocket to open', new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  }), 10_000);
  return { ws, messages };
}

/** The HTTP status a refused upgrade answered with. */
function refusedStatus(url: string): Promise<number> {
  return withTimeout('the refusal', new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => reject(new Error('the upgrade was accepted')));
    ws.once('error', () => undefined);
  }), 10_000);
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const events = (messages: Message[]) => messages.filter((m) => m.type === 'event');

/** publish() plus one audio frame: the engine announces a publish on its first media frame. */
async function publishWithMedia(client: RtmpTestClient, name: string): Promise<void> {
  await client.publish(name);
  client.sendAacAudio();
}

describeWithAddon('admin live stats (/api/v1/ws)', () => {
  const sockets: WebSocket[] = [];
  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await closeAllTestServers();
  });

  async function start(options: Parameters<typeof testServer>[0] = {}): Promise<{ server: RtmpServer; rtmp: number; http: number }> {
    const server = testServer({ http: { host: '127.0.0.1', port: 0 }, ...options });
    const { port, http: httpPort } = await server.listen();
    return { server, rtmp: port, http: httpPort as number };
  }

  it('sends a snapshot at once and then periodically, and the lifecycle events in order', async () => {
    const { rtmp, http: httpPort } = await start();
    const { ws, messages } = await connect(`ws://127.0.0.1:${httpPort}/api/v1/ws`);
    sockets.push(ws);
    await until('hello and the first snapshot', () => messages.filter((m) => m.type === 'stats').length >= 1);
    expect(messages[0]).toMatchObject({ type: 'hello', stream: null });

    const publisher = await RtmpTestClient.connect(rtmp, 'live');
    await publishWithMedia(publisher, 'cam');
    const player = await RtmpTestClient.connect(rtmp, 'live');
    await player.play('cam');
    await until('a snapshot listing the stream with its player', () =>
      messages.some((m) => m.type === 'stats' && m.streams?.some((s) => s.path === 'live/cam' && s.viewers.rtmp === 1)),
    );
    player.destroy();
    await until('the stop', () => events(messages).some((m) => m.name === 'stop'));
    publisher.destroy();
    await until('the unpublish', () => events(messages).some((m) => m.name === 'unpublish'));
    const order = events(messages)
      .filter((m) => m.path === 'live/cam' && ['publish', 'play', 'stop', 'unpublish'].includes(m.name as string))
      .map((m) => m.name);
    expect(order).toEqual(['publish', 'play', 'stop', 'unpublish']);
    const statsSoFar = messages.filter((m) => m.type === 'stats').length;
    await until('two more periodic snapshots', () => messages.filter((m) => m.type === 'stats').length >= statsSoFar + 2);
  });

  it('follows one stream when asked (URL or message)', async () => {
    const { rtmp, http: httpPort } = await start();
    const { ws, messages } = await connect(`ws://127.0.0.1:${httpPort}/api/v1/ws?stream=live/a`);
    sockets.push(ws);
    const b = await RtmpTestClient.connect(rtmp, 'live');
    await publishWithMedia(b, 'b');
    const a = await RtmpTestClient.connect(rtmp, 'live');
    await publishWithMedia(a, 'a');
    await until('the publish of live/a', () => events(messages).some((m) => m.name === 'publish'));
    await until('a snapshot', () => messages.some((m) => m.type === 'stats' && (m.streams?.length ?? 0) > 0));
    expect(events(messages).map((m) => m.path)).toEqual(['live/a']);
    expect(messages.filter((m) => m.type === 'stats').every((m) => m.streams?.every((s) => s.path === 'live/a'))).toBe(true);

    ws.send(JSON.stringify({ subscribe: 'live/b' }));
    await until('the subscription change', () => messages.some((m) => m.type === 'subscribed' && m.stream === 'live/b'));
    const from = messages.length;
    a.destroy();
    b.destroy();
    await until('the unpublish of live/b', () => events(messages.slice(from)).some((m) => m.name === 'unpublish'));
    expect(events(messages.slice(from)).map((m) => m.path)).not.toContain('live/a');
    ws.send('not json');
    await until('an error answer', () => messages.some((m) => m.type === 'error'));
  });

  it('asks for the admin token like the REST API: header or access_token, 401 without', async () => {
    const token = 'live-socket-token-0123456789';
    const { http: httpPort } = await start({ admin: { tokens: [token] } });
    const url = `ws://127.0.0.1:${httpPort}/api/v1/ws`;
    expect(await refusedStatus(url)).toBe(401);
    expect(await refusedStatus(`${url}?access_token=wrong-token-0123456789`)).toBe(401);
    expect(await refusedStatus(`ws://127.0.0.1:${httpPort}/api/v1/nope`)).toBe(404);
    const byHeader = await connect(url, { Authorization: `Bearer ${token}` });
    const byQuery = await connect(`${url}?access_token=${token}`);
    sockets.push(byHeader.ws, byQuery.ws);
    await until('both greeted', () => byHeader.messages.length > 0 && byQuery.messages.length > 0);
    expect(byQuery.messages[0]).toMatchObject({ type: 'hello' });
  });

  it('reports refused publishes (authDenied) and admin kicks', async () => {
    const server = testServer({ http: { host: '127.0.0.1', port: 0 } });
    server.authorize((req) => (req.name === 'denied' ? { allow: false, reason: 'not this one' } : { allow: true }));
    const { port: rtmp, http: httpPort } = await server.listen();
    const { ws, messages } = await connect(`ws://127.0.0.1:${httpPort}/api/v1/ws`);
    sockets.push(ws);
    const refused = await RtmpTestClient.connect(rtmp, 'live');
    await refused.publish('denied').catch(() => undefined);
    await until('authDenied', () => events(messages).some((m) => m.name === 'authDenied'));
    expect(events(messages).find((m) => m.name === 'authDenied')).toMatchObject({
      path: 'live/denied',
      action: 'publish',
      protocol: 'rtmp',
      reason: 'not this one',
    });
    refused.destroy();
    const publisher = await RtmpTestClient.connect(rtmp, 'live');
    await publishWithMedia(publisher, 'ok');
    await until('the publish', () => events(messages).some((m) => m.name === 'publish' && m.path === 'live/ok'));
    const sessionId = events(messages).find((m) => m.name === 'publish' && m.path === 'live/ok')?.sessionId;
    const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/sessions/${String(sessionId)}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    await until('the kick and the disconnect', () =>
      events(messages).some((m) => m.name === 'kick') && events(messages).some((m) => m.name === 'disconnect'),
    );
    expect(events(messages).find((m) => m.name === 'kick')).toMatchObject({ sessionId: String(sessionId), protocol: 'rtmp' });
    publisher.destroy();
  });
});

describeWithAddon('admin live stats: a client that stops reading', () => {
  afterEach(() => closeAllTestServers());

  it('is dropped once its unsent bytes pass the bound, the others stay', async () => {
    const server = testServer();
    const { port: rtmp } = await server.listen();
    // Many streams make each snapshot a few kB; a snapshot every 5 ms fills a stalled socket fast.
    const publishers: RtmpTestClient[] = [];
    for (let i = 0; i < 30; i++) {
      const c = await RtmpTestClient.connect(rtmp, 'live');
      await c.publish(`stream-with-a-long-name-${i}`);
      publishers.push(c);
    }
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (_o: unknown, msg: string) => warnings.push(msg) };
    const admin = createAdminHandler(server, { liveIntervalMs: 5, liveMaxBufferedBytes: 64 * 1024, logger: logger as never });
    const httpServer = http.createServer((req, res) => void admin(req, res));
    httpServer.on('upgrade', (req, socket, head) => {
      if (!admin.upgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const port = (httpServer.address() as net.AddressInfo).port;
    try {
      const reader = await connect(`ws://127.0.0.1:${port}/api/v1/ws`);
      // A raw client that completes the handshake and then never reads again.
      const stalled = net.connect(port, '127.0.0.1');
      await withTimeout('the raw connection', new Promise((r) => stalled.once('connect', r)), 5_000);
      stalled.write(
        'GET /api/v1/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
      await withTimeout('the 101', new Promise((r) => stalled.once('data', r)), 5_000);
      stalled.pause();
      await until('two clients', () => admin.liveClients() === 2, 10_000);
      await until('the stalled client to be dropped', () => admin.liveClients() === 1, 40_000);
      expect(warnings).toContain('admin live stats: client too slow, dropped');
      expect(reader.ws.readyState).toBe(WebSocket.OPEN);
      reader.ws.terminate();
      stalled.destroy();
    } finally {
      admin.close();
      await new Promise((resolve) => httpServer.close(resolve));
      for (const c of publishers) c.destroy();
    }
  });
});
