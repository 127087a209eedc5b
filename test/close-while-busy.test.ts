/**
 * close() with sessions in every state: publishing, playing, mid-handshake,
 * and connections still arriving. Every peer ends up closed, every RTMP
 * session's disconnect is emitted before close() resolves, and the counts add up.
 */
import * as net from 'net';

import { describeWithAddon } from './helpers/addon';
import { openHalfHandshake, RtmpTestClient, socketClosed } from './helpers/rtmp-test-client';
import { closeAllTestServers, nextEvent, testServer } from './helpers/servers';
import { waitFor, withTimeout } from './helpers/wait';

describeWithAddon('close while busy', () => {
  const clients: RtmpTestClient[] = [];
  const sockets: net.Socket[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of sockets.splice(0)) s.destroy();
    await closeAllTestServers();
  });

  async function busyServer() {
    const server = testServer();
    const { port } = await server.listen();
    const publisher = await RtmpTestClient.connect(port, 'live');
    clients.push(publisher);
    const published = nextEvent(server, 'publish');
    await publisher.publish('cam');
    publisher.sendAacAudio();
    await published;
    for (let i = 0; i < 2; i++) {
      const player = await RtmpTestClient.connect(port, 'live');
      clients.push(player);
      await player.play('cam');
    }
    await waitFor('three RTMP sessions', () => server.sessions().filter((s) => s.role !== 'unknown').length === 3);
    return { server, port };
  }

  it('drains publishers, players and half-open handshakes, emitting every disconnect first', async () => {
    const { server, port } = await busyServer();
    for (let i = 0; i < 2; i++) sockets.push(await openHalfHandshake(port));
    const rtmpIds = server.sessions().filter((s) => s.role !== 'unknown').map((s) => s.id);
    const disconnected: number[] = [];
    server.on('disconnect', (d) => disconnected.push(d.sessionId));

    const result = await withTimeout('close()', server.close({ graceMs: 3000 }), 15_000);

    for (const id of rtmpIds) expect(disconnected).toContain(id);
    expect(result.publishers + result.players + result.forced).toBeGreaterThanOrEqual(3);
    expect(result.publishers).toBeLessThanOrEqual(1);
    expect(result.players).toBeLessThanOrEqual(2);
    await withTimeout('every peer to be closed', Promise.all([...clients.map((c) => c.closed), ...sockets.map(socketClosed)]), 5000);
    expect(server.sessions()).toEqual([]);
  });

  it('with graceMs 0 accounts for every publisher and player exactly once', async () => {
    const { server } = await busyServer();
    const result = await withTimeout('close()', server.close({ graceMs: 0 }), 15_000);
    expect(result.publishers + result.players + result.forced).toBe(3);
    await withTimeout('every peer to be closed', Promise.all(clients.map((c) => c.closed)), 5000);
  });

  it('closes while connections are still arriving', async () => {
    const server = testServer();
    const { port } = await server.listen();
    const attempts = Array.from({ length: 20 }, () => {
      const s = net.connect({ port, host: '127.0.0.1' });
      s.on('error', () => undefined);
      s.resume();
      s.on('connect', () => s.write(Buffer.from([3])));
      sockets.push(s);
      return socketClosed(s);
    });
    const result = await withTimeout('close()', server.close({ graceMs: 100 }), 15_000);
    expect(result.publishers + result.players).toBe(0);
    await withTimeout('every connection attempt to end', Promise.all(attempts), 5000);
  });

  it('answers kick, sessions and streams during close without throwing', async () => {
    const { server } = await busyServer();
    const closing = server.close({ graceMs: 2000 });
    expect(typeof server.kick(1)).toBe('boolean');
    expect(Array.isArray(server.sessions())).toBe(true);
    expect(Array.isArray(server.streams())).toBe(true);
    await withTimeout('close()', closing, 15_000);
  });
});
