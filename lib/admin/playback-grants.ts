/**
 * Playback grants: how the dashboard's player gets past viewer auth.
 *
 * With an authorizer, an HLS/DASH viewer must bring whatever that hook
 * checks (a signed URL, a token); the dashboard's player has none of it, and
 * the server cannot make one the user's hook would accept. So an operator
 * the admin API has authenticated asks it for a playback URL
 * (GET /api/v1/streams/{app}/{name}/playback), and the server signs one
 * itself: `?play_grant=<exp>.<sig>`, good for that one stream, for HLS and
 * DASH only, until `exp`. The viewer-auth path accepts a valid grant before
 * asking the user's authorizer (withPlaybackGrants); anything else, an
 * expired or foreign grant included, goes to the authorizer as before.
 *
 * sig = HMAC-SHA256(key, "rtmp-engine-play-grant-v1\n<app>/<name>\n<exp>"),
 * base64url; the key is 32 random bytes per server, never leaves the
 * process, and dies with it (grants do not survive a restart).
 *
 * The grant only starts a viewer session: the media playlists carry it on
 * (it is part of the viewer's own query), and the session then lives as long
 * as the player keeps reloading, like any other.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'crypto';

import { allow, type AuthRequest, type Authorizer } from '../auth/types';

export const PLAY_GRANT_PARAM = 'play_grant';
/** Long enough to start playing and to recover from a reload; short enough not to be a credential. */
const DEFAULT_GRANT_SECONDS = 600;
const VERSION = 'rtmp-engine-play-grant-v1';
const GRANT = /^(\d{1,11})\.([A-Za-z0-9_-]{43})$/;

export class PlaybackGrants {
  private readonly key = randomBytes(32);

  constructor(private readonly now: () => number = Date.now) {}

  /** A grant for `path` ("app/name"), and when it expires (Unix ms). */
  mint(path: string, seconds = DEFAULT_GRANT_SECONDS): { grant: string; expiresAtMs: number } {
    const exp = Math.floor(this.now() / 1_000) + seconds;
    return { grant: `${exp}.${this.sign(path, exp)}`, expiresAtMs: exp * 1_000 };
  }

  /** Whether `grant` was minted here for `path` and has not expired. */
  verify(path: string, grant: string | undefined): boolean {
    if (grant === undefined) return false;
    const m = GRANT.exec(grant);
    if (!m) return false;
    const exp = Number(m[1]);
    if (exp * 1_000 < this.now()) return false;
    const want = Buffer.from(this.sign(path, exp));
    const got = Buffer.from(m[2] as string);
    return want.length === got.length && timingSafeEqual(want, got);
  }

  private sign(path: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${VERSION}\n${path}\n${exp}`).digest('base64url');
  }
}

const instances = new WeakMap<object, PlaybackGrants>();

/** The grants of a server (one key per server, made on first use). */
export function playbackGrants(server: object): PlaybackGrants {
  let grants = instances.get(server);
  if (!grants) {
    grants = new PlaybackGrants();
    instances.set(server, grants);
  }
  return grants;
}

/**
 * The viewer authorizer with grants in front: an HLS/DASH play that brings a
 * valid grant for its stream is allowed; every other request is the
 * authorizer's. No authorizer: everyone may watch anyway, nothing to wrap.
 */
export function withPlaybackGrants(authorizer: Authorizer | undefined, grants: PlaybackGrants): Authorizer | undefined {
  if (!authorizer) return undefined;
  return (req: AuthRequest) => {
    if (
      req.action === 'play' &&
      (req.protocol === 'hls' || req.protocol === 'dash') &&
      grants.verify(`${req.app}/${req.name}`, req.query[PLAY_GRANT_PARAM])
    ) {
      return allow();
    }
    return authorizer(req);
  };
}
