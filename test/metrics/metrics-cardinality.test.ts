// Label cardinality stays bounded: 200 live streams (the project's small RTMP
// client publishing AAC, a few with players) give series for at most
// metrics.maxStreams of them plus stream="_other", no label names a session or
// an address, and the per-stream series still add up to the totals.
import type { RtmpServer } from '../../lib';
import { waitUntil } from '../e2e/helpers/server';
import { describeWithAddon } from '../helpers/addon';
import { RtmpTestClient } from '../helpers/rtmp-test-client';
import { closeAllTestServers, testServer } from '../helpers/servers';
import type { Family } from './prom-text-parser';
import { labelValues, scrape, sumOf } from './scrape';

jest.setTimeout(120_000);

const STREAMS = 200;
const MAX_STREAMS = 50;
/** Every label name the engine's families may use (prom-client's own add version/type/space/kind...). */
const OUR_LABELS = new Set(['loop', 'limit', 'rule', 'role', 'protocol', 'code', 'reason', 'action', 'result', 'stream', 'track', 'kind', 'type', 'status', 'outcome', 'le']);

const clients: RtmpTestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await closeAllTestServers();
});

/** Runs `fn` for 0..n-1, `width` at a time (the pending-connection budget per address is 16). */
async function inBatches(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < n; start += width) {
    await Promise.all(Array.from({ length: Math.min(width, n - start) }, (_, k) => fn(start + k)));
  }
}

describeWithAddon('metrics label cardinality', () => {
  it(`stays bounded with ${STREAMS} streams (maxStreams ${MAX_STREAMS})`, async () => {
    const server: RtmpServer = testServer({
      http: { host: '127.0.0.1', port: 0 },
      hls: false,
      limits: { maxPublishers: 0 },
      metrics: { maxStreams: MAX_STREAMS },
    });
    const { port, http } = await server.listen();
    await inBatches(STREAMS, 10, async (i) => {
      const c = await RtmpTestClient.connect(port, 'live');
      clients.push(c);
      await c.publish(`s${i}`);
      c.sendAacAudio();
    });
    // A player on each of 10 streams: s0, s20, s40 among the first MAX_STREAMS published (labelled), 7 past them.
    await inBatches(10, 10, async (i) => {
      const c = await RtmpTestClient.connect(port, 'live');
      clients.push(c);
      await c.play(`s${i * 20}`);
    });
    await waitUntil(() => server.streams().length === STREAMS, `${STREAMS} streams published`);
    await waitUntil(() => server.sessions().filter((s) => s.role === 'player').length === 10, '10 players');

    const families = await scrape(http as number);
    expect(sumOf(families, 'rtmp_engine_streams')).toBe(STREAMS);
    expect(sumOf(families, 'rtmp_engine_sessions', { role: 'publisher' })).toBe(STREAMS);

    const checkBounded = (f: Map<string, Family>) => {
      for (const family of f.values()) {
        if (!family.name.startsWith('rtmp_engine_')) continue;
        for (const s of family.samples) {
          const extra = Object.keys(s.labels).filter((l) => !OUR_LABELS.has(l));
          expect({ family: family.name, extra }).toEqual({ family: family.name, extra: [] });
        }
        const streams = new Set(labelValues(f, family.name, 'stream'));
        expect(streams.size).toBeLessThanOrEqual(MAX_STREAMS + 1);
      }
    };
    checkBounded(families);
    const received = new Set(labelValues(families, 'rtmp_engine_stream_received_bytes_total', 'stream'));
    expect(received.size).toBe(MAX_STREAMS + 1);
    expect(received.has('_other')).toBe(true);
    // Nothing is lost to the bound: the stream series add up to the totals.
    expect(sumOf(families, 'rtmp_engine_stream_received_bytes_total')).toBe(sumOf(families, 'rtmp_engine_received_bytes_total'));
    expect(sumOf(families, 'rtmp_engine_stream_players')).toBe(10);
    expect(sumOf(families, 'rtmp_engine_stream_players', { stream: '_other' })).toBe(7);
    expect(sumOf(families, 'rtmp_engine_stream_players', { stream: 'live/s20' })).toBe(1);

    // Half the publishers leave: their labels are freed and taken by streams summed under _other so far.
    for (const c of clients.splice(0, STREAMS / 2)) c.destroy();
    await waitUntil(() => server.streams().length === STREAMS / 2, `${STREAMS / 2} streams left`);
    const later = await scrape(http as number);
    checkBounded(later);
    expect(sumOf(later, 'rtmp_engine_streams')).toBe(STREAMS / 2);
    expect(new Set(labelValues(later, 'rtmp_engine_stream_players', 'stream')).size).toBeLessThanOrEqual(MAX_STREAMS + 1);
    expect(sumOf(later, 'rtmp_engine_received_bytes_total')).toBeGreaterThanOrEqual(sumOf(families, 'rtmp_engine_received_bytes_total'));
    expect(server.metricsState.traffic.labels.size()).toBeLessThanOrEqual(MAX_STREAMS);
  });
});
