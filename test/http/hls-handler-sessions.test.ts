/** Viewer sessions: idle expiry, the per-stream count, the bound, and the ids accepted from players. */
import type { IncomingMessage } from 'http';

import { cmcdSessionId, requestSessionId, ViewerSessions } from '../../lib/http/viewer-sessions';

function req(headers: Record<string, string> = {}): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

describe('ViewerSessions', () => {
  test('counts sessions per stream and forgets idle ones', () => {
    let now = 1_000;
    const s = new ViewerSessions({ idleMs: 30_000, now: () => now });
    s.add('aaaaaaaa1', 'live/a', 'hls');
    s.add('aaaaaaaa2', 'live/a', 'dash');
    s.add('bbbbbbbb1', 'live/b', 'hls');
    expect([s.viewers('live/a'), s.viewers('live/b'), s.viewers('live/c')]).toEqual([2, 1, 0]);
    now += 20_000;
    expect(s.find('aaaaaaaa1', 'live/a')).toBeDefined(); // touched: stays
    expect(s.find('aaaaaaaa1', 'live/b')).toBeUndefined(); // bound to its stream
    now += 20_000;
    s.sweep();
    expect(s.counts()).toEqual(new Map([['live/a', 1]]));
    expect(s.find('aaaaaaaa2', 'live/a')).toBeUndefined();
    now += 40_000;
    expect(s.find('aaaaaaaa1', 'live/a')).toBeUndefined();
    expect(s.viewers('live/a')).toBe(0);
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
