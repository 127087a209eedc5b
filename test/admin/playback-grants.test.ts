/**
 * Playback grants (lib/admin/playback-grants.ts): a grant opens HLS/DASH
 * playback of its own stream until it expires, and nothing else; the user's
 * authorizer decides every other request.
 */
import { PLAY_GRANT_PARAM, PlaybackGrants, playbackGrants, withPlaybackGrants } from '../../lib/admin/playback-grants';
import type { AuthRequest } from '../../lib/auth/types';

function request(over: Partial<AuthRequest> = {}): AuthRequest {
  return {
    action: 'play',
    protocol: 'hls',
    app: 'live',
    name: 'cam',
    query: {},
    tcUrl: 'http://127.0.0.1/live/cam/index.m3u8',
    ip: '127.0.0.1',
    port: 1,
    tls: false,
    sessionId: 0,
    ...over,
  };
}

describe('PlaybackGrants', () => {
  it('verifies its own grant for its stream until it expires', () => {
    let now = 1_700_000_000_000;
    const grants = new PlaybackGrants(() => now);
    const { grant, expiresAtMs } = grants.mint('live/cam', 600);
    expect(expiresAtMs).toBe(now + 600_000);
    expect(grants.verify('live/cam', grant)).toBe(true);
    expect(grants.verify('live/other', grant)).toBe(false);
    expect(grants.verify('live/cam', undefined)).toBe(false);
    expect(grants.verify('live/cam', `${grant}x`)).toBe(false);
    // Another expiry with the same signature does not pass.
    const [exp, sig] = grant.split('.') as [string, string];
    expect(grants.verify('live/cam', `${Number(exp) + 3600}.${sig}`)).toBe(false);
    // Another server (another key) does not accept it.
    expect(new PlaybackGrants(() => now).verify('live/cam', grant)).toBe(false);
    now = expiresAtMs + 1_000;
    expect(grants.verify('live/cam', grant)).toBe(false);
  });

  it('one key per server object', () => {
    const a = {};
    expect(playbackGrants(a)).toBe(playbackGrants(a));
    expect(playbackGrants(a)).not.toBe(playbackGrants({}));
  });

  it('in front of an authorizer: a valid grant lets an HLS/DASH play through, everything else is the authorizer\'s', async () => {
    const grants = new PlaybackGrants();
    const calls: AuthRequest[] = [];
    const wrapped = withPlaybackGrants((req) => {
      calls.push(req);
      return { allow: false, reason: 'no token' };
    }, grants);
    expect(wrapped).toBeDefined();
    const authorize = wrapped as NonNullable<typeof wrapped>;
    const { grant } = grants.mint('live/cam');
    const withGrant = { [PLAY_GRANT_PARAM]: grant };
    expect(await authorize(request({ query: withGrant }))).toEqual({ allow: true });
    expect(await authorize(request({ protocol: 'dash', query: withGrant }))).toEqual({ allow: true });
    expect(calls).toHaveLength(0);
    // Not for RTMP, not for publishing, not for another stream, not without it.
    expect((await authorize(request({ protocol: 'rtmp', query: withGrant }))).allow).toBe(false);
    expect((await authorize(request({ action: 'publish', query: withGrant }))).allow).toBe(false);
    expect((await authorize(request({ name: 'two', query: withGrant }))).allow).toBe(false);
    expect((await authorize(request())).allow).toBe(false);
    expect(calls).toHaveLength(4);
    // No authorizer: nothing to get past.
    expect(withPlaybackGrants(undefined, grants)).toBeUndefined();
  });
});
