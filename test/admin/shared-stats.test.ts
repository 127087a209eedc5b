/**
 * One engine read shared by every consumer (lib/metrics/shared-stats.ts):
 * with a fake clock, the sampler plus several consumers per second make one
 * read per second; a read older than ~1 s is made again once and shared; a
 * lifecycle event makes the next consumer read; nothing reads without a
 * consumer. Then with a real server: a live stats WebSocket and a crowd of
 * concurrent REST and /metrics requests cost a handful of engine reads, not
 * one per request.
 */
import { EventEmitter } from 'events';
import * as http from 'http';
import { WebSocket } from 'ws';

import { StatsSampler } from '../../lib/admin/stats-sampler';
import { SharedStats, sharedStats } from '../../lib/metrics/shared-stats';
import type { ServerStats } from '../../lib/server';
import { noHandshakeFailures, noIpRefusals, noLimitRefusals } from '../../lib/snapshots';
import { describeWithAddon } from '../helpers/addon';
import { RtmpTestClient } from '../helpers/rtmp-test-client';
import { closeAllTestServers, testServer } from '../helpers/servers';
import { withTimeout } from '../helpers/wait';

jest.setTimeout(60_000);

function emptyStats(): ServerStats {
  return {
    sessions: [],
    streams: [],
    acceptedTotal: 0,
    ioThreads: 1,
    limitRefusals: noLimitRefusals(),
    handshakeFailures: noHandshakeFailures(),
    ipRefusals: noIpRefusals(),
    loops: [],
  };
}

describe('SharedStats (fake clock)', () => {
  it('the sampler and four other consumers each second: one engine read per second', () => {
    let now = 10_000;
    let reads = 0;
    const shared = new SharedStats(() => (reads++, emptyStats()), 1_000, () => now);
    const sampler = new StatsSampler(
      { stats: () => emptyStats(), snapshot: (age) => shared.get(age), viewerCounts: () => new Map(), now: () => now },
      300,
    );
    for (let second = 0; second < 10; second++) {
      const base = 10_000 + second * 1_000;
      now = base;
      sampler.tick();
      // The WebSocket snapshot, a scrape and two REST answers at different points of the second.
      for (const offset of [100, 400, 700, 999]) {
        now = base + offset;
        shared.get();
      }
    }
    expect(reads).toBe(10);
    expect(shared.reads()).toBe(10);
  });

  it('a read older than the limit is made again once, and the consumers after it share it', () => {
    let now = 0;
    let reads = 0;
    const shared = new SharedStats(() => (reads++, emptyStats()), 1_000, () => now);
    shared.get();
    now = 1_500;
    const a = shared.get();
    const b = shared.get();
    now = 2_400;
    const c = shared.get();
    expect(reads).toBe(2);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(a.at).toBe(1_500);
  });

  it('a lifecycle event of the source makes the next consumer read', () => {
    const source = Object.assign(new EventEmitter(), { stats: jest.fn(emptyStats) });
    const shared = sharedStats(source);
    expect(sharedStats(source)).toBe(shared);
    shared.get();
    shared.get();
    expect(source.stats).toHaveBeenCalledTimes(1);
    source.emit('disconnect', {});
    shared.get();
    shared.get();
    expect(source.stats).toHaveBeenCalledTimes(2);
  });

  it('nothing reads while nothing asks', () => {
    const source = { stats: jest.fn(emptyStats) };
    const shared = sharedStats(source);
    expect(shared.peek()).toBeUndefined();
    expect(source.stats).not.toHaveBeenCalled();
  });
});

function get(port: number, path: string): Promise<number> {
  return withTimeout(
    `GET ${path}`,
    new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
        .on('error', reject);
    }),
    15_000,
  );
}

describeWithAddon('shared engine read (real server)', () => {
  afterEach(() => closeAllTestServers());

  it('a WebSocket and 20 concurrent REST/metrics consumers cost about one engine read per second', async () => {
    const server = testServer({ http: { host: '127.0.0.1', port: 0 } });
    const { port: rtmp, http } = await server.listen();
    const port = http as number;
    // Sessions to read: one publisher, three players (their events settle before counting starts).
    const clients: RtmpTestClient[] = [];
    const publisher = await RtmpTestClient.connect(rtmp, 'live');
    clients.push(publisher);
    await publisher.publish('cam');
    publisher.sendAacAudio();
    for (let i = 0; i < 3; i++) {
      const player = await RtmpTestClient.connect(rtmp, 'live');
      clients.push(player);
      await player.play('cam');
    }
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/ws`);
    let snapshots = 0;
    ws.on('message', (d) => {
      if ((JSON.parse(d.toString()) as { type: string }).type === 'stats') snapshots++;
    });
    await withTimeout('the WebSocket to open', new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject))), 10_000);
    try {
      // Let the play/publish events land, then count reads through a wrapped stats().
      await get(port, '/api/v1/streams');
      let reads = 0;
      const original = server.stats.bind(server);
      server.stats = () => {
        reads++;
        return original();
      };
      const startedAt = Date.now();
      const paths = ['/metrics', '/api/v1/streams', '/api/v1/server', '/api/v1/sessions', '/api/v1/streams/live/cam'];
      let answered = 0;
      for (let round = 0; round < 6; round++) {
        const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => get(port, paths[i % paths.length]!)));
        expect(statuses.every((s) => s === 200)).toBe(true);
        answered += statuses.length;
        await new Promise((r) => setTimeout(r, 300));
      }
      const seconds = (Date.now() - startedAt) / 1_000;
      expect(answered).toBe(120);
      expect(snapshots).toBeGreaterThan(0);
      // Reads are at least half a second apart (the sampler's tick shares any read younger
      // than that; the others share one up to 1 s old): one or two per second, against
      // 120 requests and the WebSocket's snapshots.
      expect(reads).toBeGreaterThan(0);
      expect(reads).toBeLessThanOrEqual(2 * Math.ceil(seconds) + 2);
      expect(reads * 10).toBeLessThan(answered);
    } finally {
      ws.terminate();
      for (const c of clients) c.destroy();
    }
  });

  it('no engine read while nothing consumes (metrics on, admin API off, no scrape)', async () => {
    const server = testServer({ http: { host: '127.0.0.1', port: 0 }, admin: { enabled: false } });
    let reads = 0;
    const original = server.stats.bind(server);
    server.stats = () => {
      reads++;
      return original();
    };
    const port = (await server.listen()).http as number;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(reads).toBe(0);
    expect(await get(port, '/metrics')).toBe(200);
    expect(reads).toBe(1);
  });
});
