// The bookkeeping behind the counters, without an engine: totals never fall
// when sessions leave, nothing is counted twice, stream labels stay bounded
// and sticky, and event-derived counters classify as documented.
import type { NativeEvent } from '../../types/native';
import { EventCounters } from '../../lib/metrics/event-counters';
import { OTHER_STREAMS, StreamLabels } from '../../lib/metrics/stream-labels';
import { TrafficLedger } from '../../lib/metrics/traffic-ledger';
import type { SessionInfo } from '../../lib/snapshots';

const noDrops = { malformed: 0, empty: 0, tooLarge: 0, notPublishing: 0, authDenied: 0, authOverflow: 0, metadataTooLarge: 0 };

function session(id: number, stream: string, bytesIn: number, bytesOut: number, extra: Partial<SessionInfo> = {}): SessionInfo {
  return {
    id,
    ip: '127.0.0.1',
    port: 1000 + id,
    protocol: 'rtmp',
    role: stream ? 'publisher' : 'unknown',
    app: 'live',
    stream,
    path: stream ? `live/${stream}` : 'live',
    connectedAtMs: 0,
    bytesIn,
    bytesOut,
    droppedFrames: 0,
    droppedVideo: 0,
    droppedAudio: 0,
    ingestDrops: { ...noDrops },
    loop: 0,
    waiting: false,
    ...extra,
  };
}

const live = (...names: string[]) => new Set(names.map((n) => `live/${n}`));

describe('TrafficLedger', () => {
  it('adds growth only, and a leaving session adds its last bytes instead of taking its total away', () => {
    const ledger = new TrafficLedger(10);
    ledger.update([session(1, 'a', 100, 10), session(2, 'b', 50, 0)], live('a', 'b'));
    expect(ledger.totals).toMatchObject({ bytesIn: 150, bytesOut: 10 });
    ledger.update([session(1, 'a', 300, 20), session(2, 'b', 60, 0)], live('a', 'b'));
    expect(ledger.totals).toMatchObject({ bytesIn: 360, bytesOut: 20 });
    // Session 2 leaves with 80 bytes in: 20 more, then it is not listed again.
    ledger.end({ sessionId: 2, app: 'live', stream: 'b', bytesIn: 80, bytesOut: 0 });
    ledger.update([session(1, 'a', 300, 20)], live('a'));
    expect(ledger.totals).toMatchObject({ bytesIn: 380, bytesOut: 20 });
    expect(ledger.followed()).toBe(1);
  });

  it('ignores a session a scrape still lists after its disconnect (no double count)', () => {
    const ledger = new TrafficLedger(10);
    ledger.end({ sessionId: 7, app: 'live', stream: 'a', bytesIn: 500, bytesOut: 0 });
    ledger.update([session(7, 'a', 500, 0)], live('a'));
    expect(ledger.totals.bytesIn).toBe(500);
    expect(ledger.followed()).toBe(0);
  });

  it('keeps per-stream series for at most maxStreams streams, the rest under _other', () => {
    const ledger = new TrafficLedger(2);
    const sessions = ['a', 'b', 'c', 'd'].map((n, i) => session(i + 1, n, 10 * (i + 1), 0));
    ledger.update(sessions, live('a', 'b', 'c', 'd'));
    const traffic = ledger.streamTraffic();
    expect([...traffic.keys()].sort()).toEqual(['_other', 'live/a', 'live/b']);
    expect(traffic.get(OTHER_STREAMS)?.bytesIn).toBe(30 + 40);
    // a ends: its label goes back and the first stream asking (c, summed under _other so far) takes it;
    // _other keeps what it counted (a counter never falls), e joins it.
    ledger.update([...sessions.slice(1), session(5, 'e', 5, 0)], live('b', 'c', 'd', 'e'));
    expect([...ledger.streamTraffic().keys()].sort()).toEqual(['_other', 'live/b', 'live/c']);
    expect(ledger.streamTraffic().get(OTHER_STREAMS)?.bytesIn).toBe(30 + 40 + 5);
  });

  it('counts player and ingest drops by growth', () => {
    const ledger = new TrafficLedger(10);
    ledger.update([session(1, 'a', 0, 0, { droppedVideo: 3, ingestDrops: { ...noDrops, empty: 2 } })], live('a'));
    ledger.update([session(1, 'a', 0, 0, { droppedVideo: 5, droppedAudio: 1, ingestDrops: { ...noDrops, empty: 2 } })], live('a'));
    expect(ledger.totals.droppedVideo).toBe(5);
    expect(ledger.totals.droppedAudio).toBe(1);
    expect(ledger.totals.ingestDrops[1]).toBe(2);
  });
});

describe('StreamLabels', () => {
  it('is bounded, sticky while live, and frees labels of streams that are gone', () => {
    const labels = new StreamLabels(1);
    expect(labels.labelOf('x/1')).toBe('x/1');
    expect(labels.labelOf('x/2')).toBe(OTHER_STREAMS);
    expect(labels.labelOf('x/1')).toBe('x/1');
    expect(labels.keepOnly(new Set(['x/2']))).toEqual(['x/1']);
    expect(labels.labelOf('x/2')).toBe('x/2');
  });
});

function event(kind: string, fields: Record<string, unknown>): NativeEvent {
  return { kind, sessionId: 1, ip: '127.0.0.1', port: 1, tls: false, app: 'live', stream: '', query: '', ...fields } as NativeEvent;
}

describe('EventCounters', () => {
  it('counts connects by protocol and bounds close codes', () => {
    const c = new EventCounters();
    const closed = (sessionId: number, code: string, tls = false) =>
      c.observe(event('disconnect', { sessionId, code, tls, reason: 'x', bytesIn: 0, bytesOut: 0 }));
    c.observe(event('connect', { sessionId: 3, tls: true, tcUrl: '', flashVer: '' }));
    expect(c.connects.sum({ protocol: 'rtmps' })).toBe(1);
    closed(1, 'ERR_RTMP_HANDSHAKE_VERSION');
    closed(2, 'ERR_RTMP_TLS', true);
    closed(3, 'ERR_RTMP_TLS', true);
    closed(4, 'not a code');
    expect(c.closes.sum({ code: 'ERR_RTMP_TLS' })).toBe(2);
    expect(c.closes.sum({ code: 'ERR_RTMP_HANDSHAKE_VERSION' })).toBe(1);
    expect(c.closes.sum({ code: 'other' })).toBe(1);
  });
});
