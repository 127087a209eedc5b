/** Viewer sessions: idle expiry, the per-stream count, the bound, and the ids accepted from players. */
import type { IncomingMessage } from 'http';

import { cmcdSessionId, requestSessionId, ViewerSessions } from '../../lib/http/viewer-sessions';

function req(headers: Record<string, string> = {}): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

describe('ViewerSessions', () => {
  test('counts a session from its second request, per stream, and forgets idle ones', () => {
    let now = 1_000;
    const s = new ViewerSessions({ idleMs: 30_000, now: () => now });
    s.add('aaaaaaaa1', 'live/a', 'hls');
    s.add('aaaaaaaa2', 'live/a', 'dash');
    s.add('bbbbbbbb1', 'live/b', 'hls');
    s.add('cccccccc1', 'live/a', 'hls'); // a one-shot request: never counted
    expect([s.viewers('live/a'), s.viewers('live/b')]).toEqual([0, 0]);
    for (const [id, stream] of [['aaaaaaaa1', 'live/a'], ['aaaaaaaa2', 'live/a'], ['bbbbbbbb1', 'live/b']] as const) {
      expect(s.find(id, stream)).toBeDefined();
    }
    expect([s.viewers('live/a'), s.viewers('live/b'), s.viewers('live/c')]).toEqual([2, 1, 0]);
    expect(s.list().map((v) => v.id).sort()).toEqual(['aaaaaaaa1', 'aaaaaaaa2', 'bbbbbbbb1']);
    now += 20_000;
    expect(s.find('aaaaaaaa1', 'live/a')).toBeDefined(); // touched: stays
    expect(s.find('aaaaaaaa1', 'live/b')).toBeUndefined(); // bound to its stream
    now += 20_000;
    s.sweep();
    expect(s.counts()).toEqual(new Map([['live/a', 1]]));
    expect(s.find('aaaaaaaa2', 'live/a')).toBeUndefined();
    expect(s.find('cccccccc1', 'live/a')).toBeUndefined();
    now += 40_000;
    expect(s.find('aaaaaaaa1', 'live/a')).toBeUndefined();
    expect(s.viewers('live/a')).toBe(0);
    s.close();
  });

  test("idle time is max(the stream's own, idleMs), and one sweep removes every expired session", () => {
    let now = 0;
    const own = new Map([['live/long', 18_000]]); // e.g. 3 × a 6 s target duration
    const s = new ViewerSessions({ idleMs: 10_000, idleMsFor: (stream) => own.get(stream), now: () => now });
    for (let i = 0; i < 1_000; i++) {
      const id = `short-${String(i).padStart(4, '0')}`;
      s.add(id, 'live/short', 'hls');
      s.find(id, 'live/short');
    }
    s.add('long-0001', 'live/long', 'hls');
    s.find('long-0001', 'live/long');
    expect(s.counts()).toEqual(new Map([['live/short', 1_000], ['live/long', 1]]));
    now = 12_000;
    s.sweep(); // all 1000 past 10 s go in one pass; the long one (18 s) stays
    expect(s.counts()).toEqual(new Map([['live/long', 1]]));
    now = 19_000;
    s.sweep();
    expect(s.counts()).toEqual(new Map());
    s.close();
  });

  test('past maxSessions the least recently seen goes', () => {
    let now = 0;
    const s = new ViewerSessions({ maxSessions: 2, now: () => now++ });
    s.add('session-1', 'live/a', 'hls');
    s.add('session-2', 'live/a', 'hls');
    s.find('session-1', 'live/a');
    s.add('session-3', 'live/a', 'hls');
    expect(s.find('session-2', 'live/a')).toBeUndefined();
    expect(s.find('session-1', 'live/a')).toBeDefined();
    expect(s.find('session-3', 'live/a')).toBeDefined();
    expect(s.viewers('live/a')).toBe(2);
    s.close();
  });
});

describe('session ids from requests', () => {
  test('ours first, then CMCD from the query or the header; malformed ids are ignored', () => {
    expect(requestSessionId(new URLSearchParams('session=abcdefgh12'), req())).toBe('abcdefgh12');
    expect(requestSessionId(new URLSearchParams('session=x'), req())).toBeUndefined();
    expect(cmcdSessionId(new URLSearchParams('CMCD=bl%3D200%2Csid%3D%22my-session-1%22'), req())).toBe('my-session-1');
    expect(cmcdSessionId(new URLSearchParams(''), req({ 'cmcd-session': 'cid="c",sid="6e2fb550-c457"' }))).toBe('6e2fb550-c457');
    expect(cmcdSessionId(new URLSearchParams(''), req({ 'cmcd-session': 'sid="bad id with spaces"' }))).toBeUndefined();
  });
});
